"""Back-dated facts must keep every past state possible: a unit taken or held at time T
must have been there at T and at every moment since. These are the lowest balances a
location (or one lot) has had from T until now, counting facts recorded later but dated
after T."""

import sqlite3

_LOWEST = """
WITH deltas AS ({deltas}),
before AS (SELECT COALESCE(SUM(qty), 0) AS b FROM deltas WHERE at <= :at),
later AS (SELECT at, SUM(qty) AS d FROM deltas WHERE at > :at GROUP BY at),
running AS (SELECT SUM(d) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS r FROM later)
SELECT (SELECT b FROM before) + MIN(0, COALESCE((SELECT MIN(r) FROM running), 0))
"""
_MOVES = "SELECT at, qty FROM movements WHERE sku = :sku AND location = :loc"
_HELD = "SELECT at, -qty AS qty FROM reservations WHERE sku = :sku AND location = :loc"


def lowest_on_hand(conn: sqlite3.Connection, sku: str, location: str, at: str) -> int:
    return conn.execute(_LOWEST.format(deltas=_MOVES), {"sku": sku, "loc": location, "at": at}).fetchone()[0]


def lowest_available(conn: sqlite3.Connection, sku: str, location: str, at: str) -> int:
    """On hand minus reserved, at its lowest from `at` on."""
    sql = _LOWEST.format(deltas=f"{_MOVES} UNION ALL {_HELD}")
    return conn.execute(sql, {"sku": sku, "loc": location, "at": at}).fetchone()[0]


def lowest_in_lot(conn: sqlite3.Connection, lot_id: int, location: str, at: str) -> int:
    sql = _LOWEST.format(deltas="SELECT at, qty FROM movements WHERE lot_id = :lot AND location = :loc")
    return conn.execute(sql, {"lot": lot_id, "loc": location, "at": at}).fetchone()[0]


def free_units(conn: sqlite3.Connection, sku: str, location: str, at: str, wanted: int) -> list[tuple[str, int]]:
    """[(time, units)]: up to `wanted` units free from `at` on, each from the earliest moment
    it was free and stayed free. Only facts dated after `at` are candidates, so an order
    taken now looks at one moment."""
    moments = [at] + [r[0] for r in conn.execute(
        "SELECT DISTINCT at FROM (SELECT at FROM movements WHERE sku = :sku AND location = :loc AND at > :at "
        "UNION SELECT at FROM reservations WHERE sku = :sku AND location = :loc AND at > :at) ORDER BY at",
        {"sku": sku, "loc": location, "at": at})]
    held, left = [], wanted
    for moment in moments:
        free = lowest_available(conn, sku, location, moment) - (wanted - left)
        if free > 0:
            part = min(left, free)
            held.append((moment, part))
            left -= part
        if left == 0:
            break
    return held
