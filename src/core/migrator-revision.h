/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "migrator-types.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_REVISION (migrator_revision_get_type ())

G_DECLARE_FINAL_TYPE (MigratorRevision, migrator_revision, MIGRATOR, REVISION, GObject)

/* Parses a revision file (SPEC §3). Errors are MIGRATOR_ERROR_REVISION and
 * start with "PATH:LINE: " (missing key, bad id, unknown key with the closest
 * known one, duplicate key or section, SQL outside a section, bad value). */
MigratorRevision   *migrator_revision_new_from_file     (const char        *path,
                                                         GError           **error);
/* Same, from memory; @path is used for messages and get_path(). */
MigratorRevision   *migrator_revision_new_from_data     (const char        *path,
                                                         const char        *data,
                                                         gsize              length,
                                                         GError           **error);
/* Renders a new revision file's text (header, empty sections). */
char               *migrator_revision_render_new        (const char        *id,
                                                         const char *const *down_revisions,
                                                         const char        *message,
                                                         GDateTime         *created,
                                                         const char *const *branch_labels,
                                                         const char        *upgrade_sql,
                                                         const char        *downgrade_sql);
/* 12 random lowercase hex digits. */
char               *migrator_revision_generate_id       (void);
/* "Add realtime fields!" -> "add_realtime_fields" (at most 40 chars). */
char               *migrator_revision_slugify           (const char        *message);
gboolean            migrator_revision_id_is_valid       (const char        *id);

const char         *migrator_revision_get_id            (MigratorRevision  *self);
/* Empty (never NULL) for a root. More than one for a merge. */
const char *const  *migrator_revision_get_down_revisions (MigratorRevision *self);
const char         *migrator_revision_get_message       (MigratorRevision  *self);
const char         *migrator_revision_get_created       (MigratorRevision  *self);  /* may be NULL */
const char *const  *migrator_revision_get_branch_labels (MigratorRevision  *self);  /* never NULL */
const char *const  *migrator_revision_get_depends_on    (MigratorRevision  *self);  /* never NULL */
const char *const  *migrator_revision_get_allowed_rules (MigratorRevision  *self);  /* "-- allow:", never NULL */
gboolean            migrator_revision_get_transactional (MigratorRevision  *self);
const char         *migrator_revision_get_path          (MigratorRevision  *self);
const char         *migrator_revision_get_checksum      (MigratorRevision  *self);  /* SHA-256 hex */
gboolean            migrator_revision_is_merge          (MigratorRevision  *self);
/* FALSE when the file has no "-- migrate:downgrade" section. */
gboolean            migrator_revision_is_reversible     (MigratorRevision  *self);
/* Section text as written (without the marker line); downgrade NULL when irreversible. */
const char         *migrator_revision_get_upgrade_sql   (MigratorRevision  *self);
const char         *migrator_revision_get_downgrade_sql (MigratorRevision  *self);
/* (element-type MigratorStatement); downgrade NULL when irreversible. */
GPtrArray          *migrator_revision_get_upgrade_statements   (MigratorRevision *self);
GPtrArray          *migrator_revision_get_downgrade_statements (MigratorRevision *self);
/* Line of a header key in the file, 0 when absent. */
guint               migrator_revision_get_header_line   (MigratorRevision  *self,
                                                         const char        *key);

/* SHA-256 of @data with CRLF and CR normalised to LF (SPEC §3). */
char               *migrator_checksum_data              (const char        *data,
                                                         gsize              length);

G_END_DECLS
