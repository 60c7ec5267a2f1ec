/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

#include "migrator-types.h"

G_BEGIN_DECLS

/* One SQLite connection to the managed database plus the names of the
 * version and history tables (SPEC §4). Not thread-safe: a connection is
 * opened and used by one worker at a time. */
typedef struct _MigratorDatabase MigratorDatabase;

/* A row of the history table. Every string may be NULL. */
typedef struct
{
  gint64  id;
  char   *revision;
  char   *direction;    /* "upgrade", "downgrade", "stamp", "restore", "backup" */
  char   *checksum;
  char   *started_at;   /* UTC ISO 8601 */
  char   *finished_at;
  gint64  duration_ms;
  char   *backup;
  char   *tool_version;
  char   *outcome;      /* "ok", "failed", "cancelled" */
  char   *message;
  char   *run_id;       /* the same in every row of one command's run; NULL
                         * in rows older than the column */
} MigratorHistoryEntry;

MigratorHistoryEntry *migrator_history_entry_new  (void);
void                  migrator_history_entry_free (MigratorHistoryEntry *self);

/* Opens @path with busy timeout @lock_timeout_ms. Without @create a missing
 * file is a G_IO_ERROR_NOT_FOUND error. */
MigratorDatabase *migrator_database_open            (const char        *path,
                                                     const char        *version_table,
                                                     const char        *history_table,
                                                     gint64             lock_timeout_ms,
                                                     gboolean           create,
                                                     GError           **error);
void              migrator_database_close           (MigratorDatabase  *self);

sqlite3          *migrator_database_get_handle      (MigratorDatabase  *self);
const char       *migrator_database_get_path        (MigratorDatabase  *self);
const char       *migrator_database_get_version_table (MigratorDatabase *self);
const char       *migrator_database_get_history_table (MigratorDatabase *self);

/* Sets @error from the connection's last error (SQLITE_BUSY/LOCKED become
 * MIGRATOR_ERROR_LOCKED, SQLITE_INTERRUPT G_IO_ERROR_CANCELLED, the rest
 * MIGRATOR_ERROR_DATABASE), prefixed by @context. Returns FALSE. */
gboolean          migrator_database_set_error       (MigratorDatabase  *self,
                                                     int                rc,
                                                     GError           **error,
                                                     const char        *context);
/* Runs @sql (one or more statements without results). */
gboolean          migrator_database_exec            (MigratorDatabase  *self,
                                                     const char        *sql,
                                                     GError           **error);
/* BEGIN IMMEDIATE, waiting lock_timeout_ms; a timeout is MIGRATOR_ERROR_LOCKED. */
gboolean          migrator_database_begin           (MigratorDatabase  *self,
                                                     GError           **error);
gboolean          migrator_database_commit          (MigratorDatabase  *self,
                                                     GError           **error);
/* Rolls back when a transaction is open; never fails. */
void              migrator_database_rollback        (MigratorDatabase  *self);
gboolean          migrator_database_in_transaction  (MigratorDatabase  *self);
gboolean          migrator_database_table_exists    (MigratorDatabase  *self,
                                                     const char        *table);

/* Alembic's exact DDL with the configured name (constraint <table>_pkc). */
char             *migrator_database_version_table_ddl (const char      *table);
gboolean          migrator_database_ensure_version_table (MigratorDatabase *self,
                                                          GError          **error);
/* Version rows, sorted; empty (never NULL on success) without the table. */
char            **migrator_database_read_versions   (MigratorDatabase  *self,
                                                     GError           **error);
/* The statements turning the version rows @from into @to, the way Alembic
 * writes them: UPDATE when one row replaces another, INSERT, DELETE.
 * Returns: (transfer full) (element-type utf8) */
GPtrArray        *migrator_database_version_statements (const char        *table,
                                                        const char *const *from,
                                                        const char *const *to);
gboolean          migrator_database_write_versions  (MigratorDatabase  *self,
                                                     const char *const *from,
                                                     const char *const *to,
                                                     GError           **error);

gboolean          migrator_database_ensure_history_table (MigratorDatabase *self,
                                                          GError          **error);
/* Inserts @entry (its id is ignored); returns the new row id or -1. */
gint64            migrator_database_insert_history  (MigratorDatabase  *self,
                                                     const MigratorHistoryEntry *entry,
                                                     GError           **error);
/* Records @entry in its own small transaction (for failures, after the
 * rollback). Errors are returned, the caller decides whether to warn. */
gboolean          migrator_database_record_history  (MigratorDatabase  *self,
                                                     const MigratorHistoryEntry *entry,
                                                     GError           **error);
/* Every history row, oldest first; empty without the table.
 * Returns: (transfer full) (element-type MigratorHistoryEntry) */
GPtrArray        *migrator_database_list_history    (MigratorDatabase  *self,
                                                     GError           **error);

/* Current UTC time as "YYYY-mm-ddTHH:MM:SS.mmmZ". */
char             *migrator_database_now_iso8601     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorDatabase, migrator_database_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorHistoryEntry, migrator_history_entry_free)

G_END_DECLS
