/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-application.h"
#include "migrator-gui-private.h"
#include "migrator-gui.h"
#include "migrator-resources.h"

void
migrator_gui_ensure_resources (void)
{
  /* The resource is compiled into the static migrator-gui library; calling
   * into it keeps the linker from dropping the object whose constructor
   * registers it. */
  if (migrator_get_resource () == NULL)
    g_error ("The application resources are missing");
}

GSettings *
migrator_gui_settings_new (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_tree = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, MIGRATOR_SETTINGS_SCHEMA_ID, TRUE);

  if (schema == NULL)
    {
      build_tree = g_settings_schema_source_new_from_directory (BUILD_SCHEMA_DIR, installed, FALSE, &error);
      if (build_tree != NULL)
        schema = g_settings_schema_source_lookup (build_tree, MIGRATOR_SETTINGS_SCHEMA_ID, FALSE);
    }

  if (schema == NULL)
    g_error ("The settings schema %s is not installed", MIGRATOR_SETTINGS_SCHEMA_ID);

  return g_settings_new_full (schema, NULL, NULL);
}

int
migrator_gui_run (int    argc,
                  char **argv)
{
  g_autoptr(MigratorApplication) app = migrator_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
