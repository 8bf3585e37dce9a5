"""The rolling inventory review: `report aging` and `report turnover`, with hand-worked numbers."""

import pytest


@pytest.fixture
def aged(daigou):
    """Lots received at known dates (CNY costs), looked at as of 2026-12-31."""
    daigou.run("location add HOME --region Shanghai")
    daigou.run(["product", "add", "A", "--name", "精华 A", "--category", "cosmetics", "--zone", "JP"])
    daigou.run(["product", "add", "B", "--name", "海苔 B", "--category", "snacks", "--zone", "KR"])
    daigou.run("stock add A 2 --cost 10 --at 2026-12-01")    # 30 days old on 12-31: 0-30
    daigou.run("stock add A 3 --cost 12 --at 2026-11-30")    # 31 days: 31-90
    daigou.run("stock add A 1 --cost 15 --at 2026-10-02")    # 90 days: 31-90
    daigou.run("stock add B 4 --cost 5 --expiry 2027-01-20 --at 2026-10-01")  # 91 days: 91-180
    daigou.run("stock add B 5 --cost 6 --at 2026-07-03")     # 181 days: 180+
    daigou.run("stock add B 1 --cost 7 --at 2026-07-04")     # 180 days: 91-180
    return daigou


BUCKETS = ["units_0_30", "value_0_30", "units_31_90", "value_31_90", "units_91_180", "value_91_180",
           "units_180_plus", "value_180_plus", "units", "value", "oldest_days", "expiring_units",
           "expiring_value", "next_expiry"]


def picked(rows, key):
    return {r[key]: [r[c] for c in BUCKETS] for r in rows}


def test_aging_buckets_per_sku(aged):
    rows = aged.csv("report aging --as-of 2026-12-31")
    assert picked(rows, "sku") == {
        "A": ["2", "20.00", "4", "51.00", "0", "0.00", "0", "0.00", "6", "71.00", "90", "0", "0.00", ""],
        "B": ["0", "0.00", "0", "0.00", "5", "27.00", "5", "30.00", "10", "57.00", "181", "4", "20.00", "2027-01-20"],
    }
    assert [(r["sku"], r["name"], r["currency"]) for r in rows] == [("A", "精华 A", "CNY"), ("B", "海苔 B", "CNY")]


def test_aging_by_category_and_zone(aged):
    by_category = picked(aged.csv("report aging --by category --as-of 2026-12-31"), "category")
    assert by_category["snacks"][8:10] == ["10", "57.00"]
    assert by_category["cosmetics"][:4] == ["2", "20.00", "4", "51.00"]
    assert list(picked(aged.csv("report aging --by zone --as-of 2026-12-31"), "zone")) == ["JP", "KR"]


def test_aging_as_of_an_earlier_day_and_a_shorter_expiry_window(aged):
    rows = picked(aged.csv("report aging --as-of 2026-11-30 --expiring 10d"), "sku")
    # On 11-30 the lot of 12-01 did not exist and the lot of 11-30 was new.
    assert rows["A"][:4] == ["3", "36.00", "1", "15.00"]
    assert rows["B"][-4:-1] == ["150", "0", "0.00"]


def test_aging_leaves_out_what_has_gone(aged):
    # Expired stock leaves soonest expiry first: the lot of 4, then 2 of the oldest lot.
    aged.run("stock writeoff B 6 --reason expired --at 2026-12-01")
    rows = picked(aged.csv("report aging --as-of 2026-12-31"), "sku")
    assert rows["B"][4:10] == ["1", "7.00", "3", "18.00", "4", "25.00"]


def test_aging_table_has_totals(aged):
    out = aged.run("report aging --as-of 2026-12-31 --format table").stdout
    assert "Stock aging" in out
    assert "128.00" in out  # 71.00 + 57.00


@pytest.fixture
def sold(daigou):
    """November 2026: X sells 4 of 10 halfway through, Y sits there, Z arrives on the 20th."""
    daigou.run("location add HOME --region Shanghai")
    daigou.run(["product", "add", "X", "--name", "Pocky", "--category", "snacks"])
    daigou.run(["product", "add", "Y", "--name", "白色恋人", "--category", "snacks"])
    daigou.run(["product", "add", "Z", "--name", "防晒", "--category", "cosmetics"])
    daigou.run("stock add X 10 --cost 10 --at 2026-10-01")
    daigou.run("stock add Y 5 --cost 8 --at 2026-09-01")
    daigou.run("stock add Z 3 --cost 20 --at 2026-11-20")
    daigou.run(["customer", "add", "王芳"])
    order = daigou.run("order new 王芳 X:4@15 --at 2026-11-10 -q").stdout.strip()
    daigou.run(f"order pay {order} 60 --at 2026-11-10")
    daigou.run(f"ship {order} --carrier SF --tracking SF100 --at 2026-11-16")
    return daigou


TURNOVER = ["units_sold", "cogs", "avg_inventory", "end_units", "end_value", "turnover", "days_of_inventory",
            "oldest_days", "flag"]


def test_turnover_per_sku(sold):
    # X: 100.00 at the start; 40.00 leaves on the 16th with 15 of the 30 days left:
    #    average 100 - 40 × 15/30 = 80.00; turnover 40/80 = 0.50; days of inventory 30 × 80/40 = 60.0
    # Y: held since September, nothing sold: dead. Z: 60.00 for the last 11 of 30 days = 22.00, new.
    rows = sold.csv("report turnover --period 2026-11")
    assert {r["sku"]: [r[c] for c in TURNOVER] for r in rows} == {
        "X": ["4", "40.00", "80.00", "6", "60.00", "0.50", "60.0", "60", ""],
        "Y": ["0", "0.00", "40.00", "5", "40.00", "0.00", "", "90", "dead"],
        "Z": ["0", "0.00", "22.00", "3", "60.00", "0.00", "", "10", ""],
    }
    dead = next(r for r in rows if r["sku"] == "Y")
    assert dead["action"] == "clear: no sales this period; discount to cost or bundle with a best-seller"
    assert {r["period"] for r in rows} == {"2026-11"}


def test_turnover_slow_days_and_from_to(sold):
    rows = sold.csv("report turnover --from 2026-11-01 --to 2026-11-30 --slow-days 30")
    x = next(r for r in rows if r["sku"] == "X")
    assert (x["avg_inventory"], x["flag"], x["period"]) == ("80.00", "slow", "2026-11-01..2026-11-30")
    assert x["action"] == "promote: discount 10-20% or bundle; buy none until it moves"


def test_turnover_by_category(sold):
    rows = sold.csv("report turnover --period 2026-11 --by category")
    assert {r["category"]: [r[c] for c in TURNOVER] for r in rows} == {
        "cosmetics": ["0", "0.00", "22.00", "3", "60.00", "0.00", "", "10", ""],
        "snacks": ["4", "40.00", "120.00", "11", "100.00", "0.33", "90.0", "90", ""],
    }


def test_stock_held_for_orders_is_not_dead(sold):
    sold.run("order new 王芳 Y:5@98 --at 2026-10-20")
    y = next(r for r in sold.csv("report turnover --period 2026-11") if r["sku"] == "Y")
    assert (y["units_sold"], y["end_units"], y["flag"], y["action"]) == ("0", "5", "", "")


def test_turnover_long_dead_stock_is_for_writing_off(sold):
    rows = sold.csv("report turnover --period 2027-Q2")
    y = next(r for r in rows if r["sku"] == "Y")
    assert (y["flag"], y["oldest_days"]) == ("dead", "302")
    assert y["action"].startswith("clear: older than 180 days")


@pytest.mark.parametrize("args, message", [
    ("--period 2026-13", "--period: '2026-13' is not a period"),
    ("--period 2026-11 --from 2026-11-01", "give either --period or --from/--to"),
    ("--from 2026-12-01 --to 2026-11-01", "--from: the window starts after it ends"),
])
def test_turnover_bad_windows(sold, args, message):
    result = sold(f"report turnover {args}")
    assert result.exit_code == 3
    assert message in result.stderr
