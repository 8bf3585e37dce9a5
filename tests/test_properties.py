"""Invariants after random sequences of receipts, moves, write-offs and adjustments (through core,
one transaction per operation as the CLI does), checked against a small model of FIFO lots:
on hand = sum of movements ≥ 0 everywhere, and value = Σ remaining lot qty × unit_cost_base."""

import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daigou_cli.core import catalog, clock, fx, maintenance, money, stock
from daigou_cli.core.db import connect, transaction
from daigou_cli.core.errors import Refused
from daigou_cli.core.inventory import stock_list

SKUS = ("A", "B")
LOCATIONS = ("L1", "L2")
JPY_RATE = Decimal("0.0478")
START = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)
EXPIRIES = (None, "2026-10-01", "2026-11-01", "2027-01-01")

skus = st.sampled_from(SKUS)
locations = st.sampled_from(LOCATIONS)
quantities = st.integers(min_value=1, max_value=12)

receipts = st.tuples(st.just("receive"), skus, locations, quantities,
                     st.sampled_from(("CNY", "JPY")), st.integers(min_value=0, max_value=50_000),
                     st.sampled_from(EXPIRIES))
moves = st.tuples(st.just("move"), skus, st.permutations(LOCATIONS), quantities)
writeoffs = st.tuples(st.just("writeoff"), skus, locations, quantities,
                      st.sampled_from(stock.WRITEOFF_REASONS))
adjusts = st.tuples(st.just("adjust"), skus, locations,
                    st.integers(min_value=-12, max_value=12).filter(bool))
operations = st.lists(st.one_of(receipts, receipts, moves, writeoffs, adjusts), min_size=1, max_size=30)


class Model:
    """What the ledger should hold: lots with a balance per location."""

    def __init__(self):
        self.lots = {}          # lot id -> dict(sku, seq, expiry, cost, at={loc: qty})
        self.touched = set()    # (lot id, location) that ever had a movement

    def on_hand(self, sku, loc):
        return sum(lot["at"].get(loc, 0) for lot in self.lots.values() if lot["sku"] == sku)

    def levels(self):
        out = {}
        for lot in self.lots.values():
            for loc, qty in lot["at"].items():
                out[(lot["sku"], loc)] = out.get((lot["sku"], loc), 0) + qty
        return out

    def value(self):
        return sum(qty * lot["cost"] for lot in self.lots.values() for qty in lot["at"].values())

    def _shift(self, lot_id, loc, qty):
        self.lots[lot_id]["at"][loc] = self.lots[lot_id]["at"].get(loc, 0) + qty
        self.touched.add((lot_id, loc))

    def take(self, sku, loc, qty, fefo=False):
        """Lots the units leave from, as the ledger must choose them; None if not enough."""
        if qty > self.on_hand(sku, loc):
            return None
        candidates = [(lid, lot) for lid, lot in self.lots.items() if lot["sku"] == sku and lot["at"].get(loc, 0) > 0]
        if fefo:
            candidates.sort(key=lambda c: (c[1]["expiry"] is None, c[1]["expiry"] or "", c[1]["seq"], c[0]))
        else:
            candidates.sort(key=lambda c: (c[1]["seq"], c[0]))
        taken, left = [], qty
        for lid, lot in candidates:
            if not left:
                break
            part = min(left, lot["at"][loc])
            taken.append((lid, part))
            left -= part
        return taken

    def newest_lot_for(self, sku, loc):
        """Found units join the newest lot that has been at this location, else the newest lot."""
        mine = [(lid, lot) for lid, lot in self.lots.items() if lot["sku"] == sku]
        if not mine:
            return None
        mine.sort(key=lambda c: ((c[0], loc) in self.touched, c[1]["seq"], c[0]), reverse=True)
        return mine[0][0]


def open_ledger(folder):
    conn = connect(Path(folder) / "ledger.db")
    conn.execute("PRAGMA synchronous = OFF")  # a throwaway ledger: no need to wait for the disk
    with transaction(conn):
        for code in LOCATIONS:
            catalog.add_location(conn, code, "Region " + code)
        for sku in SKUS:
            catalog.add_product(conn, sku, {"name": "Product " + sku})
        fx.set_rate(conn, "JPY", str(JPY_RATE), clock.to_db(START - timedelta(days=30)))
    return conn


def apply(conn, model, op, at, seq):
    """Run one operation through core and the model; both must agree on whether it is refused."""
    kind = op[0]
    try:
        with transaction(conn):
            if kind == "receive":
                _, sku, loc, qty, currency, minor, expiry = op
                record = stock.receive(conn, sku, qty, money.format_amount(minor, currency), at,
                                       currency=currency, location=loc, expiry=expiry)
                cost = money.convert(minor, currency, JPY_RATE if currency == "JPY" else Decimal(1), "CNY")
                model.lots[record["id"]] = {"sku": sku, "seq": seq, "expiry": expiry, "cost": cost, "at": {}}
                model._shift(record["id"], loc, qty)
                return True
            if kind == "move":
                _, sku, (src, dst), qty = op
                expected = model.take(sku, src, qty)
                record = stock.move(conn, sku, qty, src, dst, at)
                assert expected is not None, f"move of {qty} from {src} should have been refused"
                assert [(x["lot"], x["qty"]) for x in record["lots"]] == expected
                for lid, part in expected:
                    model._shift(lid, src, -part)
                    model._shift(lid, dst, part)
                return True
            if kind == "writeoff":
                _, sku, loc, qty, reason = op
                expected = model.take(sku, loc, qty, fefo=reason == "expired")
                record = stock.writeoff(conn, sku, qty, reason, at, loc)
                assert expected is not None, f"writeoff of {qty} at {loc} should have been refused"
                assert [(x["lot"], x["qty"]) for x in record["lots"]] == expected
                for lid, part in expected:
                    model._shift(lid, loc, -part)
                return True
            _, sku, loc, delta = op
            if delta < 0:
                expected = model.take(sku, loc, -delta)
            else:
                lot = model.newest_lot_for(sku, loc)
                expected = None if lot is None else [(lot, delta)]
            record = stock.adjust(conn, sku, delta, "count", at, loc)
            assert expected is not None, f"adjust {delta} at {loc} should have been refused"
            assert [(x["lot"], abs(x["qty"])) for x in record["lots"]] == expected
            for lid, part in expected:
                model._shift(lid, loc, part if delta > 0 else -part)
            return True
    except Refused:
        if kind == "receive":
            raise
        if kind == "adjust" and op[3] > 0:
            assert model.newest_lot_for(op[1], op[2]) is None
        else:
            wanted = op[3] if kind != "adjust" else -op[3]
            where = op[2][0] if kind == "move" else op[2]
            assert wanted > model.on_hand(op[1], where), f"{op} was refused with enough stock"
        return False


def ledger_levels(conn):
    rows = conn.execute("SELECT sku, location, SUM(qty) FROM movements GROUP BY sku, location").fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def listed_levels(conn, as_of=clock.END_OF_TIME):
    return {(r["sku"], r["location"]): r["on_hand"] for r in stock_list(conn, as_of=as_of) if r["location"]}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations, st.data())
def test_on_hand_is_the_sum_of_movements_never_negative_and_valued_fifo(ops, data):
    with tempfile.TemporaryDirectory() as folder:
        conn = open_ledger(folder)
        try:
            model = Model()
            history = []
            for i, op in enumerate(ops):
                at = clock.to_db(START + timedelta(hours=i))
                apply(conn, model, op, at, i)
                history.append((at, {k: v for k, v in model.levels().items()}))

            movements = ledger_levels(conn)
            listed = listed_levels(conn)
            expected = model.levels()
            # Every SKU/location that ever held stock, by three routes: model, raw sum, stock list.
            for key in set(movements) | set(expected) | set(listed):
                assert movements.get(key, 0) == expected.get(key, 0) == listed.get(key, 0), key
                assert movements.get(key, 0) >= 0, key

            # No lot is ever below zero anywhere.
            low = conn.execute("SELECT MIN(qty) FROM lot_balances").fetchone()[0]
            assert low is None or low >= 0
            for (lot_id, loc, qty) in conn.execute("SELECT lot_id, location, qty FROM lot_balances"):
                assert model.lots[lot_id]["at"].get(loc, 0) == qty

            # FIFO value = Σ remaining qty × unit_cost_base, by the ledger's lots and by the model.
            by_lots = conn.execute("SELECT COALESCE(SUM(m.qty * l.unit_cost_base), 0) FROM movements m "
                                   "JOIN lots l ON l.id = m.lot_id").fetchone()[0]
            listed_value = sum((r["value"] for r in stock_list(conn)), Decimal(0))
            assert by_lots == model.value()
            assert listed_value == money.to_decimal(model.value(), "CNY")

            # The past is what it was: --as-of at a random step shows the model as of then.
            at, then = data.draw(st.sampled_from(history), label="as_of step")
            assert {k: v for k, v in listed_levels(conn, at).items() if v} == {k: v for k, v in then.items() if v}

            assert maintenance.check(conn) == []
        finally:
            conn.close()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(quantities, st.integers(min_value=0, max_value=20_000)), min_size=1, max_size=6),
       st.integers(min_value=1, max_value=60))
def test_writeoffs_consume_the_oldest_lots_first(lots, take):
    """Receive lots in order, write off N: the value left is exactly the newest units' cost."""
    with tempfile.TemporaryDirectory() as folder:
        conn = open_ledger(folder)
        try:
            for i, (qty, cost) in enumerate(lots):
                with transaction(conn):
                    stock.receive(conn, "A", qty, str(cost), clock.to_db(START + timedelta(hours=i)),
                                  currency="JPY", location="L1")
            total = sum(q for q, _ in lots)
            at = clock.to_db(START + timedelta(days=1))
            if take > total:
                try:
                    with transaction(conn):
                        stock.writeoff(conn, "A", take, "damaged", at, "L1")
                except Refused:
                    pass
                else:
                    raise AssertionError("writing off more than on hand was not refused")
                left_units = [(q, c) for q, c in lots]
            else:
                with transaction(conn):
                    stock.writeoff(conn, "A", take, "damaged", at, "L1")
                skip, left_units = take, []
                for q, c in lots:
                    gone = min(skip, q)
                    skip -= gone
                    if q - gone:
                        left_units.append((q - gone, c))
            expected = sum(q * money.convert(c, "JPY", JPY_RATE, "CNY") for q, c in left_units)
            (row,) = stock_list(conn, sku="A", location="L1")
            assert row["on_hand"] == sum(q for q, _ in left_units)
            assert row["value"] == money.to_decimal(expected, "CNY")
        finally:
            conn.close()
