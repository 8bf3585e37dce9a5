"""Customer service for the demo ledger: a starter FAQ in Chinese (正品, 发货时间, 清关/关税,
退货, 定金) and a few tickets — answered, closed, one waiting inside the SLA and one overdue —
so `ticket list`, `faq search`, `report service` and `check` have something to show.
Call add_service(conn) inside the demo's transaction, after its customers and orders (if any)."""

import sqlite3
from datetime import timedelta

from daigou_cli.core import clock, config, customers, faq, service

FAQ = [
    ("你们卖的是正品吗？怎么保证？",
     "所有商品都是我本人在日本/韩国的专柜、药妆店和免税店购买的正品，可以提供购买小票和店铺照片；假一赔十。",
     "正品,真假,小票,authentic"),
    ("下单后多久发货？多久能到？",
     "现货 1–2 天内从上海发顺丰，一般 1–3 天到；需要代购的商品跟随下一次采购行程，通常 7–14 天到上海后再发出。",
     "发货,到货,物流,时效,shipping"),
    ("需要交关税吗？清关要多久？",
     "每个包裹的申报价值控制在 5000 元以内，正常情况下不用交关税；如果被海关抽查征税，税费由我承担。清关一般 1–3 个工作日。",
     "清关,关税,海关,customs,duty"),
    ("如何退货？可以退换吗？",
     "收到商品 7 天内、未拆封未使用可以退货，请先微信联系我拿退货地址；质量问题来回运费我出，个人原因运费自理。",
     "退货,退换,售后,return"),
    ("定金是多少？可以退吗？",
     "代购商品下单需付 30% 定金，到货后付尾款再发货。商品买到之前可以全额退定金；已经买到的商品定金不退。",
     "定金,尾款,付款,deposit"),
    ("怎么查物流？包裹到哪了？",
     "发货后我会把顺丰单号发给你，可以在顺丰小程序查询；海外段在转运仓入库后也会同步给你。",
     "物流,单号,包裹,tracking"),
]

CUSTOMERS = [  # name, wechat, email, region
    ("王小美", "xiaomei_w", None, "Shanghai"),
    ("李娜", "lina_88", None, "Beijing"),
    ("Emily Chen", None, "emily.chen@example.com", "Hong Kong"),
]


def _customer(conn: sqlite3.Connection, name: str, wechat, email, region) -> int:
    # The demo's other customers may already include them: the contact decides.
    row = conn.execute("SELECT id FROM customers WHERE wechat = ? OR email = ?", (wechat, email)).fetchone()
    if row:
        return row["id"]
    return customers.add_customer(conn, name, wechat=wechat, email=email, region=region)["id"]


def _an_order(conn: sqlite3.Connection, customer_id: int, before: str):
    row = conn.execute("SELECT id FROM orders WHERE customer_id = ? AND at <= ? ORDER BY at DESC LIMIT 1",
                       (customer_id, before)).fetchone()
    return row["id"] if row else None


def add_service(conn: sqlite3.Connection) -> dict:
    """Write the starter FAQ and the demo tickets; returns {"faq": [ids], "tickets": [ids]}."""
    tz = config.get(conn, "timezone")

    def at(text: str) -> str:
        return clock.parse_at(text, tz, "at")

    def hours_ago(n: float) -> str:
        return clock.to_db(clock.now_utc() - timedelta(hours=n))

    faq_ids = [faq.add_faq(conn, q, a, tags)["id"] for q, a, tags in FAQ]
    real, customs, tracking = faq_ids[0], faq_ids[2], faq_ids[5]
    xiaomei, lina, emily = (_customer(conn, *c) for c in CUSTOMERS)
    tickets = []

    # Answered with an FAQ entry within half an hour, and closed.
    t = service.open_ticket(conn, xiaomei, "这个是正品吗？", at("2026-11-03T10:15"), "wechat",
                            message="姐妹，这款小灯泡是正品吗？有小票吗？")["id"]
    service.reply(conn, t, "有的，发你小票照片。", at("2026-11-03T10:40"), faq=real)
    service.close(conn, t, at("2026-11-03T11:00"), "发了购买小票，客人放心了")
    tickets.append(t)

    # Asked late at night, answered next morning (inside 24 h), closed after the customer's thanks.
    t = service.open_ticket(conn, lina, "包裹到哪了", at("2026-11-12T22:30"), "xhs",
                            order=_an_order(conn, lina, at("2026-11-12T22:30")),
                            message="我的包裹怎么还没到？")["id"]
    service.reply(conn, t, None, at("2026-11-13T09:05"), faq=tracking)
    service.reply(conn, t, "查到了，明天到，谢谢！", at("2026-11-13T09:20"), "customer")
    service.close(conn, t, at("2026-11-13T09:30"), "给了顺丰单号")
    tickets.append(t)

    # Answered after 27 hours: the SLA was missed.
    t = service.open_ticket(conn, emily, "Customs duty on my order?", at("2026-11-18T20:00"), "email",
                            message="Will I have to pay import duty on the serum?")["id"]
    service.reply(conn, t, "Sorry for the wait!", at("2026-11-19T23:00"), faq=customs)
    service.close(conn, t, at("2026-11-20T10:00"), "explained the customs limit")
    tickets.append(t)

    # Waiting 30 hours for a reply: overdue, `daigou check` reports it.
    t = service.open_ticket(conn, xiaomei, "想退货，尺寸不合适", hours_ago(30), "wechat",
                            message="收到的面霜太大瓶了，可以退吗？还没拆封。")["id"]
    tickets.append(t)

    # Asked two hours ago: open, still inside the SLA.
    t = service.open_ticket(conn, lina, "定金可以退吗？", hours_ago(2), "xhs",
                            message="我下单的那个包还没买到的话，定金能退吗？")["id"]
    tickets.append(t)
    return {"faq": faq_ids, "tickets": tickets}
