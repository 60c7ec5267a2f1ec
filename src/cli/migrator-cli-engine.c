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

/* The service calls that take a target and flags; reset and backup come
 * through the adapters below. */
typedef MigratorRunResult *(*EngineRunFunc) (MigratorService       *service,
                                             const char            *target,
                                             MigratorServiceFlags   flags,
                                             GCancellable          *cancellable,
                                             GError               **error);

/* Parses the command's options and checks that it has @min_args to
 * @max_args (-1: any number) positional arguments. FALSE with @error set,
 * or without when help was printed. */
static gboolean
engine_parse_args (MigratorCli         *cli,
                   const GOptionEntry  *entries,
                   int                 *argc,
                   char              ***argv,
                   int                  min_args,
                   int                  max_args,
                   GError             **error)
{
  return migrator_cli_parse_options (cli, entries, argc, argv, error) &&
         migrator_cli_check_n_args (cli, *argc, min_args, max_args, error);
}

static int
usage_error (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE, message);
  return MIGRATOR_CLI_FAILED;
}

/* The log lines of the service call that gave @result are shown only once
 * it succeeded. */
static gboolean
engine_call_done (MigratorCli   *cli,
                  gconstpointer  result)
{
  if (result == NULL)
    return FALSE;

  flush_log_lines (cli);
  return TRUE;
}

/* Opens the database's service and runs @func on @target. */
static MigratorRunResult *
engine_run (MigratorCli           *cli,
            EngineRunFunc          func,
            const char            *target,
            MigratorServiceFlags   flags,
            GError               **error)
{
  g_autoptr(MigratorService) service = engine_service (cli, error);
  g_autoptr(MigratorRunResult) result = NULL;

  if (service == NULL)
    return NULL;

  result = func (service, target, flags, NULL, error);
  if (!engine_call_done (cli, result))
    return NULL;
  return g_steal_pointer (&result);
}

/* reset has no target */
static MigratorRunResult *
engine_reset_sync (MigratorService       *service,
                   const char            *target,
                   MigratorServiceFlags   flags,
                   GCancellable          *cancellable,
                   GError               **error)
{
  return migrator_service_reset_sync (service, flags, cancellable, error);
}

/* backup takes no flags */
static MigratorRunResult *
engine_backup_sync (MigratorService       *service,
                    const char            *dest_path,
                    MigratorServiceFlags   flags,
                    GCancellable          *cancellable,
                    GError               **error)
{
  return migrator_service_backup_sync (service, dest_path, cancellable, error);
}

static MigratorServiceFlags
no_backup_flags (gboolean no_backup)
{
  return no_backup ? MIGRATOR_SERVICE_FLAGS_NO_BACKUP : 0;
}

/* A command's --json result is one object: begin_json_object (), its
 * members, then print_json_object (). */
static JsonBuilder *
begin_json_object (void)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  return builder;
}

static int
print_json_object (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  migrator_cli_print_json (json_builder_get_root (builder));
  return MIGRATOR_CLI_OK;
}

static void
json_add_from_to (JsonBuilder       *builder,
                  MigratorRunResult *result)
{
  migrator_cli_json_add_strv (builder, "from", (const char *const *) result->from);
  migrator_cli_json_add_strv (builder, "to", (const char *const *) result->to);
}

/* Adds the NULL-terminated pointers of @array as a string list. */
static void
json_add_ptr_array (JsonBuilder *builder,
                    const char  *member,
                    GPtrArray   *array)
{
  g_ptr_array_add (array, NULL);
  migrator_cli_json_add_strv (builder, member, (const char *const *) array->pdata);
  g_ptr_array_set_size (array, array->len - 1);
}

static void
print_backup (MigratorCli       *cli,
              MigratorRunResult *result)
{
  if (result->backup != NULL)
    migrator_cli_info (cli, _("Backup: %s"), result->backup);
}

static char *
join_or_base (char **rows)
{
  if (rows == NULL || rows[0] == NULL)
    return g_strdup ("base");
  return g_strjoinv (", ", rows);
}

/* The result of upgrade, downgrade and reset, as text or JSON. */
static int
print_run_result (MigratorCli       *cli,
                  MigratorRunResult *result,
                  const char        *verb)
{
  g_autofree char *from = join_or_base (result->from);
  g_autofree char *to = join_or_base (result->to);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = begin_json_object ();

      json_add_from_to (builder, result);
      json_add_ptr_array (builder, "applied", result->applied);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      json_builder_set_member_name (builder, "dry_run");
      json_builder_add_boolean_value (builder, result->dry_run);
      if (result->dry_run)
        json_add_ptr_array (builder, "changes", result->changes);
      return print_json_object (builder);
    }

  if (result->dry_run)
    {
      migrator_cli_info (cli, _("Dry run: would %s from %s to %s (%u revision(s)); nothing was changed"),
                         verb, from, to, result->applied->len);
      for (guint i = 0; i < result->changes->len; i++)
        migrator_cli_info (cli, "  %s", (char *) result->changes->pdata[i]);
      return MIGRATOR_CLI_OK;
    }

  if (result->applied->len == 0)
    migrator_cli_info (cli, _("Already at %s: nothing to do"), to);
  else
    migrator_cli_info (cli, _("%s from %s to %s (%u revision(s))"),
                       g_str_equal (verb, "upgrade") ? _("Upgraded") : _("Downgraded"),
                       from, to, result->applied->len);
  print_backup (cli, result);
  return MIGRATOR_CLI_OK;
}

/* The script of --sql, as it is or as {"sql": …}. */
static int
print_sql (MigratorCli *cli,
           const char  *sql)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (!cli->json)
    {
      g_print ("%s", sql);
      return MIGRATOR_CLI_OK;
    }

  builder = begin_json_object ();
  migrator_cli_json_add_string (builder, "sql", sql);
  return print_json_object (builder);
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
  g_autoptr(MigratorRunResult) result = NULL;
  MigratorServiceFlags flags = MIGRATOR_SERVICE_FLAGS_NONE;
  gboolean upgrade = direction == MIGRATOR_DIRECTION_UPGRADE;

  if (!engine_parse_args (cli, entries, &argc, &argv, upgrade ? 0 : 1, 1, error))
    return migrator_cli_status (error);
  if (sql && dry_run)
    return usage_error (error, _("--sql and --dry-run cannot be used together"));

  flags |= sql ? MIGRATOR_SERVICE_FLAGS_SQL_ONLY : 0;
  flags |= dry_run ? MIGRATOR_SERVICE_FLAGS_DRY_RUN : 0;
  flags |= no_backup_flags (no_backup);

  result = engine_run (cli,
                       upgrade ? migrator_service_upgrade_sync : migrator_service_downgrade_sync,
                       argc > 1 ? argv[1] : "head", flags, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;

  if (result->sql != NULL)
    return print_sql (cli, result->sql);
  return print_run_result (cli, result, upgrade ? "upgrade" : "downgrade");
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
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *to = NULL;

  if (!engine_parse_args (cli, entries, &argc, &argv, 1, 1, error))
    return migrator_cli_status (error);

  result = engine_run (cli, migrator_service_stamp_sync, argv[1], no_backup_flags (no_backup), error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = begin_json_object ();

      json_add_from_to (builder, result);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      return print_json_object (builder);
    }

  to = join_or_base (result->to);
  migrator_cli_info (cli, _("Stamped the database as %s"), to);
  print_backup (cli, result);
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

  if (!engine_parse_args (cli, entries, &argc, &argv, 0, -1, error))
    return migrator_cli_status (error);
  if (message == NULL || *message == '\0')
    return usage_error (error, _("merge needs a message: migrator merge -m MESSAGE [REV…]"));

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  result = migrator_service_merge_sync (service, message, argc > 1 ? (const char *const *) &argv[1] : NULL,
                                        NULL, error);
  if (!engine_call_done (cli, result))
    return MIGRATOR_CLI_FAILED;

  revision = migrator_graph_lookup (migrator_project_get_graph (cli->project), result->applied->pdata[0]);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = begin_json_object ();

      migrator_cli_json_add_string (builder, "revision", result->applied->pdata[0]);
      migrator_cli_json_add_string (builder, "path", result->path);
      if (revision != NULL)
        migrator_cli_json_add_strv (builder, "down_revisions", migrator_revision_get_down_revisions (revision));
      return print_json_object (builder);
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

static void
json_add_int (JsonBuilder *builder,
              const char  *member,
              gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static int
print_status_json (MigratorStatus *status)
{
  g_autoptr(JsonBuilder) builder = begin_json_object ();

  migrator_cli_json_add_string (builder, "database", status->database);
  migrator_cli_json_add_strv (builder, "current", (const char *const *) status->current);
  migrator_cli_json_add_strv (builder, "heads", (const char *const *) status->heads);
  migrator_cli_json_add_strv (builder, "pending", (const char *const *) status->pending);
  migrator_cli_json_add_strv (builder, "changed", (const char *const *) status->changed);
  json_builder_set_member_name (builder, "lint");
  json_builder_begin_object (builder);
  json_add_int (builder, "errors", status->lint_errors);
  json_add_int (builder, "warnings", status->lint_warnings);
  json_add_int (builder, "info", status->lint_infos);
  json_builder_end_object (builder);
  return print_json_object (builder);
}

int
migrator_cli_cmd_status (MigratorCli  *cli,
                         int           argc,
                         char        **argv,
                         GError      **error)
{
  g_autoptr(MigratorService) service = NULL;
  g_autoptr(MigratorStatus) status = NULL;

  if (!engine_parse_args (cli, NULL, &argc, &argv, 0, 0, error))
    return migrator_cli_status (error);

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  status = migrator_service_status_sync (service, NULL, error);
  if (!engine_call_done (cli, status))
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    return print_status_json (status);

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
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *absolute = NULL;

  if (!engine_parse_args (cli, entries, &argc, &argv, 0, 0, error))
    return migrator_cli_status (error);

  if (output != NULL)
    absolute = g_canonicalize_filename (output, NULL);
  result = engine_run (cli, engine_backup_sync, absolute, 0, error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = begin_json_object ();

      migrator_cli_json_add_string (builder, "backup", result->path);
      migrator_cli_json_add_strv (builder, "current", (const char *const *) result->from);
      return print_json_object (builder);
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

  if (!engine_parse_args (cli, NULL, &argc, &argv, 0, 0, error))
    return migrator_cli_status (error);

  service = engine_service (cli, error);
  if (service == NULL)
    return MIGRATOR_CLI_FAILED;

  backups = migrator_service_list_backups_sync (service, NULL, error);
  if (!engine_call_done (cli, backups))
    return MIGRATOR_CLI_FAILED;

  builder = begin_json_object ();
  json_builder_set_member_name (builder, "backups");
  json_builder_begin_array (builder);

  for (guint i = 0; i < backups->len; i++)
    {
      MigratorBackupInfo *info = backups->pdata[i];
      g_autofree char *created = info->created ? g_date_time_format_iso8601 (info->created) : NULL;

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "path", info->path);
      migrator_cli_json_add_string (builder, "name", info->name);
      json_add_int (builder, "size", info->size);
      migrator_cli_json_add_string (builder, "created", created);
      migrator_cli_json_add_string (builder, "revision", info->revision);
      json_builder_end_object (builder);

      migrator_cli_info (cli, "%s  %10" G_GOFFSET_FORMAT "  %s", info->name, info->size,
                         created ? created : "");
    }

  json_builder_end_array (builder);

  if (cli->json)
    return print_json_object (builder);
  if (backups->len == 0)
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
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *to = NULL;

  if (!engine_parse_args (cli, entries, &argc, &argv, 1, 1, error))
    return migrator_cli_status (error);

  result = engine_run (cli, migrator_service_restore_sync, argv[1], no_backup_flags (no_backup), error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = begin_json_object ();

      migrator_cli_json_add_string (builder, "restored", result->path);
      migrator_cli_json_add_string (builder, "backup", result->backup);
      json_add_from_to (builder, result);
      return print_json_object (builder);
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
  g_autoptr(MigratorRunResult) result = NULL;

  if (!engine_parse_args (cli, entries, &argc, &argv, 0, 0, error))
    return migrator_cli_status (error);
  if (!yes)
    return usage_error (error, _("reset deletes the database and recreates it at head: "
                                 "confirm with migrator reset --yes (development only)"));

  result = engine_run (cli, engine_reset_sync, NULL, no_backup_flags (no_backup), error);
  if (result == NULL)
    return MIGRATOR_CLI_FAILED;

  return print_run_result (cli, result, "upgrade");
}
