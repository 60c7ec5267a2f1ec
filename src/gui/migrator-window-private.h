/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "migrator-backups-page.h"
#include "migrator-log-view.h"
#include "migrator-revision-list.h"
#include "migrator-revision-page.h"
#include "migrator-revision-state.h"
#include "migrator-schema-page.h"
#include "migrator-window.h"

G_BEGIN_DECLS

struct _MigratorWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  GtkSpinner           *loading_spinner;
  GtkWidget            *rollback_button;
  GtkButton            *upgrade_button;
  GtkWidget            *cancel_button;
  GtkSpinner           *busy_spinner;
  GtkRevealer          *progress_revealer;
  GtkLabel             *status_label;
  GtkProgressBar       *progress_bar;
  GtkLabel             *summary_label;
  MigratorRevisionList *revision_list;
  AdwViewStack         *view_stack;
  MigratorRevisionPage *revision_page;
  MigratorSchemaPage   *schema_page;
  MigratorLogView      *log_view;
  AdwViewStackPage     *log_stack_page;
  MigratorBackupsPage  *backups_page;

  /* Owned references */
  GSettings            *settings;
  GFile                *file;
  GtkFileChooserNative *chooser;
  GCancellable         *cancellable;    /* cancelled when another file opens or the window goes */
  MigratorProject      *project;
  MigratorService      *service;
  GBindingGroup        *service_bindings;
  GSignalGroup         *service_signals;
  char                 *database_path;
  GListStore           *items;
  GPtrArray            *history;        /* (element-type MigratorHistoryEntry), oldest first */
  char                **current;
  char                **changed;
  /* The version rows before the last upgrade of this session, and the
   * backup taken before it: what "Roll back" returns to. */
  char                **last_upgrade_from;
  char                 *last_upgrade_backup;
  char                **pending_downgrades;  /* a rollback's next targets */
  int                   n_pending;
  guint                 n_loading;
  gboolean              read_only;
};

/* migrator-window.c */
void     _migrator_window_refresh         (MigratorWindow *self);
void     _migrator_window_update_actions  (MigratorWindow *self);
void     _migrator_window_show_error      (MigratorWindow *self,
                                           const char     *heading,
                                           const GError   *error);
void     _migrator_window_toast           (MigratorWindow *self,
                                           const char     *title,
                                           const char     *undo_action);
gboolean _migrator_window_get_busy        (MigratorWindow *self);

/* migrator-window-actions.c */
void     _migrator_window_class_actions_init (GtkWidgetClass *widget_class);
void     _migrator_window_upgrade         (MigratorWindow *self,
                                           const char     *target);
void     _migrator_window_downgrade       (MigratorWindow *self,
                                           const char     *target,
                                           gboolean        rollback);

/* A weak reference for async callbacks, so that a pending operation does
 * not keep a closed window alive. */
static inline GWeakRef *
_migrator_weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static inline gpointer
_migrator_weak_ref_steal (GWeakRef *ref)
{
  gpointer object = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return object;
}

static inline void
_migrator_weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

G_END_DECLS
