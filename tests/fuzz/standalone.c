/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-standalone"

#include "config.h"

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Without libFuzzer (gcc builds), runs a target over its seed corpus and
 * over every truncation of each seed, so that the corpus is a regression
 * test in every build. */
static int
run_file (const char *path)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (gsize cut = 0; cut <= length; cut += MAX (1, length / 64))
    LLVMFuzzerTestOneInput ((const uint8_t *) data, cut);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, length);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          if (run_file (argv[i]) != 0)
            return 1;
          n++;
          continue;
        }

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);

          if (run_file (path) != 0)
            return 1;
          n++;
        }
    }

  g_print ("1..1\nok 1 - %u inputs\n", n);
  return 0;
}
