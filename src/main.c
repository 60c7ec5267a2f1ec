/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cli/migrator-cli.h"
#include "gui/migrator-gui.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* MIGRATOR_LOCALEDIR lets tests use translations built but not installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("MIGRATOR_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (migrator_cli_handles (argc, argv))
    return migrator_cli_run (argc, argv);

  return migrator_gui_run (argc, argv);
}
