/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "migrator-types.h"

G_BEGIN_DECLS

/* The ALTER TABLE forms of SPEC §3.1 that SQLite has no syntax for. */
typedef enum {
  MIGRATOR_BATCH_ALTER_TYPE,
  MIGRATOR_BATCH_SET_NOT_NULL,
  MIGRATOR_BATCH_DROP_NOT_NULL,
  MIGRATOR_BATCH_SET_DEFAULT,
  MIGRATOR_BATCH_DROP_DEFAULT,
  MIGRATOR_BATCH_ADD_FOREIGN_KEY,
  MIGRATOR_BATCH_ADD_UNIQUE,
  MIGRATOR_BATCH_ADD_CHECK,
  MIGRATOR_BATCH_DROP_CONSTRAINT,
  MIGRATOR_BATCH_DROP_COLUMN,
} MigratorBatchKind;

/* One recognised batch statement. Names are unquoted (as SQLite sees
 * them); texts are SQL as written in the statement. */
typedef struct
{
  MigratorBatchKind   kind;
  char               *table;
  char               *column;       /* ALTER COLUMN and DROP COLUMN */
  char               *constraint;   /* ADD CONSTRAINT and DROP CONSTRAINT */
  char               *text;         /* TYPE: the type; SET DEFAULT: what follows
                                     * DEFAULT (parenthesised unless a literal);
                                     * CHECK: the expression inside the parens */
  char              **columns;      /* UNIQUE, FOREIGN KEY: the constrained columns */
  char               *ref_table;    /* FOREIGN KEY: the parent table */
  char              **ref_columns;  /* FOREIGN KEY: the parent columns (may be empty:
                                     * the parent's primary key) */
  char               *ref_actions;  /* FOREIGN KEY: ON DELETE … as written, or NULL */
  guint               line;         /* file line of the statement, 0 if unknown */
} MigratorBatchOp;

void      migrator_batch_op_free        (MigratorBatchOp  *op);

/* Recognises one statement. Returns TRUE and sets *@out_op to NULL when
 * @sql is not a batch statement (it runs natively), TRUE and a new op when
 * it is; FALSE with an error naming what is wrong when @sql is a malformed
 * batch statement (an ALTER COLUMN, ADD CONSTRAINT or DROP CONSTRAINT that
 * does not follow SPEC §3.1). */
gboolean  migrator_batch_parse          (const char       *sql,
                                         MigratorBatchOp **out_op,
                                         GError          **error);

/* Performs @ops (element-type MigratorBatchOp, all on one table) inside a
 * savepoint of the caller's transaction: one table rebuild (or one native
 * DROP COLUMN where SQLite allows it), following MIGRATION-TOOLS.md §3.5
 * steps 4–9. PRAGMA foreign_keys must be off (the runner turns it off
 * outside its transaction; in autocommit mode this function does it).
 * On failure nothing is changed. Appends every statement it runs to
 * @sql_log when not NULL. */
gboolean  migrator_batch_execute        (sqlite3          *db,
                                         GPtrArray        *ops,
                                         GString          *sql_log,
                                         GError          **error);

typedef enum {
  MIGRATOR_BATCH_FLAGS_NONE                   = 0,
  /* The caller runs PRAGMA foreign_key_check on the whole database before
   * it commits (the runner does): the rebuild then skips its own check of
   * the table and its children, which would read a large table twice. New
   * foreign keys are still checked before the copy. */
  MIGRATOR_BATCH_FLAGS_DEFER_FOREIGN_KEY_CHECK = 1 << 0,
} MigratorBatchFlags;

gboolean  migrator_batch_execute_with_flags (sqlite3            *db,
                                             GPtrArray          *ops,
                                             MigratorBatchFlags  flags,
                                             GString            *sql_log,
                                             GError            **error);

/* Appends to @out the statements migrator_batch_execute() would run for
 * @ops on the schema of @db (which is only read), for --sql. */
gboolean  migrator_batch_render_sql     (sqlite3          *db,
                                         GPtrArray        *ops,
                                         GString          *out,
                                         GError          **error);

/* Runs the statements of one revision section in order (element-type
 * MigratorStatement): consecutive batch statements on the same table
 * become one rebuild, everything else runs natively. Errors name the
 * revision, the line and SQLite's message. Appends the statements run to
 * @sql_log when not NULL (so running this on a scratch copy of the schema
 * yields the exact --sql script). */
gboolean  migrator_batch_run_statements (sqlite3          *db,
                                         GPtrArray        *statements,
                                         const char       *revision_id,
                                         GString          *sql_log,
                                         GError          **error);

/* The name of the temporary table of a rebuild of @table. */
char     *migrator_batch_temp_name      (const char       *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorBatchOp, migrator_batch_op_free)

G_END_DECLS
