"""An older ledger opens with the current daigou and is upgraded without losing a record."""

import sqlite3
from pathlib import Path

import pytest

from daigou_cli.core.migrations import SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / "ledger_v1.sql"
V1_TABLES = ("config", "locations", "suppliers", "products", "entries", "fx_rates", "lots", "movements", "voids")


def build_v1(path: Path) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(FIXTURE.read_text(encoding="utf-8"))
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()
    return path


def query(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def columns(path, table):
    return [row[1] for row in query(path, f"PRAGMA table_info({table})")]


def snapshot(path):
    """Every v1 row of every v1 table, by the columns version 1 had."""
    out = {}
    for table in V1_TABLES:
        cols = columns(path, table)
        out[table] = (cols, query(path, f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid"))
    return out


def same_rows(path, before):
    for table, (cols, rows) in before.items():
        assert query(path, f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid") == rows, table


@pytest.fixture
def v1(tmp_path):
    return build_v1(tmp_path / "old.db")


def test_the_fixture_really_is_version_1(v1):
    assert query(v1, "PRAGMA user_version") == [(1,)]
    assert "pack_size" not in columns(v1, "products")
    assert "store" not in columns(v1, "suppliers") and "city" not in columns(v1, "suppliers")
    assert query(v1, "SELECT count(*) FROM movements") == [(5,)]


def test_a_read_upgrades_to_the_latest_version(daigou, v1):
    before = snapshot(v1)
    daigou.run(f"stock list --db {v1}")
    assert query(v1, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    same_rows(v1, before)


def test_new_columns_exist_with_their_defaults(daigou, v1):
    daigou.run(f"stock list --db {v1}")
    assert "pack_size" in columns(v1, "products")
    assert {"store", "city"} <= set(columns(v1, "suppliers"))
    assert query(v1, "SELECT sku, pack_size FROM products ORDER BY sku") == [("POCKY", 1), ("SHI-50", 1)]
    assert query(v1, "SELECT name, store, city FROM suppliers") == [("Matsumoto Kiyoshi", None, None)]


def test_stock_is_the_same_after_the_upgrade(daigou, v1):
    rows = daigou.csv(f"stock list --db {v1}")
    assert [(r["sku"], r["location"], r["on_hand"], r["value"]) for r in rows] == [
        ("POCKY", "SH", "23", "287.50"),
        ("SHI-50", "SH", "4", "803.04"),
        ("SHI-50", "TOKYO", "6", "1204.56"),
    ]
    lots = daigou.csv(f"stock lots --db {v1}")
    assert [(r["lot"], r["location"], r["qty"], r["unit_cost"], r["currency"], r["unit_cost_base"]) for r in lots] == [
        ("4", "SH", "23", "12.50", "CNY", "12.50"),
        ("3", "SH", "4", "4200", "JPY", "200.76"),
        ("3", "TOKYO", "6", "4200", "JPY", "200.76"),
    ]
    history = daigou.csv(f"stock history SHI-50 --db {v1}")
    assert [(r["kind"], r["location"], r["qty"], r["balance"]) for r in history] == [
        ("receipt", "TOKYO", "10", "10"), ("move", "TOKYO", "-4", "6"), ("move", "SH", "4", "10")]


def test_catalogue_and_rates_survive(daigou, v1):
    product = daigou.json(f"product show SHI-50 --db {v1}")
    assert (product["name"], product["price"], product["supplier"], product["pack_size"]) == (
        "资生堂 红腰子 50ml", 420, "Matsumoto Kiyoshi", 1)
    rates = daigou.csv(f"fx list --db {v1}")
    assert [(r["currency"], r["rate"], r["voided"]) for r in rates] == [
        ("JPY", "0.0478", "no"), ("JPY", "0.05", "no"), ("KRW", "5.2", "yes")]
    assert daigou.run(f"config get default_location --db {v1}").stdout == "SH\n"


def test_upgraded_ledger_passes_db_check(daigou, v1):
    out = daigou.run(f"db check --db {v1}").stdout
    assert out.startswith("ledger OK: 8 entries, 3 fx_rates, 2 lots, 5 movements, 1 voids")


def test_upgraded_ledger_is_still_append_only(daigou, v1):
    daigou.run(f"stock list --db {v1}")
    for statement in ("UPDATE movements SET qty = 100 WHERE id = 1", "DELETE FROM entries WHERE id = 8",
                      "DELETE FROM voids"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            query(v1, statement)


def test_upgraded_ledger_takes_new_writes(daigou, v1):
    daigou.run(f"stock add SHI-50 2 --cost 4000 --currency JPY --location TOKYO --at 2026-10-20 --db {v1}")
    daigou.run(f"stock writeoff SHI-50 7 --reason damaged --location TOKYO --db {v1}")
    daigou.run(f"product edit SHI-50 --pack-size 6 --db {v1}")
    daigou.run(f"supplier add 'Don Quijote' --store 'Shibuya' --city Tokyo --db {v1}")
    rows = {r["location"]: r for r in daigou.csv(f"stock list --sku SHI-50 --db {v1}")}
    assert (rows["TOKYO"]["on_hand"], rows["TOKYO"]["value"]) == ("1", "200.00")  # the old lot went first
    assert query(v1, "SELECT pack_size FROM products WHERE sku = 'SHI-50'") == [(6,)]
    assert query(v1, "SELECT store, city FROM suppliers WHERE name = 'Don Quijote'") == [("Shibuya", "Tokyo")]
    # A receipt without --location lands at the v1 config's default_location.
    daigou.run(f"stock add POCKY 1 --cost 12.50 --db {v1}")
    assert {r["location"]: r["on_hand"] for r in daigou.csv(f"stock list --sku POCKY --db {v1}")} == {"SH": "24"}


def test_upgrading_twice_changes_nothing(daigou, v1):
    daigou.run(f"stock list --db {v1}")
    after_first = snapshot(v1)
    schema_first = query(v1, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    daigou.run(f"stock list --db {v1}")
    same_rows(v1, after_first)
    assert query(v1, "SELECT type, name, sql FROM sqlite_master ORDER BY type, name") == schema_first


def test_a_void_written_by_v1_still_counts(daigou, v1):
    # Entry 7 (the KRW rate) was voided by v1; voiding it again is refused.
    result = daigou(f"void 7 --reason again --db {v1}")
    assert result.exit_code == 4
    assert result.stderr == "daigou: entry 7: already voided by entry 8\n"


def test_failed_upgrade_leaves_the_old_ledger_untouched(daigou, v1):
    """Another process holds the write lock: the upgrade gives up whole, exit 5."""
    before = snapshot(v1)
    blocker = sqlite3.connect(v1, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        result = daigou(f"stock list --db {v1}", env={"DAIGOU_BUSY_TIMEOUT_MS": "200"})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 5
    assert len(result.stderr.splitlines()) == 1
    assert "locked" in result.stderr
    assert query(v1, "PRAGMA user_version") == [(1,)]
    assert "pack_size" not in columns(v1, "products")
    same_rows(v1, before)
    # And once the lock is gone it upgrades.
    daigou.run(f"stock list --db {v1}")
    assert query(v1, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_a_ledger_from_a_newer_daigou_is_refused(daigou, tmp_path):
    path = build_v1(tmp_path / "future.db")
    query(path, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = daigou(f"stock list --db {path}")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        f"daigou: {path} was written by a newer daigou (schema {SCHEMA_VERSION + 1} > {SCHEMA_VERSION}); upgrade daigou"]
    assert query(path, "PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


def test_an_sqlite_file_that_is_not_a_ledger_is_refused_and_left_alone(daigou, tmp_path):
    path = tmp_path / "other.db"
    query(path, "CREATE TABLE contacts (name TEXT)")
    result = daigou(f"stock add X 1 --cost 1 --db {path}")
    assert result.exit_code == 5
    assert result.stderr == f"daigou: {path} is an SQLite file but not a daigou ledger\n"
    assert query(path, "SELECT name FROM sqlite_master") == [("contacts",)]
    assert query(path, "PRAGMA user_version") == [(0,)]


def test_a_new_ledger_starts_at_the_latest_version(daigou):
    daigou.run("location add SH --region Shanghai")
    assert daigou.sql("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert "pack_size" in [r[1] for r in daigou.sql("PRAGMA table_info(products)")]
    assert daigou.sql("PRAGMA journal_mode") == [("wal",)]


def test_the_upgrade_fills_the_stock_caches_from_the_facts(daigou, v1):
    """Schema 6 added caches: an older ledger gets them added up from its movements."""
    daigou.run(f"stock list --db {v1}")
    assert query(v1, "SELECT sku, location, on_hand, reserved FROM stock_balances ORDER BY sku, location") == [
        ("POCKY", "SH", 23, 0), ("SHI-50", "SH", 4, 0), ("SHI-50", "TOKYO", 6, 0)]
    assert query(v1, "SELECT SUM(on_hand) FROM stock_moments") == [(33,)]
    assert daigou.run(f"db check --db {v1}").exit_code == 0
