/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by test-engine.c and test-service.c: temporary projects
 * and a canonical dump of a database's user schema and data. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "migrator-database.h"
#include "migrator-project.h"

/* Three revisions: r1 creates total_table with a row, r2 adds columns and
 * an index, r3 is a data migration. */
#define REV_HEADER(id, parent, msg) \
  "-- revision: " id "\n-- down_revision: " parent "\n-- message: " msg "\n\n"

static const char *const R1 =
  REV_HEADER ("aaaa00000001", "none", "Create total table")
  "-- migrate:upgrade\n"
  "CREATE TABLE total_table (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, total_market_value REAL);\n"
  "INSERT INTO total_table (user_id, total_market_value) VALUES (1, 10.5), (2, 20.0);\n"
  "\n"
  "-- migrate:downgrade\n"
  "DROP TABLE total_table;\n";

static const char *const R2 =
  REV_HEADER ("bbbb00000002", "aaaa00000001", "Add realtime fields")
  "-- migrate:upgrade\n"
  "ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
  "ALTER TABLE total_table ADD COLUMN withdrawable REAL;\n"
  "CREATE INDEX ix_total_user ON total_table (user_id);\n"
  "\n"
  "-- migrate:downgrade\n"
  "DROP INDEX ix_total_user;\n"
  "ALTER TABLE total_table DROP COLUMN withdrawable;\n"
  "ALTER TABLE total_table DROP COLUMN position_percent;\n";

static const char *const R3 =
  REV_HEADER ("cccc00000003", "bbbb00000002", "Fill withdrawable")
  "-- migrate:upgrade\n"
  "UPDATE total_table SET withdrawable = total_market_value / 2;\n"
  "\n"
  "-- migrate:downgrade\n"
  "UPDATE total_table SET withdrawable = NULL;\n";

static inline char *
engine_test_make_project (const char        *config_json,
                          const char *const *files)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *config_path = NULL;
  char *dir = g_dir_make_tmp ("migrator-engine-XXXXXX", &error);

  g_assert_no_error (error);
  versions = g_build_filename (dir, "versions", NULL);
  g_assert_cmpint (g_mkdir (versions, 0755), ==, 0);
  config_path = g_build_filename (dir, "migrator.json", NULL);
  g_file_set_contents (config_path, config_json ? config_json : "{}", -1, &error);
  g_assert_no_error (error);

  for (guint i = 0; files != NULL && files[i] != NULL; i += 2)
    {
      g_autofree char *path = g_build_filename (versions, files[i], NULL);

      g_file_set_contents (path, files[i + 1], -1, &error);
      g_assert_no_error (error);
    }

  return dir;
}

static inline void
engine_test_write_revision (const char *project_dir,
                            const char *name,
                            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (project_dir, "versions", name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static inline void
engine_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          engine_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static inline void
engine_test_exec (const char *db_path,
                  const char *sql)
{
  sqlite3 *db = NULL;
  char *errmsg = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("%s: %s", sql, errmsg);
  sqlite3_close (db);
}

/* Schema text and every row of every table except the history table, in
 * a stable order: equal dumps mean equal schema and data. */
static inline char *
engine_test_dump (const char *db_path)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_EXISTS))
    return g_string_free (out, FALSE);

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT type, name, sql FROM sqlite_schema "
                                       "WHERE name <> 'migrator_history' ORDER BY type, name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_string_append_printf (out, "%s %s: %s\n", sqlite3_column_text (stmt, 0),
                              sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2));
      if (g_str_equal ((const char *) sqlite3_column_text (stmt, 0), "table"))
        g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", (char *) tables->pdata[i]);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_string_append_printf (out, "%s:", (char *) tables->pdata[i]);
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, " %s", sqlite3_column_text (stmt, c) ? (const char *) sqlite3_column_text (stmt, c) : "NULL");
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }

  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static inline char *
engine_test_query_string (const char *db_path,
                          const char *sql)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append (out, sqlite3_column_text (stmt, 0) ? (const char *) sqlite3_column_text (stmt, 0) : "NULL");
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static inline char *
engine_test_versions (const char *db_path)
{
  g_autofree char *exists =
    engine_test_query_string (db_path, "SELECT count(*) FROM sqlite_schema WHERE name = 'alembic_version'");

  if (g_str_equal (exists, "0"))
    return g_strdup ("");
  return engine_test_query_string (db_path, "SELECT version_num FROM alembic_version ORDER BY 1");
}

static inline char *
engine_test_read_file (const char *path,
                       gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}
