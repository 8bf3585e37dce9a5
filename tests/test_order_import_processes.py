"""`order import` as real processes of the installed `daigou`: a shell pipe into stdin, two
imports of the same export at once, a ledger locked by another writer, and the progress bar
that a terminal gets and a pipe does not."""

import os
import re
import shlex
import sqlite3
import subprocess
import time

import pytest
from order_import_data import SHOPIFY_HEADER, counts, stock_shop, table
from test_processes import EXE, env_for, read_terminal


def shopify_orders(n: int, first: int = 1001) -> str:
    """`n` paid one-line orders of a unit of POCKY-CHOCO (the shop has 20), a minute apart."""
    rows = []
    for i in range(n):
        minute = f"{i // 60:02d}:{i % 60:02d}"
        rows.append({"Name": f"#{first + i}", "Email": f"buyer{i}@example.com", "Financial Status": "paid",
                     "Currency": "CNY", "Subtotal": "15.00", "Shipping": "0.00", "Total": "15.00",
                     "Created at": f"2026-11-11 {minute}:00 +0800", "Lineitem quantity": "1",
                     "Lineitem name": "Pocky 巧克力棒", "Lineitem price": "15.00", "Lineitem sku": "POCKY-CHOCO",
                     "Billing Name": f"买家{i}"})
    return table(SHOPIFY_HEADER, rows)


@pytest.fixture
def shop_db(daigou):
    stock_shop(daigou)
    return daigou


def run(db, *args, **kw):
    return subprocess.run([*EXE, *args], capture_output=True, text=True, env=env_for(db.db), timeout=120, **kw)


def test_a_shell_pipe_into_stdin_and_again_adds_nothing(shop_db, tmp_path):
    export = tmp_path / "orders_export.csv"
    export.write_text(shopify_orders(3), encoding="utf-8")
    for expected in ("3 created, 0 updated, 0 unchanged", "0 created, 0 updated, 3 unchanged"):
        done = subprocess.run(f"cat '{export}' | {' '.join(map(shlex.quote, EXE))} order import - --from shopify",
                              shell=True, capture_output=True, text=True, env=env_for(shop_db.db), timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout == f"imported orders from stdin: {expected}, 0 rejected\n"
        assert done.stderr == ""
    assert shop_db.sql("SELECT count(*), sum(reserved) FROM order_summary") == [(3, 3)]


def test_two_imports_of_one_export_at_once_take_each_order_once(shop_db, tmp_path):
    export = tmp_path / "orders_export.csv"
    export.write_text(shopify_orders(12), encoding="utf-8")
    env = env_for(shop_db.db, DAIGOU_BUSY_TIMEOUT_MS="60000")
    procs = [subprocess.Popen([*EXE, "order", "import", str(export), "--from", "shopify"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [code for code, _, _ in outs] == [0, 0], outs
    created = sorted(re.search(r"(\d+) created", out).group(1) for _, out, _ in outs)
    assert created == ["0", "12"]  # one process took them all, the other found them in
    assert shop_db.sql("SELECT count(*), count(DISTINCT external_id), sum(reserved), sum(paid) "
                       "FROM order_summary WHERE channel = 'shopify'") == [(12, 12, 12, 18000)]
    pocky = [r for r in shop_db.csv("stock list") if r["sku"] == "POCKY-CHOCO"][0]
    assert (pocky["on_hand"], pocky["reserved"], pocky["available"]) == ("20", "12", "8")
    assert run(shop_db, "db", "check").returncode == 0


def test_a_ledger_locked_by_another_writer_is_exit_5_and_nothing_written(shop_db, tmp_path):
    export = tmp_path / "orders_export.csv"
    export.write_text(shopify_orders(2), encoding="utf-8")
    before = counts(shop_db)
    holder = sqlite3.connect(shop_db.db, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        done = subprocess.run([*EXE, "order", "import", str(export), "--from", "shopify"], capture_output=True,
                              text=True, env=env_for(shop_db.db, DAIGOU_BUSY_TIMEOUT_MS="300"), timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 5
    assert len(done.stderr.splitlines()) == 1 and "locked" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert counts(shop_db) == before


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(shop_db, tmp_path):
    pty = pytest.importorskip("pty")
    # Deep in folders, as exports often are: the bar names the file alone and keeps its room.
    export = tmp_path / ("exports-" + "x" * 60) / "2026" / "orders_export.csv"
    export.parent.mkdir(parents=True)
    export.write_text(shopify_orders(250, first=2001), encoding="utf-8")  # over the 200-row threshold
    # Keep the shop's stock from running out: back-orders are fine, but let every order reserve.
    shop_db.run("stock add POCKY-CHOCO 300 --cost 170 --currency JPY -l SH --at 2026-10-02")
    dry = [*EXE, "order", "import", str(export), "--from", "shopify", "--dry-run"]

    primary, secondary = pty.openpty()
    try:
        started = time.monotonic()
        proc = subprocess.Popen(dry, stdout=subprocess.PIPE, stderr=secondary,
                                env=env_for(shop_db.db, TERM="xterm", COLUMNS="100"))
        os.close(secondary)
        on_terminal = read_terminal(primary, proc)
        assert time.monotonic() - started < 120
    finally:
        os.close(primary)
    assert proc.returncode == 0, on_terminal
    assert "importing orders_export.csv" in on_terminal and "%" in on_terminal  # label, bar, percentage

    piped = subprocess.run(dry, capture_output=True, text=True, env=env_for(shop_db.db), timeout=120)
    assert piped.returncode == 0
    assert piped.stderr == ""
    assert piped.stdout.splitlines()[-1] == (f"would import orders from {export}: 250 created, 0 updated, "
                                             "0 unchanged, 0 rejected (dry run: nothing written)")


def test_a_dry_run_waits_for_another_writer_like_a_real_import(shop_db, tmp_path):
    import threading

    export = tmp_path / "orders_export.csv"
    export.write_text(shopify_orders(2), encoding="utf-8")
    holder = sqlite3.connect(shop_db.db, isolation_level=None, timeout=1, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.5, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        started = time.monotonic()
        done = subprocess.run([*EXE, "order", "import", str(export), "--from", "shopify", "--dry-run"],
                              capture_output=True, text=True, timeout=120,
                              env=env_for(shop_db.db, DAIGOU_BUSY_TIMEOUT_MS="20000"))
        waited = time.monotonic() - started
    finally:
        release.join()
        holder.close()
    assert done.returncode == 0, done.stderr
    assert waited >= 1.2  # it waited for the lock instead of failing at once
    assert done.stdout.splitlines()[-1].endswith("2 created, 0 updated, 0 unchanged, 0 rejected (dry run: nothing written)")
    assert shop_db.sql("SELECT count(*) FROM orders") == [(0,)]
