/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-revision-state.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_REVISION_LIST (migrator_revision_list_get_type ())

G_DECLARE_FINAL_TYPE (MigratorRevisionList, migrator_revision_list, MIGRATOR, REVISION_LIST, GtkWidget)

/* The revision list: a search entry over a GtkListView of
 * MigratorRevisionRow, one per MigratorRevisionItem (newest first). */
GtkWidget            *migrator_revision_list_new               (void);
/* @items: (nullable): a GListModel of MigratorRevisionItem. */
void                  migrator_revision_list_set_items         (MigratorRevisionList *self,
                                                                GListModel           *items);
GListModel           *migrator_revision_list_get_items         (MigratorRevisionList *self);
/* The rows that pass the search, in the order shown. */
GListModel           *migrator_revision_list_get_visible_items (MigratorRevisionList *self);
MigratorRevisionItem *migrator_revision_list_get_selected_item (MigratorRevisionList *self);
/* Selects and scrolls to the revision @id when it is shown. */
gboolean              migrator_revision_list_select_id         (MigratorRevisionList *self,
                                                                const char           *id);
void                  migrator_revision_list_set_search        (MigratorRevisionList *self,
                                                                const char           *search);
/* TRUE while a search is still being checked against the revisions (the
 * filter runs in chunks between frames). */
gboolean              migrator_revision_list_get_searching     (MigratorRevisionList *self);
/* While @busy, Escape in the search entry activates "win.cancel". */
void                  migrator_revision_list_set_busy          (MigratorRevisionList *self,
                                                                gboolean              busy);
void                  migrator_revision_list_focus_search      (MigratorRevisionList *self);

G_END_DECLS
