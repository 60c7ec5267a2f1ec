/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision-row"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-gui-private.h"
#include "migrator-revision-row.h"

#define LANE_WIDTH 14

struct _MigratorRevisionRow
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkWidget            *box;
  GtkDrawingArea       *lanes;
  GtkLabel             *message_label;
  GtkLabel             *id_label;
  GtkLabel             *date_label;
  GtkWidget            *current_badge;
  GtkWidget            *applied_badge;
  GtkWidget            *pending_badge;
  GtkWidget            *head_badge;
  GtkWidget            *merge_badge;
  GtkWidget            *branch_badge;
  GtkWidget            *changed_badge;
  GtkWidget            *irreversible_badge;
  GtkWidget            *no_file_badge;
  GtkMenuButton        *menu_button;
  GMenuModel           *context_menu;

  /* Owned references */
  MigratorRevisionItem *item;
  GtkWidget            *popover;  /* the right-click menu, made on first use */
  gulong                state_handler;
};

G_DEFINE_FINAL_TYPE (MigratorRevisionRow, migrator_revision_row, GTK_TYPE_WIDGET)

static void
update_state (MigratorRevisionRow *self)
{
  MigratorRevisionState state = self->item ? migrator_revision_item_get_state (self->item) : 0;
  static const struct
  {
    MigratorRevisionState flag;
    gsize                 offset;
  } badges[] = {
    { MIGRATOR_REVISION_STATE_CURRENT, G_STRUCT_OFFSET (MigratorRevisionRow, current_badge) },
    { MIGRATOR_REVISION_STATE_PENDING, G_STRUCT_OFFSET (MigratorRevisionRow, pending_badge) },
    { MIGRATOR_REVISION_STATE_HEAD, G_STRUCT_OFFSET (MigratorRevisionRow, head_badge) },
    { MIGRATOR_REVISION_STATE_MERGE, G_STRUCT_OFFSET (MigratorRevisionRow, merge_badge) },
    { MIGRATOR_REVISION_STATE_BRANCH_POINT, G_STRUCT_OFFSET (MigratorRevisionRow, branch_badge) },
    { MIGRATOR_REVISION_STATE_CHANGED, G_STRUCT_OFFSET (MigratorRevisionRow, changed_badge) },
    { MIGRATOR_REVISION_STATE_IRREVERSIBLE, G_STRUCT_OFFSET (MigratorRevisionRow, irreversible_badge) },
    { MIGRATOR_REVISION_STATE_NO_FILE, G_STRUCT_OFFSET (MigratorRevisionRow, no_file_badge) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (badges); i++)
    gtk_widget_set_visible (G_STRUCT_MEMBER (GtkWidget *, self, badges[i].offset),
                            (state & badges[i].flag) != 0);

  /* "Current" already says it is applied. */
  gtk_widget_set_visible (self->applied_badge,
                          (state & MIGRATOR_REVISION_STATE_APPLIED) &&
                          !(state & MIGRATOR_REVISION_STATE_CURRENT));

  if (state & MIGRATOR_REVISION_STATE_PENDING)
    gtk_widget_add_css_class (GTK_WIDGET (self), "pending");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "pending");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.upgrade-to",
                                 self->item != NULL && migrator_revision_item_get_revision (self->item) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "row.downgrade-to",
                                 (state & MIGRATOR_REVISION_STATE_APPLIED) &&
                                 migrator_revision_item_get_revision (self->item) != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->lanes));
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
context_click_cb (GtkGestureClick     *gesture,
                  int                  n_press,
                  double               x,
                  double               y,
                  MigratorRevisionRow *self)
{
  GdkRectangle rect = { (int) x, (int) y, 1, 1 };

  if (self->item == NULL)
    return;

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (self->context_menu);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
    }

  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* The menu is built when first opened: a list of 10,000 revisions makes
 * hundreds of rows, and most menus are never opened. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  MigratorRevisionRow *self = user_data;

  if (gtk_menu_button_get_popover (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->context_menu);
}

static void
migrator_revision_row_dispose (GObject *object)
{
  MigratorRevisionRow *self = MIGRATOR_REVISION_ROW (object);

  migrator_revision_row_set_item (self, NULL);
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_REVISION_ROW);

  G_OBJECT_CLASS (migrator_revision_row_parent_class)->dispose (object);
}

static void
migrator_revision_row_class_init (MigratorRevisionRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_revision_row_dispose;

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-revision-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, box);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, lanes);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, id_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, current_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, applied_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, pending_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, head_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, merge_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, branch_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, changed_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, irreversible_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, no_file_badge);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionRow, context_menu);

  gtk_widget_class_install_action (widget_class, "row.upgrade-to", NULL, upgrade_to_action);
  gtk_widget_class_install_action (widget_class, "row.downgrade-to", NULL, downgrade_to_action);
  gtk_widget_class_install_action (widget_class, "row.copy-id", NULL, copy_id_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorrevisionrow");
}

static void
migrator_revision_row_init (MigratorRevisionRow *self)
{
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drawing_area_set_draw_func (self->lanes, draw_lanes, self, NULL);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup_cb, self, NULL);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
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
      g_autofree char *accessible = NULL;

      self->state_handler = g_signal_connect_swapped (item, "notify::state",
                                                      G_CALLBACK (state_changed_cb), self);
      gtk_label_set_text (self->message_label, migrator_revision_item_get_message (item));
      gtk_label_set_text (self->id_label, migrator_revision_item_get_short_id (item));
      gtk_label_set_text (self->date_label, migrator_revision_item_get_date (item));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->message_label), migrator_revision_item_get_message (item));
    }

  if (self->box != NULL)
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

  gtk_drawing_area_set_content_width (self->lanes, MAX (n_lanes, 1) * LANE_WIDTH);
}
