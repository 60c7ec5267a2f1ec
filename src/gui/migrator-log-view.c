/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-log-view"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "migrator-gui-private.h"
#include "migrator-log-view.h"
#include "migrator-pages-private.h"

struct _MigratorLogView
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toast_overlay;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *level_dropdown;
  GtkStack            *stack;
  GtkScrolledWindow   *scrolled_window;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *time_column;
  GtkColumnViewColumn *level_column;
  GtkColumnViewColumn *message_column;

  /* Owned references */
  MigratorLogModel     *model;
  GtkCustomFilter      *filter;
  GtkFilterListModel   *filtered;
  MigratorService      *service;
  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;
  char                 *search;

  MigratorLogLevel min_level;
  gulong           log_handler;
  /* Follow new lines while the view is scrolled to the end. */
  gboolean stick_to_bottom;
};

G_DEFINE_FINAL_TYPE (MigratorLogView, migrator_log_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_ERROR_LOGGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  MigratorLogView *self = user_data;

  return migrator_log_entry_matches (item, self->min_level, self->search);
}

static void
update_state (MigratorLogView *self)
{
  guint n_lines = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint n_visible = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (n_lines == 0)
    gtk_stack_set_visible_child_name (self->stack, "empty");
  else if (n_visible == 0)
    gtk_stack_set_visible_child_name (self->stack, "no-match");
  else
    gtk_stack_set_visible_child_name (self->stack, "lines");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.copy", n_visible > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.export", n_visible > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log.clear", n_lines > 0);
}

static void
on_model_items_changed_cb (MigratorLogView *self,
                           guint            position,
                           guint            removed,
                           guint            added,
                           GListModel      *model)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(MigratorLogEntry) entry = g_list_model_get_item (model, i);

      if (migrator_log_entry_get_level (entry) == MIGRATOR_LOG_LEVEL_ERROR)
        g_signal_emit (self, signals[SIGNAL_ERROR_LOGGED], 0, migrator_log_entry_get_message (entry));
    }
}

static void
on_filtered_items_changed_cb (MigratorLogView *self)
{
  update_state (self);
}

static void
refilter (MigratorLogView *self,
          GtkFilterChange  change)
{
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_state (self);
}

static void
on_search_changed_cb (MigratorLogView *self,
                      GtkSearchEntry  *entry)
{
  const char     *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (text, self->search) == 0)
    return;

  /* Typing more letters can only hide lines: the filter model then only
   * re-checks the lines that are still shown. */
  if (self->search != NULL && g_str_has_prefix (text, self->search))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (g_str_has_prefix (self->search != NULL ? self->search : "", text))
    change = GTK_FILTER_CHANGE_LESS_STRICT;

  g_free (self->search);
  self->search = g_strdup (text);
  refilter (self, change);
}

static void
on_level_changed_cb (MigratorLogView *self)
{
  guint            selected = gtk_drop_down_get_selected (self->level_dropdown);
  GtkFilterChange  change;
  MigratorLogLevel level;

  if (selected == GTK_INVALID_LIST_POSITION)
    return;

  /* The drop-down's items are the levels in order, from "All" (debug). */
  level = (MigratorLogLevel) MIN (selected, MIGRATOR_LOG_LEVEL_ERROR);
  if (level == self->min_level)
    return;

  change = level > self->min_level ? GTK_FILTER_CHANGE_MORE_STRICT : GTK_FILTER_CHANGE_LESS_STRICT;
  self->min_level = level;
  refilter (self, change);
}

/* Scrolling: while the end is shown, new lines scroll into view. */

static void
on_vadjustment_value_changed_cb (MigratorLogView *self,
                                 GtkAdjustment   *adjustment)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >= bottom - 1.0;
}

static void
on_vadjustment_upper_changed_cb (MigratorLogView *self,
                                 GParamSpec      *pspec,
                                 GtkAdjustment   *adjustment)
{
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment,
                              gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

/* Cells */

static void
setup_label_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  gboolean   is_message = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_yalign (GTK_LABEL (label), 0.0);
  if (is_message)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  else
    {
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "dim-label");
    }

  gtk_list_item_set_child (list_item, label);
}

static void
bind_time_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  MigratorLogEntry *entry = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       migrator_log_entry_get_time_text (entry));
}

static void
bind_message_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  MigratorLogEntry *entry = gtk_list_item_get_item (list_item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)),
                       migrator_log_entry_get_message (entry));
}

static const char *level_css_classes[] = { "dim-label", NULL, "warning", "error" };

static void
setup_level_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_level_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  MigratorLogEntry *entry = gtk_list_item_get_item (list_item);
  GtkWidget        *box = gtk_list_item_get_child (list_item);
  GtkWidget        *image = gtk_widget_get_first_child (box);
  GtkWidget        *label = gtk_widget_get_last_child (box);
  MigratorLogLevel  level = migrator_log_entry_get_level (entry);

  gtk_image_set_from_icon_name (GTK_IMAGE (image), migrator_log_entry_get_icon_name (entry));
  gtk_label_set_label (GTK_LABEL (label), migrator_log_entry_get_level_text (entry));

  for (guint i = 0; i < G_N_ELEMENTS (level_css_classes); i++)
    if (level_css_classes[i] != NULL)
      gtk_widget_remove_css_class (box, level_css_classes[i]);
  if (level_css_classes[level] != NULL)
    gtk_widget_add_css_class (box, level_css_classes[level]);
}

static GtkListItemFactory *
label_factory_new (GCallback bind,
                   gboolean  is_message)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cb), GINT_TO_POINTER (is_message));
  g_signal_connect (factory, "bind", bind, NULL);

  return factory;
}

static void
set_up_columns (MigratorLogView *self)
{
  g_autoptr(GtkListItemFactory) time_factory = label_factory_new (G_CALLBACK (bind_time_cb), FALSE);
  g_autoptr(GtkListItemFactory) message_factory = label_factory_new (G_CALLBACK (bind_message_cb), TRUE);
  g_autoptr(GtkListItemFactory) level_factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (level_factory, "setup", G_CALLBACK (setup_level_cb), NULL);
  g_signal_connect (level_factory, "bind", G_CALLBACK (bind_level_cb), NULL);

  gtk_column_view_column_set_factory (self->time_column, time_factory);
  gtk_column_view_column_set_factory (self->level_column, level_factory);
  gtk_column_view_column_set_factory (self->message_column, message_factory);
}

/* Actions */

static void
show_toast (MigratorLogView *self,
            const char      *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MigratorLogView *self = MIGRATOR_LOG_VIEW (widget);
  g_autofree char *text = migrator_log_format_model (G_LIST_MODEL (self->filtered));
  guint            n_lines = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *title = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied %u line", "Copied %u lines", n_lines), n_lines);
  show_toast (self, title);
}

static void
replace_contents_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MigratorLogView *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  name = g_file_get_basename (G_FILE (object));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      /* Translators: the first %s is a file name, the second the reason */
      title = g_strdup_printf (_("Could not export the log to “%s”: %s"), name, error->message);
      show_toast (self, title);
      g_task_return_error (task, g_steal_pointer (&error));
    }
  else
    {
      /* Translators: %s is a file name */
      title = g_strdup_printf (_("Log exported to “%s”"), name);
      show_toast (self, title);
      g_task_return_boolean (task, TRUE);
    }
}

void
migrator_log_view_export_async (MigratorLogView    *self,
                                GFile              *file,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GBytes) bytes = NULL;
  GTask *task;
  char  *text;

  g_return_if_fail (MIGRATOR_IS_LOG_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, migrator_log_view_export_async);

  /* The lines visible when the file was chosen, not when the write ends. */
  text = migrator_log_format_model (G_LIST_MODEL (self->filtered));
  bytes = g_bytes_new_take (text, strlen (text));

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable != NULL ? cancellable : self->cancellable,
                                       replace_contents_cb, task);
}

gboolean
migrator_log_view_export_finish (MigratorLogView *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_VIEW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_chooser_response_cb (MigratorLogView      *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (file != NULL)
    migrator_log_view_export_async (self, file, NULL, NULL, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MigratorLogView *self = MIGRATOR_LOG_VIEW (widget);
  GtkRoot         *root = gtk_widget_get_root (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = NULL;

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Export Log"),
                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                  GTK_FILE_CHOOSER_ACTION_SAVE,
                                                  _("_Export"),
                                                     _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  name = g_date_time_format (now, "migrator-log-%Y%m%d-%H%M%S.txt");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  migrator_log_model_clear (MIGRATOR_LOG_VIEW (widget)->model);
}

/* Service */

static void
on_service_log_cb (MigratorLogView *self,
                   MigratorLogLevel level,
                   const char      *message,
                   MigratorService *service)
{
  migrator_log_model_append (self->model, level, message);
}

/* GObject */

static void
migrator_log_view_dispose (GObject *object)
{
  MigratorLogView *self = MIGRATOR_LOG_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  migrator_log_view_set_service (self, NULL);

  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_LOG_VIEW);

  /* The filter may outlive the column view in a list model somewhere. */
  if (self->filter != NULL)
    gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (migrator_log_view_parent_class)->dispose (object);
}

static void
migrator_log_view_finalize (GObject *object)
{
  MigratorLogView *self = MIGRATOR_LOG_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->search, g_free);

  G_OBJECT_CLASS (migrator_log_view_parent_class)->finalize (object);
}

static void
migrator_log_view_class_init (MigratorLogViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_log_view_dispose;
  object_class->finalize = migrator_log_view_finalize;

  signals[SIGNAL_ERROR_LOGGED] =
    g_signal_new ("error-logged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  migrator_gui_ensure_resources ();
  migrator_pages_ensure_style ();

  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-log-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorlogview");

  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, column_view);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, time_column);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, level_column);
  gtk_widget_class_bind_template_child (widget_class, MigratorLogView, message_column);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_level_changed_cb);

  gtk_widget_class_install_action (widget_class, "log.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "log.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "log.clear", NULL, clear_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "log.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "log.export", NULL);
}

static void
migrator_log_view_init (MigratorLogView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkAdjustment *vadjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->min_level = MIGRATOR_LOG_LEVEL_DEBUG;
  self->stick_to_bottom = TRUE;

  self->model = migrator_log_model_new ();
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (on_model_items_changed_cb),
                           self, G_CONNECT_SWAPPED);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->model)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (on_filtered_items_changed_cb),
                           self, G_CONNECT_SWAPPED);

  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  set_up_columns (self);

  vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (vadjustment, "value-changed", G_CALLBACK (on_vadjustment_value_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (vadjustment, "notify::upper", G_CALLBACK (on_vadjustment_upper_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));

  update_state (self);
}

GtkWidget *
migrator_log_view_new (void)
{
  return g_object_new (MIGRATOR_TYPE_LOG_VIEW, NULL);
}

MigratorLogModel *
migrator_log_view_get_model (MigratorLogView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_VIEW (self), NULL);

  return self->model;
}

GListModel *
migrator_log_view_get_visible_lines (MigratorLogView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_VIEW (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

void
migrator_log_view_set_service (MigratorLogView *self,
                               MigratorService *service)
{
  g_return_if_fail (MIGRATOR_IS_LOG_VIEW (self));
  g_return_if_fail (service == NULL || MIGRATOR_IS_SERVICE (service));

  if (service == self->service)
    return;

  if (self->service != NULL)
    g_clear_signal_handler (&self->log_handler, self->service);

  g_set_object (&self->service, service);

  if (service != NULL)
    self->log_handler = g_signal_connect_object (service, "log", G_CALLBACK (on_service_log_cb),
                                                 self, G_CONNECT_SWAPPED);
}

MigratorService *
migrator_log_view_get_service (MigratorLogView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_VIEW (self), NULL);

  return self->service;
}

void
migrator_log_view_set_min_level (MigratorLogView *self,
                                 MigratorLogLevel level)
{
  g_return_if_fail (MIGRATOR_IS_LOG_VIEW (self));
  g_return_if_fail (level <= MIGRATOR_LOG_LEVEL_ERROR);

  gtk_drop_down_set_selected (self->level_dropdown, level);
}

MigratorLogLevel
migrator_log_view_get_min_level (MigratorLogView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_VIEW (self), MIGRATOR_LOG_LEVEL_DEBUG);

  return self->min_level;
}

void
migrator_log_view_set_search (MigratorLogView *self,
                              const char      *search)
{
  g_return_if_fail (MIGRATOR_IS_LOG_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search != NULL ? search : "");
  /* The entry reports changes after a delay; the API applies them now. */
  on_search_changed_cb (self, self->search_entry);
}
