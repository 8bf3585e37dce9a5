"""After `daigou void` of a parcel or of money: a voided parcel gives its tracking number back
to the parcel that really left (ship, shipment event and shipment import then mean that one),
messages about a voided payment, refund or parcel are withdrawn instead of sent, and a
ledger written at schema 8 (tracking numbers unique for good) is upgraded to allow it."""

import json
import sqlite3
import sys

import pytest

from daigou_cli.core.migrations import SCHEMA_VERSION

LEDGER_TABLES = ("entries", "voids", "shipments", "shipment_lines", "shipment_events", "movements",
                 "reservations", "payments", "notifications", "notification_attempts")


def counts(daigou):
    return {t: daigou.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in LEDGER_TABLES}


def one_line(result, code):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr.rstrip("\n")


def entry(result) -> int:
    return int(result.stdout.strip())


def states(daigou):
    return {int(r["id"]): r["state"] for r in daigou.csv("order list")}


def parcels(daigou, as_of=None):
    rows = daigou.csv("shipment list" + (f" --as-of {as_of}" if as_of else ""))
    return [(r["tracking"], int(r["order_id"]), r["status"]) for r in rows]


def messages(daigou, args=""):
    return [(m["id"], m["order_id"], m["kind"], m["status"], m["withdrawn_by"])
            for m in daigou.json(f"notify list {args}".strip())]


def sent_ids(path):
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def mixed_up(shop):
    """5 SHI-50 at SH. 王小美 (order a, 2 units) and 李先生 (order b, 1 unit) paid in full on
    11-01. On 11-02 at 10:00 parcel SF1, 王小美's, was recorded on 李先生's order by mistake.
    Messages 1-4: order_confirmed and payment_received for a, then for b; 5: shipped for b."""
    shop.run("stock add SHI-50 5 --cost 200 --location SH --at 2026-10-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    shop.run(["customer", "add", "李先生", "--wechat", "lixs", "--region", "Shanghai"])
    shop.a = entry(shop.run("order new wxm_88 SHI-50:2@420 --deposit 840 --at 2026-11-01 -q"))
    shop.b = entry(shop.run("order new lixs SHI-50:1@420 --deposit 420 --at 2026-11-01 -q"))
    shop.wrong = entry(shop.run(f"ship {shop.b} --carrier SF --tracking SF1 --cost 18 --at 2026-11-02T10:00 -q"))
    shop.void = shop.wrong + 1
    return shop


# ----------------------------------------------------------------- tracking numbers

def test_the_parcel_that_really_left_takes_the_number_back(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason 'parcel of order {d.a}' --at 2026-11-02T12:00")
    out = d.run(f"ship {d.a} --carrier SF --tracking SF1 --cost 18 --at 2026-11-02T12:00").stdout
    assert out == (f"shipped 2 units of order {d.a} from SH by SF SF1 (shipped, declared 840.00 CNY) "
                   f"(entry {d.void + 1})\n")
    assert parcels(d) == [("SF1", d.a, "info_received")]
    assert states(d) == {d.a: "shipped", d.b: "paid"}
    assert d.run("db check").exit_code == 0


def test_a_number_a_standing_parcel_has_is_refused_naming_its_order(mixed_up):
    d = mixed_up
    before = counts(d)
    line = one_line(d(f"ship {d.a} --carrier SF --tracking SF1 --at 2026-11-02T12:00"), 4)
    assert line == f"daigou: --tracking: SF1 is already on parcel {d.wrong} of order {d.b}"
    assert counts(d) == before
    assert states(d) == {d.a: "paid", d.b: "shipped"}


def test_once_given_back_and_used_again_the_number_is_taken(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason mix-up --at 2026-11-02T12:00")
    right = entry(d.run(f"ship {d.a} --carrier SF --tracking SF1 --at 2026-11-02T12:00 -q"))
    before = counts(d)
    line = one_line(d(f"ship {d.b} --carrier SF --tracking ' SF1 ' --at 2026-11-03"), 4)
    assert line == f"daigou: --tracking: SF1 is already on parcel {right} of order {d.a}"
    assert counts(d) == before
    d.run(f"ship {d.b} --carrier SF --tracking SF2 --at 2026-11-03")
    assert parcels(d) == [("SF1", d.a, "info_received"), ("SF2", d.b, "info_received")]


def test_the_ledger_itself_refuses_a_second_standing_parcel_with_a_number(mixed_up):
    d = mixed_up
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        d.sql("INSERT INTO shipments(id, order_id, carrier, tracking, location, declared, at) "
              "SELECT id, ?, 'SF', 'SF1', 'SH', 0, at FROM entries WHERE id = ?", (d.a, d.a))
    assert d.sql("SELECT COUNT(*) FROM shipments") == [(1,)]


def test_tracking_events_go_to_the_standing_parcel(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason mix-up --at 2026-11-02T12:00")
    right = entry(d.run(f"ship {d.a} --carrier SF --tracking SF1 --at 2026-11-02T12:00 -q"))
    assert d.run("shipment event SF1 in_transit --at 2026-11-03").stdout == f"SF1: in_transit (order {d.a} shipped)\n"
    assert d.run("shipment event SF1 delivered --at 2026-11-05").stdout == f"SF1: delivered (order {d.a} delivered)\n"
    assert states(d) == {d.a: "delivered", d.b: "paid"}
    assert d.sql("SELECT DISTINCT shipment_id FROM shipment_events") == [(right,)]
    assert [m for m in messages(d) if m[2] == "delivered"] == [(8, d.a, "delivered", "pending", None)]


def test_with_no_standing_parcel_the_event_goes_to_the_voided_one_and_changes_nothing(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason 'never left' --at 2026-11-02T12:00")
    before = counts(d)
    assert d.run("shipment event SF1 delivered --at 2026-11-04").stdout == f"SF1: delivered (order {d.b} paid)\n"
    assert d.sql("SELECT shipment_id FROM shipment_events") == [(d.wrong,)]
    assert counts(d)["notifications"] == before["notifications"]
    assert parcels(d) == []
    assert states(d) == {d.a: "paid", d.b: "paid"}


def test_shipment_import_matches_the_standing_parcel(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason mix-up --at 2026-11-02T12:00")
    # It really left at 09:00, an hour before the mistaken record: its 09:30 scan is its own.
    right = entry(d.run(f"ship {d.a} --carrier SF --tracking SF1 --at 2026-11-02T09:00 -q"))
    csv = "tracking,status,time\nSF1,InTransit,2026-11-02 09:30\nSF1,Delivered,2026-11-04 15:00\n"
    assert d.run("shipment import -", input=csv).stdout == "imported 2 events from stdin\n"
    assert d.sql("SELECT shipment_id, status FROM shipment_events ORDER BY at") == [
        (right, "in_transit"), (right, "delivered")]
    assert parcels(d) == [("SF1", d.a, "delivered")]
    assert states(d) == {d.a: "delivered", d.b: "paid"}
    assert d.run("shipment import -", input=csv).stdout == "imported 2 events from stdin (2 duplicate)\n"


# ----------------------------------------------------------------- withdrawn messages

def test_a_voided_parcels_messages_are_withdrawn_and_never_sent(mixed_up, tmp_path):
    d = mixed_up
    d.run("shipment event SF1 delivered --at 2026-11-04")
    d.run(f"void {d.wrong} --reason mix-up --at 2026-11-05")
    assert messages(d)[4:] == [(5, d.b, "shipped", "withdrawn", d.void + 1),
                               (6, d.b, "delivered", "withdrawn", d.void + 1)]
    # As it was before the void: both still to send.
    assert [m[3] for m in messages(d, "--as-of 2026-11-04")][4:] == ["pending", "pending"]
    out = tmp_path / "sent.jsonl"
    result = d.run(["notify", "send", "--exec", f"cat >> '{out}'"])
    assert result.stdout.endswith("4 sent, 0 failed, 0 skipped, 0 in doubt\n")
    assert result.stderr == ""
    assert sent_ids(out) == [1, 2, 3, 4]
    assert d.run(["notify", "send", "--exec", f"cat >> '{out}'"]).stdout == "nothing to send\n"
    assert messages(d, "--pending") == []
    assert [m[0] for m in messages(d, "--status withdrawn")] == [5, 6]
    assert d.sql("SELECT COUNT(*) FROM notification_attempts WHERE notification_id IN (5, 6)") == [(0,)]


def test_the_parcel_that_really_left_gets_its_own_messages(mixed_up, tmp_path):
    d = mixed_up
    d.run(f"void {d.wrong} --reason mix-up --at 2026-11-02T12:00")
    d.run(f"ship {d.a} --carrier SF --tracking SF1 --at 2026-11-02T12:00")
    d.run("shipment event SF1 delivered --at 2026-11-04")
    assert messages(d)[4:] == [(5, d.b, "shipped", "withdrawn", d.void),
                               (6, d.a, "shipped", "pending", None), (7, d.a, "delivered", "pending", None)]
    out = tmp_path / "sent.jsonl"
    d.run(["notify", "send", "--exec", f"cat >> '{out}'"])
    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(m["id"], m["customer"], m["kind"], m["tracking"]) for m in sent[4:]] == [
        (6, "王小美", "shipped", "SF1"), (7, "王小美", "delivered", "SF1")]


def test_a_voided_payments_message_is_withdrawn(shop, tmp_path):
    shop.run("stock add SHI-50 5 --cost 200 --location SH --at 2026-10-20")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88"])
    order = entry(shop.run("order new wxm_88 SHI-50:2@420 --deposit 100 --at 2026-11-01 -q"))
    typo = entry(shop.run(f"order pay {order} 740 --at 2026-11-02 -q"))
    shop.run(f"void {typo} --reason 'typed 740 for 74' --at 2026-11-03")
    shop.run(f"order pay {order} 74 --at 2026-11-03")
    assert messages(shop) == [(1, order, "order_confirmed", "pending", None),
                              (2, order, "deposit_received", "pending", None),
                              (3, order, "payment_received", "withdrawn", typo + 1),
                              (4, order, "deposit_received", "pending", None)]
    out = tmp_path / "sent.jsonl"
    shop.run(["notify", "send", "--exec", f"cat >> '{out}'"])
    assert sent_ids(out) == [1, 2, 4]
    record = shop.json("notify show 3")
    assert (record["status"], record["withdrawn_by"], record["history"]) == ("withdrawn", typo + 1, [])


def test_a_voided_refunds_message_is_withdrawn(mixed_up):
    d = mixed_up
    refund = entry(d.run(f"order refund {d.a} 50 --at 2026-11-03 -q"))
    assert messages(d)[-1] == (6, d.a, "refund_issued", "pending", None)
    d.run(f"void {refund} --reason 'never sent' --at 2026-11-04")
    assert messages(d)[-1] == (6, d.a, "refund_issued", "withdrawn", refund + 1)


def test_a_message_sent_before_the_void_stays_sent(mixed_up, tmp_path):
    d = mixed_up
    d.run(["notify", "send", "--exec", f"cat >> '{tmp_path / 'sent.jsonl'}'"])
    d.run(f"void {d.wrong} --reason mix-up")
    assert messages(d)[4] == (5, d.b, "shipped", "sent", None)


def test_a_message_withdrawn_while_send_runs_is_not_sent(mixed_up, tmp_path):
    """The parcel is voided by another process while `notify send` is busy with message 1:
    message 5, read as pending when the run began, is not claimed or sent."""
    d = mixed_up
    out = tmp_path / "sent.txt"
    command = (f"cat > /dev/null; if [ \"$DAIGOU_NOTIFICATION_ID\" = 1 ]; then '{sys.executable}' -m daigou_cli "
               f"void {d.wrong} --reason mix-up -q > /dev/null || exit 9; fi; echo $DAIGOU_NOTIFICATION_ID >> '{out}'")
    result = d.run(["notify", "send", "--exec", command])
    assert result.stdout.endswith("4 sent, 0 failed, 0 skipped, 0 in doubt\n")
    assert out.read_text().split() == ["1", "2", "3", "4"]
    assert messages(d)[4] == (5, d.b, "shipped", "withdrawn", d.void)
    assert d.sql("SELECT COUNT(*) FROM notification_attempts WHERE notification_id = 5") == [(0,)]


def test_a_withdrawn_message_cannot_be_put_back_in_the_queue(mixed_up):
    d = mixed_up
    d.run(f"void {d.wrong} --reason mix-up")
    before = counts(d)
    line = one_line(d("notify mark 5 unsent"), 4)
    assert line == f"daigou: notification 5: withdrawn (entry {d.wrong} was voided by entry {d.void}), so it is never sent"
    assert counts(d) == before
    # Told by hand before the void? Saying so is still the truth.
    assert d.run("notify mark 5 sent --note 'told him on WeChat'").stdout == (
        f"notification 5 (shipped, order {d.b}): sent\n")


def test_notify_list_knows_the_withdrawn_status(mixed_up):
    d = mixed_up
    assert messages(d, "--status withdrawn") == []
    line = one_line(d("notify list --status gone"), 2)
    assert line == "daigou: --status: 'gone' is not pending, sending, sent or withdrawn"


# ----------------------------------------------------------------- the schema 9 upgrade

# What schema 8 had (schema.sql before version 9): tracking numbers unique for good.
V8_SHIPMENTS = """
CREATE TABLE shipments_v8 (
    id            INTEGER PRIMARY KEY REFERENCES entries(id),
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    carrier       TEXT NOT NULL,
    service       TEXT,
    tracking      TEXT NOT NULL UNIQUE,
    location      TEXT NOT NULL REFERENCES locations(code),
    cost          INTEGER NOT NULL DEFAULT 0 CHECK (cost >= 0),
    weight_g      INTEGER,
    declared      INTEGER NOT NULL CHECK (declared >= 0),
    insured       INTEGER,
    at            TEXT NOT NULL
);
INSERT INTO shipments_v8 SELECT id, order_id, carrier, service, tracking, location, cost, weight_g, declared,
                                insured, at FROM shipments;
DROP TABLE shipments;
PRAGMA legacy_alter_table = ON;
ALTER TABLE shipments_v8 RENAME TO shipments;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX shipments_order ON shipments(order_id);
CREATE INDEX shipments_at ON shipments(at);
CREATE TRIGGER shipments_no_update BEFORE UPDATE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: record a correction instead'); END;
CREATE TRIGGER shipments_no_delete BEFORE DELETE ON shipments
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: record a correction instead'); END;
CREATE TRIGGER shipments_no_replace BEFORE INSERT ON shipments
WHEN EXISTS (SELECT 1 FROM shipments WHERE (id = NEW.id) OR (tracking = NEW.tracking))
BEGIN SELECT RAISE(ABORT, 'shipments is append-only: a row with that key exists'); END;
DROP VIEW notification_status;
CREATE VIEW notification_status AS
WITH a AS (
    SELECT * FROM notification_attempts WHERE at <= (SELECT as_of FROM as_of_clock)
), last AS (
    SELECT notification_id, MAX(id) AS id, SUM(outcome = 'claimed') AS attempts,
           MIN(CASE WHEN outcome = 'sent' THEN at END) AS sent_at
    FROM a GROUP BY notification_id
)
SELECT n.id, n.entry_id, n.order_id, n.customer_id, n.shipment_id, n.kind, n.language,
       n.subject, n.body, n.at AS created_at, n.recorded_at,
       CASE WHEN l.sent_at IS NOT NULL THEN 'sent'
            WHEN x.outcome = 'claimed' THEN 'sending'
            ELSE 'pending' END AS status,
       l.sent_at, COALESCE(l.attempts, 0) AS attempts,
       CASE WHEN l.sent_at IS NULL AND x.outcome IN ('failed', 'skipped') THEN x.detail END AS last_error,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.id END AS claim_id,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.sender END AS claimed_by,
       CASE WHEN l.sent_at IS NULL AND x.outcome = 'claimed' THEN x.at END AS claimed_at
FROM notifications n
LEFT JOIN last l ON l.notification_id = n.id
LEFT JOIN a x ON x.id = l.id
WHERE n.at <= (SELECT as_of FROM as_of_clock);
PRAGMA user_version = 8;
"""


def query(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def every_row(path):
    tables = [t for (t,) in query(path, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: query(path, f"SELECT * FROM {t} ORDER BY " + ", ".join(
        str(i + 1) for i in range(len(query(path, f"PRAGMA table_info({t})"))))) for t in tables}


@pytest.fixture
def v8(mixed_up):
    """mixed_up with the mistaken parcel voided (and told of in message 5, not sent yet), a
    parcel SF2 for order a delivered and its messages sent, and a return: then the ledger put
    back into the shape schema 8 gave it."""
    d = mixed_up
    d.run("shipment event SF1 in_transit --at 2026-11-02T20:00")
    d.run(f"void {d.wrong} --reason 'parcel of order {d.a}' --at 2026-11-03")
    d.sf2 = entry(d.run(f"ship {d.a} --carrier SF --tracking SF2 --cost 18 --at 2026-11-03 -q"))
    d.run("shipment event SF2 delivered --at 2026-11-05")
    d.run(["notify", "send", "--exec", "cat > /dev/null", "--limit", "2"])
    d.run(f"return {d.a} SHI-50:1 --reason broken --refund 420 --at 2026-11-06")
    conn = sqlite3.connect(d.db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.executescript("BEGIN;" + V8_SHIPMENTS + "COMMIT;")
    finally:
        conn.close()
    assert query(d.db, "PRAGMA user_version") == [(8,)]
    assert [r[3] for r in query(d.db, "PRAGMA index_list(shipments)")].count("u") == 1
    return d


def test_the_upgrade_keeps_every_row(v8):
    before = every_row(v8.db)
    v8.run("shipment list")
    assert query(v8.db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert every_row(v8.db) == before
    assert query(v8.db, "PRAGMA foreign_key_check") == []
    out = v8.run("db check").stdout
    assert out.startswith("ledger OK: ") and out.endswith(f"(schema {SCHEMA_VERSION})\n")


def test_after_the_upgrade_the_voided_parcels_number_can_be_used_again(v8):
    before = counts(v8)
    line = one_line(v8(f"ship {v8.b} --carrier SF --tracking SF2 --at 2026-11-07"), 4)
    assert line == f"daigou: --tracking: SF2 is already on parcel {v8.sf2} of order {v8.a}"
    assert counts(v8) == before
    assert [r[3] for r in query(v8.db, "PRAGMA index_list(shipments)")].count("u") == 0
    v8.run(f"ship {v8.b} --carrier SF --tracking SF1 --at 2026-11-07")
    assert parcels(v8) == [("SF2", v8.a, "delivered"), ("SF1", v8.b, "info_received")]
    assert v8.run("shipment event SF1 delivered --at 2026-11-08").stdout == f"SF1: delivered (order {v8.b} delivered)\n"
    assert v8.run("db check").exit_code == 0


def test_after_the_upgrade_the_voided_parcels_message_is_withdrawn(v8):
    assert [m[:4] for m in messages(v8)] == [
        (1, v8.a, "order_confirmed", "sent"), (2, v8.a, "payment_received", "sent"),
        (3, v8.b, "order_confirmed", "pending"), (4, v8.b, "payment_received", "pending"),
        (5, v8.b, "shipped", "withdrawn"), (6, v8.b, "in_transit", "withdrawn"), (7, v8.a, "shipped", "pending"),
        (8, v8.a, "delivered", "pending"), (9, v8.a, "refund_issued", "pending")]


def test_the_upgraded_shipments_are_still_append_only(v8):
    v8.run("shipment list")
    names = {n for (n,) in query(v8.db, "SELECT name FROM sqlite_master WHERE tbl_name = 'shipments'")}
    assert names == {"shipments", "shipments_order", "shipments_at", "shipments_tracking",
                     "shipments_no_update", "shipments_no_delete", "shipments_no_replace"}
    for statement in ("UPDATE shipments SET tracking = 'X'", "DELETE FROM shipments",
                      f"INSERT OR REPLACE INTO shipments SELECT * FROM shipments WHERE id = {v8.wrong}",
                      f"INSERT INTO shipments SELECT {v8.a}, order_id, carrier, service, tracking, location, cost, "
                      f"weight_g, declared, insured, at FROM shipments WHERE tracking = 'SF2'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            query(v8.db, statement)


def test_upgrading_twice_changes_nothing(v8):
    v8.run("shipment list")
    rows = every_row(v8.db)
    schema = query(v8.db, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    v8.run("shipment list")
    assert every_row(v8.db) == rows
    assert query(v8.db, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name") == schema


def test_an_upgrade_that_would_leave_a_broken_reference_changes_nothing(v8):
    conn = sqlite3.connect(v8.db, isolation_level=None)
    try:  # a tracking event of a parcel that is not there (foreign keys were off when it came)
        conn.execute("PRAGMA foreign_keys = OFF")
        stray = conn.execute("INSERT INTO shipment_events(entry_id, shipment_id, status, at) "
                             "VALUES (?, 999, 'delivered', '2026-11-09T00:00:00Z')", (v8.a,)).lastrowid
    finally:
        conn.close()
    before = every_row(v8.db)
    line = one_line(v8("shipment list"), 5)
    assert line == (f"daigou: upgrade to schema {SCHEMA_VERSION} stopped: shipment_events row {stray} points at a "
                    "missing shipments row; nothing was changed")
    assert query(v8.db, "PRAGMA user_version") == [(8,)]
    assert [r[3] for r in query(v8.db, "PRAGMA index_list(shipments)")].count("u") == 1
    assert every_row(v8.db) == before
