/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MIGRATOR_TYPE_WINDOW (migrator_window_get_type ())

G_DECLARE_FINAL_TYPE (MigratorWindow, migrator_window, MIGRATOR, WINDOW, AdwApplicationWindow)

MigratorWindow *migrator_window_new (GtkApplication *application);
/* The project folder or database file shown, or NULL for the empty state. */
GFile *migrator_window_get_file (MigratorWindow *self);
/* Shows @file, a project folder or a database file. A path that cannot be
 * opened is reported in the window (a toast) and in @error. */
gboolean migrator_window_open (MigratorWindow *self,
                               GFile          *file,
                               GError        **error);

G_END_DECLS
