# SPDX-License-Identifier: GPL-3.0-or-later
"""migrator check: lint, the upgrade/downgrade/upgrade round trip on a
scratch database, schema.sql drift and changed files."""

import os

import clitest


class CheckTests(clitest.CliTestCase):
    def findings(self, project, code):
        result = self.run_cli("--json", "check", project=project)
        self.assertEqual(result.code, code, result)
        data = result.json()
        self.assertEqual(data["ok"], code == 0)
        for finding in data["findings"]:
            self.assertEqual(set(finding) >= {"rule", "severity", "revision", "message"}, True)
        return data["findings"]

    def rules(self, findings):
        return sorted((f["rule"], f["revision"]) for f in findings)

    def test_sample_is_clean(self):
        project = self.copy_sample()
        self.assertEqual(self.findings(project, 0), [])
        result = self.ok("check", project=project)
        self.assertIn("No problems found", result.out)
        # check never touches the project's database
        self.assertFalse(os.path.exists(os.path.join(project, "imobile.db")))

    def test_downgrade_that_does_not_undo(self):
        project = self.new_project()
        self.write_revision(project, "a1", message="Create the users table",
                            upgrade="CREATE TABLE users (id INTEGER PRIMARY KEY);",
                            downgrade="DROP TABLE users;")
        self.write_revision(project, "b2", "a1", message="Add an email column to users",
                            upgrade="ALTER TABLE users ADD COLUMN email TEXT;",
                            downgrade="CREATE TABLE forgotten (x);")
        findings = self.findings(project, 1)
        self.assertIn(("round-trip", "b2"), self.rules(findings))
        trip = [f for f in findings if f["rule"] == "round-trip"][0]
        self.assertEqual(trip["severity"], "error")
        self.assertIn("email", trip["message"])
        result = self.run_cli("check", project=project)
        self.assertEqual(result.code, 1, result)
        self.assertIn("[round-trip]", result.out)
        self.assertIn("1 errors", result.out)

    def test_failing_statement(self):
        project = self.new_project()
        self.write_revision(project, "a1", message="Create the users table",
                            upgrade="CREATE TABLE users (id INTEGER PRIMARY KEY);",
                            downgrade="DROP TABLE users;")
        self.write_revision(project, "b2", "a1", message="Index a column that is not there",
                            upgrade="CREATE INDEX ix ON users (nope);",
                            downgrade="DROP INDEX ix;")
        findings = self.findings(project, 1)
        failure = [f for f in findings if f["rule"] == "prepare-failure"]
        self.assertEqual(len(failure), 1, findings)
        self.assertEqual(failure[0]["revision"], "b2")
        self.assertIn("nope", failure[0]["message"])

    def test_lint_warnings_do_not_fail(self):
        project = self.new_project()
        self.write_revision(project, "a1", message="wip",
                            upgrade="CREATE TABLE t (id INTEGER);", downgrade="DROP TABLE t;")
        findings = self.findings(project, 0)
        self.assertEqual(self.rules(findings), [("vague-message", "a1")])
        self.assertEqual(findings[0]["severity"], "warning")

    def test_lint_error_fails_and_allow_silences(self):
        project = self.new_project()
        self.write_revision(project, "a1", message="Create the users table",
                            upgrade="CREATE TABLE users (id INTEGER);\nPRAGMA foreign_keys = OFF;",
                            downgrade="DROP TABLE users;")
        self.assertIn(("pragma-foreign-keys", "a1"), self.rules(self.findings(project, 1)))
        self.write_revision(project, "a1", message="Create the users table",
                            extra="-- allow: pragma-foreign-keys",
                            upgrade="CREATE TABLE users (id INTEGER);\nPRAGMA foreign_keys = OFF;",
                            downgrade="DROP TABLE users;")
        self.assertEqual(self.findings(project, 0), [])

    def test_schema_drift(self):
        project = self.copy_sample()
        with open(os.path.join(project, "schema.sql"), "a") as f:
            f.write("\nCREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);\n")
        findings = self.findings(project, 1)
        drift = [f for f in findings if f["rule"] == "schema-drift"]
        self.assertEqual(len(drift), 1, findings)
        self.assertIn("audit", drift[0]["message"])
        self.assertIsNone(drift[0]["revision"])

    def test_changed_file_after_apply(self):
        project = self.copy_sample()
        self.ok("upgrade", "heads", project=project)
        path = [p for p in os.listdir(os.path.join(project, "versions")) if p.startswith("1975ea83b712")][0]
        with open(os.path.join(project, "versions", path), "a") as f:
            f.write("\n-- edited after it was applied\n")
        findings = self.findings(project, 0)
        self.assertEqual(self.rules(findings), [("checksum-changed", "1975ea83b712")])

    def test_invalid_project_exits_3(self):
        project = self.new_project()
        self.write_revision(project, "a1", "zz")
        self.fails(3, "check", project=project)


if __name__ == "__main__":
    clitest.main()
