/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-types.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_PROJECT (migrator_project_get_type ())

G_DECLARE_FINAL_TYPE (MigratorProject, migrator_project, MIGRATOR, PROJECT, GObject)

/* Finds the project folder: @explicit_dir, else $MIGRATOR_PROJECT, else the
 * nearest folder from @cwd upwards holding migrator.json. */
char               *migrator_project_find_dir      (const char       *explicit_dir,
                                                    const char       *cwd,
                                                    GError          **error);
/* Loads migrator.json and versions/ (errors: MIGRATOR_ERROR_PROJECT,
 * _REVISION, _GRAPH). */
MigratorProject    *migrator_project_open          (const char       *dir,
                                                    GError          **error);
/* Creates migrator.json, versions/ and schema.sql in @dir (created if
 * needed); fails if migrator.json already exists. */
gboolean            migrator_project_create        (const char       *dir,
                                                    GError          **error);

const char         *migrator_project_get_dir       (MigratorProject  *self);
const char         *migrator_project_get_versions_dir (MigratorProject *self);
MigratorConfig     *migrator_project_get_config    (MigratorProject  *self);
MigratorGraph      *migrator_project_get_graph     (MigratorProject  *self);
/* Re-reads versions/ (after a new revision file was written). */
gboolean            migrator_project_reload        (MigratorProject  *self,
                                                    GError          **error);
/* Database path by SPEC §2 precedence: @flag (--database), then
 * $MIGRATOR_DATABASE_URL, $DATABASE_URL, then migrator.json. */
char               *migrator_project_resolve_database (MigratorProject *self,
                                                       const char      *flag,
                                                       GError         **error);
/* Absolute backup folder and schema.sql path from the config. */
char               *migrator_project_get_backup_dir  (MigratorProject *self);
char               *migrator_project_get_schema_path (MigratorProject *self);

G_END_DECLS
