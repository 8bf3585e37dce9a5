"""The ledger itself: append-only triggers, corrections by void, db check, backup, export, locks."""

import sqlite3

import pytest
import shop_ledger

TRIGGER_MESSAGES = {
    "entries": "entries is append-only: record a correction with daigou void",
    "fx_rates": "fx_rates is append-only: set a new rate or void this one",
    "lots": "lots is append-only: record a correction with daigou void",
    "movements": "movements is append-only: record a correction with daigou void",
    "voids": "voids is append-only",
}
UPDATES = {
    "entries": "UPDATE entries SET note = 'edited'",
    "fx_rates": "UPDATE fx_rates SET rate = '1'",
    "lots": "UPDATE lots SET unit_cost_base = 0",
    "movements": "UPDATE movements SET qty = 999",
    "voids": "UPDATE voids SET reason = 'never mind'",
}
COUNTED = ("entries", "fx_rates", "lots", "movements", "voids")


def counts(daigou):
    return {t: daigou.sql(f"SELECT count(*) FROM {t}")[0][0] for t in COUNTED}


def one_line(result, code):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output
    return result.stderr.rstrip("\n")


def raw(daigou, sql, params=()):
    """A raw sqlite3 write behind daigou's back, committed (daigou.sql never commits)."""
    conn = sqlite3.connect(daigou.db, isolation_level=None)
    try:
        conn.execute(sql, params)
    finally:
        conn.close()


def entry_id(result):
    return int(result.stdout.strip())


RECORDS = [
    "stock add SHI-50 10 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15 -q",
    "stock add SHI-50 5 --cost 4000 --currency JPY -l TOKYO --at 2026-10-15 -q",
    "stock move SHI-50 3 --from TOKYO --to SH --at 2026-10-16 -q",
    "stock writeoff SHI-50 1 --reason damaged -l TOKYO --at 2026-10-17 -q",
    "fx set KRW 5.2 --at 2026-10-01 -q",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A row in every ledger table: rates, two receipts, a move, a write-off and a voided rate.
    Built once through the CLI; each test gets its own copy."""
    path, outputs = shop_ledger.build(tmp_path_factory, RECORDS)
    ids = dict(zip(("receipt", "receipt2", "move", "writeoff", "krw"), (int(o) for o in outputs), strict=True))
    from conftest import Daigou

    ids["void_krw"] = entry_id(Daigou(path).run(f"void {ids['krw']} --reason typo -q"))
    return path, ids


@pytest.fixture
def ledger(daigou, template):
    path, ids = template
    shop_ledger.copy_into(path, daigou)
    daigou.ids = dict(ids)
    return daigou


def levels(daigou, sku="SHI-50"):
    return {r["location"]: int(r["on_hand"]) for r in daigou.csv(f"stock list --sku {sku}") if r["location"]}


# ----------------------------------------------------------------- append-only triggers

@pytest.mark.parametrize("table", COUNTED)
def test_raw_update_is_refused_by_the_trigger(ledger, table):
    before = ledger.sql(f"SELECT * FROM {table} ORDER BY rowid")
    assert before, f"fixture left {table} empty"
    with pytest.raises(sqlite3.DatabaseError) as err:
        ledger.sql(UPDATES[table])
    assert str(err.value) == TRIGGER_MESSAGES[table]
    assert ledger.sql(f"SELECT * FROM {table} ORDER BY rowid") == before


@pytest.mark.parametrize("table", COUNTED)
def test_raw_delete_is_refused_by_the_trigger(ledger, table):
    before = ledger.sql(f"SELECT * FROM {table} ORDER BY rowid")
    with pytest.raises(sqlite3.DatabaseError) as err:
        ledger.sql(f"DELETE FROM {table}")
    assert str(err.value) == TRIGGER_MESSAGES[table]
    assert ledger.sql(f"SELECT * FROM {table} ORDER BY rowid") == before


def test_a_targeted_update_is_refused_too(ledger):
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        ledger.sql("UPDATE lots SET qty = 11 WHERE id = ?", (ledger.ids["receipt"],))
    assert ledger.sql("SELECT qty FROM lots WHERE id = ?", (ledger.ids["receipt"],)) == [(10,)]


REPLACED = {"entries": ("note", "edited"), "fx_rates": ("rate", "1"), "lots": ("unit_cost_base", 0),
            "movements": ("qty", 999), "voids": ("reason", "never mind")}


def test_insert_or_replace_cannot_rewrite_a_ledger_row(ledger):
    """REPLACE deletes the old row before inserting: history is edited unless a trigger refuses it."""
    rewritten = []
    for table, (column, value) in REPLACED.items():
        conn = sqlite3.connect(ledger.db, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            first = dict(conn.execute(f"SELECT * FROM {table} ORDER BY rowid LIMIT 1").fetchone())
            changed = first | {column: value}
            try:
                conn.execute(f"INSERT OR REPLACE INTO {table}({', '.join(changed)}) "
                             f"VALUES ({', '.join('?' * len(changed))})", tuple(changed.values()))
            except sqlite3.DatabaseError as exc:
                assert "append-only" in str(exc)
            after = dict(conn.execute(f"SELECT * FROM {table} ORDER BY rowid LIMIT 1").fetchone())
        finally:
            conn.close()
        if after != first:
            rewritten.append(f"{table}.{column}: {first[column]!r} -> {after[column]!r}")
    assert rewritten == []


# ----------------------------------------------------------------- void

def test_void_a_receipt_reverses_it(ledger):
    receipt = ledger.ids["receipt2"]  # 5 units, all still in TOKYO
    before = levels(ledger)
    out = ledger.run(f"void {receipt} --reason 'wrong SKU'").stdout
    void_id = max(ledger.ids.values()) + 1
    assert out == f"voided entry {receipt} (receipt) with entry {void_id}: wrong SKU\n"
    assert levels(ledger) == {"TOKYO": before["TOKYO"] - 5, "SH": before["SH"]}
    assert ledger.sql("SELECT entry_id, target, reason FROM voids WHERE target = ?", (receipt,)) == [
        (void_id, receipt, "wrong SKU")]
    assert ledger.sql("SELECT location, lot_id, qty, kind FROM movements WHERE entry_id = ?", (void_id,)) == [
        ("TOKYO", receipt, -5, "void")]
    assert receipt not in [int(r["lot"]) for r in ledger.csv("stock lots")]
    # The receipt itself is still there: history is never edited.
    assert ledger.sql("SELECT qty FROM lots WHERE id = ?", (receipt,)) == [(5,)]
    assert [r["kind"] for r in ledger.csv("stock history SHI-50")][-1] == "void"


def test_void_a_receipt_restores_the_value(ledger):
    ledger.run(f"void {ledger.ids['receipt2']} --reason typo")
    rows = {r["location"]: r for r in ledger.csv("stock list --sku SHI-50")}
    assert (rows["TOKYO"]["on_hand"], rows["TOKYO"]["value"]) == ("6", "1204.56")  # 6 × 200.76
    assert (rows["SH"]["on_hand"], rows["SH"]["value"]) == ("3", "602.28")


def test_void_a_move_puts_the_units_back(ledger):
    ledger.run(f"void {ledger.ids['move']} --reason 'never shipped'")
    assert levels(ledger) == {"TOKYO": 14, "SH": 0}
    assert {int(r["lot"]): int(r["qty"]) for r in ledger.csv("stock lots -l TOKYO")} == {
        ledger.ids["receipt"]: 9, ledger.ids["receipt2"]: 5}


def test_void_a_writeoff_brings_the_units_back_to_their_lot(ledger):
    ledger.run(f"void {ledger.ids['writeoff']} --reason 'found it'")
    assert levels(ledger) == {"TOKYO": 12, "SH": 3}
    assert {int(r["lot"]): int(r["qty"]) for r in ledger.csv("stock lots -l TOKYO")} == {
        ledger.ids["receipt"]: 7, ledger.ids["receipt2"]: 5}


def test_void_an_adjust(ledger):
    adjust = entry_id(ledger.run("stock adjust SHI-50 -2 --reason count -l TOKYO -q"))
    assert levels(ledger)["TOKYO"] == 9
    ledger.run(f"void {adjust} --reason 'counted twice'")
    assert levels(ledger)["TOKYO"] == 11


def test_void_an_fx_rate_withdraws_it(ledger):
    (jpy_oct,) = ledger.sql("SELECT entry_id FROM fx_rates WHERE currency = 'JPY' AND rate = '0.05'")[0]
    ledger.run(f"void {jpy_oct} --reason 'wrong rate'")
    rows = ledger.csv("fx list --currency JPY")
    assert [(r["rate"], r["voided"]) for r in rows] == [("0.0478", "no"), ("0.05", "yes")]
    # The next receipt in October falls back to the September rate ...
    ledger.run("stock add POCKY 1 --cost 1000 --currency JPY -l SH --at 2026-10-20")
    assert ledger.sql("SELECT fx_rate, unit_cost_base FROM lots WHERE sku = 'POCKY'") == [("0.0478", 4780)]
    # ... while the lot already received at 0.05 keeps the rate it was valued at.
    assert ledger.sql("SELECT fx_rate FROM lots WHERE id = ?", (ledger.ids["receipt2"],)) == [("0.05",)]


def test_fx_list_as_of_shows_a_later_void_as_not_yet_voided(ledger):
    (jpy_oct,) = ledger.sql("SELECT entry_id FROM fx_rates WHERE currency = 'JPY' AND rate = '0.05'")[0]
    ledger.run(f"void {jpy_oct} --reason 'wrong rate' --at 2026-10-20")
    before = ledger.csv("fx list --currency JPY --as-of 2026-10-19")
    assert [(r["rate"], r["voided"]) for r in before] == [("0.0478", "no"), ("0.05", "no")]
    after = ledger.csv("fx list --currency JPY --as-of 2026-10-20")
    assert [(r["rate"], r["voided"]) for r in after] == [("0.0478", "no"), ("0.05", "yes")]


def test_void_shows_in_as_of(ledger):
    receipt = ledger.ids["receipt2"]
    ledger.run(f"void {receipt} --reason typo --at 2026-10-20")
    assert levels(ledger)["TOKYO"] == 6
    assert {r["location"]: r["on_hand"] for r in ledger.csv("stock list --sku SHI-50 --as-of 2026-10-19")}["TOKYO"] == "11"


def test_voiding_twice_is_refused(ledger):
    before = counts(ledger)
    line = one_line(ledger(f"void {ledger.ids['krw']} --reason again"), 4)
    assert line == f"daigou: entry {ledger.ids['krw']}: already voided by entry {ledger.ids['void_krw']}"
    assert counts(ledger) == before


def test_voiding_a_void_is_refused(ledger):
    before = counts(ledger)
    line = one_line(ledger(f"void {ledger.ids['void_krw']} --reason undo"), 4)
    assert line == f"daigou: entry {ledger.ids['void_krw']}: is itself a void; record the fact again instead"
    assert counts(ledger) == before


def test_voiding_a_receipt_whose_units_have_left_is_refused(ledger):
    receipt = ledger.ids["receipt"]  # 3 moved to SH and 1 written off
    before = counts(ledger)
    line = one_line(ledger(f"void {receipt} --reason typo"), 4)
    assert line.startswith(f"daigou: entry {receipt}: 4 of its 10 SHI-50 at TOKYO (lot {receipt}) have already left")
    assert counts(ledger) == before


def test_voiding_a_move_whose_units_have_left_the_destination_is_refused(ledger):
    ledger.run("stock writeoff SHI-50 2 --reason lost -l SH")
    before = counts(ledger)
    line = one_line(ledger(f"void {ledger.ids['move']} --reason typo"), 4)
    assert f"entry {ledger.ids['move']}:" in line
    assert counts(ledger) == before
    assert levels(ledger) == {"TOKYO": 11, "SH": 1}


def test_void_cannot_be_dated_before_its_entry(ledger):
    before = counts(ledger)
    line = one_line(ledger(f"void {ledger.ids['writeoff']} --reason typo --at 2026-10-01"), 3)
    assert line.startswith("daigou: --at: the void cannot be earlier than entry")
    assert counts(ledger) == before


@pytest.mark.parametrize("args, code, message", [
    ("void 9999 --reason x", 3, "daigou: ID: no entry 9999"),
    ("void twelve --reason x", 3, "daigou: ID: 'twelve' is not an entry id (the number a write command printed)"),
    (["void", "3", "--reason", " "], 3, "daigou: --reason: must not be empty"),
])
def test_void_bad_input(ledger, args, code, message):
    before = counts(ledger)
    assert one_line(ledger(args), code) == message
    assert counts(ledger) == before


def test_void_accepts_a_hash_before_the_id(ledger):
    ledger.run(f"void '#{ledger.ids['writeoff']}' --reason typo")
    assert levels(ledger)["TOKYO"] == 12


# ----------------------------------------------------------------- db check

def test_db_check_passes_on_a_good_ledger(ledger):
    out = ledger.run("db check").stdout
    assert out.startswith("ledger OK: 8 entries, 3 fx_rates, 2 lots, 5 movements, 1 voids (schema ")
    assert ledger.json("db check") == []
    assert ledger.run("db check --format csv").stdout_bytes == b"kind,ref,message,severity\r\n"
    assert ledger.run("db check", env={"DAIGOU_FORMAT": "csv"}).stdout_bytes == b"kind,ref,message,severity\r\n"


def test_db_check_on_an_empty_ledger(daigou):
    daigou.run("init")
    assert daigou.run("db check").stdout.startswith("ledger OK: 0 entries")


def test_db_check_finds_a_missing_trigger(ledger):
    raw(ledger, "DROP TRIGGER movements_no_delete")
    result = ledger("db check --format json")
    assert result.exit_code == 5
    problems = __import__("json").loads(result.stdout)
    assert {"kind": "append_only", "ref": "movements",
            "message": "trigger refusing DELETE on movements is missing", "severity": "error"} in problems
    assert result.stderr.splitlines() == [
        f"daigou: ledger check failed: {len(problems)} problem(s), first: append_only movements: "
        "trigger refusing DELETE on movements is missing"]


@pytest.mark.parametrize("trigger", ["orders_no_replace", "payments_no_update", "shipment_events_no_delete",
                                     "notifications_no_update"])
def test_db_check_guards_every_ledger_table_not_just_the_stock_ones(ledger, trigger):
    raw(ledger, f"DROP TRIGGER {trigger}")
    result = ledger("db check --format json")
    assert result.exit_code == 5
    table, action = trigger.rsplit("_no_", 1)
    assert {"kind": "append_only", "ref": table, "severity": "error",
            "message": f"trigger refusing {action.upper()} on {table} is missing"} in __import__("json").loads(result.stdout)


def test_db_check_finds_stock_gone_negative(ledger):
    # A raw INSERT behind daigou's back: 20 units leave TOKYO's first lot, which has 6.
    raw(ledger, "INSERT INTO entries(id, kind, at, recorded_at) VALUES (100, 'writeoff', '2026-10-18T00:00:00Z', "
               "'2026-10-18T00:00:00Z')")
    raw(ledger, "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason) "
               "VALUES (100, '2026-10-18T00:00:00Z', 'SHI-50', 'TOKYO', ?, -20, 'writeoff', 'lost')",
               (ledger.ids["receipt"],))
    result = ledger("db check --format csv")
    assert result.exit_code == 5
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("daigou: ledger check failed: ")
    rows = list(__import__("csv").DictReader(__import__("io").StringIO(result.stdout)))
    negative = [r for r in rows if r["kind"] == "negative_stock"]
    assert negative == [{"kind": "negative_stock", "ref": f"lot {ledger.ids['receipt']}",
                         "message": "SHI-50 at TOKYO went to -14", "severity": "error"}]


def test_db_check_finds_a_lot_whose_receipt_does_not_match(ledger):
    raw(ledger, "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind) "
               "VALUES (?, '2026-09-14T16:00:00Z', 'SHI-50', 'TOKYO', ?, 1, 'receipt')",
               (ledger.ids["receipt"], ledger.ids["receipt"]))
    result = ledger("db check --format json")
    assert result.exit_code == 5
    kinds = {p["kind"] for p in __import__("json").loads(result.stdout)}
    assert "lot_receipt" in kinds


def test_db_check_finds_a_schema_version_mismatch(ledger):
    from daigou_cli.core.maintenance import check
    from daigou_cli.core.migrations import SCHEMA_VERSION

    conn = sqlite3.connect(ledger.db)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
        problems = check(conn)
    finally:
        conn.close()
    assert [p["kind"] for p in problems] == ["schema"]


# ----------------------------------------------------------------- backup and export

def test_backup_is_a_readable_copy_with_the_same_rows(ledger, tmp_path):
    target = tmp_path / "backup.db"
    out = ledger.run(f"db backup {target}").stdout
    assert out.startswith(f"backed up to {target} (")
    assert out.rstrip().endswith("8 entries)")
    copy = sqlite3.connect(target)
    try:
        for table in COUNTED + ("products", "locations"):
            original = ledger.sql(f"SELECT * FROM {table} ORDER BY rowid")
            assert copy.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == original, table
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()
    assert ledger.csv(f"stock list --db {target}") == ledger.csv("stock list")
    assert not (tmp_path / "backup.db.part").exists()


def test_backup_will_not_overwrite_without_force(ledger, tmp_path):
    target = tmp_path / "backup.db"
    target.write_text("precious")
    line = one_line(ledger(f"db backup {target}"), 4)
    assert line == f"daigou: {target}: already exists (use --force to overwrite)"
    assert target.read_text() == "precious"
    ledger.run(f"db backup {target} --force -q")
    assert sqlite3.connect(target).execute("SELECT count(*) FROM entries").fetchone() == (8,)


def test_backup_into_a_missing_folder(ledger, tmp_path):
    line = one_line(ledger(f"db backup {tmp_path / 'nope' / 'b.db'}"), 3)
    assert line == f"daigou: PATH: folder {tmp_path / 'nope'} does not exist"


def test_export_movements_csv(ledger):
    out = ledger.run("export movements --format csv").stdout_bytes.decode("utf-8")
    lines = out.split("\r\n")
    assert lines[0] == "id,entry_id,at,sku,location,lot_id,qty,kind,reason"
    assert lines[1] == f"1,{ledger.ids['receipt']},2026-09-14T16:00:00Z,SHI-50,TOKYO,{ledger.ids['receipt']},10,receipt,"
    rows = ledger.csv("export movements")
    assert len(rows) == 5
    assert sum(int(r["qty"]) for r in rows) == 14
    assert [(r["location"], r["qty"], r["kind"]) for r in rows if r["kind"] == "move"] == [
        ("TOKYO", "-3", "move"), ("SH", "3", "move")]


def test_export_a_view_and_json(ledger):
    rows = ledger.json("export stock_on_hand")
    assert {(r["sku"], r["location"]): r["on_hand"] for r in rows} == {("SHI-50", "SH"): 3, ("SHI-50", "TOKYO"): 11}
    fx = ledger.json("export fx_rates")
    assert [(r["currency"], r["rate"]) for r in fx] == [("JPY", "0.0478"), ("JPY", "0.05"), ("KRW", "5.2")]


def test_export_unknown_table(ledger):
    line = one_line(ledger("export secrets"), 3)
    assert line.startswith("daigou: TABLE: no table or view 'secrets' (one of: ")
    assert "movements" in line


# ----------------------------------------------------------------- database problems: exit 5

def test_a_file_that_is_not_sqlite(daigou, tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"Pocky x 24\nSHI-50 x 10\n" * 100)
    for args in (f"stock list --db {junk}", f"stock add SHI-50 1 --cost 1 --db {junk}", f"db check --db {junk}"):
        line = one_line(daigou(args), 5)
        assert line == f"daigou: {junk} is not a daigou ledger (file is not a database)"
    assert junk.read_bytes() == b"Pocky x 24\nSHI-50 x 10\n" * 100


def test_a_locked_ledger_gives_exit_5_after_the_timeout(ledger):
    before = counts(ledger)
    blocker = sqlite3.connect(ledger.db, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        result = ledger("stock add SHI-50 1 --cost 1 -l SH", env={"DAIGOU_BUSY_TIMEOUT_MS": "300"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    line = one_line(result, 5)
    assert line == f"daigou: {ledger.db} is locked by another process (waited 0.3s); try again"
    assert counts(ledger) == before


def test_a_locked_ledger_can_still_be_read(ledger):
    blocker = sqlite3.connect(ledger.db, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        blocker.execute("INSERT INTO config(key, value) VALUES ('sla_hours', '12')")
        rows = ledger.csv("stock list --sku SHI-50")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert {r["location"]: r["on_hand"] for r in rows} == {"SH": "3", "TOKYO": "11"}


def test_the_write_goes_through_once_the_lock_is_released_in_time(ledger):
    import threading

    blocker = sqlite3.connect(ledger.db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: blocker.execute("ROLLBACK"))
    release.start()
    try:
        ledger.run("stock add SHI-50 1 --cost 1 -l SH", env={"DAIGOU_BUSY_TIMEOUT_MS": "10000"})
    finally:
        release.join()
        blocker.close()
    assert levels(ledger)["SH"] == 4
