/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-gui-private.h"

G_BEGIN_DECLS

/* The log, backups and schema pages keep their CSS in migrator-pages.css
 * (style.css is the application's); each page's class_init loads it once
 * per display. */
static inline void
migrator_pages_ensure_style (void)
{
  GdkDisplay *display = gdk_display_get_default ();
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "migrator-pages-css") != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, MIGRATOR_RESOURCE_PATH "/migrator-pages.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "migrator-pages-css",
                          g_steal_pointer (&provider), g_object_unref);
}

G_END_DECLS
