"""The selling half of the demo: customers, carriers and orders in every state — pending,
deposit paid, paid, back-ordered, partially shipped, shipped (one parcel late), delivered,
cancelled, returned and partially returned — recorded through the same core functions the
commands use."""

import sqlite3
from pathlib import Path

from daigou_cli.core import carriers, clock, config, customers, orders, returns, shipping
from daigou_cli.core.importers import common

CUSTOMERS = common.Layout("customers", ("name", "wechat", "phone", "email", "region", "address"), ("name",))
CARRIERS = common.Layout("carriers", ("code", "service", "name", "first_kg", "extra_kg", "days",
                                      "insurance_rate", "regions"), ("code", "name"))

# (key, customer, lines, options, payments, then what happens to it)
ORDERS = [
    ("pending", "zm_hz", ["ANESSA-60:2"], {"channel": "xhs"}, [], []),
    ("deposit", "lina_bj", ["SKII-FTE-230:1"], {"channel": "xhs", "deposit": "500", "due": "2026-11-28"}, [], []),
    ("paid", "liuyang1990", ["POCKY-CHOCO:6", "KITKAT-MATCHA-12:2"], {"priority": "urgent"}, ["200"], []),
    ("backorder", "zhangwei_gz", ["SWITCH-OLED:3"], {"deposit": "3000", "channel": "taobao",
                                                     "external_id": "3915000011112222"}, [], []),
    ("partial", "wxm_88", ["SHISEIDO-UB-50:2", "ANESSA-60:2"], {}, ["1758"],
     [("ship", ["SHISEIDO-UB-50:2"], "SF", "SF1400011122", "2026-11-18T15:00", "18")]),
    ("late", "chenjing@example.com", ["ZOJIRUSHI-SF48:2"], {"channel": "shopify", "external_id": "#1001"}, ["478"],
     [("ship", [], "EMS", "EE100200300CN", "2026-11-18T16:00", "30"),
      ("event", "EE100200300CN", "InTransit", "2026-11-19T09:00")]),
    ("delivered", "zhangwei_gz", ["SONY-WF1000XM5:1"], {}, ["1899"],
     [("ship", [], "SF", "SF1400011133", "2026-11-17T18:00", "23"),
      ("event", "SF1400011133", "in_transit", "2026-11-18T08:00"),
      ("event", "SF1400011133", "customs", "2026-11-18T20:00"),
      ("event", "SF1400011133", "delivered", "2026-11-20T14:30")]),
    ("cancelled", "lina_bj", ["CANMAKE-BLUSH:2"], {"deposit": "50"}, [],
     [("cancel", "顾客改主意了")]),
    ("returned", "wxm_88", ["MEDIHEAL-NMF-10:1"], {}, ["119"],
     [("ship", [], "SF", "SF1400011144", "2026-11-17T18:30", "15"),
      ("event", "SF1400011144", "delivered", "2026-11-19T11:00"),
      ("return", ["MEDIHEAL-NMF-10:1"], "包装破损", "SH", "119", "2026-11-21T10:00")]),
    ("part-returned", "chenjing@example.com", ["SULWHASOO-FCAS-90:1", "JSM-CUSHION:1"], {}, ["1169"],
     [("ship", [], "SF", "SF1400011155", "2026-11-17T19:00", "20"),
      ("event", "SF1400011155", "delivered", "2026-11-19T16:00"),
      ("return", ["JSM-CUSHION:1"], "色号不合适", "SH", "289", "2026-11-22T12:00")]),
]


def add_sales(conn: sqlite3.Connection, folder: Path, day: str = "2026-11-17T10:00") -> None:
    """Customers and carriers from examples/, then the orders above, one hour apart."""
    tz = config.get(conn, "timezone")

    def at(text: str) -> str:
        return clock.parse_at(text, tz, "at")

    common.run(conn, common.read_table(str(folder / "customers.csv"), CUSTOMERS),
               lambda _c, r: customers.add_customer(conn, r.values["name"], r.values.get("wechat"),
                                                    r.values.get("phone"), r.values.get("email"),
                                                    r.values.get("region"), r.values.get("address")))
    common.run(conn, common.read_table(str(folder / "carriers.csv"), CARRIERS),
               lambda _c, r: carriers.add_carrier(conn, r.values["code"], r.values["name"], r.values.get("service"),
                                                  r.values.get("first_kg"), r.values.get("extra_kg"),
                                                  r.values.get("days"), r.values.get("insurance_rate"),
                                                  r.values.get("regions")))
    start = clock.from_db(at(day))
    for hour, (_key, who, lines, options, payments, steps) in enumerate(ORDERS):
        when = clock.to_db(start.replace(hour=start.hour) + _hours(hour))
        order = orders.create_order(conn, who, lines, when, **options)
        for amount in payments:
            orders.pay(conn, order["id"], amount, when, "wechat-pay")
        for step in steps:
            _step(conn, order["id"], step, at)


def _hours(n: int):
    from datetime import timedelta

    return timedelta(hours=n)


def _step(conn: sqlite3.Connection, order_id: int, step: tuple, at) -> None:
    kind = step[0]
    if kind == "ship":
        _, lines, carrier, tracking, when, cost = step
        shipping.ship(conn, order_id, lines, carrier, tracking, at(when), cost=cost,
                      service="economy" if carrier == "EMS" else None)
    elif kind == "event":
        _, tracking, status, when = step
        shipping.record_event(conn, tracking, status, at(when))
    elif kind == "cancel":
        orders.cancel(conn, order_id, step[1], at("2026-11-18T09:00"))
    elif kind == "return":
        _, lines, reason, location, refund, when = step
        returns.record_return(conn, order_id, lines, reason, at(when), restock=location, refund=refund)
