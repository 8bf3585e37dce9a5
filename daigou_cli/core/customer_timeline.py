"""A customer's history in time order — orders, payments, shipments, returns, tickets — read
straight from the facts, for `customer show` (what to have in front of you when they write)."""

import sqlite3

from daigou_cli.core import clock, money

TIMELINE_COLUMNS = ["at", "kind", "ref", "detail", "amount", "currency", "entry"]

# One SELECT per kind of fact: at, entry, kind, ref, detail, amount (minor units), currency.
_SQL = """
SELECT o.at, o.id AS entry, 'order' AS kind, 'order ' || o.id AS ref,
       o.channel || COALESCE(' ' || o.external_id, '') || ': ' ||
       (SELECT GROUP_CONCAT(ol.sku || ' × ' || ol.qty, ', ') FROM order_lines ol WHERE ol.order_id = o.id) AS detail,
       (SELECT SUM(ol.qty * ol.price) FROM order_lines ol WHERE ol.order_id = o.id) AS amount, o.currency
FROM orders o WHERE o.customer_id = :cid
UNION ALL
SELECT p.at, p.entry_id,
       CASE WHEN p.amount > 0 THEN 'payment' ELSE 'refund' END || CASE WHEN ve.id IS NOT NULL THEN '_voided' ELSE '' END,
       'order ' || p.order_id,
       CASE WHEN ve.id IS NOT NULL THEN COALESCE(p.method || '; ', '') || 'voided by entry ' || ve.id ELSE p.method END,
       ABS(p.amount), o.currency
FROM payments p JOIN orders o ON o.id = p.order_id
LEFT JOIN voids v ON v.target = p.entry_id LEFT JOIN entries ve ON ve.id = v.entry_id AND ve.at <= :as_of
WHERE o.customer_id = :cid
UNION ALL
SELECT ve.at, ve.id, 'void', 'order ' || p.order_id, 'entry ' || p.entry_id || ': ' || v.reason, NULL, NULL
FROM payments p JOIN orders o ON o.id = p.order_id JOIN voids v ON v.target = p.entry_id
JOIN entries ve ON ve.id = v.entry_id WHERE o.customer_id = :cid
UNION ALL
SELECT e.at, e.entry_id, e.kind, 'order ' || e.order_id, e.note, NULL, NULL
FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.customer_id = :cid
UNION ALL
SELECT s.at, s.id, 'shipment' || CASE WHEN ve.id IS NOT NULL THEN '_voided' ELSE '' END, 'order ' || s.order_id,
       s.carrier || ' ' || s.tracking || ' from ' || s.location || COALESCE('; voided by entry ' || ve.id, ''),
       NULL, NULL
FROM shipments s JOIN orders o ON o.id = s.order_id
LEFT JOIN voids v ON v.target = s.id LEFT JOIN entries ve ON ve.id = v.entry_id AND ve.at <= :as_of
WHERE o.customer_id = :cid
UNION ALL
SELECT ve.at, ve.id, 'void', 'order ' || s.order_id, 'entry ' || s.id || ': ' || v.reason, NULL, NULL
FROM shipments s JOIN orders o ON o.id = s.order_id JOIN voids v ON v.target = s.id
JOIN entries ve ON ve.id = v.entry_id WHERE o.customer_id = :cid
UNION ALL
SELECT se.at, se.entry_id, se.status, 'order ' || s.order_id, s.carrier || ' ' || s.tracking ||
       COALESCE(': ' || se.note, ''), NULL, NULL
FROM shipment_events se JOIN shipments s ON s.id = se.shipment_id JOIN orders o ON o.id = s.order_id
WHERE o.customer_id = :cid AND se.status IN ('delivered', 'exception', 'returned', 'lost')
UNION ALL
SELECT r.at, r.id, 'return', 'order ' || r.order_id, r.reason, NULL, NULL
FROM returns r JOIN orders o ON o.id = r.order_id WHERE o.customer_id = :cid
UNION ALL
SELECT t.at, t.id, 'ticket', 'ticket ' || t.id, t.channel || ': ' || t.subject, NULL, NULL
FROM tickets t WHERE t.customer_id = :cid
UNION ALL
SELECT e.at, e.entry_id, 'ticket_' || e.kind, 'ticket ' || e.ticket_id, e.resolution, NULL, NULL
FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.customer_id = :cid
"""


def timeline(conn: sqlite3.Connection, customer_id: int, as_of: str = clock.END_OF_TIME) -> list[dict]:
    rows = conn.execute(f"SELECT * FROM ({_SQL}) WHERE at <= :as_of ORDER BY at, entry, kind",
                        {"cid": customer_id, "as_of": as_of}).fetchall()
    return [{"at": clock.from_db(r["at"]), "kind": r["kind"], "ref": r["ref"], "detail": r["detail"],
             "amount": money.to_decimal(r["amount"], r["currency"]) if r["amount"] is not None else None,
             "currency": r["currency"], "entry": r["entry"]} for r in rows]
