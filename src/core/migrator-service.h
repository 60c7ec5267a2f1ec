/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-runner.h"
#include "migrator-types.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_LOG_LEVEL (migrator_log_level_get_type ())
GType migrator_log_level_get_type (void) G_GNUC_CONST;

typedef enum {
  MIGRATOR_SERVICE_FLAGS_NONE      = 0,
  MIGRATOR_SERVICE_FLAGS_SQL_ONLY  = 1 << 0,  /* --sql: generate, do not run */
  MIGRATOR_SERVICE_FLAGS_DRY_RUN   = 1 << 1,  /* run in a transaction, roll back */
  MIGRATOR_SERVICE_FLAGS_NO_BACKUP = 1 << 2,  /* --no-backup */
} MigratorServiceFlags;

typedef struct
{
  char  *database;   /* absolute path */
  gboolean exists;   /* FALSE: the file is not there yet */
  char **current;    /* version rows */
  char **heads;      /* graph heads */
  char **pending;    /* revisions an "upgrade heads" would run, in order */
  char **changed;    /* applied revisions whose file changed since (checksum) */
  guint  lint_errors;   /* lint findings over the whole graph, by severity */
  guint  lint_warnings;
  guint  lint_infos;
} MigratorStatus;

void migrator_status_free (MigratorStatus *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorStatus, migrator_status_free)

#define MIGRATOR_TYPE_SERVICE (migrator_service_get_type ())

G_DECLARE_FINAL_TYPE (MigratorService, migrator_service, MIGRATOR, SERVICE, GObject)

/* The migration service of one project and one database file (SPEC §4–§6).
 * Every operation runs on a worker thread (GTask), one at a time in the
 * order they were started, and can be cancelled: cancelling interrupts
 * SQLite and rolls back. The "log" signal and the "busy", "progress" and
 * "status-text" properties are delivered on the main context of the thread
 * that created the service. */
MigratorService    *migrator_service_new               (MigratorProject      *project,
                                                        const char           *database_path);

MigratorProject    *migrator_service_get_project       (MigratorService      *self);
const char         *migrator_service_get_database_path (MigratorService      *self);
gboolean            migrator_service_get_busy          (MigratorService      *self);
double              migrator_service_get_progress      (MigratorService      *self);
const char         *migrator_service_get_status_text   (MigratorService      *self);
/* Cancels every running or queued operation. */
void                migrator_service_cancel            (MigratorService      *self);

/* upgrade [TARGET] (default "heads" when NULL); with SQL_ONLY the result's
 * sql holds the offline script and the database is not touched. */
void                migrator_service_upgrade_async     (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_upgrade_finish    (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                migrator_service_downgrade_async   (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_downgrade_finish  (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                migrator_service_stamp_async       (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_stamp_finish      (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* Writes a merge revision of @revisions (NULL: all heads); result->path is
 * the new file. The project is reloaded. */
void                migrator_service_merge_async       (MigratorService      *self,
                                                        const char           *message,
                                                        const char *const    *revisions,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_merge_finish      (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void                migrator_service_status_async      (MigratorService      *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorStatus     *migrator_service_status_finish     (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* The version rows of the database (empty for a missing file). */
void                migrator_service_current_async     (MigratorService      *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
char              **migrator_service_current_finish    (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* Backs up the database to @dest_path or, when NULL, into the backup
 * folder (then retention applies); result->path is the backup. */
void                migrator_service_backup_async      (MigratorService      *self,
                                                        const char           *dest_path,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_backup_finish     (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* (element-type MigratorBackupInfo), newest first. */
void                migrator_service_list_backups_async  (MigratorService    *self,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
GPtrArray          *migrator_service_list_backups_finish (MigratorService    *self,
                                                          GAsyncResult       *result,
                                                          GError            **error);
/* Restores @backup (a name, a path or "latest") after backing up the
 * current file (SPEC §6.3); result->path is the restored backup,
 * result->backup the backup of the file as it was. */
void                migrator_service_restore_async     (MigratorService      *self,
                                                        const char           *backup,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_restore_finish    (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* Development only: backs up, deletes and recreates the database at heads. */
void                migrator_service_reset_async       (MigratorService      *self,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
MigratorRunResult  *migrator_service_reset_finish      (MigratorService      *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* Synchronous wrappers for the command line: they start the operation and
 * iterate the service's main context until it is done, so the "log"
 * signal is still emitted. Call them on the thread that created the
 * service. */
MigratorRunResult  *migrator_service_upgrade_sync      (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_downgrade_sync    (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_stamp_sync        (MigratorService      *self,
                                                        const char           *target,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_merge_sync        (MigratorService      *self,
                                                        const char           *message,
                                                        const char *const    *revisions,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorStatus     *migrator_service_status_sync       (MigratorService      *self,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
char              **migrator_service_current_sync      (MigratorService      *self,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_backup_sync       (MigratorService      *self,
                                                        const char           *dest_path,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
GPtrArray          *migrator_service_list_backups_sync (MigratorService      *self,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_restore_sync      (MigratorService      *self,
                                                        const char           *backup,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);
MigratorRunResult  *migrator_service_reset_sync        (MigratorService      *self,
                                                        MigratorServiceFlags  flags,
                                                        GCancellable         *cancellable,
                                                        GError              **error);

G_END_DECLS
