/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-revision-state"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-database.h"
#include "migrator-graph.h"
#include "migrator-revision-state.h"
#include "migrator-revision.h"

/* What the revision list shows, without a display. */

#define REV(id, parent, msg, up, down)                                          \
  "-- revision: " id "\n-- down_revision: " parent "\n-- message: " msg "\n"    \
  "-- created: 2025-10-06T12:00:00Z\n\n-- migrate:upgrade\n" up "\n" down

static MigratorGraph *
graph_new (const char *const *texts)
{
  g_autoptr(GPtrArray) revisions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  MigratorGraph *graph;

  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("versions/%02u.sql", i);
      MigratorRevision *revision = migrator_revision_new_from_data (path, texts[i], strlen (texts[i]), &error);

      g_assert_no_error (error);
      g_ptr_array_add (revisions, revision);
    }

  graph = migrator_graph_new_from_revisions (revisions, &error);
  g_assert_no_error (error);
  return graph;
}

/* a -> b -> c */
static MigratorGraph *
linear_graph_new (void)
{
  const char *const texts[] = {
    REV ("aaaa", "none", "Create users", "CREATE TABLE users (id INTEGER PRIMARY KEY);",
         "-- migrate:downgrade\nDROP TABLE users;\n"),
    REV ("bbbb", "aaaa", "Add user email", "ALTER TABLE users ADD COLUMN email TEXT;",
         "-- migrate:downgrade\nALTER TABLE users DROP COLUMN email;\n"),
    REV ("cccc", "bbbb", "Index user email", "CREATE INDEX ix_email ON users (email);", ""),
    NULL
  };

  return graph_new (texts);
}

/* r -> x, r -> y, (x, y) -> m */
static MigratorGraph *
branched_graph_new (void)
{
  const char *const texts[] = {
    REV ("rrrr", "none", "Create root table", "CREATE TABLE t (id INTEGER PRIMARY KEY);",
         "-- migrate:downgrade\nDROP TABLE t;\n"),
    REV ("xxxx", "rrrr", "Add x table", "CREATE TABLE x (id INTEGER);",
         "-- migrate:downgrade\nDROP TABLE x;\n"),
    REV ("yyyy", "rrrr", "Add y table", "CREATE TABLE y (id INTEGER);",
         "-- migrate:downgrade\nDROP TABLE y;\n"),
    REV ("mmmm", "xxxx, yyyy", "Merge x and y", "", "-- migrate:downgrade\n"),
    NULL
  };

  return graph_new (texts);
}

static MigratorRevisionItem *
item_at (GListModel *model,
         guint       position)
{
  MigratorRevisionItem *item = g_list_model_get_item (model, position);

  /* The store keeps its own reference. */
  g_object_unref (item);
  return item;
}

static void
test_items_newest_first (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  GListModel *model = G_LIST_MODEL (items);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 0)), ==, "cccc");
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 2)), ==, "aaaa");
  g_assert_cmpstr (migrator_revision_item_get_message (item_at (model, 1)), ==, "Add user email");
  g_assert_cmpstr (migrator_revision_item_get_date (item_at (model, 1)), ==, "2025-10-06");
  g_assert_cmpstr (migrator_revision_item_get_short_id (item_at (model, 1)), ==, "bbbb");
}

static void
test_states_linear (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  GListModel *model = G_LIST_MODEL (items);
  const char *const current[] = { "bbbb", NULL };
  const char *const changed[] = { "aaaa", NULL };
  g_auto(GStrv) unknown = NULL;
  guint n_pending;

  n_pending = migrator_revision_items_update (model, graph, current, changed, &unknown);
  g_assert_cmpuint (n_pending, ==, 1);
  g_assert_cmpstrv (unknown, ((const char *const[]) { NULL }));

  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 0)), ==,
                   MIGRATOR_REVISION_STATE_PENDING | MIGRATOR_REVISION_STATE_HEAD |
                   MIGRATOR_REVISION_STATE_IRREVERSIBLE);
  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 1)), ==,
                   MIGRATOR_REVISION_STATE_APPLIED | MIGRATOR_REVISION_STATE_CURRENT);
  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 2)), ==,
                   MIGRATOR_REVISION_STATE_APPLIED | MIGRATOR_REVISION_STATE_CHANGED);

  /* After an upgrade to head nothing is pending. */
  n_pending = migrator_revision_items_update (model, graph, (const char *const[]) { "cccc", NULL }, NULL, NULL);
  g_assert_cmpuint (n_pending, ==, 0);
  g_assert_true (migrator_revision_item_get_state (item_at (model, 0)) & MIGRATOR_REVISION_STATE_CURRENT);
  g_assert_false (migrator_revision_item_get_state (item_at (model, 1)) & MIGRATOR_REVISION_STATE_CURRENT);

  /* An empty database: everything pending. */
  n_pending = migrator_revision_items_update (model, graph, (const char *const[]) { NULL }, NULL, NULL);
  g_assert_cmpuint (n_pending, ==, 3);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_states_notify_once (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  GListModel *model = G_LIST_MODEL (items);
  const char *const current[] = { "bbbb", NULL };
  guint notified = 0;

  g_signal_connect (item_at (model, 0), "notify::state", G_CALLBACK (count_notify_cb), &notified);
  migrator_revision_items_update (model, graph, current, NULL, NULL);
  g_assert_cmpuint (notified, ==, 1);
  /* The same state again: no notification, so rows do not redraw. */
  migrator_revision_items_update (model, graph, current, NULL, NULL);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_states_unknown_current (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  const char *const current[] = { "aaaa", "ffff", NULL };
  g_auto(GStrv) unknown = NULL;
  guint n_pending;

  n_pending = migrator_revision_items_update (G_LIST_MODEL (items), graph, current, NULL, &unknown);
  g_assert_cmpuint (n_pending, ==, 2);
  g_assert_cmpstrv (unknown, ((const char *const[]) { "ffff", NULL }));
}

static void
test_states_branches (void)
{
  g_autoptr(MigratorGraph) graph = branched_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  GListModel *model = G_LIST_MODEL (items);
  const char *const current[] = { "xxxx", NULL };
  guint n_pending;

  n_pending = migrator_revision_items_update (model, graph, current, NULL, NULL);
  g_assert_cmpuint (n_pending, ==, 2);

  /* Newest first: m, then the two branches, then r. */
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 0)), ==, "mmmm");
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 3)), ==, "rrrr");
  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 0)), ==,
                   MIGRATOR_REVISION_STATE_PENDING | MIGRATOR_REVISION_STATE_HEAD | MIGRATOR_REVISION_STATE_MERGE);
  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 3)), ==,
                   MIGRATOR_REVISION_STATE_APPLIED | MIGRATOR_REVISION_STATE_BRANCH_POINT);
}

static void
test_lanes (void)
{
  g_autoptr(MigratorGraph) graph = branched_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  GListModel *model = G_LIST_MODEL (items);
  const MigratorLanes *merge = migrator_revision_item_get_lanes (item_at (model, 0));
  const MigratorLanes *second = migrator_revision_item_get_lanes (item_at (model, 1));
  const MigratorLanes *third = migrator_revision_item_get_lanes (item_at (model, 2));
  const MigratorLanes *root = migrator_revision_item_get_lanes (item_at (model, 3));

  /* The merge starts two lanes, one per parent. */
  g_assert_cmpuint (merge->node, ==, 0);
  g_assert_cmpuint (merge->top, ==, 0);
  g_assert_cmpuint (merge->bottom_from_node, ==, 0x3);
  g_assert_cmpuint (merge->bottom, ==, 0x3);

  /* Each branch continues its own lane, the other passes by. */
  g_assert_cmpuint (second->top, ==, 0x3);
  g_assert_cmpuint (third->top, ==, 0x3);
  g_assert_cmpuint (second->node != third->node, ==, TRUE);

  /* Both lanes end in the branch point, which is the root. */
  g_assert_cmpuint (root->top_to_node, ==, 0x3);
  g_assert_cmpuint (root->node, ==, 0);
  g_assert_cmpuint (root->bottom, ==, 0);
}

static void
test_lanes_many (void)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MigratorGraph) graph = NULL;
  g_autoptr(GListStore) items = NULL;
  guint n = 2000;

  /* A long linear history stays in one lane, and is quick to lay out. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%05u", i);
      g_autofree char *parent = i == 0 ? g_strdup ("none") : g_strdup_printf ("r%05u", i - 1);

      g_ptr_array_add (texts, g_strdup_printf ("-- revision: %s\n-- down_revision: %s\n-- message: Step %u\n\n"
                                               "-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n",
                                               id, parent, i));
    }
  g_ptr_array_add (texts, NULL);

  graph = graph_new ((const char *const *) texts->pdata);
  items = migrator_revision_items_new (graph);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (items)), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (migrator_revision_item_get_lanes (item_at (G_LIST_MODEL (items), i))->node, ==, 0);
}

static void
test_search (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GListStore) items = migrator_revision_items_new (graph);
  MigratorRevisionItem *item = item_at (G_LIST_MODEL (items), 1);

  g_assert_true (migrator_revision_item_matches (item, NULL));
  g_assert_true (migrator_revision_item_matches (item, ""));
  g_assert_true (migrator_revision_item_matches (item, "bbb"));
  g_assert_true (migrator_revision_item_matches (item, "EMAIL"));
  g_assert_true (migrator_revision_item_matches (item, "user  email"));
  g_assert_false (migrator_revision_item_matches (item, "email index"));
  g_assert_false (migrator_revision_item_matches (item, "cccc"));
}

static void
test_downgrade_losses (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  const char *const texts[] = {
    REV ("dddd", "none", "Mixed downgrade", "CREATE TABLE a (id INTEGER);",
         "-- migrate:downgrade\n"
         "-- drop what the upgrade made\n"
         "DELETE FROM a WHERE id > 10;\n"
         "ALTER TABLE a DROP CONSTRAINT ck_a;\n"
         "delete from a;\n"
         "drop   table IF EXISTS a;\n"),
    NULL
  };
  g_autoptr(MigratorGraph) mixed = graph_new (texts);
  g_autoptr(GPtrArray) losses = NULL;

  losses = migrator_revision_downgrade_losses (migrator_graph_lookup (graph, "aaaa"));
  g_assert_cmpuint (losses->len, ==, 1);
  g_assert_cmpstr (losses->pdata[0], ==, "aaaa: DROP TABLE users;");
  g_clear_pointer (&losses, g_ptr_array_unref);

  losses = migrator_revision_downgrade_losses (migrator_graph_lookup (graph, "bbbb"));
  g_assert_cmpuint (losses->len, ==, 1);
  g_clear_pointer (&losses, g_ptr_array_unref);

  /* Irreversible: nothing to scan. */
  losses = migrator_revision_downgrade_losses (migrator_graph_lookup (graph, "cccc"));
  g_assert_cmpuint (losses->len, ==, 0);
  g_clear_pointer (&losses, g_ptr_array_unref);

  /* A DELETE with WHERE and DROP CONSTRAINT keep the data. */
  losses = migrator_revision_downgrade_losses (migrator_graph_lookup (mixed, "dddd"));
  g_assert_cmpuint (losses->len, ==, 2);
  g_assert_cmpstr (losses->pdata[0], ==, "dddd: delete from a;");
  g_assert_cmpstr (losses->pdata[1], ==, "dddd: drop   table IF EXISTS a;");
}

static MigratorHistoryEntry *
history_entry (const char *revision,
               const char *direction,
               const char *outcome,
               const char *backup)
{
  MigratorHistoryEntry *entry = migrator_history_entry_new ();

  entry->revision = g_strdup (revision);
  entry->direction = g_strdup (direction);
  entry->outcome = g_strdup (outcome);
  entry->backup = g_strdup (backup);
  entry->started_at = g_strdup ("2025-10-07T08:00:00.000Z");
  entry->finished_at = g_strdup ("2025-10-07T08:00:00.000Z");
  return entry;
}

static GPtrArray *
history_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_history_entry_free);
}

static void
test_rollback_last_upgrade (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GPtrArray) history = history_new ();
  g_auto(GStrv) from = NULL;
  g_autofree char *backup = NULL;

  /* No history: nothing to roll back. */
  g_assert_false (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));

  /* One run applied a; a later run (another backup) applied b and c. */
  g_ptr_array_add (history, history_entry ("aaaa", "upgrade", "ok", NULL));
  g_ptr_array_add (history, history_entry ("bbbb", "upgrade", "ok", "/b/app-1.db"));
  g_ptr_array_add (history, history_entry ("cccc", "upgrade", "failed", "/b/app-1.db"));
  g_ptr_array_add (history, history_entry ("cccc", "upgrade", "ok", "/b/app-1.db"));
  g_assert_true (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));
  g_assert_cmpstrv (from, ((const char *const[]) { "aaaa", NULL }));
  g_assert_cmpstr (backup, ==, "/b/app-1.db");
  g_assert_cmpstr (migrator_rollback_target ((const char *const *) from), ==, "aaaa");
  g_clear_pointer (&from, g_strfreev);
  g_clear_pointer (&backup, g_free);

  /* A run from base goes back to base. */
  g_ptr_array_set_size (history, 0);
  g_ptr_array_add (history, history_entry ("aaaa", "upgrade", "ok", NULL));
  g_ptr_array_add (history, history_entry ("bbbb", "upgrade", "ok", NULL));
  g_assert_true (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));
  g_assert_cmpstrv (from, ((const char *const[]) { NULL }));
  g_assert_null (backup);
  g_assert_cmpstr (migrator_rollback_target ((const char *const *) from), ==, "base");
  g_clear_pointer (&from, g_strfreev);

  /* A downgrade since: the upgrade was already undone. */
  g_ptr_array_add (history, history_entry ("bbbb", "downgrade", "ok", NULL));
  g_assert_false (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));
  g_assert_null (from);
}

static MigratorHistoryEntry *
history_entry_at (const char *revision,
                  const char *started_at,
                  const char *finished_at)
{
  MigratorHistoryEntry *entry = history_entry (revision, "upgrade", "ok", NULL);

  g_free (entry->started_at);
  g_free (entry->finished_at);
  entry->started_at = g_strdup (started_at);
  entry->finished_at = g_strdup (finished_at);
  return entry;
}

/* Without backups, two runs a few seconds apart are two runs. */
static void
test_rollback_runs_without_backup (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GPtrArray) history = history_new ();
  g_auto(GStrv) from = NULL;
  g_autofree char *backup = NULL;

  g_ptr_array_add (history, history_entry_at ("aaaa", "2025-10-07T08:00:00.000Z", "2025-10-07T08:00:00.020Z"));
  g_ptr_array_add (history, history_entry_at ("bbbb", "2025-10-07T08:00:04.000Z", "2025-10-07T08:00:04.010Z"));
  g_ptr_array_add (history, history_entry_at ("cccc", "2025-10-07T08:00:04.015Z", "2025-10-07T08:00:04.030Z"));
  g_assert_true (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));
  g_assert_cmpstrv (from, ((const char *const[]) { "aaaa", NULL }));
  g_assert_null (backup);
}

/* With run ids, two scripted runs a few milliseconds apart are two runs,
 * and one run's steps belong together however long each took. */
static void
test_rollback_run_ids (void)
{
  g_autoptr(MigratorGraph) graph = linear_graph_new ();
  g_autoptr(GPtrArray) history = history_new ();
  g_auto(GStrv) from = NULL;
  g_autofree char *backup = NULL;
  MigratorHistoryEntry *entry;

  entry = history_entry_at ("aaaa", "2025-10-07T08:00:00.000Z", "2025-10-07T08:00:00.020Z");
  entry->run_id = g_strdup ("run-1");
  g_ptr_array_add (history, entry);
  entry = history_entry_at ("bbbb", "2025-10-07T08:00:00.025Z", "2025-10-07T08:00:00.030Z");
  entry->run_id = g_strdup ("run-2");
  g_ptr_array_add (history, entry);
  entry = history_entry_at ("cccc", "2025-10-07T08:00:09.000Z", "2025-10-07T08:00:09.010Z");
  entry->run_id = g_strdup ("run-2");
  g_ptr_array_add (history, entry);

  g_assert_true (migrator_rollback_find_last_upgrade (graph, history, &from, &backup));
  g_assert_cmpstrv (from, ((const char *const[]) { "aaaa", NULL }));
  g_assert_null (backup);
}

/* r -> x -> x2, r -> y -> y2, (x, y) -> m */
static MigratorGraph *
two_heads_graph_new (void)
{
  const char *const texts[] = {
    REV ("rrrr", "none", "Create root table", "CREATE TABLE t (id INTEGER PRIMARY KEY);", "-- migrate:downgrade\nDROP TABLE t;\n"),
    REV ("xxxx", "rrrr", "Add x table", "CREATE TABLE x (id INTEGER);", "-- migrate:downgrade\nDROP TABLE x;\n"),
    REV ("yyyy", "rrrr", "Add y table", "CREATE TABLE y (id INTEGER);", "-- migrate:downgrade\nDROP TABLE y;\n"),
    REV ("x222", "xxxx", "Index x", "CREATE INDEX ix_x ON x (id);", "-- migrate:downgrade\nDROP INDEX ix_x;\n"),
    REV ("y222", "yyyy", "Index y", "CREATE INDEX ix_y ON y (id);", "-- migrate:downgrade\nDROP INDEX ix_y;\n"),
    NULL
  };

  return graph_new (texts);
}

static void
test_rollback_several_heads (void)
{
  g_autoptr(MigratorGraph) two = two_heads_graph_new ();
  g_autoptr(MigratorGraph) merged = branched_graph_new ();
  g_autoptr(GPtrArray) history = history_new ();
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) from = NULL;
  g_auto(GStrv) targets = NULL;
  g_autofree char *backup = NULL;
  MigratorPlan *last;

  /* One run took both heads one step further: it started from both. */
  g_ptr_array_add (history, history_entry ("xxxx", "upgrade", "ok", "/b/app-1.db"));
  g_ptr_array_add (history, history_entry ("yyyy", "upgrade", "ok", "/b/app-1.db"));
  g_ptr_array_add (history, history_entry ("x222", "upgrade", "ok", "/b/app-2.db"));
  g_ptr_array_add (history, history_entry ("y222", "upgrade", "ok", "/b/app-2.db"));
  g_assert_true (migrator_rollback_find_last_upgrade (two, history, &from, &backup));
  g_assert_cmpstrv (from, ((const char *const[]) { "xxxx", "yyyy", NULL }));

  /* No single downgrade gets there: one per head. */
  plans = migrator_rollback_plan (two, (const char *const[]) { "x222", "y222", NULL },
                                  (const char *const *) from, &targets, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (targets, ((const char *const[]) { "xxxx", "yyyy", NULL }));
  g_assert_cmpuint (plans->len, ==, 2);
  last = plans->pdata[1];
  g_assert_cmpstrv (last->to, ((const char *const[]) { "xxxx", "yyyy", NULL }));
  g_clear_pointer (&plans, g_ptr_array_unref);
  g_clear_pointer (&targets, g_strfreev);

  /* A branch the upgrade did not touch stays. */
  plans = migrator_rollback_plan (two, (const char *const[]) { "x222", "yyyy", NULL },
                                  (const char *const[]) { "xxxx", NULL }, &targets, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (targets, ((const char *const[]) { "xxxx", NULL }));
  g_assert_cmpstrv (((MigratorPlan *) plans->pdata[0])->to, ((const char *const[]) { "xxxx", "yyyy", NULL }));
  g_clear_pointer (&plans, g_ptr_array_unref);
  g_clear_pointer (&targets, g_strfreev);

  /* Undoing a merge returns to both its parents in one downgrade. */
  plans = migrator_rollback_plan (merged, (const char *const[]) { "mmmm", NULL },
                                  (const char *const[]) { "xxxx", "yyyy", NULL }, &targets, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plans->len, ==, 1);
  g_assert_cmpuint (g_strv_length (targets), ==, 1);
  g_assert_cmpstrv (((MigratorPlan *) plans->pdata[0])->to, ((const char *const[]) { "xxxx", "yyyy", NULL }));
}

static void
test_items_from_history (void)
{
  g_autoptr(GPtrArray) history = history_new ();
  g_autoptr(GListStore) items = NULL;
  const char *const current[] = { "bbbb", NULL };
  GListModel *model;

  g_ptr_array_add (history, history_entry ("aaaa", "upgrade", "ok", NULL));
  g_ptr_array_add (history, history_entry ("bbbb", "upgrade", "ok", NULL));
  g_ptr_array_add (history, history_entry ("cccc", "upgrade", "failed", NULL));
  g_ptr_array_add (history, history_entry ("base", "backup", "ok", NULL));

  items = migrator_revision_items_new_from_history (current, history);
  model = G_LIST_MODEL (items);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 0)), ==, "bbbb");
  g_assert_null (migrator_revision_item_get_revision (item_at (model, 0)));
  g_assert_cmpint (migrator_revision_item_get_state (item_at (model, 0)), ==,
                   MIGRATOR_REVISION_STATE_APPLIED | MIGRATOR_REVISION_STATE_CURRENT |
                   MIGRATOR_REVISION_STATE_NO_FILE);
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 1)), ==, "cccc");
  g_assert_true (migrator_revision_item_get_state (item_at (model, 1)) & MIGRATOR_REVISION_STATE_PENDING);
  g_assert_cmpstr (migrator_revision_item_get_id (item_at (model, 2)), ==, "aaaa");
  g_assert_true (migrator_revision_item_get_state (item_at (model, 2)) & MIGRATOR_REVISION_STATE_APPLIED);
  g_assert_cmpstr (migrator_revision_item_get_date (item_at (model, 2)), ==, "2025-10-07");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/migrator/revision-state/items-newest-first", test_items_newest_first);
  g_test_add_func ("/migrator/revision-state/linear", test_states_linear);
  g_test_add_func ("/migrator/revision-state/notify-once", test_states_notify_once);
  g_test_add_func ("/migrator/revision-state/unknown-current", test_states_unknown_current);
  g_test_add_func ("/migrator/revision-state/branches", test_states_branches);
  g_test_add_func ("/migrator/revision-state/lanes", test_lanes);
  g_test_add_func ("/migrator/revision-state/lanes-many", test_lanes_many);
  g_test_add_func ("/migrator/revision-state/search", test_search);
  g_test_add_func ("/migrator/revision-state/downgrade-losses", test_downgrade_losses);
  g_test_add_func ("/migrator/revision-state/rollback-last-upgrade", test_rollback_last_upgrade);
  g_test_add_func ("/migrator/revision-state/rollback-runs-without-backup", test_rollback_runs_without_backup);
  g_test_add_func ("/migrator/revision-state/rollback-run-ids", test_rollback_run_ids);
  g_test_add_func ("/migrator/revision-state/rollback-several-heads", test_rollback_several_heads);
  g_test_add_func ("/migrator/revision-state/items-from-history", test_items_from_history);

  return g_test_run ();
}
