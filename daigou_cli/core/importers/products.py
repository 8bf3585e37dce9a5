"""`product import`: catalogue rows (the columns of `product add`), one product per row.
New SKUs go through catalog.add_product; an existing SKU is refused unless `update`, which
edits it with the row's non-empty cells through catalog.edit_product."""

import sqlite3

from daigou_cli.core import catalog
from daigou_cli.core.errors import InvalidInput, Refused
from daigou_cli.core.importers.common import Layout, Record, Result, Table, run

FIELDS = ("name", "category", "zone", "price", "currency", "weight", "reorder_point", "reorder_qty",
          "lead_days", "shelf_life_days", "warranty_days", "supplier", "pack_size")
LAYOUT = Layout("products", ("sku", *FIELDS), required=("sku", "name"),
                actions=("added", "updated", "unchanged"))


def writer(update: bool = False, at: str | None = None):
    seen: dict[str, int] = {}

    def write(conn: sqlite3.Connection, record: Record) -> dict:
        sku = catalog.check_sku(record.values["sku"])
        if sku.upper() in seen:
            raise InvalidInput(f"sku: {sku!r} is also on line {seen[sku.upper()]} of this file")
        fields = {k: record.values[k] for k in FIELDS if record.values.get(k) is not None}
        existing = conn.execute("SELECT sku FROM products WHERE sku = ? COLLATE NOCASE", (sku,)).fetchone()
        if existing and not update:
            seen[sku.upper()] = record.line
            if _says_what_the_catalogue_says(conn, existing[0], fields):
                return {"id": existing[0], "action": "unchanged", "sku": existing[0], "name": record.values["name"]}
            raise Refused(f"sku: {sku!r} is already in the catalogue with other values (use --update to change it)")
        if existing:
            product = catalog.edit_product(conn, existing[0], fields)
            action = "updated"
        else:
            product = catalog.add_product(conn, sku, fields, at)
            action = "added"
        seen[sku.upper()] = record.line
        return {"id": product["sku"], "action": action, "sku": product["sku"], "name": product["name"]}

    return write


def _says_what_the_catalogue_says(conn: sqlite3.Connection, sku: str, fields: dict) -> bool:
    """Whether editing the product with the row would change nothing (so importing the same
    file twice is fine): the edit is tried and always undone."""
    before = conn.execute("SELECT * FROM products WHERE sku = ?", (sku,)).fetchone()
    conn.execute("SAVEPOINT same_product")
    try:
        catalog.edit_product(conn, sku, fields)
        return tuple(conn.execute("SELECT * FROM products WHERE sku = ?", (sku,)).fetchone()) == tuple(before)
    except InvalidInput:
        return False
    finally:
        conn.execute("ROLLBACK TO same_product")
        conn.execute("RELEASE same_product")


def load(conn: sqlite3.Connection, table: Table, update: bool = False, at: str | None = None,
         **options) -> Result:
    """Import a parsed products file (new products added at `at`, default now); options as for
    common.run."""
    return run(conn, table, writer(update, at), **options)
