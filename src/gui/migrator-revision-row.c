/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision-row"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-badges.h"
#include "migrator-gui-private.h"
#include "migrator-revision-row.h"

#define LANE_WIDTH 14

/* A list of 10,000 revisions makes and binds up to 200 rows whenever it
 * jumps far or a search is cleared, so a row is built in code from a few
 * widgets: the graph, the message, one label for id and date, one widget
 * drawing every badge, and a button. Its menu is made on first use. */
struct _MigratorRevisionRow
{
  GtkWidget             parent_instance;

  /* Child widgets */
  GtkWidget            *lanes;
  GtkWidget            *text_box;
  GtkWidget            *message_label;
  GtkWidget            *meta_label;
  MigratorBadges       *badges;
  GtkWidget            *menu_button;

  /* Owned references */
  MigratorRevisionItem *item;
  GtkWidget            *popover;  /* the menu, made on first use */
  gulong                state_handler;
  MigratorRevisionState shown_state;
  gboolean              shown_bound;
};

G_DEFINE_FINAL_TYPE (MigratorRevisionRow, migrator_revision_row, GTK_TYPE_WIDGET)

static GMenuModel *
get_context_menu (void)
{
  static GMenuModel *menu;

  if (g_once_init_enter (&menu))
    {
      GMenu *model = g_menu_new ();
      g_autoptr(GMenu) steps = g_menu_new ();
      g_autoptr(GMenu) copy = g_menu_new ();

      g_menu_append (steps, _("_Upgrade to Here"), "row.upgrade-to");
      g_menu_append (steps, _("_Downgrade to Here"), "row.downgrade-to");
      g_menu_append (copy, _("_Copy ID"), "row.copy-id");
      g_menu_append_section (model, NULL, G_MENU_MODEL (steps));
      g_menu_append_section (model, NULL, G_MENU_MODEL (copy));
      g_once_init_leave (&menu, G_MENU_MODEL (model));
    }

  return menu;
}

static PangoAttrList *
message_attributes (gboolean pending)
{
  static PangoAttrList *attrs[2];

  /* Applied revisions in semibold, pending ones in normal weight. */
  if (attrs[pending] == NULL)
    {
      attrs[pending] = pango_attr_list_new ();
      pango_attr_list_insert (attrs[pending], pango_attr_weight_new (pending ? PANGO_WEIGHT_NORMAL : PANGO_WEIGHT_SEMIBOLD));
    }
  return attrs[pending];
}

static void
update_badges (MigratorRevisionRow   *self,
               MigratorRevisionState  state)
{
  MigratorBadge badges[9];
  guint n = 0;

#define ADD(flag, text, tip, kind) \
  if (state & (flag)) badges[n++] = (MigratorBadge) { text, tip, kind }

  ADD (MIGRATOR_REVISION_STATE_CURRENT, C_("revision state", "current"), NULL, MIGRATOR_BADGE_ACCENT);
  /* "Current" already says it is applied. */
  if (!(state & MIGRATOR_REVISION_STATE_CURRENT))
    ADD (MIGRATOR_REVISION_STATE_APPLIED, C_("revision state", "applied"), NULL, MIGRATOR_BADGE_SUCCESS);
  ADD (MIGRATOR_REVISION_STATE_PENDING, C_("revision state", "pending"), NULL, MIGRATOR_BADGE_WARNING);
  ADD (MIGRATOR_REVISION_STATE_HEAD, C_("revision state", "head"), NULL, MIGRATOR_BADGE_NEUTRAL);
  ADD (MIGRATOR_REVISION_STATE_MERGE, C_("revision state", "merge"), NULL, MIGRATOR_BADGE_NEUTRAL);
  ADD (MIGRATOR_REVISION_STATE_BRANCH_POINT, C_("revision state", "branch point"), NULL, MIGRATOR_BADGE_NEUTRAL);
  ADD (MIGRATOR_REVISION_STATE_CHANGED, C_("revision state", "changed"),
       _("The file changed after the revision was applied"), MIGRATOR_BADGE_ERROR);
  ADD (MIGRATOR_REVISION_STATE_IRREVERSIBLE, C_("revision state", "irreversible"),
       _("The revision has no downgrade section"), MIGRATOR_BADGE_ERROR);
  ADD (MIGRATOR_REVISION_STATE_NO_FILE, C_("revision state", "no file"),
       _("Known from the database only: there is no revision file"), MIGRATOR_BADGE_NEUTRAL);

#undef ADD

  migrator_badges_set (self->badges, badges, n);
}

static void
update_state (MigratorRevisionRow *self)
{
  MigratorRevisionState state = self->item ? migrator_revision_item_get_state (self->item) : 0;
  gboolean has_file = self->item != NULL && migrator_revision_item_get_revision (self->item) != NULL;

  /* Scrolling rebinds rows to items of the same state most of the time. */
  if (self->shown_bound && state == self->shown_state)
    {
      gtk_widget_queue_draw (self->lanes);
      return;
    }
  self->shown_bound = TRUE;
  self->shown_state = state;

  update_badges (self, state);
  gtk_label_set_attributes (GTK_LABEL (self->message_label),
                            message_attributes ((state & MIGRATOR_REVISION_STATE_PENDING) != 0));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.upgrade-to", has_file);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.downgrade-to",
                                 has_file && (state & MIGRATOR_REVISION_STATE_APPLIED));
  gtk_widget_queue_draw (self->lanes);
}
static double
lane_x (guint lane)
{
  return LANE_WIDTH / 2.0 + lane * LANE_WIDTH;
}

static void
draw_lanes (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  MigratorRevisionRow *self = user_data;
  const MigratorLanes *lanes;
  MigratorRevisionState state;
  GdkRGBA color;
  double mid = height / 2.0;
  double node_x;

  if (self->item == NULL)
    return;

  lanes = migrator_revision_item_get_lanes (self->item);
  state = migrator_revision_item_get_state (self->item);
  node_x = lane_x (lanes->node);

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  color.alpha *= 0.55;
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 2.0);

  for (guint i = 0; i < MIGRATOR_MAX_LANES; i++)
    {
      guint16 bit = 1u << i;

      if (lanes->top_to_node & bit)
        {
          cairo_move_to (cr, lane_x (i), 0);
          cairo_curve_to (cr, lane_x (i), mid / 2, node_x, mid / 2, node_x, mid);
        }
      else if ((lanes->top & bit) && (lanes->bottom & bit))
        {
          cairo_move_to (cr, lane_x (i), 0);
          cairo_line_to (cr, lane_x (i), height);
        }

      if (lanes->bottom_from_node & bit)
        {
          cairo_move_to (cr, node_x, mid);
          cairo_curve_to (cr, node_x, mid + mid / 2, lane_x (i), mid + mid / 2, lane_x (i), height);
        }
    }
  cairo_stroke (cr);

  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &color);
  if (state & MIGRATOR_REVISION_STATE_CURRENT)
    gdk_rgba_parse (&color, "#3584e4");
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, node_x, mid, 4.5, 0, 2 * G_PI);
  if (state & MIGRATOR_REVISION_STATE_APPLIED)
    cairo_fill (cr);
  else
    {
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
}

static void
state_changed_cb (MigratorRevisionRow *self)
{
  update_state (self);
}

static void
activate_window_action (MigratorRevisionRow *self,
                        const char          *name)
{
  if (self->item == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), name, "s",
                              migrator_revision_item_get_id (self->item));
}

static void
upgrade_to_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  activate_window_action (MIGRATOR_REVISION_ROW (widget), "win.upgrade-to");
}

static void
downgrade_to_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  activate_window_action (MIGRATOR_REVISION_ROW (widget), "win.downgrade-to");
}

static void
copy_id_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  activate_window_action (MIGRATOR_REVISION_ROW (widget), "win.copy-id");
}

static void
popup_menu (MigratorRevisionRow   *self,
            const GdkRectangle    *rect,
            gboolean               has_arrow)
{
  if (self->item == NULL)
    return;

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (get_context_menu ());
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
    }

  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), has_arrow);
  gtk_widget_set_halign (self->popover, has_arrow ? GTK_ALIGN_FILL : GTK_ALIGN_START);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
context_click_cb (GtkGestureClick     *gesture,
                  int                  n_press,
                  double               x,
                  double               y,
                  MigratorRevisionRow *self)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  popup_menu (self, &rect, FALSE);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
menu_button_clicked_cb (MigratorRevisionRow *self)
{
  graphene_rect_t bounds;
  GdkRectangle rect = { 0, };

  if (gtk_widget_compute_bounds (self->menu_button, GTK_WIDGET (self), &bounds))
    rect = (GdkRectangle) { bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height };
  popup_menu (self, &rect, TRUE);
}

/* Tooltips by query: setting tooltip text asks the display where the
 * pointer is, which hundreds of new rows would do at once. */
static gboolean
message_query_tooltip_cb (GtkWidget           *label,
                          int                  x,
                          int                  y,
                          gboolean             keyboard,
                          GtkTooltip          *tooltip,
                          MigratorRevisionRow *self)
{
  if (self->item == NULL || !pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
    return FALSE;

  gtk_tooltip_set_text (tooltip, migrator_revision_item_get_message (self->item));
  return TRUE;
}

static gboolean
button_query_tooltip_cb (GtkWidget  *button,
                         int         x,
                         int         y,
                         gboolean    keyboard,
                         GtkTooltip *tooltip,
                         gpointer    user_data)
{
  gtk_tooltip_set_text (tooltip, _("Revision Actions"));
  return TRUE;
}

static void
migrator_revision_row_dispose (GObject *object)
{
  MigratorRevisionRow *self = MIGRATOR_REVISION_ROW (object);

  migrator_revision_row_set_item (self, NULL);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_pointer (&self->lanes, gtk_widget_unparent);
  g_clear_pointer (&self->text_box, gtk_widget_unparent);
  g_clear_pointer (&self->menu_button, gtk_widget_unparent);
  self->message_label = NULL;
  self->meta_label = NULL;
  self->badges = NULL;

  G_OBJECT_CLASS (migrator_revision_row_parent_class)->dispose (object);
}

static void
migrator_revision_row_class_init (MigratorRevisionRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_revision_row_dispose;

  gtk_widget_class_install_action (widget_class, "row.upgrade-to", NULL, upgrade_to_action);
  gtk_widget_class_install_action (widget_class, "row.downgrade-to", NULL, downgrade_to_action);
  gtk_widget_class_install_action (widget_class, "row.copy-id", NULL, copy_id_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorrevisionrow");
}

static void
build_text (MigratorRevisionRow *self)
{
  GtkWidget *line;

  self->text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_hexpand (self->text_box, TRUE);
  gtk_widget_set_valign (self->text_box, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (self->text_box, 6);
  gtk_widget_set_margin_bottom (self->text_box, 6);
  gtk_widget_set_parent (self->text_box, GTK_WIDGET (self));

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->message_label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (self->message_label, "revision-message");
  gtk_widget_set_has_tooltip (self->message_label, TRUE);
  g_signal_connect (self->message_label, "query-tooltip", G_CALLBACK (message_query_tooltip_cb), self);
  gtk_box_append (GTK_BOX (self->text_box), self->message_label);

  line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (self->text_box), line);

  self->meta_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->meta_label), 0);
  gtk_widget_add_css_class (self->meta_label, "dim-label");
  gtk_box_append (GTK_BOX (line), self->meta_label);

  self->badges = MIGRATOR_BADGES (migrator_badges_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->badges), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (line), GTK_WIDGET (self->badges));
}

static void
migrator_revision_row_init (MigratorRevisionRow *self)
{
  GtkGesture *gesture;

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 6);

  self->lanes = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->lanes), LANE_WIDTH);
  gtk_widget_set_vexpand (self->lanes, TRUE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->lanes), draw_lanes, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lanes), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Revision graph"), -1);
  gtk_widget_set_parent (self->lanes, GTK_WIDGET (self));

  build_text (self);

  self->menu_button = gtk_button_new_from_icon_name ("view-more-symbolic");
  gtk_widget_set_valign (self->menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->menu_button, "flat");
  gtk_widget_set_has_tooltip (self->menu_button, TRUE);
  g_signal_connect (self->menu_button, "query-tooltip", G_CALLBACK (button_query_tooltip_cb), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Revision Actions"),
                                  GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE, -1);
  g_signal_connect_swapped (self->menu_button, "clicked", G_CALLBACK (menu_button_clicked_cb), self);
  gtk_widget_set_parent (self->menu_button, GTK_WIDGET (self));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  update_state (self);
}

GtkWidget *
migrator_revision_row_new (void)
{
  return g_object_new (MIGRATOR_TYPE_REVISION_ROW, NULL);
}

void
migrator_revision_row_set_item (MigratorRevisionRow  *self,
                                MigratorRevisionItem *item)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_ROW (self));
  g_return_if_fail (item == NULL || MIGRATOR_IS_REVISION_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_clear_signal_handler (&self->state_handler, self->item);
  g_set_object (&self->item, item);

  if (item != NULL)
    {
      g_autofree char *meta = NULL;

      self->state_handler = g_signal_connect_swapped (item, "notify::state",
                                                      G_CALLBACK (state_changed_cb), self);
      gtk_label_set_text (GTK_LABEL (self->message_label), migrator_revision_item_get_message (item));
      meta = g_markup_printf_escaped ("<span font_family=\"monospace\">%s</span>  <small>%s</small>",
                                      migrator_revision_item_get_short_id (item),
                                      migrator_revision_item_get_date (item));
      gtk_label_set_markup (GTK_LABEL (self->meta_label), meta);
    }

  if (self->lanes != NULL)
    update_state (self);
}

MigratorRevisionItem *
migrator_revision_row_get_item (MigratorRevisionRow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ROW (self), NULL);

  return self->item;
}

void
migrator_revision_row_set_n_lanes (MigratorRevisionRow *self,
                                   guint                n_lanes)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_ROW (self));

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self->lanes), MAX (n_lanes, 1) * LANE_WIDTH);
}

char *
migrator_revision_row_dup_badges_text (MigratorRevisionRow *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ROW (self), NULL);

  return migrator_badges_dup_text (self->badges);
}
