/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-service"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "migrator-backup.h"
#include "migrator-config.h"
#include "migrator-database.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-lint.h"
#include "migrator-project.h"
#include "migrator-revision.h"
#include "migrator-runner.h"
#include "migrator-service.h"

G_DEFINE_ENUM_TYPE (MigratorLogLevel, migrator_log_level,
                    G_DEFINE_ENUM_VALUE (MIGRATOR_LOG_LEVEL_DEBUG, "debug"),
                    G_DEFINE_ENUM_VALUE (MIGRATOR_LOG_LEVEL_INFO, "info"),
                    G_DEFINE_ENUM_VALUE (MIGRATOR_LOG_LEVEL_WARNING, "warning"),
                    G_DEFINE_ENUM_VALUE (MIGRATOR_LOG_LEVEL_ERROR, "error"))

typedef enum {
  OP_UPGRADE,
  OP_DOWNGRADE,
  OP_STAMP,
  OP_MERGE,
  OP_STATUS,
  OP_CURRENT,
  OP_BACKUP,
  OP_LIST_BACKUPS,
  OP_RESTORE,
  OP_RESET,
} OpKind;

typedef struct
{
  MigratorService      *self;         /* borrowed: the task holds a reference */
  OpKind                kind;
  char                 *target;
  char                 *message;
  char                 *path;
  char                **revisions;
  MigratorServiceFlags  flags;
  GCancellable         *cancellable;  /* owned: cancelled by the caller's or by _cancel() */
  GCancellable         *caller_cancellable;
  gulong                caller_handler;

  /* Taken on the main thread when the operation starts, so that a reload
   * of the project there never pulls them from under the worker. */
  MigratorConfig       *config;
  MigratorGraph        *graph;
  char                 *backup_dir;
  char                 *versions_dir;
} Operation;

typedef struct
{
  MigratorLogLevel  level;
  char             *message;
} LogLine;

struct _MigratorService
{
  GObject          parent_instance;

  /* owned, set at construction */
  MigratorProject *project;
  char            *database_path;
  GMainContext    *main_context;

  /* main thread: the values the properties show */
  gboolean         busy;
  double           progress;
  char            *status_text;

  /* held by a worker for a whole operation: one at a time */
  GMutex           op_mutex;

  /* under state_mutex: written by workers, delivered by one idle */
  GMutex           state_mutex;
  double           pending_progress;
  char            *pending_status_text;
  GQueue           pending_logs;
  GSource         *idle_source;
  gboolean         idle_is_timer;
  gint64           last_delivery_us;
  guint            n_operations;
  gboolean         pending_reload;
  GPtrArray       *active_cancellables;
};

G_DEFINE_FINAL_TYPE (MigratorService, migrator_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_DATABASE_PATH,
  PROP_BUSY,
  PROP_PROGRESS,
  PROP_STATUS_TEXT,
  N_PROPS
};

enum {
  SIGNAL_LOG,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
log_line_free (LogLine *line)
{
  g_free (line->message);
  g_free (line);
}

static void
operation_free (Operation *op)
{
  if (op->caller_handler != 0)
    g_cancellable_disconnect (op->caller_cancellable, op->caller_handler);
  g_clear_object (&op->caller_cancellable);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->config, migrator_config_free);
  g_clear_object (&op->graph);
  g_free (op->backup_dir);
  g_free (op->versions_dir);
  g_free (op->target);
  g_free (op->message);
  g_free (op->path);
  g_strfreev (op->revisions);
  g_free (op);
}

void
migrator_status_free (MigratorStatus *self)
{
  if (self == NULL)
    return;

  g_free (self->database);
  g_strfreev (self->current);
  g_strfreev (self->heads);
  g_strfreev (self->pending);
  g_strfreev (self->changed);
  g_free (self);
}

/* Main thread: copies what the workers stored and notifies real changes. */
static gboolean
deliver_state_cb (gpointer user_data)
{
  MigratorService *self = MIGRATOR_SERVICE (user_data);
  g_autofree char *status_text = NULL;
  GQueue logs = G_QUEUE_INIT;
  gboolean busy;
  gboolean reload;
  double progress;
  LogLine *line;

  g_mutex_lock (&self->state_mutex);
  /* A timer replaced by an idle may still be dispatched once. */
  if (self->idle_source == g_main_current_source ())
    g_clear_pointer (&self->idle_source, g_source_unref);
  self->last_delivery_us = g_get_monotonic_time ();
  progress = self->pending_progress;
  status_text = g_strdup (self->pending_status_text);
  busy = self->n_operations > 0;
  reload = self->pending_reload;
  self->pending_reload = FALSE;
  logs = self->pending_logs;
  g_queue_init (&self->pending_logs);
  g_mutex_unlock (&self->state_mutex);

  if (reload)
    {
      g_autoptr(GError) error = NULL;

      if (!migrator_project_reload (self->project, &error))
        g_signal_emit (self, signals[SIGNAL_LOG], 0, MIGRATOR_LOG_LEVEL_ERROR, error->message);
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (progress != self->progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }

  if (g_strcmp0 (status_text, self->status_text) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_steal_pointer (&status_text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }

  while ((line = g_queue_pop_head (&logs)) != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_LOG], 0, line->level, line->message);
      log_line_free (line);
    }

  if (busy != self->busy)
    {
      self->busy = busy;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  return G_SOURCE_REMOVE;
}

/* At most one delivery per frame: a worker that logs every few
 * microseconds would otherwise wake the main thread for each line. */
#define DELIVERY_INTERVAL_US (16 * G_TIME_SPAN_MILLISECOND)

/* Any thread, state_mutex held: one source at a time carries everything.
 * Deliveries closer together than DELIVERY_INTERVAL_US wait on a timer,
 * unless @now (the operation ended: its state must reach the main loop
 * before the task's result, which is an idle attached right after). */
static void
schedule_delivery_locked (MigratorService *self,
                          gboolean         now)
{
  gint64 wait_us;

  if (self->idle_source != NULL)
    {
      if (!now || !self->idle_is_timer)
        return;
      g_source_destroy (self->idle_source);
      g_clear_pointer (&self->idle_source, g_source_unref);
    }

  wait_us = now ? 0 : self->last_delivery_us + DELIVERY_INTERVAL_US - g_get_monotonic_time ();
  self->idle_is_timer = wait_us > 0;
  if (self->idle_is_timer)
    self->idle_source = g_timeout_source_new ((guint) (wait_us / G_TIME_SPAN_MILLISECOND) + 1);
  else
    self->idle_source = g_idle_source_new ();
  g_source_set_priority (self->idle_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->idle_source, deliver_state_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (self->idle_source, "[migrator-service-state]");
  g_source_attach (self->idle_source, self->main_context);
}

static void
report_progress (MigratorService *self,
                 double           fraction,
                 const char      *status_text)
{
  g_mutex_lock (&self->state_mutex);
  self->pending_progress = CLAMP (fraction, 0.0, 1.0);
  if (status_text != NULL)
    {
      g_free (self->pending_status_text);
      self->pending_status_text = g_strdup (status_text);
    }
  schedule_delivery_locked (self, FALSE);
  g_mutex_unlock (&self->state_mutex);
}

static void
report_log (MigratorService  *self,
            MigratorLogLevel  level,
            const char       *message)
{
  LogLine *line = g_new0 (LogLine, 1);

  line->level = level;
  line->message = g_strdup (message);

  g_mutex_lock (&self->state_mutex);
  g_queue_push_tail (&self->pending_logs, line);
  schedule_delivery_locked (self, FALSE);
  g_mutex_unlock (&self->state_mutex);
}

static void G_GNUC_PRINTF (3, 4)
report_logf (MigratorService  *self,
             MigratorLogLevel  level,
             const char       *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  report_log (self, level, message);
}

static void
runner_log_cb (MigratorLogLevel  level,
               const char       *message,
               gpointer          user_data)
{
  Operation *op = user_data;

  report_log (op->self, level, message);
}

static void
runner_progress_cb (double      fraction,
                    const char *status_text,
                    gpointer    user_data)
{
  Operation *op = user_data;

  report_progress (op->self, fraction, status_text);
}

static MigratorConfig *
op_config (Operation *op)
{
  return op->config;
}

/* "Existing" means there is something to lose: a new or empty file is
 * not backed up. */
static gboolean
database_has_content (MigratorService *self)
{
  GStatBuf buf;

  return g_stat (self->database_path, &buf) == 0 && buf.st_size > 0;
}

static char *
backup_label (const char *const *current)
{
  if (current == NULL || current[0] == NULL)
    return g_strdup ("base");
  return g_strjoinv ("_", (char **) current);
}

static char *
take_backup (Operation          *op,
             const char *const  *current,
             GError            **error)
{
  MigratorService *self = op->self;
  const char *dir = op->backup_dir;
  g_autofree char *label = backup_label (current);
  char *path;

  report_progress (self, 0.0, _("Backing up the database…"));
  path = migrator_backup_create (self->database_path, dir, label, op->cancellable, NULL, NULL, error);
  if (path != NULL)
    report_logf (self, MIGRATOR_LOG_LEVEL_INFO, _("Backed up %s to %s (verified)"),
                 self->database_path, path);
  return path;
}

static void
apply_retention (Operation *op)
{
  MigratorService *self = op->self;
  MigratorConfig *config = op_config (op);
  const char *dir = op->backup_dir;
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GError) error = NULL;

  if (config->backup_keep == 0)
    return;

  deleted = migrator_backup_apply_retention (dir, self->database_path, config->backup_keep, &error);
  if (deleted == NULL)
    {
      report_logf (self, MIGRATOR_LOG_LEVEL_WARNING, _("Backup retention failed: %s"), error->message);
      return;
    }

  for (guint i = 0; i < deleted->len; i++)
    report_logf (self, MIGRATOR_LOG_LEVEL_INFO, _("Deleted old backup %s (keeping %u)"),
                 (char *) deleted->pdata[i], config->backup_keep);
}

static gboolean
before_change_cb (MigratorDatabase   *db,
                  const char *const  *current,
                  char              **backup_path,
                  gpointer            user_data,
                  GError            **error)
{
  Operation *op = user_data;

  *backup_path = take_backup (op, current, error);
  return *backup_path != NULL;
}

static gboolean
backups_wanted (Operation *op)
{
  return op_config (op)->backup_enabled &&
         !(op->flags & MIGRATOR_SERVICE_FLAGS_NO_BACKUP) &&
         database_has_content (op->self);
}

static MigratorDatabase *
open_database (Operation  *op,
               gboolean    create,
               GError    **error)
{
  MigratorConfig *config = op_config (op);

  return migrator_database_open (op->self->database_path, config->version_table,
                                 config->history_table, config->lock_timeout_ms,
                                 create, error);
}

/* Version rows read without creating anything; a missing file is base. */
static char **
read_current (Operation  *op,
              GError    **error)
{
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(GError) local_error = NULL;

  db = open_database (op, FALSE, &local_error);
  if (db == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_new0 (char *, 1);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return migrator_database_read_versions (db, error);
}

static MigratorRunResult *
generate_sql (Operation          *op,
              MigratorDirection   direction,
              GError            **error)
{
  MigratorConfig *config = op_config (op);
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) current = NULL;
  gboolean table_exists = FALSE;
  char *sql;

  /* The script is written for the database as it is, when there is one. */
  db = open_database (op, FALSE, &local_error);
  if (db != NULL)
    {
      table_exists = migrator_database_table_exists (db, migrator_database_get_version_table (db));
      current = migrator_database_read_versions (db, error);
      if (current == NULL)
        return NULL;
    }
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    current = g_new0 (char *, 1);
  else
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  sql = migrator_runner_generate_sql (db != NULL ? migrator_database_get_handle (db) : NULL,
                                      op->graph,
                                      config->version_table, table_exists,
                                      (const char *const *) current, op->target, direction,
                                      config->transaction, error);
  if (sql == NULL)
    return NULL;

  result = migrator_run_result_new (direction, (const char *const *) current);
  result->sql = sql;
  return g_steal_pointer (&result);
}

static void
init_run_options (Operation          *op,
                  MigratorRunOptions *options,
                  gboolean            with_backup)
{
  *options = (MigratorRunOptions) {
    .transaction = op_config (op)->transaction,
    .dry_run = (op->flags & MIGRATOR_SERVICE_FLAGS_DRY_RUN) != 0,
    .cancellable = op->cancellable,
    .log = runner_log_cb,
    .progress = runner_progress_cb,
    .before_change = with_backup ? before_change_cb : NULL,
    .user_data = op,
  };
}

static MigratorRunResult *
do_run (Operation          *op,
        MigratorDirection   direction,
        GError            **error)
{
  MigratorService *self = op->self;
  g_autoptr(MigratorDatabase) db = NULL;
  MigratorConfig *config = op_config (op);
  MigratorRunOptions options;
  MigratorRunResult *result;
  gboolean dry_run = (op->flags & MIGRATOR_SERVICE_FLAGS_DRY_RUN) != 0;

  if (op->flags & MIGRATOR_SERVICE_FLAGS_SQL_ONLY)
    return generate_sql (op, direction, error);

  init_run_options (op, &options, backups_wanted (op));

  /* A dry run never creates the file it was pointed at. */
  if (dry_run && !g_file_test (self->database_path, G_FILE_TEST_EXISTS))
    db = migrator_database_open (":memory:", config->version_table, config->history_table,
                                 config->lock_timeout_ms, TRUE, error);
  else
    db = open_database (op, TRUE, error);
  if (db == NULL)
    return NULL;

  result = migrator_runner_run (db, op->graph,
                                op->target, direction, &options, error);

  if (result != NULL && result->backup != NULL)
    apply_retention (op);

  return result;
}

static MigratorRunResult *
do_stamp (Operation  *op,
          GError    **error)
{
  g_autoptr(MigratorDatabase) db = NULL;
  MigratorRunOptions options;
  MigratorRunResult *result;

  init_run_options (op, &options, backups_wanted (op));

  db = open_database (op, TRUE, error);
  if (db == NULL)
    return NULL;

  result = migrator_runner_stamp (db, op->graph,
                                  op->target, &options, error);
  if (result != NULL && result->backup != NULL)
    apply_retention (op);
  return result;
}

static MigratorRunResult *
do_merge (Operation  *op,
          GError    **error)
{
  MigratorService *self = op->self;
  MigratorGraph *graph = op->graph;
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(MigratorRunResult) result = NULL;
  g_autofree char *id = migrator_revision_generate_id ();
  g_autofree char *slug = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (op->revisions != NULL && op->revisions[0] != NULL)
    {
      for (guint i = 0; op->revisions[i] != NULL; i++)
        {
          MigratorRevision *revision = migrator_graph_resolve (graph, op->revisions[i], error);

          if (revision == NULL)
            return NULL;
          g_ptr_array_add (parents, g_strdup (migrator_revision_get_id (revision)));
        }
    }
  else
    {
      g_autoptr(GPtrArray) heads = migrator_graph_get_heads (graph);

      for (guint i = 0; i < heads->len; i++)
        g_ptr_array_add (parents, g_strdup (migrator_revision_get_id (heads->pdata[i])));
    }

  if (parents->len < 2)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("Nothing to merge: a merge needs at least two revisions (only %s)"),
                   parents->len > 0 ? (const char *) parents->pdata[0] : "base");
      return NULL;
    }
  g_ptr_array_add (parents, NULL);

  slug = migrator_revision_slugify (op->message);
  file_name = g_strdup_printf ("%s_%s.sql", id, slug);
  path = g_build_filename (op->versions_dir, file_name, NULL);
  text = migrator_revision_render_new (id, (const char *const *) parents->pdata, op->message,
                                       now, NULL, NULL, NULL);

  if (g_mkdir_with_parents (op->versions_dir, 0755) != 0 ||
      !g_file_set_contents (path, text, -1, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, _("Cannot write %s: %s"),
                     path, g_strerror (errno));
      return NULL;
    }

  /* The project is reloaded on the main thread, before the result. */
  g_mutex_lock (&self->state_mutex);
  self->pending_reload = TRUE;
  g_mutex_unlock (&self->state_mutex);

  report_logf (self, MIGRATOR_LOG_LEVEL_INFO, _("Generated merge revision %s: %s"), id, path);

  result = migrator_run_result_new (MIGRATOR_DIRECTION_UPGRADE, NULL);
  result->path = g_steal_pointer (&path);
  g_ptr_array_add (result->applied, g_strdup (id));
  return g_steal_pointer (&result);
}

static char **
ptr_array_to_strv (GPtrArray *array)
{
  g_ptr_array_add (array, NULL);
  return (char **) g_ptr_array_free (array, FALSE);
}

/* Applied revisions whose file differs from the checksum recorded when
 * they were last applied. Revisions without a recorded upgrade (stamped,
 * applied by Alembic) are not reported. */
static char **
find_changed (Operation          *op,
              MigratorGraph      *graph,
              const char *const  *current,
              GError            **error)
{
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(GHashTable) recorded = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) ordered = migrator_graph_get_ordered (graph);
  GPtrArray *changed = g_ptr_array_new_with_free_func (g_free);

  db = open_database (op, FALSE, NULL);
  if (db == NULL || current[0] == NULL)
    return ptr_array_to_strv (changed);

  history = migrator_database_list_history (db, error);
  applied = migrator_graph_get_applied (graph, current, error);
  if (history == NULL || applied == NULL)
    {
      g_ptr_array_unref (changed);
      return NULL;
    }

  for (guint i = 0; i < history->len; i++)
    {
      MigratorHistoryEntry *entry = history->pdata[i];

      if (entry->revision != NULL && entry->checksum != NULL &&
          g_strcmp0 (entry->direction, "upgrade") == 0 &&
          g_strcmp0 (entry->outcome, "ok") == 0)
        g_hash_table_insert (recorded, entry->revision, entry->checksum);
    }

  for (guint i = 0; i < ordered->len; i++)
    {
      MigratorRevision *revision = ordered->pdata[i];
      const char *id = migrator_revision_get_id (revision);
      const char *checksum = g_hash_table_lookup (recorded, id);

      if (g_hash_table_contains (applied, id) && checksum != NULL &&
          g_strcmp0 (checksum, migrator_revision_get_checksum (revision)) != 0)
        g_ptr_array_add (changed, g_strdup (id));
    }

  return ptr_array_to_strv (changed);
}

static MigratorStatus *
do_status (Operation  *op,
           GError    **error)
{
  MigratorService *self = op->self;
  MigratorGraph *graph = op->graph;
  g_autoptr(MigratorStatus) status = g_new0 (MigratorStatus, 1);
  g_autoptr(GPtrArray) heads = migrator_graph_get_heads (graph);
  g_autoptr(MigratorPlan) plan = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  GPtrArray *ids;

  status->database = g_strdup (self->database_path);
  status->exists = g_file_test (self->database_path, G_FILE_TEST_EXISTS);
  status->current = read_current (op, error);
  if (status->current == NULL)
    return NULL;

  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < heads->len; i++)
    g_ptr_array_add (ids, g_strdup (migrator_revision_get_id (heads->pdata[i])));
  status->heads = ptr_array_to_strv (ids);

  ids = g_ptr_array_new_with_free_func (g_free);
  if (heads->len > 0)
    {
      plan = migrator_graph_plan (graph, (const char *const *) status->current, "heads",
                                  MIGRATOR_DIRECTION_UPGRADE, error);
      if (plan == NULL)
        {
          g_ptr_array_unref (ids);
          return NULL;
        }
      for (guint i = 0; i < plan->steps->len; i++)
        {
          MigratorPlanStep *step = plan->steps->pdata[i];

          g_ptr_array_add (ids, g_strdup (migrator_revision_get_id (step->revision)));
        }
    }
  status->pending = ptr_array_to_strv (ids);

  status->changed = find_changed (op, graph, (const char *const *) status->current, error);
  if (status->changed == NULL)
    return NULL;

  findings = migrator_lint_graph (graph);
  for (guint i = 0; i < findings->len; i++)
    {
      MigratorFinding *finding = findings->pdata[i];

      if (finding->severity == MIGRATOR_SEVERITY_ERROR)
        status->lint_errors++;
      else if (finding->severity == MIGRATOR_SEVERITY_WARNING)
        status->lint_warnings++;
      else
        status->lint_infos++;
    }

  return g_steal_pointer (&status);
}

static void
record_history_best_effort (Operation            *op,
                            MigratorHistoryEntry *entry)
{
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(GError) error = NULL;

  db = open_database (op, FALSE, &error);
  if (db == NULL || !migrator_database_record_history (db, entry, &error))
    report_logf (op->self, MIGRATOR_LOG_LEVEL_WARNING,
                 _("Could not record the step in the history table: %s"), error->message);
}

static MigratorHistoryEntry *
simple_history_entry (const char *revision,
                      const char *direction,
                      const char *backup,
                      const char *message,
                      gint64      started_us,
                      const char *started_at)
{
  MigratorHistoryEntry *entry = migrator_history_entry_new ();

  entry->revision = g_strdup (revision);
  entry->direction = g_strdup (direction);
  entry->started_at = g_strdup (started_at);
  entry->finished_at = migrator_database_now_iso8601 ();
  entry->duration_ms = (g_get_monotonic_time () - started_us) / 1000;
  entry->backup = g_strdup (backup);
  entry->tool_version = g_strdup (PACKAGE_VERSION);
  entry->outcome = g_strdup ("ok");
  entry->message = g_strdup (message);
  entry->run_id = g_uuid_string_random ();
  return entry;
}

static MigratorRunResult *
do_backup (Operation  *op,
           GError    **error)
{
  MigratorService *self = op->self;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorHistoryEntry) entry = NULL;
  g_autofree char *started_at = migrator_database_now_iso8601 ();
  g_autofree char *label = NULL;
  g_auto(GStrv) current = NULL;
  gint64 started_us = g_get_monotonic_time ();

  if (!g_file_test (self->database_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("Database %s does not exist: nothing to back up"), self->database_path);
      return NULL;
    }

  current = read_current (op, error);
  if (current == NULL)
    return NULL;

  result = migrator_run_result_new (MIGRATOR_DIRECTION_UPGRADE, (const char *const *) current);
  if (op->path != NULL)
    {
      report_progress (self, 0.0, _("Backing up the database…"));
      if (!migrator_backup_create_to (self->database_path, op->path, op->cancellable, NULL, NULL, error))
        return NULL;
      result->path = g_strdup (op->path);
      report_logf (self, MIGRATOR_LOG_LEVEL_INFO, _("Backed up %s to %s (verified)"),
                   self->database_path, op->path);
    }
  else
    {
      result->path = take_backup (op, (const char *const *) current, error);
      if (result->path == NULL)
        return NULL;
    }
  result->backup = g_strdup (result->path);

  label = backup_label ((const char *const *) current);
  entry = simple_history_entry (label, "backup", result->path, NULL, started_us, started_at);
  record_history_best_effort (op, entry);

  if (op->path == NULL)
    apply_retention (op);

  return g_steal_pointer (&result);
}

static GPtrArray *
do_list_backups (Operation  *op,
                 GError    **error)
{
  return migrator_backup_list (op->backup_dir, op->self->database_path, error);
}

static MigratorRunResult *
do_restore (Operation  *op,
            GError    **error)
{
  MigratorService *self = op->self;
  const char *dir = op->backup_dir;
  g_autofree char *source = NULL;
  g_autofree char *started_at = migrator_database_now_iso8601 ();
  g_autofree char *message = NULL;
  g_autofree char *label = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  g_autoptr(MigratorHistoryEntry) entry = NULL;
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) after = NULL;
  gint64 started_us = g_get_monotonic_time ();

  source = migrator_backup_resolve (dir, self->database_path, op->target, error);
  if (source == NULL)
    return NULL;

  current = read_current (op, error);
  if (current == NULL)
    return NULL;

  result = migrator_run_result_new (MIGRATOR_DIRECTION_DOWNGRADE, (const char *const *) current);
  result->path = g_strdup (source);

  /* SPEC §6.3: the file as it is now is kept first. */
  if (backups_wanted (op))
    {
      result->backup = take_backup (op, (const char *const *) current, error);
      if (result->backup == NULL)
        return NULL;
    }

  report_progress (self, 0.5, _("Restoring the backup…"));
  if (!migrator_backup_restore (source, self->database_path, op->cancellable, NULL, NULL, error))
    return NULL;
  report_logf (self, MIGRATOR_LOG_LEVEL_INFO, _("Restored %s from %s (verified)"),
               self->database_path, source);

  after = read_current (op, error);
  if (after == NULL)
    return NULL;
  g_strfreev (result->to);
  result->to = g_strdupv (after);

  label = backup_label ((const char *const *) after);
  message = g_strdup_printf (_("restored from %s"), source);
  entry = simple_history_entry (label, "restore", result->backup, message, started_us, started_at);
  record_history_best_effort (op, entry);

  if (result->backup != NULL)
    apply_retention (op);

  return g_steal_pointer (&result);
}

static gboolean
delete_database_files (MigratorService  *self,
                       GError          **error)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (self->database_path, suffixes[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, _("Cannot delete %s: %s"),
                       path, g_strerror (saved));
          return FALSE;
        }
    }

  return TRUE;
}

static MigratorRunResult *
do_reset (Operation  *op,
          GError    **error)
{
  MigratorService *self = op->self;
  g_autofree char *backup = NULL;
  g_auto(GStrv) current = NULL;
  MigratorRunResult *result;

  current = read_current (op, error);
  if (current == NULL)
    return NULL;

  if (backups_wanted (op))
    {
      backup = take_backup (op, (const char *const *) current, error);
      if (backup == NULL)
        return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (op->cancellable, error) ||
      !delete_database_files (self, error))
    return NULL;
  report_logf (self, MIGRATOR_LOG_LEVEL_WARNING, _("Deleted %s to recreate it at head"),
               self->database_path);

  g_free (op->target);
  op->target = g_strdup ("heads");
  op->flags |= MIGRATOR_SERVICE_FLAGS_NO_BACKUP;
  result = do_run (op, MIGRATOR_DIRECTION_UPGRADE, error);
  if (result == NULL)
    return NULL;

  g_strfreev (result->from);
  result->from = g_steal_pointer (&current);
  g_free (result->backup);
  result->backup = g_steal_pointer (&backup);
  if (result->backup != NULL)
    apply_retention (op);

  return result;
}

static gpointer
run_operation (Operation       *op,
               GDestroyNotify  *free_func,
               GError         **error)
{
  *free_func = (GDestroyNotify) migrator_run_result_free;

  switch (op->kind)
    {
    case OP_UPGRADE:
      return do_run (op, MIGRATOR_DIRECTION_UPGRADE, error);
    case OP_DOWNGRADE:
      return do_run (op, MIGRATOR_DIRECTION_DOWNGRADE, error);
    case OP_STAMP:
      return do_stamp (op, error);
    case OP_MERGE:
      return do_merge (op, error);
    case OP_STATUS:
      *free_func = (GDestroyNotify) migrator_status_free;
      return do_status (op, error);
    case OP_CURRENT:
      *free_func = (GDestroyNotify) g_strfreev;
      return read_current (op, error);
    case OP_BACKUP:
      return do_backup (op, error);
    case OP_LIST_BACKUPS:
      *free_func = (GDestroyNotify) g_ptr_array_unref;
      return do_list_backups (op, error);
    case OP_RESTORE:
      return do_restore (op, error);
    case OP_RESET:
      return do_reset (op, error);
    default:
      g_assert_not_reached ();
    }
}

static void
operation_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  MigratorService *self = MIGRATOR_SERVICE (source_object);
  Operation *op = task_data;
  GDestroyNotify free_func = NULL;
  GError *error = NULL;
  gpointer result = NULL;

  g_mutex_lock (&self->op_mutex);

  report_progress (self, 0.0, NULL);
  if (!g_cancellable_set_error_if_cancelled (op->cancellable, &error))
    result = run_operation (op, &free_func, &error);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    report_log (self, MIGRATOR_LOG_LEVEL_ERROR, error->message);
  else if (error != NULL)
    report_log (self, MIGRATOR_LOG_LEVEL_WARNING, _("Cancelled: nothing was changed by the interrupted step"));

  g_mutex_unlock (&self->op_mutex);

  g_mutex_lock (&self->state_mutex);
  g_ptr_array_remove (self->active_cancellables, op->cancellable);
  self->n_operations--;
  self->pending_progress = error == NULL ? 1.0 : self->pending_progress;
  g_clear_pointer (&self->pending_status_text, g_free);
  self->pending_status_text = g_strdup (error == NULL ? _("Done") : _("Failed"));
  schedule_delivery_locked (self, TRUE);
  g_mutex_unlock (&self->state_mutex);

  /* The state idle was attached before the task's own return source, so
   * "busy" and the last log lines reach the main loop before the result. */
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, free_func);
}

static void
caller_cancelled_cb (GCancellable *caller,
                     GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static void
start_operation (MigratorService     *self,
                 Operation           *op,
                 GCancellable        *cancellable,
                 gpointer             source_tag,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  op->self = self;
  op->cancellable = g_cancellable_new ();
  op->config = migrator_config_copy (migrator_project_get_config (self->project));
  op->graph = g_object_ref (migrator_project_get_graph (self->project));
  op->backup_dir = migrator_project_get_backup_dir (self->project);
  op->versions_dir = g_strdup (migrator_project_get_versions_dir (self->project));
  if (cancellable != NULL)
    {
      op->caller_cancellable = g_object_ref (cancellable);
      op->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                  g_object_ref (op->cancellable), g_object_unref);
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* The result says what happened, even when a cancel came too late. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);

  g_mutex_lock (&self->state_mutex);
  g_ptr_array_add (self->active_cancellables, g_object_ref (op->cancellable));
  self->n_operations++;
  g_mutex_unlock (&self->state_mutex);

  if (!self->busy)
    {
      self->busy = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  g_task_run_in_thread (task, operation_thread);
}

static Operation *
operation_new (OpKind      kind,
               const char *target)
{
  Operation *op = g_new0 (Operation, 1);

  op->kind = kind;
  op->target = g_strdup (target);
  return op;
}

static gpointer
finish_operation (MigratorService  *self,
                  GAsyncResult     *result,
                  gpointer          source_tag,
                  GError          **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gpointer
run_sync (MigratorService  *self,
          Operation        *op,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gpointer ret;

  g_main_context_push_thread_default (self->main_context);
  start_operation (self, op, cancellable, run_sync, sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (self->main_context, TRUE);
  g_main_context_pop_thread_default (self->main_context);

  ret = g_task_propagate_pointer (G_TASK (result), error);
  return ret;
}

static void
migrator_service_dispose (GObject *object)
{
  MigratorService *self = MIGRATOR_SERVICE (object);

  migrator_service_cancel (self);

  G_OBJECT_CLASS (migrator_service_parent_class)->dispose (object);
}

static void
migrator_service_finalize (GObject *object)
{
  MigratorService *self = MIGRATOR_SERVICE (object);

  g_clear_object (&self->project);
  g_clear_pointer (&self->database_path, g_free);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_clear_pointer (&self->status_text, g_free);
  g_clear_pointer (&self->pending_status_text, g_free);
  g_queue_clear_full (&self->pending_logs, (GDestroyNotify) log_line_free);
  g_clear_pointer (&self->active_cancellables, g_ptr_array_unref);
  g_mutex_clear (&self->op_mutex);
  g_mutex_clear (&self->state_mutex);

  G_OBJECT_CLASS (migrator_service_parent_class)->finalize (object);
}

static void
migrator_service_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  MigratorService *self = MIGRATOR_SERVICE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_DATABASE_PATH:
      g_value_set_string (value, self->database_path);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_service_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  MigratorService *self = MIGRATOR_SERVICE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_DATABASE_PATH:
      self->database_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_service_class_init (MigratorServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = migrator_service_dispose;
  object_class->finalize = migrator_service_finalize;
  object_class->get_property = migrator_service_get_property;
  object_class->set_property = migrator_service_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, MIGRATOR_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATABASE_PATH] =
    g_param_spec_string ("database-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted on the main context for every step the service takes. */
  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, MIGRATOR_TYPE_LOG_LEVEL, G_TYPE_STRING);
}

static void
migrator_service_init (MigratorService *self)
{
  g_mutex_init (&self->op_mutex);
  g_mutex_init (&self->state_mutex);
  g_queue_init (&self->pending_logs);
  self->active_cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  self->main_context = g_main_context_ref_thread_default ();
}

MigratorService *
migrator_service_new (MigratorProject *project,
                      const char      *database_path)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (project), NULL);
  g_return_val_if_fail (database_path != NULL, NULL);

  return g_object_new (MIGRATOR_TYPE_SERVICE,
                       "project", project,
                       "database-path", database_path,
                       NULL);
}

MigratorProject *
migrator_service_get_project (MigratorService *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return self->project;
}

const char *
migrator_service_get_database_path (MigratorService *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return self->database_path;
}

gboolean
migrator_service_get_busy (MigratorService *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), FALSE);
  return self->busy;
}

double
migrator_service_get_progress (MigratorService *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), 0.0);
  return self->progress;
}

const char *
migrator_service_get_status_text (MigratorService *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return self->status_text;
}

void
migrator_service_cancel (MigratorService *self)
{
  g_autoptr(GPtrArray) active = NULL;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  g_mutex_lock (&self->state_mutex);
  active = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->active_cancellables->len; i++)
    g_ptr_array_add (active, g_object_ref (self->active_cancellables->pdata[i]));
  g_mutex_unlock (&self->state_mutex);

  for (guint i = 0; i < active->len; i++)
    g_cancellable_cancel (active->pdata[i]);
}

/* Public entry points: each builds an Operation and hands it to the worker. */

#define DEFINE_FINISH(name, type)                                                  \
  type                                                                             \
  migrator_service_##name##_finish (MigratorService  *self,                        \
                                    GAsyncResult     *result,                      \
                                    GError          **error)                       \
  {                                                                                \
    return finish_operation (self, result, migrator_service_##name##_async, error); \
  }

void
migrator_service_upgrade_async (MigratorService      *self,
                                const char           *target,
                                MigratorServiceFlags  flags,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  op = operation_new (OP_UPGRADE, target ? target : "heads");
  op->flags = flags;
  start_operation (self, op, cancellable, migrator_service_upgrade_async, callback, user_data);
}
DEFINE_FINISH (upgrade, MigratorRunResult *)

void
migrator_service_downgrade_async (MigratorService      *self,
                                  const char           *target,
                                  MigratorServiceFlags  flags,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));
  g_return_if_fail (target != NULL);

  op = operation_new (OP_DOWNGRADE, target);
  op->flags = flags;
  start_operation (self, op, cancellable, migrator_service_downgrade_async, callback, user_data);
}
DEFINE_FINISH (downgrade, MigratorRunResult *)

void
migrator_service_stamp_async (MigratorService      *self,
                              const char           *target,
                              MigratorServiceFlags  flags,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));
  g_return_if_fail (target != NULL);

  op = operation_new (OP_STAMP, target);
  op->flags = flags;
  start_operation (self, op, cancellable, migrator_service_stamp_async, callback, user_data);
}
DEFINE_FINISH (stamp, MigratorRunResult *)

void
migrator_service_merge_async (MigratorService     *self,
                              const char          *message,
                              const char *const   *revisions,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));
  g_return_if_fail (message != NULL);

  op = operation_new (OP_MERGE, NULL);
  op->message = g_strdup (message);
  op->revisions = g_strdupv ((char **) revisions);
  start_operation (self, op, cancellable, migrator_service_merge_async, callback, user_data);
}
DEFINE_FINISH (merge, MigratorRunResult *)

void
migrator_service_status_async (MigratorService     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  start_operation (self, operation_new (OP_STATUS, NULL), cancellable,
                   migrator_service_status_async, callback, user_data);
}
DEFINE_FINISH (status, MigratorStatus *)

void
migrator_service_current_async (MigratorService     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  start_operation (self, operation_new (OP_CURRENT, NULL), cancellable,
                   migrator_service_current_async, callback, user_data);
}
DEFINE_FINISH (current, char **)

void
migrator_service_backup_async (MigratorService     *self,
                               const char          *dest_path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  op = operation_new (OP_BACKUP, NULL);
  op->path = g_strdup (dest_path);
  start_operation (self, op, cancellable, migrator_service_backup_async, callback, user_data);
}
DEFINE_FINISH (backup, MigratorRunResult *)

void
migrator_service_list_backups_async (MigratorService     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  start_operation (self, operation_new (OP_LIST_BACKUPS, NULL), cancellable,
                   migrator_service_list_backups_async, callback, user_data);
}
DEFINE_FINISH (list_backups, GPtrArray *)

void
migrator_service_restore_async (MigratorService      *self,
                                const char           *backup,
                                MigratorServiceFlags  flags,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));
  g_return_if_fail (backup != NULL);

  op = operation_new (OP_RESTORE, backup);
  op->flags = flags;
  start_operation (self, op, cancellable, migrator_service_restore_async, callback, user_data);
}
DEFINE_FINISH (restore, MigratorRunResult *)

void
migrator_service_reset_async (MigratorService      *self,
                              MigratorServiceFlags  flags,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  Operation *op;

  g_return_if_fail (MIGRATOR_IS_SERVICE (self));

  op = operation_new (OP_RESET, NULL);
  op->flags = flags;
  start_operation (self, op, cancellable, migrator_service_reset_async, callback, user_data);
}
DEFINE_FINISH (reset, MigratorRunResult *)

/* Synchronous wrappers */

static Operation *
operation_new_full (OpKind                kind,
                    const char           *target,
                    MigratorServiceFlags  flags)
{
  Operation *op = operation_new (kind, target);

  op->flags = flags;
  return op;
}

MigratorRunResult *
migrator_service_upgrade_sync (MigratorService      *self,
                               const char           *target,
                               MigratorServiceFlags  flags,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return run_sync (self, operation_new_full (OP_UPGRADE, target ? target : "heads", flags),
                   cancellable, error);
}

MigratorRunResult *
migrator_service_downgrade_sync (MigratorService      *self,
                                 const char           *target,
                                 MigratorServiceFlags  flags,
                                 GCancellable         *cancellable,
                                 GError              **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);
  return run_sync (self, operation_new_full (OP_DOWNGRADE, target, flags), cancellable, error);
}

MigratorRunResult *
migrator_service_stamp_sync (MigratorService      *self,
                             const char           *target,
                             MigratorServiceFlags  flags,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);
  return run_sync (self, operation_new_full (OP_STAMP, target, flags), cancellable, error);
}

MigratorRunResult *
migrator_service_merge_sync (MigratorService    *self,
                             const char         *message,
                             const char *const  *revisions,
                             GCancellable       *cancellable,
                             GError            **error)
{
  Operation *op;

  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  op = operation_new (OP_MERGE, NULL);
  op->message = g_strdup (message);
  op->revisions = g_strdupv ((char **) revisions);
  return run_sync (self, op, cancellable, error);
}

MigratorStatus *
migrator_service_status_sync (MigratorService  *self,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return run_sync (self, operation_new (OP_STATUS, NULL), cancellable, error);
}

char **
migrator_service_current_sync (MigratorService  *self,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return run_sync (self, operation_new (OP_CURRENT, NULL), cancellable, error);
}

MigratorRunResult *
migrator_service_backup_sync (MigratorService  *self,
                              const char       *dest_path,
                              GCancellable     *cancellable,
                              GError          **error)
{
  Operation *op;

  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);

  op = operation_new (OP_BACKUP, NULL);
  op->path = g_strdup (dest_path);
  return run_sync (self, op, cancellable, error);
}

GPtrArray *
migrator_service_list_backups_sync (MigratorService  *self,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return run_sync (self, operation_new (OP_LIST_BACKUPS, NULL), cancellable, error);
}

MigratorRunResult *
migrator_service_restore_sync (MigratorService      *self,
                               const char           *backup,
                               MigratorServiceFlags  flags,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  g_return_val_if_fail (backup != NULL, NULL);
  return run_sync (self, operation_new_full (OP_RESTORE, backup, flags), cancellable, error);
}

MigratorRunResult *
migrator_service_reset_sync (MigratorService      *self,
                             MigratorServiceFlags  flags,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_return_val_if_fail (MIGRATOR_IS_SERVICE (self), NULL);
  return run_sync (self, operation_new_full (OP_RESET, NULL, flags), cancellable, error);
}
