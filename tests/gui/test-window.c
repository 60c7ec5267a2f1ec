/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libglib-testing/signal-logger.h>

#include "migrator-gui-private.h"
#include "migrator-window.h"

static MigratorWindow *
create_window (void)
{
  /* GTK owns the toplevel; the test keeps its own reference so that it can
   * check the window is finalized after it is destroyed. */
  MigratorWindow *window = g_object_ref (migrator_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  return window;
}

static void
destroy_window (MigratorWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static AdwWindowTitle *
get_window_title (MigratorWindow *window)
{
  return ADW_WINDOW_TITLE (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                          MIGRATOR_TYPE_WINDOW,
                                                          "window_title"));
}

static const char *
get_visible_page (MigratorWindow *window)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                              MIGRATOR_TYPE_WINDOW,
                                                              "stack"));

  return gtk_stack_get_visible_child_name (stack);
}

static void
test_window_empty (void)
{
  MigratorWindow *window = create_window ();

  g_assert_null (migrator_window_get_file (window));
  g_assert_cmpstr (get_visible_page (window), ==, "empty");
  g_assert_cmpstr (adw_window_title_get_title (get_window_title (window)), ==, "Migrator");
  g_assert_cmpstr (adw_window_title_get_subtitle (get_window_title (window)), ==, "");

  destroy_window (window);
}

static void
test_window_open_folder (void)
{
  g_autoptr(GtSignalLogger) logger = gt_signal_logger_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = migrator_gui_settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("migrator-test-XXXXXX", &error);
  g_autofree char *name = NULL;
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) recent = NULL;
  MigratorWindow *window;

  g_assert_no_error (error);
  file = g_file_new_for_path (dir);
  name = g_file_get_basename (file);

  window = create_window ();
  gt_signal_logger_connect (logger, window, "notify::file");

  g_assert_true (migrator_window_open (window, file, &error));
  g_assert_no_error (error);
  gt_signal_logger_assert_notify_emission_pop (logger, window, "file");
  gt_signal_logger_assert_no_emissions (logger);

  g_assert_true (g_file_equal (migrator_window_get_file (window), file));
  g_assert_cmpstr (get_visible_page (window), ==, "project");
  g_assert_cmpstr (adw_window_title_get_title (get_window_title (window)), ==, name);
  g_assert_true (g_str_has_suffix (adw_window_title_get_subtitle (get_window_title (window)), name));

  recent = g_settings_get_strv (settings, "recent-projects");
  g_assert_nonnull (recent[0]);
  g_assert_cmpstr (recent[0], ==, dir);

  gt_signal_logger_free (g_steal_pointer (&logger));
  destroy_window (window);
  g_assert_no_errno (g_rmdir (dir));
}

static void
test_window_open_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/migrator/project");
  MigratorWindow *window = create_window ();

  g_assert_false (migrator_window_open (window, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (migrator_window_get_file (window));
  g_assert_cmpstr (get_visible_page (window), ==, "empty");

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display; run under xvfb-run\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  adw_init ();

  g_test_add_func ("/migrator/window/empty", test_window_empty);
  g_test_add_func ("/migrator/window/open-folder", test_window_open_folder);
  g_test_add_func ("/migrator/window/open-missing", test_window_open_missing);

  return g_test_run ();
}
