/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-revision-state.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_REVISION_ROW (migrator_revision_row_get_type ())

G_DECLARE_FINAL_TYPE (MigratorRevisionRow, migrator_revision_row, MIGRATOR, REVISION_ROW, GtkWidget)

/* One row of the revision list: graph lane, message, short id, date and
 * state badges, and a menu (also on right click) with Upgrade to Here,
 * Downgrade to Here and Copy ID, which activate "win.upgrade-to",
 * "win.downgrade-to" and "win.copy-id" with the revision id. */
GtkWidget            *migrator_revision_row_new       (void);
/* @item: (nullable): binds the row; it follows the item's state. */
void                  migrator_revision_row_set_item  (MigratorRevisionRow  *self,
                                                       MigratorRevisionItem *item);
MigratorRevisionItem *migrator_revision_row_get_item  (MigratorRevisionRow  *self);
/* Width of the graph column, in lanes (the same for every row of a list). */
void                  migrator_revision_row_set_n_lanes (MigratorRevisionRow *self,
                                                         guint                n_lanes);
/* The badges shown, joined by ", " (for tests and the accessible label). */
char                 *migrator_revision_row_dup_badges_text (MigratorRevisionRow *self);

G_END_DECLS
