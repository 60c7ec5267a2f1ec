/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-database"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-database.h"
#include "migrator-error.h"
#include "migrator-sql.h"

struct _MigratorDatabase
{
  sqlite3    *db;
  char       *path;
  char       *version_table;
  char       *history_table;
  gint64      lock_timeout_ms;
  GHashTable *statements;  /* SQL -> sqlite3_stmt, prepared once per connection */
};

MigratorHistoryEntry *
migrator_history_entry_new (void)
{
  MigratorHistoryEntry *self = g_new0 (MigratorHistoryEntry, 1);

  self->id = -1;
  return self;
}

void
migrator_history_entry_free (MigratorHistoryEntry *self)
{
  if (self == NULL)
    return;

  g_free (self->revision);
  g_free (self->direction);
  g_free (self->checksum);
  g_free (self->started_at);
  g_free (self->finished_at);
  g_free (self->backup);
  g_free (self->tool_version);
  g_free (self->outcome);
  g_free (self->message);
  g_free (self->run_id);
  g_free (self);
}

MigratorDatabase *
migrator_database_open (const char  *path,
                        const char  *version_table,
                        const char  *history_table,
                        gint64       lock_timeout_ms,
                        gboolean     create,
                        GError     **error)
{
  g_autoptr(MigratorDatabase) self = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Database %s does not exist"), path);
      return NULL;
    }

  if (create)
    flags |= SQLITE_OPEN_CREATE;

  self = g_new0 (MigratorDatabase, 1);
  self->path = g_strdup (path);
  self->version_table = g_strdup (version_table ? version_table : "alembic_version");
  self->history_table = g_strdup (history_table ? history_table : "migrator_history");
  self->lock_timeout_ms = MAX (lock_timeout_ms, 0);

  rc = sqlite3_open_v2 (path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                   _("Cannot open database %s: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, (int) MIN (self->lock_timeout_ms, G_MAXINT));

  return g_steal_pointer (&self);
}

void
migrator_database_close (MigratorDatabase *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      migrator_database_rollback (self);
      sqlite3_close_v2 (self->db);
    }
  g_free (self->path);
  g_free (self->version_table);
  g_free (self->history_table);
  g_free (self);
}

sqlite3 *
migrator_database_get_handle (MigratorDatabase *self)
{
  return self->db;
}

const char *
migrator_database_get_path (MigratorDatabase *self)
{
  return self->path;
}

const char *
migrator_database_get_version_table (MigratorDatabase *self)
{
  return self->version_table;
}

const char *
migrator_database_get_history_table (MigratorDatabase *self)
{
  return self->history_table;
}

gboolean
migrator_database_set_error (MigratorDatabase  *self,
                             int                rc,
                             GError           **error,
                             const char        *context)
{
  const char *msg = sqlite3_errmsg (self->db);
  int primary = rc & 0xff;

  if (primary == SQLITE_INTERRUPT)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("Operation was cancelled"));
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_LOCKED,
                 _("%s: the database is locked by another process (waited %lld ms)"),
                 context ? context : self->path, (long long) self->lock_timeout_ms);
  else if (context != NULL)
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, "%s: %s", context, msg);
  else
    g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, msg);

  return FALSE;
}

gboolean
migrator_database_exec (MigratorDatabase  *self,
                        const char        *sql,
                        GError           **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  /* The version and history writes go through here: "disk I/O error"
   * alone would not say which file (SPEC §5). */
  if (rc != SQLITE_OK)
    return migrator_database_set_error (self, rc, error, self->path);

  return TRUE;
}

gboolean
migrator_database_begin (MigratorDatabase  *self,
                         GError           **error)
{
  int rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return migrator_database_set_error (self, rc, error, self->path);

  /* SQLite opens a file it may not write (immutable, read-only mount)
   * read-only without a word; say so here, naming it, before a backup is
   * taken or a statement fails with a bare "readonly database". */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      migrator_database_rollback (self);
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                   _("Database %s is read-only: it cannot be changed"), self->path);
      return FALSE;
    }

  return TRUE;
}

gboolean
migrator_database_commit (MigratorDatabase  *self,
                          GError           **error)
{
  int rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf (_("Commit of %s failed"), self->path);

      migrator_database_set_error (self, rc, error, context);
      migrator_database_rollback (self);
      return FALSE;
    }

  return TRUE;
}

void
migrator_database_rollback (MigratorDatabase *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
migrator_database_in_transaction (MigratorDatabase *self)
{
  return !sqlite3_get_autocommit (self->db);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* The statements a run repeats for every revision (history rows, table
 * checks) are prepared once: on a 1,000-revision upgrade, preparing them
 * each time costs more than the version table updates. The caller steps
 * the statement; it is reset and unbound here before being handed out. */
static sqlite3_stmt *
cached_statement (MigratorDatabase  *self,
                  const char        *sql,
                  int               *rc)
{
  sqlite3_stmt *stmt;

  if (self->statements == NULL)
    self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      *rc = SQLITE_OK;
      return stmt;
    }

  *rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (*rc != SQLITE_OK)
    return NULL;
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
migrator_database_table_exists (MigratorDatabase *self,
                                const char       *table)
{
  sqlite3_stmt *stmt;
  gboolean found;
  int rc;

  stmt = cached_statement (self, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", &rc);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  return found;
}

/* Alembic writes its DDL without quotes; keep that for plain names so the
 * schema text is identical, and quote anything else. */
static char *
sql_name (const char *name)
{
  gboolean plain = name[0] != '\0' && (g_ascii_isalpha (name[0]) || name[0] == '_');

  for (const char *p = name; plain && *p; p++)
    plain = g_ascii_isalnum (*p) || *p == '_';

  if (plain)
    return g_strdup (name);

  return migrator_sql_quote_identifier (name);
}

static char *
sql_literal (const char *value)
{
  char *quoted = sqlite3_mprintf ("%Q", value);
  char *ret = g_strdup (quoted);

  sqlite3_free (quoted);
  return ret;
}

char *
migrator_database_version_table_ddl (const char *table)
{
  g_autofree char *name = sql_name (table);
  g_autofree char *pkc = g_strconcat (table, "_pkc", NULL);
  g_autofree char *pkc_name = sql_name (pkc);

  return g_strdup_printf ("CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT %s PRIMARY KEY (version_num))",
                          name, pkc_name);
}

gboolean
migrator_database_ensure_version_table (MigratorDatabase  *self,
                                        GError           **error)
{
  g_autofree char *ddl = NULL;

  if (migrator_database_table_exists (self, self->version_table))
    return TRUE;

  ddl = migrator_database_version_table_ddl (self->version_table);
  return migrator_database_exec (self, ddl, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

char **
migrator_database_read_versions (MigratorDatabase  *self,
                                 GError           **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!migrator_database_table_exists (self, self->version_table))
    return g_new0 (char *, 1);

  name = migrator_sql_quote_identifier (self->version_table);
  sql = g_strdup_printf ("SELECT version_num FROM %s", name);
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      migrator_database_set_error (self, rc, error, self->version_table);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, 0);

      if (value != NULL)
        g_ptr_array_add (rows, g_strdup (value));
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      migrator_database_set_error (self, rc, error, self->version_table);
      return NULL;
    }

  g_ptr_array_sort (rows, compare_strings);
  g_ptr_array_add (rows, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&rows), FALSE);
}

GPtrArray *
migrator_database_version_statements (const char        *table,
                                      const char *const *from,
                                      const char *const *to)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autofree char *name = sql_name (table);
  guint i;

  for (i = 0; from != NULL && from[i] != NULL; i++)
    if (to == NULL || !g_strv_contains (to, from[i]))
      g_ptr_array_add (removed, (gpointer) from[i]);

  for (i = 0; to != NULL && to[i] != NULL; i++)
    if (from == NULL || !g_strv_contains (from, to[i]))
      g_ptr_array_add (added, (gpointer) to[i]);

  for (i = 0; i < MAX (removed->len, added->len); i++)
    {
      g_autofree char *old_value = i < removed->len ? sql_literal (removed->pdata[i]) : NULL;
      g_autofree char *new_value = i < added->len ? sql_literal (added->pdata[i]) : NULL;

      if (old_value != NULL && new_value != NULL)
        g_ptr_array_add (statements,
                         g_strdup_printf ("UPDATE %s SET version_num=%s WHERE %s.version_num = %s;",
                                          name, new_value, name, old_value));
      else if (old_value != NULL)
        g_ptr_array_add (statements,
                         g_strdup_printf ("DELETE FROM %s WHERE %s.version_num = %s;",
                                          name, name, old_value));
      else
        g_ptr_array_add (statements,
                         g_strdup_printf ("INSERT INTO %s (version_num) VALUES (%s);",
                                          name, new_value));
    }

  return statements;
}

gboolean
migrator_database_write_versions (MigratorDatabase  *self,
                                  const char *const *from,
                                  const char *const *to,
                                  GError           **error)
{
  g_autoptr(GPtrArray) statements = NULL;

  if (!migrator_database_ensure_version_table (self, error))
    return FALSE;

  statements = migrator_database_version_statements (self->version_table, from, to);
  for (guint i = 0; i < statements->len; i++)
    if (!migrator_database_exec (self, statements->pdata[i], error))
      return FALSE;

  return TRUE;
}

/* Whether the history table exists, and has the run_id column. */
static gboolean
history_table_shape (MigratorDatabase  *self,
                     gboolean          *exists,
                     gboolean          *has_run_id,
                     GError           **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = cached_statement (self,
                           "SELECT (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1), "
                           "(SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'run_id')",
                           &rc);
  if (stmt == NULL)
    return migrator_database_set_error (self, rc, error, self->history_table);

  sqlite3_bind_text (stmt, 1, self->history_table, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return migrator_database_set_error (self, rc, error, self->history_table);
    }
  *exists = sqlite3_column_int (stmt, 0) > 0;
  *has_run_id = sqlite3_column_int (stmt, 1) > 0;
  sqlite3_reset (stmt);

  return TRUE;
}

gboolean
migrator_database_ensure_history_table (MigratorDatabase  *self,
                                        GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  gboolean exists = FALSE;
  gboolean has_run_id = FALSE;

  if (!history_table_shape (self, &exists, &has_run_id, error))
    return FALSE;
  if (has_run_id)
    return TRUE;

  name = migrator_sql_quote_identifier (self->history_table);
  /* Tables written before run_id existed get it (NULL in the old rows). */
  if (exists)
    sql = g_strdup_printf ("ALTER TABLE %s ADD COLUMN run_id TEXT", name);
  else
    sql = g_strdup_printf ("CREATE TABLE %s (\n"
                           "  id INTEGER PRIMARY KEY,\n"
                           "  revision TEXT,\n"
                           "  direction TEXT NOT NULL CHECK (direction IN "
                           "('upgrade', 'downgrade', 'stamp', 'restore', 'backup')),\n"
                           "  checksum TEXT,\n"
                           "  started_at TEXT NOT NULL,\n"
                           "  finished_at TEXT,\n"
                           "  duration_ms INTEGER,\n"
                           "  backup TEXT,\n"
                           "  tool_version TEXT,\n"
                           "  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'failed', 'cancelled')),\n"
                           "  message TEXT,\n"
                           "  run_id TEXT\n"
                           ")", name);

  return migrator_database_exec (self, sql, error);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static int
insert_history_row (MigratorDatabase            *self,
                    const MigratorHistoryEntry  *entry)
{
  g_autofree char *name = migrator_sql_quote_identifier (self->history_table);
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  sql = g_strdup_printf ("INSERT INTO %s (revision, direction, checksum, started_at, "
                         "finished_at, duration_ms, backup, tool_version, outcome, message, run_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", name);
  stmt = cached_statement (self, sql, &rc);
  if (stmt == NULL)
    return rc;

  bind_text_or_null (stmt, 1, entry->revision);
  bind_text_or_null (stmt, 2, entry->direction);
  bind_text_or_null (stmt, 3, entry->checksum);
  bind_text_or_null (stmt, 4, entry->started_at);
  bind_text_or_null (stmt, 5, entry->finished_at);
  sqlite3_bind_int64 (stmt, 6, entry->duration_ms);
  bind_text_or_null (stmt, 7, entry->backup);
  bind_text_or_null (stmt, 8, entry->tool_version ? entry->tool_version : PACKAGE_VERSION);
  bind_text_or_null (stmt, 9, entry->outcome);
  bind_text_or_null (stmt, 10, entry->message);
  bind_text_or_null (stmt, 11, entry->run_id);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc;
}

gint64
migrator_database_insert_history (MigratorDatabase            *self,
                                  const MigratorHistoryEntry  *entry,
                                  GError                     **error)
{
  int rc = insert_history_row (self, entry);

  /* No table, or one older than run_id: a run makes it right when it
   * starts, but a failure recorded after the rollback, or a backup or
   * restore, may come first. Checked only then: the check costs as much as
   * the insert. Any other error fails the second insert as it did the
   * first. */
  if ((rc & 0xff) == SQLITE_ERROR)
    {
      if (!migrator_database_ensure_history_table (self, error))
        return -1;
      rc = insert_history_row (self, entry);
    }

  if (rc != SQLITE_DONE)
    {
      migrator_database_set_error (self, rc, error, self->history_table);
      return -1;
    }

  return sqlite3_last_insert_rowid (self->db);
}

gboolean
migrator_database_record_history (MigratorDatabase            *self,
                                  const MigratorHistoryEntry  *entry,
                                  GError                     **error)
{
  g_return_val_if_fail (!migrator_database_in_transaction (self), FALSE);

  if (!migrator_database_begin (self, error))
    return FALSE;

  if (migrator_database_insert_history (self, entry, error) < 0)
    {
      migrator_database_rollback (self);
      return FALSE;
    }

  return migrator_database_commit (self, error);
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
migrator_database_list_history (MigratorDatabase  *self,
                                GError           **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean exists = FALSE;
  gboolean has_run_id = FALSE;
  int rc;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_history_entry_free);
  if (!history_table_shape (self, &exists, &has_run_id, error))
    return NULL;
  if (!exists)
    return g_steal_pointer (&entries);

  name = migrator_sql_quote_identifier (self->history_table);
  sql = g_strdup_printf ("SELECT id, revision, direction, checksum, started_at, finished_at, "
                         "duration_ms, backup, tool_version, outcome, message, %s "
                         "FROM %s ORDER BY id", has_run_id ? "run_id" : "NULL", name);
  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      migrator_database_set_error (self, rc, error, self->history_table);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MigratorHistoryEntry *entry = migrator_history_entry_new ();

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->revision = column_strdup (stmt, 1);
      entry->direction = column_strdup (stmt, 2);
      entry->checksum = column_strdup (stmt, 3);
      entry->started_at = column_strdup (stmt, 4);
      entry->finished_at = column_strdup (stmt, 5);
      entry->duration_ms = sqlite3_column_int64 (stmt, 6);
      entry->backup = column_strdup (stmt, 7);
      entry->tool_version = column_strdup (stmt, 8);
      entry->outcome = column_strdup (stmt, 9);
      entry->message = column_strdup (stmt, 10);
      entry->run_id = column_strdup (stmt, 11);
      g_ptr_array_add (entries, entry);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      migrator_database_set_error (self, rc, error, self->history_table);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

char *
migrator_database_now_iso8601 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}
