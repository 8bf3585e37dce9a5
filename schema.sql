-- daigou: the data model. Read this first.
--
-- Two kinds of table:
--   * master data (config, locations, suppliers, products): small, editable;
--   * the ledger (entries and everything that hangs off an entry): facts, INSERT only.
--     Triggers below refuse UPDATE and DELETE on every ledger table; a mistake is
--     corrected by a new entry (`daigou void ID --reason`) that reverses or supersedes it.
-- Current state (stock on hand, lot balances, value) is derived by the VIEWS at the end.
--
-- Times are UTC ISO-8601 text ('2026-11-11T12:00:00Z'), so text order is time order.
-- Money is INTEGER minor units with a currency code beside it (JPY and KRW have none).
-- FX rates are TEXT decimals: units of base currency for one unit of the currency.
--
-- This file is applied on every schema upgrade: tables, indexes and triggers use
-- IF NOT EXISTS; views are dropped and recreated. Columns added to an existing table
-- need a step in daigou_cli/core/migrations.py as well. Bump SCHEMA_VERSION there on
-- every change here.

------------------------------------------------------------------ master data

CREATE TABLE IF NOT EXISTS config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS locations (
    code       TEXT PRIMARY KEY,
    region     TEXT NOT NULL,
    name       TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS suppliers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    country    TEXT,
    currency   TEXT,
    lead_days  INTEGER,
    store      TEXT,           -- v2: the shop or branch to visit on a buying trip
    city       TEXT,           -- v2
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS products (
    sku             TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    category        TEXT,
    zone            TEXT,              -- sourcing zone: JP, KR, EU, US ...
    price           INTEGER,           -- selling price, minor units of `currency`
    currency        TEXT,
    weight_g        INTEGER,
    reorder_point   INTEGER,
    reorder_qty     INTEGER,
    lead_days       INTEGER,
    shelf_life_days INTEGER,
    warranty_days   INTEGER,
    supplier_id     INTEGER REFERENCES suppliers(id),
    pack_size       INTEGER NOT NULL DEFAULT 1,   -- v2: suggested quantities round up to this
    created_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS products_category ON products(category);

------------------------------------------------------------------ the ledger

-- One row per command that records something; every fact below points at its entry.
-- `at` is when it happened in the business (back-datable with --at), `recorded_at` when
-- it was written. The entry id is the id users see, print with -q and pass to `void`.
CREATE TABLE IF NOT EXISTS entries (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,      -- receipt, adjust, move, writeoff, fx, void, ...
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX IF NOT EXISTS entries_kind_at ON entries(kind, at);

CREATE TABLE IF NOT EXISTS fx_rates (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    currency TEXT NOT NULL,
    rate     TEXT NOT NULL,        -- base currency per one unit of `currency`
    at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fx_rates_currency_at ON fx_rates(currency, at);

-- A lot is one receipt of one SKU: its id is the receipt's entry id. The unit cost keeps
-- its original currency and the rate used; unit_cost_base is the landed cost per unit
-- in base currency that FIFO valuation uses.
CREATE TABLE IF NOT EXISTS lots (
    id             INTEGER PRIMARY KEY REFERENCES entries(id),
    sku            TEXT NOT NULL REFERENCES products(sku),
    code           TEXT,
    supplier_id    INTEGER REFERENCES suppliers(id),
    received_at    TEXT NOT NULL,
    expiry         TEXT,           -- YYYY-MM-DD
    qty            INTEGER NOT NULL CHECK (qty > 0),
    unit_cost      INTEGER NOT NULL CHECK (unit_cost >= 0),
    currency       TEXT NOT NULL,
    fx_rate        TEXT NOT NULL,
    unit_cost_base INTEGER NOT NULL CHECK (unit_cost_base >= 0)
);
CREATE INDEX IF NOT EXISTS lots_sku ON lots(sku, received_at);
CREATE INDEX IF NOT EXISTS lots_expiry ON lots(expiry) WHERE expiry IS NOT NULL;

-- Every unit that enters or leaves a location, by lot. On hand = SUM(qty).
CREATE TABLE IF NOT EXISTS movements (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    at       TEXT NOT NULL,
    sku      TEXT NOT NULL REFERENCES products(sku),
    location TEXT NOT NULL REFERENCES locations(code),
    lot_id   INTEGER NOT NULL REFERENCES lots(id),
    qty      INTEGER NOT NULL CHECK (qty <> 0),
    kind     TEXT NOT NULL CHECK (kind IN
             ('receipt', 'adjust', 'move', 'writeoff', 'sale', 'return', 'void')),
    reason   TEXT
);
CREATE INDEX IF NOT EXISTS movements_sku_location ON movements(sku, location, at);
CREATE INDEX IF NOT EXISTS movements_lot ON movements(lot_id, location);
CREATE INDEX IF NOT EXISTS movements_entry ON movements(entry_id);
CREATE INDEX IF NOT EXISTS movements_kind_at ON movements(kind, at);

-- `daigou void ID`: the void entry names the entry it cancels. Stock entries are
-- reversed by movements of kind 'void'; rates are ignored from then on.
CREATE TABLE IF NOT EXISTS voids (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    target   INTEGER NOT NULL UNIQUE REFERENCES entries(id),
    reason   TEXT NOT NULL
);

------------------------------------------------------------------ append-only

CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'entries is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'entries is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS fx_rates_no_update BEFORE UPDATE ON fx_rates
BEGIN SELECT RAISE(ABORT, 'fx_rates is append-only: set a new rate or void this one'); END;
CREATE TRIGGER IF NOT EXISTS fx_rates_no_delete BEFORE DELETE ON fx_rates
BEGIN SELECT RAISE(ABORT, 'fx_rates is append-only: set a new rate or void this one'); END;
CREATE TRIGGER IF NOT EXISTS lots_no_update BEFORE UPDATE ON lots
BEGIN SELECT RAISE(ABORT, 'lots is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS lots_no_delete BEFORE DELETE ON lots
BEGIN SELECT RAISE(ABORT, 'lots is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS movements_no_update BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'movements is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS movements_no_delete BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'movements is append-only: record a correction with daigou void'); END;
CREATE TRIGGER IF NOT EXISTS voids_no_update BEFORE UPDATE ON voids
BEGIN SELECT RAISE(ABORT, 'voids is append-only'); END;
CREATE TRIGGER IF NOT EXISTS voids_no_delete BEFORE DELETE ON voids
BEGIN SELECT RAISE(ABORT, 'voids is append-only'); END;

------------------------------------------------------------------ derived state
-- Current state. Commands that take --as-of run the same sums with `at <= :as_of`.

DROP VIEW IF EXISTS fx_rates_active;
CREATE VIEW fx_rates_active AS
SELECT f.* FROM fx_rates f
WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = f.entry_id);

DROP VIEW IF EXISTS lot_balances;
CREATE VIEW lot_balances AS
SELECT l.id AS lot_id, l.sku, m.location, SUM(m.qty) AS qty,
       l.code, l.received_at, l.expiry, l.unit_cost, l.currency, l.fx_rate,
       l.unit_cost_base, SUM(m.qty) * l.unit_cost_base AS value_base
FROM movements m JOIN lots l ON l.id = m.lot_id
GROUP BY l.id, m.location;

DROP VIEW IF EXISTS stock_on_hand;
CREATE VIEW stock_on_hand AS
SELECT sku, location, SUM(qty) AS on_hand, SUM(value_base) AS value_base
FROM lot_balances
GROUP BY sku, location;

DROP VIEW IF EXISTS stock_levels;
CREATE VIEW stock_levels AS
SELECT s.sku, s.location, s.on_hand,
       0 AS reserved,
       s.on_hand AS available,
       0 AS incoming,
       s.value_base
FROM stock_on_hand s;
