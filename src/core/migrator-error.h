/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MIGRATOR_ERROR (migrator_error_quark ())

/* Each code maps to one exit code of SPEC §5 (see migrator_error_exit_code). */
typedef enum {
  MIGRATOR_ERROR_FAILED,    /* the operation failed: exit 1 */
  MIGRATOR_ERROR_DATABASE,  /* SQLite reported an error: exit 1 */
  MIGRATOR_ERROR_LOCKED,    /* another process holds the write lock: exit 1 */
  MIGRATOR_ERROR_IRREVERSIBLE, /* downgrade through a revision without downgrade: exit 1 */
  MIGRATOR_ERROR_USAGE,     /* bad arguments: exit 2 */
  MIGRATOR_ERROR_TARGET,    /* unknown, ambiguous or impossible target: exit 2 */
  MIGRATOR_ERROR_PROJECT,   /* no project, unreadable or invalid migrator.json: exit 3 */
  MIGRATOR_ERROR_REVISION,  /* a revision file is invalid: exit 3 */
  MIGRATOR_ERROR_GRAPH,     /* cycle, duplicate id, missing parent: exit 3 */
} MigratorErrorCode;

GQuark migrator_error_quark     (void);
int    migrator_error_exit_code (const GError *error);

G_END_DECLS
