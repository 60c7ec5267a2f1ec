/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-badges"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-badges.h"

#define PAD_X   6
#define SPACING 3

typedef struct
{
  char              *label;
  char              *tooltip;
  MigratorBadgeStyle style;
  PangoLayout       *layout; /* made on first measure */
  int                width;  /* of the layout, in pixels */
} Badge;

struct _MigratorBadges
{
  GtkWidget parent_instance;

  /* Owned */
  GArray *badges; /* of Badge */
  int     text_height;
};

G_DEFINE_FINAL_TYPE (MigratorBadges, migrator_badges, GTK_TYPE_WIDGET)

static void
badge_clear (gpointer data)
{
  Badge *badge = data;

  g_free (badge->label);
  g_free (badge->tooltip);
  g_clear_object (&badge->layout);
}

/* The pills' font: the widget's, three quarters of its size, bold. */
static void
ensure_layouts (MigratorBadges *self)
{
  PangoFontDescription *font = NULL;

  for (guint i = 0; i < self->badges->len; i++)
    {
      Badge *badge = &g_array_index (self->badges, Badge, i);
      int    height;

      if (badge->layout != NULL)
        continue;

      if (font == NULL)
        {
          PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));

          font = pango_font_description_copy (pango_context_get_font_description (context));
          pango_font_description_set_size (font, pango_font_description_get_size (font) * 3 / 4);
          pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
        }

      badge->layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), badge->label);
      pango_layout_set_font_description (badge->layout, font);
      pango_layout_get_pixel_size (badge->layout, &badge->width, &height);
      self->text_height = MAX (self->text_height, height);
    }

  g_clear_pointer (&font, pango_font_description_free);
}

static void
migrator_badges_measure (GtkWidget     *widget,
                         GtkOrientation orientation,
                         int            for_size,
                         int           *minimum,
                         int           *natural,
                         int           *minimum_baseline,
                         int           *natural_baseline)
{
  MigratorBadges *self = MIGRATOR_BADGES (widget);
  int             size = 0;

  ensure_layouts (self);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      for (guint i = 0; i < self->badges->len; i++)
        size += g_array_index (self->badges, Badge, i).width + 2 * PAD_X + (i > 0 ? SPACING : 0);
      /* Only the first badge (the state) must fit: the others are drawn
       * while there is room, so a narrow list does not push the pane. */
      *natural = size;
      *minimum = self->badges->len > 0 ? g_array_index (self->badges, Badge, 0).width + 2 * PAD_X : 0;
      return;
    }
  else if (self->badges->len > 0)
    size = self->text_height;

  *minimum = *natural = size;
}

static gboolean
lookup_color (GtkWidget  *widget,
              const char *name,
              GdkRGBA    *color)
{
  return gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color);
}

/* The colours of the old per-badge CSS: a tinted background behind
 * coloured text, or the accent colour for the current revision. */
static void
badge_colors (GtkWidget         *widget,
              MigratorBadgeStyle style,
              GdkRGBA           *fg,
              GdkRGBA           *bg)
{
  const char *name = NULL;
  double      alpha = 0.12;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);

  switch (style)
    {
    case MIGRATOR_BADGE_ACCENT:
      if (lookup_color (widget, "accent_bg_color", bg) && lookup_color (widget, "accent_fg_color", fg))
        return;
      break;

    case MIGRATOR_BADGE_SUCCESS:
      name = "success_color";
      break;

    case MIGRATOR_BADGE_WARNING:
      name = "warning_color";
      alpha = 0.15;
      break;

    case MIGRATOR_BADGE_ERROR:
      name = "error_color";
      break;

    case MIGRATOR_BADGE_NEUTRAL:
    default:
      break;
    }

  if (name != NULL)
    lookup_color (widget, name, fg);
  *bg = *fg;
  bg->alpha = fg->alpha * (name != NULL ? alpha : 0.1);
}

static void
migrator_badges_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  MigratorBadges *self = MIGRATOR_BADGES (widget);
  int             height = gtk_widget_get_height (widget);
  float           x = 0;

  ensure_layouts (self);

  for (guint i = 0; i < self->badges->len; i++)
    {
      Badge         *badge = &g_array_index (self->badges, Badge, i);
      float          width = badge->width + 2 * PAD_X;
      float          y = (height - self->text_height) / 2.0f;
      GskRoundedRect pill;
      GdkRGBA        fg, bg;

      if (i > 0 && x + width > gtk_widget_get_width (widget))
        break;

      badge_colors (widget, badge->style, &fg, &bg);
      gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (x, y, width, self->text_height),
                                       self->text_height / 2.0f);
      gtk_snapshot_push_rounded_clip (snapshot, &pill);
      gtk_snapshot_append_color (snapshot, &bg, &pill.bounds);
      gtk_snapshot_pop (snapshot);

      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + PAD_X, y));
      gtk_snapshot_append_layout (snapshot, badge->layout, &fg);
      gtk_snapshot_restore (snapshot);

      x += width + SPACING;
    }
}

static gboolean
migrator_badges_query_tooltip (GtkWidget  *widget,
                               int         x,
                               int         y,
                               gboolean    keyboard_tooltip,
                               GtkTooltip *tooltip)
{
  MigratorBadges *self = MIGRATOR_BADGES (widget);
  int             start = 0;

  for (guint i = 0; i < self->badges->len; i++)
    {
      Badge *badge = &g_array_index (self->badges, Badge, i);
      int    end = start + badge->width + 2 * PAD_X;

      if (i > 0 && end > gtk_widget_get_width (widget))
        break;  /* not drawn: no room */
      if (x >= start && x < end)
        {
          if (badge->tooltip == NULL)
            return FALSE;
          gtk_tooltip_set_text (tooltip, badge->tooltip);
          return TRUE;
        }
      start = end + SPACING;
    }

  return FALSE;
}

static void
migrator_badges_finalize (GObject *object)
{
  MigratorBadges *self = MIGRATOR_BADGES (object);

  g_clear_pointer (&self->badges, g_array_unref);

  G_OBJECT_CLASS (migrator_badges_parent_class)->finalize (object);
}

static void
migrator_badges_class_init (MigratorBadgesClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = migrator_badges_finalize;
  widget_class->measure = migrator_badges_measure;
  widget_class->snapshot = migrator_badges_snapshot;
  widget_class->query_tooltip = migrator_badges_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "migratorbadges");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
migrator_badges_init (MigratorBadges *self)
{
  self->badges = g_array_new (FALSE, TRUE, sizeof (Badge));
  g_array_set_clear_func (self->badges, badge_clear);
  /* A query-tooltip handler instead of tooltip text: setting a tooltip
   * asks the display where the pointer is, once per row. */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
}

GtkWidget *
migrator_badges_new (void)
{
  return g_object_new (MIGRATOR_TYPE_BADGES, NULL);
}

void
migrator_badges_set (MigratorBadges      *self,
                     const MigratorBadge *badges,
                     guint                n_badges)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MIGRATOR_IS_BADGES (self));
  g_return_if_fail (n_badges == 0 || badges != NULL);

  g_array_set_size (self->badges, 0);
  self->text_height = 0;
  for (guint i = 0; i < n_badges; i++)
    {
      Badge badge = { g_strdup (badges[i].label), g_strdup (badges[i].tooltip), badges[i].style, NULL, 0 };

      g_array_append_val (self->badges, badge);
    }

  text = migrator_badges_dup_text (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_widget_set_visible (GTK_WIDGET (self), n_badges > 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

char *
migrator_badges_dup_text (MigratorBadges *self)
{
  GString *text;

  g_return_val_if_fail (MIGRATOR_IS_BADGES (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->badges->len; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_array_index (self->badges, Badge, i).label);
    }
  return g_string_free (text, FALSE);
}
