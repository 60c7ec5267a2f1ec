/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-project.h"
#include "migrator-revision.h"

G_BEGIN_DECLS

typedef struct _MigratorCli        MigratorCli;
typedef struct _MigratorCliCommand MigratorCliCommand;

/* What a command returns: an exit code of SPEC §5, or MIGRATOR_CLI_FAILED
 * when it set @error (the exit code then comes from the error). */
#define MIGRATOR_CLI_OK     0
#define MIGRATOR_CLI_FAILED (-1)

/* @argv[0] is the command name, the rest its own arguments (global options
 * already removed). @error is never NULL. */
typedef int (*MigratorCliCommandFunc) (MigratorCli *cli,
                                       int          argc,
                                       char       **argv,
                                       GError     **error);

struct _MigratorCliCommand
{
  const char            *name;
  const char            *parameter_string; /* usage after the name, untranslated syntax */
  const char            *summary;          /* N_(): the line of "migrator --help" */
  MigratorCliCommandFunc run;              /* NULL: not available yet */
};

struct _MigratorCli
{
  /* global options, owned */
  char    *project_dir; /* --project */
  char    *database;    /* --database */
  gboolean json;
  gboolean quiet;

  /* borrowed */
  const MigratorCliCommand *command;

  /* owned: the command's arguments once its options are parsed */
  GStrv args;

  /* owned, loaded on first use */
  MigratorProject *project;
};

/* Adding a command: write `int migrator_cli_cmd_NAME (MigratorCli *, int,
 * char **, GError **)` in any migrator-cli-*.c, declare it below and name
 * it in its entry of the table in migrator-cli.c (NULL until then). */

/* clang-format off */
/* migrator-cli-commands.c */
int migrator_cli_cmd_init      (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_heads     (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_branches  (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_show      (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_current   (MigratorCli *cli, int argc, char **argv, GError **error);
/* migrator-cli-revision.c */
int migrator_cli_cmd_revision  (MigratorCli *cli, int argc, char **argv, GError **error);
/* migrator-cli-history.c */
int migrator_cli_cmd_history   (MigratorCli *cli, int argc, char **argv, GError **error);
/* migrator-cli-schema.c */
int migrator_cli_cmd_schema    (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_diff      (MigratorCli *cli, int argc, char **argv, GError **error);
/* revision --autogenerate: the SQL from @parents' schema to schema.sql;
 * TRUE with both NULL (after saying so) when nothing changed. */
gboolean migrator_cli_autogenerate (MigratorCli *cli, const char *const *parents,
                                    char **upgrade_sql, char **downgrade_sql, GError **error);
/* migrator-cli-check.c */
int migrator_cli_cmd_check     (MigratorCli *cli, int argc, char **argv, GError **error);
/* migrator-cli-engine.c */
int migrator_cli_cmd_upgrade   (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_downgrade (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_stamp     (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_merge     (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_status    (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_backup    (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_backups   (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_restore   (MigratorCli *cli, int argc, char **argv, GError **error);
int migrator_cli_cmd_reset     (MigratorCli *cli, int argc, char **argv, GError **error);
/* clang-format on */

/* migrator-cli-util.c: options and arguments */

/* Parses @argv (argv[0] is the command name) with @entries plus -h/--help
 * and the global options, which may also follow the command. Arguments
 * such as "-1" are kept as positional arguments. Returns FALSE with @error
 * set on a usage error, FALSE without error when help was printed.
 * Afterwards *@argv holds the command name and the positional arguments. */
gboolean migrator_cli_parse_options (MigratorCli        *cli,
                                     const GOptionEntry *entries,
                                     int                *argc,
                                     char             ***argv,
                                     GError            **error);
/* MIGRATOR_CLI_FAILED when *@error is set, else MIGRATOR_CLI_OK. */
int migrator_cli_status (GError **error);
/* Usage error unless min <= argc - 1 <= max. */
gboolean migrator_cli_check_n_args (MigratorCli *cli,
                                    int          argc,
                                    int          min,
                                    int          max,
                                    GError     **error);

/* migrator-cli-util.c: project and database */

/* Finds and opens the project once (--project, $MIGRATOR_PROJECT, cwd). */
MigratorProject *migrator_cli_get_project (MigratorCli *cli,
                                           GError     **error);
MigratorGraph   *migrator_cli_get_graph (MigratorCli *cli,
                                         GError     **error);
/* Absolute database path (--database, environment, migrator.json). */
char *migrator_cli_get_database_path (MigratorCli *cli,
                                      GError     **error);
/* Version table rows of the project's database, read-only; an absent file
 * or table gives an empty list. @db_path and @db_exists (both optional)
 * return the database path and whether that file exists. */
GStrv migrator_cli_get_current (MigratorCli *cli,
                                char       **db_path,
                                gboolean    *db_exists,
                                GError     **error);

/* migrator-cli-db.c: read-only look at a database (the engine will bring
 * its own reader; this one never creates or writes anything). */
gboolean migrator_cli_read_version_rows (const char *db_path,
                                         const char *version_table,
                                         gint64      timeout_ms,
                                         GStrv      *rows,
                                         GError    **error);

/* migrator-cli-util.c: output */
/* Informational text on stdout, suppressed by --quiet. */
void migrator_cli_info (MigratorCli *cli,
                        const char  *format,
                        ...) G_GNUC_PRINTF (2, 3);
/* "migrator: warning: …" on stderr, suppressed by --quiet. */
void migrator_cli_warning (MigratorCli *cli,
                           const char  *format,
                           ...) G_GNUC_PRINTF (2, 3);
/* Writes @root (consumed) pretty-printed to stdout. */
void migrator_cli_print_json (JsonNode *root);
void migrator_cli_print_error (MigratorCli  *cli,
                               const GError *error,
                               int           exit_code);

/* migrator-cli-format.c: revisions as text and JSON */
typedef enum
{
  MIGRATOR_CLI_FORMAT_PARENTS = 1 << 0, /* "PARENT -> REV" */
  MIGRATOR_CLI_FORMAT_LABELS = 1 << 1,  /* " (label)" */
  MIGRATOR_CLI_FORMAT_HEAD = 1 << 2,    /* " (head)" */
  MIGRATOR_CLI_FORMAT_TREE = 1 << 3,    /* " (branchpoint)", " (mergepoint)" */
  MIGRATOR_CLI_FORMAT_MESSAGE = 1 << 4, /* ", MESSAGE" */
} MigratorCliFormatFlags;

typedef struct
{
  GHashTable *current; /* id set of the version table rows, or NULL */
  GHashTable *applied; /* id -> revision of applied ones, or NULL (no database) */
} MigratorCliState;

char *migrator_cli_format_parents (MigratorRevision *revision);
char *migrator_cli_format_line (MigratorGraph          *graph,
                                MigratorRevision       *revision,
                                MigratorCliFormatFlags  flags,
                                const MigratorCliState *state);
/* Alembic's verbose entry: Rev, Parent/Merges, Branches into, Path, …,
 * the message indented; @details adds checksum, reversibility, children. */
char *migrator_cli_format_entry (MigratorGraph          *graph,
                                 MigratorRevision       *revision,
                                 const MigratorCliState *state,
                                 gboolean                details);
char *migrator_cli_join_ids (GPtrArray  *revisions,
                             const char *separator);
void  migrator_cli_json_add_strv (JsonBuilder       *builder,
                                  const char        *member,
                                  const char *const *strv);
void  migrator_cli_json_add_ids (JsonBuilder *builder,
                                 const char  *member,
                                 GPtrArray   *revisions);
void  migrator_cli_json_add_string (JsonBuilder *builder,
                                    const char  *member,
                                    const char  *value);

G_END_DECLS
