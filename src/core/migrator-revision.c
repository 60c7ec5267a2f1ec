/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-revision"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "migrator-config.h"
#include "migrator-error.h"
#include "migrator-revision.h"
#include "migrator-sql.h"

#define MAX_ID_LENGTH   32
#define MAX_SLUG_LENGTH 40
#define MAX_SUGGESTION_DISTANCE 3

struct _MigratorRevision
{
  GObject     parent_instance;

  /* owned, set once by the parser */
  char       *path;
  char       *id;
  GStrv       down_revisions;
  char       *message;
  char       *created;
  GStrv       branch_labels;
  GStrv       depends_on;
  GStrv       allowed_rules;
  gboolean    transactional;
  char       *checksum;              /* computed on first use, see get_checksum() */
  GBytes     *data;                  /* the file, until the checksum is computed */
  char       *upgrade_sql;
  char       *downgrade_sql;         /* NULL when irreversible */
  GPtrArray  *upgrade_statements;
  GPtrArray  *downgrade_statements;  /* NULL when irreversible */
  GHashTable *header_lines;          /* key -> line */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_MESSAGE,
  PROP_CREATED,
  PROP_PATH,
  PROP_CHECKSUM,
  PROP_TRANSACTIONAL,
  PROP_REVERSIBLE,
  PROP_IS_MERGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MigratorRevision, migrator_revision, G_TYPE_OBJECT)

static const char *const header_keys[] = {
  "revision",
  "down_revision",
  "message",
  "created",
  "branch_labels",
  "depends_on",
  "transactional",
  "allow",
  NULL
};

static const char *const required_keys[] = {
  "revision",
  "down_revision",
  "message",
  NULL
};

/* Words that name positions in the graph rather than revisions. */
static const char *const reserved_ids[] = {
  "base",
  "head",
  "heads",
  "current",
  "none",
  NULL
};

static void
migrator_revision_finalize (GObject *object)
{
  MigratorRevision *self = (MigratorRevision *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->down_revisions, g_strfreev);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->created, g_free);
  g_clear_pointer (&self->branch_labels, g_strfreev);
  g_clear_pointer (&self->depends_on, g_strfreev);
  g_clear_pointer (&self->allowed_rules, g_strfreev);
  g_clear_pointer (&self->checksum, g_free);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_pointer (&self->upgrade_sql, g_free);
  g_clear_pointer (&self->downgrade_sql, g_free);
  g_clear_pointer (&self->upgrade_statements, g_ptr_array_unref);
  g_clear_pointer (&self->downgrade_statements, g_ptr_array_unref);
  g_clear_pointer (&self->header_lines, g_hash_table_unref);

  G_OBJECT_CLASS (migrator_revision_parent_class)->finalize (object);
}

static void
migrator_revision_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MigratorRevision *self = MIGRATOR_REVISION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_CREATED:
      g_value_set_string (value, self->created);
      break;

    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_CHECKSUM:
      g_value_set_string (value, migrator_revision_get_checksum (self));
      break;

    case PROP_TRANSACTIONAL:
      g_value_set_boolean (value, self->transactional);
      break;

    case PROP_REVERSIBLE:
      g_value_set_boolean (value, migrator_revision_is_reversible (self));
      break;

    case PROP_IS_MERGE:
      g_value_set_boolean (value, migrator_revision_is_merge (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_revision_class_init (MigratorRevisionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_revision_finalize;
  object_class->get_property = migrator_revision_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED] =
    g_param_spec_string ("created", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKSUM] =
    g_param_spec_string ("checksum", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRANSACTIONAL] =
    g_param_spec_boolean ("transactional", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVERSIBLE] =
    g_param_spec_boolean ("reversible", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_MERGE] =
    g_param_spec_boolean ("is-merge", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
migrator_revision_init (MigratorRevision *self)
{
  self->transactional = TRUE;
  self->header_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Parsing */

typedef enum {
  SECTION_UPGRADE,
  SECTION_DOWNGRADE,
  N_SECTIONS
} Section;

static const char *const section_names[N_SECTIONS] = { "upgrade", "downgrade" };

typedef struct
{
  const char  *path;
  char       **lines;     /* the data with line endings normalised, split at '\n' */
  guint        n_lines;
} Parser;

static void set_line_error (GError     **error,
                            const char  *path,
                            guint        line,
                            const char  *format,
                            ...) G_GNUC_PRINTF (4, 5);

static void
set_line_error (GError     **error,
                const char  *path,
                guint        line,
                const char  *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_REVISION,
               "%s:%u: %s", path, line, message);
}

static char *
normalize_line_endings (const char *data,
                        gsize       length)
{
  GString *text = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      if (data[i] == '\r')
        {
          g_string_append_c (text, '\n');
          if (i + 1 < length && data[i + 1] == '\n')
            i++;
        }
      else
        {
          g_string_append_c (text, data[i]);
        }
    }

  return g_string_free (text, FALSE);
}

static gboolean
is_blank (const char *line)
{
  for (const char *p = line; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

static const char *
skip_space (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;

  return p;
}

/* A "-- migrate:NAME" line. Returns FALSE for any other line; otherwise
 * stores NAME (trimmed, possibly not a section we know) in @name. */
static gboolean
parse_marker (const char  *line,
              char       **name)
{
  const char *p = skip_space (line);

  if (!g_str_has_prefix (p, "--"))
    return FALSE;

  p = skip_space (p + 2);
  if (!g_str_has_prefix (p, "migrate:"))
    return FALSE;

  *name = g_strstrip (g_strdup (p + strlen ("migrate:")));

  return TRUE;
}

/* A header line is a key only when it reads "-- key:", key being
 * [a-z][a-z_]*; other comment lines in the header are free comments. */
static gboolean
parse_header_key (const char  *line,
                  char       **key,
                  char       **value)
{
  const char *p = skip_space (line);
  const char *key_start;
  const char *key_end;

  if (!g_str_has_prefix (p, "--"))
    return FALSE;

  p = key_start = skip_space (p + 2);
  if (!g_ascii_islower (*p))
    return FALSE;
  while (g_ascii_islower (*p) || *p == '_')
    p++;
  key_end = p;

  p = skip_space (p);
  if (*p != ':')
    return FALSE;

  *key = g_strndup (key_start, key_end - key_start);
  *value = g_strstrip (g_strdup (p + 1));

  return TRUE;
}

static gboolean
is_reserved_id (const char *id)
{
  return g_strv_contains (reserved_ids, id);
}

gboolean
migrator_revision_id_is_valid (const char *id)
{
  gsize length = 0;

  g_return_val_if_fail (id != NULL, FALSE);

  for (const char *p = id; *p != '\0'; p++, length++)
    if (!g_ascii_isdigit (*p) && !g_ascii_islower (*p) && *p != '_')
      return FALSE;

  return length >= 1 && length <= MAX_ID_LENGTH && !is_reserved_id (id);
}

static gboolean
check_id (const char  *id,
          const char  *key,
          Parser      *parser,
          guint        line,
          GError     **error)
{
  if (migrator_revision_id_is_valid (id))
    return TRUE;

  if (is_reserved_id (id))
    set_line_error (error, parser->path, line,
                    _("'%s' in '%s' is a reserved word, not a revision id"),
                    id, key);
  else
    set_line_error (error, parser->path, line,
                    _("invalid revision id '%s' in '%s': use 1 to 32 characters of 0-9, a-z and '_'"),
                    id, key);

  return FALSE;
}

/* Splits a comma-separated value into trimmed entries. An empty value is an
 * empty list; an empty entry ("a,,b", "a,") is an error. */
static GStrv
split_list (const char  *value,
            const char  *key,
            Parser      *parser,
            guint        line,
            GError     **error)
{
  g_auto(GStrv) entries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (value[0] == '\0')
    return g_new0 (char *, 1);

  entries = g_strsplit (value, ",", -1);
  for (guint i = 0; entries[i] != NULL; i++)
    {
      const char *entry = g_strstrip (entries[i]);

      if (entry[0] == '\0')
        {
          set_line_error (error, parser->path, line,
                          _("empty entry in the list of '%s'"), key);
          return NULL;
        }

      for (guint j = 0; j < i; j++)
        {
          if (g_str_equal (entries[j], entry))
            {
              set_line_error (error, parser->path, line,
                              _("'%s' is listed twice in '%s'"), entry, key);
              return NULL;
            }
        }

      g_strv_builder_add (builder, entry);
    }

  return g_strv_builder_end (builder);
}

static GStrv
parse_id_list (const char  *value,
               const char  *key,
               Parser      *parser,
               guint        line,
               GError     **error)
{
  g_auto(GStrv) ids = split_list (value, key, parser, line, error);

  if (ids == NULL)
    return NULL;

  for (guint i = 0; ids[i] != NULL; i++)
    if (!check_id (ids[i], key, parser, line, error))
      return NULL;

  return g_steal_pointer (&ids);
}

/* Branch labels appear in targets such as "LABEL@head", so they keep to
 * characters that cannot be confused with target syntax. */
static gboolean
label_is_valid (const char *label)
{
  for (const char *p = label; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;

  return !is_reserved_id (label);
}

static gboolean
parse_created (MigratorRevision  *self,
               const char        *value,
               Parser            *parser,
               guint              line,
               GError           **error)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_iso8601 (value, NULL);

  /* A value without a time zone is read as UTC, whatever the local zone. */
  if (date_time == NULL)
    {
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      date_time = g_date_time_new_from_iso8601 (value, utc);
    }

  if (date_time == NULL)
    {
      set_line_error (error, parser->path, line,
                      _("invalid 'created' value '%s': expected an ISO 8601 date and time such as 2025-10-06T12:00:00Z"),
                      value);
      return FALSE;
    }

  self->created = g_strdup (value);

  return TRUE;
}

static gboolean
parse_header_value (MigratorRevision  *self,
                    const char        *key,
                    const char        *value,
                    Parser            *parser,
                    guint              line,
                    GError           **error)
{
  if (g_str_equal (key, "revision"))
    {
      if (!check_id (value, key, parser, line, error))
        return FALSE;
      self->id = g_strdup (value);
    }
  else if (g_str_equal (key, "down_revision"))
    {
      if (g_ascii_strcasecmp (value, "none") == 0)
        self->down_revisions = g_new0 (char *, 1);
      else if (value[0] == '\0')
        {
          set_line_error (error, parser->path, line,
                          _("'down_revision' is empty: write 'none' for a first revision"));
          return FALSE;
        }
      else if ((self->down_revisions = parse_id_list (value, key, parser, line, error)) == NULL)
        return FALSE;
    }
  else if (g_str_equal (key, "message"))
    {
      self->message = g_strdup (value);
    }
  else if (g_str_equal (key, "created"))
    {
      return parse_created (self, value, parser, line, error);
    }
  else if (g_str_equal (key, "branch_labels"))
    {
      if ((self->branch_labels = split_list (value, key, parser, line, error)) == NULL)
        return FALSE;

      for (guint i = 0; self->branch_labels[i] != NULL; i++)
        {
          if (!label_is_valid (self->branch_labels[i]))
            {
              set_line_error (error, parser->path, line,
                              _("invalid branch label '%s': use letters, digits, '_', '-' and '.'"),
                              self->branch_labels[i]);
              return FALSE;
            }
        }
    }
  else if (g_str_equal (key, "depends_on"))
    {
      if (g_ascii_strcasecmp (value, "none") == 0)
        self->depends_on = g_new0 (char *, 1);
      else if ((self->depends_on = parse_id_list (value, key, parser, line, error)) == NULL)
        return FALSE;
    }
  else if (g_str_equal (key, "transactional"))
    {
      if (g_str_equal (value, "true"))
        self->transactional = TRUE;
      else if (g_str_equal (value, "false"))
        self->transactional = FALSE;
      else
        {
          set_line_error (error, parser->path, line,
                          _("'transactional' must be true or false, not '%s'"), value);
          return FALSE;
        }
    }
  else if (g_str_equal (key, "allow"))
    {
      if ((self->allowed_rules = split_list (value, key, parser, line, error)) == NULL)
        return FALSE;
    }
  else
    {
      g_assert_not_reached ();
    }

  return TRUE;
}

static gboolean
parse_header_line (MigratorRevision  *self,
                   const char        *key,
                   const char        *value,
                   Parser            *parser,
                   guint              line,
                   GError           **error)
{
  gpointer first_line;

  if (!g_strv_contains (header_keys, key))
    {
      const char *closest = migrator_suggest_closest (key, header_keys, MAX_SUGGESTION_DISTANCE);

      if (closest != NULL)
        set_line_error (error, parser->path, line,
                        _("unknown header key '%s' (did you mean '%s'?)"), key, closest);
      else
        set_line_error (error, parser->path, line,
                        _("unknown header key '%s' (known keys: revision, down_revision, message, "
                          "created, branch_labels, depends_on, transactional, allow)"), key);
      return FALSE;
    }

  if (g_hash_table_lookup_extended (self->header_lines, key, NULL, &first_line))
    {
      set_line_error (error, parser->path, line,
                      _("duplicate header key '%s' (first at line %u)"),
                      key, GPOINTER_TO_UINT (first_line));
      return FALSE;
    }

  g_hash_table_insert (self->header_lines, g_strdup (key), GUINT_TO_POINTER (line));

  return parse_header_value (self, key, value, parser, line, error);
}

/* Reads the header; returns the index of the first line after it. */
static gboolean
parse_header (MigratorRevision  *self,
              Parser            *parser,
              guint             *body_start,
              GError           **error)
{
  guint i;

  for (i = 0; i < parser->n_lines; i++)
    {
      const char *line = parser->lines[i];
      g_autofree char *marker = NULL;
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (skip_space (line), "--") || parse_marker (line, &marker))
        break;

      if (parse_header_key (line, &key, &value) &&
          !parse_header_line (self, key, value, parser, i + 1, error))
        return FALSE;
    }

  for (guint k = 0; required_keys[k] != NULL; k++)
    {
      if (!g_hash_table_contains (self->header_lines, required_keys[k]))
        {
          set_line_error (error, parser->path, 1,
                          _("missing required header key '%s'"), required_keys[k]);
          return FALSE;
        }
    }

  *body_start = i;

  return TRUE;
}

/* The text of lines [@start, @end) without leading and trailing blank
 * lines; @first_line receives the file line of its first line. */
static char *
section_text (Parser *parser,
              guint   start,
              guint   end,
              guint  *first_line)
{
  GString *text = g_string_new (NULL);

  while (start < end && is_blank (parser->lines[start]))
    start++;
  while (end > start && is_blank (parser->lines[end - 1]))
    end--;

  *first_line = start + 1;
  for (guint i = start; i < end; i++)
    {
      g_string_append (text, parser->lines[i]);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

static gboolean
check_outside_sections (Parser  *parser,
                        guint    start,
                        guint    end,
                        GError **error)
{
  guint first_line;
  g_autofree char *text = section_text (parser, start, end, &first_line);
  g_autoptr(GPtrArray) statements = migrator_sql_split (text, first_line);

  if (statements->len > 0)
    {
      MigratorStatement *statement = g_ptr_array_index (statements, 0);

      set_line_error (error, parser->path, statement->line,
                      _("SQL outside a section: put it after '-- migrate:upgrade' or '-- migrate:downgrade'"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_body (MigratorRevision  *self,
            Parser            *parser,
            guint              body_start,
            GError           **error)
{
  guint marker_index[N_SECTIONS] = { 0, };
  gboolean seen[N_SECTIONS] = { FALSE, };
  guint section_start = body_start;
  int current = -1;

  /* One pass past the end closes the last section. */
  for (guint i = body_start; i <= parser->n_lines; i++)
    {
      g_autofree char *name = NULL;
      int next = -1;

      if (i < parser->n_lines)
        {
          if (!parse_marker (parser->lines[i], &name))
            continue;

          for (guint s = 0; s < N_SECTIONS; s++)
            if (g_str_equal (name, section_names[s]))
              next = s;

          if (next < 0)
            {
              set_line_error (error, parser->path, i + 1,
                              _("unknown section marker '-- migrate:%s' (expected '-- migrate:upgrade' or '-- migrate:downgrade')"),
                              name);
              return FALSE;
            }

          if (seen[next])
            {
              set_line_error (error, parser->path, i + 1,
                              _("duplicate section '-- migrate:%s' (first at line %u)"),
                              name, marker_index[next] + 1);
              return FALSE;
            }
        }

      if (current < 0)
        {
          if (!check_outside_sections (parser, section_start, i, error))
            return FALSE;
        }
      else
        {
          guint first_line;
          char *text = section_text (parser, section_start, i, &first_line);
          GPtrArray *statements = migrator_sql_split (text, first_line);

          if (current == SECTION_UPGRADE)
            {
              self->upgrade_sql = text;
              self->upgrade_statements = statements;
            }
          else
            {
              self->downgrade_sql = text;
              self->downgrade_statements = statements;
            }
        }

      if (next >= 0)
        {
          seen[next] = TRUE;
          marker_index[next] = i;
          current = next;
          section_start = i + 1;
        }
    }

  if (!seen[SECTION_UPGRADE])
    {
      set_line_error (error, parser->path, 1,
                      _("missing '-- migrate:upgrade' section"));
      return FALSE;
    }

  return TRUE;
}

static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n' || (data[i] == '\r' && data[i + 1] != '\n'))
        line++;
    }

  return line;
}

static gboolean
parse_data (MigratorRevision  *self,
            const char        *data,
            gsize              length,
            GError           **error)
{
  g_autofree char *text = NULL;
  const char *invalid = NULL;
  const char *start = data;
  Parser parser = { self->path, NULL, 0 };
  guint body_start = 0;
  gboolean ret;

  if (!g_utf8_validate (data, length, &invalid))
    {
      set_line_error (error, self->path, line_of_offset (data, invalid - data),
                      _("the file is not valid UTF-8 text"));
      return FALSE;
    }

  /* Some Windows editors start UTF-8 files with a byte order mark. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    start += 3;

  text = normalize_line_endings (start, length - (start - data));
  parser.lines = g_strsplit (text, "\n", -1);
  parser.n_lines = g_strv_length (parser.lines);
  /* A final newline ends the last line; it does not start a new one. */
  if (parser.n_lines > 0 && parser.lines[parser.n_lines - 1][0] == '\0')
    parser.n_lines--;

  ret = parse_header (self, &parser, &body_start, error) &&
        parse_body (self, &parser, body_start, error);

  g_strfreev (parser.lines);

  return ret;
}

MigratorRevision *
migrator_revision_new_from_data (const char  *path,
                                 const char  *data,
                                 gsize        length,
                                 GError     **error)
{
  g_autoptr(MigratorRevision) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    data = "";

  self = g_object_new (MIGRATOR_TYPE_REVISION, NULL);
  self->path = g_strdup (path);

  if (!parse_data (self, data, length, error))
    return NULL;

  if (self->branch_labels == NULL)
    self->branch_labels = g_new0 (char *, 1);
  if (self->depends_on == NULL)
    self->depends_on = g_new0 (char *, 1);
  if (self->allowed_rules == NULL)
    self->allowed_rules = g_new0 (char *, 1);
  /* Hashing every file costs a quarter of `history` on a large project,
   * which never needs the checksums: keep the bytes and hash on demand. */
  self->data = g_bytes_new (data, length);

  return g_steal_pointer (&self);
}

MigratorRevision *
migrator_revision_new_from_file (const char  *path,
                                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_REVISION,
                   _("%s: cannot read the revision file: %s"),
                   path, local_error->message);
      return NULL;
    }

  return migrator_revision_new_from_data (path, data, length, error);
}

char *
migrator_checksum_data (const char *data,
                        gsize       length)
{
  g_autoptr(GChecksum) checksum = NULL;
  gsize start = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* Feeds runs of ordinary bytes, then "\n" for each CRLF or lone CR. */
  for (gsize i = 0; i < length; i++)
    {
      if (data[i] != '\r')
        continue;

      g_checksum_update (checksum, (const guchar *) data + start, i - start);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
      if (i + 1 < length && data[i + 1] == '\n')
        i++;
      start = i + 1;
    }
  if (start < length)
    g_checksum_update (checksum, (const guchar *) data + start, length - start);

  return g_strdup (g_checksum_get_string (checksum));
}

/* Rendering new revisions */

static void
append_list (GString           *text,
             const char        *key,
             const char *const *values)
{
  g_autofree char *joined = g_strjoinv (", ", (char **) values);

  g_string_append_printf (text, "-- %s: %s\n", key, joined);
}

/* Keeps a section's text on its own lines before the next marker. */
static void
append_section (GString    *text,
                const char *marker,
                const char *sql)
{
  g_string_append_printf (text, "-- migrate:%s\n", marker);
  if (sql != NULL && sql[0] != '\0')
    {
      g_string_append (text, sql);
      if (!g_str_has_suffix (sql, "\n"))
        g_string_append_c (text, '\n');
    }
}

char *
migrator_revision_render_new (const char        *id,
                              const char *const *down_revisions,
                              const char        *message,
                              GDateTime         *created,
                              const char *const *branch_labels,
                              const char        *upgrade_sql,
                              const char        *downgrade_sql)
{
  g_autoptr(GDateTime) created_utc = NULL;
  g_autofree char *created_text = NULL;
  g_autofree char *one_line_message = NULL;
  GString *text;

  g_return_val_if_fail (id != NULL && migrator_revision_id_is_valid (id), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  created_utc = created != NULL ? g_date_time_to_utc (created) : g_date_time_new_now_utc ();
  created_text = g_date_time_format (created_utc, "%Y-%m-%dT%H:%M:%SZ");

  /* A newline in the message would end the header line. */
  one_line_message = g_strstrip (g_strdelimit (g_strdup (message), "\r\n", ' '));

  text = g_string_new (NULL);
  g_string_append_printf (text, "-- revision: %s\n", id);
  if (down_revisions == NULL || down_revisions[0] == NULL)
    g_string_append (text, "-- down_revision: none\n");
  else
    append_list (text, "down_revision", down_revisions);
  g_string_append_printf (text, "-- message: %s\n", one_line_message);
  g_string_append_printf (text, "-- created: %s\n", created_text);
  if (branch_labels != NULL && branch_labels[0] != NULL)
    append_list (text, "branch_labels", branch_labels);

  g_string_append_c (text, '\n');
  append_section (text, "upgrade", upgrade_sql);
  g_string_append_c (text, '\n');
  append_section (text, "downgrade", downgrade_sql);

  return g_string_free (text, FALSE);
}

char *
migrator_revision_generate_id (void)
{
  static const char digits[] = "0123456789abcdef";
  char id[13];

  for (guint i = 0; i < 12; i++)
    id[i] = digits[g_random_int_range (0, 16)];
  id[12] = '\0';

  return g_strdup (id);
}

char *
migrator_revision_slugify (const char *message)
{
  g_autofree char *ascii = NULL;
  GString *slug;

  g_return_val_if_fail (message != NULL, NULL);

  /* "Añadir índice" -> "Anadir indice" rather than "a_adir_ndice". */
  ascii = g_str_to_ascii (message, "C");
  slug = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0' && slug->len < MAX_SLUG_LENGTH; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '_')
        g_string_append_c (slug, '_');
    }

  while (slug->len > 0 && slug->str[slug->len - 1] == '_')
    g_string_truncate (slug, slug->len - 1);

  if (slug->len == 0)
    g_string_assign (slug, "revision");

  return g_string_free (slug, FALSE);
}

/* Accessors */

const char *
migrator_revision_get_id (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->id;
}

const char *const *
migrator_revision_get_down_revisions (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return (const char *const *) self->down_revisions;
}

const char *
migrator_revision_get_message (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->message;
}

const char *
migrator_revision_get_created (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->created;
}

const char *const *
migrator_revision_get_branch_labels (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return (const char *const *) self->branch_labels;
}

const char *const *
migrator_revision_get_depends_on (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return (const char *const *) self->depends_on;
}

const char *const *
migrator_revision_get_allowed_rules (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return (const char *const *) self->allowed_rules;
}

gboolean
migrator_revision_get_transactional (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), TRUE);

  return self->transactional;
}

const char *
migrator_revision_get_path (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->path;
}

const char *
migrator_revision_get_checksum (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  /* Revisions are shared with the service's worker thread. */
  if (g_once_init_enter (&self->checksum))
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (self->data, &length);
      char *checksum = migrator_checksum_data (data != NULL ? data : "", length);

      g_clear_pointer (&self->data, g_bytes_unref);
      g_once_init_leave (&self->checksum, checksum);
    }

  return self->checksum;
}

gboolean
migrator_revision_is_merge (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), FALSE);

  return g_strv_length (self->down_revisions) > 1;
}

gboolean
migrator_revision_is_reversible (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), FALSE);

  return self->downgrade_sql != NULL;
}

const char *
migrator_revision_get_upgrade_sql (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->upgrade_sql;
}

const char *
migrator_revision_get_downgrade_sql (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->downgrade_sql;
}

GPtrArray *
migrator_revision_get_upgrade_statements (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->upgrade_statements;
}

GPtrArray *
migrator_revision_get_downgrade_statements (MigratorRevision *self)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), NULL);

  return self->downgrade_statements;
}

guint
migrator_revision_get_header_line (MigratorRevision *self,
                                   const char       *key)
{
  g_return_val_if_fail (MIGRATOR_IS_REVISION (self), 0);
  g_return_val_if_fail (key != NULL, 0);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->header_lines, key));
}
