/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-check"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-check.h"
#include "migrator-config.h"
#include "migrator-database.h"
#include "migrator-diff.h"
#include "migrator-graph.h"
#include "migrator-project.h"
#include "migrator-revision.h"
#include "migrator-schema.h"
#include "migrator-sql.h"

typedef struct
{
  MigratorProject  *project;
  MigratorGraph    *graph;
  MigratorDatabase *scratch;
  const char       *ignored[3];
  GPtrArray        *findings;
  GCancellable     *cancellable;
  MigratorLogFunc   log;
  gpointer          user_data;
} Check;

static void
add (Check            *check,
     const char       *rule_id,
     MigratorRevision *revision,
     const char       *message)
{
  const MigratorLintRule *rule = migrator_lint_find_rule (rule_id);

  g_assert (rule != NULL);
  migrator_lint_add (check->findings, revision,
                     migrator_finding_new (rule->id, rule->severity, revision, 0, message));
}

static void
say (Check      *check,
     const char *message)
{
  if (check->log != NULL)
    check->log (MIGRATOR_LOG_LEVEL_INFO, message, check->user_data);
}

/* "+ column t.c: …; - index i" — at most a few lines of the difference. */
static char *
describe_diff (GPtrArray *changes)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < changes->len && i < 5; i++)
    {
      g_autofree char *line = migrator_schema_change_to_string (g_ptr_array_index (changes, i));

      g_string_append_printf (out, "%s%s", i > 0 ? "; " : "", line);
    }
  if (changes->len > 5)
    g_string_append_printf (out, _("; and %u more"), changes->len - 5);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static MigratorSchema *
read_schema (Check   *check,
             GError **error)
{
  return migrator_schema_new_from_connection (migrator_database_get_handle (check->scratch),
                                              check->ignored, error);
}

static gboolean
run_step (Check             *check,
          const char        *target,
          MigratorDirection  direction,
          GError           **error)
{
  MigratorRunOptions options = { 0 };
  g_autoptr(MigratorRunResult) result = NULL;

  options.transaction = MIGRATOR_TRANSACTION_ALL;
  options.cancellable = check->cancellable;
  result = migrator_runner_run (check->scratch, check->graph, target, direction, &options, error);
  return result != NULL;
}

/* Compares the scratch database's schema with @expected; a difference is
 * a "round-trip" finding. */
static gboolean
same_schema (Check            *check,
             MigratorSchema   *expected,
             MigratorRevision *revision,
             const char       *what,
             GError          **error)
{
  g_autoptr(MigratorSchema) now = read_schema (check, error);
  g_autoptr(GPtrArray) changes = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *message = NULL;

  if (now == NULL)
    return FALSE;

  changes = migrator_schema_diff (expected, now);
  if (changes->len == 0)
    return TRUE;

  detail = describe_diff (changes);
  message = g_strdup_printf ("%s: %s", what, detail);
  add (check, "round-trip", revision, message);
  return FALSE;
}

/* One revision of the stairway: upgrade, downgrade, upgrade. Returns FALSE
 * when the rest of the round trip cannot go on. */
static gboolean
round_trip_one (Check            *check,
                MigratorRevision *revision,
                GError          **error)
{
  const char *id = migrator_revision_get_id (revision);
  g_autofree char *below = g_strdup_printf ("%s-1", id);
  g_autoptr(MigratorSchema) before = NULL;
  g_autoptr(MigratorSchema) after = NULL;
  g_autoptr(GError) step_error = NULL;

  if ((before = read_schema (check, error)) == NULL)
    return FALSE;

  if (!run_step (check, id, MIGRATOR_DIRECTION_UPGRADE, &step_error))
    goto failed;

  if ((after = read_schema (check, error)) == NULL)
    return FALSE;

  /* An irreversible revision is already a lint finding; go on above it. */
  if (!migrator_revision_is_reversible (revision))
    return TRUE;

  if (!run_step (check, below, MIGRATOR_DIRECTION_DOWNGRADE, &step_error))
    goto failed;
  if (!same_schema (check, before, revision, _("the downgrade does not restore the schema"), error))
    return FALSE;

  if (!run_step (check, id, MIGRATOR_DIRECTION_UPGRADE, &step_error))
    goto failed;
  return same_schema (check, after, revision, _("upgrading again gives another schema"), error);

failed:
  if (g_error_matches (step_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&step_error));
      return FALSE;
    }
  add (check, "prepare-failure", revision, step_error->message);
  return FALSE;
}

static gboolean
round_trip (Check   *check,
            GError **error)
{
  g_autoptr(GPtrArray) ordered = migrator_graph_get_ordered (check->graph);
  g_autoptr(GError) local_error = NULL;

  for (guint i = 0; i < ordered->len; i++)
    {
      MigratorRevision *revision = g_ptr_array_index (ordered, i);

      if (!round_trip_one (check, revision, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;
        }
    }

  return TRUE;
}

static gboolean
sql_has_statements (const char *sql)
{
  g_autoptr(GPtrArray) statements = migrator_sql_split (sql, 1);

  return statements->len > 0;
}

static gboolean
compare_with_schema_file (Check   *check,
                          GError **error)
{
  g_autofree char *path = migrator_project_get_schema_path (check->project);
  g_autofree char *text = NULL;
  g_autoptr(MigratorSchema) wanted = NULL;
  g_autoptr(MigratorSchema) head = NULL;
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *message = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !sql_has_statements (text))
    return TRUE;

  wanted = migrator_schema_new_from_sql (text, path, check->ignored, &local_error);
  if (wanted == NULL)
    {
      add (check, "schema-drift", NULL, local_error->message);
      return TRUE;
    }

  if (!run_step (check, "heads", MIGRATOR_DIRECTION_UPGRADE, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The failing revision is already a finding of the round trip. */
      return TRUE;
    }

  if ((head = read_schema (check, error)) == NULL)
    return FALSE;

  changes = migrator_schema_diff (head, wanted);
  if (changes->len == 0)
    return TRUE;

  detail = describe_diff (changes);
  message = g_strdup_printf (_("the schema at head differs from %s (%u differences: %s); "
                               "run 'migrator revision --autogenerate -m MESSAGE'"),
                             migrator_project_get_config (check->project)->schema,
                             changes->len, detail);
  add (check, "schema-drift", NULL, message);
  return TRUE;
}

static void
remove_scratch (const char *dir,
                const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (journal);
  g_rmdir (dir);
}

GPtrArray *
migrator_check_run (MigratorProject    *project,
                    const char *const  *changed,
                    GCancellable       *cancellable,
                    MigratorLogFunc     log,
                    gpointer            user_data,
                    GError            **error)
{
  MigratorConfig *config;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *scratch_path = NULL;
  Check check = { 0 };
  gboolean ok;

  g_return_val_if_fail (MIGRATOR_IS_PROJECT (project), NULL);

  config = migrator_project_get_config (project);
  check.project = project;
  check.graph = migrator_project_get_graph (project);
  check.ignored[0] = config->version_table;
  check.ignored[1] = config->history_table;
  check.cancellable = cancellable;
  check.log = log;
  check.user_data = user_data;

  say (&check, _("Checking the revisions"));
  findings = migrator_lint_graph (check.graph);
  check.findings = findings;

  for (guint i = 0; changed != NULL && changed[i] != NULL; i++)
    {
      MigratorRevision *revision = migrator_graph_lookup (check.graph, changed[i]);
      g_autofree char *message = g_strdup_printf (_("%s changed after the revision was applied to the database"),
                                                  revision != NULL ? migrator_revision_get_path (revision) : changed[i]);

      add (&check, "checksum-changed", revision, message);
    }

  dir = g_dir_make_tmp ("migrator-check-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  scratch_path = g_build_filename (dir, "scratch.db", NULL);

  check.scratch = migrator_database_open (scratch_path, config->version_table, config->history_table,
                                          config->lock_timeout_ms, TRUE, error);
  ok = check.scratch != NULL;

  if (ok)
    {
      say (&check, _("Upgrading, downgrading and upgrading again every revision on a scratch database"));
      ok = round_trip (&check, error);
    }
  if (ok)
    {
      say (&check, _("Comparing the schema at head with schema.sql"));
      ok = compare_with_schema_file (&check, error);
    }

  g_clear_pointer (&check.scratch, migrator_database_close);
  remove_scratch (dir, scratch_path);

  if (!ok)
    return NULL;
  return g_steal_pointer (&findings);
}
