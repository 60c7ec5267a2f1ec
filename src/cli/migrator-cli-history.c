/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-cli-private.h"

typedef struct
{
  GHashTable *current; /* id set */
  GHashTable *applied; /* id -> revision, NULL without a database */
  GStrv       rows;    /* version table rows */
} HistoryState;

/* One end of -r FROM:TO: NULL revisions means open (base or heads). */
typedef struct
{
  GPtrArray *revisions; /* (element-type MigratorRevision), borrowed */
} RangeEnd;

static void
history_state_clear (HistoryState *state)
{
  g_clear_pointer (&state->current, g_hash_table_unref);
  g_clear_pointer (&state->applied, g_hash_table_unref);
  g_clear_pointer (&state->rows, g_strfreev);
}

static void
range_end_clear (RangeEnd *end)
{
  g_clear_pointer (&end->revisions, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HistoryState, history_state_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RangeEnd, range_end_clear)

static gboolean
load_state (MigratorCli   *cli,
            MigratorGraph *graph,
            HistoryState  *state,
            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean exists = FALSE;

  state->rows = migrator_cli_get_current (cli, NULL, &exists, error);
  if (state->rows == NULL)
    return FALSE;

  state->current = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; state->rows[i] != NULL; i++)
    g_hash_table_add (state->current, state->rows[i]);
  if (!exists)
    return TRUE;

  state->applied = migrator_graph_get_applied (graph, (const char *const *) state->rows, &local_error);
  if (state->applied == NULL)
    {
      /* History is how one finds out what went wrong: show it anyway. */
      migrator_cli_warning (cli, "%s", local_error->message);
      state->applied = g_hash_table_new (g_str_hash, g_str_equal);
    }
  return TRUE;
}

static GPtrArray *
current_revisions (MigratorGraph      *graph,
                   const HistoryState *state)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; state->rows[i] != NULL; i++)
    {
      MigratorRevision *revision = migrator_graph_lookup (graph, state->rows[i]);

      if (revision != NULL)
        g_ptr_array_add (found, revision);
    }
  return found;
}

static gboolean
is_relative (const char *text)
{
  if ((text[0] != '+' && text[0] != '-') || text[1] == '\0')
    return FALSE;
  for (const char *p = text + 1; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* "+N" / "-N": steps from the single current revision. */
static MigratorRevision *
resolve_relative (MigratorGraph      *graph,
                  const HistoryState *state,
                  const char         *text,
                  GError            **error)
{
  g_autofree char *target = NULL;

  if (g_strv_length (state->rows) != 1)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("“%s” counts from the current revision, but the database has %u"),
                      text, g_strv_length (state->rows));
      return NULL;
    }
  target = g_strconcat (state->rows[0], text, NULL);
  return migrator_graph_resolve (graph, target, error);
}

static gboolean
resolve_end (MigratorGraph      *graph,
             const HistoryState *state,
             const char         *text,
             gboolean            is_start,
             RangeEnd           *end,
             GError            **error)
{
  MigratorRevision *revision;

  if (*text == '\0' || (is_start && g_str_equal (text, "base")) ||
      (!is_start && g_str_equal (text, "heads")))
    return TRUE;

  if (g_str_equal (text, "heads"))
    end->revisions = migrator_graph_get_heads (graph);
  else if (g_str_equal (text, "current"))
    {
      end->revisions = current_revisions (graph, state);
      /* A database at base: from base, or up to nothing. */
      if (is_start && end->revisions->len == 0)
        g_clear_pointer (&end->revisions, g_ptr_array_unref);
    }
  else
    {
      revision = is_relative (text)
                   ? resolve_relative (graph, state, text, error)
                   : migrator_graph_resolve (graph, text, error);
      if (revision == NULL)
        return FALSE;
      end->revisions = g_ptr_array_new ();
      g_ptr_array_add (end->revisions, revision);
    }
  return TRUE;
}

static gboolean
check_order (MigratorGraph *graph,
             RangeEnd      *from,
             RangeEnd      *to,
             GError       **error)
{
  MigratorRevision *a, *b;

  if (from->revisions == NULL || to->revisions == NULL ||
      from->revisions->len != 1 || to->revisions->len != 1)
    return TRUE;

  a = g_ptr_array_index (from->revisions, 0);
  b = g_ptr_array_index (to->revisions, 0);
  if (migrator_graph_is_ancestor (graph, a, b))
    return TRUE;

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
               _("Revision %s is not an ancestor of revision %s"),
                  migrator_revision_get_id (a), migrator_revision_get_id (b));
  return FALSE;
}

static gboolean
parse_range (MigratorGraph      *graph,
             const HistoryState *state,
             const char         *range,
             RangeEnd           *from,
             RangeEnd           *to,
             GError            **error)
{
  const char      *colon;
  g_autofree char *start = NULL;

  if (range == NULL)
    return TRUE;

  colon = strchr (range, ':');
  if (colon == NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("A history range is FROM:TO, FROM: or :TO, not “%s”"), range);
      return FALSE;
    }
  start = g_strndup (range, colon - range);
  return resolve_end (graph, state, start, TRUE, from, error) &&
         resolve_end (graph, state, colon + 1, FALSE, to, error) &&
         check_order (graph, from, to, error);
}

/* Inside FROM:TO: a descendant of some FROM and an ancestor of some TO. */
static gboolean
in_range (MigratorGraph    *graph,
          MigratorRevision *revision,
          const RangeEnd   *from,
          const RangeEnd   *to)
{
  gboolean after = from->revisions == NULL;
  gboolean before = to->revisions == NULL;

  for (guint i = 0; !after && i < from->revisions->len; i++)
    after = migrator_graph_is_ancestor (graph, g_ptr_array_index (from->revisions, i), revision);
  for (guint i = 0; !before && i < to->revisions->len; i++)
    before = migrator_graph_is_ancestor (graph, revision, g_ptr_array_index (to->revisions, i));
  return after && before;
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_revision_json (JsonBuilder        *builder,
                   MigratorGraph      *graph,
                   MigratorRevision   *revision,
                   const HistoryState *state)
{
  const char *id = migrator_revision_get_id (revision);

  json_builder_begin_object (builder);
  migrator_cli_json_add_string (builder, "revision", id);
  migrator_cli_json_add_strv (builder, "down_revisions", migrator_revision_get_down_revisions (revision));
  migrator_cli_json_add_string (builder, "message", migrator_revision_get_message (revision));
  migrator_cli_json_add_string (builder, "created", migrator_revision_get_created (revision));
  add_bool (builder, "applied", state->applied != NULL && g_hash_table_contains (state->applied, id));
  add_bool (builder, "is_head", migrator_graph_is_head (graph, revision));
  add_bool (builder, "is_merge", migrator_revision_is_merge (revision));
  add_bool (builder, "is_branch_point", migrator_graph_is_branch_point (graph, revision));
  add_bool (builder, "is_current", g_hash_table_contains (state->current, id));
  migrator_cli_json_add_strv (builder, "branch_labels", migrator_revision_get_branch_labels (revision));
  migrator_cli_json_add_strv (builder, "depends_on", migrator_revision_get_depends_on (revision));
  migrator_cli_json_add_string (builder, "path", migrator_revision_get_path (revision));
  json_builder_end_object (builder);
}

static void
print_revision (MigratorGraph      *graph,
                MigratorRevision   *revision,
                const HistoryState *state,
                gboolean            verbose)
{
  MigratorCliState marks = { state->current, state->applied };
  g_autofree char *text = NULL;

  if (verbose)
    text = migrator_cli_format_entry (graph, revision, &marks, FALSE);
  else
    text = migrator_cli_format_line (graph, revision,
                                     MIGRATOR_CLI_FORMAT_PARENTS | MIGRATOR_CLI_FORMAT_LABELS |
                                       MIGRATOR_CLI_FORMAT_HEAD | MIGRATOR_CLI_FORMAT_TREE |
                                       MIGRATOR_CLI_FORMAT_MESSAGE,
                                     &marks);
  g_print ("%s\n", text);
}

int
migrator_cli_cmd_history (MigratorCli *cli,
                          int          argc,
                          char       **argv,
                          GError     **error)
{
  g_autofree char   *range = NULL;
  gboolean           verbose = FALSE;
  const GOptionEntry entries[] = {
    { "rev-range", 'r', 0, G_OPTION_ARG_STRING, &range, N_("Only revisions from FROM to TO (a target, “current”, or empty for base/heads)"), N_("FROM:TO") },
      { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Show every field of each revision"), NULL },
        { NULL } };
  g_auto(HistoryState) state = {
    0,
  };
  g_auto(RangeEnd) from = {
    0,
  };
  g_auto(RangeEnd) to = {
    0,
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) ordered = NULL;
  MigratorGraph *graph;

  if (!migrator_cli_parse_options (cli, entries, &argc, &argv, error))
    return migrator_cli_status (error);
  if (!migrator_cli_check_n_args (cli, argc, 0, 0, error) ||
      !(graph = migrator_cli_get_graph (cli, error)) ||
      !load_state (cli, graph, &state, error) ||
      !parse_range (graph, &state, range, &from, &to, error))
    return MIGRATOR_CLI_FAILED;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "revisions");
  json_builder_begin_array (builder);

  ordered = migrator_graph_get_ordered (graph);
  for (guint i = ordered->len; i > 0; i--)
    {
      MigratorRevision *revision = g_ptr_array_index (ordered, i - 1);

      if (!in_range (graph, revision, &from, &to))
        continue;
      if (cli->json)
        add_revision_json (builder, graph, revision, &state);
      else
        print_revision (graph, revision, &state, verbose);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (cli->json)
    migrator_cli_print_json (json_builder_get_root (builder));
  return MIGRATOR_CLI_OK;
}
