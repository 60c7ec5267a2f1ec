/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-lint.h"
#include "migrator-runner.h"
#include "migrator-types.h"

G_BEGIN_DECLS

/* `migrator check` (SPEC §5): the lint rules on every revision; then, on a
 * scratch database, for every revision from base to the heads: upgrade,
 * downgrade and compare the schema with the one before, upgrade again and
 * compare with the one after; finally the schema at the heads against
 * schema.sql (when the project has one with any statement in it).
 * @changed: applied revisions whose file changed (from the service's
 * status), reported as "checksum-changed"; may be NULL.
 * Errors are for what stops the check itself (no scratch folder,
 * cancellation); everything found in the project is a finding.
 * Returns: (transfer full) (element-type MigratorFinding) */
GPtrArray *migrator_check_run (MigratorProject    *project,
                               const char *const  *changed,
                               GCancellable       *cancellable,
                               MigratorLogFunc     log,
                               gpointer            user_data,
                               GError            **error);

G_END_DECLS
