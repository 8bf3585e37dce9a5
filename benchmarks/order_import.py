"""`daigou order import` of a big Shopify-layout export, against a plain
`sqlite-utils insert --csv` of the same file (the floor: parse and insert, no checks).

    python benchmarks/order_import.py                  # 100,000 rows
    python benchmarks/order_import.py --rows 10000 --dir /tmp/bench

Writes the export (one to three line items per order, order fields on the first row only,
a quarter of the orders pending, a tenth voided) and a ledger with one location, 40
products and stock for about half of what is ordered, then times both whole processes and
prints rows/s and the ratio.
"""

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER_FILE = Path(__file__).resolve().parent.parent / "tests" / "order_import_data.py"
SKUS = [f"BENCH-{n:03d}" for n in range(40)]


def shopify_header() -> list[str]:
    sys.path.insert(0, str(HEADER_FILE.parent))
    from order_import_data import SHOPIFY_HEADER

    return next(csv.reader([SHOPIFY_HEADER]))


def write_export(path: Path, rows: int, seed: int = 6) -> int:
    """`rows` line items in the Shopify layout; returns the number of orders."""
    rng = random.Random(seed)
    columns = shopify_header()
    written = orders = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        while written < rows:
            orders += 1
            name = f"#{100000 + orders}"
            created = f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:" \
                      f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} +0800"
            items = [(rng.choice(SKUS), rng.randint(1, 3), rng.choice((15, 55, 199, 680)))
                     for _ in range(min(rng.randint(1, 3), rows - written))]
            total = f"{sum(q * p for _, q, p in items):.2f}"
            roll = rng.random()
            status = "pending" if roll < 0.25 else ("voided" if roll < 0.35 else "paid")
            for n, (sku, qty, price) in enumerate(items):
                row = {"Name": name, "Email": f"buyer{orders % 5000}@example.com", "Created at": created,
                       "Lineitem quantity": qty, "Lineitem price": f"{price:.2f}", "Lineitem sku": sku,
                       "Lineitem name": sku}
                if n == 0:
                    row |= {"Financial Status": status, "Currency": "CNY", "Subtotal": total, "Total": total,
                            "Billing Name": f"买家{orders % 5000}", "Phone": f"+86 139 {orders % 5000:04d} 0000",
                            "Cancelled at": created if status == "voided" else ""}
                writer.writerow(row)
            written += len(items)
    return orders


def build_shop(db: Path, daigou: list[str], rows: int) -> None:
    env = os.environ | {"DAIGOU_DB": str(db)}
    products = "sku,name,price\n" + "".join(f"{s},Bench {s},15\n" for s in SKUS)
    stock = "sku,qty,cost,location\n" + "".join(f"{s},{rows // 40},10,SH\n" for s in SKUS)
    for args, text in ((["location", "add", "SH", "--region", "Shanghai"], None),
                       (["product", "import", "-"], products), (["stock", "import", "-"], stock)):
        subprocess.run(daigou + args, input=text, text=True, env=env, check=True, capture_output=True)


def timed(command: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="daigou-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    export, db, raw = folder / "orders_export.csv", folder / "ledger.db", folder / "raw.db"
    for path in (db, raw):
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    orders = write_export(export, args.rows)
    beside = Path(sys.executable).with_name("daigou")
    daigou = [str(beside)] if beside.exists() else [sys.executable, "-m", "daigou_cli"]
    build_shop(db, daigou, args.rows)
    ours = timed(daigou + ["order", "import", str(export), "--from", "shopify", "-q"],
                 os.environ | {"DAIGOU_DB": str(db)})
    sqlite_utils = shutil.which("sqlite-utils") or str(Path(sys.executable).with_name("sqlite-utils"))
    floor = timed([sqlite_utils, "insert", str(raw), "orders", str(export), "--csv"])
    print(f"{args.rows:,} rows ({orders:,} orders) in {export}")
    print(f"daigou order import:       {ours:7.2f}s  {args.rows / ours:9,.0f} rows/s")
    print(f"sqlite-utils insert --csv: {floor:7.2f}s  {args.rows / floor:9,.0f} rows/s")
    print(f"ratio: {ours / floor:.1f}× the raw insert")


if __name__ == "__main__":
    main()
