#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bundled sample project (migrations/, SPEC §2) checked without the
engine: every file follows SPEC §3, the graph has the promised shape, each
downgrade exactly undoes its upgrade (schema and rows), and schema.sql is
the schema at head. SQL runs in Python's sqlite3 (the system SQLite)."""

import os
import re
import sqlite3
import unittest

SOURCE_DIR = os.environ.get(
    "MIGRATOR_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
SAMPLE = os.path.join(SOURCE_DIR, "migrations")
KNOWN_KEYS = {"revision", "down_revision", "message", "created",
              "branch_labels", "depends_on", "transactional"}


def parse_revision(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header, i = {}, 0
    while i < len(lines):
        m = re.match(r"^-- ([a-z_]+): (.*)$", lines[i])
        if not m or lines[i].startswith("-- migrate:"):
            break
        header[m.group(1)] = m.group(2).strip()
        i += 1
    sections, current = {}, None
    for line in lines[i:]:
        if line.startswith("-- migrate:"):
            current = line[len("-- migrate:"):].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
        else:
            assert line.strip() == "", "text outside a section in %s: %r" % (path, line)
    return header, {k: "\n".join(v) for k, v in sections.items()}


def load_sample():
    revisions = {}
    versions = os.path.join(SAMPLE, "versions")
    for name in sorted(os.listdir(versions)):
        if name.endswith(".sql"):
            header, sections = parse_revision(os.path.join(versions, name))
            header["file"] = name
            header["parents"] = [] if header["down_revision"] == "none" else \
                [p.strip() for p in header["down_revision"].split(",")]
            revisions[header["revision"]] = (header, sections)
    return revisions


def topological(revisions):
    done, order = set(), []
    while len(order) < len(revisions):
        for rev in sorted(revisions, key=lambda r: revisions[r][0]["file"]):
            header = revisions[rev][0]
            if rev not in done and all(p in done for p in header["parents"]):
                done.add(rev)
                order.append(rev)
                break
        else:
            raise AssertionError("cycle in the sample")
    return order


def schema_of(con):
    """Everything that makes up the schema, independent of how the CREATE
    text looks: columns, indexes with their columns, foreign keys."""
    result = {}
    for (name, kind) in con.execute(
            "SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"):
        if kind != "table":
            continue
        q = '"%s"' % name
        indexes = []
        for row in con.execute("PRAGMA index_list(%s)" % q):
            cols = [c[2] for c in con.execute("PRAGMA index_info(\"%s\")" % row[1])]
            auto = row[1].startswith("sqlite_autoindex_")
            indexes.append((None if auto else row[1], row[2], row[3], row[4], tuple(cols)))
        result[name] = {
            "columns": con.execute("PRAGMA table_xinfo(%s)" % q).fetchall(),
            "indexes": sorted(indexes, key=repr),
            "foreign_keys": con.execute("PRAGMA foreign_key_list(%s)" % q).fetchall(),
        }
    return result


def rows_of(con):
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: con.execute('SELECT * FROM "%s" ORDER BY rowid' % t).fetchall() for t in tables}


SAMPLE_ROWS = """
INSERT INTO user (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'bo', 'bo@example.com');
INSERT INTO total_table (user_id, total_market_value, total_cost, cash, total_asset)
  VALUES (1, 1500.5, 1200, 300, 1800.5), (2, 0, 0, 50, 50);
INSERT INTO position_table (user_id, symbol, quantity, cost_price, current_price, market_value)
  VALUES (1, '0700.HK', 100, 3.1, 3.5, 350), (1, '600519.SS', 10, 150, 160, 1600), (2, 'AAPL', 1, 180, 190, 190);
INSERT INTO trade_log (user_id, symbol, side, quantity, price) VALUES (1, 'AAPL', 'buy', 1, 180);
"""


class SampleProjectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.revisions = load_sample()
        cls.order = topological(cls.revisions)

    def connect(self):
        con = sqlite3.connect(":memory:", isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def test_config(self):
        import json
        with open(os.path.join(SAMPLE, "migrator.json")) as f:
            config = json.load(f)
        self.assertEqual(config["database"], "sqlite:///imobile.db")

    def test_file_format(self):
        for rev, (header, sections) in self.revisions.items():
            with self.subTest(file=header["file"]):
                self.assertRegex(rev, r"^[0-9a-f]{12}$")
                self.assertTrue(header["file"].startswith(rev + "_"))
                self.assertLessEqual(set(header) - {"file", "parents"}, KNOWN_KEYS)
                self.assertTrue(header["message"])
                self.assertRegex(header["created"], r"^2025-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
                self.assertEqual(set(sections), {"upgrade", "downgrade"})
                for parent in header["parents"]:
                    self.assertIn(parent, self.revisions)

    def test_graph_shape(self):
        children = {rev: [] for rev in self.revisions}
        for rev, (header, _) in self.revisions.items():
            for parent in header["parents"]:
                children[parent].append(rev)
        roots = [r for r, (h, _) in self.revisions.items() if not h["parents"]]
        heads = [r for r in self.revisions if not children[r]]
        merges = [r for r, (h, _) in self.revisions.items() if len(h["parents"]) > 1]
        branch_points = [r for r in self.revisions if len(children[r]) > 1]
        self.assertEqual(len(roots), 1)
        self.assertEqual(len(heads), 1)
        self.assertEqual(len(merges), 1)
        self.assertEqual(len(branch_points), 1)
        self.assertEqual(sorted(self.revisions[merges[0]][0]["parents"]),
                         sorted(children[branch_points[0]]))
        self.assertEqual(heads, merges)
        self.assertIn("1975ea83b712", self.revisions)

    def test_round_trip_of_each_revision(self):
        con = self.connect()
        for rev in self.order:
            header, sections = self.revisions[rev]
            with self.subTest(revision=rev, message=header["message"]):
                before = (schema_of(con), rows_of(con))
                con.executescript(sections["upgrade"])
                after = (schema_of(con), rows_of(con))
                con.executescript(sections["downgrade"])
                self.assertEqual((schema_of(con), rows_of(con)), before)
                con.executescript(sections["upgrade"])
                self.assertEqual((schema_of(con), rows_of(con)), after)
                self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
            if rev == self.order[0]:
                con.executescript(SAMPLE_ROWS)
        markets = dict(con.execute("SELECT symbol, market FROM position_table"))
        self.assertEqual(markets, {"0700.HK": "HK", "600519.SS": "CN", "AAPL": "US"})
        self.assertEqual(con.execute("SELECT count(*) FROM user_settings").fetchone()[0], 2)

    def test_downgrade_to_base_leaves_nothing(self):
        con = self.connect()
        for rev in self.order:
            con.executescript(self.revisions[rev][1]["upgrade"])
        for rev in reversed(self.order):
            con.executescript(self.revisions[rev][1]["downgrade"])
        self.assertEqual(schema_of(con), {})
        self.assertEqual(con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0], 0)

    def test_schema_sql_is_the_schema_at_head(self):
        con = self.connect()
        for rev in self.order:
            con.executescript(self.revisions[rev][1]["upgrade"])
        desired = self.connect()
        with open(os.path.join(SAMPLE, "schema.sql"), encoding="utf-8") as f:
            desired.executescript(f.read())
        self.assertEqual(schema_of(desired), schema_of(con))


if __name__ == "__main__":
    unittest.main(verbosity=2)
