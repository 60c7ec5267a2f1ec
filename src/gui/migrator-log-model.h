/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "migrator-runner.h"

G_BEGIN_DECLS

/* The lines the log view shows: a GListModel of MigratorLogEntry in the
 * order they were appended. No GTK here, so that what the view shows can be
 * tested without a display. */

#define MIGRATOR_TYPE_LOG_ENTRY (migrator_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (MigratorLogEntry, migrator_log_entry, MIGRATOR, LOG_ENTRY, GObject)

#define MIGRATOR_TYPE_LOG_MODEL (migrator_log_model_get_type ())
G_DECLARE_FINAL_TYPE (MigratorLogModel, migrator_log_model, MIGRATOR, LOG_MODEL, GObject)

/* @time: (nullable): local time of the line; NULL is now. */
MigratorLogEntry *migrator_log_entry_new (GDateTime       *time,
                                          MigratorLogLevel level,
                                          const char      *message);
GDateTime        *migrator_log_entry_get_time (MigratorLogEntry *self);
MigratorLogLevel  migrator_log_entry_get_level (MigratorLogEntry *self);
const char       *migrator_log_entry_get_message (MigratorLogEntry *self);
/* "HH:MM:SS" in local time. */
const char *migrator_log_entry_get_time_text (MigratorLogEntry *self);
/* Translated level name ("Info") and its symbolic icon. */
const char *migrator_log_entry_get_level_text (MigratorLogEntry *self);
const char *migrator_log_entry_get_icon_name (MigratorLogEntry *self);
/* One line of text as Copy and Export write it: "HH:MM:SS LEVEL message";
 * continuation lines of a multi-line message are indented. */
char *migrator_log_entry_format (MigratorLogEntry *self);

/* The view's filter: TRUE when @self is at least @min_level and @search
 * (NULL or "" matches everything) occurs in its message, ignoring case. */
gboolean migrator_log_entry_matches (MigratorLogEntry *self,
                                     MigratorLogLevel  min_level,
                                     const char       *search);

MigratorLogModel *migrator_log_model_new (void);
MigratorLogEntry *migrator_log_model_append (MigratorLogModel *self,
                                             MigratorLogLevel  level,
                                             const char       *message);
void              migrator_log_model_append_entry (MigratorLogModel *self,
                                                   MigratorLogEntry *entry);
void              migrator_log_model_clear (MigratorLogModel *self);

/* Every entry of @model (a model of MigratorLogEntry, such as a filtered
 * view of a MigratorLogModel), formatted, one per line.
 * Returns: (transfer full): the text; "" for an empty model */
char *migrator_log_format_model (GListModel *model);

G_END_DECLS
