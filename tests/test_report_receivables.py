"""`report receivables` as of 20 November 2026: balances by age bucket and customer, in the
order to chase them."""

import pytest
from conftest import Daigou

AS_OF = "--as-of 2026-11-20"


@pytest.fixture(scope="module")
def owed(tmp_path_factory):
    """A at 100.00 CNY; JPY 0.048 from 11-01.

    r4 c3 09-01 A:1, shipped unpaid 09-05      balance 100.00, 80 days → 60+   (goods gone: chase first)
    r3 c2 10-01 A:3, deposit 100               balance 200.00, 50 days → 31-60
    r2 c1 11-01 A:2, due 11-10                 balance 200.00, 19 days → 8-30, 10 days past due
    r1 c1 11-18 A:1, deposit 30                balance  70.00,  2 days → 0-7
    r6 c2 11-19 A:1 @ 2000 JPY                 balance 2000 JPY × 0.048 = 96.00, 1 day → 0-7
    r5 c2 11-15 A:1, paid in full              nothing owed
    """
    d = Daigou(tmp_path_factory.mktemp("receivables") / "ledger.db")
    for args in ["location add SH --region Shanghai", "fx set JPY 0.048 --at 2026-11-01",
                 "product add A --name Cream --category cosmetics --price 100",
                 "stock add A 20 --cost 50 --location SH --at 2026-08-01",
                 "customer add 王小美 --wechat c1", "customer add 李娜 --wechat c2", "customer add 陈静 --wechat c3"]:
        d.run(args)

    def order(args: str) -> int:
        return int(d.run(f"order new {args} -q").stdout)

    r4 = order("c3 A:1 --at 2026-09-01")
    d.run(f"ship {r4} --carrier SF --tracking R4 --allow-unpaid --at 2026-09-05")
    r3 = order("c2 A:3 --deposit 100 --at 2026-10-01")
    r2 = order("c1 A:2 --due 2026-11-10 --at 2026-11-01")
    r1 = order("c1 A:1 --deposit 30 --at 2026-11-18")
    r6 = order("c2 A:1@2000 --currency JPY --at 2026-11-19")
    r5 = order("c2 A:1 --at 2026-11-15")
    d.run(f"order pay {r5} 100 --at 2026-11-15")
    d.orders = {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "r6": r6}
    return d


def test_by_customer_in_chase_order(owed):
    rows = owed.csv(f"report receivables {AS_OF}")
    fields = ("rank", "customer", "orders", "deposits", "balance_due", "due_0_7", "due_8_30", "due_31_60",
              "due_60_plus", "oldest_days", "overdue", "shipped_unpaid", "why")
    assert [tuple(r[f] for f in fields) for r in rows] == [
        ("1", "陈静", "1", "0.00", "100.00", "0.00", "0.00", "0.00", "100.00", "80", "0.00", "100.00",
         "shipped, unpaid; 80 days old"),
        ("2", "王小美", "2", "30.00", "270.00", "70.00", "200.00", "0.00", "0.00", "19", "200.00", "0.00",
         "10 days past due; oldest 19 days"),
        ("3", "李娜", "2", "100.00", "296.00", "96.00", "0.00", "200.00", "0.00", "50", "0.00", "0.00",
         "oldest 50 days"),
    ]


def test_by_order(owed):
    o = owed.orders
    rows = owed.csv(f"report receivables {AS_OF} --by order")
    assert [(int(r["order_id"]), r["age_days"], r["bucket"], r["balance_due"], r["overdue_days"], r["shipped_units"],
             r["order_balance"], r["order_currency"]) for r in rows] == [
        (o["r4"], "80", "60+", "100.00", "", "1", "100.00", "CNY"),
        (o["r2"], "19", "8-30", "200.00", "10", "0", "200.00", "CNY"),
        (o["r3"], "50", "31-60", "200.00", "", "0", "200.00", "CNY"),
        (o["r1"], "2", "0-7", "70.00", "", "0", "70.00", "CNY"),
        (o["r6"], "1", "0-7", "96.00", "", "0", "2000", "JPY"),
    ]


def test_earlier_as_of(owed):
    rows = owed.csv("report receivables --as-of 2026-10-15")
    assert [(r["customer"], r["balance_due"], r["oldest_days"], r["due_8_30"], r["due_31_60"]) for r in rows] == [
        ("陈静", "100.00", "44", "0.00", "100.00"), ("李娜", "200.00", "14", "200.00", "0.00")]


def test_period_keeps_orders_taken_in_it(owed):
    rows = owed.csv("report receivables --period 2026-11 --by order --as-of 2026-11-20")
    assert sorted(int(r["order_id"]) for r in rows) == sorted(owed.orders[k] for k in ("r1", "r2", "r6"))


def test_terminal_totals(owed):
    out = owed.run(f"report receivables {AS_OF} --format table").stdout
    total = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total.split() == ["total", "130.00", "666.00", "166.00", "200.00", "200.00", "100.00", "200.00", "100.00"]
