"""Back-dated facts must keep every past state possible: a unit taken or held at time T
must have been there at T and at every moment since. These are the lowest balances a
location (or one lot) has had from T until now, counting facts recorded later but dated
after T.

For a SKU at a location the stock caches answer without reading its history: the balance
now (`stock_balances`) less what the moments after T (`stock_moments`, one row per instant)
added. An order taken now looks at no moment at all; an import of back-dated orders looks
at the few instants stock arrived after them."""

import sqlite3

_NOW = "SELECT on_hand, reserved FROM stock_balances WHERE sku = :sku AND location = :loc"
_LATER = ("SELECT at, on_hand, reserved FROM stock_moments WHERE sku = :sku AND location = :loc AND at > :at "
          "ORDER BY at")


def _balances(conn: sqlite3.Connection, sku: str, location: str, at: str, held: bool) -> list[tuple[str, int]]:
    """[(moment, balance then)]: at `at`, then after each later moment. The balance is on
    hand, or on hand less reserved (`held`)."""
    args = {"sku": sku, "loc": location, "at": at}
    now = conn.execute(_NOW, args).fetchone()
    later = [(r[0], r[1] - r[2] if held else r[1]) for r in conn.execute(_LATER, args)]
    balance = (now[0] - now[1] if held else now[0]) if now else 0
    balance -= sum(delta for _, delta in later)
    points = [(at, balance)]
    for moment, delta in later:
        balance += delta
        points.append((moment, balance))
    return points


def _lowest(points: list[tuple[str, int]]) -> int:
    return min(balance for _, balance in points)


def lowest_on_hand(conn: sqlite3.Connection, sku: str, location: str, at: str) -> int:
    return _lowest(_balances(conn, sku, location, at, held=False))


def lowest_available(conn: sqlite3.Connection, sku: str, location: str, at: str) -> int:
    """On hand minus reserved, at its lowest from `at` on."""
    return _lowest(_balances(conn, sku, location, at, held=True))


def lowest_in_lot(conn: sqlite3.Connection, lot_id: int, location: str, at: str) -> int:
    """A lot's own history is short (its receipt and what left it), so it is read directly."""
    return conn.execute("""
        WITH deltas AS (SELECT at, qty FROM movements WHERE lot_id = :lot AND location = :loc),
        before AS (SELECT COALESCE(SUM(qty), 0) AS b FROM deltas WHERE at <= :at),
        later AS (SELECT at, SUM(qty) AS d FROM deltas WHERE at > :at GROUP BY at),
        running AS (SELECT SUM(d) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS r FROM later)
        SELECT (SELECT b FROM before) + MIN(0, COALESCE((SELECT MIN(r) FROM running), 0))""",
                        {"lot": lot_id, "loc": location, "at": at}).fetchone()[0]


def free_units(conn: sqlite3.Connection, sku: str, location: str, at: str, wanted: int) -> list[tuple[str, int]]:
    """[(time, units)]: up to `wanted` units free from `at` on, each from the earliest moment
    it was free and stayed free. Only facts dated after `at` are candidates, so an order
    taken now looks at one moment."""
    points = _balances(conn, sku, location, at, held=True)
    # The lowest balance from each moment on (a suffix minimum), walked from `at` forward.
    lowest, floor = [], None
    for _, balance in reversed(points):
        floor = balance if floor is None else min(floor, balance)
        lowest.append(floor)
    lowest.reverse()
    held, left = [], wanted
    for (moment, _), free in zip(points, lowest, strict=True):
        free -= wanted - left
        if free > 0:
            part = min(left, free)
            held.append((moment, part))
            left -= part
        if left == 0:
            break
    return held
