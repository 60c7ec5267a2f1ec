/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-config"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "migrator-config.h"
#include "migrator-error.h"

#define DEFAULT_DATABASE         "sqlite:///app.db"
#define DEFAULT_VERSION_TABLE    "alembic_version"
#define DEFAULT_HISTORY_TABLE    "migrator_history"
#define DEFAULT_LOCK_TIMEOUT_MS  5000
#define DEFAULT_SCHEMA           "schema.sql"
#define DEFAULT_BACKUP_DIRECTORY "backups"
#define DEFAULT_BACKUP_KEEP      10

/* Suggestions further away than this are more confusing than helpful. */
#define MAX_SUGGESTION_DISTANCE 3

static const char *const top_level_keys[] = {
  "database",
  "version_table",
  "history_table",
  "transaction",
  "lock_timeout_ms",
  "schema",
  "backup",
  NULL
};

static const char *const backup_keys[] = {
  "enabled",
  "directory",
  "keep",
  NULL
};

MigratorConfig *
migrator_config_new (void)
{
  MigratorConfig *self = g_new0 (MigratorConfig, 1);

  self->database = g_strdup (DEFAULT_DATABASE);
  self->version_table = g_strdup (DEFAULT_VERSION_TABLE);
  self->history_table = g_strdup (DEFAULT_HISTORY_TABLE);
  self->transaction = MIGRATOR_TRANSACTION_ALL;
  self->lock_timeout_ms = DEFAULT_LOCK_TIMEOUT_MS;
  self->schema = g_strdup (DEFAULT_SCHEMA);
  self->backup_enabled = TRUE;
  self->backup_directory = g_strdup (DEFAULT_BACKUP_DIRECTORY);
  self->backup_keep = DEFAULT_BACKUP_KEEP;

  return self;
}

MigratorConfig *
migrator_config_copy (const MigratorConfig *self)
{
  MigratorConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (MigratorConfig, 1);
  copy->database = g_strdup (self->database);
  copy->version_table = g_strdup (self->version_table);
  copy->history_table = g_strdup (self->history_table);
  copy->transaction = self->transaction;
  copy->lock_timeout_ms = self->lock_timeout_ms;
  copy->schema = g_strdup (self->schema);
  copy->backup_enabled = self->backup_enabled;
  copy->backup_directory = g_strdup (self->backup_directory);
  copy->backup_keep = self->backup_keep;

  return copy;
}

void
migrator_config_free (MigratorConfig *self)
{
  if (self == NULL)
    return;

  g_free (self->database);
  g_free (self->version_table);
  g_free (self->history_table);
  g_free (self->schema);
  g_free (self->backup_directory);
  g_free (self);
}

const char *
migrator_transaction_mode_to_string (MigratorTransactionMode mode)
{
  switch (mode)
    {
    case MIGRATOR_TRANSACTION_ALL:
      return "all";
    case MIGRATOR_TRANSACTION_PER_REVISION:
      return "per-revision";
    default:
      g_return_val_if_reached ("all");
    }
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize len_a = strlen (a);
  gsize len_b = strlen (b);
  g_autofree guint *row = g_new (guint, len_b + 1);

  for (gsize j = 0; j <= len_b; j++)
    row[j] = j;

  for (gsize i = 1; i <= len_a; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= len_b; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (above + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[len_b];
}

const char *
migrator_suggest_closest (const char        *word,
                          const char *const *candidates,
                          guint              max_distance)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  g_return_val_if_fail (word != NULL, NULL);
  g_return_val_if_fail (candidates != NULL, NULL);

  for (guint i = 0; candidates[i] != NULL; i++)
    {
      guint distance = edit_distance (word, candidates[i]);

      if (distance < best_distance)
        {
          best = candidates[i];
          best_distance = distance;
        }
    }

  return best_distance <= max_distance ? best : NULL;
}

static gboolean
is_identifier (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;

  for (const char *p = name + 1; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static void
set_error (GError     **error,
           const char  *path,
           const char  *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_error (GError     **error,
           const char  *path,
           const char  *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT,
               "%s: %s", path, message);
}

static gboolean
check_known_keys (JsonObject        *object,
                  const char        *prefix,
                  const char *const *known,
                  const char        *path,
                  GError           **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      const char *closest;

      if (g_strv_contains (known, key))
        continue;

      closest = migrator_suggest_closest (key, known, MAX_SUGGESTION_DISTANCE);
      if (closest != NULL)
        set_error (error, path, _("unknown key '%s%s' (did you mean '%s%s'?)"),
                   prefix, key, prefix, closest);
      else
        set_error (error, path, _("unknown key '%s%s'"), prefix, key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
node_holds (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* A non-empty string value; @name is the key as the user writes it. */
static gboolean
read_string (JsonObject  *object,
             const char  *key,
             const char  *name,
             char       **value,
             const char  *path,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!node_holds (node, G_TYPE_STRING) || json_node_get_string (node)[0] == '\0')
    {
      set_error (error, path, _("'%s' must be a non-empty string"), name);
      return FALSE;
    }

  g_free (*value);
  *value = json_node_dup_string (node);

  return TRUE;
}

static gboolean
read_identifier (JsonObject  *object,
                 const char  *key,
                 char       **value,
                 const char  *path,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!node_holds (node, G_TYPE_STRING) || !is_identifier (json_node_get_string (node)))
    {
      set_error (error, path,
                 _("'%s' must be a table name of letters, digits and '_' not starting with a digit"),
                 key);
      return FALSE;
    }

  g_free (*value);
  *value = json_node_dup_string (node);

  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *key,
            const char  *name,
            gint64       maximum,
            gint64      *value,
            const char  *path,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!node_holds (node, G_TYPE_INT64) ||
      json_node_get_int (node) < 0 ||
      json_node_get_int (node) > maximum)
    {
      set_error (error, path, _("'%s' must be a non-negative integer"), name);
      return FALSE;
    }

  *value = json_node_get_int (node);

  return TRUE;
}

static gboolean
read_transaction (JsonObject               *object,
                  MigratorTransactionMode  *value,
                  const char               *path,
                  GError                  **error)
{
  JsonNode *node = json_object_get_member (object, "transaction");
  const char *mode;

  if (node == NULL)
    return TRUE;

  mode = node_holds (node, G_TYPE_STRING) ? json_node_get_string (node) : "";
  if (g_str_equal (mode, "all"))
    *value = MIGRATOR_TRANSACTION_ALL;
  else if (g_str_equal (mode, "per-revision"))
    *value = MIGRATOR_TRANSACTION_PER_REVISION;
  else
    {
      set_error (error, path, _("'transaction' must be \"all\" or \"per-revision\""));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_backup (JsonObject      *root,
             MigratorConfig  *config,
             const char      *path,
             GError         **error)
{
  JsonNode *node = json_object_get_member (root, "backup");
  JsonObject *backup;
  JsonNode *enabled;
  gint64 keep = config->backup_keep;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_error (error, path, _("'backup' must be an object"));
      return FALSE;
    }

  backup = json_node_get_object (node);
  if (!check_known_keys (backup, "backup.", backup_keys, path, error))
    return FALSE;

  enabled = json_object_get_member (backup, "enabled");
  if (enabled != NULL)
    {
      if (!node_holds (enabled, G_TYPE_BOOLEAN))
        {
          set_error (error, path, _("'%s' must be true or false"), "backup.enabled");
          return FALSE;
        }
      config->backup_enabled = json_node_get_boolean (enabled);
    }

  if (!read_string (backup, "directory", "backup.directory", &config->backup_directory, path, error) ||
      !read_count (backup, "keep", "backup.keep", G_MAXUINT, &keep, path, error))
    return FALSE;

  config->backup_keep = (guint) keep;

  return TRUE;
}

static gboolean
read_config (JsonObject      *root,
             MigratorConfig  *config,
             const char      *path,
             GError         **error)
{
  if (!check_known_keys (root, "", top_level_keys, path, error) ||
      !read_string (root, "database", "database", &config->database, path, error) ||
      !read_identifier (root, "version_table", &config->version_table, path, error) ||
      !read_identifier (root, "history_table", &config->history_table, path, error) ||
      !read_transaction (root, &config->transaction, path, error) ||
      !read_count (root, "lock_timeout_ms", "lock_timeout_ms", G_MAXINT,
                   &config->lock_timeout_ms, path, error) ||
      !read_string (root, "schema", "schema", &config->schema, path, error) ||
      !read_backup (root, config, path, error))
    return FALSE;

  /* SQLite table names are case-insensitive. */
  if (g_ascii_strcasecmp (config->version_table, config->history_table) == 0)
    {
      set_error (error, path, _("'version_table' and 'history_table' must be different tables"));
      return FALSE;
    }

  return TRUE;
}

/* json-glib reports "<data>:LINE:COLUMN: Parse error: …"; show the line
 * against the file name instead, as compilers do. */
static void
set_json_error (GError     **error,
                const char  *path,
                const char  *parser_message)
{
  guint line = 0;
  guint column = 0;
  int consumed = 0;

  if (sscanf (parser_message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT,
                 _("%s:%u:%u: invalid JSON: %s"),
                 path, line, column, parser_message + consumed);
  else
    set_error (error, path, _("invalid JSON: %s"), parser_message);
}

MigratorConfig *
migrator_config_load_data (const char  *path_for_messages,
                           const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(MigratorConfig) config = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  g_return_val_if_fail (path_for_messages != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      set_json_error (error, path_for_messages, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_error (error, path_for_messages, _("the top level must be a JSON object"));
      return NULL;
    }

  config = migrator_config_new ();
  if (!read_config (json_node_get_object (root), config, path_for_messages, error))
    return NULL;

  return g_steal_pointer (&config);
}

MigratorConfig *
migrator_config_load (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      set_error (error, path, _("cannot read the configuration: %s"), local_error->message);
      return NULL;
    }

  return migrator_config_load_data (path, data, length, error);
}

char *
migrator_config_to_data (const MigratorConfig *self)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, self->database);
  json_builder_set_member_name (builder, "version_table");
  json_builder_add_string_value (builder, self->version_table);
  json_builder_set_member_name (builder, "history_table");
  json_builder_add_string_value (builder, self->history_table);
  json_builder_set_member_name (builder, "transaction");
  json_builder_add_string_value (builder, migrator_transaction_mode_to_string (self->transaction));
  json_builder_set_member_name (builder, "lock_timeout_ms");
  json_builder_add_int_value (builder, self->lock_timeout_ms);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_string_value (builder, self->schema);
  json_builder_set_member_name (builder, "backup");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enabled");
  json_builder_add_boolean_value (builder, self->backup_enabled);
  json_builder_set_member_name (builder, "directory");
  json_builder_add_string_value (builder, self->backup_directory);
  json_builder_set_member_name (builder, "keep");
  json_builder_add_int_value (builder, self->backup_keep);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

gboolean
migrator_config_save (const MigratorConfig  *self,
                      const char            *path,
                      GError               **error)
{
  g_autofree char *data = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = migrator_config_to_data (self);

  return g_file_set_contents (path, data, -1, error);
}

static gboolean
has_prefix_nocase (const char *text,
                   const char *prefix)
{
  return g_ascii_strncasecmp (text, prefix, strlen (prefix)) == 0;
}

/* Returns the path part of @url and whether it is relative to the project
 * folder; NULL for a form we do not support. */
static const char *
url_path (const char *url,
          gboolean   *project_relative)
{
  if (has_prefix_nocase (url, "sqlite:///"))
    {
      const char *path = url + strlen ("sqlite:///");

      *project_relative = path[0] != '/';
      /* "sqlite:///" and "sqlite:////" name no file; "sqlite:///:memory:"
       * is SQLAlchemy's in-memory database, not a file called ":memory:". */
      if (path[0] == '\0' || g_str_equal (path, "/") || path[0] == ':')
        return NULL;
      return path;
    }

  /* Other schemes, "sqlite://host/…", "sqlite::memory:", SQLite's "file:"
   * URIs and ":memory:" are not files we can back up. */
  if (strstr (url, "://") != NULL ||
      has_prefix_nocase (url, "sqlite:") ||
      has_prefix_nocase (url, "file:") ||
      url[0] == ':' ||
      url[0] == '\0')
    return NULL;

  *project_relative = FALSE;
  return url;
}

char *
migrator_database_path_from_url (const char  *url,
                                 const char  *project_dir,
                                 const char  *relative_dir,
                                 GError     **error)
{
  gboolean project_relative = FALSE;
  const char *path;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = url_path (url, &project_relative);
  if (path == NULL)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                   _("unsupported database URL '%s': use sqlite:///relative.db, "
                     "sqlite:////absolute.db or a file path"),
                   url);
      return NULL;
    }

  /* A NULL base makes g_canonicalize_filename() use the working directory. */
  return g_canonicalize_filename (path, project_relative ? project_dir : relative_dir);
}
