/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-cli-private.h"

typedef struct
{
  char *message;
  char *head;
  char *rev_id;
  GStrv branch_labels;
  GStrv depends_on;
} RevisionOptions;

static void
revision_options_clear (RevisionOptions *options)
{
  g_clear_pointer (&options->message, g_free);
  g_clear_pointer (&options->head, g_free);
  g_clear_pointer (&options->rev_id, g_free);
  g_clear_pointer (&options->branch_labels, g_strfreev);
  g_clear_pointer (&options->depends_on, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RevisionOptions, revision_options_clear)

/* "a,b" "c" -> "a" "b" "c", blanks dropped. */
static GStrv
split_list (GStrv values)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (values[i], ",", -1);

      for (guint j = 0; parts[j] != NULL; j++)
        {
          g_strstrip (parts[j]);
          if (*parts[j] != '\0')
            g_strv_builder_add (builder, parts[j]);
        }
    }
  return g_strv_builder_end (builder);
}

static gboolean
check_message (const char *message,
               GError    **error)
{
  if (message == NULL || *message == '\0')
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("A message is required: migrator revision -m MESSAGE"));
      return FALSE;
    }
  if (strchr (message, '\n') != NULL || strchr (message, '\r') != NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("The message must be a single line"));
      return FALSE;
    }
  return TRUE;
}

static char *
choose_id (MigratorGraph *graph,
           const char    *rev_id,
           GError       **error)
{
  char *id;

  while (rev_id == NULL)
    {
      id = migrator_revision_generate_id ();
      if (migrator_graph_lookup (graph, id) == NULL)
        return id;
      g_free (id);
    }

  if (!migrator_revision_id_is_valid (rev_id))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("Invalid revision id “%s”: use 1 to 32 characters of [0-9a-z_]"), rev_id);
      return NULL;
    }
  if (migrator_graph_lookup (graph, rev_id) != NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("Revision %s already exists"), rev_id);
      return NULL;
    }
  return g_strdup (rev_id);
}

static void
set_multiple_heads_error (MigratorGraph *graph,
                          GPtrArray     *heads,
                          GError       **error)
{
  g_autofree char *ids = migrator_cli_join_ids (heads, ", ");
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("Multiple heads are present: %s"), ids);
  for (guint i = 0; i < heads->len; i++)
    {
      g_autofree char *line = migrator_cli_format_line (graph, g_ptr_array_index (heads, i),
                                                        MIGRATOR_CLI_FORMAT_LABELS | MIGRATOR_CLI_FORMAT_MESSAGE,
                                                        NULL);

      g_string_append_printf (text, "\n  %s", line);
    }
  g_string_append_printf (text, "\n  %s",
                          _("Choose the parent with --head REV, or join the heads first with “migrator merge”."));
  g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET, text->str);
}

static void
note_new_branch (MigratorCli      *cli,
                 MigratorGraph    *graph,
                 MigratorRevision *parent)
{
  if (!migrator_graph_is_head (graph, parent))
    migrator_cli_info (cli, _("Note: %s already has a child; the new revision starts a branch."),
                               migrator_revision_get_id (parent));
}

/* The new revision's down_revisions: the single head by default, none
 * for "--head base", else the revision --head names. */
static GStrv
choose_parents (MigratorCli   *cli,
                MigratorGraph *graph,
                const char    *head,
                GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) heads = NULL;
  MigratorRevision *parent = NULL;

  if (head != NULL && g_str_equal (head, "base"))
    return g_strv_builder_end (builder);

  if (head != NULL)
    {
      if (!(parent = migrator_graph_resolve (graph, head, error)))
        return NULL;
      note_new_branch (cli, graph, parent);
    }
  else
    {
      heads = migrator_graph_get_heads (graph);
      if (heads->len > 1)
        {
          set_multiple_heads_error (graph, heads, error);
          return NULL;
        }
      parent = heads->len == 1 ? g_ptr_array_index (heads, 0) : NULL;
    }

  if (parent != NULL)
    g_strv_builder_add (builder, migrator_revision_get_id (parent));
  return g_strv_builder_end (builder);
}

static gboolean
label_is_taken (MigratorGraph *graph,
                const char    *label)
{
  g_autoptr(GPtrArray) ordered = migrator_graph_get_ordered (graph);

  if (migrator_graph_lookup (graph, label) != NULL)
    return TRUE;
  for (guint i = 0; i < ordered->len; i++)
    if (g_strv_contains (migrator_revision_get_branch_labels (g_ptr_array_index (ordered, i)), label))
      return TRUE;
  return FALSE;
}

static gboolean
label_is_valid (const char *label)
{
  static const char *const reserved[] = { "base", "head", "heads", "current", NULL };

  if (g_strv_contains (reserved, label))
    return FALSE;
  for (const char *p = label; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
check_labels (MigratorGraph *graph,
              GStrv          labels,
              GError       **error)
{
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (!label_is_valid (labels[i]))
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                       _("Invalid branch label “%s”: use letters, digits, “_” and “-”"), labels[i]);
          return FALSE;
        }
      if (label_is_taken (graph, labels[i]) || g_strv_contains ((const char *const *) labels + i + 1, labels[i]))
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                       _("The branch label “%s” is already used"), labels[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Full ids of the revisions --depends-on names. */
static GStrv
resolve_dependencies (MigratorGraph *graph,
                      GStrv          targets,
                      GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; targets[i] != NULL; i++)
    {
      MigratorRevision *revision = migrator_graph_resolve (graph, targets[i], error);

      if (revision == NULL)
        return NULL;
      g_strv_builder_add (builder, migrator_revision_get_id (revision));
    }
  return g_strv_builder_end (builder);
}

/* migrator_revision_render_new() has no depends_on: the header line goes
 * right after the rendered header. */
static char *
add_depends_on (const char *text,
                GStrv       depends_on)
{
  g_autofree char *joined = NULL;
  const char      *p = text;
  const char      *line_end;

  if (depends_on[0] == NULL)
    return g_strdup (text);

  while (g_str_has_prefix (p, "-- ") && !g_str_has_prefix (p, "-- migrate:") &&
         (line_end = strchr (p, '\n')) != NULL && memchr (p, ':', line_end - p) != NULL)
    p = line_end + 1;

  joined = g_strjoinv (", ", depends_on);
  return g_strdup_printf ("%.*s-- depends_on: %s\n%s", (int) (p - text), text, joined, p);
}

static char *
file_name_for (const char *id,
               const char *message)
{
  g_autofree char *slug = migrator_revision_slugify (message);

  if (slug == NULL || *slug == '\0')
    return g_strdup_printf ("%s.sql", id);
  return g_strdup_printf ("%s_%s.sql", id, slug);
}

static char *
render (const char *id,
        GStrv       parents,
        const char *message,
        GStrv       labels,
        GStrv       depends_on,
        const char *upgrade_sql,
        const char *downgrade_sql)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;

  text = migrator_revision_render_new (id, (const char *const *) parents, message, now,
                                       (const char *const *) labels, upgrade_sql, downgrade_sql);
  return add_depends_on (text, depends_on);
}

static gboolean
write_revision (MigratorProject *project,
                const char      *file_name,
                const char      *text,
                char           **out_path,
                GError         **error)
{
  const char      *versions_dir = migrator_project_get_versions_dir (project);
  g_autofree char *path = g_build_filename (versions_dir, file_name, NULL);
  g_autoptr(MigratorRevision) check = NULL;

  /* What we write must parse back: never leave a broken file behind. */
  check = migrator_revision_new_from_data (path, text, strlen (text), error);
  if (check == NULL)
    return FALSE;

  if (g_mkdir_with_parents (versions_dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), versions_dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, _("%s already exists"), path);
      return FALSE;
    }
  if (!g_file_set_contents (path, text, -1, error))
    return FALSE;

  *out_path = g_steal_pointer (&path);
  return TRUE;
}

static void
report_created (MigratorCli *cli,
                const char  *id,
                const char  *path,
                const char  *file_name)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      migrator_cli_json_add_string (builder, "revision", id);
      migrator_cli_json_add_string (builder, "path", path);
      json_builder_end_object (builder);
      migrator_cli_print_json (json_builder_get_root (builder));
      return;
    }
  migrator_cli_info (cli, _("Created revision %s: versions/%s"), id, file_name);
}

int
migrator_cli_cmd_revision (MigratorCli *cli,
                           int          argc,
                           char       **argv,
                           GError     **error)
{
  g_auto(RevisionOptions) o = {
    0,
  };
  gboolean autogenerate = FALSE;
  const GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &o.message, N_("What the revision does (required)"), N_("MESSAGE") },
      { "head", 0, 0, G_OPTION_ARG_STRING, &o.head, N_("Parent revision instead of the single head; “base” starts a new root"), N_("REV") },
        { "branch-label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.branch_labels, N_("Label for the branch this revision starts"), N_("LABEL") },
          { "depends-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.depends_on, N_("Revision this one depends on (repeatable)"), N_("REV") },
            { "rev-id", 0, 0, G_OPTION_ARG_STRING, &o.rev_id, N_("Use this id instead of a random one"), N_("ID") },
    { "autogenerate", 0, 0, G_OPTION_ARG_NONE, &autogenerate, N_("Fill in the SQL from head's schema to schema.sql"), NULL },
              { NULL } };
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *upgrade_sql = NULL;
  g_autofree char *downgrade_sql = NULL;
  g_auto(GStrv) parents = NULL;
  g_auto(GStrv) labels = NULL;
  g_auto(GStrv) depends_on = NULL;
  g_auto(GStrv) dependency_args = NULL;
  MigratorProject *project;
  MigratorGraph   *graph;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error) ||
      !check_message (o.message, error) ||
      !(project = migrator_cli_get_project (cli, error)))
    return MIGRATOR_CLI_FAILED;

  graph = migrator_project_get_graph (project);
  labels = split_list (o.branch_labels);
  dependency_args = split_list (o.depends_on);
  if (!(id = choose_id (graph, o.rev_id, error)) ||
      !(parents = choose_parents (cli, graph, o.head, error)) ||
      !check_labels (graph, labels, error) ||
      !(depends_on = resolve_dependencies (graph, dependency_args, error)))
    return MIGRATOR_CLI_FAILED;

  if (autogenerate &&
      !migrator_cli_autogenerate (cli, (const char *const *) parents, &upgrade_sql, &downgrade_sql, error))
    return MIGRATOR_CLI_FAILED;
  if (autogenerate && upgrade_sql == NULL)
    return MIGRATOR_CLI_OK; /* "No changes detected" */
  text = render (id, parents, o.message, labels, depends_on, upgrade_sql, downgrade_sql);
  file_name = file_name_for (id, o.message);
  if (!write_revision (project, file_name, text, &path, error))
    return MIGRATOR_CLI_FAILED;

  report_created (cli, id, path, file_name);
  return MIGRATOR_CLI_OK;
}
