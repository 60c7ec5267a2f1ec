/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MIGRATOR_TYPE_PREFERENCES_WINDOW (migrator_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MigratorPreferencesWindow, migrator_preferences_window, MIGRATOR, PREFERENCES_WINDOW, AdwPreferencesWindow)

MigratorPreferencesWindow *migrator_preferences_window_new (GtkWindow *parent);

G_END_DECLS
