/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "migrator-diff.h"
#include "migrator-gui-private.h"
#include "migrator-lint.h"
#include "migrator-revision-page.h"
#include "migrator-schema.h"

/* Selecting revisions quickly with the keyboard starts one schema
 * computation, for the revision the selection settles on. */
#define CHANGES_DELAY_MS 120

enum
{
  DETAIL_STATE,
  DETAIL_REVISION,
  DETAIL_PARENTS,
  DETAIL_CHILDREN,
  DETAIL_CREATED,
  DETAIL_PATH,
  DETAIL_CHECKSUM,
  DETAIL_REVERSIBLE,
  DETAIL_BRANCH_LABELS,
  DETAIL_DEPENDS_ON,
  N_DETAILS
};

struct _MigratorRevisionPage
{
  GtkWidget             parent_instance;

  /* Template widgets */
  GtkStack             *stack;
  GtkScrolledWindow    *scroller;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  AdwPreferencesGroup  *details_group;
  AdwPreferencesGroup  *history_group;
  AdwPreferencesGroup  *lint_group;
  AdwPreferencesGroup  *changes_group;
  GtkSpinner           *changes_spinner;
  AdwPreferencesGroup  *upgrade_group;
  AdwPreferencesGroup  *downgrade_group;
  GtkSourceView        *upgrade_view;
  GtkStack             *downgrade_stack;
  GtkSourceView        *downgrade_view;

  /* Borrowed: the value labels of the details rows */
  GtkLabel             *details[N_DETAILS];
  GtkWidget            *detail_rows[N_DETAILS];

  /* Owned references */
  MigratorGraph        *graph;
  MigratorRevisionItem *item;
  GPtrArray            *history;
  GPtrArray            *dynamic_rows;  /* (element-type GtkWidget) rows added per revision */
  GPtrArray            *changes_rows;  /* (element-type GtkWidget) the schema changes' rows */
  GCancellable         *changes_cancellable;
  guint                 changes_source;
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (MigratorRevisionPage, migrator_revision_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (MigratorRevisionPage *self,
             gboolean              loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_spinner_set_spinning (self->changes_spinner, loading);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_spinner), loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static GtkWidget *
add_row (MigratorRevisionPage *self,
         AdwPreferencesGroup  *group,
         const char           *title,
         const char           *subtitle,
         const char           *icon_name,
         const char           *css_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (icon_name != NULL)
    adw_action_row_set_icon_name (ADW_ACTION_ROW (row), icon_name);
  if (css_class != NULL)
    gtk_widget_add_css_class (row, css_class);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  adw_preferences_group_add (group, row);
  g_ptr_array_add (group == self->changes_group ? self->changes_rows : self->dynamic_rows, row);
  return row;
}

static void
clear_rows (GPtrArray *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (rows, 0);
}

static char *
join_or_none (const char *const *values)
{
  if (values == NULL || values[0] == NULL)
    return g_strdup (_("None"));
  return g_strjoinv (", ", (char **) values);
}

static char *
describe_state (MigratorRevisionState state)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (state & MIGRATOR_REVISION_STATE_CURRENT)
    g_ptr_array_add (parts, (char *) C_("revision state", "current"));
  else if (state & MIGRATOR_REVISION_STATE_APPLIED)
    g_ptr_array_add (parts, (char *) C_("revision state", "applied"));
  if (state & MIGRATOR_REVISION_STATE_PENDING)
    g_ptr_array_add (parts, (char *) C_("revision state", "pending"));
  if (state & MIGRATOR_REVISION_STATE_HEAD)
    g_ptr_array_add (parts, (char *) C_("revision state", "head"));
  if (state & MIGRATOR_REVISION_STATE_MERGE)
    g_ptr_array_add (parts, (char *) C_("revision state", "merge"));
  if (state & MIGRATOR_REVISION_STATE_BRANCH_POINT)
    g_ptr_array_add (parts, (char *) C_("revision state", "branch point"));
  if (state & MIGRATOR_REVISION_STATE_CHANGED)
    g_ptr_array_add (parts, (char *) C_("revision state", "changed"));
  if (state & MIGRATOR_REVISION_STATE_NO_FILE)
    g_ptr_array_add (parts, (char *) C_("revision state", "no file"));
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (", ", (char **) parts->pdata);
}

static void
set_detail (MigratorRevisionPage *self,
            guint                 detail,
            const char           *value)
{
  gtk_label_set_text (self->details[detail], value ? value : "");
  gtk_widget_set_visible (self->detail_rows[detail], value != NULL);
}

static void
show_history (MigratorRevisionPage *self)
{
  const char *id = migrator_revision_item_get_id (self->item);
  guint n = 0;

  for (guint i = self->history ? self->history->len : 0; i > 0; i--)
    {
      const MigratorHistoryEntry *entry = self->history->pdata[i - 1];
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      gboolean ok = g_strcmp0 (entry->outcome, "ok") == 0;

      if (g_strcmp0 (entry->revision, id) != 0)
        continue;

      /* Translators: a history row: direction ("upgrade") and outcome ("ok") as stored */
      title = g_strdup_printf (_("%s — %s"), entry->direction ? entry->direction : "?",
                               entry->outcome ? entry->outcome : "?");
      if (entry->backup != NULL)
        /* Translators: time of a history row, its duration, and the backup taken before it */
        subtitle = g_strdup_printf (_("%s, %lld ms, backup %s"),
                                    entry->finished_at ? entry->finished_at : "",
                                    (long long) entry->duration_ms, entry->backup);
      else
        /* Translators: time of a history row and its duration */
        subtitle = g_strdup_printf (_("%s, %lld ms"),
                                    entry->finished_at ? entry->finished_at : "",
                                    (long long) entry->duration_ms);
      if (entry->message != NULL && !ok)
        {
          g_autofree char *with_message = g_strdup_printf ("%s\n%s", subtitle, entry->message);

          g_free (subtitle);
          subtitle = g_steal_pointer (&with_message);
        }

      add_row (self, self->history_group, title, subtitle,
               ok ? "emblem-ok-symbolic" : "dialog-error-symbolic", NULL);
      n++;
    }

  if (n == 0)
    add_row (self, self->history_group, _("Never applied to this database"), NULL, NULL, "dim-row");
}

static void
show_lint (MigratorRevisionPage *self,
           MigratorRevision     *revision)
{
  g_autoptr(GPtrArray) findings = migrator_lint_revision (revision);

  for (guint i = 0; i < findings->len; i++)
    {
      const MigratorFinding *finding = findings->pdata[i];
      g_autofree char *subtitle = NULL;
      const char *icon = finding->severity == MIGRATOR_SEVERITY_ERROR     ? "dialog-error-symbolic"
                         : finding->severity == MIGRATOR_SEVERITY_WARNING ? "dialog-warning-symbolic"
                                                                          : "dialog-information-symbolic";

      /* Translators: a lint finding's rule id and severity ("destructive, warning") */
      subtitle = g_strdup_printf (_("%s, %s"), finding->rule, migrator_severity_to_string (finding->severity));
      add_row (self, self->lint_group, finding->message, subtitle, icon,
               finding->severity == MIGRATOR_SEVERITY_ERROR ? "error" : "warning");
    }

  if (findings->len == 0)
    add_row (self, self->lint_group, _("No problems found"), NULL, "emblem-ok-symbolic", NULL);
}

static void
set_sql (GtkSourceView *view,
         const char    *sql)
{
  g_autofree char *stripped = g_strstrip (g_strdup (sql ? sql : ""));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), stripped, -1);
}

/* Schema changes, on a worker thread */

typedef struct
{
  MigratorGraph    *graph;
  MigratorRevision *revision;
} ChangesData;

static void
changes_data_free (ChangesData *data)
{
  g_clear_object (&data->graph);
  g_clear_object (&data->revision);
  g_free (data);
}

/* The changes against one parent (NULL: against the empty schema). */
typedef struct
{
  char      *parent;
  GPtrArray *changes;
} ChangeSet;

static void
change_set_free (ChangeSet *set)
{
  g_free (set->parent);
  g_clear_pointer (&set->changes, g_ptr_array_unref);
  g_free (set);
}

/* A merge is compared with each of its parents: what it brings to each
 * branch, which is what a reviewer checks (as git shows a merge against
 * each parent). Any other revision has one set. */
static void
changes_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ChangesData *data = task_data;
  const char *const *parents = migrator_revision_get_down_revisions (data->revision);
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func ((GDestroyNotify) change_set_free);
  g_autoptr(MigratorSchema) after = NULL;
  GError *error = NULL;

  after = migrator_schema_new_at_revision (data->graph, data->revision, NULL, &error);
  if (after == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i == 0 || parents[i] != NULL; i++)
    {
      g_autoptr(MigratorSchema) before = NULL;
      ChangeSet *set;

      if (g_task_return_error_if_cancelled (task))
        return;

      if (parents[i] == NULL)
        before = migrator_schema_new ();
      else
        before = migrator_schema_new_at_revision (data->graph, migrator_graph_lookup (data->graph, parents[i]),
                                                  NULL, &error);
      if (before == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      set = g_new0 (ChangeSet, 1);
      set->parent = g_strdup (parents[i]);
      set->changes = migrator_schema_diff (before, after);
      g_ptr_array_add (sets, set);
      if (parents[i] == NULL)
        break;
    }

  g_task_return_pointer (task, g_steal_pointer (&sets), (GDestroyNotify) g_ptr_array_unref);
}

static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
add_change_rows (MigratorRevisionPage *self,
                 GPtrArray            *changes,
                 gboolean              merge)
{
  for (guint i = 0; i < changes->len; i++)
    {
      MigratorSchemaChange *change = changes->pdata[i];
      g_autofree char *text = migrator_schema_change_to_string (change);
      const char *css = NULL;

      switch (migrator_schema_change_get_kind (change))
        {
        case MIGRATOR_CHANGE_ADDED:
          css = "diff-added";
          break;
        case MIGRATOR_CHANGE_REMOVED:
          css = "diff-removed";
          break;
        case MIGRATOR_CHANGE_CHANGED:
        default:
          css = "diff-changed";
          break;
        }
      add_row (self, self->changes_group, text, NULL, NULL, css);
    }

  if (changes->len == 0 && merge)
    add_row (self, self->changes_group, _("No schema changes against this parent"), NULL, NULL, "dim-row");
  else if (changes->len == 0)
    add_row (self, self->changes_group, _("No schema changes"),
             _("The revision changes data only, or nothing"), NULL, "dim-row");
}

static void
changes_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(MigratorRevisionPage) self = g_weak_ref_get (ref);
  g_autoptr(GPtrArray) sets = NULL;
  g_autoptr(GError) error = NULL;

  weak_ref_free (ref);
  sets = g_task_propagate_pointer (G_TASK (result), &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->changes_cancellable)
    return;

  set_loading (self, FALSE);

  if (sets == NULL)
    {
      add_row (self, self->changes_group, _("The schema could not be computed"), error->message,
               "dialog-error-symbolic", "error");
      return;
    }

  for (guint s = 0; s < sets->len; s++)
    {
      ChangeSet *set = sets->pdata[s];

      if (sets->len > 1)
        {
          /* Translators: a heading above the schema changes of a merge
           * revision against one of its parents; %s is the parent's id */
          g_autofree char *title = g_strdup_printf (_("Against parent %s"), set->parent);

          add_row (self, self->changes_group, title, NULL, "media-playlist-consecutive-symbolic", "heading-row");
        }
      add_change_rows (self, set->changes, sets->len > 1);
    }
}

static gboolean
start_changes_cb (gpointer user_data)
{
  MigratorRevisionPage *self = user_data;
  g_autoptr(GTask) task = NULL;
  ChangesData *data;

  self->changes_source = 0;

  data = g_new0 (ChangesData, 1);
  data->graph = g_object_ref (self->graph);
  data->revision = g_object_ref (migrator_revision_item_get_revision (self->item));

  task = g_task_new (NULL, self->changes_cancellable, changes_ready_cb, weak_ref_new (self));
  g_task_set_source_tag (task, start_changes_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) changes_data_free);
  g_task_run_in_thread (task, changes_worker);

  return G_SOURCE_REMOVE;
}

static void
cancel_changes (MigratorRevisionPage *self)
{
  g_clear_handle_id (&self->changes_source, g_source_remove);
  if (self->changes_cancellable != NULL)
    g_cancellable_cancel (self->changes_cancellable);
  g_clear_object (&self->changes_cancellable);
}

static void
show_revision (MigratorRevisionPage *self,
               gboolean              with_changes)
{
  MigratorRevision *revision = migrator_revision_item_get_revision (self->item);
  g_autofree char *state = describe_state (migrator_revision_item_get_state (self->item));

  gtk_label_set_text (self->title_label, migrator_revision_item_get_message (self->item));
  gtk_label_set_text (self->subtitle_label, migrator_revision_item_get_id (self->item));
  set_detail (self, DETAIL_STATE, state);
  set_detail (self, DETAIL_REVISION, migrator_revision_item_get_id (self->item));

  show_history (self);

  gtk_widget_set_visible (GTK_WIDGET (self->lint_group), revision != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->changes_group), revision != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->upgrade_group), revision != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->downgrade_group), revision != NULL);

  if (revision == NULL)
    {
      for (guint i = DETAIL_PARENTS; i < N_DETAILS; i++)
        set_detail (self, i, NULL);
      return;
    }

  {
    g_autoptr(GPtrArray) children = migrator_graph_get_children (self->graph, revision);
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) child_ids = NULL;
    g_autofree char *parents = join_or_none (migrator_revision_get_down_revisions (revision));
    g_autofree char *child_text = NULL;
    g_autofree char *labels = NULL;
    g_autofree char *depends = NULL;

    for (guint i = 0; i < children->len; i++)
      g_strv_builder_add (builder, migrator_revision_get_id (children->pdata[i]));
    child_ids = g_strv_builder_end (builder);
    child_text = join_or_none ((const char *const *) child_ids);

    set_detail (self, DETAIL_PARENTS, parents);
    set_detail (self, DETAIL_CHILDREN, child_text);
    set_detail (self, DETAIL_CREATED, migrator_revision_get_created (revision));
    set_detail (self, DETAIL_PATH, migrator_revision_get_path (revision));
    set_detail (self, DETAIL_CHECKSUM, migrator_revision_get_checksum (revision));
    set_detail (self, DETAIL_REVERSIBLE, migrator_revision_is_reversible (revision) ? _("Yes") : _("No"));

    if (migrator_revision_get_branch_labels (revision)[0] != NULL)
      labels = join_or_none (migrator_revision_get_branch_labels (revision));
    set_detail (self, DETAIL_BRANCH_LABELS, labels);
    if (migrator_revision_get_depends_on (revision)[0] != NULL)
      depends = join_or_none (migrator_revision_get_depends_on (revision));
    set_detail (self, DETAIL_DEPENDS_ON, depends);
  }

  show_lint (self, revision);
  if (!with_changes)
    return;

  set_sql (self->upgrade_view, migrator_revision_get_upgrade_sql (revision));
  if (migrator_revision_is_reversible (revision))
    {
      set_sql (self->downgrade_view, migrator_revision_get_downgrade_sql (revision));
      gtk_stack_set_visible_child_name (self->downgrade_stack, "sql");
    }
  else
    gtk_stack_set_visible_child_name (self->downgrade_stack, "irreversible");

  adw_preferences_group_set_description (self->changes_group,
                                         migrator_revision_is_merge (revision)
                                           ? _("A merge is compared with each of its parents: what it brings to each branch")
                                           : NULL);
  self->changes_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  self->changes_source = g_timeout_add (CHANGES_DELAY_MS, start_changes_cb, self);
}

static void
update_style_scheme (MigratorRevisionPage *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager) ? "Adwaita-dark" : "Adwaita");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager) ? "classic-dark" : "classic");

  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->upgrade_view))), scheme);
  gtk_source_buffer_set_style_scheme (GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->downgrade_view))), scheme);
}

static void
setup_source_view (MigratorRevisionPage *self,
                   GtkSourceView        *view)
{
  GtkSourceLanguage *sql = gtk_source_language_manager_get_language (gtk_source_language_manager_get_default (), "sql");
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));

  gtk_source_buffer_set_language (buffer, sql);
  gtk_source_buffer_set_highlight_syntax (buffer, TRUE);
}

static void
migrator_revision_page_dispose (GObject *object)
{
  MigratorRevisionPage *self = MIGRATOR_REVISION_PAGE (object);

  cancel_changes (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MIGRATOR_TYPE_REVISION_PAGE);
  g_clear_object (&self->item);
  g_clear_object (&self->graph);
  g_clear_pointer (&self->history, g_ptr_array_unref);

  G_OBJECT_CLASS (migrator_revision_page_parent_class)->dispose (object);
}

static void
migrator_revision_page_finalize (GObject *object)
{
  MigratorRevisionPage *self = MIGRATOR_REVISION_PAGE (object);

  g_clear_pointer (&self->dynamic_rows, g_ptr_array_unref);
  g_clear_pointer (&self->changes_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (migrator_revision_page_parent_class)->finalize (object);
}

static void
migrator_revision_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MigratorRevisionPage *self = MIGRATOR_REVISION_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_revision_page_class_init (MigratorRevisionPageClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = migrator_revision_page_dispose;
  object_class->finalize = migrator_revision_page_finalize;
  object_class->get_property = migrator_revision_page_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_source_init ();
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  migrator_gui_ensure_resources ();
  gtk_widget_class_set_template_from_resource (widget_class, MIGRATOR_RESOURCE_PATH "/migrator-revision-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, history_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, lint_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, changes_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, changes_spinner);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, upgrade_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, upgrade_view);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, downgrade_group);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, downgrade_stack);
  gtk_widget_class_bind_template_child (widget_class, MigratorRevisionPage, downgrade_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "migratorrevisionpage");
}

static void
migrator_revision_page_init (MigratorRevisionPage *self)
{
  static const char *titles[N_DETAILS] = {
    N_("State"), N_("Revision"), N_("Parents"), N_("Children"), N_("Created"),
    N_("File"), N_("Checksum"), N_("Reversible"), N_("Branch Labels"), N_("Depends On"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->dynamic_rows = g_ptr_array_new ();
  self->changes_rows = g_ptr_array_new ();

  for (guint i = 0; i < N_DETAILS; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(titles[i]));
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_widget_add_css_class (label, "detail-value");
      if (i == DETAIL_REVISION || i == DETAIL_CHECKSUM || i == DETAIL_PARENTS || i == DETAIL_CHILDREN)
        gtk_widget_add_css_class (label, "revision-id");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->details_group, row);
      self->details[i] = GTK_LABEL (label);
      self->detail_rows[i] = row;
    }

  setup_source_view (self, self->upgrade_view);
  setup_source_view (self, self->downgrade_view);
  update_style_scheme (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);

  gtk_widget_set_visible (GTK_WIDGET (self->changes_spinner), FALSE);
}

GtkWidget *
migrator_revision_page_new (void)
{
  return g_object_new (MIGRATOR_TYPE_REVISION_PAGE, NULL);
}

void
migrator_revision_page_set_revision (MigratorRevisionPage *self,
                                     MigratorGraph        *graph,
                                     MigratorRevisionItem *item,
                                     GPtrArray            *history)
{
  gboolean same;

  g_return_if_fail (MIGRATOR_IS_REVISION_PAGE (self));
  g_return_if_fail (graph == NULL || MIGRATOR_IS_GRAPH (graph));
  g_return_if_fail (item == NULL || MIGRATOR_IS_REVISION_ITEM (item));

  /* The same revision after the database changed: its state and history
   * change, its SQL and schema changes do not. */
  same = item != NULL && item == self->item && graph == self->graph;
  if (!same)
    {
      cancel_changes (self);
      set_loading (self, FALSE);
      clear_rows (self->changes_rows);
    }
  clear_rows (self->dynamic_rows);

  g_set_object (&self->graph, graph);
  g_set_object (&self->item, item);
  if (history != NULL)
    g_ptr_array_ref (history);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->history = history;

  if (item == NULL || (graph == NULL && migrator_revision_item_get_revision (item) != NULL))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  show_revision (self, !same);
  gtk_stack_set_visible_child_name (self->stack, "revision");
  if (!same)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

MigratorRevisionItem *
migrator_revision_page_get_item (MigratorRevisionPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_PAGE (self), NULL);

  return self->item;
}

gboolean
migrator_revision_page_get_loading (MigratorRevisionPage *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_PAGE (self), FALSE);

  return self->loading;
}
