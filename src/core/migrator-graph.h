/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-types.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_GRAPH (migrator_graph_get_type ())

G_DECLARE_FINAL_TYPE (MigratorGraph, migrator_graph, MIGRATOR, GRAPH, GObject)

/* The revision graph. Edges: down_revision (parent) and depends_on
 * (dependency). "Ancestors" below always follow both kinds of edge;
 * heads, bases, branch points and merges are defined by down_revision only.
 *
 * The graph also is a GListModel of MigratorRevision in topological order
 * (parents first; ties broken by file name), which the window shows newest
 * first through a GtkSortListModel or by reading it backwards. */

/* Loads every versions/NAME.sql of @versions_dir (sorted by file name) and
 * validates the graph. Errors are MIGRATOR_ERROR_REVISION or _GRAPH and
 * name the file and line: duplicate id (both files), missing parent or
 * dependency, cycle (the ids on it), duplicate branch label. A missing
 * directory is an empty graph. */
MigratorGraph      *migrator_graph_load                (const char         *versions_dir,
                                                        GError            **error);
/* Same from already parsed revisions (@revisions: element-type MigratorRevision). */
MigratorGraph      *migrator_graph_new_from_revisions  (GPtrArray          *revisions,
                                                        GError            **error);

guint               migrator_graph_get_n_revisions     (MigratorGraph      *self);
MigratorRevision   *migrator_graph_lookup              (MigratorGraph      *self,
                                                        const char         *id);
/* (element-type MigratorRevision) (transfer container), topological order. */
GPtrArray          *migrator_graph_get_ordered         (MigratorGraph      *self);
GPtrArray          *migrator_graph_get_heads           (MigratorGraph      *self);
GPtrArray          *migrator_graph_get_bases           (MigratorGraph      *self);
GPtrArray          *migrator_graph_get_branch_points   (MigratorGraph      *self);
/* Children by down_revision, in topological order. */
GPtrArray          *migrator_graph_get_children        (MigratorGraph      *self,
                                                        MigratorRevision   *revision);
gboolean            migrator_graph_is_head             (MigratorGraph      *self,
                                                        MigratorRevision   *revision);
gboolean            migrator_graph_is_branch_point     (MigratorGraph      *self,
                                                        MigratorRevision   *revision);
/* TRUE when @ancestor is @revision or one of its ancestors. */
gboolean            migrator_graph_is_ancestor         (MigratorGraph      *self,
                                                        MigratorRevision   *ancestor,
                                                        MigratorRevision   *revision);
/* The revisions named by the version table rows @current plus all their
 * ancestors. Unknown ids are a MIGRATOR_ERROR_FAILED error naming the id.
 * Returns: (transfer full) a set: id -> MigratorRevision (borrowed). */
GHashTable         *migrator_graph_get_applied         (MigratorGraph      *self,
                                                        const char *const  *current,
                                                        GError            **error);

/* Resolves one revision: full id, unique prefix (ambiguity lists the
 * candidates), "head" (only when there is one), "LABEL@head", a branch
 * label, "REV+N", "REV-N". Errors are MIGRATOR_ERROR_TARGET. */
MigratorRevision   *migrator_graph_resolve             (MigratorGraph      *self,
                                                        const char         *target,
                                                        GError            **error);

struct _MigratorPlanStep
{
  MigratorRevision *revision;     /* owned reference */
  MigratorDirection direction;
  char            **heads_after;  /* version table rows once this step is done */
};

struct _MigratorPlan
{
  MigratorDirection direction;
  char            **from;         /* version rows before (sorted) */
  char            **to;           /* version rows after (sorted) */
  GPtrArray        *steps;        /* (element-type MigratorPlanStep), execution order */
};

/* Plans the way from the version rows @current to @target (SPEC §5 target
 * forms): upgrade accepts a revision, "head", "heads", "+N", "REV+N",
 * "LABEL@head"; downgrade accepts a revision, "base", "-N", "REV-N".
 * Upgrade runs every missing ancestor of the target, parents first.
 * Downgrade undoes every applied revision that descends from the target,
 * children first; "-N" walks N steps down from the single current head.
 * An empty plan (already there) is not an error. */
MigratorPlan       *migrator_graph_plan                (MigratorGraph      *self,
                                                        const char *const  *current,
                                                        const char         *target,
                                                        MigratorDirection   direction,
                                                        GError            **error);
void                migrator_plan_free                 (MigratorPlan       *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorPlan, migrator_plan_free)

G_END_DECLS
