/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-backup"
/* renameat2 (RENAME_NOREPLACE) and sync_file_range */
#define _GNU_SOURCE

#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrator-backup.h"
#include "migrator-error.h"

/* Fast path chunk: read, hashed and written while in the CPU's cache.
 * Larger chunks leave the cache between the steps and, with quick_check
 * streaming through the same cache on the other core, made the copy up to
 * twice as slow (tests/bench W3: 256 KiB to 1 MiB is best, 2 MiB or more
 * is not). */
#define COPY_CHUNK_BYTES    (256 * 1024)
/* Backup API steps of this many bytes (at least 1024 pages): few enough
 * steps to cost nothing, enough to report progress and see a cancel. */
#define STEP_BYTES          (8 * 1024 * 1024)
#define MIN_STEP_PAGES      1024
#define MAX_LABEL_BYTES     100
#define MAX_NAME_COUNTER    9999
/* Share of the progress bar for copying; the rest is fsync and check. */
#define COPY_SHARE          0.9

/* "-YYYYmmddTHHMMSSZ-" */
#define STAMP_LEN           16

typedef struct
{
  GCancellable           *cancellable;
  MigratorBackupProgress  progress;
  gpointer                user_data;
} Job;

/* MigratorBackupInfo */

static void
backup_info_clear (MigratorBackupInfo *info)
{
  g_free (info->path);
  g_free (info->name);
  g_clear_pointer (&info->created, g_date_time_unref);
  g_free (info->revision);
}

MigratorBackupInfo *
migrator_backup_info_ref (MigratorBackupInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);

  return g_atomic_rc_box_acquire (info);
}

void
migrator_backup_info_unref (MigratorBackupInfo *info)
{
  g_return_if_fail (info != NULL);

  g_atomic_rc_box_release_full (info, (GDestroyNotify) backup_info_clear);
}

G_DEFINE_BOXED_TYPE (MigratorBackupInfo, migrator_backup_info,
                     migrator_backup_info_ref, migrator_backup_info_unref)

/* Small helpers */

static int
error_code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return MIGRATOR_ERROR_LOCKED;
    default:
      return MIGRATOR_ERROR_DATABASE;
    }
}

static void
report (Job    *job,
        double  fraction)
{
  if (job->progress != NULL)
    job->progress (CLAMP (fraction, 0.0, 1.0), job->user_data);
}

static void set_errno_error (GError     **error,
                             int          errsv,
                             const char  *format,
                             ...) G_GNUC_PRINTF (3, 4);

/* "<message>: <strerror>" */
static void
set_errno_error (GError     **error,
                 int          errsv,
                 const char  *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               "%s: %s", message, g_strerror (errsv));
}

static gboolean
write_all (int           fd,
           const guint8 *buf,
           gsize         len,
           const char   *path,
           GError      **error)
{
  while (len > 0)
    {
      gssize n = write (fd, buf, len);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          set_errno_error (error, errsv, _("Could not write “%s”"), path);
          return FALSE;
        }
      buf += n;
      len -= n;
    }

  return TRUE;
}

static gboolean
fsync_fd (int          fd,
          const char  *path,
          GError     **error)
{
  if (fsync (fd) != 0)
    {
      set_errno_error (error, errno, _("Could not write “%s” to disk"), path);
      return FALSE;
    }

  return TRUE;
}

/* Makes a rename or a new entry in @dir durable. Some file systems cannot
 * fsync a folder; that is not worth failing a backup for. */
static void
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("fsync of folder %s: %s", dir, g_strerror (errno));
  close (fd);
}

/* Renames without replacing an existing file. Returns 0 or an errno
 * (EEXIST when @to exists). */
static int
rename_noreplace (const char *from,
                  const char *to)
{
#ifdef RENAME_NOREPLACE
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    return errno;
#endif

  /* link() fails with EEXIST atomically as well */
  if (link (from, to) == 0)
    {
      g_unlink (from);
      return 0;
    }
  if (errno == EEXIST)
    return EEXIST;

  /* No hard links on this file system (vfat, some network mounts). */
  if (g_file_test (to, G_FILE_TEST_EXISTS))
    return EEXIST;
  if (g_rename (from, to) != 0)
    return errno;

  return 0;
}

static void
unlink_database_files (const char *path)
{
  static const char * const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* @context names @path: "Could not read backup “…”" */
static gboolean
stat_regular_file (const char   *path,
                   struct stat  *st,
                   const char   *context,
                   GError      **error)
{
  if (g_stat (path, (GStatBuf *) st) != 0)
    {
      set_errno_error (error, errno, "%s", context);
      return FALSE;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   "%s: %s", context, _("not a regular file"));
      return FALSE;
    }

  return TRUE;
}

/* Names */

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-';
}

static char *
sanitize (const char *text,
          const char *fallback)
{
  GString *out;

  if (text == NULL || text[0] == '\0')
    return g_strdup (fallback);

  out = g_string_new (NULL);
  if (g_utf8_validate (text, -1, NULL))
    {
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        g_string_append_c (out, is_name_char (*p) ? *p : '_');
    }
  else
    {
      for (const char *p = text; *p != '\0'; p++)
        g_string_append_c (out, is_name_char (*p) ? *p : '_');
    }

  if (out->len > MAX_LABEL_BYTES)
    g_string_truncate (out, MAX_LABEL_BYTES);

  return g_string_free (out, FALSE);
}

char *
migrator_backup_sanitize_label (const char *label)
{
  return sanitize (label, "base");
}

static char *
db_stem (const char *db_path)
{
  g_autofree char *base = g_path_get_basename (db_path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';

  return sanitize (base, "database");
}

char *
migrator_backup_make_name (const char *db_path,
                           GDateTime  *when,
                           const char *label)
{
  g_autofree char *stem = NULL;
  g_autofree char *clean_label = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (when != NULL, NULL);

  stem = db_stem (db_path);
  clean_label = migrator_backup_sanitize_label (label);
  utc = g_date_time_to_utc (when);
  stamp = g_date_time_format (utc, "%Y%m%dT%H%M%SZ");

  return g_strdup_printf ("%s-%s-%s.db", stem, stamp, clean_label);
}

static gboolean
all_digits (const char *p,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;

  return TRUE;
}

static int
parse_int (const char *p,
           gsize       n)
{
  int value = 0;

  for (gsize i = 0; i < n; i++)
    value = value * 10 + (p[i] - '0');

  return value;
}

/* Splits <stem>-YYYYmmddTHHMMSSZ-<label>[-N].db. The -N counter cannot be
 * told apart from a label that itself ends in -<digits>; revision ids do
 * not (Alembic's are hex), so it is taken as the counter. */
static gboolean
parse_backup_name (const char  *name,
                   char       **stem_out,
                   GDateTime  **created_out,
                   char       **revision_out,
                   guint       *counter_out)
{
  gsize len = strlen (name);
  const char *stamp = NULL;
  const char *label;
  gsize label_len;
  g_autofree char *revision = NULL;
  GDateTime *created;
  guint counter = 0;

  if (len < 4 || !g_str_has_suffix (name, ".db"))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_name_char (name[i]))
      return FALSE;

  /* the first "-YYYYmmddTHHMMSSZ-" after a non-empty stem */
  for (const char *p = name + 1; p + STAMP_LEN + 2 <= name + len; p++)
    {
      if (p[0] == '-' && all_digits (p + 1, 8) && p[9] == 'T'
          && all_digits (p + 10, 6) && p[16] == 'Z' && p[17] == '-')
        {
          stamp = p + 1;
          break;
        }
    }
  if (stamp == NULL)
    return FALSE;

  label = stamp + STAMP_LEN + 1;
  if (label >= name + len - 3)
    return FALSE;
  label_len = (name + len - 3) - label;

  created = g_date_time_new_utc (parse_int (stamp, 4), parse_int (stamp + 4, 2),
                                 parse_int (stamp + 6, 2), parse_int (stamp + 9, 2),
                                 parse_int (stamp + 11, 2), parse_int (stamp + 13, 2));
  if (created == NULL)
    return FALSE;

  revision = g_strndup (label, label_len);
  {
    char *dash = strrchr (revision, '-');

    if (dash != NULL && dash != revision && dash[1] >= '1' && dash[1] <= '9'
        && strlen (dash + 1) <= 4 && all_digits (dash + 1, strlen (dash + 1)))
      {
        counter = (guint) atoi (dash + 1);
        *dash = '\0';
      }
  }

  if (stem_out != NULL)
    *stem_out = g_strndup (name, (stamp - 1) - name);
  if (created_out != NULL)
    *created_out = created;
  else
    g_date_time_unref (created);
  if (revision_out != NULL)
    *revision_out = g_steal_pointer (&revision);
  if (counter_out != NULL)
    *counter_out = counter;

  return TRUE;
}

/* Info objects; @mtime_usec and @counter are for sorting. */
typedef struct
{
  MigratorBackupInfo *info;
  gint64              mtime_usec;
  guint               counter;
} ListEntry;

static MigratorBackupInfo *
info_from_stat (const char        *path,
                const char        *name,
                const struct stat *st,
                gint64            *mtime_usec,
                guint             *counter,
                char             **stem)
{
  MigratorBackupInfo *info = g_atomic_rc_box_new0 (MigratorBackupInfo);

  info->path = g_strdup (path);
  info->name = g_strdup (name);
  info->size = st->st_size;
  *mtime_usec = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
  *counter = 0;
  if (!parse_backup_name (name, stem, &info->created, &info->revision, counter))
    info->created = g_date_time_new_from_unix_utc (st->st_mtim.tv_sec);

  return info;
}

MigratorBackupInfo *
migrator_backup_info_new (const char  *path,
                          GError     **error)
{
  struct stat st;
  g_autofree char *name = NULL;
  gint64 mtime_usec;
  guint counter;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  {
    g_autofree char *context = g_strdup_printf (_("Could not read backup “%s”"), path);

    if (!stat_regular_file (path, &st, context, error))
      return NULL;
  }

  name = g_path_get_basename (path);
  return info_from_stat (path, name, &st, &mtime_usec, &counter, NULL);
}

gboolean
migrator_backup_info_verify (MigratorBackupInfo  *info,
                             GError             **error)
{
  g_return_val_if_fail (info != NULL, FALSE);

  info->verified = migrator_backup_verify (info->path, error);
  return info->verified;
}

/* SQLite */

static sqlite3 *
open_database (const char  *path,
               int          flags,
               GError     **error)
{
  /* SQLite may be built to read "file:…" names as URIs */
  g_autofree char *plain = g_str_has_prefix (path, "file:") ? g_strconcat ("./", path, NULL) : NULL;
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (plain != NULL ? plain : path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   _("Could not open database “%s”: %s"),
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, MIGRATOR_BACKUP_BUSY_TIMEOUT_MS);

  return db;
}

static void
interrupt_db (GCancellable *cancellable,
              sqlite3      *db)
{
  sqlite3_interrupt (db);
}

static gboolean
run_quick_check (sqlite3       *db,
                 const char    *context,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  gulong handler = 0;
  guint n_rows = 0;
  gboolean ok = FALSE;
  int rc;

  /* quick_check reads the whole file: let a cancel stop it */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (interrupt_db), db, NULL);

  /* Memory-mapped reads make quick_check of a large file several times
   * cheaper (no copy through the kernel for every page). The files checked
   * here are either locked against writers or our own copies, so the file
   * cannot shrink under the mapping. */
  sqlite3_exec (db, "PRAGMA mmap_size = 4294967296", NULL, NULL, NULL);

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *row = (const char *) sqlite3_column_text (stmt, 0);

      n_rows++;
      ok = n_rows == 1 && g_strcmp0 (row, "ok") == 0;
      if (g_strcmp0 (row, "ok") != 0 && n_rows <= 3)
        g_string_append_printf (problems, "%s%s", problems->len > 0 ? "; " : "",
                                row != NULL ? row : "?");
      rc = SQLITE_OK;
    }

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   "%s: %s", context, sqlite3_errmsg (db));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  if (!ok)
    {
      if (n_rows > 3)
        g_string_append_printf (problems, _(" (and %u more)"), n_rows - 3);
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, "%s: %s",
                   context, problems->len > 0 ? problems->str : _("no result"));
      return FALSE;
    }

  return TRUE;
}

/* @check_context names what a failed quick_check means (NULL: the backup
 * at @path is damaged). */
static gboolean
verify_file (const char    *path,
             const char    *check_context,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *context = NULL;
  sqlite3 *db = NULL;
  struct stat st;
  gboolean ok;

  context = g_strdup_printf (_("Could not read backup “%s”"), path);
  if (!stat_regular_file (path, &st, context, error))
    return FALSE;

  db = open_database (path, SQLITE_OPEN_READONLY, error);
  if (db == NULL)
    return FALSE;

  g_free (context);
  context = check_context != NULL ? g_strdup (check_context)
                                  : g_strdup_printf (_("Backup “%s” is damaged"), path);
  ok = run_quick_check (db, context, cancellable, error);
  sqlite3_close (db);

  return ok;
}

gboolean
migrator_backup_verify (const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return verify_file (path, NULL, NULL, error);
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          const char  *context,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   "%s: %s", context, sqlite3_errmsg (db));
      return FALSE;
    }

  return TRUE;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return result;
}

/* A read transaction: a SHARED lock (rollback journal) stops writers, a WAL
 * snapshot keeps what we copy consistent across backup steps. */
static gboolean
begin_read (sqlite3     *db,
            const char  *path,
            GError     **error)
{
  g_autofree char *context = g_strdup_printf (_("Could not read database “%s”"), path);

  return exec_sql (db, "BEGIN; SELECT count(*) FROM sqlite_schema;", context, error);
}

/* Copying */

/* A fast 64-bit hash of the bytes copied, to prove the copy on disk holds
 * exactly the bytes that were read (and checked) under the lock. Not a
 * defence against tampering, only against a copy gone wrong. Four lanes
 * over interleaved words, so that the multiplications of one lane do not
 * wait for the others' (four times the speed of one chain); every step is
 * a bijection of the lane's state, so one changed word always changes the
 * result. @n must be a multiple of 32 except for the last call. */
#define HASH_PRIME G_GUINT64_CONSTANT (0x100000001b3)

static inline guint64
hash_step (guint64 h,
           guint64 w)
{
  h = (h ^ w) * HASH_PRIME;
  return h ^ (h >> 29);
}

typedef struct
{
  guint64 lane[4];
} Hash;

static void
hash_init (Hash *hash)
{
  for (guint i = 0; i < G_N_ELEMENTS (hash->lane); i++)
    hash->lane[i] = G_GUINT64_CONSTANT (0xcbf29ce484222325) + i;
}

static void
hash_bytes (Hash         *hash,
            const guint8 *p,
            gsize         n)
{
  guint64 a = hash->lane[0], b = hash->lane[1], c = hash->lane[2], d = hash->lane[3];
  gsize i = 0;

  for (; i + 32 <= n; i += 32)
    {
      guint64 w[4];

      memcpy (w, p + i, sizeof w);
      a = hash_step (a, w[0]);
      b = hash_step (b, w[1]);
      c = hash_step (c, w[2]);
      d = hash_step (d, w[3]);
    }
  for (; i < n; i++)
    a = hash_step (a, p[i]);

  hash->lane[0] = a;
  hash->lane[1] = b;
  hash->lane[2] = c;
  hash->lane[3] = d;
}

static guint64
hash_finish (const Hash *hash)
{
  guint64 h = hash->lane[0];

  for (guint i = 1; i < G_N_ELEMENTS (hash->lane); i++)
    h = hash_step (h, hash->lane[i]);
  return h;
}

/* Reading the copy back: its bytes are read from the page cache in the
 * pieces they were written in, hashed, and must hash as the bytes copied
 * did. Every piece but the last is a multiple of 32 bytes (see
 * hash_bytes()). */
typedef struct
{
  int         fd;
  const char *path;
  guint8     *buf;
  goffset     offset;
  Hash        hash;
} ReadBack;

static void
read_back_init (ReadBack   *rb,
                int         fd,
                const char *path)
{
  rb->fd = fd;
  rb->path = path;
  rb->buf = g_malloc (COPY_CHUNK_BYTES);
  rb->offset = 0;
  hash_init (&rb->hash);
}

static void
read_back_clear (ReadBack *rb)
{
  g_clear_pointer (&rb->buf, g_free);
}

/* Reads and hashes the copy up to @end. */
static gboolean
read_back_until (ReadBack  *rb,
                 goffset    end,
                 GError   **error)
{
  while (rb->offset < end)
    {
      gsize want = (gsize) MIN ((goffset) COPY_CHUNK_BYTES, end - rb->offset);
      gsize got = 0;

      while (got < want)
        {
          ssize_t n = pread (rb->fd, rb->buf + got, want - got, rb->offset + got);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              set_errno_error (error, n < 0 ? errno : EIO, _("Could not read back “%s”"), rb->path);
              return FALSE;
            }
          got += n;
        }
      hash_bytes (&rb->hash, rb->buf, want);
      rb->offset += want;
    }

  return TRUE;
}

static gboolean
read_back_matches (ReadBack  *rb,
                   goffset    size,
                   guint64    expected,
                   GError   **error)
{
  if (rb->offset != size || hash_finish (&rb->hash) != expected)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("Backup “%s” is damaged: the copy on disk differs from the database"), rb->path);
      return FALSE;
    }
  return TRUE;
}

/* Rollback journal fast path: while our SHARED lock stops writers, the file
 * is the database. It is read through SQLite's own file handle: opening and
 * closing a second descriptor would drop every POSIX lock this process holds
 * on the file, including other connections'. @written learns how far the
 * copy has got after every write. */
static gboolean
copy_file_bytes (sqlite3      *src,
                 const char   *db_path,
                 int           out_fd,
                 const char   *dest_path,
                 void        (*written) (goffset, gpointer),
                 gpointer      written_data,
                 goffset      *copied_size,
                 guint64      *copied_hash,
                 Job          *job,
                 GError      **error)
{
  g_autofree guint8 *buf = NULL;
  sqlite3_file *file = NULL;
  sqlite3_int64 size = 0;
  sqlite3_int64 offset;
  Hash h;
  int rc;

  rc = sqlite3_file_control (src, "main", SQLITE_FCNTL_FILE_POINTER, &file);
  if (rc == SQLITE_OK && (file == NULL || file->pMethods == NULL))
    rc = SQLITE_MISUSE;
  if (rc == SQLITE_OK)
    rc = file->pMethods->xFileSize (file, &size);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                   _("Could not read database “%s”: %s"), db_path, sqlite3_errstr (rc));
      return FALSE;
    }

  buf = g_malloc (COPY_CHUNK_BYTES);
  hash_init (&h);
  for (offset = 0; offset < size;)
    {
      int n = (int) MIN ((sqlite3_int64) COPY_CHUNK_BYTES, size - offset);

      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return FALSE;

      rc = file->pMethods->xRead (file, buf, n, offset);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                       _("Could not read database “%s”: %s"), db_path,
                       rc == SQLITE_IOERR_SHORT_READ ? _("the file shrank while being copied")
                                                     : sqlite3_errstr (rc));
          return FALSE;
        }
      hash_bytes (&h, buf, n);
      if (!write_all (out_fd, buf, n, dest_path, error))
        return FALSE;
#ifdef SYNC_FILE_RANGE_WRITE
      /* start writeback now, so the final fsync has little left to do */
      sync_file_range (out_fd, offset, n, SYNC_FILE_RANGE_WRITE);
#endif
      offset += n;
      written (offset, written_data);
      report (job, COPY_SHARE * offset / size);
    }

  *copied_size = size;
  *copied_hash = hash_finish (&h);
  return TRUE;
}

static gboolean
step_backup (sqlite3_backup  *backup,
             int              step_pages,
             const char      *context,
             Job             *job,
             GError         **error)
{
  int rc;

  do
    {
      if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
        return FALSE;

      rc = sqlite3_backup_step (backup, step_pages);
      if (rc == SQLITE_OK || rc == SQLITE_DONE)
        {
          int total = sqlite3_backup_pagecount (backup);

          if (total > 0)
            report (job, COPY_SHARE * (total - sqlite3_backup_remaining (backup)) / total);
        }
    }
  while (rc == SQLITE_OK);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   "%s: %s", context, sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

static int
step_pages_for (sqlite3 *db)
{
  g_autofree char *page_size = query_text (db, "PRAGMA page_size");
  int size = page_size != NULL ? atoi (page_size) : 0;

  if (size <= 0)
    return MIN_STEP_PAGES;

  return MAX (MIN_STEP_PAGES, STEP_BYTES / size);
}

/* WAL: the online backup API reads our snapshot through SQLite. */
static gboolean
copy_with_backup_api (sqlite3     *src,
                      const char  *db_path,
                      const char  *dest_path,
                      Job         *job,
                      GError     **error)
{
  g_autofree char *write_context = g_strdup_printf (_("Could not write “%s”"), dest_path);
  /* a failed step is mostly the copy's disk (full, I/O error): name both */
  g_autofree char *context = g_strdup_printf (_("Could not back up “%s” to “%s”"), db_path, dest_path);
  sqlite3 *dest;
  sqlite3_backup *backup;
  gboolean ok;
  int rc;

  dest = open_database (dest_path, SQLITE_OPEN_READWRITE, error);
  if (dest == NULL)
    return FALSE;

  /* the file is ours and deleted on failure: no journal, we fsync later */
  if (!exec_sql (dest, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;",
                 write_context, error))
    {
      sqlite3_close (dest);
      return FALSE;
    }

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (sqlite3_errcode (dest)),
                   _("Could not back up “%s”: %s"), db_path, sqlite3_errmsg (dest));
      sqlite3_close (dest);
      return FALSE;
    }

  ok = step_backup (backup, step_pages_for (src), context, job, error);
  rc = sqlite3_backup_finish (backup);
  if (ok && rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   _("Could not back up “%s”: %s"), db_path, sqlite3_errmsg (dest));
      ok = FALSE;
    }
  sqlite3_close (dest);

  return ok;
}

/* A copy of a WAL database keeps header bytes 18-19 = 2 (WAL); set them to
 * 1 (rollback journal) so the backup is one self-contained file. */
static gboolean
make_rollback_header (int          fd,
                      const char  *path,
                      GError     **error)
{
  guint8 version[2];
  static const guint8 legacy[2] = { 1, 1 };

  if (pread (fd, version, 2, 18) != 2 || version[0] != 2 || version[1] != 2)
    return TRUE;

  if (pwrite (fd, legacy, 2, 18) != 2)
    {
      set_errno_error (error, errno, _("Could not write “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

static gpointer
fsync_thread (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);

  return GINT_TO_POINTER (fsync (fd) == 0 ? 0 : errno);
}

/* fsync is disk-bound and quick_check CPU-bound (it reads the fresh copy
 * from the page cache): run them side by side. */
static gboolean
sync_and_verify (int            fd,
                 const char    *path,
                 const char    *check_context,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GThread *thread;
  gboolean verified;
  int errsv;

  thread = g_thread_try_new ("migrator-fsync", fsync_thread, GINT_TO_POINTER (fd), NULL);
  if (thread == NULL)
    return fsync_fd (fd, path, error) && verify_file (path, check_context, cancellable, error);

  verified = verify_file (path, check_context, cancellable, &local_error);
  errsv = GPOINTER_TO_INT (g_thread_join (thread));

  if (!verified)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (errsv != 0)
    {
      set_errno_error (error, errsv, _("Could not write “%s” to disk"), path);
      return FALSE;
    }

  return TRUE;
}

/* quick_check of the source on a second connection, in a thread, which
 * then reads the copy back as far as it has been written, and on until the
 * copy is done: quick_check ends about when the copy does, and the read-back
 * (a tenth of the copy's time) then costs almost nothing more. */
typedef struct
{
  sqlite3      *db;
  char         *context;
  GCancellable *cancellable;
  GThread      *thread;
  GError       *error;
  gboolean      ok;

  ReadBack      read_back;    /* the thread's, until joined */
  GMutex        mutex;
  GCond         cond;
  goffset       written;      /* under mutex: how far the copy has got */
  gboolean      copy_ended;   /* under mutex: no more will be written */
  gboolean      abandoned;    /* under mutex: the copy failed, stop */
} SourceCheck;

/* Waits for more of the copy; FALSE once it has ended and all is read. */
static gboolean
source_check_wait (SourceCheck *check,
                   goffset     *end)
{
  gboolean more;

  g_mutex_lock (&check->mutex);
  while (!check->copy_ended && check->written - check->read_back.offset < COPY_CHUNK_BYTES)
    g_cond_wait (&check->cond, &check->mutex);
  *end = check->written;
  more = !check->abandoned && (*end > check->read_back.offset || !check->copy_ended);
  g_mutex_unlock (&check->mutex);

  return more;
}

static gpointer
source_check_run (gpointer data)
{
  SourceCheck *check = data;
  goffset end;

  check->ok = run_quick_check (check->db, check->context, check->cancellable, &check->error);

  while (check->ok && source_check_wait (check, &end))
    check->ok = read_back_until (&check->read_back, end, &check->error);

  return NULL;
}

static void
source_check_written (goffset  written,
                      gpointer data)
{
  SourceCheck *check = data;

  g_mutex_lock (&check->mutex);
  check->written = written;
  g_cond_signal (&check->cond);
  g_mutex_unlock (&check->mutex);
}

static void
source_check_free (SourceCheck *check)
{
  if (check->db != NULL)
    {
      sqlite3_exec (check->db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (check->db);
    }
  read_back_clear (&check->read_back);
  g_mutex_clear (&check->mutex);
  g_cond_clear (&check->cond);
  g_free (check->context);
  g_clear_error (&check->error);
  g_free (check);
}

/* Must be called while the copying connection holds its SHARED lock, so
 * that both read transactions see the same file. */
static SourceCheck *
source_check_start (const char    *db_path,
                    int            fd,
                    const char    *dest_path,
                    GCancellable  *cancellable,
                    GError       **error)
{
  SourceCheck *check = g_new0 (SourceCheck, 1);

  g_mutex_init (&check->mutex);
  g_cond_init (&check->cond);
  read_back_init (&check->read_back, fd, dest_path);
  check->context = g_strdup_printf (_("Database “%s” is damaged"), db_path);
  check->cancellable = cancellable;
  check->db = open_database (db_path, SQLITE_OPEN_READONLY, error);
  if (check->db == NULL || !begin_read (check->db, db_path, error))
    {
      source_check_free (check);
      return NULL;
    }

  check->thread = g_thread_try_new ("migrator-check", source_check_run, check, NULL);

  return check;
}

/* Ends the check once the copy has ended (interrupting it first when
 * @abandon) and frees it. The copy must hash to @expected. Without a
 * thread, quick_check and the read-back run now. */
static gboolean
source_check_finish (SourceCheck  *check,
                     gboolean      abandon,
                     goffset       size,
                     guint64       expected,
                     GError      **error)
{
  gboolean ok;

  g_mutex_lock (&check->mutex);
  check->copy_ended = TRUE;
  check->abandoned = abandon;
  g_cond_signal (&check->cond);
  g_mutex_unlock (&check->mutex);

  if (abandon)
    sqlite3_interrupt (check->db);
  if (check->thread != NULL)
    g_thread_join (check->thread);
  else if (!abandon)
    source_check_run (check);

  ok = check->ok && !abandon && read_back_matches (&check->read_back, size, expected, &check->error);
  if (!ok && !abandon)
    g_propagate_error (error, g_steal_pointer (&check->error));
  source_check_free (check);

  return ok;
}

/* After a copy whose source passed quick_check: a cheap look that the file
 * on disk opens as a database and holds what was copied. */
static gboolean
check_copy_opens (const char  *path,
                  goffset      expected_size,
                  GError     **error)
{
  g_autofree char *context = g_strdup_printf (_("Backup “%s” is damaged"), path);
  struct stat st;
  sqlite3 *db;
  gboolean ok;

  if (g_stat (path, (GStatBuf *) &st) != 0 || st.st_size != expected_size)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, "%s: %s",
                   context, _("the copy has the wrong size"));
      return FALSE;
    }

  db = open_database (path, SQLITE_OPEN_READONLY, error);
  if (db == NULL)
    return FALSE;
  ok = exec_sql (db, "SELECT count(*) FROM sqlite_schema", context, error);
  sqlite3_close (db);

  return ok;
}

static gboolean
finish_file (int           fd,
             const char   *path,
             mode_t        mode,
             GError      **error)
{
  if (!make_rollback_header (fd, path, error))
    return FALSE;
  if (fchmod (fd, mode & 07777) != 0)
    {
      set_errno_error (error, errno, _("Could not set the permissions of “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

/* Rollback journal: while @src holds its SHARED lock no writer can change
 * the file, so the file is the database. A second connection opens its
 * read transaction under that same lock and runs quick_check on exactly the
 * bytes being copied, in parallel with the copy and the fsync: quick_check
 * costs about as much as both together, and run after them it would make a
 * backup twice as slow as `cp` + `sync`. The copy is read back behind the
 * copy (by the same thread, once quick_check is done) and must hash to
 * exactly the bytes that were checked, so what is verified is the backup
 * itself. */
static gboolean
backup_rollback_journal (sqlite3           *src,
                         const char        *db_path,
                         int                fd,
                         const char        *partial,
                         const struct stat *st,
                         Job               *job,
                         GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  SourceCheck *check;
  goffset size = 0;
  guint64 hash = 0;
  gboolean ok;

  check = source_check_start (db_path, fd, partial, job->cancellable, error);
  if (check == NULL)
    return FALSE;

  ok = copy_file_bytes (src, db_path, fd, partial, source_check_written, check,
                        &size, &hash, job, &local_error);

  /* the copy is complete: let writers go on (once the check is done) */
  sqlite3_exec (src, "ROLLBACK", NULL, NULL, NULL);

  ok = ok && finish_file (fd, partial, st->st_mode, &local_error)
       && fsync_fd (fd, partial, &local_error);

  /* quick_check passed on the bytes read under the lock; the copy is
   * verified by holding exactly those bytes. */
  if (!source_check_finish (check, !ok, size, hash, ok ? &local_error : NULL))
    ok = FALSE;
  if (ok && g_cancellable_set_error_if_cancelled (job->cancellable, &local_error))
    ok = FALSE;
  ok = ok && check_copy_opens (partial, size, &local_error);

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* WAL: the online backup API copies our snapshot through SQLite; a second
 * connection could see a newer snapshot, so quick_check runs on the copy
 * (in parallel with its fsync). */
static gboolean
backup_wal (sqlite3           *src,
            const char        *db_path,
            const char        *partial,
            const struct stat *st,
            Job               *job,
            GError           **error)
{
  g_autofree char *check_context = g_strdup_printf (_("The backup of “%s” failed its check"),
                                                    db_path);
  gboolean ok;
  int fd;

  if (!copy_with_backup_api (src, db_path, partial, job, error))
    return FALSE;
  sqlite3_exec (src, "ROLLBACK", NULL, NULL, NULL);

  fd = open (partial, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”"), partial);
      return FALSE;
    }
  ok = finish_file (fd, partial, st->st_mode, error)
       && sync_and_verify (fd, partial, check_context, job->cancellable, error);
  close (fd);

  return ok;
}

/* Writes a verified copy of @db_path to @partial (created here, from a
 * mkstemp template). On failure nothing is left behind. */
static gboolean
backup_to_partial (const char  *db_path,
                   char        *partial,
                   Job         *job,
                   GError     **error)
{
  g_autofree char *context = g_strdup_printf (_("Could not back up database “%s”"), db_path);
  g_autofree char *journal_mode = NULL;
  struct stat st;
  sqlite3 *src = NULL;
  gint64 start = g_get_monotonic_time ();
  gboolean ok = FALSE;
  int fd;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;
  if (!stat_regular_file (db_path, &st, context, error))
    return FALSE;

  fd = g_mkstemp_full (partial, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_autofree char *dir = g_path_get_dirname (partial);

      set_errno_error (error, errsv, _("Could not create a file in “%s”"), dir);
      return FALSE;
    }

  src = open_database (db_path, SQLITE_OPEN_READWRITE, error);
  if (src == NULL || !begin_read (src, db_path, error))
    goto out;

  report (job, 0.0);
  journal_mode = query_text (src, "PRAGMA journal_mode");

  if (g_strcmp0 (journal_mode, "wal") != 0)
    {
      ok = backup_rollback_journal (src, db_path, fd, partial, &st, job, error);
    }
  else
    {
      /* SQLite opens the file itself, and closing a descriptor of ours
       * later would drop its locks on it */
      close (fd);
      fd = -1;
      ok = backup_wal (src, db_path, partial, &st, job, error);
    }

  if (ok)
    g_debug ("backed up %s (journal mode %s) to %s in %.3f s", db_path, journal_mode,
             partial, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

out:
  if (src != NULL)
    {
      sqlite3_exec (src, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (src);
    }
  if (fd >= 0)
    close (fd);
  if (!ok)
    unlink_database_files (partial);

  return ok;
}

static gboolean
ensure_backup_dir (const char  *backup_dir,
                   GError     **error)
{
  g_autofree char *parent = NULL;

  if (g_file_test (backup_dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  if (g_mkdir_with_parents (backup_dir, 0700) != 0)
    {
      set_errno_error (error, errno, _("Could not create backup folder “%s”"), backup_dir);
      return FALSE;
    }

  parent = g_path_get_dirname (backup_dir);
  fsync_dir (parent);

  return TRUE;
}

char *
migrator_backup_create (const char              *db_path,
                        const char              *backup_dir,
                        const char              *label,
                        GCancellable            *cancellable,
                        MigratorBackupProgress   progress,
                        gpointer                 user_data,
                        GError                 **error)
{
  Job job = { cancellable, progress, user_data };
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *name_stem = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *partial_name = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (backup_dir != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!ensure_backup_dir (backup_dir, error))
    return NULL;

  now = g_date_time_new_now_utc ();
  name = migrator_backup_make_name (db_path, now, label);
  partial_name = g_strconcat (name, ".XXXXXX.partial", NULL);
  partial = g_build_filename (backup_dir, partial_name, NULL);

  if (!backup_to_partial (db_path, partial, &job, error))
    return NULL;

  /* two backups in one second: -1, -2 … */
  name_stem = g_strndup (name, strlen (name) - strlen (".db"));
  for (guint i = 0; i <= MAX_NAME_COUNTER; i++)
    {
      g_autofree char *final_name = i == 0 ? g_strdup (name)
                                           : g_strdup_printf ("%s-%u.db", name_stem, i);
      g_autofree char *final = g_build_filename (backup_dir, final_name, NULL);
      int errsv = rename_noreplace (partial, final);

      if (errsv == 0)
        {
          fsync_dir (backup_dir);
          report (&job, 1.0);
          return g_steal_pointer (&final);
        }
      if (errsv != EEXIST)
        {
          set_errno_error (error, errsv, _("Could not create backup “%s”"), final);
          g_unlink (partial);
          return NULL;
        }
    }

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               _("Could not create backup “%s”: too many backups with this name"), name);
  g_unlink (partial);

  return NULL;
}

static gboolean
same_file (const char *a,
           const char *b)
{
  struct stat sa, sb;

  return g_stat (a, (GStatBuf *) &sa) == 0 && g_stat (b, (GStatBuf *) &sb) == 0
         && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* @dest_path is the database itself or one of its side files. */
static gboolean
is_database_file (const char *db_path,
                  const char *dest_path)
{
  static const char * const suffixes[] = { "", "-journal", "-wal", "-shm" };
  g_autofree char *dest_dir = g_path_get_dirname (dest_path);
  g_autofree char *dest_base = g_path_get_basename (dest_path);
  g_autofree char *db_dir = g_path_get_dirname (db_path);
  g_autofree char *db_base = g_path_get_basename (db_path);

  if (same_file (db_path, dest_path))
    return TRUE;
  if (!same_file (db_dir, dest_dir))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (db_base, suffixes[i], NULL);

      if (strcmp (side, dest_base) == 0)
        return TRUE;
    }

  return FALSE;
}

gboolean
migrator_backup_create_to (const char              *db_path,
                           const char              *dest_path,
                           GCancellable            *cancellable,
                           MigratorBackupProgress   progress,
                           gpointer                 user_data,
                           GError                 **error)
{
  Job job = { cancellable, progress, user_data };
  g_autofree char *partial = NULL;
  g_autofree char *dest_dir = NULL;

  g_return_val_if_fail (db_path != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_database_file (db_path, dest_path))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("Will not back up “%s” onto itself (“%s”)"), db_path, dest_path);
      return FALSE;
    }

  partial = g_strconcat (dest_path, ".XXXXXX.partial", NULL);
  if (!backup_to_partial (db_path, partial, &job, error))
    return FALSE;

  if (g_rename (partial, dest_path) != 0)
    {
      set_errno_error (error, errno, _("Could not create backup “%s”"), dest_path);
      g_unlink (partial);
      return FALSE;
    }

  dest_dir = g_path_get_dirname (dest_path);
  fsync_dir (dest_dir);
  report (&job, 1.0);

  return TRUE;
}

/* Listing */

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const ListEntry *ea = a;
  const ListEntry *eb = b;
  int cmp;

  /* newest first */
  cmp = g_date_time_compare (eb->info->created, ea->info->created);
  if (cmp == 0)
    cmp = (eb->mtime_usec > ea->mtime_usec) - (eb->mtime_usec < ea->mtime_usec);
  if (cmp == 0)
    cmp = (eb->counter > ea->counter) - (eb->counter < ea->counter);
  if (cmp == 0)
    cmp = -strcmp (ea->info->name, eb->info->name);

  return cmp;
}

GPtrArray *
migrator_backup_list (const char  *backup_dir,
                      const char  *db_path,
                      GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *stem = NULL;
  GPtrArray *result;
  const char *name;

  g_return_val_if_fail (backup_dir != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_backup_info_unref);

  dir = g_dir_open (backup_dir, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return result;
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("Could not read backup folder “%s”: %s"), backup_dir,
                   local_error->message);
      g_ptr_array_unref (result);
      return NULL;
    }

  stem = db_stem (db_path);
  entries = g_array_new (FALSE, FALSE, sizeof (ListEntry));

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *name_stem = NULL;
      struct stat st;
      ListEntry entry;

      if (!parse_backup_name (name, &name_stem, NULL, NULL, NULL)
          || strcmp (name_stem, stem) != 0)
        continue;

      path = g_build_filename (backup_dir, name, NULL);
      if (g_stat (path, (GStatBuf *) &st) != 0 || !S_ISREG (st.st_mode))
        continue;

      entry.info = info_from_stat (path, name, &st, &entry.mtime_usec, &entry.counter, NULL);
      g_array_append_val (entries, entry);
    }

  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (result, g_array_index (entries, ListEntry, i).info);

  return result;
}

/* A backup killed half-way (SIGKILL, power loss) leaves its ".partial"
 * file behind: nothing lists it, so it would fill the disk one killed
 * backup at a time. A partial that nobody has written to for an hour is
 * not a backup in progress (a copy writes continuously, and even the check
 * of a huge file does not take that long) and is removed. */
#define STALE_PARTIAL_SECONDS (60 * 60)

static void
remove_stale_partials (const char *backup_dir,
                       const char *db_path)
{
  g_autofree char *stem = db_stem (db_path);
  g_autofree char *prefix = g_strconcat (stem, "-", NULL);
  g_autoptr(GDir) dir = g_dir_open (backup_dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".partial"))
        continue;
      path = g_build_filename (backup_dir, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64) st.st_mtime > STALE_PARTIAL_SECONDS)
        {
          g_debug ("removing %s, left by a backup that did not finish", path);
          g_unlink (path);
        }
    }
}

GPtrArray *
migrator_backup_apply_retention (const char  *backup_dir,
                                 const char  *db_path,
                                 guint        keep,
                                 GError     **error)
{
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GPtrArray) deleted = NULL;

  g_return_val_if_fail (backup_dir != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  remove_stale_partials (backup_dir, db_path);

  backups = migrator_backup_list (backup_dir, db_path, error);
  if (backups == NULL)
    return NULL;

  deleted = g_ptr_array_new_with_free_func (g_free);
  if (keep == 0)
    return g_steal_pointer (&deleted);

  for (guint i = keep; i < backups->len; i++)
    {
      MigratorBackupInfo *info = g_ptr_array_index (backups, i);

      if (!migrator_backup_delete (info->path, error))
        return NULL;
      g_ptr_array_add (deleted, g_strdup (info->path));
    }

  return g_steal_pointer (&deleted);
}

gboolean
migrator_backup_delete (const char  *path,
                        GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_unlink (path) != 0)
    {
      set_errno_error (error, errno, _("Could not delete backup “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

/* Restoring */

static gboolean
restore_pages (sqlite3     *src,
               sqlite3     *dest,
               const char  *backup_path,
               const char  *db_path,
               Job         *job,
               GError     **error)
{
  g_autofree char *context = g_strdup_printf (_("Could not restore “%s” into “%s”"),
                                              backup_path, db_path);
  sqlite3_backup *backup;
  gboolean ok;
  int rc;

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (sqlite3_errcode (dest)),
                   _("Could not restore “%s” into “%s”: %s"),
                   backup_path, db_path, sqlite3_errmsg (dest));
      return FALSE;
    }

  /* every step writes into one transaction on @dest: finishing early
   * rolls it back and leaves the database as it was */
  ok = step_backup (backup, step_pages_for (src), context, job, error);
  rc = sqlite3_backup_finish (backup);
  if (ok && rc != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, error_code_for_sqlite (rc),
                   _("Could not restore “%s” into “%s”: %s"),
                   backup_path, db_path, sqlite3_errmsg (dest));
      ok = FALSE;
    }

  return ok;
}

static gboolean
restore_into (sqlite3     *src,
              sqlite3     *dest,
              const char  *backup_path,
              const char  *db_path,
              Job         *job,
              GError     **error)
{
  g_autofree char *mode = query_text (dest, "PRAGMA journal_mode");
  g_autofree char *src_page_size = query_text (src, "PRAGMA page_size");
  g_autofree char *dest_page_size = query_text (dest, "PRAGMA page_size");
  g_autofree char *context = NULL;
  gboolean ok;

  /* The backup API cannot change the page size of a WAL database: leave
   * WAL for the copy (needs no other connection), then go back. */
  if (g_strcmp0 (mode, "wal") != 0 || g_strcmp0 (src_page_size, dest_page_size) == 0)
    return restore_pages (src, dest, backup_path, db_path, job, error);

  g_debug ("%s: page size %s to %s, leaving WAL for the restore",
           db_path, dest_page_size, src_page_size);
  context = g_strdup_printf (_("Could not restore into “%s”"), db_path);
  if (!exec_sql (dest, "PRAGMA journal_mode=DELETE", context, error))
    return FALSE;

  ok = restore_pages (src, dest, backup_path, db_path, job, error);

  if (!exec_sql (dest, "PRAGMA journal_mode=WAL", context, ok ? error : NULL))
    ok = FALSE;

  return ok;
}

gboolean
migrator_backup_restore (const char              *backup_path,
                         const char              *db_path,
                         GCancellable            *cancellable,
                         MigratorBackupProgress   progress,
                         gpointer                 user_data,
                         GError                 **error)
{
  Job job = { cancellable, progress, user_data };
  g_autofree char *check_context = NULL;
  sqlite3 *src = NULL;
  sqlite3 *dest = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (backup_path != NULL, FALSE);
  g_return_val_if_fail (db_path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (same_file (backup_path, db_path))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("Will not restore “%s” onto itself"), db_path);
      return FALSE;
    }

  /* never touch the database with a damaged backup */
  if (!verify_file (backup_path, NULL, cancellable, error))
    return FALSE;

  report (&job, 0.0);
  src = open_database (backup_path, SQLITE_OPEN_READONLY, error);
  if (src == NULL || !begin_read (src, backup_path, error))
    goto out;
  dest = open_database (db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
  if (dest == NULL)
    goto out;

  if (!restore_into (src, dest, backup_path, db_path, &job, error))
    goto out;

  check_context = g_strdup_printf (_("Database “%s” failed its check after the restore"),
                                   db_path);
  if (!run_quick_check (dest, check_context, NULL, error))
    goto out;

  report (&job, 1.0);
  ok = TRUE;

out:
  if (src != NULL)
    {
      sqlite3_exec (src, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close (src);
    }
  if (dest != NULL)
    sqlite3_close (dest);

  return ok;
}

char *
migrator_backup_resolve (const char  *backup_dir,
                         const char  *db_path,
                         const char  *name_or_latest,
                         GError     **error)
{
  g_autofree char *in_dir = NULL;
  g_autofree char *with_ext = NULL;

  g_return_val_if_fail (backup_dir != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (name_or_latest != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strcmp (name_or_latest, "latest") == 0)
    {
      g_autoptr(GPtrArray) backups = migrator_backup_list (backup_dir, db_path, error);
      MigratorBackupInfo *newest;

      if (backups == NULL)
        return NULL;
      if (backups->len == 0)
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                       _("No backups of “%s” in “%s”"), db_path, backup_dir);
          return NULL;
        }
      newest = g_ptr_array_index (backups, 0);
      return g_strdup (newest->path);
    }

  if (name_or_latest[0] != '\0' && strchr (name_or_latest, G_DIR_SEPARATOR) == NULL)
    {
      in_dir = g_build_filename (backup_dir, name_or_latest, NULL);
      if (g_file_test (in_dir, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&in_dir);

      with_ext = g_strconcat (in_dir, ".db", NULL);
      if (!g_str_has_suffix (name_or_latest, ".db")
          && g_file_test (with_ext, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&with_ext);
    }

  /* a path, relative to the working folder */
  if (name_or_latest[0] != '\0' && g_file_test (name_or_latest, G_FILE_TEST_IS_REGULAR))
    return g_strdup (name_or_latest);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               _("No backup named “%s” in “%s”"), name_or_latest, backup_dir);

  return NULL;
}
