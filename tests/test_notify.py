"""Customer notifications: one message per event a customer cares about, from templates,
sent at most once through --exec or a real SMTP server, even when a sender is killed."""

import json
import os
import signal
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from email import policy
from email.parser import BytesParser

import pytest


@pytest.fixture
def sold(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location SH --at 2026-10-02")
    shop.run(["customer", "add", "王小姐", "--wechat", "wangxj", "--phone", "+8613800138000",
              "--email", "Wang@Example.com", "--region", "Shanghai"])
    shop.run(["customer", "add", "李先生", "--wechat", "lixs"])
    return shop


def new_order(d, extra="", who="王小姐") -> int:
    return int(d.run(["order", "new", who, "SHI-50:2", "--at", "2026-11-01T10:00", "-q", *extra.split()]).stdout)


def messages(d, args="") -> list[dict]:
    return d.json(f"notify list {args}".strip())


def shipped(d) -> int:
    oid = new_order(d)
    d.run(f"order pay {oid} 840 --at 2026-11-01T11:00")
    d.run(f"ship {oid} --carrier SF --tracking SF1001 --at 2026-11-02T09:00")
    return oid


# ----------------------------------------------------------------- what gets queued

def test_an_order_queues_one_confirmation_in_chinese(sold):
    oid = new_order(sold)
    [m] = messages(sold)
    assert (m["order_id"], m["customer"], m["kind"], m["status"], m["language"]) == (
        oid, "王小姐", "order_confirmed", "pending", "zh-CN")
    assert m["subject"] == f"订单 {oid} 已确认"
    body = sold.json(f"notify show {m['id']}")["body"]
    assert body == f"王小姐，您好！您的订单 {oid} 已确认：资生堂 红腰子 50ml ×2，合计 840.00 CNY。谢谢惠顾！"


def test_english_when_the_language_is_en(sold):
    sold.run("config set language en")
    oid = new_order(sold)
    m = sold.json("notify show 1")
    assert (m["language"], m["subject"]) == ("en", f"Order {oid} confirmed")
    assert m["body"] == f"Hi 王小姐, your order {oid} is confirmed: 资生堂 红腰子 50ml × 2, 840.00 CNY in all. Thank you!"


def test_a_deposit_then_the_balance(sold):
    oid = new_order(sold, "--deposit 300")
    sold.run(f"order pay {oid} 40 --at 2026-11-03")
    sold.run(f"order pay {oid} 500 --at 2026-11-04")
    got = [(m["kind"], m["subject"]) for m in messages(sold)]
    assert got == [("order_confirmed", f"订单 {oid} 已确认"), ("deposit_received", f"订单 {oid} 已收到定金"),
                   ("deposit_received", f"订单 {oid} 已收到定金"), ("payment_received", f"订单 {oid} 已付清")]
    bodies = [sold.json(f"notify show {i}")["body"] for i in (2, 3, 4)]
    assert bodies[0] == f"王小姐，您好！已收到订单 {oid} 的付款 300.00 CNY，尚需支付尾款 540.00 CNY。"
    assert bodies[1] == f"王小姐，您好！已收到订单 {oid} 的付款 40.00 CNY，尚需支付尾款 500.00 CNY。"
    assert bodies[2] == (f"王小姐，您好！已收到订单 {oid} 的付款 500.00 CNY，订单已付清（合计 840.00 CNY），"
                         "我们会尽快为您发货。")


def test_payment_in_english_names_the_balance(sold):
    sold.run("config set language en")
    oid = new_order(sold)
    sold.run(f"order pay {oid} 200")
    assert sold.json("notify show 2")["body"] == (
        f"Hi 王小姐, we received 200.00 CNY for order {oid}; 640.00 CNY is still due.")


def test_shipping_names_carrier_tracking_and_what_is_in_the_parcel(sold):
    oid = shipped(sold)
    m = messages(sold)[-1]
    assert (m["kind"], m["subject"]) == ("shipped", f"订单 {oid} 已发货")
    assert sold.json(f"notify show {m['id']}")["body"] == (
        f"王小姐，您好！您的订单 {oid} 已发货：资生堂 红腰子 50ml ×2。快递 SF，运单号 SF1001。")


def test_customs_out_for_delivery_and_delivered_each_queue_one(sold):
    oid = shipped(sold)
    for status, at in [("in_transit", "03T08:00"), ("customs", "04T08:00"), ("out_for_delivery", "05T08:00"),
                       ("delivered", "05T18:00")]:
        sold.run(f"shipment event SF1001 {status} --at 2026-11-{at}")
    got = [(m["kind"], m["subject"]) for m in messages(sold, f"--order {oid}")][-3:]
    assert got == [("customs", f"订单 {oid} 清关中"), ("out_for_delivery", f"订单 {oid} 派送中"),
                   ("delivered", f"订单 {oid} 已签收")]
    assert len(messages(sold)) == 7  # confirmed, paid, shipped + the four tracking events
    assert sold.json("notify show 4")["body"] == "王小姐，您好！您的包裹（SF SF1001）正在运输途中。"
    assert sold.json("notify show 7")["body"] == "王小姐，您好！您的包裹（SF SF1001）已签收。如有任何问题请随时联系我们，谢谢！"


def test_english_tracking_message(sold):
    sold.run("config set language en")
    shipped(sold)
    sold.run("shipment event SF1001 OutForDelivery --at 2026-11-05T08:00")
    assert sold.json("notify show 4")["body"] == "Hi 王小姐, your parcel (SF SF1001) is out for delivery today."


def test_a_duplicate_tracking_event_queues_nothing(sold):
    shipped(sold)
    sold.run("shipment event SF1001 customs --at 2026-11-04T08:00")
    before = len(messages(sold))
    sold.run("shipment event SF1001 customs --at 2026-11-04T08:00")  # the tracker says it again
    sold.run("shipment event SF1001 customs --at 2026-11-04T12:00")  # same news, later
    assert len(messages(sold)) == before


def test_news_older_than_delivered_is_not_sent(sold):
    shipped(sold)
    sold.run("shipment event SF1001 delivered --at 2026-11-06T08:00")
    sold.run("shipment event SF1001 customs --at 2026-11-04T08:00")  # a tracker catching up
    assert [m["kind"] for m in messages(sold)][-1] == "delivered"


def test_refund_and_return_with_refund(sold):
    oid = shipped(sold)
    sold.run(f"order refund {oid} 20 --at 2026-11-03")
    sold.run(f"return {oid} SHI-50:1 --reason 'wrong colour' --refund 400 --at 2026-11-07")
    sold.run(f"return {oid} SHI-50:1 --reason 'changed mind' --at 2026-11-08")  # no refund: says it came back
    refunds = messages(sold, "--kind refund_issued")
    assert [sold.json(f"notify show {m['id']}")["body"] for m in refunds] == [
        f"王小姐，您好！订单 {oid} 已退款 20.00 CNY，请注意查收。",
        f"王小姐，您好！订单 {oid} 已退款 400.00 CNY，请注意查收。"]
    [back] = messages(sold, "--kind return_received")
    assert sold.json(f"notify show {back['id']}")["body"] == f"王小姐，您好！我们已收到订单 {oid} 的退货：资生堂 红腰子 50ml ×1。"
    assert len(messages(sold)) == 6


def test_cancel_says_the_refund_is_due(sold):
    paid = new_order(sold, "--deposit 100")
    unpaid = new_order(sold)
    sold.run(f"order cancel {paid} --reason 缺货 --no-refund")
    sold.run(f"order cancel {unpaid} --reason 客户取消")
    last = messages(sold)[-2:]
    assert [m["kind"] for m in last] == ["refund_due", "order_cancelled"]
    assert sold.json(f"notify show {last[0]['id']}")["body"] == (
        f"王小姐，您好！订单 {paid} 已取消（缺货）。您已支付的 100.00 CNY 将退还给您。")
    assert sold.json(f"notify show {last[1]['id']}")["body"] == f"王小姐，您好！订单 {unpaid} 已取消（客户取消）。"


def test_a_refused_payment_queues_nothing(sold):
    oid = new_order(sold)
    sold.run(f"order pay {oid} 9999", code=4)
    sold.run("config set unpaid_shipping refuse")
    sold.run(f"ship {oid} --carrier SF --tracking X1", code=4)
    assert len(messages(sold)) == 1


def test_the_queue_is_append_only(sold):
    new_order(sold)
    sold.run("notify mark 1 sent")
    conn = sqlite3.connect(sold.db)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE notifications SET body = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM notification_attempts")
    finally:
        conn.close()


# ----------------------------------------------------------------- templates

def test_a_template_override_is_used_for_new_messages_only(sold):
    first = new_order(sold)
    sold.run(["notify", "template", "set", "order_confirmed", "--language", "zh-CN",
              "--subject", "【小店】订单 {order_id}", "--body", "{customer}：收到 {items}，共 {total} {currency}"])
    second = new_order(sold)
    one, two = messages(sold)
    assert one["subject"] == f"订单 {first} 已确认"
    assert two["subject"] == f"【小店】订单 {second}"
    assert sold.json(f"notify show {two['id']}")["body"] == "王小姐：收到 资生堂 红腰子 50ml ×2，共 840.00 CNY"
    rows = {(t["kind"], t["language"]): t for t in sold.json("notify template list")}
    assert rows[("order_confirmed", "zh-CN")]["source"] == "custom"
    assert rows[("order_confirmed", "en")]["source"] == "default"
    assert len(rows) == 32  # 16 kinds, zh-CN and en
    sold.run("notify template reset order_confirmed --language zh-CN")
    assert sold.json("notify template show order_confirmed")["subject"] == "订单 {order_id} 已确认"


def test_a_template_with_an_unknown_placeholder_is_refused(sold):
    result = sold.run(["notify", "template", "set", "shipped", "--body", "运单 {tracking_no}"], code=3)
    assert "{tracking_no}" in result.stderr and "{tracking}" in result.stderr
    sold.run(["notify", "template", "set", "parcel", "--body", "x"], code=3)
    sold.run(["notify", "template", "set", "shipped", "--language", "fr", "--body", "x"], code=2)  # not a language: usage
    assert sold.json("notify template show shipped")["source"] == "default"


# ----------------------------------------------------------------- sending with --exec

def append_to(path) -> str:
    return f"cat >> '{path}'"


def test_exec_sends_each_message_once_as_json(sold, tmp_path):
    oid = shipped(sold)
    out = tmp_path / "out.jsonl"
    result = sold.run(["notify", "send", "--exec", append_to(out)])
    assert "3 sent, 0 failed" in result.stdout
    sent = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [m["kind"] for m in sent] == ["order_confirmed", "payment_received", "shipped"]
    assert sent[2] | {"created_at": None, "recorded_at": None} == {
        "id": 3, "order_id": oid, "customer_id": 1, "customer": "王小姐", "wechat": "wangxj",
        "phone": "+8613800138000", "email": "wang@example.com", "kind": "shipped", "language": "zh-CN",
        "subject": f"订单 {oid} 已发货", "tracking": "SF1001", "carrier": "SF", "created_at": None,
        "recorded_at": None,
        "body": f"王小姐，您好！您的订单 {oid} 已发货：资生堂 红腰子 50ml ×2。快递 SF，运单号 SF1001。"}
    assert sent[2]["created_at"] == "2026-11-02T09:00:00+08:00"
    assert {m["status"] for m in messages(sold)} == {"sent"}
    assert all(m["sent_at"] for m in messages(sold))
    again = sold.run(["notify", "send", "--exec", append_to(out)])
    assert again.stdout.strip() == "nothing to send"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_a_failing_exec_leaves_them_pending(sold, tmp_path):
    new_order(sold)
    new_order(sold)
    result = sold.run(["notify", "send", "--exec", "cat > /dev/null; echo 'wechat bot offline' >&2; exit 3"], code=0)
    assert "0 sent, 2 failed" in result.stdout
    assert "wechat bot offline" in result.stderr
    rows = messages(sold, "--pending")
    assert [(m["status"], m["attempts"], m["last_error"]) for m in rows] == [
        ("pending", 1, "exit 3: wechat bot offline")] * 2
    out = tmp_path / "out.jsonl"
    sold.run(["notify", "send", "--exec", append_to(out)])
    assert len(out.read_text().splitlines()) == 2
    assert messages(sold, "--pending") == []


def test_limit_sends_the_oldest_first(sold, tmp_path):
    for _ in range(3):
        new_order(sold)
    out = tmp_path / "out.jsonl"
    sold.run(["notify", "send", "--exec", append_to(out), "--limit", "2", "-q"])
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [1, 2]
    assert [m["id"] for m in messages(sold, "--pending")] == [3]


def test_send_needs_exactly_one_way(sold):
    sold.run("notify send", code=2)
    sold.run(["notify", "send", "--exec", "cat", "--smtp", "localhost:25"], code=2)
    sold.run(["notify", "send", "--smtp", "no-port"], code=3)


SLOW_SECOND = """#!/bin/sh
cat >> "$OUT"
if [ "$(wc -l < "$OUT")" -eq 2 ]; then touch "$OUT.sleeping"; sleep 60; fi
"""


def daigou_process(db, *args, **kw):
    env = {k: v for k, v in os.environ.items() if k != "DAIGOU_FORMAT"} | {"DAIGOU_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "daigou_cli", *args], env=env | kw.pop("env", {}),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_a_sender_killed_half_way_never_sends_twice(sold, tmp_path):
    for _ in range(3):
        new_order(sold)
    out = tmp_path / "out.jsonl"
    script = tmp_path / "send.sh"
    script.write_text(SLOW_SECOND)
    proc = daigou_process(sold.db, "notify", "send", "--exec", f"sh {script}", env={"OUT": str(out)},
                          start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "out.jsonl.sleeping").exists():
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert [m["status"] for m in messages(sold)] == ["sent", "sending", "pending"]
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [1, 2]

    rerun = sold.run(["notify", "send", "--exec", f"sh {script}"], env={"OUT": str(out)}, code=0)
    assert "notification 2 (order_confirmed" in rerun.stderr and "in doubt" in rerun.stderr
    assert "1 sent, 0 failed, 0 skipped, 1 in doubt" in rerun.stdout
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [1, 2, 3]
    assert [m["status"] for m in messages(sold)] == ["sent", "sending", "sent"]
    assert [m["id"] for m in messages(sold, "--pending")] == [2]

    # only on the user's say-so
    sold.run(["notify", "send", "--exec", f"sh {script}", "--retry-unknown"], env={"OUT": str(out)})
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [1, 2, 3, 2]
    assert [m["status"] for m in messages(sold)] == ["sent"] * 3
    assert sold.json("notify show 2")["attempts"] == 2


def test_mark_settles_a_message_by_hand(sold, tmp_path):
    new_order(sold)
    new_order(sold)
    sold.run(["notify", "mark", "1", "sent", "--note", "told her on WeChat"])
    assert [h["outcome"] for h in sold.json("notify show 1")["history"]] == ["sent"]
    sold.run("notify mark 1 sent", code=4)
    sold.run("notify mark 2 unsent", code=4)  # not in doubt
    sold.run("notify mark 9 sent", code=3)
    out = tmp_path / "out.jsonl"
    sold.run(["notify", "send", "--exec", append_to(out)])
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [2]


def test_two_senders_at_once_send_each_message_once(sold, tmp_path):
    for _ in range(6):
        new_order(sold)
    out = tmp_path / "out.jsonl"
    cmd = f"sleep 0.2; cat >> '{out}'"
    procs = [daigou_process(sold.db, "notify", "send", "--exec", cmd) for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    ids = sorted(json.loads(x)["id"] for x in out.read_text().splitlines())
    assert ids == [1, 2, 3, 4, 5, 6]


# ----------------------------------------------------------------- sending with --smtp

class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, RSET, QUIT."""

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        envelope = {"rcpt": []}
        self.reply("220 test.local ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            arg = line.decode().strip()[len(verb):].strip()
            if verb == "EHLO":
                self.reply("250-test.local")
                self.reply("250 8BITMIME")
            elif verb in ("HELO", "NOOP"):
                self.reply("250 ok")
            elif verb == "MAIL":
                envelope = {"from": arg, "rcpt": []}
                self.reply("250 ok")
            elif verb == "RCPT":
                if "nobody@" in arg:
                    self.reply("550 no such user")
                else:
                    envelope["rcpt"].append(arg)
                    self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((envelope, data))
                self.reply("250 queued")
            elif verb == "RSET":
                envelope = {"rcpt": []}
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_smtp_sends_a_real_email_to_the_customer(sold, smtp_server):
    oid = new_order(sold)
    new_order(sold, who="李先生")  # no email: skipped, stays pending
    port = smtp_server.server_address[1]
    result = sold.run(["notify", "send", "--smtp", f"127.0.0.1:{port}", "--from", "shop@example.com"], code=0)
    assert "1 sent, 0 failed, 1 skipped" in result.stdout
    assert "李先生 has no email address" in result.stderr
    [(envelope, data)] = smtp_server.received
    assert envelope["rcpt"] == ["TO:<wang@example.com>"]
    mail = BytesParser(policy=policy.default).parsebytes(data)
    assert mail["To"].addresses[0].addr_spec == "wang@example.com"
    assert mail["To"].addresses[0].display_name == "王小姐"
    assert mail["From"] == "shop@example.com"
    assert mail["Subject"] == f"订单 {oid} 已确认"
    assert mail["X-Daigou-Notification"] == "1"
    assert mail.get_content().strip() == f"王小姐，您好！您的订单 {oid} 已确认：资生堂 红腰子 50ml ×2，合计 840.00 CNY。谢谢惠顾！"
    rows = messages(sold)
    assert [(m["status"], m["last_error"]) for m in rows] == [
        ("sent", None), ("pending", "customer 李先生 has no email address")]
    # the next run sends nothing twice and says the skip once
    sold.run(["notify", "send", "--smtp", f"127.0.0.1:{port}"], code=0)
    assert len(smtp_server.received) == 1
    assert [h["outcome"] for h in sold.json("notify show 2")["history"]] == ["skipped"]


def test_smtp_rejected_recipient_stays_pending(sold, smtp_server):
    sold.run(["customer", "add", "张三", "--email", "nobody@example.com"])
    new_order(sold, who="张三")
    port = smtp_server.server_address[1]
    result = sold.run(["notify", "send", "--smtp", f"127.0.0.1:{port}"], code=0)
    assert "SMTP 550: no such user" in result.stderr
    [m] = messages(sold)
    assert (m["status"], m["attempts"], m["last_error"]) == ("pending", 1, "SMTP 550: no such user")


def test_smtp_server_unreachable_writes_nothing(sold):
    new_order(sold)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = sold.run(["notify", "send", "--smtp", f"127.0.0.1:{port}"], code=3)
    assert "cannot talk to 127.0.0.1" in result.stderr
    assert sold.sql("SELECT count(*) FROM notification_attempts") == [(0,)]


@pytest.mark.parametrize("status, subject", [
    ("info_received", "已交快递"), ("in_transit", "运输中"), ("exception", "派送异常"), ("returned", "包裹被退回"),
    ("lost", "包裹丢失")])
def test_every_tracking_status_queues_one_message_per_parcel(sold, status, subject):
    oid = shipped(sold)
    sold.run(f"shipment event SF1001 {status} --at 2026-11-03T08:00")
    sold.run(f"shipment event SF1001 {status} --at 2026-11-03T20:00")  # trackers repeat themselves
    assert [m["subject"] for m in messages(sold, f"--kind {status}")] == [f"订单 {oid} {subject}"]


def test_kinds_in_notify_skip_are_not_queued(sold):
    sold.run("config set notify_skip in_transit,info_received")
    shipped(sold)
    sold.run("shipment event SF1001 in_transit --at 2026-11-03T08:00")
    sold.run("shipment event SF1001 delivered --at 2026-11-05T08:00")
    assert [m["kind"] for m in messages(sold)] == ["order_confirmed", "payment_received", "shipped", "delivered"]
    result = sold.run("config set notify_skip in_transit,parcel", code=3)
    assert result.stderr.strip().startswith("daigou: notify_skip: 'parcel' is not a notification kind (")


# What schema 10 had: notifications.kind limited to the ten kinds of then.
V10_NOTIFICATIONS = """
CREATE TABLE notifications_v10 (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES entries(id),
    order_id    INTEGER NOT NULL REFERENCES orders(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    shipment_id INTEGER REFERENCES shipments(id),
    kind        TEXT NOT NULL CHECK (kind IN ('order_confirmed', 'deposit_received',
                'payment_received', 'shipped', 'customs', 'out_for_delivery', 'delivered',
                'refund_issued', 'refund_due', 'order_cancelled')),
    language    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
INSERT INTO notifications_v10 SELECT id, entry_id, order_id, customer_id, shipment_id, kind, language, subject,
                                     body, at, recorded_at FROM notifications;
DROP TABLE notifications;
PRAGMA legacy_alter_table = ON;
ALTER TABLE notifications_v10 RENAME TO notifications;
PRAGMA legacy_alter_table = OFF;
DROP TABLE order_source_rows;
PRAGMA user_version = 10;
"""


def test_a_schema_10_ledger_keeps_its_messages_and_takes_the_new_kinds(sold):
    oid = shipped(sold)
    sold.run(["notify", "send", "--exec", "cat > /dev/null", "--limit", "2"])
    before = sold.sql("SELECT * FROM notifications ORDER BY id"), sold.sql("SELECT * FROM notification_attempts")
    conn = sqlite3.connect(sold.db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.executescript("BEGIN;" + V10_NOTIFICATIONS + "COMMIT;")
    finally:
        conn.close()
    sold.run("shipment event SF1001 in_transit --at 2026-11-03T08:00")  # opens, upgrades, queues the new kind
    after = sold.sql("SELECT * FROM notifications ORDER BY id")
    assert after[:3] == before[0] and sold.sql("SELECT * FROM notification_attempts") == before[1]
    assert [m["status"] for m in messages(sold)] == ["sent", "sent", "pending", "pending"]
    assert messages(sold)[-1]["kind"] == "in_transit" and messages(sold)[-1]["order_id"] == oid
    assert sold.sql("PRAGMA foreign_key_check") == [] and sold.sql("PRAGMA user_version") == [(11,)]
    assert sold.run("db check").stdout.startswith("ledger OK: ")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        sold.sql("DELETE FROM notifications")
