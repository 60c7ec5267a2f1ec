/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "migrator-config.h"
#include "migrator-cli-private.h"

/* GOption would take "-1" for an unknown option: such arguments travel
 * through the parser behind this prefix. */
#define NUMBER_MARK "\x1f"

typedef struct
{
  gboolean help;
  gboolean json;
  gboolean quiet;
  char    *project;
  char    *database;
} CommonOptions;

static gboolean
is_negative_number (const char *arg)
{
  if (arg[0] != '-' || arg[1] == '\0')
    return FALSE;
  for (const char *p = arg + 1; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static GStrv
copy_args_marking_numbers (int    argc,
                           char **argv)
{
  GStrv copy = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    copy[i] = i > 0 && is_negative_number (argv[i])
                ? g_strconcat (NUMBER_MARK, argv[i], NULL)
                : g_strdup (argv[i]);
  return copy;
}

static void
unmark_numbers (GStrv args)
{
  for (guint i = 1; args[i] != NULL; i++)
    if (g_str_has_prefix (args[i], NUMBER_MARK))
      memmove (args[i], args[i] + 1, strlen (args[i]));
}

static GOptionContext *
create_context (MigratorCli        *cli,
                const GOptionEntry *entries,
                CommonOptions      *common)
{
  const GOptionEntry common_entries[] = {
    { "help", 'h', 0, G_OPTION_ARG_NONE, &common->help, N_("Show the options of this command"), NULL },
      { "json", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &common->json, NULL, NULL },
      { "quiet", 'q', G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &common->quiet, NULL, NULL },
      { "project", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &common->project, NULL, NULL },
      { "database", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &common->database, NULL, NULL },
      { NULL }
  };
  const MigratorCliCommand *command = cli->command;
  GOptionContext           *context = g_option_context_new (command->parameter_string);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context,
                                    _("Global options (--project, --database, --json, --quiet) may also come before the command; see “migrator --help”."));
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  return context;
}

static void
merge_common_options (MigratorCli   *cli,
                      CommonOptions *common)
{
  cli->json |= common->json;
  cli->quiet |= common->quiet;
  if (common->project != NULL)
    {
      g_free (cli->project_dir);
      cli->project_dir = g_steal_pointer (&common->project);
    }
  if (common->database != NULL)
    {
      g_free (cli->database);
      cli->database = g_steal_pointer (&common->database);
    }
}

gboolean
migrator_cli_parse_options (MigratorCli        *cli,
                            const GOptionEntry *entries,
                            int                *argc,
                            char             ***argv,
                            GError            **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *prgname = NULL;
  CommonOptions    common = {
       0,
  };
  GStrv args;

  g_assert (cli->command != NULL);

  prgname = g_strdup_printf ("migrator %s", cli->command->name);
  if (g_get_prgname () == NULL)
    g_set_prgname (prgname);

  context = create_context (cli, entries, &common);
  args = copy_args_marking_numbers (*argc, *argv);
  g_strfreev (cli->args);
  cli->args = args;

  if (!g_option_context_parse_strv (context, &cli->args, &local_error))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("%s (see “%s --help”)"), local_error->message, prgname);
      merge_common_options (cli, &common);
      g_free (common.project);
      g_free (common.database);
      return FALSE;
    }

  merge_common_options (cli, &common);
  unmark_numbers (cli->args);
  *argc = g_strv_length (cli->args);
  *argv = cli->args;

  if (common.help)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", help);
      return FALSE;
    }
  return TRUE;
}

int
migrator_cli_status (GError **error)
{
  return error != NULL && *error != NULL ? MIGRATOR_CLI_FAILED : MIGRATOR_CLI_OK;
}

gboolean
migrator_cli_check_n_args (MigratorCli *cli,
                           int          argc,
                           int          min,
                           int          max,
                           GError     **error)
{
  int n = argc - 1;

  if (n < min)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("Missing argument (usage: migrator %s %s)"),
                      cli->command->name, cli->command->parameter_string);
      return FALSE;
    }
  if (max >= 0 && n > max)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("Unexpected argument “%s” (see “migrator %s --help”)"),
                      cli->args[max + 1], cli->command->name);
      return FALSE;
    }
  return TRUE;
}

MigratorProject *
migrator_cli_get_project (MigratorCli *cli,
                          GError     **error)
{
  g_autofree char *cwd = NULL;
  g_autofree char *dir = NULL;

  if (cli->project != NULL)
    return cli->project;

  cwd = g_get_current_dir ();
  dir = migrator_project_find_dir (cli->project_dir, cwd, error);
  if (dir == NULL)
    return NULL;

  cli->project = migrator_project_open (dir, error);
  return cli->project;
}

MigratorGraph *
migrator_cli_get_graph (MigratorCli *cli,
                        GError     **error)
{
  MigratorProject *project = migrator_cli_get_project (cli, error);

  return project != NULL ? migrator_project_get_graph (project) : NULL;
}

char *
migrator_cli_get_database_path (MigratorCli *cli,
                                GError     **error)
{
  MigratorProject *project = migrator_cli_get_project (cli, error);

  if (project == NULL)
    return NULL;
  return migrator_project_resolve_database (project, cli->database, error);
}

GStrv
migrator_cli_get_current (MigratorCli *cli,
                          char       **db_path,
                          gboolean    *db_exists,
                          GError     **error)
{
  g_autofree char *path = migrator_cli_get_database_path (cli, error);
  MigratorConfig  *config;
  GStrv            rows = NULL;

  if (path == NULL)
    return NULL;

  config = migrator_project_get_config (cli->project);
  if (db_exists != NULL)
    *db_exists = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!migrator_cli_read_version_rows (path, config->version_table,
                                       config->lock_timeout_ms, &rows, error))
    return NULL;
  if (db_path != NULL)
    *db_path = g_steal_pointer (&path);
  return rows;
}

void
migrator_cli_info (MigratorCli *cli,
                   const char  *format,
                   ...)
{
  g_autofree char *text = NULL;
  va_list          args;

  if (cli->quiet || cli->json)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", text);
}

void
migrator_cli_warning (MigratorCli *cli,
                      const char  *format,
                      ...)
{
  g_autofree char *text = NULL;
  va_list          args;

  if (cli->quiet)
    return;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("migrator: warning: %s\n", text);
}

void
migrator_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, NULL);
  json_node_unref (root);

  /* JSON is UTF-8 whatever the locale: no charset conversion here. */
  fputs (data, stdout);
  fputc ('\n', stdout);
}

static void
print_error_json (const GError *error,
                  int           exit_code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  migrator_cli_json_add_string (builder, "message", error->message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_int_value (builder, exit_code);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  migrator_cli_print_json (json_builder_get_root (builder));
}

void
migrator_cli_print_error (MigratorCli  *cli,
                          const GError *error,
                          int           exit_code)
{
  g_auto(GStrv) lines = NULL;

  if (cli->json)
    {
      print_error_json (error, exit_code);
      return;
    }

  /* The first line is the error, later ones are indented details. The
   * prefix stays untranslated: scripts look for it (SPEC §5). */
  lines = g_strsplit (error->message, "\n", -1);
  g_printerr ("migrator: error: %s\n", lines[0] ? lines[0] : "");
  for (guint i = 1; lines[0] && lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      g_printerr ("%s%s\n", g_ascii_isspace (lines[i][0]) ? "" : "  ", lines[i]);
    }
}
