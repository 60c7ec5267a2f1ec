/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-batch"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>

#include "migrator-batch.h"
#include "migrator-error.h"
#include "migrator-sql.h"

/* Batch ALTER TABLE (SPEC §3.1): a tokenizer following SQLite's token
 * rules, the recogniser of the batch statements, a token-level model of a
 * CREATE TABLE statement that is edited in place (so everything the
 * statements do not touch survives byte for byte), and the table rebuild of
 * MIGRATION-TOOLS.md §3.5. */

#define TEMP_PREFIX    "_migrator_new_"
#define SAVEPOINT_NAME "migrator_batch"
#define MAX_EXAMPLES   5
#define MAX_VALUE_LEN  40

typedef sqlite3_stmt BatchStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatchStmt, sqlite3_finalize)

/* ------------------------------------------------------------------ */
/* Tokenizer                                                           */
/* ------------------------------------------------------------------ */

typedef enum {
  TOKEN_ID,        /* a bare identifier or keyword */
  TOKEN_QUOTED,    /* "x", [x] or `x` */
  TOKEN_STRING,    /* 'x' */
  TOKEN_NUMBER,
  TOKEN_BLOB,      /* x'0a' */
  TOKEN_VARIABLE,  /* ?1 :a @a $a */
  TOKEN_PUNCT,
  TOKEN_ILLEGAL,   /* an unterminated quote or comment-less stray text */
} TokenType;

typedef struct
{
  TokenType type;
  guint     start;  /* byte offsets into the text */
  guint     end;
} Token;

static gboolean
is_id_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_id_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || c >= 0x80;
}

static gsize
scan_quoted (const guchar *s,
             gsize         i,
             guchar        close,
             gboolean      doubled,
             gboolean     *ok)
{
  gsize j = i + 1;

  for (;;)
    {
      if (s[j] == '\0')
        {
          *ok = FALSE;
          return j;
        }
      if (s[j] == close)
        {
          if (doubled && s[j + 1] == close)
            {
              j += 2;
              continue;
            }
          *ok = TRUE;
          return j + 1;
        }
      j++;
    }
}

static gsize
scan_number (const guchar *s,
             gsize         i)
{
  gsize j = i;

  if (s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X') && g_ascii_isxdigit (s[j + 2]))
    {
      j += 2;
      while (g_ascii_isxdigit (s[j]))
        j++;
      return j;
    }

  while (g_ascii_isdigit (s[j]))
    j++;
  if (s[j] == '.')
    {
      j++;
      while (g_ascii_isdigit (s[j]))
        j++;
    }
  if ((s[j] == 'e' || s[j] == 'E') &&
      (g_ascii_isdigit (s[j + 1]) ||
       ((s[j + 1] == '+' || s[j + 1] == '-') && g_ascii_isdigit (s[j + 2]))))
    {
      j += 2;
      while (g_ascii_isdigit (s[j]))
        j++;
    }
  /* SQLite rejects "12abc"; keep it one (illegal-looking) token. */
  while (is_id_char (s[j]))
    j++;
  return j;
}

static gsize
scan_punct (const guchar *s,
            gsize         i)
{
  static const char *const multi[] = { "->>", "||", "<=", ">=", "==", "!=", "<>", "<<", ">>", "->", NULL };

  for (guint k = 0; multi[k] != NULL; k++)
    if (strncmp ((const char *) s + i, multi[k], strlen (multi[k])) == 0)
      return i + strlen (multi[k]);
  return i + 1;
}

/* The significant tokens of @sql: whitespace and comments are skipped (an
 * unterminated block comment runs to the end, as in SQLite). */
static GArray *
tokenize (const char *sql)
{
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  const guchar *s = (const guchar *) sql;
  gsize i = 0;

  while (s[i] != '\0')
    {
      Token token = { TOKEN_PUNCT, i, i + 1 };
      guchar c = s[i];
      gboolean ok = TRUE;
      gsize end;

      if (g_ascii_isspace (c))
        {
          i++;
          continue;
        }
      if (c == '-' && s[i + 1] == '-')
        {
          while (s[i] != '\0' && s[i] != '\n')
            i++;
          continue;
        }
      if (c == '/' && s[i + 1] == '*')
        {
          i += 2;
          while (s[i] != '\0' && !(s[i] == '*' && s[i + 1] == '/'))
            i++;
          if (s[i] != '\0')
            i += 2;
          continue;
        }

      if ((c == 'x' || c == 'X') && s[i + 1] == '\'')
        {
          end = scan_quoted (s, i + 1, '\'', FALSE, &ok);
          token.type = TOKEN_BLOB;
        }
      else if (is_id_start (c))
        {
          end = i + 1;
          while (is_id_char (s[end]))
            end++;
          token.type = TOKEN_ID;
        }
      else if (c == '"' || c == '`')
        {
          end = scan_quoted (s, i, c, TRUE, &ok);
          token.type = TOKEN_QUOTED;
        }
      else if (c == '\'')
        {
          end = scan_quoted (s, i, c, TRUE, &ok);
          token.type = TOKEN_STRING;
        }
      else if (c == '[')
        {
          end = scan_quoted (s, i, ']', FALSE, &ok);
          token.type = TOKEN_QUOTED;
        }
      else if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit (s[i + 1])))
        {
          end = scan_number (s, i);
          token.type = TOKEN_NUMBER;
        }
      else if (c == '?')
        {
          end = i + 1;
          while (g_ascii_isdigit (s[end]))
            end++;
          token.type = TOKEN_VARIABLE;
        }
      else if ((c == ':' || c == '@' || c == '$' || c == '#') && is_id_char (s[i + 1]))
        {
          end = i + 1;
          while (is_id_char (s[end]) || (s[end] == ':' && s[end + 1] == ':'))
            end += s[end] == ':' ? 2 : 1;
          token.type = TOKEN_VARIABLE;
        }
      else
        {
          end = scan_punct (s, i);
        }

      if (!ok)
        token.type = TOKEN_ILLEGAL;
      token.end = end;
      g_array_append_val (tokens, token);
      i = end;
    }

  return tokens;
}

/* The name a quoted or bare identifier (or a 'string' used as one, which
 * SQLite accepts) stands for. */
static char *
dequote (const char *text,
         gsize       len)
{
  GString *out;
  char quote;

  if (len < 2 || !strchr ("\"'`[", text[0]))
    return g_strndup (text, len);

  quote = text[0] == '[' ? ']' : text[0];
  out = g_string_sized_new (len);
  for (gsize i = 1; i + 1 < len; i++)
    {
      g_string_append_c (out, text[i]);
      if (quote != ']' && text[i] == quote && text[i + 1] == quote)
        i++;
    }
  return g_string_free (out, FALSE);
}

static gboolean
names_equal (const char *a,
             const char *b)
{
  /* SQLite folds identifiers for ASCII letters only. */
  return g_ascii_strcasecmp (a, b) == 0;
}

static char *
quote_id (const char *name)
{
  return migrator_sql_quote_identifier (name);
}

static char *
quote_literal (const char *text)
{
  g_autofree char *escaped = NULL;
  g_auto(GStrv) parts = g_strsplit (text, "'", -1);

  escaped = g_strjoinv ("''", parts);
  return g_strdup_printf ("'%s'", escaped);
}

/* ------------------------------------------------------------------ */
/* Token access shared by the recogniser and the CREATE TABLE model    */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *sql;
  GArray     *tokens;
} Text;

static const Token *
text_token (const Text *t,
            guint       i)
{
  return i < t->tokens->len ? &g_array_index (t->tokens, Token, i) : NULL;
}

static gboolean
text_is_keyword (const Text *t,
                 guint       i,
                 const char *keyword)
{
  const Token *token = text_token (t, i);
  gsize len = strlen (keyword);

  return token != NULL && token->type == TOKEN_ID && token->end - token->start == len &&
         g_ascii_strncasecmp (t->sql + token->start, keyword, len) == 0;
}

static gboolean
text_is_punct (const Text *t,
               guint       i,
               const char *punct)
{
  const Token *token = text_token (t, i);
  gsize len = strlen (punct);

  return token != NULL && token->type == TOKEN_PUNCT && token->end - token->start == len &&
         strncmp (t->sql + token->start, punct, len) == 0;
}

static gboolean
text_is_name (const Text *t,
              guint       i)
{
  const Token *token = text_token (t, i);

  return token != NULL &&
         (token->type == TOKEN_ID || token->type == TOKEN_QUOTED || token->type == TOKEN_STRING);
}

static char *
text_name (const Text *t,
           guint       i)
{
  const Token *token = text_token (t, i);

  return dequote (t->sql + token->start, token->end - token->start);
}

static char *
text_raw (const Text *t,
          guint       first,
          guint       last)
{
  const Token *a = text_token (t, first);
  const Token *b = text_token (t, last);

  return g_strndup (t->sql + a->start, b->end - a->start);
}

/* The index of the ')' matching the '(' at @open, or G_MAXUINT. */
static guint
text_match_paren (const Text *t,
                  guint       open)
{
  int depth = 0;

  for (guint i = open; i < t->tokens->len; i++)
    {
      if (text_is_punct (t, i, "("))
        depth++;
      else if (text_is_punct (t, i, ")") && --depth == 0)
        return i;
    }
  return G_MAXUINT;
}

/* How a token is shown in an error message. */
static char *
text_describe (const Text *t,
               guint       i)
{
  const Token *token = text_token (t, i);
  g_autofree char *raw = NULL;

  if (token == NULL)
    return g_strdup (_("the end of the statement"));
  raw = g_strndup (t->sql + token->start, MIN (token->end - token->start, 40));
  return g_strdup_printf ("“%s”", raw);
}

/* TRUE when a column-name token equal to @name occurs in [@first, @last]
 * as a column reference (not a function name, not a string literal). */
static gboolean
text_mentions (const Text *t,
               guint       first,
               guint       last,
               const char *name)
{
  for (guint i = first; i <= last && i < t->tokens->len; i++)
    {
      const Token *token = text_token (t, i);
      g_autofree char *value = NULL;

      if (token->type != TOKEN_ID && token->type != TOKEN_QUOTED)
        continue;
      if (text_is_punct (t, i + 1, "("))
        continue;
      value = text_name (t, i);
      if (names_equal (value, name))
        return TRUE;
    }
  return FALSE;
}

static gboolean
sql_mentions (const char *sql,
              const char *name)
{
  g_autoptr(GArray) tokens = tokenize (sql);
  Text t = { sql, tokens };

  return tokens->len > 0 && text_mentions (&t, 0, tokens->len - 1, name);
}

/* ------------------------------------------------------------------ */
/* Recogniser                                                          */
/* ------------------------------------------------------------------ */

void
migrator_batch_op_free (MigratorBatchOp *op)
{
  if (op == NULL)
    return;

  g_free (op->table);
  g_free (op->column);
  g_free (op->constraint);
  g_free (op->text);
  g_strfreev (op->columns);
  g_free (op->ref_table);
  g_strfreev (op->ref_columns);
  g_free (op->ref_actions);
  g_free (op);
}

typedef struct
{
  Text   t;
  guint  pos;
  guint  end;      /* tokens->len, or the index of a final ';' */
  char  *context;  /* "ALTER TABLE "t"" for messages */
} Cursor;

static gboolean
cur_keyword (Cursor     *c,
             const char *keyword)
{
  if (c->pos < c->end && text_is_keyword (&c->t, c->pos, keyword))
    {
      c->pos++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
cur_punct (Cursor     *c,
           const char *punct)
{
  if (c->pos < c->end && text_is_punct (&c->t, c->pos, punct))
    {
      c->pos++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
cur_at_end (Cursor *c)
{
  return c->pos >= c->end;
}

static gboolean G_GNUC_PRINTF (3, 4)
cur_error (Cursor      *c,
           GError     **error,
           const char  *format,
           ...)
{
  g_autofree char *message = NULL;
  g_autofree char *found = text_describe (&c->t, c->pos < c->end ? c->pos : G_MAXUINT);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               _("%s: %s, found %s"), c->context, message, found);
  return FALSE;
}

static char *
cur_name (Cursor *c)
{
  char *name;

  if (c->pos >= c->end || !text_is_name (&c->t, c->pos))
    return NULL;
  name = text_name (&c->t, c->pos);
  c->pos++;
  return name;
}

/* Reads "( expr )" and returns the text between the parentheses. */
static char *
cur_group (Cursor     *c,
           const char *what,
           GError    **error)
{
  guint close;
  char *inner;

  if (c->pos >= c->end || !text_is_punct (&c->t, c->pos, "("))
    {
      cur_error (c, error, _("expected “(” after %s"), what);
      return NULL;
    }
  close = text_match_paren (&c->t, c->pos);
  if (close == G_MAXUINT || close >= c->end)
    {
      cur_error (c, error, _("unbalanced parentheses in %s"), what);
      return NULL;
    }
  if (close == c->pos + 1)
    {
      c->pos++;
      cur_error (c, error, _("%s is empty"), what);
      return NULL;
    }
  inner = text_raw (&c->t, c->pos + 1, close - 1);
  c->pos = close + 1;
  return inner;
}

/* Reads "( name, name … )". */
static char **
cur_name_list (Cursor     *c,
               const char *what,
               GError    **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!cur_punct (c, "("))
    {
      cur_error (c, error, _("expected “(” and the columns of %s"), what);
      return NULL;
    }
  do
    {
      char *name = cur_name (c);

      if (name == NULL)
        {
          cur_error (c, error, _("expected a column name in %s"), what);
          return NULL;
        }
      g_ptr_array_add (names, name);
    }
  while (cur_punct (c, ","));

  if (!cur_punct (c, ")"))
    {
      cur_error (c, error, _("expected “,” or “)” in the columns of %s"), what);
      return NULL;
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* The text of tokens [pos, end) as written, or NULL when empty. */
static char *
cur_rest (Cursor *c)
{
  char *rest;

  if (c->pos >= c->end)
    return NULL;
  rest = text_raw (&c->t, c->pos, c->end - 1);
  c->pos = c->end;
  return rest;
}

/* A type name: identifiers, then optionally "(n)" or "(n, m)". */
static char *
cur_type (Cursor  *c,
          GError **error)
{
  guint first = c->pos;

  while (c->pos < c->end && (text_is_keyword (&c->t, c->pos, "COLLATE") == FALSE) &&
         text_is_name (&c->t, c->pos))
    c->pos++;

  if (c->pos == first)
    {
      cur_error (c, error, _("expected a type name"));
      return NULL;
    }

  if (cur_punct (c, "("))
    {
      for (guint n = 0;; n++)
        {
          if (!cur_punct (c, "+"))
            cur_punct (c, "-");
          if (c->pos >= c->end || text_token (&c->t, c->pos)->type != TOKEN_NUMBER)
            {
              cur_error (c, error, _("expected a number in the size of the type"));
              return NULL;
            }
          c->pos++;
          if (n == 0 && cur_punct (c, ","))
            continue;
          break;
        }
      if (!cur_punct (c, ")"))
        {
          cur_error (c, error, _("expected “)” after the size of the type"));
          return NULL;
        }
    }

  return text_raw (&c->t, first, c->pos - 1);
}

/* What follows SET DEFAULT, made valid after DEFAULT in a column
 * definition: a literal, a signed number or a parenthesised expression
 * stay as written, anything else is put in parentheses. */
static char *
cur_default (Cursor  *c,
             GError **error)
{
  guint first = c->pos;
  guint n = c->end - c->pos;
  g_autofree char *text = NULL;
  const Token *token;

  if (n == 0)
    {
      cur_error (c, error, _("expected a value after SET DEFAULT"));
      return NULL;
    }

  for (guint i = first; i < c->end; i++)
    if (text_token (&c->t, i)->type == TOKEN_ILLEGAL)
      {
        c->pos = i;
        cur_error (c, error, _("unterminated quote in the default"));
        return NULL;
      }

  text = cur_rest (c);
  token = text_token (&c->t, first);

  if (n == 1 &&
      (token->type == TOKEN_NUMBER || token->type == TOKEN_STRING || token->type == TOKEN_BLOB ||
       text_is_keyword (&c->t, first, "NULL") || text_is_keyword (&c->t, first, "TRUE") ||
       text_is_keyword (&c->t, first, "FALSE") || text_is_keyword (&c->t, first, "CURRENT_TIME") ||
       text_is_keyword (&c->t, first, "CURRENT_DATE") ||
       text_is_keyword (&c->t, first, "CURRENT_TIMESTAMP")))
    return g_steal_pointer (&text);

  if (n == 2 && (text_is_punct (&c->t, first, "-") || text_is_punct (&c->t, first, "+")) &&
      text_token (&c->t, first + 1)->type == TOKEN_NUMBER)
    return g_steal_pointer (&text);

  if (text_is_punct (&c->t, first, "("))
    {
      guint close = text_match_paren (&c->t, first);

      if (close == G_MAXUINT || close >= c->end)
        {
          c->pos = first;
          cur_error (c, error, _("unbalanced parentheses in the default"));
          return NULL;
        }
      if (close == c->end - 1)
        return g_steal_pointer (&text);
    }

  {
    int depth = 0;

    for (guint i = first; i < c->end; i++)
      {
        if (text_is_punct (&c->t, i, "("))
          depth++;
        else if (text_is_punct (&c->t, i, ")") && --depth < 0)
          break;
      }
    if (depth != 0)
      {
        c->pos = first;
        cur_error (c, error, _("unbalanced parentheses in the default"));
        return NULL;
      }
  }

  return g_strdup_printf ("(%s)", text);
}

static gboolean
parse_alter_column (Cursor          *c,
                    MigratorBatchOp *op,
                    GError         **error)
{
  /* COLUMN is optional; a column may itself be called "column". */
  if (text_is_keyword (&c->t, c->pos, "COLUMN") && c->pos + 1 < c->end &&
      text_is_name (&c->t, c->pos + 1) &&
      !text_is_keyword (&c->t, c->pos + 1, "TYPE") && !text_is_keyword (&c->t, c->pos + 1, "SET") &&
      !text_is_keyword (&c->t, c->pos + 1, "DROP"))
    c->pos++;

  op->column = cur_name (c);
  if (op->column == NULL)
    return cur_error (c, error, _("expected a column name after ALTER COLUMN"));

  if (cur_keyword (c, "TYPE"))
    {
      op->kind = MIGRATOR_BATCH_ALTER_TYPE;
      op->text = cur_type (c, error);
      return op->text != NULL;
    }

  if (cur_keyword (c, "SET"))
    {
      if (cur_keyword (c, "DATA"))
        {
          if (!cur_keyword (c, "TYPE"))
            return cur_error (c, error, _("expected TYPE after SET DATA"));
          op->kind = MIGRATOR_BATCH_ALTER_TYPE;
          op->text = cur_type (c, error);
          return op->text != NULL;
        }
      if (cur_keyword (c, "NOT"))
        {
          if (!cur_keyword (c, "NULL"))
            return cur_error (c, error, _("expected NULL after SET NOT"));
          op->kind = MIGRATOR_BATCH_SET_NOT_NULL;
          return TRUE;
        }
      if (cur_keyword (c, "DEFAULT"))
        {
          op->kind = MIGRATOR_BATCH_SET_DEFAULT;
          op->text = cur_default (c, error);
          return op->text != NULL;
        }
      return cur_error (c, error, _("expected DATA TYPE, NOT NULL or DEFAULT after SET"));
    }

  if (cur_keyword (c, "DROP"))
    {
      if (cur_keyword (c, "NOT"))
        {
          if (!cur_keyword (c, "NULL"))
            return cur_error (c, error, _("expected NULL after DROP NOT"));
          op->kind = MIGRATOR_BATCH_DROP_NOT_NULL;
          return TRUE;
        }
      if (cur_keyword (c, "DEFAULT"))
        {
          op->kind = MIGRATOR_BATCH_DROP_DEFAULT;
          return TRUE;
        }
      return cur_error (c, error, _("expected NOT NULL or DEFAULT after DROP"));
    }

  return cur_error (c, error,
                    _("expected TYPE, SET DATA TYPE, SET NOT NULL, DROP NOT NULL, SET DEFAULT or DROP DEFAULT after the column name"));
}

static gboolean
parse_foreign_key (Cursor          *c,
                   MigratorBatchOp *op,
                   GError         **error)
{
  op->kind = MIGRATOR_BATCH_ADD_FOREIGN_KEY;
  if (!cur_keyword (c, "KEY"))
    return cur_error (c, error, _("expected KEY after FOREIGN"));
  op->columns = cur_name_list (c, _("the foreign key"), error);
  if (op->columns == NULL)
    return FALSE;
  if (!cur_keyword (c, "REFERENCES"))
    return cur_error (c, error, _("expected REFERENCES after the columns of the foreign key"));
  op->ref_table = cur_name (c);
  if (op->ref_table == NULL)
    return cur_error (c, error, _("expected the referenced table after REFERENCES"));

  if (text_is_punct (&c->t, c->pos, "(") && c->pos < c->end)
    {
      op->ref_columns = cur_name_list (c, _("the referenced table"), error);
      if (op->ref_columns == NULL)
        return FALSE;
      if (g_strv_length (op->ref_columns) != g_strv_length (op->columns))
        return cur_error (c, error, _("the foreign key has %u columns but references %u"),
                          g_strv_length (op->columns), g_strv_length (op->ref_columns));
    }
  else
    {
      op->ref_columns = g_new0 (char *, 1);
    }

  /* The actions are kept as written; SQLite checks them when the new
   * table is created. They must start like one. */
  if (!cur_at_end (c) && !text_is_keyword (&c->t, c->pos, "ON") &&
      !text_is_keyword (&c->t, c->pos, "MATCH") && !text_is_keyword (&c->t, c->pos, "NOT") &&
      !text_is_keyword (&c->t, c->pos, "DEFERRABLE"))
    return cur_error (c, error, _("expected ON DELETE, ON UPDATE, MATCH or DEFERRABLE after the referenced table"));
  op->ref_actions = cur_rest (c);
  return TRUE;
}

static gboolean
parse_add_constraint (Cursor          *c,
                      MigratorBatchOp *op,
                      GError         **error)
{
  op->constraint = cur_name (c);
  if (op->constraint == NULL)
    return cur_error (c, error, _("expected the constraint name after ADD CONSTRAINT"));

  if (cur_keyword (c, "FOREIGN"))
    return parse_foreign_key (c, op, error);

  if (cur_keyword (c, "UNIQUE"))
    {
      op->kind = MIGRATOR_BATCH_ADD_UNIQUE;
      op->columns = cur_name_list (c, _("the unique constraint"), error);
      return op->columns != NULL;
    }

  if (cur_keyword (c, "CHECK"))
    {
      op->kind = MIGRATOR_BATCH_ADD_CHECK;
      op->text = cur_group (c, _("the check constraint"), error);
      return op->text != NULL;
    }

  if (text_is_keyword (&c->t, c->pos, "PRIMARY"))
    return cur_error (c, error, _("adding a PRIMARY KEY is not supported (create a new table instead)"));

  return cur_error (c, error, _("expected FOREIGN KEY, UNIQUE or CHECK after the constraint name"));
}

gboolean
migrator_batch_parse (const char       *sql,
                      MigratorBatchOp **out_op,
                      GError          **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(MigratorBatchOp) op = NULL;
  g_autofree char *context = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *quoted = NULL;
  Cursor c = { { sql, NULL }, 0, 0, NULL };
  gboolean ok;

  g_return_val_if_fail (sql != NULL, FALSE);
  g_return_val_if_fail (out_op != NULL, FALSE);

  *out_op = NULL;
  tokens = tokenize (sql);
  c.t.tokens = tokens;
  c.end = tokens->len;
  if (c.end > 0 && text_is_punct (&c.t, c.end - 1, ";"))
    c.end--;

  if (!cur_keyword (&c, "ALTER") || !cur_keyword (&c, "TABLE"))
    return TRUE;

  op = g_new0 (MigratorBatchOp, 1);
  op->table = cur_name (&c);
  if (op->table == NULL)
    return TRUE;  /* not ours: SQLite reports the syntax error */
  if (cur_punct (&c, "."))
    {
      schema = g_steal_pointer (&op->table);
      op->table = cur_name (&c);
      if (op->table == NULL)
        return TRUE;
    }

  /* Which forms are ours is decided by the keywords after the table name. */
  if (text_is_keyword (&c.t, c.pos, "ALTER") ||
      (text_is_keyword (&c.t, c.pos, "ADD") &&
       (text_is_keyword (&c.t, c.pos + 1, "CONSTRAINT") || text_is_keyword (&c.t, c.pos + 1, "UNIQUE") ||
        text_is_keyword (&c.t, c.pos + 1, "CHECK") || text_is_keyword (&c.t, c.pos + 1, "FOREIGN") ||
        text_is_keyword (&c.t, c.pos + 1, "PRIMARY"))) ||
      text_is_keyword (&c.t, c.pos, "DROP"))
    ;
  else
    return TRUE;

  quoted = quote_id (op->table);
  context = g_strdup_printf ("ALTER TABLE %s", quoted);
  c.context = context;

  if (schema != NULL && !names_equal (schema, "main"))
    {
      c.pos -= 2;
      return cur_error (&c, error, _("batch statements only work on tables of the main schema"));
    }

  for (guint i = 0; i < tokens->len; i++)
    if (g_array_index (tokens, Token, i).type == TOKEN_ILLEGAL)
      {
        c.pos = i;
        return cur_error (&c, error, _("unterminated quote"));
      }

  if (cur_keyword (&c, "ALTER"))
    ok = parse_alter_column (&c, op, error);
  else if (cur_keyword (&c, "ADD"))
    {
      if (!cur_keyword (&c, "CONSTRAINT"))
        return cur_error (&c, error, _("a constraint needs a name: ADD CONSTRAINT name …"));
      ok = parse_add_constraint (&c, op, error);
    }
  else
    {
      cur_keyword (&c, "DROP");
      if (cur_keyword (&c, "CONSTRAINT"))
        {
          op->kind = MIGRATOR_BATCH_DROP_CONSTRAINT;
          op->constraint = cur_name (&c);
          ok = op->constraint != NULL ||
               cur_error (&c, error, _("expected the constraint name after DROP CONSTRAINT"));
        }
      else
        {
          if (text_is_keyword (&c.t, c.pos, "COLUMN") && c.pos + 1 < c.end)
            c.pos++;
          op->kind = MIGRATOR_BATCH_DROP_COLUMN;
          op->column = cur_name (&c);
          ok = op->column != NULL ||
               cur_error (&c, error, _("expected a column name after DROP COLUMN"));
        }
    }

  if (!ok)
    return FALSE;
  if (!cur_at_end (&c))
    return cur_error (&c, error, _("unexpected text at the end of the statement"));

  *out_op = g_steal_pointer (&op);
  return TRUE;
}

char *
migrator_batch_temp_name (const char *table)
{
  g_return_val_if_fail (table != NULL, NULL);

  return g_strconcat (TEMP_PREFIX, table, NULL);
}

/* ------------------------------------------------------------------ */
/* The CREATE TABLE model                                              */
/* ------------------------------------------------------------------ */

typedef enum {
  CC_PRIMARY,
  CC_NOT_NULL,
  CC_NULL,
  CC_UNIQUE,
  CC_CHECK,
  CC_DEFAULT,
  CC_COLLATE,
  CC_REFERENCES,
  CC_GENERATED,
} ColumnConstraintKind;

/* A column constraint: tokens [first, last]; first is CONSTRAINT when it
 * is named, keyword the token that says what it is. */
typedef struct
{
  ColumnConstraintKind  kind;
  char                 *name;
  guint                 first;
  guint                 keyword;
  guint                 last;
  gboolean              autoincrement;
  gboolean              removed;
  char                 *replacement;  /* replaces [keyword, last] */
} ColumnConstraint;

typedef struct
{
  char      *name;
  guint      name_token;
  guint      n_type;       /* type tokens follow the name */
  guint      last;         /* last token of the definition */
  GPtrArray *constraints;  /* (element-type ColumnConstraint) */
  gboolean   generated;

  /* The edits of the batch statements. */
  gboolean   dropped;
  char      *new_type;
  gboolean   add_not_null;
  char      *add_default;
} Column;

typedef enum {
  TC_PRIMARY,
  TC_UNIQUE,
  TC_CHECK,
  TC_FOREIGN,
} TableConstraintKind;

typedef struct
{
  TableConstraintKind  kind;
  char                *name;
  char               **columns;  /* PRIMARY, UNIQUE, FOREIGN: the columns listed */
  guint                first;    /* tokens of an original constraint */
  guint                last;
  char                *text;     /* an added constraint: its SQL */
  gboolean             removed;
} TableConstraint;

/* One comma-separated part between the parentheses: a column or a table
 * constraint. @lead is the byte just after the '(' or ',' before it,
 * @trail the byte of the ',' or ')' after it. */
typedef struct
{
  guint            first;
  guint            last;
  guint            lead;
  guint            trail;
  Column          *column;
  TableConstraint *constraint;
} Item;

typedef struct
{
  char      *name;          /* as in sqlite_schema */
  Text       t;             /* the original CREATE TABLE text */
  guint      name_first;    /* tokens of [schema .] name */
  guint      name_last;
  guint      close;         /* the ')' ending the definitions */
  GArray    *items;         /* (element-type Item) */
  GPtrArray *columns;       /* (element-type Column) */
  GPtrArray *constraints;   /* (element-type TableConstraint), added ones last */
  gboolean   without_rowid;
} TableModel;

static void
column_constraint_free (ColumnConstraint *cc)
{
  g_free (cc->name);
  g_free (cc->replacement);
  g_free (cc);
}

static void
column_free (Column *column)
{
  g_free (column->name);
  g_ptr_array_unref (column->constraints);
  g_free (column->new_type);
  g_free (column->add_default);
  g_free (column);
}

static void
table_constraint_free (TableConstraint *tc)
{
  g_free (tc->name);
  g_strfreev (tc->columns);
  g_free (tc->text);
  g_free (tc);
}

static void
table_model_free (TableModel *m)
{
  if (m == NULL)
    return;
  g_free (m->name);
  g_free ((char *) m->t.sql);
  g_clear_pointer (&m->t.tokens, g_array_unref);
  g_clear_pointer (&m->items, g_array_unref);
  g_clear_pointer (&m->columns, g_ptr_array_unref);
  g_clear_pointer (&m->constraints, g_ptr_array_unref);
  g_free (m);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TableModel, table_model_free)

static gboolean G_GNUC_PRINTF (4, 5)
model_error (TableModel  *m,
             guint        at,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *near = text_describe (&m->t, at);
  g_autofree char *quoted = quote_id (m->name);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               _("Cannot read the CREATE TABLE statement of %s: %s near %s"),
               quoted, message, near);
  return FALSE;
}

static gboolean
model_kw (TableModel *m,
          guint       i,
          guint       end,
          const char *keyword)
{
  return i < end && text_is_keyword (&m->t, i, keyword);
}

/* Skips "ON CONFLICT x". */
static guint
skip_conflict (TableModel *m,
               guint       i,
               guint       end)
{
  if (model_kw (m, i, end, "ON") && model_kw (m, i + 1, end, "CONFLICT"))
    return i + 3;
  return i;
}

/* The index after "( … )" at @i, or G_MAXUINT when @i is no '(' or the
 * group does not end before @end. */
static guint
skip_group (TableModel *m,
            guint       i,
            guint       end)
{
  guint close;

  if (i >= end || !text_is_punct (&m->t, i, "("))
    return G_MAXUINT;
  close = text_match_paren (&m->t, i);
  return close < end ? close + 1 : G_MAXUINT;
}

/* Skips the part of a foreign-key clause after the parent table. */
static guint
skip_fk_actions (TableModel *m,
                 guint       i,
                 guint       end)
{
  for (;;)
    {
      if (model_kw (m, i, end, "ON"))
        {
          i += 2;  /* ON DELETE | ON UPDATE */
          if (model_kw (m, i, end, "SET") || model_kw (m, i, end, "NO"))
            i += 2;
          else
            i += 1;
        }
      else if (model_kw (m, i, end, "MATCH"))
        i += 2;
      else if (model_kw (m, i, end, "NOT") && model_kw (m, i + 1, end, "DEFERRABLE"))
        i += 2;
      else if (model_kw (m, i, end, "DEFERRABLE"))
        i += 1;
      else if (model_kw (m, i, end, "INITIALLY"))
        i += 2;
      else
        return i;
    }
}

/* Parses the constraints of @column in tokens [@i, @end). */
static gboolean
parse_column_constraints (TableModel *m,
                          Column     *column,
                          guint       i,
                          guint       end,
                          GError    **error)
{
  while (i < end)
    {
      ColumnConstraint *cc = g_new0 (ColumnConstraint, 1);

      g_ptr_array_add (column->constraints, cc);
      cc->first = i;
      if (model_kw (m, i, end, "CONSTRAINT"))
        {
          if (i + 1 >= end || !text_is_name (&m->t, i + 1))
            return model_error (m, i + 1, error, _("expected a constraint name"));
          cc->name = text_name (&m->t, i + 1);
          i += 2;
        }
      cc->keyword = i;

      if (model_kw (m, i, end, "PRIMARY") && model_kw (m, i + 1, end, "KEY"))
        {
          cc->kind = CC_PRIMARY;
          i += 2;
          if (model_kw (m, i, end, "ASC") || model_kw (m, i, end, "DESC"))
            i++;
          i = skip_conflict (m, i, end);
          if (model_kw (m, i, end, "AUTOINCREMENT"))
            {
              cc->autoincrement = TRUE;
              i++;
            }
        }
      else if (model_kw (m, i, end, "NOT") && model_kw (m, i + 1, end, "NULL"))
        {
          cc->kind = CC_NOT_NULL;
          i = skip_conflict (m, i + 2, end);
        }
      else if (model_kw (m, i, end, "NULL"))
        {
          cc->kind = CC_NULL;
          i = skip_conflict (m, i + 1, end);
        }
      else if (model_kw (m, i, end, "UNIQUE"))
        {
          cc->kind = CC_UNIQUE;
          i = skip_conflict (m, i + 1, end);
        }
      else if (model_kw (m, i, end, "CHECK"))
        {
          cc->kind = CC_CHECK;
          i = skip_group (m, i + 1, end);
        }
      else if (model_kw (m, i, end, "DEFAULT"))
        {
          cc->kind = CC_DEFAULT;
          i++;
          if (i < end && text_is_punct (&m->t, i, "("))
            i = skip_group (m, i, end);
          else if (i < end && (text_is_punct (&m->t, i, "-") || text_is_punct (&m->t, i, "+")))
            i += 2;
          else
            i += 1;
        }
      else if (model_kw (m, i, end, "COLLATE"))
        {
          cc->kind = CC_COLLATE;
          i += 2;
        }
      else if (model_kw (m, i, end, "REFERENCES"))
        {
          cc->kind = CC_REFERENCES;
          i += 2;
          if (i < end && text_is_punct (&m->t, i, "("))
            i = skip_group (m, i, end);
          if (i != G_MAXUINT)
            i = skip_fk_actions (m, i, end);
        }
      else if (model_kw (m, i, end, "GENERATED") || model_kw (m, i, end, "AS"))
        {
          cc->kind = CC_GENERATED;
          column->generated = TRUE;
          if (model_kw (m, i, end, "GENERATED"))
            {
              if (!model_kw (m, i + 1, end, "ALWAYS") || !model_kw (m, i + 2, end, "AS"))
                return model_error (m, i, error, _("expected GENERATED ALWAYS AS"));
              i += 2;
            }
          i = skip_group (m, i + 1, end);
          if (i != G_MAXUINT && (model_kw (m, i, end, "STORED") || model_kw (m, i, end, "VIRTUAL")))
            i++;
        }
      else
        {
          g_autofree char *quoted = quote_id (column->name);

          return model_error (m, i, error, _("unexpected text in the definition of column %s"), quoted);
        }

      if (i == G_MAXUINT || i > end)
        return model_error (m, cc->keyword, error, _("unbalanced or incomplete constraint"));
      cc->last = i - 1;
    }

  return TRUE;
}

static gboolean
is_constraint_start (TableModel *m,
                     guint       i,
                     guint       end)
{
  static const char *const keywords[] = {
    "CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
    "COLLATE", "REFERENCES", "GENERATED", "AS", NULL
  };

  for (guint k = 0; keywords[k] != NULL; k++)
    if (model_kw (m, i, end, keywords[k]))
      return TRUE;
  return FALSE;
}

static Column *
parse_column (TableModel *m,
              Item       *item,
              GError    **error)
{
  Column *column = g_new0 (Column, 1);
  guint end = item->last + 1;
  guint i = item->first;

  column->constraints = g_ptr_array_new_with_free_func ((GDestroyNotify) column_constraint_free);
  column->name_token = i;
  column->name = text_name (&m->t, i);
  column->last = item->last;
  i++;

  /* The type: names, then an optional "(n)" or "(n, m)". */
  while (i < end && text_is_name (&m->t, i) && !is_constraint_start (m, i, end))
    i++;
  if (i < end && text_is_punct (&m->t, i, "("))
    i = skip_group (m, i, end);
  if (i == G_MAXUINT)
    {
      model_error (m, column->name_token, error, _("unbalanced parentheses in a type"));
      column_free (column);
      return NULL;
    }
  column->n_type = i - column->name_token - 1;

  if (!parse_column_constraints (m, column, i, end, error))
    {
      column_free (column);
      return NULL;
    }
  return column;
}

/* The first name of every comma-separated element of "( … )" at @open. */
static char **
group_names (TableModel *m,
             guint       open)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint close = text_match_paren (&m->t, open);
  gboolean want = TRUE;
  int depth = 0;

  for (guint i = open + 1; i < close; i++)
    {
      if (text_is_punct (&m->t, i, "("))
        depth++;
      else if (text_is_punct (&m->t, i, ")"))
        depth--;
      else if (depth == 0 && text_is_punct (&m->t, i, ","))
        want = TRUE;
      else if (want && depth == 0 && text_is_name (&m->t, i))
        {
          g_ptr_array_add (names, text_name (&m->t, i));
          want = FALSE;
        }
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static TableConstraint *
parse_table_constraint (TableModel *m,
                        Item       *item,
                        GError    **error)
{
  TableConstraint *tc = g_new0 (TableConstraint, 1);
  guint end = item->last + 1;
  guint i = item->first;

  tc->first = item->first;
  tc->last = item->last;
  if (model_kw (m, i, end, "CONSTRAINT"))
    {
      if (i + 1 >= end || !text_is_name (&m->t, i + 1))
        {
          model_error (m, i + 1, error, _("expected a constraint name"));
          table_constraint_free (tc);
          return NULL;
        }
      tc->name = text_name (&m->t, i + 1);
      i += 2;
    }

  if (model_kw (m, i, end, "PRIMARY"))
    tc->kind = TC_PRIMARY, i += 2;
  else if (model_kw (m, i, end, "UNIQUE"))
    tc->kind = TC_UNIQUE, i += 1;
  else if (model_kw (m, i, end, "CHECK"))
    tc->kind = TC_CHECK, i += 1;
  else if (model_kw (m, i, end, "FOREIGN"))
    tc->kind = TC_FOREIGN, i += 2;
  else
    {
      model_error (m, i, error, _("unknown table constraint"));
      table_constraint_free (tc);
      return NULL;
    }

  if (i >= end || !text_is_punct (&m->t, i, "(") || skip_group (m, i, end) == G_MAXUINT)
    {
      model_error (m, i, error, _("expected “(”"));
      table_constraint_free (tc);
      return NULL;
    }
  if (tc->kind != TC_CHECK)
    tc->columns = group_names (m, i);
  return tc;
}

static gboolean
is_table_constraint (TableModel *m,
                     guint       i,
                     guint       end)
{
  return model_kw (m, i, end, "CONSTRAINT") || model_kw (m, i, end, "PRIMARY") ||
         model_kw (m, i, end, "UNIQUE") || model_kw (m, i, end, "CHECK") ||
         model_kw (m, i, end, "FOREIGN");
}

static TableModel *
table_model_parse (const char *name,
                   const char *sql,
                   GError    **error)
{
  g_autoptr(TableModel) m = g_new0 (TableModel, 1);
  guint i = 0;
  guint open;
  guint n;

  m->name = g_strdup (name);
  m->t.sql = g_strdup (sql);
  m->t.tokens = tokenize (m->t.sql);
  m->items = g_array_new (FALSE, TRUE, sizeof (Item));
  m->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
  m->constraints = g_ptr_array_new_with_free_func ((GDestroyNotify) table_constraint_free);
  n = m->t.tokens->len;

  if (!model_kw (m, i, n, "CREATE"))
    return model_error (m, i, error, _("expected CREATE")), NULL;
  i++;
  if (model_kw (m, i, n, "TEMP") || model_kw (m, i, n, "TEMPORARY"))
    i++;
  if (!model_kw (m, i, n, "TABLE"))
    return model_error (m, i, error, _("expected TABLE (virtual tables cannot be rebuilt)")), NULL;
  i++;
  if (model_kw (m, i, n, "IF") && model_kw (m, i + 1, n, "NOT") && model_kw (m, i + 2, n, "EXISTS"))
    i += 3;

  m->name_first = i;
  if (text_is_punct (&m->t, i + 1, "."))
    i += 2;
  if (!text_is_name (&m->t, i))
    return model_error (m, i, error, _("expected the table name")), NULL;
  m->name_last = i;
  open = ++i;
  if (!text_is_punct (&m->t, open, "("))
    return model_error (m, open, error, _("expected “(”")), NULL;
  m->close = text_match_paren (&m->t, open);
  if (m->close == G_MAXUINT)
    return model_error (m, open, error, _("unbalanced parentheses")), NULL;

  /* Split at the commas outside parentheses. */
  {
    guint start = open + 1;
    int depth = 0;

    for (i = open + 1; i <= m->close; i++)
      {
        if (i < m->close && text_is_punct (&m->t, i, "("))
          depth++;
        else if (i < m->close && text_is_punct (&m->t, i, ")"))
          depth--;
        else if (i == m->close || (depth == 0 && text_is_punct (&m->t, i, ",")))
          {
            Item item = { 0, };

            if (i == start)
              return model_error (m, i, error, _("empty definition")), NULL;
            item.first = start;
            item.last = i - 1;
            item.lead = text_token (&m->t, start - 1)->end;
            item.trail = text_token (&m->t, i)->start;
            g_array_append_val (m->items, item);
            start = i + 1;
          }
      }
  }

  for (i = 0; i < m->items->len; i++)
    {
      Item *item = &g_array_index (m->items, Item, i);

      if (is_table_constraint (m, item->first, item->last + 1))
        {
          item->constraint = parse_table_constraint (m, item, error);
          if (item->constraint == NULL)
            return NULL;
          g_ptr_array_add (m->constraints, item->constraint);
        }
      else
        {
          if (!text_is_name (&m->t, item->first))
            return model_error (m, item->first, error, _("expected a column name")), NULL;
          item->column = parse_column (m, item, error);
          if (item->column == NULL)
            return NULL;
          g_ptr_array_add (m->columns, item->column);
        }
    }

  for (i = m->close + 1; i < n; i++)
    if (model_kw (m, i, n, "WITHOUT"))
      m->without_rowid = TRUE;

  return g_steal_pointer (&m);
}

static Column *
model_find_column (TableModel *m,
                   const char *name)
{
  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];

      if (!column->dropped && names_equal (column->name, name))
        return column;
    }
  return NULL;
}

static ColumnConstraint *
column_find (Column               *column,
             ColumnConstraintKind  kind)
{
  for (guint i = 0; i < column->constraints->len; i++)
    {
      ColumnConstraint *cc = column->constraints->pdata[i];

      if (cc->kind == kind && !cc->removed)
        return cc;
    }
  return NULL;
}

/* The DEFAULT the new column definition will have, as SQL, or NULL. */
static char *
column_default (TableModel *m,
                Column     *column)
{
  ColumnConstraint *cc;
  g_autofree char *text = NULL;

  if (column->add_default != NULL)
    return g_strdup (column->add_default);
  cc = column_find (column, CC_DEFAULT);
  if (cc == NULL)
    return NULL;
  if (cc->replacement != NULL)
    return g_strdup (cc->replacement + strlen ("DEFAULT "));

  /* A bare word after DEFAULT is a string in SQLite ("DEFAULT abc"). */
  text = text_raw (&m->t, cc->keyword + 1, cc->last);
  if (cc->last == cc->keyword + 1 && text_token (&m->t, cc->last)->type == TOKEN_ID &&
      !model_kw (m, cc->last, cc->last + 1, "NULL") && !model_kw (m, cc->last, cc->last + 1, "TRUE") &&
      !model_kw (m, cc->last, cc->last + 1, "FALSE") && !g_str_has_prefix (text, "CURRENT_") &&
      !g_str_has_prefix (text, "current_"))
    {
      g_autofree char *word = text_name (&m->t, cc->last);

      return quote_literal (word);
    }
  return g_steal_pointer (&text);
}

static gboolean
column_is_primary_key (TableModel *m,
                       Column     *column)
{
  if (column_find (column, CC_PRIMARY) != NULL)
    return TRUE;
  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];

      if (tc->kind == TC_PRIMARY && !tc->removed && tc->columns != NULL)
        for (guint k = 0; tc->columns[k]; k++)
          if (names_equal (tc->columns[k], column->name))
            return TRUE;
    }
  return FALSE;
}

/* TRUE when the table (with the edits, when @edited) has an INTEGER
 * PRIMARY KEY column, which is an alias of the rowid. */
static gboolean
model_has_rowid_alias (TableModel *m,
                       gboolean    edited)
{
  Column *pk = NULL;
  guint n_pk = 0;

  if (m->without_rowid)
    return FALSE;

  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];

      if (edited && column->dropped)
        continue;
      if (column_is_primary_key (m, column))
        {
          pk = column;
          n_pk++;
        }
    }
  if (n_pk != 1)
    return FALSE;

  if (edited && pk->new_type != NULL)
    return g_ascii_strcasecmp (pk->new_type, "INTEGER") == 0;
  return pk->n_type == 1 && text_is_keyword (&m->t, pk->name_token + 1, "INTEGER");
}

/* ------------------------------------------------------------------ */
/* Applying the batch statements to the model                          */
/* ------------------------------------------------------------------ */

static gboolean G_GNUC_PRINTF (3, 4)
op_error (const MigratorBatchOp  *op,
          GError                **error,
          const char             *format,
          ...)
{
  g_autofree char *message = NULL;
  g_autofree char *quoted = quote_id (op->table);
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
               "ALTER TABLE %s: %s", quoted, message);
  return FALSE;
}

static char *
model_constraint_names (TableModel *m)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];

      if (tc->name != NULL && !tc->removed)
        {
          g_autofree char *quoted = quote_id (tc->name);

          g_string_append_printf (names, "%s%s", names->len ? ", " : "", quoted);
        }
    }
  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];

      for (guint k = 0; !column->dropped && k < column->constraints->len; k++)
        {
          ColumnConstraint *cc = column->constraints->pdata[k];

          if (cc->name != NULL && !cc->removed)
            {
              g_autofree char *quoted = quote_id (cc->name);

              g_string_append_printf (names, "%s%s", names->len ? ", " : "", quoted);
            }
        }
    }
  return names->len ? g_string_free (g_steal_pointer (&names), FALSE) : g_strdup (_("none"));
}

static TableConstraint *
model_find_table_constraint (TableModel *m,
                             const char *name)
{
  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];

      if (!tc->removed && tc->name != NULL && names_equal (tc->name, name))
        return tc;
    }
  return NULL;
}

static ColumnConstraint *
model_find_column_constraint (TableModel *m,
                              const char *name)
{
  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];

      for (guint k = 0; !column->dropped && k < column->constraints->len; k++)
        {
          ColumnConstraint *cc = column->constraints->pdata[k];

          if (!cc->removed && cc->name != NULL && names_equal (cc->name, name))
            return cc;
        }
    }
  return NULL;
}

static char *
join_quoted (char **names)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *quoted = quote_id (names[i]);

      g_string_append_printf (out, "%s%s", i ? ", " : "", quoted);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
check_columns_exist (TableModel            *m,
                     const MigratorBatchOp *op,
                     char                 **columns,
                     GError               **error)
{
  for (guint i = 0; columns[i] != NULL; i++)
    if (model_find_column (m, columns[i]) == NULL)
      {
        g_autofree char *quoted = quote_id (columns[i]);

        return op_error (op, error, _("no such column: %s"), quoted);
      }
  return TRUE;
}

static gboolean
apply_add_constraint (TableModel            *m,
                      const MigratorBatchOp *op,
                      GError               **error)
{
  g_autofree char *name = quote_id (op->constraint);
  g_autofree char *cols = NULL;
  TableConstraint *tc;

  if (model_find_table_constraint (m, op->constraint) != NULL ||
      model_find_column_constraint (m, op->constraint) != NULL)
    return op_error (op, error, _("a constraint named %s already exists"), name);

  tc = g_new0 (TableConstraint, 1);
  tc->name = g_strdup (op->constraint);
  tc->first = tc->last = G_MAXUINT;

  switch (op->kind)
    {
    case MIGRATOR_BATCH_ADD_UNIQUE:
      tc->kind = TC_UNIQUE;
      tc->columns = g_strdupv (op->columns);
      cols = join_quoted (op->columns);
      tc->text = g_strdup_printf ("CONSTRAINT %s UNIQUE (%s)", name, cols);
      break;

    case MIGRATOR_BATCH_ADD_CHECK:
      tc->kind = TC_CHECK;
      tc->text = g_strdup_printf ("CONSTRAINT %s CHECK (%s)", name, op->text);
      break;

    case MIGRATOR_BATCH_ADD_FOREIGN_KEY:
      {
        g_autofree char *parent = quote_id (op->ref_table);
        g_autofree char *parent_cols = join_quoted (op->ref_columns);

        tc->kind = TC_FOREIGN;
        tc->columns = g_strdupv (op->columns);
        cols = join_quoted (op->columns);
        tc->text = g_strdup_printf ("CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s%s%s%s%s%s",
                                    name, cols, parent,
                                    parent_cols[0] ? " (" : "", parent_cols, parent_cols[0] ? ")" : "",
                                    op->ref_actions ? " " : "", op->ref_actions ? op->ref_actions : "");
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_ptr_array_add (m->constraints, tc);
  if (tc->columns != NULL && !check_columns_exist (m, op, tc->columns, error))
    return FALSE;
  return TRUE;
}

static gboolean
apply_drop_constraint (TableModel            *m,
                       const MigratorBatchOp *op,
                       GError               **error)
{
  TableConstraint *tc = model_find_table_constraint (m, op->constraint);
  ColumnConstraint *cc;

  if (tc != NULL)
    {
      tc->removed = TRUE;
      return TRUE;
    }
  cc = model_find_column_constraint (m, op->constraint);
  if (cc != NULL)
    {
      cc->removed = TRUE;
      return TRUE;
    }

  {
    g_autofree char *quoted = quote_id (op->constraint);
    g_autofree char *names = model_constraint_names (m);

    return op_error (op, error, _("no constraint named %s (named constraints: %s)"), quoted, names);
  }
}

/* What else in the table uses @column, as a message, or NULL. Constraints
 * on @column alone go with it. */
static gboolean
apply_drop_column (TableModel            *m,
                   const MigratorBatchOp *op,
                   Column                *column,
                   GError               **error)
{
  g_autofree char *quoted = quote_id (column->name);
  guint remaining = 0;

  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];
      gboolean uses = FALSE;
      gboolean only = TRUE;

      if (tc->removed)
        continue;
      if (tc->columns != NULL)
        for (guint k = 0; tc->columns[k] != NULL; k++)
          {
            if (names_equal (tc->columns[k], column->name))
              uses = TRUE;
            else
              only = FALSE;
          }
      else
        {
          /* A CHECK: the columns its expression names. */
          g_autoptr(GArray) added = tc->text != NULL ? tokenize (tc->text) : NULL;
          Text added_text = { tc->text, added };
          const Text *t = added != NULL ? &added_text : &m->t;
          guint first = added != NULL ? 0 : tc->first;
          guint last = added != NULL ? added->len - 1 : tc->last;

          uses = text_mentions (t, first, last, column->name);
          for (guint k = 0; uses && k < m->columns->len; k++)
            {
              Column *other = m->columns->pdata[k];

              if (other != column && !other->dropped && text_mentions (t, first, last, other->name))
                only = FALSE;
            }
        }

      if (!uses)
        continue;
      if (only)
        {
          tc->removed = TRUE;
          continue;
        }
      if (tc->name != NULL)
        {
          g_autofree char *name = quote_id (tc->name);

          return op_error (op, error, _("cannot drop column %s: constraint %s also uses other columns; drop the constraint first"),
                           quoted, name);
        }
      return op_error (op, error, _("cannot drop column %s: an unnamed table constraint also uses other columns"),
                       quoted);
    }

  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *other = m->columns->pdata[i];

      if (other == column || other->dropped)
        continue;
      remaining++;
      for (guint k = 0; k < other->constraints->len; k++)
        {
          ColumnConstraint *cc = other->constraints->pdata[k];
          g_autofree char *other_quoted = NULL;

          if (cc->removed || (cc->kind != CC_CHECK && cc->kind != CC_GENERATED && cc->kind != CC_DEFAULT))
            continue;
          if (!text_mentions (&m->t, cc->keyword + 1, cc->last, column->name))
            continue;
          other_quoted = quote_id (other->name);
          return op_error (op, error,
                           cc->kind == CC_GENERATED
                             ? _("cannot drop column %s: generated column %s is computed from it")
                             : _("cannot drop column %s: a constraint of column %s uses it"),
                           quoted, other_quoted);
        }
    }

  if (remaining == 0)
    return op_error (op, error, _("cannot drop column %s: it is the only column"), quoted);

  column->dropped = TRUE;
  return TRUE;
}

static gboolean
model_apply (TableModel            *m,
             const MigratorBatchOp *op,
             GError               **error)
{
  Column *column = NULL;
  ColumnConstraint *cc;

  if (op->column != NULL)
    {
      column = model_find_column (m, op->column);
      if (column == NULL)
        {
          g_autofree char *quoted = quote_id (op->column);

          return op_error (op, error, _("no such column: %s"), quoted);
        }
    }

  switch (op->kind)
    {
    case MIGRATOR_BATCH_ALTER_TYPE:
      g_free (column->new_type);
      column->new_type = g_strdup (op->text);
      return TRUE;

    case MIGRATOR_BATCH_SET_NOT_NULL:
      column->add_not_null = column_find (column, CC_NOT_NULL) == NULL;
      return TRUE;

    case MIGRATOR_BATCH_DROP_NOT_NULL:
      for (guint k = 0; k < column->constraints->len; k++)
        {
          cc = column->constraints->pdata[k];
          if (cc->kind == CC_NOT_NULL)
            cc->removed = TRUE;
        }
      column->add_not_null = FALSE;
      return TRUE;

    case MIGRATOR_BATCH_SET_DEFAULT:
      if (column->generated)
        {
          g_autofree char *quoted = quote_id (column->name);

          return op_error (op, error, _("generated column %s cannot have a default"), quoted);
        }
      cc = column_find (column, CC_DEFAULT);
      g_clear_pointer (&column->add_default, g_free);
      if (cc != NULL)
        {
          g_free (cc->replacement);
          cc->replacement = g_strdup_printf ("DEFAULT %s", op->text);
        }
      else
        column->add_default = g_strdup (op->text);
      return TRUE;

    case MIGRATOR_BATCH_DROP_DEFAULT:
      for (guint k = 0; k < column->constraints->len; k++)
        {
          cc = column->constraints->pdata[k];
          if (cc->kind == CC_DEFAULT)
            cc->removed = TRUE;
        }
      g_clear_pointer (&column->add_default, g_free);
      return TRUE;

    case MIGRATOR_BATCH_ADD_FOREIGN_KEY:
    case MIGRATOR_BATCH_ADD_UNIQUE:
    case MIGRATOR_BATCH_ADD_CHECK:
      return apply_add_constraint (m, op, error);

    case MIGRATOR_BATCH_DROP_CONSTRAINT:
      return apply_drop_constraint (m, op, error);

    case MIGRATOR_BATCH_DROP_COLUMN:
      return apply_drop_column (m, op, column, error);

    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Rendering the edited CREATE TABLE                                   */
/* ------------------------------------------------------------------ */

typedef struct
{
  guint       start;  /* bytes */
  guint       end;
  const char *text;
} Edit;

static int
compare_edits (gconstpointer a,
               gconstpointer b)
{
  const Edit *x = a;
  const Edit *y = b;

  return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* The byte where a removal of text starting at @start begins: the spaces
 * before it go too, so "a INT NOT NULL" becomes "a INT". */
static guint
back_over_spaces (const char *sql,
                  guint       start,
                  guint       floor)
{
  while (start > floor && (sql[start - 1] == ' ' || sql[start - 1] == '\t'))
    start--;
  return start;
}

static void
render_column (TableModel *m,
               Item       *item,
               guint       until,
               GString    *out)
{
  Column *column = item->column;
  const char *sql = m->t.sql;
  g_autoptr(GArray) edits = g_array_new (FALSE, FALSE, sizeof (Edit));
  g_autofree char *type = NULL;
  g_autofree char *not_null = NULL;
  g_autofree char *def = NULL;
  guint body_end = text_token (&m->t, item->last)->end;
  guint pos = item->lead;

  if (column->new_type != NULL)
    {
      Edit edit;

      if (column->n_type > 0)
        {
          edit.start = text_token (&m->t, column->name_token + 1)->start;
          edit.end = text_token (&m->t, column->name_token + column->n_type)->end;
          edit.text = column->new_type;
        }
      else
        {
          type = g_strconcat (" ", column->new_type, NULL);
          edit.start = edit.end = text_token (&m->t, column->name_token)->end;
          edit.text = type;
        }
      g_array_append_val (edits, edit);
    }

  for (guint k = 0; k < column->constraints->len; k++)
    {
      ColumnConstraint *cc = column->constraints->pdata[k];
      Edit edit;

      if (cc->removed)
        {
          edit.start = back_over_spaces (sql, text_token (&m->t, cc->first)->start, item->lead);
          edit.end = text_token (&m->t, cc->last)->end;
          edit.text = "";
        }
      else if (cc->replacement != NULL)
        {
          edit.start = text_token (&m->t, cc->keyword)->start;
          edit.end = text_token (&m->t, cc->last)->end;
          edit.text = cc->replacement;
        }
      else
        continue;
      g_array_append_val (edits, edit);
    }

  if (column->add_default != NULL)
    {
      Edit edit = { body_end, body_end, NULL };

      def = g_strconcat (" DEFAULT ", column->add_default, NULL);
      edit.text = def;
      g_array_append_val (edits, edit);
    }
  if (column->add_not_null)
    {
      Edit edit = { body_end, body_end, " NOT NULL" };

      g_array_append_val (edits, edit);
    }

  g_array_sort (edits, compare_edits);
  for (guint k = 0; k < edits->len; k++)
    {
      Edit *edit = &g_array_index (edits, Edit, k);

      if (edit->start < pos)
        continue;
      g_string_append_len (out, sql + pos, edit->start - pos);
      g_string_append (out, edit->text);
      pos = edit->end;
    }
  g_string_append_len (out, sql + pos, until - pos);
}

static void
render_item (TableModel *m,
             Item       *item,
             guint       until,
             GString    *out)
{
  if (item->column != NULL)
    render_column (m, item, until, out);
  else
    g_string_append_len (out, m->t.sql + item->lead, until - item->lead);
}

static gboolean
item_removed (Item *item)
{
  return item->column != NULL ? item->column->dropped : item->constraint->removed;
}

/* The CREATE TABLE statement of the new table: the original text with the
 * edits, named @new_name. References to the table itself keep its name. */
static char *
model_render (TableModel *m,
              const char *new_name)
{
  const char *sql = m->t.sql;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *quoted = quote_id (new_name);
  g_autofree char *separator = NULL;
  Item *last_item = &g_array_index (m->items, Item, m->items->len - 1);
  Item *last_kept = NULL;
  gboolean first = TRUE;

  for (guint i = 0; i < m->items->len; i++)
    if (!item_removed (&g_array_index (m->items, Item, i)))
      last_kept = &g_array_index (m->items, Item, i);
  g_assert (last_kept != NULL);

  /* New constraints are laid out like the last definition. */
  {
    guint start = last_item->lead;
    guint end = text_token (&m->t, last_item->first)->start;
    const char *nl = g_strstr_len (sql + start, end - start, "\n");

    if (nl != NULL)
      {
        const char *p = nl + 1;

        while (*p == ' ' || *p == '\t')
          p++;
        separator = g_strdup_printf (",\n%.*s", (int) (p - nl - 1), nl + 1);
      }
    else
      separator = g_strdup (", ");
  }

  g_string_append_len (out, sql, text_token (&m->t, m->name_first)->start);
  g_string_append (out, quoted);
  g_string_append_len (out, sql + text_token (&m->t, m->name_last)->end,
                       text_token (&m->t, m->name_last + 1)->end - text_token (&m->t, m->name_last)->end);

  for (guint i = 0; i < m->items->len; i++)
    {
      Item *item = &g_array_index (m->items, Item, i);

      if (item_removed (item))
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;

      if (item != last_kept)
        {
          render_item (m, item, item->trail, out);
          continue;
        }

      /* The last one: new constraints go after its definition, then the
       * text before the ')' (of the last original item). */
      render_item (m, item, text_token (&m->t, item->last)->end, out);
      for (guint k = 0; k < m->constraints->len; k++)
        {
          TableConstraint *tc = m->constraints->pdata[k];

          if (tc->text != NULL && !tc->removed)
            g_string_append_printf (out, "%s%s", separator, tc->text);
        }
      if (item != last_item)
        g_string_append_len (out, sql + text_token (&m->t, item->last)->end,
                             item->trail - text_token (&m->t, item->last)->end);
      g_string_append_len (out, sql + text_token (&m->t, last_item->last)->end,
                           last_item->trail - text_token (&m->t, last_item->last)->end);
    }

  g_string_append (out, sql + text_token (&m->t, m->close)->start);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ------------------------------------------------------------------ */
/* SQLite helpers                                                      */
/* ------------------------------------------------------------------ */

static gboolean
db_error (sqlite3     *db,
          GError     **error,
          const char  *what)
{
  if (what != NULL)
    g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, "%s: %s", what, sqlite3_errmsg (db));
  else
    g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE, sqlite3_errmsg (db));
  return FALSE;
}

/* Prepares @sql and binds the text arguments ?1, ?2 … (NULL-terminated). */
static sqlite3_stmt *
prepare (sqlite3     *db,
         GError     **error,
         const char  *sql,
         ...)
{
  sqlite3_stmt *stmt = NULL;
  const char *arg;
  va_list args;
  int n = 1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      db_error (db, error, NULL);
      sqlite3_finalize (stmt);
      return NULL;
    }
  va_start (args, sql);
  while ((arg = va_arg (args, const char *)) != NULL)
    sqlite3_bind_text (stmt, n++, arg, -1, SQLITE_TRANSIENT);
  va_end (args);
  return stmt;
}

static gboolean
query_int64 (sqlite3     *db,
             const char  *sql,
             gint64      *out,
             GError     **error)
{
  g_autoptr(BatchStmt) stmt = prepare (db, error, sql, NULL);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out = 0;
  else
    return db_error (db, error, NULL);
  return TRUE;
}

static gboolean
exec_simple (sqlite3     *db,
             const char  *sql,
             GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_DATABASE,
                           message ? message : sqlite3_errmsg (db));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The rebuild                                                         */
/* ------------------------------------------------------------------ */

typedef struct
{
  char *type;
  char *name;
  char *tbl_name;
  char *sql;
} SchemaObject;

static void
schema_object_free (SchemaObject *object)
{
  g_free (object->type);
  g_free (object->name);
  g_free (object->tbl_name);
  g_free (object->sql);
  g_free (object);
}

typedef struct
{
  sqlite3              *db;
  GPtrArray            *ops;
  GString              *log;
  gboolean              execute;
  gboolean              defer_fk_check;  /* the caller checks the whole database */

  char                 *table;     /* as in sqlite_schema */
  char                 *quoted;
  char                 *temp;
  char                 *temp_quoted;
  TableModel           *model;
  GPtrArray            *objects;   /* (element-type SchemaObject): indexes and
                                    * triggers of the table, views mentioning it,
                                    * in schema order */
  GPtrArray            *triggers;  /* (element-type SchemaObject): every trigger */
} Rebuild;

static void
rebuild_clear (Rebuild *r)
{
  g_free (r->table);
  g_free (r->quoted);
  g_free (r->temp);
  g_free (r->temp_quoted);
  g_clear_pointer (&r->model, table_model_free);
  g_clear_pointer (&r->objects, g_ptr_array_unref);
  g_clear_pointer (&r->triggers, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Rebuild, rebuild_clear)

/* Runs (when executing) and logs one statement of the rebuild. */
static gboolean
rebuild_exec (Rebuild     *r,
              const char  *sql,
              GError     **error)
{
  if (r->log != NULL)
    g_string_append_printf (r->log, "%s;\n", sql);
  if (!r->execute)
    return TRUE;
  return exec_simple (r->db, sql, error);
}

static gboolean G_GNUC_PRINTF (2, 3)
rebuild_error (GError    **error,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED, message);
  return FALSE;
}

static gboolean
load_table (Rebuild *r,
            GError **error)
{
  const MigratorBatchOp *op = r->ops->pdata[0];
  g_autoptr(BatchStmt) stmt = NULL;
  int rc;

  stmt = prepare (r->db, error,
                  "SELECT name, sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
                  op->table, NULL);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_autofree char *quoted = quote_id (op->table);

      if (rc != SQLITE_DONE)
        return db_error (r->db, error, NULL);
      return op_error (op, error, _("no such table: %s"), quoted);
    }

  r->table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  r->quoted = quote_id (r->table);
  r->temp = migrator_batch_temp_name (r->table);
  r->temp_quoted = quote_id (r->temp);
  r->model = table_model_parse (r->table, (const char *) sqlite3_column_text (stmt, 1), error);
  return r->model != NULL;
}

static gboolean
load_objects (Rebuild *r,
              GError **error)
{
  g_autoptr(BatchStmt) stmt = NULL;
  int rc;

  r->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) schema_object_free);
  r->triggers = g_ptr_array_new_with_free_func ((GDestroyNotify) schema_object_free);

  stmt = prepare (r->db, error,
                  "SELECT type, name, tbl_name, sql FROM main.sqlite_schema "
                  "WHERE type IN ('index', 'trigger', 'view') AND sql IS NOT NULL ORDER BY rowid",
                  NULL);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SchemaObject *object = g_new0 (SchemaObject, 1);
      gboolean own;

      object->type = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      object->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      object->tbl_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      object->sql = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      own = names_equal (object->tbl_name, r->table);

      if (g_str_equal (object->type, "trigger"))
        {
          SchemaObject *copy = g_new0 (SchemaObject, 1);

          copy->type = g_strdup (object->type);
          copy->name = g_strdup (object->name);
          copy->tbl_name = g_strdup (object->tbl_name);
          copy->sql = g_strdup (object->sql);
          g_ptr_array_add (r->triggers, copy);
        }

      if ((own && !g_str_equal (object->type, "view")) ||
          (g_str_equal (object->type, "view") && sql_mentions (object->sql, r->table)))
        g_ptr_array_add (r->objects, object);
      else
        schema_object_free (object);
    }
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL);
  return TRUE;
}

static gboolean
check_leftover (Rebuild *r,
                GError **error)
{
  g_autoptr(BatchStmt) stmt = NULL;
  int rc;

  stmt = prepare (r->db, error,
                  "SELECT name FROM main.sqlite_schema WHERE name = ?1 COLLATE NOCASE",
                  r->temp, NULL);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *found = quote_id ((const char *) sqlite3_column_text (stmt, 0));

      return rebuild_error (error,
                            _("Table %s is left over from an interrupted rebuild of %s; nothing was changed.\n"
                              "Check that %s holds all the rows you need, then remove the leftover with:\n"
                              "  DROP TABLE %s;"),
                            found, r->quoted, r->quoted, found);
    }
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL);
  return TRUE;
}

static gboolean
object_uses_column (SchemaObject *object,
                    const char   *column)
{
  g_autoptr(GArray) tokens = tokenize (object->sql);
  Text t = { object->sql, tokens };
  guint from = 0;

  /* For an index only what follows "ON table" can name columns. */
  if (g_str_equal (object->type, "index"))
    for (guint i = 0; i < tokens->len; i++)
      if (text_is_keyword (&t, i, "ON"))
        {
          from = i + 2;
          break;
        }
  return tokens->len > 0 && text_mentions (&t, from, tokens->len - 1, column);
}

/* SQLite refuses ALTER TABLE DROP COLUMN when the column is part of a key,
 * a constraint, an index, a generated column, a trigger or a view; then
 * the table is rebuilt instead. */
static gboolean
native_drop_possible (Rebuild    *r,
                      Column     *column)
{
  TableModel *m = r->model;

  if (column_is_primary_key (m, column) || column_find (column, CC_UNIQUE) != NULL ||
      column_find (column, CC_REFERENCES) != NULL)
    return FALSE;

  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];

      if (tc->columns != NULL && g_strv_contains ((const char *const *) tc->columns, column->name))
        return FALSE;
      if (tc->columns != NULL)
        for (guint k = 0; tc->columns[k]; k++)
          if (names_equal (tc->columns[k], column->name))
            return FALSE;
      if (tc->kind == TC_CHECK && text_mentions (&m->t, tc->first, tc->last, column->name))
        return FALSE;
    }

  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *other = m->columns->pdata[i];

      for (guint k = 0; other != column && k < other->constraints->len; k++)
        {
          ColumnConstraint *cc = other->constraints->pdata[k];

          if ((cc->kind == CC_CHECK || cc->kind == CC_GENERATED) &&
              text_mentions (&m->t, cc->keyword + 1, cc->last, column->name))
            return FALSE;
        }
    }

  for (guint i = 0; i < r->objects->len; i++)
    if (object_uses_column (r->objects->pdata[i], column->name))
      return FALSE;
  for (guint i = 0; i < r->triggers->len; i++)
    {
      SchemaObject *trigger = r->triggers->pdata[i];

      if (sql_mentions (trigger->sql, r->table) && object_uses_column (trigger, column->name))
        return FALSE;
    }
  return TRUE;
}

/* SQLite's own DROP COLUMN leaves a foreign key of another table that
 * references the column dangling ("foreign key mismatch" later): refuse. */
static gboolean
check_child_references (Rebuild    *r,
                        const char *column,
                        GError    **error)
{
  g_autoptr(BatchStmt) stmt = NULL;
  int rc;

  stmt = prepare (r->db, error,
                  "SELECT m.name FROM main.sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f "
                  "WHERE m.type = 'table' AND m.name <> ?1 COLLATE NOCASE "
                  "AND f.\"table\" = ?1 COLLATE NOCASE "
                  "AND (f.\"to\" = ?2 COLLATE NOCASE OR (f.\"to\" IS NULL AND EXISTS "
                  "(SELECT 1 FROM pragma_table_info(?1) AS c WHERE c.pk > 0 AND c.name = ?2 COLLATE NOCASE)))",
                  r->table, column, NULL);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autofree char *child = quote_id ((const char *) sqlite3_column_text (stmt, 0));
      g_autofree char *quoted = quote_id (column);

      return rebuild_error (error,
                            _("Cannot drop column %s of %s: a foreign key of table %s references it (nothing was changed)"),
                            quoted, r->quoted, child);
    }
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL);
  return TRUE;
}

static gboolean
check_dropped_references (Rebuild *r,
                          GError **error)
{
  TableModel *m = r->model;

  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];
      g_autofree char *quoted = NULL;

      if (!column->dropped)
        continue;
      quoted = quote_id (column->name);

      for (guint k = 0; k < r->objects->len; k++)
        {
          SchemaObject *object = r->objects->pdata[k];
          g_autofree char *name = NULL;

          if (g_str_equal (object->type, "view") || !object_uses_column (object, column->name))
            continue;
          name = quote_id (object->name);
          return rebuild_error (error,
                                g_str_equal (object->type, "index")
                                  ? _("Cannot drop column %s of %s: index %s uses it; drop the index first (nothing was changed)")
                                  : _("Cannot drop column %s of %s: trigger %s uses it; drop or rewrite the trigger first (nothing was changed)"),
                                quoted, r->quoted, name);
        }
      for (guint k = 0; k < r->triggers->len; k++)
        {
          SchemaObject *trigger = r->triggers->pdata[k];
          g_autofree char *name = NULL;

          if (names_equal (trigger->tbl_name, r->table) ||
              !sql_mentions (trigger->sql, r->table) || !object_uses_column (trigger, column->name))
            continue;
          name = quote_id (trigger->name);
          return rebuild_error (error,
                                _("Cannot drop column %s of %s: trigger %s uses it; drop or rewrite the trigger first (nothing was changed)"),
                                quoted, r->quoted, name);
        }

      if (!check_child_references (r, column->name, error))
        return FALSE;
    }
  return TRUE;
}

/* A name by which the rowid can be selected (one not taken by a column),
 * or NULL. */
static const char *
rowid_name (TableModel *m)
{
  static const char *const names[] = { "rowid", "_rowid_", "oid", NULL };

  if (m->without_rowid)
    return NULL;
  for (guint k = 0; names[k] != NULL; k++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < m->columns->len && !taken; i++)
        taken = names_equal (((Column *) m->columns->pdata[i])->name, names[k]);
      if (!taken)
        return names[k];
    }
  return NULL;
}

/* The name by which the rowid of the old table is copied, so that rowids
 * survive (with their gaps), or NULL when it is an alias of a column that
 * is copied anyway. */
static const char *
copied_rowid_name (Rebuild *r)
{
  if (model_has_rowid_alias (r->model, FALSE) || model_has_rowid_alias (r->model, TRUE))
    return NULL;
  return rowid_name (r->model);
}

/* The columns shown for an example row: the rowid, then every column. */
static char *
example_select (Rebuild    *r,
                const char *where)
{
  g_autoptr(GString) sql = g_string_new ("SELECT ");
  const char *rowid = rowid_name (r->model);
  TableModel *m = r->model;

  g_string_append (sql, rowid ? rowid : "NULL");
  for (guint i = 0; i < m->columns->len; i++)
    {
      g_autofree char *quoted = quote_id (((Column *) m->columns->pdata[i])->name);

      g_string_append_printf (sql, ", quote(%s)", quoted);
    }
  g_string_append_printf (sql, " FROM main.%s WHERE %s LIMIT %d", r->quoted, where, MAX_EXAMPLES);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* Counts the rows matching @where; when there are any, describes them
 * (with up to MAX_EXAMPLES examples) in @report. */
static gboolean
report_violations (Rebuild    *r,
                   const char *where,
                   const char *what,
                   GString    *report,
                   GError    **error)
{
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM main.%s WHERE %s", r->quoted, where);
  g_autofree char *examples_sql = NULL;
  g_autoptr(BatchStmt) stmt = NULL;
  TableModel *m = r->model;
  gint64 count = 0;
  int rc;

  if (!query_int64 (r->db, count_sql, &count, error))
    return FALSE;
  if (count == 0)
    return TRUE;

  g_string_append_printf (report,
                          g_dngettext (GETTEXT_PACKAGE, "\n  %lld row %s, for example:",
                                       "\n  %lld rows %s, for example:", count),
                          (long long) count, what);

  examples_sql = example_select (r, where);
  stmt = prepare (r->db, error, examples_sql, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_string_append (report, "\n    ");
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        g_string_append_printf (report, "rowid %" G_GINT64_FORMAT ": ", (gint64) sqlite3_column_int64 (stmt, 0));
      for (guint i = 0; i < m->columns->len; i++)
        {
          const char *value = (const char *) sqlite3_column_text (stmt, i + 1);
          g_autofree char *quoted = quote_id (((Column *) m->columns->pdata[i])->name);
          g_autofree char *shown = NULL;

          if (g_utf8_strlen (value, -1) > MAX_VALUE_LEN)
            {
              g_autofree char *cut = g_utf8_substring (value, 0, MAX_VALUE_LEN);

              shown = g_strconcat (cut, "…", NULL);
            }
          else
            shown = g_strdup (value);
          g_string_append_printf (report, "%s%s=%s", i ? ", " : "", quoted, shown);
        }
    }
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL);
  return TRUE;
}

static char *
parent_key_columns (Rebuild    *r,
                    const char *parent,
                    GError    **error)
{
  g_autoptr(BatchStmt) stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = prepare (r->db, error, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", parent, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL), NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("\x1f", (char **) names->pdata);
}

static gboolean
report_foreign_key (Rebuild         *r,
                    TableConstraint *tc,
                    MigratorBatchOp *op,
                    GString         *report,
                    GError         **error)
{
  g_autoptr(GString) where = g_string_new (NULL);
  g_autofree char *parent = quote_id (op->ref_table);
  g_autofree char *name = quote_id (tc->name);
  g_autofree char *what = NULL;
  g_auto(GStrv) parent_columns = NULL;
  gint64 exists = 0;
  g_autofree char *exists_sql = NULL;
  g_autofree char *literal = quote_literal (op->ref_table);

  exists_sql = g_strdup_printf ("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = %s COLLATE NOCASE",
                                literal);
  if (!query_int64 (r->db, exists_sql, &exists, error))
    return FALSE;
  if (exists == 0)
    return rebuild_error (error, _("Cannot add foreign key %s to %s: no such table: %s (nothing was changed)"),
                          name, r->quoted, parent);

  if (op->ref_columns != NULL && op->ref_columns[0] != NULL)
    parent_columns = g_strdupv (op->ref_columns);
  else
    {
      g_autofree char *joined = parent_key_columns (r, op->ref_table, error);

      if (joined == NULL)
        return FALSE;
      parent_columns = joined[0] ? g_strsplit (joined, "\x1f", -1) : g_new0 (char *, 1);
      if (g_strv_length (parent_columns) != g_strv_length (op->columns))
        return rebuild_error (error, _("Cannot add foreign key %s to %s: table %s has no primary key of %u columns to reference (nothing was changed)"),
                              name, r->quoted, parent, g_strv_length (op->columns));
    }

  for (guint i = 0; op->columns[i]; i++)
    {
      g_autofree char *child = quote_id (op->columns[i]);

      g_string_append_printf (where, "%s IS NOT NULL AND ", child);
    }
  g_string_append_printf (where, "NOT EXISTS (SELECT 1 FROM main.%s AS \"_migrator_parent\" WHERE ", parent);
  for (guint i = 0; op->columns[i]; i++)
    {
      g_autofree char *child = quote_id (op->columns[i]);
      g_autofree char *key = quote_id (parent_columns[i]);

      g_string_append_printf (where, "%s\"_migrator_parent\".%s = %s.%s", i ? " AND " : "", key, r->quoted, child);
    }
  g_string_append (where, ")");

  what = g_strdup_printf (_("without a parent row in %s (FOREIGN KEY %s)"), parent, name);
  return report_violations (r, where->str, what, report, error);
}

static MigratorBatchOp *
find_add_op (Rebuild         *r,
             TableConstraint *tc)
{
  for (guint i = 0; i < r->ops->len; i++)
    {
      MigratorBatchOp *op = r->ops->pdata[i];

      if (op->constraint != NULL && names_equal (op->constraint, tc->name) &&
          (op->kind == MIGRATOR_BATCH_ADD_CHECK || op->kind == MIGRATOR_BATCH_ADD_UNIQUE ||
           op->kind == MIGRATOR_BATCH_ADD_FOREIGN_KEY))
        return op;
    }
  return NULL;
}

/* Fails with one error describing the existing rows that break what the
 * ops add (NOT NULL without a default, CHECK, UNIQUE, FOREIGN KEY), with
 * examples. With @foreign_keys_only, only the foreign keys: the copy
 * enforces the others itself, failing on the first row that breaks one
 * (this then explains the failure), but not foreign keys, which are off
 * during a rebuild. */
static gboolean
check_violations (Rebuild   *r,
                  gboolean   foreign_keys_only,
                  GError   **error)
{
  g_autoptr(GString) report = g_string_new (NULL);
  TableModel *m = r->model;

  for (guint i = 0; !foreign_keys_only && i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];
      g_autofree char *def = NULL;
      g_autofree char *quoted = NULL;
      g_autofree char *where = NULL;
      g_autofree char *what = NULL;

      if (column->dropped || !column->add_not_null || column->generated)
        continue;
      def = column_default (m, column);
      if (def != NULL)
        continue;  /* the copy fills the NULLs with the default */
      quoted = quote_id (column->name);
      where = g_strdup_printf ("%s IS NULL", quoted);
      what = g_strdup_printf (_("with NULL in %s (SET NOT NULL, and the column has no default)"), quoted);
      if (!report_violations (r, where, what, report, error))
        return FALSE;
    }

  for (guint i = 0; i < m->constraints->len; i++)
    {
      TableConstraint *tc = m->constraints->pdata[i];
      MigratorBatchOp *op;
      g_autofree char *name = NULL;
      g_autofree char *where = NULL;
      g_autofree char *what = NULL;

      if (tc->text == NULL || tc->removed || (op = find_add_op (r, tc)) == NULL)
        continue;
      if (foreign_keys_only && tc->kind != TC_FOREIGN)
        continue;
      name = quote_id (tc->name);

      if (tc->kind == TC_CHECK)
        {
          where = g_strdup_printf ("NOT (%s)", op->text);
          what = g_strdup_printf (_("failing CHECK %s (%s)"), name, op->text);
        }
      else if (tc->kind == TC_UNIQUE)
        {
          g_autofree char *cols = join_quoted (tc->columns);
          g_autoptr(GString) not_null = g_string_new (NULL);

          for (guint k = 0; tc->columns[k]; k++)
            {
              g_autofree char *col = quote_id (tc->columns[k]);

              g_string_append_printf (not_null, "%s IS NOT NULL AND ", col);
            }
          where = g_strdup_printf ("%s(%s) IN (SELECT %s FROM main.%s GROUP BY %s HAVING count(*) > 1)",
                                   not_null->str, cols, cols, r->quoted, cols);
          what = g_strdup_printf (_("sharing their values of (%s) with another row (UNIQUE %s)"), cols, name);
        }
      else if (tc->kind == TC_FOREIGN)
        {
          if (!report_foreign_key (r, tc, op, report, error))
            return FALSE;
          continue;
        }
      else
        continue;

      if (!report_violations (r, where, what, report, error))
        return FALSE;
    }

  if (report->len > 0)
    return rebuild_error (error, _("Cannot rebuild table %s: existing rows violate the new constraints (nothing was changed):%s"),
                          r->quoted, report->str);
  return TRUE;
}

static gboolean
model_has_autoincrement (TableModel *m)
{
  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];

      for (guint k = 0; !column->dropped && k < column->constraints->len; k++)
        {
          ColumnConstraint *cc = column->constraints->pdata[k];

          if (cc->kind == CC_PRIMARY && cc->autoincrement && !cc->removed)
            return TRUE;
        }
    }
  return FALSE;
}

/* INSERT INTO new (columns) SELECT expressions FROM old. No CAST on a type
 * change: the new column's affinity converts what it can convert without
 * loss when the row is inserted (exactly what happens to values written
 * later), and a STRICT table rejects what it cannot store, failing the
 * rebuild; a CAST would instead turn 'abc' into 0 silently. A column that
 * becomes NOT NULL and has a default gets coalesce(column, default). */
static char *
copy_statement (Rebuild *r)
{
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GString) values = g_string_new (NULL);
  const char *rowid = copied_rowid_name (r);
  TableModel *m = r->model;

  if (rowid != NULL)
    {
      g_string_append (columns, rowid);
      g_string_append (values, rowid);
    }
  for (guint i = 0; i < m->columns->len; i++)
    {
      Column *column = m->columns->pdata[i];
      g_autofree char *quoted = NULL;
      g_autofree char *def = NULL;

      if (column->dropped || column->generated)
        continue;
      quoted = quote_id (column->name);
      if (columns->len > 0)
        {
          g_string_append (columns, ", ");
          g_string_append (values, ", ");
        }
      g_string_append (columns, quoted);
      if (column->add_not_null && (def = column_default (m, column)) != NULL)
        g_string_append_printf (values, "coalesce(%s, %s)", quoted, def);
      else
        g_string_append (values, quoted);
    }

  return g_strdup_printf ("INSERT INTO main.%s (%s) SELECT %s FROM main.%s",
                          r->temp_quoted, columns->str, values->str, r->quoted);
}

static gboolean
check_foreign_keys (Rebuild    *r,
                    const char *table,
                    GError    **error)
{
  g_autofree char *quoted = quote_id (table);
  g_autofree char *sql = g_strdup_printf ("PRAGMA main.foreign_key_check(%s)", quoted);
  g_autoptr(BatchStmt) stmt = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  guint count = 0;
  int rc;

  /* Logged like every step, but run only once, below, where its rows are
   * read: on a large table the check costs as much as the copy. */
  if (r->log != NULL)
    g_string_append_printf (r->log, "%s;\n", sql);
  if (!r->execute)
    return TRUE;

  stmt = prepare (r->db, error, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (count++ < MAX_EXAMPLES)
        {
          g_autofree char *child = quote_id ((const char *) sqlite3_column_text (stmt, 0));
          g_autofree char *parent = quote_id ((const char *) sqlite3_column_text (stmt, 2));

          g_string_append_printf (rows, _("\n  %s rowid %s has no parent row in %s"), child,
                                  sqlite3_column_type (stmt, 1) == SQLITE_NULL
                                    ? "-" : (const char *) sqlite3_column_text (stmt, 1),
                                  parent);
        }
    }
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, _("PRAGMA foreign_key_check"));
  if (count > 0)
    return rebuild_error (error, _("Rebuild of %s: PRAGMA foreign_key_check reports %u violations (nothing was changed):%s"),
                          r->quoted, count, rows->str);
  return TRUE;
}

/* Tables with a foreign key referencing the rebuilt table. */
static GPtrArray *
child_tables (Rebuild *r,
              GError **error)
{
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BatchStmt) stmt = NULL;
  int rc;

  stmt = prepare (r->db, error,
                  "SELECT DISTINCT m.name FROM main.sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f "
                  "WHERE m.type = 'table' AND m.name <> ?1 COLLATE NOCASE AND f.\"table\" = ?1 COLLATE NOCASE",
                  r->table, NULL);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (children, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return db_error (r->db, error, NULL), NULL;
  return g_steal_pointer (&children);
}

/* Re-creates the indexes, triggers and views saved before the drop, and
 * checks that every view still compiles. */
static gboolean
recreate_objects (Rebuild *r,
                  GError **error)
{
  for (guint i = 0; i < r->objects->len; i++)
    {
      SchemaObject *object = r->objects->pdata[i];
      g_autoptr(GError) local_error = NULL;

      if (!rebuild_exec (r, object->sql, &local_error))
        {
          g_autofree char *name = quote_id (object->name);

          return rebuild_error (error, _("Rebuild of %s: cannot re-create %s %s: %s (nothing was changed)"),
                                r->quoted, object->type, name, local_error->message);
        }
    }

  for (guint i = 0; r->execute && i < r->objects->len; i++)
    {
      SchemaObject *object = r->objects->pdata[i];
      g_autofree char *name = quote_id (object->name);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM main.%s LIMIT 0", name);
      sqlite3_stmt *stmt = NULL;

      if (!g_str_equal (object->type, "view"))
        continue;
      if (sqlite3_prepare_v2 (r->db, sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          rebuild_error (error, _("Rebuild of %s: view %s no longer works: %s (nothing was changed)"),
                         r->quoted, name, sqlite3_errmsg (r->db));
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
    }
  return TRUE;
}

/* Steps 5–9 of MIGRATION-TOOLS.md §3.5, after the checks. */
static gboolean
rebuild_swap (Rebuild *r,
              GError **error)
{
  g_autofree char *create = model_render (r->model, r->temp);
  g_autofree char *copy = copy_statement (r);
  g_autofree char *drop = g_strdup_printf ("DROP TABLE main.%s", r->quoted);
  g_autofree char *rename = g_strdup_printf ("ALTER TABLE main.%s RENAME TO %s", r->temp_quoted, r->quoted);
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(GError) copy_error = NULL;
  gint64 old_count = 0;
  gint64 new_count = 0;
  gint64 legacy = 0;
  gboolean ok;

  if (r->execute)
    {
      g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM main.%s", r->quoted);

      if (!query_int64 (r->db, count, &old_count, error))
        return FALSE;
    }
  if (!query_int64 (r->db, "PRAGMA legacy_alter_table", &legacy, error))
    return FALSE;

  if (!rebuild_exec (r, create, error))
    return FALSE;
  if (!rebuild_exec (r, copy, &copy_error))
    {
      /* A NOT NULL, CHECK or UNIQUE the ops add: say which rows break it. */
      if ((sqlite3_errcode (r->db) & 0xff) == SQLITE_CONSTRAINT && !check_violations (r, FALSE, error))
        return FALSE;
      g_propagate_error (error, g_steal_pointer (&copy_error));
      return FALSE;
    }

  for (guint i = 0; i < r->objects->len; i++)
    {
      SchemaObject *object = r->objects->pdata[i];
      g_autofree char *name = quote_id (object->name);
      g_autofree char *sql = g_strdup_printf ("DROP VIEW main.%s", name);

      if (g_str_equal (object->type, "view") && !rebuild_exec (r, sql, error))
        return FALSE;
    }

  /* AUTOINCREMENT: the new table takes over the old one's sequence value
   * (higher than any rowid once rows were deleted), in SQL rather than as
   * a number read now, so that the --sql script is right for the data it
   * runs on; the rename below carries the entry over to the table's name. */
  if (model_has_autoincrement (r->model))
    {
      g_autofree char *literal = quote_literal (r->table);
      g_autofree char *temp = migrator_batch_temp_name (r->table);
      g_autofree char *temp_literal = quote_literal (temp);
      g_autofree char *del = g_strdup_printf ("DELETE FROM main.sqlite_sequence WHERE name = %s", temp_literal);
      g_autofree char *ins = g_strdup_printf ("INSERT INTO main.sqlite_sequence (name, seq) "
                                              "SELECT %s, seq FROM main.sqlite_sequence WHERE name = %s",
                                              temp_literal, literal);

      if (!rebuild_exec (r, del, error) || !rebuild_exec (r, ins, error))
        return FALSE;
    }

  /* The legacy rename does not touch other tables' foreign keys, triggers
   * or views (which still name the table correctly), and does not check
   * them against the schema while the table is missing. */
  if (!rebuild_exec (r, drop, error) ||
      !rebuild_exec (r, "PRAGMA legacy_alter_table = ON", error))
    return FALSE;
  ok = rebuild_exec (r, rename, error);
  if (legacy == 0)
    {
      /* Restored even when the rename failed. */
      if (r->log != NULL)
        g_string_append (r->log, "PRAGMA legacy_alter_table = OFF;\n");
      if (r->execute)
        exec_simple (r->db, "PRAGMA legacy_alter_table = OFF", NULL);
    }
  if (!ok)
    return FALSE;

  if (!recreate_objects (r, error))
    return FALSE;

  if (!r->defer_fk_check)
    {
      if (!check_foreign_keys (r, r->table, error))
        return FALSE;
      children = child_tables (r, error);
      if (children == NULL)
        return FALSE;
      for (guint i = 0; i < children->len; i++)
        if (!check_foreign_keys (r, children->pdata[i], error))
          return FALSE;
    }

  if (r->execute)
    {
      g_autofree char *count = g_strdup_printf ("SELECT count(*) FROM main.%s", r->quoted);

      if (!query_int64 (r->db, count, &new_count, error))
        return FALSE;
      if (new_count != old_count)
        {
          /* An ON CONFLICT IGNORE or REPLACE clause can drop rows instead
           * of failing the copy: say which when it can be said. */
          if (!check_violations (r, FALSE, error))
            return FALSE;
          return rebuild_error (error, _("Rebuild of %s: the table had %lld rows but has %lld after the copy (nothing was changed)"),
                                r->quoted, (long long) old_count, (long long) new_count);
        }
    }
  return TRUE;
}

static gboolean
all_drop_columns (GPtrArray *ops)
{
  for (guint i = 0; i < ops->len; i++)
    if (((MigratorBatchOp *) ops->pdata[i])->kind != MIGRATOR_BATCH_DROP_COLUMN)
      return FALSE;
  return TRUE;
}

/* ALTER TABLE DROP COLUMN as SQLite does it, when it allows it. */
static gboolean
try_native_drop (Rebuild  *r,
                 gboolean *done,
                 GError  **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  *done = FALSE;
  for (guint i = 0; i < r->ops->len; i++)
    {
      MigratorBatchOp *op = r->ops->pdata[i];
      Column *column = model_find_column (r->model, op->column);
      g_autofree char *quoted = NULL;

      if (column != NULL && !check_child_references (r, column->name, error))
        return FALSE;
      if (column == NULL || !native_drop_possible (r, column))
        return TRUE;
      quoted = quote_id (column->name);
      g_ptr_array_add (statements, g_strdup_printf ("ALTER TABLE main.%s DROP COLUMN %s", r->quoted, quoted));
    }

  if (r->execute)
    {
      /* The prediction may miss a case SQLite refuses: then rebuild. */
      if (!exec_simple (r->db, "SAVEPOINT " SAVEPOINT_NAME "_drop", error))
        return FALSE;
      for (guint i = 0; i < statements->len; i++)
        if (!exec_simple (r->db, statements->pdata[i], NULL))
          {
            exec_simple (r->db, "ROLLBACK TO " SAVEPOINT_NAME "_drop", NULL);
            exec_simple (r->db, "RELEASE " SAVEPOINT_NAME "_drop", NULL);
            g_debug ("Native DROP COLUMN refused on %s, rebuilding: %s", r->quoted, sqlite3_errmsg (r->db));
            return TRUE;
          }
      if (!exec_simple (r->db, "RELEASE " SAVEPOINT_NAME "_drop", error))
        return FALSE;
    }

  for (guint i = 0; r->log != NULL && i < statements->len; i++)
    g_string_append_printf (r->log, "%s;\n", (char *) statements->pdata[i]);
  *done = TRUE;
  return TRUE;
}

static gboolean
rebuild_run (Rebuild *r,
             GError **error)
{
  if (!load_table (r, error) || !load_objects (r, error))
    return FALSE;

  if (all_drop_columns (r->ops))
    {
      gboolean done = FALSE;

      if (!try_native_drop (r, &done, error))
        return FALSE;
      if (done)
        return TRUE;
    }

  for (guint i = 0; i < r->ops->len; i++)
    if (!model_apply (r->model, r->ops->pdata[i], error))
      return FALSE;

  if (!check_leftover (r, error) || !check_dropped_references (r, error))
    return FALSE;
  if (r->execute && !check_violations (r, TRUE, error))
    return FALSE;

  return rebuild_swap (r, error);
}

static gboolean
validate_ops (GPtrArray *ops)
{
  const MigratorBatchOp *first;

  if (ops == NULL || ops->len == 0)
    return FALSE;
  first = ops->pdata[0];
  for (guint i = 1; i < ops->len; i++)
    if (!names_equal (((MigratorBatchOp *) ops->pdata[i])->table, first->table))
      return FALSE;
  return TRUE;
}

gboolean
migrator_batch_execute (sqlite3    *db,
                        GPtrArray  *ops,
                        GString    *sql_log,
                        GError    **error)
{
  return migrator_batch_execute_with_flags (db, ops, MIGRATOR_BATCH_FLAGS_NONE, sql_log, error);
}

gboolean
migrator_batch_execute_with_flags (sqlite3            *db,
                                   GPtrArray          *ops,
                                   MigratorBatchFlags  flags,
                                   GString            *sql_log,
                                   GError            **error)
{
  g_auto(Rebuild) r = { 0, };
  g_autoptr(GString) log = sql_log != NULL ? g_string_new (NULL) : NULL;
  gint64 foreign_keys = 0;
  gboolean restore_foreign_keys = FALSE;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (validate_ops (ops), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* With foreign keys enforced, DROP TABLE would run ON DELETE actions on
   * the child tables (CASCADE empties them). The pragma is a no-op in a
   * transaction, so it must be off before it starts. */
  if (!query_int64 (db, "PRAGMA foreign_keys", &foreign_keys, error))
    return FALSE;
  if (foreign_keys != 0)
    {
      if (!sqlite3_get_autocommit (db))
        return rebuild_error (error, _("Cannot rebuild a table while PRAGMA foreign_keys is on inside a transaction: "
                                       "dropping the old table would run ON DELETE actions. Turn foreign keys off before BEGIN."));
      if (!exec_simple (db, "PRAGMA foreign_keys = OFF", error))
        return FALSE;
      restore_foreign_keys = TRUE;
    }

  r.db = db;
  r.ops = ops;
  r.log = log;
  r.execute = TRUE;
  r.defer_fk_check = (flags & MIGRATOR_BATCH_FLAGS_DEFER_FOREIGN_KEY_CHECK) != 0;

  ok = exec_simple (db, "SAVEPOINT " SAVEPOINT_NAME, error);
  if (ok)
    {
      ok = rebuild_run (&r, error);
      if (ok)
        ok = exec_simple (db, "RELEASE " SAVEPOINT_NAME, error);
      if (!ok)
        {
          exec_simple (db, "ROLLBACK TO " SAVEPOINT_NAME, NULL);
          exec_simple (db, "RELEASE " SAVEPOINT_NAME, NULL);
        }
    }

  if (restore_foreign_keys)
    exec_simple (db, "PRAGMA foreign_keys = ON", NULL);

  if (ok && sql_log != NULL)
    g_string_append (sql_log, log->str);
  return ok;
}

gboolean
migrator_batch_render_sql (sqlite3    *db,
                           GPtrArray  *ops,
                           GString    *out,
                           GError    **error)
{
  g_auto(Rebuild) r = { 0, };
  g_autoptr(GString) log = g_string_new (NULL);

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (validate_ops (ops), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  r.db = db;
  r.ops = ops;
  r.log = log;
  r.execute = FALSE;

  if (!rebuild_run (&r, error))
    return FALSE;
  g_string_append (out, log->str);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Running a revision section                                          */
/* ------------------------------------------------------------------ */

static void
prefix_error (GError     **error,
              const char  *revision_id,
              guint        first_line,
              guint        last_line)
{
  g_autofree char *where = NULL;

  if (first_line == last_line)
    where = g_strdup_printf (_("line %u"), first_line);
  else
    where = g_strdup_printf (_("lines %u–%u"), first_line, last_line);

  if (revision_id != NULL)
    g_prefix_error (error, _("revision %s, %s: "), revision_id, where);
  else
    g_prefix_error (error, "%s: ", where);
}

static guint
lines_between (const char *start,
               const char *end)
{
  guint n = 0;

  for (const char *p = start; p < end; p++)
    if (*p == '\n')
      n++;
  return n;
}

/* Runs @statement natively: every SQL statement in its text, in order. */
static gboolean
run_native (sqlite3                 *db,
            const MigratorStatement *statement,
            const char              *revision_id,
            GString                 *sql_log,
            GError                 **error)
{
  const char *tail = statement->sql;

  while (tail != NULL && *tail != '\0')
    {
      const char *start = tail;
      sqlite3_stmt *stmt = NULL;
      guint line;
      int rc;

      while (g_ascii_isspace (*start))
        start++;
      line = statement->line + lines_between (statement->sql, start);

      rc = sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail);
      if (rc == SQLITE_OK && stmt != NULL)
        {
          if (sql_log != NULL)
            {
              g_autofree char *text = g_strdup (sqlite3_sql (stmt));

              g_strchomp (text);
              g_string_append_printf (sql_log, g_str_has_suffix (text, ";") ? "%s\n" : "%s;\n", text);
            }
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
          rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
      if (rc != SQLITE_OK)
        {
          db_error (db, error, NULL);
          sqlite3_finalize (stmt);
          prefix_error (error, revision_id, line, line);
          return FALSE;
        }
      sqlite3_finalize (stmt);
    }
  return TRUE;
}

static gboolean
flush_group (sqlite3     *db,
             GPtrArray   *group,
             const char  *revision_id,
             GString     *sql_log,
             GError     **error)
{
  guint first_line;
  guint last_line;

  if (group->len == 0)
    return TRUE;

  first_line = ((MigratorBatchOp *) group->pdata[0])->line;
  last_line = ((MigratorBatchOp *) group->pdata[group->len - 1])->line;
  if (!migrator_batch_execute (db, group, sql_log, error))
    {
      prefix_error (error, revision_id, first_line, last_line);
      return FALSE;
    }
  g_ptr_array_set_size (group, 0);
  return TRUE;
}

gboolean
migrator_batch_run_statements (sqlite3     *db,
                               GPtrArray   *statements,
                               const char  *revision_id,
                               GString     *sql_log,
                               GError     **error)
{
  g_autoptr(GPtrArray) group = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (statements != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  group = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_batch_op_free);

  for (guint i = 0; i < statements->len; i++)
    {
      const MigratorStatement *statement = statements->pdata[i];
      MigratorBatchOp *op = NULL;

      if (!migrator_batch_parse (statement->sql, &op, error))
        {
          prefix_error (error, revision_id, statement->line, statement->line);
          return FALSE;
        }

      if (op == NULL)
        {
          if (!flush_group (db, group, revision_id, sql_log, error) ||
              !run_native (db, statement, revision_id, sql_log, error))
            return FALSE;
          continue;
        }

      op->line = statement->line;
      if (group->len > 0 && !names_equal (((MigratorBatchOp *) group->pdata[0])->table, op->table) &&
          !flush_group (db, group, revision_id, sql_log, error))
        {
          migrator_batch_op_free (op);
          return FALSE;
        }
      g_ptr_array_add (group, op);
    }

  return flush_group (db, group, revision_id, sql_log, error);
}
