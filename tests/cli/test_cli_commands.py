#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""migrator --help/--version, usage errors, init and revision."""

import json
import os
import re

import clitest
from clitest import CliTestCase

SPEC_COMMANDS = ["init", "revision", "upgrade", "downgrade", "current", "status",
                 "history", "heads", "branches", "show", "merge", "stamp", "check",
                 "diff", "schema", "backup", "backups", "restore", "reset"]


def revision_files(project):
    return sorted(os.listdir(os.path.join(project, "versions")))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class GlobalTest(CliTestCase):
    def test_help_lists_every_command(self):
        for flag in ("--help", "-h"):
            out = self.ok(flag).out
            for command in SPEC_COMMANDS:
                self.assertRegex(out, r"(?m)^  %s\s+\S" % command)
            self.assertIn("--project DIR", out)

    def test_help_works_anywhere(self):
        self.ok("--help", cwd="/")
        self.ok("--version", cwd="/")

    def test_version(self):
        self.assertRegex(self.ok("--version").out, r"^migrator \d+\.\d+\.\d+\n$")

    def test_command_help(self):
        out = self.ok("revision", "--help").out
        for option in ("--message", "--head", "--branch-label", "--depends-on"):
            self.assertIn(option, out)
        self.assertIn("-r, --rev-range", self.ok("history", "-h").out)
        self.assertIn("REV", self.ok("show", "--help").out)

    def test_unknown_command(self):
        result = self.fails(2, "frobnicate")
        self.assertIn("frobnicate", result.err)

    def test_misspelt_command_gets_a_suggestion(self):
        self.assertIn("history", self.fails(2, "histroy").err)

    def test_unknown_global_option(self):
        self.fails(2, "--frobnicate", "heads")

    def test_unknown_command_option(self):
        project = self.new_project()
        self.assertIn("--frobnicate", self.fails(2, "heads", "--frobnicate", project=project).err)

    def test_missing_option_value(self):
        self.fails(2, "--project")

    def test_too_many_arguments(self):
        project = self.new_project()
        self.fails(2, "heads", "extra", project=project)
        self.fails(2, "show", project=project)

    def test_global_options_after_the_command(self):
        project = self.new_project()
        self.assertEqual(self.ok("heads", "--json", "--project", project).json(), {"heads": []})

    def test_no_project(self):
        result = self.fails(3, "heads")
        self.assertIn("migrator.json", result.err)
        result = self.fails(3, "heads", project=os.path.join(self.tmp, "nowhere"))
        self.assertIn("nowhere", result.err)

    def test_project_from_environment(self):
        project = self.new_project()
        self.write_revision(project, "aaa")
        out = self.ok("heads", env={"MIGRATOR_PROJECT": project}).out
        self.assertEqual(out, "aaa (head)\n")

    def test_project_found_upwards(self):
        project = self.new_project()
        self.write_revision(project, "aaa")
        sub = os.path.join(project, "versions")
        self.assertEqual(self.ok("heads", cwd=sub).out, "aaa (head)\n")


class InitTest(CliTestCase):
    def test_init_creates_a_project(self):
        target = os.path.join(self.tmp, "a", "b")
        result = self.ok("init", target)
        self.assertIn(target, result.out)
        for name in ("migrator.json", "versions", "schema.sql"):
            self.assertTrue(os.path.exists(os.path.join(target, name)), name)
        with open(os.path.join(target, "migrator.json")) as f:
            self.assertIn("database", json.load(f))
        self.assertEqual(self.ok("heads", project=target).out, "")

    def test_init_in_working_directory(self):
        self.ok("init")
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "migrator.json")))

    def test_init_json_and_quiet(self):
        target = os.path.join(self.tmp, "p")
        self.assertEqual(self.ok("--json", "init", target).json()["project"], target)
        self.assertEqual(self.ok("--quiet", "init", os.path.join(self.tmp, "q")).out, "")

    def test_init_refuses_an_existing_project(self):
        project = self.new_project()
        before = read(os.path.join(project, "migrator.json"))
        result = self.fails(1, "init", project)
        self.assertIn("migrator.json", result.err)
        self.assertEqual(read(os.path.join(project, "migrator.json")), before)


class RevisionTest(CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.new_project()

    def revision(self, *args):
        return self.ok("revision", *args, project=self.project)

    def header(self, rev):
        out = self.ok("--json", "show", rev, project=self.project).json()
        return out

    def test_first_revision_is_a_root(self):
        out = self.revision("-m", "Create tables").out
        m = re.match(r"^Created revision ([0-9a-f]{12}): versions/(\1_create_tables\.sql)\n$", out)
        self.assertIsNotNone(m, out)
        rev, name = m.groups()
        self.assertEqual(revision_files(self.project), [name])
        text = read(os.path.join(self.project, "versions", name))
        self.assertTrue(text.startswith("-- revision: %s\n-- down_revision: none\n"
                                        "-- message: Create tables\n-- created: " % rev), text)
        self.assertIn("-- migrate:upgrade", text)
        self.assertIn("-- migrate:downgrade", text)

    def test_next_revision_follows_the_single_head(self):
        first = self.ok("--json", "revision", "-m", "one", project=self.project).json()
        second = self.ok("--json", "revision", "-m", "two", project=self.project).json()
        self.assertRegex(second["revision"], r"^[0-9a-f]{12}$")
        self.assertTrue(os.path.isabs(second["path"]))
        self.assertTrue(os.path.exists(second["path"]))
        self.assertEqual(self.header(second["revision"])["down_revisions"], [first["revision"]])
        self.assertEqual(self.ok("--json", "heads", project=self.project).json(),
                         {"heads": [second["revision"]]})

    def test_several_heads_is_an_error(self):
        self.write_revision(self.project, "aaa")
        self.write_revision(self.project, "bbb", down="aaa")
        self.write_revision(self.project, "ccc", down="aaa")
        result = self.fails(2, "revision", "-m", "three", project=self.project)
        self.assertIn("bbb", result.err)
        self.assertIn("ccc", result.err)
        self.assertIn("--head", result.err)
        self.assertIn("merge", result.err)
        self.assertEqual(len(revision_files(self.project)), 3)

    def test_head_option_chooses_the_parent(self):
        # ids outside [0-9a-f], so that no generated id shares their prefix
        self.write_revision(self.project, "kkk")
        self.write_revision(self.project, "bbb", down="kkk")
        self.write_revision(self.project, "ccc", down="kkk")
        rev = self.ok("--json", "revision", "-m", "on b", "--head", "bbb",
                      project=self.project).json()["revision"]
        self.assertEqual(self.header(rev)["down_revisions"], ["bbb"])
        # a unique prefix works too, and a non-head starts a branch
        rev = self.ok("--json", "revision", "-m", "on k", "--head", "kk",
                      project=self.project).json()["revision"]
        self.assertEqual(self.header(rev)["down_revisions"], ["kkk"])

    def test_head_base_makes_a_new_root(self):
        self.write_revision(self.project, "aaa")
        rev = self.ok("--json", "revision", "-m", "root", "--head", "base",
                      project=self.project).json()["revision"]
        self.assertEqual(self.header(rev)["down_revisions"], [])
        heads = self.ok("--json", "heads", project=self.project).json()["heads"]
        self.assertEqual(sorted(heads), sorted(["aaa", rev]))

    def test_unknown_head(self):
        self.write_revision(self.project, "aaa")
        self.fails(2, "revision", "-m", "x", "--head", "zzz", project=self.project)

    def test_branch_label(self):
        rev = self.ok("--json", "revision", "-m", "feature", "--branch-label", "feature",
                      project=self.project).json()["revision"]
        self.assertEqual(self.header(rev)["branch_labels"], ["feature"])
        self.assertEqual(self.ok("heads", project=self.project).out, "%s (feature) (head)\n" % rev)
        self.assertEqual(self.header("feature@head")["revision"], rev)
        # a label is unique
        self.fails(2, "revision", "-m", "again", "--branch-label", "feature", project=self.project)

    def test_depends_on(self):
        self.write_revision(self.project, "aaa")
        self.write_revision(self.project, "other", down="none")
        rev = self.ok("--json", "revision", "-m", "dep", "--head", "aaa", "--depends-on", "oth",
                      project=self.project).json()["revision"]
        show = self.header(rev)
        self.assertEqual(show["down_revisions"], ["aaa"])
        self.assertEqual(show["depends_on"], ["other"])

    def test_rev_id(self):
        self.revision("-m", "fixed id", "--rev-id", "abc123")
        self.assertEqual(revision_files(self.project), ["abc123_fixed_id.sql"])
        self.fails(2, "revision", "-m", "again", "--rev-id", "abc123", project=self.project)
        self.fails(2, "revision", "-m", "bad", "--rev-id", "Not-Valid", project=self.project)

    def test_message_is_required(self):
        result = self.fails(2, "revision", project=self.project)
        self.assertIn("-m", result.err)
        self.fails(2, "revision", "-m", "", project=self.project)
        self.assertEqual(revision_files(self.project), [])

    def test_quiet(self):
        self.assertEqual(self.ok("--quiet", "revision", "-m", "q", project=self.project).out, "")
        self.assertEqual(len(revision_files(self.project)), 1)

    def test_revision_in_invalid_project_writes_nothing(self):
        self.write_revision(self.project, "aaa", down="missing")
        self.fails(3, "revision", "-m", "x", project=self.project)
        self.assertEqual(len(revision_files(self.project)), 1)


if __name__ == "__main__":
    clitest.main()
