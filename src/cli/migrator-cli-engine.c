/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "migrator-backup.h"
#include "migrator-cli-private.h"
#include "migrator-service.h"

/* The commands that change the database, all through MigratorService:
 * upgrade, downgrade, stamp, merge, status, backup, backups, restore,
 * reset. Log lines of the service go to stderr (stdout stays for results,
 * --sql scripts and --json): live on a terminal; otherwise kept until the
 * command succeeded, so that a failure's stderr starts with the one
 * "migrator: error:" line scripts look for (SPEC §5). */

static GPtrArray *pending_log_lines;

static void
print_log_line (MigratorCli      *cli,
                MigratorLogLevel  level,
                const char       *message)
{
  if (level == MIGRATOR_LOG_LEVEL_WARNING)
    migrator_cli_warning (cli, "%s", message);
  else
    g_printerr ("migrator: %s\n", message);
}

static void
service_log_cb (MigratorService  *service,
                MigratorLogLevel  level,
                const char       *message,
                MigratorCli      *cli)
{
  /* Errors are printed once, as the command's error. */
  if (cli->quiet || (level != MIGRATOR_LOG_LEVEL_INFO && level != MIGRATOR_LOG_LEVEL_WARNING))
    return;

  if (isatty (STDERR_FILENO))
    {
      print_log_line (cli, level, message);
      return;
    }

  if (pending_log_lines == NULL)
    pending_log_lines = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (pending_log_lines, g_strdup_printf ("%d%s", level, message));
}

/* Called when the command succeeded; on failure the lines are dropped. */
static void
flush_log_lines (MigratorCli *cli)
{
  g_autoptr(GPtrArray) lines = g_steal_pointer (&pending_log_lines);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      const char *line = lines->pdata[i];

      print_log_line (cli, (MigratorLogLevel) (line[0] - '0'), line + 1);
    }
}

static MigratorService *
engine_service (MigratorCli  *cli,
                GError      **error)
{
  MigratorProject *project = migrator_cli_get_project (cli, error);
  g_autofree char *path = NULL;
  MigratorService *service;

  if (project == NULL)
    return NULL;

  path = migrator_project_resolve_database (project, cli->database, error);
  if (path == NULL)
    return NULL;

  service = migrator_service_new (project, path);
  g_signal_connect (service, "log", G_CALLBACK (service_log_cb), cli);
  return service;
}

static char *
join_or_base (char **rows)
{
  if (rows == NULL || rows[0] == NULL)
    return g_strdup ("base");
  return g_strjoinv (", ", rows);
}

static void
print_run_result (MigratorCli       *cli,
                  MigratorRunResult *result,
                  const char        *verb)
{
  g_autofree char *from = join_or_base (result->from);
  g_autofree char *to = join_or_base (result->to);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      g_ptr_array_add (result->applied, NULL);
      json_builder_begin_object (builder);
      migrator_cli_json_add_strv (builder, "from", (const char *const *) result->from);
      migrator_cli_json_add_strv (builder, "to", (const char *const *) result->to);
      migrator_cli_json_add_strv (builder, "applied", (const char *const *) result->applied->pdata);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, result->dry_run);
      if (result->dry_run)
        {
          g_ptr_array_add (result->changes, NULL);
          migrator_cli_json_add_strv (builder, "changes", (const char *const *) result->changes->pdata);
          g_ptr_array_set_size (result->changes, result->changes->len - 1);
        }
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      g_ptr_array_set_size (result->applied, result->applied->len - 1);
      return;
    }

  if (result->dry_run)
    {
      migrator_cli_info (cli, _("Dry run: would %s from %s to %s (%u revision(s)); nothing was changed"),
                         verb, from, to, result->applied->len);
      for (guint i = 0; i < result->changes->len; i++)
        migrator_cli_info (cli, "  %s", (char *) result->changes->pdata[i]);
      return;
    }

  if (result->applied->len == 0)
    migrator_cli_info (cli, _("Already at %s: nothing to do"), to);
  else
    migrator_cli_info (cli, _("%s from %s to %s (%u revision(s))"),
                       g_str_equal (verb, "upgrade") ? _("Upgraded") : _("Downgraded"),
                       from, to, result->applied->len);
  if (result->backup != NULL)
    migrator_cli_info (cli, _("Backup: %s"), result->backup);
}

static int
run_upgrade_or_downgrade (MigratorCli        *cli,
                          int                 argc,
                          char              **argv,
                          MigratorDirection   direction,
                          GError            **error)
{
  gboolean sql = FALSE;
  gboolean dry_run = FALSE;
  gboolean no_backup = FALSE;
  const GOptionEntry entries[] = {
    { "sql", 0, 0, G_OPTION_ARG_NONE, &sql, N_("Print the SQL script instead of running it"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Run in a transaction and roll back"), NULL },
    { "no-backup", 0, 0, G_OPTION_ARG_NONE, &no_backup, N_("Do not back up the database first"), NULL },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  MigratorServiceFlags flags = MIGRATOR_SERVICE_FLAGS_NONE;
  gboolean upgrade = direction == MIGRATOR_DIRECTION_UPGRADE;
  const char *target;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, upgrade ? 0 : 1, 1, error))
    return MIGRATOR_CLI_FAILED;
  if (sql && dry_run)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                           _("--sql and --dry-run cannot be used together"));
      return MIGRATOR_CLI_FAILED;
    }

  target = argc > 1 ? argv[1] : "head";
  flags |= sql ? MIGRATOR_SERVICE_FLAGS_SQL_ONLY : 0;
  flags |= dry_run ? MIGRATOR_SERVICE_FLAGS_DRY_RUN : 0;
  flags |= no_backup ? MIGRATOR_SERVICE_FLAGS_NO_BACKUP : 0;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  if (upgrade)
    result = migrator_service_upgrade_sync (service, target, flags, NULL, error);
  else
    result = migrator_service_downgrade_sync (service, target, flags, NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  if (result->sql != NULL)
    {
      if (cli->json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          migrator_cli_json_add_string (builder, "sql", result->sql);
          json_builder_end_object (builder);
          migrator_cli_print_json (json_builder_get_root (builder));
        }
      else
        g_print ("%s", result->sql);
      return MIGRATOR_CLI_OK;
    }

  print_run_result (cli, result, upgrade ? "upgrade" : "downgrade");
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_upgrade (MigratorCli  *cli,
                          int           argc,
                          char        **argv,
                          GError      **error)
{
  return run_upgrade_or_downgrade (cli, argc, argv, MIGRATOR_DIRECTION_UPGRADE, error);
}

int
migrator_cli_cmd_downgrade (MigratorCli  *cli,
                            int           argc,
                            char        **argv,
                            GError      **error)
{
  return run_upgrade_or_downgrade (cli, argc, argv, MIGRATOR_DIRECTION_DOWNGRADE, error);
}

int
migrator_cli_cmd_stamp (MigratorCli  *cli,
                        int           argc,
                        char        **argv,
                        GError      **error)
{
  gboolean no_backup = FALSE;
  const GOptionEntry entries[] = {
    { "no-backup", 0, 0, G_OPTION_ARG_NONE, &no_backup, N_("Do not back up the database first"), NULL },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *to = NULL;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 1, 1, error))
    return MIGRATOR_CLI_FAILED;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  result = migrator_service_stamp_sync (service, argv[1],
                                        no_backup ? MIGRATOR_SERVICE_FLAGS_NO_BACKUP : 0,
                                        NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_strv (builder, "from", (const char *const *) result->from);
      migrator_cli_json_add_strv (builder, "to", (const char *const *) result->to);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  to = join_or_base (result->to);
  migrator_cli_info (cli, _("Stamped the database as %s"), to);
  if (result->backup != NULL)
    migrator_cli_info (cli, _("Backup: %s"), result->backup);
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_merge (MigratorCli  *cli,
                        int           argc,
                        char        **argv,
                        GError      **error)
{
  g_autofree char *message = NULL;
  const GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("Message of the merge revision"), N_("MESSAGE") },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  MigratorRevision *revision;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (message == NULL || *message == '\0')
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                           _("merge needs a message: migrator merge -m MESSAGE [REV…]"));
      return MIGRATOR_CLI_FAILED;
    }

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  result = migrator_service_merge_sync (service, message, argc > 1 ? (const char *const *) &argv[1] : NULL,
                                        NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  revision = migrator_graph_lookup (migrator_project_get_graph (cli->project), result->applied->pdata[0]);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "revision", result->applied->pdata[0]);
      migrator_cli_json_add_string (builder, "path", result->path);
      if (revision != NULL)
        migrator_cli_json_add_strv (builder, "down_revisions", migrator_revision_get_down_revisions (revision));
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  migrator_cli_info (cli, _("Generated %s"), result->path);
  return MIGRATOR_CLI_OK;
}

static void
print_list (MigratorCli *cli,
            const char  *label,
            char       **ids,
            const char  *empty)
{
  g_autofree char *joined = ids && ids[0] ? g_strjoinv (" ", ids) : NULL;

  migrator_cli_info (cli, "%-9s %s", label, joined ? joined : empty);
}

int
migrator_cli_cmd_status (MigratorCli  *cli,
                         int           argc,
                         char        **argv,
                         GError      **error)
{
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorStatus) status = NULL;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  status = migrator_service_status_sync (service, NULL, error);
  if (status == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "database", status->database);
      migrator_cli_json_add_strv (builder, "current", (const char *const *) status->current);
      migrator_cli_json_add_strv (builder, "heads", (const char *const *) status->heads);
      migrator_cli_json_add_strv (builder, "pending", (const char *const *) status->pending);
      migrator_cli_json_add_strv (builder, "changed", (const char *const *) status->changed);
      json_builder_set_member_name (builder, "lint");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "errors");
      json_builder_add_int_value (builder, status->lint_errors);
      json_builder_set_member_name (builder, "warnings");
      json_builder_add_int_value (builder, status->lint_warnings);
      json_builder_set_member_name (builder, "info");
      json_builder_add_int_value (builder, status->lint_infos);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  migrator_cli_info (cli, "%-9s %s%s", _("Database:"), status->database,
                     status->exists ? "" : _(" (does not exist yet)"));
  print_list (cli, _("Current:"), status->current, "base");
  print_list (cli, _("Heads:"), status->heads, _("(none)"));
  print_list (cli, _("Pending:"), status->pending, _("(none: up to date)"));
  migrator_cli_info (cli, _("%-9s %u errors, %u warnings, %u notes (details: migrator check)"),
                     _("Lint:"), status->lint_errors, status->lint_warnings, status->lint_infos);
  if (status->changed[0] != NULL)
    {
      print_list (cli, _("Changed:"), status->changed, "");
      migrator_cli_warning (cli, _("%u applied revision files changed since they were applied"),
                            g_strv_length (status->changed));
    }
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_backup (MigratorCli  *cli,
                         int           argc,
                         char        **argv,
                         GError      **error)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the backup to FILE"), N_("FILE") },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *absolute = NULL;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  if (output != NULL)
    absolute = g_canonicalize_filename (output, NULL);
  result = migrator_service_backup_sync (service, absolute, NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "backup", result->path);
      migrator_cli_json_add_strv (builder, "current", (const char *const *) result->from);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  migrator_cli_info (cli, "%s", result->path);
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_backups (MigratorCli  *cli,
                          int           argc,
                          char        **argv,
                          GError      **error)
{
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(JsonBuilder) builder = NULL;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  backups = migrator_service_list_backups_sync (service, NULL, error);
  if (backups == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backups");
  json_builder_begin_array (builder);

  for (guint i = 0; i < backups->len; i++)
    {
      MigratorBackupInfo *info = backups->pdata[i];
      g_autofree char *created = info->created ? g_date_time_format_iso8601 (info->created) : NULL;

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "path", info->path);
      migrator_cli_json_add_string (builder, "name", info->name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, info->size);
      migrator_cli_json_add_string (builder, "created", created);
      migrator_cli_json_add_string (builder, "revision", info->revision);
      json_builder_end_object (builder);

      migrator_cli_info (cli, "%s  %10" G_GOFFSET_FORMAT "  %s", info->name, info->size,
                         created ? created : "");
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (cli->json)
    migrator_cli_print_json (json_builder_get_root (builder));
  else if (backups->len == 0)
    migrator_cli_info (cli, _("No backups yet"));

  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_restore (MigratorCli  *cli,
                          int           argc,
                          char        **argv,
                          GError      **error)
{
  gboolean no_backup = FALSE;
  const GOptionEntry entries[] = {
    { "no-backup", 0, 0, G_OPTION_ARG_NONE, &no_backup, N_("Do not back up the current file first"), NULL },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *to = NULL;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 1, 1, error))
    return MIGRATOR_CLI_FAILED;

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  result = migrator_service_restore_sync (service, argv[1],
                                          no_backup ? MIGRATOR_SERVICE_FLAGS_NO_BACKUP : 0,
                                          NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "restored", result->path);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      migrator_cli_json_add_strv (builder, "from", (const char *const *) result->from);
      migrator_cli_json_add_strv (builder, "to", (const char *const *) result->to);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  to = join_or_base (result->to);
  migrator_cli_info (cli, _("Restored %s (now at %s)"), result->path, to);
  if (result->backup != NULL)
    migrator_cli_info (cli, _("The file as it was is kept in %s"), result->backup);
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_reset (MigratorCli  *cli,
                        int           argc,
                        char        **argv,
                        GError      **error)
{
  gboolean yes = FALSE;
  gboolean no_backup = FALSE;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Really delete and recreate the database"), NULL },
    { "no-backup", 0, 0, G_OPTION_ARG_NONE, &no_backup, N_("Do not back up the database first"), NULL },
    { NULL }
  };
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorRunResult) result = NULL;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error))
    return MIGRATOR_CLI_FAILED;
  if (!yes)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                           _("reset deletes the database and recreates it at head: "
                             "confirm with migrator reset --yes (development only)"));
      return MIGRATOR_CLI_FAILED;
    }

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  result = migrator_service_reset_sync (service, no_backup ? MIGRATOR_SERVICE_FLAGS_NO_BACKUP : 0,
                                        NULL, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;
  flush_log_lines (cli);

  print_run_result (cli, result, "upgrade");
  return MIGRATOR_CLI_OK;
}
