"""Start-up is a feature: a CSV read or a plain `stock add` does not import rich, pendulum,
tabulate or sqlite_utils (checked in a fresh interpreter with `python -X importtime`)."""

import os
import subprocess
import sys

import pytest

HEAVY = ("rich", "pendulum", "tabulate", "sqlite_utils")


def imported_modules(args, db, cwd):
    env = {k: v for k, v in os.environ.items() if k != "DAIGOU_FORMAT"} | {"DAIGOU_DB": str(db)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "daigou_cli", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = set()
    for line in done.stderr.splitlines():
        # "import time:       self [us] |  cumulative | imported package"
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name)
    assert "daigou_cli.app" in modules  # the parse works
    return modules


def heavy(modules):
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.fixture
def stocked(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    return shop


def test_stock_list_as_csv_imports_nothing_heavy(stocked, tmp_path):
    modules = imported_modules(["stock", "list", "--format", "csv"], stocked.db, tmp_path)
    assert heavy(modules) == []


def test_stock_add_without_at_does_not_import_pendulum(stocked, tmp_path):
    modules = imported_modules(["stock", "add", "POCKY", "24", "--cost", "150", "--currency", "JPY",
                                "--location", "TOKYO", "-q"], stocked.db, tmp_path)
    assert heavy(modules) == []


def test_the_check_would_see_pendulum_when_at_is_typed(stocked, tmp_path):
    modules = imported_modules(["stock", "add", "POCKY", "24", "--cost", "150", "--currency", "JPY",
                                "--location", "TOKYO", "--at", "2026-10-02T10:00", "-q"], stocked.db, tmp_path)
    assert "pendulum" in modules
