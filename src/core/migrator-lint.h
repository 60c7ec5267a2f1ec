/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "migrator-types.h"

G_BEGIN_DECLS

typedef enum {
  MIGRATOR_SEVERITY_INFO,
  MIGRATOR_SEVERITY_WARNING,
  MIGRATOR_SEVERITY_ERROR,
} MigratorSeverity;

typedef struct
{
  char             *rule;       /* e.g. "destructive" */
  MigratorSeverity  severity;
  char             *revision;   /* NULL for findings about the whole graph */
  char             *path;       /* the revision file, or NULL */
  guint             line;       /* 0 when not tied to a line */
  char             *message;
} MigratorFinding;

typedef struct
{
  const char       *id;
  MigratorSeverity  severity;
  const char       *summary;
} MigratorLintRule;

MigratorFinding        *migrator_finding_new      (const char        *rule,
                                                   MigratorSeverity   severity,
                                                   MigratorRevision  *revision,
                                                   guint              line,
                                                   const char        *message);
void                    migrator_finding_free     (MigratorFinding   *self);
const char             *migrator_severity_to_string (MigratorSeverity severity);

/* Every rule, NULL-terminated by a rule with id NULL. */
const MigratorLintRule *migrator_lint_get_rules   (void);
const MigratorLintRule *migrator_lint_find_rule   (const char        *id);

/* The static rules on one revision, minus those its "-- allow:" header
 * allows. (element-type MigratorFinding) */
GPtrArray              *migrator_lint_revision    (MigratorRevision  *revision);
/* Every revision in topological order, plus graph-level rules. */
GPtrArray              *migrator_lint_graph       (MigratorGraph     *graph);
/* Adds @finding to @findings unless @revision allows its rule. */
void                    migrator_lint_add         (GPtrArray         *findings,
                                                   MigratorRevision  *revision,
                                                   MigratorFinding   *finding);
/* The worst severity in @findings, or -1 when empty. */
int                     migrator_lint_worst       (GPtrArray         *findings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MigratorFinding, migrator_finding_free)

G_END_DECLS
