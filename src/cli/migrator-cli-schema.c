/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-config.h"
#include "migrator-diff.h"
#include "migrator-schema.h"
#include "migrator-cli-private.h"

/* "schema", "diff" and the --autogenerate path of "revision". */

/* The version and history tables are Migrator's, not the application's. */
static const char *const *
ignored_tables (MigratorProject *project,
                const char      *storage[3])
{
  MigratorConfig *config = migrator_project_get_config (project);

  storage[0] = config->version_table;
  storage[1] = config->history_table;
  storage[2] = NULL;
  return storage;
}

static MigratorSchema *
load_database_schema (MigratorCli  *cli,
                      char        **label,
                      GError      **error)
{
  g_autofree char *path = migrator_cli_get_database_path (cli, error);
  MigratorConfig *config;
  const char *ignored[3];

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("The database %s does not exist (use “base” for an empty schema)"), path);
      return NULL;
    }

  config = migrator_project_get_config (cli->project);
  *label = g_strdup ("db");
  return migrator_schema_new_from_database_file (path, ignored_tables (cli->project, ignored),
                                                 config->lock_timeout_ms, error);
}

static MigratorSchema *
load_schema_file (MigratorCli  *cli,
                  char        **label,
                  GError      **error)
{
  MigratorProject *project = migrator_cli_get_project (cli, error);
  g_autofree char *path = NULL;
  const char *ignored[3];

  if (project == NULL)
    return NULL;
  path = migrator_project_get_schema_path (project);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("The schema file %s does not exist"), path);
      return NULL;
    }
  *label = g_strdup ("schema");
  return migrator_schema_new_from_sql_file (path, ignored_tables (project, ignored), error);
}

/* One end of a comparison: "db", "schema", "base", or a revision in any
 * form migrator_graph_resolve() accepts ("head", a prefix, "REV-1", …).
 * @label is what JSON output calls it: the word, or the full revision id. */
static MigratorSchema *
load_endpoint (MigratorCli  *cli,
               const char   *name,
               char        **label,
               GError      **error)
{
  MigratorGraph *graph;
  MigratorRevision *revision;
  const char *ignored[3];

  if (g_str_equal (name, "db"))
    return load_database_schema (cli, label, error);
  if (g_str_equal (name, "schema"))
    return load_schema_file (cli, label, error);

  if (!(graph = migrator_cli_get_graph (cli, error)))
    return NULL;
  if (g_str_equal (name, "base"))
    {
      *label = g_strdup ("base");
      return migrator_schema_new ();
    }
  if (!(revision = migrator_graph_resolve (graph, name, error)))
    return NULL;

  *label = g_strdup (migrator_revision_get_id (revision));
  return migrator_schema_new_at_revision (graph, revision, ignored_tables (cli->project, ignored), error);
}

int
migrator_cli_cmd_schema (MigratorCli  *cli,
                         int           argc,
                         char        **argv,
                         GError      **error)
{
  g_autofree char *at = NULL;
  const GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at,
      N_("Schema at a revision (or head, base, schema) instead of the database's"), N_("REV") },
    { NULL }
  };
  g_autoptr(MigratorSchema) schema = NULL;
  g_autofree char *label = NULL;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;

  schema = load_endpoint (cli, at != NULL ? at : "db", &label, error);
  if (schema == NULL)
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    migrator_cli_print_json (migrator_schema_to_json (schema));
  else
    {
      g_autofree char *text = migrator_schema_to_text (schema);

      g_print ("%s", text);
    }
  return MIGRATOR_CLI_OK;
}

static void
print_diff_json (const char *from,
                 const char *to,
                 GPtrArray  *changes)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  migrator_cli_json_add_string (builder, "from", from);
  migrator_cli_json_add_string (builder, "to", to);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    json_builder_add_value (builder, migrator_schema_change_to_json (g_ptr_array_index (changes, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "equal");
  json_builder_add_boolean_value (builder, changes->len == 0);
  json_builder_end_object (builder);
  migrator_cli_print_json (json_builder_get_root (builder));
}

int
migrator_cli_cmd_diff (MigratorCli  *cli,
                       int           argc,
                       char        **argv,
                       GError      **error)
{
  g_autoptr(MigratorSchema) from = NULL;
  g_autoptr(MigratorSchema) to = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *from_label = NULL;
  g_autofree char *to_label = NULL;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 2, error))
    return MIGRATOR_CLI_FAILED;

  /* Like Alembic's "check": is the database where the revisions lead? */
  if (!(from = load_endpoint (cli, argc > 1 ? argv[1] : "db", &from_label, error)) ||
      !(to = load_endpoint (cli, argc > 2 ? argv[2] : "head", &to_label, error)))
    return MIGRATOR_CLI_FAILED;

  changes = migrator_schema_diff (from, to);
  if (cli->json)
    print_diff_json (from_label, to_label, changes);
  else if (changes->len == 0)
    migrator_cli_info (cli, _("No differences between %s and %s"), from_label, to_label);
  else
    {
      migrator_cli_info (cli, _("From %s to %s:"), from_label, to_label);
      for (guint i = 0; i < changes->len; i++)
        {
          g_autofree char *line = migrator_schema_change_to_string (g_ptr_array_index (changes, i));

          g_print ("%s\n", line);
        }
    }
  return changes->len == 0 ? MIGRATOR_CLI_OK : 1;
}

gboolean
migrator_cli_autogenerate (MigratorCli        *cli,
                           const char *const  *parents,
                           char              **upgrade_sql,
                           char              **downgrade_sql,
                           GError            **error)
{
  g_autoptr(MigratorSchema) head = NULL;
  g_autoptr(MigratorSchema) target = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *head_label = NULL;
  g_autofree char *target_label = NULL;

  g_return_val_if_fail (upgrade_sql != NULL && downgrade_sql != NULL, FALSE);

  *upgrade_sql = NULL;
  *downgrade_sql = NULL;
  if (parents != NULL && parents[0] != NULL && parents[1] != NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("--autogenerate needs a single parent revision"));
      return FALSE;
    }

  if (!(head = load_endpoint (cli, parents != NULL && parents[0] != NULL ? parents[0] : "base",
                              &head_label, error)) ||
      !(target = load_endpoint (cli, "schema", &target_label, error)))
    return FALSE;

  changes = migrator_schema_diff (head, target);
  if (changes->len == 0)
    {
      migrator_cli_info (cli, _("No changes detected"));
      if (cli->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "revision");
          json_builder_add_null_value (builder);
          migrator_cli_json_add_string (builder, "message", "No changes detected");
          json_builder_end_object (builder);
          migrator_cli_print_json (json_builder_get_root (builder));
        }
      return TRUE;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      g_autofree char *line = migrator_schema_change_to_string (g_ptr_array_index (changes, i));

      migrator_cli_info (cli, _("Detected %s"), line);
    }
  migrator_schema_autogenerate (head, target, upgrade_sql, downgrade_sql);
  return TRUE;
}
