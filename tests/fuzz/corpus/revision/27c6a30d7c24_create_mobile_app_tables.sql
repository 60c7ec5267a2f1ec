-- revision: 27c6a30d7c24
-- down_revision: none
-- message: Create mobile app tables
-- created: 2025-09-15T09:00:00Z

-- migrate:upgrade
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
    total_pnl REAL
);

CREATE TABLE position_table (
    id INTEGER NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,
    symbol VARCHAR(16) NOT NULL,
    name VARCHAR(64),
    quantity INTEGER NOT NULL DEFAULT 0,
    cost_price REAL NOT NULL DEFAULT 0,
    current_price REAL,
    market_value REAL,
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

-- migrate:downgrade
DROP INDEX ix_trade_log_user_id_traded_at;
DROP TABLE trade_log;
DROP TABLE position_table;
DROP TABLE total_table;
DROP TABLE user;
