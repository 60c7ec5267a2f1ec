/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "migrator-config.h"
#include "migrator-cli.h"
#include "migrator-cli-private.h"

/* Every command of SPEC §5, in the order of "migrator --help". A NULL
 * function means the command is announced but not available yet. The
 * parameter strings are translated by GOptionContext. */
/* clang-format off */
static const MigratorCliCommand commands[] = {
  { "init",      N_("[DIR]"),             N_("Create a project: migrator.json, versions/, schema.sql"),  migrator_cli_cmd_init },
  { "revision",  N_("-m MESSAGE"),        N_("Create a new revision file"),                              migrator_cli_cmd_revision },
  { "upgrade",   N_("[TARGET]"),          N_("Upgrade the database to a later revision (default: head)"), migrator_cli_cmd_upgrade },
  { "downgrade", N_("TARGET"),            N_("Revert the database to an earlier revision"),              migrator_cli_cmd_downgrade },
  { "current",   "",                      N_("Show the revision(s) applied to the database"),            migrator_cli_cmd_current },
  { "status",    "",                      N_("Show current, heads, pending and changed revisions"),      migrator_cli_cmd_status },
  { "history",   "",                      N_("List revisions, newest first"),                            migrator_cli_cmd_history },
  { "heads",     "",                      N_("Show the head revisions"),                                 migrator_cli_cmd_heads },
  { "branches",  "",                      N_("Show the branch points"),                                  migrator_cli_cmd_branches },
  { "show",      N_("REV"),               N_("Show a revision: header, SQL and children"),               migrator_cli_cmd_show },
  { "merge",     N_("-m MESSAGE [REV…]"), N_("Merge heads into one revision (default: all heads)"),      migrator_cli_cmd_merge },
  { "stamp",     N_("REV"),               N_("Set the database version without running SQL"),            migrator_cli_cmd_stamp },
  { "check",     "",                      N_("Check the graph, lint, round trips and schema drift"),     migrator_cli_cmd_check },
  { "diff",      N_("[FROM [TO]]"),       N_("Compare two schemas: REV, head, base, db, schema (default: db head)"), migrator_cli_cmd_diff },
  { "schema",    N_("[--at REV]"),        N_("Show the schema of the database or of a revision"),        migrator_cli_cmd_schema },
  { "backup",    "",                      N_("Back up the database now"),                                migrator_cli_cmd_backup },
  { "backups",   "",                      N_("List the backups"),                                        migrator_cli_cmd_backups },
  { "restore",   N_("BACKUP|latest"),     N_("Restore a backup"),                                        migrator_cli_cmd_restore },
  { "reset",     "--yes",                 N_("Development only: recreate the database at head"),         migrator_cli_cmd_reset },
};
/* clang-format on */

typedef struct
{
  int      command_index; /* index in argv of the command, 0 when none */
  gboolean help;
  gboolean version;
  gboolean json;
  gboolean quiet;
  gboolean cli_only; /* an option the window does not know */
} GlobalArgs;

static const MigratorCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static const char *
suggest_command (const char *name)
{
  const char *names[G_N_ELEMENTS (commands) + 1] = {
    NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    names[i] = commands[i].name;
  return migrator_suggest_closest (name, names, 2);
}

/* "--name VALUE" or "--name=VALUE". Returns TRUE when @argv[*i] is that
 * option, leaving *i on the last argument consumed. */
static gboolean
take_value_option (const char *name,
                   int         argc,
                   char      **argv,
                   int        *i,
                   char      **value,
                   GError    **error)
{
  const char *arg = argv[*i];
  gsize       len = strlen (name);

  if (strncmp (arg, name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
    return FALSE;

  if (arg[len] == '=')
    {
      g_free (*value);
      *value = g_strdup (arg + len + 1);
    }
  else if (*i + 1 < argc)
    {
      g_free (*value);
      *value = g_strdup (argv[++(*i)]);
    }
  else
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                 _("Option %s needs a value"), name);
  return TRUE;
}

/* Reads the global options in front of the command. With @cli NULL it only
 * looks (unknown options are skipped, values are dropped). */
static gboolean
parse_globals (int          argc,
               char       **argv,
               MigratorCli *cli,
               GlobalArgs  *out,
               GError     **error)
{
  g_autofree char *project = NULL;
  g_autofree char *database = NULL;

  *out = (GlobalArgs){
    0,
  };
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--"))
        {
          out->command_index = i + 1 < argc ? i + 1 : 0;
          break;
        }
      if (arg[0] != '-' || arg[1] == '\0')
        {
          out->command_index = i;
          break;
        }
      if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        out->help = TRUE;
      else if (g_str_equal (arg, "--version"))
        out->version = TRUE;
      else if (g_str_equal (arg, "--json"))
        out->json = TRUE;
      else if (g_str_equal (arg, "--quiet") || g_str_equal (arg, "-q"))
        out->quiet = TRUE;
      else if (take_value_option ("--project", argc, argv, &i, &project, error) ||
               take_value_option ("--database", argc, argv, &i, &database, error))
        {
          if (error && *error)
            return FALSE;
        }
      else if (cli == NULL)
        continue;
      else
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                       _("Unknown option “%s” (see “migrator --help”)"), arg);
          return FALSE;
        }
    }

  out->cli_only = out->json || out->quiet || project != NULL || database != NULL;
  if (cli != NULL)
    {
      cli->json |= out->json;
      cli->quiet |= out->quiet;
      cli->project_dir = g_steal_pointer (&project);
      cli->database = g_steal_pointer (&database);
    }
  return TRUE;
}

gboolean
migrator_cli_handles (int    argc,
                      char **argv)
{
  g_autoptr(GError) error = NULL;
  GlobalArgs  args;
  const char *word;

  /* A missing option value is a usage error of ours. */
  if (!parse_globals (argc, argv, NULL, &args, &error))
    return TRUE;
  if (args.help || args.version)
    return TRUE;
  if (args.command_index == 0)
    return args.cli_only;

  word = argv[args.command_index];
  if (find_command (word) != NULL)
    return TRUE;

  /* A folder or a database file opens the window; any other word is a
   * mistyped command. */
  return !g_file_test (word, G_FILE_TEST_EXISTS);
}

static int
print_version (void)
{
  g_print ("migrator %s\n", PACKAGE_VERSION);
  return MIGRATOR_CLI_OK;
}

static int
print_help (void)
{
  g_autoptr(GString) help = g_string_new (NULL);
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  g_string_append_printf (help, "%s\n  migrator [--project DIR] [--database URL] [--json] [--quiet] %s\n  migrator [%s]\n\n",
                          _("Usage:"), _("COMMAND [ARGS…]"), _("FOLDER|FILE.db"));
  g_string_append_printf (help, "%s\n\n", _("Manage the schema revisions of SQLite databases."));
  g_string_append_printf (help, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (help, "  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));

  g_string_append_printf (help, "\n%s\n", _("Global options:"));
  g_string_append_printf (help, "  %-16s  %s\n", "--project DIR", _("Project folder (default: $MIGRATOR_PROJECT, or search upwards)"));
  g_string_append_printf (help, "  %-16s  %s\n", "--database URL", _("Database URL or path (default: from migrator.json)"));
  g_string_append_printf (help, "  %-16s  %s\n", "--json", _("Write one JSON object to standard output"));
  g_string_append_printf (help, "  %-16s  %s\n", "-q, --quiet", _("Print only results and errors"));
  g_string_append_printf (help, "  %-16s  %s\n", "--version", _("Show the version and exit"));
  g_string_append_printf (help, "  %-16s  %s\n", "-h, --help", _("Show this help and exit"));
  g_string_append_printf (help, "\n%s\n", _("Without a command, Migrator opens its window. Run “migrator COMMAND --help” for the options of a command."));

  g_print ("%s", help->str);
  return MIGRATOR_CLI_OK;
}

static int
run_command (MigratorCli *cli,
             int          argc,
             char       **argv,
             GError     **error)
{
  const char *name = argv[0];
  const char *suggestion;

  cli->command = find_command (name);
  if (cli->command == NULL)
    {
      suggestion = suggest_command (name);
      if (suggestion != NULL)
        g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                     _("Unknown command “%s” (did you mean “%s”?)"), name, suggestion);
      else
        g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                     _("Unknown command “%s” (see “migrator --help”)"), name);
      return MIGRATOR_CLI_FAILED;
    }

  if (cli->command->run == NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("The command “%s” is not available yet"), name);
      return MIGRATOR_CLI_FAILED;
    }

  return cli->command->run (cli, argc, argv, error);
}

/* --json after the command decides how even an option error is reported. */
static void
scan_json_flag (MigratorCli *cli,
                int          argc,
                char       **argv)
{
  for (int i = 0; i < argc && !g_str_equal (argv[i], "--"); i++)
    if (g_str_equal (argv[i], "--json"))
      cli->json = TRUE;
}

static void
migrator_cli_clear (MigratorCli *cli)
{
  g_clear_pointer (&cli->project_dir, g_free);
  g_clear_pointer (&cli->database, g_free);
  g_clear_pointer (&cli->args, g_strfreev);
  g_clear_object (&cli->project);
}

/* g_print() flushes after every call: a long listing (the history of
 * 5,000 revisions) would cost one write per line. stdio's own buffering
 * (line-buffered on a terminal) is enough; the run ends with fflush(). */
static void
print_buffered (const char *string)
{
  fputs (string, stdout);
}

int
migrator_cli_run (int    argc,
                  char **argv)
{
  MigratorCli cli = {
    0,
  };
  g_autoptr(GError) error = NULL;
  GlobalArgs args;
  int        status = MIGRATOR_CLI_FAILED;

  g_set_print_handler (print_buffered);
  scan_json_flag (&cli, argc, argv);
  if (!parse_globals (argc, argv, &cli, &args, &error))
    status = MIGRATOR_CLI_FAILED;
  else if (args.help)
    status = print_help ();
  else if (args.version)
    status = print_version ();
  else if (args.command_index == 0)
    g_set_error (&error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                 _("No command given (see “migrator --help”; “migrator FOLDER” opens the window)"));
  else
    status = run_command (&cli, argc - args.command_index, argv + args.command_index, &error);

  if (status == MIGRATOR_CLI_FAILED)
    {
      if (error == NULL)
        g_set_error_literal (&error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, _("The command failed"));
      status = migrator_error_exit_code (error);
      migrator_cli_print_error (&cli, error, status);
    }

  fflush (stdout);
  migrator_cli_clear (&cli);
  return status;
}
