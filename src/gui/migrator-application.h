/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MIGRATOR_TYPE_APPLICATION (migrator_application_get_type ())

G_DECLARE_FINAL_TYPE (MigratorApplication, migrator_application, MIGRATOR, APPLICATION, AdwApplication)

MigratorApplication *migrator_application_new (void);

G_END_DECLS
