# SPDX-License-Identifier: GPL-3.0-or-later
"""upgrade/downgrade --sql: the offline script holds the exact statements,
table rebuilds included, and running it gives what migrator gives."""

import os
import shutil
import sqlite3

import clitest

CREATE = """CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, c INTEGER, d TEXT DEFAULT 'x');
CREATE INDEX ix_t_c ON t (c);
CREATE VIEW v AS SELECT id, c FROM t;"""


def dump(path):
    con = sqlite3.connect(path)
    try:
        schema = sorted(con.execute(
            "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' "
            "AND name != 'migrator_history'"))
        rows = list(con.execute("SELECT * FROM t ORDER BY id"))
        seq = list(con.execute("SELECT name, seq FROM sqlite_sequence"))
        versions = sorted(con.execute("SELECT version_num FROM alembic_version"))
    finally:
        con.close()
    return schema, rows, seq, versions


class SqlTests(clitest.CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()
        self.write_revision(self.project, "a1", message="Create the table t",
                            upgrade=CREATE, downgrade="DROP VIEW v;\nDROP TABLE t;")
        self.write_revision(self.project, "b2", "a1", message="Make c a REAL that is never null",
                            upgrade="ALTER TABLE t ALTER COLUMN c TYPE REAL;\n"
                                    "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
                            downgrade="ALTER TABLE t ALTER COLUMN c DROP NOT NULL;\n"
                                      "ALTER TABLE t ALTER COLUMN c TYPE INTEGER;")
        self.db = os.path.join(self.project, "app.db")
        self.ok("upgrade", "a1", project=self.project)
        con = sqlite3.connect(self.db)
        with con:
            con.executemany("INSERT INTO t (c, d) VALUES (?, ?)", [(i, "r%d" % i) for i in range(1, 101)])
            con.execute("DELETE FROM t WHERE id > 90")  # the sequence stays at 100
        con.close()

    def run_script(self, path, script):
        con = sqlite3.connect(path, isolation_level=None)
        try:
            con.executescript(script)
        finally:
            con.close()

    def test_upgrade_sql_is_the_rebuild(self):
        script = self.ok("upgrade", "--sql", project=self.project).out
        self.assertIn('CREATE TABLE "_migrator_new_t"', script)
        self.assertIn("c REAL NOT NULL", script)
        self.assertIn('ALTER TABLE main."_migrator_new_t" RENAME TO "t"', script)
        self.assertIn("CREATE VIEW v", script)
        self.assertIn("PRAGMA main.foreign_key_check", script)
        self.assertNotIn("ALTER COLUMN", script)
        self.assertEqual(script.count("BEGIN;"), 1)
        self.assertEqual(script.count("COMMIT;"), 1)

        # The script on one copy and migrator on another give the same file
        # contents, the AUTOINCREMENT sequence included.
        copy = os.path.join(self.tmp, "copy.db")
        shutil.copy(self.db, copy)
        self.run_script(copy, script)
        self.ok("upgrade", "--no-backup", project=self.project)
        self.assertEqual(dump(copy), dump(self.db))
        self.assertEqual(dump(copy)[2], [("t", 100)])

    def test_downgrade_sql(self):
        self.ok("upgrade", project=self.project)
        before = dump(self.db)
        script = self.ok("downgrade", "-1", "--sql", project=self.project).out
        self.assertIn("c INTEGER", script)
        self.assertIn("DELETE FROM main.sqlite_sequence", script)
        self.assertEqual(dump(self.db), before, "--sql changes nothing")
        copy = os.path.join(self.tmp, "copy.db")
        shutil.copy(self.db, copy)
        self.run_script(copy, script)
        self.ok("downgrade", "-1", "--no-backup", project=self.project)
        self.assertEqual(dump(copy), dump(self.db))


class SqlOnExistingTablesTests(clitest.CliTestCase):
    def test_table_no_revision_created(self):
        """The script is written for the database as it is: a table made
        before the project existed is rebuilt like any other."""
        project = self.new_project()
        self.write_revision(project, "a1", message="Make legacy.c a REAL",
                            upgrade="ALTER TABLE legacy ALTER COLUMN c TYPE REAL;",
                            downgrade="ALTER TABLE legacy ALTER COLUMN c TYPE INTEGER;")
        db = os.path.join(project, "app.db")
        con = sqlite3.connect(db)
        with con:
            con.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY, c INTEGER)")
            con.executemany("INSERT INTO legacy (c) VALUES (?)", [(i,) for i in range(50)])
        con.close()

        script = self.ok("upgrade", "--sql", project=project).out
        self.assertIn('CREATE TABLE "_migrator_new_legacy"', script)
        copy = os.path.join(self.tmp, "copy.db")
        shutil.copy(db, copy)
        con = sqlite3.connect(copy, isolation_level=None)
        con.executescript(script)
        con.close()
        self.ok("upgrade", "--no-backup", project=project)

        def state(path):
            con = sqlite3.connect(path)
            try:
                return (sorted(con.execute("SELECT name, sql FROM sqlite_schema WHERE name != 'migrator_history'")),
                        list(con.execute("SELECT * FROM legacy ORDER BY id")),
                        list(con.execute("SELECT * FROM alembic_version")))
            finally:
                con.close()
        self.assertEqual(state(copy), state(db))


class RebuildForeignKeyTests(clitest.CliTestCase):
    def test_orphans_found_by_the_check_before_commit(self):
        """A rebuild inside a run leaves the foreign key check to the one the
        runner makes before COMMIT: orphan rows still stop the upgrade."""
        project = self.new_project()
        self.write_revision(project, "a1", message="Create parents and children",
                            upgrade="CREATE TABLE p (id INTEGER PRIMARY KEY);\n"
                                    "CREATE TABLE c (id INTEGER PRIMARY KEY, "
                                    "p_id INTEGER REFERENCES p (id), n INTEGER);",
                            downgrade="DROP TABLE c;\nDROP TABLE p;")
        self.write_revision(project, "b2", "a1", message="Make c.n a REAL",
                            upgrade="ALTER TABLE c ALTER COLUMN n TYPE REAL;",
                            downgrade="ALTER TABLE c ALTER COLUMN n TYPE INTEGER;")
        self.ok("upgrade", "a1", project=project)
        db = os.path.join(project, "app.db")
        con = sqlite3.connect(db)
        with con:
            con.execute("INSERT INTO p VALUES (1)")
            con.executemany("INSERT INTO c (p_id, n) VALUES (?, ?)", [(1, 1), (7, 2)])
        con.close()
        before = dump_all(db)
        result = self.run_cli("upgrade", "--no-backup", project=project)
        self.assertEqual(result.code, 1, result)
        first = result.err.splitlines()[0]
        self.assertIn("Foreign key check failed after revision b2", first)
        self.assertIn("table c rowid 2 references missing row in p", result.err)
        self.assertEqual(dump_all(db), before)


def dump_all(path):
    con = sqlite3.connect(path)
    try:
        return (sorted(con.execute("SELECT type, name, sql FROM sqlite_schema WHERE name != 'migrator_history'")),
                list(con.execute("SELECT * FROM c ORDER BY id")),
                list(con.execute("SELECT * FROM alembic_version")))
    finally:
        con.close()


if __name__ == "__main__":
    clitest.main()
