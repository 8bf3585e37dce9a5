"""Build a realistic daigou ledger of about N stock movements, fast, for benchmarks.

    python benchmarks/build_ledger.py --size 100000 --db /tmp/bench-100k.db

Master data (locations, suppliers, products, FX rates) goes in through daigou_cli.core,
so it is validated like any command's input. The movements themselves are simulated in
memory (FIFO by lot, never below zero at any location) and written with executemany
inside one transaction: receipts in JPY/KRW/EUR/USD at the month's rate, moves from the
buying locations to Shanghai, sales, write-offs and count adjustments, spread over two
years up to now. The result passes `daigou db check`.
"""

import argparse
import random
import sys
import time
from collections import deque
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from daigou_cli.core import catalog, clock, fx, money
from daigou_cli.core.db import connect, transaction

LOCATIONS = [("TOKYO", "Tokyo", "JPY"), ("SEOUL", "Seoul", "KRW"), ("PARIS", "Paris", "EUR"),
             ("NYC", "New York", "USD"), ("SH", "Shanghai", None)]
ZONES = {"TOKYO": "JP", "SEOUL": "KR", "PARIS": "EU", "NYC": "US"}
BASE_RATES = {"JPY": Decimal("0.048"), "KRW": Decimal("0.0053"), "EUR": Decimal("7.8"),
              "USD": Decimal("7.2")}
CATEGORIES = {
    "cosmetics": (["Shiseido", "SK-II", "Sulwhasoo", "Lancome", "Estee Lauder", "Clé de Peau",
                   "资生堂", "雪花秀", "兰蔻"], ["精华 50ml", "面霜 30g", "防晒 60ml", "化妆水 150ml", "眼霜 15ml"],
                  (1500, 30000)),
    "snacks": (["Pocky", "Royce", "Calbee", "Shiroi Koibito", "Orion", "Lotte", "白色恋人"],
               ["巧克力", "薯条 12袋", "饼干 24枚", "抹茶味", "限定款"], (150, 2500)),
    "electronics": (["Panasonic", "Sony", "Dyson", "Apple", "Samsung", "Nintendo"],
                    ["吹风机", "耳机", "卷发棒", "充电器", "手柄"], (3000, 60000)),
    "health": (["DHC", "FANCL", "Swisse", "正官庄", "Kirkland"], ["维生素C 90粒", "胶原蛋白", "红参精", "鱼油"],
               (800, 9000)),
}
KINDS = [("receipt", 4), ("sale", 68), ("move", 14), ("writeoff", 4), ("adjust", 10)]


def _utc(moment: datetime) -> str:
    return moment.strftime(clock.DB_FORMAT)


class Simulation:
    """In-memory FIFO books: lots per (sku, location), the rows to insert, the next entry id."""

    def __init__(self, rng: random.Random, next_id: int, base: str):
        self.rng = rng
        self.next_id = next_id
        self.base = base
        self.fifo: dict[tuple[str, str], deque] = {}  # (sku, loc) -> deque of [lot_id, qty]
        self.entries, self.lots, self.movements = [], [], []

    def entry(self, kind: str, at: str, note: str | None = None) -> int:
        entry_id = self.next_id
        self.next_id += 1
        self.entries.append((entry_id, kind, at, at, note))
        return entry_id

    def receive(self, sku: str, loc: str, qty: int, cost: int, currency: str, rate: Decimal,
                at: str, expiry: str | None, supplier: int | None) -> None:
        entry_id = self.entry("receipt", at)
        base_cost = money.convert(cost, currency, rate, self.base)
        self.lots.append((entry_id, sku, None, supplier, at, expiry, qty, cost, currency, str(rate), base_cost))
        self.movements.append((entry_id, at, sku, loc, entry_id, qty, "receipt", None))
        self.fifo.setdefault((sku, loc), deque()).append([entry_id, qty])

    def on_hand(self, sku: str, loc: str) -> int:
        return sum(q for _, q in self.fifo.get((sku, loc), ()))

    def take(self, sku: str, loc: str, qty: int) -> list[tuple[int, int]]:
        queue, parts = self.fifo[(sku, loc)], []
        while qty:
            lot = queue[0]
            part = min(qty, lot[1])
            parts.append((lot[0], part))
            lot[1] -= part
            qty -= part
            if lot[1] == 0:
                queue.popleft()
        return parts

    def take_out(self, sku: str, loc: str, qty: int, kind: str, reason: str | None, at: str) -> None:
        entry_id = self.entry(kind, at, reason)
        for lot_id, part in self.take(sku, loc, qty):
            self.movements.append((entry_id, at, sku, loc, lot_id, -part, kind, reason))

    def move(self, sku: str, src: str, dst: str, qty: int, at: str) -> None:
        entry_id = self.entry("move", at, f"{src} -> {dst}")
        for lot_id, part in self.take(sku, src, qty):
            self.movements.append((entry_id, at, sku, src, lot_id, -part, "move", f"to {dst}"))
            self.movements.append((entry_id, at, sku, dst, lot_id, part, "move", f"from {src}"))
            self.fifo.setdefault((sku, dst), deque()).append([lot_id, part])

    def found(self, sku: str, loc: str, qty: int, at: str) -> bool:
        queue = self.fifo.get((sku, loc))
        if not queue:
            return False
        entry_id = self.entry("adjust", at, "count")
        queue[-1][1] += qty
        self.movements.append((entry_id, at, sku, loc, queue[-1][0], qty, "adjust", "count"))
        return True


def master_data(conn, rng: random.Random, skus: int, start: datetime) -> tuple[list[dict], dict]:
    """Locations, suppliers, products and monthly FX rates, through the core functions."""
    for code, region, _ in LOCATIONS:
        catalog.add_location(conn, code, region)
    suppliers = {}
    for code, region, currency in LOCATIONS[:-1]:
        for n in range(3):
            record = catalog.add_supplier(conn, f"{region} store {n + 1}", ZONES[code], currency,
                                          rng.choice([7, 14, 21]), f"{region} branch {n + 1}", region)
            suppliers.setdefault(code, []).append(record["id"])
    rates: dict[str, list[tuple[str, Decimal]]] = {}
    month = start.replace(day=1)
    now = datetime.now(timezone.utc)
    while month <= now:
        for currency, base_rate in BASE_RATES.items():
            rate = (base_rate * Decimal(1 + rng.uniform(-0.04, 0.04))).quantize(base_rate.scaleb(-2))
            at = _utc(month)
            fx.set_rate(conn, currency, rate, at)
            rates.setdefault(currency, []).append((at, rate))
        month = (month + timedelta(days=32)).replace(day=1)
    products = []
    for n in range(skus):
        category = rng.choice(list(CATEGORIES))
        brands, kinds, (low, high) = CATEGORIES[category]
        code, _, currency = rng.choice(LOCATIONS[:-1])
        sku = f"{ZONES[code]}-{category[:3].upper()}-{n:05d}"
        cost = rng.randint(low, high)  # in JPY-sized units; scaled per currency below
        scaled = max(1, int(cost * BASE_RATES["JPY"] / BASE_RATES[currency] * 10 ** money.exponent(currency)))
        catalog.add_product(conn, sku, {
            "name": f"{rng.choice(brands)} {rng.choice(kinds)}", "category": category, "zone": ZONES[code],
            "price": str(round(cost * 0.048 * 1.35)), "weight": f"{rng.randint(50, 1500)}g",
            "reorder_point": str(rng.choice([0, 2, 5, 10])), "reorder_qty": str(rng.choice([6, 12, 24])),
            "lead_days": "14", "shelf_life_days": "730" if category in ("snacks", "health", "cosmetics") else None,
            "supplier": str(rng.choice(suppliers[code]))})
        products.append({"sku": sku, "home": code, "currency": currency, "cost": scaled,
                         "perishable": category != "electronics", "suppliers": suppliers[code]})
    return products, rates


def rate_at(rates: list[tuple[str, Decimal]], at: str) -> Decimal:
    current = rates[0][1]
    for when, rate in rates:
        if when > at:
            break
        current = rate
    return current


def simulate(sim: Simulation, rng: random.Random, products: list[dict], rates: dict, size: int,
             times: list[datetime]) -> int:
    """Events in time order until there are `size` movements; returns how many events it took."""
    kinds, weights = zip(*KINDS, strict=True)
    hot = products[: max(1, len(products) // 5)]  # a fifth of the catalogue sells most
    events = 0
    for moment in times:
        if len(sim.movements) >= size:
            break
        events += 1
        at = _utc(moment)
        product = rng.choice(hot) if rng.random() < 0.6 else rng.choice(products)
        sku, home = product["sku"], product["home"]
        kind = rng.choices(kinds, weights)[0]
        # Restock when a SKU runs low (a buying trip), plus the odd opportunistic buy.
        if kind == "receipt" or sim.on_hand(sku, home) + sim.on_hand(sku, "SH") < rng.randint(1, 4):
            expiry = (moment + timedelta(days=rng.randint(180, 900))).date().isoformat() if product["perishable"] else None
            cost = max(1, int(product["cost"] * rng.uniform(0.9, 1.1)))
            sim.receive(sku, home, rng.randint(4, 24), cost, product["currency"],
                        rate_at(rates[product["currency"]], at), at, expiry, rng.choice(product["suppliers"]))
            continue
        where = "SH" if sim.on_hand(sku, "SH") else home
        have = sim.on_hand(sku, where)
        if kind == "move" and sim.on_hand(sku, home):
            sim.move(sku, home, "SH", rng.randint(1, sim.on_hand(sku, home)), at)
        elif kind == "sale":
            sim.take_out(sku, where, min(have, rng.choice([1, 1, 1, 2, 2, 3])), "sale", None, at)
        elif kind == "writeoff":
            sim.take_out(sku, where, 1, "writeoff", rng.choice(["damaged", "expired", "lost", "sample"]), at)
        elif kind == "adjust":
            if rng.random() < 0.5:
                sim.take_out(sku, where, 1, "adjust", "count", at)
            else:
                sim.found(sku, where, 1, at)
    return events


def build(path: Path, size: int, seed: int = 2026) -> dict:
    rng = random.Random(seed)
    if path.exists():
        raise SystemExit(f"{path}: already exists (delete it or pick another --db)")
    end = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    start = end - timedelta(days=730)
    conn = connect(path, create=True)
    try:
        with transaction(conn):
            products, rates = master_data(conn, rng, max(40, min(2000, size // 200)), start)
            first_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM entries").fetchone()[0]
            # Two passes with the same random choices: the first counts the events it takes to
            # reach `size` movements, the second spreads exactly that many over the two years.
            state = rng.getstate()
            probe = [start + timedelta(seconds=n) for n in range(size)]
            events = simulate(Simulation(rng, first_id, "CNY"), rng, products, rates, size, probe)
            rng.setstate(state)
            clock_rng = random.Random(seed + 1)
            span = (end - start).total_seconds()
            times = sorted(start + timedelta(seconds=clock_rng.random() * span) for _ in range(events))
            sim = Simulation(rng, first_id, "CNY")
            simulate(sim, rng, products, rates, size, times)
            conn.executemany("INSERT INTO entries(id, kind, at, recorded_at, note) VALUES (?, ?, ?, ?, ?)",
                             sim.entries)
            conn.executemany(
                "INSERT INTO lots(id, sku, code, supplier_id, received_at, expiry, qty, unit_cost, currency,"
                " fx_rate, unit_cost_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sim.lots)
            conn.executemany(
                "INSERT INTO movements(entry_id, at, sku, location, lot_id, qty, kind, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", sim.movements)
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return {"products": len(products), "entries": len(sim.entries), "lots": len(sim.lots),
            "movements": len(sim.movements)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="number of stock movements (about)")
    parser.add_argument("--db", required=True, help="ledger file to create (must not exist)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = build(Path(args.db), args.size, args.seed)
    took = time.perf_counter() - started
    print(f"{args.db}: {counts['movements']:,} movements, {counts['lots']:,} lots, "
          f"{counts['entries']:,} entries, {counts['products']:,} products in {took:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
