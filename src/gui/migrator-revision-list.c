/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "migrator-gui-private.h"
#include "migrator-revision-list.h"
#include "migrator-revision-row.h"

struct _MigratorRevisionList
{
  GtkWidget           parent_instance;

  /* Template widgets */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;

  /* Owned references */
  GListModel         *items;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  char               *search;
  char              **words;  /* of the search, casefolded */
  char               *search_prefix;  /* the search last filtered by */
  guint               n_lanes;
  gboolean            busy;
};

G_DEFINE_FINAL_TYPE (MigratorRevisionList, migrator_revision_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  MigratorRevisionList *self = user_data;

  return migrator_revision_item_matches_words (item, (const char *const *) self->words);
}

static void
update_empty (MigratorRevisionList *self)
{
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0 &&
                   gtk_filter_list_model_get_pending (self->filtered) == 0 &&
                   self->words != NULL && self->words[0] != NULL;

  gtk_stack_set_visible_child_name (self->stack, empty ? "no-results" : "list");
}

static void
search_changed_cb (MigratorRevisionList *self,
                   GtkSearchEntry       *entry)
{
  migrator_revision_list_set_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* Escape in the search entry: the entry takes the key before the
 * window's Escape shortcut sees it, so while an operation runs it cancels
 * the operation here; otherwise it clears the search. */
static void
stop_search_cb (MigratorRevisionList *self,
                GtkSearchEntry       *entry)
{
  if (self->busy)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.cancel", NULL);
  else
    migrator_revision_list_set_search (self, "");
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              MigratorRevisionList     *self)
{
  gtk_list_item_set_child (list_item, migrator_revision_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             MigratorRevisionList     *self)
{
  MigratorRevisionRow *row = MIGRATOR_REVISION_ROW (gtk_list_item_get_child (list_item));

  migrator_revision_row_set_n_lanes (row, self->n_lanes);
  migrator_revision_row_set_item (row, gtk_list_item_get_item (list_item));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               MigratorRevisionList     *self)
{
  migrator_revision_row_set_item (MIGRATOR_REVISION_ROW (gtk_list_item_get_child (list_item)), NULL);
}

static void
selection_changed_cb (MigratorRevisionList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
items_changed_cb (MigratorRevisionList *self)
{
  update_empty (self);
}

static void
migrator_revision_list_dispose (GObject *object)
{
  MigratorRevisionList *self = MIGRATOR_REVISION_LIST (object);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_REVISION_LIST);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (migrator_revision_list_parent_class)->dispose (object);
}

static void
migrator_revision_list_finalize (GObject *object)
{
  MigratorRevisionList *self = MIGRATOR_REVISION_LIST (object);

  g_free (self->search);
  g_strfreev (self->words);
  g_free (self->search_prefix);

  G_OBJECT_CLASS (migrator_revision_list_parent_class)->finalize (object);
}

static void
migrator_revision_list_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MigratorRevisionList *self = MIGRATOR_REVISION_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, migrator_revision_list_get_selected_item (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
migrator_revision_list_grab_focus (GtkWidget *widget)
{
  MigratorRevisionList *self = MIGRATOR_REVISION_LIST (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

static void
migrator_revision_list_class_init (MigratorRevisionListClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_revision_list_dispose;
  object_class->finalize = migrator_revision_list_finalize;
  object_class->get_property = migrator_revision_list_get_property;
  widget_class->grab_focus = migrator_revision_list_grab_focus;

  /**
   * MigratorRevisionList:selected-item:
   *
   * The MigratorRevisionItem selected, or %NULL.
   */
  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL,
                         MIGRATOR_TYPE_REVISION_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-revision-list.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionList, box);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionList, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorrevisionlist");

  g_type_ensure (ADW_TYPE_STATUS_PAGE);
}

static void
migrator_revision_list_init (MigratorRevisionList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, NULL);
  /* A search of a long history is checked in chunks between frames. */
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->filtered, "items-changed",
                            G_CALLBACK (items_changed_cb), self);
  g_signal_connect_swapped (self->filtered, "notify::pending",
                            G_CALLBACK (items_changed_cb), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}

GtkWidget *
migrator_revision_list_new (void)
{
  return g_object_new (MIGRATOR_TYPE_REVISION_LIST, NULL);
}

static guint
count_lanes (GListModel *items)
{
  guint n = items ? g_list_model_get_n_items (items) : 0;
  guint16 used = 0;
  guint lanes = 1;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorRevisionItem) item = g_list_model_get_item (items, i);
      const MigratorLanes *l = migrator_revision_item_get_lanes (item);

      used |= l->top | l->bottom | (1u << l->node);
    }

  for (guint i = 0; i < MIGRATOR_MAX_LANES; i++)
    if (used & (1u << i))
      lanes = i + 1;
  return lanes;
}

void
migrator_revision_list_set_items (MigratorRevisionList *self,
                                  GListModel           *items)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_LIST (self));
  g_return_if_fail (items == NULL || G_IS_LIST_MODEL (items));

  if (!g_set_object (&self->items, items))
    return;

  self->n_lanes = count_lanes (items);
  /* The list view takes a new model faster than 10,000 new rows. */
  gtk_list_view_set_model (self->list_view, NULL);
  gtk_filter_list_model_set_model (self->filtered, items);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  update_empty (self);
}

GListModel *
migrator_revision_list_get_items (MigratorRevisionList *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_LIST (self), NULL);

  return self->items;
}

GListModel *
migrator_revision_list_get_visible_items (MigratorRevisionList *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_LIST (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

MigratorRevisionItem *
migrator_revision_list_get_selected_item (MigratorRevisionList *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_LIST (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

gboolean
migrator_revision_list_select_id (MigratorRevisionList *self,
                                  const char           *id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (MIGRATOR_IS_REVISION_LIST (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  model = G_LIST_MODEL (self->filtered);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorRevisionItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (migrator_revision_item_get_id (item), id))
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          return TRUE;
        }
    }

  return FALSE;
}

void
migrator_revision_list_set_search (MigratorRevisionList *self,
                                   const char           *search)
{
  g_auto(GStrv) previous = NULL;
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  g_return_if_fail (MIGRATOR_IS_REVISION_LIST (self));

  if (g_strcmp0 (self->search, search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), search ? search : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), search ? search : "");

  previous = g_steal_pointer (&self->words);
  self->words = migrator_revision_search_words (search);
  if (previous != NULL && g_strv_equal ((const char *const *) previous, (const char *const *) self->words))
    return;

  /* Typing more only narrows the list: GTK then re-checks only the rows
   * still shown. Without a search there is no filter at all, so that a
   * long history is shown without a call per revision. */
  if (search != NULL && self->search_prefix != NULL && g_str_has_prefix (search, self->search_prefix))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (search != NULL && self->search_prefix != NULL && g_str_has_prefix (self->search_prefix, search))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  g_free (self->search_prefix);
  self->search_prefix = g_strdup (search);

  if (self->words[0] == NULL)
    gtk_filter_list_model_set_filter (self->filtered, NULL);
  else if (gtk_filter_list_model_get_filter (self->filtered) == NULL)
    gtk_filter_list_model_set_filter (self->filtered, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), change);
  update_empty (self);
}

gboolean
migrator_revision_list_get_searching (MigratorRevisionList *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_LIST (self), FALSE);

  return gtk_filter_list_model_get_pending (self->filtered) > 0;
}

void
migrator_revision_list_set_busy (MigratorRevisionList *self,
                                 gboolean              busy)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_LIST (self));

  self->busy = !!busy;
}

void
migrator_revision_list_focus_search (MigratorRevisionList *self)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
