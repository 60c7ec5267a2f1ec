/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-database.h"
#include "migrator-graph.h"
#include "migrator-revision.h"

G_BEGIN_DECLS

/* What the revision list shows, decided without GTK so that tests can call
 * it without a display: the state of each revision, the lanes of the graph
 * column, the rows of a bare database, and what a rollback would undo. */

typedef enum {
  MIGRATOR_REVISION_STATE_NONE         = 0,
  MIGRATOR_REVISION_STATE_APPLIED      = 1 << 0,
  MIGRATOR_REVISION_STATE_PENDING      = 1 << 1,
  MIGRATOR_REVISION_STATE_CURRENT      = 1 << 2,  /* a version table row */
  MIGRATOR_REVISION_STATE_HEAD         = 1 << 3,
  MIGRATOR_REVISION_STATE_MERGE        = 1 << 4,
  MIGRATOR_REVISION_STATE_BRANCH_POINT = 1 << 5,
  MIGRATOR_REVISION_STATE_CHANGED      = 1 << 6,  /* file changed since it was applied */
  MIGRATOR_REVISION_STATE_IRREVERSIBLE = 1 << 7,
  MIGRATOR_REVISION_STATE_NO_FILE      = 1 << 8,  /* known from the database only */
} MigratorRevisionState;

#define MIGRATOR_TYPE_REVISION_STATE (migrator_revision_state_get_type ())
GType migrator_revision_state_get_type (void) G_GNUC_CONST;

/* The most lanes the graph column draws; revisions beyond share the last. */
#define MIGRATOR_MAX_LANES 16

/* One row of the graph column. Bit i of a mask is lane i. */
typedef struct
{
  guint8  node;              /* lane of the revision's dot */
  guint16 top;               /* lanes entering the row from above */
  guint16 top_to_node;       /* of those, the ones ending in the dot */
  guint16 bottom;            /* lanes leaving the row downwards */
  guint16 bottom_from_node;  /* of those, the ones starting at the dot */
} MigratorLanes;

#define MIGRATOR_TYPE_REVISION_ITEM (migrator_revision_item_get_type ())
G_DECLARE_FINAL_TYPE (MigratorRevisionItem, migrator_revision_item, MIGRATOR, REVISION_ITEM, GObject)

/* @revision: (nullable): NULL for a revision known from the database only. */
MigratorRevisionItem  *migrator_revision_item_new          (MigratorRevision     *revision,
                                                            const char           *id,
                                                            const char           *message,
                                                            const char           *date);
MigratorRevision      *migrator_revision_item_get_revision (MigratorRevisionItem *self);
const char            *migrator_revision_item_get_id       (MigratorRevisionItem *self);
/* The first 12 characters of the id. */
const char            *migrator_revision_item_get_short_id (MigratorRevisionItem *self);
const char            *migrator_revision_item_get_message  (MigratorRevisionItem *self);
/* "2025-10-06" or "" */
const char            *migrator_revision_item_get_date     (MigratorRevisionItem *self);
MigratorRevisionState  migrator_revision_item_get_state    (MigratorRevisionItem *self);
/* Notifies "state" only when it changes. */
void                   migrator_revision_item_set_state    (MigratorRevisionItem *self,
                                                            MigratorRevisionState state);
const MigratorLanes   *migrator_revision_item_get_lanes    (MigratorRevisionItem *self);
/* The search entry's filter: every word of @search occurs in the id or the
 * message, ignoring case. NULL or "" matches everything. */
gboolean               migrator_revision_item_matches      (MigratorRevisionItem *self,
                                                            const char           *search);
/* The same with @search already split by migrator_revision_search_words():
 * what a filter calls once per revision. */
gboolean               migrator_revision_item_matches_words (MigratorRevisionItem *self,
                                                             const char *const    *words);
/* @search casefolded and split at spaces, empty words dropped. */
char                 **migrator_revision_search_words      (const char           *search);

/* The state of @revision given the applied set (id -> revision, see
 * migrator_graph_get_applied), the version rows and the changed files. */
MigratorRevisionState  migrator_revision_state_compute     (MigratorGraph        *graph,
                                                            MigratorRevision     *revision,
                                                            GHashTable           *applied,
                                                            const char *const    *current,
                                                            const char *const    *changed);

/* A GListStore of MigratorRevisionItem, newest first (the graph's
 * topological order reversed), with the lanes of the graph column. */
GListStore            *migrator_revision_items_new         (MigratorGraph        *graph);
/* Sets every item's state. Version rows that name no revision of @graph are
 * ignored and returned in @unknown (may be NULL). Returns the number of
 * pending revisions. */
guint                  migrator_revision_items_update      (GListModel           *items,
                                                            MigratorGraph        *graph,
                                                            const char *const    *current,
                                                            const char *const    *changed,
                                                            char               ***unknown);
/* The rows of a database opened without its revision files: each revision
 * named in the version table or the history table (element-type
 * MigratorHistoryEntry, oldest first), newest first. */
GListStore            *migrator_revision_items_new_from_history (const char *const *current,
                                                                 GPtrArray         *history);

/* The statements of @revision's downgrade that lose data (DROP TABLE,
 * DROP COLUMN, DELETE without WHERE), one line each.
 * Returns: (transfer full) (element-type utf8) */
GPtrArray             *migrator_revision_downgrade_losses  (MigratorRevision     *revision);

/* The newest upgrade run in @history (element-type MigratorHistoryEntry,
 * oldest first): consecutive successful upgrade rows of one run (the same
 * backup; without a backup, each row started within half a second of the
 * previous one's end), not followed by a downgrade, stamp or restore. Sets
 * @from to the version rows before it (from the graph: the parents of its
 * revisions that it did not apply, sorted) and @backup to the backup taken
 * before it. FALSE when there is none. */
gboolean               migrator_rollback_find_last_upgrade (MigratorGraph        *graph,
                                                            GPtrArray            *history,
                                                            char               ***from,
                                                            char                **backup);
/* The downgrades that bring the version rows @current back to every row
 * of @from (empty: base), leaving only rows of branches they do not touch:
 * one when a single target gets there, else one per row of @from. Sets @targets to their targets.
 * Returns: (transfer full) (element-type MigratorPlan): their plans, or
 * NULL with @error set when no downgrade ends at @from. */
GPtrArray             *migrator_rollback_plan              (MigratorGraph        *graph,
                                                            const char *const    *current,
                                                            const char *const    *from,
                                                            char               ***targets,
                                                            GError              **error);
/* The downgrade target that brings the version rows back to @from:
 * "base" when empty, else its first row. */
const char            *migrator_rollback_target            (const char *const    *from);

G_END_DECLS
