/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "migrator-project.h"
#include "migrator-service.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_WINDOW (migrator_window_get_type ())

G_DECLARE_FINAL_TYPE (MigratorWindow, migrator_window, MIGRATOR, WINDOW, AdwApplicationWindow)

MigratorWindow  *migrator_window_new               (GtkApplication *application);
/* The project folder or database file shown, or NULL for the empty state. */
GFile           *migrator_window_get_file          (MigratorWindow *self);
/* Opens @file, a project folder or a database file (a project is looked
 * for next to and above it; without one the database opens read-only).
 * A path that is not there is reported at once in the window (a toast) and
 * in @error; the project itself is read on a worker thread, and a project
 * that cannot be read is reported in the window. */
gboolean         migrator_window_open              (MigratorWindow *self,
                                                    GFile          *file,
                                                    GError        **error);
/* TRUE while a project is read or the database state is being refreshed. */
gboolean         migrator_window_get_loading       (MigratorWindow *self);
/* (nullable): NULL for the empty state and for a bare database. */
MigratorProject *migrator_window_get_project       (MigratorWindow *self);
MigratorService *migrator_window_get_service       (MigratorWindow *self);
/* Pending revisions, or -1 while unknown. */
int              migrator_window_get_pending_count (MigratorWindow *self);
/* The version rows shown, NULL while unknown. */
const char *const *migrator_window_get_current     (MigratorWindow *self);
/* TRUE for a database opened without its revision files. */
gboolean         migrator_window_get_read_only     (MigratorWindow *self);

G_END_DECLS
