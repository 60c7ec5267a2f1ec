/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-gui-private.h"
#include "migrator-preferences-window.h"

struct _MigratorPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  GtkSwitch *confirm_downgrade_switch;
  GtkSwitch *backup_switch;

  /* Owned references */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (MigratorPreferencesWindow, migrator_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
migrator_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), MIGRATOR_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (migrator_preferences_window_parent_class)->dispose (object);
}

static void
migrator_preferences_window_finalize (GObject *object)
{
  MigratorPreferencesWindow *self = MIGRATOR_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (migrator_preferences_window_parent_class)->finalize (object);
}

static void
migrator_preferences_window_class_init (MigratorPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_preferences_window_dispose;
  object_class->finalize = migrator_preferences_window_finalize;

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, confirm_downgrade_switch);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, backup_switch);
}

static void
migrator_preferences_window_init (MigratorPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = migrator_gui_settings_new ();
  g_settings_bind (self->settings, "confirm-before-downgrade",
                   self->confirm_downgrade_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "default-backup",
                   self->backup_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}

MigratorPreferencesWindow *
migrator_preferences_window_new (GtkWindow *parent)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return g_object_new (MIGRATOR_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "modal", parent != NULL,
                       NULL);
}
