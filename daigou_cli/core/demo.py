"""`daigou demo`: a fresh ledger filled from examples/ through the same core functions and
importers the commands use, and the short dashboard it opens with."""

import os
import sqlite3
import tempfile
from decimal import Decimal
from pathlib import Path

from daigou_cli.core import catalog, clock, config, fx, stock
from daigou_cli.core.db import connect, transaction
from daigou_cli.core.errors import DatabaseProblem, InvalidInput, Refused
from daigou_cli.core.importers import common, products
from daigou_cli.core.importers import stock as receipts

# Master data has no import command; the demo reads it with the importers' machinery anyway,
# so a mistake in an example file is reported by file, line and column like any import.
LOCATIONS = common.Layout("locations", ("code", "region", "name"), ("code", "region"))
SUPPLIERS = common.Layout("suppliers", ("name", "country", "currency", "lead_days", "store", "city"), ("name",))
RATES = common.Layout("rates", ("currency", "rate", "at"), ("currency", "rate", "at"))
MOVES = common.Layout("moves", ("sku", "qty", "from", "to", "at"), ("sku", "qty", "from", "to", "at"))
TOP = 5


def examples_dir() -> Path:
    """examples/ inside the installed package, or at the root of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "examples", package.parent / "examples"):
        if (candidate / "products.csv").exists():
            return candidate
    raise DatabaseProblem("examples/ is missing from this installation (reinstall daigou)")


def _target(path: str | None, force: bool) -> Path:
    if path is None:
        return Path(tempfile.mkdtemp(prefix="daigou-demo-")) / "ledger.db"
    if not str(path).strip():
        raise InvalidInput("PATH: empty; give a file, e.g. shop.db")
    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInput(f"PATH: {path} is a folder; give a file, e.g. {target / 'ledger.db'}")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InvalidInput(f"PATH: {blocking} is a file, so {path} cannot be made")
    if target.exists() and not force:
        raise Refused(f"{path}: already exists (use --force to replace it)")
    return target


def _remove(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        path.with_name(name).unlink(missing_ok=True)


def build(path: str | None = None, force: bool = False) -> Path:
    """Write the demo ledger beside PATH, then move it into place: PATH is replaced only by
    a complete ledger."""
    target = _target(path, force)
    part = target.with_name(target.name + ".part")
    _remove(part)
    conn = connect(part, create=True)
    try:
        with transaction(conn):
            fill(conn, examples_dir())
    except BaseException:
        conn.close()
        _remove(part)
        raise
    conn.close()  # the last connection checkpoints the WAL into the file
    _remove(target)
    os.replace(part, target)
    return target


def _load(conn: sqlite3.Connection, folder: Path, name: str, layout: common.Layout, write) -> None:
    table = common.read_table(str(folder / name), layout)
    common.run(conn, table, lambda _conn, record: write(record.values))


def fill(conn: sqlite3.Connection, folder: Path) -> None:
    tz = config.get(conn, "timezone")

    def at(text: str) -> str:
        return clock.parse_at(text, tz, "at")

    _load(conn, folder, "locations.csv", LOCATIONS,
          lambda v: catalog.add_location(conn, v["code"], v["region"], v.get("name")))
    _load(conn, folder, "suppliers.csv", SUPPLIERS,
          lambda v: catalog.add_supplier(conn, v["name"], v.get("country"), v.get("currency"),
                                         v.get("lead_days"), v.get("store"), v.get("city")))
    _load(conn, folder, "fx.csv", RATES, lambda v: fx.set_rate(conn, v["currency"], v["rate"], at(v["at"])))
    products.load(conn, common.read_table(str(folder / "products.csv"), products.LAYOUT))
    receipts.load(conn, common.read_table(str(folder / "stock.csv"), receipts.LAYOUT))
    _load(conn, folder, "moves.csv", MOVES,
          lambda v: stock.move(conn, v["sku"], v["qty"], v["from"], v["to"], at(v["at"])))
    from daigou_cli.core import demo_sales

    demo_sales.add_sales(conn, folder)
    from daigou_cli.core import demo_service

    demo_service.add_service(conn)
    from daigou_cli.core.demo_purchasing import add_purchasing

    add_purchasing(conn)


# ----------------------------------------------------------------- dashboard

def key_numbers(conn: sqlite3.Connection) -> dict:
    """Stock value per location, SKU counts, low stock, lots expiring soon, biggest values."""
    from daigou_cli.core import inventory

    base, days = config.get_many(conn, "base_currency", "expiring_days")
    levels = inventory.stock_list(conn)
    regions = {row["code"]: row["region"] for row in catalog.list_locations(conn)}
    places: dict[str, dict] = {code: {"location": code, "region": region, "skus": 0, "units": 0,
                                      "value": Decimal(0), "currency": base}
                               for code, region in regions.items()}
    per_sku: dict[str, dict] = {}
    for row in levels:
        sku = per_sku.setdefault(row["sku"], {"sku": row["sku"], "name": row["name"], "on_hand": 0,
                                              "value": Decimal(0), "currency": base})
        if not row["location"] or not row["on_hand"]:
            continue
        place = places[row["location"]]
        place["skus"] += 1
        place["units"] += row["on_hand"]
        place["value"] += row["value"]
        sku["on_hand"] += row["on_hand"]
        sku["value"] += row["value"]
    top = sorted((s for s in per_sku.values() if s["on_hand"]), key=lambda s: (-s["value"], s["sku"]))[:TOP]
    low = [{"sku": r["sku"], "name": r["name"], "available": r["available"], "reorder_point": r["reorder_point"]}
           for r in inventory.stock_list(conn, low=True)]
    expiring = [{k: r[k] for k in ("lot", "sku", "name", "location", "expiry", "days_to_expiry", "qty")}
                for r in inventory.lots(conn, expiring_days=int(float(days)))]
    return {
        "base_currency": base, "skus": len(per_sku), "skus_in_stock": sum(1 for s in per_sku.values() if s["on_hand"]),
        "units": sum(p["units"] for p in places.values()), "stock_value": sum(p["value"] for p in places.values()),
        "expiring_days": int(float(days)), "locations": list(places.values()), "low_stock": low,
        "expiring": expiring, "top_value": top,
    }


def key_rows(numbers: dict) -> list[dict]:
    """The same numbers as flat rows (metric, key, name, value, currency, detail) for CSV."""
    base = numbers["base_currency"]
    rows = [{"metric": "skus", "value": numbers["skus"], "detail": f"{numbers['skus_in_stock']} in stock"}]
    for place in numbers["locations"]:
        rows.append({"metric": "stock_value", "key": place["location"], "name": place["region"],
                     "value": place["value"], "currency": base,
                     "detail": f"{place['units']} units of {place['skus']} SKUs"})
    rows.append({"metric": "stock_value", "key": "total", "value": numbers["stock_value"], "currency": base,
                 "detail": f"{numbers['units']} units"})
    for item in numbers["low_stock"]:
        rows.append({"metric": "low_stock", "key": item["sku"], "name": item["name"], "value": item["available"],
                     "detail": f"available, reorder point {item['reorder_point']}"})
    for lot in numbers["expiring"]:
        rows.append({"metric": "expiring", "key": lot["sku"], "name": lot["name"], "value": lot["qty"],
                     "detail": f"lot {lot['lot']} at {lot['location']} expires {lot['expiry']} "
                               f"({lot['days_to_expiry']} days)"})
    for item in numbers["top_value"]:
        rows.append({"metric": "top_value", "key": item["sku"], "name": item["name"], "value": item["value"],
                     "currency": base, "detail": f"{item['on_hand']} units"})
    return rows


KEY_COLUMNS = ["metric", "key", "name", "value", "currency", "detail"]


def dashboard(ledger, fmt: str | None) -> None:
    """Tables on a terminal; the key numbers as CSV (or JSON) on a pipe. Rendering is
    output.py's, as for every command."""
    from daigou_cli import output

    numbers = key_numbers(ledger.conn)
    chosen = output.resolve_format(fmt)
    if chosen == "json":
        output.write_json(numbers, ledger.tz)
        return
    if chosen == "csv":
        output.write_csv(key_rows(numbers), KEY_COLUMNS, ledger.tz)
        return
    base = numbers["base_currency"]
    output.write_table(numbers["locations"], ["location", "region", "skus", "units", "value", "currency"],
                       ledger.tz, f"daigou: {numbers['skus']} SKUs, {numbers['units']} units, stock value "
                                  f"{numbers['stock_value']:,.2f} {base}",
                       {"location": "total", "units": numbers["units"], "value": numbers["stock_value"]})
    output.write_table(numbers["top_value"], ["sku", "name", "on_hand", "value", "currency"], ledger.tz,
                       "Biggest stock values")
    output.write_table(numbers["low_stock"], ["sku", "name", "available", "reorder_point"], ledger.tz,
                       "Low stock: reorder")
    output.write_table(numbers["expiring"], ["sku", "name", "location", "expiry", "days_to_expiry", "qty"],
                       ledger.tz, f"Expiring within {numbers['expiring_days']} days")
