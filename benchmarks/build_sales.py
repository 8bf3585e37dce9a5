"""Build a ledger with N orders through the real core functions: stock, customers, orders
paid in parts, parcels with tracking events, some cancellations and returns. Slower than
build_ledger.py (every order goes through create_order/pay/ship), but it exercises the
order and shipment views the way a busy shop does.

    python benchmarks/build_sales.py --orders 5000 --db /tmp/sales-5k.db
"""

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from daigou_cli.core import catalog, clock, customers, orders, returns, shipping, stock
from daigou_cli.core.db import connect, transaction


def build(path: Path, n_orders: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    conn = connect(path, create=True)
    start = datetime(2025, 12, 1, tzinfo=timezone.utc)
    with transaction(conn):
        catalog.add_location(conn, "SH", "Shanghai")
        catalog.add_location(conn, "TOKYO", "Tokyo")
        skus = [f"SKU-{i:03d}" for i in range(60)]
        for sku in skus:
            catalog.add_product(conn, sku, {"name": f"商品 {sku}", "price": str(rng.randint(20, 900)),
                                            "weight": "0.3"})
            for location in ("SH", "TOKYO"):
                stock.receive(conn, sku, n_orders // 5 + 10, str(rng.randint(10, 400)),
                              clock.to_db(start), location=location)
        for i in range(n_orders // 4 + 1):
            customers.add_customer(conn, f"客户{i}", wechat=f"wx{i}", region=rng.choice(["Shanghai", "Tokyo"]))
        for i in range(n_orders):
            at = start + timedelta(minutes=90 * i)
            lines = [f"{rng.choice(skus)}:{rng.randint(1, 3)}" for _ in range(rng.randint(1, 3))]
            order = orders.create_order(conn, f"wx{rng.randrange(n_orders // 4 + 1)}", lines, clock.to_db(at))
            roll = rng.random()
            if roll < 0.05:
                orders.cancel(conn, order["id"], "changed mind", clock.to_db(at + timedelta(hours=1)))
                continue
            orders.pay(conn, order["id"], str(order["total"]), clock.to_db(at + timedelta(minutes=5)))
            if roll < 0.15:
                continue
            shipped = at + timedelta(hours=20)
            try:
                parcel = shipping.ship(conn, order["id"], [], "SF", f"SF{i:09d}", clock.to_db(shipped), cost="18",
                                       force=True)
            except Exception:
                continue
            for hours, status in ((10, "in_transit"), (40, "customs"), (70, "delivered")):
                shipping.record_event(conn, parcel["tracking"], status, clock.to_db(shipped + timedelta(hours=hours)))
            if roll > 0.97:
                first = parcel["lines"][0]
                returns.record_return(conn, order["id"], [f"{first['sku']}:1"], "不合适",
                                      clock.to_db(shipped + timedelta(days=5)))
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists")
    began = time.perf_counter()
    build(args.db, args.orders)
    print(f"built {args.db}: {args.orders} orders in {time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
