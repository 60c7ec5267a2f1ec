/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-revision"

#include "config.h"

#include <stdint.h>

#include "migrator-revision.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Any input either parses into a revision whose accessors all work, or
 * fails with an error; never a crash, a leak or a GLib critical. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MigratorRevision) revision = NULL;
  g_autoptr(GError) error = NULL;

  revision = migrator_revision_new_from_data ("versions/fuzz.sql", (const char *) data, size, &error);
  if (revision == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }

  g_assert (error == NULL);
  g_assert (migrator_revision_id_is_valid (migrator_revision_get_id (revision)));
  g_assert (migrator_revision_get_down_revisions (revision) != NULL);
  g_assert (migrator_revision_get_upgrade_statements (revision) != NULL);
  g_assert (migrator_revision_get_checksum (revision) != NULL);
  if (migrator_revision_is_reversible (revision))
    g_assert (migrator_revision_get_downgrade_statements (revision) != NULL);
  return 0;
}
