-- revision: 3f8a2c9d4e61
-- down_revision: 1975ea83b712
-- message: Add index on total_table.user_id
-- created: 2025-10-08T10:30:00Z

-- migrate:upgrade
CREATE INDEX ix_total_table_user_id ON total_table (user_id);

-- migrate:downgrade
DROP INDEX ix_total_table_user_id;
