/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-backups-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "migrator-backup.h"
#include "migrator-backups-page.h"
#include "migrator-gui-private.h"
#include "migrator-pages-private.h"
#include "migrator-project.h"

/* One backup in the list: a GObject around MigratorBackupInfo for the
 * GListStore. */

#define MIGRATOR_TYPE_BACKUP_ITEM (migrator_backup_item_get_type ())
G_DECLARE_FINAL_TYPE (MigratorBackupItem, migrator_backup_item, MIGRATOR, BACKUP_ITEM, GObject)

struct _MigratorBackupItem
{
  GObject parent_instance;

  MigratorBackupInfo *info;
  char               *verify_error; /* quick_check failed: why */
  gboolean            verified;
};

G_DEFINE_FINAL_TYPE (MigratorBackupItem, migrator_backup_item, G_TYPE_OBJECT)

enum
{
  ITEM_PROP_0,
  ITEM_PROP_PATH,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
migrator_backup_item_finalize (GObject *object)
{
  MigratorBackupItem *self = MIGRATOR_BACKUP_ITEM (object);

  g_clear_pointer (&self->info, migrator_backup_info_unref);
  g_clear_pointer (&self->verify_error, g_free);

  G_OBJECT_CLASS (migrator_backup_item_parent_class)->finalize (object);
}

static void
migrator_backup_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MigratorBackupItem *self = MIGRATOR_BACKUP_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_PATH:
      g_value_set_string (value, self->info->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_backup_item_class_init (MigratorBackupItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_backup_item_finalize;
  object_class->get_property = migrator_backup_item_get_property;

  item_properties[ITEM_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
migrator_backup_item_init (MigratorBackupItem *self)
{
}

/* The page */

struct _MigratorBackupsPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkLabel        *folder_label;
  GtkStack        *stack;
  GtkWidget       *header_back_up_button;
  GtkSpinner      *spinner;
  GtkListBox      *list_box;

  /* Owned references */
  MigratorService *service;
  GListStore      *backups;     /* (element-type MigratorBackupItem) */
  GHashTable      *verified;    /* path -> NULL (passed) or error message */
  GCancellable    *cancellable; /* cancelled in dispose */

  gulong   busy_handler;
  gboolean loading;
  /* A refresh was asked for while one was running. */
  gboolean refresh_again;
};

G_DEFINE_FINAL_TYPE (MigratorBackupsPage, migrator_backups_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SERVICE,
  PROP_LOADING,
  N_PROPS
};

enum
{
  SIGNAL_RESTORED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

static void
show_toast (MigratorBackupsPage *self,
            const char          *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
format_backup_date (MigratorBackupInfo *info)
{
  g_autoptr(GDateTime) local = NULL;

  if (info->created == NULL)
    return g_strdup (info->name);

  local = g_date_time_to_local (info->created);
  /* Translators: date and time of a backup, in local time; see
   * https://docs.gtk.org/glib/method.DateTime.format.html */
  return g_date_time_format (local, _("%Y-%m-%d %H:%M:%S"));
}

static void
update_actions (MigratorBackupsPage *self)
{
  gboolean has_service = self->service != NULL;
  gboolean busy = has_service && migrator_service_get_busy (self->service);
  gboolean has_backups = g_list_model_get_n_items (G_LIST_MODEL (self->backups)) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.refresh", has_service);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.back-up", has_service && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.restore", has_service && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.delete", has_service && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.verify", has_service);
  /* The folder exists once it holds a backup. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backups.open-folder", has_service && has_backups);
}

static void
update_stack (MigratorBackupsPage *self)
{
  const char *page;

  if (self->service == NULL)
    page = "no-database";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->backups)) > 0)
    page = "list";
  else if (self->loading)
    page = "loading";
  else
    page = "empty";

  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->stack, page);
  /* The empty page has its own, larger button. */
  gtk_widget_set_visible (self->header_back_up_button, !g_str_equal (page, "empty"));
}

static void
set_loading (MigratorBackupsPage *self,
             gboolean             loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  update_stack (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Rows */

static GtkWidget *
create_icon_button (const char *icon_name,
                    const char *tooltip,
                    const char *accessible_label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  gtk_widget_add_css_class (button, "flat");

  return button;
}

static GtkWidget *
create_verified_widget (MigratorBackupItem *item)
{
  GtkWidget *widget;

  if (item->verified)
    {
      widget = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (widget, "success");
      gtk_widget_set_tooltip_text (widget, _("Verified again: the backup passed SQLite’s integrity check"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Verified"), -1);
    }
  else if (item->verify_error != NULL)
    {
      widget = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (widget, "error");
      gtk_widget_set_tooltip_text (widget, item->verify_error);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Damaged"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, item->verify_error, -1);
    }
  else
    {
      /* Every backup is written to a .partial file, checked with
       * quick_check, and only then given its name: a listed backup passed
       * the check when it was made (the row's subtitle says so). The
       * button checks it again. */
      widget = gtk_button_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (widget, "flat");
      gtk_widget_add_css_class (widget, "success");
      gtk_widget_set_tooltip_text (widget, _("Verified when made: the backup passed SQLite’s integrity check before it got its name. Click to check it again."));
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Verified when made; check again"), -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (widget), "backups.verify");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (widget), "s", item->info->path);
    }

  gtk_widget_set_valign (widget, GTK_ALIGN_CENTER);

  return widget;
}

static GtkWidget *
create_row (gpointer item_ptr,
            gpointer user_data)
{
  MigratorBackupItem *item = item_ptr;
  MigratorBackupInfo *info = item->info;
  g_autofree char    *date = format_backup_date (info);
  g_autofree char    *size = g_format_size (info->size);
  g_autofree char    *subtitle = NULL;
  g_autofree char    *label = NULL;
  GtkWidget          *row = adw_action_row_new ();
  GtkWidget          *button;

  if (info->revision == NULL)
    /* Translators: a backup whose file name has no revision; %s is its size */
    subtitle = g_strdup_printf (_("Unknown revision · %s"), size);
  else if (g_str_equal (info->revision, "base"))
    /* Translators: a backup of a database without revisions applied; %s is its size */
    subtitle = g_strdup_printf (_("No revisions applied · %s"), size);
  else
    /* Translators: the first %s is a revision id, the second the backup's size */
    subtitle = g_strdup_printf (_("Revision %s · %s"), info->revision, size);

  if (!item->verified && item->verify_error == NULL)
    {
      /* Translators: appended to a backup's revision and size */
      g_autofree char *made = g_strdup_printf (_("%s · verified when made"), subtitle);

      g_free (subtitle);
      subtitle = g_steal_pointer (&made);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, info->path);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("document-save-symbolic"));

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), create_verified_widget (item));

  button = gtk_button_new_with_mnemonic (_("_Restore…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  /* Translators: %s is the date of a backup */
  label = g_strdup_printf (_("Restore the backup of %s"), date);
  gtk_widget_set_tooltip_text (button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.restore");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", info->path);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  g_clear_pointer (&label, g_free);
  /* Translators: %s is the date of a backup */
  label = g_strdup_printf (_("Delete the backup of %s"), date);
  button = create_icon_button ("user-trash-symbolic", _("Delete Backup…"), label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "backups.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", info->path);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static MigratorBackupItem *
find_item (MigratorBackupsPage *self,
           const char          *path,
           guint               *position)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->backups));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(MigratorBackupItem) item = g_list_model_get_item (G_LIST_MODEL (self->backups), i);

      if (g_str_equal (item->info->path, path))
        {
          if (position != NULL)
            *position = i;
          return item;
        }
    }

  return NULL;
}

/* Listing */

static void start_refresh (MigratorBackupsPage *self);

static void
apply_verified (MigratorBackupsPage *self,
                MigratorBackupItem  *item)
{
  gpointer message;

  if (item->info->verified)
    item->verified = TRUE;
  else if (g_hash_table_lookup_extended (self->verified, item->info->path, NULL, &message))
    {
      item->verified = message == NULL;
      g_free (item->verify_error);
      item->verify_error = g_strdup (message);
    }
}

static void
list_backups_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MigratorBackupsPage) self = user_data;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  infos = migrator_service_list_backups_finish (MIGRATOR_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The service was replaced while this one listed. */
  if (MIGRATOR_SERVICE (object) != self->service)
    return;

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      start_refresh (self);
      return;
    }

  if (infos == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Could not list the backups: %s"), error->message);

      show_toast (self, title);
      infos = g_ptr_array_new ();
    }

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < infos->len; i++)
    {
      MigratorBackupItem *item = g_object_new (MIGRATOR_TYPE_BACKUP_ITEM, NULL);

      item->info = migrator_backup_info_ref (g_ptr_array_index (infos, i));
      apply_verified (self, item);
      g_ptr_array_add (items, item);
    }

  g_list_store_splice (self->backups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->backups)),
                       items->pdata, items->len);

  set_loading (self, FALSE);
  update_stack (self);
  update_actions (self);
}

static void
start_refresh (MigratorBackupsPage *self)
{
  set_loading (self, TRUE);
  migrator_service_list_backups_async (self->service, self->cancellable,
                                       list_backups_cb, g_object_ref (self));
}

void
migrator_backups_page_refresh (MigratorBackupsPage *self)
{
  g_return_if_fail (MIGRATOR_IS_BACKUPS_PAGE (self));

  if (self->service == NULL)
    return;

  /* Cancelling a listing would log a "Cancelled" line; wait for it. */
  if (self->loading)
    self->refresh_again = TRUE;
  else
    start_refresh (self);
}

/* Restore */

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MigratorBackupsPage) self = user_data;
  g_autoptr(MigratorRunResult) run = NULL;
  g_autoptr(GError) error = NULL;

  run = migrator_service_restore_finish (MIGRATOR_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (run == NULL)
    {
      /* The details are in the log, which the window shows in a dialog. */
      show_toast (self, _("The backup could not be restored; the database was not changed"));
    }
  else
    {
      g_autofree char *title = NULL;

      if (run->backup != NULL)
        {
          g_autofree char *name = g_path_get_basename (run->backup);

          /* Translators: %s is the file name of the backup made just before */
          title = g_strdup_printf (_("Backup restored. The previous database was saved as “%s”"), name);
        }
      else
        title = g_strdup (_("Backup restored"));

      show_toast (self, title);
      g_signal_emit (self, signals[SIGNAL_RESTORED], 0, run->path);
    }

  migrator_backups_page_refresh (self);
}

static void
on_restore_response_cb (AdwMessageDialog    *dialog,
                        const char          *response,
                        MigratorBackupsPage *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "backup-path");

  if (!g_str_equal (response, "restore") || self->service == NULL)
    return;

  migrator_service_restore_async (self->service, path, MIGRATOR_SERVICE_FLAGS_NONE, self->cancellable,
                                  restore_cb, g_object_ref (self));
}

static AdwMessageDialog *
create_confirmation (MigratorBackupsPage *self,
                     const char          *heading,
                     const char          *body,
                     const char          *response,
                     const char          *response_label,
                     const char          *path)
{
  GtkRoot   *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), response, response_label, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), response,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "backup-path", g_strdup (path), g_free);

  return ADW_MESSAGE_DIALOG (dialog);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (widget);
  const char          *path = g_variant_get_string (parameter, NULL);
  MigratorBackupItem  *item = find_item (self, path, NULL);
  g_autofree char     *date = item != NULL ? format_backup_date (item->info) : g_path_get_basename (path);
  g_autofree char     *body = NULL;
  AdwMessageDialog    *dialog;

  body = g_strdup_printf (_("The database is replaced by the backup of %s. "
                            "The current database is backed up first."),
                             date);
  dialog = create_confirmation (self, _("Restore this backup?"), body, "restore", _("_Restore"), path);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Delete */

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MigratorBackupsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_delete_finish (G_FILE (object), result, &error))
    {
      g_autofree char *title = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      title = g_strdup_printf (_("Could not delete the backup: %s"), error->message);
      show_toast (self, title);
    }
  else
    show_toast (self, _("Backup deleted"));

  migrator_backups_page_refresh (self);
}

static void
on_delete_response_cb (AdwMessageDialog    *dialog,
                       const char          *response,
                       MigratorBackupsPage *self)
{
  const char *path = g_object_get_data (G_OBJECT (dialog), "backup-path");
  g_autoptr(GFile) file = NULL;

  if (!g_str_equal (response, "delete"))
    return;

  file = g_file_new_for_path (path);
  g_file_delete_async (file, G_PRIORITY_DEFAULT, self->cancellable, delete_cb, g_object_ref (self));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (widget);
  const char          *path = g_variant_get_string (parameter, NULL);
  MigratorBackupItem  *item = find_item (self, path, NULL);
  g_autofree char     *date = item != NULL ? format_backup_date (item->info) : g_path_get_basename (path);
  g_autofree char     *body = NULL;
  AdwMessageDialog    *dialog;

  body = g_strdup_printf (_("The backup of %s is deleted permanently."), date);
  dialog = create_confirmation (self, _("Delete this backup?"), body, "delete", _("_Delete"), path);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Verify: quick_check reads the whole file, so it runs on a worker. */

static void
verify_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (migrator_backup_verify (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (object);
  const char          *path = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  MigratorBackupItem *item;
  guint               position;

  if (!g_task_propagate_boolean (G_TASK (result), &error) && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_hash_table_insert (self->verified, g_strdup (path), error != NULL ? g_strdup (error->message) : NULL);

  if (error != NULL)
    show_toast (self, error->message);

  item = find_item (self, path, &position);
  if (item != NULL)
    {
      g_autoptr(MigratorBackupItem) ref = g_object_ref (item);

      apply_verified (self, item);
      /* Replacing the item with itself rebuilds its row. */
      g_list_store_splice (self->backups, position, 1, (gpointer *) &item, 1);
    }
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (widget);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, verify_cb, NULL);

  g_task_set_source_tag (task, verify_action);
  g_task_set_task_data (task, g_variant_dup_string (parameter, NULL), g_free);
  g_task_run_in_thread (task, verify_worker);
}

/* Back up, open folder, refresh */

static void
backup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MigratorBackupsPage) self = user_data;
  g_autoptr(MigratorRunResult) run = NULL;
  g_autoptr(GError) error = NULL;

  run = migrator_service_backup_finish (MIGRATOR_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (run == NULL)
    show_toast (self, _("The database could not be backed up"));
  else
    {
      /* A backup is verified before it gets its name. */
      g_hash_table_insert (self->verified, g_strdup (run->path), NULL);
      show_toast (self, _("Backed up and verified"));
    }

  migrator_backups_page_refresh (self);
}

static void
back_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (widget);

  if (self->service == NULL)
    return;

  migrator_service_backup_async (self->service, NULL, self->cancellable, backup_cb, g_object_ref (self));
}

static void
launch_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MigratorBackupsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *title = g_strdup_printf (_("Could not open the backup folder: %s"), error->message);

      show_toast (self, title);
    }
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (widget);
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *uri = NULL;

  if (self->service == NULL)
    return;

  dir = migrator_project_get_backup_dir (migrator_service_get_project (self->service));
  folder = g_file_new_for_path (dir);
  uri = g_file_get_uri (folder);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));

  g_app_info_launch_default_for_uri_async (uri, context, self->cancellable, launch_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  migrator_backups_page_refresh (MIGRATOR_BACKUPS_PAGE (widget));
}

/* Service */

static void
on_busy_changed_cb (MigratorBackupsPage *self)
{
  update_actions (self);
}

static char *
dup_display_dir (MigratorService *service)
{
  g_autofree char *dir = migrator_project_get_backup_dir (migrator_service_get_project (service));
  const char      *home = g_get_home_dir ();
  gsize            home_len = strlen (home);

  if (home_len > 1 && g_str_has_prefix (dir, home) && dir[home_len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", dir + home_len, NULL);

  return g_steal_pointer (&dir);
}

void
migrator_backups_page_set_service (MigratorBackupsPage *self,
                                   MigratorService     *service)
{
  g_return_if_fail (MIGRATOR_IS_BACKUPS_PAGE (self));
  g_return_if_fail (service == NULL || MIGRATOR_IS_SERVICE (service));

  if (self->service == service)
    return;

  if (self->service != NULL)
    g_clear_signal_handler (&self->busy_handler, self->service);

  g_set_object (&self->service, service);
  g_list_store_remove_all (self->backups);
  g_hash_table_remove_all (self->verified);
  self->refresh_again = FALSE;
  set_loading (self, FALSE);

  if (service != NULL)
    {
      g_autofree char *dir = dup_display_dir (service);

      self->busy_handler = g_signal_connect_object (service, "notify::busy",
                                                    G_CALLBACK (on_busy_changed_cb),
                                                    self, G_CONNECT_SWAPPED);
      gtk_label_set_label (self->folder_label, dir);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_label), dir);
      start_refresh (self);
    }
  else
    {
      gtk_label_set_label (self->folder_label, "");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->folder_label), NULL);
    }

  update_stack (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}

/* GObject */

static void
migrator_backups_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (migrator_backups_page_parent_class)->map (widget);

  /* Upgrades elsewhere in the window make backups too. */
  migrator_backups_page_refresh (MIGRATOR_BACKUPS_PAGE (widget));
}

static void
migrator_backups_page_dispose (GObject *object)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    g_clear_signal_handler (&self->busy_handler, self->service);
  g_clear_object (&self->service);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_BACKUPS_PAGE);

  G_OBJECT_CLASS (migrator_backups_page_parent_class)->dispose (object);
}

static void
migrator_backups_page_finalize (GObject *object)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (object);

  g_clear_object (&self->backups);
  g_clear_pointer (&self->verified, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (migrator_backups_page_parent_class)->finalize (object);
}

static void
migrator_backups_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_backups_page_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  MigratorBackupsPage *self = MIGRATOR_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      migrator_backups_page_set_service (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_backups_page_class_init (MigratorBackupsPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_backups_page_dispose;
  object_class->finalize = migrator_backups_page_finalize;
  object_class->get_property = migrator_backups_page_get_property;
  object_class->set_property = migrator_backups_page_set_property;
  widget_class->map = migrator_backups_page_map;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, MIGRATOR_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESTORED] =
    g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  migrator_gui_ensure_resources ();
  migrator_pages_ensure_style ();

  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-backups-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorbackupspage");

  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, folder_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, header_back_up_button);
  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorBackupsPage, list_box);

  gtk_widget_class_install_action (widget_class, "backups.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "backups.back-up", NULL, back_up_action);
  gtk_widget_class_install_action (widget_class, "backups.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", restore_action);
  gtk_widget_class_install_action (widget_class, "backups.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "backups.verify", "s", verify_action);
}

static void
migrator_backups_page_init (MigratorBackupsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->backups = g_list_store_new (MIGRATOR_TYPE_BACKUP_ITEM);
  self->verified = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->backups), create_row, NULL, NULL);

  update_stack (self);
  update_actions (self);
}

GtkWidget *
migrator_backups_page_new (void)
{
  return g_object_new (MIGRATOR_TYPE_BACKUPS_PAGE, NULL);
}

MigratorService *
migrator_backups_page_get_service (MigratorBackupsPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_BACKUPS_PAGE (self), NULL);

  return self->service;
}

GListModel *
migrator_backups_page_get_backups (MigratorBackupsPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_BACKUPS_PAGE (self), NULL);

  return G_LIST_MODEL (self->backups);
}

gboolean
migrator_backups_page_get_loading (MigratorBackupsPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_BACKUPS_PAGE (self), FALSE);

  return self->loading;
}
