/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "migrator-project.h"

G_BEGIN_DECLS

#define MIGRATOR_TYPE_SCHEMA_PAGE (migrator_schema_page_get_type ())

G_DECLARE_FINAL_TYPE (MigratorSchemaPage, migrator_schema_page, MIGRATOR, SCHEMA_PAGE, GtkWidget)

/* The point that is the live database rather than a revision (revision
 * ids never contain ':'). */
#define MIGRATOR_SCHEMA_PAGE_DATABASE ":database:"

/* The schema inspector: tables, views, indexes and triggers of the
 * database or of any revision (replayed in memory), each table's columns,
 * foreign keys, indexes and SQL, and with "Compare with…" the coloured
 * differences between two points. Schemas are read on a worker thread;
 * revision schemas are kept until the project changes. */
GtkWidget *migrator_schema_page_new (void);
/* @project: (nullable); @database_path: (nullable): the live database. */
void migrator_schema_page_set_project (MigratorSchemaPage *self,
                                       MigratorProject    *project,
                                       const char         *database_path);
/* Shows the schema at @rev (a revision id, a unique prefix, "head"), or of
 * the database for NULL or MIGRATOR_SCHEMA_PAGE_DATABASE. Returns FALSE
 * when @rev names no revision of the project. */
gboolean migrator_schema_page_show_revision (MigratorSchemaPage *self,
                                             const char         *rev);
/* Shows the differences from @rev (same forms, or NULL for no comparison)
 * to the shown point: what is added in the shown point is green. */
gboolean migrator_schema_page_compare_with (MigratorSchemaPage *self,
                                            const char         *rev);
/* Reads the schemas again (the database changed). */
void migrator_schema_page_reload (MigratorSchemaPage *self);
/* Selects the table, view, index or trigger named @name in the sidebar
 * (while a schema is being read: once it is there). */
gboolean migrator_schema_page_select (MigratorSchemaPage *self,
                                      const char         *name);
/* TRUE while a schema is being read. */
gboolean migrator_schema_page_get_loading (MigratorSchemaPage *self);
/* (transfer none): the sidebar's objects (one GObject each, with "name"
 * and "kind" properties: "table", "view", "index", "trigger", and
 * "changes" for the summary of a comparison). */
GListModel *migrator_schema_page_get_objects (MigratorSchemaPage *self);
/* (transfer none) (nullable): the MigratorSchemaChange list of the
 * comparison, NULL without one. */
GListModel *migrator_schema_page_get_changes (MigratorSchemaPage *self);

G_END_DECLS
