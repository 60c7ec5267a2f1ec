/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-sql"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "migrator-sql.h"

MigratorStatement *
migrator_statement_new (const char *sql,
                        guint       line)
{
  MigratorStatement *self;

  g_return_val_if_fail (sql != NULL, NULL);

  self = g_new0 (MigratorStatement, 1);
  self->sql = g_strdup (sql);
  self->line = line;

  return self;
}

void
migrator_statement_free (MigratorStatement *self)
{
  if (self == NULL)
    return;

  g_free (self->sql);
  g_free (self);
}

/* Advances over whitespace and SQL comments, counting newlines into
 * @line. Returns the first character of real SQL, or the terminating NUL.
 * An unterminated block comment runs to the end of the text, as in SQLite. */
static const char *
skip_space_and_comments (const char *p,
                         guint      *line)
{
  for (;;)
    {
      if (*p == '\n')
        {
          (*line)++;
          p++;
        }
      else if (g_ascii_isspace (*p))
        {
          p++;
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          p += 2;
          while (*p != '\0' && !(p[0] == '*' && p[1] == '/'))
            {
              if (*p == '\n')
                (*line)++;
              p++;
            }
          if (*p != '\0')
            p += 2;
        }
      else
        {
          return p;
        }
    }
}

static guint
count_newlines (const char *start,
                const char *end)
{
  guint n = 0;

  for (const char *p = start; p < end; p++)
    if (*p == '\n')
      n++;

  return n;
}

/* A statement that is only ';' (as in "SELECT 1;;") does nothing; the
 * shell skips it too. */
static void
add_statement (GPtrArray  *statements,
               const char *start,
               const char *end,
               guint       line)
{
  g_autofree char *sql = g_strndup (start, end - start);

  g_strchomp (sql);
  if (sql[0] == '\0' || g_str_equal (sql, ";"))
    return;

  g_ptr_array_add (statements, migrator_statement_new (sql, line));
}

GPtrArray *
migrator_sql_split (const char *sql,
                    guint       first_line)
{
  g_autoptr(GPtrArray) statements = NULL;
  const char *p;
  guint line = first_line;

  g_return_val_if_fail (sql != NULL, NULL);

  statements = g_ptr_array_new_with_free_func ((GDestroyNotify) migrator_statement_free);
  p = skip_space_and_comments (sql, &line);

  while (*p != '\0')
    {
      const char *start = p;
      const char *end = NULL;

      /* sqlite3_complete() is TRUE only when a ';' ends the text outside
       * strings, comments and trigger bodies, so the first ';' for which
       * the text up to it is complete ends the statement. */
      for (const char *semi = strchr (start, ';'); semi != NULL; semi = strchr (semi + 1, ';'))
        {
          g_autofree char *candidate = g_strndup (start, semi + 1 - start);

          if (sqlite3_complete (candidate))
            {
              end = semi + 1;
              break;
            }
        }

      if (end == NULL)
        end = start + strlen (start);

      add_statement (statements, start, end, line);

      line += count_newlines (start, end);
      p = skip_space_and_comments (end, &line);
    }

  return g_steal_pointer (&statements);
}

char *
migrator_sql_quote_identifier (const char *name)
{
  GString *quoted;

  g_return_val_if_fail (name != NULL, NULL);

  quoted = g_string_sized_new (strlen (name) + 2);
  g_string_append_c (quoted, '"');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}
