/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-graph"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-revision.h"

typedef struct _Node Node;

struct _Node
{
  MigratorRevision *revision;    /* owned */
  const char       *id;          /* borrowed from revision */
  guint             file_index;  /* position in file-name order */
  guint             topo_index;  /* position in topological order */
  GPtrArray        *parents;     /* Node*, by down_revision */
  GPtrArray        *deps;        /* Node*, by depends_on */
  GPtrArray        *children;    /* Node*, by down_revision, topological order */
  GPtrArray        *dependents;  /* Node*, by depends_on */
};

struct _MigratorGraph
{
  GObject     parent_instance;

  GPtrArray  *nodes;        /* Node*, file-name order, owned */
  GPtrArray  *ordered;      /* Node*, topological order, borrowed */
  GHashTable *by_id;        /* id -> Node* */
  GHashTable *by_label;     /* branch label -> Node* */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MigratorGraph, migrator_graph, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
node_free (Node *node)
{
  g_clear_object (&node->revision);
  g_clear_pointer (&node->parents, g_ptr_array_unref);
  g_clear_pointer (&node->deps, g_ptr_array_unref);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->dependents, g_ptr_array_unref);
  g_free (node);
}

static GType
list_model_get_item_type (GListModel *model)
{
  return MIGRATOR_TYPE_REVISION;
}

static guint
list_model_get_n_items (GListModel *model)
{
  return MIGRATOR_GRAPH (model)->ordered->len;
}

static gpointer
list_model_get_item (GListModel *model,
                     guint       position)
{
  MigratorGraph *self = MIGRATOR_GRAPH (model);
  Node *node;

  if (position >= self->ordered->len)
    return NULL;

  node = g_ptr_array_index (self->ordered, position);
  return g_object_ref (node->revision);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_model_get_item_type;
  iface->get_n_items = list_model_get_n_items;
  iface->get_item = list_model_get_item;
}

static void
migrator_graph_finalize (GObject *object)
{
  MigratorGraph *self = MIGRATOR_GRAPH (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_label, g_hash_table_unref);
  g_clear_pointer (&self->ordered, g_ptr_array_unref);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);

  G_OBJECT_CLASS (migrator_graph_parent_class)->finalize (object);
}

static void
migrator_graph_class_init (MigratorGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_graph_finalize;
}

static void
migrator_graph_init (MigratorGraph *self)
{
  self->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_free);
  self->ordered = g_ptr_array_new ();
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_label = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Building and validating */

static const char *
node_path (Node *node)
{
  return migrator_revision_get_path (node->revision);
}

static gboolean
link_edges (MigratorGraph       *self,
            Node                *node,
            const char          *key,
            const char *const   *ids,
            GPtrArray           *out,
            gboolean             as_parent,
            GError             **error)
{
  for (guint i = 0; ids[i] != NULL; i++)
    {
      Node *other = g_hash_table_lookup (self->by_id, ids[i]);

      if (other == NULL)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH,
                       _("%s:%u: revision %s: %s '%s' not found"),
                       node_path (node),
                       migrator_revision_get_header_line (node->revision, key),
                       node->id, key, ids[i]);
          return FALSE;
        }

      if (other == node)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH,
                       _("%s:%u: revision %s names itself in %s"),
                       node_path (node),
                       migrator_revision_get_header_line (node->revision, key),
                       node->id, key);
          return FALSE;
        }

      g_ptr_array_add (out, other);
      g_ptr_array_add (as_parent ? other->children : other->dependents, node);
    }

  return TRUE;
}

static gboolean
add_node (MigratorGraph     *self,
          MigratorRevision  *revision,
          GError           **error)
{
  const char *id = migrator_revision_get_id (revision);
  Node *existing = g_hash_table_lookup (self->by_id, id);
  Node *node;

  if (existing != NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH,
                   _("%s:%u: duplicate revision id '%s', also in %s"),
                   migrator_revision_get_path (revision),
                   migrator_revision_get_header_line (revision, "revision"),
                   id, node_path (existing));
      return FALSE;
    }

  node = g_new0 (Node, 1);
  node->revision = g_object_ref (revision);
  node->id = id;
  node->file_index = self->nodes->len;
  node->parents = g_ptr_array_new ();
  node->deps = g_ptr_array_new ();
  node->children = g_ptr_array_new ();
  node->dependents = g_ptr_array_new ();
  g_ptr_array_add (self->nodes, node);
  g_hash_table_insert (self->by_id, (gpointer) id, node);

  return TRUE;
}

static gboolean
add_labels (MigratorGraph  *self,
            Node           *node,
            GError        **error)
{
  const char *const *labels = migrator_revision_get_branch_labels (node->revision);

  for (guint i = 0; labels[i] != NULL; i++)
    {
      Node *other = g_hash_table_lookup (self->by_label, labels[i]);

      if (other != NULL || g_hash_table_contains (self->by_id, labels[i]))
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH,
                       _("%s:%u: branch label '%s' of revision %s is already used by %s"),
                       node_path (node),
                       migrator_revision_get_header_line (node->revision, "branch_labels"),
                       labels[i], node->id,
                       other != NULL ? other->id : labels[i]);
          return FALSE;
        }

      g_hash_table_insert (self->by_label, (gpointer) labels[i], node);
    }

  return TRUE;
}

typedef struct
{
  Node  *node;
  guint  edge;   /* next edge of node to follow */
} Frame;

static void
set_cycle_error (GArray  *stack,
                 Node    *again,
                 GError **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  gboolean on_cycle = FALSE;

  /* The cycle is the part of the stack from @again to its top. */
  for (guint i = 0; i < stack->len; i++)
    {
      Node *node = g_array_index (stack, Frame, i).node;

      if (node == again)
        on_cycle = TRUE;
      if (on_cycle)
        g_string_append_printf (path, "%s -> ", node->id);
    }
  g_string_append (path, again->id);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH,
               _("%s: cycle in the revision graph: %s"),
               node_path (again), path->str);
}

static Node *
node_edge (Node  *node,
           guint  edge)
{
  if (edge < node->parents->len)
    return g_ptr_array_index (node->parents, edge);
  edge -= node->parents->len;
  if (edge < node->deps->len)
    return g_ptr_array_index (node->deps, edge);
  return NULL;
}

/* Iterative depth-first search, ancestors before descendants: gives a
 * deterministic topological order and finds cycles without recursion, so
 * that a chain of 10,000 revisions needs no deep stack. */
static gboolean
sort_topologically (MigratorGraph  *self,
                    GError        **error)
{
  enum { WHITE, GREY, BLACK };
  g_autofree guint8 *color = g_new0 (guint8, self->nodes->len);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Frame start = { g_ptr_array_index (self->nodes, i), 0 };

      if (color[start.node->file_index] != WHITE)
        continue;

      color[start.node->file_index] = GREY;
      g_array_append_val (stack, start);

      while (stack->len > 0)
        {
          Frame *top = &g_array_index (stack, Frame, stack->len - 1);
          Frame next = { node_edge (top->node, top->edge++), 0 };

          if (next.node == NULL)
            {
              color[top->node->file_index] = BLACK;
              top->node->topo_index = self->ordered->len;
              g_ptr_array_add (self->ordered, top->node);
              g_array_set_size (stack, stack->len - 1);
              continue;
            }

          if (color[next.node->file_index] == GREY)
            {
              set_cycle_error (stack, next.node, error);
              return FALSE;
            }

          if (color[next.node->file_index] == WHITE)
            {
              color[next.node->file_index] = GREY;
              g_array_append_val (stack, next);
            }
        }
    }

  return TRUE;
}

static int
compare_topo (gconstpointer a,
              gconstpointer b)
{
  const Node *na = *(Node **) a;
  const Node *nb = *(Node **) b;

  return (na->topo_index > nb->topo_index) - (na->topo_index < nb->topo_index);
}

MigratorGraph *
migrator_graph_new_from_revisions (GPtrArray  *revisions,
                                   GError    **error)
{
  g_autoptr(MigratorGraph) self = NULL;

  g_return_val_if_fail (revisions != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (MIGRATOR_TYPE_GRAPH, NULL);

  for (guint i = 0; i < revisions->len; i++)
    if (!add_node (self, g_ptr_array_index (revisions, i), error))
      return NULL;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      if (!link_edges (self, node, "down_revision",
                       migrator_revision_get_down_revisions (node->revision),
                       node->parents, TRUE, error) ||
          !link_edges (self, node, "depends_on",
                       migrator_revision_get_depends_on (node->revision),
                       node->deps, FALSE, error))
        return NULL;
    }

  for (guint i = 0; i < self->nodes->len; i++)
    if (!add_labels (self, g_ptr_array_index (self->nodes, i), error))
      return NULL;

  if (!sort_topologically (self, error))
    return NULL;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      Node *node = g_ptr_array_index (self->nodes, i);

      g_ptr_array_sort (node->children, compare_topo);
      g_ptr_array_sort (node->dependents, compare_topo);
    }

  return g_steal_pointer (&self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

MigratorGraph *
migrator_graph_load (const char  *versions_dir,
                     GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (versions_dir != NULL, NULL);

  dir = g_dir_open (versions_dir, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return migrator_graph_new_from_revisions (revisions, error);

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT,
                   _("%s: cannot read the versions folder: %s"),
                   versions_dir, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".sql") && name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));

  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (versions_dir, g_ptr_array_index (names, i), NULL);
      MigratorRevision *revision = migrator_revision_new_from_file (path, error);

      if (revision == NULL)
        return NULL;
      g_ptr_array_add (revisions, revision);
    }

  return migrator_graph_new_from_revisions (revisions, error);
}

/* Queries */

static Node *
lookup_node (MigratorGraph    *self,
             MigratorRevision *revision)
{
  Node *node = g_hash_table_lookup (self->by_id, migrator_revision_get_id (revision));

  g_return_val_if_fail (node != NULL && node->revision == revision, NULL);
  return node;
}

static GPtrArray *
revisions_of (GPtrArray *nodes)
{
  GPtrArray *out = g_ptr_array_new_full (nodes->len, NULL);

  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (out, ((Node *) g_ptr_array_index (nodes, i))->revision);
  return out;
}

guint
migrator_graph_get_n_revisions (MigratorGraph *self)
{
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), 0);

  return self->nodes->len;
}

MigratorRevision *
migrator_graph_lookup (MigratorGraph *self,
                       const char    *id)
{
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = g_hash_table_lookup (self->by_id, id);
  return node != NULL ? node->revision : NULL;
}

GPtrArray *
migrator_graph_get_ordered (MigratorGraph *self)
{
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);

  return revisions_of (self->ordered);
}

static GPtrArray *
filter_ordered (MigratorGraph *self,
                gboolean       (*keep) (Node *node))
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->ordered->len; i++)
    {
      Node *node = g_ptr_array_index (self->ordered, i);

      if (keep (node))
        g_ptr_array_add (out, node->revision);
    }
  return out;
}

static gboolean node_is_head (Node *node) { return node->children->len == 0; }
static gboolean node_is_base (Node *node) { return node->parents->len == 0; }
static gboolean node_is_branch_point (Node *node) { return node->children->len > 1; }

GPtrArray *
migrator_graph_get_heads (MigratorGraph *self)
{
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);

  return filter_ordered (self, node_is_head);
}

GPtrArray *
migrator_graph_get_bases (MigratorGraph *self)
{
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);

  return filter_ordered (self, node_is_base);
}

GPtrArray *
migrator_graph_get_branch_points (MigratorGraph *self)
{
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);

  return filter_ordered (self, node_is_branch_point);
}

GPtrArray *
migrator_graph_get_children (MigratorGraph    *self,
                             MigratorRevision *revision)
{
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);
  g_return_val_if_fail (MIGRATOR_IS_REVISION (revision), NULL);

  node = lookup_node (self, revision);
  return node != NULL ? revisions_of (node->children) : g_ptr_array_new ();
}

gboolean
migrator_graph_is_head (MigratorGraph    *self,
                        MigratorRevision *revision)
{
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), FALSE);

  node = lookup_node (self, revision);
  return node != NULL && node_is_head (node);
}

gboolean
migrator_graph_is_branch_point (MigratorGraph    *self,
                                MigratorRevision *revision)
{
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), FALSE);

  node = lookup_node (self, revision);
  return node != NULL && node_is_branch_point (node);
}

/* Walks from @start along parents + deps (up == FALSE) or children +
 * dependents (up == TRUE), adding every node reached to @set, including
 * the starts. Nodes already in @stop are neither added nor crossed. */
static void
collect (GPtrArray  *start,
         gboolean    up,
         GHashTable *set,
         GHashTable *stop)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();

  for (guint i = 0; i < start->len; i++)
    g_ptr_array_add (queue, g_ptr_array_index (start, i));

  while (queue->len > 0)
    {
      Node *node = g_ptr_array_steal_index_fast (queue, queue->len - 1);
      GPtrArray *edges[2];

      if (g_hash_table_contains (set, node) || (stop != NULL && g_hash_table_contains (stop, node)))
        continue;
      g_hash_table_add (set, node);

      edges[0] = up ? node->children : node->parents;
      edges[1] = up ? node->dependents : node->deps;
      for (guint e = 0; e < G_N_ELEMENTS (edges); e++)
        for (guint i = 0; i < edges[e]->len; i++)
          g_ptr_array_add (queue, g_ptr_array_index (edges[e], i));
    }
}

gboolean
migrator_graph_is_ancestor (MigratorGraph    *self,
                            MigratorRevision *ancestor,
                            MigratorRevision *revision)
{
  g_autoptr(GHashTable) set = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) start = g_ptr_array_new ();
  Node *a, *r;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), FALSE);

  a = lookup_node (self, ancestor);
  r = lookup_node (self, revision);
  if (a == NULL || r == NULL)
    return FALSE;
  if (a->topo_index > r->topo_index)
    return FALSE;

  g_ptr_array_add (start, r);
  collect (start, FALSE, set, NULL);
  return g_hash_table_contains (set, a);
}

static GPtrArray *
nodes_for_ids (MigratorGraph      *self,
               const char *const  *ids,
               GError            **error)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      Node *node = g_hash_table_lookup (self->by_id, ids[i]);

      if (node == NULL)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                       _("the database is at revision '%s', which is not in the project"),
                       ids[i]);
          return NULL;
        }
      if (!g_ptr_array_find (nodes, node, NULL))
        g_ptr_array_add (nodes, node);
    }

  return g_steal_pointer (&nodes);
}

static GHashTable *
applied_nodes (MigratorGraph      *self,
               const char *const  *current,
               GError            **error)
{
  g_autoptr(GPtrArray) rows = nodes_for_ids (self, current, error);
  GHashTable *set;

  if (rows == NULL)
    return NULL;

  set = g_hash_table_new (NULL, NULL);
  collect (rows, FALSE, set, NULL);
  return set;
}

GHashTable *
migrator_graph_get_applied (MigratorGraph      *self,
                            const char *const  *current,
                            GError            **error)
{
  g_autoptr(GHashTable) nodes = NULL;
  GHashTable *out;
  GHashTableIter iter;
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);

  nodes = applied_nodes (self, current, error);
  if (nodes == NULL)
    return NULL;

  out = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, nodes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    g_hash_table_insert (out, (gpointer) node->id, node->revision);
  return out;
}

/* Target resolution */

static char *
join_node_ids (GPtrArray *nodes,
               guint      limit)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < nodes->len && i < limit; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, ((Node *) g_ptr_array_index (nodes, i))->id);
    }
  if (nodes->len > limit)
    g_string_append_printf (out, ", … (%u more)", nodes->len - limit);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GPtrArray *
head_nodes (MigratorGraph *self)
{
  GPtrArray *heads = g_ptr_array_new ();

  for (guint i = 0; i < self->ordered->len; i++)
    {
      Node *node = g_ptr_array_index (self->ordered, i);

      if (node_is_head (node))
        g_ptr_array_add (heads, node);
    }
  return heads;
}

static Node *
single_head (MigratorGraph  *self,
             const char     *target,
             GError        **error)
{
  g_autoptr(GPtrArray) heads = head_nodes (self);
  g_autofree char *list = NULL;

  if (heads->len == 1)
    return g_ptr_array_index (heads, 0);

  if (heads->len == 0)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s': the project has no revisions"), target);
      return NULL;
    }

  list = join_node_ids (heads, 20);
  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
               _("'%s' is ambiguous: the project has %u heads (%s); "
                 "run 'migrator merge' to join them, or use 'heads', LABEL@head or a revision id"),
               target, heads->len, list);
  return NULL;
}

static Node *
lookup_id_or_prefix (MigratorGraph  *self,
                     const char     *text,
                     GError        **error)
{
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *list = NULL;
  Node *node;

  node = g_hash_table_lookup (self->by_id, text);
  if (node != NULL)
    return node;

  node = g_hash_table_lookup (self->by_label, text);
  if (node != NULL)
    return node;

  matches = g_ptr_array_new ();
  if (*text != '\0')
    for (guint i = 0; i < self->ordered->len; i++)
      {
        Node *candidate = g_ptr_array_index (self->ordered, i);

        if (g_str_has_prefix (candidate->id, text))
          g_ptr_array_add (matches, candidate);
      }

  if (matches->len == 1)
    return g_ptr_array_index (matches, 0);

  if (matches->len == 0)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("unknown revision '%s'"), text);
      return NULL;
    }

  list = join_node_ids (matches, 10);
  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
               _("ambiguous revision prefix '%s' matches %u revisions: %s"),
               text, matches->len, list);
  return NULL;
}

/* "X@head": the single head that descends from X (a label or revision). */
static Node *
resolve_at_head (MigratorGraph  *self,
                 const char     *target,
                 const char     *base,
                 GError        **error)
{
  g_autoptr(GHashTable) set = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) start = g_ptr_array_new ();
  g_autoptr(GPtrArray) heads = g_ptr_array_new ();
  g_autofree char *list = NULL;
  Node *from = lookup_id_or_prefix (self, base, error);

  if (from == NULL)
    return NULL;

  g_ptr_array_add (start, from);
  collect (start, TRUE, set, NULL);
  for (guint i = 0; i < self->ordered->len; i++)
    {
      Node *node = g_ptr_array_index (self->ordered, i);

      if (node_is_head (node) && g_hash_table_contains (set, node))
        g_ptr_array_add (heads, node);
    }

  if (heads->len == 1)
    return g_ptr_array_index (heads, 0);

  list = join_node_ids (heads, 20);
  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
               _("'%s' is ambiguous: %s leads to %u heads (%s)"),
               target, base, heads->len, list);
  return NULL;
}

/* Parses "REV+N" / "REV-N" / "+N" / "-N". @rev_out gets the part before the
 * sign (empty for the relative forms). */
static gboolean
parse_relative (const char  *target,
                char       **rev_out,
                int         *steps_out)
{
  const char *sign = NULL;
  const char *p;
  char *end = NULL;
  gint64 n;

  for (p = target; *p != '\0'; p++)
    if (*p == '+' || *p == '-')
      sign = p;

  if (sign == NULL || sign[1] == '\0')
    return FALSE;

  for (p = sign + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  n = g_ascii_strtoll (sign + 1, &end, 10);
  if (n <= 0 || n > G_MAXINT)
    return FALSE;

  *rev_out = g_strndup (target, sign - target);
  *steps_out = *sign == '+' ? (int) n : -(int) n;
  return TRUE;
}

static Node *
resolve_plain (MigratorGraph  *self,
               const char     *target,
               GError        **error)
{
  const char *at = strchr (target, '@');

  if (g_strcmp0 (target, "head") == 0)
    return single_head (self, target, error);

  if (at != NULL)
    {
      g_autofree char *base = g_strndup (target, at - target);

      if (g_strcmp0 (at + 1, "head") != 0 || *base == '\0')
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       _("'%s': only LABEL@head is supported after '@'"), target);
          return NULL;
        }
      return resolve_at_head (self, target, base, error);
    }

  return lookup_id_or_prefix (self, target, error);
}

/* One step up (children) or down (parents) from every node of @frontier. */
static gboolean
step_frontier (GPtrArray   *frontier,
               gboolean     up,
               const char  *target,
               GError     **error)
{
  g_autoptr(GPtrArray) next = g_ptr_array_new ();

  for (guint i = 0; i < frontier->len; i++)
    {
      Node *node = g_ptr_array_index (frontier, i);
      GPtrArray *edges = up ? node->children : node->parents;

      if (up && edges->len > 1)
        {
          g_autofree char *list = join_node_ids (edges, 20);

          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       _("'%s' is ambiguous: %s is a branch point (%s); name the branch's revision"),
                       target, node->id, list);
          return FALSE;
        }

      for (guint j = 0; j < edges->len; j++)
        if (!g_ptr_array_find (next, g_ptr_array_index (edges, j), NULL))
          g_ptr_array_add (next, g_ptr_array_index (edges, j));
    }

  g_ptr_array_set_size (frontier, 0);
  g_ptr_array_extend_and_steal (frontier, g_steal_pointer (&next));
  return TRUE;
}

static gboolean
walk (GPtrArray   *frontier,
      int          steps,
      const char  *target,
      GError     **error)
{
  for (int i = 0; i < ABS (steps); i++)
    {
      if (frontier->len == 0)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       steps > 0 ? _("'%s' goes beyond the head") : _("'%s' goes below base"),
                       target);
          return FALSE;
        }
      if (!step_frontier (frontier, steps > 0, target, error))
        return FALSE;
    }

  if (steps > 0 && frontier->len == 0)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s' goes beyond the head"), target);
      return FALSE;
    }

  return TRUE;
}

MigratorRevision *
migrator_graph_resolve (MigratorGraph  *self,
                        const char     *target,
                        GError        **error)
{
  g_autoptr(GPtrArray) frontier = g_ptr_array_new ();
  g_autofree char *rev = NULL;
  int steps = 0;
  Node *node;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!parse_relative (target, &rev, &steps))
    {
      node = resolve_plain (self, target, error);
      return node != NULL ? node->revision : NULL;
    }

  if (*rev == '\0')
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s' is relative to the database's revision; name a revision, as in REV%s"),
                   target, target);
      return NULL;
    }

  node = resolve_plain (self, rev, error);
  if (node == NULL)
    return NULL;

  g_ptr_array_add (frontier, node);
  if (!walk (frontier, steps, target, error))
    return NULL;

  if (frontier->len != 1)
    {
      g_autofree char *list = join_node_ids (frontier, 20);

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   frontier->len == 0 ? _("'%s' is base, not a revision")
                                      : _("'%s' is ambiguous: it reaches %s"),
                   target, list);
      return NULL;
    }

  return ((Node *) g_ptr_array_index (frontier, 0))->revision;
}

/* Planning */

static void
plan_step_free (MigratorPlanStep *step)
{
  g_clear_object (&step->revision);
  g_clear_pointer (&step->heads_after, g_strfreev);
  g_free (step);
}

void
migrator_plan_free (MigratorPlan *plan)
{
  if (plan == NULL)
    return;

  g_clear_pointer (&plan->from, g_strfreev);
  g_clear_pointer (&plan->to, g_strfreev);
  g_clear_pointer (&plan->steps, g_ptr_array_unref);
  g_free (plan);
}

static char **
sorted_ids (GHashTable *rows)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  Node *node;

  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    g_ptr_array_add (ids, g_strdup (node->id));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

static gboolean
has_applied_child (Node       *node,
                   GHashTable *applied)
{
  for (guint i = 0; i < node->children->len; i++)
    if (g_hash_table_contains (applied, g_ptr_array_index (node->children, i)))
      return TRUE;
  return FALSE;
}

/* The version rows are the applied revisions without an applied child
 * (by down_revision), as Alembic keeps them. */
static GHashTable *
rows_of (GHashTable *applied)
{
  GHashTable *rows = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  Node *node;

  g_hash_table_iter_init (&iter, applied);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    if (!has_applied_child (node, applied))
      g_hash_table_add (rows, node);
  return rows;
}

static MigratorPlan *
build_plan (MigratorGraph     *self,
            GHashTable        *applied,
            GHashTable        *change,
            MigratorDirection  direction)
{
  g_autoptr(GHashTable) rows = rows_of (applied);
  MigratorPlan *plan = g_new0 (MigratorPlan, 1);

  plan->direction = direction;
  plan->from = sorted_ids (rows);
  plan->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) plan_step_free);

  for (guint k = 0; k < self->ordered->len; k++)
    {
      guint i = direction == MIGRATOR_DIRECTION_UPGRADE ? k : self->ordered->len - 1 - k;
      Node *node = g_ptr_array_index (self->ordered, i);
      MigratorPlanStep *step;

      if (!g_hash_table_contains (change, node))
        continue;

      if (direction == MIGRATOR_DIRECTION_UPGRADE)
        {
          g_hash_table_add (applied, node);
          for (guint j = 0; j < node->parents->len; j++)
            g_hash_table_remove (rows, g_ptr_array_index (node->parents, j));
          g_hash_table_add (rows, node);
        }
      else
        {
          g_hash_table_remove (applied, node);
          g_hash_table_remove (rows, node);
          for (guint j = 0; j < node->parents->len; j++)
            {
              Node *parent = g_ptr_array_index (node->parents, j);

              if (g_hash_table_contains (applied, parent) && !has_applied_child (parent, applied))
                g_hash_table_add (rows, parent);
            }
        }

      step = g_new0 (MigratorPlanStep, 1);
      step->revision = g_object_ref (node->revision);
      step->direction = direction;
      step->heads_after = sorted_ids (rows);
      g_ptr_array_add (plan->steps, step);
    }

  plan->to = sorted_ids (rows);
  return plan;
}

static GPtrArray *
current_rows_nodes (MigratorGraph      *self,
                    const char *const  *current,
                    const char         *target,
                    GError            **error)
{
  g_autoptr(GPtrArray) rows = nodes_for_ids (self, current, error);

  if (rows == NULL)
    return NULL;

  if (rows->len > 1)
    {
      g_autofree char *list = join_node_ids (rows, 20);

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s' is ambiguous: the database is at several heads (%s); use REV%s"),
                   target, list, target);
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* Upgrade: the set of revisions to reach, or NULL on error. */
static GPtrArray *
upgrade_targets (MigratorGraph      *self,
                 const char *const  *current,
                 const char         *target,
                 GError            **error)
{
  g_autoptr(GPtrArray) frontier = NULL;
  g_autofree char *rev = NULL;
  int steps = 0;

  if (g_strcmp0 (target, "heads") == 0)
    return head_nodes (self);

  if (g_strcmp0 (target, "base") == 0 || (parse_relative (target, &rev, &steps) && steps < 0 && *rev == '\0'))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s' is not an upgrade target; use 'migrator downgrade %s'"), target, target);
      return NULL;
    }

  if (rev == NULL || *rev != '\0')
    {
      MigratorRevision *revision = migrator_graph_resolve (self, target, error);

      if (revision == NULL)
        return NULL;
      frontier = g_ptr_array_new ();
      g_ptr_array_add (frontier, lookup_node (self, revision));
      return g_steal_pointer (&frontier);
    }

  /* "+N": from the database's single head, or from the single base. */
  frontier = current_rows_nodes (self, current, target, error);
  if (frontier == NULL)
    return NULL;

  if (frontier->len == 0)
    {
      for (guint i = 0; i < self->ordered->len; i++)
        if (node_is_base (g_ptr_array_index (self->ordered, i)))
          g_ptr_array_add (frontier, g_ptr_array_index (self->ordered, i));

      if (frontier->len > 1)
        {
          g_autofree char *list = join_node_ids (frontier, 20);

          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       _("'%s' is ambiguous: the project has several bases (%s)"), target, list);
          return NULL;
        }
      steps--;
      if (frontier->len == 0)
        steps++;
    }

  if (!walk (frontier, steps, target, error))
    return NULL;

  return g_steal_pointer (&frontier);
}

/* Downgrade: fills @remove with the applied revisions to undo. */
static gboolean
downgrade_removal (MigratorGraph      *self,
                   const char *const  *current,
                   const char         *target,
                   GHashTable         *applied,
                   GHashTable         *remove,
                   GError            **error)
{
  g_autoptr(GPtrArray) frontier = NULL;
  g_autoptr(GHashTable) reach = g_hash_table_new (NULL, NULL);
  g_autofree char *rev = NULL;
  GHashTableIter iter;
  Node *node;
  int steps = 0;

  if (g_strcmp0 (target, "base") == 0)
    {
      g_hash_table_iter_init (&iter, applied);
      while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
        g_hash_table_add (remove, node);
      return TRUE;
    }

  if (g_strcmp0 (target, "head") == 0 || g_strcmp0 (target, "heads") == 0 ||
      (parse_relative (target, &rev, &steps) && steps > 0))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                   _("'%s' is not a downgrade target; use 'migrator upgrade %s'"), target, target);
      return FALSE;
    }

  if (rev == NULL)
    {
      MigratorRevision *revision = migrator_graph_resolve (self, target, error);

      if (revision == NULL)
        return FALSE;
      node = lookup_node (self, revision);
      if (!g_hash_table_contains (applied, node))
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       _("revision %s is not applied to the database; nothing to downgrade to"),
                       node->id);
          return FALSE;
        }
      frontier = g_ptr_array_new ();
      g_ptr_array_add (frontier, node);
      collect (frontier, TRUE, reach, NULL);
      g_hash_table_remove (reach, node);
    }
  else
    {
      if (*rev == '\0')
        frontier = current_rows_nodes (self, current, target, error);
      else if ((node = resolve_plain (self, rev, error)) != NULL)
        {
          frontier = g_ptr_array_new ();
          g_ptr_array_add (frontier, node);
        }
      if (frontier == NULL)
        return FALSE;

      /* Walk N-1 steps down: what is left is the lowest layer to undo. */
      if (!walk (frontier, steps + 1, target, error))
        return FALSE;
      if (frontier->len == 0)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET,
                       _("'%s' goes below base"), target);
          return FALSE;
        }
      collect (frontier, TRUE, reach, NULL);
    }

  g_hash_table_iter_init (&iter, reach);
  while (g_hash_table_iter_next (&iter, (gpointer *) &node, NULL))
    if (g_hash_table_contains (applied, node))
      g_hash_table_add (remove, node);

  return TRUE;
}

MigratorPlan *
migrator_graph_plan (MigratorGraph      *self,
                     const char *const  *current,
                     const char         *target,
                     MigratorDirection   direction,
                     GError            **error)
{
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(GHashTable) change = g_hash_table_new (NULL, NULL);

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  applied = applied_nodes (self, current, error);
  if (applied == NULL)
    return NULL;

  if (direction == MIGRATOR_DIRECTION_UPGRADE)
    {
      g_autoptr(GPtrArray) targets = upgrade_targets (self, current, target, error);

      if (targets == NULL)
        return NULL;
      collect (targets, FALSE, change, applied);
    }
  else if (!downgrade_removal (self, current, target, applied, change, error))
    return NULL;

  return build_plan (self, applied, change, direction);
}
