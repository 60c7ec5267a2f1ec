/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  MIGRATOR_BADGE_NEUTRAL,
  MIGRATOR_BADGE_ACCENT,
  MIGRATOR_BADGE_SUCCESS,
  MIGRATOR_BADGE_WARNING,
  MIGRATOR_BADGE_ERROR,
} MigratorBadgeStyle;

typedef struct
{
  const char        *label;
  const char        *tooltip; /* nullable */
  MigratorBadgeStyle style;
} MigratorBadge;

#define MIGRATOR_TYPE_BADGES (migrator_badges_get_type ())

G_DECLARE_FINAL_TYPE (MigratorBadges, migrator_badges, MIGRATOR, BADGES, GtkWidget)

/* A row of small coloured pills drawn by one widget: a list row shows a few
 * of them, and hundreds of rows with a label per pill cost a visible hitch
 * whenever a list of thousands jumps or is filtered. */
GtkWidget *migrator_badges_new (void);
/* Copies @badges; @n_badges may be 0. */
void migrator_badges_set (MigratorBadges      *self,
                          const MigratorBadge *badges,
                          guint                n_badges);
/* The labels, joined by ", " (what the accessible label says). */
char *migrator_badges_dup_text (MigratorBadges *self);

G_END_DECLS
