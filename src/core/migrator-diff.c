/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-diff"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "migrator-diff.h"
#include "migrator-sql.h"

/* ------------------------------------------------------------------ */
/* MigratorSchemaChange                                                */

struct _MigratorSchemaChange
{
  GObject parent_instance;

  MigratorChangeKind        kind;
  MigratorSchemaObjectKind  object;
  char                     *table;
  char                     *name;
  char                     *detail;
};

G_DEFINE_FINAL_TYPE (MigratorSchemaChange, migrator_schema_change, G_TYPE_OBJECT)

static void
migrator_schema_change_finalize (GObject *object)
{
  MigratorSchemaChange *self = (MigratorSchemaChange *) object;

  g_free (self->table);
  g_free (self->name);
  g_free (self->detail);

  G_OBJECT_CLASS (migrator_schema_change_parent_class)->finalize (object);
}

static void
migrator_schema_change_class_init (MigratorSchemaChangeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_change_finalize;
}

static void
migrator_schema_change_init (MigratorSchemaChange *self)
{
}

MigratorChangeKind
migrator_schema_change_get_kind (MigratorSchemaChange *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), 0);
  return self->kind;
}

MigratorSchemaObjectKind
migrator_schema_change_get_object (MigratorSchemaChange *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), 0);
  return self->object;
}

const char *
migrator_schema_change_get_table (MigratorSchemaChange *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), NULL);
  return self->table;
}

const char *
migrator_schema_change_get_name (MigratorSchemaChange *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), NULL);
  return self->name;
}

const char *
migrator_schema_change_get_detail (MigratorSchemaChange *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), NULL);
  return self->detail;
}

const char *
migrator_change_kind_to_string (MigratorChangeKind kind)
{
  switch (kind)
    {
    case MIGRATOR_CHANGE_ADDED:
      return "+";
    case MIGRATOR_CHANGE_REMOVED:
      return "-";
    case MIGRATOR_CHANGE_CHANGED:
    default:
      return "~";
    }
}

const char *
migrator_schema_object_kind_to_string (MigratorSchemaObjectKind object)
{
  static const char *const names[] = {
    "table", "column", "index", "unique", "foreign_key", "check", "trigger", "view",
  };

  g_return_val_if_fail (object < G_N_ELEMENTS (names), NULL);
  return names[object];
}

char *
migrator_schema_change_to_string (MigratorSchemaChange *self)
{
  g_autofree char *table = NULL;
  g_autofree char *name = NULL;
  GString *text;
  const char *word;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), NULL);

  text = g_string_new (migrator_change_kind_to_string (self->kind));
  table = self->table != NULL ? migrator_sql_display_identifier (self->table) : NULL;

  switch (self->object)
    {
    case MIGRATOR_SCHEMA_OBJECT_TABLE:
      g_string_append_printf (text, " %s %s", _("table"), table);
      break;
    case MIGRATOR_SCHEMA_OBJECT_COLUMN:
      name = migrator_sql_display_identifier (self->name);
      g_string_append_printf (text, " %s %s.%s", _("column"), table, name);
      break;
    case MIGRATOR_SCHEMA_OBJECT_VIEW:
      name = migrator_sql_display_identifier (self->name);
      g_string_append_printf (text, " %s %s", _("view"), name);
      break;
    case MIGRATOR_SCHEMA_OBJECT_INDEX:
    case MIGRATOR_SCHEMA_OBJECT_TRIGGER:
      word = self->object == MIGRATOR_SCHEMA_OBJECT_INDEX ? _("index") : _("trigger");
      name = migrator_sql_display_identifier (self->name);
      g_string_append_printf (text, " %s %s %s %s", word, name, _("on"), table);
      break;
    case MIGRATOR_SCHEMA_OBJECT_UNIQUE:
    case MIGRATOR_SCHEMA_OBJECT_FOREIGN_KEY:
    case MIGRATOR_SCHEMA_OBJECT_CHECK:
    default:
      word = self->object == MIGRATOR_SCHEMA_OBJECT_UNIQUE ? _("unique")
           : self->object == MIGRATOR_SCHEMA_OBJECT_CHECK ? _("check")
           : _("foreign key");
      g_string_append_printf (text, " %s %s %s %s", word, self->name, _("on"), table);
      break;
    }
  if (self->detail != NULL)
    g_string_append_printf (text, ": %s", self->detail);
  return g_string_free (text, FALSE);
}

JsonNode *
migrator_schema_change_to_json (MigratorSchemaChange *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_CHANGE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, migrator_change_kind_to_string (self->kind));
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, migrator_schema_object_kind_to_string (self->object));
  json_builder_set_member_name (builder, "table");
  if (self->table != NULL)
    json_builder_add_string_value (builder, self->table);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "detail");
  if (self->detail != NULL)
    json_builder_add_string_value (builder, self->detail);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
add_change (GPtrArray                *changes,
            MigratorChangeKind        kind,
            MigratorSchemaObjectKind  object,
            const char               *table,
            const char               *name,
            const char               *detail)
{
  MigratorSchemaChange *change = g_object_new (MIGRATOR_TYPE_SCHEMA_CHANGE, NULL);

  change->kind = kind;
  change->object = object;
  change->table = g_strdup (table);
  change->name = g_strdup (name);
  change->detail = detail != NULL && *detail != '\0' ? g_strdup (detail) : NULL;
  g_ptr_array_add (changes, change);
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */

#define ITEM(model, i) g_list_model_get_item (G_LIST_MODEL (model), (i))
#define N_ITEMS(model) g_list_model_get_n_items (G_LIST_MODEL (model))

static gboolean
sql_equal (const char *a,
           const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  na = migrator_sql_normalize (a);
  nb = migrator_sql_normalize (b);
  return g_str_equal (na, nb);
}

static const char *
bool_text (gboolean value)
{
  return value ? "true" : "false";
}

static void
append_part (GString    *detail,
             const char *what,
             const char *old_value,
             const char *new_value)
{
  if (detail->len > 0)
    g_string_append (detail, ", ");
  g_string_append_printf (detail, "%s %s → %s", what,
                          old_value != NULL ? old_value : "none",
                          new_value != NULL ? new_value : "none");
}

static const char *
storage_text (MigratorSchemaColumnHidden hidden)
{
  switch (hidden)
    {
    case MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL:
      return "virtual";
    case MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED:
      return "stored";
    case MIGRATOR_SCHEMA_COLUMN_HIDDEN:
      return "hidden";
    case MIGRATOR_SCHEMA_COLUMN_NORMAL:
    default:
      return "none";
    }
}

/* The "AS (expr) …" part of a generated column's normalised definition. */
static char *
generated_expression (MigratorSchemaColumn *column)
{
  g_autofree char *normalized = NULL;
  const char *as;

  if (!migrator_schema_column_get_generated (column) ||
      migrator_schema_column_get_definition (column) == NULL)
    return NULL;
  normalized = migrator_sql_normalize (migrator_schema_column_get_definition (column));
  if (g_str_has_suffix (normalized, " stored"))
    normalized[strlen (normalized) - strlen (" stored")] = '\0';
  else if (g_str_has_suffix (normalized, " virtual"))
    normalized[strlen (normalized) - strlen (" virtual")] = '\0';
  as = strstr (normalized, " as (");
  return g_strdup (as != NULL ? as + 1 : normalized);
}

static char *
column_summary (MigratorSchemaColumn *column)
{
  GString *text = g_string_new (migrator_schema_column_get_type_name (column));

  if (migrator_schema_column_get_pk (column) > 0)
    g_string_append (text, " PRIMARY KEY");
  if (migrator_schema_column_get_notnull (column))
    g_string_append (text, " NOT NULL");
  if (migrator_schema_column_get_default (column) != NULL)
    g_string_append_printf (text, " DEFAULT %s", migrator_schema_column_get_default (column));
  if (migrator_schema_column_get_generated (column))
    g_string_append_printf (text, " GENERATED %s",
                            migrator_schema_column_get_hidden (column) == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED
                            ? "STORED" : "VIRTUAL");
  g_strstrip (text->str);
  text->len = strlen (text->str);
  return g_string_free (text, FALSE);
}

static gboolean
collation_equal (const char *a,
                 const char *b)
{
  return g_ascii_strcasecmp (a != NULL ? a : "BINARY", b != NULL ? b : "BINARY") == 0;
}

/* What changed between two versions of a column, "" when nothing did. */
static char *
column_differences (MigratorSchemaColumn *a,
                    MigratorSchemaColumn *b)
{
  GString *detail = g_string_new (NULL);
  g_autofree char *expr_a = NULL;
  g_autofree char *expr_b = NULL;

  if (!sql_equal (migrator_schema_column_get_type_name (a), migrator_schema_column_get_type_name (b)))
    append_part (detail, "type", migrator_schema_column_get_type_name (a), migrator_schema_column_get_type_name (b));
  if (migrator_schema_column_get_notnull (a) != migrator_schema_column_get_notnull (b))
    append_part (detail, "notnull", bool_text (migrator_schema_column_get_notnull (a)),
                 bool_text (migrator_schema_column_get_notnull (b)));
  if (!sql_equal (migrator_schema_column_get_default (a), migrator_schema_column_get_default (b)))
    append_part (detail, "default", migrator_schema_column_get_default (a), migrator_schema_column_get_default (b));
  if (migrator_schema_column_get_pk (a) != migrator_schema_column_get_pk (b))
    {
      g_autofree char *pa = g_strdup_printf ("%u", migrator_schema_column_get_pk (a));
      g_autofree char *pb = g_strdup_printf ("%u", migrator_schema_column_get_pk (b));

      append_part (detail, "pk", pa, pb);
    }
  if (!collation_equal (migrator_schema_column_get_collation (a), migrator_schema_column_get_collation (b)))
    append_part (detail, "collation", migrator_schema_column_get_collation (a), migrator_schema_column_get_collation (b));
  if (migrator_schema_column_get_hidden (a) != migrator_schema_column_get_hidden (b))
    append_part (detail, "generated", storage_text (migrator_schema_column_get_hidden (a)),
                 storage_text (migrator_schema_column_get_hidden (b)));
  expr_a = generated_expression (a);
  expr_b = generated_expression (b);
  if (expr_a != NULL && expr_b != NULL && !g_str_equal (expr_a, expr_b))
    append_part (detail, "expression", expr_a, expr_b);
  return g_string_free (detail, FALSE);
}

/* ------------------------------------------------------------------ */
/* What every kind of object shares: the items of the old side that the
 * new side lacks ("-") or holds in another version ("~"), in the old
 * order, then the items only the new side holds ("+"), in the new order. */

typedef GListModel *(*ObjectItemsFunc)   (gpointer side);
typedef gboolean    (*ObjectTestFunc)    (gpointer item);
typedef const char *(*ObjectNameFunc)    (gpointer item);
typedef char       *(*ObjectTextFunc)    (gpointer item);
typedef gpointer    (*ObjectLookupFunc)  (gpointer    side,
                                          const char *name);
typedef gpointer    (*ObjectMatchFunc)   (gpointer side,
                                          gpointer item);
typedef char       *(*ObjectCompareFunc) (gpointer old_item,
                                          gpointer new_item);
typedef void        (*ObjectPartsFunc)   (GPtrArray *changes,
                                          gpointer   old_item,
                                          gpointer   new_item);

typedef struct
{
  MigratorSchemaObjectKind object;
  /* The items of a table or a schema. */
  ObjectItemsFunc   items;
  /* Whether an item is compared at all; every item is when NULL. */
  ObjectTestFunc    counts;
  /* An object with a name of its own is found on the other side by it… */
  ObjectNameFunc    get_name;
  ObjectLookupFunc  lookup;
  /* …the others by their counterpart function, and shown as described. */
  ObjectMatchFunc   counterpart;
  ObjectTextFunc    describe;
  /* The table a change concerns; the compared one when NULL. */
  ObjectNameFunc    table;
  /* The details of "-" and "+" lines; none when NULL. */
  ObjectTextFunc    removed_detail;
  ObjectTextFunc    added_detail;
  /* What changed between two versions, "" when nothing did; NULL when the
   * object is its own key and can only come and go. */
  ObjectCompareFunc differences;
  /* Compares what both versions hold (a table's columns, …). */
  ObjectPartsFunc   compare_parts;
  /* A "~" line names the new version rather than the old one. */
  gboolean          changed_shows_new;
} ObjectKind;

static gboolean
object_counts (const ObjectKind *kind,
               gpointer          item)
{
  return item != NULL && (kind->counts == NULL || kind->counts (item));
}

/* The item of @side that stands for @item, or NULL. */
static gpointer
object_counterpart (const ObjectKind *kind,
                    gpointer          side,
                    gpointer          item)
{
  gpointer other;

  if (kind->counterpart != NULL)
    other = kind->counterpart (side, item);
  else
    other = kind->lookup (side, kind->get_name (item));
  return object_counts (kind, other) ? other : NULL;
}

/* @named gives the change its name, @placed its table. */
static void
add_object_change (GPtrArray          *changes,
                   const ObjectKind   *kind,
                   MigratorChangeKind  change,
                   const char         *table,
                   gpointer            named,
                   gpointer            placed,
                   const char         *detail)
{
  g_autofree char *name = NULL;

  if (kind->describe != NULL)
    name = kind->describe (named);
  else
    name = g_strdup (kind->get_name (named));
  if (kind->table != NULL)
    table = kind->table (placed);
  add_change (changes, change, kind->object, table, name, detail);
}

/* The "-" or "+" line of an item that only one side holds. */
static void
add_lone_object (GPtrArray          *changes,
                 const ObjectKind   *kind,
                 MigratorChangeKind  change,
                 const char         *table,
                 gpointer            item)
{
  ObjectTextFunc summary = change == MIGRATOR_CHANGE_REMOVED ? kind->removed_detail : kind->added_detail;
  g_autofree char *detail = summary != NULL ? summary (item) : NULL;

  add_object_change (changes, kind, change, table, item, item, detail);
}

static void
compare_objects (GPtrArray        *changes,
                 const ObjectKind *kind,
                 const char       *table,
                 gpointer          old_side,
                 gpointer          new_side)
{
  GListModel *old_items = kind->items (old_side);
  GListModel *new_items = kind->items (new_side);

  for (guint i = 0; i < N_ITEMS (old_items); i++)
    {
      g_autoptr(GObject) item = ITEM (old_items, i);
      gpointer other;
      g_autofree char *detail = NULL;

      if (!object_counts (kind, item))
        continue;
      other = object_counterpart (kind, new_side, item);
      if (other == NULL)
        {
          add_lone_object (changes, kind, MIGRATOR_CHANGE_REMOVED, table, item);
          continue;
        }
      if (kind->differences != NULL)
        detail = kind->differences (item, other);
      if (detail != NULL && *detail != '\0')
        add_object_change (changes, kind, MIGRATOR_CHANGE_CHANGED, table,
                           kind->changed_shows_new ? other : item, other, detail);
      if (kind->compare_parts != NULL)
        kind->compare_parts (changes, item, other);
    }
  for (guint i = 0; i < N_ITEMS (new_items); i++)
    {
      g_autoptr(GObject) item = ITEM (new_items, i);

      if (object_counts (kind, item) && object_counterpart (kind, old_side, item) == NULL)
        add_lone_object (changes, kind, MIGRATOR_CHANGE_ADDED, table, item);
    }
}

static const ObjectKind column_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_COLUMN,
  .items = (ObjectItemsFunc) migrator_schema_table_get_columns,
  .get_name = (ObjectNameFunc) migrator_schema_column_get_name,
  .lookup = (ObjectLookupFunc) migrator_schema_table_lookup_column,
  .removed_detail = (ObjectTextFunc) column_summary,
  .added_detail = (ObjectTextFunc) column_summary,
  .differences = (ObjectCompareFunc) column_differences,
  /* The column as the target spells it. */
  .changed_shows_new = TRUE,
};

static char *
join_names (const char *const *names,
            gboolean            lower)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *shown = lower ? g_ascii_strdown (names[i], -1)
                                     : migrator_sql_display_identifier (names[i]);

      if (i > 0)
        g_string_append (text, lower ? "," : ", ");
      g_string_append (text, shown);
    }
  return g_string_free (text, FALSE);
}

static char *
index_summary (MigratorSchemaIndex *index)
{
  g_autofree char *columns = join_names (migrator_schema_index_get_columns (index), FALSE);
  GString *text = g_string_new (NULL);

  if (migrator_schema_index_get_unique (index))
    g_string_append (text, "UNIQUE ");
  g_string_append_printf (text, "(%s)", columns);
  if (migrator_schema_index_get_where (index) != NULL)
    g_string_append_printf (text, " WHERE %s", migrator_schema_index_get_where (index));
  return g_string_free (text, FALSE);
}

static MigratorSchemaIndex *
lookup_index (MigratorSchemaTable *table,
              const char          *name)
{
  GListModel *indexes = migrator_schema_table_get_indexes (table);

  for (guint i = 0; i < N_ITEMS (indexes); i++)
    {
      g_autoptr(MigratorSchemaIndex) index = ITEM (indexes, i);

      if (g_ascii_strcasecmp (migrator_schema_index_get_name (index), name) == 0)
        return index;  /* the store keeps it alive */
    }
  return NULL;
}

static gboolean
is_explicit_index (MigratorSchemaIndex *index)
{
  return migrator_schema_index_get_sql (index) != NULL;
}

static char *
index_differences (MigratorSchemaIndex *a,
                   MigratorSchemaIndex *b)
{
  GString *detail = g_string_new (NULL);
  g_autofree char *columns_a = join_names (migrator_schema_index_get_columns (a), FALSE);
  g_autofree char *columns_b = join_names (migrator_schema_index_get_columns (b), FALSE);

  if (migrator_schema_index_get_unique (a) != migrator_schema_index_get_unique (b))
    append_part (detail, "unique", bool_text (migrator_schema_index_get_unique (a)),
                 bool_text (migrator_schema_index_get_unique (b)));
  if (!sql_equal (columns_a, columns_b))
    {
      g_autofree char *pa = g_strdup_printf ("(%s)", columns_a);
      g_autofree char *pb = g_strdup_printf ("(%s)", columns_b);

      append_part (detail, "columns", pa, pb);
    }
  if (!sql_equal (migrator_schema_index_get_where (a), migrator_schema_index_get_where (b)))
    append_part (detail, "where", migrator_schema_index_get_where (a), migrator_schema_index_get_where (b));
  if (detail->len == 0 && !sql_equal (migrator_schema_index_get_sql (a), migrator_schema_index_get_sql (b)))
    g_string_append (detail, _("definition changed (order or collation)"));
  return g_string_free (detail, FALSE);
}

static const ObjectKind index_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_INDEX,
  .items = (ObjectItemsFunc) migrator_schema_table_get_indexes,
  .counts = (ObjectTestFunc) is_explicit_index,
  .get_name = (ObjectNameFunc) migrator_schema_index_get_name,
  .lookup = (ObjectLookupFunc) lookup_index,
  .removed_detail = (ObjectTextFunc) index_summary,
  .added_detail = (ObjectTextFunc) index_summary,
  .differences = (ObjectCompareFunc) index_differences,
};

/* "UNIQUE (a, b)" constraints, found by their lowercase column list. */
static gboolean
is_unique_constraint (MigratorSchemaIndex *index)
{
  return g_strcmp0 (migrator_schema_index_get_origin (index), "u") == 0;
}

static MigratorSchemaIndex *
lookup_unique_constraint (MigratorSchemaTable *table,
                          MigratorSchemaIndex *constraint)
{
  GListModel *indexes = migrator_schema_table_get_indexes (table);
  g_autofree char *key = join_names (migrator_schema_index_get_columns (constraint), TRUE);

  for (guint i = 0; i < N_ITEMS (indexes); i++)
    {
      g_autoptr(MigratorSchemaIndex) index = ITEM (indexes, i);
      g_autofree char *other = NULL;

      if (!is_unique_constraint (index))
        continue;
      other = join_names (migrator_schema_index_get_columns (index), TRUE);
      if (g_str_equal (other, key))
        return index;  /* the store keeps it alive */
    }
  return NULL;
}

static char *
unique_constraint_display (MigratorSchemaIndex *constraint)
{
  g_autofree char *shown = join_names (migrator_schema_index_get_columns (constraint), FALSE);

  return g_strdup_printf ("(%s)", shown);
}

static const ObjectKind unique_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_UNIQUE,
  .items = (ObjectItemsFunc) migrator_schema_table_get_indexes,
  .counts = (ObjectTestFunc) is_unique_constraint,
  .counterpart = (ObjectMatchFunc) lookup_unique_constraint,
  .describe = (ObjectTextFunc) unique_constraint_display,
};

static void
compare_unique (GPtrArray           *changes,
                MigratorSchemaTable *a,
                MigratorSchemaTable *b)
{
  compare_objects (changes, &unique_kind, migrator_schema_table_get_name (b), a, b);
}

static char *
foreign_key_key (MigratorSchemaForeignKey *fk)
{
  g_autofree char *columns = join_names (migrator_schema_foreign_key_get_columns (fk), TRUE);
  g_autofree char *table = g_ascii_strdown (migrator_schema_foreign_key_get_referenced_table (fk), -1);

  return g_strdup_printf ("%s>%s", columns, table);
}

static char *
foreign_key_display (MigratorSchemaForeignKey *fk)
{
  g_autofree char *columns = join_names (migrator_schema_foreign_key_get_columns (fk), FALSE);
  g_autofree char *table = migrator_sql_display_identifier (migrator_schema_foreign_key_get_referenced_table (fk));
  const char *const *ref_columns = migrator_schema_foreign_key_get_referenced_columns (fk);
  g_autofree char *referenced = NULL;

  /* REFERENCES t without columns: t's primary key. */
  if (ref_columns[0] == NULL || *ref_columns[0] == '\0')
    return g_strdup_printf ("(%s) → %s", columns, table);
  referenced = join_names (ref_columns, FALSE);
  return g_strdup_printf ("(%s) → %s (%s)", columns, table, referenced);
}

static MigratorSchemaForeignKey *
lookup_foreign_key (MigratorSchemaTable *table,
                    const char          *key)
{
  GListModel *fks = migrator_schema_table_get_foreign_keys (table);

  for (guint i = 0; i < N_ITEMS (fks); i++)
    {
      g_autoptr(MigratorSchemaForeignKey) fk = ITEM (fks, i);
      g_autofree char *other = foreign_key_key (fk);

      if (g_str_equal (other, key))
        return fk;  /* the store keeps it alive */
    }
  return NULL;
}

static char *
foreign_key_differences (MigratorSchemaForeignKey *a,
                         MigratorSchemaForeignKey *b)
{
  GString *detail = g_string_new (NULL);
  g_autofree char *ref_a = join_names (migrator_schema_foreign_key_get_referenced_columns (a), TRUE);
  g_autofree char *ref_b = join_names (migrator_schema_foreign_key_get_referenced_columns (b), TRUE);

  if (!g_str_equal (ref_a, ref_b))
    append_part (detail, "referenced columns", ref_a, ref_b);
  if (g_strcmp0 (migrator_schema_foreign_key_get_on_update (a), migrator_schema_foreign_key_get_on_update (b)) != 0)
    append_part (detail, "on update", migrator_schema_foreign_key_get_on_update (a),
                 migrator_schema_foreign_key_get_on_update (b));
  if (g_strcmp0 (migrator_schema_foreign_key_get_on_delete (a), migrator_schema_foreign_key_get_on_delete (b)) != 0)
    append_part (detail, "on delete", migrator_schema_foreign_key_get_on_delete (a),
                 migrator_schema_foreign_key_get_on_delete (b));
  if (g_strcmp0 (migrator_schema_foreign_key_get_match (a), migrator_schema_foreign_key_get_match (b)) != 0)
    append_part (detail, "match", migrator_schema_foreign_key_get_match (a), migrator_schema_foreign_key_get_match (b));
  return g_string_free (detail, FALSE);
}

static MigratorSchemaForeignKey *
foreign_key_counterpart (MigratorSchemaTable      *table,
                         MigratorSchemaForeignKey *fk)
{
  g_autofree char *key = foreign_key_key (fk);

  return lookup_foreign_key (table, key);
}

static char *
foreign_key_added_detail (MigratorSchemaForeignKey *fk)
{
  if (g_strcmp0 (migrator_schema_foreign_key_get_on_delete (fk), "NO ACTION") == 0)
    return NULL;
  return g_strdup_printf ("ON DELETE %s", migrator_schema_foreign_key_get_on_delete (fk));
}

static const ObjectKind foreign_key_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_FOREIGN_KEY,
  .items = (ObjectItemsFunc) migrator_schema_table_get_foreign_keys,
  .counterpart = (ObjectMatchFunc) foreign_key_counterpart,
  .describe = (ObjectTextFunc) foreign_key_display,
  .added_detail = (ObjectTextFunc) foreign_key_added_detail,
  .differences = (ObjectCompareFunc) foreign_key_differences,
};

static void
compare_checks (GPtrArray           *changes,
                MigratorSchemaTable *a,
                MigratorSchemaTable *b)
{
  const char *const *checks_a = migrator_schema_table_get_checks (a);
  const char *const *checks_b = migrator_schema_table_get_checks (b);
  const char *table = migrator_schema_table_get_name (b);

  for (guint i = 0; checks_a[i] != NULL; i++)
    if (!g_strv_contains (checks_b, checks_a[i]))
      add_change (changes, MIGRATOR_CHANGE_REMOVED, MIGRATOR_SCHEMA_OBJECT_CHECK, table, checks_a[i], NULL);
  for (guint i = 0; checks_b[i] != NULL; i++)
    if (!g_strv_contains (checks_a, checks_b[i]))
      add_change (changes, MIGRATOR_CHANGE_ADDED, MIGRATOR_SCHEMA_OBJECT_CHECK, table, checks_b[i], NULL);
}

static void
compare_table_options (GPtrArray           *changes,
                       MigratorSchemaTable *a,
                       MigratorSchemaTable *b)
{
  g_autoptr(GString) detail = g_string_new (NULL);

  if (migrator_schema_table_get_strict (a) != migrator_schema_table_get_strict (b))
    append_part (detail, "strict", bool_text (migrator_schema_table_get_strict (a)),
                 bool_text (migrator_schema_table_get_strict (b)));
  if (migrator_schema_table_get_without_rowid (a) != migrator_schema_table_get_without_rowid (b))
    append_part (detail, "without_rowid", bool_text (migrator_schema_table_get_without_rowid (a)),
                 bool_text (migrator_schema_table_get_without_rowid (b)));
  if (migrator_schema_table_get_autoincrement (a) != migrator_schema_table_get_autoincrement (b))
    append_part (detail, "autoincrement", bool_text (migrator_schema_table_get_autoincrement (a)),
                 bool_text (migrator_schema_table_get_autoincrement (b)));
  if (detail->len > 0)
    add_change (changes, MIGRATOR_CHANGE_CHANGED, MIGRATOR_SCHEMA_OBJECT_TABLE,
                migrator_schema_table_get_name (b), migrator_schema_table_get_name (b), detail->str);
}

static char *
table_summary (MigratorSchemaTable *table)
{
  guint n = N_ITEMS (migrator_schema_table_get_columns (table));

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns", n), n);
}

static void
compare_table_parts (GPtrArray           *changes,
                     MigratorSchemaTable *a,
                     MigratorSchemaTable *b)
{
  const char *table = migrator_schema_table_get_name (b);

  compare_table_options (changes, a, b);
  compare_objects (changes, &column_kind, table, a, b);
  compare_objects (changes, &index_kind, table, a, b);
  compare_unique (changes, a, b);
  compare_objects (changes, &foreign_key_kind, table, a, b);
  compare_checks (changes, a, b);
}

static const ObjectKind table_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_TABLE,
  .items = (ObjectItemsFunc) migrator_schema_get_tables,
  .get_name = (ObjectNameFunc) migrator_schema_table_get_name,
  .lookup = (ObjectLookupFunc) migrator_schema_lookup_table,
  .table = (ObjectNameFunc) migrator_schema_table_get_name,
  .removed_detail = (ObjectTextFunc) table_summary,
  .added_detail = (ObjectTextFunc) table_summary,
  .compare_parts = (ObjectPartsFunc) compare_table_parts,
};

static char *
view_differences (MigratorSchemaView *a,
                  MigratorSchemaView *b)
{
  if (sql_equal (migrator_schema_view_get_sql (a), migrator_schema_view_get_sql (b)))
    return g_strdup ("");
  return g_strdup (_("definition changed"));
}

static const ObjectKind view_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_VIEW,
  .items = (ObjectItemsFunc) migrator_schema_get_views,
  .get_name = (ObjectNameFunc) migrator_schema_view_get_name,
  .lookup = (ObjectLookupFunc) migrator_schema_lookup_view,
  .differences = (ObjectCompareFunc) view_differences,
};

static char *
trigger_differences (MigratorSchemaTrigger *a,
                     MigratorSchemaTrigger *b)
{
  if (g_ascii_strcasecmp (migrator_schema_trigger_get_table_name (a),
                          migrator_schema_trigger_get_table_name (b)) == 0 &&
      sql_equal (migrator_schema_trigger_get_sql (a), migrator_schema_trigger_get_sql (b)))
    return g_strdup ("");
  return g_strdup (_("definition changed"));
}

static const ObjectKind trigger_kind = {
  .object = MIGRATOR_SCHEMA_OBJECT_TRIGGER,
  .items = (ObjectItemsFunc) migrator_schema_get_triggers,
  .get_name = (ObjectNameFunc) migrator_schema_trigger_get_name,
  .lookup = (ObjectLookupFunc) migrator_schema_lookup_trigger,
  /* A trigger's table may change with it. */
  .table = (ObjectNameFunc) migrator_schema_trigger_get_table_name,
  .differences = (ObjectCompareFunc) trigger_differences,
};

GPtrArray *
migrator_schema_diff (MigratorSchema *from,
                      MigratorSchema *to)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (from), changes);
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (to), changes);

  compare_objects (changes, &table_kind, NULL, from, to);
  compare_objects (changes, &view_kind, NULL, from, to);
  compare_objects (changes, &trigger_kind, NULL, from, to);
  return changes;
}

/* ------------------------------------------------------------------ */
/* Generating the SQL of a migration                                   */

#define REBUILD_PREFIX "_migrator_new_"

typedef struct
{
  MigratorSchema *from;
  MigratorSchema *to;

  GPtrArray  *notes;            /* "-- NOTE: …" lines */
  GPtrArray  *drop_triggers;
  GPtrArray  *drop_views;
  GPtrArray  *drop_indexes;
  GPtrArray  *create_tables;
  GPtrArray  *alter_tables;
  GPtrArray  *drop_tables;
  GPtrArray  *create_indexes;
  GPtrArray  *create_views;
  GPtrArray  *create_triggers;

  GHashTable *affected;         /* lowercase names of tables (and views) whose
                                 * dependent views and triggers are recreated */
  GHashTable *rebuilt;          /* lowercase names of tables rebuilt here */
} Generator;

static void
generator_init (Generator      *gen,
                MigratorSchema *from,
                MigratorSchema *to)
{
  GPtrArray **lists[] = {
    &gen->notes, &gen->drop_triggers, &gen->drop_views, &gen->drop_indexes,
    &gen->create_tables, &gen->alter_tables, &gen->drop_tables,
    &gen->create_indexes, &gen->create_views, &gen->create_triggers,
  };

  memset (gen, 0, sizeof *gen);
  gen->from = from;
  gen->to = to;
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    *lists[i] = g_ptr_array_new_with_free_func (g_free);
  gen->affected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gen->rebuilt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static char *
generator_finish (Generator *gen)
{
  GPtrArray *groups[] = {
    gen->drop_triggers, gen->drop_views, gen->drop_indexes, gen->create_tables,
    gen->alter_tables, gen->drop_tables, gen->create_indexes, gen->create_views,
    gen->create_triggers,
  };
  GString *sql = g_string_new (NULL);

  for (guint i = 0; i < gen->notes->len; i++)
    g_string_append_printf (sql, "%s\n", (char *) g_ptr_array_index (gen->notes, i));
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (groups[i]->len > 0 && sql->len > 0)
        g_string_append_c (sql, '\n');
      for (guint j = 0; j < groups[i]->len; j++)
        g_string_append_printf (sql, "%s\n", (char *) g_ptr_array_index (groups[i], j));
    }

  g_ptr_array_unref (gen->notes);
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    g_ptr_array_unref (groups[i]);
  g_hash_table_unref (gen->affected);
  g_hash_table_unref (gen->rebuilt);
  return g_string_free (sql, FALSE);
}

static void
mark (GHashTable *set,
      const char *name)
{
  g_hash_table_add (set, g_ascii_strdown (name, -1));
}

static gboolean
is_marked (GHashTable *set,
           const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_hash_table_contains (set, lower);
}

static void
add_statement (GPtrArray  *list,
               const char *sql)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (sql));

  if (g_str_has_suffix (trimmed, ";"))
    g_ptr_array_add (list, g_steal_pointer (&trimmed));
  else
    g_ptr_array_add (list, g_strconcat (trimmed, ";", NULL));
}

static void G_GNUC_PRINTF (2, 3)
add_printf (GPtrArray  *list,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (list, g_strdup_vprintf (format, args));
  va_end (args);
}

static char *
quoted_list (const char *const *names)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *quoted = migrator_sql_quote_identifier (names[i]);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, quoted);
    }
  return g_string_free (text, FALSE);
}

/* Tables of @tables (MigratorSchemaTable, schema order) ordered so that a
 * referenced table comes before the tables referencing it. */
static void
visit_table (MigratorSchemaTable *table,
             GPtrArray           *tables,
             GHashTable          *state,
             GPtrArray           *ordered)
{
  GListModel *fks = migrator_schema_table_get_foreign_keys (table);

  if (g_hash_table_contains (state, table))
    return;
  g_hash_table_add (state, table);

  for (guint i = 0; i < N_ITEMS (fks); i++)
    {
      g_autoptr(MigratorSchemaForeignKey) fk = ITEM (fks, i);
      const char *referenced = migrator_schema_foreign_key_get_referenced_table (fk);

      for (guint j = 0; j < tables->len; j++)
        {
          MigratorSchemaTable *other = g_ptr_array_index (tables, j);

          if (other != table && g_ascii_strcasecmp (migrator_schema_table_get_name (other), referenced) == 0)
            visit_table (other, tables, state, ordered);
        }
    }
  g_ptr_array_add (ordered, table);
}

static GPtrArray *
order_by_dependency (GPtrArray *tables)
{
  g_autoptr(GHashTable) state = g_hash_table_new (NULL, NULL);
  GPtrArray *ordered = g_ptr_array_new ();

  for (guint i = 0; i < tables->len; i++)
    visit_table (g_ptr_array_index (tables, i), tables, state, ordered);
  return ordered;
}

static char *
type_signature (MigratorSchemaTable *table)
{
  GListModel *columns = migrator_schema_table_get_columns (table);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < N_ITEMS (columns); i++)
    {
      g_autoptr(MigratorSchemaColumn) column = ITEM (columns, i);
      g_autofree char *type = migrator_sql_normalize (migrator_schema_column_get_type_name (column));

      g_string_append_printf (text, "%s|", type);
    }
  return g_string_free (text, FALSE);
}

static void
note_table_renames (Generator *gen,
                    GPtrArray *removed,
                    GPtrArray *added)
{
  for (guint i = 0; i < removed->len; i++)
    {
      MigratorSchemaTable *old = g_ptr_array_index (removed, i);
      g_autofree char *old_signature = type_signature (old);

      for (guint j = 0; j < added->len; j++)
        {
          MigratorSchemaTable *new = g_ptr_array_index (added, j);
          g_autofree char *new_signature = type_signature (new);
          g_autofree char *old_name = NULL;
          g_autofree char *new_name = NULL;

          if (!g_str_equal (old_signature, new_signature))
            continue;
          old_name = migrator_sql_quote_identifier (migrator_schema_table_get_name (old));
          new_name = migrator_sql_quote_identifier (migrator_schema_table_get_name (new));
          add_printf (gen->notes,
                      "-- NOTE: possible rename of table %s to %s (same column types). This revision drops %s\n"
                      "-- and creates %s, losing its rows; for a rename write: ALTER TABLE %s RENAME TO %s;",
                      old_name, new_name, old_name, new_name, old_name, new_name);
        }
    }
}

static gboolean
is_expression_default (const char *value)
{
  g_autofree char *lower = NULL;

  if (value == NULL)
    return FALSE;
  lower = g_ascii_strdown (value, -1);
  return value[0] == '(' || g_str_has_prefix (lower, "current_");
}

static gboolean
column_in_unique_constraint (MigratorSchemaTable *table,
                             const char          *column)
{
  GListModel *indexes = migrator_schema_table_get_indexes (table);

  for (guint i = 0; i < N_ITEMS (indexes); i++)
    {
      g_autoptr(MigratorSchemaIndex) index = ITEM (indexes, i);
      const char *const *columns = migrator_schema_index_get_columns (index);

      if (g_strcmp0 (migrator_schema_index_get_origin (index), "c") == 0)
        continue;
      for (guint j = 0; columns[j] != NULL; j++)
        if (g_ascii_strcasecmp (columns[j], column) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
column_in_foreign_key (MigratorSchemaTable *table,
                       const char          *column)
{
  GListModel *fks = migrator_schema_table_get_foreign_keys (table);

  for (guint i = 0; i < N_ITEMS (fks); i++)
    {
      g_autoptr(MigratorSchemaForeignKey) fk = ITEM (fks, i);
      const char *const *columns = migrator_schema_foreign_key_get_columns (fk);

      for (guint j = 0; columns[j] != NULL; j++)
        if (g_ascii_strcasecmp (columns[j], column) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
column_in_check (MigratorSchemaTable *table,
                 const char          *column)
{
  const char *const *checks = migrator_schema_table_get_checks (table);

  for (guint i = 0; checks[i] != NULL; i++)
    if (migrator_sql_mentions_identifier (checks[i], column))
      return TRUE;
  return FALSE;
}

/* Why "ALTER TABLE … ADD COLUMN" cannot add @column (SQLite's rules), or
 * NULL when it can. */
static const char *
add_column_refusal (MigratorSchemaTable  *table,
                    MigratorSchemaColumn *column)
{
  const char *name = migrator_schema_column_get_name (column);

  if (migrator_schema_column_get_definition (column) == NULL)
    return "its definition could not be read";
  if (migrator_schema_column_get_pk (column) > 0)
    return "a new column cannot be part of the PRIMARY KEY";
  if (migrator_schema_column_get_unique (column) || column_in_unique_constraint (table, name))
    return "a new column cannot be UNIQUE";
  if (migrator_schema_column_get_hidden (column) == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED)
    return "a new generated column cannot be STORED";
  if (is_expression_default (migrator_schema_column_get_default (column)))
    return "a new column cannot have an expression as default";
  if (migrator_schema_column_get_notnull (column) && migrator_schema_column_get_default (column) == NULL &&
      !migrator_schema_column_get_generated (column))
    return "a new NOT NULL column needs a default";
  if (column_in_check (table, name))
    return "a new column cannot be used in a table CHECK";
  return NULL;
}

static void
note_column_renames (Generator           *gen,
                     MigratorSchemaTable *a,
                     MigratorSchemaTable *b)
{
  GListModel *columns_a = migrator_schema_table_get_columns (a);
  GListModel *columns_b = migrator_schema_table_get_columns (b);
  g_autofree char *table = migrator_sql_quote_identifier (migrator_schema_table_get_name (b));

  for (guint i = 0; i < N_ITEMS (columns_a); i++)
    {
      g_autoptr(MigratorSchemaColumn) old = ITEM (columns_a, i);

      if (migrator_schema_table_lookup_column (b, migrator_schema_column_get_name (old)) != NULL)
        continue;
      for (guint j = 0; j < N_ITEMS (columns_b); j++)
        {
          g_autoptr(MigratorSchemaColumn) new = ITEM (columns_b, j);
          g_autofree char *old_name = NULL;
          g_autofree char *new_name = NULL;

          if (migrator_schema_table_lookup_column (a, migrator_schema_column_get_name (new)) != NULL ||
              !sql_equal (migrator_schema_column_get_type_name (old), migrator_schema_column_get_type_name (new)))
            continue;
          old_name = migrator_sql_quote_identifier (migrator_schema_column_get_name (old));
          new_name = migrator_sql_quote_identifier (migrator_schema_column_get_name (new));
          add_printf (gen->notes,
                      "-- NOTE: possible rename of column %s.%s to %s (same type). This revision drops %s\n"
                      "-- and adds %s, losing its values; for a rename write: ALTER TABLE %s RENAME COLUMN %s TO %s;",
                      table, old_name, new_name, old_name, new_name, table, old_name, new_name);
        }
    }
}

static char *
add_foreign_key_sql (const char               *table,
                     MigratorSchemaForeignKey *fk)
{
  g_autofree char *name = NULL;
  g_autofree char *columns = quoted_list (migrator_schema_foreign_key_get_columns (fk));
  g_autofree char *referenced = migrator_sql_quote_identifier (migrator_schema_foreign_key_get_referenced_table (fk));
  const char *const *ref_columns = migrator_schema_foreign_key_get_referenced_columns (fk);
  g_autofree char *ref_list = NULL;
  GString *sql;

  if (migrator_schema_foreign_key_get_name (fk) != NULL)
    name = migrator_sql_quote_identifier (migrator_schema_foreign_key_get_name (fk));
  else
    {
      g_autofree char *joined = g_strjoinv ("_", (GStrv) migrator_schema_foreign_key_get_columns (fk));
      g_autofree char *generated = g_strdup_printf ("fk_%s_%s_%s", table, joined,
                                                    migrator_schema_foreign_key_get_referenced_table (fk));

      name = migrator_sql_quote_identifier (generated);
    }

  sql = g_string_new (NULL);
  {
    g_autofree char *quoted_table = migrator_sql_quote_identifier (table);

    g_string_append_printf (sql, "ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s",
                            quoted_table, name, columns, referenced);
  }
  if (ref_columns[0] != NULL && *ref_columns[0] != '\0')
    {
      ref_list = quoted_list (ref_columns);
      g_string_append_printf (sql, " (%s)", ref_list);
    }
  if (g_strcmp0 (migrator_schema_foreign_key_get_on_delete (fk), "NO ACTION") != 0)
    g_string_append_printf (sql, " ON DELETE %s", migrator_schema_foreign_key_get_on_delete (fk));
  if (g_strcmp0 (migrator_schema_foreign_key_get_on_update (fk), "NO ACTION") != 0)
    g_string_append_printf (sql, " ON UPDATE %s", migrator_schema_foreign_key_get_on_update (fk));
  g_string_append_c (sql, ';');
  return g_string_free (sql, FALSE);
}

/* A foreign key that comes with an added column's own REFERENCES clause. */
static gboolean
foreign_key_comes_with_column (MigratorSchemaForeignKey *fk,
                               GPtrArray                *added_columns)
{
  const char *const *columns = migrator_schema_foreign_key_get_columns (fk);

  if (columns[0] == NULL || columns[1] != NULL)
    return FALSE;
  for (guint i = 0; i < added_columns->len; i++)
    {
      MigratorSchemaColumn *column = g_ptr_array_index (added_columns, i);

      if (g_ascii_strcasecmp (migrator_schema_column_get_name (column), columns[0]) == 0 &&
          migrator_sql_mentions_identifier (migrator_schema_column_get_definition (column), "REFERENCES"))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GPtrArray *add;        /* ADD COLUMN */
  GPtrArray *batch;      /* ALTER COLUMN, constraints */
  GPtrArray *drop;       /* DROP COLUMN */
  GString   *rebuild;    /* why a rebuild is needed; empty when not */
} TablePlan;

static void
plan_rebuild (TablePlan  *plan,
              const char *format,
              ...) G_GNUC_PRINTF (2, 3);

static void
plan_rebuild (TablePlan  *plan,
              const char *format,
              ...)
{
  va_list args;

  if (plan->rebuild->len > 0)
    g_string_append (plan->rebuild, "; ");
  va_start (args, format);
  g_string_append_vprintf (plan->rebuild, format, args);
  va_end (args);
}

static void
plan_columns (TablePlan           *plan,
              MigratorSchemaTable *a,
              MigratorSchemaTable *b,
              GPtrArray           *added_columns)
{
  GListModel *columns_a = migrator_schema_table_get_columns (a);
  GListModel *columns_b = migrator_schema_table_get_columns (b);
  g_autofree char *table = migrator_sql_quote_identifier (migrator_schema_table_get_name (b));

  for (guint i = 0; i < N_ITEMS (columns_a); i++)
    {
      g_autoptr(MigratorSchemaColumn) old = ITEM (columns_a, i);
      const char *name = migrator_schema_column_get_name (old);
      g_autofree char *quoted = migrator_sql_quote_identifier (name);
      MigratorSchemaColumn *new = migrator_schema_table_lookup_column (b, name);
      g_autofree char *new_type = NULL;

      if (new == NULL)
        {
          /* SQLite refuses to drop these; the rebuild is ours to write. */
          if (migrator_schema_column_get_pk (old) > 0 || column_in_foreign_key (a, name) || column_in_unique_constraint (a, name) ||
              column_in_check (a, name))
            plan_rebuild (plan, "column %s is part of a key or constraint", quoted);
          else
            add_printf (plan->drop, "ALTER TABLE %s DROP COLUMN %s;", table, quoted);
          continue;
        }

      if (migrator_schema_column_get_pk (old) != migrator_schema_column_get_pk (new) ||
          migrator_schema_column_get_hidden (old) != migrator_schema_column_get_hidden (new) ||
          !collation_equal (migrator_schema_column_get_collation (old), migrator_schema_column_get_collation (new)))
        {
          plan_rebuild (plan, "the primary key, collation or generation of column %s changes", quoted);
          continue;
        }
      {
        g_autofree char *expr_a = generated_expression (old);
        g_autofree char *expr_b = generated_expression (new);

        if (g_strcmp0 (expr_a, expr_b) != 0)
          {
            plan_rebuild (plan, "the expression of generated column %s changes", quoted);
            continue;
          }
      }

      new_type = g_strdup (migrator_schema_column_get_type_name (new));
      if (!sql_equal (migrator_schema_column_get_type_name (old), new_type))
        {
          if (*new_type == '\0')
            plan_rebuild (plan, "column %s loses its type", quoted);
          else
            add_printf (plan->batch, "ALTER TABLE %s ALTER COLUMN %s TYPE %s;", table, quoted, new_type);
        }
      if (migrator_schema_column_get_notnull (old) != migrator_schema_column_get_notnull (new))
        add_printf (plan->batch, "ALTER TABLE %s ALTER COLUMN %s %s NOT NULL;", table, quoted,
                    migrator_schema_column_get_notnull (new) ? "SET" : "DROP");
      if (!sql_equal (migrator_schema_column_get_default (old), migrator_schema_column_get_default (new)))
        {
          if (migrator_schema_column_get_default (new) != NULL)
            add_printf (plan->batch, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;", table, quoted,
                        migrator_schema_column_get_default (new));
          else
            add_printf (plan->batch, "ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", table, quoted);
        }
    }

  for (guint i = 0; i < N_ITEMS (columns_b); i++)
    {
      g_autoptr(MigratorSchemaColumn) new = ITEM (columns_b, i);
      const char *name = migrator_schema_column_get_name (new);
      g_autofree char *quoted = migrator_sql_quote_identifier (name);
      const char *refusal;

      if (migrator_schema_table_lookup_column (a, name) != NULL)
        continue;
      refusal = add_column_refusal (b, new);
      if (refusal != NULL)
        plan_rebuild (plan, "column %s: %s", quoted, refusal);
      else
        {
          add_printf (plan->add, "ALTER TABLE %s ADD COLUMN %s;", table, migrator_schema_column_get_definition (new));
          g_ptr_array_add (added_columns, new);
        }
    }
}

static void
plan_constraints (TablePlan           *plan,
                  MigratorSchemaTable *a,
                  MigratorSchemaTable *b,
                  GPtrArray           *added_columns)
{
  GListModel *fks_a = migrator_schema_table_get_foreign_keys (a);
  GListModel *fks_b = migrator_schema_table_get_foreign_keys (b);
  const char *name = migrator_schema_table_get_name (b);
  g_autofree char *table = migrator_sql_quote_identifier (name);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_object_unref);

  compare_table_options (changes, a, b);
  if (changes->len > 0)
    plan_rebuild (plan, "%s", migrator_schema_change_get_detail (g_ptr_array_index (changes, 0)));
  g_ptr_array_set_size (changes, 0);
  compare_unique (changes, a, b);
  if (changes->len > 0)
    plan_rebuild (plan, "its UNIQUE constraints change");
  g_ptr_array_set_size (changes, 0);
  compare_checks (changes, a, b);
  if (changes->len > 0)
    plan_rebuild (plan, "its CHECK constraints change");

  for (guint i = 0; i < N_ITEMS (fks_a); i++)
    {
      g_autoptr(MigratorSchemaForeignKey) old = ITEM (fks_a, i);
      g_autofree char *key = foreign_key_key (old);
      MigratorSchemaForeignKey *new = lookup_foreign_key (b, key);
      g_autofree char *detail = new != NULL ? foreign_key_differences (old, new) : NULL;
      g_autofree char *constraint = NULL;

      if (new != NULL && *detail == '\0')
        continue;
      if (migrator_schema_foreign_key_get_name (old) == NULL)
        {
          g_autofree char *shown = foreign_key_display (old);

          plan_rebuild (plan, "the unnamed foreign key %s changes", shown);
          continue;
        }
      constraint = migrator_sql_quote_identifier (migrator_schema_foreign_key_get_name (old));
      add_printf (plan->batch, "ALTER TABLE %s DROP CONSTRAINT %s;", table, constraint);
      if (new != NULL)
        g_ptr_array_add (plan->batch, add_foreign_key_sql (name, new));
    }
  for (guint i = 0; i < N_ITEMS (fks_b); i++)
    {
      g_autoptr(MigratorSchemaForeignKey) new = ITEM (fks_b, i);
      g_autofree char *key = foreign_key_key (new);

      if (lookup_foreign_key (a, key) != NULL || foreign_key_comes_with_column (new, added_columns))
        continue;
      g_ptr_array_add (plan->batch, add_foreign_key_sql (name, new));
    }
}

static void
emit_create_indexes (Generator           *gen,
                     MigratorSchemaTable *table)
{
  GListModel *indexes = migrator_schema_table_get_indexes (table);

  for (guint i = 0; i < N_ITEMS (indexes); i++)
    {
      g_autoptr(MigratorSchemaIndex) index = ITEM (indexes, i);

      if (is_explicit_index (index))
        add_statement (gen->create_indexes, migrator_schema_index_get_sql (index));
    }
}

static char *
sql_string_literal (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "'", -1);
  g_autofree char *escaped = g_strjoinv ("''", parts);

  return g_strdup_printf ("'%s'", escaped);
}

/* SQLite's own procedure for changes ALTER TABLE cannot make: a new table
 * from the target text, the rows copied, the old one dropped, the new one
 * renamed. Indexes, triggers and views are recreated by the caller. */
static void
emit_rebuild (Generator           *gen,
              MigratorSchemaTable *a,
              MigratorSchemaTable *b,
              const char          *reason)
{
  const char *name = migrator_schema_table_get_name (b);
  g_autofree char *temp_name = g_strconcat (REBUILD_PREFIX, name, NULL);
  g_autofree char *table = migrator_sql_quote_identifier (name);
  g_autofree char *temp = migrator_sql_quote_identifier (temp_name);
  g_autofree char *create = migrator_sql_rename_create_table (migrator_schema_table_get_sql (b), temp_name);
  g_autofree char *columns = NULL;
  GListModel *columns_b = migrator_schema_table_get_columns (b);
  g_autoptr(GStrvBuilder) copied = g_strv_builder_new ();
  g_auto(GStrv) copied_names = NULL;

  for (guint i = 0; i < N_ITEMS (columns_b); i++)
    {
      g_autoptr(MigratorSchemaColumn) column = ITEM (columns_b, i);
      MigratorSchemaColumn *old = migrator_schema_table_lookup_column (a, migrator_schema_column_get_name (column));

      if (old != NULL && !migrator_schema_column_get_generated (column) && !migrator_schema_column_get_generated (old))
        g_strv_builder_add (copied, migrator_schema_column_get_name (column));
    }
  copied_names = g_strv_builder_end (copied);
  columns = quoted_list ((const char *const *) copied_names);

  add_printf (gen->alter_tables, "-- Rebuild %s (%s): ALTER TABLE cannot do this in SQLite.", table, reason);
  add_statement (gen->alter_tables, create);
  if (copied_names[0] != NULL)
    add_printf (gen->alter_tables, "INSERT INTO %s (%s) SELECT %s FROM %s;", temp, columns, columns, table);
  if (migrator_schema_table_get_autoincrement (a) && migrator_schema_table_get_autoincrement (b))
    {
      /* Keep the AUTOINCREMENT counter, not just max(rowid). */
      g_autofree char *temp_literal = sql_string_literal (temp_name);
      g_autofree char *name_literal = sql_string_literal (name);

      add_printf (gen->alter_tables, "DELETE FROM sqlite_sequence WHERE name = %s;", temp_literal);
      add_printf (gen->alter_tables,
                  "INSERT INTO sqlite_sequence (name, seq) SELECT %s, seq FROM sqlite_sequence WHERE name = %s;",
                  temp_literal, name_literal);
    }
  add_printf (gen->alter_tables, "DROP TABLE %s;", table);
  add_printf (gen->alter_tables, "ALTER TABLE %s RENAME TO %s;", temp, table);

  mark (gen->rebuilt, name);
  mark (gen->affected, name);
  emit_create_indexes (gen, b);
}

static void
plan_common_table (Generator           *gen,
                   MigratorSchemaTable *a,
                   MigratorSchemaTable *b)
{
  g_autoptr(GPtrArray) added_columns = g_ptr_array_new ();
  TablePlan plan = {
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
    g_string_new (NULL),
  };
  GListModel *columns_b = migrator_schema_table_get_columns (b);

  note_column_renames (gen, a, b);
  for (guint i = 0; i < N_ITEMS (columns_b); i++)
    {
      g_autoptr(MigratorSchemaColumn) column = ITEM (columns_b, i);
      g_autofree char *table = NULL;
      g_autofree char *quoted = NULL;

      if (migrator_schema_table_lookup_column (a, migrator_schema_column_get_name (column)) != NULL ||
          !migrator_schema_column_get_notnull (column) || migrator_schema_column_get_default (column) != NULL ||
          migrator_schema_column_get_generated (column))
        continue;
      table = migrator_sql_quote_identifier (migrator_schema_table_get_name (b));
      quoted = migrator_sql_quote_identifier (migrator_schema_column_get_name (column));
      add_printf (gen->notes, "-- NOTE: the new column %s.%s is NOT NULL without a default: the upgrade fails\n"
                              "-- if %s has rows; add a default or fill it in a data migration.",
                  table, quoted, table);
    }

  plan_columns (&plan, a, b, added_columns);
  plan_constraints (&plan, a, b, added_columns);

  if (plan.rebuild->len > 0)
    emit_rebuild (gen, a, b, plan.rebuild->str);
  else
    {
      GPtrArray *groups[] = { plan.add, plan.batch, plan.drop };

      for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
        for (guint j = 0; j < groups[i]->len; j++)
          g_ptr_array_add (gen->alter_tables, g_strdup (g_ptr_array_index (groups[i], j)));
      if (plan.batch->len > 0 || plan.drop->len > 0)
        mark (gen->affected, migrator_schema_table_get_name (b));
    }

  g_ptr_array_unref (plan.add);
  g_ptr_array_unref (plan.batch);
  g_ptr_array_unref (plan.drop);
  g_string_free (plan.rebuild, TRUE);
}

static void
plan_indexes (Generator           *gen,
              MigratorSchemaTable *a,
              MigratorSchemaTable *b)
{
  GListModel *indexes_a = migrator_schema_table_get_indexes (a);
  GListModel *indexes_b = migrator_schema_table_get_indexes (b);

  if (is_marked (gen->rebuilt, migrator_schema_table_get_name (b)))
    return;

  for (guint i = 0; i < N_ITEMS (indexes_a); i++)
    {
      g_autoptr(MigratorSchemaIndex) old = ITEM (indexes_a, i);
      MigratorSchemaIndex *new;
      g_autofree char *detail = NULL;
      g_autofree char *quoted = NULL;

      if (!is_explicit_index (old))
        continue;
      new = lookup_index (b, migrator_schema_index_get_name (old));
      if (new != NULL && is_explicit_index (new) &&
          *(detail = index_differences (old, new)) == '\0')
        continue;
      quoted = migrator_sql_quote_identifier (migrator_schema_index_get_name (old));
      add_printf (gen->drop_indexes, "DROP INDEX %s;", quoted);
    }
  for (guint i = 0; i < N_ITEMS (indexes_b); i++)
    {
      g_autoptr(MigratorSchemaIndex) new = ITEM (indexes_b, i);
      MigratorSchemaIndex *old;
      g_autofree char *detail = NULL;

      if (!is_explicit_index (new))
        continue;
      old = lookup_index (a, migrator_schema_index_get_name (new));
      if (old != NULL && is_explicit_index (old) &&
          *(detail = index_differences (old, new)) == '\0')
        continue;
      add_statement (gen->create_indexes, migrator_schema_index_get_sql (new));
    }
}

static gboolean
mentions_affected (Generator  *gen,
                   const char *sql)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, gen->affected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (migrator_sql_mentions_identifier (sql, key))
      return TRUE;
  return FALSE;
}

/* Views that change, go, or depend on something rebuilt or altered are
 * dropped first (dependents before what they use) and created again from
 * the target at the end. */
static void
plan_views (Generator *gen)
{
  GListModel *views_a = migrator_schema_get_views (gen->from);
  GListModel *views_b = migrator_schema_get_views (gen->to);
  g_autoptr(GHashTable) dropped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean grew = TRUE;

  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < N_ITEMS (views_a); i++)
        {
          g_autoptr(MigratorSchemaView) view = ITEM (views_a, i);
          const char *name = migrator_schema_view_get_name (view);
          MigratorSchemaView *new = migrator_schema_lookup_view (gen->to, name);

          if (is_marked (dropped, name))
            continue;
          if (new == NULL || !sql_equal (migrator_schema_view_get_sql (view), migrator_schema_view_get_sql (new)) ||
              mentions_affected (gen, migrator_schema_view_get_sql (view)))
            {
              mark (dropped, name);
              mark (gen->affected, name);
              grew = TRUE;
            }
        }
    }

  for (guint i = N_ITEMS (views_a); i > 0; i--)
    {
      g_autoptr(MigratorSchemaView) view = ITEM (views_a, i - 1);
      g_autofree char *quoted = NULL;

      if (!is_marked (dropped, migrator_schema_view_get_name (view)))
        continue;
      quoted = migrator_sql_quote_identifier (migrator_schema_view_get_name (view));
      add_printf (gen->drop_views, "DROP VIEW %s;", quoted);
    }
  for (guint i = 0; i < N_ITEMS (views_b); i++)
    {
      g_autoptr(MigratorSchemaView) view = ITEM (views_b, i);
      const char *name = migrator_schema_view_get_name (view);

      if (migrator_schema_lookup_view (gen->from, name) == NULL || is_marked (dropped, name))
        add_statement (gen->create_views, migrator_schema_view_get_sql (view));
    }
}

static void
plan_triggers (Generator *gen)
{
  GListModel *triggers_a = migrator_schema_get_triggers (gen->from);
  GListModel *triggers_b = migrator_schema_get_triggers (gen->to);
  g_autoptr(GHashTable) dropped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < N_ITEMS (triggers_a); i++)
    {
      g_autoptr(MigratorSchemaTrigger) trigger = ITEM (triggers_a, i);
      const char *name = migrator_schema_trigger_get_name (trigger);
      MigratorSchemaTrigger *new = migrator_schema_lookup_trigger (gen->to, name);
      g_autofree char *quoted = NULL;

      if (new != NULL &&
          g_ascii_strcasecmp (migrator_schema_trigger_get_table_name (trigger),
                              migrator_schema_trigger_get_table_name (new)) == 0 &&
          sql_equal (migrator_schema_trigger_get_sql (trigger), migrator_schema_trigger_get_sql (new)) &&
          !is_marked (gen->affected, migrator_schema_trigger_get_table_name (trigger)) &&
          !mentions_affected (gen, migrator_schema_trigger_get_sql (trigger)))
        continue;
      mark (dropped, name);
      quoted = migrator_sql_quote_identifier (name);
      add_printf (gen->drop_triggers, "DROP TRIGGER %s;", quoted);
    }
  for (guint i = 0; i < N_ITEMS (triggers_b); i++)
    {
      g_autoptr(MigratorSchemaTrigger) trigger = ITEM (triggers_b, i);
      const char *name = migrator_schema_trigger_get_name (trigger);

      if (migrator_schema_lookup_trigger (gen->from, name) == NULL || is_marked (dropped, name))
        add_statement (gen->create_triggers, migrator_schema_trigger_get_sql (trigger));
    }
}

static GPtrArray *
tables_not_in (MigratorSchema *schema,
               MigratorSchema *other)
{
  GListModel *tables = migrator_schema_get_tables (schema);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_ITEMS (tables); i++)
    {
      MigratorSchemaTable *table = ITEM (tables, i);

      if (migrator_schema_lookup_table (other, migrator_schema_table_get_name (table)) == NULL)
        g_ptr_array_add (result, table);
      else
        g_object_unref (table);
    }
  return result;
}

char *
migrator_schema_migration_sql (MigratorSchema *from,
                               MigratorSchema *to)
{
  g_autoptr(GPtrArray) removed = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) create_order = NULL;
  g_autoptr(GPtrArray) drop_order = NULL;
  GListModel *tables_a;
  Generator gen;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (from), NULL);
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (to), NULL);

  generator_init (&gen, from, to);
  removed = tables_not_in (from, to);
  added = tables_not_in (to, from);
  note_table_renames (&gen, removed, added);

  /* Referenced tables first. */
  create_order = order_by_dependency (added);
  for (guint i = 0; i < create_order->len; i++)
    {
      MigratorSchemaTable *table = g_ptr_array_index (create_order, i);

      add_statement (gen.create_tables, migrator_schema_table_get_sql (table));
      emit_create_indexes (&gen, table);
    }

  tables_a = migrator_schema_get_tables (from);
  for (guint i = 0; i < N_ITEMS (tables_a); i++)
    {
      g_autoptr(MigratorSchemaTable) a = ITEM (tables_a, i);
      MigratorSchemaTable *b = migrator_schema_lookup_table (to, migrator_schema_table_get_name (a));

      if (b != NULL)
        {
          plan_common_table (&gen, a, b);
          plan_indexes (&gen, a, b);
        }
    }

  /* Referencing tables first. */
  drop_order = order_by_dependency (removed);
  for (guint i = drop_order->len; i > 0; i--)
    {
      MigratorSchemaTable *table = g_ptr_array_index (drop_order, i - 1);
      g_autofree char *quoted = migrator_sql_quote_identifier (migrator_schema_table_get_name (table));

      add_printf (gen.drop_tables, "DROP TABLE %s;", quoted);
      mark (gen.affected, migrator_schema_table_get_name (table));
    }

  plan_views (&gen);
  plan_triggers (&gen);
  return generator_finish (&gen);
}

gboolean
migrator_schema_autogenerate (MigratorSchema  *head,
                              MigratorSchema  *target,
                              char           **upgrade_sql,
                              char           **downgrade_sql)
{
  g_autoptr(GPtrArray) changes = NULL;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (head), FALSE);
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (target), FALSE);
  g_return_val_if_fail (upgrade_sql != NULL && downgrade_sql != NULL, FALSE);

  *upgrade_sql = NULL;
  *downgrade_sql = NULL;
  changes = migrator_schema_diff (head, target);
  if (changes->len == 0)
    return FALSE;

  *upgrade_sql = migrator_schema_migration_sql (head, target);
  *downgrade_sql = migrator_schema_migration_sql (target, head);
  return TRUE;
}
