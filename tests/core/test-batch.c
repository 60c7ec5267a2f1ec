/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-batch"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sqlite3.h>

#include "migrator-batch.h"
#include "migrator-error.h"
#include "migrator-sql.h"

#define N_ROWS 10000
#define ODD    "\"my \"\"odd\"\" table\""

/* ------------------------------------------------------------------ */
/* Recogniser                                                          */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char        *sql;
  MigratorBatchKind  kind;
  const char        *table;
  const char        *column;
  const char        *constraint;
  const char        *text;
} ParseCase;

static void
test_parse_forms (void)
{
  static const ParseCase cases[] = {
    { "ALTER TABLE t ALTER COLUMN c TYPE REAL;", MIGRATOR_BATCH_ALTER_TYPE, "t", "c", NULL, "REAL" },
    { "alter table \"a b\" alter \"c \"\"d\"\"\" set data type varchar ( 10 )", MIGRATOR_BATCH_ALTER_TYPE,
      "a b", "c \"d\"", NULL, "varchar ( 10 )" },
    { "ALTER TABLE t ALTER COLUMN c TYPE UNSIGNED BIG INT", MIGRATOR_BATCH_ALTER_TYPE, "t", "c", NULL, "UNSIGNED BIG INT" },
    { "ALTER TABLE t ALTER COLUMN c TYPE DECIMAL(10, -2)", MIGRATOR_BATCH_ALTER_TYPE, "t", "c", NULL, "DECIMAL(10, -2)" },
    { "ALTER TABLE main.[x y] ALTER COLUMN `q` SET NOT NULL", MIGRATOR_BATCH_SET_NOT_NULL, "x y", "q", NULL, NULL },
    { "ALTER /* c */ TABLE -- x\n 'z' ALTER c DROP NOT NULL ;", MIGRATOR_BATCH_DROP_NOT_NULL, "z", "c", NULL, NULL },
    { "ALTER TABLE \"Main\".\"T\" ALTER COLUMN \"column\" DROP DEFAULT", MIGRATOR_BATCH_DROP_DEFAULT, "T", "column", NULL, NULL },
    { "ALTER TABLE t ALTER COLUMN column TYPE INT", MIGRATOR_BATCH_ALTER_TYPE, "t", "column", NULL, "INT" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "0" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT -1.5e3", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "-1.5e3" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'it''s; fine'", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "'it''s; fine'" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1 + 2 -- sum", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "(1 + 2)" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT (datetime('now'))", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "(datetime('now'))" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT current_timestamp", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "current_timestamp" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT (1) + (2)", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "((1) + (2))" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT x'00ff'", MIGRATOR_BATCH_SET_DEFAULT, "t", "c", NULL, "x'00ff'" },
    { "ALTER TABLE t ADD CONSTRAINT \"uq x\" UNIQUE (a, \"b c\")", MIGRATOR_BATCH_ADD_UNIQUE, "t", NULL, "uq x", NULL },
    { "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0 AND (b < ')'))", MIGRATOR_BATCH_ADD_CHECK, "t", NULL, "ck", "a > 0 AND (b < ')')" },
    { "ALTER TABLE t DROP CONSTRAINT [my fk]", MIGRATOR_BATCH_DROP_CONSTRAINT, "t", NULL, "my fk", NULL },
    { "ALTER TABLE t DROP COLUMN c", MIGRATOR_BATCH_DROP_COLUMN, "t", "c", NULL, NULL },
    { "ALTER TABLE t DROP \"c\"\"q\";", MIGRATOR_BATCH_DROP_COLUMN, "t", "c\"q", NULL, NULL },
    { "ALTER TABLE t DROP COLUMN column", MIGRATOR_BATCH_DROP_COLUMN, "t", "column", NULL, NULL },
    { "ALTER TABLE t DROP column", MIGRATOR_BATCH_DROP_COLUMN, "t", "column", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MigratorBatchOp) op = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].sql);
      g_assert_true (migrator_batch_parse (cases[i].sql, &op, &error));
      g_assert_no_error (error);
      g_assert_nonnull (op);
      g_assert_cmpint (op->kind, ==, cases[i].kind);
      g_assert_cmpstr (op->table, ==, cases[i].table);
      g_assert_cmpstr (op->column, ==, cases[i].column);
      g_assert_cmpstr (op->constraint, ==, cases[i].constraint);
      g_assert_cmpstr (op->text, ==, cases[i].text);
    }
}

static void
test_parse_foreign_key (void)
{
  g_autoptr(MigratorBatchOp) op = NULL;
  g_autoptr(MigratorBatchOp) op2 = NULL;
  g_autoptr(GError) error = NULL;
  const char *columns[] = { "a", "b c", NULL };
  const char *ref_columns[] = { "id", "x", NULL };

  g_assert_true (migrator_batch_parse ("ALTER TABLE t ADD CONSTRAINT fk_x FOREIGN KEY (a, \"b c\")\n"
                                       "  REFERENCES \"u\" (id, [x]) /* why */ ON DELETE CASCADE ON UPDATE SET NULL;",
                                       &op, &error));
  g_assert_no_error (error);
  g_assert_cmpint (op->kind, ==, MIGRATOR_BATCH_ADD_FOREIGN_KEY);
  g_assert_cmpstr (op->constraint, ==, "fk_x");
  g_assert_cmpstrv (op->columns, columns);
  g_assert_cmpstr (op->ref_table, ==, "u");
  g_assert_cmpstrv (op->ref_columns, ref_columns);
  g_assert_cmpstr (op->ref_actions, ==, "ON DELETE CASCADE ON UPDATE SET NULL");

  g_assert_true (migrator_batch_parse ("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u", &op2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (op2->ref_table, ==, "u");
  g_assert_cmpuint (g_strv_length (op2->ref_columns), ==, 0);
  g_assert_null (op2->ref_actions);
}

static void
test_parse_native (void)
{
  static const char *const native[] = {
    "ALTER TABLE t ADD COLUMN x INTEGER",
    "ALTER TABLE t ADD x INTEGER DEFAULT 0",
    "ALTER TABLE t RENAME TO u",
    "ALTER TABLE t RENAME COLUMN a TO b",
    "CREATE TABLE t (a INTEGER)",
    "SELECT 'ALTER TABLE t ALTER COLUMN c TYPE REAL'",
    "-- ALTER TABLE t ALTER COLUMN c TYPE REAL\nSELECT 1",
    "/* ALTER TABLE t DROP CONSTRAINT x */ DELETE FROM t",
    "ALTER TABLE",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (native); i++)
    {
      g_autoptr(MigratorBatchOp) op = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (migrator_batch_parse (native[i], &op, &error));
      g_assert_no_error (error);
      g_assert_null (op);
    }
}

static void
test_parse_errors (void)
{
  static const struct { const char *sql; const char *message; } cases[] = {
    { "ALTER TABLE t ALTER COLUMN c", "expected TYPE, SET DATA TYPE, SET NOT NULL, DROP NOT NULL, SET DEFAULT or DROP DEFAULT after the column name, found the end of the statement" },
    { "ALTER TABLE t ALTER COLUMN c RENAME TO d", "found “RENAME”" },
    { "ALTER TABLE t ALTER COLUMN c TYPE", "expected a type name" },
    { "ALTER TABLE t ALTER COLUMN c TYPE INT(a)", "expected a number in the size of the type" },
    { "ALTER TABLE t ALTER COLUMN c TYPE INT, x", "unexpected text at the end of the statement, found “,”" },
    { "ALTER TABLE t ALTER COLUMN c SET", "expected DATA TYPE, NOT NULL or DEFAULT after SET" },
    { "ALTER TABLE t ALTER COLUMN c SET NOT", "expected NULL after SET NOT" },
    { "ALTER TABLE t ALTER COLUMN c DROP", "expected NOT NULL or DEFAULT after DROP" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT ;", "expected a value after SET DEFAULT" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT (1", "unbalanced parentheses in the default" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1)", "unbalanced parentheses in the default" },
    { "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'abc", "unterminated quote" },
    { "ALTER TABLE t ALTER", "expected a column name after ALTER COLUMN" },
    { "ALTER TABLE t ADD CONSTRAINT x CHECK a > 0", "expected “(” after the check constraint, found “a”" },
    { "ALTER TABLE t ADD CONSTRAINT x CHECK ()", "the check constraint is empty" },
    { "ALTER TABLE t ADD CONSTRAINT x CHECK (a > (0)", "unbalanced parentheses in the check constraint" },
    { "ALTER TABLE t ADD UNIQUE (a)", "a constraint needs a name" },
    { "ALTER TABLE t ADD CONSTRAINT", "expected the constraint name after ADD CONSTRAINT" },
    { "ALTER TABLE t ADD CONSTRAINT x UNIQUE", "expected “(” and the columns of the unique constraint" },
    { "ALTER TABLE t ADD CONSTRAINT x UNIQUE (a,)", "expected a column name in the unique constraint, found “)”" },
    { "ALTER TABLE t ADD CONSTRAINT x UNIQUE (a b)", "expected “,” or “)”" },
    { "ALTER TABLE t ADD CONSTRAINT x PRIMARY KEY (a)", "adding a PRIMARY KEY is not supported" },
    { "ALTER TABLE t ADD CONSTRAINT x INDEX (a)", "expected FOREIGN KEY, UNIQUE or CHECK after the constraint name, found “INDEX”" },
    { "ALTER TABLE t ADD CONSTRAINT fk FOREIGN (a) REFERENCES u", "expected KEY after FOREIGN" },
    { "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) u(id)", "expected REFERENCES" },
    { "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u(a, b)", "the foreign key has 1 columns but references 2" },
    { "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u(a) CASCADE", "expected ON DELETE, ON UPDATE, MATCH or DEFERRABLE" },
    { "ALTER TABLE t DROP CONSTRAINT", "expected the constraint name after DROP CONSTRAINT" },
    { "ALTER TABLE t DROP COLUMN a b", "unexpected text at the end of the statement, found “b”" },
    { "ALTER TABLE aux.t ALTER COLUMN c DROP DEFAULT", "batch statements only work on tables of the main schema" },
    { "ALTER TABLE t ALTER COLUMN c TYPE REAL; SELECT 1", "unexpected text at the end of the statement, found “;”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MigratorBatchOp) op = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].sql);
      g_assert_false (migrator_batch_parse (cases[i].sql, &op, &error));
      g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED);
      g_assert_null (op);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("“%s” does not contain “%s”", error->message, cases[i].message);
      g_assert_true (g_str_has_prefix (error->message, "ALTER TABLE \""));
    }
}

/* ------------------------------------------------------------------ */
/* Database helpers                                                    */
/* ------------------------------------------------------------------ */

typedef struct
{
  char    *dir;
  char    *path;
  sqlite3 *db;
} Fixture;

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

/* Every object of the schema with its SQL (root pages left out).
 *
 * ALTER TABLE RENAME, the last step of every rebuild (SQLite's own
 * procedure included), always writes the new name quoted: a table created
 * as "CREATE TABLE t (…)" reads "CREATE TABLE "t" (…)" after a rebuild.
 * With @unquote, that quoting of a plain name is undone so that a round
 * trip compares equal; everything else must match byte for byte. */
static char *
schema_dump_full (sqlite3  *db,
                  gboolean  unquote)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      g_autofree char *sql = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_autofree char *quoted = g_strdup_printf ("CREATE TABLE \"%s\" ", name);
      gboolean plain = TRUE;

      for (const char *p = name; *p; p++)
        plain = plain && (g_ascii_isalnum (*p) || *p == '_');
      if (unquote && plain && sql != NULL && g_str_has_prefix (sql, quoted))
        {
          g_autofree char *rest = g_strdup (sql + strlen (quoted));

          g_free (sql);
          sql = g_strdup_printf ("CREATE TABLE %s %s", name, rest);
        }
      g_string_append_printf (out, "%s|%s|%s|%s\x1e", sqlite3_column_text (stmt, 0), name,
                              sqlite3_column_text (stmt, 2), sql);
    }
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
schema_dump (sqlite3 *db)
{
  return schema_dump_full (db, TRUE);
}

static char *
object_sql (sqlite3    *db,
            const char *name)
{
  g_autofree char *sql = sqlite3_mprintf ("SELECT sql FROM sqlite_schema WHERE name = %Q", name);
  char *text = query_text (db, sql);

  sqlite3_free (g_steal_pointer (&sql));
  return text;
}

/* SHA-256 over every row of @table (types and values), in @order. */
static char *
table_hash (sqlite3    *db,
            const char *table,
            const char *order)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY %s", table, order);
  sqlite3_stmt *stmt = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          guchar type = sqlite3_column_type (stmt, i);
          const void *blob = sqlite3_column_blob (stmt, i);
          int len = sqlite3_column_bytes (stmt, i);

          g_checksum_update (checksum, &type, 1);
          if (blob != NULL)
            g_checksum_update (checksum, blob, len);
          g_checksum_update (checksum, (const guchar *) "\x1f", 1);
        }
      rows++;
    }
  sqlite3_finalize (stmt);
  return g_strdup_printf ("%u:%s", rows, g_checksum_get_string (checksum));
}

/* Splits @sql into statements and runs them as a revision section. */
static gboolean
run_section (sqlite3     *db,
             const char  *sql,
             GString     *log,
             GError     **error)
{
  g_autoptr(GPtrArray) statements = migrator_sql_split (sql, 1);

  return migrator_batch_run_statements (db, statements, "1975ea83b712", log, error);
}

/* Runs @sql in a transaction the way the runner does: foreign keys off
 * before BEGIN IMMEDIATE, COMMIT after a clean foreign_key_check. */
static gboolean
run_like_runner (sqlite3     *db,
                 const char  *sql,
                 GString     *log,
                 GError     **error)
{
  gboolean ok;

  exec_sql (db, "PRAGMA foreign_keys = OFF");
  exec_sql (db, "BEGIN IMMEDIATE");
  ok = run_section (db, sql, log, error);
  exec_sql (db, ok ? "COMMIT" : "ROLLBACK");
  exec_sql (db, "PRAGMA foreign_keys = ON");
  return ok;
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static const char schema_sql[] =
  "CREATE TABLE audit (row_id INTEGER, old_score REAL, new_score REAL);\n"
  "CREATE TABLE " ODD " (\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key\n"
  "  \"full name\" TEXT COLLATE NOCASE NOT NULL,\n"
  "  [score] REAL CHECK (score >= 0) /* inline comment */,\n"
  "  `parent id` INTEGER CONSTRAINT fk_parent REFERENCES " ODD " (id) ON DELETE CASCADE,\n"
  "  note TEXT DEFAULT 'n/a',\n"
  "  amount INTEGER,\n"
  "  doubled INTEGER GENERATED ALWAYS AS (amount * 2) STORED,\n"
  "  label TEXT AS (upper(\"full name\")) VIRTUAL,\n"
  "  CONSTRAINT ck_amount CHECK (amount IS NULL OR amount > -1000000)\n"
  ");\n"
  "CREATE INDEX \"idx name\" ON " ODD " (\"full name\");\n"
  "CREATE INDEX idx_partial ON " ODD " (amount) WHERE amount > 100;\n"
  "CREATE INDEX idx_expr ON " ODD " (lower(note), doubled);\n"
  "CREATE TRIGGER \"trg odd\" AFTER UPDATE OF score ON " ODD " BEGIN\n"
  "  INSERT INTO audit (row_id, old_score, new_score) VALUES (old.id, old.score, new.score);\n"
  "END;\n"
  "CREATE VIEW \"odd view\" AS SELECT id, \"full name\", doubled, label FROM " ODD " WHERE amount > 0;\n"
  "CREATE VIEW unrelated AS SELECT count(*) AS n FROM audit;\n"
  /* A trigger of another table that writes to the rebuilt one: a rename
   * with legacy_alter_table off would refuse while the table is gone. */
  "CREATE TRIGGER audit_purge AFTER INSERT ON audit WHEN new.row_id < 0 BEGIN\n"
  "  DELETE FROM " ODD " WHERE id = -new.row_id;\n"
  "END;\n"
  "CREATE TABLE child (id INTEGER PRIMARY KEY, odd_id INTEGER NOT NULL REFERENCES " ODD " (id) ON DELETE CASCADE, v TEXT);\n"
  "CREATE TABLE strict_t (k INTEGER PRIMARY KEY, v TEXT NOT NULL, n INT) STRICT;\n"
  "CREATE TABLE wr (a TEXT, b INTEGER, c TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;\n"
  "CREATE TABLE plain (x INTEGER, y TEXT, z TEXT);\n";

static void
fill (sqlite3 *db)
{
  sqlite3_stmt *odd = NULL;
  sqlite3_stmt *child = NULL;
  sqlite3_stmt *strict = NULL;
  sqlite3_stmt *wr = NULL;
  sqlite3_stmt *plain = NULL;

  exec_sql (db, "BEGIN");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO " ODD " (\"full name\", score, `parent id`, note, amount) VALUES (?, ?, ?, ?, ?)",
                                       -1, &odd, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO child (odd_id, v) VALUES (?, ?)", -1, &child, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO strict_t (v, n) VALUES (?, ?)", -1, &strict, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO wr (a, b, c) VALUES (?, ?, ?)", -1, &wr, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO plain (x, y, z) VALUES (?, ?, ?)", -1, &plain, NULL), ==, SQLITE_OK);

  for (int i = 1; i <= N_ROWS + 50; i++)
    {
      g_autofree char *name = g_strdup_printf ("Person \"%d\" 'é'", i);
      g_autofree char *note = g_strdup_printf ("note %d", i % 97);

      sqlite3_bind_text (odd, 1, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_double (odd, 2, (i % 1000) / 4.0);
      if (i > 1)
        sqlite3_bind_int (odd, 3, i / 2);
      else
        sqlite3_bind_null (odd, 3);
      if (i % 10 == 0)
        sqlite3_bind_null (odd, 4);
      else
        sqlite3_bind_text (odd, 4, note, -1, SQLITE_TRANSIENT);
      if (i % 7 == 0)
        sqlite3_bind_null (odd, 5);
      else
        sqlite3_bind_int (odd, 5, i - 500);
      g_assert_cmpint (sqlite3_step (odd), ==, SQLITE_DONE);
      sqlite3_reset (odd);

      if (i <= N_ROWS)
        {
          sqlite3_bind_int (child, 1, (i * 7) % N_ROWS + 1);
          sqlite3_bind_text (child, 2, note, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (child), ==, SQLITE_DONE);
          sqlite3_reset (child);

          sqlite3_bind_text (strict, 1, name, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (strict, 2, i);
          g_assert_cmpint (sqlite3_step (strict), ==, SQLITE_DONE);
          sqlite3_reset (strict);

          sqlite3_bind_text (wr, 1, note, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int (wr, 2, i);
          sqlite3_bind_text (wr, 3, name, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (wr), ==, SQLITE_DONE);
          sqlite3_reset (wr);

          sqlite3_bind_int (plain, 1, i);
          sqlite3_bind_text (plain, 2, note, -1, SQLITE_TRANSIENT);
          sqlite3_bind_text (plain, 3, name, -1, SQLITE_TRANSIENT);
          g_assert_cmpint (sqlite3_step (plain), ==, SQLITE_DONE);
          sqlite3_reset (plain);
        }
    }
  sqlite3_finalize (odd);
  sqlite3_finalize (child);
  sqlite3_finalize (strict);
  sqlite3_finalize (wr);
  sqlite3_finalize (plain);

  /* The sequence is ahead of the largest id, and plain has rowid gaps. */
  exec_sql (db, "DELETE FROM " ODD " WHERE id > " G_STRINGIFY (N_ROWS));
  exec_sql (db, "DELETE FROM plain WHERE x % 3 = 0");
  exec_sql (db, "COMMIT");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-batch-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "test.db", NULL);
  g_assert_cmpint (sqlite3_open (f->path, &f->db), ==, SQLITE_OK);
  /* No fsync: the tests are about content, not durability. */
  exec_sql (f->db, "PRAGMA synchronous = OFF");
  exec_sql (f->db, schema_sql);
  fill (f->db);
  exec_sql (f->db, "PRAGMA foreign_keys = ON");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  sqlite3_close (f->db);
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* The state a failed statement must leave untouched. */
typedef struct
{
  char  *schema;
  char  *odd;
  char  *child;
  char  *strict;
  char  *wr;
  char  *plain;
  gint64 seq;
} Snapshot;

static void
snapshot_take (Snapshot *s,
               sqlite3  *db)
{
  s->schema = schema_dump (db);
  s->odd = table_hash (db, ODD, "id");
  s->child = table_hash (db, "child", "id");
  s->strict = table_hash (db, "strict_t", "k");
  s->wr = table_hash (db, "wr", "a, b");
  s->plain = table_hash (db, "plain", "rowid");
  s->seq = query_int (db, "SELECT seq FROM sqlite_sequence WHERE name = 'my \"odd\" table'");
}

static void
snapshot_clear (Snapshot *s)
{
  g_free (s->schema);
  g_free (s->odd);
  g_free (s->child);
  g_free (s->strict);
  g_free (s->wr);
  g_free (s->plain);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static void
assert_unchanged (sqlite3  *db,
                  Snapshot *before)
{
  g_auto(Snapshot) now = { 0, };

  snapshot_take (&now, db);
  g_assert_cmpstr (now.schema, ==, before->schema);
  g_assert_cmpstr (now.odd, ==, before->odd);
  g_assert_cmpstr (now.child, ==, before->child);
  g_assert_cmpstr (now.strict, ==, before->strict);
  g_assert_cmpstr (now.wr, ==, before->wr);
  g_assert_cmpstr (now.plain, ==, before->plain);
  g_assert_cmpint (now.seq, ==, before->seq);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  {
    g_autofree char *integrity = query_text (db, "PRAGMA integrity_check");

    g_assert_cmpstr (integrity, ==, "ok");
  }
}

/* Every schema line of @a not about @table is in @b too. */
static void
assert_others_identical (const char *a,
                         const char *b,
                         const char *table)
{
  g_auto(GStrv) lines_a = g_strsplit (a, "\x1e", -1);
  g_auto(GStrv) lines_b = g_strsplit (b, "\x1e", -1);
  g_autofree char *prefix = g_strdup_printf ("table|%s|", table);
  guint checked = 0;

  for (guint i = 0; lines_a[i]; i++)
    {
      if (g_str_has_prefix (lines_a[i], prefix))
        continue;
      g_assert_true (g_strv_contains ((const char *const *) lines_b, lines_a[i]));
      checked++;
    }
  g_assert_cmpuint (checked, >, 5);
}

/* ------------------------------------------------------------------ */
/* Rebuilds                                                            */
/* ------------------------------------------------------------------ */

static const char upgrade_sql[] =
  "-- amount becomes a BIGINT with a default; new constraints\n"
  "ALTER TABLE " ODD " ALTER COLUMN amount TYPE BIGINT;\n"
  "ALTER TABLE main." ODD " /* case */ ALTER COLUMN \"AMOUNT\" SET DEFAULT 0;\n"
  "alter table " ODD " add constraint uq_name unique (\"full name\", id);\n"
  "ALTER TABLE " ODD " ADD CONSTRAINT ck_score CHECK (score < 1000000);\n"
  "ALTER TABLE " ODD " ADD CONSTRAINT [fk two] FOREIGN KEY (`parent id`) REFERENCES " ODD " (id) ON DELETE SET NULL;\n";

static const char downgrade_sql[] =
  "ALTER TABLE " ODD " DROP CONSTRAINT \"fk two\";\n"
  "ALTER TABLE " ODD " DROP CONSTRAINT ck_score;\n"
  "ALTER TABLE " ODD " DROP CONSTRAINT uq_name;\n"
  "ALTER TABLE " ODD " ALTER COLUMN amount DROP DEFAULT;\n"
  "ALTER TABLE " ODD " ALTER COLUMN amount TYPE INTEGER;\n";

static const char upgraded_create[] =
  "CREATE TABLE " ODD " (\n"
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, -- the key\n"
  "  \"full name\" TEXT COLLATE NOCASE NOT NULL,\n"
  "  [score] REAL CHECK (score >= 0) /* inline comment */,\n"
  "  `parent id` INTEGER CONSTRAINT fk_parent REFERENCES " ODD " (id) ON DELETE CASCADE,\n"
  "  note TEXT DEFAULT 'n/a',\n"
  "  amount BIGINT DEFAULT 0,\n"
  "  doubled INTEGER GENERATED ALWAYS AS (amount * 2) STORED,\n"
  "  label TEXT AS (upper(\"full name\")) VIRTUAL,\n"
  "  CONSTRAINT ck_amount CHECK (amount IS NULL OR amount > -1000000),\n"
  "  CONSTRAINT \"uq_name\" UNIQUE (\"full name\", \"id\"),\n"
  "  CONSTRAINT \"ck_score\" CHECK (score < 1000000),\n"
  "  CONSTRAINT \"fk two\" FOREIGN KEY (\"parent id\") REFERENCES " ODD " (\"id\") ON DELETE SET NULL\n"
  ")";

static void
test_rebuild_every_feature (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Snapshot) before = { 0, };
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GString) down_log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema_after = NULL;
  g_autofree char *create = NULL;
  g_autofree char *odd_after = NULL;
  g_autofree char *child_after = NULL;
  g_autofree char *original = object_sql (f->db, "my \"odd\" table");
  gint64 view_rows = query_int (f->db, "SELECT count(*) FROM \"odd view\"");

  snapshot_take (&before, f->db);
  g_assert_cmpint (before.seq, ==, N_ROWS + 50);

  /* In autocommit mode with foreign keys on, as an application would:
   * the rebuild turns them off, so ON DELETE CASCADE never fires. */
  g_assert_true (run_section (f->db, upgrade_sql, log, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "PRAGMA foreign_keys"), ==, 1);

  /* Five statements, one rebuild. */
  g_assert_cmpuint (count_occurrences (log->str, "CREATE TABLE"), ==, 1);
  g_assert_cmpuint (count_occurrences (log->str, "INSERT INTO main.\"_migrator_new_"), ==, 1);
  g_test_message ("%s", log->str);
  g_assert_cmpuint (count_occurrences (log->str, "DROP TABLE"), ==, 1);
  assert_contains (log->str, "PRAGMA legacy_alter_table = ON;\nALTER TABLE main.\"_migrator_new_my \"\"odd\"\" table\" RENAME TO " ODD ";\nPRAGMA legacy_alter_table = OFF;\n");
  assert_contains (log->str, "DROP VIEW main.\"odd view\";\n");
  g_assert_cmpuint (count_occurrences (log->str, "DROP VIEW"), ==, 1);
  /* The sequence value travels in SQL, so the --sql script is right for
   * whatever data it later runs on. */
  assert_contains (log->str, "INSERT INTO main.sqlite_sequence (name, seq) SELECT '_migrator_new_my \"odd\" table', seq "
                             "FROM main.sqlite_sequence WHERE name = 'my \"odd\" table';\n");

  create = object_sql (f->db, "my \"odd\" table");
  g_assert_cmpstr (create, ==, upgraded_create);

  schema_after = schema_dump (f->db);
  assert_others_identical (before.schema, schema_after, "my \"odd\" table");

  odd_after = table_hash (f->db, ODD, "id");
  child_after = table_hash (f->db, "child", "id");
  g_assert_cmpstr (odd_after, ==, before.odd);
  g_assert_cmpstr (child_after, ==, before.child);
  g_assert_cmpint (query_int (f->db, "SELECT seq FROM sqlite_sequence WHERE name = 'my \"odd\" table'"), ==, N_ROWS + 50);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sqlite_sequence"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM \"odd view\""), ==, view_rows);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pragma_foreign_key_list('child') WHERE \"table\" = 'my \"odd\" table'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pragma_foreign_key_list('my \"odd\" table') WHERE \"table\" = 'my \"odd\" table'"), ==, 2);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pragma_index_list('my \"odd\" table') WHERE origin = 'u'"), ==, 1);
  {
    g_autofree char *integrity = query_text (f->db, "PRAGMA integrity_check");

    g_assert_cmpstr (integrity, ==, "ok");
  }

  /* The new constraints hold. */
  g_assert_cmpint (sqlite3_exec (f->db, "UPDATE " ODD " SET score = 2000000 WHERE id = 3", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (f->db, "INSERT INTO " ODD " (\"full name\", id) VALUES ('Person \"3\" ''é''', 3)", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (query_int (f->db, "SELECT dflt_value = '0' FROM pragma_table_info('my \"odd\" table') WHERE name = 'amount'"), ==, 1);

  /* The inverse, inside a transaction as the runner runs it. */
  g_assert_true (run_like_runner (f->db, downgrade_sql, down_log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_occurrences (down_log->str, "CREATE TABLE"), ==, 1);
  assert_unchanged (f->db, &before);
  {
    g_autofree char *back = object_sql (f->db, "my \"odd\" table");

    g_assert_cmpstr (back, ==, original);
  }

  /* Triggers, views, generated columns and the self-reference still work. */
  exec_sql (f->db, "UPDATE " ODD " SET score = 12 WHERE id = 42");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM audit WHERE row_id = 42 AND new_score = 12"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT doubled FROM " ODD " WHERE id = 600"), ==, 200);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM \"odd view\""), ==, view_rows);
  exec_sql (f->db, "DELETE FROM " ODD " WHERE id = 10000");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM child WHERE odd_id = 10000"), ==, 0);
  exec_sql (f->db, "INSERT INTO audit (row_id) VALUES (-9999)");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM " ODD " WHERE id = 9999"), ==, 0);
}

static void
test_rebuild_strict_without_rowid (Fixture       *f,
                                   gconstpointer  data)
{
  g_auto(Snapshot) before = { 0, };
  g_autoptr(GError) error = NULL;
  g_autofree char *strict_sql = NULL;
  g_autofree char *wr_sql = NULL;
  g_autofree char *plain_sql = NULL;
  g_autofree char *plain_rows = table_hash (f->db, "(SELECT rowid AS r, * FROM plain)", "r");

  snapshot_take (&before, f->db);

  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE strict_t ALTER COLUMN n SET NOT NULL;\n"
                                  "ALTER TABLE strict_t ALTER COLUMN v DROP NOT NULL;\n"
                                  "ALTER TABLE wr ADD CONSTRAINT uq_c UNIQUE (c);\n"
                                  "ALTER TABLE wr ALTER COLUMN c SET DEFAULT 'x';\n"
                                  "ALTER TABLE plain ALTER COLUMN y SET NOT NULL;\n",
                                  NULL, &error));
  g_assert_no_error (error);

  strict_sql = object_sql (f->db, "strict_t");
  wr_sql = object_sql (f->db, "wr");
  plain_sql = object_sql (f->db, "plain");
  g_assert_cmpstr (strict_sql, ==, "CREATE TABLE \"strict_t\" (k INTEGER PRIMARY KEY, v TEXT, n INT NOT NULL) STRICT");
  g_assert_cmpstr (wr_sql, ==, "CREATE TABLE \"wr\" (a TEXT, b INTEGER, c TEXT DEFAULT 'x', PRIMARY KEY (a, b), CONSTRAINT \"uq_c\" UNIQUE (\"c\")) WITHOUT ROWID");
  g_assert_cmpstr (plain_sql, ==, "CREATE TABLE \"plain\" (x INTEGER, y TEXT NOT NULL, z TEXT)");
  {
    g_autofree char *strict = table_hash (f->db, "strict_t", "k");
    g_autofree char *wr = table_hash (f->db, "wr", "a, b");
    g_autofree char *plain = table_hash (f->db, "(SELECT rowid AS r, * FROM plain)", "r");

    g_assert_cmpstr (strict, ==, before.strict);
    g_assert_cmpstr (wr, ==, before.wr);
    g_assert_cmpstr (plain, ==, plain_rows);  /* rowids with gaps survive */
  }
  g_assert_cmpint (sqlite3_exec (f->db, "INSERT INTO strict_t (v, n) VALUES ('x', 'not a number')", NULL, NULL, NULL), ==, SQLITE_CONSTRAINT);

  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE plain ALTER COLUMN y DROP NOT NULL;\n"
                                  "ALTER TABLE wr ALTER COLUMN c DROP DEFAULT;\n"
                                  "ALTER TABLE wr DROP CONSTRAINT uq_c;\n"
                                  "ALTER TABLE strict_t ALTER COLUMN v SET NOT NULL;\n"
                                  "ALTER TABLE strict_t ALTER COLUMN n DROP NOT NULL;\n",
                                  NULL, &error));
  g_assert_no_error (error);
  assert_unchanged (f->db, &before);
}

static void
test_rebuild_fills_defaults (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gint64 zero_before = query_int (f->db, "SELECT count(*) FROM " ODD " WHERE amount IS NULL OR amount = 0");

  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE " ODD " ALTER COLUMN note SET NOT NULL;\n"
                                  "ALTER TABLE " ODD " ALTER COLUMN amount SET DEFAULT -0;\n"
                                  "ALTER TABLE " ODD " ALTER COLUMN amount SET NOT NULL;\n",
                                  log, &error));
  g_assert_no_error (error);
  assert_contains (log->str, "coalesce(\"note\", 'n/a')");
  assert_contains (log->str, "coalesce(\"amount\", -0)");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM " ODD " WHERE note = 'n/a'"), ==, N_ROWS / 10);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM " ODD " WHERE amount = 0"), ==, zero_before);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM " ODD " WHERE amount = 0 AND doubled = 0"), ==, zero_before);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM " ODD), ==, N_ROWS);
}

/* An existing ON CONFLICT IGNORE or REPLACE drops rows instead of failing
 * the copy when a type change makes two values equal: the row count
 * catches it, and nothing changes. */
static void
test_rebuild_row_count (Fixture       *f,
                        gconstpointer  data)
{
  static const char *const clauses[] = { "IGNORE", "REPLACE" };

  for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
    {
      g_autofree char *create = g_strdup_printf ("DROP TABLE IF EXISTS codes;\n"
                                                 "CREATE TABLE codes (code TEXT UNIQUE ON CONFLICT %s);\n"
                                                 "INSERT INTO codes VALUES ('1'), ('01'), ('2');",
                                                 clauses[i]);
      g_auto(Snapshot) before = { 0, };
      g_autoptr(GError) error = NULL;

      exec_sql (f->db, create);
      snapshot_take (&before, f->db);
      g_assert_false (run_like_runner (f->db, "ALTER TABLE codes ALTER COLUMN code TYPE INTEGER;", NULL, &error));
      g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED);
      assert_contains (error->message, "Rebuild of \"codes\": the table had 3 rows but has 2 after the copy (nothing was changed)");
      assert_unchanged (f->db, &before);
      g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM codes"), ==, 3);
    }
}

typedef struct
{
  const char *sql;
  const char *messages[4];
} ViolationCase;

static void
test_rebuild_violations (Fixture       *f,
                         gconstpointer  data)
{
  static const ViolationCase cases[] = {
    { "ALTER TABLE " ODD " ALTER COLUMN amount SET NOT NULL;",
      { "Cannot rebuild table " ODD ": existing rows violate the new constraints (nothing was changed):",
        "\n  1428 rows with NULL in \"amount\" (SET NOT NULL, and the column has no default), for example:\n    rowid 7: \"id\"=7, \"full name\"='Person \"7\" ''é''', ",
        "\n    rowid 35: ", NULL } },
    { "ALTER TABLE " ODD " ADD CONSTRAINT uq_note UNIQUE (note);",
      { "9000 rows sharing their values of (\"note\") with another row (UNIQUE \"uq_note\")", "rowid 1: ", NULL } },
    { "ALTER TABLE " ODD " ADD CONSTRAINT ck_pos CHECK (amount > 0);",
      { "429 rows failing CHECK \"ck_pos\" (amount > 0)", "rowid 1: ", "\"amount\"=-499", NULL } },
    { "ALTER TABLE child ADD CONSTRAINT fk_s FOREIGN KEY (id) REFERENCES strict_t;",
      { "10 rows without a parent row in \"strict_t\" (FOREIGN KEY \"fk_s\")", "rowid 9991: \"id\"=9991", NULL } },
    { "ALTER TABLE child ADD CONSTRAINT fk_s FOREIGN KEY (id) REFERENCES nowhere (id);",
      { "Cannot add foreign key \"fk_s\" to \"child\": no such table: \"nowhere\"", NULL } },
    { "ALTER TABLE " ODD " ADD CONSTRAINT ck_pos CHECK (amount > 0);\n"
      "ALTER TABLE " ODD " ALTER COLUMN amount SET NOT NULL;",
      { "1428 rows with NULL in \"amount\"", "429 rows failing CHECK", NULL } },
  };

  exec_sql (f->db, "DELETE FROM strict_t WHERE k > 9990");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Snapshot) before = { 0, };
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].sql);
      snapshot_take (&before, f->db);
      g_assert_false (run_like_runner (f->db, cases[i].sql, NULL, &error));
      g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED);
      g_assert_true (g_str_has_prefix (error->message, "revision 1975ea83b712, line"));
      for (guint k = 0; cases[i].messages[k] != NULL; k++)
        assert_contains (error->message, cases[i].messages[k]);
      assert_unchanged (f->db, &before);

      /* Also in autocommit mode: nothing changes either. */
      g_clear_error (&error);
      g_assert_false (run_section (f->db, cases[i].sql, NULL, &error));
      assert_unchanged (f->db, &before);
    }
}

static void
test_rebuild_leftover (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Snapshot) before = { 0, };
  g_autoptr(GError) error = NULL;

  exec_sql (f->db, "CREATE TABLE \"_migrator_new_plain\" (x, y, z)");
  snapshot_take (&before, f->db);
  g_assert_false (run_like_runner (f->db, "ALTER TABLE plain ALTER COLUMN y SET NOT NULL", NULL, &error));
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED);
  assert_contains (error->message, "revision 1975ea83b712, line 1: Table \"_migrator_new_plain\" is left over from an interrupted rebuild of \"plain\"");
  assert_contains (error->message, "\n  DROP TABLE \"_migrator_new_plain\";");
  assert_unchanged (f->db, &before);

  exec_sql (f->db, "DROP TABLE \"_migrator_new_plain\"");
  g_clear_error (&error);
  g_assert_true (run_like_runner (f->db, "ALTER TABLE plain ALTER COLUMN y SET NOT NULL", NULL, &error));
  g_assert_no_error (error);
}

static void
test_rebuild_grouping (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE plain ALTER COLUMN y SET DEFAULT 'a';\n"
                                  "ALTER TABLE PLAIN ALTER COLUMN z SET DEFAULT 'b';\n"
                                  "ALTER TABLE \"plain\" ALTER COLUMN y DROP DEFAULT;\n"
                                  "INSERT INTO audit VALUES (1, 2, 3);\n"
                                  "ALTER TABLE plain ALTER COLUMN z DROP DEFAULT;\n"
                                  "ALTER TABLE wr ALTER COLUMN c SET DEFAULT 'c';\n"
                                  "ALTER TABLE plain ADD CONSTRAINT ck CHECK (x > 0);\n"
                                  "ALTER TABLE plain ADD COLUMN extra TEXT;\n",
                                  log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_occurrences (log->str, "CREATE TABLE"), ==, 4);
  g_assert_cmpuint (count_occurrences (log->str, "INSERT INTO audit VALUES (1, 2, 3);\n"), ==, 1);
  g_assert_cmpuint (count_occurrences (log->str, "ALTER TABLE plain ADD COLUMN extra TEXT;\n"), ==, 1);
  /* The first rebuild saw all three statements. */
  assert_contains (log->str, "CREATE TABLE \"_migrator_new_plain\" (x INTEGER, y TEXT, z TEXT DEFAULT 'b');\n");
  {
    g_autofree char *sql = object_sql (f->db, "plain");

    g_assert_cmpstr (sql, ==, "CREATE TABLE \"plain\" (x INTEGER, y TEXT, z TEXT, extra TEXT, CONSTRAINT \"ck\" CHECK (x > 0))");
  }
}

static void
test_render_sql (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) statements = migrator_sql_split (upgrade_sql, 1);
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_batch_op_free);
  g_autoptr(GString) rendered = g_string_new (NULL);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *schema = schema_dump (f->db);
  g_autofree char *schema_after = NULL;

  for (guint i = 0; i < statements->len; i++)
    {
      MigratorBatchOp *op = NULL;

      g_assert_true (migrator_batch_parse (((MigratorStatement *) statements->pdata[i])->sql, &op, &error));
      g_assert_nonnull (op);
      g_ptr_array_add (ops, op);
    }

  g_assert_true (migrator_batch_render_sql (f->db, ops, rendered, &error));
  g_assert_no_error (error);
  schema_after = schema_dump (f->db);
  g_assert_cmpstr (schema_after, ==, schema);

  g_assert_true (migrator_batch_execute (f->db, ops, log, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rendered->str, ==, log->str);
  g_test_message ("%s", log->str);
}

static void
test_drop_column (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = table_hash (f->db, "(SELECT id, \"full name\", score, note, amount, doubled, label FROM " ODD ")", "id");

  /* Allowed by SQLite: native. */
  g_assert_true (run_like_runner (f->db, "ALTER TABLE plain DROP COLUMN z", log, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (log->str, ==, "ALTER TABLE main.\"plain\" DROP COLUMN \"z\";\n");

  /* A UNIQUE column (the constraint goes with it): rebuilt. */
  g_string_truncate (log, 0);
  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE strict_t ADD CONSTRAINT uq_v UNIQUE (v);\n"
                                  "ALTER TABLE strict_t DROP COLUMN v;\n",
                                  log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_occurrences (log->str, "CREATE TABLE"), ==, 1);
  {
    g_autofree char *sql = object_sql (f->db, "strict_t");

    g_assert_cmpstr (sql, ==, "CREATE TABLE \"strict_t\" (k INTEGER PRIMARY KEY, n INT) STRICT");
  }

  /* A table CHECK on the column alone goes with it (SQLite refuses). */
  g_string_truncate (log, 0);
  g_assert_true (run_like_runner (f->db,
                                  "ALTER TABLE plain ADD CONSTRAINT ck_y CHECK (length(y) > 0);\n"
                                  "ALTER TABLE plain ADD CONSTRAINT ck_xy CHECK (x > 0 OR y IS NULL);\n"
                                  "SELECT 1;\n"
                                  "ALTER TABLE plain DROP CONSTRAINT ck_xy;\n"
                                  "SELECT 2;\n"
                                  "ALTER TABLE plain DROP COLUMN y;\n",
                                  log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_occurrences (log->str, "CREATE TABLE"), ==, 3);
  {
    g_autofree char *sql = object_sql (f->db, "plain");

    g_assert_cmpstr (sql, ==, "CREATE TABLE \"plain\" (x INTEGER)");
    g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM plain"), ==, N_ROWS - N_ROWS / 3);
  }

  /* A column with a foreign key: rebuilt; the rest survives. */
  g_string_truncate (log, 0);
  g_assert_true (run_section (f->db, "ALTER TABLE " ODD " DROP COLUMN \"parent id\"", log, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_occurrences (log->str, "CREATE TABLE"), ==, 1);
  {
    g_autofree char *sql = object_sql (f->db, "my \"odd\" table");
    g_autofree char *after = table_hash (f->db, "(SELECT id, \"full name\", score, note, amount, doubled, label FROM " ODD ")", "id");

    g_assert_null (strstr (sql, "parent id"));
    assert_contains (sql, "  [score] REAL CHECK (score >= 0) /* inline comment */,\n  note TEXT DEFAULT 'n/a',\n");
    g_assert_cmpstr (after, ==, kept);
    g_assert_cmpint (query_int (f->db, "SELECT seq FROM sqlite_sequence WHERE name = 'my \"odd\" table'"), ==, N_ROWS + 50);
    g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM child"), ==, N_ROWS);
  }
}

static void
test_drop_column_refused (Fixture       *f,
                          gconstpointer  data)
{
  static const struct { const char *sql; const char *message; } cases[] = {
    { "ALTER TABLE " ODD " DROP COLUMN score", "Cannot drop column \"score\" of " ODD ": trigger \"trg odd\" uses it; drop or rewrite the trigger first" },
    { "ALTER TABLE " ODD " DROP COLUMN amount", "cannot drop column \"amount\": generated column \"doubled\" is computed from it" },
    { "ALTER TABLE " ODD " DROP COLUMN note", "Cannot drop column \"note\" of " ODD ": index \"idx_expr\" uses it; drop the index first" },
    { "ALTER TABLE " ODD " DROP COLUMN label", "Rebuild of " ODD ": view \"odd view\" no longer works: no such column: label (nothing was changed)" },
    { "ALTER TABLE " ODD " DROP COLUMN id", "Cannot drop column \"id\" of " ODD ": a foreign key of table \"child\" references it" },
    { "ALTER TABLE strict_t DROP COLUMN k", "Cannot drop column \"k\" of \"strict_t\": a foreign key of table \"kid\" references it" },
    { "ALTER TABLE wr DROP COLUMN b", "cannot drop column \"b\": an unnamed table constraint also uses other columns" },
    { "ALTER TABLE plain ADD CONSTRAINT ck_xy CHECK (x > 0 OR y IS NULL);\nALTER TABLE plain DROP COLUMN y",
      "cannot drop column \"y\": constraint \"ck_xy\" also uses other columns; drop the constraint first" },
    { "ALTER TABLE wr DROP COLUMN nope", "ALTER TABLE \"wr\": no such column: \"nope\"" },
    { "ALTER TABLE nope DROP COLUMN x", "ALTER TABLE \"nope\": no such table: \"nope\"" },
    { "ALTER TABLE " ODD " DROP CONSTRAINT nope", "no constraint named \"nope\" (named constraints: \"ck_amount\", \"fk_parent\")" },
    { "ALTER TABLE " ODD " ADD CONSTRAINT ck_amount CHECK (1)", "a constraint named \"ck_amount\" already exists" },
    { "ALTER TABLE " ODD " ALTER COLUMN doubled SET DEFAULT 1", "generated column \"doubled\" cannot have a default" },
  };

  exec_sql (f->db, "CREATE TABLE kid (a INTEGER REFERENCES strict_t)");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Snapshot) before = { 0, };
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i].sql);
      snapshot_take (&before, f->db);
      g_assert_false (run_like_runner (f->db, cases[i].sql, NULL, &error));
      g_assert_nonnull (error);
      assert_contains (error->message, "revision 1975ea83b712, line");
      assert_contains (error->message, cases[i].message);
      assert_unchanged (f->db, &before);
    }
}

static void
test_run_statement_errors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (run_like_runner (f->db, "SELECT 1;\n\n-- why\nSELECT foo FROM plain;\n", NULL, &error));
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==, "revision 1975ea83b712, line 4: no such column: foo");
  g_clear_error (&error);

  g_assert_false (run_like_runner (f->db, "SELECT 1;\nALTER TABLE plain ALTER COLUMN y SET;\n", NULL, &error));
  g_assert_cmpstr (error->message, ==,
                   "revision 1975ea83b712, line 2: ALTER TABLE \"plain\": expected DATA TYPE, NOT NULL or DEFAULT after SET, found the end of the statement");
  g_clear_error (&error);

  g_assert_false (run_like_runner (f->db,
                                   "ALTER TABLE plain ALTER COLUMN y SET NOT NULL;\n"
                                   "ALTER TABLE plain ALTER COLUMN nope SET NOT NULL;\n",
                                   NULL, &error));
  g_assert_cmpstr (error->message, ==, "revision 1975ea83b712, lines 1–2: ALTER TABLE \"plain\": no such column: \"nope\"");
  g_clear_error (&error);

  /* Foreign keys on inside a transaction: refused before anything. */
  exec_sql (f->db, "BEGIN");
  g_assert_false (run_section (f->db, "ALTER TABLE plain ALTER COLUMN y SET NOT NULL", NULL, &error));
  exec_sql (f->db, "ROLLBACK");
  assert_contains (error->message, "PRAGMA foreign_keys is on inside a transaction");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/batch/parse/forms", test_parse_forms);
  g_test_add_func ("/batch/parse/foreign-key", test_parse_foreign_key);
  g_test_add_func ("/batch/parse/native", test_parse_native);
  g_test_add_func ("/batch/parse/errors", test_parse_errors);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/batch/rebuild/every-feature", test_rebuild_every_feature);
  ADD ("/batch/rebuild/strict-without-rowid", test_rebuild_strict_without_rowid);
  ADD ("/batch/rebuild/fills-defaults", test_rebuild_fills_defaults);
  ADD ("/batch/rebuild/violations", test_rebuild_violations);
  ADD ("/batch/rebuild/row-count", test_rebuild_row_count);
  ADD ("/batch/rebuild/leftover", test_rebuild_leftover);
  ADD ("/batch/rebuild/grouping", test_rebuild_grouping);
  ADD ("/batch/rebuild/render-sql", test_render_sql);
  ADD ("/batch/drop-column/allowed", test_drop_column);
  ADD ("/batch/drop-column/refused", test_drop_column_refused);
  ADD ("/batch/run/errors", test_run_statement_errors);
#undef ADD

  return g_test_run ();
}
