/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-revision-state.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_REVISION_PAGE (migrator_revision_page_get_type ())

G_DECLARE_FINAL_TYPE (MigratorRevisionPage, migrator_revision_page, MIGRATOR, REVISION_PAGE, GtkWidget)

/* Everything about one revision: header fields, its rows of the history
 * table, lint findings, upgrade and downgrade SQL, and what it changes in
 * the schema (computed on a worker thread). */
GtkWidget            *migrator_revision_page_new         (void);
/* @graph: (nullable), @item: (nullable): NULL shows the empty state.
 * @history: (nullable) (element-type MigratorHistoryEntry): the database's
 * history table, oldest first; the page keeps a reference. */
void                  migrator_revision_page_set_revision (MigratorRevisionPage *self,
                                                           MigratorGraph        *graph,
                                                           MigratorRevisionItem *item,
                                                           GPtrArray            *history);
MigratorRevisionItem *migrator_revision_page_get_item    (MigratorRevisionPage *self);
/* TRUE while the schema changes are being computed. */
gboolean              migrator_revision_page_get_loading (MigratorRevisionPage *self);

G_END_DECLS
