/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-cli-private.h"

/* The read-only commands: init, heads, branches, show, current.
 * "revision" lives in migrator-cli-revision.c, "history" in
 * migrator-cli-history.c. */

static char *
init_target_dir (MigratorCli *cli,
                 const char  *arg)
{
  g_autofree char *cwd = g_get_current_dir ();
  const char      *dir = arg;

  if (dir == NULL)
    dir = cli->project_dir;
  if (dir == NULL)
    dir = g_getenv ("MIGRATOR_PROJECT");
  if (dir == NULL || *dir == '\0')
    dir = cwd;
  return g_canonicalize_filename (dir, cwd);
}

int
migrator_cli_cmd_init (MigratorCli *cli,
                       int          argc,
                       char       **argv,
                       GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *config_path = NULL;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 1, error))
    return MIGRATOR_CLI_FAILED;

  dir = init_target_dir (cli, argc > 1 ? argv[1] : NULL);
  config_path = g_build_filename (dir, "migrator.json", NULL);
  if (!migrator_project_create (dir, error))
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "project", dir);
      migrator_cli_json_add_string (builder, "config", config_path);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
    }
  migrator_cli_info (cli, _("Created a project in %s"), dir);
  migrator_cli_info (cli, _("Next: set “database” in migrator.json, then run “migrator revision -m MESSAGE”."));
  return MIGRATOR_CLI_OK;
}

int
migrator_cli_cmd_heads (MigratorCli *cli,
                        int          argc,
                        char       **argv,
                        GError     **error)
{
  gboolean           verbose = FALSE;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show every field of each head"), NULL },
      { NULL }
  };
  g_autoptr(GPtrArray) heads = NULL;
  MigratorGraph *graph;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error) ||
      !(graph = migrator_cli_get_graph (cli, error)))
    return MIGRATOR_CLI_FAILED;

  heads = migrator_graph_get_heads (graph);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_ids (builder, "heads", heads);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  for (guint i = 0; i < heads->len; i++)
    {
      MigratorRevision *head = g_ptr_array_index (heads, i);
      g_autofree char  *text = verbose
                                 ? migrator_cli_format_entry (graph, head, NULL, FALSE)
                                 : migrator_cli_format_line (graph, head, MIGRATOR_CLI_FORMAT_LABELS | MIGRATOR_CLI_FORMAT_HEAD, NULL);

      g_print ("%s\n", text);
    }
  return MIGRATOR_CLI_OK;
}

static void
print_branch_point (MigratorGraph    *graph,
                    MigratorRevision *revision,
                    gboolean          verbose)
{
  MigratorCliFormatFlags flags = MIGRATOR_CLI_FORMAT_LABELS | MIGRATOR_CLI_FORMAT_HEAD | MIGRATOR_CLI_FORMAT_TREE;
  g_autoptr(GPtrArray) children = migrator_graph_get_children (graph, revision);
  g_autofree char *line = NULL;
  int              indent = strlen (migrator_revision_get_id (revision));

  if (verbose)
    flags |= MIGRATOR_CLI_FORMAT_MESSAGE;
  line = migrator_cli_format_line (graph, revision, flags, NULL);
  g_print ("%s\n", line);
  for (guint i = 0; i < children->len; i++)
    {
      g_autofree char *child = migrator_cli_format_line (graph, g_ptr_array_index (children, i), flags, NULL);

      g_print ("%*s -> %s\n", indent, "", child);
    }
  g_print ("\n");
}

static void
add_branch_point_json (JsonBuilder      *builder,
                       MigratorGraph    *graph,
                       MigratorRevision *revision)
{
  g_autoptr(GPtrArray) children = migrator_graph_get_children (graph, revision);

  json_builder_begin_object (builder);
  migrator_cli_json_add_string (builder, "revision", migrator_revision_get_id (revision));
  migrator_cli_json_add_ids (builder, "children", children);
  json_builder_end_object (builder);
}

int
migrator_cli_cmd_branches (MigratorCli *cli,
                           int          argc,
                           char       **argv,
                           GError     **error)
{
  gboolean           verbose = FALSE;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show the messages too"), NULL },
      { NULL }
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) ordered = NULL;
  MigratorGraph *graph;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error) ||
      !(graph = migrator_cli_get_graph (cli, error)))
    return MIGRATOR_CLI_FAILED;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "branches");
  json_builder_begin_array (builder);

  /* Newest first, as history. */
  ordered = migrator_graph_get_ordered (graph);
  for (guint i = ordered->len; i > 0; i--)
    {
      MigratorRevision *revision = g_ptr_array_index (ordered, i - 1);

      if (!migrator_graph_is_branch_point (graph, revision))
        continue;
      if (cli->json)
        add_branch_point_json (builder, graph, revision);
      else
        print_branch_point (graph, revision, verbose);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (cli->json)
    migrator_cli_print_json (json_builder_get_root (builder));
  return MIGRATOR_CLI_OK;
}

static void
build_show_json (JsonBuilder      *builder,
                 MigratorGraph    *graph,
                 MigratorRevision *revision)
{
  g_autoptr(GPtrArray) children = migrator_graph_get_children (graph, revision);

  json_builder_begin_object (builder);
  migrator_cli_json_add_string (builder, "revision", migrator_revision_get_id (revision));
  migrator_cli_json_add_strv (builder, "down_revisions", migrator_revision_get_down_revisions (revision));
  migrator_cli_json_add_string (builder, "message", migrator_revision_get_message (revision));
  migrator_cli_json_add_string (builder, "created", migrator_revision_get_created (revision));
  migrator_cli_json_add_strv (builder, "branch_labels", migrator_revision_get_branch_labels (revision));
  migrator_cli_json_add_strv (builder, "depends_on", migrator_revision_get_depends_on (revision));
  migrator_cli_json_add_string (builder, "path", migrator_revision_get_path (revision));
  migrator_cli_json_add_string (builder, "checksum", migrator_revision_get_checksum (revision));
  json_builder_set_member_name (builder, "reversible");
  json_builder_add_boolean_value (builder, migrator_revision_is_reversible (revision));
  json_builder_set_member_name (builder, "transactional");
  json_builder_add_boolean_value (builder, migrator_revision_get_transactional (revision));
  migrator_cli_json_add_ids (builder, "children", children);
  json_builder_set_member_name (builder, "is_head");
  json_builder_add_boolean_value (builder, migrator_graph_is_head (graph, revision));
  json_builder_set_member_name (builder, "is_merge");
  json_builder_add_boolean_value (builder, migrator_revision_is_merge (revision));
  json_builder_set_member_name (builder, "is_branch_point");
  json_builder_add_boolean_value (builder, migrator_graph_is_branch_point (graph, revision));
  migrator_cli_json_add_string (builder, "upgrade_sql", migrator_revision_get_upgrade_sql (revision));
  migrator_cli_json_add_string (builder, "downgrade_sql", migrator_revision_get_downgrade_sql (revision));
  json_builder_end_object (builder);
}

static void
print_sql_section (const char *marker,
                   const char *sql)
{
  g_autofree char *text = g_strstrip (g_strdup (sql != NULL ? sql : ""));

  g_print ("%s\n", marker);
  if (*text != '\0')
    g_print ("%s\n", text);
}

static void
print_show (MigratorGraph    *graph,
            MigratorRevision *revision)
{
  g_autofree char *entry = migrator_cli_format_entry (graph, revision, NULL, TRUE);

  g_print ("%s\n", entry);
  print_sql_section ("-- migrate:upgrade", migrator_revision_get_upgrade_sql (revision));
  g_print ("\n");
  if (migrator_revision_is_reversible (revision))
    print_sql_section ("-- migrate:downgrade", migrator_revision_get_downgrade_sql (revision));
  else
    g_print ("%s\n", _("-- (no downgrade section: this revision is irreversible)"));
}

/* "heads" and "current" name several revisions; anything else one. */
static GPtrArray *
resolve_show_target (MigratorCli   *cli,
                     MigratorGraph *graph,
                     const char    *target,
                     GError       **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) current = NULL;
  MigratorRevision *revision;

  if (g_str_equal (target, "heads"))
    return migrator_graph_get_heads (graph);

  if (g_str_equal (target, "current"))
    {
      if (!(current = migrator_cli_get_current (cli, NULL, NULL, error)))
        return NULL;
      for (guint i = 0; current[i] != NULL; i++)
        if ((revision = migrator_graph_lookup (graph, current[i])) != NULL)
          g_ptr_array_add (found, g_object_ref (revision));
      return g_steal_pointer (&found);
    }

  if (!(revision = migrator_graph_resolve (graph, target, error)))
    return NULL;
  g_ptr_array_add (found, g_object_ref (revision));
  return g_steal_pointer (&found);
}

int
migrator_cli_cmd_show (MigratorCli *cli,
                       int          argc,
                       char       **argv,
                       GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) revisions = NULL;
  gboolean       several;
  MigratorGraph *graph;

  if (!migrator_cli_parse_options (cli, NULL, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 1, 1, error) ||
      !(graph = migrator_cli_get_graph (cli, error)) ||
      !(revisions = resolve_show_target (cli, graph, argv[1], error)))
    return MIGRATOR_CLI_FAILED;

  several = g_str_equal (argv[1], "heads") || g_str_equal (argv[1], "current");
  if (several)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revisions");
      json_builder_begin_array (builder);
    }
  for (guint i = 0; i < revisions->len; i++)
    {
      if (cli->json)
        build_show_json (builder, graph, g_ptr_array_index (revisions, i));
      else
        print_show (graph, g_ptr_array_index (revisions, i));
      if (!cli->json && i + 1 < revisions->len)
        g_print ("\n");
    }
  if (several)
    {
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  if (cli->json)
    migrator_cli_print_json (json_builder_get_root (builder));
  return MIGRATOR_CLI_OK;
}

static void
print_current_row (MigratorCli   *cli,
                   MigratorGraph *graph,
                   const char    *id,
                   gboolean       verbose)
{
  MigratorRevision *revision = migrator_graph_lookup (graph, id);
  g_autofree char  *text = NULL;

  if (revision == NULL)
    {
      migrator_cli_warning (cli, _("The database is at revision %s, which is not in the project"), id);
      g_print ("%s\n", id);
      return;
    }
  text = verbose
           ? migrator_cli_format_entry (graph, revision, NULL, FALSE)
           : migrator_cli_format_line (graph, revision, MIGRATOR_CLI_FORMAT_LABELS | MIGRATOR_CLI_FORMAT_HEAD, NULL);
  g_print ("%s\n", text);
}

int
migrator_cli_cmd_current (MigratorCli *cli,
                          int          argc,
                          char       **argv,
                          GError     **error)
{
  gboolean           verbose = FALSE;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show every field of each revision"), NULL },
      { NULL }
  };
  g_autofree char *db_path = NULL;
  g_auto(GStrv) current = NULL;
  MigratorGraph *graph;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error) ||
      !(graph = migrator_cli_get_graph (cli, error)) ||
      !(current = migrator_cli_get_current (cli, &db_path, NULL, error)))
    return MIGRATOR_CLI_FAILED;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "database", db_path);
      migrator_cli_json_add_strv (builder, "current", (const char *const *) current);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return MIGRATOR_CLI_OK;
    }

  for (guint i = 0; current[i] != NULL; i++)
    print_current_row (cli, graph, current[i], verbose);
  return MIGRATOR_CLI_OK;
}
