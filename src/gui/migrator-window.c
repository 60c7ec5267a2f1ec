/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "migrator-config.h"
#include "migrator-database.h"
#include "migrator-error.h"
#include "migrator-gui-private.h"
#include "migrator-window-private.h"

#define MAX_RECENT_PROJECTS 10
#define CONFIG_FILE         "migrator.json"

G_DEFINE_FINAL_TYPE (MigratorWindow, migrator_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_LOADING,
  PROP_PENDING_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "~/…" for paths in the home folder, as the file chooser shows them. */
static char *
dup_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize       home_len = strlen (home);

  if (home_len > 1 && g_str_has_prefix (path, home) && path[home_len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + home_len, NULL);

  return g_strdup (path);
}

gboolean
_migrator_window_get_busy (MigratorWindow *self)
{
  return self->service != NULL && migrator_service_get_busy (self->service);
}

static void
set_loading (MigratorWindow *self,
             gboolean        loading)
{
  gboolean was_loading = self->n_loading > 0;

  if (loading)
    self->n_loading++;
  else if (self->n_loading > 0)
    self->n_loading--;

  if (was_loading != (self->n_loading > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Header, summary and the enabled actions follow the project, the
 * database state and whether the service is busy. */
void
_migrator_window_update_actions (MigratorWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean   busy = _migrator_window_get_busy (self);
  gboolean   writable = self->project != NULL && !self->read_only;
  gboolean   has_current = self->current != NULL && self->current[0] != NULL;
  g_autofree char *upgrade_label = NULL;

  gtk_widget_action_set_enabled (widget, "win.upgrade", writable && !busy && self->n_pending > 0);
  gtk_widget_action_set_enabled (widget, "win.rollback", writable && !busy && has_current);
  gtk_widget_action_set_enabled (widget, "win.upgrade-to", writable && !busy);
  gtk_widget_action_set_enabled (widget, "win.downgrade-to", writable && !busy);
  gtk_widget_action_set_enabled (widget, "win.cancel", busy);
  migrator_revision_list_set_busy (self->revision_list, busy);
  gtk_widget_action_set_enabled (widget, "win.open", !busy);
  gtk_widget_action_set_enabled (widget, "win.open-database", !busy);
  gtk_widget_action_set_enabled (widget, "win.open-recent", !busy);
  gtk_widget_action_set_enabled (widget, "win.search", self->file != NULL);
  gtk_widget_action_set_enabled (widget, "win.show-backups", self->service != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->upgrade_button), writable && !busy);
  gtk_widget_set_visible (self->rollback_button, writable && !busy);
  gtk_widget_set_visible (self->cancel_button, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);

  if (self->n_pending > 0)
    /* Translators: the header bar button; %d is the number of pending revisions */
    upgrade_label = g_strdup_printf (_("_Upgrade (%d)"), self->n_pending);
  else
    upgrade_label = g_strdup (_("_Upgrade"));
  gtk_button_set_label (self->upgrade_button, upgrade_label);
}

static void
update_summary (MigratorWindow *self)
{
  g_autofree char *at = NULL;
  g_autofree char *text = NULL;

  if (self->current == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }

  at = self->current[0] != NULL ? g_strjoinv (", ", self->current) : g_strdup (_("base (empty)"));

  if (self->read_only)
    /* Translators: %s is the revision (or revisions) in the database's version table */
    text = g_strdup_printf (_("No revision files found: read-only. The database is at %s."), at);
  else if (self->n_pending == 0)
    /* Translators: %s is the revision (or revisions) the database is at */
    text = g_strdup_printf (_("Up to date at %s"), at);
  else
    /* Translators: %d pending revisions; %s the revision (or revisions) the database is at */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d revision pending; the database is at %s",
                                         "%d revisions pending; the database is at %s", self->n_pending),
                            self->n_pending, at);

  gtk_label_set_text (self->summary_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "up-to-date");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "behind");
  if (!self->read_only)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), self->n_pending == 0 ? "up-to-date" : "behind");
}

static void
set_pending (MigratorWindow *self,
             int             n_pending)
{
  if (self->n_pending != n_pending)
    {
      self->n_pending = n_pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING_COUNT]);
    }

  update_summary (self);
  _migrator_window_update_actions (self);
}

void
_migrator_window_toast (MigratorWindow *self,
                        const char     *title,
                        const char     *undo_action)
{
  g_autofree char *escaped = g_markup_escape_text (title, -1);
  AdwToast *toast = adw_toast_new (escaped);

  if (undo_action != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      adw_toast_set_action_name (toast, undo_action);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_set_timeout (toast, 10);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static char *
dup_log_tail (MigratorWindow *self,
              guint           max_lines)
{
  GListModel *model = G_LIST_MODEL (migrator_log_view_get_model (self->log_view));
  guint n = g_list_model_get_n_items (model);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = n > max_lines ? n - max_lines : 0; i < n; i++)
    {
      g_autoptr(MigratorLogEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *line = migrator_log_entry_format (entry);

      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
_migrator_window_show_error (MigratorWindow *self,
                             const char     *heading,
                             const GError   *error)
{
  GtkWidget *dialog;
  GtkWidget *expander;
  GtkWidget *scroller;
  GtkWidget *label;
  g_autofree char *tail = dup_log_tail (self, 12);
  g_autofree char *details = NULL;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");

  /* Translators: the details of an error dialog: the error's domain and code, then the log */
  details = g_strdup_printf (_("%s, code %d\n\nLog:\n%s"), g_quark_to_string (error->domain), error->code, tail);
  label = gtk_label_new (details);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "caption");

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);

  expander = gtk_expander_new_with_mnemonic (_("_Details"));
  gtk_expander_set_child (GTK_EXPANDER (expander), scroller);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), expander);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Recent projects */

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
update_recent (MigratorWindow *self)
{
  g_auto(GStrv) recent = g_settings_get_strv (self->settings, "recent-projects");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; recent[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *name = g_path_get_basename (recent[i]);
      g_autofree char *display = dup_display_path (recent[i]);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), display);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "path", g_strdup (recent[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), recent[0] != NULL);
}

static void
recent_row_activated_cb (MigratorWindow *self,
                         GtkListBoxRow  *row)
{
  const char *path = g_object_get_data (G_OBJECT (row), "path");

  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-recent", "s", path);
}

/* Loading a project or database, on a worker thread */

typedef struct
{
  char            *path;
  gboolean         is_dir;
  MigratorProject *project;
  char            *database_path;
  GListStore      *items;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_free (data->path);
  g_clear_object (&data->project);
  g_free (data->database_path);
  g_clear_object (&data->items);
  g_free (data);
}

/* The nearest folder holding migrator.json, from @dir upwards. */
static char *
find_project_dir (const char *dir)
{
  g_autofree char *current = g_strdup (dir);

  for (;;)
    {
      g_autofree char *config = g_build_filename (current, CONFIG_FILE, NULL);
      g_autofree char *parent = NULL;

      if (g_file_test (config, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&current);

      parent = g_path_get_dirname (current);
      if (g_str_equal (parent, current))
        return NULL;
      g_free (current);
      current = g_steal_pointer (&parent);
    }
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autofree char *project_dir = NULL;
  GError *error = NULL;

  if (data->is_dir)
    project_dir = g_strdup (data->path);
  else
    {
      g_autofree char *dir = g_path_get_dirname (data->path);

      project_dir = find_project_dir (dir);
      data->database_path = g_strdup (data->path);
    }

  if (project_dir != NULL)
    {
      data->project = migrator_project_open (project_dir, &error);
      if (data->project == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      if (data->database_path == NULL)
        data->database_path = migrator_project_resolve_database (data->project, NULL, &error);
      if (data->database_path == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      data->items = migrator_revision_items_new (migrator_project_get_graph (data->project));
    }

  g_task_return_boolean (task, TRUE);
}

static void
clear_project (MigratorWindow *self)
{
  if (self->service != NULL)
    migrator_service_cancel (self->service);
  g_binding_group_set_source (self->service_bindings, NULL);
  g_signal_group_set_target (self->service_signals, NULL);

  migrator_revision_list_set_items (self->revision_list, NULL);
  migrator_revision_page_set_revision (self->revision_page, NULL, NULL, NULL);
  migrator_log_view_set_service (self->log_view, NULL);
  migrator_backups_page_set_service (self->backups_page, NULL);
  migrator_schema_page_set_project (self->schema_page, NULL, NULL);

  g_clear_object (&self->service);
  g_clear_object (&self->project);
  g_clear_object (&self->items);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->current, g_strfreev);
  g_clear_pointer (&self->changed, g_strfreev);
  g_clear_pointer (&self->last_upgrade_from, g_strfreev);
  g_clear_pointer (&self->last_upgrade_backup, g_free);
  g_clear_pointer (&self->pending_downgrades, g_strfreev);
  self->read_only = FALSE;
  self->n_pending = -1;
}

static void
show_title (MigratorWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  g_autofree char *db_name = g_path_get_basename (self->database_path);
  g_autofree char *subtitle = NULL;

  if (self->project != NULL)
    name = g_path_get_basename (migrator_project_get_dir (self->project));
  else
    name = g_strdup (db_name);

  if (self->read_only)
    /* Translators: the window subtitle of a database opened without its revision files */
    subtitle = g_strdup_printf (_("%s (read-only)"), db_name);
  else
    subtitle = g_strdup (db_name);

  /* Translators: the window title: a project folder or database name, then the application name */
  title = g_strdup_printf (_("%s — Migrator"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
load_ready_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  LoadData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self == NULL || g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;

  set_loading (self, FALSE);

  if (error != NULL)
    {
      g_autofree char *name = g_path_get_basename (data->path);
      /* Translators: the first %s is a file or folder name, the second the reason */
      g_autofree char *message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);

      g_clear_object (&self->file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      _migrator_window_toast (self, message, NULL);
      _migrator_window_update_actions (self);
      return;
    }

  self->project = g_steal_pointer (&data->project);
  self->items = g_steal_pointer (&data->items);
  self->database_path = g_strdup (data->database_path ? data->database_path : data->path);
  self->read_only = self->project == NULL;

  if (self->project != NULL)
    {
      self->service = migrator_service_new (self->project, self->database_path);
      g_binding_group_set_source (self->service_bindings, self->service);
      g_signal_group_set_target (self->service_signals, self->service);
      migrator_log_view_set_service (self->log_view, self->service);
      migrator_backups_page_set_service (self->backups_page, self->service);
      migrator_revision_list_set_items (self->revision_list, G_LIST_MODEL (self->items));
    }
  migrator_schema_page_set_project (self->schema_page, self->project, self->database_path);

  remember_recent (self);
  show_title (self);
  gtk_stack_set_visible_child_name (self->stack, "project");
  adw_view_stack_set_visible_child_name (self->view_stack, "revision");
  _migrator_window_update_actions (self);
  _migrator_window_refresh (self);
}

/* Benchmark hook for tests/bench/run.py (the "window" workload of issue 7).
 * Inert unless the environment variable MIGRATOR_BENCH is set; it prints
 * only to stderr and shows nothing in the window.
 *
 *   MIGRATOR_BENCH=first-frame: once the project is loaded, the revision
 *     list filled and the database state read, waits for the next frame to
 *     be painted, prints "first-frame-ms: N" (since the process started,
 *     from /proc/self/stat; 10 ms resolution) and quits.
 *   MIGRATOR_BENCH=upgrade-stall: after that first frame, activates
 *     "win.upgrade" (the Upgrade button's action), measures the longest gap
 *     between the ticks of a 5 ms timeout until the service is idle again
 *     and the state is read back, prints "max-stall-ms: N" and quits. */

typedef enum
{
  BENCH_NONE,
  BENCH_FIRST_FRAME,
  BENCH_UPGRADE_STALL,
} BenchMode;

static struct
{
  gboolean started;     /* the first state read was seen */
  gboolean upgrading;   /* win.upgrade was activated */
  gboolean seen_busy;
  guint    tick_id;
  gint64   last_tick;
  gint64   max_gap;
} bench;

static BenchMode
bench_mode (void)
{
  static gsize     once = 0;
  static BenchMode mode = BENCH_NONE;

  if (g_once_init_enter (&once))
    {
      const char *value = g_getenv ("MIGRATOR_BENCH");

      if (g_strcmp0 (value, "first-frame") == 0)
        mode = BENCH_FIRST_FRAME;
      else if (g_strcmp0 (value, "upgrade-stall") == 0)
        mode = BENCH_UPGRADE_STALL;
      g_once_init_leave (&once, 1);
    }

  return mode;
}

/* Milliseconds since the process started, or -1 if unknown. */
static double
bench_process_ms (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  unsigned long long start_ticks = 0;
  struct timespec now;
  long hz = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL || hz <= 0 ||
      clock_gettime (CLOCK_BOOTTIME, &now) != 0)
    return -1;
  /* Field 22 (starttime) is the 20th after the ")" ending field 2. */
  for (int field = 2; field < 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &start_ticks) != 1)
    return -1;

  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6 - start_ticks * 1000.0 / hz;
}

static void
bench_quit (MigratorWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  g_clear_handle_id (&bench.tick_id, g_source_remove);
  if (app != NULL)
    g_application_quit (G_APPLICATION (app));
}

static gboolean
bench_tick_cb (gpointer user_data)
{
  MigratorWindow *self = user_data;
  gint64 now = g_get_monotonic_time ();

  bench.max_gap = MAX (bench.max_gap, now - bench.last_tick);
  bench.last_tick = now;
  if (_migrator_window_get_busy (self))
    bench.seen_busy = TRUE;

  return G_SOURCE_CONTINUE;
}

static void
bench_after_paint_cb (GdkFrameClock  *clock,
                      MigratorWindow *self)
{
  g_signal_handlers_disconnect_by_func (clock, bench_after_paint_cb, self);
  g_printerr ("first-frame-ms: %.0f\n", bench_process_ms ());

  if (bench_mode () == BENCH_FIRST_FRAME)
    {
      bench_quit (self);
      return;
    }

  bench.upgrading = TRUE;
  bench.last_tick = g_get_monotonic_time ();
  bench.tick_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 5, bench_tick_cb,
                                      g_object_ref (self), g_object_unref);
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.upgrade", NULL) ||
      !_migrator_window_get_busy (self))
    {
      g_printerr ("bench: win.upgrade did not start an upgrade\n");
      bench_quit (self);
      return;
    }
  bench.seen_busy = TRUE;
}

static gboolean
bench_first_tick_cb (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       user_data)
{
  /* Connected once: the frame being drawn now includes the filled list. */
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (bench_after_paint_cb), widget, 0);
  return G_SOURCE_REMOVE;
}

/* Called each time the database state has been read (state_ready_cb). */
static void
bench_state_read (MigratorWindow *self)
{
  if (bench_mode () == BENCH_NONE)
    return;

  if (!bench.started)
    {
      bench.started = TRUE;
      gtk_widget_add_tick_callback (GTK_WIDGET (self), bench_first_tick_cb, NULL, NULL);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else if (bench.upgrading && bench.seen_busy && !_migrator_window_get_busy (self))
    {
      bench_tick_cb (self);
      g_printerr ("max-stall-ms: %.1f\n", bench.max_gap / 1000.0);
      bench_quit (self);
    }
}

/* Reading the database state: version rows and history */

typedef struct
{
  char       *database_path;
  char       *version_table;
  char       *history_table;
  gint64      lock_timeout_ms;
  char      **current;
  GPtrArray  *history;
} StateData;

static void
state_data_free (StateData *data)
{
  g_free (data->database_path);
  g_free (data->version_table);
  g_free (data->history_table);
  g_strfreev (data->current);
  g_clear_pointer (&data->history, g_ptr_array_unref);
  g_free (data);
}

static void
state_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StateData *data = task_data;
  g_autoptr(MigratorDatabase) db = NULL;
  GError *error = NULL;

  db = migrator_database_open (data->database_path, data->version_table, data->history_table,
                               data->lock_timeout_ms, FALSE, &error);
  if (db == NULL)
    {
      /* A database that is not there yet is at base, with no history. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          data->current = g_new0 (char *, 1);
          data->history = g_ptr_array_new ();
          g_task_return_boolean (task, TRUE);
          return;
        }
      g_task_return_error (task, error);
      return;
    }

  data->current = migrator_database_read_versions (db, &error);
  if (data->current != NULL)
    data->history = migrator_database_list_history (db, &error);
  if (data->history == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
update_revision_page (MigratorWindow *self)
{
  MigratorRevisionItem *item = migrator_revision_list_get_selected_item (self->revision_list);
  MigratorGraph *graph = self->project ? migrator_project_get_graph (self->project) : NULL;

  migrator_revision_page_set_revision (self->revision_page, graph, item, self->history);
}

static void
select_current (MigratorWindow *self)
{
  if (migrator_revision_list_get_selected_item (self->revision_list) != NULL)
    return;

  if (self->current != NULL && self->current[0] != NULL &&
      migrator_revision_list_select_id (self->revision_list, self->current[0]))
    return;

  {
    GListModel *visible = migrator_revision_list_get_visible_items (self->revision_list);
    g_autoptr(MigratorRevisionItem) first = g_list_model_get_item (visible, 0);

    if (first != NULL)
      migrator_revision_list_select_id (self->revision_list, migrator_revision_item_get_id (first));
  }
}

static void
state_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  StateData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  int n_pending = 0;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self == NULL || g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;

  set_loading (self, FALSE);

  if (error != NULL)
    {
      _migrator_window_show_error (self, _("Could Not Read the Database"), error);
      return;
    }

  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->history = g_steal_pointer (&data->history);

  if (self->project != NULL)
    {
      g_auto(GStrv) unknown = NULL;

      n_pending = migrator_revision_items_update (G_LIST_MODEL (self->items),
                                                  migrator_project_get_graph (self->project),
                                                  (const char *const *) self->current,
                                                  (const char *const *) self->changed,
                                                  &unknown);
      if (unknown != NULL && unknown[0] != NULL)
        {
          g_autofree char *ids = g_strjoinv (", ", unknown);
          /* Translators: %s lists revision ids */
          g_autofree char *message = g_strdup_printf (_("The database is at %s, which no revision file describes"), ids);

          _migrator_window_toast (self, message, NULL);
        }
    }
  else
    {
      g_clear_pointer (&self->current, g_strfreev);
      self->current = g_steal_pointer (&data->current);
      g_clear_object (&self->items);
      self->items = migrator_revision_items_new_from_history ((const char *const *) self->current, self->history);
      migrator_revision_list_set_items (self->revision_list, G_LIST_MODEL (self->items));
    }

  set_pending (self, n_pending);
  select_current (self);
  update_revision_page (self);

  bench_state_read (self); /* benchmark hook, inert unless MIGRATOR_BENCH is set */
}

static void
read_state (MigratorWindow *self)
{
  g_autoptr(GTask) task = NULL;
  StateData *data = g_new0 (StateData, 1);

  data->database_path = g_strdup (self->database_path);
  if (self->project != NULL)
    {
      MigratorConfig *config = migrator_project_get_config (self->project);

      data->version_table = g_strdup (config->version_table);
      data->history_table = g_strdup (config->history_table);
      data->lock_timeout_ms = config->lock_timeout_ms;
    }
  else
    data->lock_timeout_ms = 5000;

  set_loading (self, TRUE);
  task = g_task_new (NULL, self->cancellable, state_ready_cb, _migrator_weak_ref_new (self));
  g_task_set_source_tag (task, read_state);
  g_task_set_task_data (task, data, (GDestroyNotify) state_data_free);
  g_task_run_in_thread (task, state_worker);
}

static void
status_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MigratorWindow) self = _migrator_weak_ref_steal (user_data);
  g_autoptr(MigratorStatus) status = NULL;
  g_autoptr(GError) error = NULL;

  status = migrator_service_status_finish (MIGRATOR_SERVICE (source), result, &error);
  if (self == NULL || MIGRATOR_SERVICE (source) != self->service)
    return;

  set_loading (self, FALSE);

  if (status == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _migrator_window_show_error (self, _("Could Not Read the Database"), error);
      return;
    }

  g_clear_pointer (&self->current, g_strfreev);
  g_clear_pointer (&self->changed, g_strfreev);
  self->current = g_steal_pointer (&status->current);
  self->changed = g_steal_pointer (&status->changed);
  read_state (self);
}

/* Reads the database state again: the version rows and changed files
 * through the service (in line with its operations), then the history. */
void
_migrator_window_refresh (MigratorWindow *self)
{
  g_return_if_fail (MIGRATOR_IS_WINDOW (self));

  if (self->database_path == NULL)
    return;

  if (self->service == NULL)
    {
      read_state (self);
      return;
    }

  set_loading (self, TRUE);
  migrator_service_status_async (self->service, self->cancellable, status_ready_cb,
                                 _migrator_weak_ref_new (self));
}

/* Template callbacks */

static void
selected_item_changed_cb (MigratorWindow *self)
{
  update_revision_page (self);
}

static void
visible_page_changed_cb (MigratorWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (name, "log") == 0)
    adw_view_stack_page_set_needs_attention (self->log_stack_page, FALSE);
}

static void
error_logged_cb (MigratorWindow *self)
{
  if (g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "log") != 0)
    adw_view_stack_page_set_needs_attention (self->log_stack_page, TRUE);
}

static void
backup_restored_cb (MigratorWindow *self)
{
  g_clear_pointer (&self->last_upgrade_from, g_strfreev);
  migrator_schema_page_reload (self->schema_page);
  _migrator_window_refresh (self);
}

static void
service_busy_cb (MigratorWindow *self)
{
  _migrator_window_update_actions (self);
}

static gboolean
transform_status_text (GBinding     *binding,
                       const GValue *from,
                       GValue       *to,
                       gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text ? text : "");
  return TRUE;
}

/* Drag and drop */

static gboolean
drop_cb (GtkDropTarget  *target,
         const GValue   *value,
         double          x,
         double          y,
         MigratorWindow *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || _migrator_window_get_busy (self))
    return FALSE;

  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;

  return migrator_window_open (self, files->data, NULL);
}

/* GObject */

static gboolean
migrator_window_close_request (GtkWindow *window)
{
  MigratorWindow *self = MIGRATOR_WINDOW (window);
  int             width, height;

  gtk_window_get_default_size (window, &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", MAX (width, 360));
  g_settings_set_int (self->settings, "window-height", MAX (height, 294));
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (migrator_window_parent_class)->close_request (window);
}

static void
migrator_window_dispose (GObject *object)
{
  MigratorWindow *self = MIGRATOR_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  if (self->service_bindings != NULL)
    clear_project (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_WINDOW);
  g_clear_object (&self->service_bindings);
  g_clear_object (&self->service_signals);

  G_OBJECT_CLASS (migrator_window_parent_class)->dispose (object);
}

static void
migrator_window_finalize (GObject *object)
{
  MigratorWindow *self = MIGRATOR_WINDOW (object);

  g_clear_object (&self->cancellable);
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

    case PROP_LOADING:
      g_value_set_boolean (value, migrator_window_get_loading (self));
      break;

    case PROP_PENDING_COUNT:
      g_value_set_int (value, self->n_pending);
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

  /**
   * MigratorWindow:loading:
   *
   * Whether a project or the database state is being read.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * MigratorWindow:pending-count:
   *
   * The number of pending revisions, -1 while unknown.
   */
  properties[PROP_PENDING_COUNT] =
    g_param_spec_int ("pending-count", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MIGRATOR_TYPE_REVISION_LIST);
  g_type_ensure (MIGRATOR_TYPE_REVISION_PAGE);
  g_type_ensure (MIGRATOR_TYPE_SCHEMA_PAGE);
  g_type_ensure (MIGRATOR_TYPE_LOG_VIEW);
  g_type_ensure (MIGRATOR_TYPE_BACKUPS_PAGE);

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, rollback_button);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, upgrade_button);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, revision_list);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, revision_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, schema_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, log_view);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, log_stack_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorWindow, backups_page);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, selected_item_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, error_logged_cb);
  gtk_widget_class_bind_template_callback (widget_class, backup_restored_cb);

  _migrator_window_class_actions_init (widget_class);
}

static void
migrator_window_init (MigratorWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->n_pending = -1;
  self->cancellable = g_cancellable_new ();

  self->service_bindings = g_binding_group_new ();
  g_binding_group_bind (self->service_bindings, "progress", self->progress_bar, "fraction",
                        G_BINDING_SYNC_CREATE);
  g_binding_group_bind_full (self->service_bindings, "status-text", self->status_label, "label",
                             G_BINDING_SYNC_CREATE, transform_status_text, NULL, NULL, NULL);
  self->service_signals = g_signal_group_new (MIGRATOR_TYPE_SERVICE);
  g_signal_group_connect_object (self->service_signals, "notify::busy",
                                 G_CALLBACK (service_busy_cb), self, G_CONNECT_SWAPPED);

  self->settings = migrator_gui_settings_new ();
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (self->settings, "changed::recent-projects",
                           G_CALLBACK (update_recent), self, G_CONNECT_SWAPPED);
  update_recent (self);

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  _migrator_window_update_actions (self);
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

static void
show_open_error (MigratorWindow *self,
                 GFile          *file,
                 const GError   *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;

  /* Translators: the first %s is a file or folder name, the second the reason */
  message = g_strdup_printf (_("Could not open “%s”: %s"), name, error->message);
  _migrator_window_toast (self, message, NULL);
}

gboolean
migrator_window_open (MigratorWindow *self,
                      GFile          *file,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GTask) task = NULL;
  LoadData *data;
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
  else if (!g_file_is_native (file))
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Only local files can be opened"));

  if (local_error != NULL)
    {
      show_open_error (self, file, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Whatever was open goes: its pending reads and the service. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->n_loading = 0;
  clear_project (self);

  if (g_set_object (&self->file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);

  data = g_new0 (LoadData, 1);
  data->path = g_file_get_path (file);
  data->is_dir = file_type == G_FILE_TYPE_DIRECTORY;

  set_loading (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->loading_spinner);
  _migrator_window_update_actions (self);

  task = g_task_new (NULL, self->cancellable, load_ready_cb, _migrator_weak_ref_new (self));
  g_task_set_source_tag (task, migrator_window_open);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_worker);

  return TRUE;
}

gboolean
migrator_window_get_loading (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), FALSE);

  return self->n_loading > 0;
}

MigratorProject *
migrator_window_get_project (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), NULL);

  return self->project;
}

MigratorService *
migrator_window_get_service (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), NULL);

  return self->service;
}

int
migrator_window_get_pending_count (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), -1);

  return self->n_pending;
}

const char *const *
migrator_window_get_current (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), NULL);

  return (const char *const *) self->current;
}

gboolean
migrator_window_get_read_only (MigratorWindow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_WINDOW (self), FALSE);

  return self->read_only;
}
