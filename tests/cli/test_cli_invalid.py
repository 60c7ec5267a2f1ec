#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every invalid project of SPEC §5 exits 3 with a one-line error that
names the file, revision or key at fault, for every command that reads
the project."""

import json
import os
import unittest

import clitest
from clitest import CliTestCase

READERS = [("heads",), ("history",), ("branches",), ("current",), ("show", "head"),
           ("revision", "-m", "new")]


class InvalidProjectTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()

    def assert_invalid(self, *needles):
        """All readers exit 3 naming every needle; nothing gets written."""
        before = sorted(os.listdir(os.path.join(self.project, "versions")))
        for command in READERS:
            with self.subTest(command=command):
                result = self.fails(3, *command, project=self.project)
                for needle in needles:
                    self.assertIn(needle, result.err.splitlines()[0])
        self.assertEqual(sorted(os.listdir(os.path.join(self.project, "versions"))), before)
        self.assertFalse(os.path.exists(os.path.join(self.project, "app.db")))

    def write_config(self, text):
        with open(os.path.join(self.project, "migrator.json"), "w") as f:
            f.write(text)

    def test_cycle(self):
        self.write_revision(self.project, "aaa", down="ccc")
        self.write_revision(self.project, "bbb", down="aaa")
        self.write_revision(self.project, "ccc", down="bbb")
        result = self.fails(3, "history", project=self.project)
        for rev in ("aaa", "bbb", "ccc"):
            self.assertIn(rev, result.err)
        self.assert_invalid()

    def test_cycle_below_a_valid_root(self):
        self.write_revision(self.project, "root")
        self.write_revision(self.project, "aaa", down="root, bbb")
        self.write_revision(self.project, "bbb", down="aaa")
        self.assert_invalid("aaa")

    def test_duplicate_id(self):
        self.write_revision(self.project, "aaa", file_name="aaa_one.sql")
        self.write_revision(self.project, "aaa", file_name="aaa_two.sql")
        self.assert_invalid("aaa")
        err = self.fails(3, "heads", project=self.project).err
        self.assertIn("aaa_one.sql", err)
        self.assertIn("aaa_two.sql", err)

    def test_missing_parent(self):
        self.write_revision(self.project, "aaa", down="zzz")
        self.assert_invalid("zzz", "aaa_rev.sql")

    def test_missing_dependency(self):
        self.write_revision(self.project, "aaa", extra="-- depends_on: yyy\n")
        self.assert_invalid("yyy")

    def test_unknown_header_key_with_suggestion(self):
        path = os.path.join(self.project, "versions", "aaa_rev.sql")
        with open(path, "w") as f:
            f.write("-- revision: aaa\n-- down_revision: none\n-- mesage: typo\n\n"
                    "-- migrate:upgrade\n\n-- migrate:downgrade\n")
        self.assert_invalid("aaa_rev.sql:3", "mesage", "message")

    def test_missing_required_key(self):
        path = os.path.join(self.project, "versions", "aaa_rev.sql")
        with open(path, "w") as f:
            f.write("-- revision: aaa\n-- message: no parent line\n\n"
                    "-- migrate:upgrade\n\n-- migrate:downgrade\n")
        self.assert_invalid("aaa_rev.sql", "down_revision")

    def test_invalid_revision_id(self):
        self.write_revision(self.project, "Bad-Id", file_name="bad.sql")
        self.assert_invalid("bad.sql", "Bad-Id")

    def test_unreadable_revision_file(self):
        os.mkdir(os.path.join(self.project, "versions", "x.sql"))
        self.assert_invalid("x.sql")

    @unittest.skipIf(os.geteuid() == 0, "root reads files whatever their mode")
    def test_revision_file_without_permission(self):
        path = self.write_revision(self.project, "aaa")
        os.chmod(path, 0)
        self.assert_invalid("aaa_rev.sql")

    def test_config_unknown_key(self):
        self.write_config('{"databse": "sqlite:///app.db"}')
        self.assert_invalid("migrator.json", "databse", "database")

    def test_config_wrong_type(self):
        self.write_config('{"lock_timeout_ms": "soon"}')
        self.assert_invalid("migrator.json", "lock_timeout_ms")

    def test_config_nested_wrong_type(self):
        self.write_config('{"backup": {"enabled": "yes"}}')
        self.assert_invalid("migrator.json", "enabled")

    def test_config_bad_value(self):
        self.write_config('{"transaction": "sometimes"}')
        self.assert_invalid("migrator.json", "transaction")

    def test_config_invalid_json(self):
        self.write_config('{\n  "database": "sqlite:///app.db",\n')
        self.assert_invalid("migrator.json")

    def test_config_not_an_object(self):
        self.write_config(json.dumps(["database"]))
        self.assert_invalid("migrator.json")

    def test_no_project_found(self):
        empty = os.path.join(self.tmp, "empty")
        os.mkdir(empty)
        for command in READERS:
            with self.subTest(command=command):
                result = self.fails(3, *command, cwd=empty)
                self.assertIn("migrator.json", result.err)

    def test_project_option_names_missing_folder(self):
        missing = os.path.join(self.tmp, "missing")
        self.assertIn("missing", self.fails(3, "heads", project=missing).err)


if __name__ == "__main__":
    clitest.main()
