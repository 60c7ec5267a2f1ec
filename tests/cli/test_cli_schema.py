#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""schema, diff and revision --autogenerate on throw-away projects."""

import glob
import os
import sqlite3

import clitest
from clitest import CliTestCase

USERS = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');"
POSTS = ('CREATE TABLE "blog posts" (id INTEGER PRIMARY KEY, '
         'user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, body TEXT);')
POSTS_INDEX = 'CREATE INDEX posts_user ON "blog posts" (user_id) WHERE user_id IS NOT NULL;'


class SchemaCase(CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.db = os.path.join(self.project, "app.db")
        self.write_revision(self.project, "aaa", upgrade=USERS, downgrade="DROP TABLE users;")
        self.write_revision(self.project, "bbb", down="aaa",
                            upgrade=POSTS + "\n" + POSTS_INDEX,
                            downgrade='DROP TABLE "blog posts";')

    def cli(self, *args, **kwargs):
        return self.run_cli(*args, project=self.project, **kwargs)

    def write_schema(self, *statements):
        with open(os.path.join(self.project, "schema.sql"), "w") as f:
            f.write("\n".join(statements) + "\n")

    def make_db(self, *statements):
        con = sqlite3.connect(self.db)
        with con:
            con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
            for statement in statements:
                con.execute(statement)
        con.close()


class SchemaCommandTest(SchemaCase):
    def test_json_shape(self):
        self.make_db(USERS, POSTS, POSTS_INDEX,
                     "CREATE VIEW named AS SELECT name FROM users",
                     "CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN SELECT 1; END")
        result = self.cli("--json", "schema")
        self.assertEqual(result.code, 0, result)
        schema = result.json()
        self.assertEqual(sorted(schema), ["tables", "triggers", "views"])
        # The version table is Migrator's, not the application's.
        self.assertEqual([t["name"] for t in schema["tables"]], ["users", "blog posts"])
        users, posts = schema["tables"]
        for key in ("name", "sql", "columns", "indexes", "foreign_keys"):
            self.assertIn(key, users)
        self.assertEqual(users["columns"][0],
                         dict(users["columns"][0], name="id", type="INTEGER", notnull=False, default=None, pk=1))
        self.assertEqual(users["columns"][1]["default"], "''")
        self.assertTrue(users["columns"][1]["notnull"])
        self.assertEqual(posts["indexes"][0]["name"], "posts_user")
        self.assertTrue(posts["indexes"][0]["partial"])
        self.assertEqual(posts["indexes"][0]["where"], "user_id IS NOT NULL")
        fk = posts["foreign_keys"][0]
        self.assertEqual((fk["columns"], fk["references"], fk["referenced_columns"], fk["on_delete"]),
                         (["user_id"], "users", ["id"], "CASCADE"))
        self.assertEqual(schema["views"], [{"name": "named", "sql": "CREATE VIEW named AS SELECT name FROM users"}])
        self.assertEqual(schema["triggers"][0]["table"], "users")

    def test_text(self):
        self.make_db(USERS, POSTS)
        out = self.cli("schema").out
        self.assertIn("Table users\n  Columns:\n    id INTEGER PRIMARY KEY\n    name TEXT NOT NULL DEFAULT ''\n", out)
        self.assertIn('Table "blog posts"\n', out)
        self.assertIn("    (user_id) → users (id) ON DELETE CASCADE\n", out)

    def test_read_only(self):
        self.make_db(USERS)
        before = os.stat(self.db)
        self.assertEqual(self.cli("schema").code, 0)
        self.assertEqual(os.stat(self.db).st_mtime_ns, before.st_mtime_ns)
        self.assertFalse(os.path.exists(self.db + "-journal"))

    def test_missing_database(self):
        result = self.fails(1, "schema", project=self.project)
        self.assertIn("does not exist", result.err)
        self.assertFalse(os.path.exists(self.db))

    def test_at_revision(self):
        tables = [t["name"] for t in self.cli("--json", "schema", "--at", "aaa").json()["tables"]]
        self.assertEqual(tables, ["users"])
        tables = [t["name"] for t in self.cli("--json", "schema", "--at", "head").json()["tables"]]
        self.assertEqual(tables, ["users", "blog posts"])
        self.assertEqual(self.cli("--json", "schema", "--at", "base").json()["tables"], [])
        self.assertEqual(self.cli("schema", "--at", "base").out, "(empty schema)\n")
        self.fails(2, "schema", "--at", "nope", project=self.project)

    def test_at_broken_revision(self):
        self.write_revision(self.project, "ccc", down="bbb", upgrade="\nCREATE TABLE users (x);")
        result = self.fails(1, "schema", "--at", "ccc", project=self.project)
        self.assertIn("ccc", result.err)
        self.assertIn("ccc_rev.sql: revision ccc, line 7: ", result.err)


class DiffCommandTest(SchemaCase):
    def test_equal_exit_0(self):
        self.make_db(USERS, POSTS, POSTS_INDEX)
        result = self.cli("diff")
        self.assertEqual(result.code, 0, result)
        self.assertEqual(result.out, "No differences between db and bbb\n")
        self.assertEqual(self.cli("diff", "aaa", "aaa").code, 0)

    def test_different_exit_1(self):
        self.make_db(USERS)
        result = self.cli("diff")
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.out, 'From db to bbb:\n+ table "blog posts": 3 columns\n')
        self.assertEqual(result.err, "")
        result = self.cli("diff", "head", "base")
        self.assertEqual(result.code, 1, result)
        self.assertIn("- table users: 2 columns\n", result.out)

    def test_json(self):
        self.write_schema(USERS.replace("TEXT", "VARCHAR(20)"), POSTS)
        result = self.cli("--json", "diff", "head", "schema")
        self.assertEqual(result.code, 1, result)
        self.assertEqual(result.json(), {
            "from": "bbb", "to": "schema", "equal": False,
            "changes": [
                {"kind": "~", "object": "column", "table": "users", "name": "name",
                 "detail": "type TEXT → VARCHAR(20)"},
                {"kind": "-", "object": "index", "table": "blog posts", "name": "posts_user",
                 "detail": "(user_id) WHERE user_id IS NOT NULL"},
            ]})
        same = self.cli("--json", "diff", "aaa", "bbb-1")
        self.assertEqual(same.code, 0, same)
        self.assertEqual(same.json(), {"from": "aaa", "to": "aaa", "changes": [], "equal": True})

    def test_usage_errors(self):
        self.fails(2, "diff", "a", "b", "c", project=self.project)
        self.fails(2, "diff", "zzz", project=self.project)
        self.fails(1, "diff", "head", "schema", project=self.project)  # no schema.sql


class AutogenerateTest(SchemaCase):
    def revision_files(self):
        return sorted(glob.glob(os.path.join(self.project, "versions", "*.sql")))

    def test_no_changes(self):
        self.write_schema(USERS, POSTS, POSTS_INDEX)
        result = self.cli("revision", "--autogenerate", "-m", "Nothing")
        self.assertEqual(result.code, 0, result)
        self.assertEqual(result.out, "No changes detected\n")
        self.assertEqual(len(self.revision_files()), 2)

    def test_writes_revision(self):
        self.write_schema(USERS.replace("DEFAULT '')", "DEFAULT '', email TEXT)"), POSTS, POSTS_INDEX,
                          "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);")
        result = self.cli("--json", "revision", "--autogenerate", "-m", "Add email and tags")
        self.assertEqual(result.code, 0, result)
        path = result.json()["path"]
        self.assertEqual(len(self.revision_files()), 3)
        with open(path) as f:
            text = f.read()
        self.assertIn("-- down_revision: bbb\n", text)
        upgrade, downgrade = text.split("-- migrate:downgrade\n")
        self.assertIn('ALTER TABLE "users" ADD COLUMN email TEXT;\n', upgrade)
        self.assertIn("CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT UNIQUE);\n", upgrade)
        self.assertIn('ALTER TABLE "users" DROP COLUMN "email";\n', downgrade)
        self.assertIn('DROP TABLE "tags";\n', downgrade)

        # The new head is schema.sql, and the round trip works on a database.
        self.assertEqual(self.cli("diff", "head", "schema").code, 0)
        self.assertEqual(self.cli("-q", "upgrade").code, 0)
        self.assertEqual(self.cli("diff", "db", "schema").code, 0)
        self.assertEqual(self.cli("-q", "downgrade", "-1").code, 0)
        self.assertEqual(self.cli("diff", "db", "bbb").code, 0)

    def test_reports_detected_changes(self):
        self.write_schema(USERS, POSTS)
        result = self.cli("revision", "--autogenerate", "-m", "Drop index")
        self.assertEqual(result.code, 0, result)
        self.assertIn('Detected - index posts_user on "blog posts": (user_id) WHERE user_id IS NOT NULL\n', result.out)
        self.assertIn("Created revision ", result.out)

    def test_missing_schema_file(self):
        result = self.fails(1, "revision", "--autogenerate", "-m", "X", project=self.project)
        self.assertIn("schema.sql", result.err)
        self.assertEqual(len(self.revision_files()), 2)


if __name__ == "__main__":
    clitest.main()
