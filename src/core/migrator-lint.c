/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-lint"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "migrator-graph.h"
#include "migrator-lint.h"
#include "migrator-revision.h"
#include "migrator-sql.h"

/* The rules come from the guide's best practices and SQLite's hazards.
 * The dynamic ones (prepare-failure, checksum-changed, round-trip,
 * schema-drift) are found by `migrator check` and `status`. */
static const MigratorLintRule rules[] = {
  { "not-null-without-default", MIGRATOR_SEVERITY_ERROR,
    N_("A NOT NULL column is added without a DEFAULT: SQLite refuses it, and existing rows would have no value") },
  { "missing-downgrade", MIGRATOR_SEVERITY_WARNING,
    N_("The revision has no downgrade section, so it cannot be undone") },
  { "empty-downgrade", MIGRATOR_SEVERITY_WARNING,
    N_("The downgrade section is empty although the upgrade changes the database") },
  { "vague-message", MIGRATOR_SEVERITY_WARNING,
    N_("The message does not say what the revision changes") },
  { "destructive", MIGRATOR_SEVERITY_WARNING,
    N_("The upgrade drops a table or column or deletes every row: data is lost") },
  { "pragma-foreign-keys", MIGRATOR_SEVERITY_ERROR,
    N_("PRAGMA foreign_keys inside a transactional revision does nothing: Migrator handles it around the transaction") },
  { "prepare-failure", MIGRATOR_SEVERITY_ERROR,
    N_("A statement fails on the schema at this revision") },
  { "checksum-changed", MIGRATOR_SEVERITY_WARNING,
    N_("The file changed after the revision was applied") },
  { "multiple-heads", MIGRATOR_SEVERITY_WARNING,
    N_("The project has several heads: merge them") },
  { "round-trip", MIGRATOR_SEVERITY_ERROR,
    N_("Upgrade, downgrade and upgrade again do not give back the same schema") },
  { "schema-drift", MIGRATOR_SEVERITY_ERROR,
    N_("The schema at head differs from schema.sql") },
  { NULL, 0, NULL }
};

static const char *const vague_messages[] = {
  "update", "updates", "update db", "update database", "update schema", "fix",
  "fixes", "changes", "change", "wip", "migration", "new migration", "misc",
  "stuff", "test", "temp", "tmp", "db", "schema", "db changes", "schema changes",
  "auto", "autogenerate", "revision", "new revision", "todo", "asdf", NULL
};

const MigratorLintRule *
migrator_lint_get_rules (void)
{
  return rules;
}

const MigratorLintRule *
migrator_lint_find_rule (const char *id)
{
  for (guint i = 0; rules[i].id != NULL; i++)
    if (g_strcmp0 (rules[i].id, id) == 0)
      return &rules[i];
  return NULL;
}

const char *
migrator_severity_to_string (MigratorSeverity severity)
{
  switch (severity)
    {
    case MIGRATOR_SEVERITY_INFO:
      return "info";
    case MIGRATOR_SEVERITY_WARNING:
      return "warning";
    case MIGRATOR_SEVERITY_ERROR:
    default:
      return "error";
    }
}

MigratorFinding *
migrator_finding_new (const char       *rule,
                      MigratorSeverity  severity,
                      MigratorRevision *revision,
                      guint             line,
                      const char       *message)
{
  MigratorFinding *self = g_new0 (MigratorFinding, 1);

  self->rule = g_strdup (rule);
  self->severity = severity;
  if (revision != NULL)
    {
      self->revision = g_strdup (migrator_revision_get_id (revision));
      self->path = g_strdup (migrator_revision_get_path (revision));
    }
  self->line = line;
  self->message = g_strdup (message);
  return self;
}

void
migrator_finding_free (MigratorFinding *self)
{
  if (self == NULL)
    return;

  g_free (self->rule);
  g_free (self->revision);
  g_free (self->path);
  g_free (self->message);
  g_free (self);
}

void
migrator_lint_add (GPtrArray        *findings,
                   MigratorRevision *revision,
                   MigratorFinding  *finding)
{
  if (revision != NULL &&
      g_strv_contains (migrator_revision_get_allowed_rules (revision), finding->rule))
    {
      migrator_finding_free (finding);
      return;
    }
  g_ptr_array_add (findings, finding);
}

int
migrator_lint_worst (GPtrArray *findings)
{
  int worst = -1;

  for (guint i = 0; i < findings->len; i++)
    worst = MAX (worst, (int) ((MigratorFinding *) g_ptr_array_index (findings, i))->severity);
  return worst;
}

/* Comments removed and whitespace collapsed to one space, quoted text kept
 * as written: enough for recognising statement shapes (case-insensitively),
 * not for running them. */
static char *
normalise (const char *sql)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = sql;

  while (*p != '\0')
    {
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
          continue;
        }
      if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          p = end != NULL ? end + 2 : p + strlen (p);
          g_string_append_c (out, ' ');
          continue;
        }
      if (*p == '\'' || *p == '"' || *p == '`' || *p == '[')
        {
          char close = *p == '[' ? ']' : *p;

          g_string_append_c (out, *p++);
          while (*p != '\0')
            {
              g_string_append_c (out, *p);
              if (*p++ == close)
                {
                  if (*p != close || close == ']')
                    break;
                  g_string_append_c (out, *p++);
                }
            }
          continue;
        }
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
          p++;
          continue;
        }
      g_string_append_c (out, *p++);
    }

  while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == ';'))
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
matches (const char  *pattern,
         const char  *text,
         char       **group1,
         char       **group2)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) info = NULL;

  g_assert (regex != NULL);
  if (!g_regex_match (regex, text, 0, &info))
    return FALSE;
  if (group1 != NULL)
    *group1 = g_match_info_fetch (info, 1);
  if (group2 != NULL)
    *group2 = g_match_info_fetch (info, 2);
  return TRUE;
}

#define IDENT "(\"(?:[^\"]|\"\")+\"|`[^`]+`|\\[[^\\]]+\\]|[A-Za-z_0-9$.]+)"

static void
add_finding (GPtrArray        *findings,
             MigratorRevision *revision,
             const char       *rule_id,
             guint             line,
             const char       *message)
{
  const MigratorLintRule *rule = migrator_lint_find_rule (rule_id);

  g_assert (rule != NULL);
  migrator_lint_add (findings, revision,
                     migrator_finding_new (rule->id, rule->severity, revision, line, message));
}

static void
lint_statement (GPtrArray         *findings,
                MigratorRevision  *revision,
                MigratorStatement *statement,
                gboolean           upgrade)
{
  g_autofree char *text = normalise (statement->sql);
  g_autofree char *name = NULL;
  g_autofree char *column_def = NULL;

  if (matches ("^ALTER TABLE " IDENT " ADD (?:COLUMN )?(.*)$", text, NULL, &column_def))
    {
      if (!matches ("^CONSTRAINT ", column_def, NULL, NULL) &&
          matches ("\\bNOT NULL\\b", column_def, NULL, NULL) &&
          !matches ("\\bDEFAULT\\b", column_def, NULL, NULL) &&
          !matches ("\\b(GENERATED ALWAYS )?AS \\(", column_def, NULL, NULL))
        {
          g_autofree char *message =
            g_strdup_printf (_("line %u adds a NOT NULL column without a DEFAULT; add a DEFAULT, "
                               "or add it nullable, fill it, then SET NOT NULL"),
                             statement->line);
          add_finding (findings, revision, "not-null-without-default", statement->line, message);
        }
    }

  if (matches ("^PRAGMA (?:MAIN\\.)?FOREIGN_KEYS\\b", text, NULL, NULL) &&
      migrator_revision_get_transactional (revision))
    {
      g_autofree char *message =
        g_strdup_printf (_("line %u sets PRAGMA foreign_keys, which SQLite ignores inside a transaction; "
                           "remove it (Migrator turns foreign keys off around every run)"),
                         statement->line);
      add_finding (findings, revision, "pragma-foreign-keys", statement->line, message);
    }

  if (!upgrade)
    return;

  if (matches ("^DROP TABLE (?:IF EXISTS )?" IDENT, text, &name, NULL) ||
      matches ("^ALTER TABLE " IDENT " DROP (?:COLUMN )?(?!CONSTRAINT\\b)", text, &name, NULL) ||
      matches ("^DELETE FROM " IDENT "$", text, &name, NULL))
    {
      g_autofree char *message =
        g_strdup_printf (_("line %u destroys data in %s; make sure the downgrade can bring it back, "
                           "or allow the rule with '-- allow: destructive'"),
                         statement->line, name);
      add_finding (findings, revision, "destructive", statement->line, message);
    }
}

static gboolean
message_is_vague (const char *message)
{
  g_autofree char *lower = g_utf8_strdown (message, -1);
  g_autofree char *stripped = g_strstrip (g_strdup (lower));
  g_auto(GStrv) words = g_strsplit_set (stripped, " \t", -1);
  guint n_words = 0;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      n_words++;

  return n_words < 2 || g_utf8_strlen (stripped, -1) < 10 ||
         g_strv_contains (vague_messages, stripped);
}

GPtrArray *
migrator_lint_revision (MigratorRevision *revision)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_finding_free);
  GPtrArray *upgrade = migrator_revision_get_upgrade_statements (revision);
  GPtrArray *downgrade = migrator_revision_get_downgrade_statements (revision);

  g_return_val_if_fail (MIGRATOR_IS_REVISION (revision), findings);

  if (message_is_vague (migrator_revision_get_message (revision)))
    {
      g_autofree char *message =
        g_strdup_printf (_("message '%s' is vague; say what changes, e.g. 'Add position_percent to total_table'"),
                         migrator_revision_get_message (revision));
      add_finding (findings, revision, "vague-message",
                   migrator_revision_get_header_line (revision, "message"), message);
    }

  if (downgrade == NULL)
    add_finding (findings, revision, "missing-downgrade", 0,
                 _("no '-- migrate:downgrade' section: the revision cannot be undone"));
  else if (downgrade->len == 0 && upgrade->len > 0)
    add_finding (findings, revision, "empty-downgrade", 0,
                 _("the downgrade section is empty, so a downgrade keeps the upgrade's changes"));

  for (guint i = 0; i < upgrade->len; i++)
    lint_statement (findings, revision, g_ptr_array_index (upgrade, i), TRUE);
  for (guint i = 0; downgrade != NULL && i < downgrade->len; i++)
    lint_statement (findings, revision, g_ptr_array_index (downgrade, i), FALSE);

  return findings;
}

GPtrArray *
migrator_lint_graph (MigratorGraph *graph)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_finding_free);
  g_autoptr(GPtrArray) ordered = migrator_graph_get_ordered (graph);
  g_autoptr(GPtrArray) heads = migrator_graph_get_heads (graph);

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), findings);

  for (guint i = 0; i < ordered->len; i++)
    {
      g_autoptr(GPtrArray) one = migrator_lint_revision (g_ptr_array_index (ordered, i));

      g_ptr_array_extend_and_steal (findings, g_steal_pointer (&one));
    }

  if (heads->len > 1)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      g_autofree char *message = NULL;

      for (guint i = 0; i < heads->len; i++)
        g_string_append_printf (list, "%s%s", i > 0 ? ", " : "",
                                migrator_revision_get_id (g_ptr_array_index (heads, i)));
      message = g_strdup_printf (_("the project has %u heads (%s); run 'migrator merge -m MESSAGE' to join them"),
                                 heads->len, list->str);
      add_finding (findings, NULL, "multiple-heads", 0, message);
    }

  return findings;
}
