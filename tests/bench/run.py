#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Migrator benchmarks against its peers (issue 7, tests/bench/README.md).

Generates every workload in a temporary folder, runs Migrator and its peers
in the same run (median of 5 runs, 3 for the slow ones) and prints one table:
workload, tool, median seconds, peak RSS, ratio to the reference, target and
whether it is met. Python 3 standard library only.

    tests/bench/run.py [--quick] [MIGRATOR]

MIGRATOR defaults to _build-bench/src/migrator (then _build/src/migrator)
of the source tree this file is in.
"""

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SRC_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Alembic is Debian's python3-alembic: run it with the system Python (a
# Python from pyenv or a virtualenv on PATH does not see it).
SYSTEM_PYTHON = "/usr/bin/python3"
GNU_TIME = "/usr/bin/time"


# --------------------------------------------------------------------------
# Measuring


class Failed(Exception):
    pass


def run_once(cmd, cwd, out_path, env=None, timeout=None):
    """Runs @cmd, returns (wall seconds, CPU seconds, peak RSS in MB).

    Peak RSS is GNU time's "Maximum resident set size" (%M): the largest of
    the process and the children it waited for. (wait4() from this script
    would count the Python pages the child has between fork and exec.)"""
    rss_path = out_path + ".rss"
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        # timeout(1) kills a run that hangs (the window waits for a frame)
        limit = ["timeout", str(timeout)] if timeout else []
        proc = subprocess.run([GNU_TIME, "-f", "%U %S %M", "-o", rss_path] + limit + cmd, cwd=cwd,
                              stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env)
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        with open(out_path, "rb") as f:
            tail = f.read()[-2000:].decode("utf-8", "replace")
        raise Failed("%s exited with %d in %s:\n%s" % (" ".join(cmd), proc.returncode, cwd, tail))
    with open(rss_path) as f:
        user, system, kib = f.read().split()[-3:]
    return elapsed, float(user) + float(system), int(kib) / 1024.0


class Job:
    """One tool on one workload: @runs timed runs after @warmup untimed
    ones; @setup runs (untimed) before each run, @check after it."""

    def __init__(self, name, cmd, cwd, runs, setup=None, warmup=0, env=None, check=None, timeout=None):
        self.name, self.cmd, self.cwd, self.runs, self.timeout = name, cmd, cwd, runs, timeout
        self.setup, self.warmup, self.env, self.check = setup, warmup, env, check
        self.times, self.cpu, self.rss = [], [], []
        self.output = os.path.join(cwd, ".bench-output.txt")  # stdout and stderr of the last run

    def run(self, timed):
        if self.setup:
            self.setup()
        t, c, m = run_once(self.cmd, self.cwd, self.output, self.env, self.timeout)
        if self.check:
            self.check()
        if timed:
            self.times.append(t)
            self.cpu.append(c)
            self.rss.append(m)

    def result(self):
        log("  %-28s %s s (median %.3f, CPU %.3f), peak RSS %.1f MB"
            % (self.name, " ".join("%.3f" % t for t in self.times), statistics.median(self.times),
               statistics.median(self.cpu), max(self.rss)))
        return {"median": statistics.median(self.times), "cpu": statistics.median(self.cpu),
                "rss": max(self.rss)}


def measure_all(*jobs):
    """Runs the jobs round-robin (A B C A B C …), so that load from other
    processes on the machine spreads over all tools alike, and returns
    their results: median seconds, median CPU seconds, largest peak RSS."""
    for job in jobs:
        for _ in range(job.warmup):
            job.run(False)
    for i in range(max(job.runs for job in jobs)):
        for job in jobs:
            if i < job.runs:
                job.run(True)
    return [job.result() for job in jobs]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sqlite_query(db, sql):
    out = subprocess.run(["sqlite3", db, sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def sqlite_script(db, script_path):
    with open(script_path, "rb") as f:
        subprocess.run(["sqlite3", db], stdin=f, check=True, capture_output=True)


def copy(src, dst):
    remove(dst)
    shutil.copyfile(src, dst)


def remove(*paths):
    for p in paths:
        for q in (p, p + "-journal", p + "-wal", p + "-shm"):
            if os.path.exists(q):
                os.unlink(q)


def clear_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# --------------------------------------------------------------------------
# Projects: the same revisions as Migrator files and as Alembic scripts

MIGRATOR_JSON = """{
  "database": "sqlite:///%s",
  "transaction": "all",
  "backup": { "enabled": true, "directory": "backups", "keep": 10 }
}
"""

ALEMBIC_INI = """[alembic]
script_location = %(here)s/alembic
sqlalchemy.url = sqlite:///%(here)s/DBNAME
"""

# transactional_ddl only helps if the driver really opens a transaction:
# Python's sqlite3 module does not send BEGIN before DDL, so every DDL
# statement would commit (and fsync) on its own. SQLAlchemy's documented
# recipe ("Serializable isolation / Savepoints / Transactional DDL" in the
# pysqlite dialect docs) makes SQLAlchemy send BEGIN itself, which gives
# Alembic one real transaction, as Migrator and the shell have.
ALEMBIC_ENV = """from alembic import context
from sqlalchemy import create_engine, event

engine = create_engine(context.config.get_main_option("sqlalchemy.url"))


@event.listens_for(engine, "connect")
def _connect(dbapi_connection, connection_record):
    dbapi_connection.isolation_level = None


@event.listens_for(engine, "begin")
def _begin(conn):
    conn.exec_driver_sql("BEGIN")


with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None,
                      transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
"""

ALEMBIC_SCRIPT = '''"""%(message)s

Revision ID: %(rev)s
Revises: %(down)s
Create Date: 2025-01-01 00:00:00
"""
from alembic import op
%(imports)s
revision = %(rev)r
down_revision = %(down_py)s
branch_labels = None
depends_on = None


def upgrade():
%(upgrade)s


def downgrade():
%(downgrade)s
'''

MIGRATOR_FILE = """-- revision: %(rev)s
-- down_revision: %(down)s
-- message: %(message)s
-- created: 2025-01-01T00:00:00Z

-- migrate:upgrade
%(upgrade)s

-- migrate:downgrade
%(downgrade)s
"""


def rev_id(i, salt="w1"):
    return hashlib.sha1(("%s-%d" % (salt, i)).encode()).hexdigest()[:12]


def linear_revisions(n, salt="w1"):
    """@n revisions, a quarter CREATE TABLE, half ADD COLUMN, a quarter
    CREATE INDEX, each with its downgrade. Returns dicts with rev, down,
    message, upgrade and downgrade SQL."""
    revs = []
    table = None
    last_col = None
    for i in range(n):
        kind = i % 4
        if kind == 0:
            table = "t%04d" % (i // 4)
            up = ("CREATE TABLE %s (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "created_at TEXT DEFAULT CURRENT_TIMESTAMP);" % table)
            down = "DROP TABLE %s;" % table
            msg = "create table %s" % table
        elif kind in (1, 2):
            last_col = "c%04d" % i
            ctype = "INTEGER" if kind == 1 else "REAL DEFAULT 0"
            up = "ALTER TABLE %s ADD COLUMN %s %s;" % (table, last_col, ctype)
            down = "ALTER TABLE %s DROP COLUMN %s;" % (table, last_col)
            msg = "add column %s to %s" % (last_col, table)
        else:
            ix = "ix_%s_%s" % (table, last_col)
            up = "CREATE INDEX %s ON %s (%s);" % (ix, table, last_col)
            down = "DROP INDEX %s;" % ix
            msg = "index %s" % ix
        revs.append({"rev": rev_id(i, salt), "down": rev_id(i - 1, salt) if i else None,
                     "message": msg, "upgrade": up, "downgrade": down})
    return revs


def write_migrator_project(root, revs, dbname):
    os.makedirs(os.path.join(root, "versions"), exist_ok=True)
    write(os.path.join(root, "migrator.json"), MIGRATOR_JSON % dbname)
    for r in revs:
        slug = r["message"].replace(" ", "_")[:40]
        write(os.path.join(root, "versions", "%s_%s.sql" % (r["rev"], slug)),
              MIGRATOR_FILE % dict(r, down=",".join(r["down"]) if isinstance(r["down"], list)
                                   else (r["down"] or "none")))


def py_indent(code):
    return "\n".join("    " + line if line else "" for line in code.splitlines())


def write_alembic_project(root, revs, dbname, imports=""):
    os.makedirs(os.path.join(root, "alembic", "versions"), exist_ok=True)
    write(os.path.join(root, "alembic.ini"), ALEMBIC_INI.replace("DBNAME", dbname))
    write(os.path.join(root, "alembic", "env.py"), ALEMBIC_ENV)
    for r in revs:
        up = r.get("alembic_upgrade") or "op.execute(%r)" % r["upgrade"]
        down = r.get("alembic_downgrade") or "op.execute(%r)" % r["downgrade"]
        slug = r["message"].replace(" ", "_")[:40]
        write(os.path.join(root, "alembic", "versions", "%s_%s.py" % (r["rev"], slug)),
              ALEMBIC_SCRIPT % dict(message=r["message"], rev=r["rev"], down=r["down"] or "",
                                    down_py=repr(r["down"]), imports=imports,
                                    upgrade=py_indent(up), downgrade=py_indent(down)))


def write_shell_scripts(root, revs):
    up = os.path.join(root, "upgrade.sql")
    down = os.path.join(root, "downgrade.sql")
    write(up, "BEGIN;\n" + "\n".join(r["upgrade"] for r in revs) + "\nCOMMIT;\n")
    write(down, "BEGIN;\n" + "\n".join(r["downgrade"] for r in reversed(revs)) + "\nCOMMIT;\n")
    return up, down


# --------------------------------------------------------------------------
# Results


class Table:
    def __init__(self):
        self.rows = []

    def add(self, workload, tool, res, ratio=None, target="", met=None):
        self.rows.append([workload, tool,
                          "%.3f" % res["median"] if res else "",
                          "%.3f" % res["cpu"] if res else "",
                          "%.1f" % res["rss"] if res else "",
                          ratio or "", target, "" if met is None else ("met" if met else "NOT MET")])

    def note(self, workload, tool, ratio, target, met):
        self.rows.append([workload, tool, "", "", "", ratio, target, "met" if met else "NOT MET"])

    def info(self, workload, tool, value, target="(informative)", met=None):
        self.rows.append([workload, tool, "", "", "", value, target,
                          "" if met is None else ("met" if met else "NOT MET")])

    def render(self, markdown=False):
        head = ["workload", "tool", "median wall s", "CPU s", "peak RSS MB", "ratio", "target", "result"]
        rows = [head] + self.rows
        if markdown:
            lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(r) + " |" for r in self.rows]
            return "\n".join(lines)
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        fmt = "  ".join("%%-%ds" % w for w in widths)
        lines = [fmt % tuple(head), "  ".join("-" * w for w in widths)]
        lines += [(fmt % tuple(r)).rstrip() for r in self.rows]
        return "\n".join(lines)


def x(ratio):
    return "%.2fx" % ratio


# --------------------------------------------------------------------------
# W1: 1,000 linear revisions, upgrade head and downgrade base; history/heads


def bench_w1(ctx, table):
    n = ctx.w1_revisions
    root = os.path.join(ctx.tmp, "w1")
    revs = linear_revisions(n)
    mig = os.path.join(root, "migrator")
    alb = os.path.join(root, "alembic")
    shell = os.path.join(root, "shell")
    for d in (mig, alb, shell):
        os.makedirs(d, exist_ok=True)
    write_migrator_project(mig, revs, "w1.db")
    write_alembic_project(alb, revs, "w1.db")
    up_sql, down_sql = write_shell_scripts(shell, revs)
    mdb, adb, sdb = (os.path.join(d, "w1.db") for d in (mig, alb, shell))
    head = revs[-1]["rev"]
    runs, slow = ctx.runs, ctx.slow_runs
    name = "W1 upgrade head (%d revs)" % n
    log("%s" % name)

    def check_head(db, version=True):
        def f():
            tables = int(sqlite_query(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 't0%'"))
            if tables != (n + 3) // 4:
                raise Failed("%s: %d tables after upgrade, expected %d" % (db, tables, (n + 3) // 4))
            if version and sqlite_query(db, "SELECT version_num FROM alembic_version") != head:
                raise Failed("%s: not at head %s" % (db, head))
        return f

    def check_base(db):
        def f():
            left = int(sqlite_query(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 't0%' OR name LIKE 'ix_%'"))
            if left:
                raise Failed("%s: %d objects left after downgrade base" % (db, left))
        return f

    sh = Job("sqlite3 shell", ["sqlite3", sdb, ".read " + up_sql], shell, runs,
                 setup=lambda: remove(sdb), check=check_head(sdb, version=False))
    al = Job("alembic", ["alembic", "upgrade", "head"], alb, slow, warmup=1,
                 setup=lambda: remove(adb), check=check_head(adb))
    mi = Job("migrator", [ctx.migrator, "--quiet", "upgrade", "head"], mig, runs,
                 setup=lambda: remove(mdb), check=check_head(mdb))
    sh, al, mi = measure_all(sh, al, mi)
    table.add(name, "sqlite3 shell, one transaction (ref)", sh, x(1.0))
    table.add(name, "alembic", al, x(al["median"] / sh["median"]))
    r = mi["median"] / sh["median"]
    table.add(name, "migrator", mi, x(r), "<= 1.2x sqlite3 shell", r <= 1.2)
    s = al["median"] / mi["median"]
    table.note(name, "  migrator vs alembic", "%.1fx faster" % s, ">= 3x faster", s >= 3.0)

    # downgrade base: each tool starts from a head database it made itself
    name = "W1 downgrade base (%d revs)" % n
    log(name)
    templates = {}
    for key, db in (("shell", sdb), ("alembic", adb), ("migrator", mdb)):
        templates[key] = db + ".head"
        copy(db, templates[key])  # the last measured upgrade left it at head
    backups = os.path.join(mig, "backups")

    def fresh(key, db):
        def f():
            copy(templates[key], db)
            clear_dir(backups)
        return f

    sh = Job("sqlite3 shell", ["sqlite3", sdb, ".read " + down_sql], shell, runs,
                 setup=fresh("shell", sdb), check=check_base(sdb))
    al = Job("alembic", ["alembic", "downgrade", "base"], alb, slow, warmup=1,
                 setup=fresh("alembic", adb), check=check_base(adb))
    mn = Job("migrator --no-backup", [ctx.migrator, "--quiet", "downgrade", "base", "--no-backup"],
                 mig, runs, setup=fresh("migrator", mdb), check=check_base(mdb))
    mb = Job("migrator (backup first)", [ctx.migrator, "--quiet", "downgrade", "base"],
                 mig, runs, setup=fresh("migrator", mdb), check=check_base(mdb))
    sh, al, mn, mb = measure_all(sh, al, mn, mb)
    table.add(name, "sqlite3 shell, one transaction (ref)", sh, x(1.0))
    table.add(name, "alembic", al, x(al["median"] / sh["median"]))
    for label, res in (("migrator --no-backup", mn), ("migrator (default: backup first)", mb)):
        r = res["median"] / sh["median"]
        table.add(name, label, res, x(r), "<= 1.2x sqlite3 shell", r <= 1.2)
        s = al["median"] / res["median"]
        table.note(name, "  %s vs alembic" % label.split(" ")[0], "%.1fx faster" % s,
                   ">= 3x faster", s >= 3.0)
    for t in templates.values():
        remove(t)

    # history and heads on 5,000 revisions
    n = ctx.history_revisions
    root = os.path.join(ctx.tmp, "w1-history")
    revs = linear_revisions(n, salt="hist")
    mig = os.path.join(root, "migrator")
    alb = os.path.join(root, "alembic")
    write_migrator_project(mig, revs, "hist.db")
    write_alembic_project(alb, revs, "hist.db")
    for cmd in ("history", "heads"):
        name = "W1 %s (%d revs)" % (cmd, n)
        log(name)
        # the first alembic run writes __pycache__: the warm-up leaves it
        al = Job("alembic", ["alembic", cmd], alb, slow, warmup=1)
        mi = Job("migrator", [ctx.migrator, cmd], mig, runs, warmup=1)
        al, mi = measure_all(al, mi)
        table.add(name, "alembic (ref)", al, x(1.0))
        s = al["median"] / mi["median"]
        table.add(name, "migrator", mi, "%.1fx faster" % s, ">= 10x faster", s >= 10.0)


# --------------------------------------------------------------------------
# W2: table rebuild of a 1,000,000-row table

W2_SCHEMA = """PRAGMA journal_mode=DELETE;
BEGIN;
CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100)
INSERT INTO parent SELECT i, 'parent ' || i FROM s;
CREATE TABLE t (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id),
                c INTEGER, name TEXT, note TEXT);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
INSERT INTO t SELECT i, 1 + i %% 100, i * 7 %% 1000, 'name ' || i, hex(randomblob(8)) FROM s;
CREATE INDEX ix_t_parent_id ON t (parent_id);
COMMIT;
"""

W2_UPGRADE = """ALTER TABLE t ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;
ALTER TABLE t ALTER COLUMN c TYPE REAL;
ALTER TABLE t ALTER COLUMN name SET NOT NULL;"""

W2_DOWNGRADE = """ALTER TABLE t ALTER COLUMN name DROP NOT NULL;
ALTER TABLE t ALTER COLUMN c TYPE INTEGER;
ALTER TABLE t DROP COLUMN flag;"""

# The 12 steps of SQLite's "Making Other Kinds Of Table Schema Changes".
W2_HAND = """PRAGMA foreign_keys=OFF;
BEGIN;
CREATE TABLE new_t (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id),
                    c REAL, name TEXT NOT NULL, note TEXT, flag INTEGER NOT NULL DEFAULT 0);
INSERT INTO new_t (id, parent_id, c, name, note, flag)
  SELECT id, parent_id, c, name, note, 0 FROM t;
DROP TABLE t;
ALTER TABLE new_t RENAME TO t;
CREATE INDEX ix_t_parent_id ON t (parent_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys=ON;
"""

W2_ALEMBIC_UP = """with op.batch_alter_table("t") as batch:
    batch.add_column(sa.Column("flag", sa.Integer(), nullable=False, server_default="0"))
    batch.alter_column("c", type_=sa.Float(), existing_type=sa.Integer())
    batch.alter_column("name", existing_type=sa.Text(), nullable=False)"""

W2_ALEMBIC_DOWN = """with op.batch_alter_table("t") as batch:
    batch.alter_column("name", existing_type=sa.Text(), nullable=True)
    batch.alter_column("c", type_=sa.Integer(), existing_type=sa.Float())
    batch.drop_column("flag")"""


W2_REVISION = {"rev": "b2c0ffee0001", "down": None, "message": "rebuild t",
               "upgrade": W2_UPGRADE, "downgrade": W2_DOWNGRADE,
               "alembic_upgrade": W2_ALEMBIC_UP, "alembic_downgrade": W2_ALEMBIC_DOWN}


def w2_template(root, rows):
    """Generates W2's database (before the revision) as root/template.db."""
    os.makedirs(root, exist_ok=True)
    template = os.path.join(root, "template.db")
    log("W2: generating %d rows" % rows)
    write(os.path.join(root, "schema.sql"), W2_SCHEMA % rows)
    sqlite_script(template, os.path.join(root, "schema.sql"))
    return template


def w2_check(db, rows):
    """Raises Failed unless @db has W2's revision applied to all @rows."""
    info = sqlite_query(db, "SELECT count(*), typeof(c) FROM t WHERE id = 1 "
                        "UNION ALL SELECT count(*), '' FROM t")
    cols = sqlite_query(db, "SELECT group_concat(name || ':' || type || ':' || \"notnull\") "
                        "FROM pragma_table_info('t')")
    ix = sqlite_query(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'ix_t_parent_id'")
    if (info.splitlines() != ["1|real", "%d|" % rows] or "name:TEXT:1" not in cols
            or "flag:INTEGER:1" not in cols or ix != "1"):
        raise Failed("%s: unexpected result: %s / %s / index %s" % (db, info, cols, ix))


def bench_w2(ctx, table):
    rows = ctx.w2_rows
    root = os.path.join(ctx.tmp, "w2")
    template = w2_template(root, rows)
    rev = W2_REVISION
    mig = os.path.join(root, "migrator")
    alb = os.path.join(root, "alembic")
    shell = os.path.join(root, "shell")
    os.makedirs(shell, exist_ok=True)
    write_migrator_project(mig, [rev], "w2.db")
    write_alembic_project(alb, [rev], "w2.db", imports="import sqlalchemy as sa\n")
    write(os.path.join(shell, "rebuild.sql"), W2_HAND)
    mdb, adb, sdb = (os.path.join(d, "w2.db") for d in (mig, alb, shell))
    backups = os.path.join(mig, "backups")

    def fresh(db):
        def f():
            copy(template, db)
            clear_dir(backups)
        return f

    def check(db):
        return lambda: w2_check(db, rows)

    name = "W2 rebuild %s rows" % format(rows, ",")
    log(name)
    runs = ctx.slow_runs
    sh = Job("hand-written rebuild", ["sqlite3", sdb, ".read rebuild.sql"], shell, runs,
                 setup=fresh(sdb), check=check(sdb), warmup=1)
    al = Job("alembic batch", ["alembic", "upgrade", "head"], alb, runs,
                 setup=fresh(adb), check=check(adb), warmup=1)
    mn = Job("migrator --no-backup", [ctx.migrator, "--quiet", "upgrade", "head", "--no-backup"],
                 mig, runs, setup=fresh(mdb), check=check(mdb), warmup=1)
    mb = Job("migrator (backup first)", [ctx.migrator, "--quiet", "upgrade", "head"],
                 mig, runs, setup=fresh(mdb), check=check(mdb))
    base = Job("migrator --version", [ctx.migrator, "--version"], mig, runs)
    sh, al, mn, mb, base = measure_all(sh, al, mn, mb, base)
    table.add(name, "sqlite3 shell, hand-written 12 steps (ref)", sh, x(1.0))
    table.add(name, "alembic batch_alter_table", al, x(al["median"] / sh["median"]))
    r = mn["median"] / sh["median"]
    table.add(name, "migrator --no-backup", mn, x(r), "<= 1.1x hand-written", r <= 1.1)
    table.note(name, "  migrator --no-backup peak RSS", "%.1f MB" % mn["rss"], "< 20 MB", mn["rss"] < 20)
    r = mb["median"] / sh["median"]
    table.add(name, "migrator (default: backup first)", mb, x(r), "(informative)")
    table.add(name, "migrator --version (process baseline)", base, "", "(informative)")


# --------------------------------------------------------------------------
# W3: backup of a 1 GiB database

W3_SCHEMA = """PRAGMA journal_mode=DELETE;
BEGIN;
CREATE TABLE blobs (id INTEGER PRIMARY KEY, label TEXT NOT NULL, data BLOB NOT NULL);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
INSERT INTO blobs SELECT i, hex(randomblob(40)), randomblob(900) FROM s;
CREATE INDEX ix_blobs_label ON blobs (label);
COMMIT;
"""


def bench_w3(ctx, table):
    size = ctx.w3_bytes
    root = os.path.join(ctx.tmp, "w3")
    mig = os.path.join(root, "migrator")
    os.makedirs(mig, exist_ok=True)
    db = os.path.join(mig, "w3.db")
    out = os.path.join(root, "copy.db")
    # a row takes about 1,130 bytes of pages with its index entry
    rows = size // 1130
    log("W3: generating %.0f MiB (%d rows)" % (size / 2**20, rows))
    write(os.path.join(root, "schema.sql"), W3_SCHEMA % rows)
    sqlite_script(db, os.path.join(root, "schema.sql"))
    actual = os.path.getsize(db)
    write(os.path.join(mig, "migrator.json"), MIGRATOR_JSON % "w3.db")
    name = "W3 backup %.2f GiB" % (actual / 2**30)
    log("%s (%d bytes)" % (name, actual))

    def fresh():
        remove(out)
        subprocess.run(["sync", "-f", root], check=True)

    def check():
        if os.path.getsize(out) < actual * 0.95:
            raise Failed("%s: %d bytes, source %d" % (out, os.path.getsize(out), actual))

    runs = ctx.slow_runs
    # Page cache cannot be dropped here: one untimed run each warms it, so
    # every tool reads a cached source and writes (and syncs) a new file.
    cp = Job("cp + sync", ["sh", "-c", 'cp "$0" "$1" && sync "$1"', db, out], root, runs,
                 setup=fresh, check=check, warmup=1)
    bk = Job("sqlite3 .backup", ["sqlite3", db, ".backup '%s'" % out], root, runs,
                 setup=fresh, check=check, warmup=1)
    va = Job("VACUUM INTO", ["sqlite3", db, "VACUUM INTO '%s'" % out], root, runs,
                 setup=fresh, check=check, warmup=1)
    mi = Job("migrator backup -o", [ctx.migrator, "--quiet", "backup", "-o", out], mig, runs,
                 setup=fresh, check=check, warmup=1)
    cp, bk, va, mi = measure_all(cp, bk, va, mi)
    remove(out)
    table.add(name, "cp + sync (ref)", cp, x(1.0))
    table.add(name, "sqlite3 .backup", bk, x(bk["median"] / cp["median"]))
    table.add(name, "sqlite3 VACUUM INTO", va, x(va["median"] / cp["median"]))
    r = mi["median"] / cp["median"]
    table.add(name, "migrator backup -o (copy + quick_check + fsync)", mi, x(r), "<= 1.5x cp + sync", r <= 1.5)


# --------------------------------------------------------------------------
# The window: cold start to the first frame, longest main-loop stall in W2
#
# The window has a benchmark hook (src/gui/migrator-window.c, inert unless
# MIGRATOR_BENCH is set): "first-frame" quits once the project is loaded,
# the revision list filled, the database state read and the next frame
# painted; "upgrade-stall" then activates win.upgrade (the Upgrade button)
# and prints the longest gap between the ticks of a 5 ms timeout until the
# upgrade is done and the state read back. Both print to stderr.


class Session:
    """One Xvfb and one private D-Bus session bus for the whole workload."""

    def __init__(self, tmp):
        self.procs = []
        runtime = os.path.join(tmp, "xdg-runtime")
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        # Xvfb picks a free display and writes its number to the pipe
        rfd, wfd = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x800x24",
                                 "-nolisten", "tcp"], pass_fds=(wfd,),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(xvfb)
        os.close(wfd)
        with os.fdopen(rfd) as f:
            display = f.readline().strip()
        if not display:
            self.close()
            raise Failed("Xvfb did not start")
        dbus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.procs.append(dbus)
        address = dbus.stdout.readline().strip()
        if not address:
            self.close()
            raise Failed("dbus-daemon did not start")
        self.display = ":" + display
        self.env = dict(os.environ, DISPLAY=self.display, DBUS_SESSION_BUS_ADDRESS=address,
                        GDK_BACKEND="x11", XDG_RUNTIME_DIR=runtime,
                        # settings (window size, recent projects) stay in memory
                        GSETTINGS_BACKEND="memory",
                        # no GPU under Xvfb: see bench_window_stall
                        GSK_RENDERER="cairo")
        self.env.pop("WAYLAND_DISPLAY", None)
        self.env.pop("MIGRATOR_BENCH", None)

    def close(self):
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


def bench_value(job, key, values):
    """A check for @job: appends the number after "@key: " in its output."""
    def f():
        with open(job.output, encoding="utf-8", errors="replace") as out:
            for line in out:
                if line.startswith(key + ":"):
                    values.append(float(line.split(":", 1)[1]))
                    return
        raise Failed("no %s line in the output of %s" % (key, " ".join(job.cmd)))
    return f


def bench_window(ctx, table):
    missing = [t for t in ("Xvfb", "dbus-daemon", "timeout") if not shutil.which(t)]
    if missing:
        note = "skipped: %s not found (apt-get install xvfb dbus-daemon)" % ", ".join(missing)
        log("The window: " + note)
        table.info("The window", "migrator window", "", note)
        return
    session = Session(ctx.tmp)
    log("The window: Xvfb on %s" % session.display)
    try:
        bench_window_first_frame(ctx, table, session)
        bench_window_stall(ctx, table, session)
    finally:
        session.close()


def bench_window_first_frame(ctx, table, session):
    n = ctx.w1_revisions
    root = os.path.join(ctx.tmp, "window", "first-frame")
    write_migrator_project(root, linear_revisions(n), "w1.db")   # W1's revisions
    subprocess.run([ctx.migrator, "--quiet", "upgrade", "head", "--no-backup"], cwd=root, check=True)
    name = "Window first frame (%d revs, at head)" % n
    log(name)
    env = dict(session.env, MIGRATOR_BENCH="first-frame")
    ms = []
    win = Job("window", [ctx.migrator, root], root, ctx.runs, warmup=1, env=env, timeout=120)
    win.check = bench_value(win, "first-frame-ms", ms)
    hist = Job("history", [ctx.migrator, "history"], root, ctx.runs, warmup=1, env=session.env)
    hist, win = measure_all(hist, win)
    del ms[:1]   # the warm-up run
    table.add(name, "migrator history, CLI (ref)", hist, x(1.0), "(informative)")
    table.add(name, "migrator window: exec to first frame, exit", win,
              x(win["median"] / hist["median"]), "(informative)")
    table.info(name, "  first-frame-ms printed by the window", "%.0f ms" % statistics.median(ms))


def bench_window_stall(ctx, table, session):
    rows = ctx.w2_rows
    root = os.path.join(ctx.tmp, "window", "stall")
    template = w2_template(root, rows)
    name = "Window W2 upgrade %s rows" % format(rows, ",")
    log(name)
    jobs, stalls = [], []
    # Xvfb has no GPU: GTK's default GL renderer then runs on Mesa's llvmpipe,
    # whose two render threads take a core's worth of CPU from the worker and
    # the main loop on this 2-core machine. The target rows use the cairo
    # renderer (as the window tests do); the GL row is informative.
    cases = (("backups disabled in migrator.json, cairo renderer", False, "cairo", True),
             ("default: backup first, cairo renderer", True, "cairo", True),
             ("backups disabled, GL renderer on llvmpipe (no GPU)", False, "gl", False))
    targets = []
    for label, backup, renderer, is_target in cases:
        env = dict(session.env, MIGRATOR_BENCH="upgrade-stall", GSK_RENDERER=renderer)
        targets.append(is_target)
        proj = os.path.join(root, ("backup-" if backup else "no-backup-") + renderer)
        write_migrator_project(proj, [W2_REVISION], "w2.db")
        if not backup:
            write(os.path.join(proj, "migrator.json"),
                  MIGRATOR_JSON.replace('"enabled": true', '"enabled": false') % "w2.db")
        db = os.path.join(proj, "w2.db")
        backups = os.path.join(proj, "backups")

        def fresh(db=db, backups=backups):
            copy(template, db)
            clear_dir(backups)
        values = []
        job = Job(label, [ctx.migrator, proj], proj, ctx.slow_runs, setup=fresh, env=env, timeout=600)
        check_db = (lambda db=db: w2_check(db, rows))
        read = bench_value(job, "max-stall-ms", values)
        job.check = (lambda read=read, check_db=check_db: (read(), check_db()))
        jobs.append((label, job))
        stalls.append(values)
    results = measure_all(*(job for _, job in jobs))
    for (label, _), res, values, is_target in zip(jobs, results, stalls, targets):
        worst = max(values)
        log("  %s: max-stall-ms %s" % (label, " ".join("%.1f" % v for v in values)))
        if is_target:
            table.add(name, "migrator window, %s" % label, res, "max stall %.1f ms" % worst,
                      "< 100 ms", worst < 100)
        else:
            table.add(name, "migrator window, %s" % label, res, "max stall %.1f ms" % worst,
                      "(informative)")


# --------------------------------------------------------------------------


def find_migrator(arg):
    candidates = [arg] if arg else [os.path.join(SRC_ROOT, d, "src", "migrator")
                                    for d in ("_build-bench", "_build")]
    for c in candidates:
        if c and os.access(c, os.X_OK):
            return os.path.abspath(c)
    sys.exit("run.py: no migrator binary (tried %s); build one with\n"
             "  meson setup _build-bench -Dbuildtype=release && ninja -C _build-bench"
             % ", ".join(candidates))


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %s, %d cores" % (platform.machine(), cpu, os.cpu_count() or 0)


def versions(migrator):
    def first_line(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return "; ".join([
        first_line([migrator, "--version"]),
        "sqlite3 " + first_line(["sqlite3", "--version"]).split(" ")[0],
        first_line([SYSTEM_PYTHON, "-c", "import alembic, sqlalchemy; "
                    "print('alembic', alembic.__version__, '/ SQLAlchemy', sqlalchemy.__version__)"]),
    ])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("migrator", nargs="?", help="the migrator binary")
    p.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    p.add_argument("--only", default="W1,W2,W3,window",
                   help="comma-separated workloads (default: W1,W2,W3,window)")
    p.add_argument("--runs", type=int, help="runs per measurement (default 5, slow ones 3)")
    p.add_argument("--tmpdir", help="where to generate the workloads (default: system temp folder)")
    p.add_argument("--keep", action="store_true", help="keep the generated workloads")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--save", metavar="FILE", help="also write the results as Markdown to FILE")
    args = p.parse_args()

    for tool in ("sqlite3", "alembic", GNU_TIME):
        if not shutil.which(tool):
            sys.exit("run.py: %s not found (apt-get install sqlite3 alembic python3-alembic time)" % tool)

    class Ctx:
        pass
    ctx = Ctx()
    ctx.migrator = find_migrator(args.migrator)
    ctx.runs = args.runs or 5
    ctx.slow_runs = args.runs or 3
    if args.quick:
        ctx.w1_revisions, ctx.history_revisions = 200, 1000
        ctx.w2_rows, ctx.w3_bytes = 100_000, 64 * 2**20
        ctx.runs, ctx.slow_runs = args.runs or 3, args.runs or 1
    else:
        ctx.w1_revisions, ctx.history_revisions = 1000, 5000
        ctx.w2_rows, ctx.w3_bytes = 1_000_000, 2**30
    ctx.tmp = tempfile.mkdtemp(prefix="migrator-bench-", dir=args.tmpdir)
    log("workloads in %s, migrator %s" % (ctx.tmp, ctx.migrator))

    table = Table()
    only = {w.strip().upper() for w in args.only.split(",")}
    started = time.time()
    try:
        for key, fn in (("W1", bench_w1), ("W2", bench_w2), ("W3", bench_w3), ("WINDOW", bench_window)):
            if key in only:
                fn(ctx, table)
    except Failed as e:
        sys.exit("run.py: %s" % e)
    finally:
        if not args.keep:
            shutil.rmtree(ctx.tmp, ignore_errors=True)

    header = ["Migrator benchmarks, %s%s" % (time.strftime("%Y-%m-%d", time.gmtime()),
                                              " (--quick)" if args.quick else ""),
              "Machine: %s" % machine(),
              "Versions: %s" % versions(ctx.migrator),
              "Medians of %d runs (%d for alembic, W2, W3 and the window's W2); peak RSS is the largest GNU time %%M of "
              "the runs; %.0f s in all." % (ctx.runs, ctx.slow_runs, time.time() - started)]
    notes = ("Ratios are median wall time / median wall time of the reference in the same run; the tools "
             "run round-robin so that other load on the machine hits them alike. CPU s is user + system "
             "time of the process and its threads and children. W3 cannot drop the page cache: every tool "
             "runs once untimed first, so all read a cached source and write and sync a new file. The window runs "
             "under Xvfb (software rendering) with a private D-Bus session bus; its stall is the longest gap "
             "between the ticks of a 5 ms main-loop timeout, the largest of the runs.")
    print("\n".join(header) + "\n")
    print(table.render(markdown=args.markdown))
    print("\n" + notes)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            f.write("\n\n".join(header) + "\n\n" + table.render(markdown=True) + "\n\n" + notes + "\n")
    if any(r[-1] == "NOT MET" for r in table.rows):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
