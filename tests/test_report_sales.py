"""`report sales` on a hand-built October and November: orders taken (not cancelled) at the
order date, revenue converted on that day, each row beside the period before it."""

import pytest
from conftest import Daigou

COLUMNS = ["units", "orders", "revenue", "aov", "prev_units", "prev_orders", "prev_revenue", "prev_aov",
           "units_change", "revenue_change", "revenue_change_pct"]


@pytest.fixture(scope="module")
def autumn(tmp_path_factory):
    """A (cosmetics, 100.00) and B (snacks, 10.00), CNY unless said; JPY 0.048 from 11-01.

    10-05 c1 A:1 100.00        10-20 c2 B:5 50.00
    11-02 c1 A:2 200.00        11-02 c2 B:3 30.00
    11-03 c3 A:1 @ 2000 JPY on shopify = 96.00
    11-10 c1 A:1 B:2 120.00    11-11 c2 B:1 10.00, cancelled on 11-12
    """
    d = Daigou(tmp_path_factory.mktemp("sales") / "ledger.db")
    for args in ["location add SH --region Shanghai", "fx set JPY 0.05 --at 2026-10-01",
                 "fx set JPY 0.048 --at 2026-11-01",
                 "product add A --name Cream --category cosmetics --price 100",
                 "product add B --name Pocky --category snacks --price 10",
                 "customer add 王小美 --wechat c1", "customer add 李娜 --wechat c2", "customer add 陈静 --wechat c3",
                 "order new c1 A:1 --at 2026-10-05", "order new c2 B:5 --at 2026-10-20",
                 "order new c1 A:2 --at 2026-11-02T10:00", "order new c2 B:3 --at 2026-11-02T11:00",
                 "order new c3 A:1@2000 --currency JPY --channel shopify --at 2026-11-03",
                 "order new c1 A:1 B:2 --at 2026-11-10"]:
        d.run(args)
    cancelled = int(d.run("order new c2 B:1 --at 2026-11-11 -q").stdout)
    d.run(f"order cancel {cancelled} --reason 重复 --at 2026-11-12")
    return d


def table(rows, first):
    return {r[first]: [r[c] for c in COLUMNS] for r in rows}


def test_by_day_beside_the_day_before(autumn):
    rows = table(autumn.csv("report sales --period 2026-11 --by day"), "period")
    assert len(rows) == 30
    assert rows["2026-11-01"] == ["0", "0", "0.00", "", "0", "0", "0.00", "", "0", "0.00", ""]
    assert rows["2026-11-02"] == ["5", "2", "230.00", "115.00", "0", "0", "0.00", "", "5", "230.00", ""]
    assert rows["2026-11-03"] == ["1", "1", "96.00", "96.00", "5", "2", "230.00", "115.00", "-4", "-134.00", "-58.3"]
    assert rows["2026-11-10"] == ["3", "1", "120.00", "120.00", "0", "0", "0.00", "", "3", "120.00", ""]
    # the cancelled order counts nowhere
    assert rows["2026-11-11"] == ["0", "0", "0.00", "", "3", "1", "120.00", "120.00", "-3", "-120.00", "-100.0"]


def test_by_iso_week(autumn):
    rows = table(autumn.csv("report sales --period 2026-11 --by week"), "period")
    # 1 November is a Sunday: W44 is 26 Oct – 1 Nov (whole weeks, not cut at the month's edges)
    assert list(rows) == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert rows["2026-W44"] == ["0", "0", "0.00", "", "5", "1", "50.00", "50.00", "-5", "-50.00", "-100.0"]
    assert rows["2026-W45"] == ["6", "3", "326.00", "108.67", "0", "0", "0.00", "", "6", "326.00", ""]
    assert rows["2026-W46"] == ["3", "1", "120.00", "120.00", "6", "3", "326.00", "108.67", "-3", "-206.00", "-63.2"]


def test_by_month_of_a_quarter(autumn):
    rows = table(autumn.csv("report sales --period 2026-Q4 --by month"), "period")
    assert rows == {
        "2026-10": ["6", "2", "150.00", "75.00", "0", "0", "0.00", "", "6", "150.00", ""],
        "2026-11": ["9", "4", "446.00", "111.50", "6", "2", "150.00", "75.00", "3", "296.00", "197.3"],
        "2026-12": ["0", "0", "0.00", "", "9", "4", "446.00", "111.50", "-9", "-446.00", "-100.0"],
    }


def test_by_sku_beside_the_previous_month(autumn):
    rows = autumn.csv("report sales --period 2026-11 --by sku")
    assert [(r["key"], r["name"], *[r[c] for c in COLUMNS]) for r in rows] == [
        ("A", "Cream", "4", "3", "396.00", "132.00", "1", "1", "100.00", "100.00", "3", "296.00", "296.0"),
        ("B", "Pocky", "5", "2", "50.00", "25.00", "5", "1", "50.00", "50.00", "0", "0.00", "0.0"),
    ]


def test_by_channel_customer_and_category(autumn):
    channels = table(autumn.csv("report sales --period 2026-11 --by channel"), "key")
    assert channels["wechat"][:3] == ["8", "3", "350.00"] and channels["wechat"][4:7] == ["6", "2", "150.00"]
    assert channels["shopify"][:4] == ["1", "1", "96.00", "96.00"]
    customers = autumn.csv("report sales --period 2026-11 --by customer")
    assert [(r["name"], r["orders"], r["revenue"], r["prev_revenue"]) for r in customers] == [
        ("王小美", "2", "320.00", "100.00"), ("陈静", "1", "96.00", "0.00"), ("李娜", "1", "30.00", "50.00")]
    categories = table(autumn.csv("report sales --period 2026-11 --by category"), "key")
    assert list(categories) == ["cosmetics", "snacks"]


def test_as_of_before_the_cancellation(autumn):
    rows = autumn.csv("report sales --period 2026-11 --by month --as-of 2026-11-11")
    # on 11 November the 10.00 order was not cancelled yet
    assert [rows[0][c] for c in ("units", "orders", "revenue")] == ["10", "5", "456.00"]


def test_terminal_totals(autumn):
    out = autumn.run("report sales --period 2026-11 --by sku --format table").stdout
    total = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total.split()[:5] == ["total", "9", "4", "446.00", "111.50"]


def test_bad_by_is_a_usage_error(autumn):
    result = autumn("report sales --by year")
    assert result.exit_code == 2
    assert "--by: 'year' is not one of day, week, month, sku, category, channel, customer" in result.stderr
