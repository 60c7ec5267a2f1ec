/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Backups of a SQLite database (SPEC §6.1, §6.3, §6.4). Plain blocking
 * functions meant for the migration service's worker thread: they honour
 * @cancellable between steps and call @progress on the calling thread.
 *
 * A backup is named <db stem>-<UTC YYYYmmddTHHMMSSZ>-<label>.db, where stem
 * and label only keep [A-Za-z0-9._-] (anything else becomes '_'); a second
 * backup in the same second gets -1, -2 … before ".db". It is written to a
 * "<name>.XXXXXX.partial" file next to its final place, checked with
 * PRAGMA quick_check, fsynced and only then renamed into place (and the
 * folder fsynced), so a failed or cancelled backup leaves no file behind.
 *
 * How the copy is made depends on the journal mode of the database:
 * - rollback journal (delete, truncate, persist, memory, off): a read
 *   transaction holds the SHARED lock, which keeps writers out, and the file
 *   is copied with large reads and writes. A second connection, opened
 *   under that same lock, runs quick_check on the very bytes being copied,
 *   in parallel with the copy and the fsync (run afterwards it would double
 *   the time of a large backup); then the copy must open as a database and
 *   have the source's size. Writers wait for the copy and the check.
 * - WAL: the online backup API copies the snapshot of a read transaction,
 *   in steps; writers go on meanwhile. quick_check runs on the copy, in
 *   parallel with its fsync.
 * Backups are always rollback journal files (a copy of a WAL database gets
 * the legacy header bytes), so opening one never creates -wal/-shm files in
 * the backup folder.
 *
 * Errors: MIGRATOR_ERROR_DATABASE (SQLite failed, damaged file),
 * MIGRATOR_ERROR_LOCKED (busy for longer than the busy timeout),
 * MIGRATOR_ERROR_FAILED (files, unknown backup), G_IO_ERROR_CANCELLED. Every
 * message names the file concerned. */

#define MIGRATOR_TYPE_BACKUP_INFO (migrator_backup_info_get_type ())

/* How long the backup waits for a writer that holds the database. */
#define MIGRATOR_BACKUP_BUSY_TIMEOUT_MS 5000

typedef struct
{
  char      *path;      /* absolute or as given: folder + name */
  char      *name;      /* file name */
  goffset    size;      /* bytes */
  GDateTime *created;   /* UTC, from the name (else the file's mtime) */
  char      *revision;  /* label from the name ("base" or a revision id,
                         * sanitised, without a -N counter); NULL when the
                         * name does not follow the pattern */
  gboolean   verified;  /* TRUE once quick_check passed on it in this process
                         * (migrator_backup_info_verify); listing does not
                         * read the files */
} MigratorBackupInfo;

/* Called between steps with 0.0 … 1.0, on the thread doing the backup. */
typedef void (*MigratorBackupProgress) (double   fraction,
                                        gpointer user_data);

GType               migrator_backup_info_get_type (void) G_GNUC_CONST;
/* Stats @path and parses its name (see MigratorBackupInfo). */
MigratorBackupInfo *migrator_backup_info_new      (const char          *path,
                                                   GError             **error);
MigratorBackupInfo *migrator_backup_info_ref      (MigratorBackupInfo  *info);
void                migrator_backup_info_unref    (MigratorBackupInfo  *info);
/* Runs migrator_backup_verify() and sets @info->verified. */
gboolean            migrator_backup_info_verify   (MigratorBackupInfo  *info,
                                                   GError             **error);

/* Replaces every character outside [A-Za-z0-9._-] by '_' (one '_' per
 * character of valid UTF-8, else per byte) and keeps at most 100 bytes.
 * NULL or "" gives "base". */
char               *migrator_backup_sanitize_label (const char         *label);
/* <stem of @db_path>-<@when in UTC as YYYYmmddTHHMMSSZ>-<label>.db, both
 * parts sanitised; the stem is the file name without its last extension. */
char               *migrator_backup_make_name     (const char          *db_path,
                                                   GDateTime           *when,
                                                   const char          *label);

/* Backs up @db_path into @backup_dir (created with mode 0700 if missing) as
 * <stem>-<now>-<label>.db (-1, -2 … when that name exists), verified with
 * quick_check, with the permission bits of @db_path. @label is the revision
 * id or "base". The database is not changed; writers wait (rollback journal)
 * or go on (WAL) while it runs.
 * Returns: (transfer full): the path of the new backup, or NULL with @error */
char               *migrator_backup_create        (const char          *db_path,
                                                   const char          *backup_dir,
                                                   const char          *label,
                                                   GCancellable        *cancellable,
                                                   MigratorBackupProgress progress,
                                                   gpointer             user_data,
                                                   GError             **error);
/* Same, to an explicit file (`migrator backup -o FILE`): an existing
 * @dest_path is replaced atomically; @dest_path may not be the database or
 * one of its -wal, -shm, -journal files. Its folder must exist. */
gboolean            migrator_backup_create_to     (const char          *db_path,
                                                   const char          *dest_path,
                                                   GCancellable        *cancellable,
                                                   MigratorBackupProgress progress,
                                                   gpointer             user_data,
                                                   GError             **error);

/* Opens @path read-only and runs PRAGMA quick_check; anything but "ok" is a
 * MIGRATOR_ERROR_DATABASE error naming the file and the first problems. */
gboolean            migrator_backup_verify        (const char          *path,
                                                   GError             **error);

/* Backups of @db_path (by its stem) in @backup_dir, newest first: by the
 * timestamp in the name, then mtime, then the -N counter. A missing folder
 * gives an empty array.
 * Returns: (transfer full) (element-type MigratorBackupInfo) */
GPtrArray          *migrator_backup_list          (const char          *backup_dir,
                                                   const char          *db_path,
                                                   GError             **error);

/* Deletes all but the newest @keep backups of @db_path (@keep == 0 keeps
 * all). Stops at the first file it cannot delete.
 * Returns: (transfer full) (element-type utf8): the deleted paths */
GPtrArray          *migrator_backup_apply_retention (const char        *backup_dir,
                                                     const char        *db_path,
                                                     guint              keep,
                                                     GError           **error);

/* Deletes one backup file (the GUI's Backups page). */
gboolean            migrator_backup_delete        (const char          *path,
                                                   GError             **error);

/* Copies @backup_path into @db_path (created if missing) through the online
 * backup API, so open connections and WAL stay correct, then runs
 * quick_check on the result. The backup is verified first; a damaged
 * backup, a failure or a cancel before the final commit leave the database
 * as it was. The caller backs up the current database first (SPEC §6.3). */
gboolean            migrator_backup_restore       (const char          *backup_path,
                                                   const char          *db_path,
                                                   GCancellable        *cancellable,
                                                   MigratorBackupProgress progress,
                                                   gpointer             user_data,
                                                   GError             **error);

/* For `migrator restore BACKUP|latest`: "latest" is the newest backup of
 * @db_path in @backup_dir; anything else is a file name in @backup_dir
 * (".db" may be left out) or a path to an existing file. An unknown name is
 * a MIGRATOR_ERROR_FAILED error that names it.
 * Returns: (transfer full): the backup's path */
char               *migrator_backup_resolve       (const char          *backup_dir,
                                                   const char          *db_path,
                                                   const char          *name_or_latest,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorBackupInfo, migrator_backup_info_unref)

G_END_DECLS
