/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "migrator-types.h"

G_BEGIN_DECLS

/* The schema of a SQLite database as the inspector shows it and the diff
 * compares it: tables with their columns, indexes and foreign keys, views
 * and triggers, each with its original SQL. Every list is a GListModel so
 * that a GtkColumnView can show it directly. Objects are immutable once
 * read. */

#define MIGRATOR_TYPE_SCHEMA             (migrator_schema_get_type ())
#define MIGRATOR_TYPE_SCHEMA_TABLE       (migrator_schema_table_get_type ())
#define MIGRATOR_TYPE_SCHEMA_COLUMN      (migrator_schema_column_get_type ())
#define MIGRATOR_TYPE_SCHEMA_INDEX       (migrator_schema_index_get_type ())
#define MIGRATOR_TYPE_SCHEMA_FOREIGN_KEY (migrator_schema_foreign_key_get_type ())
#define MIGRATOR_TYPE_SCHEMA_TRIGGER     (migrator_schema_trigger_get_type ())
#define MIGRATOR_TYPE_SCHEMA_VIEW        (migrator_schema_view_get_type ())

G_DECLARE_FINAL_TYPE (MigratorSchema, migrator_schema, MIGRATOR, SCHEMA, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaTable, migrator_schema_table, MIGRATOR, SCHEMA_TABLE, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaColumn, migrator_schema_column, MIGRATOR, SCHEMA_COLUMN, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaIndex, migrator_schema_index, MIGRATOR, SCHEMA_INDEX, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaForeignKey, migrator_schema_foreign_key, MIGRATOR, SCHEMA_FOREIGN_KEY, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaTrigger, migrator_schema_trigger, MIGRATOR, SCHEMA_TRIGGER, GObject)
G_DECLARE_FINAL_TYPE (MigratorSchemaView, migrator_schema_view, MIGRATOR, SCHEMA_VIEW, GObject)

/* PRAGMA table_xinfo's "hidden" column. */
typedef enum {
  MIGRATOR_SCHEMA_COLUMN_NORMAL            = 0,
  MIGRATOR_SCHEMA_COLUMN_HIDDEN            = 1,  /* virtual tables only */
  MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL = 2,
  MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED  = 3,
} MigratorSchemaColumnHidden;

/* Reading. @ignored_tables (may be NULL) are left out together with their
 * indexes and triggers: the version and history tables. sqlite_% tables are
 * always left out. */

/* An empty schema ("base"). */
MigratorSchema     *migrator_schema_new                    (void);
MigratorSchema     *migrator_schema_new_from_connection    (sqlite3            *db,
                                                            const char *const  *ignored_tables,
                                                            GError            **error);
/* Opens @path read-only; a missing file is a G_IO_ERROR_NOT_FOUND error. */
MigratorSchema     *migrator_schema_new_from_database_file (const char         *path,
                                                            const char *const  *ignored_tables,
                                                            gint64              lock_timeout_ms,
                                                            GError            **error);
/* Executes @sql into an in-memory database. @origin names it in errors. */
MigratorSchema     *migrator_schema_new_from_sql           (const char         *sql,
                                                            const char         *origin,
                                                            const char *const  *ignored_tables,
                                                            GError            **error);
MigratorSchema     *migrator_schema_new_from_sql_file      (const char         *path,
                                                            const char *const  *ignored_tables,
                                                            GError            **error);
/* Replays the upgrade statements from base to @revision (NULL: base) into
 * an in-memory database. Errors name the revision, file and line. */
MigratorSchema     *migrator_schema_new_at_revision        (MigratorGraph      *graph,
                                                            MigratorRevision   *revision,
                                                            const char *const  *ignored_tables,
                                                            GError            **error);
/* Executes the upgrade statements of base..@revision on @db (a fresh
 * database), batch ALTER statements included. */
gboolean            migrator_schema_replay                 (sqlite3            *db,
                                                            MigratorGraph      *graph,
                                                            MigratorRevision   *revision,
                                                            GError            **error);
/* Executes @sql statement by statement; errors name @origin and the line. */
gboolean            migrator_schema_exec_script            (sqlite3            *db,
                                                            const char         *sql,
                                                            const char         *origin,
                                                            GError            **error);

/* (element-type MigratorSchemaTable), in creation order. */
GListModel         *migrator_schema_get_tables             (MigratorSchema     *self);
/* (element-type MigratorSchemaView) */
GListModel         *migrator_schema_get_views              (MigratorSchema     *self);
/* (element-type MigratorSchemaTrigger) */
GListModel         *migrator_schema_get_triggers           (MigratorSchema     *self);
/* Case-insensitive for ASCII, like SQLite. */
MigratorSchemaTable *migrator_schema_lookup_table          (MigratorSchema     *self,
                                                            const char         *name);
MigratorSchemaView  *migrator_schema_lookup_view           (MigratorSchema     *self,
                                                            const char         *name);
MigratorSchemaTrigger *migrator_schema_lookup_trigger      (MigratorSchema     *self,
                                                            const char         *name);
gboolean            migrator_schema_is_empty               (MigratorSchema     *self);
/* SPEC §5's "schema" JSON object. */
JsonNode           *migrator_schema_to_json                (MigratorSchema     *self);
/* Human-readable text, one block per table. */
char               *migrator_schema_to_text                (MigratorSchema     *self);

const char         *migrator_schema_table_get_name         (MigratorSchemaTable *self);
const char         *migrator_schema_table_get_sql          (MigratorSchemaTable *self);
gboolean            migrator_schema_table_get_strict       (MigratorSchemaTable *self);
gboolean            migrator_schema_table_get_without_rowid (MigratorSchemaTable *self);
gboolean            migrator_schema_table_get_autoincrement (MigratorSchemaTable *self);
/* (element-type MigratorSchemaColumn), in table order (hidden ones included). */
GListModel         *migrator_schema_table_get_columns      (MigratorSchemaTable *self);
/* (element-type MigratorSchemaIndex), by name; automatic indexes included. */
GListModel         *migrator_schema_table_get_indexes      (MigratorSchemaTable *self);
/* (element-type MigratorSchemaForeignKey), in declaration order. */
GListModel         *migrator_schema_table_get_foreign_keys (MigratorSchemaTable *self);
MigratorSchemaColumn *migrator_schema_table_lookup_column  (MigratorSchemaTable *self,
                                                            const char          *name);
/* The CHECK constraints of the CREATE TABLE text, normalised
 * (see migrator_sql_normalize), NULL-terminated, never NULL. */
const char *const  *migrator_schema_table_get_checks       (MigratorSchemaTable *self);
/* UNIQUE and PRIMARY KEY table constraints' names ("CONSTRAINT name"),
 * keyed by their normalised column list "a,b": NULL when unnamed. */
const char         *migrator_schema_table_get_constraint_name (MigratorSchemaTable *self,
                                                               const char          *kind,
                                                               const char          *columns_key);

const char         *migrator_schema_column_get_name        (MigratorSchemaColumn *self);
/* Declared type as written, "" when none. */
const char         *migrator_schema_column_get_type_name   (MigratorSchemaColumn *self);
gboolean            migrator_schema_column_get_notnull     (MigratorSchemaColumn *self);
/* The default expression as written, NULL when none. */
const char         *migrator_schema_column_get_default     (MigratorSchemaColumn *self);
/* Position in the primary key (1-based), 0 when not part of it. */
guint               migrator_schema_column_get_pk          (MigratorSchemaColumn *self);
MigratorSchemaColumnHidden migrator_schema_column_get_hidden (MigratorSchemaColumn *self);
gboolean            migrator_schema_column_get_generated   (MigratorSchemaColumn *self);
/* COLLATE name where declared, else NULL. */
const char         *migrator_schema_column_get_collation   (MigratorSchemaColumn *self);
/* The column definition of the CREATE TABLE text ("name TYPE NOT NULL …"),
 * NULL when the text could not be parsed. */
const char         *migrator_schema_column_get_definition  (MigratorSchemaColumn *self);
/* TRUE when the definition has an inline UNIQUE constraint. */
gboolean            migrator_schema_column_get_unique      (MigratorSchemaColumn *self);

const char         *migrator_schema_index_get_name         (MigratorSchemaIndex *self);
const char         *migrator_schema_index_get_table_name   (MigratorSchemaIndex *self);
/* NULL for automatic indexes (UNIQUE and PRIMARY KEY constraints). */
const char         *migrator_schema_index_get_sql          (MigratorSchemaIndex *self);
gboolean            migrator_schema_index_get_unique       (MigratorSchemaIndex *self);
gboolean            migrator_schema_index_get_partial      (MigratorSchemaIndex *self);
/* The WHERE expression of a partial index, else NULL. */
const char         *migrator_schema_index_get_where        (MigratorSchemaIndex *self);
/* Key columns; an expression shows as its text. */
const char *const  *migrator_schema_index_get_columns      (MigratorSchemaIndex *self);
/* "c" (CREATE INDEX), "u" (UNIQUE constraint), "pk" (PRIMARY KEY). */
const char         *migrator_schema_index_get_origin       (MigratorSchemaIndex *self);

guint               migrator_schema_foreign_key_get_id     (MigratorSchemaForeignKey *self);
/* "CONSTRAINT name" where declared, else NULL. */
const char         *migrator_schema_foreign_key_get_name   (MigratorSchemaForeignKey *self);
const char         *migrator_schema_foreign_key_get_table_name (MigratorSchemaForeignKey *self);
const char *const  *migrator_schema_foreign_key_get_columns (MigratorSchemaForeignKey *self);
const char         *migrator_schema_foreign_key_get_referenced_table (MigratorSchemaForeignKey *self);
/* "REFERENCES t" without columns gives t's primary key columns, or empty
 * strings when t does not exist. */
const char *const  *migrator_schema_foreign_key_get_referenced_columns (MigratorSchemaForeignKey *self);
const char         *migrator_schema_foreign_key_get_on_update (MigratorSchemaForeignKey *self);
const char         *migrator_schema_foreign_key_get_on_delete (MigratorSchemaForeignKey *self);
const char         *migrator_schema_foreign_key_get_match  (MigratorSchemaForeignKey *self);

const char         *migrator_schema_trigger_get_name       (MigratorSchemaTrigger *self);
const char         *migrator_schema_trigger_get_table_name (MigratorSchemaTrigger *self);
const char         *migrator_schema_trigger_get_sql        (MigratorSchemaTrigger *self);

const char         *migrator_schema_view_get_name          (MigratorSchemaView *self);
const char         *migrator_schema_view_get_sql           (MigratorSchemaView *self);

/* SQL text helpers shared with the diff. */

/* Tokens of @sql joined by single spaces: comments dropped, keywords and
 * identifiers lowercased and unquoted, strings kept. Two statements that
 * differ only in layout, case or quoting normalise to the same text. */
char               *migrator_sql_normalize                 (const char         *sql);
/* @name as written if it is a plain identifier that is no keyword, else
 * quoted (for messages and human output). */
char               *migrator_sql_display_identifier        (const char         *name);
/* TRUE when the normalised tokens of @sql contain the identifier @name. */
gboolean            migrator_sql_mentions_identifier       (const char         *sql,
                                                            const char         *name);

/* "CREATE TABLE old (…) …" -> "CREATE TABLE \"new\" (…) …": the text from
 * the opening parenthesis on is kept as written. */
char               *migrator_sql_rename_create_table       (const char         *sql,
                                                            const char         *new_name);

G_END_DECLS
