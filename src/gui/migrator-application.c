/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-application"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-application.h"
#include "migrator-gui-private.h"
#include "migrator-preferences-window.h"
#include "migrator-window.h"

struct _MigratorApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (MigratorApplication, migrator_application, ADW_TYPE_APPLICATION)

static MigratorWindow *
get_empty_or_new_window (MigratorApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (MIGRATOR_IS_WINDOW (active) && migrator_window_get_file (MIGRATOR_WINDOW (active)) == NULL)
    return MIGRATOR_WINDOW (active);

  return migrator_window_new (GTK_APPLICATION (self));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MigratorApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing (rather than destroying) lets each window save its state. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  MigratorApplication       *self = user_data;
  GtkWindow                 *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  MigratorPreferencesWindow *preferences;

  /* The window shows its project's settings too. */
  if (MIGRATOR_IS_WINDOW (parent))
    {
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.preferences", NULL);
      return;
    }

  preferences = migrator_preferences_window_new (parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  MigratorApplication *self = user_data;
  GtkWindow           *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget           *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("Migrator"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Migrator developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Upgrade, downgrade and inspect SQLite database schemas"),
                        "website", "https://github.com/migrator/migrator",
                        "issue-url", "https://github.com/migrator/migrator/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© 2026 The Migrator developers"),
                        /* Translators: Replace "translator-credits" with your names, one name per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
};

static void
migrator_application_startup (GApplication *application)
{
  MigratorApplication *self = MIGRATOR_APPLICATION (application);
  static const struct
  {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  migrator_gui_ensure_resources ();

  G_APPLICATION_CLASS (migrator_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
migrator_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (migrator_window_new (GTK_APPLICATION (application)));

  gtk_window_present (window);
}

static void
migrator_application_open (GApplication *application,
                           GFile       **files,
                           int           n_files,
                           const char   *hint)
{
  MigratorApplication *self = MIGRATOR_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      MigratorWindow *window = get_empty_or_new_window (self);

      /* A path that cannot be opened is reported inside the window. */
      migrator_window_open (window, files[i], NULL);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
migrator_application_class_init (MigratorApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = migrator_application_startup;
  app_class->activate = migrator_application_activate;
  app_class->open = migrator_application_open;
}

static void
migrator_application_init (MigratorApplication *self)
{
}

MigratorApplication *
migrator_application_new (void)
{
  return g_object_new (MIGRATOR_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* Shared by both profiles: templates, style.css, the
                        * shortcuts window and the icons live here. */
                       "resource-base-path", MIGRATOR_RESOURCE_PATH,
                       NULL);
}
