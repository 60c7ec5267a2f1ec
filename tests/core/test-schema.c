/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-schema"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-schema.h"

/* One table of every kind the inspector has to get right. */
static const char *const everything_sql =
  "CREATE TABLE \"my \"\"odd\"\" table\" (\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  \"first name\" TEXT NOT NULL COLLATE NOCASE DEFAULT 'x',\n"
  "  parent_id INTEGER REFERENCES \"my \"\"odd\"\" table\" (id) ON DELETE CASCADE,\n"
  "  price REAL CHECK (price >= 0),\n"
  "  doubled REAL GENERATED ALWAYS AS (price * 2) VIRTUAL,\n"
  "  tripled REAL AS (price * 3) STORED\n"
  ");\n"
  "CREATE TABLE strict_one (k TEXT PRIMARY KEY, v INT, UNIQUE (v)) STRICT, WITHOUT ROWID;\n"
  "CREATE TABLE child (\n"
  "  a INTEGER, b INTEGER,\n"
  "  CONSTRAINT fk_child_parent FOREIGN KEY (a, b) REFERENCES pair (x, y) ON UPDATE SET NULL\n"
  ");\n"
  "CREATE TABLE pair (x INTEGER, y INTEGER, PRIMARY KEY (x, y));\n"
  "CREATE INDEX \"idx price\" ON \"my \"\"odd\"\" table\" (price) WHERE price > 10;\n"
  "CREATE UNIQUE INDEX idx_lower ON child (lower(a), b DESC);\n"
  "CREATE VIEW expensive AS SELECT id, price FROM \"my \"\"odd\"\" table\" WHERE price > 100;\n"
  "CREATE TRIGGER child_ai AFTER INSERT ON child BEGIN\n"
  "  UPDATE pair SET y = y + 1 WHERE x = new.a;\n"
  "END;\n"
  "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);\n"
  "CREATE TABLE migrator_history (id INTEGER PRIMARY KEY);\n";

static const char *const ignored[] = { "alembic_version", "migrator_history", NULL };

static MigratorSchema *
load_everything (void)
{
  g_autoptr(GError) error = NULL;
  MigratorSchema *schema = migrator_schema_new_from_sql (everything_sql, "everything", ignored, &error);

  g_assert_no_error (error);
  g_assert_nonnull (schema);
  return schema;
}

static void
test_schema_tables (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  GListModel *tables = migrator_schema_get_tables (schema);
  g_autoptr(MigratorSchemaTable) first = NULL;

  /* sqlite_sequence, the version and the history table are left out. */
  g_assert_cmpuint (g_list_model_get_n_items (tables), ==, 4);
  first = g_list_model_get_item (tables, 0);
  g_assert_cmpstr (migrator_schema_table_get_name (first), ==, "my \"odd\" table");
  g_assert_true (g_str_has_prefix (migrator_schema_table_get_sql (first), "CREATE TABLE \"my \"\"odd\"\" table\""));
  g_assert_true (migrator_schema_table_get_autoincrement (first));
  g_assert_false (migrator_schema_table_get_strict (first));
  g_assert_null (migrator_schema_lookup_table (schema, "alembic_version"));
  g_assert_null (migrator_schema_lookup_table (schema, "sqlite_sequence"));
  g_assert_true (migrator_schema_lookup_table (schema, "MY \"ODD\" TABLE") == first);

  {
    MigratorSchemaTable *strict = migrator_schema_lookup_table (schema, "strict_one");

    g_assert_true (migrator_schema_table_get_strict (strict));
    g_assert_true (migrator_schema_table_get_without_rowid (strict));
    g_assert_false (migrator_schema_table_get_autoincrement (strict));
  }
}

static void
test_schema_columns (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  MigratorSchemaTable *table = migrator_schema_lookup_table (schema, "my \"odd\" table");
  MigratorSchemaColumn *column;
  g_autofree char *type_name = NULL;
  gboolean notnull;

  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_columns (table)), ==, 6);

  column = migrator_schema_table_lookup_column (table, "id");
  g_assert_cmpstr (migrator_schema_column_get_type_name (column), ==, "INTEGER");
  g_assert_cmpuint (migrator_schema_column_get_pk (column), ==, 1);
  g_assert_false (migrator_schema_column_get_generated (column));

  column = migrator_schema_table_lookup_column (table, "first name");
  g_assert_true (migrator_schema_column_get_notnull (column));
  g_assert_cmpstr (migrator_schema_column_get_default (column), ==, "'x'");
  g_assert_cmpstr (migrator_schema_column_get_collation (column), ==, "NOCASE");
  g_assert_cmpstr (migrator_schema_column_get_definition (column), ==,
                   "\"first name\" TEXT NOT NULL COLLATE NOCASE DEFAULT 'x'");
  g_object_get (column, "type-name", &type_name, "notnull", &notnull, NULL);
  g_assert_cmpstr (type_name, ==, "TEXT");
  g_assert_true (notnull);

  column = migrator_schema_table_lookup_column (table, "doubled");
  g_assert_true (migrator_schema_column_get_generated (column));
  g_assert_cmpint (migrator_schema_column_get_hidden (column), ==, MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL);
  column = migrator_schema_table_lookup_column (table, "tripled");
  g_assert_cmpint (migrator_schema_column_get_hidden (column), ==, MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED);
  column = migrator_schema_table_lookup_column (table, "price");
  g_assert_null (migrator_schema_column_get_collation (column));
  g_assert_null (migrator_schema_table_lookup_column (table, "missing"));

  g_assert_cmpuint (g_strv_length ((GStrv) migrator_schema_table_get_checks (table)), ==, 1);
  g_assert_cmpstr (migrator_schema_table_get_checks (table)[0], ==, "price: check ( price >= 0 )");
}

static MigratorSchemaIndex *
get_index (MigratorSchemaTable *table,
           guint                position)
{
  g_autoptr(MigratorSchemaIndex) index = g_list_model_get_item (migrator_schema_table_get_indexes (table), position);

  return index;  /* the table keeps it alive */
}

static void
test_schema_indexes (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  MigratorSchemaTable *table = migrator_schema_lookup_table (schema, "my \"odd\" table");
  MigratorSchemaIndex *index;
  const char *const price[] = { "price", NULL };
  const char *const lowered[] = { "lower(a)", "b", NULL };

  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_indexes (table)), ==, 1);
  index = get_index (table, 0);
  g_assert_cmpstr (migrator_schema_index_get_name (index), ==, "idx price");
  g_assert_true (migrator_schema_index_get_partial (index));
  g_assert_cmpstr (migrator_schema_index_get_where (index), ==, "price > 10");
  g_assert_cmpstr (migrator_schema_index_get_origin (index), ==, "c");
  g_assert_false (migrator_schema_index_get_unique (index));
  g_assert_cmpstrv (migrator_schema_index_get_columns (index), price);

  table = migrator_schema_lookup_table (schema, "child");
  index = get_index (table, 0);
  g_assert_cmpstr (migrator_schema_index_get_name (index), ==, "idx_lower");
  g_assert_true (migrator_schema_index_get_unique (index));
  g_assert_false (migrator_schema_index_get_partial (index));
  g_assert_null (migrator_schema_index_get_where (index));
  g_assert_cmpstrv (migrator_schema_index_get_columns (index), lowered);

  /* UNIQUE (v) and the WITHOUT ROWID primary key are automatic indexes. */
  table = migrator_schema_lookup_table (schema, "strict_one");
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_indexes (table)), ==, 2);
  index = get_index (table, 0);
  g_assert_cmpstr (migrator_schema_index_get_origin (index), ==, "pk");
  g_assert_null (migrator_schema_index_get_sql (index));
  index = get_index (table, 1);
  g_assert_cmpstr (migrator_schema_index_get_origin (index), ==, "u");
}

static void
test_schema_foreign_keys (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  MigratorSchemaTable *table = migrator_schema_lookup_table (schema, "my \"odd\" table");
  g_autoptr(MigratorSchemaForeignKey) fk = NULL;
  const char *const parent[] = { "parent_id", NULL };
  const char *const id[] = { "id", NULL };
  const char *const ab[] = { "a", "b", NULL };
  const char *const xy[] = { "x", "y", NULL };

  /* Self-referencing. */
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_foreign_keys (table)), ==, 1);
  fk = g_list_model_get_item (migrator_schema_table_get_foreign_keys (table), 0);
  g_assert_cmpstr (migrator_schema_foreign_key_get_referenced_table (fk), ==, "my \"odd\" table");
  g_assert_cmpstrv (migrator_schema_foreign_key_get_columns (fk), parent);
  g_assert_cmpstrv (migrator_schema_foreign_key_get_referenced_columns (fk), id);
  g_assert_cmpstr (migrator_schema_foreign_key_get_on_delete (fk), ==, "CASCADE");
  g_assert_cmpstr (migrator_schema_foreign_key_get_on_update (fk), ==, "NO ACTION");
  g_assert_null (migrator_schema_foreign_key_get_name (fk));
  g_clear_object (&fk);

  table = migrator_schema_lookup_table (schema, "child");
  fk = g_list_model_get_item (migrator_schema_table_get_foreign_keys (table), 0);
  g_assert_cmpstr (migrator_schema_foreign_key_get_name (fk), ==, "fk_child_parent");
  g_assert_cmpstrv (migrator_schema_foreign_key_get_columns (fk), ab);
  g_assert_cmpstrv (migrator_schema_foreign_key_get_referenced_columns (fk), xy);
  g_assert_cmpstr (migrator_schema_foreign_key_get_on_update (fk), ==, "SET NULL");
}

static void
test_schema_views_triggers (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  MigratorSchemaView *view = migrator_schema_lookup_view (schema, "expensive");
  MigratorSchemaTrigger *trigger = migrator_schema_lookup_trigger (schema, "child_ai");

  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_get_views (schema)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_get_triggers (schema)), ==, 1);
  g_assert_nonnull (view);
  g_assert_true (g_str_has_prefix (migrator_schema_view_get_sql (view), "CREATE VIEW expensive AS"));
  g_assert_nonnull (trigger);
  g_assert_cmpstr (migrator_schema_trigger_get_table_name (trigger), ==, "child");
  g_assert_true (g_str_has_suffix (migrator_schema_trigger_get_sql (trigger), "END"));
  g_assert_false (migrator_schema_is_empty (schema));
}

static void
test_schema_json (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  g_autoptr(JsonNode) root = migrator_schema_to_json (schema);
  JsonObject *object = json_node_get_object (root);
  JsonArray *tables = json_object_get_array_member (object, "tables");
  JsonObject *table = json_array_get_object_element (tables, 0);
  JsonObject *column;

  g_assert_true (json_object_has_member (object, "views"));
  g_assert_true (json_object_has_member (object, "triggers"));
  g_assert_cmpuint (json_array_get_length (tables), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (table, "name"), ==, "my \"odd\" table");
  g_assert_nonnull (json_object_get_string_member (table, "sql"));
  g_assert_true (json_object_has_member (table, "indexes"));
  g_assert_true (json_object_has_member (table, "foreign_keys"));

  column = json_array_get_object_element (json_object_get_array_member (table, "columns"), 1);
  g_assert_cmpstr (json_object_get_string_member (column, "name"), ==, "first name");
  g_assert_cmpstr (json_object_get_string_member (column, "type"), ==, "TEXT");
  g_assert_true (json_object_get_boolean_member (column, "notnull"));
  g_assert_cmpstr (json_object_get_string_member (column, "default"), ==, "'x'");
  g_assert_cmpint (json_object_get_int_member (column, "pk"), ==, 0);
  column = json_array_get_object_element (json_object_get_array_member (table, "columns"), 0);
  g_assert_true (json_object_get_null_member (column, "default"));
  g_assert_cmpint (json_object_get_int_member (column, "pk"), ==, 1);
}

static void
test_schema_text (void)
{
  g_autoptr(MigratorSchema) schema = load_everything ();
  g_autoptr(MigratorSchema) empty = migrator_schema_new ();
  g_autofree char *text = migrator_schema_to_text (schema);
  g_autofree char *empty_text = migrator_schema_to_text (empty);

  g_assert_nonnull (strstr (text, "Table \"my \"\"odd\"\" table\" AUTOINCREMENT\n"));
  g_assert_nonnull (strstr (text, "    \"first name\" TEXT NOT NULL DEFAULT 'x' COLLATE NOCASE\n"));
  g_assert_nonnull (strstr (text, "Table strict_one STRICT WITHOUT ROWID\n"));
  g_assert_nonnull (strstr (text, "    \"idx price\" (price) WHERE price > 10\n"));
  g_assert_nonnull (strstr (text, "View expensive\n"));
  g_assert_nonnull (strstr (text, "Trigger child_ai on child\n"));
  g_assert_true (migrator_schema_is_empty (empty));
  g_assert_cmpstr (empty_text, ==, "(empty schema)\n");
}

static void
test_schema_normalize (void)
{
  g_autofree char *a = migrator_sql_normalize ("CREATE  TABLE \"T\" (a INT, -- comment\n b TEXT DEFAULT 'X y');");
  g_autofree char *b = migrator_sql_normalize ("create table t(\n  A int,\n  [b] text default 'X y'\n)");
  g_autofree char *plain = migrator_sql_display_identifier ("users");
  g_autofree char *spaced = migrator_sql_display_identifier ("my table");
  g_autofree char *keyword = migrator_sql_display_identifier ("order");
  g_autofree char *renamed = migrator_sql_rename_create_table ("CREATE TABLE \"a (b\" (x INT) STRICT", "new");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, ==, "create table t ( a int , b text default 'X y' )");
  g_assert_cmpstr (plain, ==, "users");
  g_assert_cmpstr (spaced, ==, "\"my table\"");
  g_assert_cmpstr (keyword, ==, "\"order\"");
  g_assert_cmpstr (renamed, ==, "CREATE TABLE \"new\" (x INT) STRICT");
  g_assert_true (migrator_sql_mentions_identifier ("SELECT * FROM \"Users\"", "users"));
  g_assert_false (migrator_sql_mentions_identifier ("SELECT * FROM users2", "users"));
}

static void
test_schema_sql_error (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorSchema) schema = NULL;

  schema = migrator_schema_new_from_sql ("CREATE TABLE a (x);\n\nCREATE TABLE a (y);\n", "schema.sql", NULL, &error);
  g_assert_null (schema);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE);
  g_assert_true (g_str_has_prefix (error->message, "schema.sql:3: "));
  g_assert_nonnull (strstr (error->message, "already exists"));
}

static void
test_schema_database_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "app.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorSchema) schema = NULL;
  sqlite3 *db = NULL;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  schema = migrator_schema_new_from_database_file (path, NULL, 1000, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (schema);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, everything_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  schema = migrator_schema_new_from_database_file (path, ignored, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_get_tables (schema)), ==, 4);
}

static void
write_revision (const char *dir,
                const char *id,
                const char *down,
                const char *upgrade)
{
  g_autofree char *path = g_strdup_printf ("%s/%s_rev.sql", dir, id);
  g_autofree char *text = g_strdup_printf ("-- revision: %s\n-- down_revision: %s\n-- message: rev %s\n\n"
                                           "-- migrate:upgrade\n%s\n-- migrate:downgrade\n",
                                           id, down, id, upgrade);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static MigratorGraph *
make_graph (const char *failing_upgrade)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "versions", NULL);
  g_autoptr(GError) error = NULL;
  MigratorGraph *graph;

  g_mkdir_with_parents (dir, 0700);
  write_revision (dir, "aaa", "none", "CREATE TABLE users (id INTEGER PRIMARY KEY);");
  write_revision (dir, "bbb", "aaa", "ALTER TABLE users ADD COLUMN name TEXT;\nCREATE INDEX users_name ON users (name);");
  write_revision (dir, "ccc", "bbb", failing_upgrade);
  write_revision (dir, "ddd", "bbb", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
                                     "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(40);");
  graph = migrator_graph_load (dir, &error);
  g_assert_no_error (error);
  return graph;
}

static void
test_schema_at_revision (void)
{
  g_autoptr(MigratorGraph) graph = make_graph ("\n\nCREATE TABLE users (x);");
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorSchema) base = NULL;
  g_autoptr(MigratorSchema) first = NULL;
  g_autoptr(MigratorSchema) second = NULL;
  g_autoptr(MigratorSchema) broken = NULL;
  MigratorSchemaTable *users;

  base = migrator_schema_new_at_revision (graph, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (migrator_schema_is_empty (base));

  first = migrator_schema_new_at_revision (graph, migrator_graph_lookup (graph, "aaa"), NULL, &error);
  g_assert_no_error (error);
  users = migrator_schema_lookup_table (first, "users");
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_columns (users)), ==, 1);

  second = migrator_schema_new_at_revision (graph, migrator_graph_lookup (graph, "bbb"), NULL, &error);
  g_assert_no_error (error);
  users = migrator_schema_lookup_table (second, "users");
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_columns (users)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_indexes (users)), ==, 1);

  /* Batch ALTER statements replay through the table rebuild. */
  {
    g_autoptr(MigratorSchema) batch = NULL;
    MigratorSchemaColumn *name;

    batch = migrator_schema_new_at_revision (graph, migrator_graph_lookup (graph, "ddd"), NULL, &error);
    g_assert_no_error (error);
    name = migrator_schema_table_lookup_column (migrator_schema_lookup_table (batch, "users"), "name");
    g_assert_true (migrator_schema_column_get_notnull (name));
    g_assert_cmpstr (migrator_schema_column_get_type_name (name), ==, "VARCHAR(40)");
    g_assert_cmpuint (g_list_model_get_n_items (migrator_schema_table_get_indexes (migrator_schema_lookup_table (batch, "users"))), ==, 1);
  }

  /* The error names the revision, its file and the line. */
  broken = migrator_schema_new_at_revision (graph, migrator_graph_lookup (graph, "ccc"), NULL, &error);
  g_assert_null (broken);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "ccc"));
  g_assert_nonnull (strstr (error->message, "ccc_rev.sql: revision ccc, line 8: "));
  g_assert_nonnull (strstr (error->message, "already exists"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/schema/tables", test_schema_tables);
  g_test_add_func ("/schema/columns", test_schema_columns);
  g_test_add_func ("/schema/indexes", test_schema_indexes);
  g_test_add_func ("/schema/foreign-keys", test_schema_foreign_keys);
  g_test_add_func ("/schema/views-triggers", test_schema_views_triggers);
  g_test_add_func ("/schema/json", test_schema_json);
  g_test_add_func ("/schema/text", test_schema_text);
  g_test_add_func ("/schema/normalize", test_schema_normalize);
  g_test_add_func ("/schema/sql-error", test_schema_sql_error);
  g_test_add_func ("/schema/database-file", test_schema_database_file);
  g_test_add_func ("/schema/at-revision", test_schema_at_revision);

  return g_test_run ();
}
