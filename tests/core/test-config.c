/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-config"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-config.h"
#include "migrator-error.h"

#define FILE_NAME "migrator.json"

static void
assert_defaults (const MigratorConfig *config)
{
  g_assert_cmpstr (config->database, ==, "sqlite:///app.db");
  g_assert_cmpstr (config->version_table, ==, "alembic_version");
  g_assert_cmpstr (config->history_table, ==, "migrator_history");
  g_assert_cmpint (config->transaction, ==, MIGRATOR_TRANSACTION_ALL);
  g_assert_cmpint (config->lock_timeout_ms, ==, 5000);
  g_assert_cmpstr (config->schema, ==, "schema.sql");
  g_assert_true (config->backup_enabled);
  g_assert_cmpstr (config->backup_directory, ==, "backups");
  g_assert_cmpuint (config->backup_keep, ==, 10);
}

static MigratorConfig *
load (const char *json)
{
  g_autoptr(GError) error = NULL;
  MigratorConfig *config = migrator_config_load_data (FILE_NAME, json, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);

  return config;
}

static void
assert_load_error (const char *json,
                   const char *expected_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorConfig) config = migrator_config_load_data (FILE_NAME, json, -1, &error);

  g_assert_null (config);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT);
  g_assert_cmpstr (error->message, ==, expected_message);
}

static char *
temp_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "project", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  return g_build_filename (dir, name, NULL);
}

static void
test_defaults (void)
{
  g_autoptr(MigratorConfig) fresh = migrator_config_new ();
  g_autoptr(MigratorConfig) empty = load ("{}");
  g_autoptr(MigratorConfig) empty_backup = load ("{ \"backup\": {} }");

  assert_defaults (fresh);
  assert_defaults (empty);
  assert_defaults (empty_backup);
}

static void
test_spec_defaults_file (void)
{
  g_autoptr(MigratorConfig) config = load ("{\n"
                                           "  \"database\": \"sqlite:///app.db\",\n"
                                           "  \"version_table\": \"alembic_version\",\n"
                                           "  \"history_table\": \"migrator_history\",\n"
                                           "  \"transaction\": \"all\",\n"
                                           "  \"lock_timeout_ms\": 5000,\n"
                                           "  \"schema\": \"schema.sql\",\n"
                                           "  \"backup\": { \"enabled\": true, \"directory\": \"backups\", \"keep\": 10 }\n"
                                           "}\n");

  assert_defaults (config);
}

static void
test_every_key (void)
{
  g_autoptr(MigratorConfig) config = load ("{\n"
                                           "  \"database\": \"data/main.db\",\n"
                                           "  \"version_table\": \"Versions_2\",\n"
                                           "  \"history_table\": \"_history\",\n"
                                           "  \"transaction\": \"per-revision\",\n"
                                           "  \"lock_timeout_ms\": 0,\n"
                                           "  \"schema\": \"db/schema.sql\",\n"
                                           "  \"backup\": { \"enabled\": false, \"directory\": \"/var/backups/app\", \"keep\": 0 }\n"
                                           "}\n");

  g_assert_cmpstr (config->database, ==, "data/main.db");
  g_assert_cmpstr (config->version_table, ==, "Versions_2");
  g_assert_cmpstr (config->history_table, ==, "_history");
  g_assert_cmpint (config->transaction, ==, MIGRATOR_TRANSACTION_PER_REVISION);
  g_assert_cmpint (config->lock_timeout_ms, ==, 0);
  g_assert_cmpstr (config->schema, ==, "db/schema.sql");
  g_assert_false (config->backup_enabled);
  g_assert_cmpstr (config->backup_directory, ==, "/var/backups/app");
  g_assert_cmpuint (config->backup_keep, ==, 0);
}

static void
test_partial (void)
{
  g_autoptr(MigratorConfig) config = load ("{ \"lock_timeout_ms\": 250, \"backup\": { \"keep\": 3 } }");

  g_assert_cmpint (config->lock_timeout_ms, ==, 250);
  g_assert_cmpuint (config->backup_keep, ==, 3);
  g_assert_true (config->backup_enabled);
  g_assert_cmpstr (config->backup_directory, ==, "backups");
  g_assert_cmpstr (config->database, ==, "sqlite:///app.db");
}

static void
test_wrong_types (void)
{
  const struct {
    const char *json;
    const char *message;
  } cases[] = {
    { "{ \"database\": 1 }", "'database' must be a non-empty string" },
    { "{ \"database\": \"\" }", "'database' must be a non-empty string" },
    { "{ \"database\": null }", "'database' must be a non-empty string" },
    { "{ \"version_table\": 1 }", "'version_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"version_table\": \"\" }", "'version_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"version_table\": \"1abc\" }", "'version_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"history_table\": \"my-history\" }", "'history_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"history_table\": \"a b\" }", "'history_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"history_table\": true }", "'history_table' must be a table name of letters, digits and '_' not starting with a digit" },
    { "{ \"transaction\": \"each\" }", "'transaction' must be \"all\" or \"per-revision\"" },
    { "{ \"transaction\": \"ALL\" }", "'transaction' must be \"all\" or \"per-revision\"" },
    { "{ \"transaction\": 1 }", "'transaction' must be \"all\" or \"per-revision\"" },
    { "{ \"lock_timeout_ms\": -1 }", "'lock_timeout_ms' must be a non-negative integer" },
    { "{ \"lock_timeout_ms\": \"5000\" }", "'lock_timeout_ms' must be a non-negative integer" },
    { "{ \"lock_timeout_ms\": 1.5 }", "'lock_timeout_ms' must be a non-negative integer" },
    { "{ \"lock_timeout_ms\": 99999999999 }", "'lock_timeout_ms' must be a non-negative integer" },
    { "{ \"lock_timeout_ms\": true }", "'lock_timeout_ms' must be a non-negative integer" },
    { "{ \"schema\": [] }", "'schema' must be a non-empty string" },
    { "{ \"schema\": \"\" }", "'schema' must be a non-empty string" },
    { "{ \"backup\": true }", "'backup' must be an object" },
    { "{ \"backup\": [] }", "'backup' must be an object" },
    { "{ \"backup\": { \"enabled\": \"yes\" } }", "'backup.enabled' must be true or false" },
    { "{ \"backup\": { \"enabled\": 1 } }", "'backup.enabled' must be true or false" },
    { "{ \"backup\": { \"directory\": 1 } }", "'backup.directory' must be a non-empty string" },
    { "{ \"backup\": { \"directory\": \"\" } }", "'backup.directory' must be a non-empty string" },
    { "{ \"backup\": { \"keep\": -1 } }", "'backup.keep' must be a non-negative integer" },
    { "{ \"backup\": { \"keep\": \"10\" } }", "'backup.keep' must be a non-negative integer" },
    { "{ \"backup\": { \"keep\": 2.0 } }", "'backup.keep' must be a non-negative integer" },
    { "{ \"backup\": { \"keep\": 99999999999 } }", "'backup.keep' must be a non-negative integer" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *expected = g_strconcat (FILE_NAME ": ", cases[i].message, NULL);

      assert_load_error (cases[i].json, expected);
    }
}

static void
test_same_tables (void)
{
  assert_load_error ("{ \"version_table\": \"log\", \"history_table\": \"LOG\" }",
                     FILE_NAME ": 'version_table' and 'history_table' must be different tables");
}

static void
test_unknown_keys (void)
{
  assert_load_error ("{ \"lock_timout_ms\": 5000 }",
                     FILE_NAME ": unknown key 'lock_timout_ms' (did you mean 'lock_timeout_ms'?)");
  assert_load_error ("{ \"databse\": \"x.db\" }",
                     FILE_NAME ": unknown key 'databse' (did you mean 'database'?)");
  assert_load_error ("{ \"transactions\": \"all\" }",
                     FILE_NAME ": unknown key 'transactions' (did you mean 'transaction'?)");
  assert_load_error ("{ \"colour\": \"blue\" }",
                     FILE_NAME ": unknown key 'colour'");
  assert_load_error ("{ \"backup\": { \"kep\": 3 } }",
                     FILE_NAME ": unknown key 'backup.kep' (did you mean 'backup.keep'?)");
  assert_load_error ("{ \"backup\": { \"dir\": \"b\" } }",
                     FILE_NAME ": unknown key 'backup.dir'");
  assert_load_error ("{ \"backup\": { \"enable\": true } }",
                     FILE_NAME ": unknown key 'backup.enable' (did you mean 'backup.enabled'?)");
}

static void
test_invalid_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorConfig) config = NULL;

  config = migrator_config_load_data (FILE_NAME, "{\n  \"database\": \"x.db\",\n  \"schema\": }\n", -1, &error);
  g_assert_null (config);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT);
  g_assert_true (g_str_has_prefix (error->message, FILE_NAME ":3:"));
  g_assert_nonnull (strstr (error->message, "invalid JSON"));
  g_clear_error (&error);

  config = migrator_config_load_data (FILE_NAME, "{ \"a\": 1, }", -1, &error);
  g_assert_null (config);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT);
  g_assert_true (g_str_has_prefix (error->message, FILE_NAME ":1:"));
  g_clear_error (&error);

  assert_load_error ("[]", FILE_NAME ": the top level must be a JSON object");
  assert_load_error ("\"sqlite:///app.db\"", FILE_NAME ": the top level must be a JSON object");
  assert_load_error ("", FILE_NAME ": the top level must be a JSON object");
}

static void
test_load_data_length (void)
{
  const char data[] = "{ \"lock_timeout_ms\": 7 } trailing garbage";
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorConfig) config = NULL;

  config = migrator_config_load_data (FILE_NAME, data, strlen ("{ \"lock_timeout_ms\": 7 }"), &error);
  g_assert_no_error (error);
  g_assert_cmpint (config->lock_timeout_ms, ==, 7);
}

static void
test_save_load (void)
{
  g_autofree char *path = temp_path ("migrator.json");
  g_autoptr(MigratorConfig) config = migrator_config_new ();
  g_autoptr(MigratorConfig) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_free (config->database);
  config->database = g_strdup ("sqlite:////srv/app/data.db");
  g_free (config->version_table);
  config->version_table = g_strdup ("versions");
  g_free (config->history_table);
  config->history_table = g_strdup ("history");
  config->transaction = MIGRATOR_TRANSACTION_PER_REVISION;
  config->lock_timeout_ms = 12345;
  g_free (config->schema);
  config->schema = g_strdup ("db/schema \"quoted\".sql");
  config->backup_enabled = FALSE;
  g_free (config->backup_directory);
  config->backup_directory = g_strdup ("../backups");
  config->backup_keep = 42;

  g_assert_true (migrator_config_save (config, path, &error));
  g_assert_no_error (error);

  loaded = migrator_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->database, ==, config->database);
  g_assert_cmpstr (loaded->version_table, ==, config->version_table);
  g_assert_cmpstr (loaded->history_table, ==, config->history_table);
  g_assert_cmpint (loaded->transaction, ==, config->transaction);
  g_assert_cmpint (loaded->lock_timeout_ms, ==, config->lock_timeout_ms);
  g_assert_cmpstr (loaded->schema, ==, config->schema);
  g_assert_cmpint (loaded->backup_enabled, ==, config->backup_enabled);
  g_assert_cmpstr (loaded->backup_directory, ==, config->backup_directory);
  g_assert_cmpuint (loaded->backup_keep, ==, config->backup_keep);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "}\n"));
  g_assert_nonnull (strstr (contents, "\n  \"lock_timeout_ms\" : 12345,\n"));
}

static void
test_to_data_defaults (void)
{
  g_autoptr(MigratorConfig) config = migrator_config_new ();
  g_autofree char *data = migrator_config_to_data (config);
  g_autoptr(MigratorConfig) loaded = load (data);
  const char *const keys[] = {
    "\"database\"", "\"version_table\"", "\"history_table\"", "\"transaction\"",
    "\"lock_timeout_ms\"", "\"schema\"", "\"backup\"", "\"enabled\"", "\"directory\"", "\"keep\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_nonnull (strstr (data, keys[i]));
  g_assert_true (strstr (data, "\"database\"") < strstr (data, "\"backup\""));

  assert_defaults (loaded);
}

static void
test_load_missing_file (void)
{
  g_autofree char *path = temp_path ("nothing-here.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorConfig) config = migrator_config_load (path, &error);

  g_assert_null (config);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "cannot read the configuration"));
}

static void
test_load_file_error_names_path (void)
{
  g_autofree char *path = temp_path ("migrator.json");
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorConfig) config = NULL;

  g_file_set_contents (path, "{ \"lock_timeout_ms\": \"soon\" }", -1, &error);
  g_assert_no_error (error);

  config = migrator_config_load (path, &error);
  g_assert_null (config);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT);
  expected = g_strdup_printf ("%s: 'lock_timeout_ms' must be a non-negative integer", path);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_save_error (void)
{
  g_autofree char *path = temp_path ("no-such-dir/migrator.json");
  g_autoptr(MigratorConfig) config = migrator_config_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (migrator_config_save (config, path, &error));
  g_assert_nonnull (error);
}

static void
test_copy (void)
{
  g_autoptr(MigratorConfig) config = load ("{ \"database\": \"x.db\", \"transaction\": \"per-revision\", "
                                           "\"backup\": { \"keep\": 4, \"enabled\": false } }");
  g_autoptr(MigratorConfig) copy = migrator_config_copy (config);

  g_assert_true (copy->database != config->database);
  g_assert_cmpstr (copy->database, ==, "x.db");
  g_assert_cmpint (copy->transaction, ==, MIGRATOR_TRANSACTION_PER_REVISION);
  g_assert_cmpuint (copy->backup_keep, ==, 4);
  g_assert_false (copy->backup_enabled);
  g_assert_cmpstr (copy->backup_directory, ==, "backups");

  migrator_config_free (NULL);
}

static void
test_transaction_mode_to_string (void)
{
  g_assert_cmpstr (migrator_transaction_mode_to_string (MIGRATOR_TRANSACTION_ALL), ==, "all");
  g_assert_cmpstr (migrator_transaction_mode_to_string (MIGRATOR_TRANSACTION_PER_REVISION), ==, "per-revision");
}

static void
test_suggest_closest (void)
{
  const char *const words[] = { "upgrade", "downgrade", "history", NULL };
  const char *const none[] = { NULL };

  g_assert_cmpstr (migrator_suggest_closest ("upgrad", words, 3), ==, "upgrade");
  g_assert_cmpstr (migrator_suggest_closest ("dwongrade", words, 3), ==, "downgrade");
  g_assert_cmpstr (migrator_suggest_closest ("history", words, 0), ==, "history");
  g_assert_null (migrator_suggest_closest ("zzz", words, 3));
  g_assert_null (migrator_suggest_closest ("upgrad", none, 3));
  g_assert_null (migrator_suggest_closest ("hist", words, 2));
}

/* Database URLs */

static void
assert_url (const char *url,
            const char *project_dir,
            const char *relative_dir,
            const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = migrator_database_path_from_url (url, project_dir, relative_dir, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, expected);
}

static void
test_url_relative (void)
{
  assert_url ("sqlite:///app.db", "/projects/shop", "/home/me", "/projects/shop/app.db");
  assert_url ("sqlite:///data/app.db", "/projects/shop", "/home/me", "/projects/shop/data/app.db");
  assert_url ("sqlite:///../shared/./app.db", "/projects/shop", "/home/me", "/projects/shared/app.db");
  assert_url ("SQLite:///app.db", "/projects/shop", "/home/me", "/projects/shop/app.db");
}

static void
test_url_absolute (void)
{
  assert_url ("sqlite:////var/lib/app/app.db", "/projects/shop", "/home/me", "/var/lib/app/app.db");
  assert_url ("sqlite:////var/lib//app/../app.db", "/projects/shop", "/home/me", "/var/lib/app.db");
}

static void
test_url_plain_path (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *in_cwd = g_canonicalize_filename ("imobile.db", cwd);

  assert_url ("imobile.db", "/projects/shop", "/home/me", "/home/me/imobile.db");
  assert_url ("./data/../imobile.db", "/projects/shop", "/home/me", "/home/me/imobile.db");
  assert_url ("/srv/imobile.db", "/projects/shop", "/home/me", "/srv/imobile.db");
  assert_url ("imobile.db", "/projects/shop", NULL, in_cwd);
  assert_url ("C:imobile.db", "/projects/shop", "/home/me", "/home/me/C:imobile.db");
}

static void
test_url_bad (void)
{
  const char *const bad[] = {
    "postgresql://user@localhost/app",
    "mysql://localhost/app",
    "file:///tmp/app.db",
    "file:app.db",
    "sqlite://",
    "sqlite:///",
    "sqlite:////",
    "sqlite://host/app.db",
    "sqlite:app.db",
    "sqlite::memory:",
    ":memory:",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = migrator_database_path_from_url (bad[i], "/projects/shop", "/home/me", &error);
      g_autofree char *expected = g_strdup_printf ("unsupported database URL '%s': use sqlite:///relative.db, "
                                                   "sqlite:////absolute.db or a file path",
                                                   bad[i]);

      g_assert_null (path);
      g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE);
      g_assert_cmpstr (error->message, ==, expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/config/load/defaults", test_defaults);
  g_test_add_func ("/config/load/spec-defaults-file", test_spec_defaults_file);
  g_test_add_func ("/config/load/every-key", test_every_key);
  g_test_add_func ("/config/load/partial", test_partial);
  g_test_add_func ("/config/load/data-length", test_load_data_length);
  g_test_add_func ("/config/error/wrong-types", test_wrong_types);
  g_test_add_func ("/config/error/same-tables", test_same_tables);
  g_test_add_func ("/config/error/unknown-keys", test_unknown_keys);
  g_test_add_func ("/config/error/invalid-json", test_invalid_json);
  g_test_add_func ("/config/error/missing-file", test_load_missing_file);
  g_test_add_func ("/config/error/file-path", test_load_file_error_names_path);
  g_test_add_func ("/config/save/round-trip", test_save_load);
  g_test_add_func ("/config/save/to-data-defaults", test_to_data_defaults);
  g_test_add_func ("/config/save/error", test_save_error);
  g_test_add_func ("/config/copy", test_copy);
  g_test_add_func ("/config/transaction-mode-to-string", test_transaction_mode_to_string);
  g_test_add_func ("/config/suggest-closest", test_suggest_closest);
  g_test_add_func ("/config/url/relative", test_url_relative);
  g_test_add_func ("/config/url/absolute", test_url_absolute);
  g_test_add_func ("/config/url/plain-path", test_url_plain_path);
  g_test_add_func ("/config/url/bad", test_url_bad);

  return g_test_run ();
}
