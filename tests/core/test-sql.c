/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sql"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-sql.h"

typedef struct
{
  const char *sql;
  guint       line;
} Expected;

/* Splits @sql from @first_line and compares with @expected (ended by a
 * NULL sql). */
static void
assert_split (const char     *sql,
              guint           first_line,
              const Expected *expected)
{
  g_autoptr(GPtrArray) statements = migrator_sql_split (sql, first_line);
  guint n = 0;

  while (expected[n].sql != NULL)
    n++;

  g_assert_nonnull (statements);
  g_assert_cmpuint (statements->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      MigratorStatement *statement = g_ptr_array_index (statements, i);

      g_assert_cmpstr (statement->sql, ==, expected[i].sql);
      g_assert_cmpuint (statement->line, ==, expected[i].line);
    }
}

static void
test_split_simple (void)
{
  const Expected expected[] = {
    { "CREATE TABLE a (x INTEGER);", 1 },
    { "INSERT INTO a VALUES (1);", 2 },
    { NULL, 0 },
  };

  assert_split ("CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);\n", 1, expected);
}

static void
test_split_first_line (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 10 },
    { "SELECT 2;", 12 },
    { NULL, 0 },
  };

  assert_split ("SELECT 1;\n\nSELECT 2;\n", 10, expected);
}

static void
test_split_leading_comments (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 6 },
    { "SELECT 2;", 9 },
    { NULL, 0 },
  };

  assert_split ("\n"
                "-- a line comment\n"
                "/* a block\n"
                "   comment */\n"
                "\n"
                "   SELECT 1; -- trailing comment\n"
                "/* before */\n"
                "\n"
                "SELECT 2;\n",
                1, expected);
}

static void
test_split_multiline_statement (void)
{
  const Expected expected[] = {
    { "CREATE TABLE t (\n  id INTEGER PRIMARY KEY,\n  name TEXT\n);", 2 },
    { "SELECT 1;", 6 },
    { NULL, 0 },
  };

  assert_split ("\nCREATE TABLE t (\n  id INTEGER PRIMARY KEY,\n  name TEXT\n);\nSELECT 1;", 1, expected);
}

static void
test_split_same_line (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 3 },
    { "SELECT 2;", 3 },
    { "SELECT 3;", 4 },
    { NULL, 0 },
  };

  assert_split ("SELECT 1; SELECT 2;\nSELECT 3;", 3, expected);
}

static void
test_split_strings (void)
{
  const Expected expected[] = {
    { "INSERT INTO t VALUES ('a;b', 'it''s; ok');", 1 },
    { "CREATE TABLE \"we;ird\" (\"c;\" TEXT, `d;` TEXT, [e;] TEXT);", 2 },
    { "SELECT 'multi\nline;\nstring';", 3 },
    { "SELECT 4;", 6 },
    { NULL, 0 },
  };

  assert_split ("INSERT INTO t VALUES ('a;b', 'it''s; ok');\n"
                "CREATE TABLE \"we;ird\" (\"c;\" TEXT, `d;` TEXT, [e;] TEXT);\n"
                "SELECT 'multi\nline;\nstring';\n"
                "SELECT 4;\n",
                1, expected);
}

static void
test_split_comments_with_semicolons (void)
{
  const Expected expected[] = {
    { "SELECT 1 -- not the end;\n  + 1;", 1 },
    { "SELECT /* ; */ 2;", 3 },
    { NULL, 0 },
  };

  assert_split ("SELECT 1 -- not the end;\n  + 1;\nSELECT /* ; */ 2;\n-- trailing; comment\n", 1, expected);
}

static void
test_split_trigger (void)
{
  const char *trigger =
    "CREATE TRIGGER t_audit AFTER INSERT ON t\n"
    "BEGIN\n"
    "  INSERT INTO audit (what) VALUES ('insert; t');\n"
    "  UPDATE counters SET n = n + 1;\n"
    "END;";
  g_autofree char *sql = g_strconcat ("CREATE TABLE t (x);\n", trigger, "\nSELECT 3;\n", NULL);
  const Expected expected[] = {
    { "CREATE TABLE t (x);", 1 },
    { trigger, 2 },
    { "SELECT 3;", 7 },
    { NULL, 0 },
  };

  assert_split (sql, 1, expected);
}

static void
test_split_trigger_lowercase (void)
{
  const Expected expected[] = {
    { "create temp trigger if not exists tr before delete on t for each row begin\n"
      "  delete from u where u.t = old.id;\n"
      "end;", 1 },
    { NULL, 0 },
  };

  assert_split ("create temp trigger if not exists tr before delete on t for each row begin\n"
                "  delete from u where u.t = old.id;\n"
                "end;\n",
                1, expected);
}

static void
test_split_final_without_semicolon (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 1 },
    { "SELECT 2", 2 },
    { NULL, 0 },
  };

  assert_split ("SELECT 1;\nSELECT 2  \n\n", 1, expected);
}

static void
test_split_comment_only (void)
{
  const Expected none[] = { { NULL, 0 } };

  assert_split ("", 1, none);
  assert_split ("\n  \n\t\n", 1, none);
  assert_split ("-- nothing to do\n/* really\n nothing */\n", 1, none);
  assert_split ("-- no final newline", 1, none);
  assert_split ("/* unterminated block comment; SELECT 1;", 1, none);
}

static void
test_split_empty_statements (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 2 },
    { "SELECT 2;", 3 },
    { NULL, 0 },
  };

  assert_split (";\nSELECT 1;;\n ; SELECT 2;;", 1, expected);
}

static void
test_split_crlf (void)
{
  const Expected expected[] = {
    { "SELECT 1;", 1 },
    { "SELECT\r\n 2;", 3 },
    { NULL, 0 },
  };

  assert_split ("SELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", 1, expected);
}

static void
test_quote_identifier (void)
{
  const struct {
    const char *name;
    const char *quoted;
  } cases[] = {
    { "total_table", "\"total_table\"" },
    { "we\"ird", "\"we\"\"ird\"" },
    { "\"", "\"\"\"\"" },
    { "with space", "\"with space\"" },
    { "", "\"\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quoted = migrator_sql_quote_identifier (cases[i].name);

      g_assert_cmpstr (quoted, ==, cases[i].quoted);
    }
}

static void
test_statement_new (void)
{
  g_autoptr(MigratorStatement) statement = migrator_statement_new ("SELECT 1;", 42);

  g_assert_cmpstr (statement->sql, ==, "SELECT 1;");
  g_assert_cmpuint (statement->line, ==, 42);

  migrator_statement_free (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/sql/split/simple", test_split_simple);
  g_test_add_func ("/sql/split/first-line", test_split_first_line);
  g_test_add_func ("/sql/split/leading-comments", test_split_leading_comments);
  g_test_add_func ("/sql/split/multiline-statement", test_split_multiline_statement);
  g_test_add_func ("/sql/split/same-line", test_split_same_line);
  g_test_add_func ("/sql/split/strings", test_split_strings);
  g_test_add_func ("/sql/split/comments-with-semicolons", test_split_comments_with_semicolons);
  g_test_add_func ("/sql/split/trigger", test_split_trigger);
  g_test_add_func ("/sql/split/trigger-lowercase", test_split_trigger_lowercase);
  g_test_add_func ("/sql/split/final-without-semicolon", test_split_final_without_semicolon);
  g_test_add_func ("/sql/split/comment-only", test_split_comment_only);
  g_test_add_func ("/sql/split/empty-statements", test_split_empty_statements);
  g_test_add_func ("/sql/split/crlf", test_split_crlf);
  g_test_add_func ("/sql/quote-identifier", test_quote_identifier);
  g_test_add_func ("/sql/statement-new", test_statement_new);

  return g_test_run ();
}
