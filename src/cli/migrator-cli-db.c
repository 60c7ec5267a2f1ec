/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "migrator-sql.h"
#include "migrator-cli-private.h"

static void
set_sqlite_error (GError    **error,
                  const char *path,
                  sqlite3    *db)
{
  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
               "%s: %s", path, db ? sqlite3_errmsg (db) : _("cannot open the database"));
}

static gboolean
table_exists (sqlite3    *db,
              const char *path,
              const char *table,
              gboolean   *exists,
              GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int           rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  *exists = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    set_sqlite_error (error, path, db);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
select_versions (sqlite3    *db,
                 const char *path,
                 const char *table,
                 GStrv      *rows,
                 GError    **error)
{
  g_autofree char *quoted = migrator_sql_quote_identifier (table);
  g_autofree char *sql = g_strdup_printf ("SELECT version_num FROM %s", quoted);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int           rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
        g_ptr_array_add (found, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, path, db);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return FALSE;

  g_ptr_array_sort (found, compare_strings);
  g_ptr_array_add (found, NULL);
  *rows = (GStrv) g_ptr_array_free (g_steal_pointer (&found), FALSE);
  return TRUE;
}

gboolean
migrator_cli_read_version_rows (const char *db_path,
                                const char *version_table,
                                gint64      timeout_ms,
                                GStrv      *rows,
                                GError    **error)
{
  sqlite3 *db = NULL;
  gboolean exists = FALSE;
  gboolean ok;

  g_return_val_if_fail (db_path != NULL, FALSE);
  g_return_val_if_fail (version_table != NULL, FALSE);

  *rows = NULL;
  /* A database that does not exist has no version: never create it. */
  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      *rows = g_new0 (char *, 1);
      return TRUE;
    }

  if (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, db_path, db);
      sqlite3_close (db);
      return FALSE;
    }
  sqlite3_busy_timeout (db, (int) CLAMP (timeout_ms, 0, G_MAXINT));

  ok = table_exists (db, db_path, version_table, &exists, error);
  if (ok && exists)
    ok = select_versions (db, db_path, version_table, rows, error);
  else if (ok)
    *rows = g_new0 (char *, 1);

  sqlite3_close (db);
  return ok;
}
