-- revision: 1975ea83b712
-- down_revision: 27c6a30d7c24
-- message: Add realtime fields for mobile app data
-- created: 2025-10-06T12:00:00Z

-- migrate:upgrade
-- Nullable, so that existing rows need no value (the guide's rule 2).
ALTER TABLE total_table ADD COLUMN position_percent REAL;
ALTER TABLE total_table ADD COLUMN withdrawable REAL;
ALTER TABLE total_table ADD COLUMN last_updated DATETIME;

-- migrate:downgrade
ALTER TABLE total_table DROP COLUMN last_updated;
ALTER TABLE total_table DROP COLUMN withdrawable;
ALTER TABLE total_table DROP COLUMN position_percent;
