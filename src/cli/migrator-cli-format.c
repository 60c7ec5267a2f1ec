/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-cli-private.h"

char *
migrator_cli_format_parents (MigratorRevision *revision)
{
  const char *const *parents = migrator_revision_get_down_revisions (revision);

  if (parents == NULL || parents[0] == NULL)
    return g_strdup ("<base>");
  return g_strjoinv (", ", (char **) parents);
}

char *
migrator_cli_join_ids (GPtrArray  *revisions,
                       const char *separator)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < revisions->len; i++)
    {
      if (i > 0)
        g_string_append (text, separator);
      g_string_append (text, migrator_revision_get_id (g_ptr_array_index (revisions, i)));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
append_markers (GString                *text,
                MigratorGraph          *graph,
                MigratorRevision       *revision,
                MigratorCliFormatFlags  flags,
                const MigratorCliState *state)
{
  const char *id = migrator_revision_get_id (revision);

  if ((flags & MIGRATOR_CLI_FORMAT_HEAD) && migrator_graph_is_head (graph, revision))
    g_string_append (text, " (head)");
  if ((flags & MIGRATOR_CLI_FORMAT_TREE) && migrator_graph_is_branch_point (graph, revision))
    g_string_append (text, " (branchpoint)");
  if ((flags & MIGRATOR_CLI_FORMAT_TREE) && migrator_revision_is_merge (revision))
    g_string_append (text, " (mergepoint)");
  if (state == NULL)
    return;
  if (state->current != NULL && g_hash_table_contains (state->current, id))
    g_string_append (text, " (current)");
  else if (state->applied != NULL && g_hash_table_contains (state->applied, id))
    g_string_append (text, " (applied)");
}

char *
migrator_cli_format_line (MigratorGraph          *graph,
                          MigratorRevision       *revision,
                          MigratorCliFormatFlags  flags,
                          const MigratorCliState *state)
{
  const char *const *labels = migrator_revision_get_branch_labels (revision);
  const char *const *depends = migrator_revision_get_depends_on (revision);
  g_autoptr(GString) text = g_string_new (NULL);

  if (flags & MIGRATOR_CLI_FORMAT_PARENTS)
    {
      g_autofree char *parents = migrator_cli_format_parents (revision);

      g_string_append (text, parents);
      if (depends != NULL && depends[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", (char **) depends);

          g_string_append_printf (text, " (%s)", joined);
        }
      g_string_append (text, " -> ");
    }

  g_string_append (text, migrator_revision_get_id (revision));
  if ((flags & MIGRATOR_CLI_FORMAT_LABELS) && labels != NULL && labels[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) labels);

      g_string_append_printf (text, " (%s)", joined);
    }
  append_markers (text, graph, revision, flags, state);

  if (flags & MIGRATOR_CLI_FORMAT_MESSAGE)
    g_string_append_printf (text, ", %s", migrator_revision_get_message (revision));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
append_field (GString    *text,
              const char *label,
              const char *value)
{
  g_string_append_printf (text, "%s %s\n", label, value);
}

static void
append_strv_field (GString           *text,
                   const char        *label,
                   const char *const *values)
{
  g_autofree char *joined = NULL;

  if (values == NULL || values[0] == NULL)
    return;
  joined = g_strjoinv (", ", (char **) values);
  append_field (text, label, joined);
}

static void
append_message (GString    *text,
                const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);

  g_string_append_c (text, '\n');
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (text, "    %s\n", lines[i]);
}

static void
append_details (GString          *text,
                MigratorRevision *revision,
                GPtrArray        *children)
{
  g_autofree char *joined = migrator_cli_join_ids (children, ", ");

  append_field (text, _("Checksum:"), migrator_revision_get_checksum (revision));
  append_field (text, _("Reversible:"),
                         migrator_revision_is_reversible (revision) ? _("yes") : _("no"));
  if (!migrator_revision_get_transactional (revision))
    append_field (text, _("Transactional:"), _("no"));
  append_field (text, _("Children:"), children->len > 0 ? joined : _("(none)"));
}

char *
migrator_cli_format_entry (MigratorGraph          *graph,
                           MigratorRevision       *revision,
                           const MigratorCliState *state,
                           gboolean                details)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *parents = migrator_cli_format_parents (revision);
  g_autoptr(GPtrArray) children = migrator_graph_get_children (graph, revision);
  const char *created = migrator_revision_get_created (revision);
  const char *id = migrator_revision_get_id (revision);

  g_string_append_printf (text, "%s %s", _("Rev:"), id);
  append_markers (text, graph, revision, MIGRATOR_CLI_FORMAT_HEAD | MIGRATOR_CLI_FORMAT_TREE, state);
  g_string_append_c (text, '\n');

  append_field (text, migrator_revision_is_merge (revision) ? _("Merges:") : _("Parent:"), parents);
  append_strv_field (text, _("Also depends on:"), migrator_revision_get_depends_on (revision));
  if (migrator_graph_is_branch_point (graph, revision))
    {
      g_autofree char *joined = migrator_cli_join_ids (children, ", ");

      append_field (text, _("Branches into:"), joined);
    }
  append_strv_field (text, _("Branch names:"), migrator_revision_get_branch_labels (revision));
  append_field (text, _("Path:"), migrator_revision_get_path (revision));
  if (created != NULL)
    append_field (text, _("Created:"), created);
  if (state != NULL && state->applied != NULL)
    append_field (text, _("Applied:"),
                           g_hash_table_contains (state->applied, id) ? _("yes") : _("no"));
  if (details)
    append_details (text, revision, children);

  append_message (text, migrator_revision_get_message (revision));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
migrator_cli_json_add_string (JsonBuilder *builder,
                              const char  *member,
                              const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
migrator_cli_json_add_strv (JsonBuilder       *builder,
                            const char        *member,
                            const char *const *strv)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

void
migrator_cli_json_add_ids (JsonBuilder *builder,
                           const char  *member,
                           GPtrArray   *revisions)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; revisions != NULL && i < revisions->len; i++)
    json_builder_add_string_value (builder,
                                   migrator_revision_get_id (g_ptr_array_index (revisions, i)));
  json_builder_end_array (builder);
}
