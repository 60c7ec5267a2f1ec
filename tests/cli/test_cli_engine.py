#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The commands that change the database: upgrade, downgrade, stamp, merge,
status, backup, backups, restore, reset; failures, locks, --sql, --dry-run
and the guide's whole workflow on the bundled sample project."""

import json
import os
import sqlite3

import clitest
from clitest import CliTestCase

ALEMBIC_DDL = ("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
               "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")


def dump(path):
    """Schema and data of every table but the history table: equal dumps
    mean equal schema and data."""
    if not os.path.exists(path):
        return ""
    con = sqlite3.connect(path)
    try:
        out = []
        objects = con.execute("SELECT type, name, sql FROM sqlite_schema "
                              "WHERE name <> 'migrator_history' ORDER BY type, name").fetchall()
        for kind, name, sql in objects:
            out.append("%s %s: %s" % (kind, name, sql))
            if kind == "table":
                for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % name):
                    out.append("%s: %r" % (name, row))
        return "\n".join(out)
    finally:
        con.close()


def query(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def versions(path):
    if not query(path, "SELECT 1 FROM sqlite_schema WHERE name = 'alembic_version'"):
        return []
    return sorted(r[0] for r in query(path, "SELECT version_num FROM alembic_version"))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class EngineTestCase(CliTestCase):
    def three_revisions(self, config=None, broken=False, name="proj"):
        cfg = {"database": "sqlite:///app.db"}
        cfg.update(config or {})
        project = self.new_project(name=name, config=cfg)
        self.write_revision(project, "aaaa00000001", message="Create total table",
                            upgrade="CREATE TABLE total_table (id INTEGER PRIMARY KEY, "
                                    "user_id INTEGER NOT NULL, total_market_value REAL);\n"
                                    "INSERT INTO total_table (user_id, total_market_value) "
                                    "VALUES (1, 10.5), (2, 20.0);",
                            downgrade="DROP TABLE total_table;")
        if broken:
            upgrade = ("ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
                       "CREATE TABLE extra (id INTEGER);\n"
                       "INSERT INTO nowhere VALUES (1);")
        else:
            upgrade = ("ALTER TABLE total_table ADD COLUMN position_percent REAL;\n"
                       "CREATE INDEX ix_total_user ON total_table (user_id);")
        self.write_revision(project, "bbbb00000002", down="aaaa00000001",
                            message="Add realtime fields", upgrade=upgrade,
                            downgrade="DROP INDEX ix_total_user;\n"
                                      "ALTER TABLE total_table DROP COLUMN position_percent;")
        self.write_revision(project, "cccc00000003", down="bbbb00000002", message="Fill",
                            upgrade="UPDATE total_table SET position_percent = 1;",
                            downgrade="UPDATE total_table SET position_percent = NULL;")
        return project, os.path.join(project, "app.db")

    def backups_of(self, project):
        folder = os.path.join(project, "backups")
        return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


class UpgradeDowngradeTest(EngineTestCase):
    def test_upgrade_json_and_version_table(self):
        project, db = self.three_revisions()
        out = self.ok("--json", "upgrade", project=project).json()
        self.assertEqual(out["from"], [])
        self.assertEqual(out["to"], ["cccc00000003"])
        self.assertEqual(out["applied"], ["aaaa00000001", "bbbb00000002", "cccc00000003"])
        self.assertIsNone(out["backup"])  # a new file is not backed up
        self.assertEqual(query(db, "SELECT sql FROM sqlite_schema WHERE name = 'alembic_version'"),
                         [(ALEMBIC_DDL,)])
        rows = query(db, "SELECT revision, direction, outcome, length(checksum) FROM migrator_history")
        self.assertEqual(rows, [("aaaa00000001", "upgrade", "ok", 64),
                                ("bbbb00000002", "upgrade", "ok", 64),
                                ("cccc00000003", "upgrade", "ok", 64)])

        out = self.ok("--json", "downgrade", "-1", project=project).json()
        self.assertEqual(out["from"], ["cccc00000003"])
        self.assertEqual(out["to"], ["bbbb00000002"])
        self.assertEqual(out["applied"], ["cccc00000003"])
        self.assertTrue(os.path.exists(out["backup"]))
        self.assertEqual(query(db, "SELECT backup FROM migrator_history ORDER BY id DESC LIMIT 1"),
                         [(out["backup"],)])

    def test_downgrade_needs_target(self):
        project, db = self.three_revisions()
        self.fails(2, "downgrade", project=project)

    def test_failure_leaves_database_as_it_was(self):
        for mode in ("all", "per-revision"):
            with self.subTest(mode=mode):
                project, db = self.three_revisions({"transaction": mode}, broken=True,
                                                   name="proj-" + mode)
                con = sqlite3.connect(db)
                con.execute("CREATE TABLE keep (x)")
                con.execute("INSERT INTO keep VALUES ('data')")
                con.commit()
                con.close()
                before = dump(db)
                result = self.run_cli("upgrade", project=project)
                self.assertEqual(result.code, 1, result)
                self.assert_error_format(result)
                self.assertIn("bbbb00000002", result.err)
                self.assertIn("bbbb00000002_rev.sql:", result.err)
                self.assertIn("no such table: nowhere", result.err)
                if mode == "all":
                    self.assertEqual(dump(db), before)
                    self.assertEqual(versions(db), [])
                else:
                    # per-revision: the revisions before the failing one stay
                    # applied; the failing one is rolled back entirely.
                    self.assertEqual(versions(db), ["aaaa00000001"])
                    self.assertEqual(query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'extra'"),
                                     [(0,)])
                self.assertEqual(query(db, "SELECT revision, outcome FROM migrator_history "
                                           "WHERE outcome <> 'ok'"), [("bbbb00000002", "failed")])

    def test_sql_output(self):
        project, db = self.three_revisions()
        out = self.ok("upgrade", "--sql", project=project).out
        self.assertTrue(out.startswith(ALEMBIC_DDL + ";\n\nBEGIN;\n"), out)
        self.assertIn("CREATE TABLE total_table", out)
        self.assertIn("INSERT INTO alembic_version (version_num) VALUES ('aaaa00000001');", out)
        self.assertIn("UPDATE alembic_version SET version_num='cccc00000003' "
                      "WHERE alembic_version.version_num = 'bbbb00000002';", out)
        self.assertTrue(out.endswith("COMMIT;\n"), out)
        self.assertFalse(os.path.exists(db))
        # The script is what would run: sqlite3 runs it to the same result.
        con = sqlite3.connect(os.path.join(self.tmp, "offline.db"))
        con.executescript(out)
        con.close()
        self.assertEqual(versions(os.path.join(self.tmp, "offline.db")), ["cccc00000003"])

    def test_dry_run_changes_nothing(self):
        project, db = self.three_revisions()
        self.ok("upgrade", "aaaa00000001", project=project)
        before = read_bytes(db)
        out = self.ok("--json", "upgrade", "--dry-run", project=project).json()
        self.assertTrue(out["dry_run"])
        self.assertEqual(out["applied"], ["bbbb00000002", "cccc00000003"])
        self.assertIn("create index ix_total_user", out["changes"])
        self.assertEqual(read_bytes(db), before)
        self.assertEqual(self.backups_of(project), [])
        text = self.ok("downgrade", "base", "--dry-run", project=project).out
        self.assertIn("nothing was changed", text)
        self.assertEqual(read_bytes(db), before)

    def test_alembic_created_database_continues(self):
        project, db = self.three_revisions()
        con = sqlite3.connect(db)
        con.execute(ALEMBIC_DDL)
        con.execute("INSERT INTO alembic_version VALUES ('aaaa00000001')")
        con.execute("CREATE TABLE total_table (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, "
                    "total_market_value REAL)")
        con.commit()
        con.close()
        out = self.ok("--json", "upgrade", project=project).json()
        self.assertEqual(out["from"], ["aaaa00000001"])
        self.assertEqual(out["applied"], ["bbbb00000002", "cccc00000003"])
        self.assertEqual(versions(db), ["cccc00000003"])
        self.assertEqual(query(db, "SELECT sql FROM sqlite_schema WHERE name = 'alembic_version'"),
                         [(ALEMBIC_DDL,)])

    def test_foreign_key_violation(self):
        project, db = self.three_revisions()
        self.write_revision(project, "dddd00000004", down="cccc00000003", message="Orphans",
                            upgrade="CREATE TABLE child (id INTEGER PRIMARY KEY, "
                                    "total_id INTEGER REFERENCES total_table (id));\n"
                                    "INSERT INTO child VALUES (1, 1), (2, 77);",
                            downgrade="DROP TABLE child;")
        self.ok("upgrade", "cccc00000003", project=project)
        before = dump(db)
        result = self.fails(1, "upgrade", project=project)
        self.assertIn("Foreign key check failed after revision dddd00000004: 1 row of child "
                      "violates its foreign key to total_table", result.err.splitlines()[0])
        self.assertIn("table child rowid 2 references missing row in total_table", result.err)
        self.assertEqual(dump(db), before)
        self.assertEqual(versions(db), ["cccc00000003"])

    def test_non_transactional_warns(self):
        project, db = self.three_revisions()
        self.write_revision(project, "dddd00000004", down="cccc00000003", message="Vacuum",
                            extra="-- transactional: false\n", upgrade="VACUUM;", downgrade="")
        result = self.ok("upgrade", project=project)
        self.assertIn("migrator: warning: Revision dddd00000004 is not transactional", result.err)
        self.assertEqual(versions(db), ["dddd00000004"])

    def test_irreversible_names_backup(self):
        project, db = self.three_revisions()
        path = os.path.join(project, "versions", "dddd00000004_oneway.sql")
        with open(path, "w") as f:
            f.write("-- revision: dddd00000004\n-- down_revision: cccc00000003\n"
                    "-- message: One way\n\n-- migrate:upgrade\nDELETE FROM total_table;\n")
        self.ok("upgrade", "cccc00000003", project=project)
        backup = self.ok("--json", "upgrade", project=project).json()["backup"]
        self.assertTrue(backup)
        result = self.fails(1, "downgrade", "base", project=project)
        self.assertIn("dddd00000004", result.err)
        self.assertIn(backup, result.err)
        self.assertEqual(versions(db), ["dddd00000004"])

    def test_multiple_heads(self):
        project, db = self.three_revisions()
        self.write_revision(project, "eeee00000005", down="aaaa00000001", message="Branch",
                            upgrade="CREATE TABLE other (id INTEGER);", downgrade="DROP TABLE other;")
        result = self.fails(2, "upgrade", project=project)
        self.assertIn("cccc00000003", result.err)
        self.assertIn("eeee00000005", result.err)
        self.assertIn("migrator merge", result.err)
        self.assertIn("'heads'", result.err)
        self.ok("upgrade", "heads", project=project)
        self.assertEqual(versions(db), ["cccc00000003", "eeee00000005"])


class LockTest(EngineTestCase):
    def test_second_process_fails_cleanly_then_succeeds(self):
        project, db = self.three_revisions({"lock_timeout_ms": 200})
        self.ok("upgrade", "aaaa00000001", project=project)
        before = dump(db)

        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            result = self.fails(1, "upgrade", project=project)
            self.assertIn("locked", result.err)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.assertEqual(dump(db), before)
        self.assertEqual(versions(db), ["aaaa00000001"])

        out = self.ok("--json", "upgrade", project=project).json()
        self.assertEqual(out["applied"], ["bbbb00000002", "cccc00000003"])


class CommandsTest(EngineTestCase):
    def test_status(self):
        project, db = self.three_revisions()
        out = self.ok("--json", "status", project=project).json()
        lint = out.pop("lint")
        self.assertEqual(out, {"database": db, "current": [], "heads": ["cccc00000003"],
                               "pending": ["aaaa00000001", "bbbb00000002", "cccc00000003"],
                               "changed": []})
        self.assertEqual(sorted(lint), ["errors", "info", "warnings"])
        self.assertFalse(os.path.exists(db))
        self.ok("upgrade", "bbbb00000002", project=project)
        path = os.path.join(project, "versions", "aaaa00000001_rev.sql")
        with open(path, "a") as f:
            f.write("-- edited after it was applied\n")
        out = self.ok("--json", "status", project=project).json()
        self.assertEqual(out["current"], ["bbbb00000002"])
        self.assertEqual(out["pending"], ["cccc00000003"])
        self.assertEqual(out["changed"], ["aaaa00000001"])
        text = self.ok("status", project=project).out
        self.assertIn("Pending:  cccc00000003", text)
        self.assertRegex(text, r"Lint:\s+\d+ errors, \d+ warnings")

    def test_stamp(self):
        project, db = self.three_revisions()
        out = self.ok("--json", "stamp", "bbbb00000002", project=project).json()
        self.assertEqual(out["to"], ["bbbb00000002"])
        self.assertEqual(versions(db), ["bbbb00000002"])
        self.assertEqual(query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'total_table'"),
                         [(0,)])
        self.assertEqual(query(db, "SELECT direction FROM migrator_history"), [("stamp",)])
        self.fails(2, "stamp", "nosuchrev", project=project)

    def test_backup_backups_restore_retention(self):
        project, db = self.three_revisions({"backup": {"keep": 2}})
        self.ok("upgrade", "aaaa00000001", project=project)
        at_r1 = dump(db)
        explicit = os.path.join(self.tmp, "copy.db")
        out = self.ok("--json", "backup", "-o", explicit, project=project).json()
        self.assertEqual(out["backup"], explicit)
        self.assertEqual(dump(explicit), at_r1)

        self.ok("upgrade", project=project)           # backup 1 (at r1)
        self.ok("downgrade", "-1", project=project)   # backup 2
        self.ok("upgrade", project=project)           # backup 3: retention keeps 2
        listing = self.ok("--json", "backups", project=project).json()["backups"]
        self.assertEqual(len(listing), 2)
        self.assertEqual(len(self.backups_of(project)), 2)
        for entry in listing:
            self.assertTrue(os.path.exists(entry["path"]))
            self.assertRegex(entry["name"], r"^app-\d{8}T\d{6}Z-[0-9a-z_]+(-\d+)?\.db$")

        out = self.ok("--json", "restore", listing[0]["name"], project=project).json()
        self.assertEqual(out["restored"], listing[0]["path"])
        self.assertTrue(os.path.exists(out["backup"]))
        self.assertEqual(out["from"], ["cccc00000003"])
        self.assertEqual(query(db, "SELECT direction FROM migrator_history ORDER BY id DESC LIMIT 1"),
                         [("restore",)])
        self.fails(1, "restore", "no-such-backup", project=project)

    def test_reset(self):
        project, db = self.three_revisions()
        self.ok("upgrade", project=project)
        con = sqlite3.connect(db)
        con.execute("INSERT INTO total_table (user_id) VALUES (5)")
        con.commit()
        con.close()
        self.fails(2, "reset", project=project)
        out = self.ok("--json", "reset", "--yes", project=project).json()
        self.assertTrue(os.path.exists(out["backup"]))
        self.assertEqual(out["to"], ["cccc00000003"])
        self.assertEqual(query(db, "SELECT count(*) FROM total_table"), [(2,)])

    def test_merge_needs_message(self):
        project, db = self.three_revisions()
        self.fails(2, "merge", project=project)
        self.fails(2, "merge", "-m", "Nothing to merge", project=project)


class SampleWorkflowTest(EngineTestCase):
    """The guide's whole workflow on a copy of the bundled migrations/."""

    def test_guide_workflow(self):
        project = self.copy_sample()
        db = os.path.join(project, "imobile.db")
        heads = self.ok("--json", "heads", project=project).json()["heads"]
        self.assertEqual(len(heads), 1)
        head = heads[0]

        # migrate
        out = self.ok("--json", "upgrade", project=project).json()
        self.assertEqual(out["to"], [head])
        n_revisions = len(out["applied"])
        self.assertGreaterEqual(n_revisions, 5)
        at_head = dump(db)

        # status, current, history
        status = self.ok("--json", "status", project=project).json()
        self.assertEqual(status["current"], [head])
        self.assertEqual(status["pending"], [])
        self.assertEqual(self.ok("--json", "current", project=project).json()["current"], [head])
        history = self.ok("--json", "history", project=project).json()["revisions"]
        self.assertTrue(all(r["applied"] for r in history))

        # downgrade -1 (from the merge: back to its two parents)
        out = self.ok("--json", "downgrade", "-1", project=project).json()
        self.assertEqual(out["applied"], [head])
        self.assertEqual(len(out["to"]), 2)

        # downgrade to a revision
        self.ok("downgrade", "1975ea83b712", project=project)
        self.assertEqual(versions(db), ["1975ea83b712"])
        columns = [r[1] for r in query(db, "PRAGMA table_info(total_table)")]
        self.assertIn("position_percent", columns)

        # downgrade base, then re-apply
        self.ok("downgrade", "base", project=project)
        self.assertEqual(versions(db), [])
        self.ok("upgrade", "head", project=project)
        self.assertEqual(dump(db), at_head)

        # merge heads: two new revisions on top of the head
        self.write_revision(project, "aaaa11110001", down=head, message="Left",
                            upgrade="CREATE TABLE left_side (id INTEGER);",
                            downgrade="DROP TABLE left_side;")
        self.write_revision(project, "bbbb22220002", down=head, message="Right",
                            upgrade="CREATE TABLE right_side (id INTEGER);",
                            downgrade="DROP TABLE right_side;")
        self.fails(2, "upgrade", project=project)
        merged = self.ok("--json", "merge", "-m", "Merge left and right", project=project).json()
        self.assertEqual(sorted(merged["down_revisions"]), ["aaaa11110001", "bbbb22220002"])
        self.assertTrue(os.path.exists(merged["path"]))
        out = self.ok("--json", "upgrade", project=project).json()
        self.assertEqual(out["to"], [merged["revision"]])
        self.assertEqual(len(out["applied"]), 3)

        # backup and restore
        backup = self.ok("--json", "backup", project=project).json()["backup"]
        self.assertTrue(os.path.exists(backup))
        at_merge = dump(db)
        self.ok("downgrade", "base", project=project)
        self.assertEqual(versions(db), [])
        out = self.ok("--json", "restore", "latest", project=project).json()
        self.assertEqual(out["to"], [merged["revision"]])
        self.assertEqual(dump(db), at_merge)
        directions = [r[0] for r in query(db, "SELECT direction FROM migrator_history ORDER BY id")]
        self.assertIn("downgrade", directions)
        self.assertEqual(directions[-1], "restore")


if __name__ == "__main__":
    clitest.main()
