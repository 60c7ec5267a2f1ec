/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "migrator-types.h"

G_BEGIN_DECLS

/* The contents of migrator.json (SPEC §2). A plain struct: every field is
 * owned by the struct and always set (defaults fill what the file omits). */
struct _MigratorConfig
{
  char                    *database;          /* URL as written, default "sqlite:///app.db" */
  char                    *version_table;     /* default "alembic_version" */
  char                    *history_table;     /* default "migrator_history" */
  MigratorTransactionMode  transaction;       /* default ALL */
  gint64                   lock_timeout_ms;   /* default 5000, >= 0 */
  char                    *schema;            /* default "schema.sql" */
  gboolean                 backup_enabled;    /* default TRUE */
  char                    *backup_directory;  /* default "backups" */
  guint                    backup_keep;       /* default 10 */
};

MigratorConfig *migrator_config_new      (void);
MigratorConfig *migrator_config_copy     (const MigratorConfig  *self);
void            migrator_config_free     (MigratorConfig        *self);
/* Errors (MIGRATOR_ERROR_PROJECT) name the file and the key: unknown keys,
 * wrong types, bad values, invalid JSON (with its line). */
MigratorConfig *migrator_config_load     (const char            *path,
                                          GError               **error);
MigratorConfig *migrator_config_load_data (const char           *path_for_messages,
                                           const char           *data,
                                           gssize                length,
                                           GError              **error);
/* Writes every key, pretty-printed, atomically (g_file_set_contents). */
gboolean        migrator_config_save     (const MigratorConfig  *self,
                                          const char            *path,
                                          GError               **error);
char           *migrator_config_to_data  (const MigratorConfig  *self);

const char     *migrator_transaction_mode_to_string (MigratorTransactionMode mode);

/* Database URLs (SPEC §2): "sqlite:///relative.db" (relative to @project_dir),
 * "sqlite:////absolute.db", or a plain file path (relative to @relative_dir).
 * Returns an absolute, canonical path; anything else is a MIGRATOR_ERROR_USAGE
 * error naming the value. */
char           *migrator_database_path_from_url (const char  *url,
                                                 const char  *project_dir,
                                                 const char  *relative_dir,
                                                 GError     **error);

/* The entry of @candidates closest to @word (Levenshtein distance), or NULL
 * when none is within @max_distance edits: the "did you mean" hint of
 * unknown keys and names. */
const char     *migrator_suggest_closest (const char        *word,
                                          const char *const *candidates,
                                          guint              max_distance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorConfig, migrator_config_free)

G_END_DECLS
