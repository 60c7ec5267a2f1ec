/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-database.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-project.h"
#include "migrator-runner.h"

#include "engine-test-util.h"

#define ALEMBIC_DDL \
  "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, " \
  "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"

typedef struct
{
  char             *dir;
  char             *db_path;
  MigratorProject  *project;
  MigratorDatabase *db;
  GPtrArray        *warnings;
  GPtrArray        *infos;
  MigratorRunOptions options;
} Fixture;

static void
log_cb (MigratorLogLevel  level,
        const char       *message,
        gpointer          user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (level == MIGRATOR_LOG_LEVEL_WARNING ? f->warnings : f->infos, g_strdup (message));
}

static void
fixture_open (Fixture    *f,
              const char *config,
              const char *const *files)
{
  g_autoptr(GError) error = NULL;

  f->dir = engine_test_make_project (config, files);
  f->db_path = g_build_filename (f->dir, "app.db", NULL);
  f->project = migrator_project_open (f->dir, &error);
  g_assert_no_error (error);
  f->db = migrator_database_open (f->db_path, "alembic_version", "migrator_history", 200, TRUE, &error);
  g_assert_no_error (error);
  f->warnings = g_ptr_array_new_with_free_func (g_free);
  f->infos = g_ptr_array_new_with_free_func (g_free);
  f->options = (MigratorRunOptions) { .log = log_cb, .user_data = f };
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *files[] = { "aaaa00000001_create.sql", R1,
                          "bbbb00000002_fields.sql", R2,
                          "cccc00000003_fill.sql", R3, NULL };

  fixture_open (f, NULL, files);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->db, migrator_database_close);
  g_assert_finalize_object (f->project);
  engine_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_ptr_array_unref (f->warnings);
  g_ptr_array_unref (f->infos);
}

static MigratorRunResult *
run (Fixture           *f,
     const char        *target,
     MigratorDirection  direction,
     GError           **error)
{
  return migrator_runner_run (f->db, migrator_project_get_graph (f->project),
                              target, direction, &f->options, error);
}

static void
assert_run_ok (Fixture           *f,
               const char        *target,
               MigratorDirection  direction)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = run (f, target, direction, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
}

static void
assert_versions (Fixture    *f,
                 const char *expected)
{
  g_autofree char *versions = engine_test_versions (f->db_path);

  g_assert_cmpstr (versions, ==, expected);
}

static void
test_upgrade_downgrade (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *ddl = NULL;
  g_autofree char *history = NULL;
  g_autofree char *columns = NULL;

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 3);
  g_assert_cmpstr (result->applied->pdata[0], ==, "aaaa00000001");
  g_assert_cmpstr (result->applied->pdata[2], ==, "cccc00000003");
  g_assert_cmpuint (g_strv_length (result->from), ==, 0);
  g_assert_cmpstr (result->to[0], ==, "cccc00000003");
  assert_versions (f, "cccc00000003");

  /* Alembic's exact DDL, so that Alembic itself accepts the table. */
  ddl = engine_test_query_string (f->db_path, "SELECT sql FROM sqlite_schema WHERE name = 'alembic_version'");
  g_assert_cmpstr (ddl, ==, ALEMBIC_DDL);

  history = engine_test_query_string (f->db_path,
                                      "SELECT revision || ':' || direction || ':' || outcome || ':' || "
                                      "length(checksum) || ':' || (finished_at LIKE '____-__-__T__:__:__.___Z') "
                                      "FROM migrator_history ORDER BY id");
  g_assert_cmpstr (history, ==,
                   "aaaa00000001:upgrade:ok:64:1|bbbb00000002:upgrade:ok:64:1|cccc00000003:upgrade:ok:64:1");

  assert_run_ok (f, "-1", MIGRATOR_DIRECTION_DOWNGRADE);
  assert_versions (f, "bbbb00000002");
  assert_run_ok (f, "aaaa", MIGRATOR_DIRECTION_DOWNGRADE);
  assert_versions (f, "aaaa00000001");
  columns = engine_test_query_string (f->db_path, "SELECT name FROM pragma_table_info('total_table')");
  g_assert_cmpstr (columns, ==, "id|user_id|total_market_value");

  assert_run_ok (f, "base", MIGRATOR_DIRECTION_DOWNGRADE);
  assert_versions (f, "");
  g_clear_pointer (&columns, g_free);
  columns = engine_test_query_string (f->db_path, "SELECT count(*) FROM sqlite_schema WHERE name = 'total_table'");
  g_assert_cmpstr (columns, ==, "0");

  assert_run_ok (f, "+2", MIGRATOR_DIRECTION_UPGRADE);
  assert_versions (f, "bbbb00000002");

  /* Already there: nothing happens, not an error. */
  g_clear_pointer (&result, migrator_run_result_free);
  result = run (f, "bbbb00000002", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 0);
}

/* Every history row of one run carries the run's id; a history table
 * written before the column existed gets it, its old rows without an id. */
static void
test_run_ids (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *runs = NULL;
  g_autofree char *old_row = NULL;

  engine_test_exec (f->db_path,
                    "CREATE TABLE migrator_history (id INTEGER PRIMARY KEY, revision TEXT, "
                    "direction TEXT NOT NULL, checksum TEXT, started_at TEXT NOT NULL, finished_at TEXT, "
                    "duration_ms INTEGER, backup TEXT, tool_version TEXT, outcome TEXT NOT NULL, message TEXT);"
                    "INSERT INTO migrator_history (revision, direction, started_at, outcome) "
                    "VALUES ('base', 'stamp', '2025-01-01T00:00:00.000Z', 'ok');");

  assert_run_ok (f, "heads", MIGRATOR_DIRECTION_UPGRADE);
  assert_run_ok (f, "-1", MIGRATOR_DIRECTION_DOWNGRADE);

  old_row = engine_test_query_string (f->db_path, "SELECT quote(run_id) FROM migrator_history WHERE id = 1");
  g_assert_cmpstr (old_row, ==, "NULL");
  /* upgrade: three rows of one run; downgrade: one row of another */
  runs = engine_test_query_string (f->db_path,
                                   "SELECT direction || ':' || count(*) || ':' || length(run_id) "
                                   "FROM migrator_history WHERE run_id IS NOT NULL "
                                   "GROUP BY run_id ORDER BY min(id)");
  g_assert_cmpstr (runs, ==, "upgrade:3:36|downgrade:1:36");
}

static void
test_fail_middle (Fixture       *f,
                  gconstpointer  data)
{
  MigratorTransactionMode mode = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *failure = NULL;
  const char *bad =
    REV_HEADER ("bbbb00000002", "aaaa00000001", "Broken")
    "-- migrate:upgrade\n"
    "ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
    "CREATE TABLE extra (id INTEGER PRIMARY KEY);\n"
    "INSERT INTO total_table (user_id) VALUES (3);\n"
    "\n"
    "INSERT INTO no_such_table VALUES (1);\n"
    "-- migrate:downgrade\n"
    "DROP TABLE extra;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1,
                          "bbbb00000002_broken.sql", bad,
                          "cccc00000003_fill.sql", R3, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);
  f->options.transaction = mode;

  /* Start from an existing database at base with a table of its own. */
  engine_test_exec (f->db_path, "CREATE TABLE keep (x); INSERT INTO keep VALUES ('data');");
  before = engine_test_dump (f->db_path);

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_null (result);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE);
  /* The revision, file:line of the statement and SQLite's message. */
  g_assert_nonnull (strstr (error->message, "bbbb00000002"));
  g_assert_nonnull (strstr (error->message, "bbbb00000002_broken.sql:10"));
  g_assert_nonnull (strstr (error->message, "no such table: no_such_table"));
  g_assert_nonnull (strstr (error->message, "INSERT INTO no_such_table"));

  after = engine_test_dump (f->db_path);
  if (mode == MIGRATOR_TRANSACTION_ALL)
    {
      g_assert_cmpstr (after, ==, before);
      assert_versions (f, "");
    }
  else
    {
      g_autofree char *at_r1 = NULL;

      /* per-revision: r1 stays applied, r2 is rolled back entirely. */
      assert_versions (f, "aaaa00000001");
      g_assert_nonnull (strstr (error->message, "aaaa00000001"));
      at_r1 = engine_test_query_string (f->db_path, "SELECT group_concat(name) FROM pragma_table_info('total_table')");
      g_assert_cmpstr (at_r1, ==, "id,user_id,total_market_value");
      g_clear_pointer (&at_r1, g_free);
      at_r1 = engine_test_query_string (f->db_path, "SELECT count(*) FROM sqlite_schema WHERE name = 'extra'");
      g_assert_cmpstr (at_r1, ==, "0");
    }

  /* The failure is in the history, written after the rollback. */
  failure = engine_test_query_string (f->db_path,
                                      "SELECT revision || ':' || outcome FROM migrator_history "
                                      "WHERE outcome <> 'ok' ORDER BY id");
  g_assert_cmpstr (failure, ==, "bbbb00000002:failed");
}

typedef struct
{
  GCancellable *cancellable;
  guint         delay_ms;
  GThread      *thread;
} CancelData;

static gpointer
cancel_later_thread (gpointer user_data)
{
  CancelData *data = user_data;

  g_usleep (data->delay_ms * 1000);
  g_cancellable_cancel (data->cancellable);
  return NULL;
}

/* The cancel is armed only once the slow revision has started, so the
 * test always interrupts a running statement. */
static void
cancel_when_slow_starts_cb (MigratorLogLevel  level,
                            const char       *message,
                            gpointer          user_data)
{
  CancelData *data = user_data;

  if (data->thread == NULL && strstr (message, "-> bbbb00000002") != NULL)
    data->thread = g_thread_new ("cancel", cancel_later_thread, data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *outcome = NULL;
  CancelData cancel = { cancellable, 150, NULL };
  gint64 start, elapsed;
  const char *slow =
    REV_HEADER ("bbbb00000002", "aaaa00000001", "Slow")
    "-- migrate:upgrade\n"
    "CREATE TABLE big (n INTEGER);\n"
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 500000000)\n"
    "INSERT INTO big SELECT n FROM c;\n"
    "-- migrate:downgrade\n"
    "DROP TABLE big;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1, "bbbb00000002_slow.sql", slow, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);
  assert_run_ok (f, "aaaa00000001", MIGRATOR_DIRECTION_UPGRADE);
  before = engine_test_dump (f->db_path);

  f->options.cancellable = cancellable;
  f->options.log = cancel_when_slow_starts_cb;
  f->options.user_data = &cancel;
  start = g_get_monotonic_time ();
  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  elapsed = (g_get_monotonic_time () - start) / 1000;
  g_assert_nonnull (cancel.thread);
  g_thread_join (cancel.thread);

  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The cancel comes 150 ms into the statement; SQLite stops within ms. */
  g_test_message ("cancelled after %" G_GINT64_FORMAT " ms", elapsed);
  g_assert_cmpint (elapsed, >=, 150);
  g_assert_cmpint (elapsed, <, 20000);

  after = engine_test_dump (f->db_path);
  g_assert_cmpstr (after, ==, before);
  assert_versions (f, "aaaa00000001");
  outcome = engine_test_query_string (f->db_path, "SELECT outcome FROM migrator_history ORDER BY id DESC LIMIT 1");
  g_assert_cmpstr (outcome, ==, "cancelled");
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  sqlite3 *other = NULL;

  assert_run_ok (f, "aaaa00000001", MIGRATOR_DIRECTION_UPGRADE);

  g_assert_cmpint (sqlite3_open (f->db_path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_null (result);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_LOCKED);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  /* The other process applies r2 meanwhile: ours re-plans under the lock
   * and never applies r2 twice. */
  g_assert_cmpint (sqlite3_exec (other,
                                 "ALTER TABLE total_table ADD COLUMN position_percent REAL;"
                                 "ALTER TABLE total_table ADD COLUMN withdrawable REAL;"
                                 "CREATE INDEX ix_total_user ON total_table (user_id);"
                                 "UPDATE alembic_version SET version_num = 'bbbb00000002';"
                                 "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 1);
  g_assert_cmpstr (result->applied->pdata[0], ==, "cccc00000003");
  assert_versions (f, "cccc00000003");
}

static void
test_alembic_table (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *ddl = NULL;

  /* A database as Alembic left it: its DDL, one row, r1's schema. */
  engine_test_exec (f->db_path,
                    ALEMBIC_DDL ";"
                    "INSERT INTO alembic_version (version_num) VALUES ('aaaa00000001');"
                    "CREATE TABLE total_table (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, total_market_value REAL);"
                    "INSERT INTO total_table (user_id, total_market_value) VALUES (7, 1.0);");

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 2);
  g_assert_cmpstr (result->from[0], ==, "aaaa00000001");
  assert_versions (f, "cccc00000003");

  ddl = engine_test_query_string (f->db_path, "SELECT sql FROM sqlite_schema WHERE name = 'alembic_version'");
  g_assert_cmpstr (ddl, ==, ALEMBIC_DDL);
  g_clear_pointer (&ddl, g_free);
  ddl = engine_test_query_string (f->db_path, "SELECT withdrawable FROM total_table");
  g_assert_cmpstr (ddl, ==, "0.5");
}

static void
test_foreign_keys (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *orphan =
    REV_HEADER ("bbbb00000002", "aaaa00000001", "Orphans")
    "-- migrate:upgrade\n"
    "CREATE TABLE child (id INTEGER PRIMARY KEY, total_id INTEGER REFERENCES total_table (id));\n"
    "INSERT INTO child (id, total_id) VALUES (1, 1), (2, 99), (3, 98);\n"
    "-- migrate:downgrade\n"
    "DROP TABLE child;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1, "bbbb00000002_orphans.sql", orphan, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);
  assert_run_ok (f, "aaaa00000001", MIGRATOR_DIRECTION_UPGRADE);
  before = engine_test_dump (f->db_path);

  /* The caller's connection enforces foreign keys: the runner turns that
   * off outside the transaction and restores it, also on failure. */
  migrator_database_exec (f->db, "PRAGMA foreign_keys = ON", &error);
  g_assert_no_error (error);

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_null (result);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "after revision bbbb00000002: 2 rows violate foreign keys, "
                                            "the first in child (to total_table)"));
  g_assert_nonnull (strstr (error->message, "table child rowid 2 references missing row in total_table"));
  g_assert_nonnull (strstr (error->message, "table child rowid 3 references missing row in total_table"));

  after = engine_test_dump (f->db_path);
  g_assert_cmpstr (after, ==, before);
  assert_versions (f, "aaaa00000001");

  g_assert_cmpint (sqlite3_prepare_v2 (migrator_database_get_handle (f->db), "PRAGMA foreign_keys", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  sqlite3_finalize (stmt);
}

static void
test_non_transactional (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  const char *vacuum =
    "-- revision: bbbb00000002\n-- down_revision: aaaa00000001\n-- message: Vacuum\n"
    "-- transactional: false\n\n"
    "-- migrate:upgrade\n"
    "VACUUM;\n"
    "-- migrate:downgrade\n";
  const char *r3 =
    REV_HEADER ("cccc00000003", "bbbb00000002", "After vacuum")
    "-- migrate:upgrade\n"
    "ALTER TABLE total_table ADD COLUMN note TEXT;\n"
    "-- migrate:downgrade\n"
    "ALTER TABLE total_table DROP COLUMN note;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1, "bbbb00000002_vacuum.sql", vacuum,
                          "cccc00000003_note.sql", r3, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);

  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 3);
  assert_versions (f, "cccc00000003");

  g_assert_cmpuint (f->warnings->len, ==, 1);
  g_assert_nonnull (strstr (f->warnings->pdata[0], "bbbb00000002"));
  g_assert_nonnull (strstr (f->warnings->pdata[0], "outside a transaction"));

  assert_run_ok (f, "base", MIGRATOR_DIRECTION_DOWNGRADE);
  assert_versions (f, "");
}

static void
test_irreversible (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  const char *oneway =
    REV_HEADER ("bbbb00000002", "aaaa00000001", "One way")
    "-- migrate:upgrade\n"
    "DELETE FROM total_table WHERE user_id = 2;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1, "bbbb00000002_oneway.sql", oneway, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);
  assert_run_ok (f, "heads", MIGRATOR_DIRECTION_UPGRADE);

  /* Pretend a backup was taken before r2 (the service does that). */
  engine_test_exec (f->db_path,
                    "UPDATE migrator_history SET backup = '/backups/app-20250101T000000Z-aaaa00000001.db' "
                    "WHERE revision = 'bbbb00000002'");

  result = run (f, "base", MIGRATOR_DIRECTION_DOWNGRADE, &error);
  g_assert_null (result);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_IRREVERSIBLE);
  g_assert_nonnull (strstr (error->message, "bbbb00000002"));
  g_assert_nonnull (strstr (error->message, "bbbb00000002_oneway.sql"));
  g_assert_nonnull (strstr (error->message, "/backups/app-20250101T000000Z-aaaa00000001.db"));
  assert_versions (f, "bbbb00000002");
}

static void
test_sql (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *per_revision = NULL;
  g_autofree char *down = NULL;
  const char *none[] = { NULL };
  const char *at_r3[] = { "cccc00000003", NULL };
  MigratorGraph *graph = migrator_project_get_graph (f->project);

  sql = migrator_runner_generate_sql (NULL, graph, "alembic_version", FALSE, none, "heads",
                                      MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_TRANSACTION_ALL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sql, ALEMBIC_DDL ";\n\nBEGIN;\n"));
  g_assert_nonnull (strstr (sql, "CREATE TABLE total_table (id INTEGER PRIMARY KEY"));
  g_assert_nonnull (strstr (sql, "INSERT INTO alembic_version (version_num) VALUES ('aaaa00000001');"));
  g_assert_nonnull (strstr (sql, "UPDATE alembic_version SET version_num='bbbb00000002' "
                                 "WHERE alembic_version.version_num = 'aaaa00000001';"));
  g_assert_true (g_str_has_suffix (sql, "COMMIT;\n"));
  g_assert_null (strstr (strstr (sql, "BEGIN;") + 1, "BEGIN;"));

  per_revision = migrator_runner_generate_sql (NULL, graph, "alembic_version", TRUE, none, "heads",
                                               MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_TRANSACTION_PER_REVISION,
                                               &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (per_revision, "BEGIN;\n"));
  g_assert_nonnull (strstr (strstr (strstr (per_revision, "BEGIN;") + 1, "BEGIN;") + 1, "BEGIN;"));

  down = migrator_runner_generate_sql (NULL, graph, "alembic_version", TRUE, at_r3, "base",
                                       MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_TRANSACTION_ALL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (down, "DROP TABLE total_table;"));
  g_assert_nonnull (strstr (down, "DELETE FROM alembic_version WHERE alembic_version.version_num = 'aaaa00000001';"));

  /* Nothing was written: --sql does not need a database. */
  g_assert_false (migrator_database_table_exists (f->db, "alembic_version"));
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;
  guint i;

  assert_run_ok (f, "aaaa00000001", MIGRATOR_DIRECTION_UPGRADE);
  migrator_database_close (g_steal_pointer (&f->db));
  before = engine_test_read_file (f->db_path, &before_len);
  f->db = migrator_database_open (f->db_path, "alembic_version", "migrator_history", 200, FALSE, &error);
  g_assert_no_error (error);

  f->options.dry_run = TRUE;
  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_true (result->dry_run);
  g_assert_cmpuint (result->applied->len, ==, 2);
  g_assert_cmpstr (result->to[0], ==, "cccc00000003");
  for (i = 0; i < result->changes->len; i++)
    if (g_str_equal (result->changes->pdata[i], "create index ix_total_user"))
      break;
  g_assert_cmpuint (i, <, result->changes->len);

  migrator_database_close (g_steal_pointer (&f->db));
  after = engine_test_read_file (f->db_path, &after_len);
  g_assert_cmpmem (before, before_len, after, after_len);
  assert_versions (f, "aaaa00000001");
}

static void
test_stamp (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *tables = NULL;
  g_autofree char *history = NULL;

  result = migrator_runner_stamp (f->db, migrator_project_get_graph (f->project), "bbbb", &f->options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->to[0], ==, "bbbb00000002");
  assert_versions (f, "bbbb00000002");
  tables = engine_test_query_string (f->db_path, "SELECT count(*) FROM sqlite_schema WHERE name = 'total_table'");
  g_assert_cmpstr (tables, ==, "0");
  history = engine_test_query_string (f->db_path, "SELECT revision || ':' || direction FROM migrator_history");
  g_assert_cmpstr (history, ==, "bbbb00000002:stamp");

  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_runner_stamp (f->db, migrator_project_get_graph (f->project), "base", &f->options, &error);
  g_assert_no_error (error);
  assert_versions (f, "");
}

static void
test_multiple_heads (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  const char *branch =
    REV_HEADER ("dddd00000004", "aaaa00000001", "Branch")
    "-- migrate:upgrade\n"
    "CREATE TABLE other (id INTEGER PRIMARY KEY);\n"
    "-- migrate:downgrade\n"
    "DROP TABLE other;\n";
  const char *files[] = { "aaaa00000001_create.sql", R1, "bbbb00000002_fields.sql", R2,
                          "cccc00000003_fill.sql", R3, "dddd00000004_branch.sql", branch, NULL };

  fixture_teardown (f, NULL);
  fixture_open (f, NULL, files);

  result = run (f, "head", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_null (result);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET);
  g_assert_nonnull (strstr (error->message, "cccc00000003"));
  g_assert_nonnull (strstr (error->message, "dddd00000004"));
  g_assert_nonnull (strstr (error->message, "migrator merge"));
  g_clear_error (&error);

  /* "heads" applies both branches: two version rows, as Alembic keeps. */
  result = run (f, "heads", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  assert_versions (f, "cccc00000003|dddd00000004");

  g_clear_pointer (&result, migrator_run_result_free);
  result = run (f, "aaaa00000001", MIGRATOR_DIRECTION_DOWNGRADE, &error);
  g_assert_no_error (error);
  assert_versions (f, "aaaa00000001");
}

static void
test_version_statements (void)
{
  const char *from[] = { "a", "b", NULL };
  const char *to[] = { "c", NULL };
  g_autoptr(GPtrArray) statements = migrator_database_version_statements ("my table", from, to);
  g_autofree char *ddl = migrator_database_version_table_ddl ("my_versions");

  g_assert_cmpuint (statements->len, ==, 2);
  g_assert_cmpstr (statements->pdata[0], ==,
                   "UPDATE \"my table\" SET version_num='c' WHERE \"my table\".version_num = 'a';");
  g_assert_cmpstr (statements->pdata[1], ==, "DELETE FROM \"my table\" WHERE \"my table\".version_num = 'b';");
  g_assert_cmpstr (ddl, ==, "CREATE TABLE my_versions (version_num VARCHAR(32) NOT NULL, "
                            "CONSTRAINT my_versions_pkc PRIMARY KEY (version_num))");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func, data) \
  g_test_add ("/engine/" name, Fixture, data, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/engine/version-statements", test_version_statements);
  ADD ("upgrade-downgrade", test_upgrade_downgrade, NULL);
  ADD ("run-ids", test_run_ids, NULL);
  ADD ("fail-middle/all", test_fail_middle, GINT_TO_POINTER (MIGRATOR_TRANSACTION_ALL));
  ADD ("fail-middle/per-revision", test_fail_middle, GINT_TO_POINTER (MIGRATOR_TRANSACTION_PER_REVISION));
  ADD ("cancel", test_cancel, NULL);
  ADD ("locked", test_locked, NULL);
  ADD ("alembic-table", test_alembic_table, NULL);
  ADD ("foreign-keys", test_foreign_keys, NULL);
  ADD ("non-transactional", test_non_transactional, NULL);
  ADD ("irreversible", test_irreversible, NULL);
  ADD ("sql", test_sql, NULL);
  ADD ("dry-run", test_dry_run, NULL);
  ADD ("stamp", test_stamp, NULL);
  ADD ("multiple-heads", test_multiple_heads, NULL);

  return g_test_run ();
}
