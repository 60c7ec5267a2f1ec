/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-service"

#include "config.h"

#include <glib/gi18n.h>
#include <libglib-testing/signal-logger.h>

#include "migrator-backup.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-project.h"
#include "migrator-revision.h"
#include "migrator-service.h"

#include "engine-test-util.h"

typedef struct
{
  char            *dir;
  char            *db_path;
  MigratorProject *project;
  MigratorService *service;
} Fixture;

static void
fixture_open (Fixture           *f,
              const char        *config,
              const char *const *files)
{
  g_autoptr(GError) error = NULL;

  f->dir = engine_test_make_project (config, files);
  f->db_path = g_build_filename (f->dir, "app.db", NULL);
  f->project = migrator_project_open (f->dir, &error);
  g_assert_no_error (error);
  f->service = migrator_service_new (f->project, f->db_path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *files[] = { "aaaa00000001_create.sql", R1,
                          "bbbb00000002_fields.sql", R2,
                          "cccc00000003_fill.sql", R3, NULL };

  fixture_open (f, "{\"database\": \"sqlite:///app.db\", \"backup\": {\"keep\": 2}}", files);
}

static void
fixture_close (Fixture *f)
{
  /* A GTask drops its reference to the service on the worker thread just
   * after the result reached the main context; idles hold one too. */
  for (guint i = 0; i < 5000 && G_OBJECT (f->service)->ref_count > 1; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_finalize_object (f->service);
  g_assert_finalize_object (f->project);
  engine_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->db_path, g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  fixture_close (f);
}

static void
async_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static guint
count_backups (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "backups", NULL);
  g_autoptr(GPtrArray) list = migrator_backup_list (dir, f->db_path, &error);

  g_assert_no_error (error);
  return list->len;
}

static void
test_signals (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func (g_free);
  gboolean busy_seen = FALSE, idle_seen = FALSE;
  guint n_progress = 0;

  gt_signal_logger_connect (logger, f->service, "log");
  gt_signal_logger_connect (logger, f->service, "notify::busy");
  gt_signal_logger_connect (logger, f->service, "notify::progress");
  gt_signal_logger_connect (logger, f->service, "notify::status-text");

  migrator_service_upgrade_async (f->service, "heads", MIGRATOR_SERVICE_FLAGS_NONE, NULL,
                                  async_result_cb, &async_result);

  /* "busy" is set at once, on the caller's thread. */
  g_assert_true (migrator_service_get_busy (f->service));
  gt_signal_logger_assert_emission_pop (logger, f->service, "notify::busy", NULL);
  gt_signal_logger_assert_no_emissions (logger);

  result = migrator_service_upgrade_finish (f->service, wait_for (&async_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, 3);

  /* Everything arrived on this (the main) context before the result. */
  g_assert_false (migrator_service_get_busy (f->service));
  g_assert_cmpfloat (migrator_service_get_progress (f->service), ==, 1.0);
  g_assert_cmpstr (migrator_service_get_status_text (f->service), ==, "Done");

  while (gt_signal_logger_get_n_emissions (logger) > 0)
    {
      gpointer obj = NULL;
      g_autofree char *type_name = NULL;
      g_autofree char *signal_name = NULL;
      g_autoptr(GtSignalLoggerEmission) emission = NULL;

      g_assert_true (gt_signal_logger_pop_emission (logger, &obj, &type_name, &signal_name, &emission));
      g_assert_true (obj == (gpointer) f->service);

      if (g_str_equal (signal_name, "log"))
        {
          MigratorLogLevel level;
          g_autofree char *message = NULL;

          gt_signal_logger_emission_get_params (emission, &level, &message);
          g_assert_cmpint (level, ==, MIGRATOR_LOG_LEVEL_INFO);
          g_ptr_array_add (logs, g_steal_pointer (&message));
        }
      else if (g_str_equal (signal_name, "notify::busy"))
        {
          g_assert_false (idle_seen);
          idle_seen = TRUE;
        }
      else if (g_str_equal (signal_name, "notify::progress"))
        n_progress++;
      else
        busy_seen = TRUE;
    }

  g_assert_true (idle_seen);
  g_assert_true (busy_seen);
  g_assert_cmpuint (n_progress, >=, 1);
  g_assert_cmpuint (logs->len, ==, 3);
  g_assert_cmpstr (logs->pdata[0], ==, "Running upgrade base -> aaaa00000001, Create total table");
  g_assert_cmpstr (logs->pdata[2], ==, "Running upgrade bbbb00000002 -> cccc00000003, Fill withdrawable");
}

/* A worker that logs faster than the main loop runs: its state reaches the
 * main context in batches (at most one delivery per frame), yet every line
 * arrives, in order, and before the result. */
#define N_MANY 300

static void
test_many_lines (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_logs = 0;

  fixture_close (f);
  for (guint i = 1; i <= N_MANY; i++)
    {
      g_autofree char *parent = i == 1 ? g_strdup ("none") : g_strdup_printf ("%012x", i - 1);

      g_ptr_array_add (files, g_strdup_printf ("%012x_t.sql", i));
      g_ptr_array_add (files, g_strdup_printf ("-- revision: %012x\n-- down_revision: %s\n-- message: table %u\n\n"
                                               "-- migrate:upgrade\nCREATE TABLE t%u (id INTEGER PRIMARY KEY);\n\n"
                                               "-- migrate:downgrade\nDROP TABLE t%u;\n",
                                               i, parent, i, i, i));
    }
  g_ptr_array_add (files, NULL);
  fixture_open (f, "{\"database\": \"sqlite:///app.db\"}", (const char *const *) files->pdata);

  gt_signal_logger_connect (logger, f->service, "log");
  migrator_service_upgrade_async (f->service, "heads", MIGRATOR_SERVICE_FLAGS_NONE, NULL,
                                  async_result_cb, &async_result);
  result = migrator_service_upgrade_finish (f->service, wait_for (&async_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->applied->len, ==, N_MANY);

  while (gt_signal_logger_get_n_emissions (logger) > 0)
    {
      g_autoptr(GtSignalLoggerEmission) emission = NULL;
      g_autofree char *message = NULL;
      g_autofree char *expected = NULL;
      MigratorLogLevel level;

      g_assert_true (gt_signal_logger_pop_emission (logger, NULL, NULL, NULL, &emission));
      gt_signal_logger_emission_get_params (emission, &level, &message);
      if (!g_str_has_prefix (message, "Running upgrade "))
        continue;
      n_logs++;
      expected = g_strdup_printf ("%012x, table %u", n_logs, n_logs);
      g_assert_true (g_str_has_suffix (message, expected));
    }
  g_assert_cmpuint (n_logs, ==, N_MANY);
}

static void
test_backups_and_retention (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *backup_dir = g_build_filename (f->dir, "backups", NULL);

  /* A new file has nothing to lose: no backup. */
  result = migrator_service_upgrade_sync (f->service, "aaaa00000001", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (result->backup);
  g_assert_cmpuint (count_backups (f), ==, 0);

  /* An existing one is backed up first, recorded in the history row. */
  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_upgrade_sync (f->service, "+1", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->backup);
  g_assert_true (g_str_has_prefix (result->backup, backup_dir));
  g_assert_nonnull (strstr (result->backup, "-aaaa00000001"));
  g_assert_true (g_file_test (result->backup, G_FILE_TEST_EXISTS));
  recorded = engine_test_query_string (f->db_path,
                                       "SELECT backup FROM migrator_history WHERE revision = 'bbbb00000002'");
  g_assert_cmpstr (recorded, ==, result->backup);

  /* --no-backup */
  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_upgrade_sync (f->service, "+1", MIGRATOR_SERVICE_FLAGS_NO_BACKUP, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (result->backup);
  g_assert_cmpuint (count_backups (f), ==, 1);

  /* Retention keeps the newest 2. */
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&result, migrator_run_result_free);
      result = migrator_service_downgrade_sync (f->service, "-1", 0, NULL, &error);
      g_assert_no_error (error);
      g_clear_pointer (&result, migrator_run_result_free);
      result = migrator_service_upgrade_sync (f->service, "heads", 0, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (count_backups (f), ==, 2);
  g_assert_true (g_file_test (result->backup, G_FILE_TEST_EXISTS));
}

static void
test_restore (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorRunResult) restored = NULL;
  g_autofree char *at_r1 = NULL;
  g_autofree char *now = NULL;
  g_autofree char *history = NULL;

  result = migrator_service_upgrade_sync (f->service, "aaaa00000001", 0, NULL, &error);
  g_assert_no_error (error);
  engine_test_exec (f->db_path, "INSERT INTO total_table (user_id) VALUES (42)");
  at_r1 = engine_test_dump (f->db_path);

  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_upgrade_sync (f->service, "heads", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->backup);

  restored = migrator_service_restore_sync (f->service, "latest", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (restored->path, ==, result->backup);
  g_assert_nonnull (restored->backup);
  g_assert_true (g_file_test (restored->backup, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (restored->from[0], ==, "cccc00000003");
  g_assert_cmpstr (restored->to[0], ==, "aaaa00000001");

  now = engine_test_dump (f->db_path);
  g_assert_cmpstr (now, ==, at_r1);
  history = engine_test_query_string (f->db_path,
                                      "SELECT direction || ':' || backup FROM migrator_history "
                                      "ORDER BY id DESC LIMIT 1");
  g_assert_true (g_str_has_prefix (history, "restore:"));
  g_assert_true (g_str_has_suffix (history, restored->backup));
}

static void
test_status (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorStatus) status = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *config = g_strdup ("{\"database\": \"sqlite:///app.db\"}");

  status = migrator_service_status_sync (f->service, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (status->exists);
  g_assert_cmpuint (g_strv_length (status->current), ==, 0);
  g_assert_cmpuint (g_strv_length (status->pending), ==, 3);
  g_assert_cmpstr (status->pending[0], ==, "aaaa00000001");
  g_assert_cmpstr (status->heads[0], ==, "cccc00000003");
  /* Status never creates the file. */
  g_assert_false (g_file_test (f->db_path, G_FILE_TEST_EXISTS));

  result = migrator_service_upgrade_sync (f->service, "bbbb00000002", 0, NULL, &error);
  g_assert_no_error (error);

  /* Edit an applied revision: status reports it by checksum. */
  engine_test_write_revision (f->dir, "aaaa00000001_create.sql",
                              REV_HEADER ("aaaa00000001", "none", "Create total table, edited")
                              "-- migrate:upgrade\nCREATE TABLE total_table (id INTEGER PRIMARY KEY);\n"
                              "-- migrate:downgrade\nDROP TABLE total_table;\n");
  g_assert_true (migrator_project_reload (f->project, &error));
  g_assert_no_error (error);

  g_clear_pointer (&status, migrator_status_free);
  status = migrator_service_status_sync (f->service, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (status->exists);
  g_assert_cmpstr (status->current[0], ==, "bbbb00000002");
  g_assert_cmpuint (g_strv_length (status->pending), ==, 1);
  g_assert_cmpstr (status->pending[0], ==, "cccc00000003");
  g_assert_cmpuint (g_strv_length (status->changed), ==, 1);
  g_assert_cmpstr (status->changed[0], ==, "aaaa00000001");
}

static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  MigratorRevision *merge;

  engine_test_write_revision (f->dir, "dddd00000004_branch.sql",
                              REV_HEADER ("dddd00000004", "aaaa00000001", "Branch")
                              "-- migrate:upgrade\nCREATE TABLE other (id INTEGER);\n"
                              "-- migrate:downgrade\nDROP TABLE other;\n");
  g_assert_true (migrator_project_reload (f->project, &error));

  result = migrator_service_merge_sync (f->service, "Merge heads", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (result->path, G_FILE_TEST_EXISTS));

  heads = migrator_graph_get_heads (migrator_project_get_graph (f->project));
  g_assert_cmpuint (heads->len, ==, 1);
  merge = heads->pdata[0];
  g_assert_cmpstr (migrator_revision_get_id (merge), ==, result->applied->pdata[0]);
  g_assert_cmpuint (g_strv_length ((char **) migrator_revision_get_down_revisions (merge)), ==, 2);

  /* A single head has nothing to merge. */
  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_merge_sync (f->service, "Again", NULL, NULL, &error);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE);
  g_assert_null (result);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean warned = FALSE;
  const char *slow =
    REV_HEADER ("dddd00000004", "cccc00000003", "Slow")
    "-- migrate:upgrade\n"
    "CREATE TABLE big (n INTEGER);\n"
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 500000000)\n"
    "INSERT INTO big SELECT n FROM c;\n"
    "-- migrate:downgrade\nDROP TABLE big;\n";

  result = migrator_service_upgrade_sync (f->service, "heads", 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, migrator_run_result_free);
  engine_test_write_revision (f->dir, "dddd00000004_slow.sql", slow);
  g_assert_true (migrator_project_reload (f->project, &error));
  before = engine_test_dump (f->db_path);

  gt_signal_logger_connect (logger, f->service, "log");
  migrator_service_upgrade_async (f->service, "heads", MIGRATOR_SERVICE_FLAGS_NO_BACKUP, cancellable,
                                  async_result_cb, &async_result);
  g_timeout_add (100, cancel_cb, cancellable);
  result = migrator_service_upgrade_finish (f->service, wait_for (&async_result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_cmpstr (migrator_service_get_status_text (f->service), ==, "Failed");

  after = engine_test_dump (f->db_path);
  g_assert_cmpstr (after, ==, before);

  while (gt_signal_logger_get_n_emissions (logger) > 0)
    {
      g_autoptr(GtSignalLoggerEmission) emission = NULL;
      g_autofree char *type_name = NULL;
      g_autofree char *signal_name = NULL;
      g_autofree char *message = NULL;
      MigratorLogLevel level;
      gpointer obj;

      gt_signal_logger_pop_emission (logger, &obj, &type_name, &signal_name, &emission);
      gt_signal_logger_emission_get_params (emission, &level, &message);
      if (level == MIGRATOR_LOG_LEVEL_WARNING && g_str_has_prefix (message, "Cancelled"))
        warned = TRUE;
    }
  g_assert_true (warned);
}

static void
test_serialised (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(MigratorRunResult) result1 = NULL;
  g_autoptr(MigratorRunResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *versions = NULL;

  /* Two relative upgrades started at once run one after the other. */
  migrator_service_upgrade_async (f->service, "+1", 0, NULL, async_result_cb, &first);
  migrator_service_upgrade_async (f->service, "+1", 0, NULL, async_result_cb, &second);
  wait_for (&first);
  wait_for (&second);

  result1 = migrator_service_upgrade_finish (f->service, first, &error);
  g_assert_no_error (error);
  result2 = migrator_service_upgrade_finish (f->service, second, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result1->applied->len + result2->applied->len, ==, 2);
  versions = engine_test_versions (f->db_path);
  g_assert_cmpstr (versions, ==, "bbbb00000002");
  g_assert_false (migrator_service_get_busy (f->service));
}

static void
test_irreversible_names_backup (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorRunResult) refused = NULL;

  engine_test_write_revision (f->dir, "dddd00000004_oneway.sql",
                              REV_HEADER ("dddd00000004", "cccc00000003", "One way")
                              "-- migrate:upgrade\nDELETE FROM total_table;\n");
  g_assert_true (migrator_project_reload (f->project, &error));

  result = migrator_service_upgrade_sync (f->service, "cccc00000003", 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_upgrade_sync (f->service, "heads", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->backup);

  refused = migrator_service_downgrade_sync (f->service, "-1", 0, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_IRREVERSIBLE);
  g_assert_nonnull (strstr (error->message, "dddd00000004"));
  g_assert_nonnull (strstr (error->message, result->backup));
}

static void
test_reset_stamp_backup (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *explicit = g_build_filename (f->dir, "copy.db", NULL);
  g_auto(GStrv) current = NULL;

  result = migrator_service_upgrade_sync (f->service, "heads", 0, NULL, &error);
  g_assert_no_error (error);
  engine_test_exec (f->db_path, "INSERT INTO total_table (user_id) VALUES (99)");

  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_reset_sync (f->service, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->backup);
  g_assert_cmpuint (result->applied->len, ==, 3);
  rows = engine_test_query_string (f->db_path, "SELECT count(*) FROM total_table");
  g_assert_cmpstr (rows, ==, "2");

  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_stamp_sync (f->service, "aaaa00000001", 0, NULL, &error);
  g_assert_no_error (error);
  versions = engine_test_versions (f->db_path);
  g_assert_cmpstr (versions, ==, "aaaa00000001");
  current = migrator_service_current_sync (f->service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (current, ((const char *[]) { "aaaa00000001", NULL }));

  g_clear_pointer (&result, migrator_run_result_free);
  result = migrator_service_backup_sync (f->service, explicit, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->path, ==, explicit);
  g_assert_true (g_file_test (explicit, G_FILE_TEST_EXISTS));

  backups = migrator_service_list_backups_sync (f->service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func) \
  g_test_add ("/service/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("signals", test_signals);
  ADD ("many-lines", test_many_lines);
  ADD ("backups-retention", test_backups_and_retention);
  ADD ("restore", test_restore);
  ADD ("status", test_status);
  ADD ("merge", test_merge);
  ADD ("cancel", test_cancel);
  ADD ("serialised", test_serialised);
  ADD ("irreversible-backup", test_irreversible_names_backup);
  ADD ("reset-stamp-backup", test_reset_stamp_backup);

  return g_test_run ();
}
