#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""history, heads, branches, show and current on a copy of the bundled
sample project (migrations/): its branch and merge must be visible, and
current must never create or change the database."""

import hashlib
import os
import sqlite3

import clitest
from clitest import CliTestCase

BASE, REALTIME, INDEX, DATA = "27c6a30d7c24", "1975ea83b712", "3f8a2c9d4e61", "8b4d1e7a9c02"
WATCHLIST, SETTINGS, MERGE = "c2e95f0b7a13", "5a7d3b8e1f46", "e41f6c2a8d97"

HISTORY = """\
c2e95f0b7a13, 5a7d3b8e1f46 -> e41f6c2a8d97 (head) (mergepoint), Merge watchlist and user settings
8b4d1e7a9c02 -> c2e95f0b7a13 (watchlist), Add watchlist table
8b4d1e7a9c02 -> 5a7d3b8e1f46 (settings), Add user settings table
3f8a2c9d4e61 -> 8b4d1e7a9c02 (branchpoint), Fill position_table.market from symbols
1975ea83b712 -> 3f8a2c9d4e61, Add index on total_table.user_id
27c6a30d7c24 -> 1975ea83b712, Add realtime fields for mobile app data
<base> -> 27c6a30d7c24, Create mobile app tables
"""


class SampleCase(CliTestCase):
    def setUp(self):
        super().setUp()
        self.project = self.copy_sample()
        self.db = os.path.join(self.project, "imobile.db")

    def cli(self, *args, **kwargs):
        return self.ok(*args, project=self.project, **kwargs)

    def ids(self, *args):
        return [r["revision"] for r in self.cli("--json", "history", *args).json()["revisions"]]


class HistoryTest(SampleCase):
    def test_plain(self):
        self.assertEqual(self.cli("history").out, HISTORY)

    def test_verbose(self):
        out = self.cli("history", "-v").out
        self.assertIn("Rev: %s (head) (mergepoint)\nMerges: %s, %s\n" % (MERGE, WATCHLIST, SETTINGS), out)
        self.assertIn("Rev: %s (branchpoint)\nParent: %s\n" % (DATA, INDEX), out)
        self.assertRegex(out, r"Branches into: (%s, %s|%s, %s)\n" % (SETTINGS, WATCHLIST, WATCHLIST, SETTINGS))
        self.assertIn("Branch names: watchlist\n", out)
        self.assertIn("Parent: <base>\n", out)
        self.assertIn("Path: %s\n" % os.path.join(self.project, "versions",
                                                  "1975ea83b712_add_realtime_fields_for_mobile_app_data.sql"), out)
        self.assertIn("Created: 2025-10-06T12:00:00Z\n", out)
        self.assertIn("\n    Add realtime fields for mobile app data\n", out)
        self.assertEqual(out.count("Rev: "), 7)

    def test_json(self):
        revisions = self.cli("--json", "history").json()["revisions"]
        self.assertEqual([r["revision"] for r in revisions],
                         [MERGE, WATCHLIST, SETTINGS, DATA, INDEX, REALTIME, BASE])
        for r in revisions:
            self.assertLessEqual({"revision", "down_revisions", "message", "created", "applied",
                                  "is_head", "is_merge", "is_branch_point"}, set(r))
            self.assertFalse(r["applied"])
        by_id = {r["revision"]: r for r in revisions}
        self.assertEqual(by_id[MERGE]["down_revisions"], [WATCHLIST, SETTINGS])
        self.assertTrue(by_id[MERGE]["is_merge"] and by_id[MERGE]["is_head"])
        self.assertTrue(by_id[DATA]["is_branch_point"])
        self.assertEqual(by_id[BASE]["down_revisions"], [])
        self.assertEqual(by_id[REALTIME]["created"], "2025-10-06T12:00:00Z")
        self.assertEqual(by_id[REALTIME]["message"], "Add realtime fields for mobile app data")
        self.assertEqual(sum(r["is_head"] for r in revisions), 1)

    def test_range(self):
        self.assertEqual(self.ids("-r", "8b4d:"), [MERGE, WATCHLIST, SETTINGS, DATA])
        self.assertEqual(self.ids("-r", ":3f8a"), [INDEX, REALTIME, BASE])
        self.assertEqual(self.ids("-r", "1975:8b4d1e7a9c02"), [DATA, INDEX, REALTIME])
        self.assertEqual(self.ids("-r", "base:heads"), self.ids())
        self.assertEqual(self.ids("--rev-range", "%s:%s" % (WATCHLIST, MERGE)), [MERGE, WATCHLIST])
        self.assertEqual(self.ids("-r", "1975+1:head"), [MERGE, WATCHLIST, SETTINGS, DATA, INDEX])
        out = self.cli("history", "-r", "8b4d:c2e9").out
        self.assertEqual(out, "8b4d1e7a9c02 -> c2e95f0b7a13 (watchlist), Add watchlist table\n"
                              "3f8a2c9d4e61 -> 8b4d1e7a9c02 (branchpoint), Fill position_table.market from symbols\n")

    def test_bad_range(self):
        self.fails(2, "history", "-r", "8b4d", project=self.project)
        self.fails(2, "history", "-r", "zzzz:", project=self.project)
        result = self.fails(2, "history", "-r", "%s:%s" % (WATCHLIST, SETTINGS), project=self.project)
        self.assertIn(WATCHLIST, result.err)

    def test_applied_and_current(self):
        self.make_database(self.db, [INDEX])
        out = self.cli("history").out.splitlines()
        self.assertEqual(out[4], "1975ea83b712 -> 3f8a2c9d4e61 (current), Add index on total_table.user_id")
        self.assertEqual(out[5], "27c6a30d7c24 -> 1975ea83b712 (applied), Add realtime fields for mobile app data")
        self.assertEqual(out[0], HISTORY.splitlines()[0])
        applied = {r["revision"]: r["applied"] for r in self.cli("--json", "history").json()["revisions"]}
        self.assertEqual({r for r, a in applied.items() if a}, {BASE, REALTIME, INDEX})
        self.assertIn("Applied: yes", self.cli("history", "-v", "-r", ":1975").out)

    def test_range_from_current(self):
        self.make_database(self.db, [INDEX])
        self.assertEqual(self.ids("-r", "current:"), [MERGE, WATCHLIST, SETTINGS, DATA, INDEX])
        self.assertEqual(self.ids("-r", ":current"), [INDEX, REALTIME, BASE])
        self.assertEqual(self.ids("-r", "-1:current"), [INDEX, REALTIME])

    def test_history_does_not_create_the_database(self):
        self.cli("history")
        self.assertFalse(os.path.exists(self.db))


class HeadsBranchesTest(SampleCase):
    def test_heads(self):
        self.assertEqual(self.cli("heads").out, "%s (head)\n" % MERGE)
        self.assertEqual(self.cli("--json", "heads").json(), {"heads": [MERGE]})
        self.assertIn("Merges: %s, %s" % (WATCHLIST, SETTINGS), self.cli("heads", "-v").out)

    def test_heads_of_a_branched_project(self):
        project = self.new_project()
        self.write_revision(project, "aaa")
        self.write_revision(project, "bbb", down="aaa", extra="-- branch_labels: left\n")
        self.write_revision(project, "ccc", down="aaa")
        self.assertEqual(self.ok("heads", project=project).out, "bbb (left) (head)\nccc (head)\n")
        self.assertEqual(self.ok("--json", "heads", project=project).json(), {"heads": ["bbb", "ccc"]})

    def test_branches(self):
        self.assertEqual(self.cli("branches").out,
                         "8b4d1e7a9c02 (branchpoint)\n"
                         "             -> 5a7d3b8e1f46 (settings)\n"
                         "             -> c2e95f0b7a13 (watchlist)\n\n")
        self.assertIn("-> c2e95f0b7a13 (watchlist), Add watchlist table", self.cli("branches", "-v").out)
        self.assertEqual(self.cli("--json", "branches").json(),
                         {"branches": [{"revision": DATA, "children": [SETTINGS, WATCHLIST]}]})

    def test_no_branches(self):
        project = self.new_project()
        self.write_revision(project, "aaa")
        self.assertEqual(self.ok("branches", project=project).out, "")


class ShowTest(SampleCase):
    def test_show_by_prefix(self):
        out = self.cli("show", "1975").out
        self.assertTrue(out.startswith("Rev: 1975ea83b712\nParent: 27c6a30d7c24\n"), out)
        self.assertIn("Reversible: yes\n", out)
        self.assertIn("Children: 3f8a2c9d4e61\n", out)
        self.assertRegex(out, r"Checksum: [0-9a-f]{64}\n")
        upgrade = out.index("-- migrate:upgrade\n")
        downgrade = out.index("-- migrate:downgrade\n")
        self.assertLess(upgrade, downgrade)
        self.assertIn("ADD COLUMN position_percent REAL;", out[upgrade:downgrade])
        self.assertIn("DROP COLUMN position_percent;", out[downgrade:])

    def test_show_json(self):
        show = self.cli("--json", "show", REALTIME).json()
        path = os.path.join(self.project, "versions", "1975ea83b712_add_realtime_fields_for_mobile_app_data.sql")
        with open(path, "rb") as f:
            checksum = hashlib.sha256(f.read().replace(b"\r\n", b"\n")).hexdigest()
        self.assertEqual(show["revision"], REALTIME)
        self.assertEqual(show["down_revisions"], [BASE])
        self.assertEqual(show["path"], path)
        self.assertEqual(show["checksum"], checksum)
        self.assertTrue(show["reversible"])
        self.assertEqual(show["children"], [INDEX])
        self.assertIn("ADD COLUMN withdrawable", show["upgrade_sql"])
        self.assertIn("DROP COLUMN withdrawable", show["downgrade_sql"])
        self.assertFalse(show["is_head"])

    def test_show_targets(self):
        self.assertEqual(self.cli("--json", "show", "head").json()["revision"], MERGE)
        self.assertEqual(self.cli("--json", "show", "1975+1").json()["revision"], INDEX)
        self.assertEqual(self.cli("--json", "show", "watchlist").json()["revision"], WATCHLIST)
        merge = self.cli("--json", "show", "e41f").json()
        self.assertTrue(merge["is_merge"])
        self.assertEqual(merge["children"], [])
        heads = self.cli("--json", "show", "heads").json()["revisions"]
        self.assertEqual([r["revision"] for r in heads], [MERGE])
        self.assertIn("Children: (none)", self.cli("show", MERGE).out)

    def test_show_current(self):
        self.make_database(self.db, [INDEX])
        self.assertEqual(self.cli("--json", "show", "current").json()["revisions"][0]["revision"], INDEX)

    def test_ambiguous_prefix_lists_candidates(self):
        project = self.new_project()
        self.write_revision(project, "abc111")
        self.write_revision(project, "abc222", down="abc111")
        result = self.fails(2, "show", "abc", project=project)
        self.assertIn("abc111", result.err)
        self.assertIn("abc222", result.err)

    def test_unknown_revision(self):
        self.assertIn("zzzz", self.fails(2, "show", "zzzz", project=self.project).err)

    def test_irreversible(self):
        project = self.new_project()
        path = os.path.join(project, "versions", "aaa_x.sql")
        with open(path, "w") as f:
            f.write("-- revision: aaa\n-- down_revision: none\n-- message: m\n\n"
                    "-- migrate:upgrade\nCREATE TABLE t (id INTEGER);\n")
        self.assertIn("Reversible: no", self.ok("show", "aaa", project=project).out)
        show = self.ok("--json", "show", "aaa", project=project).json()
        self.assertFalse(show["reversible"])
        self.assertIsNone(show["downgrade_sql"])


class CurrentTest(SampleCase):
    def snapshot(self):
        files = sorted(os.listdir(self.project))
        data = None
        if os.path.exists(self.db):
            with open(self.db, "rb") as f:
                data = f.read()
        return files, data

    def test_missing_database(self):
        self.assertEqual(self.cli("current").out, "")
        self.assertEqual(self.cli("--json", "current").json(), {"database": self.db, "current": []})
        self.assertFalse(os.path.exists(self.db))

    def test_version_table(self):
        self.make_database(self.db, [INDEX])
        before = self.snapshot()
        self.assertEqual(self.cli("current").out, "%s\n" % INDEX)
        self.assertEqual(self.cli("--json", "current").json(), {"database": self.db, "current": [INDEX]})
        self.assertEqual(self.snapshot(), before)

    def test_head_is_marked(self):
        self.make_database(self.db, [MERGE])
        self.assertEqual(self.cli("current").out, "%s (head)\n" % MERGE)

    def test_two_branches_applied(self):
        self.make_database(self.db, [WATCHLIST, SETTINGS])
        self.assertEqual(self.cli("current").out, "%s (settings)\n%s (watchlist)\n" % (SETTINGS, WATCHLIST))
        self.assertEqual(self.cli("--json", "current").json()["current"], [SETTINGS, WATCHLIST])

    def test_database_without_version_table(self):
        con = sqlite3.connect(self.db)
        con.execute("CREATE TABLE t (id INTEGER)")
        con.close()
        self.assertEqual(self.cli("--json", "current").json()["current"], [])

    def test_database_option_and_environment(self):
        other = os.path.join(self.tmp, "other.db")
        self.make_database(other, [BASE])
        self.assertEqual(self.cli("--json", "current", "--database", other).json(),
                         {"database": other, "current": [BASE]})
        self.assertEqual(self.cli("--database", "sqlite:///" + other, "current").out, BASE + "\n")
        out = self.cli("--json", "current", env={"MIGRATOR_DATABASE_URL": "sqlite:///" + other}).json()
        self.assertEqual(out["current"], [BASE])
        self.assertEqual(self.cli("current", env={"DATABASE_URL": other}).out, BASE + "\n")

    def test_version_table_from_config(self):
        project = self.new_project(config={"database": "sqlite:///app.db", "version_table": "my_versions"})
        self.write_revision(project, "aaa")
        self.make_database(os.path.join(project, "app.db"), ["aaa"], table="my_versions")
        self.assertEqual(self.ok("current", project=project).out, "aaa (head)\n")

    def test_unknown_revision_in_database(self):
        self.make_database(self.db, ["0123456789ab"])
        result = self.cli("current")
        self.assertEqual(result.out, "0123456789ab\n")
        self.assertIn("0123456789ab", result.err)

    def test_not_a_database(self):
        with open(self.db, "w") as f:
            f.write("this is not a database, just text " * 100)
        self.assertIn("imobile.db", self.fails(1, "current", project=self.project).err)

    def test_bad_database_url(self):
        self.fails(2, "current", "--database", "postgresql://host/db", project=self.project)


if __name__ == "__main__":
    clitest.main()
