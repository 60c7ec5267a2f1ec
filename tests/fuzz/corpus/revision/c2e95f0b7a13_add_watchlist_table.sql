-- revision: c2e95f0b7a13
-- down_revision: 8b4d1e7a9c02
-- message: Add watchlist table
-- created: 2025-10-20T09:15:00Z
-- branch_labels: watchlist

-- migrate:upgrade
CREATE TABLE watchlist (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    symbol VARCHAR(16) NOT NULL,
    note TEXT,
    added_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, symbol)
);

CREATE INDEX ix_watchlist_symbol ON watchlist (symbol);

-- migrate:downgrade
DROP INDEX ix_watchlist_symbol;
DROP TABLE watchlist;
