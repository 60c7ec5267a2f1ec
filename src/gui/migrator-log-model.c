/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "migrator-log-model"

#include "config.h"

#include <glib/gi18n.h>

#include "migrator-log-model.h"
#include "migrator-service.h" /* MIGRATOR_TYPE_LOG_LEVEL */

/* MigratorLogEntry */

struct _MigratorLogEntry
{
  GObject parent_instance;

  GDateTime       *time;
  char            *time_text;
  char            *message;
  char            *message_folded; /* for the case-insensitive search */
  MigratorLogLevel level;
};

G_DEFINE_FINAL_TYPE (MigratorLogEntry, migrator_log_entry, G_TYPE_OBJECT)

enum
{
  ENTRY_PROP_0,
  ENTRY_PROP_TIME_TEXT,
  ENTRY_PROP_LEVEL,
  ENTRY_PROP_LEVEL_TEXT,
  ENTRY_PROP_ICON_NAME,
  ENTRY_PROP_MESSAGE,
  N_ENTRY_PROPS
};

static GParamSpec *entry_properties[N_ENTRY_PROPS];

static void
migrator_log_entry_finalize (GObject *object)
{
  MigratorLogEntry *self = MIGRATOR_LOG_ENTRY (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->time_text, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->message_folded, g_free);

  G_OBJECT_CLASS (migrator_log_entry_parent_class)->finalize (object);
}

static void
migrator_log_entry_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  MigratorLogEntry *self = MIGRATOR_LOG_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_TIME_TEXT:
      g_value_set_string (value, self->time_text);
      break;

    case ENTRY_PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;

    case ENTRY_PROP_LEVEL_TEXT:
      g_value_set_string (value, migrator_log_entry_get_level_text (self));
      break;

    case ENTRY_PROP_ICON_NAME:
      g_value_set_string (value, migrator_log_entry_get_icon_name (self));
      break;

    case ENTRY_PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
migrator_log_entry_class_init (MigratorLogEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = migrator_log_entry_finalize;
  object_class->get_property = migrator_log_entry_get_property;

  /* Read-only: entries never change, so list rows can bind with <lookup>. */
  entry_properties[ENTRY_PROP_TIME_TEXT] =
    g_param_spec_string ("time-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL, MIGRATOR_TYPE_LOG_LEVEL, MIGRATOR_LOG_LEVEL_INFO,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_LEVEL_TEXT] =
    g_param_spec_string ("level-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_ENTRY_PROPS, entry_properties);
}

static void
migrator_log_entry_init (MigratorLogEntry *self)
{
}

MigratorLogEntry *
migrator_log_entry_new (GDateTime       *time,
                        MigratorLogLevel level,
                        const char      *message)
{
  MigratorLogEntry *self;

  g_return_val_if_fail (level >= MIGRATOR_LOG_LEVEL_DEBUG && level <= MIGRATOR_LOG_LEVEL_ERROR, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  self = g_object_new (MIGRATOR_TYPE_LOG_ENTRY, NULL);
  self->time = time != NULL ? g_date_time_ref (time) : g_date_time_new_now_local ();
  self->time_text = g_date_time_format (self->time, "%H:%M:%S");
  self->level = level;
  /* Service messages are UTF-8, but a file name from an error message may
   * not be; the list and the clipboard need valid text. */
  self->message = g_utf8_make_valid (message, -1);
  self->message_folded = g_utf8_casefold (self->message, -1);

  return self;
}

GDateTime *
migrator_log_entry_get_time (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  return self->time;
}

MigratorLogLevel
migrator_log_entry_get_level (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), MIGRATOR_LOG_LEVEL_INFO);

  return self->level;
}

const char *
migrator_log_entry_get_message (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  return self->message;
}

const char *
migrator_log_entry_get_time_text (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  return self->time_text;
}

const char *
migrator_log_entry_get_level_text (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  switch (self->level)
    {
    case MIGRATOR_LOG_LEVEL_DEBUG:
      /* Translators: a log level */
      return C_("log level", "Debug");
    case MIGRATOR_LOG_LEVEL_INFO:
      /* Translators: a log level */
      return C_("log level", "Info");
    case MIGRATOR_LOG_LEVEL_WARNING:
      /* Translators: a log level */
      return C_("log level", "Warning");
    case MIGRATOR_LOG_LEVEL_ERROR:
    default:
      /* Translators: a log level */
      return C_("log level", "Error");
    }
}

const char *
migrator_log_entry_get_icon_name (MigratorLogEntry *self)
{
  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  switch (self->level)
    {
    case MIGRATOR_LOG_LEVEL_DEBUG:
      return "utilities-terminal-symbolic";
    case MIGRATOR_LOG_LEVEL_INFO:
      /* Adwaita's dialog-information-symbolic is a light bulb; this one
       * is the usual "i" in a circle. */
      return "help-about-symbolic";
    case MIGRATOR_LOG_LEVEL_WARNING:
      return "dialog-warning-symbolic";
    case MIGRATOR_LOG_LEVEL_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

/* Untranslated, fixed-width level names keep exported logs greppable and
 * aligned whatever the language of the window. */
static const char *
level_tag (MigratorLogLevel level)
{
  switch (level)
    {
    case MIGRATOR_LOG_LEVEL_DEBUG:
      return "DEBUG  ";
    case MIGRATOR_LOG_LEVEL_INFO:
      return "INFO   ";
    case MIGRATOR_LOG_LEVEL_WARNING:
      return "WARNING";
    case MIGRATOR_LOG_LEVEL_ERROR:
    default:
      return "ERROR  ";
    }
}

char *
migrator_log_entry_format (MigratorLogEntry *self)
{
  GString    *line;
  const char *p;

  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), NULL);

  line = g_string_new (self->time_text);
  g_string_append_c (line, ' ');
  g_string_append (line, level_tag (self->level));
  g_string_append_c (line, ' ');

  /* One entry stays one record when the message has detail lines. */
  for (p = self->message; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append (line, "\n                 ");
      else if (*p != '\r')
        g_string_append_c (line, *p);
    }

  return g_string_free (line, FALSE);
}

gboolean
migrator_log_entry_matches (MigratorLogEntry *self,
                            MigratorLogLevel  min_level,
                            const char       *search)
{
  g_autofree char *folded = NULL;

  g_return_val_if_fail (MIGRATOR_IS_LOG_ENTRY (self), FALSE);

  if (self->level < min_level)
    return FALSE;

  if (search == NULL || search[0] == '\0')
    return TRUE;

  folded = g_utf8_casefold (search, -1);

  return strstr (self->message_folded, folded) != NULL;
}

/* MigratorLogModel */

struct _MigratorLogModel
{
  GObject parent_instance;

  GPtrArray *entries; /* (element-type MigratorLogEntry) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MigratorLogModel, migrator_log_model, G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
migrator_log_model_get_item_type (GListModel *model)
{
  return MIGRATOR_TYPE_LOG_ENTRY;
}

static guint
migrator_log_model_get_n_items (GListModel *model)
{
  return MIGRATOR_LOG_MODEL (model)->entries->len;
}

static gpointer
migrator_log_model_get_item (GListModel *model,
                             guint       position)
{
  MigratorLogModel *self = MIGRATOR_LOG_MODEL (model);

  if (position >= self->entries->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = migrator_log_model_get_item_type;
  iface->get_n_items = migrator_log_model_get_n_items;
  iface->get_item = migrator_log_model_get_item;
}

static void
migrator_log_model_finalize (GObject *object)
{
  MigratorLogModel *self = MIGRATOR_LOG_MODEL (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (migrator_log_model_parent_class)->finalize (object);
}

static void
migrator_log_model_class_init (MigratorLogModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = migrator_log_model_finalize;
}

static void
migrator_log_model_init (MigratorLogModel *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
}

MigratorLogModel *
migrator_log_model_new (void)
{
  return g_object_new (MIGRATOR_TYPE_LOG_MODEL, NULL);
}

void
migrator_log_model_append_entry (MigratorLogModel *self,
                                 MigratorLogEntry *entry)
{
  g_return_if_fail (MIGRATOR_IS_LOG_MODEL (self));
  g_return_if_fail (MIGRATOR_IS_LOG_ENTRY (entry));

  g_ptr_array_add (self->entries, g_object_ref (entry));
  g_list_model_items_changed (G_LIST_MODEL (self), self->entries->len - 1, 0, 1);
}

/* Returns: (transfer none): the new entry */
MigratorLogEntry *
migrator_log_model_append (MigratorLogModel *self,
                           MigratorLogLevel  level,
                           const char       *message)
{
  g_autoptr(MigratorLogEntry) entry = NULL;

  g_return_val_if_fail (MIGRATOR_IS_LOG_MODEL (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  entry = migrator_log_entry_new (NULL, level, message);
  migrator_log_model_append_entry (self, entry);

  return entry;
}

void
migrator_log_model_clear (MigratorLogModel *self)
{
  guint removed;

  g_return_if_fail (MIGRATOR_IS_LOG_MODEL (self));

  removed = self->entries->len;
  if (removed == 0)
    return;

  g_ptr_array_set_size (self->entries, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
}

char *
migrator_log_format_model (GListModel *model)
{
  GString *text;
  guint    n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  text = g_string_new (NULL);
  n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(MigratorLogEntry) entry = g_list_model_get_item (model, i);
      g_autofree char *line = migrator_log_entry_format (entry);

      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}
