/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision-state"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-error.h"
#include "migrator-revision-state.h"
#include "migrator-sql.h"

G_DEFINE_FLAGS_TYPE (MigratorRevisionState, migrator_revision_state,
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_NONE, "none"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_APPLIED, "applied"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_PENDING, "pending"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_CURRENT, "current"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_HEAD, "head"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_MERGE, "merge"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_BRANCH_POINT, "branch-point"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_CHANGED, "changed"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_IRREVERSIBLE, "irreversible"),
                     G_DEFINE_ENUM_VALUE (MIGRATOR_REVISION_STATE_NO_FILE, "no-file"))

struct _MigratorRevisionItem
{
  GObject                parent_instance;

  MigratorRevision      *revision;
  char                  *id;
  char                  *short_id;
  char                  *message;
  char                  *date;
  char                  *search_key;  /* casefolded "id message", made on first search */
  MigratorRevisionState  state;
  MigratorLanes          lanes;
};

G_DEFINE_FINAL_TYPE (MigratorRevisionItem, migrator_revision_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_MESSAGE,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
migrator_revision_item_finalize (GObject *object)
{
  MigratorRevisionItem *self = MIGRATOR_REVISION_ITEM (object);

  g_clear_object (&self->revision);
  g_free (self->id);
  g_free (self->short_id);
  g_free (self->message);
  g_free (self->date);
  g_free (self->search_key);

  G_OBJECT_CLASS (migrator_revision_item_parent_class)->finalize (object);
}

static void
migrator_revision_item_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MigratorRevisionItem *self = MIGRATOR_REVISION_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_STATE:
      g_value_set_flags (value, self->state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_revision_item_class_init (MigratorRevisionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_revision_item_finalize;
  object_class->get_property = migrator_revision_item_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_flags ("state", NULL, NULL,
                        MIGRATOR_TYPE_REVISION_STATE, MIGRATOR_REVISION_STATE_NONE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
migrator_revision_item_init (MigratorRevisionItem *self)
{
}

/* "2025-10-06T12:00:00Z" -> "2025-10-06"; anything unparsable as written. */
static char *
format_date (const char *iso8601)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (iso8601 == NULL || *iso8601 == '\0')
    return g_strdup ("");

  utc = g_date_time_new_from_iso8601 (iso8601, g_time_zone_new_utc ());
  if (utc == NULL)
    return g_strdup (iso8601);

  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d");
}

MigratorRevisionItem *
migrator_revision_item_new (MigratorRevision *revision,
                            const char       *id,
                            const char       *message,
                            const char       *date)
{
  MigratorRevisionItem *self;

  g_return_val_if_fail (revision == NULL || MIGRATOR_IS_REVISION (revision), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (MIGRATOR_TYPE_REVISION_ITEM, NULL);
  self->revision = revision ? g_object_ref (revision) : NULL;
  self->id = g_strdup (id);
  self->short_id = g_strndup (id, 12);
  self->message = g_strdup (message ? message : "");
  self->date = format_date (date);
  return self;
}

MigratorRevision *
migrator_revision_item_get_revision (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return self->revision;
}

const char *
migrator_revision_item_get_id (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return self->id;
}

const char *
migrator_revision_item_get_short_id (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return self->short_id;
}

const char *
migrator_revision_item_get_message (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return self->message;
}

const char *
migrator_revision_item_get_date (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return self->date;
}

MigratorRevisionState
migrator_revision_item_get_state (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), MIGRATOR_REVISION_STATE_NONE);

  return self->state;
}

void
migrator_revision_item_set_state (MigratorRevisionItem  *self,
                                  MigratorRevisionState  state)
{
  g_return_if_fail (MIGRATOR_IS_REVISION_ITEM (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const MigratorLanes *
migrator_revision_item_get_lanes (MigratorRevisionItem *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), NULL);

  return &self->lanes;
}

char **
migrator_revision_search_words (const char *search)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (search == NULL)
    return g_new0 (char *, 1);

  folded = g_utf8_casefold (search, -1);
  words = g_strsplit_set (folded, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);

  return g_strv_builder_end (builder);
}

gboolean
migrator_revision_item_matches_words (MigratorRevisionItem *self,
                                      const char *const    *words)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), FALSE);

  if (words == NULL || words[0] == NULL)
    return TRUE;

  if (self->search_key == NULL)
    {
      g_autofree char *key = g_strconcat (self->id, " ", self->message, NULL);

      self->search_key = g_utf8_casefold (key, -1);
    }

  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (self->search_key, words[i]) == NULL)
      return FALSE;

  return TRUE;
}

gboolean
migrator_revision_item_matches (MigratorRevisionItem *self,
                                const char           *search)
{
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (MIGRATOR_IS_REVISION_ITEM (self), FALSE);

  words = migrator_revision_search_words (search);
  return migrator_revision_item_matches_words (self, (const char *const *) words);
}

MigratorRevisionState
migrator_revision_state_compute (MigratorGraph     *graph,
                                 MigratorRevision  *revision,
                                 GHashTable        *applied,
                                 const char *const *current,
                                 const char *const *changed)
{
  const char *id;
  MigratorRevisionState state = MIGRATOR_REVISION_STATE_NONE;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), state);
  g_return_val_if_fail (MIGRATOR_IS_REVISION (revision), state);

  id = migrator_revision_get_id (revision);

  if (applied != NULL && g_hash_table_contains (applied, id))
    state |= MIGRATOR_REVISION_STATE_APPLIED;
  else
    state |= MIGRATOR_REVISION_STATE_PENDING;
  if (current != NULL && g_strv_contains (current, id))
    state |= MIGRATOR_REVISION_STATE_CURRENT;
  if (migrator_graph_is_head (graph, revision))
    state |= MIGRATOR_REVISION_STATE_HEAD;
  if (migrator_revision_is_merge (revision))
    state |= MIGRATOR_REVISION_STATE_MERGE;
  if (migrator_graph_is_branch_point (graph, revision))
    state |= MIGRATOR_REVISION_STATE_BRANCH_POINT;
  if (changed != NULL && g_strv_contains (changed, id))
    state |= MIGRATOR_REVISION_STATE_CHANGED;
  if (!migrator_revision_is_reversible (revision))
    state |= MIGRATOR_REVISION_STATE_IRREVERSIBLE;

  return state;
}

/* Graph column: walking newest first, each lane waits for the revision
 * that continues it (a parent of the revision drawn above). */
static int
first_free_lane (const char **lanes,
                 int          skip)
{
  for (int i = 0; i < MIGRATOR_MAX_LANES; i++)
    if (lanes[i] == NULL && i != skip)
      return i;
  return -1;
}

static guint16
occupied_lanes (const char **lanes)
{
  guint16 mask = 0;

  for (int i = 0; i < MIGRATOR_MAX_LANES; i++)
    if (lanes[i] != NULL)
      mask |= 1u << i;
  return mask;
}

static void
assign_lanes (MigratorLanes     *out,
              const char        *id,
              const char *const *parents,
              const char       **lanes)
{
  int node = -1;

  out->top = occupied_lanes (lanes);
  out->top_to_node = 0;
  for (int i = 0; i < MIGRATOR_MAX_LANES; i++)
    if (lanes[i] != NULL && g_str_equal (lanes[i], id))
      {
        out->top_to_node |= 1u << i;
        lanes[i] = NULL;
        if (node < 0)
          node = i;
      }

  if (node < 0)
    node = first_free_lane (lanes, -1);
  if (node < 0)
    node = MIGRATOR_MAX_LANES - 1;
  out->node = node;

  out->bottom_from_node = 0;
  for (guint p = 0; parents[p] != NULL; p++)
    {
      int lane = p == 0 ? node : first_free_lane (lanes, node);

      if (lane < 0)
        break;
      lanes[lane] = parents[p];
      out->bottom_from_node |= 1u << lane;
    }
  out->bottom = occupied_lanes (lanes);
}

GListStore *
migrator_revision_items_new (MigratorGraph *graph)
{
  g_autoptr(GPtrArray) ordered = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GListStore *store;
  const char *lanes[MIGRATOR_MAX_LANES] = { NULL, };

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), NULL);

  ordered = migrator_graph_get_ordered (graph);
  items = g_ptr_array_new_full (ordered->len, g_object_unref);
  for (guint i = ordered->len; i > 0; i--)
    {
      MigratorRevision *revision = ordered->pdata[i - 1];
      MigratorRevisionItem *item;

      item = migrator_revision_item_new (revision,
                                         migrator_revision_get_id (revision),
                                         migrator_revision_get_message (revision),
                                         migrator_revision_get_created (revision));
      assign_lanes (&item->lanes, item->id, migrator_revision_get_down_revisions (revision), lanes);
      g_ptr_array_add (items, item);
    }

  store = g_list_store_new (MIGRATOR_TYPE_REVISION_ITEM);
  /* One splice: one items-changed for the whole list. */
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return store;
}

guint
migrator_revision_items_update (GListModel         *items,
                                MigratorGraph      *graph,
                                const char *const  *current,
                                const char *const  *changed,
                                char             ***unknown)
{
  g_autoptr(GStrvBuilder) known = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();
  g_autoptr(GHashTable) applied = NULL;
  g_auto(GStrv) known_rows = NULL;
  guint n_items, n_pending = 0;

  g_return_val_if_fail (G_IS_LIST_MODEL (items), 0);
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), 0);

  for (guint i = 0; current != NULL && current[i] != NULL; i++)
    {
      if (migrator_graph_lookup (graph, current[i]) != NULL)
        g_strv_builder_add (known, current[i]);
      else
        g_strv_builder_add (missing, current[i]);
    }
  known_rows = g_strv_builder_end (known);
  applied = migrator_graph_get_applied (graph, (const char *const *) known_rows, NULL);

  n_items = g_list_model_get_n_items (items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(MigratorRevisionItem) item = g_list_model_get_item (items, i);
      MigratorRevisionState state;

      if (item->revision == NULL)
        continue;

      state = migrator_revision_state_compute (graph, item->revision, applied,
                                               (const char *const *) known_rows, changed);
      if (state & MIGRATOR_REVISION_STATE_PENDING)
        n_pending++;
      migrator_revision_item_set_state (item, state);
    }

  if (unknown != NULL)
    *unknown = g_strv_builder_end (missing);

  return n_pending;
}

static char *
describe_history_entry (const MigratorHistoryEntry *entry)
{
  /* Translators: a history row of a database opened without its revision
   * files: the direction ("upgrade", "downgrade", "stamp") and the outcome
   * ("ok", "failed") as stored in the database */
  return g_strdup_printf (_("Last %s: %s"),
                          entry->direction ? entry->direction : "?",
                          entry->outcome ? entry->outcome : "?");
}

GListStore *
migrator_revision_items_new_from_history (const char *const *current,
                                          GPtrArray         *history)
{
  GListStore *store = g_list_store_new (MIGRATOR_TYPE_REVISION_ITEM);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* The version rows first: they are what the database is at. */
  for (guint i = 0; current != NULL && current[i] != NULL; i++)
    {
      g_autoptr(MigratorRevisionItem) item = NULL;
      const MigratorHistoryEntry *last = NULL;

      for (guint j = history ? history->len : 0; j > 0 && last == NULL; j--)
        {
          const MigratorHistoryEntry *entry = history->pdata[j - 1];

          if (g_strcmp0 (entry->revision, current[i]) == 0)
            last = entry;
        }

      item = migrator_revision_item_new (NULL, current[i], _("In the version table"),
                                         last ? last->finished_at : NULL);
      migrator_revision_item_set_state (item, MIGRATOR_REVISION_STATE_APPLIED |
                                              MIGRATOR_REVISION_STATE_CURRENT |
                                              MIGRATOR_REVISION_STATE_NO_FILE);
      g_hash_table_add (seen, item->id);
      g_list_store_append (store, item);
    }

  for (guint j = history ? history->len : 0; j > 0; j--)
    {
      const MigratorHistoryEntry *entry = history->pdata[j - 1];
      g_autoptr(MigratorRevisionItem) item = NULL;
      g_autofree char *message = NULL;
      MigratorRevisionState state = MIGRATOR_REVISION_STATE_NO_FILE;

      if (entry->revision == NULL || g_hash_table_contains (seen, entry->revision) ||
          g_strcmp0 (entry->direction, "backup") == 0 || g_strcmp0 (entry->direction, "restore") == 0)
        continue;

      message = describe_history_entry (entry);
      item = migrator_revision_item_new (NULL, entry->revision, message, entry->finished_at);
      if (g_strcmp0 (entry->direction, "upgrade") == 0 && g_strcmp0 (entry->outcome, "ok") == 0)
        state |= MIGRATOR_REVISION_STATE_APPLIED;
      else
        state |= MIGRATOR_REVISION_STATE_PENDING;
      migrator_revision_item_set_state (item, state);
      g_hash_table_add (seen, item->id);
      g_list_store_append (store, item);
    }

  return store;
}

/* Comments dropped, whitespace collapsed, upper case: enough to recognise
 * the few statement shapes below. */
static char *
simplify_statement (const char *sql)
{
  g_auto(GStrv) lines = g_strsplit (sql, "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *upper = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *comment = strstr (line, "--");
      g_autofree char *code = comment ? g_strndup (line, comment - line) : g_strdup (line);

      g_string_append_c (out, ' ');
      g_string_append (out, g_strstrip (code));
    }

  upper = g_ascii_strup (out->str, -1);
  return g_strstrip (g_strdup (upper));
}

GPtrArray *
migrator_revision_downgrade_losses (MigratorRevision *revision)
{
  static GRegex *regex;
  GPtrArray *losses = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *statements;

  g_return_val_if_fail (MIGRATOR_IS_REVISION (revision), losses);

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("^(DROP\\s+TABLE\\b"
                                            "|ALTER\\s+TABLE\\s+\\S+\\s+DROP\\s+(?!CONSTRAINT\\b)"
                                            "|DELETE\\s+FROM\\s+\\S+\\s*;?$)",
                                            G_REGEX_OPTIMIZE, 0, NULL));

  statements = migrator_revision_get_downgrade_statements (revision);
  for (guint i = 0; statements != NULL && i < statements->len; i++)
    {
      MigratorStatement *statement = statements->pdata[i];
      g_autofree char *simple = simplify_statement (statement->sql);

      if (g_regex_match (regex, simple, 0, NULL))
        {
          g_autofree char *first_line = NULL;
          g_auto(GStrv) lines = g_strsplit (g_strstrip (g_strdup (statement->sql)), "\n", 2);

          first_line = g_strdup (lines[0] ? g_strstrip (lines[0]) : "");
          g_ptr_array_add (losses, g_strdup_printf ("%s: %s", migrator_revision_get_id (revision), first_line));
        }
    }

  return losses;
}

static gboolean
is_upgrade_ok (const MigratorHistoryEntry *entry)
{
  return g_strcmp0 (entry->direction, "upgrade") == 0 && g_strcmp0 (entry->outcome, "ok") == 0;
}

/* Two history rows belong to the same run when they carry the same run id.
 * Rows written before the run_id column existed have none: then they belong
 * together when they name the same backup (each run that backs up makes its
 * own file) or, without a backup, when the later one started within
 * RUN_GAP_MS of the end of the earlier one: the runner starts the next step
 * right after recording the previous one, while two runs are separated by
 * a click or a new process. */
#define RUN_GAP_MS 500

static gint64
parse_ms (const char *iso8601)
{
  g_autoptr(GDateTime) time = NULL;

  if (iso8601 == NULL)
    return -1;
  time = g_date_time_new_from_iso8601 (iso8601, NULL);
  if (time == NULL)
    return -1;
  return g_date_time_to_unix (time) * 1000 + g_date_time_get_microsecond (time) / 1000;
}

static gboolean
same_run (const MigratorHistoryEntry *earlier,
          const MigratorHistoryEntry *later)
{
  gint64 end, start;

  if (earlier->run_id != NULL && later->run_id != NULL)
    return g_str_equal (earlier->run_id, later->run_id);
  if (earlier->backup != NULL || later->backup != NULL)
    return g_strcmp0 (earlier->backup, later->backup) == 0;

  end = parse_ms (earlier->finished_at);
  start = parse_ms (later->started_at);
  return end >= 0 && start >= 0 && start - end <= RUN_GAP_MS;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The version rows before a run: the parents of its revisions that it did
 * not apply itself, without those that are ancestors of another. */
static char **
rows_before_run (MigratorGraph *graph,
                 GHashTable    *run)
{
  g_autoptr(GPtrArray) parents = g_ptr_array_new ();
  g_autoptr(GStrvBuilder) rows = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, run);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      MigratorRevision *revision = migrator_graph_lookup (graph, key);
      const char *const *down = revision ? migrator_revision_get_down_revisions (revision) : NULL;

      for (guint p = 0; down != NULL && down[p] != NULL; p++)
        if (!g_hash_table_contains (run, down[p]) && migrator_graph_lookup (graph, down[p]) != NULL &&
            !g_ptr_array_find_with_equal_func (parents, down[p], g_str_equal, NULL))
          g_ptr_array_add (parents, (gpointer) down[p]);
    }

  for (guint i = 0; i < parents->len; i++)
    {
      MigratorRevision *revision = migrator_graph_lookup (graph, parents->pdata[i]);
      gboolean covered = FALSE;

      for (guint j = 0; j < parents->len && !covered; j++)
        covered = i != j && migrator_graph_is_ancestor (graph, revision, migrator_graph_lookup (graph, parents->pdata[j]));
      if (!covered)
        g_strv_builder_add (rows, parents->pdata[i]);
    }

  {
    char **result = g_strv_builder_end (rows);

    qsort (result, g_strv_length (result), sizeof (char *), compare_strings);
    return result;
  }
}

gboolean
migrator_rollback_find_last_upgrade (MigratorGraph   *graph,
                                     GPtrArray       *history,
                                     char          ***from,
                                     char           **backup)
{
  g_autoptr(GHashTable) run = g_hash_table_new (g_str_hash, g_str_equal);
  const MigratorHistoryEntry *first = NULL;
  guint i;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), FALSE);

  *from = NULL;
  *backup = NULL;

  /* Newest first: skip failures and plain backups; anything else that
   * changed the version rows since means there is no upgrade to undo. */
  for (i = history ? history->len : 0; i > 0; i--)
    {
      const MigratorHistoryEntry *entry = history->pdata[i - 1];

      if (is_upgrade_ok (entry))
        break;
      if (g_strcmp0 (entry->outcome, "ok") == 0 && g_strcmp0 (entry->direction, "backup") != 0)
        return FALSE;
    }
  if (i == 0)
    return FALSE;

  for (; i > 0; i--)
    {
      const MigratorHistoryEntry *entry = history->pdata[i - 1];

      if (!is_upgrade_ok (entry))
        {
          if (g_strcmp0 (entry->outcome, "ok") == 0)
            break;
          continue;
        }
      if (first != NULL && !same_run (entry, first))
        break;
      first = entry;
      g_hash_table_add (run, entry->revision);
    }

  if (first == NULL || migrator_graph_lookup (graph, first->revision) == NULL)
    return FALSE;

  *from = rows_before_run (graph, run);
  *backup = g_strdup (first->backup);
  return TRUE;
}

static char **
sorted_copy (const char *const *rows)
{
  char **copy = g_strdupv ((char **) rows);

  if (copy == NULL)
    copy = g_new0 (char *, 1);
  qsort (copy, g_strv_length (copy), sizeof (char *), compare_strings);
  return copy;
}

/* Every row of @from is there, and any other row was there before (a
 * branch the upgrade did not touch). */
static gboolean
reaches (const char *const *rows,
         const char *const *from,
         const char *const *current)
{
  for (guint i = 0; from[i] != NULL; i++)
    if (!g_strv_contains (rows, from[i]))
      return FALSE;
  for (guint i = 0; rows[i] != NULL; i++)
    if (!g_strv_contains (from, rows[i]) && (current == NULL || !g_strv_contains (current, rows[i])))
      return FALSE;
  return TRUE;
}

GPtrArray *
migrator_rollback_plan (MigratorGraph      *graph,
                        const char *const  *current,
                        const char *const  *from,
                        char             ***targets,
                        GError            **error)
{
  g_auto(GStrv) wanted = sorted_copy (from);
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_plan_free);
  g_autoptr(GStrvBuilder) chosen = g_strv_builder_new ();
  g_auto(GStrv) rows = NULL;
  guint n_from = g_strv_length (wanted);

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (targets != NULL, NULL);

  *targets = NULL;

  /* One downgrade when one of the rows (or base) leads exactly there: a
   * merge undone returns to all its parents at once. */
  for (guint i = 0; i < MAX (n_from, 1); i++)
    {
      const char *target = n_from == 0 ? "base" : wanted[i];
      g_autoptr(MigratorPlan) plan = migrator_graph_plan (graph, current, target, MIGRATOR_DIRECTION_DOWNGRADE, error);

      if (plan == NULL)
        return NULL;
      if (reaches ((const char *const *) plan->to, (const char *const *) wanted, current))
        {
          *targets = g_strdupv ((char *[]) { (char *) target, NULL });
          g_ptr_array_add (plans, g_steal_pointer (&plan));
          return g_steal_pointer (&plans);
        }
    }

  /* Else one downgrade per row: each undoes what descends from its row
   * only, so the branches the run advanced each go back. */
  rows = sorted_copy (current);
  for (guint i = 0; i < n_from; i++)
    {
      g_autoptr(MigratorPlan) plan = migrator_graph_plan (graph, (const char *const *) rows, wanted[i],
                                                          MIGRATOR_DIRECTION_DOWNGRADE, error);

      if (plan == NULL)
        return NULL;
      if (plan->steps->len == 0)
        continue;
      g_strfreev (rows);
      rows = sorted_copy ((const char *const *) plan->to);
      g_strv_builder_add (chosen, wanted[i]);
      g_ptr_array_add (plans, g_steal_pointer (&plan));
    }

  if (!reaches ((const char *const *) rows, (const char *const *) wanted, current))
    {
      g_autofree char *want = n_from ? g_strjoinv (", ", wanted) : g_strdup ("base");
      g_autofree char *got = rows[0] ? g_strjoinv (", ", rows) : g_strdup ("base");

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   /* Translators: both %s are lists of revision ids */
                   _("Downgrading cannot return the database to %s where the last upgrade started: it would end at %s"),
                   want, got);
      return NULL;
    }

  *targets = g_strv_builder_end (chosen);
  return g_steal_pointer (&plans);
}

const char *
migrator_rollback_target (const char *const *from)
{
  if (from == NULL || from[0] == NULL)
    return "base";
  return from[0];
}
