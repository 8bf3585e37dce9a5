"""--as-of for free: the views in schema.sql read the time they describe from the one-row
view `as_of_clock` (the end of time). To ask a view about the past, the view's own SQL
is inlined as a CTE of the same name, after a CTE `as_of_clock` that holds the date asked
for. The state logic stays written once, in schema.sql."""

import re
import sqlite3

from daigou_cli.core.clock import END_OF_TIME

_BODY = re.compile(r"^\s*CREATE\s+VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?(\w+)\"?\s+AS\s+", re.I)
_cache: dict[int, list[tuple[str, str]]] = {}


def _dependent_views(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, body) of every view that reads as_of_clock, directly or through another view,
    in creation order (which is dependency order)."""
    key = id(conn)
    if key not in _cache:
        views = [(r[0], _BODY.sub("", r[1], count=1)) for r in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY rowid")]
        dependent, names = [], {"as_of_clock"}
        for name, body in views:
            if name == "as_of_clock":
                continue
            if any(re.search(rf"\b{re.escape(n)}\b", body) for n in names):
                dependent.append((name, body))
                names.add(name)
        _cache[key] = dependent
    return _cache[key]


def query(conn: sqlite3.Connection, sql: str, params: dict | None = None, as_of: str = END_OF_TIME):
    """Run `sql` (which may read any view) as of `as_of`; named parameters only."""
    params = dict(params or {})
    if as_of == END_OF_TIME:
        return conn.execute(sql, params)
    ctes = ["as_of_clock AS (SELECT :_as_of AS as_of)"]
    ctes += [f"{name} AS ({body})" for name, body in _dependent_views(conn)]
    head = sql.lstrip()
    if head[:4].upper() == "WITH":
        statement = "WITH " + ", ".join(ctes) + ", " + head[4:].lstrip()
    else:
        statement = "WITH " + ", ".join(ctes) + " " + head
    return conn.execute(statement, params | {"_as_of": as_of})
