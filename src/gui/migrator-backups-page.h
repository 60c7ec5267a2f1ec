/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-service.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_BACKUPS_PAGE (migrator_backups_page_get_type ())

G_DECLARE_FINAL_TYPE (MigratorBackupsPage, migrator_backups_page, MIGRATOR, BACKUPS_PAGE, GtkWidget)

/* The backups of the service's database, newest first, with Restore,
 * Delete, Verify, Back Up Now and Open Folder. Actions that would conflict
 * with a running operation are disabled while the service is busy. The
 * list is read again when the page is shown, after each of its own
 * operations and on migrator_backups_page_refresh() (call it after an
 * upgrade or downgrade made a backup).
 *
 * Signals:
 *   "restored" (MigratorBackupsPage *page, const char *backup_path): a
 *   backup was restored into the database; the window re-reads its
 *   status. */
GtkWidget       *migrator_backups_page_new (void);
void             migrator_backups_page_set_service (MigratorBackupsPage *self,
                                                    MigratorService     *service);
MigratorService *migrator_backups_page_get_service (MigratorBackupsPage *self);
/* Lists the backups again (asynchronously). */
void migrator_backups_page_refresh (MigratorBackupsPage *self);
/* (transfer none) (element-type GObject): one item per backup shown; its
 * "path" property is the backup file. */
GListModel *migrator_backups_page_get_backups (MigratorBackupsPage *self);
/* TRUE while the list is being read. */
gboolean migrator_backups_page_get_loading (MigratorBackupsPage *self);

G_END_DECLS
