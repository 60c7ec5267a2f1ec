/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MIGRATOR_SETTINGS_SCHEMA_ID "io.github.migrator.Migrator"
#define MIGRATOR_RESOURCE_PATH      "/io/github/migrator/Migrator"

/* Makes sure the GResource (templates, CSS, icons) is registered. */
void migrator_gui_ensure_resources (void);
/* The application's settings, from the installed schema or, in an
 * uninstalled build, from the schema compiled in the build tree. */
GSettings *migrator_gui_settings_new (void);

G_END_DECLS
