#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Crash test (issue 7, SPEC §6.2): `migrator upgrade head` on a
1,000-revision project is killed with SIGKILL at random moments, in both
transaction modes. After each kill the database must pass
PRAGMA integrity_check, its version rows must match its schema (mode all:
base with no tables, or head with the whole schema; per-revision: exactly
the tables, columns, indexes and rows of the revisions applied), no
temporary table of a batch rebuild may be left, and a re-run of
`migrator upgrade head` must finish the job.

Environment:
  MIGRATOR_CRASH_KILLS  kills per mode (default 50; the meson test passes
                        --kills=20 for CI, which this variable overrides)
  MIGRATOR_CRASH_SEED   random seed (default 7; printed)
  MIGRATOR_CRASH_REVS   revisions (default 1000)
  MIGRATOR_CRASH_DIR    where the projects live (default /dev/shm when
                        writable, else the temporary folder). SIGKILL ends
                        the process, not the machine: the page cache
                        survives, so tmpfs changes nothing about what is
                        tested and keeps per-revision mode (a fsync per
                        commit) fast.
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetylib  # noqa: E402

BIN = None
KILLS = int(os.environ.get("MIGRATOR_CRASH_KILLS", "50"))
SEED = int(os.environ.get("MIGRATOR_CRASH_SEED", "7"))
REVS = int(os.environ.get("MIGRATOR_CRASH_REVS", "1000"))


def work_root():
    root = os.environ.get("MIGRATOR_CRASH_DIR")
    if root:
        return root
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        return "/dev/shm"
    return None


class CrashTest(unittest.TestCase):

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="migrator-crash-", dir=work_root())
        self.tmp = self._tmp.name
        self.env = safetylib.clean_env()

    def tearDown(self):
        self._tmp.cleanup()

    def migrator(self, project, *args):
        return [BIN, "--project", project, "--quiet"] + list(args)

    def reset_database(self, project):
        for name in os.listdir(project):
            if name.startswith("app.db"):
                os.unlink(os.path.join(project, name))
        shutil.rmtree(os.path.join(project, "backups"), ignore_errors=True)

    def run_to_end(self, project):
        proc = subprocess.run(self.migrator(project, "upgrade", "head"), env=self.env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("CRITICAL", proc.stderr)
        self.assertNotIn("WARNING", proc.stderr)

    def check_state(self, db_path, mode, label):
        """Returns how many revisions the database holds."""
        head = safetylib.rev_id(REVS)
        if not os.path.exists(db_path):
            return 0
        con = sqlite3.connect(db_path, timeout=10)
        try:
            integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
            self.assertEqual(integrity, ["ok"], label)
            temps = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_schema WHERE name LIKE '\\_migrator\\_new\\_%' ESCAPE '\\'")]
            self.assertEqual(temps, [], "%s: leftover rebuild table" % label)
            rows = safetylib.version_rows(con)
            actual = safetylib.actual_schema(con)
        finally:
            con.close()

        self.assertLessEqual(len(rows), 1, label)
        applied = int(rows[0][1:]) if rows else 0
        if mode == "all":
            self.assertIn(rows, ([], [head]), "%s: mode all ended between base and head" % label)
        self.assertEqual(actual, safetylib.expected_schema(applied),
                         "%s: version rows %s do not match the schema" % (label, rows))
        return applied

    def crash_mode(self, mode):
        rng = random.Random("%d-%s" % (SEED, mode))
        project = os.path.join(self.tmp, mode)
        safetylib.write_project(project, REVS, mode)
        db_path = os.path.join(project, "app.db")

        # How long one whole run takes (the fastest of three, so that no
        # kill comes after the end): the kills are spread over it.
        duration = None
        for _ in range(3):
            self.reset_database(project)
            start = time.monotonic()
            self.run_to_end(project)
            elapsed = time.monotonic() - start
            duration = elapsed if duration is None else min(duration, elapsed)
            self.assertEqual(self.check_state(db_path, mode, "%s: uninterrupted run" % mode), REVS)
        print("# %s: a whole upgrade takes %.2f s; %d kills, seed %d"
              % (mode, duration, KILLS, SEED), flush=True)

        outcomes = {"base": 0, "between": 0, "head": 0, "finished before the kill": 0}
        for n in range(KILLS):
            self.reset_database(project)
            delay = rng.uniform(0.0, duration)
            label = "%s kill %d (after %.3f s, seed %d)" % (mode, n + 1, delay, SEED)
            proc = subprocess.Popen(self.migrator(project, "upgrade", "head"), env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate()
            if proc.returncode != -signal.SIGKILL:
                self.assertEqual(proc.returncode, 0, "%s: %s" % (label, err))
                outcomes["finished before the kill"] += 1

            applied = self.check_state(db_path, mode, label)
            if proc.returncode == -signal.SIGKILL:
                outcomes["base" if applied == 0 else "head" if applied == REVS else "between"] += 1

            self.run_to_end(project)
            self.assertEqual(self.check_state(db_path, mode, label + ", re-run"), REVS, label)

        print("# %s: states found after the kills: %s" % (mode, outcomes), flush=True)

    def test_all(self):
        self.crash_mode("all")

    def test_per_revision(self):
        self.crash_mode("per-revision")


if __name__ == "__main__":
    BIN = safetylib.migrator_bin()
    for arg in list(sys.argv[1:]):
        if arg.startswith("--kills="):
            sys.argv.remove(arg)
            if "MIGRATOR_CRASH_KILLS" not in os.environ:
                KILLS = int(arg[len("--kills="):])
    unittest.main(verbosity=2)
