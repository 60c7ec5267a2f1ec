/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the arguments name a command, --help or --version: the command
 * line runs and the display is never touched. */
gboolean migrator_cli_handles (int    argc,
                               char **argv);
/* Runs a command; returns the exit code of SPEC §5. */
int      migrator_cli_run     (int    argc,
                               char **argv);

G_END_DECLS
