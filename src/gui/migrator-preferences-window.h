/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "migrator-project.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_PREFERENCES_WINDOW (migrator_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (MigratorPreferencesWindow, migrator_preferences_window, MIGRATOR, PREFERENCES_WINDOW, AdwPreferencesWindow)

MigratorPreferencesWindow *migrator_preferences_window_new         (GtkWindow                 *parent);
/* @project: (nullable): shows its settings, written to its migrator.json
 * as they change; NULL hides them. */
void                       migrator_preferences_window_set_project (MigratorPreferencesWindow *self,
                                                                    MigratorProject           *project);
/* TRUE while migrator.json is being written. */
gboolean                   migrator_preferences_window_get_saving  (MigratorPreferencesWindow *self);

G_END_DECLS
