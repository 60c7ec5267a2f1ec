/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-runner"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-batch.h"
#include "migrator-error.h"
#include "migrator-revision.h"
#include "migrator-runner.h"
#include "migrator-sql.h"

/* How many SQLite virtual machine steps between two looks at the
 * cancellable: small enough to stop a long statement within milliseconds. */
#define PROGRESS_HANDLER_STEPS 1000

/* The state of one run, shared by execution and --sql generation. */
typedef struct
{
  MigratorDatabase         *db;        /* NULL when generating SQL */
  GString                  *sql_out;   /* non-NULL when generating SQL */
  sqlite3                  *scratch;   /* generating SQL: the schema replayed in memory */
  const MigratorRunOptions *options;
  char                     *backup;
  char                     *run_id;        /* of every history row this run writes */
  gint64                    rows_written;  /* by revision statements */
  const char               *txn_first;     /* revisions run in the open transaction, */
  const char               *txn_last;      /* named by a failed foreign key check */
} RunContext;

const char *
migrator_direction_to_string (MigratorDirection direction)
{
  return direction == MIGRATOR_DIRECTION_DOWNGRADE ? "downgrade" : "upgrade";
}

void
migrator_run_result_free (MigratorRunResult *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->from);
  g_strfreev (self->to);
  g_clear_pointer (&self->applied, g_ptr_array_unref);
  g_clear_pointer (&self->changes, g_ptr_array_unref);
  g_free (self->backup);
  g_free (self->sql);
  g_free (self->path);
  g_free (self);
}

MigratorRunResult *
migrator_run_result_new (MigratorDirection  direction,
                         const char *const *from)
{
  MigratorRunResult *self = g_new0 (MigratorRunResult, 1);

  self->direction = direction;
  self->from = from ? g_strdupv ((char **) from) : g_new0 (char *, 1);
  self->to = g_strdupv (self->from);
  self->applied = g_ptr_array_new_with_free_func (g_free);
  self->changes = g_ptr_array_new_with_free_func (g_free);
  return self;
}

static void G_GNUC_PRINTF (3, 4)
run_log (RunContext       *ctx,
         MigratorLogLevel  level,
         const char       *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (level == MIGRATOR_LOG_LEVEL_WARNING)
    g_debug ("warning: %s", message);
  else
    g_debug ("%s", message);

  if (ctx->options != NULL && ctx->options->log != NULL)
    ctx->options->log (level, message, ctx->options->user_data);
}

static void
run_progress (RunContext *ctx,
              double      fraction,
              const char *text)
{
  if (ctx->options != NULL && ctx->options->progress != NULL)
    ctx->options->progress (fraction, text, ctx->options->user_data);
}

static GCancellable *
run_cancellable (RunContext *ctx)
{
  return ctx->options != NULL ? ctx->options->cancellable : NULL;
}

static int
progress_handler_cb (void *user_data)
{
  return g_cancellable_is_cancelled (G_CANCELLABLE (user_data)) ? 1 : 0;
}

static char *
revision_file_name (MigratorRevision *revision)
{
  const char *path = migrator_revision_get_path (revision);

  return path != NULL ? g_path_get_basename (path) : g_strdup (migrator_revision_get_id (revision));
}

static char *
first_line (const char *sql)
{
  const char *end = strchr (sql, '\n');
  g_autofree char *line = end ? g_strndup (sql, end - sql) : g_strdup (sql);

  g_strstrip (line);
  if (end != NULL && end[1] != '\0')
    return g_strconcat (line, " …", NULL);
  return g_steal_pointer (&line);
}

/* Replaces @error by one naming the revision, file:line and statement. */
static void
prefix_statement_error (GError           **error,
                        MigratorRevision  *revision,
                        guint              line,
                        const char        *sql)
{
  g_autofree char *file = revision_file_name (revision);
  g_autofree char *statement = first_line (sql);
  GError *original = *error;

  *error = g_error_new (original->domain, original->code,
                        _("Revision %s failed at %s:%u: %s\n  statement: %s"),
                        migrator_revision_get_id (revision), file, line,
                        original->message, statement);
  g_error_free (original);
}

static guint
count_lines (const char *start,
             const char *end)
{
  guint n = 0;

  for (const char *p = start; p < end; p++)
    if (*p == '\n')
      n++;
  return n;
}

/* The one function through which every statement of a revision is run
 * (or, for --sql, written): the place where a later batch ALTER TABLE
 * rewrite hooks in. Runs every statement of @statement->sql (the
 * sqlite3_prepare_v2 loop over the tail), naming revision, file:line and
 * SQLite's message on failure. */
gboolean migrator_runner_execute_statement (RunContext               *ctx,
                                            MigratorRevision         *revision,
                                            const MigratorStatement  *statement,
                                            GError                  **error);

gboolean
migrator_runner_execute_statement (RunContext               *ctx,
                                   MigratorRevision         *revision,
                                   const MigratorStatement  *statement,
                                   GError                  **error)
{
  sqlite3 *db;
  const char *sql = statement->sql;
  const char *tail = sql;

  if (ctx->sql_out != NULL)
    {
      g_autofree char *text = g_strdup (statement->sql);

      g_strstrip (text);
      g_string_append_printf (ctx->sql_out, "%s\n", text);
      if (!g_str_has_suffix (text, ";"))
        g_string_append (ctx->sql_out, ";\n");
      return TRUE;
    }

  db = migrator_database_get_handle (ctx->db);

  while (tail != NULL && *tail != '\0')
    {
      const char *start = tail;
      sqlite3_stmt *stmt = NULL;
      guint line;
      int rc;

      if (g_cancellable_set_error_if_cancelled (run_cancellable (ctx), error))
        return FALSE;

      while (g_ascii_isspace (*start))
        start++;
      line = statement->line + count_lines (sql, start);

      rc = sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail);
      if (rc == SQLITE_OK && stmt != NULL)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
          else
            rc = sqlite3_reset (stmt) != SQLITE_OK ? sqlite3_errcode (db) : rc;
        }

      if (rc != SQLITE_OK)
        {
          g_autofree char *text = g_strndup (start, tail && tail > start ? (gsize) (tail - start) : strlen (start));

          migrator_database_set_error (ctx->db, rc, error, NULL);
          sqlite3_finalize (stmt);
          prefix_statement_error (error, revision, line, text);
          return FALSE;
        }

      sqlite3_finalize (stmt);
    }

  return TRUE;
}

static gboolean
run_foreign_key_check (RunContext  *ctx,
                       GError     **error)
{
  sqlite3 *db = migrator_database_get_handle (ctx->db);
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *first_table = NULL;
  g_autofree char *first_parent = NULL;
  g_autofree char *revisions = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return migrator_database_set_error (ctx->db, rc, error, "PRAGMA foreign_key_check");

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (stmt, 0);
      const char *parent = (const char *) sqlite3_column_text (stmt, 2);

      if (n == 0)
        {
          first_table = g_strdup (table);
          first_parent = g_strdup (parent);
        }
      if (n < 20)
        {
          if (sqlite3_column_type (stmt, 1) == SQLITE_NULL)
            g_string_append_printf (detail, _("\n  table %s (no rowid) references missing row in %s"),
                                    table, parent);
          else
            g_string_append_printf (detail, _("\n  table %s rowid %lld references missing row in %s"),
                                    table, (long long) sqlite3_column_int64 (stmt, 1), parent);
        }
      n++;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return migrator_database_set_error (ctx->db, rc, error, "PRAGMA foreign_key_check");

  if (n > 0)
    {
      if (n > 20)
        g_string_append_printf (detail, _("\n  … and %u more"), n - 20);
      if (ctx->txn_first == NULL || g_strcmp0 (ctx->txn_first, ctx->txn_last) == 0)
        revisions = g_strdup_printf (_("revision %s"), ctx->txn_last ? ctx->txn_last : "?");
      else
        revisions = g_strdup_printf (_("revisions %s to %s"), ctx->txn_first, ctx->txn_last);
      /* Translators: "after revision X: 3 rows of trade_log violate a foreign key to user" */
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   ngettext ("Foreign key check failed after %s: %u row of %s violates its foreign key to %s; rolled back%s",
                             "Foreign key check failed after %s: %u rows violate foreign keys, the first in %s (to %s); rolled back%s", n),
                   revisions, n, first_table, first_parent, detail->str);
      return FALSE;
    }

  return TRUE;
}

static gboolean
commit_checked (RunContext  *ctx,
                GError     **error)
{
  gboolean ok = run_foreign_key_check (ctx, error);

  ctx->txn_first = ctx->txn_last = NULL;
  if (!ok)
    {
      migrator_database_rollback (ctx->db);
      return FALSE;
    }

  return migrator_database_commit (ctx->db, error);
}

static gboolean
same_rows (const char *const *a,
           const char *const *b)
{
  guint na = a ? g_strv_length ((char **) a) : 0;
  guint nb = b ? g_strv_length ((char **) b) : 0;

  if (na != nb)
    return FALSE;
  for (guint i = 0; i < na; i++)
    if (!g_strv_contains (b, a[i]))
      return FALSE;
  return TRUE;
}

/* After the lock was released (per-revision, non-transactional) the next
 * transaction must start where the previous one ended. */
static gboolean
begin_expecting (RunContext         *ctx,
                 const char *const  *expected,
                 GError            **error)
{
  g_auto(GStrv) rows = NULL;

  if (!migrator_database_begin (ctx->db, error))
    return FALSE;

  rows = migrator_database_read_versions (ctx->db, error);
  if (rows == NULL)
    {
      migrator_database_rollback (ctx->db);
      return FALSE;
    }

  if (!same_rows ((const char *const *) rows, expected))
    {
      g_autofree char *found = g_strjoinv (", ", rows);

      migrator_database_rollback (ctx->db);
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("The version table was changed by another process during the run (now: %s)"),
                   *found ? found : "base");
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  gint64  started_us;
  char   *started_at;
} StepClock;

static MigratorHistoryEntry *
history_entry_for (RunContext        *ctx,
                   MigratorRevision  *revision,
                   const char        *direction,
                   StepClock         *clock,
                   const char        *outcome,
                   const char        *message)
{
  MigratorHistoryEntry *entry = migrator_history_entry_new ();

  entry->revision = revision ? g_strdup (migrator_revision_get_id (revision)) : NULL;
  entry->direction = g_strdup (direction);
  entry->checksum = revision ? g_strdup (migrator_revision_get_checksum (revision)) : NULL;
  entry->started_at = g_strdup (clock->started_at);
  entry->finished_at = migrator_database_now_iso8601 ();
  entry->duration_ms = (g_get_monotonic_time () - clock->started_us) / 1000;
  entry->backup = g_strdup (ctx->backup);
  entry->tool_version = g_strdup (PACKAGE_VERSION);
  entry->outcome = g_strdup (outcome);
  entry->message = g_strdup (message);
  entry->run_id = g_strdup (ctx->run_id);
  return entry;
}

static void
step_clock_start (StepClock *clock)
{
  g_free (clock->started_at);
  clock->started_at = migrator_database_now_iso8601 ();
  clock->started_us = g_get_monotonic_time ();
}

/* Failures are recorded after the rollback, in their own transaction. */
static void
record_failure (RunContext       *ctx,
                MigratorRevision *revision,
                const char       *direction,
                StepClock        *clock,
                const GError     *failure)
{
  g_autoptr(MigratorHistoryEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancelled = g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  migrator_database_rollback (ctx->db);
  entry = history_entry_for (ctx, revision, direction, clock,
                             cancelled ? "cancelled" : "failed", failure->message);
  if (!migrator_database_record_history (ctx->db, entry, &error))
    run_log (ctx, MIGRATOR_LOG_LEVEL_WARNING,
             _("Could not record the failure in the history table: %s"), error->message);
}

static GPtrArray *
step_statements (MigratorPlanStep *step)
{
  if (step->direction == MIGRATOR_DIRECTION_DOWNGRADE)
    return migrator_revision_get_downgrade_statements (step->revision);
  return migrator_revision_get_upgrade_statements (step->revision);
}

/* migrator-batch (SPEC §3.1), hooked in by the batch ALTER code: the batch
 * statements starting at @first that name the same table run as one table
 * rebuild (migrator_batch_execute(), in a savepoint of this transaction).
 * Sets *@n_run to how many statements ran: 0 when @first is not a batch
 * statement, which then runs natively. */
static gboolean
run_batch_group (RunContext        *ctx,
                 MigratorRevision  *revision,
                 GPtrArray         *statements,
                 guint              first,
                 guint             *n_run,
                 GError           **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_batch_op_free);
  const MigratorStatement *statement = statements->pdata[first];

  *n_run = 0;
  for (guint i = first; i < statements->len; i++)
    {
      const MigratorStatement *next = statements->pdata[i];
      g_autoptr(GError) local_error = NULL;
      MigratorBatchOp *op = NULL;

      if (!migrator_batch_parse (next->sql, &op, &local_error))
        {
          if (i > first)
            break;  /* reported when it comes first */
          g_propagate_error (error, g_steal_pointer (&local_error));
          prefix_statement_error (error, revision, next->line, next->sql);
          return FALSE;
        }
      if (op == NULL ||
          (ops->len > 0 && g_ascii_strcasecmp (op->table, ((MigratorBatchOp *) ops->pdata[0])->table) != 0))
        {
          migrator_batch_op_free (op);
          break;
        }
      op->line = next->line;
      g_ptr_array_add (ops, op);
    }

  if (ops->len == 0)
    return TRUE;
  *n_run = ops->len;

  if (g_cancellable_set_error_if_cancelled (run_cancellable (ctx), error))
    return FALSE;
  /* In a transaction, commit_checked() (or the dry run) checks every
   * foreign key before COMMIT; a non-transactional revision has no such
   * check after it, so the rebuild keeps its own. */
  if (!migrator_batch_execute_with_flags (migrator_database_get_handle (ctx->db), ops,
                                          migrator_database_in_transaction (ctx->db)
                                            ? MIGRATOR_BATCH_FLAGS_DEFER_FOREIGN_KEY_CHECK
                                            : MIGRATOR_BATCH_FLAGS_NONE,
                                          NULL, error))
    {
      if (g_cancellable_is_cancelled (run_cancellable (ctx)))
        {
          g_clear_error (error);
          g_cancellable_set_error_if_cancelled (run_cancellable (ctx), error);
          return FALSE;
        }
      prefix_statement_error (error, revision, statement->line, statement->sql);
      return FALSE;
    }
  run_log (ctx, MIGRATOR_LOG_LEVEL_INFO, _("Rebuilt table %s for %u batch statement(s)"),
           ((MigratorBatchOp *) ops->pdata[0])->table, ops->len);
  return TRUE;
}

static gboolean
run_step_statements (RunContext        *ctx,
                     MigratorPlanStep  *step,
                     GError           **error)
{
  GPtrArray *statements = step_statements (step);
  sqlite3 *db = ctx->db ? migrator_database_get_handle (ctx->db) : NULL;
  gint64 before = db ? sqlite3_total_changes64 (db) : 0;
  gboolean ok = TRUE;

  /* --sql: run on the replayed schema, which writes the exact statements,
   * table rebuilds included. */
  if (ctx->scratch != NULL)
    return statements == NULL ||
           migrator_batch_run_statements (ctx->scratch, statements,
                                          migrator_revision_get_id (step->revision),
                                          ctx->sql_out, error);

  for (guint i = 0; ok && statements != NULL && i < statements->len; i++)
    {
      guint n_batch = 0;

      /* migrator-batch: batch ALTER statements run as table rebuilds. */
      if (db != NULL)
        {
          ok = run_batch_group (ctx, step->revision, statements, i, &n_batch, error);
          if (!ok || n_batch > 0)
            {
              i += n_batch > 0 ? n_batch - 1 : 0;
              continue;
            }
        }
      ok = migrator_runner_execute_statement (ctx, step->revision, statements->pdata[i], error);
    }

  if (db != NULL)
    ctx->rows_written += sqlite3_total_changes64 (db) - before;
  return ok;
}

static char *
describe_step (MigratorPlanStep  *step,
               const char *const *before)
{
  g_autofree char *from = before[0] ? g_strjoinv (", ", (char **) before) : g_strdup ("base");
  g_autofree char *to = step->heads_after[0] ? g_strjoinv (", ", step->heads_after) : g_strdup ("base");

  return g_strdup_printf (_("Running %s %s -> %s, %s"),
                          migrator_direction_to_string (step->direction),
                          from, to, migrator_revision_get_message (step->revision));
}

static GHashTable *
schema_snapshot (MigratorDatabase *db)
{
  GHashTable *objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (migrator_database_get_handle (db),
                          "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
                          -1, &stmt, NULL) != SQLITE_OK)
    return objects;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (objects,
                         g_strdup_printf ("%s %s", sqlite3_column_text (stmt, 0),
                                          sqlite3_column_text (stmt, 1)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
  sqlite3_finalize (stmt);
  return objects;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

static void
describe_schema_changes (GHashTable *before,
                         GHashTable *after,
                         GPtrArray  *changes)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *old_sql = g_hash_table_lookup (before, key);

      if (!g_hash_table_contains (before, key))
        g_ptr_array_add (found, g_strdup_printf ("create %s", (char *) key));
      else if (g_strcmp0 (old_sql, value) != 0)
        g_ptr_array_add (found, g_strdup_printf ("alter %s", (char *) key));
    }

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (after, key))
      g_ptr_array_add (found, g_strdup_printf ("drop %s", (char *) key));

  g_ptr_array_sort (found, compare_strings);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (changes, g_strdup (found->pdata[i]));
}

static gboolean
check_reversible (RunContext    *ctx,
                  MigratorPlan  *plan,
                  GError       **error)
{
  for (guint i = 0; i < plan->steps->len; i++)
    {
      MigratorPlanStep *step = plan->steps->pdata[i];

      if (step->direction == MIGRATOR_DIRECTION_DOWNGRADE &&
          !migrator_revision_is_reversible (step->revision))
        {
          g_autofree char *backup = NULL;

          if (ctx->db != NULL)
            backup = migrator_runner_find_backup_before (ctx->db, migrator_revision_get_id (step->revision));
          migrator_runner_set_irreversible_error (error, step->revision, backup);
          return FALSE;
        }
    }

  return TRUE;
}

void
migrator_runner_set_irreversible_error (GError           **error,
                                        MigratorRevision  *revision,
                                        const char        *backup)
{
  g_autofree char *file = revision_file_name (revision);

  if (backup != NULL)
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_IRREVERSIBLE,
                 _("Revision %s (%s) is irreversible: it has no downgrade section\n"
                   "  the backup taken before it was applied: %s\n"
                   "  restore it with: migrator restore %s"),
                 migrator_revision_get_id (revision), file, backup, backup);
  else
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_IRREVERSIBLE,
                 _("Revision %s (%s) is irreversible: it has no downgrade section\n"
                   "  no backup was recorded before it was applied; see migrator backups"),
                 migrator_revision_get_id (revision), file);
}

char *
migrator_runner_find_backup_before (MigratorDatabase *db,
                                    const char       *revision_id)
{
  g_autoptr(GPtrArray) history = migrator_database_list_history (db, NULL);

  for (guint i = history ? history->len : 0; i > 0; i--)
    {
      MigratorHistoryEntry *entry = history->pdata[i - 1];

      if (g_strcmp0 (entry->revision, revision_id) == 0 &&
          g_strcmp0 (entry->direction, "upgrade") == 0 &&
          g_strcmp0 (entry->outcome, "ok") == 0)
        return g_strdup (entry->backup);
    }

  return NULL;
}

/* Runs a "transactional: false" revision: whatever came before is
 * committed, the revision's statements run in autocommit mode, then its
 * version rows and history row are written in their own transaction. */
static gboolean
run_non_transactional_step (RunContext         *ctx,
                            MigratorPlanStep   *step,
                            const char *const  *before,
                            StepClock          *clock,
                            GError            **error)
{
  g_autoptr(MigratorHistoryEntry) entry = NULL;

  run_log (ctx, MIGRATOR_LOG_LEVEL_WARNING,
           _("Revision %s is not transactional: it runs outside a transaction and cannot be rolled back"),
           migrator_revision_get_id (step->revision));

  if (migrator_database_in_transaction (ctx->db) && !commit_checked (ctx, error))
    return FALSE;

  step_clock_start (clock);
  if (!run_step_statements (ctx, step, error))
    return FALSE;

  if (!begin_expecting (ctx, before, error))
    return FALSE;

  entry = history_entry_for (ctx, step->revision, migrator_direction_to_string (step->direction),
                             clock, "ok", NULL);
  if (!migrator_database_write_versions (ctx->db, before, (const char *const *) step->heads_after, error) ||
      migrator_database_insert_history (ctx->db, entry, error) < 0)
    return FALSE;

  return TRUE;
}

static gboolean
read_foreign_keys (MigratorDatabase *db,
                   gboolean         *enabled,
                   GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (migrator_database_get_handle (db), "PRAGMA foreign_keys", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return migrator_database_set_error (db, rc, error, "PRAGMA foreign_keys");

  *enabled = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  sqlite3_finalize (stmt);
  return TRUE;
}

/* PRAGMA foreign_keys is a no-op inside a transaction, so it is switched
 * here, before BEGIN, and checked to have really changed. */
static gboolean
disable_foreign_keys (MigratorDatabase *db,
                      gboolean         *was_enabled,
                      GError          **error)
{
  gboolean now = FALSE;

  if (!read_foreign_keys (db, was_enabled, error))
    return FALSE;
  if (!*was_enabled)
    return TRUE;

  if (!migrator_database_exec (db, "PRAGMA foreign_keys = OFF", error) ||
      !read_foreign_keys (db, &now, error))
    return FALSE;

  if (now)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                           _("Could not turn PRAGMA foreign_keys off"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
execute_plan (RunContext         *ctx,
              MigratorPlan       *plan,
              MigratorRunResult  *result,
              StepClock          *clock,
              MigratorRevision  **failed_revision,
              GError            **error)
{
  const MigratorRunOptions *options = ctx->options;
  gboolean per_revision = options->transaction == MIGRATOR_TRANSACTION_PER_REVISION && !options->dry_run;
  const char *const *before = (const char *const *) plan->from;

  for (guint i = 0; i < plan->steps->len; i++)
    {
      MigratorPlanStep *step = plan->steps->pdata[i];
      g_autoptr(MigratorHistoryEntry) entry = NULL;
      g_autofree char *text = describe_step (step, before);

      *failed_revision = step->revision;
      run_log (ctx, MIGRATOR_LOG_LEVEL_INFO, "%s", text);
      run_progress (ctx, (double) i / plan->steps->len, text);

      if (!migrator_revision_get_transactional (step->revision))
        {
          if (options->dry_run)
            {
              run_log (ctx, MIGRATOR_LOG_LEVEL_WARNING,
                       _("Revision %s is not transactional: not run in a dry run"),
                       migrator_revision_get_id (step->revision));
              if (!migrator_database_write_versions (ctx->db, before, (const char *const *) step->heads_after, error))
                return FALSE;
            }
          else if (!run_non_transactional_step (ctx, step, before, clock, error))
            return FALSE;
        }
      else
        {
          if (!migrator_database_in_transaction (ctx->db) && !begin_expecting (ctx, before, error))
            return FALSE;

          step_clock_start (clock);
          if (!run_step_statements (ctx, step, error))
            return FALSE;
          if (ctx->txn_first == NULL)
            ctx->txn_first = migrator_revision_get_id (step->revision);
          ctx->txn_last = migrator_revision_get_id (step->revision);

          entry = history_entry_for (ctx, step->revision, migrator_direction_to_string (step->direction),
                                     clock, "ok", NULL);
          if (!migrator_database_write_versions (ctx->db, before, (const char *const *) step->heads_after, error) ||
              migrator_database_insert_history (ctx->db, entry, error) < 0)
            return FALSE;
        }

      if (per_revision && migrator_database_in_transaction (ctx->db) && !commit_checked (ctx, error))
        return FALSE;

      g_ptr_array_add (result->applied, g_strdup (migrator_revision_get_id (step->revision)));
      before = (const char *const *) step->heads_after;
    }

  return TRUE;
}

static gboolean
finish_transaction (RunContext         *ctx,
                    MigratorRunResult  *result,
                    GHashTable         *schema_before,
                    GError            **error)
{
  if (!migrator_database_in_transaction (ctx->db))
    return TRUE;

  if (ctx->options->dry_run)
    {
      g_autoptr(GHashTable) after = schema_snapshot (ctx->db);
      g_autoptr(GError) fk_error = NULL;

      describe_schema_changes (schema_before, after, result->changes);
      g_ptr_array_add (result->changes, g_strdup_printf (_("%lld rows written"), (long long) ctx->rows_written));
      if (!run_foreign_key_check (ctx, &fk_error))
        g_ptr_array_add (result->changes, g_strdup (fk_error->message));
      migrator_database_rollback (ctx->db);
      return fk_error == NULL ? TRUE : (g_propagate_error (error, g_steal_pointer (&fk_error)), FALSE);
    }

  return commit_checked (ctx, error);
}

static MigratorRunResult *
run_locked (RunContext          *ctx,
            MigratorGraph       *graph,
            const char          *target,
            MigratorDirection    direction,
            GError             **error)
{
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GHashTable) schema_before = NULL;
  g_auto(GStrv) current = NULL;
  MigratorRevision *failed_revision = NULL;
  StepClock clock = { 0, };
  GError *local_error = NULL;

  if (!migrator_database_begin (ctx->db, error))
    return NULL;

  /* Re-read and re-plan under the lock: another process may have moved
   * the database since the caller looked. */
  current = migrator_database_read_versions (ctx->db, error);
  if (current == NULL)
    return NULL;

  plan = migrator_graph_plan (graph, (const char *const *) current, target, direction, error);
  if (plan == NULL || !check_reversible (ctx, plan, error))
    return NULL;

  result = migrator_run_result_new (direction, (const char *const *) current);
  result->dry_run = ctx->options->dry_run;

  if (plan->steps->len == 0)
    {
      migrator_database_rollback (ctx->db);
      run_log (ctx, MIGRATOR_LOG_LEVEL_INFO, _("Nothing to do: the database is already at the target"));
      return g_steal_pointer (&result);
    }

  if (!ctx->options->dry_run && ctx->options->before_change != NULL)
    {
      if (!ctx->options->before_change (ctx->db, (const char *const *) current, &ctx->backup,
                                        ctx->options->user_data, error))
        return NULL;
      result->backup = g_strdup (ctx->backup);
    }

  schema_before = schema_snapshot (ctx->db);
  step_clock_start (&clock);

  if (!migrator_database_ensure_version_table (ctx->db, &local_error) ||
      !migrator_database_ensure_history_table (ctx->db, &local_error) ||
      !execute_plan (ctx, plan, result, &clock, &failed_revision, &local_error) ||
      !finish_transaction (ctx, result, schema_before, &local_error))
    {
      if (ctx->options->dry_run)
        migrator_database_rollback (ctx->db);
      else
        {
          record_failure (ctx, failed_revision, migrator_direction_to_string (direction),
                          &clock, local_error);
        }
      g_free (clock.started_at);
      if (!ctx->options->dry_run && result->applied->len > 0 &&
          ctx->options->transaction == MIGRATOR_TRANSACTION_PER_REVISION)
        {
          g_autofree char *kept = NULL;
          char *message;

          g_ptr_array_add (result->applied, NULL);
          kept = g_strjoinv (", ", (char **) result->applied->pdata);
          message = g_strdup_printf (_("%s\n  per-revision mode: these revisions were committed before the failure and stay applied: %s"),
                                     local_error->message, kept);
          g_free (local_error->message);
          local_error->message = message;
        }
      g_propagate_error (error, local_error);
      return NULL;
    }

  g_free (clock.started_at);
  g_strfreev (result->to);
  result->to = g_strdupv (plan->to);
  run_progress (ctx, 1.0, NULL);

  return g_steal_pointer (&result);
}

MigratorRunResult *
migrator_runner_run (MigratorDatabase          *db,
                     MigratorGraph             *graph,
                     const char                *target,
                     MigratorDirection          direction,
                     const MigratorRunOptions  *options,
                     GError                   **error)
{
  static const MigratorRunOptions defaults = { 0, };
  RunContext ctx = { 0, };
  MigratorRunResult *result;
  gboolean fk_was_on = FALSE;
  sqlite3 *handle;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  ctx.db = db;
  ctx.options = options ? options : &defaults;
  handle = migrator_database_get_handle (db);

  if (g_cancellable_set_error_if_cancelled (run_cancellable (&ctx), error))
    return NULL;

  if (!disable_foreign_keys (db, &fk_was_on, error))
    return NULL;

  if (run_cancellable (&ctx) != NULL)
    sqlite3_progress_handler (handle, PROGRESS_HANDLER_STEPS, progress_handler_cb, run_cancellable (&ctx));

  ctx.run_id = g_uuid_string_random ();
  result = run_locked (&ctx, graph, target, direction, error);

  migrator_database_rollback (db);
  sqlite3_progress_handler (handle, 0, NULL, NULL);
  if (fk_was_on)
    migrator_database_exec (db, "PRAGMA foreign_keys = ON", NULL);
  g_free (ctx.backup);
  g_free (ctx.run_id);

  return result;
}

static char **
stamp_rows (MigratorGraph      *graph,
            const char *const  *current,
            const char         *target,
            GError            **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  MigratorRevision *revision;

  if (g_strcmp0 (target, "base") == 0)
    return g_new0 (char *, 1);

  if (g_strcmp0 (target, "heads") == 0)
    {
      g_autoptr(GPtrArray) heads = migrator_graph_get_heads (graph);

      for (guint i = 0; i < heads->len; i++)
        g_ptr_array_add (rows, g_strdup (migrator_revision_get_id (heads->pdata[i])));
    }
  else
    {
      revision = migrator_graph_resolve (graph, target, error);
      if (revision == NULL)
        return NULL;

      /* Keep the rows of other branches, drop the ones on this line. */
      for (guint i = 0; current && current[i]; i++)
        {
          MigratorRevision *row = migrator_graph_lookup (graph, current[i]);

          if (row == NULL ||
              (!migrator_graph_is_ancestor (graph, row, revision) &&
               !migrator_graph_is_ancestor (graph, revision, row)))
            g_ptr_array_add (rows, g_strdup (current[i]));
        }
      g_ptr_array_add (rows, g_strdup (migrator_revision_get_id (revision)));
    }

  g_ptr_array_sort (rows, compare_strings);
  g_ptr_array_add (rows, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&rows), FALSE);
}

MigratorRunResult *
migrator_runner_stamp (MigratorDatabase          *db,
                       MigratorGraph             *graph,
                       const char                *target,
                       const MigratorRunOptions  *options,
                       GError                   **error)
{
  static const MigratorRunOptions defaults = { 0, };
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorHistoryEntry) entry = NULL;
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) rows = NULL;
  RunContext ctx = { 0, };
  StepClock clock = { 0, };
  MigratorRevision *revision = NULL;
  gboolean ok;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), NULL);

  ctx.db = db;
  ctx.options = options ? options : &defaults;

  if (!migrator_database_begin (db, error))
    return NULL;

  current = migrator_database_read_versions (db, error);
  if (current == NULL ||
      (rows = stamp_rows (graph, (const char *const *) current, target, error)) == NULL)
    {
      migrator_database_rollback (db);
      return NULL;
    }

  result = migrator_run_result_new (MIGRATOR_DIRECTION_UPGRADE, (const char *const *) current);
  g_strfreev (result->to);
  result->to = g_strdupv (rows);

  if (same_rows ((const char *const *) current, (const char *const *) rows) || ctx.options->dry_run)
    {
      migrator_database_rollback (db);
      return g_steal_pointer (&result);
    }

  if (ctx.options->before_change != NULL &&
      !ctx.options->before_change (db, (const char *const *) current, &ctx.backup,
                                   ctx.options->user_data, error))
    {
      migrator_database_rollback (db);
      return NULL;
    }
  result->backup = g_strdup (ctx.backup);

  step_clock_start (&clock);
  if (rows[0] != NULL && rows[1] == NULL)
    revision = migrator_graph_lookup (graph, rows[0]);

  run_log (&ctx, MIGRATOR_LOG_LEVEL_INFO, _("Stamping the database as %s"),
           rows[0] != NULL ? target : "base");
  ctx.run_id = g_uuid_string_random ();
  entry = history_entry_for (&ctx, revision, "stamp", &clock, "ok", NULL);
  if (revision == NULL)
    {
      g_clear_pointer (&entry->revision, g_free);
      entry->revision = rows[0] != NULL ? g_strjoinv (",", rows) : g_strdup ("base");
    }

  ok = migrator_database_write_versions (db, (const char *const *) current, (const char *const *) rows, error) &&
       migrator_database_insert_history (db, entry, error) >= 0 &&
       migrator_database_commit (db, error);

  migrator_database_rollback (db);
  g_free (clock.started_at);
  g_free (ctx.backup);
  g_free (ctx.run_id);

  if (!ok)
    return NULL;

  for (guint i = 0; rows[i]; i++)
    g_ptr_array_add (result->applied, g_strdup (rows[i]));

  return g_steal_pointer (&result);
}

/* Replays the upgrades from base to the version rows @current into @db,
 * so that --sql sees the schema the script will run on. */
static gboolean
replay_current (MigratorGraph      *graph,
                const char *const  *current,
                sqlite3            *db,
                GError            **error)
{
  g_auto(GStrv) rows = g_new0 (char *, 1);

  for (guint i = 0; current != NULL && current[i] != NULL; i++)
    {
      g_autoptr(MigratorPlan) plan = migrator_graph_plan (graph, (const char *const *) rows, current[i],
                                                          MIGRATOR_DIRECTION_UPGRADE, error);

      if (plan == NULL)
        return FALSE;

      for (guint j = 0; j < plan->steps->len; j++)
        {
          MigratorPlanStep *step = plan->steps->pdata[j];

          if (!migrator_batch_run_statements (db, migrator_revision_get_upgrade_statements (step->revision),
                                              migrator_revision_get_id (step->revision), NULL, error))
            return FALSE;
        }

      g_strfreev (rows);
      rows = g_strdupv (plan->to);
    }

  return TRUE;
}

/* Recreates the schema of @from in @to, in the order it was created. */
static gboolean
copy_schema (sqlite3  *from,
             sqlite3  *to,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  rc = sqlite3_prepare_v2 (from, "SELECT sql FROM main.sqlite_schema WHERE sql IS NOT NULL "
                                 "AND name NOT LIKE 'sqlite_%' ORDER BY rowid", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      char *message = NULL;

      if (sqlite3_exec (to, (const char *) sqlite3_column_text (stmt, 0), NULL, NULL, &message) != SQLITE_OK)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                       _("cannot copy the database's schema to prepare the SQL: %s"), message);
          sqlite3_free (message);
          ok = FALSE;
          break;
        }
      rc = SQLITE_OK;
    }
  if (ok && rc != SQLITE_DONE)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                   _("cannot read the database's schema: %s"), sqlite3_errmsg (from));
      ok = FALSE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static void
close_scratch (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, close_scratch)

char *
migrator_runner_generate_sql (sqlite3                  *schema_from,
                              MigratorGraph            *graph,
                              const char               *version_table,
                              gboolean                  version_table_exists,
                              const char *const        *current,
                              const char               *target,
                              MigratorDirection         direction,
                              MigratorTransactionMode   transaction,
                              GError                  **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(MigratorPlan) plan = NULL;
  MigratorRunOptions options = { .transaction = transaction };
  g_autoptr(sqlite3) scratch = NULL;
  RunContext ctx = { 0, };
  const char *const *before;
  gboolean open = FALSE;

  plan = migrator_graph_plan (graph, current, target, direction, error);
  if (plan == NULL || !check_reversible (&ctx, plan, error))
    return NULL;

  if (sqlite3_open (":memory:", &scratch) != SQLITE_OK)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                           _("cannot open an in-memory database to prepare the SQL"));
      return NULL;
    }
  if (schema_from != NULL ? !copy_schema (schema_from, scratch, error)
                          : !replay_current (graph, current, scratch, error))
    return NULL;

  ctx.sql_out = out;
  ctx.scratch = scratch;
  ctx.options = &options;
  before = (const char *const *) plan->from;

  if (!version_table_exists && plan->steps->len > 0)
    {
      g_autofree char *ddl = migrator_database_version_table_ddl (version_table);

      g_string_append_printf (out, "%s;\n\n", ddl);
    }

  for (guint i = 0; i < plan->steps->len; i++)
    {
      MigratorPlanStep *step = plan->steps->pdata[i];
      g_autoptr(GPtrArray) versions = NULL;
      g_autofree char *text = describe_step (step, before);
      gboolean transactional = migrator_revision_get_transactional (step->revision);

      if (!transactional && open)
        {
          g_string_append (out, "COMMIT;\n\n");
          open = FALSE;
        }
      if (transactional && !open)
        {
          g_string_append (out, "BEGIN;\n\n");
          open = TRUE;
        }

      g_string_append_printf (out, "-- %s\n", text);
      if (!transactional)
        g_string_append (out, "-- not transactional: runs outside a transaction\n");

      if (!run_step_statements (&ctx, step, error))
        return NULL;

      versions = migrator_database_version_statements (version_table, before,
                                                       (const char *const *) step->heads_after);
      for (guint j = 0; j < versions->len; j++)
        g_string_append_printf (out, "%s\n", (char *) versions->pdata[j]);
      g_string_append (out, "\n");

      if (open && transaction == MIGRATOR_TRANSACTION_PER_REVISION)
        {
          g_string_append (out, "COMMIT;\n\n");
          open = FALSE;
        }
      before = (const char *const *) step->heads_after;
    }

  if (open)
    g_string_append (out, "COMMIT;\n");

  return g_string_free (g_steal_pointer (&out), FALSE);
}
