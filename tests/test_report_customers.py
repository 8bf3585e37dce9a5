"""`report customers` on a hand-built set of customers, one per RFM segment, over the window
1 December 2025 – 30 June 2026 (recency counts to 30 June)."""

import pytest
from conftest import Daigou

WINDOW = "--from 2025-12-01 --to 2026-06-30"


@pytest.fixture(scope="module")
def regulars(tmp_path_factory):
    """A cosmetics 100.00, B snacks 10.00, C electronics 1000.00 (CNY).

    Anna   03-01 04-01 05-01 06-01 A:1, 06-20 A:1 B:1   5 orders, 510.00, last 06-20 (10 days)
    Bo     04-10 05-10 05-25 B:2                       3 orders,  60.00, last 05-25 (36 days)
    Chen   06-15 C:1, first order ever                 1 order, 1000.00 (15 days)
    Dai    2025-11-01 A:1 (before the window), 06-01 A:1    1 order in it, 100.00 (29 days)
    Eve    04-15 B:1                                   1 order,   10.00 (76 days)
    Fan    01-10 01-20 02-01 A:1, 50.00 of one refunded     3 orders, 250.00 (149 days)
    Gu     02-15 B:1                                   1 order,   10.00 (135 days)
    Hu     2025-12-15 B:1                              1 order,   10.00 (197 days)
    Ivy    03-03 A:1, cancelled                        not a customer in this report

    M: spend ranks among the 8, ceil(5 × customers spending as much or less / 8):
    Eve, Gu, Hu (10.00, three) 2; Bo 3; Dai 4; Fan 4; Anna 5; Chen 5.
    """
    d = Daigou(tmp_path_factory.mktemp("customers") / "ledger.db")
    for args in ["location add SH --region Shanghai",
                 "product add A --name Cream --category cosmetics --price 100",
                 "product add B --name Pocky --category snacks --price 10",
                 "product add C --name Switch --category electronics --price 1000"]:
        d.run(args)
    orders = {
        "Anna": ["2026-03-01 A:1", "2026-04-01 A:1", "2026-05-01 A:1", "2026-06-01 A:1", "2026-06-20 A:1 B:1"],
        "Bo": ["2026-04-10 B:2", "2026-05-10 B:2", "2026-05-25 B:2"],
        "Chen": ["2026-06-15 C:1"],
        "Dai": ["2025-11-01 A:1", "2026-06-01 A:1"],
        "Eve": ["2026-04-15 B:1"],
        "Fan": ["2026-01-10 A:1", "2026-01-20 A:1", "2026-02-01 A:1"],
        "Gu": ["2026-02-15 B:1"],
        "Hu": ["2025-12-15 B:1"],
        "Ivy": ["2026-03-03 A:1"],
    }
    ids = {}
    for name, taken in orders.items():
        d.run(f"customer add {name} --wechat {name.lower()}")
        for text in taken:
            day, *lines = text.split()
            ids[name] = int(d.run(f"order new {name.lower()} {' '.join(lines)} --at {day}T12:00 -q").stdout)
    d.run(f"order pay {ids['Fan']} 100 --at 2026-02-01T13:00")
    d.run(f"order refund {ids['Fan']} 50 --at 2026-02-03")
    d.run(f"order cancel {ids['Ivy']} --reason 不要了 --at 2026-03-04")
    return d


def test_rfm_scores_and_segments(regulars):
    rows = {r["customer"]: r for r in regulars.csv(f"report customers {WINDOW}")}
    assert {name: (r["recency_days"], r["rfm"], r["segment"]) for name, r in rows.items()} == {
        "Anna": ("10", "555", "champion"),
        "Bo": ("36", "433", "loyal"),
        "Chen": ("15", "515", "new"),
        "Dai": ("29", "514", "promising"),
        "Eve": ("76", "312", "needs_attention"),
        "Fan": ("149", "234", "at_risk"),
        "Gu": ("135", "212", "hibernating"),
        "Hu": ("197", "112", "lost"),
    }


def test_orders_spend_dates_and_favourites(regulars):
    rows = {r["customer"]: r for r in regulars.csv(f"report customers {WINDOW}")}
    fields = ("orders", "spend", "first_order", "last_order", "days_between", "favourite_categories", "new")
    assert {name: tuple(r[f] for f in fields) for name, r in rows.items()} == {
        "Anna": ("5", "510.00", "2026-03-01", "2026-06-20", "27.8", "cosmetics, snacks", "yes"),  # 111 days / 4
        "Bo": ("3", "60.00", "2026-04-10", "2026-05-25", "22.5", "snacks", "yes"),
        "Chen": ("1", "1000.00", "2026-06-15", "2026-06-15", "", "electronics", "yes"),
        "Dai": ("1", "100.00", "2025-11-01", "2026-06-01", "", "cosmetics", "no"),
        "Eve": ("1", "10.00", "2026-04-15", "2026-04-15", "", "snacks", "yes"),
        "Fan": ("3", "250.00", "2026-01-10", "2026-02-01", "11.0", "cosmetics", "yes"),
        "Gu": ("1", "10.00", "2026-02-15", "2026-02-15", "", "snacks", "yes"),
        "Hu": ("1", "10.00", "2025-12-15", "2025-12-15", "", "snacks", "yes"),
    }
    assert list(rows)[:2] == ["Anna", "Chen"]  # best RFM first


def test_new_and_returning_per_month_and_repurchase_rate(regulars):
    rows = regulars.csv(f"report customers {WINDOW} --by month")
    fields = ("customers", "new", "returning", "orders", "repeat_customers", "repurchase_rate")
    assert {r["period"]: tuple(r[f] for f in fields) for r in rows} == {
        "2025-12": ("1", "1", "0", "1", "0", "0.0"),
        "2026-01": ("1", "1", "0", "2", "1", "100.0"),
        "2026-02": ("2", "1", "1", "2", "0", "0.0"),
        "2026-03": ("1", "1", "0", "1", "0", "0.0"),
        "2026-04": ("3", "2", "1", "3", "0", "0.0"),
        "2026-05": ("2", "0", "2", "3", "1", "50.0"),
        "2026-06": ("3", "1", "2", "4", "1", "33.3"),
        # Anna, Bo and Fan ordered twice or more: 3 of 8
        "all": ("8", "7", "1", "16", "3", "37.5"),
    }


def test_terminal_shows_both_tables_and_the_rate(regulars):
    out = regulars.run(f"report customers {WINDOW} --format table").stdout
    assert "champion" in out and "New and returning customers" in out
    assert "repurchase rate 2025-12-01..2026-06-30: 37.5% (3 of 8 customers ordered twice or more)" in out


def test_as_of_moves_the_window_end(regulars):
    rows = {r["customer"]: r for r in regulars.csv("report customers --from 2025-12-01 --as-of 2026-03-31")}
    assert sorted(rows) == ["Anna", "Fan", "Gu", "Hu"]
    assert rows["Anna"]["recency_days"] == "30" and rows["Anna"]["segment"] == "new"
