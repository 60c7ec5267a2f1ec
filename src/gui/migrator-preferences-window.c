/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-config.h"
#include "migrator-gui-private.h"
#include "migrator-preferences-window.h"

/* Dragging a spin button writes migrator.json once, when it settles. */
#define SAVE_DELAY_MS 300

struct _MigratorPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  GtkSwitch           *confirm_downgrade_switch;
  AdwPreferencesGroup *project_group;
  GtkSwitch           *project_backup_switch;
  GtkSpinButton       *keep_spin;
  AdwComboRow         *transaction_row;
  GtkSpinButton       *lock_spin;

  /* Owned references */
  GSettings           *settings;
  MigratorProject     *project;
  guint                save_source;
  guint                n_saving;
  gboolean             updating;
};

G_DEFINE_FINAL_TYPE (MigratorPreferencesWindow, migrator_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
save_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MigratorConfig *config = task_data;
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  GError *error = NULL;

  if (migrator_config_save (config, path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
save_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MigratorPreferencesWindow *self = MIGRATOR_PREFERENCES_WINDOW (source);
  g_autoptr(GError) error = NULL;

  self->n_saving--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (escaped));
    }
}

static void
save_now (MigratorPreferencesWindow *self)
{
  g_autoptr(GTask) task = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->project == NULL)
    return;

  self->n_saving++;
  task = g_task_new (self, NULL, save_ready_cb, NULL);
  g_task_set_source_tag (task, save_now);
  g_task_set_task_data (task, migrator_config_copy (migrator_project_get_config (self->project)),
                        (GDestroyNotify) migrator_config_free);
  g_object_set_data_full (G_OBJECT (task), "path",
                          g_build_filename (migrator_project_get_dir (self->project), "migrator.json", NULL),
                          g_free);
  g_task_run_in_thread (task, save_worker);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  MigratorPreferencesWindow *self = user_data;

  self->save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
project_setting_changed_cb (MigratorPreferencesWindow *self)
{
  MigratorConfig *config;

  if (self->updating || self->project == NULL)
    return;

  /* The service reads the same struct for its next operation. */
  config = migrator_project_get_config (self->project);
  config->backup_enabled = gtk_switch_get_active (self->project_backup_switch);
  config->backup_keep = (guint) gtk_spin_button_get_value_as_int (self->keep_spin);
  config->transaction = adw_combo_row_get_selected (self->transaction_row) == 1 ? MIGRATOR_TRANSACTION_PER_REVISION
                                                                               : MIGRATOR_TRANSACTION_ALL;
  config->lock_timeout_ms = gtk_spin_button_get_value_as_int (self->lock_spin);

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static gboolean
migrator_preferences_window_close_request (GtkWindow *window)
{
  MigratorPreferencesWindow *self = MIGRATOR_PREFERENCES_WINDOW (window);

  if (self->save_source != 0)
    save_now (self);

  return GTK_WINDOW_CLASS (migrator_preferences_window_parent_class)->close_request (window);
}

static void
migrator_preferences_window_dispose (GObject *object)
{
  MigratorPreferencesWindow *self = MIGRATOR_PREFERENCES_WINDOW (object);

  if (self->save_source != 0)
    save_now (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), MIGRATOR_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (migrator_preferences_window_parent_class)->dispose (object);
}

static void
migrator_preferences_window_finalize (GObject *object)
{
  MigratorPreferencesWindow *self = MIGRATOR_PREFERENCES_WINDOW (object);

  g_clear_object (&self->project);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (migrator_preferences_window_parent_class)->finalize (object);
}

static void
migrator_preferences_window_class_init (MigratorPreferencesWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = migrator_preferences_window_dispose;
  object_class->finalize = migrator_preferences_window_finalize;
  window_class->close_request = migrator_preferences_window_close_request;

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, confirm_downgrade_switch);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, project_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, project_backup_switch);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, keep_spin);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, transaction_row);
  gtk_widget_class_bind_template_child (widget_class, MigratorPreferencesWindow, lock_spin);
  gtk_widget_class_bind_template_callback (widget_class, project_setting_changed_cb);
}

static void
migrator_preferences_window_init (MigratorPreferencesWindow *self)
{
  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->updating = FALSE;

  self->settings = migrator_gui_settings_new ();
  g_settings_bind (self->settings, "confirm-before-downgrade",
                   self->confirm_downgrade_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  gtk_widget_set_visible (GTK_WIDGET (self->project_group), FALSE);
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

void
migrator_preferences_window_set_project (MigratorPreferencesWindow *self,
                                         MigratorProject           *project)
{
  MigratorConfig *config;

  g_return_if_fail (MIGRATOR_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (project == NULL || MIGRATOR_IS_PROJECT (project));

  if (self->save_source != 0)
    save_now (self);
  g_set_object (&self->project, project);
  gtk_widget_set_visible (GTK_WIDGET (self->project_group), project != NULL);
  if (project == NULL)
    return;

  config = migrator_project_get_config (project);
  self->updating = TRUE;
  gtk_switch_set_active (self->project_backup_switch, config->backup_enabled);
  gtk_spin_button_set_value (self->keep_spin, config->backup_keep);
  adw_combo_row_set_selected (self->transaction_row,
                              config->transaction == MIGRATOR_TRANSACTION_PER_REVISION ? 1 : 0);
  gtk_spin_button_set_value (self->lock_spin, (double) config->lock_timeout_ms);
  self->updating = FALSE;
}

gboolean
migrator_preferences_window_get_saving (MigratorPreferencesWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->save_source != 0 || self->n_saving > 0;
}
