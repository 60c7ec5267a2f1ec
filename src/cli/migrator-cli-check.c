/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-check.h"
#include "migrator-cli-private.h"
#include "migrator-service.h"

static void
check_log_cb (MigratorLogLevel  level,
              const char       *message,
              gpointer          user_data)
{
  MigratorCli *cli = user_data;

  if (!cli->json && !cli->quiet)
    g_printerr ("%s\n", message);
}

/* Applied revisions whose file changed since, when the database exists. */
static GStrv
changed_revisions (MigratorCli *cli,
                   GError     **error)
{
  g_autofree char *path = migrator_cli_get_database_path (cli, error);
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorStatus) status = NULL;

  if (path == NULL)
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return g_new0 (char *, 1);

  service = migrator_service_new (cli->project, path);
  status = migrator_service_status_sync (service, NULL, error);
  if (status == NULL)
    return NULL;
  return g_strdupv (status->changed);
}

static void
print_json (GPtrArray *findings,
            gboolean   ok)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, ok);
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < findings->len; i++)
    {
      MigratorFinding *finding = g_ptr_array_index (findings, i);

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "rule", finding->rule);
      migrator_cli_json_add_string (builder, "severity", migrator_severity_to_string (finding->severity));
      migrator_cli_json_add_string (builder, "revision", finding->revision);
      migrator_cli_json_add_string (builder, "message", finding->message);
      migrator_cli_json_add_string (builder, "path", finding->path);
      json_builder_set_member_name (builder, "line");
      json_builder_add_int_value (builder, finding->line);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  migrator_cli_print_json (json_builder_get_root (builder));
}

static void
print_text (MigratorCli *cli,
            GPtrArray   *findings)
{
  guint counts[3] = { 0 };

  for (guint i = 0; i < findings->len; i++)
    {
      MigratorFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *where = NULL;

      counts[finding->severity]++;
      if (finding->path != NULL && finding->line > 0)
        where = g_strdup_printf ("%s:%u: ", finding->path, finding->line);
      else if (finding->path != NULL)
        where = g_strdup_printf ("%s: ", finding->path);
      g_print ("%s%s [%s] %s\n", where != NULL ? where : "",
               migrator_severity_to_string (finding->severity), finding->rule, finding->message);
    }

  if (findings->len == 0)
    migrator_cli_info (cli, "%s", _("No problems found: every revision upgrades, downgrades and upgrades again cleanly"));
  else
    /* Translators: the summary line of "migrator check" */
    migrator_cli_info (cli, _("%u errors, %u warnings"),
                       counts[MIGRATOR_SEVERITY_ERROR], counts[MIGRATOR_SEVERITY_WARNING]);
}

int
migrator_cli_cmd_check (MigratorCli  *cli,
                        int           argc,
                        char        **argv,
                        GError      **error)
{
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) changed = NULL;
  gboolean ok;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;
  if (migrator_cli_get_project (cli, error) == NULL)
    return MIGRATOR_CLI_FAILED;

  changed = changed_revisions (cli, error);
  if (changed == NULL)
    return MIGRATOR_CLI_FAILED;

  findings = migrator_check_run (cli->project, (const char *const *) changed, NULL, check_log_cb, cli, error);
  if (findings == NULL)
    return MIGRATOR_CLI_FAILED;

  ok = migrator_lint_worst (findings) < MIGRATOR_SEVERITY_ERROR;
  if (cli->json)
    print_json (findings, ok);
  else
    print_text (cli, findings);

  return ok ? MIGRATOR_CLI_OK : 1;
}
