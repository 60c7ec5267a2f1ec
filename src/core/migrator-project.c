/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-project"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>

#include "migrator-config.h"
#include "migrator-error.h"
#include "migrator-graph.h"
#include "migrator-project.h"

#define CONFIG_FILE "migrator.json"

struct _MigratorProject
{
  GObject         parent_instance;

  char           *dir;
  char           *versions_dir;
  MigratorConfig *config;
  MigratorGraph  *graph;
};

G_DEFINE_FINAL_TYPE (MigratorProject, migrator_project, G_TYPE_OBJECT)

static void
migrator_project_finalize (GObject *object)
{
  MigratorProject *self = MIGRATOR_PROJECT (object);

  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->versions_dir, g_free);
  g_clear_pointer (&self->config, migrator_config_free);
  g_clear_object (&self->graph);

  G_OBJECT_CLASS (migrator_project_parent_class)->finalize (object);
}

static void
migrator_project_class_init (MigratorProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_project_finalize;
}

static void
migrator_project_init (MigratorProject *self)
{
}

char *
migrator_project_find_dir (const char  *explicit_dir,
                           const char  *cwd,
                           GError     **error)
{
  g_autofree char *dir = NULL;
  const char *env = g_getenv ("MIGRATOR_PROJECT");

  if (explicit_dir == NULL && env != NULL && *env != '\0')
    explicit_dir = env;

  if (explicit_dir != NULL)
    {
      g_autofree char *config = NULL;

      dir = g_canonicalize_filename (explicit_dir, cwd);
      config = g_build_filename (dir, CONFIG_FILE, NULL);
      if (!g_file_test (config, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT,
                       _("%s: not a Migrator project (no %s); run 'migrator init %s' to create one"),
                       explicit_dir, CONFIG_FILE, explicit_dir);
          return NULL;
        }
      return g_steal_pointer (&dir);
    }

  dir = g_canonicalize_filename (cwd != NULL ? cwd : ".", NULL);
  for (;;)
    {
      g_autofree char *config = g_build_filename (dir, CONFIG_FILE, NULL);
      g_autofree char *parent = NULL;

      if (g_file_test (config, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&dir);

      parent = g_path_get_dirname (dir);
      if (g_strcmp0 (parent, dir) == 0)
        break;
      g_free (dir);
      dir = g_steal_pointer (&parent);
    }

  g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT,
               _("no %s found in this folder or any parent; use --project DIR or run 'migrator init'"),
               CONFIG_FILE);
  return NULL;
}

MigratorProject *
migrator_project_open (const char  *dir,
                       GError     **error)
{
  g_autoptr(MigratorProject) self = NULL;
  g_autofree char *config_path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  self = g_object_new (MIGRATOR_TYPE_PROJECT, NULL);
  self->dir = g_canonicalize_filename (dir, NULL);
  self->versions_dir = g_build_filename (self->dir, "versions", NULL);

  config_path = g_build_filename (self->dir, CONFIG_FILE, NULL);
  self->config = migrator_config_load (config_path, error);
  if (self->config == NULL)
    return NULL;

  if (!migrator_project_reload (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
migrator_project_reload (MigratorProject  *self,
                         GError          **error)
{
  MigratorGraph *graph;

  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), FALSE);

  graph = migrator_graph_load (self->versions_dir, error);
  if (graph == NULL)
    return FALSE;

  g_clear_object (&self->graph);
  self->graph = graph;
  return TRUE;
}

gboolean
migrator_project_create (const char  *dir,
                       GError     **error)
{
  g_autoptr(MigratorConfig) config = migrator_config_new ();
  g_autofree char *config_path = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *schema = NULL;
  static const char schema_text[] =
    "-- The schema the project's revisions should reach at head.\n"
    "-- 'migrator diff head schema' compares them;\n"
    "-- 'migrator revision --autogenerate -m MSG' writes the revision that gets there.\n";

  g_return_val_if_fail (dir != NULL, FALSE);

  config_path = g_build_filename (dir, CONFIG_FILE, NULL);
  versions = g_build_filename (dir, "versions", NULL);
  schema = g_build_filename (dir, config->schema, NULL);

  if (g_file_test (config_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("%s already exists; the folder is already a Migrator project"), config_path);
      return FALSE;
    }

  if (g_mkdir_with_parents (versions, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_FAILED,
                   _("%s: cannot create the folder: %s"), versions, g_strerror (saved_errno));
      return FALSE;
    }

  if (!migrator_config_save (config, config_path, error))
    return FALSE;

  if (!g_file_test (schema, G_FILE_TEST_EXISTS) &&
      !g_file_set_contents (schema, schema_text, -1, error))
    return FALSE;

  return TRUE;
}

const char *
migrator_project_get_dir (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return self->dir;
}

const char *
migrator_project_get_versions_dir (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return self->versions_dir;
}

MigratorConfig *
migrator_project_get_config (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return self->config;
}

MigratorGraph *
migrator_project_get_graph (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return self->graph;
}

char *
migrator_project_resolve_database (MigratorProject  *self,
                                   const char       *flag,
                                   GError          **error)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GError) local_error = NULL;
  char *path;
  const char *sources[] = {
    flag,
    g_getenv ("MIGRATOR_DATABASE_URL"),
    g_getenv ("DATABASE_URL"),
  };

  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  /* An empty environment variable is unset, but `--database "$DB"` with
   * $DB unset must not fall back to the project's own database. */
  if (flag != NULL && *flag == '\0')
    {
      g_set_error_literal (error, MIGRATOR_ERROR, MIGRATOR_ERROR_USAGE,
                           _("--database was given an empty database URL"));
      return NULL;
    }

  /* Plain paths given on the command line or in the environment are
   * relative to where the user is; those in migrator.json to the project. */
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (sources[i] != NULL && *sources[i] != '\0')
      return migrator_database_path_from_url (sources[i], self->dir, cwd, error);

  /* A bad URL in migrator.json is an invalid project (exit 3), named. */
  path = migrator_database_path_from_url (self->config->database, self->dir, self->dir, &local_error);
  if (path == NULL)
    {
      g_autofree char *config_path = g_build_filename (self->dir, CONFIG_FILE, NULL);

      g_set_error (error, MIGRATOR_ERROR, MIGRATOR_ERROR_PROJECT, "%s: %s",
                   config_path, local_error->message);
    }
  return path;
}

char *
migrator_project_get_backup_dir (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return g_canonicalize_filename (self->config->backup_directory, self->dir);
}

char *
migrator_project_get_schema_path (MigratorProject *self)
{
  g_return_val_if_fail (MIGRATOR_IS_PROJECT (self), NULL);

  return g_canonicalize_filename (self->config->schema, self->dir);
}
