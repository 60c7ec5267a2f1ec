/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "migrator-schema.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_SCHEMA_CHANGE (migrator_schema_change_get_type ())

G_DECLARE_FINAL_TYPE (MigratorSchemaChange, migrator_schema_change, MIGRATOR, SCHEMA_CHANGE, GObject)

typedef enum {
  MIGRATOR_CHANGE_ADDED,     /* "+" */
  MIGRATOR_CHANGE_REMOVED,   /* "-" */
  MIGRATOR_CHANGE_CHANGED,   /* "~" */
} MigratorChangeKind;

typedef enum {
  MIGRATOR_SCHEMA_OBJECT_TABLE,
  MIGRATOR_SCHEMA_OBJECT_COLUMN,
  MIGRATOR_SCHEMA_OBJECT_INDEX,
  MIGRATOR_SCHEMA_OBJECT_UNIQUE,       /* a UNIQUE table constraint (automatic index) */
  MIGRATOR_SCHEMA_OBJECT_FOREIGN_KEY,
  MIGRATOR_SCHEMA_OBJECT_CHECK,
  MIGRATOR_SCHEMA_OBJECT_TRIGGER,
  MIGRATOR_SCHEMA_OBJECT_VIEW,
} MigratorSchemaObjectKind;

/* "+", "-", "~" */
const char         *migrator_change_kind_to_string         (MigratorChangeKind        kind);
/* "table", "column", "index", "unique", "foreign_key", "check", "trigger", "view" */
const char         *migrator_schema_object_kind_to_string  (MigratorSchemaObjectKind  object);

/* The differences that turn @from into @to, table by table (columns,
 * indexes, UNIQUE constraints, foreign keys, CHECKs), then views and
 * triggers. Column order and layout, case and quoting of the SQL text do
 * not count. Returns: (transfer full) (element-type MigratorSchemaChange) */
GPtrArray          *migrator_schema_diff                   (MigratorSchema           *from,
                                                            MigratorSchema           *to);

MigratorChangeKind  migrator_schema_change_get_kind        (MigratorSchemaChange     *self);
MigratorSchemaObjectKind migrator_schema_change_get_object (MigratorSchemaChange     *self);
/* The table concerned; NULL for views. */
const char         *migrator_schema_change_get_table       (MigratorSchemaChange     *self);
/* The object's name (a table's own name for MIGRATOR_SCHEMA_OBJECT_TABLE;
 * "(a, b) → t (id)" for a foreign key; the normalised text for a CHECK). */
const char         *migrator_schema_change_get_name        (MigratorSchemaChange     *self);
/* "type INTEGER → REAL, notnull false → true"; a summary for + and -;
 * may be NULL. */
const char         *migrator_schema_change_get_detail      (MigratorSchemaChange     *self);
/* "+ column users.age: INTEGER NOT NULL", identifiers quoted when needed. */
char               *migrator_schema_change_to_string       (MigratorSchemaChange     *self);
/* {"kind", "object", "table", "name", "detail"} */
JsonNode           *migrator_schema_change_to_json         (MigratorSchemaChange     *self);

/* The SQL that turns a database with schema @from into @to: plain SQLite
 * where it can, the batch ALTER statements of SPEC §3.1 for column type,
 * nullability, default and named foreign key changes, and SQLite's own
 * rebuild procedure (new table, copy, drop, rename) for the rest. Tables
 * are created referenced first and dropped referencing first. Possible
 * renames and risky additions are explained in "-- NOTE:" comments.
 * Returns "" when the schemas are equal. */
char               *migrator_schema_migration_sql          (MigratorSchema           *from,
                                                            MigratorSchema           *to);
/* Both directions for "revision --autogenerate": FALSE (and NULLs) when
 * there are no changes. */
gboolean            migrator_schema_autogenerate           (MigratorSchema           *head,
                                                            MigratorSchema           *target,
                                                            char                    **upgrade_sql,
                                                            char                    **downgrade_sql);

G_END_DECLS
