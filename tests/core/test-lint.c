/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-lint"

#include "config.h"

#include <string.h>

#include "migrator-graph.h"
#include "migrator-lint.h"
#include "migrator-revision.h"

static MigratorRevision *
parse (const char *id,
       const char *parent,
       const char *message,
       const char *extra_header,
       const char *body)
{
  g_autofree char *text = g_strdup_printf ("-- revision: %s\n-- down_revision: %s\n-- message: %s\n%s\n%s",
                                           id, parent, message, extra_header, body);
  g_autofree char *path = g_strdup_printf ("versions/%s_x.sql", id);
  g_autoptr(GError) error = NULL;
  MigratorRevision *revision = migrator_revision_new_from_data (path, text, strlen (text), &error);

  g_assert_no_error (error);
  return revision;
}

/* "rule@line rule@line" of the findings. */
static char *
describe (GPtrArray *findings)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < findings->len; i++)
    {
      MigratorFinding *finding = g_ptr_array_index (findings, i);

      g_string_append_printf (out, "%s%s@%u", i > 0 ? " " : "", finding->rule, finding->line);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_lint (const char *message,
             const char *extra_header,
             const char *body,
             const char *expected)
{
  g_autoptr(MigratorRevision) revision = parse ("a1", "none", message, extra_header, body);
  g_autoptr(GPtrArray) findings = migrator_lint_revision (revision);
  g_autofree char *got = describe (findings);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_clean (void)
{
  assert_lint ("Add position_percent to total_table", "",
               "-- migrate:upgrade\nALTER TABLE t ADD COLUMN p REAL;\n"
               "-- migrate:downgrade\nALTER TABLE t DROP COLUMN p;\n",
               "");
}

static void
test_rules (void)
{
  const char *good = "Add position_percent to total_table";

  /* lines: 1-3 header, 4 blank extra, 5 marker, 6 first statement */
  assert_lint (good, "",
               "-- migrate:upgrade\nALTER TABLE t ADD COLUMN p REAL NOT NULL;\n-- migrate:downgrade\nSELECT 1;\n",
               "not-null-without-default@6");
  assert_lint (good, "",
               "-- migrate:upgrade\nalter table \"my t\" add \"p\" integer not null default 0;\n-- migrate:downgrade\nSELECT 1;\n",
               "");
  assert_lint (good, "",
               "-- migrate:upgrade\nALTER TABLE t ADD CONSTRAINT uq UNIQUE (a) ;\n-- migrate:downgrade\nSELECT 1;\n",
               "");
  assert_lint (good, "", "-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n",
               "missing-downgrade@0");
  assert_lint (good, "", "-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n-- migrate:downgrade\n",
               "empty-downgrade@0");
  assert_lint ("Merge heads", "", "-- migrate:upgrade\n-- migrate:downgrade\n", "");
  assert_lint ("update db", "", "-- migrate:upgrade\n-- migrate:downgrade\n", "vague-message@3");
  assert_lint ("fix", "", "-- migrate:upgrade\n-- migrate:downgrade\n", "vague-message@3");
  assert_lint (good, "",
               "-- migrate:upgrade\nDROP TABLE old_stuff;\n-- migrate:downgrade\nCREATE TABLE old_stuff (id INTEGER);\n",
               "destructive@6");
  assert_lint (good, "",
               "-- migrate:upgrade\n/* gone */ ALTER TABLE t\n  DROP COLUMN c;\nDELETE FROM t;\nDELETE FROM t WHERE id > 3;\n"
               "ALTER TABLE t DROP CONSTRAINT ck;\n-- migrate:downgrade\nSELECT 1;\n",
               "destructive@6 destructive@8");
  /* dropping in a downgrade is what undoing a CREATE means */
  assert_lint (good, "",
               "-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n-- migrate:downgrade\nDROP TABLE t;\n",
               "");
  assert_lint (good, "",
               "-- migrate:upgrade\nPRAGMA foreign_keys = OFF;\n-- migrate:downgrade\nSELECT 1;\n",
               "pragma-foreign-keys@6");
  assert_lint (good, "-- transactional: false",
               "\n-- migrate:upgrade\nPRAGMA foreign_keys = OFF;\n-- migrate:downgrade\nSELECT 1;\n",
               "");
}

static void
test_allow (void)
{
  assert_lint ("Drop the legacy table", "-- allow: destructive, missing-downgrade",
               "\n-- migrate:upgrade\nDROP TABLE legacy;\n",
               "");
}

static void
test_graph (void)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(MigratorGraph) graph = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *got = NULL;
  const char *body = "-- migrate:upgrade\n-- migrate:downgrade\n";

  g_ptr_array_add (revisions, parse ("a", "none", "Create the tables", "", body));
  g_ptr_array_add (revisions, parse ("b", "a", "Add the first branch", "", body));
  g_ptr_array_add (revisions, parse ("c", "a", "wip", "", body));
  graph = migrator_graph_new_from_revisions (revisions, NULL);
  findings = migrator_lint_graph (graph);
  got = describe (findings);
  g_assert_cmpstr (got, ==, "vague-message@3 multiple-heads@0");
  g_assert_cmpint (migrator_lint_worst (findings), ==, MIGRATOR_SEVERITY_WARNING);
  g_assert_nonnull (strstr (((MigratorFinding *) g_ptr_array_index (findings, 1))->message, "2 heads (b, c)"));
  g_assert_null (((MigratorFinding *) g_ptr_array_index (findings, 1))->revision);
}

static void
test_rules_table (void)
{
  const MigratorLintRule *all = migrator_lint_get_rules ();
  guint n = 0;

  for (; all[n].id != NULL; n++)
    g_assert_true (migrator_lint_find_rule (all[n].id) == &all[n]);
  g_assert_cmpuint (n, >=, 10);
  g_assert_null (migrator_lint_find_rule ("no-such-rule"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/lint/clean", test_clean);
  g_test_add_func ("/lint/rules", test_rules);
  g_test_add_func ("/lint/allow", test_allow);
  g_test_add_func ("/lint/graph", test_graph);
  g_test_add_func ("/lint/rules-table", test_rules_table);

  return g_test_run ();
}
