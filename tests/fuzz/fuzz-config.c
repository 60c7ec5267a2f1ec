/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-config"

#include "config.h"

#include <stdint.h>

#include "migrator-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* migrator.json: a valid file loads and survives a save/load round trip;
 * anything else is an error. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(MigratorConfig) config = NULL;
  g_autoptr(MigratorConfig) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  config = migrator_config_load_data ("migrator.json", (const char *) data, size, &error);
  if (config == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }

  text = migrator_config_to_data (config);
  again = migrator_config_load_data ("migrator.json", text, -1, &error);
  g_assert (error == NULL && again != NULL);
  text_again = migrator_config_to_data (again);
  g_assert (g_strcmp0 (text, text_again) == 0);
  return 0;
}
