/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>
#include <libglib-testing/signal-logger.h>

#include "migrator-backups-page.h"
#include "migrator-diff.h"
#include "migrator-log-model.h"
#include "migrator-log-view.h"
#include "migrator-project.h"
#include "migrator-revision-list.h"
#include "migrator-revision-page.h"
#include "migrator-revision-row.h"
#include "migrator-revision-state.h"
#include "migrator-schema-page.h"
#include "migrator-service.h"

/* Helpers */

/* Spins the main loop until @cond holds; fails after 30 s instead of
 * hanging when an async call never returns. */
#define WAIT_UNTIL(cond)                                             \
  G_STMT_START                                                       \
  {                                                                  \
    gint64 wait_end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC; \
    while (!(cond))                                                  \
      {                                                              \
        if (g_get_monotonic_time () > wait_end)                      \
          g_error ("Timed out waiting for %s", #cond);               \
        if (!g_main_context_iteration (NULL, FALSE))                 \
          g_usleep (1000);                                           \
      }                                                              \
  }                                                                  \
  G_STMT_END

#define REV_HEADER(id, parent, msg) \
  "-- revision: " id "\n-- down_revision: " parent "\n-- message: " msg "\n\n"

static const char *const REVISION_1 =
  REV_HEADER ("aaaa00000001", "none", "Create users") "-- migrate:upgrade\n"
                                                      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT UNIQUE);\n"
                                                      "INSERT INTO users (name, email) VALUES ('Ana', 'ana@example.com');\n"
                                                      "\n"
                                                      "-- migrate:downgrade\n"
                                                      "DROP TABLE users;\n";

static const char *const REVISION_2 =
  REV_HEADER ("bbbb00000002", "aaaa00000001", "Create posts") "-- migrate:upgrade\n"
                                                              "CREATE TABLE posts (id INTEGER PRIMARY KEY,\n"
                                                              "                    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
                                                              "                    title TEXT);\n"
                                                              "CREATE INDEX ix_posts_user ON posts (user_id);\n"
                                                              "CREATE VIEW user_posts AS SELECT users.name, posts.title FROM users JOIN posts ON posts.user_id = users.id;\n"
                                                              "CREATE TRIGGER posts_title AFTER INSERT ON posts BEGIN\n"
                                                              "  UPDATE posts SET title = trim (title) WHERE id = new.id;\n"
                                                              "END;\n"
                                                              "\n"
                                                              "-- migrate:downgrade\n"
                                                              "DROP TRIGGER posts_title;\n"
                                                              "DROP VIEW user_posts;\n"
                                                              "DROP TABLE posts;\n";

typedef struct
{
  char            *dir;
  MigratorProject *project;
  MigratorService *service;
} TestProject;

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      rm_rf (child);
    }
  g_rmdir (path);
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* A project with two revisions and, with @upgrade, its app.db at head. */
static TestProject *
test_project_new (gboolean upgrade)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *database = NULL;
  TestProject     *tp = g_new0 (TestProject, 1);

  tp->dir = g_dir_make_tmp ("test-pages-XXXXXX", &error);
  g_assert_no_error (error);
  versions = g_build_filename (tp->dir, "versions", NULL);
  g_assert_no_errno (g_mkdir (versions, 0755));
  write_file (tp->dir, "migrator.json", "{ \"database\": \"sqlite:///app.db\" }");
  write_file (versions, "aaaa00000001_create_users.sql", REVISION_1);
  write_file (versions, "bbbb00000002_create_posts.sql", REVISION_2);

  tp->project = migrator_project_open (tp->dir, &error);
  g_assert_no_error (error);
  database = migrator_project_resolve_database (tp->project, NULL, &error);
  g_assert_no_error (error);
  tp->service = migrator_service_new (tp->project, database);

  if (upgrade)
    {
      g_autoptr(MigratorRunResult) result = migrator_service_upgrade_sync (tp->service, NULL,
                                                                            MIGRATOR_SERVICE_FLAGS_NONE,
                                                                            NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (result);
    }

  return tp;
}

/* Drops the test's references to @objects (NULL-terminated) and checks
 * they are finalized, like g_assert_finalize_object(), but gives queued
 * sources and the service's worker thread (whose GTask releases the
 * service a moment after the result was delivered) up to 5 s to let go.
 * A real leak still fails. */
static void
assert_finalized (gpointer first,
                  ...)
{
  gpointer weak[8] = { NULL, };
  gint64   deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean alive = TRUE;
  guint    n = 0;
  va_list  args;

  va_start (args, first);
  for (gpointer object = first; object != NULL && n < G_N_ELEMENTS (weak); object = va_arg (args, gpointer))
    {
      weak[n] = object;
      g_object_add_weak_pointer (G_OBJECT (object), &weak[n]);
      n++;
    }
  va_end (args);

  for (guint i = 0; i < n; i++)
    g_object_unref (weak[i]);

  while (alive && g_get_monotonic_time () < deadline)
    {
      alive = FALSE;
      for (guint i = 0; i < n; i++)
        alive |= weak[i] != NULL;
      if (alive && !g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  for (guint i = 0; i < n; i++)
    g_assert_null (weak[i]);
}

static void
test_project_free (TestProject *tp)
{
  /* The service's last state delivery may still be queued. */
  WAIT_UNTIL (!migrator_service_get_busy (tp->service));
  assert_finalized (g_steal_pointer (&tp->service), g_steal_pointer (&tp->project), NULL);
  rm_rf (tp->dir);
  g_free (tp->dir);
  g_free (tp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestProject, test_project_free)

static void
make_backup (TestProject *tp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = migrator_service_backup_sync (tp->service, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
}

/* Shows @child in a window, drawn. Returns the window, with a reference
 * that show_in_window()'s caller gives to destroy_window(). */
static GtkWindow *
show_in_window (GtkWidget *child)
{
  GtkWindow *window = g_object_ref (GTK_WINDOW (gtk_window_new ()));

  gtk_window_set_default_size (window, 900, 600);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

/* Destroys @window and checks that it and then @child (a reference the
 * test holds; the window lets go of it when it is finalized) are
 * finalized. */
static void
destroy_window (GtkWindow *window,
                gpointer   child)
{
  gtk_window_destroy (window);
  assert_finalized (window, child, NULL);
}

/* The rows of a GtkListBox (not its headers or placeholder). */
static guint
count_rows (GtkWidget *list_box)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list_box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      n++;

  return n;
}

/* The first descendant of @widget of @type for which @predicate holds. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type,
             gboolean (*predicate) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (predicate == NULL || predicate (widget, data)))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, predicate, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_action_name (GtkWidget    *widget,
                 gconstpointer action_name)
{
  return g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

static gboolean
has_icon_name (GtkWidget    *widget,
               gconstpointer icon_name)
{
  return g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (widget)), icon_name) == 0;
}

/* The check mark of a backup verified in this session (not the button of
 * one verified when made, which checks it again). */
static gboolean
is_verified_now (GtkWidget    *widget,
                 gconstpointer data)
{
  return has_icon_name (widget, "emblem-ok-symbolic") &&
         gtk_widget_get_ancestor (widget, GTK_TYPE_BUTTON) == NULL;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

/* Answers the confirmation dialog that the last action opened. */
static void
respond (const char *response)
{
  AdwMessageDialog *dialog = NULL;

  WAIT_UNTIL ((dialog = find_message_dialog ()) != NULL);
  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Log model: no display needed */

static void
test_log_entry_matches (void)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (2025, 10, 6, 14, 3, 9);
  g_autoptr(MigratorLogEntry) debug = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_DEBUG, "Opened app.db");
  g_autoptr(MigratorLogEntry) info = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_INFO, "Backed up app.db to Backups/app-1.db");
  g_autoptr(MigratorLogEntry) warning = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_WARNING, "Revision 1975 is not transactional");
  g_autoptr(MigratorLogEntry) error = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_ERROR, "Ärger: no such table: TOTAL_table");

  /* Levels: everything at or above the minimum. */
  g_assert_true (migrator_log_entry_matches (debug, MIGRATOR_LOG_LEVEL_DEBUG, NULL));
  g_assert_false (migrator_log_entry_matches (debug, MIGRATOR_LOG_LEVEL_INFO, NULL));
  g_assert_true (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_INFO, ""));
  g_assert_false (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_WARNING, ""));
  g_assert_true (migrator_log_entry_matches (warning, MIGRATOR_LOG_LEVEL_WARNING, NULL));
  g_assert_false (migrator_log_entry_matches (warning, MIGRATOR_LOG_LEVEL_ERROR, NULL));
  g_assert_true (migrator_log_entry_matches (error, MIGRATOR_LOG_LEVEL_ERROR, NULL));

  /* Search: a substring of the message, ignoring case, also beyond ASCII. */
  g_assert_true (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_DEBUG, "backups/"));
  g_assert_true (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_DEBUG, "APP.DB"));
  g_assert_false (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_DEBUG, "restored"));
  g_assert_true (migrator_log_entry_matches (error, MIGRATOR_LOG_LEVEL_DEBUG, "total_TABLE"));
  g_assert_true (migrator_log_entry_matches (error, MIGRATOR_LOG_LEVEL_DEBUG, "ärger"));
  /* Both conditions at once. */
  g_assert_false (migrator_log_entry_matches (info, MIGRATOR_LOG_LEVEL_ERROR, "app.db"));
  g_assert_false (migrator_log_entry_matches (error, MIGRATOR_LOG_LEVEL_ERROR, "app.db"));
}

static void
test_log_entry_format (void)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (2025, 10, 6, 14, 3, 9);
  g_autoptr(MigratorLogEntry) info = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_INFO, "Applied 1975ea83b712");
  g_autoptr(MigratorLogEntry) error = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_ERROR, "Failed\r\n  detail");
  g_autoptr(MigratorLogEntry) invalid = migrator_log_entry_new (time, MIGRATOR_LOG_LEVEL_WARNING, "bad \xff name");
  g_autofree char *info_line = migrator_log_entry_format (info);
  g_autofree char *error_line = migrator_log_entry_format (error);

  g_assert_cmpstr (migrator_log_entry_get_time_text (info), ==, "14:03:09");
  g_assert_cmpstr (info_line, ==, "14:03:09 INFO    Applied 1975ea83b712");
  g_assert_cmpstr (error_line, ==, "14:03:09 ERROR   Failed\n                   detail");
  g_assert_true (g_utf8_validate (migrator_log_entry_get_message (invalid), -1, NULL));
  g_assert_cmpstr (migrator_log_entry_get_icon_name (error), ==, "dialog-error-symbolic");
  g_assert_cmpstr (migrator_log_entry_get_level_text (info), ==, "Info");
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *counts)
{
  counts[0] += removed;
  counts[1] += added;
}

static void
test_log_model (void)
{
  g_autoptr(MigratorLogModel) model = migrator_log_model_new ();
  g_autoptr(MigratorLogEntry) first = NULL;
  g_autofree char  *text = NULL;
  guint             counts[2] = { 0, 0 };
  MigratorLogEntry *entry;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), counts);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (model)) == MIGRATOR_TYPE_LOG_ENTRY);

  entry = migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_INFO, "one");
  g_assert_cmpstr (migrator_log_entry_get_message (entry), ==, "one");
  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_ERROR, "two");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  g_assert_cmpuint (counts[1], ==, 2);

  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (first == entry);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 2));

  text = migrator_log_format_model (G_LIST_MODEL (model));
  g_assert_nonnull (strstr (text, "INFO    one\n"));
  g_assert_true (g_str_has_suffix (text, "ERROR   two\n"));

  migrator_log_model_clear (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (counts[0], ==, 2);
  migrator_log_model_clear (model);
  g_assert_cmpuint (counts[0], ==, 2);
}

/* Log view */

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
on_clipboard_text (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  g_assert_no_error (error);
}

static void
test_log_view (void)
{
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  MigratorLogView  *view = g_object_ref_sink (MIGRATOR_LOG_VIEW (migrator_log_view_new ()));
  MigratorLogModel *model = migrator_log_view_get_model (view);
  GListModel       *visible = migrator_log_view_get_visible_lines (view);
  GtkWindow        *window = show_in_window (GTK_WIDGET (view));
  g_autofree char  *message = NULL;
  g_autofree char  *clipboard_text = NULL;
  g_autofree char  *expected = NULL;

  gt_signal_logger_connect (logger, view, "error-logged");

  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_DEBUG, "Opening app.db");
  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_INFO, "Backed up app.db");
  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_WARNING, "Revision aaaa is not transactional");
  gt_signal_logger_assert_no_emissions (logger);
  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_ERROR, "no such table: users");
  gt_signal_logger_assert_emission_pop (logger, view, "error-logged", &message);
  g_assert_cmpstr (message, ==, "no such table: users");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 4);
  migrator_log_view_set_min_level (view, MIGRATOR_LOG_LEVEL_INFO);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 3);
  migrator_log_view_set_min_level (view, MIGRATOR_LOG_LEVEL_WARNING);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 2);
  migrator_log_view_set_min_level (view, MIGRATOR_LOG_LEVEL_ERROR);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  g_assert_cmpint (migrator_log_view_get_min_level (view), ==, MIGRATOR_LOG_LEVEL_ERROR);

  migrator_log_view_set_min_level (view, MIGRATOR_LOG_LEVEL_DEBUG);
  migrator_log_view_set_search (view, "APP.db");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 2);
  migrator_log_view_set_search (view, "app.db backed");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 0);
  migrator_log_view_set_search (view, "Backed");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 1);
  /* New lines pass through the same filter. */
  migrator_log_model_append (model, MIGRATOR_LOG_LEVEL_INFO, "Backed up app.db again");
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 2);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Copy puts exactly the visible lines on the clipboard. */
  expected = migrator_log_format_model (visible);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "log.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL,
                                 on_clipboard_text, &clipboard_text);
  WAIT_UNTIL (clipboard_text != NULL);
  g_assert_cmpstr (clipboard_text, ==, expected);
  g_assert_nonnull (strstr (clipboard_text, "INFO    Backed up app.db\n"));
  g_assert_null (strstr (clipboard_text, "users"));

  /* Export writes the same text to a file, in the background. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("test-pages-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "log.txt", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_no_error (error);
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *contents = NULL;

    migrator_log_view_export_async (view, file, NULL, store_result, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_true (migrator_log_view_export_finish (view, result, &error));
    g_assert_no_error (error);
    g_file_get_contents (path, &contents, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (contents, ==, expected);
    rm_rf (dir);
  }

  migrator_log_view_set_search (view, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "log.clear", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (visible), ==, 0);

  gt_signal_logger_assert_no_emissions (logger);
  gt_signal_logger_free (g_steal_pointer (&logger));
  destroy_window (window, view);
}

static void
test_log_view_service (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  MigratorLogView *view = g_object_ref_sink (MIGRATOR_LOG_VIEW (migrator_log_view_new ()));
  GListModel      *lines = G_LIST_MODEL (migrator_log_view_get_model (view));
  GtkWindow       *window = show_in_window (GTK_WIDGET (view));
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  migrator_log_view_set_service (view, tp->service);
  g_assert_true (migrator_log_view_get_service (view) == tp->service);
  gt_signal_logger_connect (logger, view, "error-logged");

  make_backup (tp);
  g_assert_cmpuint (g_list_model_get_n_items (lines), >=, 1);
  text = migrator_log_format_model (lines);
  g_assert_nonnull (strstr (text, "INFO    "));
  g_assert_nonnull (strstr (text, "(verified)"));

  /* A failing operation: its error reaches the view and its signal. */
  result = migrator_service_upgrade_sync (tp->service, "nosuchrevision", MIGRATOR_SERVICE_FLAGS_NONE,
                                          NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  gt_signal_logger_assert_emission_pop (logger, view, "error-logged", &message);
  g_assert_cmpstr (message, ==, error->message);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Unset: later lines are not appended. */
  migrator_log_view_set_service (view, NULL);
  {
    guint n_lines = g_list_model_get_n_items (lines);

    make_backup (tp);
    g_assert_cmpuint (g_list_model_get_n_items (lines), ==, n_lines);
  }

  gt_signal_logger_assert_no_emissions (logger);
  gt_signal_logger_free (g_steal_pointer (&logger));
  destroy_window (window, view);
}

/* Backups page */

static MigratorBackupsPage *
create_backups_page (TestProject *tp,
                     GtkWindow  **window)
{
  MigratorBackupsPage *page = g_object_ref_sink (MIGRATOR_BACKUPS_PAGE (migrator_backups_page_new ()));

  *window = show_in_window (GTK_WIDGET (page));
  migrator_backups_page_set_service (page, tp->service);
  WAIT_UNTIL (!migrator_backups_page_get_loading (page));

  return page;
}

static const char *
get_backup_path (MigratorBackupsPage *page,
                 guint                position)
{
  g_autoptr(GObject) item = g_list_model_get_item (migrator_backups_page_get_backups (page), position);
  static char *path;

  g_clear_pointer (&path, g_free);
  g_object_get (item, "path", &path, NULL);

  return path;
}

static GtkWidget *
get_list_box (MigratorBackupsPage *page)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE, "list_box"));
}

static const char *
get_visible_page (GtkWidget *page,
                  GType      type)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (page, type, "stack")));
}

static void
test_backups_page_empty (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  MigratorBackupsPage *page = g_object_ref_sink (MIGRATOR_BACKUPS_PAGE (migrator_backups_page_new ()));
  GtkWindow           *window = show_in_window (GTK_WIDGET (page));

  g_assert_cmpstr (get_visible_page (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE), ==, "no-database");

  migrator_backups_page_set_service (page, tp->service);
  WAIT_UNTIL (!migrator_backups_page_get_loading (page));
  g_assert_cmpuint (g_list_model_get_n_items (migrator_backups_page_get_backups (page)), ==, 0);
  g_assert_cmpstr (get_visible_page (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE), ==, "empty");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* The empty state's button makes the first backup. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.back-up", NULL));
  WAIT_UNTIL (g_list_model_get_n_items (migrator_backups_page_get_backups (page)) == 1 && !migrator_backups_page_get_loading (page));
  g_assert_cmpstr (get_visible_page (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE), ==, "list");

  migrator_backups_page_set_service (page, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_backups_page_get_backups (page)), ==, 0);
  g_assert_cmpstr (get_visible_page (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE), ==, "no-database");

  destroy_window (window, page);
}

static void
test_backups_page_operations (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autofree char     *deleted = NULL;
  g_autofree char     *restored = NULL;
  g_autofree char     *signal_path = NULL;
  MigratorBackupsPage *page;
  GListModel          *backups;
  GtkWindow           *window;
  GtkWidget           *back_up_button;

  make_backup (tp);
  make_backup (tp);
  make_backup (tp);

  page = create_backups_page (tp, &window);
  backups = migrator_backups_page_get_backups (page);
  gt_signal_logger_connect (logger, page, "restored");
  g_assert_cmpuint (g_list_model_get_n_items (backups), ==, 3);
  g_assert_cmpuint (count_rows (get_list_box (page)), ==, 3);
  g_assert_cmpstr (get_visible_page (GTK_WIDGET (page), MIGRATOR_TYPE_BACKUPS_PAGE), ==, "list");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Delete, after the confirmation. */
  deleted = g_strdup (get_backup_path (page, 2));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.delete", "s", deleted));
  respond ("delete");
  WAIT_UNTIL (g_list_model_get_n_items (backups) == 2 && !migrator_backups_page_get_loading (page));
  g_assert_false (g_file_test (deleted, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_rows (get_list_box (page)), ==, 2);

  /* Cancelling the confirmation changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.delete", "s", get_backup_path (page, 0)));
  respond ("cancel");
  g_assert_true (g_file_test (get_backup_path (page, 0), G_FILE_TEST_EXISTS));

  /* Back Up Now: insensitive while the service works. */
  back_up_button = find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, has_action_name, "backups.back-up");
  g_assert_nonnull (back_up_button);
  g_assert_true (gtk_widget_get_sensitive (back_up_button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.back-up", NULL));
  g_assert_true (migrator_service_get_busy (tp->service));
  g_assert_false (gtk_widget_get_sensitive (back_up_button));
  WAIT_UNTIL (g_list_model_get_n_items (backups) == 3 && !migrator_backups_page_get_loading (page));
  WAIT_UNTIL (!migrator_service_get_busy (tp->service));
  g_assert_true (gtk_widget_get_sensitive (back_up_button));
  /* A backup the page made is known to be verified. */
  g_assert_nonnull (find_widget (GTK_WIDGET (page), GTK_TYPE_IMAGE, is_verified_now, NULL));

  /* Restore, after the confirmation: the current file is backed up first. */
  restored = g_strdup (get_backup_path (page, 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.restore", "s", restored));
  respond ("restore");
  WAIT_UNTIL (g_list_model_get_n_items (backups) == 4 && !migrator_backups_page_get_loading (page));
  gt_signal_logger_assert_emission_pop (logger, page, "restored", &signal_path);
  g_assert_cmpstr (signal_path, ==, restored);
  g_assert_cmpuint (count_rows (get_list_box (page)), ==, 4);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  gt_signal_logger_assert_no_emissions (logger);
  gt_signal_logger_free (g_steal_pointer (&logger));
  WAIT_UNTIL (!migrator_service_get_busy (tp->service));
  destroy_window (window, page);
}

static void
test_backups_page_verify (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char     *damaged = NULL;
  MigratorBackupsPage *page;
  GtkWindow           *window;

  make_backup (tp);
  make_backup (tp);
  page = create_backups_page (tp, &window);

  /* Listing does not read the files: a backup's name says it passed the
   * check when it was made, and a button checks it again. */
  g_assert_null (find_widget (GTK_WIDGET (page), GTK_TYPE_IMAGE, is_verified_now, NULL));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, has_action_name, "backups.verify"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.verify", "s", get_backup_path (page, 0)));
  WAIT_UNTIL (find_widget (GTK_WIDGET (page), GTK_TYPE_IMAGE, is_verified_now, NULL) != NULL);

  /* A damaged file shows as such. */
  damaged = g_strdup (get_backup_path (page, 1));
  g_file_set_contents (damaged, "not a database, but long enough to look like one to nobody", -1, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backups.verify", "s", damaged));
  WAIT_UNTIL (find_widget (GTK_WIDGET (page), GTK_TYPE_IMAGE, has_icon_name, "dialog-warning-symbolic") != NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  destroy_window (window, page);
}

/* Revision list, row and page, each on its own */

/* The project's revisions, newest first, with @current as version rows. */
static GListStore *
revision_items_new (TestProject       *tp,
                    const char *const *current)
{
  MigratorGraph *graph = migrator_project_get_graph (tp->project);
  GListStore    *items = migrator_revision_items_new (graph);

  migrator_revision_items_update (G_LIST_MODEL (items), graph, current, NULL, NULL);
  return items;
}

static void
test_revision_row (void)
{
  g_autoptr(TestProject) tp = test_project_new (FALSE);
  GListStore *items = revision_items_new (tp, (const char *const[]){ "bbbb00000002", NULL });
  g_autoptr(MigratorRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (items), 0);
  MigratorRevisionRow *row = g_object_ref_sink (MIGRATOR_REVISION_ROW (migrator_revision_row_new ()));
  g_autofree char     *badges = NULL;
  GtkWindow           *window;
  GtkWidget           *button;

  migrator_revision_row_set_n_lanes (row, 1);
  migrator_revision_row_set_item (row, item);
  window = show_in_window (GTK_WIDGET (row));
  badges = migrator_revision_row_dup_badges_text (row);
  g_assert_cmpstr (badges, ==, "current, head");
  g_clear_pointer (&badges, g_free);

  /* The row follows its item's state. */
  migrator_revision_item_set_state (item, MIGRATOR_REVISION_STATE_PENDING | MIGRATOR_REVISION_STATE_HEAD);
  badges = migrator_revision_row_dup_badges_text (row);
  g_assert_cmpstr (badges, ==, "pending, head");

  /* Its menu is made on first use, and goes with the row. */
  button = find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, NULL, NULL);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  WAIT_UNTIL (find_widget (GTK_WIDGET (row), GTK_TYPE_POPOVER, NULL, NULL) != NULL);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  destroy_window (window, row);
  g_clear_object (&item);
  g_assert_finalize_object (items);
}

static void
test_revision_list (void)
{
  g_autoptr(TestProject) tp = test_project_new (FALSE);
  GListStore           *items = revision_items_new (tp, NULL);
  MigratorRevisionList *list = g_object_ref_sink (MIGRATOR_REVISION_LIST (migrator_revision_list_new ()));
  GtkWindow            *window;

  migrator_revision_list_set_items (list, G_LIST_MODEL (items));
  window = show_in_window (GTK_WIDGET (list));
  g_assert_cmpuint (g_list_model_get_n_items (migrator_revision_list_get_visible_items (list)), ==, 2);

  migrator_revision_list_set_search (list, "POSTS");
  WAIT_UNTIL (!migrator_revision_list_get_searching (list));
  g_assert_cmpuint (g_list_model_get_n_items (migrator_revision_list_get_visible_items (list)), ==, 1);
  g_assert_true (migrator_revision_list_select_id (list, "bbbb00000002"));
  g_assert_false (migrator_revision_list_select_id (list, "aaaa00000001"));
  g_assert_cmpstr (migrator_revision_item_get_id (migrator_revision_list_get_selected_item (list)), ==, "bbbb00000002");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  migrator_revision_list_set_search (list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_revision_list_get_visible_items (list)), ==, 2);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  destroy_window (window, list);
  g_assert_finalize_object (items);
}

static void
test_revision_page (void)
{
  g_autoptr(TestProject) tp = test_project_new (FALSE);
  GListStore *items = revision_items_new (tp, NULL);
  g_autoptr(MigratorRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (items), 0);
  MigratorRevisionPage *page = g_object_ref_sink (MIGRATOR_REVISION_PAGE (migrator_revision_page_new ()));
  GtkWindow            *window = show_in_window (GTK_WIDGET (page));

  migrator_revision_page_set_revision (page, migrator_project_get_graph (tp->project), item, NULL);
  g_assert_true (migrator_revision_page_get_item (page) == item);
  WAIT_UNTIL (!migrator_revision_page_get_loading (page));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Leaving while the schema changes are computed cancels them. */
  {
    g_autoptr(MigratorRevisionItem) first = g_list_model_get_item (G_LIST_MODEL (items), 1);

    migrator_revision_page_set_revision (page, migrator_project_get_graph (tp->project), first, NULL);
  }
  destroy_window (window, page);
  g_clear_object (&item);
  g_assert_finalize_object (items);
}

/* Schema page */

static const char *
get_detail_page (MigratorSchemaPage *page)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                                     MIGRATOR_TYPE_SCHEMA_PAGE,
                                                                                     "detail_stack")));
}

static MigratorSchemaPage *
create_schema_page (TestProject *tp,
                    GtkWindow  **window)
{
  MigratorSchemaPage *page = g_object_ref_sink (MIGRATOR_SCHEMA_PAGE (migrator_schema_page_new ()));
  g_autofree char    *database = migrator_project_resolve_database (tp->project, NULL, NULL);

  *window = show_in_window (GTK_WIDGET (page));
  g_assert_cmpstr (get_detail_page (page), ==, "no-project");

  migrator_schema_page_set_project (page, tp->project, database);
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));

  return page;
}

/* "kind:name" of every sidebar entry, in order. */
static char *
list_objects (MigratorSchemaPage *page)
{
  GListModel *objects = migrator_schema_page_get_objects (page);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (objects); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (objects, i);
      g_autofree char *kind = NULL;
      g_autofree char *name = NULL;

      g_object_get (item, "kind", &kind, "name", &name, NULL);
      g_string_append_printf (text, "%s%s:%s", i > 0 ? " " : "", kind, name);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
list_changes (MigratorSchemaPage *page)
{
  GListModel *changes = migrator_schema_page_get_changes (page);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_nonnull (changes);
  for (guint i = 0; i < g_list_model_get_n_items (changes); i++)
    {
      g_autoptr(MigratorSchemaChange) change = g_list_model_get_item (changes, i);
      g_autofree char *line = migrator_schema_change_to_string (change);

      g_string_append_printf (text, "%s\n", line);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static guint
count_template_children (MigratorSchemaPage *page,
                         const char         *name)
{
  return count_rows (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                MIGRATOR_TYPE_SCHEMA_PAGE, name)));
}

static void
test_schema_page_database (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  MigratorSchemaPage *page;
  GtkWindow          *window;
  GtkColumnView      *columns;
  g_autofree char    *objects = NULL;

  page = create_schema_page (tp, &window);

  /* Grouped by kind, the version and history tables left out. */
  objects = list_objects (page);
  g_assert_cmpstr (objects, ==, "table:posts table:users view:user_posts index:ix_posts_user trigger:posts_title");
  g_assert_cmpuint (count_template_children (page, "sidebar"), ==, 5);
  g_assert_null (migrator_schema_page_get_changes (page));
  g_assert_cmpstr (get_detail_page (page), ==, "object");

  /* A table: its columns, foreign keys and indexes. */
  g_assert_true (migrator_schema_page_select (page, "posts"));
  columns = GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), MIGRATOR_TYPE_SCHEMA_PAGE, "columns_view"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (columns))), ==, 3);
  g_assert_cmpuint (count_template_children (page, "foreign_keys_list"), ==, 1);
  g_assert_cmpuint (count_template_children (page, "indexes_list"), ==, 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_assert_true (migrator_schema_page_select (page, "users"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (columns))), ==, 3);
  g_assert_cmpuint (count_template_children (page, "foreign_keys_list"), ==, 0);
  /* The UNIQUE constraint's automatic index. */
  g_assert_cmpuint (count_template_children (page, "indexes_list"), ==, 1);

  /* A trigger: its SQL. */
  g_assert_true (migrator_schema_page_select (page, "posts_title"));
  {
    GtkTextView     *view = GTK_TEXT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (page), MIGRATOR_TYPE_SCHEMA_PAGE, "sql_view"));
    GtkTextBuffer   *buffer = gtk_text_view_get_buffer (view);
    GtkTextIter      start, end;
    g_autofree char *sql = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    sql = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_nonnull (strstr (sql, "CREATE TRIGGER posts_title"));
    g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (buffer))), ==, "sql");
  }
  g_assert_false (migrator_schema_page_select (page, "nosuchobject"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  destroy_window (window, page);
}

static void
test_schema_page_revisions (void)
{
  g_autoptr(TestProject) tp = test_project_new (TRUE);
  MigratorSchemaPage *page;
  GtkWindow          *window;
  g_autofree char    *objects = NULL;
  g_autofree char    *changes = NULL;

  page = create_schema_page (tp, &window);

  /* A revision, by a prefix: replayed in memory. */
  g_assert_true (migrator_schema_page_show_revision (page, "aaaa"));
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));
  objects = list_objects (page);
  g_assert_cmpstr (objects, ==, "table:users");
  g_assert_false (migrator_schema_page_show_revision (page, "nosuchrevision"));

  /* Compared with the database: what the database has more is removed. */
  g_assert_true (migrator_schema_page_compare_with (page, MIGRATOR_SCHEMA_PAGE_DATABASE));
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));
  changes = list_changes (page);
  g_assert_nonnull (strstr (changes, "- table posts"));
  g_assert_nonnull (strstr (changes, "- view user_posts"));
  g_clear_pointer (&objects, g_free);
  objects = list_objects (page);
  g_assert_true (g_str_has_prefix (objects, "changes:"));
  g_assert_nonnull (strstr (objects, "table:posts"));
  g_assert_cmpstr (get_detail_page (page), ==, "changes");
  g_assert_cmpuint (count_template_children (page, "changes_list"), ==,
                    g_list_model_get_n_items (migrator_schema_page_get_changes (page)));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Head against the first revision: the second one's additions. */
  g_assert_true (migrator_schema_page_show_revision (page, "head"));
  g_assert_true (migrator_schema_page_compare_with (page, "aaaa00000001"));
  g_assert_true (migrator_schema_page_select (page, "posts"));
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));
  g_clear_pointer (&changes, g_free);
  changes = list_changes (page);
  g_assert_nonnull (strstr (changes, "+ table posts"));
  g_assert_nonnull (strstr (changes, "+ trigger posts_title"));
  g_assert_null (strstr (changes, "- "));
  /* The selected table shows its own changes. */
  g_assert_cmpstr (get_detail_page (page), ==, "object");
  g_assert_cmpuint (count_template_children (page, "object_changes"), >=, 1);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* No comparison, the database again. */
  g_assert_true (migrator_schema_page_compare_with (page, NULL));
  g_assert_true (migrator_schema_page_show_revision (page, NULL));
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));
  g_assert_null (migrator_schema_page_get_changes (page));
  g_clear_pointer (&objects, g_free);
  objects = list_objects (page);
  g_assert_cmpstr (objects, ==, "table:posts table:users view:user_posts index:ix_posts_user trigger:posts_title");

  destroy_window (window, page);
}

static void
test_schema_page_missing_database (void)
{
  g_autoptr(TestProject) tp = test_project_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char    *versions = g_build_filename (tp->dir, "versions", NULL);
  MigratorSchemaPage *page;
  GtkWindow          *window;

  /* A revision whose SQL fails when it is replayed. */
  write_file (versions, "cccc00000003_broken.sql",
              "-- revision: cccc00000003\n-- down_revision: bbbb00000002\n-- message: Broken\n\n"
              "-- migrate:upgrade\nALTER TABLE nosuchtable ADD COLUMN x;\n");
  g_assert_true (migrator_project_reload (tp->project, &error));
  g_assert_no_error (error);

  page = create_schema_page (tp, &window);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_page_get_objects (page)), ==, 0);
  g_assert_cmpstr (get_detail_page (page), ==, "empty");

  g_assert_true (migrator_schema_page_show_revision (page, "cccc00000003"));
  WAIT_UNTIL (!migrator_schema_page_get_loading (page));
  g_assert_cmpstr (get_detail_page (page), ==, "error");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  /* Unset: back to the empty state. */
  migrator_schema_page_set_project (page, NULL, NULL);
  g_assert_cmpstr (get_detail_page (page), ==, "no-project");

  destroy_window (window, page);
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("MIGRATOR_DATABASE_URL");
  g_unsetenv ("DATABASE_URL");
  g_unsetenv ("MIGRATOR_PROJECT");

  /* The log model's tests need no display; the widget tests do. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
    }
  else
    {
      gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
      adw_init ();

      g_test_add_func ("/migrator/pages/log-view/filter", test_log_view);
      g_test_add_func ("/migrator/pages/log-view/service", test_log_view_service);
      g_test_add_func ("/migrator/pages/backups/empty", test_backups_page_empty);
      g_test_add_func ("/migrator/pages/backups/operations", test_backups_page_operations);
      g_test_add_func ("/migrator/pages/backups/verify", test_backups_page_verify);
      g_test_add_func ("/migrator/pages/revision-row", test_revision_row);
      g_test_add_func ("/migrator/pages/revision-list", test_revision_list);
      g_test_add_func ("/migrator/pages/revision-page", test_revision_page);
      g_test_add_func ("/migrator/pages/schema/database", test_schema_page_database);
      g_test_add_func ("/migrator/pages/schema/revisions", test_schema_page_revisions);
      g_test_add_func ("/migrator/pages/schema/errors", test_schema_page_missing_database);
    }

  g_test_add_func ("/migrator/pages/log-model/matches", test_log_entry_matches);
  g_test_add_func ("/migrator/pages/log-model/format", test_log_entry_format);
  g_test_add_func ("/migrator/pages/log-model/model", test_log_model);

  return g_test_run ();
}
