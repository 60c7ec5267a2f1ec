-- revision: 8b4d1e7a9c02
-- down_revision: 3f8a2c9d4e61
-- message: Fill position_table.market from symbols
-- created: 2025-10-13T14:00:00Z

-- migrate:upgrade
-- A data migration: the new column is filled from the exchange suffix of
-- each symbol ("0700.HK", "600519.SS", "AAPL"), so existing rows get a value.
ALTER TABLE position_table ADD COLUMN market VARCHAR(8);
UPDATE position_table
   SET market = CASE
                  WHEN symbol LIKE '%.HK' THEN 'HK'
                  WHEN symbol LIKE '%.SS' OR symbol LIKE '%.SZ' THEN 'CN'
                  ELSE 'US'
                END;

-- migrate:downgrade
ALTER TABLE position_table DROP COLUMN market;
