/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-error"

#include "config.h"

#include <gio/gio.h>

#include "migrator-error.h"

G_DEFINE_QUARK (migrator-error-quark, migrator_error)

int
migrator_error_exit_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, 1);

  if (error->domain != MIGRATOR_ERROR)
    return 1;

  switch ((MigratorErrorCode) error->code)
    {
    case MIGRATOR_ERROR_USAGE:
    case MIGRATOR_ERROR_TARGET:
      return 2;
    case MIGRATOR_ERROR_PROJECT:
    case MIGRATOR_ERROR_REVISION:
    case MIGRATOR_ERROR_GRAPH:
      return 3;
    case MIGRATOR_ERROR_FAILED:
    case MIGRATOR_ERROR_DATABASE:
    case MIGRATOR_ERROR_LOCKED:
    case MIGRATOR_ERROR_IRREVERSIBLE:
    default:
      return 1;
    }
}
