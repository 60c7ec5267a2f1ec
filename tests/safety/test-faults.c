/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection (issue 7, SPEC §6.1–6.2): a SQLite VFS registered as the
 * default of this process wraps "unix" and fails the Nth xRead, xWrite,
 * xSync or xTruncate; the backup module's own POSIX write() and fsync()
 * (its file-copy fast path and the fsync of every backup) are wrapped at
 * link time (-Wl,--wrap) and fail the same way, or write one byte wrong
 * without an error (a bad disk, cable or driver). For every N up to the
 * number of calls a clean run makes:
 * - an upgrade through migrator_runner_run() either succeeds or fails with
 *   a message, and afterwards, faults off, the database passes
 *   integrity_check and is exactly at the start or at the target (per
 *   revision: or at a revision in between): version rows, schema and rows;
 * - a backup through migrator_backup_create() either fails with a message
 *   naming the file, leaving nothing in the backup folder, or returns a
 *   file that passes quick_check and holds the source's exact content. The
 *   source is never changed;
 * - a restore through migrator_backup_restore() leaves the database exactly
 *   as it was or exactly as the backup (a success: the backup).
 *
 * MIGRATOR_FAULTS_VERBOSE=1 prints every error message;
 * MIGRATOR_FAULTS_TMPDIR chooses where the databases live (default
 * /dev/shm when writable). */
#define G_LOG_DOMAIN "test-faults"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sqlite3.h>
#include <unistd.h>

#include "migrator-backup.h"
#include "migrator-database.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-project.h"
#include "migrator-runner.h"

#include "../core/engine-test-util.h"

/* The faults */

typedef enum {
  OP_READ,
  OP_WRITE,
  OP_SYNC,
  OP_TRUNCATE,
  OP_POSIX_WRITE,   /* write(2) called by the backup module */
  OP_POSIX_FSYNC,   /* fsync(2) called by the backup module */
  N_OPS
} FaultOp;

typedef struct
{
  FaultOp     op;
  int         sqlite_rc;    /* for the VFS ops */
  int         errsv;        /* for the POSIX ops */
  gboolean    persistent;   /* every call from the Nth on fails (a full disk stays full) */
  const char *name;
  gboolean    corrupt;      /* write(2): succeeds, but one byte reaches the file flipped */
} FaultKind;

static const FaultKind fault_kinds[] = {
  { OP_READ,        SQLITE_IOERR_READ,     0,      FALSE, "xRead I/O error" },
  { OP_WRITE,       SQLITE_IOERR_WRITE,    0,      FALSE, "xWrite I/O error" },
  { OP_WRITE,       SQLITE_FULL,           0,      TRUE,  "xWrite disk full (persistent)" },
  { OP_SYNC,        SQLITE_IOERR_FSYNC,    0,      FALSE, "xSync I/O error" },
  { OP_TRUNCATE,    SQLITE_IOERR_TRUNCATE, 0,      FALSE, "xTruncate I/O error" },
  { OP_POSIX_WRITE, 0,                     ENOSPC, TRUE,  "write(2) ENOSPC (persistent)" },
  { OP_POSIX_WRITE, 0,                     EIO,    FALSE, "write(2) EIO" },
  { OP_POSIX_FSYNC, 0,                     EIO,    FALSE, "fsync(2) EIO" },
  { OP_POSIX_WRITE, 0,                     0,      FALSE, "write(2) flips a byte silently", .corrupt = TRUE },
};

/* Shared with the backup module's threads (fsync, quick_check). */
static struct
{
  gint             counts[N_OPS];
  gint             armed;           /* a FaultKind is active */
  const FaultKind *kind;
  gint             fail_at;         /* 1-based */
  gint             fired;
} faults;

static void
faults_reset (const FaultKind *kind,
              int              fail_at)
{
  for (guint i = 0; i < N_OPS; i++)
    g_atomic_int_set (&faults.counts[i], 0);
  faults.kind = kind;
  faults.fail_at = fail_at;
  g_atomic_int_set (&faults.fired, 0);
  g_atomic_int_set (&faults.armed, kind != NULL);
}

static void
faults_off (void)
{
  g_atomic_int_set (&faults.armed, 0);
}

/* Counts a call of @op; TRUE when it must fail. */
static gboolean
fault_hit (FaultOp op)
{
  int n = g_atomic_int_add (&faults.counts[op], 1) + 1;

  if (!g_atomic_int_get (&faults.armed) || faults.kind->op != op)
    return FALSE;
  if (n == faults.fail_at || (faults.kind->persistent && n > faults.fail_at))
    {
      g_atomic_int_inc (&faults.fired);
      return TRUE;
    }
  return FALSE;
}

/* The VFS shim */

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;  /* follows this struct in the same allocation */
} FaultFile;

static sqlite3_vfs *real_vfs;

#define REAL(f) (((FaultFile *) (f))->real)

static int
fault_close (sqlite3_file *f)
{
  return REAL (f)->pMethods->xClose (REAL (f));
}

static int
fault_read (sqlite3_file *f, void *buf, int amount, sqlite3_int64 offset)
{
  if (fault_hit (OP_READ))
    return faults.kind->sqlite_rc;
  return REAL (f)->pMethods->xRead (REAL (f), buf, amount, offset);
}

static int
fault_write (sqlite3_file *f, const void *buf, int amount, sqlite3_int64 offset)
{
  if (fault_hit (OP_WRITE))
    return faults.kind->sqlite_rc;
  return REAL (f)->pMethods->xWrite (REAL (f), buf, amount, offset);
}

static int
fault_truncate (sqlite3_file *f, sqlite3_int64 size)
{
  if (fault_hit (OP_TRUNCATE))
    return faults.kind->sqlite_rc;
  return REAL (f)->pMethods->xTruncate (REAL (f), size);
}

static int
fault_sync (sqlite3_file *f, int flags)
{
  if (fault_hit (OP_SYNC))
    return faults.kind->sqlite_rc;
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}

static int
fault_file_size (sqlite3_file *f, sqlite3_int64 *size)
{
  return REAL (f)->pMethods->xFileSize (REAL (f), size);
}

static int
fault_lock (sqlite3_file *f, int level)
{
  return REAL (f)->pMethods->xLock (REAL (f), level);
}

static int
fault_unlock (sqlite3_file *f, int level)
{
  return REAL (f)->pMethods->xUnlock (REAL (f), level);
}

static int
fault_check_reserved_lock (sqlite3_file *f, int *out)
{
  return REAL (f)->pMethods->xCheckReservedLock (REAL (f), out);
}

static int
fault_file_control (sqlite3_file *f, int op, void *arg)
{
  return REAL (f)->pMethods->xFileControl (REAL (f), op, arg);
}

static int
fault_sector_size (sqlite3_file *f)
{
  return REAL (f)->pMethods->xSectorSize (REAL (f));
}

static int
fault_device_characteristics (sqlite3_file *f)
{
  return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f));
}

static int
fault_shm_map (sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
  return REAL (f)->pMethods->xShmMap (REAL (f), page, size, extend, out);
}

static int
fault_shm_lock (sqlite3_file *f, int offset, int n, int flags)
{
  return REAL (f)->pMethods->xShmLock (REAL (f), offset, n, flags);
}

static void
fault_shm_barrier (sqlite3_file *f)
{
  REAL (f)->pMethods->xShmBarrier (REAL (f));
}

static int
fault_shm_unmap (sqlite3_file *f, int delete_flag)
{
  return REAL (f)->pMethods->xShmUnmap (REAL (f), delete_flag);
}

/* No memory-mapped reads: they would bypass xRead. */
static int
fault_fetch (sqlite3_file *f, sqlite3_int64 offset, int amount, void **out)
{
  *out = NULL;
  return SQLITE_OK;
}

static int
fault_unfetch (sqlite3_file *f, sqlite3_int64 offset, void *p)
{
  return SQLITE_OK;
}

static const sqlite3_io_methods fault_io_methods = {
  3,
  fault_close, fault_read, fault_write, fault_truncate, fault_sync, fault_file_size,
  fault_lock, fault_unlock, fault_check_reserved_lock, fault_file_control,
  fault_sector_size, fault_device_characteristics,
  fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap,
  fault_fetch, fault_unfetch,
};

static int
fault_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  FaultFile *f = (FaultFile *) file;
  int rc;

  f->real = (sqlite3_file *) &f[1];
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  f->base.pMethods = f->real->pMethods != NULL ? &fault_io_methods : NULL;
  return rc;
}

static int
fault_delete (sqlite3_vfs *vfs, const char *name, int sync_dir)
{
  return real_vfs->xDelete (real_vfs, name, sync_dir);
}

static int
fault_access (sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
  return real_vfs->xAccess (real_vfs, name, flags, out);
}

static int
fault_full_pathname (sqlite3_vfs *vfs, const char *name, int n, char *out)
{
  return real_vfs->xFullPathname (real_vfs, name, n, out);
}

static void *
fault_dl_open (sqlite3_vfs *vfs, const char *name)
{
  return real_vfs->xDlOpen (real_vfs, name);
}

static void
fault_dl_error (sqlite3_vfs *vfs, int n, char *out)
{
  real_vfs->xDlError (real_vfs, n, out);
}

static void (*fault_dl_sym (sqlite3_vfs *vfs, void *handle, const char *symbol)) (void)
{
  return real_vfs->xDlSym (real_vfs, handle, symbol);
}

static void
fault_dl_close (sqlite3_vfs *vfs, void *handle)
{
  real_vfs->xDlClose (real_vfs, handle);
}

static int
fault_randomness (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xRandomness (real_vfs, n, out);
}

static int
fault_sleep (sqlite3_vfs *vfs, int microseconds)
{
  return real_vfs->xSleep (real_vfs, microseconds);
}

static int
fault_current_time (sqlite3_vfs *vfs, double *out)
{
  return real_vfs->xCurrentTime (real_vfs, out);
}

static int
fault_get_last_error (sqlite3_vfs *vfs, int n, char *out)
{
  return real_vfs->xGetLastError (real_vfs, n, out);
}

static int
fault_current_time_int64 (sqlite3_vfs *vfs, sqlite3_int64 *out)
{
  return real_vfs->xCurrentTimeInt64 (real_vfs, out);
}

static sqlite3_vfs fault_vfs;

static void
fault_vfs_register (void)
{
  real_vfs = sqlite3_vfs_find ("unix");
  g_assert_nonnull (real_vfs);
  g_assert_cmpint (real_vfs->iVersion, >=, 2);

  fault_vfs = (sqlite3_vfs) {
    .iVersion = 2,
    .szOsFile = sizeof (FaultFile) + real_vfs->szOsFile,
    .mxPathname = real_vfs->mxPathname,
    .zName = "migrator-faults",
    .xOpen = fault_open,
    .xDelete = fault_delete,
    .xAccess = fault_access,
    .xFullPathname = fault_full_pathname,
    .xDlOpen = fault_dl_open,
    .xDlError = fault_dl_error,
    .xDlSym = fault_dl_sym,
    .xDlClose = fault_dl_close,
    .xRandomness = fault_randomness,
    .xSleep = fault_sleep,
    .xCurrentTime = fault_current_time,
    .xGetLastError = fault_get_last_error,
    .xCurrentTimeInt64 = fault_current_time_int64,
  };
  g_assert_cmpint (sqlite3_vfs_register (&fault_vfs, 1), ==, SQLITE_OK);
  g_assert_true (sqlite3_vfs_find (NULL) == &fault_vfs);
}

/* The backup module's own I/O, wrapped by the linker (-Wl,--wrap=write,
 * --wrap=fsync): only calls from the statically linked core library and
 * this file come here, SQLite's and GLib's do not. */
ssize_t __real_write (int fd, const void *buf, size_t n);
ssize_t __wrap_write (int fd, const void *buf, size_t n);
int __real_fsync (int fd);
int __wrap_fsync (int fd);

ssize_t
__wrap_write (int fd, const void *buf, size_t n)
{
  if (fault_hit (OP_POSIX_WRITE))
    {
      g_autofree guint8 *bad = NULL;

      if (!faults.kind->corrupt || n == 0)
        {
          errno = faults.kind->errsv;
          return -1;
        }
      /* what a bad disk, cable or driver does: no error, wrong bytes */
      bad = g_memdup2 (buf, n);
      bad[n / 2] ^= 0x10;
      return __real_write (fd, bad, n);
    }
  return __real_write (fd, buf, n);
}

int
__wrap_fsync (int fd)
{
  if (fault_hit (OP_POSIX_FSYNC))
    {
      errno = faults.kind->errsv;
      return -1;
    }
  return __real_fsync (fd);
}

/* Databases, looked at with faults off */

static gboolean verbose;

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, length, &error);
  g_assert_no_error (error);
}

/* Opens read-write, so that a hot journal left by a failed rollback is
 * rolled back first, as the next migrator would do. */
static char *
integrity (const char *path)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s%s", out->len ? "|" : "", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

/* Version rows, then the schema and rows of everything but the history table. */
static char *
state_of (const char *path)
{
  g_autofree char *versions = engine_test_versions (path);
  g_autofree char *dump = engine_test_dump (path);

  return g_strdup_printf ("versions: %s\n%s", versions, dump);
}

/* Every row of every table, history included, for the backup's content. */
static char *
full_dump (const char *path)
{
  g_autofree char *history = engine_test_query_string (path,
    "SELECT group_concat(id || ' ' || direction || ' ' || ifnull(revision, '') || ' ' || outcome, ';') "
    "FROM (SELECT * FROM migrator_history ORDER BY id)");
  g_autofree char *state = state_of (path);

  return g_strdup_printf ("%s\nhistory: %s", state, history);
}

/* The upgrade */

#define HEADER(id, parent, msg) \
  "-- revision: " id "\n-- down_revision: " parent "\n-- message: " msg "\n\n"

/* The start state: r0 with 300 accounts and 100 owners. */
static const char *const F0 =
  HEADER ("f0", "none", "Accounts")
  "-- migrate:upgrade\n"
  "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL);\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300)\n"
  "INSERT INTO account (name, balance) SELECT printf('account %04d with a longer name', x), x * 10.25 FROM n;\n"
  "CREATE TABLE owner (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES account (id), who TEXT);\n"
  "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100)\n"
  "INSERT INTO owner (account_id, who) SELECT x * 3, printf('owner %d', x) FROM n;\n"
  "-- migrate:downgrade\n"
  "DROP TABLE owner;\nDROP TABLE account;\n";

/* Then the upgrade of three revisions, one with a batch ALTER rebuild. */
static const char *const F1 =
  HEADER ("f1", "f0", "Status and an index")
  "-- migrate:upgrade\n"
  "ALTER TABLE account ADD COLUMN status TEXT DEFAULT 'open';\n"
  "CREATE INDEX ix_account_name ON account (name);\n"
  "-- migrate:downgrade\n"
  "DROP INDEX ix_account_name;\nALTER TABLE account DROP COLUMN status;\n";

static const char *const F2 =
  HEADER ("f2", "f1", "Batch rebuild of account")
  "-- migrate:upgrade\n"
  "ALTER TABLE account ALTER COLUMN balance TYPE NUMERIC;\n"
  "ALTER TABLE account ALTER COLUMN status SET NOT NULL;\n"
  "-- migrate:downgrade\n"
  "ALTER TABLE account ALTER COLUMN status DROP NOT NULL;\n"
  "ALTER TABLE account ALTER COLUMN balance TYPE REAL;\n";

static const char *const F3 =
  HEADER ("f3", "f2", "Data migration and an audit table")
  "-- migrate:upgrade\n"
  "UPDATE account SET balance = balance * 2, status = 'checked' WHERE id % 3 = 0;\n"
  "CREATE TABLE audit (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES account (id), note TEXT);\n"
  "INSERT INTO audit (account_id, note) SELECT id, 'migrated ' || name FROM account;\n"
  "DELETE FROM owner WHERE id > 90;\n"
  "-- migrate:downgrade\n"
  "DROP TABLE audit;\n";

typedef struct
{
  char            *dir;
  char            *start_db;        /* template at f0 */
  char            *db_path;
  MigratorProject *project;
  GPtrArray       *states;          /* (element-type utf8) allowed end states */
  GPtrArray       *state_names;
  const char      *journal_mode;
} UpgradeFixture;

static char *
run_upgrade (UpgradeFixture          *f,
             MigratorTransactionMode  mode,
             const char              *target,
             GError                 **error)
{
  g_autoptr(MigratorDatabase) db = NULL;
  g_autoptr(MigratorRunResult) result = NULL;
  MigratorRunOptions options = { .transaction = mode };

  db = migrator_database_open (f->db_path, "alembic_version", "migrator_history", 100, TRUE, error);
  if (db == NULL)
    return NULL;
  result = migrator_runner_run (db, migrator_project_get_graph (f->project), target,
                                MIGRATOR_DIRECTION_UPGRADE, &options, error);
  return result != NULL ? g_strjoinv (",", result->to) : NULL;
}

static void
upgrade_fixture_setup (UpgradeFixture *f,
                       gconstpointer   data)
{
  const char *files[] = { "f0_accounts.sql", F0, "f1_status.sql", F1,
                          "f2_rebuild.sql", F2, "f3_audit.sql", F3, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  const char *targets[] = { "f0", "f1", "f2", "f3" };

  f->journal_mode = data;
  f->dir = engine_test_make_project (NULL, files);
  f->db_path = g_build_filename (f->dir, "app.db", NULL);
  f->start_db = g_build_filename (f->dir, "start.db", NULL);
  f->project = migrator_project_open (f->dir, &error);
  g_assert_no_error (error);
  f->states = g_ptr_array_new_with_free_func (g_free);
  f->state_names = g_ptr_array_new ();

  /* Every state a run may end in, made with faults off. */
  faults_reset (NULL, 0);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      to = run_upgrade (f, MIGRATOR_TRANSACTION_ALL, targets[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (to, ==, targets[i]);
      g_clear_pointer (&to, g_free);
      g_ptr_array_add (f->states, state_of (f->db_path));
      g_ptr_array_add (f->state_names, (gpointer) targets[i]);
      if (i == 0)
        {
          g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", (const char *) data);

          engine_test_exec (f->db_path, sql);
          copy_file (f->db_path, f->start_db);
        }
    }
  g_unlink (f->db_path);
}

static void
upgrade_fixture_teardown (UpgradeFixture *f,
                          gconstpointer   data)
{
  g_assert_finalize_object (f->project);
  engine_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->start_db);
  g_ptr_array_unref (f->states);
  g_ptr_array_unref (f->state_names);
}

static void
remove_db (const char *path)
{
  static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* One upgrade from f0 to f3 with @kind failing at call @n (0: none).
 * Returns the index of the state it ended in. */
static guint
upgrade_once (UpgradeFixture          *f,
              MigratorTransactionMode  mode,
              const FaultKind         *kind,
              int                      n,
              int                      counts[N_OPS])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *check = NULL;
  g_autofree char *state = NULL;
  gboolean fired;
  guint found = G_MAXUINT;

  remove_db (f->db_path);
  copy_file (f->start_db, f->db_path);

  faults_reset (kind, n);
  to = run_upgrade (f, mode, "head", &error);
  faults_off ();
  fired = g_atomic_int_get (&faults.fired) > 0;
  if (counts != NULL)
    for (guint i = 0; i < N_OPS; i++)
      counts[i] = g_atomic_int_get (&faults.counts[i]);

  if (verbose && error != NULL)
    g_printerr ("# %s at %d: %s\n", kind ? kind->name : "none", n, error->message);

  if (to != NULL)
    g_assert_cmpstr (to, ==, "f3");
  else
    {
      g_assert_nonnull (error);
      g_assert_true (fired);
      /* the error says what went wrong: SQLite's message for the fault */
      g_assert_true (strstr (error->message, "disk I/O error") != NULL ||
                     strstr (error->message, "database or disk is full") != NULL ||
                     strstr (error->message, "Could not") != NULL);
    }

  /* Faults off: a hot journal left by a failed rollback is rolled back by
   * the next connection, as it would be by the next migrator. */
  check = integrity (f->db_path);
  g_assert_cmpstr (check, ==, "ok");
  state = state_of (f->db_path);
  for (guint i = 0; i < f->states->len; i++)
    if (g_str_equal (state, f->states->pdata[i]))
      found = i;

  if (found == G_MAXUINT)
    g_error ("%s at call %d (%s): the database is in none of the expected states:\n%s",
             kind ? kind->name : "no fault", n, error ? error->message : "no error", state);

  /* mode all: start or target; per revision: any revision, but a success is the target */
  if (mode == MIGRATOR_TRANSACTION_ALL)
    g_assert_true (found == 0 || found == f->states->len - 1);
  if (to != NULL)
    g_assert_cmpuint (found, ==, f->states->len - 1);
  /* a failure is reported as one (never "success" at a state before the target) */
  if (error != NULL && mode == MIGRATOR_TRANSACTION_ALL)
    g_assert_cmpuint (found, ==, 0);

  return found;
}

static void
sweep_upgrade (UpgradeFixture          *f,
               MigratorTransactionMode  mode)
{
  int counts[N_OPS] = { 0, };

  upgrade_once (f, mode, NULL, 0, counts);
  g_test_message ("clean upgrade (%s, journal mode %s): %d xRead, %d xWrite, %d xSync, %d xTruncate",
                  mode == MIGRATOR_TRANSACTION_ALL ? "all" : "per-revision", f->journal_mode,
                  counts[OP_READ], counts[OP_WRITE], counts[OP_SYNC], counts[OP_TRUNCATE]);

  for (guint k = 0; k < G_N_ELEMENTS (fault_kinds); k++)
    {
      const FaultKind *kind = &fault_kinds[k];
      guint ended[8] = { 0, };
      guint failures = 0;

      if (kind->op >= OP_POSIX_WRITE)
        continue;
      /* a few more than a clean run makes: a failure path has its own calls */
      for (int n = 1; n <= counts[kind->op] + 2; n++)
        {
          guint state = upgrade_once (f, mode, kind, n, NULL);

          ended[state]++;
          if (state != f->states->len - 1)
            failures++;
        }
      g_test_message ("%s: N = 1..%d: ended at f0 %u, f1 %u, f2 %u, f3 %u times",
                      kind->name, counts[kind->op] + 2, ended[0], ended[1], ended[2], ended[3]);
      /* writes always matter; a failed read, sync or truncate of the WAL
       * checkpoint after the last commit does not */
      if (kind->op == OP_WRITE && counts[kind->op] > 0)
        g_assert_cmpuint (failures, >, 0);
    }
}

static void
test_upgrade_all (UpgradeFixture *f,
                  gconstpointer   data)
{
  sweep_upgrade (f, MIGRATOR_TRANSACTION_ALL);
}

static void
test_upgrade_per_revision (UpgradeFixture *f,
                           gconstpointer   data)
{
  sweep_upgrade (f, MIGRATOR_TRANSACTION_PER_REVISION);
}

/* The backup */

typedef struct
{
  char *dir;
  char *db_path;
  char *backup_dir;
  char *source_dump;
} BackupFixture;

static void
backup_fixture_setup (BackupFixture *f,
                      gconstpointer  data)
{
  const char *journal_mode = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  f->dir = g_dir_make_tmp ("migrator-faults-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->dir, "app.db", NULL);
  f->backup_dir = g_build_filename (f->dir, "backups", NULL);

  faults_reset (NULL, 0);
  sql = g_strdup_printf (
    "PRAGMA journal_mode = %s;"
    "CREATE TABLE migrator_history (id INTEGER PRIMARY KEY, direction TEXT, revision TEXT, outcome TEXT);"
    "INSERT INTO migrator_history (direction, revision, outcome) VALUES ('upgrade', 'f0', 'ok');"
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));"
    "INSERT INTO alembic_version VALUES ('f0');"
    "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance REAL, blob BLOB);"
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 400)"
    " INSERT INTO account (name, balance, blob) SELECT printf('account %%04d', x), x * 1.5, randomblob(200) FROM n;"
    "CREATE INDEX ix_account_name ON account (name);",
    journal_mode);
  engine_test_exec (f->db_path, sql);
  f->source_dump = full_dump (f->db_path);
}

static void
backup_fixture_teardown (BackupFixture *f,
                         gconstpointer  data)
{
  engine_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
  g_free (f->backup_dir);
  g_free (f->source_dump);
}

static guint
n_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Returns TRUE when the backup was reported good. */
static gboolean
backup_once (BackupFixture   *f,
             const FaultKind *kind,
             int              n,
             int              counts[N_OPS])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *check = NULL;
  g_autofree char *source_after = NULL;

  engine_test_rm_rf (f->backup_dir);

  faults_reset (kind, n);
  path = migrator_backup_create (f->db_path, f->backup_dir, "f0", NULL, NULL, NULL, &error);
  faults_off ();
  if (counts != NULL)
    for (guint i = 0; i < N_OPS; i++)
      counts[i] = g_atomic_int_get (&faults.counts[i]);

  if (verbose && error != NULL)
    g_printerr ("# %s at %d: %s\n", kind ? kind->name : "none", n, error->message);

  /* the source is never changed */
  check = integrity (f->db_path);
  g_assert_cmpstr (check, ==, "ok");
  source_after = full_dump (f->db_path);
  g_assert_cmpstr (source_after, ==, f->source_dump);

  if (path == NULL)
    {
      g_assert_nonnull (error);
      g_assert_cmpint (g_atomic_int_get (&faults.fired), >, 0);
      /* names the database or the file being written */
      g_assert_true (strstr (error->message, f->db_path) != NULL ||
                     strstr (error->message, f->backup_dir) != NULL);
      /* nothing is left behind: no partial file, no backup */
      g_assert_cmpuint (n_files (f->backup_dir), ==, 0);
      return FALSE;
    }

  /* reported good: it is good */
  g_assert_no_error (error);
  g_assert_cmpuint (n_files (f->backup_dir), ==, 1);
  {
    g_autofree char *backup_check = engine_test_query_string (path, "PRAGMA quick_check");
    g_autofree char *backup_dump = full_dump (path);
    g_autofree char *journal = engine_test_query_string (path, "PRAGMA journal_mode");

    g_assert_cmpstr (backup_check, ==, "ok");
    g_assert_cmpstr (backup_dump, ==, f->source_dump);
    g_assert_cmpstr (journal, !=, "wal");
  }
  return TRUE;
}

static void
test_backup (BackupFixture *f,
             gconstpointer  data)
{
  int counts[N_OPS] = { 0, };

  g_assert_true (backup_once (f, NULL, 0, counts));
  g_test_message ("clean backup (%s): %d xRead, %d xWrite, %d xSync, %d xTruncate, %d write(2), %d fsync(2)",
                  (const char *) data, counts[OP_READ], counts[OP_WRITE], counts[OP_SYNC],
                  counts[OP_TRUNCATE], counts[OP_POSIX_WRITE], counts[OP_POSIX_FSYNC]);

  for (guint k = 0; k < G_N_ELEMENTS (fault_kinds); k++)
    {
      const FaultKind *kind = &fault_kinds[k];
      guint good = 0, failed = 0;

      for (int n = 1; n <= counts[kind->op] + 2; n++)
        {
          if (backup_once (f, kind, n, NULL))
            good++;
          else
            failed++;
        }
      g_test_message ("%s: N = 1..%d: %u good, %u failed", kind->name,
                      counts[kind->op] + 2, good, failed);
      /* every call a clean backup makes matters */
      g_assert_cmpuint (failed, >=, (guint) counts[kind->op] > 0 ? 1 : 0);
    }
}

/* A database of several copy chunks: the copy is read back behind the
 * write, chunk by chunk, and a byte flipped in any chunk fails the backup. */
static void
test_backup_read_back (BackupFixture *f,
                       gconstpointer  data)
{
  const FaultKind *flip = &fault_kinds[G_N_ELEMENTS (fault_kinds) - 1];
  int counts[N_OPS] = { 0, };

  g_assert_true (flip->corrupt);
  engine_test_exec (f->db_path,
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1500)"
                    " INSERT INTO account (name, balance, blob) SELECT printf('more %04d', x), x, randomblob(1000) FROM n;");
  g_free (f->source_dump);
  f->source_dump = full_dump (f->db_path);

  g_assert_true (backup_once (f, NULL, 0, counts));
  g_assert_cmpint (counts[OP_POSIX_WRITE], >=, 5);
  for (int n = 1; n <= counts[OP_POSIX_WRITE]; n++)
    g_assert_false (backup_once (f, flip, n, NULL));
}

/* The restore: the live database is overwritten from a backup through
 * the backup API. Whatever fails, the database ends as it was or as the
 * backup, never between; the backup itself is never changed. */
static gboolean
restore_once (BackupFixture   *f,
              const char      *start_db,
              const char      *backup,
              const char      *backup_dump,
              const FaultKind *kind,
              int              n,
              int              counts[N_OPS])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *check = NULL;
  g_autofree char *state = NULL;
  g_autofree char *backup_after = NULL;
  gboolean ok;

  remove_db (f->db_path);
  copy_file (start_db, f->db_path);

  faults_reset (kind, n);
  ok = migrator_backup_restore (backup, f->db_path, NULL, NULL, NULL, &error);
  faults_off ();
  if (counts != NULL)
    for (guint i = 0; i < N_OPS; i++)
      counts[i] = g_atomic_int_get (&faults.counts[i]);

  if (verbose && error != NULL)
    g_printerr ("# restore, %s at %d: %s\n", kind ? kind->name : "none", n, error->message);

  check = integrity (f->db_path);
  g_assert_cmpstr (check, ==, "ok");
  state = full_dump (f->db_path);
  backup_after = full_dump (backup);
  g_assert_cmpstr (backup_after, ==, backup_dump);

  if (ok)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (state, ==, backup_dump);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_cmpint (g_atomic_int_get (&faults.fired), >, 0);
      g_assert_true (strstr (error->message, f->db_path) != NULL ||
                     strstr (error->message, backup) != NULL);
      if (!g_str_equal (state, f->source_dump) && !g_str_equal (state, backup_dump))
        g_error ("restore, %s at call %d (%s): the database is neither as it was nor the backup:\n%s",
                 kind->name, n, error->message, state);
    }
  return ok;
}

static void
test_restore (BackupFixture *f,
              gconstpointer  data)
{
  g_autofree char *start_db = g_build_filename (f->dir, "start.db", NULL);
  g_autofree char *backup = g_build_filename (f->dir, "other.db", NULL);
  g_autofree char *backup_dump = NULL;
  int counts[N_OPS] = { 0, };

  /* the backup: other content, another page count */
  copy_file (f->db_path, start_db);
  copy_file (f->db_path, backup);
  engine_test_exec (backup,
                    "PRAGMA journal_mode = delete;"
                    "UPDATE alembic_version SET version_num = 'f9';"
                    "DELETE FROM account WHERE id % 2 = 0;"
                    "CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT);"
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300)"
                    " INSERT INTO extra (note) SELECT printf('extra row %d', x) FROM n;");
  backup_dump = full_dump (backup);
  g_assert_cmpstr (backup_dump, !=, f->source_dump);

  g_assert_true (restore_once (f, start_db, backup, backup_dump, NULL, 0, counts));
  g_test_message ("clean restore (%s): %d xRead, %d xWrite, %d xSync, %d xTruncate",
                  (const char *) data, counts[OP_READ], counts[OP_WRITE], counts[OP_SYNC],
                  counts[OP_TRUNCATE]);

  for (guint k = 0; k < G_N_ELEMENTS (fault_kinds); k++)
    {
      const FaultKind *kind = &fault_kinds[k];
      guint good = 0, failed = 0;

      if (kind->op >= OP_POSIX_WRITE)
        continue;
      for (int n = 1; n <= counts[kind->op] + 2; n++)
        {
          if (restore_once (f, start_db, backup, backup_dump, kind, n, NULL))
            good++;
          else
            failed++;
        }
      g_test_message ("%s: N = 1..%d: %u restored, %u failed", kind->name,
                      counts[kind->op] + 2, good, failed);
    }
}

/* A really full file system (MIGRATOR_FAULTS_FULL_FS: a folder on a small
 * file system, e.g. `mount -t tmpfs -o size=1M tmpfs /mnt/tiny`; skipped
 * without it, as mounting needs privileges CI does not have). */
static const char *
full_fs_dir (void)
{
  const char *dir = g_getenv ("MIGRATOR_FAULTS_FULL_FS");

  if (dir == NULL || *dir == '\0')
    g_test_skip ("set MIGRATOR_FAULTS_FULL_FS to a folder on a small (1 MiB) file system");
  return dir;
}

/* Fills @dir's file system up to @leave bytes with a file; returns its path. */
static char *
fill_file_system (const char *dir,
                  guint64     leave)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GFileInfo) info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  guint64 free_bytes = info ? g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) : 0;
  char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *zeros = NULL;
  gsize size = free_bytes > leave ? free_bytes - leave : 0;

  zeros = g_malloc0 (size + 1);
  g_file_set_contents (filler, zeros, size, NULL);  /* may be cut short: that is the point */
  return filler;
}

static void
test_backup_full_file_system (BackupFixture *f,
                              gconstpointer  data)
{
  const char *dir = full_fs_dir ();
  g_autofree char *backup_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  if (dir == NULL)
    return;

  /* a source of about 3 MB, more than the file system holds */
  engine_test_exec (f->db_path,
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000)"
                    " INSERT INTO account (name, balance, blob) SELECT 'big', x, randomblob(1000) FROM n;");
  g_free (f->source_dump);
  f->source_dump = full_dump (f->db_path);

  backup_dir = g_build_filename (dir, "backups", NULL);
  faults_reset (NULL, 0);
  path = migrator_backup_create (f->db_path, backup_dir, "f0", NULL, NULL, NULL, &error);
  g_assert_null (path);
  g_assert_nonnull (error);
  g_test_message ("backup onto a full file system (%s): %s", (const char *) data, error->message);
  g_assert_true (strstr (error->message, backup_dir) != NULL);
  g_assert_cmpuint (n_files (backup_dir), ==, 0);
  after = full_dump (f->db_path);
  g_assert_cmpstr (after, ==, f->source_dump);
  engine_test_rm_rf (backup_dir);
}

static void
test_upgrade_full_file_system (UpgradeFixture *f,
                               gconstpointer   data)
{
  const char *dir = full_fs_dir ();
  g_autofree char *filler = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *check = NULL;
  g_autofree char *state = NULL;

  if (dir == NULL)
    return;

  /* the database lives on the small file system, with a few KB to spare */
  g_free (f->db_path);
  f->db_path = g_build_filename (dir, "app.db", NULL);
  remove_db (f->db_path);
  copy_file (f->start_db, f->db_path);
  filler = fill_file_system (dir, 8 * 1024);

  faults_reset (NULL, 0);
  to = run_upgrade (f, MIGRATOR_TRANSACTION_ALL, "head", &error);
  g_assert_null (to);
  g_assert_nonnull (error);
  g_test_message ("upgrade on a full file system: %s", error->message);
  g_assert_true (strstr (error->message, "full") != NULL);

  check = integrity (f->db_path);
  g_assert_cmpstr (check, ==, "ok");
  state = state_of (f->db_path);
  g_assert_cmpstr (state, ==, f->states->pdata[0]);

  /* room again: the same upgrade goes through */
  g_unlink (filler);
  g_clear_error (&error);
  g_free (to);
  to = run_upgrade (f, MIGRATOR_TRANSACTION_ALL, "head", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (to, ==, "f3");
  g_free (state);
  state = state_of (f->db_path);
  g_assert_cmpstr (state, ==, f->states->pdata[f->states->len - 1]);
  remove_db (f->db_path);
}

int
main (int   argc,
      char *argv[])
{
  /* Thousands of small databases, each fsynced: on tmpfs when there is one
   * (the faults are counted the same; MIGRATOR_FAULTS_TMPDIR overrides). */
  if (g_getenv ("MIGRATOR_FAULTS_TMPDIR") != NULL)
    g_setenv ("TMPDIR", g_getenv ("MIGRATOR_FAULTS_TMPDIR"), TRUE);
  else if (g_access ("/dev/shm", W_OK) == 0)
    g_setenv ("TMPDIR", "/dev/shm", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  verbose = g_strcmp0 (g_getenv ("MIGRATOR_FAULTS_VERBOSE"), "1") == 0;
  fault_vfs_register ();

  /* journal modes: delete (the default) and WAL (which also truncates) */
  g_test_add ("/faults/upgrade/all", UpgradeFixture, "delete",
              upgrade_fixture_setup, test_upgrade_all, upgrade_fixture_teardown);
  g_test_add ("/faults/upgrade/per-revision", UpgradeFixture, "delete",
              upgrade_fixture_setup, test_upgrade_per_revision, upgrade_fixture_teardown);
  g_test_add ("/faults/upgrade/per-revision-wal", UpgradeFixture, "wal",
              upgrade_fixture_setup, test_upgrade_per_revision, upgrade_fixture_teardown);
  g_test_add ("/faults/upgrade/all-wal", UpgradeFixture, "wal",
              upgrade_fixture_setup, test_upgrade_all, upgrade_fixture_teardown);
  g_test_add ("/faults/backup/rollback-journal", BackupFixture, "delete",
              backup_fixture_setup, test_backup, backup_fixture_teardown);
  g_test_add ("/faults/backup/read-back", BackupFixture, "delete",
              backup_fixture_setup, test_backup_read_back, backup_fixture_teardown);
  g_test_add ("/faults/backup/wal", BackupFixture, "wal",
              backup_fixture_setup, test_backup, backup_fixture_teardown);
  g_test_add ("/faults/restore/rollback-journal", BackupFixture, "delete",
              backup_fixture_setup, test_restore, backup_fixture_teardown);
  g_test_add ("/faults/restore/wal", BackupFixture, "wal",
              backup_fixture_setup, test_restore, backup_fixture_teardown);
  g_test_add ("/faults/full-file-system/backup-rollback-journal", BackupFixture, "delete",
              backup_fixture_setup, test_backup_full_file_system, backup_fixture_teardown);
  g_test_add ("/faults/full-file-system/backup-wal", BackupFixture, "wal",
              backup_fixture_setup, test_backup_full_file_system, backup_fixture_teardown);
  g_test_add ("/faults/full-file-system/upgrade", UpgradeFixture, "delete",
              upgrade_fixture_setup, test_upgrade_full_file_system, upgrade_fixture_teardown);

  return g_test_run ();
}
