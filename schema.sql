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
-- reversed by movements of kind 'void'; rates, payments and refunds are ignored from the
-- void's time on (views test NOT EXISTS on voids joined to the void's entry). A shipment
-- is both: its sales come back by 'void' movements into the same lots, its units are held
-- again for their lines, and the parcel no longer counts as shipped.
CREATE TABLE IF NOT EXISTS voids (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    target   INTEGER NOT NULL UNIQUE REFERENCES entries(id),
    reason   TEXT NOT NULL
);


------------------------------------------------------------------ customers and orders

-- Master data: a customer is found by name or by any contact.
CREATE TABLE IF NOT EXISTS customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    wechat     TEXT,
    phone      TEXT,             -- digits with an optional leading +
    email      TEXT,             -- lower case
    region     TEXT,             -- stock ships from a location in the same region first
    address    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS customers_name ON customers(name);
CREATE UNIQUE INDEX IF NOT EXISTS customers_wechat ON customers(wechat) WHERE wechat IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_phone ON customers(phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS customers_email ON customers(email) WHERE email IS NOT NULL;

-- An order's id is the id of the entry that created it. State is never stored: see
-- order_summary below.
CREATE TABLE IF NOT EXISTS orders (
    id          INTEGER PRIMARY KEY REFERENCES entries(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel     TEXT NOT NULL,
    external_id TEXT,
    currency    TEXT NOT NULL,
    priority    TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
    due         TEXT,            -- promised date, YYYY-MM-DD
    ship_to     TEXT,            -- region, when not the customer's own
    at          TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS orders_channel_external ON orders(channel, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_customer ON orders(customer_id, at);
CREATE INDEX IF NOT EXISTS orders_at ON orders(at);

CREATE TABLE IF NOT EXISTS order_lines (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    line_no  INTEGER NOT NULL,
    sku      TEXT NOT NULL REFERENCES products(sku),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    price    INTEGER NOT NULL CHECK (price >= 0),   -- per unit, minor units of the order currency
    UNIQUE (order_id, line_no)
);
CREATE INDEX IF NOT EXISTS order_lines_sku ON order_lines(sku);

-- Units of an order line held at a location: + reserves, - releases (cancel, ship,
-- stock lost). Reserved = SUM(qty); what a line lacks is back-ordered.
CREATE TABLE IF NOT EXISTS reservations (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES entries(id),
    at            TEXT NOT NULL,
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    sku           TEXT NOT NULL REFERENCES products(sku),
    location      TEXT NOT NULL REFERENCES locations(code),
    qty           INTEGER NOT NULL CHECK (qty <> 0)
);
CREATE INDEX IF NOT EXISTS reservations_sku_location ON reservations(sku, location, at);
CREATE INDEX IF NOT EXISTS reservations_line ON reservations(order_line_id);

-- Money received for an order (deposit 定金, balance 尾款, any number of parts);
-- a refund is a negative amount. Minor units of the order currency.
CREATE TABLE IF NOT EXISTS payments (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    amount   INTEGER NOT NULL CHECK (amount <> 0),
    method   TEXT,
    at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_order ON payments(order_id, at);

-- What happens to an order that is not money or stock: cancelled (note = reason), ...
CREATE TABLE IF NOT EXISTS order_events (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    kind     TEXT NOT NULL,
    at       TEXT NOT NULL,
    note     TEXT
);
CREATE INDEX IF NOT EXISTS order_events_order ON order_events(order_id, kind);

-- The rows an imported order came from, as the platform wrote them: every non-empty cell
-- under its header (extra columns included), so nothing a platform exported is lost even
-- when daigou has no field for it (gift notes, coupon codes, a second phone). One row per
-- CSV line (a Taobao order: its 订单报表 line and its 宝贝报表 lines); entry_id is the entry
-- the import recorded for it (the order itself, or the payment or cancel a later export
-- brought). `order show ORDER --format json` lists them as source_rows.
CREATE TABLE IF NOT EXISTS order_source_rows (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    source   TEXT NOT NULL,     -- the file as it was named on the command line, or stdin
    line     INTEGER NOT NULL,  -- where the row starts in it, as an editor counts (header = 1)
    cells    TEXT NOT NULL      -- JSON object: header -> value
);
CREATE INDEX IF NOT EXISTS order_source_rows_order ON order_source_rows(order_id, id);

------------------------------------------------------------------ fulfilment

-- Rate cards (master data): a carrier's service, priced per parcel in base currency.
CREATE TABLE IF NOT EXISTS carriers (
    code           TEXT NOT NULL,            -- SF, DHL, FEDEX, EMS ...
    service        TEXT NOT NULL DEFAULT 'standard',
    name           TEXT NOT NULL,
    first_kg       INTEGER,                  -- price of the first kg, base minor units
    extra_kg       INTEGER,                  -- each further kg (or part of one)
    days_min       INTEGER,
    days_max       INTEGER,                  -- promised days: in transit longer is late
    insurance_rate TEXT,                     -- share of the insured value, e.g. 0.01
    regions        TEXT,                     -- where it delivers (comma list); NULL: anywhere
    created_at     TEXT NOT NULL,
    PRIMARY KEY (code, service)
);

-- A parcel: its id is its entry id. Amounts in base currency minor units. A tracking
-- number is unique among the parcels that stand: a voided parcel gives its number back to
-- the parcel that really left (`ship` refuses, and shipments_no_replace guards, a number a
-- standing parcel has), so at most one parcel with a number stands and it is the newest.
CREATE TABLE IF NOT EXISTS shipments (
    id            INTEGER PRIMARY KEY REFERENCES entries(id),
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    carrier       TEXT NOT NULL,
    service       TEXT,
    tracking      TEXT NOT NULL,
    location      TEXT NOT NULL REFERENCES locations(code),
    cost          INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
    weight_g      INTEGER,
    declared      INTEGER NOT NULL CHECK (declared >= 0),
    insured       INTEGER,
    at            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS shipments_order ON shipments(order_id);
CREATE INDEX IF NOT EXISTS shipments_at ON shipments(at);
-- Newest first: a lookup by number finds the standing parcel before the voided ones.
CREATE INDEX IF NOT EXISTS shipments_tracking ON shipments(tracking, id DESC);

-- Which units of which order line left in a parcel, and from which lot (FIFO): the
-- cost of goods sold of every line, and where a returned unit's cost comes from.
CREATE TABLE IF NOT EXISTS shipment_lines (
    id            INTEGER PRIMARY KEY,
    shipment_id   INTEGER NOT NULL REFERENCES shipments(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    lot_id        INTEGER NOT NULL REFERENCES lots(id),
    qty           INTEGER NOT NULL CHECK (qty > 0)
);
CREATE INDEX IF NOT EXISTS shipment_lines_line ON shipment_lines(order_line_id);
CREATE INDEX IF NOT EXISTS shipment_lines_shipment ON shipment_lines(shipment_id);

-- Tracking events in our status names; the same (parcel, status, time) twice is one event.
CREATE TABLE IF NOT EXISTS shipment_events (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id),
    shipment_id INTEGER NOT NULL REFERENCES shipments(id),
    status      TEXT NOT NULL CHECK (status IN ('info_received', 'in_transit', 'customs',
                'out_for_delivery', 'delivered', 'exception', 'returned', 'lost')),
    at          TEXT NOT NULL,
    note        TEXT,
    UNIQUE (shipment_id, status, at)
);
CREATE INDEX IF NOT EXISTS shipment_events_shipment ON shipment_events(shipment_id, at);

-- Goods coming back: one row per order line and lot. Restocked units re-enter the lot
-- they left from (so they keep their original FIFO cost); written-off ones do not.
-- The refund, if any, is a negative payment of the same entry.
CREATE TABLE IF NOT EXISTS returns (
    id       INTEGER PRIMARY KEY REFERENCES entries(id),
    order_id INTEGER NOT NULL REFERENCES orders(id),
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS returns_order ON returns(order_id);

CREATE TABLE IF NOT EXISTS return_lines (
    id            INTEGER PRIMARY KEY,
    return_id     INTEGER NOT NULL REFERENCES returns(id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines(id),
    lot_id        INTEGER NOT NULL REFERENCES lots(id),
    qty           INTEGER NOT NULL CHECK (qty > 0),
    disposition   TEXT NOT NULL CHECK (disposition IN ('restock', 'writeoff')),
    location      TEXT REFERENCES locations(code)
);
CREATE INDEX IF NOT EXISTS return_lines_line ON return_lines(order_line_id);

------------------------------------------------------------------ purchasing

-- A purchase order to a supplier: its id is its entry id. Unit costs are minor units of
-- the order's currency. `location` is where it will arrive when that is known (--location,
-- else config default_location, else the only location); its open lines are `incoming`.
CREATE TABLE IF NOT EXISTS purchase_orders (
    id          INTEGER PRIMARY KEY REFERENCES entries(id),
    supplier_id INTEGER NOT NULL REFERENCES suppliers(id),
    currency    TEXT NOT NULL,
    location    TEXT REFERENCES locations(code),
    at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS purchase_orders_supplier ON purchase_orders(supplier_id, at);

CREATE TABLE IF NOT EXISTS purchase_lines (
    id        INTEGER PRIMARY KEY,
    po_id     INTEGER NOT NULL REFERENCES purchase_orders(id),
    line_no   INTEGER NOT NULL,
    sku       TEXT NOT NULL REFERENCES products(sku),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    unit_cost INTEGER NOT NULL CHECK (unit_cost >= 0),
    UNIQUE (po_id, line_no)
);
CREATE INDEX IF NOT EXISTS purchase_lines_sku ON purchase_lines(sku);

-- One delivery against a purchase order: the freight and duty it carried (minor units of
-- charges_currency), the rates used and how the charges were spread over its lines.
CREATE TABLE IF NOT EXISTS purchase_receipts (
    id               INTEGER PRIMARY KEY REFERENCES entries(id),
    po_id            INTEGER NOT NULL REFERENCES purchase_orders(id),
    location         TEXT NOT NULL REFERENCES locations(code),
    freight          INTEGER NOT NULL DEFAULT 0 CHECK (freight >= 0),
    duty             INTEGER NOT NULL DEFAULT 0 CHECK (duty >= 0),
    charges_currency TEXT NOT NULL,
    charges_fx_rate  TEXT NOT NULL,   -- base per one unit of charges_currency
    fx_rate          TEXT NOT NULL,   -- base per one unit of the order's currency
    split            TEXT NOT NULL CHECK (split IN ('value', 'weight')),
    at               TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS purchase_receipts_po ON purchase_receipts(po_id, at);

-- The lots a delivery became: each received line is one lot at its landed cost, or two
-- lots one minor unit apart when its landed total does not divide by its quantity.
CREATE TABLE IF NOT EXISTS purchase_receipt_lots (
    lot_id           INTEGER PRIMARY KEY REFERENCES lots(id),
    receipt_id       INTEGER NOT NULL REFERENCES purchase_receipts(id),
    purchase_line_id INTEGER NOT NULL REFERENCES purchase_lines(id),
    qty              INTEGER NOT NULL CHECK (qty > 0)
);
CREATE INDEX IF NOT EXISTS purchase_receipt_lots_line ON purchase_receipt_lots(purchase_line_id);

-- `daigou purchase cancel`: what was still open is no longer coming.
CREATE TABLE IF NOT EXISTS purchase_cancellations (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    po_id    INTEGER NOT NULL UNIQUE REFERENCES purchase_orders(id),
    reason   TEXT NOT NULL,
    at       TEXT NOT NULL
);

------------------------------------------------------------------ customer service

-- A ticket: a customer's question ("where is my parcel", "is this real"), its id is the id
-- of the entry that opened it. What happens next is appended: messages (from the customer
-- or from me), closed with a resolution, reopened. Open/closed, first response, resolution
-- time and overdue are derived by ticket_status below.
CREATE TABLE IF NOT EXISTS tickets (
    id          INTEGER PRIMARY KEY REFERENCES entries(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel     TEXT NOT NULL CHECK (channel IN ('wechat', 'xhs', 'email', 'phone')),
    order_id    INTEGER REFERENCES orders(id),
    subject     TEXT NOT NULL CHECK (length(trim(subject)) > 0),
    at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_customer ON tickets(customer_id, at);
CREATE INDEX IF NOT EXISTS tickets_at ON tickets(at);

-- FAQ entries are master data (edited in place); faq_fts indexes them for `faq search`.
CREATE TABLE IF NOT EXISTS faq (
    id         INTEGER PRIMARY KEY,
    question   TEXT NOT NULL UNIQUE CHECK (length(trim(question)) > 0),
    answer     TEXT NOT NULL CHECK (length(trim(answer)) > 0),
    tags       TEXT,                -- comma list: 退货,售后
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One message of a ticket. `faq_id`: my reply was that FAQ entry's answer (usage counts).
-- `ticket open --message` writes its message under the opening entry.
CREATE TABLE IF NOT EXISTS ticket_messages (
    id        INTEGER PRIMARY KEY,
    entry_id  INTEGER NOT NULL REFERENCES entries(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    sender    TEXT NOT NULL CHECK (sender IN ('customer', 'me')),
    body      TEXT NOT NULL CHECK (length(trim(body)) > 0),
    faq_id    INTEGER REFERENCES faq(id),
    at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_messages_ticket ON ticket_messages(ticket_id, at);
CREATE INDEX IF NOT EXISTS ticket_messages_faq ON ticket_messages(faq_id) WHERE faq_id IS NOT NULL;

-- Closing (with the resolution) and reopening; the latest one by time decides the status.
CREATE TABLE IF NOT EXISTS ticket_events (
    entry_id   INTEGER PRIMARY KEY REFERENCES entries(id),
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (kind IN ('closed', 'reopened')),
    resolution TEXT,
    at         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_events_ticket ON ticket_events(ticket_id, at);

-- Full-text index of the FAQ. The trigram tokenizer finds any substring of three or more
-- characters, so Chinese needs no word splitting (退货政策 inside 如何退货政策); shorter
-- words (退货) are looked up through faq_fts_vocab (daigou_cli/core/faq.py). The text is
-- indexed with a space on each side so that a two-character tag still has trigrams.
-- Kept in step with `faq` by the triggers below; rowid = faq.id.
CREATE VIRTUAL TABLE IF NOT EXISTS faq_fts USING fts5(question, answer, tags, tokenize = 'trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS faq_fts_vocab USING fts5vocab(faq_fts, row);

CREATE TRIGGER IF NOT EXISTS faq_fts_insert AFTER INSERT ON faq
BEGIN
    INSERT INTO faq_fts(rowid, question, answer, tags)
    VALUES (new.id, ' ' || new.question || ' ', ' ' || new.answer || ' ', ' ' || COALESCE(new.tags, '') || ' ');
END;
CREATE TRIGGER IF NOT EXISTS faq_fts_update AFTER UPDATE ON faq
BEGIN
    DELETE FROM faq_fts WHERE rowid = old.id;
    INSERT INTO faq_fts(rowid, question, answer, tags)
    VALUES (new.id, ' ' || new.question || ' ', ' ' || new.answer || ' ', ' ' || COALESCE(new.tags, '') || ' ');
END;
CREATE TRIGGER IF NOT EXISTS faq_fts_delete AFTER DELETE ON faq
BEGIN
    DELETE FROM faq_fts WHERE rowid = old.id;
END;

------------------------------------------------------------------ notifications

-- Message templates (master data, editable with `daigou notify template set`): a row here
-- overrides the built-in default for that kind and language (daigou_cli/core/notify.py).
CREATE TABLE IF NOT EXISTS notification_templates (
    kind       TEXT NOT NULL,
    language   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, language)
);

-- One message to a customer, queued in the same transaction as the fact that caused it
-- (entry_id). The text is rendered when queued: a later template edit never rewrites a
-- message already promised. `at` is the fact's business time, recorded_at when it was queued.
CREATE TABLE IF NOT EXISTS notifications (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id),
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    shipment_id INTEGER REFERENCES shipments(id),
    kind        TEXT NOT NULL CHECK (kind IN ('order_confirmed', 'deposit_received',
                'payment_received', 'shipped', 'info_received', 'in_transit', 'customs',
                'out_for_delivery', 'delivered', 'exception', 'returned', 'lost',
                'return_received', 'refund_issued', 'refund_due', 'order_cancelled')),
    language    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notifications_order ON notifications(order_id, kind);
CREATE INDEX IF NOT EXISTS notifications_shipment ON notifications(shipment_id, kind)
    WHERE shipment_id IS NOT NULL;

-- Sending, as facts: a 'claimed' row is committed before the message leaves, then a 'sent'
-- or 'failed' row (claim_id = the claim it closes) after. A claim with no outcome is in
-- doubt: the sender died half way, so the message is not sent again without the user's
-- say-so. 'skipped' says why a sender could not try (no email address); 'sent'/'failed'
-- with no claim are the user's own word (`notify mark`).
CREATE TABLE IF NOT EXISTS notification_attempts (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('claimed', 'sent', 'failed', 'skipped')),
    claim_id        INTEGER REFERENCES notification_attempts(id),
    channel         TEXT,            -- exec, smtp, hand
    sender          TEXT,            -- host:pid of the process that claimed it
    detail          TEXT,            -- why it failed or was skipped; the SMTP recipient
    at              TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notification_attempts_notification
    ON notification_attempts(notification_id, id);

------------------------------------------------------------------ customers on platforms

-- A customer's id on a sales platform (Taobao 买家会员名, WooCommerce customer_id, ...): how
-- `order import` knows a buyer again. Master data, like customers.
CREATE TABLE IF NOT EXISTS customer_ids (
    channel     TEXT NOT NULL,
    platform_id TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (channel, platform_id)
);
CREATE INDEX IF NOT EXISTS customer_ids_customer ON customer_ids(customer_id);

------------------------------------------------------------------ forecasting

-- Past daily sales loaded with `daigou history import` (a spreadsheet's history from before
-- the ledger): demand for forecasts and reports, never stock. One row per business day
-- (`date`, YYYY-MM-DD in the business time zone), SKU and channel; each import is one entry
-- (kind 'history'), and `daigou void ID` withdraws a whole import. revenue: minor units of
-- `currency` (the base currency at import).
CREATE TABLE IF NOT EXISTS sales_history (
    id       INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries(id),
    date     TEXT NOT NULL,
    sku      TEXT NOT NULL REFERENCES products(sku),
    qty      INTEGER NOT NULL CHECK (qty >= 0),
    revenue  INTEGER,
    currency TEXT,
    channel  TEXT
);
-- Covers the forecast's daily GROUP BY (sku, date) without touching the table.
CREATE INDEX IF NOT EXISTS sales_history_sku_date ON sales_history(sku, date, qty);
CREATE INDEX IF NOT EXISTS sales_history_entry ON sales_history(entry_id);

CREATE TRIGGER IF NOT EXISTS sales_history_no_update BEFORE UPDATE ON sales_history
BEGIN SELECT RAISE(ABORT, 'sales_history is append-only: void the import and load it again'); END;
CREATE TRIGGER IF NOT EXISTS sales_history_no_delete BEFORE DELETE ON sales_history
BEGIN SELECT RAISE(ABORT, 'sales_history is append-only: void the import and load it again'); END;
CREATE TRIGGER IF NOT EXISTS sales_history_no_replace BEFORE INSERT ON sales_history
WHEN EXISTS (SELECT 1 FROM sales_history WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'sales_history is append-only: a row with that key exists'); END;

-- Calendar events (double11, 618, cny, black_friday: daigou_cli/core/forecast/calendar.py)
-- that move a SKU's demand, tagged on the SKU or on a whole category: forecasts apply last
-- year's uplift around the event to tagged SKUs only. Master data: a tag can be removed.
CREATE TABLE IF NOT EXISTS event_tags (
    id         INTEGER PRIMARY KEY,
    event      TEXT NOT NULL,
    sku        TEXT REFERENCES products(sku),
    category   TEXT,
    created_at TEXT NOT NULL,
    CHECK ((sku IS NULL) <> (category IS NULL))
);
CREATE UNIQUE INDEX IF NOT EXISTS event_tags_sku ON event_tags(event, sku) WHERE sku IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS event_tags_category ON event_tags(event, category)
    WHERE category IS NOT NULL;

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

CREATE TRIGGER IF NOT EXISTS orders_no_update BEFORE UPDATE ON orders
BEGIN SELECT RAISE(ABORT, 'orders is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS orders_no_delete BEFORE DELETE ON orders
BEGIN SELECT RAISE(ABORT, 'orders is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_lines_no_update BEFORE UPDATE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order_lines is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_lines_no_delete BEFORE DELETE ON order_lines
BEGIN SELECT RAISE(ABORT, 'order_lines is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS reservations_no_update BEFORE UPDATE ON reservations
BEGIN SELECT RAISE(ABORT, 'reservations is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS reservations_no_delete BEFORE DELETE ON reservations
BEGIN SELECT RAISE(ABORT, 'reservations is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS payments_no_update BEFORE UPDATE ON payments
BEGIN SELECT RAISE(ABORT, 'payments is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS payments_no_delete BEFORE DELETE ON payments
BEGIN SELECT RAISE(ABORT, 'payments is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_events_no_update BEFORE UPDATE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_events_no_delete BEFORE DELETE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_source_rows_no_update BEFORE UPDATE ON order_source_rows
BEGIN SELECT RAISE(ABORT, 'order_source_rows is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS order_source_rows_no_delete BEFORE DELETE ON order_source_rows
BEGIN SELECT RAISE(ABORT, 'order_source_rows is append-only: record a correction instead'); END;

CREATE TRIGGER IF NOT EXISTS shipments_no_update BEFORE UPDATE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS shipments_no_delete BEFORE DELETE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS shipment_lines_no_update BEFORE UPDATE ON shipment_lines
BEGIN SELECT RAISE(ABORT, 'shipment_lines is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS shipment_lines_no_delete BEFORE DELETE ON shipment_lines
BEGIN SELECT RAISE(ABORT, 'shipment_lines is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS shipment_events_no_update BEFORE UPDATE ON shipment_events
BEGIN SELECT RAISE(ABORT, 'shipment_events is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS shipment_events_no_delete BEFORE DELETE ON shipment_events
BEGIN SELECT RAISE(ABORT, 'shipment_events is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS returns_no_update BEFORE UPDATE ON returns
BEGIN SELECT RAISE(ABORT, 'returns is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS returns_no_delete BEFORE DELETE ON returns
BEGIN SELECT RAISE(ABORT, 'returns is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS return_lines_no_update BEFORE UPDATE ON return_lines
BEGIN SELECT RAISE(ABORT, 'return_lines is append-only: record a correction instead'); END;
CREATE TRIGGER IF NOT EXISTS return_lines_no_delete BEFORE DELETE ON return_lines
BEGIN SELECT RAISE(ABORT, 'return_lines is append-only: record a correction instead'); END;

CREATE TRIGGER IF NOT EXISTS purchase_orders_no_update BEFORE UPDATE ON purchase_orders
BEGIN SELECT RAISE(ABORT, 'purchase_orders is append-only: cancel the order instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_orders_no_delete BEFORE DELETE ON purchase_orders
BEGIN SELECT RAISE(ABORT, 'purchase_orders is append-only: cancel the order instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_lines_no_update BEFORE UPDATE ON purchase_lines
BEGIN SELECT RAISE(ABORT, 'purchase_lines is append-only: cancel the order instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_lines_no_delete BEFORE DELETE ON purchase_lines
BEGIN SELECT RAISE(ABORT, 'purchase_lines is append-only: cancel the order instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipts_no_update BEFORE UPDATE ON purchase_receipts
BEGIN SELECT RAISE(ABORT, 'purchase_receipts is append-only: void its lots instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipts_no_delete BEFORE DELETE ON purchase_receipts
BEGIN SELECT RAISE(ABORT, 'purchase_receipts is append-only: void its lots instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipt_lots_no_update BEFORE UPDATE ON purchase_receipt_lots
BEGIN SELECT RAISE(ABORT, 'purchase_receipt_lots is append-only: void the lot instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipt_lots_no_delete BEFORE DELETE ON purchase_receipt_lots
BEGIN SELECT RAISE(ABORT, 'purchase_receipt_lots is append-only: void the lot instead'); END;
CREATE TRIGGER IF NOT EXISTS purchase_cancellations_no_update BEFORE UPDATE ON purchase_cancellations
BEGIN SELECT RAISE(ABORT, 'purchase_cancellations is append-only'); END;
CREATE TRIGGER IF NOT EXISTS purchase_cancellations_no_delete BEFORE DELETE ON purchase_cancellations
BEGIN SELECT RAISE(ABORT, 'purchase_cancellations is append-only'); END;

CREATE TRIGGER IF NOT EXISTS tickets_no_update BEFORE UPDATE ON tickets
BEGIN SELECT RAISE(ABORT, 'tickets is append-only: close or reopen the ticket instead'); END;
CREATE TRIGGER IF NOT EXISTS tickets_no_delete BEFORE DELETE ON tickets
BEGIN SELECT RAISE(ABORT, 'tickets is append-only: close the ticket instead'); END;
CREATE TRIGGER IF NOT EXISTS ticket_messages_no_update BEFORE UPDATE ON ticket_messages
BEGIN SELECT RAISE(ABORT, 'ticket_messages is append-only: send a new message instead'); END;
CREATE TRIGGER IF NOT EXISTS ticket_messages_no_delete BEFORE DELETE ON ticket_messages
BEGIN SELECT RAISE(ABORT, 'ticket_messages is append-only: send a new message instead'); END;
CREATE TRIGGER IF NOT EXISTS ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: close or reopen the ticket instead'); END;
CREATE TRIGGER IF NOT EXISTS ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: close or reopen the ticket instead'); END;
-- INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse it too.
CREATE TRIGGER IF NOT EXISTS tickets_no_replace BEFORE INSERT ON tickets
WHEN EXISTS (SELECT 1 FROM tickets WHERE id = new.id)
BEGIN SELECT RAISE(ABORT, 'tickets is append-only: a ticket cannot be replaced'); END;
CREATE TRIGGER IF NOT EXISTS ticket_messages_no_replace BEFORE INSERT ON ticket_messages
WHEN EXISTS (SELECT 1 FROM ticket_messages WHERE id = new.id)
BEGIN SELECT RAISE(ABORT, 'ticket_messages is append-only: send a new message instead'); END;
CREATE TRIGGER IF NOT EXISTS ticket_events_no_replace BEFORE INSERT ON ticket_events
WHEN EXISTS (SELECT 1 FROM ticket_events WHERE entry_id = new.entry_id)
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only: close or reopen the ticket instead'); END;

CREATE TRIGGER IF NOT EXISTS notifications_no_update BEFORE UPDATE ON notifications
BEGIN SELECT RAISE(ABORT, 'notifications is append-only: a message once queued stays as it was'); END;
CREATE TRIGGER IF NOT EXISTS notifications_no_delete BEFORE DELETE ON notifications
BEGIN SELECT RAISE(ABORT, 'notifications is append-only: a message once queued stays as it was'); END;
CREATE TRIGGER IF NOT EXISTS notification_attempts_no_update BEFORE UPDATE ON notification_attempts
BEGIN SELECT RAISE(ABORT, 'notification_attempts is append-only: record a new outcome instead'); END;
CREATE TRIGGER IF NOT EXISTS notification_attempts_no_delete BEFORE DELETE ON notification_attempts
BEGIN SELECT RAISE(ABORT, 'notification_attempts is append-only: record a new outcome instead'); END;

-- INSERT OR REPLACE deletes the row it collides with without firing DELETE triggers
-- (unless recursive_triggers is on), so every ledger table also refuses an INSERT that
-- collides with a row it already has.
CREATE TRIGGER IF NOT EXISTS entries_no_replace BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'entries is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS fx_rates_no_replace BEFORE INSERT ON fx_rates
WHEN EXISTS (SELECT 1 FROM fx_rates WHERE (entry_id = NEW.entry_id))
BEGIN SELECT RAISE(ABORT, 'fx_rates is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS lots_no_replace BEFORE INSERT ON lots
WHEN EXISTS (SELECT 1 FROM lots WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'lots is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS movements_no_replace BEFORE INSERT ON movements
WHEN EXISTS (SELECT 1 FROM movements WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'movements is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS voids_no_replace BEFORE INSERT ON voids
WHEN EXISTS (SELECT 1 FROM voids WHERE (entry_id = NEW.entry_id) OR (target = NEW.target))
BEGIN SELECT RAISE(ABORT, 'voids is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS orders_no_replace BEFORE INSERT ON orders
WHEN EXISTS (SELECT 1 FROM orders WHERE (id = NEW.id) OR (channel = NEW.channel AND external_id = NEW.external_id))
BEGIN SELECT RAISE(ABORT, 'orders is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS order_lines_no_replace BEFORE INSERT ON order_lines
WHEN EXISTS (SELECT 1 FROM order_lines WHERE (id = NEW.id) OR (order_id = NEW.order_id AND line_no = NEW.line_no))
BEGIN SELECT RAISE(ABORT, 'order_lines is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS reservations_no_replace BEFORE INSERT ON reservations
WHEN EXISTS (SELECT 1 FROM reservations WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'reservations is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS payments_no_replace BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM payments WHERE (entry_id = NEW.entry_id))
BEGIN SELECT RAISE(ABORT, 'payments is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS order_events_no_replace BEFORE INSERT ON order_events
WHEN EXISTS (SELECT 1 FROM order_events WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'order_events is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS order_source_rows_no_replace BEFORE INSERT ON order_source_rows
WHEN EXISTS (SELECT 1 FROM order_source_rows WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'order_source_rows is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS shipments_no_replace BEFORE INSERT ON shipments
WHEN EXISTS (SELECT 1 FROM shipments WHERE (id = NEW.id) OR (tracking = NEW.tracking
             AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = shipments.id)))
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS shipment_lines_no_replace BEFORE INSERT ON shipment_lines
WHEN EXISTS (SELECT 1 FROM shipment_lines WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'shipment_lines is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS shipment_events_no_replace BEFORE INSERT ON shipment_events
WHEN EXISTS (SELECT 1 FROM shipment_events WHERE (id = NEW.id) OR (shipment_id = NEW.shipment_id AND status = NEW.status AND at = NEW.at))
BEGIN SELECT RAISE(ABORT, 'shipment_events is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS returns_no_replace BEFORE INSERT ON returns
WHEN EXISTS (SELECT 1 FROM returns WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'returns is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS return_lines_no_replace BEFORE INSERT ON return_lines
WHEN EXISTS (SELECT 1 FROM return_lines WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'return_lines is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS purchase_orders_no_replace BEFORE INSERT ON purchase_orders
WHEN EXISTS (SELECT 1 FROM purchase_orders WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'purchase_orders is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS purchase_lines_no_replace BEFORE INSERT ON purchase_lines
WHEN EXISTS (SELECT 1 FROM purchase_lines WHERE (id = NEW.id) OR (po_id = NEW.po_id AND line_no = NEW.line_no))
BEGIN SELECT RAISE(ABORT, 'purchase_lines is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipts_no_replace BEFORE INSERT ON purchase_receipts
WHEN EXISTS (SELECT 1 FROM purchase_receipts WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'purchase_receipts is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS purchase_receipt_lots_no_replace BEFORE INSERT ON purchase_receipt_lots
WHEN EXISTS (SELECT 1 FROM purchase_receipt_lots WHERE (lot_id = NEW.lot_id))
BEGIN SELECT RAISE(ABORT, 'purchase_receipt_lots is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS purchase_cancellations_no_replace BEFORE INSERT ON purchase_cancellations
WHEN EXISTS (SELECT 1 FROM purchase_cancellations WHERE (entry_id = NEW.entry_id) OR (po_id = NEW.po_id))
BEGIN SELECT RAISE(ABORT, 'purchase_cancellations is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS notifications_no_replace BEFORE INSERT ON notifications
WHEN EXISTS (SELECT 1 FROM notifications WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'notifications is append-only: a row with that key exists'); END;
CREATE TRIGGER IF NOT EXISTS notification_attempts_no_replace BEFORE INSERT ON notification_attempts
WHEN EXISTS (SELECT 1 FROM notification_attempts WHERE (id = NEW.id))
BEGIN SELECT RAISE(ABORT, 'notification_attempts is append-only: a row with that key exists'); END;

------------------------------------------------------------------ caches
-- Not facts: running totals kept by the triggers below in the same transaction as the
-- facts they add up, so a write can ask "how many are here now, and what happens to that
-- number after time T" without summing a SKU's whole history. Rebuildable from movements
-- and reservations (`daigou db rebuild`); `daigou db check` verifies them row by row.
-- Views never read them: views answer --as-of, these only the ledger as it stands.
CREATE TABLE IF NOT EXISTS stock_balances (
    sku      TEXT NOT NULL,
    location TEXT NOT NULL,
    on_hand  INTEGER NOT NULL DEFAULT 0,   -- SUM(movements.qty)
    reserved INTEGER NOT NULL DEFAULT 0,   -- SUM(reservations.qty)
    PRIMARY KEY (sku, location)
) WITHOUT ROWID;

-- The same sums per moment (facts dated at one instant add up to one row).
CREATE TABLE IF NOT EXISTS stock_moments (
    sku      TEXT NOT NULL,
    location TEXT NOT NULL,
    at       TEXT NOT NULL,
    on_hand  INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sku, location, at)
) WITHOUT ROWID;

CREATE TRIGGER IF NOT EXISTS movements_cache AFTER INSERT ON movements BEGIN
    INSERT INTO stock_balances(sku, location, on_hand) VALUES (NEW.sku, NEW.location, NEW.qty)
        ON CONFLICT (sku, location) DO UPDATE SET on_hand = on_hand + excluded.on_hand;
    INSERT INTO stock_moments(sku, location, at, on_hand) VALUES (NEW.sku, NEW.location, NEW.at, NEW.qty)
        ON CONFLICT (sku, location, at) DO UPDATE SET on_hand = on_hand + excluded.on_hand;
END;

CREATE TRIGGER IF NOT EXISTS reservations_cache AFTER INSERT ON reservations BEGIN
    INSERT INTO stock_balances(sku, location, reserved) VALUES (NEW.sku, NEW.location, NEW.qty)
        ON CONFLICT (sku, location) DO UPDATE SET reserved = reserved + excluded.reserved;
    INSERT INTO stock_moments(sku, location, at, reserved) VALUES (NEW.sku, NEW.location, NEW.at, NEW.qty)
        ON CONFLICT (sku, location, at) DO UPDATE SET reserved = reserved + excluded.reserved;
END;

------------------------------------------------------------------ derived state
-- Every view reads facts up to (SELECT as_of FROM as_of_clock): the end of time here,
-- any past moment when a command runs with --as-of (daigou_cli/core/asof.py inlines
-- these views with another clock). Keep that filter on every fact a view reads.

DROP VIEW IF EXISTS as_of_clock;
CREATE VIEW as_of_clock AS SELECT '9999-12-31T23:59:59Z' AS as_of;

DROP VIEW IF EXISTS fx_rates_active;
CREATE VIEW fx_rates_active AS
SELECT f.* FROM fx_rates f
WHERE f.at <= (SELECT as_of FROM as_of_clock)
  AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                  WHERE v.target = f.entry_id AND e.at <= (SELECT as_of FROM as_of_clock));

DROP VIEW IF EXISTS lot_balances;
CREATE VIEW lot_balances AS
SELECT l.id AS lot_id, l.sku, m.location, SUM(m.qty) AS qty,
       l.code, l.received_at, l.expiry, l.unit_cost, l.currency, l.fx_rate,
       l.unit_cost_base, SUM(m.qty) * l.unit_cost_base AS value_base
FROM movements m JOIN lots l ON l.id = m.lot_id
WHERE m.at <= (SELECT as_of FROM as_of_clock)
GROUP BY l.id, m.location;

DROP VIEW IF EXISTS stock_on_hand;
CREATE VIEW stock_on_hand AS
-- Grouped by the columns callers filter on, so `WHERE sku = ?` reads one SKU's movements.
SELECT m.sku, m.location, SUM(m.qty) AS on_hand, SUM(m.qty * l.unit_cost_base) AS value_base
FROM movements m JOIN lots l ON l.id = m.lot_id
WHERE m.at <= (SELECT as_of FROM as_of_clock)
GROUP BY m.sku, m.location;

DROP VIEW IF EXISTS reservation_balances;
CREATE VIEW reservation_balances AS
SELECT order_line_id, sku, location, SUM(qty) AS qty
FROM reservations WHERE at <= (SELECT as_of FROM as_of_clock)
GROUP BY order_line_id, location HAVING SUM(qty) <> 0;

-- Purchase order lines: ordered, received (lots not voided) and still open. Defined before
-- stock_levels, which counts the open units as incoming.
DROP VIEW IF EXISTS purchase_line_status;
CREATE VIEW purchase_line_status AS
SELECT pl.id AS line_id, pl.po_id, pl.line_no, pl.sku, pl.qty, pl.unit_cost, po.currency,
       po.supplier_id, po.location, COALESCE(rc.qty, 0) AS received,
       c.po_id IS NOT NULL AS cancelled,
       CASE WHEN c.po_id IS NOT NULL THEN 0 ELSE MAX(pl.qty - COALESCE(rc.qty, 0), 0) END AS open_qty
FROM purchase_lines pl
JOIN purchase_orders po ON po.id = pl.po_id AND po.at <= (SELECT as_of FROM as_of_clock)
LEFT JOIN (SELECT rl.purchase_line_id, SUM(rl.qty) AS qty FROM purchase_receipt_lots rl
           JOIN purchase_receipts r ON r.id = rl.receipt_id
           WHERE r.at <= (SELECT as_of FROM as_of_clock)
             AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                             WHERE v.target = rl.lot_id AND e.at <= (SELECT as_of FROM as_of_clock))
           GROUP BY rl.purchase_line_id) rc ON rc.purchase_line_id = pl.id
LEFT JOIN purchase_cancellations c ON c.po_id = pl.po_id AND c.at <= (SELECT as_of FROM as_of_clock);

-- Units on open purchase lines, by SKU and the location they will arrive at (NULL: unknown).
DROP VIEW IF EXISTS purchase_incoming;
CREATE VIEW purchase_incoming AS
SELECT sku, location, SUM(open_qty) AS qty FROM purchase_line_status
WHERE open_qty > 0 GROUP BY sku, location;

-- Incoming stands on the row of the location a purchase order will arrive at; when that is
-- unknown, on the SKU's first location (by code), or on a row with no location when the SKU
-- has no stock anywhere yet.
DROP VIEW IF EXISTS stock_levels;
CREATE VIEW stock_levels AS
-- One row per SKU and place it has been or is coming to. The sums are correlated
-- subqueries on (sku, location) indexes, so `WHERE sku = ?` (every order taken asks)
-- reads that SKU's facts only, however big the ledger grows.
WITH incoming AS (
    SELECT i.sku, COALESCE(i.location, (SELECT MIN(h.location) FROM movements h
                                        WHERE h.sku = i.sku)) AS location, SUM(i.qty) AS qty
    FROM purchase_incoming i GROUP BY 1, 2
), places AS (
    SELECT DISTINCT sku, location FROM movements WHERE at <= (SELECT as_of FROM as_of_clock)
    UNION SELECT sku, location FROM incoming
), sums AS (
    SELECT p.sku, p.location,
           (SELECT COALESCE(SUM(m.qty), 0) FROM movements m WHERE m.sku = p.sku AND m.location = p.location
             AND m.at <= (SELECT as_of FROM as_of_clock)) AS on_hand,
           (SELECT COALESCE(SUM(m.qty * l.unit_cost_base), 0) FROM movements m JOIN lots l ON l.id = m.lot_id
             WHERE m.sku = p.sku AND m.location = p.location
             AND m.at <= (SELECT as_of FROM as_of_clock)) AS value_base,
           (SELECT COALESCE(SUM(r.qty), 0) FROM reservations r WHERE r.sku = p.sku AND r.location = p.location
             AND r.at <= (SELECT as_of FROM as_of_clock)) AS reserved,
           (SELECT COALESCE(SUM(i.qty), 0) FROM incoming i WHERE i.sku = p.sku AND i.location IS p.location)
               AS incoming
    FROM places p
)
SELECT sku, location, on_hand, reserved, on_hand - reserved AS available, incoming, value_base
FROM sums;

DROP VIEW IF EXISTS order_cancellations;
CREATE VIEW order_cancellations AS
SELECT order_id, MIN(at) AS at, note AS reason FROM order_events
WHERE kind = 'cancelled' AND at <= (SELECT as_of FROM as_of_clock)
GROUP BY order_id;

-- Per order line: reserved now, shipped (parcels not voided), returned, and what is
-- back-ordered. Correlated subqueries (each an index lookup) rather than joins to grouped
-- tables, so asking about one order reads that order's rows, not the whole ledger.
DROP VIEW IF EXISTS order_line_status;
CREATE VIEW order_line_status AS
SELECT line_id, order_id, line_no, sku, qty, price, reserved, shipped, returned,
       CASE WHEN cancelled THEN 0 ELSE qty - reserved - shipped END AS backordered
FROM (
    SELECT ol.id AS line_id, ol.order_id, ol.line_no, ol.sku, ol.qty, ol.price,
           (SELECT COALESCE(SUM(r.qty), 0) FROM reservations r
             WHERE r.order_line_id = ol.id AND r.at <= (SELECT as_of FROM as_of_clock)) AS reserved,
           (SELECT COALESCE(SUM(l.qty), 0) FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id
             WHERE l.order_line_id = ol.id AND s.at <= (SELECT as_of FROM as_of_clock)
               AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                               WHERE v.target = s.id AND e.at <= (SELECT as_of FROM as_of_clock))) AS shipped,
           (SELECT COALESCE(SUM(l.qty), 0) FROM return_lines l JOIN returns x ON x.id = l.return_id
             WHERE l.order_line_id = ol.id AND x.at <= (SELECT as_of FROM as_of_clock)) AS returned,
           EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = ol.order_id AND e.kind = 'cancelled'
                    AND e.at <= (SELECT as_of FROM as_of_clock)) AS cancelled
    FROM order_lines ol
    JOIN orders o ON o.id = ol.order_id AND o.at <= (SELECT as_of FROM as_of_clock)
);

-- Per parcel: the latest tracking status (info_received until a tracker says more),
-- when it was delivered and how many days it took. A voided parcel (`daigou void`) is gone
-- from the void's time on, and its tracking events with it.
DROP VIEW IF EXISTS shipment_status;
CREATE VIEW shipment_status AS
SELECT s.id, s.order_id, s.carrier, s.service, s.tracking, s.location, s.cost, s.weight_g,
       s.declared, s.insured, s.at AS shipped_at,
       -- trackers report out of order: a final status (delivered, returned, lost) wins
       COALESCE((SELECT ev.status FROM shipment_events ev
                  WHERE ev.shipment_id = s.id AND ev.at <= (SELECT as_of FROM as_of_clock)
                  ORDER BY ev.status IN ('delivered', 'returned', 'lost') DESC, ev.at DESC, ev.id DESC
                  LIMIT 1), 'info_received') AS status,
       (SELECT MIN(ev.at) FROM shipment_events ev WHERE ev.shipment_id = s.id AND ev.status = 'delivered'
          AND ev.at <= (SELECT as_of FROM as_of_clock)) AS delivered_at,
       COALESCE((SELECT MAX(ev.at) FROM shipment_events ev WHERE ev.shipment_id = s.id
                  AND ev.at <= (SELECT as_of FROM as_of_clock)), s.at) AS last_event_at
FROM shipments s
WHERE s.at <= (SELECT as_of FROM as_of_clock)
  AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                  WHERE v.target = s.id AND e.at <= (SELECT as_of FROM as_of_clock));

-- Per order: money and the derived state (exactly the states PRODUCT.md lists).
-- Refunds (negative payments) lower what was paid and, on an order that stands, what is
-- owed: a refund after a return or as a discount never makes a balance due again.
-- A voided payment or refund (`daigou void`) stops counting from the void's own time on.
DROP VIEW IF EXISTS order_summary;
CREATE VIEW order_summary AS
WITH t AS (
    SELECT o.id, o.customer_id, o.channel, o.external_id, o.currency, o.priority, o.due, o.ship_to, o.at,
           l.total, l.units, l.reserved, l.backordered, l.shipped, l.returned,
           (SELECT COALESCE(SUM(MAX(p.amount, 0)), 0) FROM payments p
             WHERE p.order_id = o.id AND p.at <= (SELECT as_of FROM as_of_clock)
               AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                               WHERE v.target = p.entry_id AND e.at <= (SELECT as_of FROM as_of_clock)))
               AS paid_in,
           (SELECT COALESCE(SUM(MAX(-p.amount, 0)), 0) FROM payments p
             WHERE p.order_id = o.id AND p.at <= (SELECT as_of FROM as_of_clock)
               AND NOT EXISTS (SELECT 1 FROM voids v JOIN entries e ON e.id = v.entry_id
                               WHERE v.target = p.entry_id AND e.at <= (SELECT as_of FROM as_of_clock)))
               AS refunded,
           EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.kind = 'cancelled'
                    AND e.at <= (SELECT as_of FROM as_of_clock)) AS cancelled,
           COALESCE((SELECT MIN(ss.status = 'delivered') FROM shipment_status ss WHERE ss.order_id = o.id), 0)
               AS delivered
    FROM orders o
    -- SQLite pushes `WHERE id = ?` down into this grouped subquery: one order reads its own lines
    JOIN (SELECT order_id, SUM(qty * price) AS total, SUM(qty) AS units, SUM(reserved) AS reserved,
                 SUM(backordered) AS backordered, SUM(shipped) AS shipped, SUM(returned) AS returned
          FROM order_line_status GROUP BY order_id) l ON l.order_id = o.id
    WHERE o.at <= (SELECT as_of FROM as_of_clock)
)
SELECT id, customer_id, channel, external_id, currency, priority, due, ship_to, at AS created_at,
       total, paid_in - refunded AS paid, refunded, units, reserved, backordered, shipped, returned, delivered,
       CASE WHEN cancelled THEN 0 ELSE MAX(total - paid_in, 0) END AS balance_due,
       CASE WHEN cancelled THEN paid_in - refunded ELSE MAX(paid_in - total, 0) END AS refund_due,
       CASE
           WHEN cancelled THEN 'cancelled'
           WHEN returned > 0 AND returned >= units THEN 'returned'
           WHEN returned > 0 THEN 'partially_returned'
           WHEN shipped >= units AND delivered THEN 'delivered'
           WHEN shipped >= units THEN 'shipped'
           WHEN shipped > 0 THEN 'partially_shipped'
           WHEN paid_in >= total THEN 'paid'
           WHEN paid_in > 0 THEN 'deposit_paid'
           ELSE 'pending'
       END AS state
FROM t;

------------------------------------------------------------------ purchasing and replenishment (views)

-- Per purchase order: totals and the derived status (open, partially_received, received,
-- cancelled). `total` is the goods at order price, minor units of `currency`.
DROP VIEW IF EXISTS purchase_summary;
CREATE VIEW purchase_summary AS
SELECT po.id, po.supplier_id, po.currency, po.location, po.at AS created_at,
       COUNT(*) AS lines, SUM(s.qty) AS ordered, SUM(s.received) AS received,
       SUM(s.open_qty) AS open_qty, SUM(s.qty * s.unit_cost) AS total,
       SUM(s.received * s.unit_cost) AS received_value,
       CASE WHEN MAX(s.cancelled) THEN 'cancelled'
            WHEN SUM(s.open_qty) = 0 THEN 'received'
            WHEN SUM(s.received) > 0 THEN 'partially_received'
            ELSE 'open' END AS status
FROM purchase_orders po JOIN purchase_line_status s ON s.po_id = po.id
GROUP BY po.id;

-- Per SKU: what is there, what is coming and who is waiting; reorder and the shopping list
-- start from here. Incoming units go to customers already waiting first: `promised`.
DROP VIEW IF EXISTS stock_position;
CREATE VIEW stock_position AS
WITH lv AS (
    SELECT sku, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved, SUM(incoming) AS incoming
    FROM stock_levels GROUP BY sku
), bo AS (
    SELECT sku, SUM(backordered) AS backordered FROM order_line_status
    WHERE backordered > 0 GROUP BY sku
)
SELECT p.sku, p.name, p.category, p.zone, p.supplier_id, p.reorder_point, p.reorder_qty,
       p.pack_size, COALESCE(lv.on_hand, 0) AS on_hand, COALESCE(lv.reserved, 0) AS reserved,
       COALESCE(lv.on_hand, 0) - COALESCE(lv.reserved, 0) AS available,
       COALESCE(lv.incoming, 0) AS incoming, COALESCE(bo.backordered, 0) AS backordered,
       MIN(COALESCE(lv.incoming, 0), COALESCE(bo.backordered, 0)) AS promised
FROM products p
LEFT JOIN lv ON lv.sku = p.sku
LEFT JOIN bo ON bo.sku = p.sku;

------------------------------------------------------------------ customer service (views)

-- Per ticket: its messages and the derived state. The clock is `now` (or the --as-of moment
-- when earlier). The customer is waiting from their first contact (the opening, a message
-- of theirs, a reopening) after I last handled the ticket (my reply, a close) until I reply
-- or close it; a follow-up does not restart the clock. `due_at` and `overdue` count
-- wall-clock sla_hours (config, default 24); with config business_hours set,
-- daigou_cli/core/service_views.py recounts them in business hours, which need the time
-- zone that SQL does not have. Times in seconds are exact integers.
DROP VIEW IF EXISTS ticket_status;
CREATE VIEW ticket_status AS
WITH msg AS (
    SELECT * FROM ticket_messages WHERE at <= (SELECT as_of FROM as_of_clock)
), ev AS (
    SELECT * FROM ticket_events WHERE at <= (SELECT as_of FROM as_of_clock)
), last_event AS (
    SELECT ticket_id, kind, resolution, at FROM (
        SELECT ticket_id, kind, resolution, at,
               ROW_NUMBER() OVER (PARTITION BY ticket_id ORDER BY at DESC, entry_id DESC) AS n
        FROM ev)
    WHERE n = 1
), contact AS (
    SELECT id AS ticket_id, at FROM tickets
    UNION ALL SELECT ticket_id, at FROM msg WHERE sender = 'customer'
    UNION ALL SELECT ticket_id, at FROM ev WHERE kind = 'reopened'
), sla AS (
    SELECT MIN((SELECT as_of FROM as_of_clock), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) AS now,
           CAST(COALESCE((SELECT value FROM config WHERE key = 'sla_hours'), '24') AS REAL) AS hours
), t AS (
    SELECT tk.id, tk.customer_id, tk.channel, tk.order_id, tk.subject, tk.at AS opened_at,
           CASE WHEN le.kind = 'closed' THEN 'closed' ELSE 'open' END AS status,
           CASE WHEN le.kind = 'closed' THEN le.at END AS closed_at,
           CASE WHEN le.kind = 'closed' THEN le.resolution END AS resolution,
           (SELECT count(*) FROM msg WHERE msg.ticket_id = tk.id) AS messages,
           (SELECT MIN(at) FROM msg WHERE msg.ticket_id = tk.id AND sender = 'me') AS first_response_at,
           COALESCE((SELECT MAX(at) FROM msg WHERE msg.ticket_id = tk.id), tk.at) AS last_message_at,
           (SELECT MAX(at) FROM msg WHERE msg.ticket_id = tk.id AND sender = 'me') AS last_reply_at,
           MAX(COALESCE((SELECT MAX(at) FROM msg WHERE msg.ticket_id = tk.id AND sender = 'me'), ''),
               COALESCE((SELECT MAX(at) FROM ev WHERE ev.ticket_id = tk.id AND kind = 'closed'), ''))
               AS handled_at
    FROM tickets tk
    LEFT JOIN last_event le ON le.ticket_id = tk.id
    WHERE tk.at <= (SELECT as_of FROM as_of_clock)
), w AS (
    SELECT t.*,
           CASE WHEN t.status = 'open' THEN
               (SELECT MIN(c.at) FROM contact c WHERE c.ticket_id = t.id AND c.at > t.handled_at)
           END AS waiting_since,
           strftime('%Y-%m-%dT%H:%M:%SZ', t.opened_at, '+' || sla.hours || ' hours') AS first_due_at,
           sla.hours AS sla_hours, sla.now AS clock
    FROM t, sla
)
SELECT id, customer_id, channel, order_id, subject, status, opened_at, closed_at, resolution,
       messages, first_response_at, last_message_at, last_reply_at, waiting_since,
       strftime('%s', first_response_at) - strftime('%s', opened_at) AS first_response_seconds,
       CASE WHEN closed_at IS NOT NULL THEN strftime('%s', closed_at) - strftime('%s', opened_at)
            END AS resolution_seconds,
       -- first reply within sla_hours of opening: 1, 0, or NULL while that is still open
       CASE WHEN first_response_at IS NOT NULL THEN first_response_at <= first_due_at
            WHEN first_due_at < clock THEN 0 END AS sla_met,
       sla_hours, first_due_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', waiting_since, '+' || sla_hours || ' hours') AS due_at,
       COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', waiting_since, '+' || sla_hours || ' hours') < clock, 0)
           AS overdue,
       clock
FROM w;

-- How often each FAQ entry was used to answer (ticket reply --faq).
DROP VIEW IF EXISTS faq_usage;
CREATE VIEW faq_usage AS
SELECT f.id, f.question, f.answer, f.tags, f.created_at, f.updated_at,
       COUNT(m.id) AS uses, MAX(m.at) AS last_used_at
FROM faq f
LEFT JOIN ticket_messages m ON m.faq_id = f.id AND m.at <= (SELECT as_of FROM as_of_clock)
GROUP BY f.id;

------------------------------------------------------------------ notifications (views)

-- Per message: pending (never tried, or the last try failed or was skipped: the next
-- `notify send` tries it), sending (claimed with no outcome: in doubt, not sent again
-- automatically), sent, or withdrawn: the fact it tells of was voided (`daigou void` of its
-- payment or refund entry, or of its parcel) before it went out, so it is never sent.
-- A 'sent' row wins whatever follows; withdrawn_by is the void entry.
DROP VIEW IF EXISTS notification_status;
CREATE VIEW notification_status AS
WITH a AS (
    SELECT * FROM notification_attempts WHERE at <= (SELECT as_of FROM as_of_clock)
), last AS (
    SELECT notification_id, MAX(id) AS id, SUM(outcome = 'claimed') AS attempts,
           MIN(CASE WHEN outcome = 'sent' THEN at END) AS sent_at
    FROM a GROUP BY notification_id
), m AS (
    SELECT n.*,
           (SELECT MIN(v.entry_id) FROM voids v JOIN entries e ON e.id = v.entry_id
             WHERE v.target IN (n.entry_id, n.shipment_id)
               AND e.at <= (SELECT as_of FROM as_of_clock)) AS void_id
    FROM notifications n
    WHERE n.at <= (SELECT as_of FROM as_of_clock)
)
SELECT m.id, m.entry_id, m.order_id, m.customer_id, m.shipment_id, m.kind, m.language,
       m.subject, m.body, m.at AS created_at, m.recorded_at,
       CASE WHEN l.sent_at IS NOT NULL THEN 'sent'
            WHEN m.void_id IS NOT NULL THEN 'withdrawn'
            WHEN x.outcome = 'claimed' THEN 'sending'
            ELSE 'pending' END AS status,
       l.sent_at, COALESCE(l.attempts, 0) AS attempts,
       CASE WHEN l.sent_at IS NULL AND x.outcome IN ('failed', 'skipped') THEN x.detail END AS last_error,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.id END AS claim_id,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.sender END AS claimed_by,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.at END AS claimed_at,
       CASE WHEN l.sent_at IS NULL THEN m.void_id END AS withdrawn_by
FROM m
LEFT JOIN last l ON l.notification_id = m.id
LEFT JOIN a x ON x.id = l.id;
