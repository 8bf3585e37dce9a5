"""Invariants of reserving stock, over random sequences of receipts, orders, payments, cancels,
write-offs and moves at two locations, driven through the core functions one transaction each."""

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daigou_cli.core import catalog, customers, orders, stock
from daigou_cli.core.db import connect, transaction
from daigou_cli.core.errors import InvalidInput, Refused

SKUS = ("SHI-50", "POCKY")
LOCATIONS = ("SH", "TOKYO")
START = datetime(2026, 10, 1, tzinfo=timezone.utc)

sku = st.sampled_from(SKUS)
location = st.sampled_from(LOCATIONS)
order_ref = st.integers(min_value=0, max_value=30)

receipt = st.tuples(st.just("receive"), sku, st.integers(1, 6), location)
new_order = st.tuples(st.just("order"), st.sampled_from(("Mei", "Kenji")),
                      st.lists(st.tuples(sku, st.integers(1, 4)), min_size=1, max_size=2),
                      st.sampled_from(("urgent", "high", "normal", "low")),
                      st.sampled_from((None, "0", "50", "100")))
writeoff = st.tuples(st.just("writeoff"), sku, st.integers(1, 4), location)
steps = st.one_of(
    receipt, new_order, writeoff, new_order, writeoff,
    st.tuples(st.just("pay"), order_ref, st.sampled_from(("10", "50", "100.50", "400", "1000"))),
    st.tuples(st.just("cancel"), order_ref),
    st.tuples(st.just("move"), sku, st.integers(1, 3), location),
)


def setup_ledger(path):
    conn = connect(path)
    with transaction(conn):
        catalog.add_location(conn, "SH", "Shanghai")
        catalog.add_location(conn, "TOKYO", "Tokyo")
        catalog.add_product(conn, "SHI-50", {"name": "Shiseido", "price": "420"})
        catalog.add_product(conn, "POCKY", {"name": "Pocky", "price": "15"})
        customers.add_customer(conn, "Mei", wechat="mei", region="Shanghai")
        customers.add_customer(conn, "Kenji", wechat="kenji", region="Tokyo")
    return conn


def apply(conn, step, at, order_ids):
    kind = step[0]
    if kind == "receive":
        stock.receive(conn, step[1], step[2], "100", at, location=step[3])
    elif kind == "order":
        _, who, lines, priority, deposit = step
        made = orders.create_order(conn, who, [f"{s}:{q}" for s, q in lines], at, priority=priority,
                                   deposit=deposit)
        order_ids.append(made["id"])
    elif kind == "pay" and order_ids:
        orders.pay(conn, order_ids[step[1] % len(order_ids)], step[2], at)
    elif kind == "cancel" and order_ids:
        orders.cancel(conn, order_ids[step[1] % len(order_ids)], "property test", at)
    elif kind == "writeoff":
        # Mostly units held for orders; sometimes more than there is.
        where = step[3] if stock.reserved(conn, step[1], step[3]) else LOCATIONS[1 - LOCATIONS.index(step[3])]
        stock.writeoff(conn, step[1], step[2], "damaged", at, location=where)
    elif kind == "move":
        other = LOCATIONS[1 - LOCATIONS.index(step[3])]
        stock.move(conn, step[1], step[2], step[3], other, at)


def check_invariants(conn, history):
    where = f"after {history}"
    on_hand = dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "SELECT sku, location, SUM(qty) FROM movements GROUP BY sku, location"))
    held = dict(((r[0], r[1]), r[2]) for r in conn.execute(
        "SELECT sku, location, SUM(qty) FROM reservations GROUP BY sku, location"))
    for key in set(on_hand) | set(held):
        have, reserved = on_hand.get(key, 0), held.get(key, 0)
        assert 0 <= reserved <= have, f"{key}: reserved {reserved}, on hand {have} {where}"
    # The view a user reads says the same.
    for row in conn.execute("SELECT sku, location, on_hand, reserved, available FROM stock_levels"):
        key = (row["sku"], row["location"])
        assert (row["on_hand"], row["reserved"]) == (on_hand.get(key, 0), held.get(key, 0)), where
        assert row["available"] >= 0, where

    cancelled = {r[0] for r in conn.execute("SELECT order_id FROM order_cancellations")}
    for line in conn.execute("SELECT * FROM order_line_status"):
        assert line["reserved"] >= 0 and line["backordered"] >= 0, (dict(line), where)
        if line["order_id"] in cancelled:
            assert line["reserved"] == 0, (dict(line), where)
        else:
            assert line["reserved"] + line["backordered"] == line["qty"], (dict(line), where)

    for order in conn.execute("SELECT * FROM order_summary"):
        assert order["paid"] >= 0, (dict(order), where)
        if order["state"] != "cancelled":
            assert order["paid"] <= order["total"], (dict(order), where)
            assert order["balance_due"] == order["total"] - order["paid"], (dict(order), where)
        else:
            assert order["refund_due"] == order["paid"] and order["balance_due"] == 0, (dict(order), where)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(receipt, min_size=1, max_size=3), st.lists(steps, min_size=1, max_size=25))
def test_reserved_never_exceeds_on_hand_and_lines_add_up(receipts, rest):
    history = receipts + rest
    with tempfile.TemporaryDirectory() as tmp:
        conn = setup_ledger(Path(tmp) / "ledger.db")
        try:
            order_ids: list[int] = []
            for number, step in enumerate(history):
                at = (START + timedelta(minutes=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
                try:
                    with transaction(conn):
                        apply(conn, step, at, order_ids)
                except (Refused, InvalidInput):
                    pass
                check_invariants(conn, history[: number + 1])
        finally:
            conn.close()
