# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers of the safety tests: the migrator executable, a
generated 1,000-revision project whose expected schema after any prefix of
revisions is known, and canonical dumps of a database."""

import hashlib
import json
import os
import sqlite3
import sys


def migrator_bin():
    """MIGRATOR_BIN, else the first argument (meson passes the built target)."""
    path = None
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        path = sys.argv.pop(1)
    path = os.environ.get("MIGRATOR_BIN") or path
    if not path:
        sys.exit("set MIGRATOR_BIN or pass the migrator executable as the first argument")
    return os.path.abspath(path)


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k not in ("MIGRATOR_PROJECT", "MIGRATOR_DATABASE_URL", "DATABASE_URL")}
    env["LC_ALL"] = "C.UTF-8"
    env["G_DEBUG"] = "fatal-warnings"
    return env


def rev_id(i):
    return "r%05d" % i


def table_of(i):
    """The table revision @i works on: the one created by the latest
    revision k <= i with k % 4 == 1."""
    return "t%05d" % (i - (i - 1) % 4)


# Revision i, by i % 4 (and a batch ALTER every 20th):
#   1: CREATE TABLE t_i with 25 rows
#   2: ADD COLUMN c_i to that table
#   3: CREATE INDEX ix_i on it
#   0: INSERT 25 more rows; every 20th revision also a batch ALTER COLUMN
#      TYPE (a table rebuild through a temporary _migrator_new_ table)
def revision_sql(i):
    t = table_of(i)
    kind = i % 4
    rows = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 25) "
            "INSERT INTO %s (name, val) SELECT 'row ' || x || ' of %d', x * 1.5 FROM n;" % (t, i))
    if kind == 1:
        up = "CREATE TABLE %s (id INTEGER PRIMARY KEY, name TEXT NOT NULL, val REAL);\n%s" % (t, rows)
        down = "DROP TABLE %s;" % t
    elif kind == 2:
        up = "ALTER TABLE %s ADD COLUMN c%05d INTEGER DEFAULT %d;" % (t, i, i)
        down = "ALTER TABLE %s DROP COLUMN c%05d;" % (t, i)
    elif kind == 3:
        up = "CREATE INDEX ix%05d ON %s (name);" % (i, t)
        down = "DROP INDEX ix%05d;" % i
    else:
        up = rows.replace("'row '", "'more '")
        down = "DELETE FROM %s WHERE name LIKE 'more %%of %d';" % (t, i)
        if i % 20 == 0:
            up += "\nALTER TABLE %s ALTER COLUMN val TYPE NUMERIC;" % t
            down = "ALTER TABLE %s ALTER COLUMN val TYPE REAL;\n%s" % (t, down)
    return up, down


def write_project(path, n, transaction, backup=True):
    os.makedirs(os.path.join(path, "versions"), exist_ok=True)
    with open(os.path.join(path, "migrator.json"), "w") as f:
        json.dump({"database": "sqlite:///app.db", "transaction": transaction,
                   "backup": {"enabled": backup, "directory": "backups", "keep": 3}}, f)
    for i in range(1, n + 1):
        up, down = revision_sql(i)
        text = ("-- revision: %s\n-- down_revision: %s\n-- message: Step %d\n"
                "-- created: 2025-01-01T00:00:00Z\n\n-- migrate:upgrade\n%s\n\n"
                "-- migrate:downgrade\n%s\n" % (rev_id(i), rev_id(i - 1) if i > 1 else "none", i, up, down))
        with open(os.path.join(path, "versions", "%s_step.sql" % rev_id(i)), "w") as f:
            f.write(text)


def expected_schema(k):
    """After revisions 1..k: {table: sorted columns}, sorted index names,
    {table: row count}."""
    tables, indexes, counts = {}, [], {}
    for i in range(1, k + 1):
        t = table_of(i)
        kind = i % 4
        if kind == 1:
            tables[t] = ["id", "name", "val"]
            counts[t] = 25
        elif kind == 2:
            tables[t].append("c%05d" % i)
        elif kind == 3:
            indexes.append("ix%05d" % i)
        else:
            counts[t] += 25
    return tables, sorted(indexes), counts


def actual_schema(con):
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT IN ('alembic_version', 'migrator_history') ORDER BY name")]
    tables = {t: [r[1] for r in con.execute('PRAGMA table_info("%s")' % t)] for t in names}
    indexes = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")]
    counts = {t: con.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0] for t in names}
    return tables, indexes, counts


def version_rows(con):
    if not con.execute("SELECT 1 FROM sqlite_schema WHERE name = 'alembic_version'").fetchone():
        return []
    return sorted(r[0] for r in con.execute("SELECT version_num FROM alembic_version"))


def sha256_file(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dump(path, skip=("migrator_history",)):
    """Schema text and every row of every table except @skip, in a stable
    order (None when the file does not exist)."""
    if not os.path.exists(path):
        return None
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        out = []
        objects = con.execute("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").fetchall()
        for kind, name, sql in objects:
            if name in skip:
                continue
            out.append("%s %s: %s" % (kind, name, sql))
            if kind == "table":
                for row in con.execute('SELECT * FROM "%s" ORDER BY 1' % name.replace('"', '""')):
                    out.append("%s: %r" % (name, row))
        return "\n".join(out)
    finally:
        con.close()
