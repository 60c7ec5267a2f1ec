-- revision: e41f6c2a8d97
-- down_revision: c2e95f0b7a13, 5a7d3b8e1f46
-- message: Merge watchlist and user settings
-- created: 2025-10-27T11:00:00Z

-- migrate:upgrade

-- migrate:downgrade
