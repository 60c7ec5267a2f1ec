# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the command line tests: run the built migrator on
throw-away projects and look at its exit code, stdout and stderr."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import unittest

SOURCE_DIR = os.environ.get(
    "MIGRATOR_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
SAMPLE_DIR = os.path.join(SOURCE_DIR, "migrations")


def migrator_bin():
    """The executable: MIGRATOR_BIN, else the first argument (meson passes
    the built target there)."""
    path = os.environ.get("MIGRATOR_BIN")
    if not path and len(sys.argv) > 1:
        path = sys.argv.pop(1)
    if not path:
        sys.exit("set MIGRATOR_BIN or pass the migrator executable as the first argument")
    return os.path.abspath(path)


BIN = None


def main():
    global BIN
    BIN = migrator_bin()
    unittest.main(verbosity=2)


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "exit %d\n--- stdout\n%s--- stderr\n%s" % (self.code, self.out, self.err)


class CliTestCase(unittest.TestCase):
    """Each test gets a temporary folder as working directory."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="migrator-cli-")
        self.tmp = os.path.realpath(self._tmp.name)
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("MIGRATOR_PROJECT", "MIGRATOR_DATABASE_URL", "DATABASE_URL")}
        self.env["LC_ALL"] = "C.UTF-8"
        self.env["G_DEBUG"] = "fatal-warnings"

    def tearDown(self):
        for root, dirs, files in os.walk(self.tmp):
            for name in dirs + files:
                path = os.path.join(root, name)
                if not os.path.islink(path):
                    os.chmod(path, 0o700)
        self._tmp.cleanup()

    # running

    def run_cli(self, *args, project=None, env=None, cwd=None):
        argv = [BIN]
        if project is not None:
            argv += ["--project", project]
        argv += list(args)
        full_env = dict(self.env)
        full_env.update(env or {})
        proc = subprocess.run(argv, cwd=cwd or self.tmp, env=full_env,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, encoding="utf-8", timeout=60)
        result = Result(proc)
        self.assertNotIn("CRITICAL", result.err, result)
        self.assertNotIn("WARNING **", result.err, result)
        self.assertGreaterEqual(result.code, 0, "migrator crashed:\n%r" % result)
        return result

    def ok(self, *args, **kwargs):
        result = self.run_cli(*args, **kwargs)
        self.assertEqual(result.code, 0, result)
        return result

    def fails(self, code, *args, **kwargs):
        """Runs a command that must fail with @code; checks the error format
        in both plain and --json modes and returns the plain result."""
        result = self.run_cli(*args, **kwargs)
        self.assertEqual(result.code, code, result)
        self.assert_error_format(result)
        as_json = self.run_cli("--json", *args, **kwargs)
        self.assertEqual(as_json.code, code, as_json)
        error = as_json.json()["error"]
        self.assertEqual(error["code"], code)
        self.assertTrue(error["message"])
        self.assertNotIn("migrator: error:", as_json.err)
        return result

    def assert_error_format(self, result):
        self.assertEqual(result.out, "", result)
        lines = result.err.splitlines()
        self.assertTrue(lines, result)
        self.assertTrue(lines[0].startswith("migrator: error: "), result)
        self.assertGreater(len(lines[0]), len("migrator: error: "), result)
        for line in lines[1:]:
            self.assertTrue(line.startswith(" "), "detail lines are indented:\n%r" % result)

    # projects

    def new_project(self, name="proj", config=None):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(path, "versions"))
        with open(os.path.join(path, "migrator.json"), "w") as f:
            json.dump(config if config is not None else {"database": "sqlite:///app.db"}, f)
        return path

    def copy_sample(self, name="sample"):
        path = os.path.join(self.tmp, name)
        shutil.copytree(SAMPLE_DIR, path,
                        ignore=shutil.ignore_patterns("*.db", "*.db-*", "backups"))
        return path

    def write_revision(self, project, rev, down="none", message=None, extra="",
                       upgrade="", downgrade="", file_name=None):
        text = "-- revision: %s\n-- down_revision: %s\n-- message: %s\n%s\n" % (
            rev, down, message or "Revision " + rev, extra)
        text += "-- migrate:upgrade\n%s\n-- migrate:downgrade\n%s\n" % (upgrade, downgrade)
        path = os.path.join(project, "versions", file_name or rev + "_rev.sql")
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def make_database(self, path, rows, table="alembic_version"):
        con = sqlite3.connect(path)
        with con:
            con.execute("CREATE TABLE %s (version_num VARCHAR(32) NOT NULL, "
                        "CONSTRAINT %s_pkc PRIMARY KEY (version_num))" % (table, table))
            con.executemany("INSERT INTO %s VALUES (?)" % table, [(r,) for r in rows])
        con.close()
