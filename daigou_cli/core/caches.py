"""The stock caches (schema.sql `stock_balances`, `stock_moments`): running totals that
triggers keep beside movements and reservations. Derived, so they can always be thrown away
and rebuilt from the facts, and `db check` compares them with the facts row by row."""

import sqlite3

# Every fact that moves a cache: units on hand, units held, per SKU, location and instant.
_DELTAS = ("SELECT sku, location, at, qty AS on_hand, 0 AS reserved FROM movements "
           "UNION ALL SELECT sku, location, at, 0, qty FROM reservations")
_KEYS = {"stock_balances": ("sku", "location"), "stock_moments": ("sku", "location", "at")}


def rebuild(conn: sqlite3.Connection) -> dict:
    """Empty the caches and add the facts up again (inside the caller's transaction)."""
    counts = {}
    for table, keys in _KEYS.items():
        key = ", ".join(keys)
        conn.execute(f"DELETE FROM {table}")
        counts[table] = conn.execute(
            f"INSERT INTO {table}({key}, on_hand, reserved) SELECT {key}, SUM(on_hand), SUM(reserved) "
            f"FROM ({_DELTAS}) GROUP BY {key}").rowcount
    return counts


def differences(conn: sqlite3.Connection, limit: int = 20) -> list[dict]:
    """Rows where a cache and the facts disagree (a missing row counts as zeros): one pass
    over the facts and the cache together."""
    found = []
    for table, keys in _KEYS.items():
        key = ", ".join(keys)
        rows = conn.execute(
            f"SELECT {key}, SUM(f_on) AS f_on, SUM(f_res) AS f_res, SUM(c_on) AS c_on, SUM(c_res) AS c_res "
            f"FROM (SELECT {key}, on_hand AS f_on, reserved AS f_res, 0 AS c_on, 0 AS c_res FROM ({_DELTAS}) "
            f"      UNION ALL SELECT {key}, 0, 0, on_hand, reserved FROM {table}) "
            f"GROUP BY {key} HAVING SUM(f_on) <> SUM(c_on) OR SUM(f_res) <> SUM(c_res) LIMIT ?",
            (limit,)).fetchall()
        for row in rows:
            where = " ".join(str(row[k]) for k in keys)
            found.append({"table": table, "ref": where,
                          "message": f"{table} {where}: cached {row['c_on']} on hand / {row['c_res']} reserved, "
                                     f"the facts say {row['f_on']} / {row['f_res']} (daigou db rebuild)"})
    return found
