/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-batch"

#include "config.h"

#include <stdint.h>

#include "migrator-batch.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The batch ALTER recogniser: any text is either not batch, a well-formed
 * op, or an error; never a crash, a leak or a GLib critical. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *sql = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  MigratorBatchOp *op = NULL;

  if (!migrator_batch_parse (sql, &op, &error))
    {
      g_assert (error != NULL && op == NULL);
      return 0;
    }

  g_assert (error == NULL);
  if (op != NULL)
    {
      g_assert (op->table != NULL);
      migrator_batch_op_free (op);
    }
  return 0;
}
