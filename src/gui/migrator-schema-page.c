/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-schema-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "migrator-config.h"
#include "migrator-diff.h"
#include "migrator-graph.h"
#include "migrator-gui-private.h"
#include "migrator-pages-private.h"
#include "migrator-revision.h"
#include "migrator-schema.h"
#include "migrator-schema-page.h"

/* Longest revision message shown in the drop-downs. */
#define MAX_MESSAGE_CHARS 48

/* One sidebar entry: a table, view, index or trigger, or the summary of a
 * comparison, with how the comparison changed it. */

typedef enum
{
  OBJECT_CHANGES, /* "All Changes", first in a comparison */
  OBJECT_TABLE,
  OBJECT_VIEW,
  OBJECT_INDEX,
  OBJECT_TRIGGER,
} ObjectKind;

typedef enum
{
  STATUS_SAME,
  STATUS_ADDED,
  STATUS_REMOVED,
  STATUS_CHANGED,
} ObjectStatus;

static const char *const object_kind_names[] = { "changes", "table", "view", "index", "trigger" };

#define MIGRATOR_TYPE_SCHEMA_OBJECT_ITEM (migrator_schema_object_item_get_type ())
G_DECLARE_FINAL_TYPE (MigratorSchemaObjectItem, migrator_schema_object_item, MIGRATOR, SCHEMA_OBJECT_ITEM, GObject)

struct _MigratorSchemaObjectItem
{
  GObject parent_instance;

  ObjectKind   kind;
  ObjectStatus status;
  char        *name;
  GObject     *object; /* MigratorSchemaTable, …View, …Index, …Trigger; NULL for CHANGES */
};

G_DEFINE_FINAL_TYPE (MigratorSchemaObjectItem, migrator_schema_object_item, G_TYPE_OBJECT)

enum
{
  ITEM_PROP_0,
  ITEM_PROP_NAME,
  ITEM_PROP_KIND,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
migrator_schema_object_item_finalize (GObject *object)
{
  MigratorSchemaObjectItem *self = MIGRATOR_SCHEMA_OBJECT_ITEM (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->object);

  G_OBJECT_CLASS (migrator_schema_object_item_parent_class)->finalize (object);
}

static void
migrator_schema_object_item_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  MigratorSchemaObjectItem *self = MIGRATOR_SCHEMA_OBJECT_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case ITEM_PROP_KIND:
      g_value_set_static_string (value, object_kind_names[self->kind]);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_schema_object_item_class_init (MigratorSchemaObjectItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_schema_object_item_finalize;
  object_class->get_property = migrator_schema_object_item_get_property;

  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_KIND] =
    g_param_spec_string ("kind", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
migrator_schema_object_item_init (MigratorSchemaObjectItem *self)
{
}

static MigratorSchemaObjectItem *
object_item_new (ObjectKind  kind,
                 const char *name,
                 gpointer    object)
{
  MigratorSchemaObjectItem *item = g_object_new (MIGRATOR_TYPE_SCHEMA_OBJECT_ITEM, NULL);

  item->kind = kind;
  item->name = g_strdup (name);
  item->object = object != NULL ? g_object_ref (object) : NULL;

  return item;
}

/* Loading, on a worker thread: each thread opens its own connection (or
 * replays revisions into its own in-memory database). */

typedef struct
{
  char           *database_path;
  char          **ignored_tables;
  gint64          lock_timeout_ms;
  MigratorGraph  *graph;
  char           *shown;    /* revision id, NULL: the database */
  char           *baseline; /* same; only with compare */
  gboolean        compare;
  MigratorSchema *shown_cached;
  MigratorSchema *baseline_cached;
} LoadData;

typedef struct
{
  MigratorSchema *shown;
  MigratorSchema *baseline;
  GPtrArray      *changes; /* (element-type MigratorSchemaChange) */
  gboolean        database_missing;
} LoadResult;

static void
load_data_free (LoadData *data)
{
  g_free (data->database_path);
  g_strfreev (data->ignored_tables);
  g_clear_object (&data->graph);
  g_free (data->shown);
  g_free (data->baseline);
  g_clear_object (&data->shown_cached);
  g_clear_object (&data->baseline_cached);
  g_free (data);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_object (&result->shown);
  g_clear_object (&result->baseline);
  g_clear_pointer (&result->changes, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

static MigratorSchema *
load_point (LoadData       *data,
            const char     *rev,
            MigratorSchema *cached,
            gboolean       *database_missing,
            GError        **error)
{
  MigratorRevision *revision;
  g_autoptr(GError) local_error = NULL;
  MigratorSchema *schema;

  if (cached != NULL)
    return g_object_ref (cached);

  if (rev == NULL)
    {
      schema = migrator_schema_new_from_database_file (data->database_path,
                                                       (const char *const *) data->ignored_tables,
                                                       data->lock_timeout_ms, &local_error);
      /* A database that an upgrade has not created yet is empty. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          *database_missing = TRUE;
          return migrator_schema_new ();
        }
      if (schema == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return schema;
    }

  revision = data->graph != NULL ? migrator_graph_lookup (data->graph, rev) : NULL;
  if (revision == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Unknown revision “%s”"), rev);
      return NULL;
    }

  return migrator_schema_new_at_revision (data->graph, revision,
                                          (const char *const *) data->ignored_tables, error);
}

static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  GError *error = NULL;

  result->shown = load_point (data, data->shown, data->shown_cached, &result->database_missing, &error);
  if (result->shown == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (data->compare)
    {
      if (g_task_return_error_if_cancelled (task))
        return;

      result->baseline = load_point (data, data->baseline, data->baseline_cached,
                                     &result->database_missing, &error);
      if (result->baseline == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      result->changes = migrator_schema_diff (result->baseline, result->shown);
    }

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) load_result_free);
}

/* The page */

struct _MigratorSchemaPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkDropDown         *point_dropdown;
  GtkDropDown         *compare_dropdown;
  GtkSpinner          *spinner;
  GtkListBox          *sidebar;
  GtkStack            *detail_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *error_page;
  AdwStatusPage       *empty_page;
  GtkLabel            *changes_title;
  GtkListBox          *changes_list;
  GtkImage            *object_icon;
  GtkLabel            *object_title;
  GtkLabel            *object_subtitle;
  GtkStackSwitcher    *object_switcher;
  GtkListBox          *object_changes;
  GtkStack            *object_stack;
  GtkStackPage        *columns_page;
  GtkStackPage        *foreign_keys_page;
  GtkStackPage        *indexes_page;
  GtkStackPage        *sql_page;
  GtkColumnView       *columns_view;
  GtkColumnViewColumn *column_name;
  GtkColumnViewColumn *column_type;
  GtkColumnViewColumn *column_notnull;
  GtkColumnViewColumn *column_default;
  GtkColumnViewColumn *column_pk;
  GtkListBox          *foreign_keys_list;
  GtkListBox          *indexes_list;
  GtkSourceView       *sql_view;

  /* Owned references */
  MigratorProject *project;
  char            *database_path;
  GPtrArray       *points;         /* drop-down position -> revision id (NULL: database) */
  GHashTable      *revision_cache; /* revision id -> MigratorSchema */
  GListStore      *objects;        /* (element-type MigratorSchemaObjectItem) */
  GListStore      *changes;        /* (element-type MigratorSchemaChange); NULL without a comparison */
  MigratorSchema  *shown;
  GCancellable    *load_cancellable;
  char            *selected_name;  /* kept across reloads */
  char            *pending_select; /* migrator_schema_page_select() during a load */

  guint    n_pk_columns; /* of the table shown */
  gboolean loading;
  gboolean updating_points; /* drop-down models are being replaced */
};

G_DEFINE_FINAL_TYPE (MigratorSchemaPage, migrator_schema_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_load (MigratorSchemaPage *self);

static const char *
point_at (MigratorSchemaPage *self,
          guint               position)
{
  if (self->points == NULL || position >= self->points->len)
    return NULL;

  return g_ptr_array_index (self->points, position);
}

static void
set_loading (MigratorSchemaPage *self,
             gboolean            loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Drop-downs: "Database", then every revision, newest first. */

static char *
describe_revision (MigratorRevision *revision)
{
  const char      *message = migrator_revision_get_message (revision);
  g_autofree char *shortened = NULL;

  if (g_utf8_strlen (message, -1) > MAX_MESSAGE_CHARS)
    {
      g_autofree char *start = g_utf8_substring (message, 0, MAX_MESSAGE_CHARS - 1);

      shortened = g_strconcat (start, "…", NULL);
      message = shortened;
    }

  /* Translators: a revision in a drop-down: its id, then its message */
  return g_strdup_printf (_("%s · %s"), migrator_revision_get_id (revision), message);
}

static void
fill_points (MigratorSchemaPage *self)
{
  g_autoptr(GtkStringList) shown = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) compared = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = NULL;
  g_autoptr(GPtrArray) ordered = NULL;
  MigratorGraph *graph = self->project != NULL ? migrator_project_get_graph (self->project) : NULL;

  g_clear_pointer (&self->points, g_ptr_array_unref);
  self->points = g_ptr_array_new_with_free_func (g_free);

  /* Translators: in "Compare with": no comparison */
  gtk_string_list_append (compared, C_("compare", "Nothing"));

  if (self->database_path != NULL)
    {
      /* Translators: the live database file, as opposed to a revision */
      gtk_string_list_append (shown, _("Database"));
      gtk_string_list_append (compared, _("Database"));
      g_ptr_array_add (self->points, NULL);
    }

  ordered = graph != NULL ? migrator_graph_get_ordered (graph) : g_ptr_array_new ();
  for (guint i = ordered->len; i > 0; i--)
    {
      MigratorRevision *revision = g_ptr_array_index (ordered, i - 1);
      g_autofree char  *label = describe_revision (revision);

      gtk_string_list_append (shown, label);
      gtk_string_list_append (compared, label);
      g_ptr_array_add (self->points, g_strdup (migrator_revision_get_id (revision)));
    }

  /* Searching 10,000 revisions by id or message. */
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

  self->updating_points = TRUE;
  gtk_drop_down_set_expression (self->point_dropdown, expression);
  gtk_drop_down_set_expression (self->compare_dropdown, expression);
  gtk_drop_down_set_model (self->point_dropdown, G_LIST_MODEL (shown));
  gtk_drop_down_set_model (self->compare_dropdown, G_LIST_MODEL (compared));
  gtk_drop_down_set_selected (self->point_dropdown, 0);
  gtk_drop_down_set_selected (self->compare_dropdown, 0);
  self->updating_points = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->point_dropdown), self->points->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compare_dropdown), self->points->len > 0);
}

/* Finds the drop-down position of @rev: NULL or MIGRATOR_SCHEMA_PAGE_DATABASE
 * is the database; else a revision id, prefix or target the graph resolves. */
static gboolean
find_point (MigratorSchemaPage *self,
            const char         *rev,
            guint              *position)
{
  MigratorRevision *revision;
  const char       *id = NULL;

  if (self->points == NULL)
    return FALSE;

  if (rev != NULL && !g_str_equal (rev, MIGRATOR_SCHEMA_PAGE_DATABASE))
    {
      g_autoptr(GError) error = NULL;

      revision = migrator_graph_resolve (migrator_project_get_graph (self->project), rev, &error);
      if (revision == NULL)
        return FALSE;
      id = migrator_revision_get_id (revision);
    }

  for (guint i = 0; i < self->points->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->points, i), id) == 0)
      {
        *position = i;
        return TRUE;
      }

  return FALSE;
}

/* Sidebar */

static const char *
kind_icon_name (ObjectKind kind)
{
  switch (kind)
    {
    case OBJECT_CHANGES:
      return "edit-find-replace-symbolic";
    case OBJECT_TABLE:
      return "x-office-spreadsheet-symbolic";
    case OBJECT_VIEW:
      return "view-grid-symbolic";
    case OBJECT_INDEX:
      return "view-list-ordered-symbolic";
    case OBJECT_TRIGGER:
    default:
      return "application-x-executable-symbolic";
    }
}

static const char *
kind_heading (ObjectKind kind)
{
  switch (kind)
    {
    case OBJECT_TABLE:
      return _("Tables");
    case OBJECT_VIEW:
      return _("Views");
    case OBJECT_INDEX:
      return _("Indexes");
    case OBJECT_TRIGGER:
      return _("Triggers");
    case OBJECT_CHANGES:
    default:
      return NULL;
    }
}

static const char *
status_css_class (ObjectStatus status)
{
  switch (status)
    {
    case STATUS_ADDED:
      return "migrator-diff-added";
    case STATUS_REMOVED:
      return "migrator-diff-removed";
    case STATUS_CHANGED:
      return "migrator-diff-changed";
    case STATUS_SAME:
    default:
      return NULL;
    }
}

static const char *
status_sign (ObjectStatus status)
{
  switch (status)
    {
    case STATUS_ADDED:
      return "+";
    case STATUS_REMOVED:
      return "−";
    case STATUS_CHANGED:
      return "~";
    case STATUS_SAME:
    default:
      return "";
    }
}

static const char *
status_description (ObjectStatus status)
{
  switch (status)
    {
    case STATUS_ADDED:
      return _("Added");
    case STATUS_REMOVED:
      return _("Removed");
    case STATUS_CHANGED:
      return _("Changed");
    case STATUS_SAME:
    default:
      return NULL;
    }
}

static GtkWidget *
create_sidebar_row (gpointer item_ptr,
                    gpointer user_data)
{
  MigratorSchemaObjectItem *item = item_ptr;
  GtkWidget                *row = gtk_list_box_row_new ();
  GtkWidget                *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 9);
  GtkWidget                *label;
  const char               *css_class = status_css_class (item->status);

  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (kind_icon_name (item->kind)));

  label = gtk_label_new (item->name);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  if (css_class != NULL)
    {
      GtkWidget *sign = gtk_label_new (status_sign (item->status));

      gtk_widget_add_css_class (sign, "migrator-diff-sign");
      gtk_box_append (GTK_BOX (box), sign);
      gtk_widget_add_css_class (row, css_class);
      gtk_widget_set_tooltip_text (row, status_description (item->status));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, status_description (item->status),
                                      -1);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (item), g_object_unref);

  return row;
}

static void
sidebar_header_cb (GtkListBoxRow *row,
                   GtkListBoxRow *before,
                   gpointer       user_data)
{
  MigratorSchemaObjectItem *item = g_object_get_data (G_OBJECT (row), "item");
  MigratorSchemaObjectItem *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "item") : NULL;
  const char               *heading = kind_heading (item->kind);
  GtkWidget                *label;

  if (heading == NULL || (previous != NULL && previous->kind == item->kind))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  label = gtk_label_new (heading);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "migrator-sidebar-heading");
  gtk_list_box_row_set_header (row, label);
}

/* Which sidebar entry a change concerns: a table for its columns and
 * constraints, else the index, view or trigger itself. */
static void
change_target (MigratorSchemaChange *change,
               ObjectKind           *kind,
               const char          **name)
{
  switch (migrator_schema_change_get_object (change))
    {
    case MIGRATOR_SCHEMA_OBJECT_INDEX:
      *kind = OBJECT_INDEX;
      *name = migrator_schema_change_get_name (change);
      break;
    case MIGRATOR_SCHEMA_OBJECT_VIEW:
      *kind = OBJECT_VIEW;
      *name = migrator_schema_change_get_name (change);
      break;
    case MIGRATOR_SCHEMA_OBJECT_TRIGGER:
      *kind = OBJECT_TRIGGER;
      *name = migrator_schema_change_get_name (change);
      break;
    case MIGRATOR_SCHEMA_OBJECT_TABLE:
      *kind = OBJECT_TABLE;
      *name = migrator_schema_change_get_name (change);
      break;
    default:
      *kind = OBJECT_TABLE;
      *name = migrator_schema_change_get_table (change);
      break;
    }
}

static gboolean
change_concerns (MigratorSchemaChange     *change,
                 MigratorSchemaObjectItem *item)
{
  ObjectKind  kind;
  const char *name;

  change_target (change, &kind, &name);

  return kind == item->kind && name != NULL && g_ascii_strcasecmp (name, item->name) == 0;
}

static char *
object_key (ObjectKind  kind,
            const char *name)
{
  g_autofree char *folded = g_ascii_strdown (name, -1);

  return g_strdup_printf ("%d:%s", kind, folded);
}

static void
add_schema_objects (GPtrArray      *items,
                    GHashTable     *seen,
                    MigratorSchema *schema,
                    ObjectStatus    status)
{
  GListModel *tables = migrator_schema_get_tables (schema);
  GListModel *views = migrator_schema_get_views (schema);
  GListModel *triggers = migrator_schema_get_triggers (schema);
  guint       n;

#define ADD_ITEM(kind, name, object)                                           \
  G_STMT_START                                                                 \
  {                                                                            \
    char *key = object_key (kind, name);                                       \
    if (!g_hash_table_contains (seen, key))                                    \
      {                                                                        \
        MigratorSchemaObjectItem *item = object_item_new (kind, name, object); \
        item->status = status;                                                 \
        g_ptr_array_add (items, item);                                         \
        g_hash_table_add (seen, key);                                          \
      }                                                                        \
    else                                                                       \
      g_free (key);                                                            \
  }                                                                            \
  G_STMT_END

  n = g_list_model_get_n_items (tables);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaTable) table = g_list_model_get_item (tables, i);
      GListModel *indexes = migrator_schema_table_get_indexes (table);
      guint       n_indexes = g_list_model_get_n_items (indexes);

      ADD_ITEM (OBJECT_TABLE, migrator_schema_table_get_name (table), table);

      /* Automatic indexes belong to their table's constraints. */
      for (guint j = 0; j < n_indexes; j++)
        {
          g_autoptr(MigratorSchemaIndex) index = g_list_model_get_item (indexes, j);

          if (migrator_schema_index_get_sql (index) != NULL)
            ADD_ITEM (OBJECT_INDEX, migrator_schema_index_get_name (index), index);
        }
    }

  n = g_list_model_get_n_items (views);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaView) view = g_list_model_get_item (views, i);

      ADD_ITEM (OBJECT_VIEW, migrator_schema_view_get_name (view), view);
    }

  n = g_list_model_get_n_items (triggers);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaTrigger) trigger = g_list_model_get_item (triggers, i);

      ADD_ITEM (OBJECT_TRIGGER, migrator_schema_trigger_get_name (trigger), trigger);
    }

#undef ADD_ITEM
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  MigratorSchemaObjectItem *item_a = *(MigratorSchemaObjectItem **) a;
  MigratorSchemaObjectItem *item_b = *(MigratorSchemaObjectItem **) b;

  if (item_a->kind != item_b->kind)
    return (int) item_a->kind - (int) item_b->kind;

  return g_utf8_collate (item_a->name, item_b->name);
}

/* The sidebar entries of the shown schema plus, in a comparison, the
 * removed objects of the baseline, each marked with its change. */
static GPtrArray *
build_items (MigratorSchema *shown,
             MigratorSchema *baseline,
             GPtrArray      *changes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  add_schema_objects (items, seen, shown, STATUS_SAME);
  if (baseline != NULL)
    add_schema_objects (items, seen, baseline, STATUS_REMOVED);

  for (guint i = 0; changes != NULL && i < items->len; i++)
    {
      MigratorSchemaObjectItem *item = g_ptr_array_index (items, i);

      if (item->status == STATUS_REMOVED)
        continue;

      for (guint j = 0; j < changes->len; j++)
        {
          MigratorSchemaChange    *change = g_ptr_array_index (changes, j);
          MigratorSchemaObjectKind object = migrator_schema_change_get_object (change);
          gboolean                 whole = object == MIGRATOR_SCHEMA_OBJECT_TABLE || object == MIGRATOR_SCHEMA_OBJECT_INDEX || object == MIGRATOR_SCHEMA_OBJECT_VIEW || object == MIGRATOR_SCHEMA_OBJECT_TRIGGER;

          if (!change_concerns (change, item))
            continue;

          if (whole && migrator_schema_change_get_kind (change) == MIGRATOR_CHANGE_ADDED)
            {
              item->status = STATUS_ADDED;
              break;
            }
          item->status = STATUS_CHANGED;
        }
    }

  g_ptr_array_sort (items, compare_items);

  if (changes != NULL)
    g_ptr_array_insert (items, 0, object_item_new (OBJECT_CHANGES, _("All Changes"), NULL));

  return items;
}

/* Change rows, coloured by kind */

static GtkWidget *
create_change_row (gpointer item,
                   gpointer user_data)
{
  MigratorSchemaChange *change = item;
  g_autofree char      *text = migrator_schema_change_to_string (change);
  GtkWidget            *row = gtk_list_box_row_new ();
  GtkWidget            *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget            *sign;
  GtkWidget            *label;
  ObjectStatus          status;
  const char           *body = text;

  switch (migrator_schema_change_get_kind (change))
    {
    case MIGRATOR_CHANGE_ADDED:
      status = STATUS_ADDED;
      break;
    case MIGRATOR_CHANGE_REMOVED:
      status = STATUS_REMOVED;
      break;
    case MIGRATOR_CHANGE_CHANGED:
    default:
      status = STATUS_CHANGED;
      break;
    }

  /* The text starts with its own "+ ", "- " or "~ ", shown as a sign. */
  if (body[0] != '\0' && body[1] == ' ')
    body += 2;

  gtk_widget_set_margin_top (box, 9);
  gtk_widget_set_margin_bottom (box, 9);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  sign = gtk_label_new (status_sign (status));
  gtk_widget_add_css_class (sign, "migrator-diff-sign");
  gtk_box_append (GTK_BOX (box), sign);

  label = gtk_label_new (body);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, status_css_class (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);

  return row;
}

/* Detail: tables */

static GtkWidget *
create_foreign_key_row (gpointer item,
                        gpointer user_data)
{
  MigratorSchemaForeignKey *fk = item;
  g_autofree char          *columns = g_strjoinv (", ", (char **) migrator_schema_foreign_key_get_columns (fk));
  g_autofree char          *referenced = g_strjoinv (", ", (char **) migrator_schema_foreign_key_get_referenced_columns (fk));
  g_autofree char          *title = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *name = migrator_schema_foreign_key_get_name (fk);
  const char *on_update = migrator_schema_foreign_key_get_on_update (fk);
  const char *on_delete = migrator_schema_foreign_key_get_on_delete (fk);
  GtkWidget  *row = adw_action_row_new ();

  if (referenced[0] != '\0' && referenced[0] != ',')
    title = g_strdup_printf ("(%s) → %s (%s)", columns, migrator_schema_foreign_key_get_referenced_table (fk), referenced);
  else
    title = g_strdup_printf ("(%s) → %s", columns, migrator_schema_foreign_key_get_referenced_table (fk));

  if (name != NULL)
    g_string_append (subtitle, name);
  if (on_delete != NULL && g_ascii_strcasecmp (on_delete, "NO ACTION") != 0)
    g_string_append_printf (subtitle, "%sON DELETE %s", subtitle->len > 0 ? " · " : "", on_delete);
  if (on_update != NULL && g_ascii_strcasecmp (on_update, "NO ACTION") != 0)
    g_string_append_printf (subtitle, "%sON UPDATE %s", subtitle->len > 0 ? " · " : "", on_update);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("x-office-spreadsheet-symbolic"));

  return row;
}

static GtkWidget *
create_index_row (gpointer item,
                  gpointer user_data)
{
  MigratorSchemaIndex *index = item;
  g_autofree char     *columns = g_strjoinv (", ", (char **) migrator_schema_index_get_columns (index));
  g_autoptr(GString) subtitle = g_string_new (NULL);
  const char *origin = migrator_schema_index_get_origin (index);
  GtkWidget  *row = adw_action_row_new ();

  g_string_append_printf (subtitle, "(%s)", columns);
  if (migrator_schema_index_get_unique (index))
    g_string_append (subtitle, " · UNIQUE");
  if (g_strcmp0 (origin, "pk") == 0)
    g_string_append_printf (subtitle, " · %s", _("from the primary key"));
  else if (g_strcmp0 (origin, "u") == 0)
    g_string_append_printf (subtitle, " · %s", _("from a UNIQUE constraint"));
  if (migrator_schema_index_get_partial (index))
    g_string_append_printf (subtitle, " · WHERE %s", migrator_schema_index_get_where (index));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), migrator_schema_index_get_name (index));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("view-list-ordered-symbolic"));

  return row;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

typedef enum
{
  CELL_NAME,
  CELL_TYPE,
  CELL_NOTNULL,
  CELL_DEFAULT,
  CELL_PK,
} CellKind;

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              MigratorSchemaPage       *self)
{
  MigratorSchemaColumn *column = gtk_list_item_get_item (list_item);
  GtkLabel             *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  CellKind              kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "cell-kind"));
  g_autofree char      *text = NULL;
  guint                 pk = migrator_schema_column_get_pk (column);

  gtk_widget_remove_css_class (GTK_WIDGET (label), "heading");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "monospace");

  switch (kind)
    {
    case CELL_NAME:
      text = g_strdup (migrator_schema_column_get_name (column));
      if (pk > 0)
        gtk_widget_add_css_class (GTK_WIDGET (label), "heading");
      break;

    case CELL_TYPE:
      if (migrator_schema_column_get_generated (column))
        /* Translators: a column's type, for a generated column */
        text = g_strdup_printf (_("%s (generated)"), migrator_schema_column_get_type_name (column));
      else
        text = g_strdup (migrator_schema_column_get_type_name (column));
      gtk_widget_add_css_class (GTK_WIDGET (label), "monospace");
      break;

    case CELL_NOTNULL:
      text = g_strdup (migrator_schema_column_get_notnull (column) ? "✓" : "");
      break;

    case CELL_DEFAULT:
      text = g_strdup (migrator_schema_column_get_default (column));
      gtk_widget_add_css_class (GTK_WIDGET (label), "monospace");
      break;

    case CELL_PK:
      if (pk == 0)
        text = g_strdup ("");
      else if (self->n_pk_columns > 1)
        /* Translators: a column's position in a primary key of several columns */
        text = g_strdup_printf (_("✓ (%u of %u)"), pk, self->n_pk_columns);
      else
        text = g_strdup ("✓");
      break;

    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (label, text != NULL ? text : "");
  /* Long defaults are ellipsized; the tooltip has all of it. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (label),
                               kind == CELL_DEFAULT && text != NULL && g_utf8_strlen (text, -1) > 24 ? text : NULL);
}

static void
set_up_column (MigratorSchemaPage  *self,
               GtkColumnViewColumn *column,
               CellKind             kind)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "cell-kind", GINT_TO_POINTER (kind));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cell_cb), self, 0);
  gtk_column_view_column_set_factory (column, factory);
}

static void
set_stack_page_title (GtkStackPage *page,
                      const char   *title,
                      guint         count)
{
  /* Translators: a tab: its title, then how many entries it has */
  g_autofree char *text = g_strdup_printf (_("%s (%u)"), title, count);

  gtk_stack_page_set_title (page, text);
}

static void
set_sql (MigratorSchemaPage *self,
         const char         *sql)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->sql_view));

  gtk_text_buffer_set_text (buffer, sql != NULL ? sql : "", -1);
}

static void
show_table (MigratorSchemaPage  *self,
            MigratorSchemaTable *table)
{
  GListModel *columns = migrator_schema_table_get_columns (table);
  GListModel *foreign_keys = migrator_schema_table_get_foreign_keys (table);
  GListModel *indexes = migrator_schema_table_get_indexes (table);
  g_autoptr(GtkNoSelection) selection = NULL;
  g_autoptr(GString) subtitle = g_string_new (_("Table"));
  guint n_columns = g_list_model_get_n_items (columns);

  self->n_pk_columns = 0;
  for (guint i = 0; i < n_columns; i++)
    {
      g_autoptr(MigratorSchemaColumn) column = g_list_model_get_item (columns, i);

      if (migrator_schema_column_get_pk (column) > 0)
        self->n_pk_columns++;
    }

  if (migrator_schema_table_get_strict (table))
    g_string_append (subtitle, " · STRICT");
  if (migrator_schema_table_get_without_rowid (table))
    g_string_append (subtitle, " · WITHOUT ROWID");
  if (migrator_schema_table_get_autoincrement (table))
    g_string_append (subtitle, " · AUTOINCREMENT");
  gtk_label_set_label (self->object_subtitle, subtitle->str);

  selection = gtk_no_selection_new (g_object_ref (columns));
  gtk_column_view_set_model (self->columns_view, GTK_SELECTION_MODEL (selection));
  gtk_list_box_bind_model (self->foreign_keys_list, foreign_keys, create_foreign_key_row, NULL, NULL);
  gtk_list_box_bind_model (self->indexes_list, indexes, create_index_row, NULL, NULL);
  set_sql (self, migrator_schema_table_get_sql (table));

  set_stack_page_title (self->columns_page, _("Columns"), n_columns);
  set_stack_page_title (self->foreign_keys_page, _("Foreign Keys"), g_list_model_get_n_items (foreign_keys));
  set_stack_page_title (self->indexes_page, _("Indexes"), g_list_model_get_n_items (indexes));
  gtk_stack_page_set_visible (self->columns_page, TRUE);
  gtk_stack_page_set_visible (self->foreign_keys_page, TRUE);
  gtk_stack_page_set_visible (self->indexes_page, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->object_switcher), TRUE);
  gtk_stack_set_visible_child_name (self->object_stack, "columns");
}

static void
show_sql_object (MigratorSchemaPage *self,
                 const char         *subtitle,
                 const char         *sql)
{
  gtk_label_set_label (self->object_subtitle, subtitle);
  set_sql (self, sql);

  gtk_column_view_set_model (self->columns_view, NULL);
  gtk_list_box_bind_model (self->foreign_keys_list, NULL, NULL, NULL, NULL);
  gtk_list_box_bind_model (self->indexes_list, NULL, NULL, NULL, NULL);
  gtk_stack_page_set_visible (self->columns_page, FALSE);
  gtk_stack_page_set_visible (self->foreign_keys_page, FALSE);
  gtk_stack_page_set_visible (self->indexes_page, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->object_switcher), FALSE);
  gtk_stack_set_visible_child_name (self->object_stack, "sql");
}

static void
show_object_changes (MigratorSchemaPage       *self,
                     MigratorSchemaObjectItem *item)
{
  g_autoptr(GListStore) own = g_list_store_new (MIGRATOR_TYPE_SCHEMA_CHANGE);
  guint n_changes = self->changes != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->changes)) : 0;

  for (guint i = 0; i < n_changes; i++)
    {
      g_autoptr(MigratorSchemaChange) change = g_list_model_get_item (G_LIST_MODEL (self->changes), i);

      if (change_concerns (change, item))
        g_list_store_append (own, change);
    }

  gtk_list_box_bind_model (self->object_changes, G_LIST_MODEL (own), create_change_row, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->object_changes), g_list_model_get_n_items (G_LIST_MODEL (own)) > 0);
}

static void
show_item (MigratorSchemaPage       *self,
           MigratorSchemaObjectItem *item)
{
  if (item->kind == OBJECT_CHANGES)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "changes");
      return;
    }

  gtk_image_set_from_icon_name (self->object_icon, kind_icon_name (item->kind));
  gtk_label_set_label (self->object_title, item->name);
  show_object_changes (self, item);

  switch (item->kind)
    {
    case OBJECT_TABLE:
      show_table (self, MIGRATOR_SCHEMA_TABLE (item->object));
      break;

    case OBJECT_VIEW:
      show_sql_object (self, _("View"), migrator_schema_view_get_sql (MIGRATOR_SCHEMA_VIEW (item->object)));
      break;

    case OBJECT_INDEX:
      {
        MigratorSchemaIndex *index = MIGRATOR_SCHEMA_INDEX (item->object);
        g_autofree char     *subtitle = NULL;

        /* Translators: %s is a table name */
        subtitle = g_strdup_printf (migrator_schema_index_get_unique (index) ? _("Unique index on %s")
                                                                             : _("Index on %s"),
                                                                                  migrator_schema_index_get_table_name (index));
        show_sql_object (self, subtitle, migrator_schema_index_get_sql (index));
      }
      break;

    case OBJECT_TRIGGER:
      {
        MigratorSchemaTrigger *trigger = MIGRATOR_SCHEMA_TRIGGER (item->object);
        /* Translators: %s is a table name */
        g_autofree char *subtitle = g_strdup_printf (_("Trigger on %s"),
                                                        migrator_schema_trigger_get_table_name (trigger));

        show_sql_object (self, subtitle, migrator_schema_trigger_get_sql (trigger));
      }
      break;

    case OBJECT_CHANGES:
    default:
      g_assert_not_reached ();
    }

  if (item->status == STATUS_REMOVED)
    {
      /* Translators: the subtitle of an object that only the compared point has */
      g_autofree char *subtitle = g_strdup_printf (_("%s · removed"), gtk_label_get_label (self->object_subtitle));

      gtk_label_set_label (self->object_subtitle, subtitle);
    }

  gtk_stack_set_visible_child_name (self->detail_stack, "object");
}

static void
on_sidebar_row_selected_cb (MigratorSchemaPage *self,
                            GtkListBoxRow      *row,
                            GtkListBox         *list_box)
{
  MigratorSchemaObjectItem *item;

  if (row == NULL)
    return;

  item = g_object_get_data (G_OBJECT (row), "item");
  g_free (self->selected_name);
  self->selected_name = item->kind != OBJECT_CHANGES ? g_strdup (item->name) : NULL;
  show_item (self, item);
}

static gboolean
select_item (MigratorSchemaPage *self,
             const char         *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->objects));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaObjectItem) item = g_list_model_get_item (G_LIST_MODEL (self->objects), i);

      if ((name == NULL && i == 0) || (name != NULL && item->kind != OBJECT_CHANGES && g_str_equal (item->name, name)))
        {
          gtk_list_box_select_row (self->sidebar, gtk_list_box_get_row_at_index (self->sidebar, i));
          return TRUE;
        }
    }

  return FALSE;
}

/* Loading */

static char *
describe_point (MigratorSchemaPage *self,
                const char         *rev)
{
  if (rev == NULL)
    return g_strdup (_("the database"));

  /* Translators: %s is a revision id */
  return g_strdup_printf (_("revision %s"), rev);
}

static void
show_changes_title (MigratorSchemaPage *self,
                    const char         *shown,
                    const char         *baseline,
                    guint               n_changes)
{
  g_autofree char *from = describe_point (self, baseline);
  g_autofree char *to = describe_point (self, shown);
  g_autofree char *title = NULL;

  if (n_changes == 0)
    /* Translators: both %s are "the database" or "revision ID" */
    title = g_strdup_printf (_("No differences from %s to %s"), from, to);
  else
    /* Translators: %u is a number of changes; both %s are "the database" or "revision ID" */
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change from %s to %s", "%u changes from %s to %s", n_changes),
                             n_changes, from, to);

  gtk_label_set_label (self->changes_title, title);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MigratorSchemaPage *self = MIGRATOR_SCHEMA_PAGE (object);
  LoadData           *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(LoadResult) loaded = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keep_selected = NULL;

  loaded = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer load replaced this one. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_loading (self, FALSE);
  g_clear_object (&self->load_cancellable);

  if (loaded == NULL)
    {
      g_list_store_remove_all (self->objects);
      g_clear_object (&self->changes);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->detail_stack, "error");
      return;
    }

  /* Revision schemas do not change; the database's may. */
  if (data->shown != NULL)
    g_hash_table_replace (self->revision_cache, g_strdup (data->shown), g_object_ref (loaded->shown));
  if (data->compare && data->baseline != NULL)
    g_hash_table_replace (self->revision_cache, g_strdup (data->baseline), g_object_ref (loaded->baseline));

  g_set_object (&self->shown, loaded->shown);
  g_clear_object (&self->changes);
  if (loaded->changes != NULL)
    {
      self->changes = g_list_store_new (MIGRATOR_TYPE_SCHEMA_CHANGE);
      g_list_store_splice (self->changes, 0, 0, loaded->changes->pdata, loaded->changes->len);
      show_changes_title (self, data->shown, data->baseline, loaded->changes->len);
      gtk_list_box_bind_model (self->changes_list, G_LIST_MODEL (self->changes), create_change_row, NULL, NULL);
    }
  else
    gtk_list_box_bind_model (self->changes_list, NULL, NULL, NULL, NULL);

  keep_selected = g_strdup (self->selected_name);
  items = build_items (loaded->shown, loaded->baseline, loaded->changes);
  g_list_store_splice (self->objects, 0, g_list_model_get_n_items (G_LIST_MODEL (self->objects)),
                       items->pdata, items->len);

  if (items->len == 0)
    {
      adw_status_page_set_description (self->empty_page,
                                       loaded->database_missing
                                       ? _("The database file does not exist yet: upgrading creates it")
                                       : _("No tables, views, indexes or triggers at this point"));
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  /* What the API asked for, else the summary first in a comparison, else
   * what was selected before. */
  if (self->pending_select != NULL && select_item (self, self->pending_select))
    g_clear_pointer (&self->pending_select, g_free);
  else if (loaded->changes != NULL || keep_selected == NULL || !select_item (self, keep_selected))
    select_item (self, NULL);
}

static void
start_load (MigratorSchemaPage *self)
{
  g_autoptr(GTask) task = NULL;
  MigratorConfig *config;
  LoadData       *data;
  guint           shown_position = gtk_drop_down_get_selected (self->point_dropdown);
  guint           compare_position = gtk_drop_down_get_selected (self->compare_dropdown);
  const char     *cache_key;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (self->project == NULL || self->points == NULL || self->points->len == 0 || shown_position == GTK_INVALID_LIST_POSITION)
    {
      set_loading (self, FALSE);
      g_list_store_remove_all (self->objects);
      g_clear_object (&self->changes);
      gtk_stack_set_visible_child_name (self->detail_stack, "no-project");
      return;
    }

  config = migrator_project_get_config (self->project);
  data = g_new0 (LoadData, 1);
  data->database_path = g_strdup (self->database_path);
  data->ignored_tables = g_new0 (char *, 3);
  data->ignored_tables[0] = g_strdup (config->version_table);
  data->ignored_tables[1] = g_strdup (config->history_table);
  data->lock_timeout_ms = config->lock_timeout_ms;
  data->graph = g_object_ref (migrator_project_get_graph (self->project));
  data->shown = g_strdup (point_at (self, shown_position));
  /* "Compare with" starts with "Nothing". */
  data->compare = compare_position != GTK_INVALID_LIST_POSITION && compare_position > 0;
  if (data->compare)
    data->baseline = g_strdup (point_at (self, compare_position - 1));

  if ((cache_key = data->shown) != NULL)
    data->shown_cached = g_hash_table_lookup (self->revision_cache, cache_key);
  if (data->shown_cached != NULL)
    g_object_ref (data->shown_cached);
  if (data->compare && (cache_key = data->baseline) != NULL)
    data->baseline_cached = g_hash_table_lookup (self->revision_cache, cache_key);
  if (data->baseline_cached != NULL)
    g_object_ref (data->baseline_cached);

  self->load_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  /* Keep the old schema in view while a cached or quick load runs; the
   * spinner in the toolbar says that it is working. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->objects)) == 0)
    gtk_stack_set_visible_child_name (self->detail_stack, "loading");

  task = g_task_new (self, self->load_cancellable, load_cb, NULL);
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_worker);
}

static void
on_point_changed_cb (MigratorSchemaPage *self)
{
  if (!self->updating_points)
    start_load (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  migrator_schema_page_reload (MIGRATOR_SCHEMA_PAGE (widget));
}

/* Style: the SQL follows the light or dark style of the window. */

static void
update_style_scheme (MigratorSchemaPage *self)
{
  AdwStyleManager             *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char                  *id = adw_style_manager_get_dark (manager) ? "Adwaita-dark" : "Adwaita";
  GtkSourceStyleScheme        *scheme = gtk_source_style_scheme_manager_get_scheme (schemes, id);
  GtkTextBuffer               *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->sql_view));

  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (buffer), scheme);
}

/* GObject */

static void
migrator_schema_page_dispose (GObject *object)
{
  MigratorSchemaPage *self = MIGRATOR_SCHEMA_PAGE (object);
  GtkWidget          *child;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);

  if (self->sidebar != NULL)
    {
      gtk_list_box_bind_model (self->sidebar, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->changes_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->object_changes, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->foreign_keys_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->indexes_list, NULL, NULL, NULL, NULL);
      gtk_column_view_set_model (self->columns_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_SCHEMA_PAGE);
  /* The template's top box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->project);
  g_clear_object (&self->shown);
  g_clear_object (&self->changes);
  g_clear_object (&self->objects);
  if (self->revision_cache != NULL)
    g_hash_table_remove_all (self->revision_cache);

  G_OBJECT_CLASS (migrator_schema_page_parent_class)->dispose (object);
}

static void
migrator_schema_page_finalize (GObject *object)
{
  MigratorSchemaPage *self = MIGRATOR_SCHEMA_PAGE (object);

  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->points, g_ptr_array_unref);
  g_clear_pointer (&self->revision_cache, g_hash_table_unref);
  g_clear_pointer (&self->selected_name, g_free);
  g_clear_pointer (&self->pending_select, g_free);

  G_OBJECT_CLASS (migrator_schema_page_parent_class)->finalize (object);
}

static void
migrator_schema_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MigratorSchemaPage *self = MIGRATOR_SCHEMA_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_schema_page_class_init (MigratorSchemaPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_schema_page_dispose;
  object_class->finalize = migrator_schema_page_finalize;
  object_class->get_property = migrator_schema_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  migrator_gui_ensure_resources ();
  migrator_pages_ensure_style ();

  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-schema-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorschemapage");

  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, point_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, compare_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, changes_title);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, changes_list);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_icon);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_title);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_subtitle);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_switcher);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_changes);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, object_stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, columns_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, foreign_keys_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, indexes_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, sql_page);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, columns_view);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, column_name);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, column_type);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, column_notnull);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, column_default);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, column_pk);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, foreign_keys_list);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, indexes_list);
  gtk_widget_class_bind_template_child (widget_class, MigratorSchemaPage, sql_view);
  gtk_widget_class_bind_template_callback (widget_class, on_point_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected_cb);

  gtk_widget_class_install_action (widget_class, "schema.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "schema.reload", NULL);
}

static void
migrator_schema_page_init (MigratorSchemaPage *self)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  g_autoptr(GtkSourceBuffer) buffer = NULL;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->objects = g_list_store_new (MIGRATOR_TYPE_SCHEMA_OBJECT_ITEM);
  self->revision_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  gtk_list_box_bind_model (self->sidebar, G_LIST_MODEL (self->objects), create_sidebar_row, NULL, NULL);
  gtk_list_box_set_header_func (self->sidebar, sidebar_header_cb, NULL, NULL);

  placeholder = gtk_label_new (_("No foreign keys"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->foreign_keys_list, placeholder);
  placeholder = gtk_label_new (_("No indexes"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->indexes_list, placeholder);

  set_up_column (self, self->column_name, CELL_NAME);
  set_up_column (self, self->column_type, CELL_TYPE);
  set_up_column (self, self->column_notnull, CELL_NOTNULL);
  set_up_column (self, self->column_default, CELL_DEFAULT);
  set_up_column (self, self->column_pk, CELL_PK);

  buffer = gtk_source_buffer_new_with_language (gtk_source_language_manager_get_language (languages, "sql"));
  gtk_text_view_set_buffer (GTK_TEXT_VIEW (self->sql_view), GTK_TEXT_BUFFER (buffer));
  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);

  fill_points (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "no-project");
}

GtkWidget *
migrator_schema_page_new (void)
{
  return g_object_new (MIGRATOR_TYPE_SCHEMA_PAGE, NULL);
}

void
migrator_schema_page_set_project (MigratorSchemaPage *self,
                                  MigratorProject    *project,
                                  const char         *database_path)
{
  g_return_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self));
  g_return_if_fail (project == NULL || MIGRATOR_IS_PROJECT (project));

  g_set_object (&self->project, project);
  g_free (self->database_path);
  self->database_path = project != NULL ? g_strdup (database_path) : NULL;
  g_hash_table_remove_all (self->revision_cache);
  g_clear_pointer (&self->selected_name, g_free);
  g_list_store_remove_all (self->objects);
  g_clear_object (&self->changes);

  fill_points (self);
  start_load (self);
}

gboolean
migrator_schema_page_show_revision (MigratorSchemaPage *self,
                                    const char         *rev)
{
  guint position;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), FALSE);

  if (!find_point (self, rev, &position))
    return FALSE;

  if (gtk_drop_down_get_selected (self->point_dropdown) == position)
    return TRUE;

  gtk_drop_down_set_selected (self->point_dropdown, position);

  return TRUE;
}

gboolean
migrator_schema_page_compare_with (MigratorSchemaPage *self,
                                   const char         *rev)
{
  guint position = 0;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), FALSE);

  if (rev != NULL)
    {
      if (!find_point (self, rev, &position))
        return FALSE;
      position++; /* after "Nothing" */
    }

  gtk_drop_down_set_selected (self->compare_dropdown, position);

  return TRUE;
}

void
migrator_schema_page_reload (MigratorSchemaPage *self)
{
  g_return_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self));

  start_load (self);
}

gboolean
migrator_schema_page_select (MigratorSchemaPage *self,
                             const char         *name)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  g_clear_pointer (&self->pending_select, g_free);

  /* Selected again once the schema being read is there. */
  if (self->loading)
    {
      self->pending_select = g_strdup (name);
      select_item (self, name);
      return TRUE;
    }

  return select_item (self, name);
}

gboolean
migrator_schema_page_get_loading (MigratorSchemaPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), FALSE);

  return self->loading;
}

GListModel *
migrator_schema_page_get_objects (MigratorSchemaPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), NULL);

  return G_LIST_MODEL (self->objects);
}

GListModel *
migrator_schema_page_get_changes (MigratorSchemaPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_PAGE (self), NULL);

  return self->changes != NULL ? G_LIST_MODEL (self->changes) : NULL;
}
