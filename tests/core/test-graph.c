/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-graph"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-revision.h"

/* A graph is described as "id<parent,parent|dep,dep#label" items separated
 * by spaces: "a b<a c<a m<b,c d<m|x#feature". */
static MigratorRevision *
make_revision (const char *spec)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *rest = g_strdup (spec);
  char *label = strchr (rest, '#');
  char *dep = strchr (rest, '|');
  char *parent = strchr (rest, '<');
  MigratorRevision *revision;

  if (label != NULL)
    *label++ = '\0';
  if (dep != NULL)
    *dep++ = '\0';
  if (parent != NULL)
    *parent++ = '\0';
  id = g_strdup (rest);
  path = g_strdup_printf ("versions/%s_test.sql", id);

  g_string_append_printf (text, "-- revision: %s\n", id);
  g_string_append_printf (text, "-- down_revision: %s\n", parent != NULL ? parent : "none");
  g_string_append_printf (text, "-- message: revision %s\n", id);
  if (dep != NULL)
    g_string_append_printf (text, "-- depends_on: %s\n", dep);
  if (label != NULL)
    g_string_append_printf (text, "-- branch_labels: %s\n", label);
  g_string_append_printf (text, "\n-- migrate:upgrade\nCREATE TABLE t_%s (id INTEGER);\n", id);
  g_string_append_printf (text, "\n-- migrate:downgrade\nDROP TABLE t_%s;\n", id);

  revision = migrator_revision_new_from_data (path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (revision);
  return revision;
}

static MigratorGraph *
make_graph_full (const char  *spec,
                 GError     **error)
{
  g_auto(GStrv) items = g_strsplit (spec, " ", -1);
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; items[i] != NULL; i++)
    if (*items[i] != '\0')
      g_ptr_array_add (revisions, make_revision (items[i]));

  return migrator_graph_new_from_revisions (revisions, error);
}

static MigratorGraph *
make_graph (const char *spec)
{
  g_autoptr(GError) error = NULL;
  MigratorGraph *graph = make_graph_full (spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

/* "a b c" for an array of revisions. */
static char *
ids_of (GPtrArray *revisions)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < revisions->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, migrator_revision_get_id (g_ptr_array_index (revisions, i)));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* "a b c" for a plan's steps, "|" then the final rows. */
static char *
describe_plan (MigratorPlan *plan)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *to = g_strjoinv (",", plan->to);

  for (guint i = 0; i < plan->steps->len; i++)
    {
      MigratorPlanStep *step = g_ptr_array_index (plan->steps, i);

      g_string_append_printf (out, "%s ", migrator_revision_get_id (step->revision));
    }
  g_string_append_printf (out, "| %s", to);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
plan_string (MigratorGraph     *graph,
             const char        *current,
             const char        *target,
             MigratorDirection  direction)
{
  g_auto(GStrv) rows = g_strsplit (current, ",", -1);
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  if (*current == '\0')
    g_clear_pointer (&rows, g_strfreev);

  plan = migrator_graph_plan (graph, (const char *const *) rows, target, direction, &error);
  g_assert_no_error (error);
  return describe_plan (plan);
}

static void
assert_plan (MigratorGraph     *graph,
             const char        *current,
             const char        *target,
             MigratorDirection  direction,
             const char        *expected)
{
  g_autofree char *got = plan_string (graph, current, target, direction);

  g_assert_cmpstr (got, ==, expected);
}

static void
assert_plan_error (MigratorGraph     *graph,
                   const char        *current,
                   const char        *target,
                   MigratorDirection  direction,
                   int                code,
                   const char        *fragment)
{
  g_auto(GStrv) rows = g_strsplit (current, ",", -1);
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  if (*current == '\0')
    g_clear_pointer (&rows, g_strfreev);

  plan = migrator_graph_plan (graph, (const char *const *) rows, target, direction, &error);
  g_assert_null (plan);
  g_assert_error (error, MIGRATOR_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' not in '%s'", fragment, error->message);
}

static void
assert_resolves (MigratorGraph *graph,
                 const char    *target,
                 const char    *expected)
{
  g_autoptr(GError) error = NULL;
  MigratorRevision *revision = migrator_graph_resolve (graph, target, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (migrator_revision_get_id (revision), ==, expected);
}

static void
assert_resolve_error (MigratorGraph *graph,
                      const char    *target,
                      const char    *fragment)
{
  g_autoptr(GError) error = NULL;
  MigratorRevision *revision = migrator_graph_resolve (graph, target, &error);

  g_assert_null (revision);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_TARGET);
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' not in '%s'", fragment, error->message);
}

static void
test_linear (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("c<b a b<a");
  g_autoptr(GPtrArray) ordered = migrator_graph_get_ordered (graph);
  g_autoptr(GPtrArray) heads = migrator_graph_get_heads (graph);
  g_autoptr(GPtrArray) bases = migrator_graph_get_bases (graph);
  g_autofree char *order = ids_of (ordered);
  g_autofree char *head_ids = ids_of (heads);
  g_autofree char *base_ids = ids_of (bases);
  g_autoptr(MigratorPlan) plan = NULL;

  g_assert_cmpstr (order, ==, "a b c");
  g_assert_cmpstr (head_ids, ==, "c");
  g_assert_cmpstr (base_ids, ==, "a");
  g_assert_cmpuint (migrator_graph_get_n_revisions (graph), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (graph)), ==, 3);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (graph)) == MIGRATOR_TYPE_REVISION);

  assert_plan (graph, "", "head", MIGRATOR_DIRECTION_UPGRADE, "a b c | c");
  assert_plan (graph, "", "heads", MIGRATOR_DIRECTION_UPGRADE, "a b c | c");
  assert_plan (graph, "a", "head", MIGRATOR_DIRECTION_UPGRADE, "b c | c");
  assert_plan (graph, "c", "head", MIGRATOR_DIRECTION_UPGRADE, "| c");
  assert_plan (graph, "", "b", MIGRATOR_DIRECTION_UPGRADE, "a b | b");
  assert_plan (graph, "c", "base", MIGRATOR_DIRECTION_DOWNGRADE, "c b a | ");
  assert_plan (graph, "c", "-1", MIGRATOR_DIRECTION_DOWNGRADE, "c | b");
  assert_plan (graph, "c", "-3", MIGRATOR_DIRECTION_DOWNGRADE, "c b a | ");
  assert_plan (graph, "c", "a", MIGRATOR_DIRECTION_DOWNGRADE, "c b | a");
  assert_plan (graph, "b", "c-2", MIGRATOR_DIRECTION_DOWNGRADE, "b | a");
  assert_plan (graph, "", "base", MIGRATOR_DIRECTION_DOWNGRADE, "| ");

  /* The rows after each step are what the version table holds then. */
  plan = migrator_graph_plan (graph, NULL, "head", MIGRATOR_DIRECTION_UPGRADE, NULL);
  g_assert_cmpstr (((MigratorPlanStep *) g_ptr_array_index (plan->steps, 0))->heads_after[0], ==, "a");
  g_assert_cmpstr (((MigratorPlanStep *) g_ptr_array_index (plan->steps, 1))->heads_after[0], ==, "b");
  g_assert_cmpuint (g_strv_length (plan->from), ==, 0);
}

static void
test_relative (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("a b<a c<b d<c");

  assert_plan (graph, "", "+1", MIGRATOR_DIRECTION_UPGRADE, "a | a");
  assert_plan (graph, "", "+2", MIGRATOR_DIRECTION_UPGRADE, "a b | b");
  assert_plan (graph, "b", "+2", MIGRATOR_DIRECTION_UPGRADE, "c d | d");
  assert_plan (graph, "a", "b+1", MIGRATOR_DIRECTION_UPGRADE, "b c | c");
  assert_plan (graph, "d", "-2", MIGRATOR_DIRECTION_DOWNGRADE, "d c | b");
  assert_plan (graph, "d", "d-3", MIGRATOR_DIRECTION_DOWNGRADE, "d c b | a");
  assert_plan (graph, "d", "a-1", MIGRATOR_DIRECTION_DOWNGRADE, "d c b a | ");

  assert_resolves (graph, "a+3", "d");
  assert_resolves (graph, "d-3", "a");
  assert_resolve_error (graph, "d+1", "beyond the head");
  assert_resolve_error (graph, "b-5", "below base");
  assert_resolve_error (graph, "+1", "relative to the database");

  assert_plan_error (graph, "c", "+2", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "beyond the head");
  assert_plan_error (graph, "b", "-3", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "below base");
  assert_plan_error (graph, "", "-1", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "below base");
  assert_plan_error (graph, "b", "-1", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "not an upgrade target");
  assert_plan_error (graph, "b", "base", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "not an upgrade target");
  assert_plan_error (graph, "b", "+1", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "not a downgrade target");
  assert_plan_error (graph, "b", "head", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "not a downgrade target");
  assert_plan_error (graph, "b", "d", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "not applied");
}

static void
test_branch_and_merge (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("a b1<a b2<a m<b1,b2 c<m");
  g_autoptr(GPtrArray) points = migrator_graph_get_branch_points (graph);
  g_autoptr(GPtrArray) children = NULL;
  g_autofree char *point_ids = ids_of (points);
  g_autofree char *child_ids = NULL;
  MigratorRevision *m = migrator_graph_lookup (graph, "m");
  MigratorRevision *a = migrator_graph_lookup (graph, "a");
  MigratorRevision *b2 = migrator_graph_lookup (graph, "b2");

  g_assert_cmpstr (point_ids, ==, "a");
  children = migrator_graph_get_children (graph, a);
  child_ids = ids_of (children);
  g_assert_cmpstr (child_ids, ==, "b1 b2");
  g_assert_true (migrator_revision_is_merge (m));
  g_assert_true (migrator_graph_is_branch_point (graph, a));
  g_assert_false (migrator_graph_is_head (graph, m));
  g_assert_true (migrator_graph_is_ancestor (graph, b2, m));
  g_assert_false (migrator_graph_is_ancestor (graph, m, b2));
  g_assert_true (migrator_graph_is_ancestor (graph, a, a));

  assert_plan (graph, "", "head", MIGRATOR_DIRECTION_UPGRADE, "a b1 b2 m c | c");
  assert_plan (graph, "b1", "head", MIGRATOR_DIRECTION_UPGRADE, "b2 m c | c");
  assert_plan (graph, "c", "-1", MIGRATOR_DIRECTION_DOWNGRADE, "c | m");
  assert_plan (graph, "c", "-2", MIGRATOR_DIRECTION_DOWNGRADE, "c m | b1,b2");
  assert_plan (graph, "c", "b1", MIGRATOR_DIRECTION_DOWNGRADE, "c m | b1,b2");
  assert_plan (graph, "c", "a", MIGRATOR_DIRECTION_DOWNGRADE, "c m b2 b1 | a");
  assert_plan (graph, "m", "m-1", MIGRATOR_DIRECTION_DOWNGRADE, "m | b1,b2");
  /* a merge's parents are both below it: REV-N walks through both */
  assert_plan (graph, "m", "m-2", MIGRATOR_DIRECTION_DOWNGRADE, "m b2 b1 | a");
  assert_resolve_error (graph, "a+1", "branch point");
  assert_resolve_error (graph, "m-1", "ambiguous");
  assert_resolves (graph, "b1+1", "m");
}

static void
test_multiple_heads (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("a b1<a b2<a#feature x2<b2");

  assert_plan_error (graph, "", "head", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "2 heads (b1, x2)");
  assert_plan_error (graph, "", "head", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "migrator merge");
  assert_plan (graph, "", "heads", MIGRATOR_DIRECTION_UPGRADE, "a b1 b2 x2 | b1,x2");
  assert_plan (graph, "b1", "heads", MIGRATOR_DIRECTION_UPGRADE, "b2 x2 | b1,x2");
  assert_plan (graph, "b1", "feature@head", MIGRATOR_DIRECTION_UPGRADE, "b2 x2 | b1,x2");
  assert_plan (graph, "b1,x2", "b2", MIGRATOR_DIRECTION_DOWNGRADE, "x2 | b1,b2");
  assert_plan (graph, "b1,x2", "a", MIGRATOR_DIRECTION_DOWNGRADE, "x2 b2 b1 | a");
  assert_plan (graph, "b1,x2", "x2-1", MIGRATOR_DIRECTION_DOWNGRADE, "x2 | b1,b2");
  assert_plan_error (graph, "b1,x2", "-1", MIGRATOR_DIRECTION_DOWNGRADE, MIGRATOR_ERROR_TARGET, "several heads");
  assert_plan_error (graph, "b1,x2", "+1", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_TARGET, "several heads");
  assert_plan_error (graph, "zz", "heads", MIGRATOR_DIRECTION_UPGRADE, MIGRATOR_ERROR_FAILED, "'zz'");

  assert_resolves (graph, "feature", "b2");
  assert_resolves (graph, "feature@head", "x2");
  assert_resolves (graph, "b2@head", "x2");
  assert_resolve_error (graph, "a@head", "leads to 2 heads");
  assert_resolve_error (graph, "head", "2 heads");
  assert_resolve_error (graph, "feature@base", "LABEL@head");
}

static void
test_prefixes (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("abc123 abd456<abc123 ffe<abd456");
  g_autoptr(MigratorGraph) empty = make_graph ("");

  assert_resolves (graph, "abc", "abc123");
  assert_resolves (graph, "abd456", "abd456");
  assert_resolves (graph, "f", "ffe");
  assert_resolves (graph, "head", "ffe");
  assert_resolve_error (graph, "ab", "ambiguous revision prefix 'ab' matches 2 revisions: abc123, abd456");
  assert_resolve_error (graph, "zzz", "unknown revision 'zzz'");
  assert_resolve_error (graph, "", "unknown revision");
  assert_resolve_error (empty, "head", "no revisions");
  assert_plan (empty, "", "heads", MIGRATOR_DIRECTION_UPGRADE, "| ");
  assert_plan (graph, "", "abd+1", MIGRATOR_DIRECTION_UPGRADE, "abc123 abd456 ffe | ffe");
}

static void
test_depends_on (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("x y<x a b<a|y");

  assert_plan (graph, "", "b", MIGRATOR_DIRECTION_UPGRADE, "x y a b | b,y");
  assert_plan (graph, "b,y", "x", MIGRATOR_DIRECTION_DOWNGRADE, "b y | a,x");
  g_assert_true (migrator_graph_is_ancestor (graph, migrator_graph_lookup (graph, "x"),
                                             migrator_graph_lookup (graph, "b")));
}

static void
assert_graph_error (const char *spec,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorGraph) graph = make_graph_full (spec, &error);

  g_assert_null (graph);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_GRAPH);
  if (strstr (error->message, fragment) == NULL)
    g_error ("'%s' not in '%s'", fragment, error->message);
}

static void
test_invalid (void)
{
  assert_graph_error ("a b<a a", "versions/a_test.sql:1: duplicate revision id 'a', also in versions/a_test.sql");
  assert_graph_error ("a b<zz", "versions/b_test.sql:2: revision b: down_revision 'zz' not found");
  assert_graph_error ("a b<a|qq", "versions/b_test.sql:4: revision b: depends_on 'qq' not found");
  assert_graph_error ("a<c b<a c<b", "cycle in the revision graph: ");
  assert_graph_error ("a<c b<a c<b", "a -> c -> b -> a");
  assert_graph_error ("a<a", "names itself");
  assert_graph_error ("a#x b<a#x", "branch label 'x' of revision b is already used by a");
  assert_graph_error ("a b<a#a", "branch label 'a'");
  assert_graph_error ("x a<x|b b<a", "cycle");
}

static void
write_revision_file (const char *dir,
                     const char *id,
                     const char *parent)
{
  g_autofree char *path = g_strdup_printf ("%s/%s_step.sql", dir, id);
  g_autofree char *text = g_strdup_printf ("-- revision: %s\n-- down_revision: %s\n-- message: step %s\n\n"
                                           "-- migrate:upgrade\nCREATE TABLE t%s (id INTEGER);\n\n"
                                           "-- migrate:downgrade\nDROP TABLE t%s;\n",
                                           id, parent, id, id, id);
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
}

/* 10,000 revisions with random ids, written as files, loaded and resolved:
 * a test of correctness (its speed is measured by the benchmarks). */
static void
test_ten_thousand (void)
{
  g_autofree char *dir = g_dir_make_tmp ("migrator-graph-XXXXXX", NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MigratorGraph) graph = NULL;
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *target = NULL;
  const char *name;
  const guint n = 10000;

  for (guint i = 0; i < n; i++)
    {
      char *id = migrator_revision_generate_id ();

      g_ptr_array_add (ids, id);
      write_revision_file (dir, id, i == 0 ? "none" : g_ptr_array_index (ids, i - 1));
    }

  graph = migrator_graph_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (migrator_graph_get_n_revisions (graph), ==, n);

  assert_resolves (graph, "head", g_ptr_array_index (ids, n - 1));
  assert_resolves (graph, g_ptr_array_index (ids, 1234), g_ptr_array_index (ids, 1234));
  target = g_strdup_printf ("%s+100", (char *) g_ptr_array_index (ids, 5000));
  assert_resolves (graph, target, g_ptr_array_index (ids, 5100));

  plan = migrator_graph_plan (graph, NULL, "head", MIGRATOR_DIRECTION_UPGRADE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->steps->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (migrator_revision_get_id (((MigratorPlanStep *) g_ptr_array_index (plan->steps, i))->revision),
                     ==, g_ptr_array_index (ids, i));
  g_clear_pointer (&plan, migrator_plan_free);

  {
    const char *rows[] = { g_ptr_array_index (ids, n - 1), NULL };

    plan = migrator_graph_plan (graph, rows, "-5000", MIGRATOR_DIRECTION_DOWNGRADE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (plan->steps->len, ==, 5000);
    g_assert_cmpstr (plan->to[0], ==, g_ptr_array_index (ids, n - 5001));
  }

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

/* A wide graph: 100 branches of 100 revisions each, merged pairwise. */
static void
test_wide (void)
{
  g_autoptr(GString) spec = g_string_new ("root");
  g_autoptr(MigratorGraph) graph = NULL;
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GPtrArray) heads = NULL;

  for (guint b = 0; b < 100; b++)
    for (guint i = 0; i < 100; i++)
      {
        if (i == 0)
          g_string_append_printf (spec, " b%u_0<root", b);
        else
          g_string_append_printf (spec, " b%u_%u<b%u_%u", b, i, b, i - 1);
      }
  for (guint b = 0; b < 100; b += 2)
    g_string_append_printf (spec, " m%u<b%u_99,b%u_99", b, b, b + 1);

  graph = make_graph (spec->str);
  heads = migrator_graph_get_heads (graph);
  g_assert_cmpuint (heads->len, ==, 50);
  plan = migrator_graph_plan (graph, NULL, "heads", MIGRATOR_DIRECTION_UPGRADE, NULL);
  g_assert_cmpuint (plan->steps->len, ==, 1 + 100 * 100 + 50);
  g_assert_cmpuint (g_strv_length (plan->to), ==, 50);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/graph/linear", test_linear);
  g_test_add_func ("/graph/relative", test_relative);
  g_test_add_func ("/graph/branch-and-merge", test_branch_and_merge);
  g_test_add_func ("/graph/multiple-heads", test_multiple_heads);
  g_test_add_func ("/graph/prefixes", test_prefixes);
  g_test_add_func ("/graph/depends-on", test_depends_on);
  g_test_add_func ("/graph/invalid", test_invalid);
  g_test_add_func ("/graph/ten-thousand", test_ten_thousand);
  g_test_add_func ("/graph/wide", test_wide);

  return g_test_run ();
}
