/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-revision"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-error.h"
#include "migrator-revision.h"
#include "migrator-sql.h"

#define PATH "versions/x.sql"

static const char spec_example[] =
  "-- revision: 1975ea83b712\n"
  "-- down_revision: 27c6a30d7c24\n"
  "-- message: Add realtime fields for mobile app data\n"
  "-- created: 2025-10-06T12:00:00Z\n"
  "\n"
  "-- migrate:upgrade\n"
  "ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
  "ALTER TABLE total_table ADD COLUMN withdrawable REAL;\n"
  "\n"
  "-- migrate:downgrade\n"
  "ALTER TABLE total_table DROP COLUMN withdrawable;\n"
  "ALTER TABLE total_table DROP COLUMN position_percent;\n";

static MigratorRevision *
parse (const char *data)
{
  g_autoptr(GError) error = NULL;
  MigratorRevision *revision;

  revision = migrator_revision_new_from_data (PATH, data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_true (MIGRATOR_IS_REVISION (revision));

  return revision;
}

static void
assert_parse_error (const char *data,
                    const char *expected_message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRevision) revision = NULL;

  revision = migrator_revision_new_from_data (PATH, data, strlen (data), &error);
  g_assert_null (revision);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_REVISION);
  g_assert_cmpstr (error->message, ==, expected_message);
}

static void
assert_strv (const char *const *actual,
             const char *const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpstrv (actual, expected);
}

static void
assert_statement (GPtrArray  *statements,
                  guint       index,
                  const char *sql,
                  guint       line)
{
  MigratorStatement *statement;

  g_assert_nonnull (statements);
  g_assert_cmpuint (index, <, statements->len);
  statement = g_ptr_array_index (statements, index);
  g_assert_cmpstr (statement->sql, ==, sql);
  g_assert_cmpuint (statement->line, ==, line);
}

static char *
write_temp_file (const char *name,
                 const char *data)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "versions", NULL);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, data, -1, &error);
  g_assert_no_error (error);

  return path;
}

/* Parsing what the SPEC shows */

static void
test_spec_example (void)
{
  MigratorRevision *revision = parse (spec_example);
  const char *const parents[] = { "27c6a30d7c24", NULL };
  const char *const empty[] = { NULL };
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, spec_example, -1);
  GPtrArray *statements;

  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "1975ea83b712");
  assert_strv (migrator_revision_get_down_revisions (revision), parents);
  g_assert_cmpstr (migrator_revision_get_message (revision), ==, "Add realtime fields for mobile app data");
  g_assert_cmpstr (migrator_revision_get_created (revision), ==, "2025-10-06T12:00:00Z");
  assert_strv (migrator_revision_get_branch_labels (revision), empty);
  assert_strv (migrator_revision_get_depends_on (revision), empty);
  assert_strv (migrator_revision_get_allowed_rules (revision), empty);
  g_assert_true (migrator_revision_get_transactional (revision));
  g_assert_cmpstr (migrator_revision_get_path (revision), ==, PATH);
  g_assert_cmpstr (migrator_revision_get_checksum (revision), ==, checksum);
  g_assert_false (migrator_revision_is_merge (revision));
  g_assert_true (migrator_revision_is_reversible (revision));

  g_assert_cmpstr (migrator_revision_get_upgrade_sql (revision), ==,
                   "ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
                   "ALTER TABLE total_table ADD COLUMN withdrawable REAL;\n");
  g_assert_cmpstr (migrator_revision_get_downgrade_sql (revision), ==,
                   "ALTER TABLE total_table DROP COLUMN withdrawable;\n"
                   "ALTER TABLE total_table DROP COLUMN position_percent;\n");

  statements = migrator_revision_get_upgrade_statements (revision);
  g_assert_cmpuint (statements->len, ==, 2);
  assert_statement (statements, 0, "ALTER TABLE total_table ADD COLUMN position_percent REAL;", 7);
  assert_statement (statements, 1, "ALTER TABLE total_table ADD COLUMN withdrawable REAL;", 8);

  statements = migrator_revision_get_downgrade_statements (revision);
  g_assert_cmpuint (statements->len, ==, 2);
  assert_statement (statements, 0, "ALTER TABLE total_table DROP COLUMN withdrawable;", 11);
  assert_statement (statements, 1, "ALTER TABLE total_table DROP COLUMN position_percent;", 12);

  g_assert_cmpuint (migrator_revision_get_header_line (revision, "revision"), ==, 1);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "down_revision"), ==, 2);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "message"), ==, 3);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "created"), ==, 4);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "branch_labels"), ==, 0);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "nonsense"), ==, 0);

  g_assert_finalize_object (revision);
}

static void
test_properties (void)
{
  MigratorRevision *revision = parse (spec_example);
  g_autofree char *id = NULL;
  g_autofree char *message = NULL;
  g_autofree char *created = NULL;
  g_autofree char *path = NULL;
  g_autofree char *checksum = NULL;
  gboolean transactional = FALSE;
  gboolean reversible = FALSE;
  gboolean is_merge = TRUE;

  g_object_get (revision,
                "id", &id,
                "message", &message,
                "created", &created,
                "path", &path,
                "checksum", &checksum,
                "transactional", &transactional,
                "reversible", &reversible,
                "is-merge", &is_merge,
                NULL);

  g_assert_cmpstr (id, ==, "1975ea83b712");
  g_assert_cmpstr (message, ==, "Add realtime fields for mobile app data");
  g_assert_cmpstr (created, ==, "2025-10-06T12:00:00Z");
  g_assert_cmpstr (path, ==, PATH);
  g_assert_cmpstr (checksum, ==, migrator_revision_get_checksum (revision));
  g_assert_true (transactional);
  g_assert_true (reversible);
  g_assert_false (is_merge);

  g_assert_finalize_object (revision);
}

/* Every header key */

static void
test_all_keys (void)
{
  MigratorRevision *revision = parse ("-- revision: abc_123\n"
                                      "-- down_revision: none\n"
                                      "-- message:   Spaces around are trimmed  \n"
                                      "-- created: 2024-02-29T23:59:59+02:00\n"
                                      "-- branch_labels: feature, hotfix-1.2\n"
                                      "-- depends_on: aaa, bbb\n"
                                      "-- transactional: false\n"
                                      "-- allow: drop-column, raw_sql\n"
                                      "\n"
                                      "-- migrate:upgrade\n"
                                      "VACUUM;\n");
  const char *const empty[] = { NULL };
  const char *const labels[] = { "feature", "hotfix-1.2", NULL };
  const char *const depends[] = { "aaa", "bbb", NULL };
  const char *const allowed[] = { "drop-column", "raw_sql", NULL };

  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "abc_123");
  assert_strv (migrator_revision_get_down_revisions (revision), empty);
  g_assert_cmpstr (migrator_revision_get_message (revision), ==, "Spaces around are trimmed");
  g_assert_cmpstr (migrator_revision_get_created (revision), ==, "2024-02-29T23:59:59+02:00");
  assert_strv (migrator_revision_get_branch_labels (revision), labels);
  assert_strv (migrator_revision_get_depends_on (revision), depends);
  g_assert_false (migrator_revision_get_transactional (revision));
  assert_strv (migrator_revision_get_allowed_rules (revision), allowed);

  g_assert_cmpuint (migrator_revision_get_header_line (revision, "branch_labels"), ==, 5);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "depends_on"), ==, 6);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "transactional"), ==, 7);
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "allow"), ==, 8);

  g_assert_false (migrator_revision_is_reversible (revision));
  g_assert_null (migrator_revision_get_downgrade_sql (revision));
  g_assert_null (migrator_revision_get_downgrade_statements (revision));
  assert_statement (migrator_revision_get_upgrade_statements (revision), 0, "VACUUM;", 11);

  g_assert_finalize_object (revision);
}

static void
test_transactional_true (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "-- transactional: true\n"
                                      "-- migrate:upgrade\n");

  g_assert_true (migrator_revision_get_transactional (revision));
  g_assert_cmpstr (migrator_revision_get_upgrade_sql (revision), ==, "");
  g_assert_cmpuint (migrator_revision_get_upgrade_statements (revision)->len, ==, 0);

  g_assert_finalize_object (revision);
}

static void
test_empty_lists (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: None\n"
                                      "-- message:\n"
                                      "-- branch_labels:\n"
                                      "-- depends_on: none\n"
                                      "-- allow:\n"
                                      "-- migrate:upgrade\n");
  const char *const empty[] = { NULL };

  assert_strv (migrator_revision_get_down_revisions (revision), empty);
  g_assert_cmpstr (migrator_revision_get_message (revision), ==, "");
  assert_strv (migrator_revision_get_branch_labels (revision), empty);
  assert_strv (migrator_revision_get_depends_on (revision), empty);
  assert_strv (migrator_revision_get_allowed_rules (revision), empty);

  g_assert_finalize_object (revision);
}

static void
test_created_forms (void)
{
  const char *const valid[] = {
    "2025-10-06T12:00:00Z",
    "2025-10-06T12:00:00.123456Z",
    "2025-10-06T14:00:00+02:00",
    "2025-10-06T12:00:00",     /* no zone: UTC */
    "2025-10-06 12:00:00",
    "20251006T120000Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autofree char *data = g_strdup_printf ("-- revision: a\n"
                                               "-- down_revision: none\n"
                                               "-- message: m\n"
                                               "-- created: %s\n"
                                               "-- migrate:upgrade\n",
                                               valid[i]);
      MigratorRevision *revision = parse (data);

      g_assert_cmpstr (migrator_revision_get_created (revision), ==, valid[i]);
      g_assert_finalize_object (revision);
    }
}

static void
test_merge (void)
{
  MigratorRevision *revision = parse ("-- revision: m1\n"
                                      "-- down_revision:  aaa ,bbb,  ccc\n"
                                      "-- message: Merge heads\n"
                                      "\n"
                                      "-- migrate:upgrade\n"
                                      "-- migrate:downgrade\n");
  const char *const parents[] = { "aaa", "bbb", "ccc", NULL };

  assert_strv (migrator_revision_get_down_revisions (revision), parents);
  g_assert_true (migrator_revision_is_merge (revision));
  g_assert_true (migrator_revision_is_reversible (revision));
  g_assert_cmpuint (migrator_revision_get_upgrade_statements (revision)->len, ==, 0);
  g_assert_cmpuint (migrator_revision_get_downgrade_statements (revision)->len, ==, 0);

  g_assert_finalize_object (revision);
}

static void
test_root (void)
{
  MigratorRevision *revision = parse ("-- revision: first\n"
                                      "-- down_revision: none\n"
                                      "-- message: Initial schema\n"
                                      "-- migrate:upgrade\n"
                                      "CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
                                      "-- migrate:downgrade\n"
                                      "DROP TABLE t;\n");

  g_assert_nonnull (migrator_revision_get_down_revisions (revision));
  g_assert_null (migrator_revision_get_down_revisions (revision)[0]);
  g_assert_false (migrator_revision_is_merge (revision));
  g_assert_null (migrator_revision_get_created (revision));

  g_assert_finalize_object (revision);
}

/* What the header is made of */

static void
test_free_comments (void)
{
  MigratorRevision *revision = parse ("-- Adds the audit table.\n"
                                      "-- revision: a1\n"
                                      "-- TODO: ask the team first\n"
                                      "--------------------------\n"
                                      "--down_revision:none\n"
                                      "--\n"
                                      "  --   message  :  Add audit\n"
                                      "-- 2. step: not a key either\n"
                                      "\n"
                                      "-- note: outside the header, a free comment\n"
                                      "/* and a block comment */\n"
                                      "\n"
                                      "-- migrate:upgrade\n"
                                      "CREATE TABLE audit (x);\n"
                                      "-- migrate:downgrade\n"
                                      "DROP TABLE audit;\n");

  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "a1");
  g_assert_null (migrator_revision_get_down_revisions (revision)[0]);
  g_assert_cmpstr (migrator_revision_get_message (revision), ==, "Add audit");
  g_assert_cmpuint (migrator_revision_get_header_line (revision, "message"), ==, 7);
  assert_statement (migrator_revision_get_upgrade_statements (revision), 0, "CREATE TABLE audit (x);", 14);

  g_assert_finalize_object (revision);
}

static void
test_header_ends_at_marker (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "-- migrate:upgrade\n"
                                      "-- created: not a header key any more\n"
                                      "SELECT 1;\n");

  g_assert_null (migrator_revision_get_created (revision));
  g_assert_cmpstr (migrator_revision_get_upgrade_sql (revision), ==,
                   "-- created: not a header key any more\nSELECT 1;\n");
  assert_statement (migrator_revision_get_upgrade_statements (revision), 0, "SELECT 1;", 6);

  g_assert_finalize_object (revision);
}

static void
test_header_ends_at_blank_line (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "\n"
                      "-- message: after the blank line\n"
                      "-- migrate:upgrade\n",
                      PATH ":1: missing required header key 'message'");
}

static void
test_header_ends_at_sql (void)
{
  assert_parse_error ("-- revision: a\n"
                      "SELECT 1;\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:upgrade\n",
                      PATH ":1: missing required header key 'down_revision'");
}

/* Sections */

static void
test_sections (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "\n"
                                      "  --  migrate:downgrade  \n"
                                      "\n"
                                      "DROP TABLE t;\n"
                                      "\n"
                                      "\n"
                                      "\t-- migrate:upgrade\t\n"
                                      "\n"
                                      "\n"
                                      "CREATE TABLE t (\n"
                                      "  x\n"
                                      ");\n"
                                      "-- the end\n"
                                      "\n");
  GPtrArray *statements;

  g_assert_cmpstr (migrator_revision_get_downgrade_sql (revision), ==, "DROP TABLE t;\n");
  g_assert_cmpstr (migrator_revision_get_upgrade_sql (revision), ==, "CREATE TABLE t (\n  x\n);\n-- the end\n");

  statements = migrator_revision_get_upgrade_statements (revision);
  g_assert_cmpuint (statements->len, ==, 1);
  assert_statement (statements, 0, "CREATE TABLE t (\n  x\n);", 13);

  statements = migrator_revision_get_downgrade_statements (revision);
  g_assert_cmpuint (statements->len, ==, 1);
  assert_statement (statements, 0, "DROP TABLE t;", 7);

  g_assert_finalize_object (revision);
}

static void
test_empty_downgrade (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "-- migrate:upgrade\n"
                                      "INSERT INTO t VALUES (1);\n"
                                      "-- migrate:downgrade\n"
                                      "\n");

  g_assert_true (migrator_revision_is_reversible (revision));
  g_assert_cmpstr (migrator_revision_get_downgrade_sql (revision), ==, "");
  g_assert_nonnull (migrator_revision_get_downgrade_statements (revision));
  g_assert_cmpuint (migrator_revision_get_downgrade_statements (revision)->len, ==, 0);

  g_assert_finalize_object (revision);
}

static void
test_comment_only_downgrade (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "-- migrate:upgrade\n"
                                      "INSERT INTO t VALUES (1);\n"
                                      "-- migrate:downgrade\n"
                                      "-- nothing to undo: the rows are harmless\n"
                                      "/* really */\n");

  g_assert_true (migrator_revision_is_reversible (revision));
  g_assert_cmpstr (migrator_revision_get_downgrade_sql (revision), ==,
                   "-- nothing to undo: the rows are harmless\n/* really */\n");
  g_assert_cmpuint (migrator_revision_get_downgrade_statements (revision)->len, ==, 0);

  g_assert_finalize_object (revision);
}

static void
test_irreversible (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "-- migrate:upgrade\n"
                                      "DELETE FROM t;");

  g_assert_false (migrator_revision_is_reversible (revision));
  g_assert_null (migrator_revision_get_downgrade_sql (revision));
  g_assert_null (migrator_revision_get_downgrade_statements (revision));
  assert_statement (migrator_revision_get_upgrade_statements (revision), 0, "DELETE FROM t;", 5);

  g_assert_finalize_object (revision);
}

static void
test_trigger_statements (void)
{
  MigratorRevision *revision = parse ("-- revision: a\n"
                                      "-- down_revision: none\n"
                                      "-- message: m\n"
                                      "\n"
                                      "-- migrate:upgrade\n"
                                      "CREATE TABLE t (x);\n"
                                      "-- keeps the log\n"
                                      "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN\n"
                                      "  INSERT INTO log VALUES ('t; inserted');\n"
                                      "END;\n"
                                      "INSERT INTO t VALUES (1)\n"
                                      "\n"
                                      "-- migrate:downgrade\n"
                                      "DROP TRIGGER t_log; DROP TABLE t;\n");
  GPtrArray *statements = migrator_revision_get_upgrade_statements (revision);

  g_assert_cmpuint (statements->len, ==, 3);
  assert_statement (statements, 0, "CREATE TABLE t (x);", 6);
  assert_statement (statements, 1,
                    "CREATE TRIGGER t_log AFTER INSERT ON t BEGIN\n"
                    "  INSERT INTO log VALUES ('t; inserted');\n"
                    "END;", 8);
  assert_statement (statements, 2, "INSERT INTO t VALUES (1)", 11);

  statements = migrator_revision_get_downgrade_statements (revision);
  g_assert_cmpuint (statements->len, ==, 2);
  assert_statement (statements, 0, "DROP TRIGGER t_log;", 14);
  assert_statement (statements, 1, "DROP TABLE t;", 14);

  g_assert_finalize_object (revision);
}

/* Line endings and checksums */

static char *
replace_newlines (const char *text,
                  const char *newline)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  return g_strjoinv ((char *) newline, lines);
}

static void
test_crlf (void)
{
  g_autofree char *crlf = replace_newlines (spec_example, "\r\n");
  g_autofree char *cr = replace_newlines (spec_example, "\r");
  MigratorRevision *lf_revision = parse (spec_example);
  MigratorRevision *crlf_revision = parse (crlf);
  MigratorRevision *cr_revision = parse (cr);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, spec_example, -1);

  g_assert_cmpstr (migrator_revision_get_checksum (lf_revision), ==, expected);
  g_assert_cmpstr (migrator_revision_get_checksum (crlf_revision), ==, expected);
  g_assert_cmpstr (migrator_revision_get_checksum (cr_revision), ==, expected);

  g_assert_cmpstr (migrator_revision_get_upgrade_sql (crlf_revision), ==,
                   migrator_revision_get_upgrade_sql (lf_revision));
  g_assert_cmpstr (migrator_revision_get_message (crlf_revision), ==,
                   "Add realtime fields for mobile app data");
  assert_statement (migrator_revision_get_downgrade_statements (crlf_revision), 1,
                    "ALTER TABLE total_table DROP COLUMN position_percent;", 12);
  assert_statement (migrator_revision_get_downgrade_statements (cr_revision), 1,
                    "ALTER TABLE total_table DROP COLUMN position_percent;", 12);

  g_assert_finalize_object (lf_revision);
  g_assert_finalize_object (crlf_revision);
  g_assert_finalize_object (cr_revision);
}

static void
test_checksum_data (void)
{
  g_autofree char *lf = migrator_checksum_data ("a\nb\n", 4);
  g_autofree char *crlf = migrator_checksum_data ("a\r\nb\r\n", 6);
  g_autofree char *cr = migrator_checksum_data ("a\rb\r", 4);
  g_autofree char *mixed = migrator_checksum_data ("a\r\nb\r", 5);
  g_autofree char *other = migrator_checksum_data ("a\nb\n\n", 5);
  g_autofree char *empty = migrator_checksum_data ("", 0);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "a\nb\n", -1);

  g_assert_cmpstr (lf, ==, expected);
  g_assert_cmpstr (crlf, ==, expected);
  g_assert_cmpstr (cr, ==, expected);
  g_assert_cmpstr (mixed, ==, expected);
  g_assert_cmpstr (other, !=, expected);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpuint (strlen (lf), ==, 64);
}

static void
test_byte_order_mark (void)
{
  g_autofree char *data = g_strconcat ("\xef\xbb\xbf", spec_example, NULL);
  MigratorRevision *revision = parse (data);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, data, -1);

  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "1975ea83b712");
  g_assert_cmpstr (migrator_revision_get_checksum (revision), ==, expected);

  g_assert_finalize_object (revision);
}

/* Files */

static void
test_from_file (void)
{
  g_autofree char *path = write_temp_file ("1975ea83b712_add_realtime_fields.sql", spec_example);
  g_autoptr(GError) error = NULL;
  MigratorRevision *revision;

  revision = migrator_revision_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (migrator_revision_get_path (revision), ==, path);
  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "1975ea83b712");

  g_assert_finalize_object (revision);
}

static void
test_from_file_errors (void)
{
  g_autofree char *missing = g_build_filename (g_get_user_cache_dir (), "versions", "missing.sql", NULL);
  g_autofree char *bad = write_temp_file ("bad.sql", "-- revision: a\n-- down_revison: none\n");
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MigratorRevision) revision = NULL;

  revision = migrator_revision_new_from_file (missing, &error);
  g_assert_null (revision);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_REVISION);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_assert_nonnull (strstr (error->message, "cannot read the revision file"));
  g_clear_error (&error);

  revision = migrator_revision_new_from_file (bad, &error);
  g_assert_null (revision);
  g_assert_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_REVISION);
  expected = g_strdup_printf ("%s:2: unknown header key 'down_revison' (did you mean 'down_revision'?)", bad);
  g_assert_cmpstr (error->message, ==, expected);
}

/* Errors, each with its file and line */

static void
test_error_unknown_key (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- message: m\n"
                      "-- down_revison: none\n"
                      "-- migrate:upgrade\n",
                      PATH ":3: unknown header key 'down_revison' (did you mean 'down_revision'?)");
  assert_parse_error ("-- revisions: a\n",
                      PATH ":1: unknown header key 'revisions' (did you mean 'revision'?)");
  assert_parse_error ("-- revision: a\n"
                      "-- branch_label: x\n",
                      PATH ":2: unknown header key 'branch_label' (did you mean 'branch_labels'?)");
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- author: someone\n",
                      PATH ":4: unknown header key 'author' (known keys: revision, down_revision, "
                      "message, created, branch_labels, depends_on, transactional, allow)");
}

static void
test_error_duplicate_key (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- revision: b\n"
                      "-- migrate:upgrade\n",
                      PATH ":4: duplicate header key 'revision' (first at line 1)");
}

static void
test_error_missing_keys (void)
{
  assert_parse_error ("-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:upgrade\n",
                      PATH ":1: missing required header key 'revision'");
  assert_parse_error ("-- revision: a\n"
                      "-- message: m\n"
                      "-- migrate:upgrade\n",
                      PATH ":1: missing required header key 'down_revision'");
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- migrate:upgrade\n",
                      PATH ":1: missing required header key 'message'");
  assert_parse_error ("",
                      PATH ":1: missing required header key 'revision'");
}

static void
test_error_bad_revision_id (void)
{
  assert_parse_error ("-- revision: ABC\n",
                      PATH ":1: invalid revision id 'ABC' in 'revision': use 1 to 32 characters of 0-9, a-z and '_'");
  assert_parse_error ("-- message: m\n-- revision: a-b\n",
                      PATH ":2: invalid revision id 'a-b' in 'revision': use 1 to 32 characters of 0-9, a-z and '_'");
  assert_parse_error ("-- revision:\n",
                      PATH ":1: invalid revision id '' in 'revision': use 1 to 32 characters of 0-9, a-z and '_'");
  assert_parse_error ("-- revision: 0123456789abcdef0123456789abcdef0\n",
                      PATH ":1: invalid revision id '0123456789abcdef0123456789abcdef0' in 'revision': "
                      "use 1 to 32 characters of 0-9, a-z and '_'");

  for (guint i = 0; i < 5; i++)
    {
      const char *reserved[] = { "base", "head", "heads", "current", "none" };
      g_autofree char *data = g_strdup_printf ("-- revision: %s\n", reserved[i]);
      g_autofree char *expected = g_strdup_printf (PATH ":1: '%s' in 'revision' is a reserved word, not a revision id",
                                                   reserved[i]);

      assert_parse_error (data, expected);
    }
}

static void
test_error_bad_down_revision (void)
{
  assert_parse_error ("-- revision: a\n-- down_revision: b, Head\n",
                      PATH ":2: invalid revision id 'Head' in 'down_revision': use 1 to 32 characters of 0-9, a-z and '_'");
  assert_parse_error ("-- revision: a\n-- down_revision: b, none\n",
                      PATH ":2: 'none' in 'down_revision' is a reserved word, not a revision id");
  assert_parse_error ("-- revision: a\n-- down_revision: b,,c\n",
                      PATH ":2: empty entry in the list of 'down_revision'");
  assert_parse_error ("-- revision: a\n-- down_revision: b,\n",
                      PATH ":2: empty entry in the list of 'down_revision'");
  assert_parse_error ("-- revision: a\n-- down_revision: b, c, b\n",
                      PATH ":2: 'b' is listed twice in 'down_revision'");
  assert_parse_error ("-- revision: a\n-- down_revision:\n",
                      PATH ":2: 'down_revision' is empty: write 'none' for a first revision");
}

static void
test_error_bad_depends_on (void)
{
  assert_parse_error ("-- revision: a\n-- down_revision: none\n-- depends_on: b c\n",
                      PATH ":3: invalid revision id 'b c' in 'depends_on': use 1 to 32 characters of 0-9, a-z and '_'");
}

static void
test_error_bad_branch_label (void)
{
  assert_parse_error ("-- revision: a\n-- down_revision: none\n-- branch_labels: ok, not@ok\n",
                      PATH ":3: invalid branch label 'not@ok': use letters, digits, '_', '-' and '.'");
  assert_parse_error ("-- revision: a\n-- down_revision: none\n-- branch_labels: head\n",
                      PATH ":3: invalid branch label 'head': use letters, digits, '_', '-' and '.'");
  assert_parse_error ("-- revision: a\n-- down_revision: none\n-- branch_labels: x, x\n",
                      PATH ":3: 'x' is listed twice in 'branch_labels'");
}

static void
test_error_bad_created (void)
{
  const char *const invalid[] = { "yesterday", "2025-10-06", "2025-13-01T00:00:00Z", "" };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autofree char *data = g_strdup_printf ("-- revision: a\n"
                                               "-- down_revision: none\n"
                                               "-- message: m\n"
                                               "-- created: %s\n",
                                               invalid[i]);
      g_autofree char *expected = g_strdup_printf (PATH ":4: invalid 'created' value '%s': expected an ISO 8601 "
                                                   "date and time such as 2025-10-06T12:00:00Z",
                                                   invalid[i]);

      assert_parse_error (data, expected);
    }
}

static void
test_error_bad_transactional (void)
{
  assert_parse_error ("-- revision: a\n-- transactional: no\n",
                      PATH ":2: 'transactional' must be true or false, not 'no'");
  assert_parse_error ("-- revision: a\n-- transactional: TRUE\n",
                      PATH ":2: 'transactional' must be true or false, not 'TRUE'");
}

static void
test_error_duplicate_section (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:upgrade\n"
                      "SELECT 1;\n"
                      "-- migrate:upgrade\n",
                      PATH ":6: duplicate section '-- migrate:upgrade' (first at line 4)");
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:downgrade\n"
                      "-- migrate:upgrade\n"
                      " -- migrate:downgrade \n",
                      PATH ":6: duplicate section '-- migrate:downgrade' (first at line 4)");
}

static void
test_error_unknown_section (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:upgrade\n"
                      "-- migrate:rollback\n",
                      PATH ":5: unknown section marker '-- migrate:rollback' "
                      "(expected '-- migrate:upgrade' or '-- migrate:downgrade')");
}

static void
test_error_missing_upgrade (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n",
                      PATH ":1: missing '-- migrate:upgrade' section");
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "-- migrate:downgrade\n"
                      "DROP TABLE t;\n",
                      PATH ":1: missing '-- migrate:upgrade' section");
}

static void
test_error_sql_outside_section (void)
{
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "\n"
                      "-- a comment is fine here\n"
                      "/* so is this */\n"
                      "CREATE TABLE t (x);\n"
                      "-- migrate:upgrade\n",
                      PATH ":7: SQL outside a section: put it after '-- migrate:upgrade' or '-- migrate:downgrade'");
  assert_parse_error ("-- revision: a\n"
                      "-- down_revision: none\n"
                      "-- message: m\n"
                      "CREATE TABLE t (x);\n",
                      PATH ":4: SQL outside a section: put it after '-- migrate:upgrade' or '-- migrate:downgrade'");
}

static void
test_error_invalid_utf8 (void)
{
  assert_parse_error ("-- revision: a\n-- message: caf\xe9\n",
                      PATH ":2: the file is not valid UTF-8 text");
}

/* Writing new revisions */

static void
test_render_new (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) created = g_date_time_new (zone, 2025, 10, 6, 14, 0, 0);
  const char *const parents[] = { "27c6a30d7c24", NULL };
  g_autofree char *text = NULL;
  MigratorRevision *revision;

  text = migrator_revision_render_new ("1975ea83b712", parents,
                                       "Add realtime fields for mobile app data",
                                       created, NULL,
                                       "ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
                                       "ALTER TABLE total_table ADD COLUMN withdrawable REAL;",
                                       "ALTER TABLE total_table DROP COLUMN withdrawable;\n"
                                       "ALTER TABLE total_table DROP COLUMN position_percent;\n");
  g_assert_cmpstr (text, ==, spec_example);

  revision = parse (text);
  g_assert_cmpstr (migrator_revision_get_created (revision), ==, "2025-10-06T12:00:00Z");
  g_assert_finalize_object (revision);
}

static void
test_render_new_empty (void)
{
  g_autoptr(GDateTime) created = g_date_time_new_utc (2024, 1, 2, 3, 4, 5);
  const char *const labels[] = { "feature", "ui", NULL };
  const char *const no_parents[] = { NULL };
  g_autofree char *text = NULL;
  g_autofree char *merge_text = NULL;
  MigratorRevision *revision;

  text = migrator_revision_render_new ("abc", no_parents, "First\nof many", created, labels, NULL, "");
  g_assert_cmpstr (text, ==,
                   "-- revision: abc\n"
                   "-- down_revision: none\n"
                   "-- message: First of many\n"
                   "-- created: 2024-01-02T03:04:05Z\n"
                   "-- branch_labels: feature, ui\n"
                   "\n"
                   "-- migrate:upgrade\n"
                   "\n"
                   "-- migrate:downgrade\n");

  revision = parse (text);
  g_assert_cmpstr (migrator_revision_get_id (revision), ==, "abc");
  g_assert_null (migrator_revision_get_down_revisions (revision)[0]);
  assert_strv (migrator_revision_get_branch_labels (revision), labels);
  g_assert_cmpstr (migrator_revision_get_upgrade_sql (revision), ==, "");
  g_assert_true (migrator_revision_is_reversible (revision));
  g_assert_finalize_object (revision);

  {
    const char *const parents[] = { "aaa", "bbb", NULL };

    merge_text = migrator_revision_render_new ("m", parents, "Merge", created, NULL, NULL, NULL);
    g_assert_cmpstr (merge_text, ==,
                     "-- revision: m\n"
                     "-- down_revision: aaa, bbb\n"
                     "-- message: Merge\n"
                     "-- created: 2024-01-02T03:04:05Z\n"
                     "\n"
                     "-- migrate:upgrade\n"
                     "\n"
                     "-- migrate:downgrade\n");
    revision = parse (merge_text);
    assert_strv (migrator_revision_get_down_revisions (revision), parents);
    g_assert_true (migrator_revision_is_merge (revision));
    g_assert_finalize_object (revision);
  }
}

static void
test_render_new_now (void)
{
  g_autofree char *text = migrator_revision_render_new ("abc", NULL, "m", NULL, NULL, NULL, NULL);
  MigratorRevision *revision = parse (text);
  const char *created = migrator_revision_get_created (revision);

  g_assert_nonnull (created);
  g_assert_cmpuint (strlen (created), ==, strlen ("2025-10-06T12:00:00Z"));
  g_assert_true (g_str_has_suffix (created, "Z"));

  g_assert_finalize_object (revision);
}

static void
test_generate_id (void)
{
  g_autofree char *first = migrator_revision_generate_id ();
  g_autofree char *second = migrator_revision_generate_id ();

  g_assert_cmpuint (strlen (first), ==, 12);
  for (const char *p = first; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
  g_assert_true (migrator_revision_id_is_valid (first));
  g_assert_cmpstr (first, !=, second);
}

static void
test_slugify (void)
{
  const struct {
    const char *message;
    const char *slug;
  } cases[] = {
    { "Add realtime fields!", "add_realtime_fields" },
    { "Add realtime fields for mobile app data", "add_realtime_fields_for_mobile_app_data" },
    { "  --Leading and trailing--  ", "leading_and_trailing" },
    { "Many   spaces\tand\npunctuation...here", "many_spaces_and_punctuation_here" },
    { "Añadir índice", "anadir_indice" },
    { "", "revision" },
    { "!!!", "revision" },
    { "UPPER_case_123", "upper_case_123" },
    { "a very long message that goes on and on beyond forty characters", "a_very_long_message_that_goes_on_and_on" },
    { "forty chars exactly then a space and more", "forty_chars_exactly_then_a_space_and_mor" },
    { "thirty-nine characters long, then ____ x", "thirty_nine_characters_long_then_x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *slug = migrator_revision_slugify (cases[i].message);

      g_assert_cmpstr (slug, ==, cases[i].slug);
      g_assert_cmpuint (strlen (slug), <=, 40);
    }
}

static void
test_id_is_valid (void)
{
  g_assert_true (migrator_revision_id_is_valid ("1975ea83b712"));
  g_assert_true (migrator_revision_id_is_valid ("a"));
  g_assert_true (migrator_revision_id_is_valid ("_"));
  g_assert_true (migrator_revision_id_is_valid ("0123456789abcdef0123456789abcdef"));
  g_assert_true (migrator_revision_id_is_valid ("headless"));
  g_assert_false (migrator_revision_id_is_valid (""));
  g_assert_false (migrator_revision_id_is_valid ("0123456789abcdef0123456789abcdef0"));
  g_assert_false (migrator_revision_id_is_valid ("ABC"));
  g_assert_false (migrator_revision_id_is_valid ("a-b"));
  g_assert_false (migrator_revision_id_is_valid ("a b"));
  g_assert_false (migrator_revision_id_is_valid ("é"));
  g_assert_false (migrator_revision_id_is_valid ("base"));
  g_assert_false (migrator_revision_id_is_valid ("head"));
  g_assert_false (migrator_revision_id_is_valid ("heads"));
  g_assert_false (migrator_revision_id_is_valid ("current"));
  g_assert_false (migrator_revision_id_is_valid ("none"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/revision/parse/spec-example", test_spec_example);
  g_test_add_func ("/revision/parse/properties", test_properties);
  g_test_add_func ("/revision/parse/all-keys", test_all_keys);
  g_test_add_func ("/revision/parse/transactional-true", test_transactional_true);
  g_test_add_func ("/revision/parse/empty-lists", test_empty_lists);
  g_test_add_func ("/revision/parse/created-forms", test_created_forms);
  g_test_add_func ("/revision/parse/merge", test_merge);
  g_test_add_func ("/revision/parse/root", test_root);
  g_test_add_func ("/revision/header/free-comments", test_free_comments);
  g_test_add_func ("/revision/header/ends-at-marker", test_header_ends_at_marker);
  g_test_add_func ("/revision/header/ends-at-blank-line", test_header_ends_at_blank_line);
  g_test_add_func ("/revision/header/ends-at-sql", test_header_ends_at_sql);
  g_test_add_func ("/revision/sections/order-and-whitespace", test_sections);
  g_test_add_func ("/revision/sections/empty-downgrade", test_empty_downgrade);
  g_test_add_func ("/revision/sections/comment-only-downgrade", test_comment_only_downgrade);
  g_test_add_func ("/revision/sections/irreversible", test_irreversible);
  g_test_add_func ("/revision/sections/trigger-statements", test_trigger_statements);
  g_test_add_func ("/revision/checksum/crlf", test_crlf);
  g_test_add_func ("/revision/checksum/data", test_checksum_data);
  g_test_add_func ("/revision/checksum/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/revision/file/read", test_from_file);
  g_test_add_func ("/revision/file/errors", test_from_file_errors);
  g_test_add_func ("/revision/error/unknown-key", test_error_unknown_key);
  g_test_add_func ("/revision/error/duplicate-key", test_error_duplicate_key);
  g_test_add_func ("/revision/error/missing-keys", test_error_missing_keys);
  g_test_add_func ("/revision/error/bad-revision-id", test_error_bad_revision_id);
  g_test_add_func ("/revision/error/bad-down-revision", test_error_bad_down_revision);
  g_test_add_func ("/revision/error/bad-depends-on", test_error_bad_depends_on);
  g_test_add_func ("/revision/error/bad-branch-label", test_error_bad_branch_label);
  g_test_add_func ("/revision/error/bad-created", test_error_bad_created);
  g_test_add_func ("/revision/error/bad-transactional", test_error_bad_transactional);
  g_test_add_func ("/revision/error/duplicate-section", test_error_duplicate_section);
  g_test_add_func ("/revision/error/unknown-section", test_error_unknown_section);
  g_test_add_func ("/revision/error/missing-upgrade", test_error_missing_upgrade);
  g_test_add_func ("/revision/error/sql-outside-section", test_error_sql_outside_section);
  g_test_add_func ("/revision/error/invalid-utf8", test_error_invalid_utf8);
  g_test_add_func ("/revision/new/render", test_render_new);
  g_test_add_func ("/revision/new/render-empty", test_render_new_empty);
  g_test_add_func ("/revision/new/render-now", test_render_new_now);
  g_test_add_func ("/revision/new/generate-id", test_generate_id);
  g_test_add_func ("/revision/new/slugify", test_slugify);
  g_test_add_func ("/revision/new/id-is-valid", test_id_is_valid);

  return g_test_run ();
}
