"""`report sales` with imported sales history: past days count beside the orders, by the day
they describe; units always, revenue only where the import had it (unknown, not zero, where
not); history and orders of the same SKU-day add up, as in forecasts, with a note."""

import pytest

FIGURES = ["units", "orders", "revenue", "aov", "history_units", "unpriced_units"]


def pick(rows, first="period", columns=FIGURES):
    return {r[first]: [r[c] for c in columns] for r in rows}


def history(shop, text):
    shop.run("history import -", input="date,sku,qty,revenue,channel\n" + text)


@pytest.fixture
def store(shop):
    shop.run("customer add 王芳 --wechat wf")
    return shop


def order(shop, line, at, channel=None):
    args = ["order", "new", "wf", line, "--at", at] + (["--channel", channel] if channel else [])
    return shop.run(args + ["-q"]).stdout.strip()


# ------------------------------------------------------------------------ by month


def test_history_only_by_month(store):
    history(store, "2025-09-03,SHI-50,2,800,wechat\n2025-09-20,POCKY,10,140,taobao\n"
                   "2025-10-01,SHI-50,1,410,wechat\n2025-10-31,POCKY,4,56,wechat\n")
    rows = pick(store.csv("report sales --period 2025-Q4 --by month"))
    # units and revenue of the days imported; no orders, so no average order value
    assert rows["2025-10"] == ["5", "0", "466.00", "", "5", "0"]
    assert rows["2025-11"] == ["0", "0", "0.00", "", "0", "0"]
    month = store.csv("report sales --period 2025-10 --by month")
    (october,) = [r for r in month if r["period"] == "2025-10"]
    # beside September: 12 units for 940.00
    assert [october[c] for c in ("prev_units", "prev_revenue", "units_change", "revenue_change",
                                 "revenue_change_pct")] == ["12", "940.00", "-7", "-474.00", "-50.4"]


def test_ledger_only_is_unchanged(store):
    order(store, "SHI-50:1", "2025-10-05T10:00")
    order(store, "POCKY:2@14", "2025-10-06T10:00")
    rows = pick(store.csv("report sales --period 2025-10 --by month"))
    assert rows["2025-10"] == ["3", "2", "448.00", "224.00", "0", "0"]


def test_history_and_orders_on_separate_days_add_up(store):
    history(store, "2025-10-01,SHI-50,2,800,wechat\n2025-10-02,POCKY,5,70,wechat\n")
    order(store, "SHI-50:1", "2025-10-05T10:00")
    order(store, "POCKY:2@14", "2025-10-06T10:00")
    result = store.run("report sales --period 2025-10 --by month --format csv")
    rows = pick(store.csv("report sales --period 2025-10 --by month"))
    # 7 units for 870.00 imported + 3 units for 448.00 ordered; the average is per order (448 / 2)
    assert rows["2025-10"] == ["10", "2", "1318.00", "224.00", "7", "0"]
    assert "note:" not in result.stderr      # nothing left out, no SKU-day twice


# ------------------------------------------------------------------------ revenue unknown


def test_history_without_revenue_is_unknown_not_zero(store):
    history(store, "2025-09-10,POCKY,6,,\n2025-10-10,POCKY,4,,\n")
    result = store.run("report sales --period 2025-10 --by month --format csv")
    rows = pick(store.csv("report sales --period 2025-10 --by month"),
                columns=FIGURES + ["prev_revenue", "revenue_change", "prev_unpriced_units"])
    assert rows["2025-10"] == ["4", "0", "", "", "4", "4", "", "", "6"]
    assert "note: imported history without revenue: 4 units;" in result.stderr
    (row,) = [r for r in store.json("report sales --period 2025-10 --by month") if r["period"] == "2025-10"]
    assert (row["revenue"], row["revenue_change"], row["units_change"]) == (None, None, -2)


def test_a_month_with_some_units_unpriced_counts_what_is_known(store):
    history(store, "2025-10-01,POCKY,6,,\n2025-10-02,SHI-50,1,400,\n")
    order(store, "SHI-50:1", "2025-10-20T10:00")
    order(store, "SHI-50:1", "2025-11-03T10:00")
    rows = pick(store.csv("report sales --period 2025-Q4 --by month"),
                columns=FIGURES + ["revenue_change", "revenue_change_pct"])
    # 400.00 imported + 420.00 ordered is known; the 6 Pocky are not, so no change against
    # September (nothing) or from October to November
    assert rows["2025-10"] == ["8", "1", "820.00", "420.00", "7", "6", "", ""]
    assert rows["2025-11"] == ["1", "1", "420.00", "420.00", "0", "0", "", ""]
    assert rows["2025-12"] == ["0", "0", "0.00", "", "0", "0", "-420.00", "-100.0"]


# ------------------------------------------------------------------------ the overlap rule


def test_history_and_orders_of_the_same_sku_day_both_count_as_in_forecasts(store):
    history(store, "2025-10-05,SHI-50,2,840,wechat\n2025-10-06,POCKY,3,45,wechat\n")
    order(store, "SHI-50:1", "2025-10-05T10:00")
    order(store, "POCKY:1", "2025-10-07T10:00")     # another day: no overlap
    result = store.run("report sales --period 2025-10 --by month --format csv")
    rows = pick(store.csv("report sales --period 2025-10 --by month"))
    assert rows["2025-10"] == ["7", "2", "1320.00", "217.50", "5", "0"]
    days = pick(store.csv("report sales --period 2025-10 --by day"))
    assert days["2025-10-05"][:3] == ["3", "1", "1260.00"]
    assert ("note: 1 SKU-day has both orders and imported history (first: SHI-50 on 2025-10-05); "
            "both count, as in forecasts.") in result.stderr


def test_an_order_after_midnight_shares_the_business_day_with_history(store):
    # 00:30 in Shanghai is the day before in UTC: still the history's day
    history(store, "2025-10-05,POCKY,3,45,\n")
    order(store, "POCKY:1", "2025-10-05T00:30")
    result = store.run("report sales --period 2025-10 --by day --format csv")
    days = pick(store.csv("report sales --period 2025-10 --by day"))
    assert days["2025-10-04"][:1] == ["0"]
    assert days["2025-10-05"][:3] == ["4", "1", "60.00"]
    assert "(first: POCKY on 2025-10-05)" in result.stderr


# ------------------------------------------------------------------------ the other --by


def test_by_week_and_day(store):
    history(store, "2025-10-05,SHI-50,1,400,\n2025-10-06,SHI-50,2,800,\n")
    weeks = pick(store.csv("report sales --from 2025-10-01 --to 2025-10-12 --by week"))
    # 5 October is a Sunday (ISO week 40), the 6th a Monday (week 41)
    assert weeks["2025-W40"][:3] == ["1", "0", "400.00"] and weeks["2025-W41"][:3] == ["2", "0", "800.00"]
    days = store.csv("report sales --from 2025-10-05 --to 2025-10-06 --by day")
    assert [(r["period"], r["units"], r["prev_units"], r["units_change"]) for r in days] == [
        ("2025-10-05", "1", "0", "1"), ("2025-10-06", "2", "1", "1")]


def test_by_sku_and_category_beside_the_month_before(store):
    history(store, "2025-09-15,SHI-50,3,1200,\n2025-10-15,SHI-50,1,400,\n2025-10-16,POCKY,8,,\n")
    order(store, "SHI-50:1", "2025-10-20T10:00")
    rows = store.csv("report sales --period 2025-10 --by sku")
    assert [(r["key"], r["name"], r["units"], r["revenue"], r["prev_units"], r["prev_revenue"],
             r["unpriced_units"]) for r in rows] == [
        ("SHI-50", "资生堂 红腰子 50ml", "2", "820.00", "3", "1200.00", "0"),
        ("POCKY", "Pocky 巧克力", "8", "", "0", "0.00", "8")]
    categories = pick(store.csv("report sales --period 2025-10 --by category"), "key", ["units", "revenue"])
    assert categories == {"cosmetics": ["2", "820.00"], "snacks": ["8", ""]}


def test_by_channel_merges_history_with_orders(store):
    history(store, "2025-10-01,SHI-50,1,400,WeChat\n2025-10-02,POCKY,5,75,taobao\n2025-10-03,POCKY,2,30,\n")
    order(store, "SHI-50:1", "2025-10-05T10:00")                   # wechat, the default
    order(store, "POCKY:1", "2025-10-06T10:00", channel="xhs")
    rows = pick(store.csv("report sales --period 2025-10 --by channel"), "key",
                ["units", "orders", "revenue", "history_units"])
    # channels are matched case-blind at import; history without a channel has an empty key
    assert rows == {"wechat": ["2", "1", "820.00", "1"], "taobao": ["5", "0", "75.00", "5"],
                    "": ["2", "0", "30.00", "2"], "xhs": ["1", "1", "15.00", "0"]}


def test_by_customer_history_is_a_row_of_its_own(store):
    history(store, "2025-10-01,POCKY,5,75,\n")
    order(store, "SHI-50:1", "2025-10-05T10:00")
    rows = store.csv("report sales --period 2025-10 --by customer")
    assert [(r["key"], r["name"], r["units"], r["orders"], r["revenue"]) for r in rows] == [
        ("1", "王芳", "1", "1", "420.00"), ("", "imported history", "5", "0", "75.00")]


def test_terminal_totals_include_history(store):
    history(store, "2025-10-01,POCKY,5,75,\n")
    order(store, "SHI-50:1", "2025-10-05T10:00")
    out = store.run("report sales --period 2025-10 --by sku --format table").stdout
    total = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total.split()[:5] == ["total", "6", "1", "495.00", "420.00"]


# ------------------------------------------------------------------------ --as-of and void


def test_as_of_takes_history_by_the_day_it_describes(store):
    # imported today, about last October: as of 10 October the first ten days count
    history(store, "2025-10-09,POCKY,2,30,\n2025-10-10,POCKY,3,45,\n2025-10-11,POCKY,4,60,\n")
    rows = pick(store.csv("report sales --period 2025-10 --by month --as-of 2025-10-10"))
    assert rows["2025-10"][:3] == ["5", "0", "75.00"]
    rows = pick(store.csv("report sales --period 2025-10 --by sku --as-of 2025-10-10"), "key")
    assert rows["POCKY"][:3] == ["5", "0", "75.00"]


def test_a_voided_import_never_counts(store):
    history(store, "2025-10-09,POCKY,2,30,\n")
    entry = store.json("history list")[0]["id"]
    store.run(f"void {entry} --reason 'wrong shop'")
    rows = pick(store.csv("report sales --period 2025-10 --by month"))
    assert rows["2025-10"] == ["0", "0", "0.00", "", "0", "0"]
    rows = pick(store.csv("report sales --period 2025-10 --by month --as-of 2025-10-31"))
    assert rows["2025-10"][:1] == ["0"]


def test_from_and_to_take_whole_history_days(store):
    history(store, "2025-10-04,POCKY,1,15,\n2025-10-05,POCKY,2,30,\n2025-10-06,POCKY,4,60,\n"
                   "2025-10-07,POCKY,8,120,\n")
    (row,) = store.csv("report sales --from 2025-10-05 --to 2025-10-06 --by sku")
    # the two days asked for, beside the two days before (only the 4th has any)
    assert [row[c] for c in ("units", "revenue", "prev_units", "prev_revenue")] == ["6", "90.00", "1", "15.00"]
