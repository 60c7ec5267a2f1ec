#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input catalogue (issue 7, SPEC §5): malformed projects, revision
files, migrator.json files, database URLs, targets and arguments. Every
case checks
- the exit code of SPEC §5 (1 failed, 2 usage, 3 invalid project/graph);
- stderr: first line `migrator: error: …` naming the file, line, revision
  or value concerned (the case lists the names that must appear), indented
  detail lines only, nothing on stdout, no GLib CRITICAL/WARNING (the
  process runs with G_DEBUG=fatal-warnings, so one would also abort it);
- the database is unchanged: byte for byte (sha256 of the file and no new
  -journal/-wal/-shm/backup files), or, where the engine legitimately
  records the failure in migrator_history (docs/engine.md), schema, rows
  and version rows of everything but that table, plus the one new history
  row saying "failed". A database that did not exist is not created.

Run: python3 test_bad_input.py path/to/migrator [-k NAME]
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetylib  # noqa: E402

BIN = None

R1 = ("a1b2c3d4e5f6", "none", "Create accounts",
      "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
      "INSERT INTO account (name) VALUES ('alice'), ('bob');",
      "DROP TABLE account;")
R2 = ("b2c3d4e5f6a1", "a1b2c3d4e5f6", "Add owners",
      "CREATE TABLE owner (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES account (id));\n"
      "INSERT INTO owner (account_id) VALUES (1);",
      "DROP TABLE owner;")


def revision_text(rev, down, message, upgrade, downgrade, extra=""):
    text = "-- revision: %s\n-- down_revision: %s\n" % (rev, down)
    if message is not None:
        text += "-- message: %s\n" % message
    text += extra
    text += "\n-- migrate:upgrade\n%s\n" % upgrade
    if downgrade is not None:
        text += "\n-- migrate:downgrade\n%s\n" % downgrade
    return text


class Case:
    """One catalogue entry.

    setup(t) prepares t.project (a valid two-revision project, database at
    head unless @db is "none" or "base") and may change it; args are the
    command line after --project; names must all appear in the first line
    of stderr; db_check is "bytes" (file unchanged, no new files),
    "backup" (file unchanged; a new backup is allowed: restore keeps the
    current file first, SPEC §6.3) or "history" (unchanged but for one
    failure row in migrator_history)."""

    def __init__(self, name, code, args, names, setup=None, db="head",
                 db_check="bytes", env=None, project_arg=True, cwd=None, anywhere=False):
        self.name = name
        self.code = code
        self.args = args
        self.names = names
        self.setup = setup
        self.db = db
        self.db_check = db_check
        self.env = env or {}
        self.project_arg = project_arg
        self.cwd = cwd
        self.anywhere = anywhere  # the names may be in the detail lines


# Setups: each takes the test case object (paths in t.project, t.db_path,
# t.tmp) and returns nothing; they may write files.

def add_rev(rev, down, message="Step", upgrade="SELECT 1;", downgrade="SELECT 1;",
            extra="", file_name=None, raw=None):
    def setup(t):
        text = raw if raw is not None else revision_text(rev, down, message, upgrade, downgrade, extra)
        with open(os.path.join(t.project, "versions", file_name or "%s_step.sql" % rev), "w") as f:
            f.write(text)
    return setup


def write_file(name, text, mode="w"):
    def setup(t):
        with open(os.path.join(t.project, name), mode) as f:
            f.write(text)
    return setup


def config(**changes):
    def setup(t):
        path = os.path.join(t.project, "migrator.json")
        with open(path) as f:
            data = json.load(f)
        data.update(changes)
        with open(path, "w") as f:
            json.dump(data, f)
    return setup


def chain(*setups):
    def setup(t):
        for s in setups:
            s(t)
    return setup


def database_bytes(data):
    def setup(t):
        with open(t.db_path, "wb") as f:
            f.write(data)
    return setup


def database_is_directory(t):
    os.unlink(t.db_path)
    os.mkdir(t.db_path)


def corrupt_backup(t):
    os.makedirs(os.path.join(t.project, "backups"), exist_ok=True)
    path = os.path.join(t.project, "backups", "app-20250101T000000Z-a1b2c3d4e5f6.db")
    shutil.copyfile(t.db_path, path)
    with open(path, "r+b") as f:
        f.seek(1024)
        f.write(os.urandom(2048))
        f.seek(100)
        f.write(b"\xff" * 16)


def truncated_backup(t):
    os.makedirs(os.path.join(t.project, "backups"), exist_ok=True)
    path = os.path.join(t.project, "backups", "app-20250101T000000Z-base.db")
    with open(t.db_path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2 + 100])


def make_immutable(t):
    if shutil.which("chattr") is None:
        raise unittest.SkipTest("chattr is not installed")
    proc = subprocess.run(["chattr", "+i", t.db_path], capture_output=True)
    if proc.returncode != 0:
        raise unittest.SkipTest("chattr +i is not supported here: %s" % proc.stderr.decode().strip())
    t.immutable.append(t.db_path)


def immutable_backup_folder(t):
    os.makedirs(os.path.join(t.project, "backups"), exist_ok=True)
    path = os.path.join(t.project, "backups")
    if shutil.which("chattr") is None:
        raise unittest.SkipTest("chattr is not installed")
    proc = subprocess.run(["chattr", "+i", path], capture_output=True)
    if proc.returncode != 0:
        raise unittest.SkipTest("chattr +i is not supported here: %s" % proc.stderr.decode().strip())
    t.immutable.append(path)


LOCKER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


def hold_write_lock(t):
    """Another process holds the write lock meanwhile (not this one: the
    checksum of the file opens and closes it, which drops every POSIX lock
    this process holds on it)."""
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, t.db_path], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    t.assertEqual(proc.stdout.readline().strip(), "locked")

    def release():
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()
    t.addCleanup(release)


def remove_downgrade(rev):
    def setup(t):
        path = os.path.join(t.project, "versions", "%s_step.sql" % rev)
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text[:text.index("-- migrate:downgrade")])
    return setup


def second_head(t):
    add_rev("c3d4e5f6a1b2", "a1b2c3d4e5f6", message="Other branch",
            upgrade="CREATE TABLE other (id INTEGER);", downgrade="DROP TABLE other;")(t)


BAD_SQL = "CREATE TABLE audit (id INTEGER);\nINSERT INTO no_such_table VALUES (1);"

CASES = [
    # arguments
    Case("unknown command", 2, ["frobnicate"], ["frobnicate"]),
    Case("unknown option", 2, ["upgrade", "--frobnicate"], ["--frobnicate"]),
    Case("revision without -m", 2, ["revision"], ["-m"]),
    Case("downgrade without a target", 2, ["downgrade"], ["downgrade"]),
    Case("reset without --yes", 2, ["reset"], ["--yes"]),
    Case("history with a bad range", 2, ["history", "-r", "nonsense"], ["nonsense"]),
    Case("two targets", 2, ["upgrade", "head", "head"], ["head"]),
    Case("stamp without a revision", 2, ["stamp"], ["stamp"]),
    Case("option without its value", 2, ["upgrade", "--database"], ["--database"], project_arg=True),
    Case("--sql with --dry-run", 2, ["upgrade", "--sql", "--dry-run"], ["--sql", "--dry-run"]),
    Case("downgrade to head", 2, ["downgrade", "head"], ["head"]),
    Case("empty revision message", 2, ["revision", "-m", ""], ["-m"]),
    Case("revision on an unknown head", 2, ["revision", "-m", "x", "--head", "0badc0ffee00"], ["0badc0ffee00"]),
    Case("invalid branch label", 2, ["revision", "-m", "x", "--branch-label", "bad!label"], ["bad!label"]),
    Case("unexpected argument", 2, ["backups", "extra"], ["extra"]),
    Case("init in an existing project", 1, ["init", "."], ["migrator.json"]),
    Case("database in a missing folder", 1, ["--database", "/nonexistent/dir/app.db", "upgrade"],
         ["/nonexistent/dir/app.db"]),

    # database URLs
    Case("postgresql URL", 2, ["--database", "postgresql://user@localhost/app", "upgrade"],
         ["postgresql://user@localhost/app"]),
    Case("mysql URL from MIGRATOR_DATABASE_URL", 2, ["upgrade"], ["mysql://root@db/app"],
         env={"MIGRATOR_DATABASE_URL": "mysql://root@db/app"}),
    Case("sqlite in-memory URL", 2, ["--database", "sqlite://", "upgrade"], ["sqlite://"]),
    Case("sqlite :memory: URL", 2, ["--database", "sqlite:///:memory:", "upgrade"], [":memory:"]),
    Case("sqlite URL with two slashes and a host", 2, ["--database", "sqlite://host/app.db", "upgrade"],
         ["sqlite://host/app.db"]),
    Case("file URI", 2, ["--database", "file:app.db?mode=memory", "upgrade"], ["file:app.db?mode=memory"]),
    Case("empty database URL", 2, ["--database", "", "upgrade"], ["--database"]),
    Case("bad URL in migrator.json", 3, ["upgrade"], ["migrator.json", "ftp://example.org/app.db"],
         setup=config(database="ftp://example.org/app.db")),

    # targets
    Case("nonexistent target", 2, ["upgrade", "deadbeef0000"], ["deadbeef0000"]),
    Case("ambiguous prefix", 2, ["downgrade", "b2"], ["b2", "b2c3d4e5f6a1", "b2ffffffffff"],
         setup=add_rev("b2ffffffffff", "b2c3d4e5f6a1")),
    Case("downgrade +1", 2, ["downgrade", "+1"], ["+1"]),
    Case("upgrade base from head", 2, ["upgrade", "base"], ["base"]),
    Case("upgrade -1", 2, ["upgrade", "-1"], ["-1"]),
    Case("downgrade below base", 2, ["downgrade", "-5"], ["-5"]),
    Case("relative target with garbage", 2, ["upgrade", "a1b2c3d4e5f6+x"], ["a1b2c3d4e5f6+x"]),
    Case("unknown branch label", 2, ["upgrade", "nolabel@head"], ["nolabel"]),
    Case("stamp to an unknown revision", 2, ["stamp", "0123456789ab"], ["0123456789ab"]),
    Case("show an unknown revision", 2, ["show", "fedcba987654"], ["fedcba987654"]),
    Case("schema at an unknown revision", 2, ["schema", "--at", "fedcba987654"], ["fedcba987654"]),
    Case("upgrade head with several heads", 2, ["upgrade", "head"],
         ["b2c3d4e5f6a1", "c3d4e5f6a1b2"], setup=second_head, db="base", db_check="bytes"),
    Case("revision with several heads", 2, ["revision", "-m", "next"],
         ["b2c3d4e5f6a1", "c3d4e5f6a1b2"], setup=second_head),
    Case("merge with one head", 2, ["merge", "-m", "join"], ["b2c3d4e5f6a1"]),

    # revision graph and files
    Case("cycle", 3, ["upgrade"], ["a1b2c3d4e5f6"],
         setup=add_rev("a1b2c3d4e5f6", "b2c3d4e5f6a1", raw=None, file_name="a1b2c3d4e5f6_step.sql")),
    Case("duplicate id", 3, ["upgrade"], ["b2c3d4e5f6a1", "b2c3d4e5f6a1_copy.sql"],
         setup=add_rev("b2c3d4e5f6a1", "a1b2c3d4e5f6", file_name="b2c3d4e5f6a1_copy.sql")),
    Case("missing parent", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", "0000aaaa0000"],
         setup=add_rev("d4e5f6a1b2c3", "0000aaaa0000")),
    Case("missing dependency", 3, ["upgrade"], ["d4e5f6a1b2c3", "0000bbbb0000"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", extra="-- depends_on: 0000bbbb0000\n")),
    Case("unknown header key", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", ":4", "mesage", "message"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1",
                       raw="-- revision: d4e5f6a1b2c3\n-- down_revision: b2c3d4e5f6a1\n-- message: x\n"
                           "-- mesage: typo\n\n-- migrate:upgrade\nSELECT 1;\n")),
    Case("missing message", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", "message"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", message=None)),
    Case("missing revision header", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", "revision"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1",
                       raw="-- down_revision: b2c3d4e5f6a1\n-- message: x\n\n-- migrate:upgrade\nSELECT 1;\n")),
    Case("invalid revision id", 3, ["upgrade"], ["Bad-Id!"],
         setup=add_rev("Bad-Id!", "b2c3d4e5f6a1", file_name="bad_step.sql")),
    Case("bad created date", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", "yesterday"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", extra="-- created: yesterday\n")),
    Case("transactional: maybe", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", "maybe"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", extra="-- transactional: maybe\n")),
    Case("SQL outside a section", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", ":5"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1",
                       raw="-- revision: d4e5f6a1b2c3\n-- down_revision: b2c3d4e5f6a1\n-- message: x\n\n"
                           "CREATE TABLE stray (id INTEGER);\n-- migrate:upgrade\nSELECT 1;\n")),
    Case("duplicate section", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql", ":7", "upgrade"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1",
                       raw="-- revision: d4e5f6a1b2c3\n-- down_revision: b2c3d4e5f6a1\n-- message: x\n\n"
                           "-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade\nSELECT 2;\n")),
    Case("revision file that is not UTF-8", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql"],
         setup=write_file("versions/d4e5f6a1b2c3_step.sql",
                          b"-- revision: d4e5f6a1b2c3\n-- down_revision: b2c3d4e5f6a1\n-- message: \xff\xfe\n"
                          b"\n-- migrate:upgrade\nSELECT 1;\n", mode="wb")),
    Case("empty revision file", 3, ["upgrade"], ["d4e5f6a1b2c3_step.sql"],
         setup=write_file("versions/d4e5f6a1b2c3_step.sql", "")),

    # migrator.json
    Case("invalid JSON", 3, ["upgrade"], ["migrator.json"], setup=write_file("migrator.json", '{"database": ')),
    Case("JSON that is not an object", 3, ["upgrade"], ["migrator.json"], setup=write_file("migrator.json", "[1, 2]")),
    Case("unknown config key", 3, ["upgrade"], ["migrator.json", "databse"], setup=config(databse="x.db")),
    Case("wrong type", 3, ["upgrade"], ["migrator.json", "lock_timeout_ms"], setup=config(lock_timeout_ms="fast")),
    Case("negative lock timeout", 3, ["upgrade"], ["migrator.json", "lock_timeout_ms"],
         setup=config(lock_timeout_ms=-5)),
    Case("unknown transaction mode", 3, ["upgrade"], ["migrator.json", "transaction"],
         setup=config(transaction="sometimes")),
    Case("negative backup keep", 3, ["upgrade"], ["migrator.json", "keep"],
         setup=config(backup={"enabled": True, "directory": "backups", "keep": -1})),
    Case("empty version table name", 3, ["upgrade"], ["migrator.json", "version_table"],
         setup=config(version_table="")),
    Case("missing project folder", 3, ["--project", "/nonexistent/migrations", "current"],
         ["/nonexistent/migrations"], project_arg=False),
    Case("no project found", 3, ["current"], ["migrator.json"], project_arg=False, cwd="/"),

    # database files
    Case("database file of random bytes", 1, ["upgrade"], ["app.db"],
         setup=database_bytes(os.urandom(8192))),
    Case("database file of text", 1, ["current"], ["app.db"],
         setup=database_bytes(b"this is not a database, just a note\n" * 200)),
    Case("directory as database", 1, ["upgrade"], ["app.db"], setup=database_is_directory),
    Case("read-only (immutable) database file", 1, ["upgrade"], ["app.db"],
         setup=chain(add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1"), make_immutable)),

    # runs that fail in SQL
    Case("revision with a failing statement", 1, ["upgrade"],
         ["d4e5f6a1b2c3", "d4e5f6a1b2c3_step.sql:7", "no_such_table"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", upgrade=BAD_SQL), db_check="history"),
    Case("failing statement, per-revision mode", 1, ["upgrade"],
         ["e5f6a1b2c3d4", "no_such_table"],
         setup=chain(config(transaction="per-revision"),
                     add_rev("e5f6a1b2c3d4", "b2c3d4e5f6a1", upgrade=BAD_SQL)),
         db_check="history"),
    Case("foreign key violation", 1, ["upgrade"], ["owner", "account"],
         setup=add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", upgrade="INSERT INTO owner (account_id) VALUES (999);"),
         db_check="history", anywhere=True),
    Case("irreversible downgrade", 1, ["downgrade", "base"], ["b2c3d4e5f6a1", "b2c3d4e5f6a1_step.sql"],
         setup=remove_downgrade("b2c3d4e5f6a1")),
    Case("failing downgrade", 1, ["downgrade", "-1"], ["b2c3d4e5f6a1", "no_such_table"],
         setup=add_rev("b2c3d4e5f6a1", "a1b2c3d4e5f6", upgrade=R2[3],
                       downgrade="DROP TABLE no_such_table;"),
         db_check="history"),

    # backups
    Case("restore of a nonexistent backup", 1, ["restore", "app-20990101T000000Z-base.db"],
         ["app-20990101T000000Z-base.db"]),
    Case("restore latest without backups", 1, ["restore", "latest"], ["app.db"]),
    Case("restore of a corrupted backup", 1, ["restore", "app-20250101T000000Z-a1b2c3d4e5f6.db"],
         ["app-20250101T000000Z-a1b2c3d4e5f6.db"], setup=corrupt_backup, db_check="backup"),
    Case("restore of a truncated backup", 1, ["restore", "app-20250101T000000Z-base.db"],
         ["app-20250101T000000Z-base.db"], setup=truncated_backup, db_check="backup"),
    Case("upgrade when the backup cannot be written", 1, ["upgrade"], ["backups"],
         setup=chain(add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1", upgrade="CREATE TABLE t (id INTEGER);"),
                     immutable_backup_folder)),
    Case("database locked by another process", 1, ["upgrade"], ["app.db", "locked", "200 ms"],
         setup=chain(config(lock_timeout_ms=200), add_rev("d4e5f6a1b2c3", "b2c3d4e5f6a1"), hold_write_lock)),
    Case("backup into a missing folder", 1, ["backup", "-o", "/nonexistent/folder/copy.db"],
         ["/nonexistent/folder"]),
    Case("backup onto the database itself", 1, ["backup", "-o", "app.db"], ["app.db"]),
]


class BadInputTest(unittest.TestCase):

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="migrator-bad-")
        self.tmp = os.path.realpath(self._tmp.name)
        self.env = safetylib.clean_env()
        self.project = os.path.join(self.tmp, "proj")
        self.db_path = os.path.join(self.project, "app.db")
        self.immutable = []
        os.makedirs(os.path.join(self.project, "versions"))
        with open(os.path.join(self.project, "migrator.json"), "w") as f:
            json.dump({"database": "sqlite:///app.db"}, f)
        for rev in (R1, R2):
            add_rev(rev[0], rev[1], rev[2], rev[3], rev[4])(self)

    def tearDown(self):
        for path in self.immutable:
            subprocess.run(["chattr", "-i", path], capture_output=True)
        self._tmp.cleanup()

    def migrator(self, args, project=True, env=None, cwd=None):
        argv = [BIN] + (["--project", self.project] if project else []) + list(args)
        full_env = dict(self.env)
        full_env.update(env or {})
        return subprocess.run(argv, cwd=cwd or self.project, env=full_env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)

    def prepare_database(self, state):
        if state == "none":
            return
        proc = self.migrator(["upgrade", "head" if state == "head" else "a1b2c3d4e5f6", "--no-backup"])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        if state == "base":
            proc = self.migrator(["downgrade", "base", "--no-backup"])
            self.assertEqual(proc.returncode, 0, proc.stderr)

    def files_beside(self):
        names = set()
        for root, dirs, files in os.walk(self.project):
            if os.path.basename(root) == "versions":
                continue
            names.update(os.path.relpath(os.path.join(root, f), self.project) for f in files)
        return names

    def run_case(self, case):
        self.prepare_database(case.db)
        if case.setup is not None:
            case.setup(self)

        is_file = os.path.isfile(self.db_path)
        before_sha = safetylib.sha256_file(self.db_path) if is_file else None
        before_files = self.files_beside()
        before_dump = safetylib.dump(self.db_path) if case.db_check == "history" else None
        before_history = self.history_count() if case.db_check == "history" else None

        proc = self.migrator(case.args, project=case.project_arg, env=case.env, cwd=case.cwd)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        report = "%s: exit %d\n--- stdout\n%s--- stderr\n%s" % (case.name, proc.returncode, out, err)

        self.assertGreaterEqual(proc.returncode, 0, "crashed: " + report)
        self.assertNotIn("CRITICAL", err, report)
        self.assertNotIn("WARNING", err, report)
        self.assertNotIn("Trace/breakpoint", err, report)
        self.assertEqual(proc.returncode, case.code, report)
        self.assertEqual(out, "", report)
        lines = err.splitlines()
        self.assertTrue(lines and lines[0].startswith("migrator: error: "), report)
        for line in lines[1:]:
            self.assertTrue(line.startswith(" "), "detail lines are indented: " + report)
        for name in case.names:
            where = err if case.anywhere else lines[0]
            self.assertIn(name, where, "the error names %r: %s" % (name, report))

        if case.db_check in ("bytes", "backup"):
            self.assertEqual(safetylib.sha256_file(self.db_path) if is_file else None, before_sha,
                             "the database changed: " + report)
            after_files = self.files_beside()
            if case.db_check == "backup":
                after_files = {f for f in after_files if not f.startswith("backups" + os.sep)}
                before_files = {f for f in before_files if not f.startswith("backups" + os.sep)}
            self.assertEqual(after_files, before_files, "new files: " + report)
        elif case.db_check == "history":
            self.assertEqual(safetylib.dump(self.db_path), before_dump, "the database changed: " + report)
            self.assertEqual(self.history_count(), before_history + 1, report)
            con = sqlite3.connect(self.db_path)
            outcome = con.execute("SELECT outcome FROM migrator_history ORDER BY id DESC LIMIT 1").fetchone()
            con.close()
            self.assertEqual(outcome[0], "failed", report)
        if case.db == "none":
            self.assertFalse(os.path.exists(self.db_path), "the database was created: " + report)

        # the same in --json mode: one JSON object with the same code
        proc = self.migrator(["--json"] + case.args if case.project_arg
                             else case.args[:-1] + ["--json", case.args[-1]],
                             project=case.project_arg, env=case.env, cwd=case.cwd)
        self.assertEqual(proc.returncode, case.code, "--json: " + report)
        if True:
            error = json.loads(proc.stdout)["error"]
            self.assertEqual(error["code"], case.code)
            self.assertTrue(error["message"])

    def history_count(self):
        con = sqlite3.connect(self.db_path)
        try:
            return con.execute("SELECT count(*) FROM migrator_history").fetchone()[0]
        finally:
            con.close()


def make_test(case):
    def test(self):
        self.run_case(case)
    return test


for number, case in enumerate(CASES, 1):
    slug = "".join(c if c.isalnum() else "_" for c in case.name.lower())
    setattr(BadInputTest, "test_%02d_%s" % (number, slug), make_test(case))


if __name__ == "__main__":
    BIN = safetylib.migrator_bin()
    print("# %d bad input cases" % len(CASES))
    unittest.main(verbosity=2)
