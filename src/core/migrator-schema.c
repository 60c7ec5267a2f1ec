/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-schema"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "migrator-batch.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-revision.h"
#include "migrator-schema.h"
#include "migrator-sql.h"


/* ------------------------------------------------------------------ */
/* Tokens: just enough of SQLite's lexer to normalise and take apart  */
/* CREATE statements.                                                  */

typedef enum {
  TOKEN_END,
  TOKEN_WORD,
  TOKEN_QUOTED,   /* "x", `x`, [x] */
  TOKEN_STRING,   /* 'x', X'00' */
  TOKEN_PUNCT,
} TokenType;

typedef struct
{
  TokenType   type;
  const char *start;
  gsize       len;
} Token;

static const char *
skip_blank (const char *p)
{
  for (;;)
    {
      if (g_ascii_isspace (*p))
        p++;
      else if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          p += 2;
          while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
            p++;
          if (*p != '\0')
            p += 2;
        }
      else
        return p;
    }
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || (guchar) c >= 0x80;
}

static const char *
skip_quoted (const char *p)
{
  char close = *p == '[' ? ']' : *p;

  for (p++; *p != '\0'; p++)
    {
      if (*p != close)
        continue;
      if (close != ']' && p[1] == close)
        {
          p++;
          continue;
        }
      return p + 1;
    }
  return p;
}

static const char *
skip_operator (const char *p)
{
  static const char *const two[] = { "||", "<=", "<>", "<<", ">=", ">>", "!=", "==", "->", NULL };

  if (p[0] == '-' && p[1] == '>' && p[2] == '>')
    return p + 3;
  for (guint i = 0; two[i] != NULL; i++)
    if (p[0] == two[i][0] && p[1] == two[i][1])
      return p + 2;
  return p + 1;
}

static GArray *
tokenize (const char *sql)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  const char *p = sql != NULL ? sql : "";

  for (;;)
    {
      Token token;

      p = skip_blank (p);
      token.start = p;
      if (*p == '\0')
        break;

      if (*p == '"' || *p == '`' || *p == '[')
        {
          token.type = TOKEN_QUOTED;
          p = skip_quoted (p);
        }
      else if (*p == '\'' || ((*p == 'x' || *p == 'X') && p[1] == '\''))
        {
          token.type = TOKEN_STRING;
          p = skip_quoted (*p == '\'' ? p : p + 1);
        }
      else if (is_word_char (*p))
        {
          token.type = TOKEN_WORD;
          while (is_word_char (*p))
            p++;
        }
      else
        {
          token.type = TOKEN_PUNCT;
          p = skip_operator (p);
        }
      token.len = p - token.start;
      g_array_append_val (tokens, token);
    }
  return tokens;
}

#define TOKEN_AT(tokens, i) (&g_array_index ((tokens), Token, (i)))

static gboolean
token_is (const Token *token,
          const char  *word)
{
  if (token->type == TOKEN_PUNCT)
    return token->len == strlen (word) && strncmp (token->start, word, token->len) == 0;
  return token->type == TOKEN_WORD &&
         token->len == strlen (word) &&
         g_ascii_strncasecmp (token->start, word, token->len) == 0;
}

static gboolean
token_is_name (const Token *token)
{
  return token->type == TOKEN_WORD || token->type == TOKEN_QUOTED || token->type == TOKEN_STRING;
}

/* The identifier a token stands for: quotes removed and unescaped. */
static char *
token_identifier (const Token *token)
{
  GString *name;
  char close;

  if (token->type == TOKEN_WORD || token->type == TOKEN_PUNCT || token->len < 2)
    return g_strndup (token->start, token->len);

  close = token->start[0] == '[' ? ']' : token->start[0];
  name = g_string_new (NULL);
  for (gsize i = 1; i + 1 < token->len; i++)
    {
      g_string_append_c (name, token->start[i]);
      if (token->start[i] == close && close != ']' && i + 2 < token->len && token->start[i + 1] == close)
        i++;
    }
  return g_string_free (name, FALSE);
}

static void
append_normalized_token (GString     *out,
                         const Token *token)
{
  g_autofree char *text = NULL;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  switch (token->type)
    {
    case TOKEN_WORD:
    case TOKEN_QUOTED:
      text = token_identifier (token);
      g_string_append (out, text);
      for (gsize i = out->len - strlen (text); i < out->len; i++)
        out->str[i] = g_ascii_tolower (out->str[i]);
      break;
    case TOKEN_STRING:
    case TOKEN_PUNCT:
    case TOKEN_END:
    default:
      g_string_append_len (out, token->start, token->len);
      break;
    }
}

static char *
normalize_range (GArray *tokens,
                 guint   from,
                 guint   to)
{
  GString *out = g_string_new (NULL);

  while (to > from && token_is (TOKEN_AT (tokens, to - 1), ";"))
    to--;
  for (guint i = from; i < to; i++)
    append_normalized_token (out, TOKEN_AT (tokens, i));
  return g_string_free (out, FALSE);
}

char *
migrator_sql_normalize (const char *sql)
{
  g_autoptr(GArray) tokens = tokenize (sql);

  return normalize_range (tokens, 0, tokens->len);
}

gboolean
migrator_sql_mentions_identifier (const char *sql,
                                  const char *name)
{
  g_autoptr(GArray) tokens = tokenize (sql);

  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < tokens->len; i++)
    {
      Token *token = TOKEN_AT (tokens, i);
      g_autofree char *ident = NULL;

      if (!token_is_name (token))
        continue;
      ident = token_identifier (token);
      if (g_ascii_strcasecmp (ident, name) == 0)
        return TRUE;
    }
  return FALSE;
}

char *
migrator_sql_display_identifier (const char *name)
{
  gboolean plain;

  g_return_val_if_fail (name != NULL, NULL);

  plain = *name != '\0' && !g_ascii_isdigit (*name) &&
          sqlite3_keyword_check (name, (int) strlen (name)) == 0;
  for (const char *p = name; plain && *p; p++)
    plain = g_ascii_isalnum (*p) || *p == '_';
  return plain ? g_strdup (name) : migrator_sql_quote_identifier (name);
}

char *
migrator_sql_rename_create_table (const char *sql,
                                  const char *new_name)
{
  g_autoptr(GArray) tokens = tokenize (sql);
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (new_name != NULL, NULL);

  quoted = migrator_sql_quote_identifier (new_name);
  for (guint i = 0; i < tokens->len; i++)
    if (token_is (TOKEN_AT (tokens, i), "("))
      return g_strdup_printf ("CREATE TABLE %s %s", quoted, TOKEN_AT (tokens, i)->start);
  return g_strdup_printf ("CREATE TABLE %s", quoted);
}

/* Index of the token closing the parenthesis opened at @open. */
static guint
matching_paren (GArray *tokens,
                guint   open)
{
  int depth = 0;

  for (guint i = open; i < tokens->len; i++)
    {
      if (token_is (TOKEN_AT (tokens, i), "("))
        depth++;
      else if (token_is (TOKEN_AT (tokens, i), ")") && --depth == 0)
        return i;
    }
  return tokens->len;
}

static char *
text_range (GArray *tokens,
            guint   from,
            guint   to)
{
  Token *first, *last;

  if (to <= from)
    return g_strdup ("");
  first = TOKEN_AT (tokens, from);
  last = TOKEN_AT (tokens, to - 1);
  return g_strndup (first->start, last->start + last->len - first->start);
}

/* Splits tokens (from, to) at the commas of depth 0: pairs of indexes. */
static GArray *
split_commas (GArray *tokens,
              guint   from,
              guint   to)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (guint));
  int depth = 0;
  guint start = from;

  for (guint i = from; i < to; i++)
    {
      Token *token = TOKEN_AT (tokens, i);

      if (token_is (token, "("))
        depth++;
      else if (token_is (token, ")"))
        depth--;
      else if (depth == 0 && token_is (token, ","))
        {
          g_array_append_val (ranges, start);
          g_array_append_val (ranges, i);
          start = i + 1;
        }
    }
  if (to > start)
    {
      g_array_append_val (ranges, start);
      g_array_append_val (ranges, to);
    }
  return ranges;
}

/* "(a, b COLLATE x DESC)" at @open -> "a,b" (lowercase names). */
static char *
column_list_key (GArray *tokens,
                 guint   open)
{
  guint close = matching_paren (tokens, open);
  g_autoptr(GArray) ranges = split_commas (tokens, open + 1, close);
  g_autoptr(GString) key = g_string_new (NULL);

  for (guint i = 0; i < ranges->len; i += 2)
    {
      g_autofree char *name = token_identifier (TOKEN_AT (tokens, g_array_index (ranges, guint, i)));
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (key->len > 0)
        g_string_append_c (key, ',');
      g_string_append (key, lower);
    }
  return g_string_free (g_steal_pointer (&key), FALSE);
}

/* ------------------------------------------------------------------ */
/* CREATE TABLE text, taken apart                                      */

typedef struct
{
  char     *name;
  char     *definition;
  char     *collation;
  gboolean  unique;
} ParsedColumn;

typedef struct
{
  GPtrArray  *columns;            /* ParsedColumn */
  GPtrArray  *checks;             /* normalised text */
  GHashTable *fk_names;           /* "a,b>table" -> name */
  GHashTable *constraint_names;   /* "u:a,b", "pk:a,b" -> name */
  gboolean    autoincrement;
} ParsedTable;

static void
parsed_column_free (ParsedColumn *column)
{
  g_free (column->name);
  g_free (column->definition);
  g_free (column->collation);
  g_free (column);
}

static void
parsed_table_free (ParsedTable *table)
{
  g_ptr_array_unref (table->columns);
  g_ptr_array_unref (table->checks);
  g_hash_table_unref (table->fk_names);
  g_hash_table_unref (table->constraint_names);
  g_free (table);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedTable, parsed_table_free)

static char *
fk_key (const char *columns_key,
        const char *referenced_table)
{
  g_autofree char *lower = g_ascii_strdown (referenced_table, -1);

  return g_strdup_printf ("%s>%s", columns_key, lower);
}

/* The constraints of one element (a column definition from @from, or a
 * table constraint): CHECKs, REFERENCES and their CONSTRAINT names. */
static void
parse_constraints (ParsedTable  *parsed,
                   GArray       *tokens,
                   guint         from,
                   guint         to,
                   ParsedColumn *column)
{
  g_autofree char *pending_name = NULL;

  for (guint i = from; i < to; i++)
    {
      Token *token = TOKEN_AT (tokens, i);

      if (token_is (token, "(") && i > from)
        {
          /* Skip over expressions, but not a table constraint's column list. */
          if (!token_is (TOKEN_AT (tokens, i - 1), "KEY") &&
              !token_is (TOKEN_AT (tokens, i - 1), "UNIQUE") &&
              !token_is (TOKEN_AT (tokens, i - 1), "CHECK"))
            i = matching_paren (tokens, i);
          continue;
        }
      if (token_is (token, "CONSTRAINT") && i + 1 < to)
        {
          g_free (pending_name);
          pending_name = token_identifier (TOKEN_AT (tokens, ++i));
        }
      else if (token_is (token, "COLLATE") && column != NULL && i + 1 < to)
        {
          g_free (column->collation);
          column->collation = token_identifier (TOKEN_AT (tokens, ++i));
        }
      else if (token_is (token, "AUTOINCREMENT"))
        parsed->autoincrement = TRUE;
      else if (token_is (token, "CHECK") && i + 1 < to && token_is (TOKEN_AT (tokens, i + 1), "("))
        {
          guint close = matching_paren (tokens, i + 1);
          g_autofree char *text = normalize_range (tokens, i, MIN (close + 1, to));

          g_ptr_array_add (parsed->checks,
                           column != NULL ? g_strdup_printf ("%s: %s", column->name, text) : g_steal_pointer (&text));
          g_clear_pointer (&pending_name, g_free);
          i = close;
        }
      else if ((token_is (token, "UNIQUE") || token_is (token, "PRIMARY")) && column == NULL)
        {
          gboolean unique = token_is (token, "UNIQUE");
          guint open = i + 1;

          while (open < to && !token_is (TOKEN_AT (tokens, open), "("))
            open++;
          if (open < to)
            {
              g_autofree char *columns = column_list_key (tokens, open);

              if (pending_name != NULL)
                g_hash_table_insert (parsed->constraint_names,
                                     g_strdup_printf ("%s:%s", unique ? "u" : "pk", columns),
                                     g_steal_pointer (&pending_name));
              i = matching_paren (tokens, open);
            }
        }
      else if (token_is (token, "UNIQUE") && column != NULL)
        {
          column->unique = TRUE;
          if (pending_name != NULL)
            {
              g_autofree char *lower = g_ascii_strdown (column->name, -1);

              g_hash_table_insert (parsed->constraint_names, g_strdup_printf ("u:%s", lower),
                                   g_steal_pointer (&pending_name));
            }
        }
      else if (token_is (token, "REFERENCES") && i + 1 < to)
        {
          g_autofree char *table = token_identifier (TOKEN_AT (tokens, i + 1));
          g_autofree char *columns = NULL;

          if (column != NULL)
            columns = g_ascii_strdown (column->name, -1);
          else
            {
              /* FOREIGN KEY (cols) REFERENCES: the list is before us. */
              guint open = from;

              while (open < i && !token_is (TOKEN_AT (tokens, open), "("))
                open++;
              columns = open < i ? column_list_key (tokens, open) : g_strdup ("");
            }
          if (pending_name != NULL)
            g_hash_table_insert (parsed->fk_names, fk_key (columns, table), g_steal_pointer (&pending_name));
          i++;
        }
      else if (token_is (token, "NOT") || token_is (token, "NULL") || token_is (token, "DEFAULT") ||
               token_is (token, "PRIMARY") || token_is (token, "GENERATED") || token_is (token, "AS"))
        {
          /* A constraint that cannot be named for our purposes. */
          g_clear_pointer (&pending_name, g_free);
        }
    }
}

static gboolean
is_table_constraint (const Token *token)
{
  return token_is (token, "CONSTRAINT") || token_is (token, "PRIMARY") ||
         token_is (token, "UNIQUE") || token_is (token, "CHECK") ||
         token_is (token, "FOREIGN");
}

static ParsedTable *
parse_create_table (const char *sql)
{
  g_autoptr(GArray) tokens = tokenize (sql);
  g_autoptr(GArray) ranges = NULL;
  ParsedTable *parsed = g_new0 (ParsedTable, 1);
  guint open = 0, close;

  parsed->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) parsed_column_free);
  parsed->checks = g_ptr_array_new_with_free_func (g_free);
  parsed->fk_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  parsed->constraint_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  while (open < tokens->len && !token_is (TOKEN_AT (tokens, open), "("))
    open++;
  if (open == tokens->len)
    return parsed;
  close = matching_paren (tokens, open);

  ranges = split_commas (tokens, open + 1, close);
  for (guint i = 0; i < ranges->len; i += 2)
    {
      guint from = g_array_index (ranges, guint, i);
      guint to = g_array_index (ranges, guint, i + 1);
      Token *first = TOKEN_AT (tokens, from);

      if (is_table_constraint (first) && first->type == TOKEN_WORD)
        parse_constraints (parsed, tokens, from, to, NULL);
      else
        {
          ParsedColumn *column = g_new0 (ParsedColumn, 1);

          column->name = token_identifier (first);
          column->definition = text_range (tokens, from, to);
          parse_constraints (parsed, tokens, from + 1, to, column);
          g_ptr_array_add (parsed->columns, column);
        }
    }
  return parsed;
}

static ParsedColumn *
parsed_lookup_column (ParsedTable *parsed,
                      const char  *name)
{
  for (guint i = 0; i < parsed->columns->len; i++)
    {
      ParsedColumn *column = g_ptr_array_index (parsed->columns, i);

      if (g_ascii_strcasecmp (column->name, name) == 0)
        return column;
    }
  return NULL;
}

/* CREATE INDEX … ON t (cols) [WHERE expr]: the key column texts and the
 * WHERE expression. */
static void
parse_create_index (const char  *sql,
                    GPtrArray  **columns,
                    char       **where)
{
  g_autoptr(GArray) tokens = tokenize (sql);
  guint open = 0, close;

  *columns = g_ptr_array_new_with_free_func (g_free);
  *where = NULL;
  while (open < tokens->len && !token_is (TOKEN_AT (tokens, open), "("))
    open++;
  if (open == tokens->len)
    return;

  close = matching_paren (tokens, open);
  {
    g_autoptr(GArray) ranges = split_commas (tokens, open + 1, close);

    for (guint i = 0; i < ranges->len; i += 2)
      g_ptr_array_add (*columns, text_range (tokens, g_array_index (ranges, guint, i),
                                             g_array_index (ranges, guint, i + 1)));
  }

  for (guint i = close + 1; i < tokens->len; i++)
    if (token_is (TOKEN_AT (tokens, i), "WHERE"))
      {
        guint end = tokens->len;

        while (end > i + 1 && token_is (TOKEN_AT (tokens, end - 1), ";"))
          end--;
        *where = text_range (tokens, i + 1, end);
        break;
      }
}

/* ------------------------------------------------------------------ */
/* Objects                                                             */

struct _MigratorSchemaColumn
{
  GObject parent_instance;

  char                       *name;
  char                       *type_name;
  char                       *default_value;
  char                       *collation;
  char                       *definition;
  guint                       pk;
  MigratorSchemaColumnHidden  hidden;
  gboolean                    notnull;
  gboolean                    unique;
};

enum {
  COLUMN_PROP_0,
  COLUMN_PROP_NAME,
  COLUMN_PROP_TYPE_NAME,
  COLUMN_PROP_NOTNULL,
  COLUMN_PROP_DEFAULT,
  COLUMN_PROP_PK,
  COLUMN_PROP_GENERATED,
  COLUMN_PROP_COLLATION,
  COLUMN_N_PROPS
};

static GParamSpec *column_properties[COLUMN_N_PROPS];

G_DEFINE_FINAL_TYPE (MigratorSchemaColumn, migrator_schema_column, G_TYPE_OBJECT)

static void
migrator_schema_column_finalize (GObject *object)
{
  MigratorSchemaColumn *self = (MigratorSchemaColumn *) object;

  g_free (self->name);
  g_free (self->type_name);
  g_free (self->default_value);
  g_free (self->collation);
  g_free (self->definition);

  G_OBJECT_CLASS (migrator_schema_column_parent_class)->finalize (object);
}

static void
migrator_schema_column_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  MigratorSchemaColumn *self = MIGRATOR_SCHEMA_COLUMN (object);

  switch (prop_id)
    {
    case COLUMN_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case COLUMN_PROP_TYPE_NAME:
      g_value_set_string (value, self->type_name);
      break;
    case COLUMN_PROP_NOTNULL:
      g_value_set_boolean (value, self->notnull);
      break;
    case COLUMN_PROP_DEFAULT:
      g_value_set_string (value, self->default_value);
      break;
    case COLUMN_PROP_PK:
      g_value_set_uint (value, self->pk);
      break;
    case COLUMN_PROP_GENERATED:
      g_value_set_boolean (value, migrator_schema_column_get_generated (self));
      break;
    case COLUMN_PROP_COLLATION:
      g_value_set_string (value, self->collation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_schema_column_class_init (MigratorSchemaColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_schema_column_finalize;
  object_class->get_property = migrator_schema_column_get_property;

  column_properties[COLUMN_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_TYPE_NAME] =
    g_param_spec_string ("type-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_NOTNULL] =
    g_param_spec_boolean ("notnull", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_DEFAULT] =
    g_param_spec_string ("default", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_PK] =
    g_param_spec_uint ("pk", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_GENERATED] =
    g_param_spec_boolean ("generated", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  column_properties[COLUMN_PROP_COLLATION] =
    g_param_spec_string ("collation", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, COLUMN_N_PROPS, column_properties);
}

static void
migrator_schema_column_init (MigratorSchemaColumn *self)
{
}

const char *
migrator_schema_column_get_name (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), NULL);
  return self->name;
}

const char *
migrator_schema_column_get_type_name (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), NULL);
  return self->type_name;
}

gboolean
migrator_schema_column_get_notnull (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), FALSE);
  return self->notnull;
}

const char *
migrator_schema_column_get_default (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), NULL);
  return self->default_value;
}

guint
migrator_schema_column_get_pk (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), 0);
  return self->pk;
}

MigratorSchemaColumnHidden
migrator_schema_column_get_hidden (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), 0);
  return self->hidden;
}

gboolean
migrator_schema_column_get_generated (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), FALSE);
  return self->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL ||
         self->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED;
}

const char *
migrator_schema_column_get_collation (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), NULL);
  return self->collation;
}

const char *
migrator_schema_column_get_definition (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), NULL);
  return self->definition;
}

gboolean
migrator_schema_column_get_unique (MigratorSchemaColumn *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_COLUMN (self), FALSE);
  return self->unique;
}

struct _MigratorSchemaIndex
{
  GObject parent_instance;

  char      *name;
  char      *table_name;
  char      *sql;
  char      *where;
  char      *origin;
  GStrv      columns;
  gboolean   unique;
  gboolean   partial;
};

G_DEFINE_FINAL_TYPE (MigratorSchemaIndex, migrator_schema_index, G_TYPE_OBJECT)

static void
migrator_schema_index_finalize (GObject *object)
{
  MigratorSchemaIndex *self = (MigratorSchemaIndex *) object;

  g_free (self->name);
  g_free (self->table_name);
  g_free (self->sql);
  g_free (self->where);
  g_free (self->origin);
  g_strfreev (self->columns);

  G_OBJECT_CLASS (migrator_schema_index_parent_class)->finalize (object);
}

static void
migrator_schema_index_class_init (MigratorSchemaIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_index_finalize;
}

static void
migrator_schema_index_init (MigratorSchemaIndex *self)
{
}

const char *
migrator_schema_index_get_name (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return self->name;
}

const char *
migrator_schema_index_get_table_name (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return self->table_name;
}

const char *
migrator_schema_index_get_sql (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return self->sql;
}

gboolean
migrator_schema_index_get_unique (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), FALSE);
  return self->unique;
}

gboolean
migrator_schema_index_get_partial (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), FALSE);
  return self->partial;
}

const char *
migrator_schema_index_get_where (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return self->where;
}

const char *const *
migrator_schema_index_get_columns (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return (const char *const *) self->columns;
}

const char *
migrator_schema_index_get_origin (MigratorSchemaIndex *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_INDEX (self), NULL);
  return self->origin;
}

struct _MigratorSchemaForeignKey
{
  GObject parent_instance;

  guint  id;
  char  *name;
  char  *table_name;
  char  *referenced_table;
  GStrv  columns;
  GStrv  referenced_columns;
  char  *on_update;
  char  *on_delete;
  char  *match;
};

G_DEFINE_FINAL_TYPE (MigratorSchemaForeignKey, migrator_schema_foreign_key, G_TYPE_OBJECT)

static void
migrator_schema_foreign_key_finalize (GObject *object)
{
  MigratorSchemaForeignKey *self = (MigratorSchemaForeignKey *) object;

  g_free (self->name);
  g_free (self->table_name);
  g_free (self->referenced_table);
  g_strfreev (self->columns);
  g_strfreev (self->referenced_columns);
  g_free (self->on_update);
  g_free (self->on_delete);
  g_free (self->match);

  G_OBJECT_CLASS (migrator_schema_foreign_key_parent_class)->finalize (object);
}

static void
migrator_schema_foreign_key_class_init (MigratorSchemaForeignKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_foreign_key_finalize;
}

static void
migrator_schema_foreign_key_init (MigratorSchemaForeignKey *self)
{
}

guint
migrator_schema_foreign_key_get_id (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), 0);
  return self->id;
}

const char *
migrator_schema_foreign_key_get_name (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->name;
}

const char *
migrator_schema_foreign_key_get_table_name (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->table_name;
}

const char *const *
migrator_schema_foreign_key_get_columns (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return (const char *const *) self->columns;
}

const char *
migrator_schema_foreign_key_get_referenced_table (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->referenced_table;
}

const char *const *
migrator_schema_foreign_key_get_referenced_columns (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return (const char *const *) self->referenced_columns;
}

const char *
migrator_schema_foreign_key_get_on_update (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->on_update;
}

const char *
migrator_schema_foreign_key_get_on_delete (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->on_delete;
}

const char *
migrator_schema_foreign_key_get_match (MigratorSchemaForeignKey *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_FOREIGN_KEY (self), NULL);
  return self->match;
}

struct _MigratorSchemaTrigger
{
  GObject parent_instance;

  char *name;
  char *table_name;
  char *sql;
};

G_DEFINE_FINAL_TYPE (MigratorSchemaTrigger, migrator_schema_trigger, G_TYPE_OBJECT)

static void
migrator_schema_trigger_finalize (GObject *object)
{
  MigratorSchemaTrigger *self = (MigratorSchemaTrigger *) object;

  g_free (self->name);
  g_free (self->table_name);
  g_free (self->sql);

  G_OBJECT_CLASS (migrator_schema_trigger_parent_class)->finalize (object);
}

static void
migrator_schema_trigger_class_init (MigratorSchemaTriggerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_trigger_finalize;
}

static void
migrator_schema_trigger_init (MigratorSchemaTrigger *self)
{
}

const char *
migrator_schema_trigger_get_name (MigratorSchemaTrigger *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TRIGGER (self), NULL);
  return self->name;
}

const char *
migrator_schema_trigger_get_table_name (MigratorSchemaTrigger *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TRIGGER (self), NULL);
  return self->table_name;
}

const char *
migrator_schema_trigger_get_sql (MigratorSchemaTrigger *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TRIGGER (self), NULL);
  return self->sql;
}

struct _MigratorSchemaView
{
  GObject parent_instance;

  char *name;
  char *sql;
};

G_DEFINE_FINAL_TYPE (MigratorSchemaView, migrator_schema_view, G_TYPE_OBJECT)

static void
migrator_schema_view_finalize (GObject *object)
{
  MigratorSchemaView *self = (MigratorSchemaView *) object;

  g_free (self->name);
  g_free (self->sql);

  G_OBJECT_CLASS (migrator_schema_view_parent_class)->finalize (object);
}

static void
migrator_schema_view_class_init (MigratorSchemaViewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_view_finalize;
}

static void
migrator_schema_view_init (MigratorSchemaView *self)
{
}

const char *
migrator_schema_view_get_name (MigratorSchemaView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_VIEW (self), NULL);
  return self->name;
}

const char *
migrator_schema_view_get_sql (MigratorSchemaView *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_VIEW (self), NULL);
  return self->sql;
}

struct _MigratorSchemaTable
{
  GObject parent_instance;

  char       *name;
  char       *sql;
  GListStore *columns;
  GListStore *indexes;
  GListStore *foreign_keys;
  GPtrArray  *checks;             /* NULL-terminated */
  GHashTable *constraint_names;
  gboolean    strict;
  gboolean    without_rowid;
  gboolean    autoincrement;
};

enum {
  TABLE_PROP_0,
  TABLE_PROP_NAME,
  TABLE_PROP_SQL,
  TABLE_PROP_STRICT,
  TABLE_PROP_WITHOUT_ROWID,
  TABLE_N_PROPS
};

static GParamSpec *table_properties[TABLE_N_PROPS];

G_DEFINE_FINAL_TYPE (MigratorSchemaTable, migrator_schema_table, G_TYPE_OBJECT)

static void
migrator_schema_table_finalize (GObject *object)
{
  MigratorSchemaTable *self = (MigratorSchemaTable *) object;

  g_free (self->name);
  g_free (self->sql);
  g_clear_object (&self->columns);
  g_clear_object (&self->indexes);
  g_clear_object (&self->foreign_keys);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  g_clear_pointer (&self->constraint_names, g_hash_table_unref);

  G_OBJECT_CLASS (migrator_schema_table_parent_class)->finalize (object);
}

static void
migrator_schema_table_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MigratorSchemaTable *self = MIGRATOR_SCHEMA_TABLE (object);

  switch (prop_id)
    {
    case TABLE_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case TABLE_PROP_SQL:
      g_value_set_string (value, self->sql);
      break;
    case TABLE_PROP_STRICT:
      g_value_set_boolean (value, self->strict);
      break;
    case TABLE_PROP_WITHOUT_ROWID:
      g_value_set_boolean (value, self->without_rowid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_schema_table_class_init (MigratorSchemaTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_schema_table_finalize;
  object_class->get_property = migrator_schema_table_get_property;

  table_properties[TABLE_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  table_properties[TABLE_PROP_SQL] =
    g_param_spec_string ("sql", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  table_properties[TABLE_PROP_STRICT] =
    g_param_spec_boolean ("strict", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  table_properties[TABLE_PROP_WITHOUT_ROWID] =
    g_param_spec_boolean ("without-rowid", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, TABLE_N_PROPS, table_properties);
}

static void
migrator_schema_table_init (MigratorSchemaTable *self)
{
  self->columns = g_list_store_new (MIGRATOR_TYPE_SCHEMA_COLUMN);
  self->indexes = g_list_store_new (MIGRATOR_TYPE_SCHEMA_INDEX);
  self->foreign_keys = g_list_store_new (MIGRATOR_TYPE_SCHEMA_FOREIGN_KEY);
  self->checks = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->constraint_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

const char *
migrator_schema_table_get_name (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  return self->name;
}

const char *
migrator_schema_table_get_sql (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  return self->sql;
}

gboolean
migrator_schema_table_get_strict (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), FALSE);
  return self->strict;
}

gboolean
migrator_schema_table_get_without_rowid (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), FALSE);
  return self->without_rowid;
}

gboolean
migrator_schema_table_get_autoincrement (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), FALSE);
  return self->autoincrement;
}

GListModel *
migrator_schema_table_get_columns (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  return G_LIST_MODEL (self->columns);
}

GListModel *
migrator_schema_table_get_indexes (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  return G_LIST_MODEL (self->indexes);
}

GListModel *
migrator_schema_table_get_foreign_keys (MigratorSchemaTable *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  return G_LIST_MODEL (self->foreign_keys);
}

const char *const *
migrator_schema_table_get_checks (MigratorSchemaTable *self)
{
  static const char *const none[] = { NULL };

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);
  /* An empty GPtrArray may have no storage at all. */
  return self->checks->len > 0 ? (const char *const *) self->checks->pdata : none;
}

const char *
migrator_schema_table_get_constraint_name (MigratorSchemaTable *self,
                                           const char          *kind,
                                           const char          *columns_key)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);

  key = g_strdup_printf ("%s:%s", kind, columns_key);
  return g_hash_table_lookup (self->constraint_names, key);
}

MigratorSchemaColumn *
migrator_schema_table_lookup_column (MigratorSchemaTable *self,
                                     const char          *name)
{
  guint n;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA_TABLE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->columns));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaColumn) column = g_list_model_get_item (G_LIST_MODEL (self->columns), i);

      if (g_ascii_strcasecmp (column->name, name) == 0)
        return column;  /* the store keeps it alive */
    }
  return NULL;
}

struct _MigratorSchema
{
  GObject parent_instance;

  GListStore *tables;
  GListStore *views;
  GListStore *triggers;
};

G_DEFINE_FINAL_TYPE (MigratorSchema, migrator_schema, G_TYPE_OBJECT)

static void
migrator_schema_finalize (GObject *object)
{
  MigratorSchema *self = (MigratorSchema *) object;

  g_clear_object (&self->tables);
  g_clear_object (&self->views);
  g_clear_object (&self->triggers);

  G_OBJECT_CLASS (migrator_schema_parent_class)->finalize (object);
}

static void
migrator_schema_class_init (MigratorSchemaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_schema_finalize;
}

static void
migrator_schema_init (MigratorSchema *self)
{
  self->tables = g_list_store_new (MIGRATOR_TYPE_SCHEMA_TABLE);
  self->views = g_list_store_new (MIGRATOR_TYPE_SCHEMA_VIEW);
  self->triggers = g_list_store_new (MIGRATOR_TYPE_SCHEMA_TRIGGER);
}

MigratorSchema *
migrator_schema_new (void)
{
  return g_object_new (MIGRATOR_TYPE_SCHEMA, NULL);
}

GListModel *
migrator_schema_get_tables (MigratorSchema *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  return G_LIST_MODEL (self->tables);
}

GListModel *
migrator_schema_get_views (MigratorSchema *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  return G_LIST_MODEL (self->views);
}

GListModel *
migrator_schema_get_triggers (MigratorSchema *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  return G_LIST_MODEL (self->triggers);
}

gboolean
migrator_schema_is_empty (MigratorSchema *self)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), TRUE);
  return g_list_model_get_n_items (G_LIST_MODEL (self->tables)) == 0 &&
         g_list_model_get_n_items (G_LIST_MODEL (self->views)) == 0 &&
         g_list_model_get_n_items (G_LIST_MODEL (self->triggers)) == 0;
}

/* Items of these stores all start with GObject then a "char *name". */
typedef struct
{
  GObject  parent_instance;
  char    *name;
} NamedObject;

static gpointer
lookup_named (GListStore *store,
              const char *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (g_ascii_strcasecmp (((NamedObject *) item)->name, name) == 0)
        return item;  /* the store keeps it alive */
    }
  return NULL;
}

MigratorSchemaTable *
migrator_schema_lookup_table (MigratorSchema *self,
                              const char     *name)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return lookup_named (self->tables, name);
}

MigratorSchemaView *
migrator_schema_lookup_view (MigratorSchema *self,
                             const char     *name)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return lookup_named (self->views, name);
}

MigratorSchemaTrigger *
migrator_schema_lookup_trigger (MigratorSchema *self,
                                const char     *name)
{
  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return lookup_named (self->triggers, name);
}

/* ------------------------------------------------------------------ */
/* Reading a connection                                                */

static gboolean
set_db_error (sqlite3     *db,
              const char  *context,
              GError     **error)
{
  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
               "%s: %s", context, sqlite3_errmsg (db));
  return FALSE;
}

static sqlite3_stmt *
prepare (sqlite3     *db,
         const char  *sql,
         const char  *argument,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (db, _("Cannot read the schema"), error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  if (argument != NULL)
    sqlite3_bind_text (stmt, 1, argument, -1, SQLITE_TRANSIENT);
  return stmt;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           i)
{
  const unsigned char *text = sqlite3_column_text (stmt, i);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* Runs @stmt to the end; FALSE with @error on failure. */
static gboolean
finish (sqlite3      *db,
        sqlite3_stmt *stmt,
        int           rc,
        GError      **error)
{
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (db, _("Cannot read the schema"), error);
  return TRUE;
}

static gboolean
read_columns (sqlite3              *db,
              MigratorSchemaTable  *table,
              ParsedTable          *parsed,
              GError              **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
                      "FROM pragma_table_xinfo(?1) ORDER BY cid", table->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(MigratorSchemaColumn) column = g_object_new (MIGRATOR_TYPE_SCHEMA_COLUMN, NULL);
      ParsedColumn *found;

      column->name = column_dup (stmt, 0);
      column->type_name = column_dup (stmt, 1);
      if (column->type_name == NULL)
        column->type_name = g_strdup ("");
      column->notnull = sqlite3_column_int (stmt, 2) != 0;
      column->default_value = column_dup (stmt, 3);
      column->pk = sqlite3_column_int (stmt, 4);
      column->hidden = sqlite3_column_int (stmt, 5);
      found = column->name != NULL ? parsed_lookup_column (parsed, column->name) : NULL;
      if (found != NULL)
        {
          column->definition = g_strdup (found->definition);
          column->collation = g_strdup (found->collation);
          column->unique = found->unique;
        }
      g_list_store_append (table->columns, column);
    }
  return finish (db, stmt, rc, error);
}

static gboolean
read_index_columns (sqlite3              *db,
                    MigratorSchemaIndex  *index,
                    GError              **error)
{
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  guint position = 0;
  int rc;

  parse_create_index (index->sql, &texts, &index->where);
  stmt = prepare (db, "SELECT name, \"desc\" FROM pragma_index_xinfo(?1) WHERE key ORDER BY seqno",
                  index->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      /* An expression has no name: show it as written. */
      if (name == NULL && position < texts->len)
        g_strv_builder_add (builder, g_ptr_array_index (texts, position));
      else
        g_strv_builder_add (builder, name != NULL ? name : "rowid");
      position++;
    }
  index->columns = g_strv_builder_end (builder);
  return finish (db, stmt, rc, error);
}

static char *
lookup_schema_sql (sqlite3    *db,
                   const char *type,
                   const char *name)
{
  sqlite3_stmt *stmt = NULL;
  char *sql = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT sql FROM sqlite_schema WHERE type = ?1 AND name = ?2",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    sql = column_dup (stmt, 0);
  sqlite3_finalize (stmt);
  return sql;
}

static int
compare_indexes (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return g_strcmp0 (((MigratorSchemaIndex *) a)->name, ((MigratorSchemaIndex *) b)->name);
}

static gboolean
read_indexes (sqlite3              *db,
              MigratorSchemaTable  *table,
              GError              **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)",
                  table->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(MigratorSchemaIndex) index = g_object_new (MIGRATOR_TYPE_SCHEMA_INDEX, NULL);

      index->name = column_dup (stmt, 0);
      index->table_name = g_strdup (table->name);
      index->unique = sqlite3_column_int (stmt, 1) != 0;
      index->origin = column_dup (stmt, 2);
      index->partial = sqlite3_column_int (stmt, 3) != 0;
      index->sql = lookup_schema_sql (db, "index", index->name);
      if (!read_index_columns (db, index, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      g_list_store_append (table->indexes, index);
    }
  g_list_store_sort (table->indexes, compare_indexes, NULL);
  return finish (db, stmt, rc, error);
}

static void
finish_foreign_key (MigratorSchemaForeignKey *fk,
                    GPtrArray                *columns,
                    GPtrArray                *referenced,
                    ParsedTable              *parsed)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *lookup = NULL;

  g_ptr_array_add (columns, NULL);
  g_ptr_array_add (referenced, NULL);
  fk->columns = g_strdupv ((GStrv) columns->pdata);
  fk->referenced_columns = g_strdupv ((GStrv) referenced->pdata);

  for (guint i = 0; fk->columns[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (fk->columns[i], -1);

      if (i > 0)
        g_string_append_c (key, ',');
      g_string_append (key, lower);
    }
  lookup = fk_key (key->str, fk->referenced_table);
  fk->name = g_strdup (g_hash_table_lookup (parsed->fk_names, lookup));
}

static gboolean
read_foreign_keys (sqlite3              *db,
                   MigratorSchemaTable  *table,
                   ParsedTable          *parsed,
                   GError              **error)
{
  g_autoptr(GPtrArray) fks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) referenced = g_ptr_array_new_with_free_func (g_free);
  MigratorSchemaForeignKey *current = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete, match "
                      "FROM pragma_foreign_key_list(?1) ORDER BY id, seq", table->name, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint id = sqlite3_column_int (stmt, 0);
      const char *to = (const char *) sqlite3_column_text (stmt, 3);

      if (current == NULL || current->id != id)
        {
          if (current != NULL)
            {
              finish_foreign_key (current, columns, referenced, parsed);
              g_ptr_array_set_size (columns, 0);
              g_ptr_array_set_size (referenced, 0);
            }
          current = g_object_new (MIGRATOR_TYPE_SCHEMA_FOREIGN_KEY, NULL);
          current->id = id;
          current->table_name = g_strdup (table->name);
          current->referenced_table = column_dup (stmt, 1);
          current->on_update = column_dup (stmt, 4);
          current->on_delete = column_dup (stmt, 5);
          current->match = column_dup (stmt, 6);
          g_ptr_array_add (fks, current);
        }
      g_ptr_array_add (columns, column_dup (stmt, 2));
      g_ptr_array_add (referenced, g_strdup (to != NULL ? to : ""));
    }
  if (current != NULL)
    finish_foreign_key (current, columns, referenced, parsed);

  /* PRAGMA foreign_key_list numbers the last declared key 0. */
  for (guint i = fks->len; i > 0; i--)
    g_list_store_append (table->foreign_keys, g_ptr_array_index (fks, i - 1));
  return finish (db, stmt, rc, error);
}

static void
read_table_options (sqlite3             *db,
                    MigratorSchemaTable *table)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          table->without_rowid = sqlite3_column_int (stmt, 0) != 0;
          table->strict = sqlite3_column_int (stmt, 1) != 0;
        }
    }
  sqlite3_finalize (stmt);
}

static MigratorSchemaTable *
read_table (sqlite3     *db,
            const char  *name,
            const char  *sql,
            GError     **error)
{
  g_autoptr(MigratorSchemaTable) table = g_object_new (MIGRATOR_TYPE_SCHEMA_TABLE, NULL);
  g_autoptr(ParsedTable) parsed = parse_create_table (sql);

  table->name = g_strdup (name);
  table->sql = g_strdup (sql);
  table->autoincrement = parsed->autoincrement;
  for (guint i = 0; i < parsed->checks->len; i++)
    g_ptr_array_add (table->checks, g_strdup (g_ptr_array_index (parsed->checks, i)));
  g_hash_table_remove_all (table->constraint_names);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, parsed->constraint_names);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (table->constraint_names, g_strdup (key), g_strdup (value));
  }
  read_table_options (db, table);

  if (!read_columns (db, table, parsed, error) ||
      !read_indexes (db, table, error) ||
      !read_foreign_keys (db, table, parsed, error))
    return NULL;
  return g_steal_pointer (&table);
}

static gboolean
is_ignored (const char        *table,
            const char *const *ignored_tables)
{
  if (table == NULL || g_ascii_strncasecmp (table, "sqlite_", 7) == 0)
    return TRUE;
  for (guint i = 0; ignored_tables != NULL && ignored_tables[i] != NULL; i++)
    if (g_ascii_strcasecmp (table, ignored_tables[i]) == 0)
      return TRUE;
  return FALSE;
}

/* "REFERENCES t" means t's primary key: name its columns so that the diff
 * sees "REFERENCES t" and "REFERENCES t (id)" as the same key. */
static void
resolve_implied_references (MigratorSchema *schema)
{
  guint n_tables = g_list_model_get_n_items (G_LIST_MODEL (schema->tables));

  for (guint i = 0; i < n_tables; i++)
    {
      g_autoptr(MigratorSchemaTable) table = g_list_model_get_item (G_LIST_MODEL (schema->tables), i);
      guint n_fks = g_list_model_get_n_items (G_LIST_MODEL (table->foreign_keys));

      for (guint j = 0; j < n_fks; j++)
        {
          g_autoptr(MigratorSchemaForeignKey) fk = g_list_model_get_item (G_LIST_MODEL (table->foreign_keys), j);
          MigratorSchemaTable *referenced = lookup_named (schema->tables, fk->referenced_table);
          guint n_columns = g_strv_length (fk->columns);
          g_autoptr(GPtrArray) pk = NULL;
          gboolean complete;
          guint n;

          if (referenced == NULL || fk->referenced_columns[0] == NULL || *fk->referenced_columns[0] != '\0')
            continue;

          n = g_list_model_get_n_items (G_LIST_MODEL (referenced->columns));
          pk = g_ptr_array_new_full (n_columns + 1, NULL);
          g_ptr_array_set_size (pk, n_columns + 1);
          for (guint k = 0; k < n; k++)
            {
              g_autoptr(MigratorSchemaColumn) column = g_list_model_get_item (G_LIST_MODEL (referenced->columns), k);

              if (column->pk > 0 && column->pk <= n_columns)
                g_ptr_array_index (pk, column->pk - 1) = column->name;
            }
          complete = n_columns > 0;
          for (guint k = 0; k < n_columns; k++)
            complete &= g_ptr_array_index (pk, k) != NULL;
          if (complete)
            {
              g_strfreev (fk->referenced_columns);
              fk->referenced_columns = g_strdupv ((GStrv) pk->pdata);
            }
        }
    }
}

MigratorSchema *
migrator_schema_new_from_connection (sqlite3            *db,
                                     const char *const  *ignored_tables,
                                     GError            **error)
{
  g_autoptr(MigratorSchema) schema = migrator_schema_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = prepare (db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                      "WHERE type IN ('table', 'view', 'trigger') ORDER BY rowid", NULL, error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *type = (const char *) sqlite3_column_text (stmt, 0);
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *table_name = (const char *) sqlite3_column_text (stmt, 2);
      const char *sql = (const char *) sqlite3_column_text (stmt, 3);

      if (name == NULL || is_ignored (table_name, ignored_tables))
        continue;

      if (g_str_equal (type, "table"))
        {
          g_autoptr(MigratorSchemaTable) table = NULL;

          /* Virtual tables' shadow tables would need their module. */
          if (sql != NULL && g_ascii_strncasecmp (sql, "CREATE VIRTUAL", 14) == 0)
            continue;
          table = read_table (db, name, sql, error);
          if (table == NULL)
            {
              sqlite3_finalize (stmt);
              return NULL;
            }
          g_list_store_append (schema->tables, table);
        }
      else if (g_str_equal (type, "view"))
        {
          g_autoptr(MigratorSchemaView) view = g_object_new (MIGRATOR_TYPE_SCHEMA_VIEW, NULL);

          view->name = g_strdup (name);
          view->sql = g_strdup (sql);
          g_list_store_append (schema->views, view);
        }
      else
        {
          g_autoptr(MigratorSchemaTrigger) trigger = g_object_new (MIGRATOR_TYPE_SCHEMA_TRIGGER, NULL);

          trigger->name = g_strdup (name);
          trigger->table_name = g_strdup (table_name);
          trigger->sql = g_strdup (sql);
          g_list_store_append (schema->triggers, trigger);
        }
    }
  if (!finish (db, stmt, rc, error))
    return NULL;

  resolve_implied_references (schema);
  return g_steal_pointer (&schema);
}

MigratorSchema *
migrator_schema_new_from_database_file (const char         *path,
                                        const char *const  *ignored_tables,
                                        gint64              lock_timeout_ms,
                                        GError            **error)
{
  sqlite3 *db = NULL;
  MigratorSchema *schema;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The database %s does not exist"), path);
      return NULL;
    }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, "%s: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : _("cannot open the database"));
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, (int) CLAMP (lock_timeout_ms, 0, G_MAXINT));

  schema = migrator_schema_new_from_connection (db, ignored_tables, error);
  if (schema == NULL && error != NULL && *error != NULL)
    g_prefix_error (error, "%s: ", path);
  sqlite3_close (db);
  return schema;
}

/* ------------------------------------------------------------------ */
/* In-memory databases                                                 */

static sqlite3 *
open_memory (GError **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                   _("Cannot open an in-memory database: %s"),
                   db != NULL ? sqlite3_errmsg (db) : _("out of memory"));
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

static gboolean
exec_statement (sqlite3            *db,
                const char         *sql,
                GError            **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                           message != NULL ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

gboolean
migrator_schema_exec_script (sqlite3     *db,
                             const char  *sql,
                             const char  *origin,
                             GError     **error)
{
  g_autoptr(GPtrArray) statements = NULL;

  g_return_val_if_fail (db != NULL, FALSE);

  statements = migrator_sql_split (sql != NULL ? sql : "", 1);
  for (guint i = 0; i < statements->len; i++)
    {
      MigratorStatement *statement = g_ptr_array_index (statements, i);

      if (!exec_statement (db, statement->sql, error))
        {
          g_prefix_error (error, "%s:%u: ", origin, statement->line);
          return FALSE;
        }
    }
  return TRUE;
}

MigratorSchema *
migrator_schema_new_from_sql (const char         *sql,
                              const char         *origin,
                              const char *const  *ignored_tables,
                              GError            **error)
{
  sqlite3 *db;
  MigratorSchema *schema = NULL;

  g_return_val_if_fail (sql != NULL, NULL);

  if (!(db = open_memory (error)))
    return NULL;
  if (migrator_schema_exec_script (db, sql, origin != NULL ? origin : "SQL", error))
    schema = migrator_schema_new_from_connection (db, ignored_tables, error);
  sqlite3_close (db);
  return schema;
}

MigratorSchema *
migrator_schema_new_from_sql_file (const char         *path,
                                   const char *const  *ignored_tables,
                                   GError            **error)
{
  g_autofree char *contents = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return migrator_schema_new_from_sql (contents, path, ignored_tables, error);
}

gboolean
migrator_schema_replay (sqlite3           *db,
                        MigratorGraph     *graph,
                        MigratorRevision  *revision,
                        GError           **error)
{
  g_autoptr(MigratorPlan) plan = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), FALSE);

  if (revision == NULL)
    return TRUE;

  plan = migrator_graph_plan (graph, NULL, migrator_revision_get_id (revision),
                              MIGRATOR_DIRECTION_UPGRADE, error);
  if (plan == NULL)
    return FALSE;

  /* Revisions may hold the batch ALTER statements of SPEC §3.1. */
  for (guint i = 0; i < plan->steps->len; i++)
    {
      MigratorPlanStep *step = g_ptr_array_index (plan->steps, i);
      GPtrArray *statements = migrator_revision_get_upgrade_statements (step->revision);

      if (statements != NULL &&
          !migrator_batch_run_statements (db, statements, migrator_revision_get_id (step->revision), NULL, error))
        {
          g_prefix_error (error, "%s: ", migrator_revision_get_path (step->revision));
          return FALSE;
        }
    }
  return TRUE;
}

MigratorSchema *
migrator_schema_new_at_revision (MigratorGraph      *graph,
                                 MigratorRevision   *revision,
                                 const char *const  *ignored_tables,
                                 GError            **error)
{
  sqlite3 *db;
  MigratorSchema *schema = NULL;

  g_return_val_if_fail (MIGRATOR_IS_GRAPH (graph), NULL);

  if (revision == NULL)
    return migrator_schema_new ();
  if (!(db = open_memory (error)))
    return NULL;
  if (migrator_schema_replay (db, graph, revision, error))
    schema = migrator_schema_new_from_connection (db, ignored_tables, error);
  sqlite3_close (db);
  return schema;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_strv (JsonBuilder        *builder,
          const char         *member,
          const char *const  *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_bool (JsonBuilder *builder,
          const char  *member,
          gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *member,
         gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

static void
column_to_json (JsonBuilder          *builder,
                MigratorSchemaColumn *column)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "name", column->name);
  add_string_or_null (builder, "type", column->type_name);
  add_bool (builder, "notnull", column->notnull);
  add_string_or_null (builder, "default", column->default_value);
  add_int (builder, "pk", column->pk);
  add_bool (builder, "hidden", column->hidden == MIGRATOR_SCHEMA_COLUMN_HIDDEN);
  add_bool (builder, "generated", migrator_schema_column_get_generated (column));
  if (column->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL ||
      column->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED)
    add_string_or_null (builder, "storage",
                        column->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED ? "stored" : "virtual");
  add_string_or_null (builder, "collation", column->collation);
  json_builder_end_object (builder);
}

static void
index_to_json (JsonBuilder         *builder,
               MigratorSchemaIndex *index)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "name", index->name);
  add_bool (builder, "unique", index->unique);
  add_bool (builder, "partial", index->partial);
  add_string_or_null (builder, "where", index->where);
  add_strv (builder, "columns", (const char *const *) index->columns);
  add_string_or_null (builder, "origin", index->origin);
  add_string_or_null (builder, "sql", index->sql);
  json_builder_end_object (builder);
}

static void
foreign_key_to_json (JsonBuilder              *builder,
                     MigratorSchemaForeignKey *fk)
{
  json_builder_begin_object (builder);
  add_int (builder, "id", fk->id);
  add_string_or_null (builder, "name", fk->name);
  add_strv (builder, "columns", (const char *const *) fk->columns);
  add_string_or_null (builder, "references", fk->referenced_table);
  add_strv (builder, "referenced_columns", (const char *const *) fk->referenced_columns);
  add_string_or_null (builder, "on_update", fk->on_update);
  add_string_or_null (builder, "on_delete", fk->on_delete);
  add_string_or_null (builder, "match", fk->match);
  json_builder_end_object (builder);
}

static void
list_to_json (JsonBuilder  *builder,
              const char   *member,
              GListModel   *model,
              void        (*item_to_json) (JsonBuilder *, gpointer))
{
  guint n = g_list_model_get_n_items (model);

  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      item_to_json (builder, item);
    }
  json_builder_end_array (builder);
}

static void
table_to_json (JsonBuilder         *builder,
               MigratorSchemaTable *table)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "name", table->name);
  add_string_or_null (builder, "sql", table->sql);
  add_bool (builder, "strict", table->strict);
  add_bool (builder, "without_rowid", table->without_rowid);
  add_bool (builder, "autoincrement", table->autoincrement);
  list_to_json (builder, "columns", G_LIST_MODEL (table->columns), (gpointer) column_to_json);
  list_to_json (builder, "indexes", G_LIST_MODEL (table->indexes), (gpointer) index_to_json);
  list_to_json (builder, "foreign_keys", G_LIST_MODEL (table->foreign_keys), (gpointer) foreign_key_to_json);
  json_builder_end_object (builder);
}

static void
view_to_json (JsonBuilder        *builder,
              MigratorSchemaView *view)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "name", view->name);
  add_string_or_null (builder, "sql", view->sql);
  json_builder_end_object (builder);
}

static void
trigger_to_json (JsonBuilder           *builder,
                 MigratorSchemaTrigger *trigger)
{
  json_builder_begin_object (builder);
  add_string_or_null (builder, "name", trigger->name);
  add_string_or_null (builder, "table", trigger->table_name);
  add_string_or_null (builder, "sql", trigger->sql);
  json_builder_end_object (builder);
}

JsonNode *
migrator_schema_to_json (MigratorSchema *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);

  json_builder_begin_object (builder);
  list_to_json (builder, "tables", G_LIST_MODEL (self->tables), (gpointer) table_to_json);
  list_to_json (builder, "views", G_LIST_MODEL (self->views), (gpointer) view_to_json);
  list_to_json (builder, "triggers", G_LIST_MODEL (self->triggers), (gpointer) trigger_to_json);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
append_identifiers (GString            *text,
                    const char *const  *names)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *shown = migrator_sql_display_identifier (names[i]);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", *names[i] != '\0' ? shown : "?");
    }
}

static void
column_to_text (GString              *text,
                MigratorSchemaColumn *column,
                guint                 n_pk)
{
  g_autofree char *name = migrator_sql_display_identifier (column->name);

  g_string_append_printf (text, "    %s", name);
  if (*column->type_name != '\0')
    g_string_append_printf (text, " %s", column->type_name);
  /* In a composite key, the column's position in it. */
  if (column->pk > 0 && n_pk > 1)
    g_string_append_printf (text, " PRIMARY KEY (%u)", column->pk);
  else if (column->pk > 0)
    g_string_append (text, " PRIMARY KEY");
  if (column->notnull)
    g_string_append (text, " NOT NULL");
  if (column->default_value != NULL)
    g_string_append_printf (text, " DEFAULT %s", column->default_value);
  if (column->collation != NULL)
    g_string_append_printf (text, " COLLATE %s", column->collation);
  if (column->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_VIRTUAL)
    g_string_append_printf (text, " [%s]", _("generated, virtual"));
  else if (column->hidden == MIGRATOR_SCHEMA_COLUMN_GENERATED_STORED)
    g_string_append_printf (text, " [%s]", _("generated, stored"));
  else if (column->hidden == MIGRATOR_SCHEMA_COLUMN_HIDDEN)
    g_string_append_printf (text, " [%s]", _("hidden"));
  g_string_append_c (text, '\n');
}

static void
table_to_text (GString             *text,
               MigratorSchemaTable *table)
{
  g_autofree char *name = migrator_sql_display_identifier (table->name);
  guint n, n_pk = 0;

  g_string_append_printf (text, _("Table %s"), name);
  if (table->strict)
    g_string_append (text, " STRICT");
  if (table->without_rowid)
    g_string_append (text, " WITHOUT ROWID");
  if (table->autoincrement)
    g_string_append (text, " AUTOINCREMENT");
  g_string_append_c (text, '\n');

  n = g_list_model_get_n_items (G_LIST_MODEL (table->columns));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaColumn) column = g_list_model_get_item (G_LIST_MODEL (table->columns), i);

      n_pk += column->pk > 0;
    }
  g_string_append_printf (text, "  %s\n", _("Columns:"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaColumn) column = g_list_model_get_item (G_LIST_MODEL (table->columns), i);

      column_to_text (text, column, n_pk);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (table->indexes));
  if (n > 0)
    g_string_append_printf (text, "  %s\n", _("Indexes:"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaIndex) index = g_list_model_get_item (G_LIST_MODEL (table->indexes), i);
      g_autofree char *index_name = migrator_sql_display_identifier (index->name);

      g_string_append_printf (text, "    %s%s (", index_name, index->unique ? " UNIQUE" : "");
      append_identifiers (text, (const char *const *) index->columns);
      g_string_append_c (text, ')');
      if (index->where != NULL)
        g_string_append_printf (text, " WHERE %s", index->where);
      g_string_append_c (text, '\n');
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (table->foreign_keys));
  if (n > 0)
    g_string_append_printf (text, "  %s\n", _("Foreign keys:"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaForeignKey) fk = g_list_model_get_item (G_LIST_MODEL (table->foreign_keys), i);
      g_autofree char *referenced = migrator_sql_display_identifier (fk->referenced_table);

      g_string_append (text, "    (");
      append_identifiers (text, (const char *const *) fk->columns);
      g_string_append_printf (text, ") → %s (", referenced);
      append_identifiers (text, (const char *const *) fk->referenced_columns);
      g_string_append_c (text, ')');
      if (g_strcmp0 (fk->on_update, "NO ACTION") != 0)
        g_string_append_printf (text, " ON UPDATE %s", fk->on_update);
      if (g_strcmp0 (fk->on_delete, "NO ACTION") != 0)
        g_string_append_printf (text, " ON DELETE %s", fk->on_delete);
      g_string_append_c (text, '\n');
    }
}

char *
migrator_schema_to_text (MigratorSchema *self)
{
  GString *text = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (MIGRATOR_IS_SCHEMA (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tables));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaTable) table = g_list_model_get_item (G_LIST_MODEL (self->tables), i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      table_to_text (text, table);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->views));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaView) view = g_list_model_get_item (G_LIST_MODEL (self->views), i);
      g_autofree char *name = migrator_sql_display_identifier (view->name);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("View %s"), name);
      g_string_append_printf (text, "\n  %s\n", view->sql);
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->triggers));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MigratorSchemaTrigger) trigger = g_list_model_get_item (G_LIST_MODEL (self->triggers), i);
      g_autofree char *name = migrator_sql_display_identifier (trigger->name);
      g_autofree char *table = migrator_sql_display_identifier (trigger->table_name);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Trigger %s on %s"), name, table);
      g_string_append_printf (text, "\n  %s\n", trigger->sql);
    }

  if (text->len == 0)
    g_string_append_printf (text, "%s\n", _("(empty schema)"));
  return g_string_free (text, FALSE);
}
