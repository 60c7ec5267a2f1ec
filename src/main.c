/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>
#include <sqlite3.h>

#include "cli/migrator-cli.h"
#include "gui/migrator-gui.h"

int
main (int    argc,
      char **argv)
{
  /* SQLite rebuilds its whole schema after every ALTER TABLE, freeing and
   * reallocating it each time. Without these, an upgrade of many small
   * revisions spends about a quarter of its time on a mutex around
   * SQLite's memory statistics (which nothing here reads) and on page
   * faults from the worker's heap being returned to the system and
   * touched again (tests/bench W1). */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  mallopt (M_TRIM_THRESHOLD, 32 * 1024 * 1024);

  setlocale (LC_ALL, "");
  /* MIGRATOR_LOCALEDIR lets tests use translations built but not installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MIGRATOR_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (migrator_cli_handles (argc, argv))
    return migrator_cli_run (argc, argv);

  return migrator_gui_run (argc, argv);
}
