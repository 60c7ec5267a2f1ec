/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-config.h"
#include "migrator-error.h"
#include "migrator-gui-private.h"
#include "migrator-preferences-window.h"
#include "migrator-runner.h"
#include "migrator-window-private.h"

/* Opening */

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
show_chooser (MigratorWindow       *self,
              const char           *title,
              GtkFileChooserAction  action)
{
  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) databases = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (databases, _("SQLite Databases"));
      gtk_file_filter_add_pattern (databases, "*.db");
      gtk_file_filter_add_pattern (databases, "*.sqlite");
      gtk_file_filter_add_pattern (databases, "*.sqlite3");
      gtk_file_filter_add_mime_type (databases, "application/vnd.sqlite3");
      gtk_file_filter_set_name (all, _("All Files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), databases);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
    }

  if (self->file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (self->file);

      if (parent != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), parent, NULL);
    }

  g_signal_connect (self->chooser, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  show_chooser (MIGRATOR_WINDOW (widget), _("Open Project"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
open_database_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  show_chooser (MIGRATOR_WINDOW (widget), _("Open Database"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  migrator_window_open (MIGRATOR_WINDOW (widget), file, NULL);
}

/* Operations through the service */

/* Whether to back up first is the project's backup.enabled, which the
 * service reads, as the command line does: there is no app-wide switch. */
static MigratorServiceFlags
service_flags (MigratorWindow *self)
{
  return MIGRATOR_SERVICE_FLAGS_NONE;
}

static void
operation_finished (MigratorWindow *self)
{
  migrator_backups_page_refresh (self->backups_page);
  migrator_schema_page_reload (self->schema_page);
  _migrator_window_refresh (self);
}

static gboolean
report_failure (MigratorWindow *self,
                const char     *heading,
                const GError   *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _migrator_window_toast (self, _("Cancelled: the database is as it was"), NULL);
  else
    _migrator_window_show_error (self, heading, error);

  operation_finished (self);
  return FALSE;
}

static void
upgrade_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  g_autoptr(MigratorRunResult) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *message = NULL;

  run = migrator_service_upgrade_finish (MIGRATOR_SERVICE (source), result, &error);
  if (self == NULL || MIGRATOR_SERVICE (source) != self->service)
    return;

  if (run == NULL)
    {
      report_failure (self, _("Upgrade Failed"), error);
      return;
    }

  if (run->applied == NULL || run->applied->len == 0)
    {
      _migrator_window_toast (self, _("Already up to date"), NULL);
      operation_finished (self);
      return;
    }

  g_strfreev (self->last_upgrade_from);
  self->last_upgrade_from = g_strdupv (run->from);
  g_free (self->last_upgrade_backup);
  self->last_upgrade_backup = g_strdup (run->backup);

  to = run->to && run->to[0] ? g_strjoinv (", ", run->to) : g_strdup ("base");
  /* Translators: %s is the revision (or revisions) the database is at now */
  message = g_strdup_printf (_("Upgraded to %s"), to);
  _migrator_window_toast (self, message, "win.rollback");
  operation_finished (self);
}

void
_migrator_window_upgrade (MigratorWindow *self,
                          const char     *target)
{
  if (self->service == NULL || _migrator_window_get_busy (self))
    return;

  migrator_service_upgrade_async (self->service, target, service_flags (self), self->cancellable,
                                  upgrade_ready_cb, _migrator_weak_ref_new (self));
}

static void
downgrade_ready_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  g_autoptr(MigratorRunResult) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *message = NULL;

  run = migrator_service_downgrade_finish (MIGRATOR_SERVICE (source), result, &error);
  if (self == NULL || MIGRATOR_SERVICE (source) != self->service)
    return;

  if (run == NULL)
    {
      g_clear_pointer (&self->pending_downgrades, g_strfreev);
      report_failure (self, _("Downgrade Failed"), error);
      return;
    }

  /* A rollback to several rows runs one downgrade per row. */
  if (self->pending_downgrades != NULL && self->pending_downgrades[0] != NULL)
    {
      g_auto(GStrv) rest = g_steal_pointer (&self->pending_downgrades);

      self->pending_downgrades = g_strdupv (rest + 1);
      migrator_service_downgrade_async (self->service, rest[0], service_flags (self), self->cancellable,
                                        downgrade_ready_cb, _migrator_weak_ref_new (self));
      return;
    }
  g_clear_pointer (&self->pending_downgrades, g_strfreev);

  /* What the session's Roll back would undo is gone. */
  g_clear_pointer (&self->last_upgrade_from, g_strfreev);
  g_clear_pointer (&self->last_upgrade_backup, g_free);

  to = run->to && run->to[0] ? g_strjoinv (", ", run->to) : g_strdup ("base");
  /* Translators: %s is the revision (or revisions) the database is at now */
  message = g_strdup_printf (_("Rolled back to %s"), to);
  _migrator_window_toast (self, message, NULL);
  operation_finished (self);
}

static void
restore_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  g_autoptr(MigratorRunResult) run = NULL;
  g_autoptr(GError) error = NULL;

  run = migrator_service_restore_finish (MIGRATOR_SERVICE (source), result, &error);
  if (self == NULL || MIGRATOR_SERVICE (source) != self->service)
    return;

  if (run == NULL)
    {
      report_failure (self, _("Restore Failed"), error);
      return;
    }

  g_clear_pointer (&self->last_upgrade_from, g_strfreev);
  g_clear_pointer (&self->last_upgrade_backup, g_free);
  _migrator_window_toast (self, _("Backup restored"), NULL);
  operation_finished (self);
}

/* Downgrades: planned on a worker thread (the history and the version
 * rows are read from the database), confirmed on the main thread. */

typedef struct
{
  /* in */
  MigratorGraph *graph;
  char          *database_path;
  char          *version_table;
  char          *history_table;
  gint64         lock_timeout_ms;
  char          *target;         /* NULL: roll back the last upgrade */
  char         **session_from;
  char          *session_backup;
  /* out */
  char          *resolved_target;  /* what the dialog names */
  char          *targets;          /* the downgrades to run, one per line */
  guint          n_steps;
  char          *irreversible;   /* the first revision in the way without a downgrade */
  char          *backup;         /* the backup taken before it (or before the upgrade) */
  GPtrArray     *losses;
} DowngradePlan;

static void
downgrade_plan_free (DowngradePlan *plan)
{
  g_clear_object (&plan->graph);
  g_free (plan->database_path);
  g_free (plan->version_table);
  g_free (plan->history_table);
  g_free (plan->target);
  g_strfreev (plan->session_from);
  g_free (plan->session_backup);
  g_free (plan->resolved_target);
  g_free (plan->targets);
  g_free (plan->irreversible);
  g_free (plan->backup);
  g_clear_pointer (&plan->losses, g_ptr_array_unref);
  g_free (plan);
}

static void
plan_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DowngradePlan *plan = task_data;
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) from = NULL;
  g_autofree char *run_backup = NULL;
  GError *error = NULL;

  db = migrator_database_open (plan->database_path, plan->version_table, plan->history_table,
                               plan->lock_timeout_ms, FALSE, &error);
  if (db == NULL || (current = migrator_database_read_versions (db, &error)) == NULL ||
      (history = migrator_database_list_history (db, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (plan->target != NULL)
    {
      MigratorPlan *one = migrator_graph_plan (plan->graph, (const char *const *) current, plan->target,
                                               MIGRATOR_DIRECTION_DOWNGRADE, &error);

      if (one == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      plans = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_plan_free);
      g_ptr_array_add (plans, one);
      plan->resolved_target = g_strdup (plan->target);
      plan->targets = g_strdup (plan->target);
    }
  else
    {
      g_auto(GStrv) targets = NULL;

      if (plan->session_from != NULL)
        {
          from = g_strdupv (plan->session_from);
          run_backup = g_strdup (plan->session_backup);
        }
      else if (!migrator_rollback_find_last_upgrade (plan->graph, history, &from, &run_backup))
        {
          g_task_return_new_error (task, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                                   _("There is no upgrade to roll back: the database's history has none since its last downgrade, stamp or restore"));
          return;
        }

      /* Back to exactly the rows the upgrade started from, all of them. */
      plans = migrator_rollback_plan (plan->graph, (const char *const *) current, (const char *const *) from,
                                      &targets, &error);
      if (plans == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      plan->resolved_target = from[0] ? g_strjoinv (", ", from) : g_strdup ("base");
      plan->targets = g_strjoinv ("\n", targets);
    }

  plan->losses = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < plans->len && plan->irreversible == NULL; p++)
    {
      MigratorPlan *steps = plans->pdata[p];

      plan->n_steps += steps->steps->len;
      for (guint i = 0; i < steps->steps->len; i++)
        {
          MigratorPlanStep *step = steps->steps->pdata[i];
          g_autoptr(GPtrArray) losses = NULL;

          if (!migrator_revision_is_reversible (step->revision))
            {
              const char *id = migrator_revision_get_id (step->revision);

              plan->irreversible = g_strdup (id);
              plan->backup = migrator_runner_find_backup_before (db, id);
              if (plan->backup == NULL)
                plan->backup = g_steal_pointer (&run_backup);
              break;
            }

          losses = migrator_revision_downgrade_losses (step->revision);
          for (guint j = 0; j < losses->len; j++)
            g_ptr_array_add (plan->losses, g_strdup (losses->pdata[j]));
        }
    }

  g_task_return_boolean (task, TRUE);
}

/* @targets: one per line, run in turn. */
static void
run_downgrade (MigratorWindow *self,
               const char     *targets)
{
  g_auto(GStrv) list = g_strsplit (targets, "\n", -1);

  g_clear_pointer (&self->pending_downgrades, g_strfreev);
  self->pending_downgrades = g_strdupv (list + 1);
  migrator_service_downgrade_async (self->service, list[0], service_flags (self), self->cancellable,
                                    downgrade_ready_cb, _migrator_weak_ref_new (self));
}

static void
run_restore (MigratorWindow *self,
             const char     *backup)
{
  migrator_service_restore_async (self->service, backup, service_flags (self), self->cancellable,
                                  restore_ready_cb, _migrator_weak_ref_new (self));
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  /* Also emitted with "cancel" when the dialog closes after a response. */
  g_autoptr(MigratorWindow) self = g_weak_ref_get (user_data);
  const char *argument = g_object_get_data (G_OBJECT (dialog), "argument");

  if (self == NULL || self->service == NULL || _migrator_window_get_busy (self))
    return;

  if (g_str_equal (response, "downgrade"))
    run_downgrade (self, argument);
  else if (g_str_equal (response, "restore"))
    run_restore (self, argument);
}

static void
weak_ref_closure_free (gpointer  data,
                       GClosure *closure)
{
  _migrator_weak_ref_free (data);
}

static GtkWidget *
new_confirm_dialog (MigratorWindow *self,
                    const char     *heading,
                    const char     *body,
                    const char     *response,
                    const char     *label,
                    gboolean        destructive,
                    const char     *argument)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    response, label,
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response,
                                              destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), destructive ? "cancel" : response);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "argument", g_strdup (argument), g_free);
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb),
                         _migrator_weak_ref_new (self), weak_ref_closure_free, 0);
  return dialog;
}

static void
offer_restore (MigratorWindow *self,
               DowngradePlan  *plan)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (plan->backup == NULL || !g_file_test (plan->backup, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;

      g_set_error (&error, MIGRATOR_ERROR, MIGRATOR_ERROR_IRREVERSIBLE,
                   /* Translators: %s is a revision id */
                   _("Revision %s has no downgrade section, and no backup taken before it was found"),
                   plan->irreversible);
      _migrator_window_show_error (self, _("Cannot Roll Back"), error);
      return;
    }

  /* Translators: the first %s is a revision id, the second a backup file */
  body = g_strdup_printf (_("Revision %s has no downgrade section, so it cannot be undone by SQL. "
                            "Restore the backup taken before it instead?\n\n%s\n\n"
                            "The current database is backed up first."),
                          plan->irreversible, plan->backup);
  dialog = new_confirm_dialog (self, _("Restore the Backup?"), body, "restore", _("_Restore Backup"),
                               FALSE, plan->backup);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
plan_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  DowngradePlan *plan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean rollback = plan->target == NULL;
  gboolean confirm;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self == NULL || g_task_get_cancellable (G_TASK (result)) != self->cancellable ||
      self->service == NULL || _migrator_window_get_busy (self))
    return;

  if (error != NULL)
    {
      _migrator_window_show_error (self, rollback ? _("Cannot Roll Back") : _("Cannot Downgrade"), error);
      return;
    }

  if (plan->n_steps == 0)
    {
      _migrator_window_toast (self, _("Nothing to undo: the database is already there"), NULL);
      return;
    }

  if (plan->irreversible != NULL)
    {
      offer_restore (self, plan);
      return;
    }

  /* Rolling back the last upgrade is one click unless it loses data; a
   * downgrade to a chosen revision asks as the preferences say. */
  confirm = plan->losses->len > 0 ||
            (!rollback && g_settings_get_boolean (self->settings, "confirm-before-downgrade"));
  if (!confirm)
    {
      run_downgrade (self, plan->targets);
      return;
    }

  {
    g_autoptr(GString) body = g_string_new (NULL);
    g_autofree char *heading = NULL;
    GtkWidget *dialog;

    /* Translators: %s is a revision id, several separated by commas, or "base" */
    heading = g_strdup_printf (rollback ? _("Roll Back to %s?") : _("Downgrade to %s?"), plan->resolved_target);
    g_string_append_printf (body,
                            g_dngettext (GETTEXT_PACKAGE, "%u revision will be undone.",
                                         "%u revisions will be undone.", plan->n_steps),
                            plan->n_steps);
    if (plan->losses->len > 0)
      {
        g_string_append (body, " ");
        g_string_append (body, _("Data in these tables or columns will be lost:"));
        g_string_append (body, "\n");
        for (guint i = 0; i < plan->losses->len; i++)
          g_string_append_printf (body, "\n• %s", (char *) plan->losses->pdata[i]);
        g_string_append (body, "\n\n");
        g_string_append (body, _("A backup is taken first, so it can be restored."));
      }

    dialog = new_confirm_dialog (self, heading, body->str, "downgrade",
                                 rollback ? _("_Roll Back") : _("_Downgrade"),
                                 plan->losses->len > 0, plan->targets);
    gtk_window_present (GTK_WINDOW (dialog));
  }
}

void
_migrator_window_downgrade (MigratorWindow *self,
                            const char     *target,
                            gboolean        rollback)
{
  MigratorConfig *config;
  g_autoptr(GTask) task = NULL;
  DowngradePlan *plan;

  if (self->service == NULL || _migrator_window_get_busy (self))
    return;

  config = migrator_project_get_config (self->project);
  plan = g_new0 (DowngradePlan, 1);
  plan->graph = g_object_ref (migrator_project_get_graph (self->project));
  plan->database_path = g_strdup (self->database_path);
  plan->version_table = g_strdup (config->version_table);
  plan->history_table = g_strdup (config->history_table);
  plan->lock_timeout_ms = config->lock_timeout_ms;
  plan->target = rollback ? NULL : g_strdup (target);
  plan->session_from = g_strdupv (self->last_upgrade_from);
  plan->session_backup = g_strdup (self->last_upgrade_backup);

  task = g_task_new (NULL, self->cancellable, plan_ready_cb, _migrator_weak_ref_new (self));
  g_task_set_source_tag (task, _migrator_window_downgrade);
  g_task_set_task_data (task, plan, (GDestroyNotify) downgrade_plan_free);
  g_task_run_in_thread (task, plan_worker);
}

/* Actions */

static void
upgrade_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _migrator_window_upgrade (MIGRATOR_WINDOW (widget), "heads");
}

static void
upgrade_to_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  _migrator_window_upgrade (MIGRATOR_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
downgrade_to_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  _migrator_window_downgrade (MIGRATOR_WINDOW (widget), g_variant_get_string (parameter, NULL), FALSE);
}

static void
rollback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  _migrator_window_downgrade (MIGRATOR_WINDOW (widget), NULL, TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);

  if (self->service != NULL)
    migrator_service_cancel (self->service);
}

static void
copy_id_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autofree char *message = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), id);
  /* Translators: %s is a revision id */
  message = g_strdup_printf (_("Copied “%s”"), id);
  _migrator_window_toast (self, message, NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);

  if (self->file != NULL)
    migrator_revision_list_focus_search (self->revision_list);
}

static void
show_backups_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "backups");
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);

  if (self->file != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MigratorWindow *self = MIGRATOR_WINDOW (widget);
  MigratorPreferencesWindow *preferences = migrator_preferences_window_new (GTK_WINDOW (self));

  migrator_preferences_window_set_project (preferences, self->project);
  gtk_window_present (GTK_WINDOW (preferences));
}

void
_migrator_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-database", NULL, open_database_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.upgrade", NULL, upgrade_action);
  gtk_widget_class_install_action (widget_class, "win.upgrade-to", "s", upgrade_to_action);
  gtk_widget_class_install_action (widget_class, "win.downgrade-to", "s", downgrade_to_action);
  gtk_widget_class_install_action (widget_class, "win.rollback", NULL, rollback_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.copy-id", "s", copy_id_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-backups", NULL, show_backups_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.open-database", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "win.upgrade", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.rollback", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK, "win.show-backups", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-page", "s", "revision");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-page", "s", "schema");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-page", "s", "log");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.show-page", "s", "backups");
}
