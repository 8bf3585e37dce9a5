"""`daigou report forecast` on small ledgers: what counts as demand, the numbers a daigou sees,
event uplift for tagged SKUs, computed reorder points in `reorder` and `shopping-list`, and
the backtest."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from daigou_cli.core import clock
from daigou_cli.core.db import connect
from daigou_cli.core.forecast import demand
from daigou_cli.core.forecast.backtest import COLUMNS as BACKTEST_COLUMNS
from daigou_cli.core.forecast.report import COLUMNS


def history(rows_by_sku: dict[str, list[int]], last: date) -> str:
    """CSV for `history import`: each SKU's units per day, the last one on `last`."""
    lines = ["date,sku,qty"]
    for sku, units in rows_by_sku.items():
        first = last - timedelta(days=len(units) - 1)
        lines += [f"{first + timedelta(days=i)},{sku},{q}" for i, q in enumerate(units) if q]
    return "\n".join(lines) + "\n"


def one(daigou, args):
    (row,) = daigou.json(args)
    return row


# ----------------------------------------------------------------- what counts as demand


def test_a_steady_seller_by_hand(shop):
    shop.run("history import -", input=history({"POCKY": [2] * 60}, date(2025, 6, 30)))
    row = one(shop, "report forecast --as-of 2025-06-30 --sku POCKY")
    assert list(row) == COLUMNS
    assert (row["demand_class"], row["method"], row["adi"], row["cv2"]) == ("smooth", "ses", 1.0, 0.0)
    assert (row["per_day"], row["total"], row["horizon"]) == (2.0, 56.0, 28)
    # Lead time: config lead_days 14, spread lead_time_cv 0.2 → σ_L = 2.8 days. A steady 2 a day
    # has no forecast error, so safety stock = 1.6449 × √(0 + 2² × 2.8²) = 9.21; reorder point
    # 28 + 9.21 → 38; order-up-to 37.21 + 28 days × 2 (no unit cost, no EOQ) = 93.21 → 94.
    assert (row["lead_days"], row["lead_time_demand"], row["safety_stock"]) == (14, 28.0, 9.2)
    assert (row["reorder_point"], row["order_up_to"], row["eoq"]) == (38, 94, None)
    assert (row["position"], row["suggested_qty"], row["set_reorder_point"]) == (0, 94, None)


def test_cancelled_orders_are_not_demand_but_back_orders_are(shop):
    shop.run("customer add 王芳")
    shop.run(["order", "new", "王芳", "POCKY:3", "--at", "2025-06-01T23:30"])   # no stock: back-ordered
    second = shop.run(["order", "new", "王芳", "POCKY:5", "--at", "2025-06-02T00:30", "-q"]).stdout.strip()
    shop.run(["order", "cancel", second, "--reason", "changed her mind", "--at", "2025-06-02T09:00"])
    conn = connect(Path(shop.db))
    try:
        as_of = clock.parse_as_of("2025-06-02", "Asia/Shanghai")
        series = demand.daily_demand(conn, date(2025, 6, 1), date(2025, 6, 2), as_of, "Asia/Shanghai")
        # Before the cancellation, both orders were demand, each on its own business day.
        before = clock.parse_as_of("2025-06-02T08:00", "Asia/Shanghai")
        earlier = demand.daily_demand(conn, date(2025, 6, 1), date(2025, 6, 2), before, "Asia/Shanghai")
    finally:
        conn.close()
    assert series == {"POCKY": [3, 0]}
    assert earlier == {"POCKY": [3, 5]}
    row = one(shop, "report forecast --as-of 2025-06-02 --sku POCKY")
    assert (row["demand_class"], row["adi"], row["backordered"]) == ("intermittent", 2.0, 3)


def test_history_and_orders_add_up(shop):
    shop.run("history import -", input="date,sku,qty\n2025-06-01,POCKY,4\n")
    shop.run("customer add 王芳")
    shop.run(["order", "new", "王芳", "POCKY:3", "--at", "2025-06-01T10:00"])
    rows = shop.csv("report forecast --as-of 2025-06-01 --sku POCKY --daily --horizon 2")
    assert [(r["sku"], r["date"], r["forecast"]) for r in rows] == [
        ("POCKY", "2025-06-02", "7.000"), ("POCKY", "2025-06-03", "7.000")]


def test_a_voided_import_is_no_longer_demand(shop):
    shop.run("history import -", input=history({"POCKY": [2] * 30}, date(2025, 6, 30)))
    entry = shop.json("history list")[0]["id"]
    shop.run(f"void {entry} --reason 'wrong shop'")
    assert one(shop, "report forecast --as-of 2025-06-30 --sku POCKY")["demand_class"] == "none"


def test_daily_rows_and_every_sku(shop):
    shop.run("history import -", input=history({"POCKY": [1, 2] * 20}, date(2025, 6, 30)))
    rows = shop.csv("report forecast --as-of 2025-06-30 --daily --horizon 3")
    assert list(rows[0]) == ["sku", "date", "forecast"]
    assert [(r["sku"], r["date"]) for r in rows] == [
        ("POCKY", "2025-07-01"), ("POCKY", "2025-07-02"), ("POCKY", "2025-07-03"),
        ("SHI-50", "2025-07-01"), ("SHI-50", "2025-07-02"), ("SHI-50", "2025-07-03")]
    assert {r["forecast"] for r in rows if r["sku"] == "SHI-50"} == {"0.000"}


@pytest.mark.parametrize("args, message", [
    ("--horizon 0", "--horizon: 0 is not between 1 and 366 days"),
    ("--sku NOPE", "--sku: unknown SKU 'NOPE'"),
    ("--as-of someday", "--as-of: 'someday' is not a date"),
])
def test_bad_options_are_one_line_and_exit_3(shop, args, message):
    result = shop(f"report forecast {args}")
    assert result.exit_code == 3
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_ledger_that_does_not_exist_yet_forecasts_nothing(daigou):
    assert daigou.run("report forecast --format csv").stdout.splitlines() == [",".join(COLUMNS)]


# ----------------------------------------------------------------- events


@pytest.fixture
def twins(shop):
    """Two cosmetics SKUs with the same history: 2 a day, and 20 on Double 11 last year."""
    shop.run(["product", "add", "TWIN-A", "--name", "A", "--category", "cosmetics"])
    shop.run(["product", "add", "TWIN-B", "--name", "B", "--category", "cosmetics"])
    last = date(2025, 10, 28)
    units = [2] * ((last - date(2024, 6, 1)).days + 1)
    units[(date(2024, 11, 11) - date(2024, 6, 1)).days] = 20
    shop.run("history import -", input=history({"TWIN-A": units, "TWIN-B": units}, last))
    shop.run("product edit TWIN-A --event double11")
    return shop


def daily(daigou, sku):
    rows = daigou.csv(f"report forecast --as-of 2025-10-28 --daily --sku {sku}")
    return {r["date"]: float(r["forecast"]) for r in rows}


def test_last_years_uplift_goes_to_tagged_skus_only_and_is_capped(twins):
    twins.run("config set event_uplift_cap 2")
    a, b = daily(twins, "TWIN-A"), daily(twins, "TWIN-B")
    assert a["2025-11-11"] == pytest.approx(2 * b["2025-11-11"], rel=1e-3)     # capped at 2
    assert a["2025-11-20"] == pytest.approx(b["2025-11-20"], rel=1e-3)         # after the window
    assert b["2025-11-11"] == b["2025-11-04"]                                   # untagged: no event
    events = {r["sku"]: r["events"] for r in twins.csv("report forecast --as-of 2025-10-28")}
    assert (events["TWIN-A"], events["TWIN-B"]) == ("double11", "")


def test_without_a_tight_cap_the_uplift_follows_last_year(twins):
    twins.run("config set event_uplift_cap 10")
    a, b = daily(twins, "TWIN-A"), daily(twins, "TWIN-B")
    # 20 units over a level of 2 is 10×, but one SKU's one day is shrunk toward "no effect" by
    # 3 units of evidence: (20 + 3) / (2 + 3) = 4.6 (a lone spike moves the weekday index little).
    assert a["2025-11-11"] / b["2025-11-11"] == pytest.approx(4.6, abs=0.1)
    # The default cap, 4, stops it there.
    twins.run("config set event_uplift_cap 4")
    assert daily(twins, "TWIN-A")["2025-11-11"] / b["2025-11-11"] == pytest.approx(4.0, rel=1e-3)


def test_a_skus_forecast_does_not_depend_on_which_others_are_asked_for(twins):
    # The uplift pools every SKU tagged for the event, asked for or not.
    twins.run("product edit TWIN-B --event double11")
    alone = daily(twins, "TWIN-A")
    rows = twins.csv("report forecast --as-of 2025-10-28 --daily")
    assert {r["date"]: float(r["forecast"]) for r in rows if r["sku"] == "TWIN-A"} == alone


def test_tagging_a_category(twins):
    twins.run("history tag --category COSMETICS --event cny")
    rows = twins.csv("history events --year 2026")
    cny = next(r for r in rows if r["event"] == "cny")
    assert (cny["date"], cny["window_from"], cny["window_to"]) == ("2026-02-17", "2026-01-27", "2026-03-03")
    assert cny["tagged"] == "category:cosmetics"
    assert next(r for r in rows if r["event"] == "double11")["tagged"] == "TWIN-A"
    result = twins.json("product edit TWIN-B --event 618")
    assert result["events"] == ["618", "cny"]


def test_unknown_event_is_invalid_input(twins):
    result = twins("product edit TWIN-A --event easter")
    assert result.exit_code == 3 and "--event: unknown event 'easter'" in result.stderr


# ----------------------------------------------------------------- reorder and shopping-list


@pytest.fixture
def selling(shop):
    """SHI-50 has a reorder point set by hand (5); POCKY, sold 2 a day, has none."""
    shop.run("history import -", input=history({"SHI-50": [2] * 60, "POCKY": [2] * 60}, date(2025, 6, 30)))
    shop.run("product edit POCKY --pack-size 12")
    return shop


def test_reorder_uses_the_computed_point_and_a_hand_set_one_wins(selling):
    rows = {r["sku"]: r for r in selling.json("reorder --as-of 2025-06-30", code=1)}
    assert rows["SHI-50"]["reorder_point"] == 5                     # the hand-set point
    forecast = one(selling, "report forecast --as-of 2025-06-30 --sku POCKY")
    assert rows["POCKY"]["reorder_point"] == forecast["reorder_point"] == 38
    # Up to the order-up-to level 94 from a position of 0, in packs of 12: 96.
    assert rows["POCKY"]["suggested_qty"] == 96 == forecast["suggested_qty"]


def test_a_sku_ordered_once_or_twice_gets_no_computed_point(shop):
    shop.run("customer add 王芳")
    shop.run(["order", "new", "王芳", "POCKY:2", "--at", "2025-06-10"])
    shop.run(["order", "new", "王芳", "POCKY:1", "--at", "2025-06-12"])
    # The forecast shows what the two orders imply, but `reorder` leaves POCKY to be bought
    # to order until it has sold on three days.
    assert one(shop, "report forecast --as-of 2025-06-13 --sku POCKY")["reorder_point"] > 0
    assert "POCKY" not in {r["sku"] for r in shop.json("reorder --as-of 2025-06-13", code=1)}
    shop.run(["order", "new", "王芳", "POCKY:1", "--at", "2025-06-13"])
    assert "POCKY" in {r["sku"] for r in shop.json("reorder --as-of 2025-06-13", code=1)}


def test_stock_above_the_computed_point_is_not_reordered(selling):
    selling.run("stock add POCKY 40 --cost 10 --location SH --at 2025-06-01")
    rows = selling.json("reorder --as-of 2025-06-30", code=1)
    assert [r["sku"] for r in rows] == ["SHI-50"]


def test_shopping_list_uses_the_computed_point(selling):
    rows = selling.json("shopping-list --as-of 2025-06-30")
    pocky = next(r for r in rows if r["sku"] == "POCKY")
    assert (pocky["reason"], pocky["reorder_point"], pocky["suggested_qty"]) == ("reorder", 38, 96)


def test_service_level_setting(selling):
    assert selling.run("config get service_level").stdout.strip().endswith("0.95")
    assert selling("config set service_level 1.5").exit_code == 3
    selling.run("config set service_level 0.99")
    assert one(selling, "report forecast --as-of 2025-06-30 --sku POCKY")["safety_stock"] == 13.0


# ----------------------------------------------------------------- backtest


def test_backtest_columns_and_a_perfect_weekly_pattern_favours_seasonal_naive(shop):
    pattern = [0, 2, 0, 5, 0, 0, 9] * 30
    shop.run("history import -", input=history({"POCKY": pattern}, date(2025, 6, 30)))
    rows = shop.csv("report forecast --backtest --origins 2 --as-of 2025-06-30")
    assert list(rows[0]) == BACKTEST_COLUMNS
    by = {(r["method"], r["demand_class"]): r for r in rows}
    naive, auto = by[("seasonal_naive", "all")], by[("auto", "all")]
    assert (naive["series"], float(naive["rmsse"]), float(naive["mase"]), float(naive["bias"])) == ("2", 0.0, 0.0, 0.0)
    assert float(auto["rmsse"]) > 0.1
    assert auto["rmsse_vs_seasonal_naive"] == ""          # no ratio to a perfect score
    assert {r["method"] for r in rows} == {"auto", "ses", "tsb", "seasonal_naive", "ma28"}
