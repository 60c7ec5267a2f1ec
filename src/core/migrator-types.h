/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _MigratorConfig    MigratorConfig;
typedef struct _MigratorGraph     MigratorGraph;
typedef struct _MigratorPlan      MigratorPlan;
typedef struct _MigratorPlanStep  MigratorPlanStep;
typedef struct _MigratorProject   MigratorProject;
typedef struct _MigratorRevision  MigratorRevision;
typedef struct _MigratorStatement MigratorStatement;

typedef enum {
  MIGRATOR_DIRECTION_UPGRADE,
  MIGRATOR_DIRECTION_DOWNGRADE,
} MigratorDirection;

typedef enum {
  MIGRATOR_TRANSACTION_ALL,
  MIGRATOR_TRANSACTION_PER_REVISION,
} MigratorTransactionMode;

G_END_DECLS
