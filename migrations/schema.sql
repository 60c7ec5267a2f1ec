-- The schema of imobile.db at head (revision e41f6c2a8d97).
-- "migrator diff head schema" compares it with the revisions;
-- "migrator revision --autogenerate -m MSG" writes the revision that reaches it.

CREATE TABLE user (
    id INTEGER NOT NULL PRIMARY KEY,
    username VARCHAR(64) NOT NULL UNIQUE,
    email VARCHAR(255) NOT NULL UNIQUE,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE total_table (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    total_market_value REAL NOT NULL DEFAULT 0,
    total_cost REAL NOT NULL DEFAULT 0,
    cash REAL NOT NULL DEFAULT 0,
    total_asset REAL NOT NULL DEFAULT 0,
    daily_pnl REAL,
    total_pnl REAL,
    position_percent REAL,
    withdrawable REAL,
    last_updated DATETIME
);

CREATE INDEX ix_total_table_user_id ON total_table (user_id);

CREATE TABLE position_table (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    symbol VARCHAR(16) NOT NULL,
    name VARCHAR(64),
    quantity INTEGER NOT NULL DEFAULT 0,
    cost_price REAL NOT NULL DEFAULT 0,
    current_price REAL,
    market_value REAL,
    market VARCHAR(8),
    UNIQUE (user_id, symbol)
);

CREATE TABLE trade_log (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    symbol VARCHAR(16) NOT NULL,
    side VARCHAR(4) NOT NULL CHECK (side IN ('buy', 'sell')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    price REAL NOT NULL CHECK (price >= 0),
    traded_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX ix_trade_log_user_id_traded_at ON trade_log (user_id, traded_at);

CREATE TABLE watchlist (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    symbol VARCHAR(16) NOT NULL,
    note TEXT,
    added_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, symbol)
);

CREATE INDEX ix_watchlist_symbol ON watchlist (symbol);

CREATE TABLE user_settings (
    user_id INTEGER NOT NULL PRIMARY KEY REFERENCES user (id) ON DELETE CASCADE,
    currency VARCHAR(3) NOT NULL DEFAULT 'USD',
    refresh_interval_seconds INTEGER NOT NULL DEFAULT 5 CHECK (refresh_interval_seconds > 0),
    push_notifications BOOLEAN NOT NULL DEFAULT 1,
    updated_at DATETIME
);
