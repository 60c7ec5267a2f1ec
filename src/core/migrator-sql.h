/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "migrator-types.h"

G_BEGIN_DECLS

/* One SQL statement of a revision section, as written (leading blank lines
 * and comments before it dropped, the terminating ';' kept). */
struct _MigratorStatement
{
  char  *sql;
  guint  line;   /* 1-based line in the file where the statement starts */
};

MigratorStatement *migrator_statement_new  (const char        *sql,
                                            guint              line);
void               migrator_statement_free (MigratorStatement *self);

/* Splits @sql the way the sqlite3 shell does (sqlite3_complete), so that
 * CREATE TRIGGER … BEGIN …; END; stays one statement. @first_line is the
 * file line of the first character of @sql. A final statement without ';'
 * is kept (as the shell runs it at end of input); text that is only
 * whitespace and comments yields no statement.
 * Returns: (transfer full) (element-type MigratorStatement) */
GPtrArray         *migrator_sql_split      (const char        *sql,
                                            guint              first_line);

/* Quotes an identifier for SQLite: "name" with embedded quotes doubled. */
char              *migrator_sql_quote_identifier (const char  *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorStatement, migrator_statement_free)

G_END_DECLS
