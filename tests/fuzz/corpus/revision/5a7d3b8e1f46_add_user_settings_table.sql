-- revision: 5a7d3b8e1f46
-- down_revision: 8b4d1e7a9c02
-- message: Add user settings table
-- created: 2025-10-21T16:45:00Z
-- branch_labels: settings

-- migrate:upgrade
CREATE TABLE user_settings (
    user_id INTEGER NOT NULL PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    refresh_interval_seconds INTEGER NOT NULL DEFAULT 5 CHECK (refresh_interval_seconds > 0),
    push_notifications BOOLEAN NOT NULL DEFAULT 1,
    updated_at DATETIME
);

-- Every existing user starts with the default settings.
INSERT INTO user_settings (user_id) SELECT id FROM user;

-- migrate:downgrade
DROP TABLE user_settings;
