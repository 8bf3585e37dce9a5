"""`report stock`: valuation at FIFO landed cost by SKU, category, zone and location, as of
any date, and against the start of a window."""

import pytest
from shop_ledger import build, copy_into

STOCK = [
    "stock add SHI-50 2 --cost 4000 --currency JPY --location TOKYO --at 2026-09-10",  # 0.0478: 191.20 each
    "stock add SHI-50 3 --cost 4200 --currency JPY --location SH --at 2026-10-05",     # 0.05: 210.00 each
    "stock add POCKY 10 --cost 100 --currency JPY --location SH --at 2026-10-05",      # 5.00 each
    "customer add 王小美 --wechat wxm --region Shanghai",
    "order new wxm POCKY:1 --external-id P1 --at 2026-11-02",
    "ship P1 --carrier SF --tracking P1 --allow-unpaid --at 2026-11-03",
    "order new wxm SHI-50:2 --at 2026-11-04",  # held, not shipped
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build(tmp_path_factory, STOCK, "stock")[0]


@pytest.fixture
def stocked(daigou, template):
    return copy_into(template, daigou)


def test_by_sku_now(stocked):
    rows = stocked.csv("report stock")
    assert [(r["sku"], r["units"], r["reserved"], r["available"], r["lots"], r["unit_cost"], r["value"], r["share_pct"])
            for r in rows] == [
        ("SHI-50", "5", "2", "3", "2", "202.48", "1012.40", "95.7"),   # 382.40 + 630.00
        ("POCKY", "9", "0", "9", "1", "5.00", "45.00", "4.3"),
    ]


def test_by_location_and_category(stocked):
    assert [(r["location"], r["value"]) for r in stocked.csv("report stock --by location")] == [
        ("SH", "675.00"), ("TOKYO", "382.40")]
    assert [(r["category"], r["units"], r["value"]) for r in stocked.csv("report stock --by category")] == [
        ("cosmetics", "5", "1012.40"), ("snacks", "9", "45.00")]
    assert [(r["zone"], r["value"]) for r in stocked.csv("report stock --by zone")] == [("JP", "1057.40")]


def test_as_of_a_past_day(stocked):
    assert [(r["sku"], r["units"], r["value"]) for r in stocked.csv("report stock --as-of 2026-10-01")] == [
        ("SHI-50", "2", "382.40")]


def test_a_window_adds_the_opening_value_and_the_change(stocked):
    rows = stocked.csv("report stock --period 2026-11")
    assert [(r["sku"], r["opening_value"], r["value"], r["change"]) for r in rows] == [
        ("SHI-50", "1012.40", "1012.40", "0.00"), ("POCKY", "50.00", "45.00", "-5.00")]


def test_terminal_totals(stocked):
    out = stocked.run("report stock --format table").stdout
    total = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total.split() == ["total", "14", "2", "12", "1057.40"]
