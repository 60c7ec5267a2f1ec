/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-window"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-gui-private.h"
#include "migrator-window.h"

#define MAX_RECENT_PROJECTS 10

struct _MigratorWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle  *window_title;
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *project_page;

  /* Owned references */
  GSettings            *settings;
  GFile                *file;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (MigratorWindow, migrator_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "~/…" for paths in the home folder, as the file chooser shows them. */
static char *
dup_display_path (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  const char      *home = g_get_home_dir ();
  gsize            home_len = strlen (home);

  if (path == NULL)
    return g_file_get_parse_name (file);

  if (home_len > 1 && g_str_has_prefix (path, home) && path[home_len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + home_len, NULL);

  return g_steal_pointer (&path);
}

static void
show_file (MigratorWindow *self,
           GFileType       file_type)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autofree char *path = dup_display_path (self->file);
  g_autofree char *escaped = g_markup_escape_text (path, -1);
  g_autofree char *title = NULL;

  /* Translators: the window title: a project folder or database name, then the application name */
  title = g_strdup_printf (_("%s — Migrator"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, path);

  adw_status_page_set_icon_name (self->project_page,
                                 file_type == G_FILE_TYPE_DIRECTORY ? "folder-symbolic"
                                                                    : "io.github.migrator.Migrator-symbolic");
  adw_status_page_set_title (self->project_page, name);
  adw_status_page_set_description (self->project_page, escaped);
  gtk_stack_set_visible_child_name (self->stack, "project");
}

static void
remember_recent (MigratorWindow *self)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_auto(GStrv) previous = NULL;
  g_auto(GStrv) recent = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  guint n = 1;

  if (path == NULL)
    return;

  previous = g_settings_get_strv (self->settings, "recent-projects");
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, path);
  for (guint i = 0; previous[i] != NULL && n < MAX_RECENT_PROJECTS; i++)
    {
      if (g_str_equal (previous[i], path))
        continue;
      g_strv_builder_add (builder, previous[i]);
      n++;
    }

  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-projects", (const char *const *) recent);
}

static void
show_open_error (MigratorWindow *self,
                 GFile          *file,
                 const GError   *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;

  /* Translators: the first %s is a file or folder name, the second the reason */
  message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
  escaped = g_markup_escape_text (message, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}

static void
open_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  MigratorWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        migrator_window_open (self, file, NULL);
    }

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Open Project"),
                                                  GTK_WINDOW (self),
                                                  GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                  _("_Open"),
                                                     _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }

  g_signal_connect (self->chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static gboolean
migrator_window_close_request (GtkWindow *window)
{
  MigratorWindow *self = MIGRATOR_WINDOW (window);
  int             width, height;

  gtk_window_get_default_size (window, &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (migrator_window_parent_class)->close_request (window);
}

static void
migrator_window_dispose (GObject *object)
{
  MigratorWindow *self = MIGRATOR_WINDOW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_WINDOW);

  G_OBJECT_CLASS (migrator_window_parent_class)->dispose (object);
}

static void
migrator_window_finalize (GObject *object)
{
  MigratorWindow *self = MIGRATOR_WINDOW (object);

  g_clear_object (&self->file);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (migrator_window_parent_class)->finalize (object);
}

static void
migrator_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MigratorWindow *self = MIGRATOR_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_window_class_init (MigratorWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = migrator_window_dispose;
  object_class->finalize = migrator_window_finalize;
  object_class->get_property = migrator_window_get_property;

  window_class->close_request = migrator_window_close_request;

  /**
   * MigratorWindow:file:
   *
   * The project folder or database file shown, or %NULL.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, project_page);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
}

static void
migrator_window_init (MigratorWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = migrator_gui_settings_new ();
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

MigratorWindow *
migrator_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (MIGRATOR_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

GFile *
migrator_window_get_file (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), NULL);

  return self->file;
}

gboolean
migrator_window_open (MigratorWindow *self,
                      GFile          *file,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  GFileType file_type;

  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  file_type = g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL);
  if (file_type == G_FILE_TYPE_UNKNOWN)
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("No such file or folder"));
  else if (file_type != G_FILE_TYPE_DIRECTORY && file_type != G_FILE_TYPE_REGULAR)
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Not a project folder or a database file"));

  if (local_error != NULL)
    {
      show_open_error (self, file, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_set_object (&self->file, file))
    {
      remember_recent (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }

  show_file (self, file_type);
  return TRUE;
}
