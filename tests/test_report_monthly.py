"""`report monthly`: the month of tests/report_scenarios.py on a terminal, as CSV and JSON,
and as one self-contained HTML page opened in a real headless Chromium."""

import os
import re
import shutil
import subprocess
import sys

import pytest
from report_scenarios import profit_month

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def november(tmp_path_factory):
    return profit_month(tmp_path_factory.mktemp("monthly") / "ledger.db")


def test_terminal_page_has_the_key_numbers(november):
    out = november.run("report monthly --period 2026-11 --as-of 2026-11-30 --format table").stdout
    assert "daigou monthly report 2026-11" in out
    section = out[out.index("Profit and loss"):out.index("Orders taken")]
    pnl = {cells[0]: cells[1:] for cells in (line.strip("│ ").split() for line in section.splitlines()) if cells}
    assert pnl["revenue"][:3] == ["2,361.60", "0.00", "2,361.60"]  # beside October, which sold nothing
    assert pnl["gross_profit"][:1] == ["887.43"]
    assert "37.6" in out  # margin
    assert "SHI-50" in out and "800.34" in out  # top SKU and its gross profit
    assert "shopify" in out and "719.43" in out  # channels
    assert "total 250.00" in out  # stock at the end of November: lot B 210.00 + 8 Pocky at 5.00
    assert "2 customers: 2 new, 0 returning; repurchase rate 100.0%" in out  # both ordered twice (o3 cancelled)
    assert re.search(r"revenue per day\s+[▁-█]{30}", out)  # a sparkline, one mark per day


def test_csv_and_json(november):
    rows = november.csv("report monthly --period 2026-11 --as-of 2026-11-30")
    pnl = {r["metric"]: r["value"] for r in rows if r["section"] == "pnl"}
    assert pnl == {"revenue": "2361.60", "cogs": "862.40", "shipping": "57.00", "fees": "54.57", "refunds": "500.20",
                   "gross_profit": "887.43", "margin": "37.6"}
    assert {"section": "stock", "key": "total", "metric": "value", "value": "250.00", "currency": "CNY"} in rows
    data = november.json("report monthly --period 2026-11 --as-of 2026-11-30")
    assert data["pnl"]["gross_profit"] == 887.43 and data["previous"] == "2026-10"
    assert [r["key"] for r in data["profit_by_category"]] == ["cosmetics", "snacks"]
    assert len(data["sales_by_day"]) == 30 and len(data["stock_trend"]) == 30
    assert data["stock_trend"][-1]["value"] == 250.00


def test_html_is_one_self_contained_page(november, tmp_path):
    page = tmp_path / "november.html"
    result = november.run(f"report monthly --period 2026-11 --as-of 2026-11-30 --html {page}")
    assert result.stdout.strip() == f"wrote {page}: monthly report 2026-11"
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 3  # sales per day, profit by category, stock value
    # pygal's own config is inline; its tooltip script (from the web) is left out: nothing to fetch
    assert "<link" not in text and "@import" not in text and "<script src" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "887.43" in text and "2,361.60" in text


def test_html_without_the_chart_library_says_what_to_install(november, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pygal", None)  # as if `pip install '.[charts]'` was never run
    result = november(f"report monthly --period 2026-11 --html {tmp_path / 'x.html'}")
    assert result.exit_code == 3
    assert result.stderr == "daigou: --html: charts need the optional extra: pip install 'daigou[charts]'\n"
    assert not (tmp_path / "x.html").exists()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_opens_in_headless_chromium(november, tmp_path):
    page = tmp_path / "november.html"
    november.run(f"report monthly --period 2026-11 --as-of 2026-11-30 --html {page}")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == 3 and "Sales per day" in dom.stdout
    shot = tmp_path / "november.png"
    done = subprocess.run([CHROMIUM, *flags, "--window-size=1400,1600", f"--screenshot={shot}", page.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000  # charts, not a blank page


def test_reports_do_not_load_the_chart_library_or_rich_for_csv(november, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DAIGOU_FORMAT"} | {"DAIGOU_DB": november.db}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "daigou_cli", "report", "profit", "--period",
                           "2026-11", "--format", "csv"], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines()
              if line.startswith("import time:") and "|" in line}
    assert "daigou_cli" in loaded and not loaded & {"pygal", "rich", "pendulum"}
