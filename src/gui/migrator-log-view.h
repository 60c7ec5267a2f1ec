/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-log-model.h"
#include "migrator-service.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_LOG_VIEW (migrator_log_view_get_type ())

G_DECLARE_FINAL_TYPE (MigratorLogView, migrator_log_view, MIGRATOR, LOG_VIEW, GtkWidget)

/* The log page: every line of the service's "log" signal with its time and
 * level, filtered by level and search text, copied or exported as text.
 *
 * Signals:
 *   "error-logged" (MigratorLogView *view, const char *message): an
 *   error-level line was appended to the model (from the service or by
 *   migrator_log_model_append); the window shows it in a dialog. */
GtkWidget *migrator_log_view_new (void);
/* (transfer none): the lines; append to it to log from the window. */
MigratorLogModel *migrator_log_view_get_model (MigratorLogView *self);
/* Appends every "log" line of @service (NULL: stop listening). */
void             migrator_log_view_set_service (MigratorLogView *self,
                                                MigratorService *service);
MigratorService *migrator_log_view_get_service (MigratorLogView *self);
/* Lowest level shown (the level drop-down) and the search text. */
void             migrator_log_view_set_min_level (MigratorLogView *self,
                                                  MigratorLogLevel level);
MigratorLogLevel migrator_log_view_get_min_level (MigratorLogView *self);
void             migrator_log_view_set_search (MigratorLogView *self,
                                               const char      *search);
/* Writes the visible lines to @file in the background (what Export… does
 * once a file is chosen); a toast tells how it went. */
void     migrator_log_view_export_async (MigratorLogView    *self,
                                         GFile              *file,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean migrator_log_view_export_finish (MigratorLogView *self,
                                          GAsyncResult    *result,
                                          GError         **error);
/* (transfer none): the lines that pass the filter, as shown. */
GListModel *migrator_log_view_get_visible_lines (MigratorLogView *self);

G_END_DECLS
