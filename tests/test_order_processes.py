"""Real processes of the installed `daigou` at once: never sell a unit twice, never show
"database is locked" to the user."""

import os
import shutil
import subprocess
import sys

import pytest


def command():
    found = shutil.which("daigou")
    return [found] if found else [sys.executable, "-m", "daigou_cli"]


def start(db, args):
    env = os.environ | {"DAIGOU_DB": str(db)}
    env.pop("DAIGOU_FORMAT", None)
    return subprocess.Popen(command() + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8")


def run_all(db, argvs, timeout=120):
    """Start every process before waiting for any; (exit code, stdout, stderr) per process."""
    procs = [start(db, argv) for argv in argvs]
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=timeout)
        out.append((proc.returncode, stdout, stderr))
    return out


@pytest.fixture
def last_ten(daigou):
    daigou.run("location add SH --region Shanghai")
    daigou.run("product add SHI-50 --name Shiseido --price 420")
    daigou.run("customer add Amy --wechat amy_w --region Shanghai")
    daigou.run("stock add SHI-50 10 --cost 200 -l SH")
    return daigou


def test_sixteen_orders_for_the_last_ten_units(last_ten):
    results = run_all(last_ten.db, [["order", "new", "Amy", "SHI-50:1"] for _ in range(16)])
    for code, _, stderr in results:
        assert code == 0, stderr
        assert stderr == ""
        assert "locked" not in stderr.lower()
    assert sum("1 reserved" in stdout for _, stdout, _ in results) == 10
    assert sum("0 reserved, 1 back-ordered" in stdout for _, stdout, _ in results) == 6

    (row,) = last_ten.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["reserved"], row["available"]) == ("10", "10", "0")
    orders = last_ten.csv("order list")
    assert len(orders) == 16
    assert sum(int(r["reserved"]) for r in orders) == 10
    assert sum(int(r["backordered"]) for r in orders) == 6
    assert last_ten.sql("SELECT sum(qty) FROM reservations") == [(10,)]


def test_fifteen_writeoffs_of_ten_units(last_ten):
    results = run_all(last_ten.db, [["stock", "writeoff", "SHI-50", "1", "--reason", "damaged", "-l", "SH"]
                                    for _ in range(15)])
    codes = sorted(code for code, _, _ in results)
    assert codes == [0] * 10 + [4] * 5, [r[2] for r in results]
    for code, _, stderr in results:
        assert "locked" not in stderr.lower()
        assert "Traceback" not in stderr
        assert len(stderr.splitlines()) == (1 if code else 0)
    (row,) = last_ten.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["reserved"], row["available"]) == ("0", "0", "0")
    assert last_ten.sql("SELECT count(*), sum(qty) FROM movements WHERE kind = 'writeoff'") == [(10, -10)]
