/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-database.h"
#include "migrator-graph.h"
#include "migrator-types.h"

G_BEGIN_DECLS

typedef enum {
  MIGRATOR_LOG_LEVEL_DEBUG,
  MIGRATOR_LOG_LEVEL_INFO,
  MIGRATOR_LOG_LEVEL_WARNING,
  MIGRATOR_LOG_LEVEL_ERROR,
} MigratorLogLevel;

typedef void     (*MigratorLogFunc)      (MigratorLogLevel   level,
                                          const char        *message,
                                          gpointer           user_data);
typedef void     (*MigratorProgressFunc) (double             fraction,
                                          const char        *status_text,
                                          gpointer           user_data);
/* Called once the write lock is held and the plan is known, before the
 * first change (never for an empty plan or a dry run): the place for the
 * backup, which then sees exactly the state that is migrated. Sets
 * *@backup_path (or leaves it NULL when no backup was taken). */
typedef gboolean (*MigratorBeforeChangeFunc) (MigratorDatabase  *db,
                                              const char *const *current,
                                              char             **backup_path,
                                              gpointer           user_data,
                                              GError           **error);

typedef struct
{
  MigratorTransactionMode   transaction;
  gboolean                  dry_run;
  GCancellable             *cancellable;
  MigratorLogFunc           log;
  MigratorProgressFunc      progress;
  MigratorBeforeChangeFunc  before_change;
  gpointer                  user_data;
} MigratorRunOptions;

typedef struct
{
  MigratorDirection  direction;
  char             **from;      /* version rows before */
  char             **to;        /* version rows after (a dry run: would be) */
  GPtrArray         *applied;   /* (element-type utf8) revision ids in order */
  char              *backup;    /* backup taken before the change, or NULL */
  gboolean           dry_run;
  GPtrArray         *changes;   /* (element-type utf8) dry run: what would change */
  char              *sql;       /* --sql: the offline script */
  char              *path;      /* restore: the backup restored; merge: the new
                                 * revision file; backup: the new backup */
} MigratorRunResult;

MigratorRunResult *migrator_run_result_new   (MigratorDirection  direction,
                                              const char *const *from);

void               migrator_run_result_free  (MigratorRunResult *self);

/* Upgrades or downgrades the database to @target (SPEC §5 target forms).
 *
 * Turns PRAGMA foreign_keys off outside the transaction (restored after,
 * also on failure), takes the write lock with BEGIN IMMEDIATE, re-reads the
 * version table and plans under the lock (so two processes never apply the
 * same revision twice), runs PRAGMA foreign_key_check before every COMMIT
 * and records every step, failures included, in the history table.
 *
 * Transaction modes: ALL runs the whole plan in one transaction, so the
 * database ends at the start or at the target. PER_REVISION commits each
 * revision on its own: when revision N fails, the revisions before it stay
 * applied and revision N is rolled back entirely. A revision with
 * "transactional: false" commits what came before, runs on its own outside
 * any transaction (with a warning) and the run continues after it.
 *
 * Cancelling @options->cancellable interrupts the running statement
 * (sqlite3_progress_handler) and rolls back: G_IO_ERROR_CANCELLED. */
MigratorRunResult *migrator_runner_run       (MigratorDatabase          *db,
                                              MigratorGraph             *graph,
                                              const char                *target,
                                              MigratorDirection          direction,
                                              const MigratorRunOptions  *options,
                                              GError                   **error);

/* Sets the version rows to @target ("base", "heads", a revision) without
 * running SQL, recording a 'stamp' history row. Rows of other branches
 * stay. */
MigratorRunResult *migrator_runner_stamp     (MigratorDatabase          *db,
                                              MigratorGraph             *graph,
                                              const char                *target,
                                              const MigratorRunOptions  *options,
                                              GError                   **error);

/* The offline script of an upgrade or downgrade from @current to @target
 * (--sql): per transaction BEGIN; the statements; the version table
 * UPDATE/INSERT/DELETE; COMMIT; preceded by the version table's CREATE
 * when @version_table_exists is FALSE. The same SQL that would run:
 * the plan runs on an in-memory copy of the schema of @schema_from (the
 * database, when it exists) or, when NULL, of the revisions replayed up to
 * @current, so that batch statements print as the rebuilds they become. */
char              *migrator_runner_generate_sql (sqlite3                 *schema_from,
                                                 MigratorGraph           *graph,
                                                 const char              *version_table,
                                                 gboolean                 version_table_exists,
                                                 const char *const       *current,
                                                 const char              *target,
                                                 MigratorDirection        direction,
                                                 MigratorTransactionMode  transaction,
                                                 GError                 **error);

/* The backup recorded for the last successful upgrade of @revision_id in
 * the history table, or NULL. */
char              *migrator_runner_find_backup_before (MigratorDatabase *db,
                                                       const char       *revision_id);

/* The error of an irreversible revision in a downgrade (SPEC §3): names
 * the revision, its file and the backup taken before it was applied. */
void               migrator_runner_set_irreversible_error (GError          **error,
                                                           MigratorRevision *revision,
                                                           const char       *backup);

const char        *migrator_direction_to_string (MigratorDirection direction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorRunResult, migrator_run_result_free)

G_END_DECLS
