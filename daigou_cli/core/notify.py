"""Customer notifications: one message per event a customer cares about, queued from a
template in the same transaction as the fact itself. Sending lives in notify_send.py."""

import sqlite3
import string

from daigou_cli.core import asof, clock, config, money
from daigou_cli.core.errors import InvalidInput, Refused, UsageProblem

LANGUAGES = ("zh-CN", "en")
KINDS = ("order_confirmed", "deposit_received", "payment_received", "shipped", "info_received", "in_transit",
         "customs", "out_for_delivery", "delivered", "exception", "returned", "lost", "return_received",
         "refund_issued", "refund_due", "order_cancelled")
# Every tracking status is news for the customer, once per parcel (trackers repeat in_transit).
TRACKING_KINDS = ("info_received", "in_transit", "customs", "out_for_delivery", "delivered", "exception",
                  "returned", "lost")
PLACEHOLDERS = ("customer", "order_id", "external_id", "channel", "total", "paid", "balance_due",
                "currency", "amount", "carrier", "tracking", "status", "items", "reason")
NOTIFICATION_COLUMNS = ["id", "order_id", "customer", "kind", "status", "created_at", "sent_at", "subject",
                        "attempts", "last_error", "language", "withdrawn_by"]
STATUSES = ("pending", "sending", "sent", "withdrawn")
TEMPLATE_COLUMNS = ["kind", "language", "source", "subject", "body"]

_ZH = "{customer}，您好！"
DEFAULT_TEMPLATES = {
    "zh-CN": {
        "order_confirmed": ("订单 {order_id} 已确认",
                            _ZH + "您的订单 {order_id} 已确认：{items}，合计 {total} {currency}。谢谢惠顾！"),
        "deposit_received": ("订单 {order_id} 已收到定金",
                             _ZH + "已收到订单 {order_id} 的付款 {amount} {currency}，尚需支付尾款 "
                             "{balance_due} {currency}。"),
        "payment_received": ("订单 {order_id} 已付清",
                             _ZH + "已收到订单 {order_id} 的付款 {amount} {currency}，订单已付清"
                             "（合计 {total} {currency}），我们会尽快为您发货。"),
        "shipped": ("订单 {order_id} 已发货",
                    _ZH + "您的订单 {order_id} 已发货：{items}。快递 {carrier}，运单号 {tracking}。"),
        "info_received": ("订单 {order_id} 已交快递",
                          _ZH + "您的包裹已交给 {carrier}（运单号 {tracking}），等待揽收。"),
        "in_transit": ("订单 {order_id} 运输中",
                       _ZH + "您的包裹（{carrier} {tracking}）正在运输途中。"),
        "customs": ("订单 {order_id} 清关中",
                    _ZH + "您的包裹（{carrier} {tracking}）正在清关，请耐心等待。"),
        "out_for_delivery": ("订单 {order_id} 派送中",
                             _ZH + "您的包裹（{carrier} {tracking}）正在派送，请保持电话畅通。"),
        "delivered": ("订单 {order_id} 已签收",
                      _ZH + "您的包裹（{carrier} {tracking}）已签收。如有任何问题请随时联系我们，谢谢！"),
        "exception": ("订单 {order_id} 派送异常",
                      _ZH + "您的包裹（{carrier} {tracking}）派送遇到问题，我们正在跟进，会尽快回复您。"),
        "returned": ("订单 {order_id} 包裹被退回",
                     _ZH + "您的包裹（{carrier} {tracking}）被退回寄件人，我们会尽快与您联系安排。"),
        "lost": ("订单 {order_id} 包裹丢失",
                 _ZH + "很抱歉，您的包裹（{carrier} {tracking}）已确认丢失，我们会尽快与您联系补发或退款。"),
        "return_received": ("订单 {order_id} 退货已收到",
                            _ZH + "我们已收到订单 {order_id} 的退货：{items}。"),
        "refund_issued": ("订单 {order_id} 已退款",
                          _ZH + "订单 {order_id} 已退款 {amount} {currency}，请注意查收。"),
        "refund_due": ("订单 {order_id} 已取消",
                       _ZH + "订单 {order_id} 已取消（{reason}）。您已支付的 {amount} {currency} 将退还给您。"),
        "order_cancelled": ("订单 {order_id} 已取消", _ZH + "订单 {order_id} 已取消（{reason}）。"),
    },
    "en": {
        "order_confirmed": ("Order {order_id} confirmed",
                            "Hi {customer}, your order {order_id} is confirmed: {items}, "
                            "{total} {currency} in all. Thank you!"),
        "deposit_received": ("Deposit received for order {order_id}",
                             "Hi {customer}, we received {amount} {currency} for order {order_id}; "
                             "{balance_due} {currency} is still due."),
        "payment_received": ("Order {order_id} paid in full",
                             "Hi {customer}, we received {amount} {currency} for order {order_id}. "
                             "It is paid in full ({total} {currency}) and will ship soon."),
        "shipped": ("Order {order_id} shipped",
                    "Hi {customer}, your order {order_id} has shipped: {items}. "
                    "Carrier {carrier}, tracking number {tracking}."),
        "info_received": ("Order {order_id} handed to the carrier",
                          "Hi {customer}, your parcel is with {carrier} (tracking number {tracking}), "
                          "waiting to be picked up."),
        "in_transit": ("Order {order_id} is on its way",
                       "Hi {customer}, your parcel ({carrier} {tracking}) is on its way."),
        "customs": ("Order {order_id} is in customs",
                    "Hi {customer}, your parcel ({carrier} {tracking}) is going through customs."),
        "out_for_delivery": ("Order {order_id} is out for delivery",
                             "Hi {customer}, your parcel ({carrier} {tracking}) is out for delivery today."),
        "delivered": ("Order {order_id} delivered",
                      "Hi {customer}, your parcel ({carrier} {tracking}) has been delivered. "
                      "Tell us if anything is wrong. Thank you!"),
        "exception": ("A problem with the delivery of order {order_id}",
                      "Hi {customer}, the carrier reports a problem delivering your parcel ({carrier} "
                      "{tracking}). We are on it and will get back to you."),
        "returned": ("Order {order_id} is coming back to us",
                     "Hi {customer}, your parcel ({carrier} {tracking}) is being returned to the sender. "
                     "We will contact you to sort it out."),
        "lost": ("Order {order_id}: parcel lost",
                 "Hi {customer}, we are sorry: your parcel ({carrier} {tracking}) is lost. We will "
                 "contact you about a replacement or a refund."),
        "return_received": ("Return received for order {order_id}",
                            "Hi {customer}, we received your return for order {order_id}: {items}."),
        "refund_issued": ("Refund for order {order_id}",
                          "Hi {customer}, we refunded {amount} {currency} for order {order_id}."),
        "refund_due": ("Order {order_id} cancelled",
                       "Hi {customer}, order {order_id} is cancelled ({reason}). "
                       "The {amount} {currency} you paid will be refunded."),
        "order_cancelled": ("Order {order_id} cancelled",
                            "Hi {customer}, order {order_id} is cancelled ({reason})."),
    },
}
STATUS_WORDS = {
    "zh-CN": {"info_received": "已交快递", "in_transit": "运输中", "customs": "清关中", "out_for_delivery": "派送中",
              "delivered": "已签收", "exception": "派送异常", "returned": "退回寄件人", "lost": "丢失"},
    "en": {"info_received": "with the carrier", "in_transit": "in transit", "customs": "in customs",
           "out_for_delivery": "out for delivery", "delivered": "delivered", "exception": "delivery problem",
           "returned": "returned to sender", "lost": "lost"},
}


# ----------------------------------------------------------------- templates

def _kind(text: str, field: str = "KIND") -> str:
    kind = str(text or "").strip().lower().replace("-", "_")
    if kind not in KINDS:
        # --kind outside its fixed list is a usage error; the KIND argument names a template,
        # and an unknown one is invalid input like an unknown SKU
        error = UsageProblem if field.startswith("--") else InvalidInput
        raise error(f"{field}: {text!r} is not a notification kind ({', '.join(KINDS)})")
    return kind


def _language(conn: sqlite3.Connection, text: str | None, field: str = "--language") -> str:
    if text is None or not str(text).strip():
        return config.get(conn, "language")
    for lang in LANGUAGES:
        if str(text).strip().lower() in (lang.lower(), lang.split("-")[0].lower()):
            return lang
    raise UsageProblem(f"{field}: {text!r} is not a template language ({', '.join(LANGUAGES)})")


def template(conn: sqlite3.Connection, kind: str, language: str) -> dict:
    row = conn.execute("SELECT subject, body FROM notification_templates WHERE kind = ? AND language = ?",
                       (kind, language)).fetchone()
    if row:
        return {"kind": kind, "language": language, "source": "custom", "subject": row[0], "body": row[1]}
    subject, body = DEFAULT_TEMPLATES[language][kind]
    return {"kind": kind, "language": language, "source": "default", "subject": subject, "body": body}


def list_templates(conn: sqlite3.Connection, language: str | None = None) -> list[dict]:
    langs = [_language(conn, language)] if language else list(LANGUAGES)
    return [template(conn, kind, lang) for kind in KINDS for lang in langs]


def show_template(conn: sqlite3.Connection, kind: str, language: str | None = None) -> dict:
    record = template(conn, _kind(kind), _language(conn, language))
    return record | {"placeholders": ", ".join("{%s}" % p for p in PLACEHOLDERS)}


def _check_text(text: str, field: str) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc} (write {{{{ and }}}} for a literal brace)") from None
    for name in names:
        if name not in PLACEHOLDERS:
            raise InvalidInput(f"{field}: unknown placeholder {{{name}}} (known: "
                               + ", ".join("{%s}" % p for p in PLACEHOLDERS) + ")")
    return text


def set_template(conn: sqlite3.Connection, kind: str, language: str | None, subject: str | None,
                 body: str | None) -> dict:
    """Override a built-in template; what is not given keeps its current text."""
    kind, lang = _kind(kind), _language(conn, language)
    if subject is None and body is None:
        raise InvalidInput("notify template set: give --subject, --body or both")
    current = template(conn, kind, lang)
    new_subject = _check_text((subject if subject is not None else current["subject"]).strip(), "--subject")
    new_body = _check_text((body if body is not None else current["body"]).strip(), "--body")
    if not new_subject or "\n" in new_subject:
        raise InvalidInput("--subject: must be one non-empty line")
    if not new_body:
        raise InvalidInput("--body: must not be empty")
    conn.execute("INSERT INTO notification_templates(kind, language, subject, body, updated_at) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, language) DO UPDATE SET subject = excluded.subject, "
                 "body = excluded.body, updated_at = excluded.updated_at",
                 (kind, lang, new_subject, new_body, clock.to_db(clock.now_utc())))
    return {"id": f"{kind}/{lang}", "kind": kind, "language": lang, "source": "custom",
            "subject": new_subject, "body": new_body}


def reset_template(conn: sqlite3.Connection, kind: str, language: str | None) -> dict:
    kind, lang = _kind(kind), _language(conn, language)
    gone = conn.execute("DELETE FROM notification_templates WHERE kind = ? AND language = ?", (kind, lang)).rowcount
    if not gone:
        raise Refused(f"template {kind} ({lang}): already the built-in one")
    return template(conn, kind, lang) | {"id": f"{kind}/{lang}"}


# ----------------------------------------------------------------- queueing

def _items(conn: sqlite3.Connection, sql: str, arg: int, language: str) -> str:
    rows = conn.execute(sql, (arg,)).fetchall()
    joint, times = ("、", " ×") if language == "zh-CN" else (", ", " × ")
    return joint.join(f"{r[0]}{times}{r[1]}" for r in rows)


def skip_kinds(text: str, field: str = "notify_skip") -> list[str]:
    """config notify_skip: the kinds a daigou does not want to send (in_transit, say)."""
    return [_kind(word, field) for word in str(text or "").replace(" ", "").split(",") if word]


def _resolve_kind(conn: sqlite3.Connection, kind: str, summary: sqlite3.Row, shipment_id) -> str | None:
    """The caller names the event; the order's state after it decides which message fits,
    unless config notify_skip says that kind is never sent."""
    chosen = _message_kind(conn, kind, summary, shipment_id)
    return None if chosen in skip_kinds(config.get(conn, "notify_skip")) else chosen


def _message_kind(conn: sqlite3.Connection, kind: str, summary: sqlite3.Row, shipment_id) -> str | None:
    if kind == "payment":
        return "deposit_received" if summary["balance_due"] > 0 else "payment_received"
    if kind == "cancelled":
        return "refund_due" if summary["refund_due"] > 0 else "order_cancelled"
    if kind in TRACKING_KINDS:
        # once per parcel and status, and only while it is the parcel's news (a late
        # 'customs' from a tracker after 'delivered' tells the customer nothing)
        told = conn.execute("SELECT 1 FROM notifications WHERE shipment_id = ? AND kind = ?",
                            (shipment_id, kind)).fetchone()
        now = conn.execute("SELECT status FROM shipment_status WHERE id = ?", (shipment_id,)).fetchone()
        return None if told or (now and now[0] != kind) else kind
    return kind if kind in KINDS else None


def queue(conn: sqlite3.Connection, kind: str, order_id: int, entry_id: int, at: str, **facts) -> int | None:
    """Queue the message an event deserves (None when it deserves none). `kind` is a
    notification kind, or 'payment' / 'cancelled' / any tracking status; facts: amount
    (minor units of the order's currency), shipment_id, reason."""
    summary = conn.execute("SELECT s.*, c.name AS customer_name FROM order_summary s "
                           "JOIN customers c ON c.id = s.customer_id WHERE s.id = ?", (order_id,)).fetchone()
    shipment_id = facts.get("shipment_id")
    chosen = _resolve_kind(conn, kind, summary, shipment_id) if summary else None
    if chosen is None:
        return None
    lang = config.get(conn, "language")
    cur = summary["currency"]
    amount = facts.get("amount")
    if amount is None and chosen == "refund_due":
        amount = summary["refund_due"]
    values = {"customer": summary["customer_name"], "order_id": order_id,
              "external_id": summary["external_id"] or "", "channel": summary["channel"],
              "total": money.format_amount(summary["total"], cur), "paid": money.format_amount(summary["paid"], cur),
              "balance_due": money.format_amount(summary["balance_due"], cur), "currency": cur,
              "amount": money.format_amount(amount, cur) if amount is not None else "",
              "carrier": "", "tracking": "", "status": STATUS_WORDS[lang].get(chosen, ""),
              "reason": (facts.get("reason") or "").strip(),
              "items": _items(conn, "SELECT p.name, ol.qty FROM order_lines ol JOIN products p ON p.sku = ol.sku "
                                    "WHERE ol.order_id = ? ORDER BY ol.line_no", order_id, lang)}
    if shipment_id is not None:
        parcel = conn.execute("SELECT carrier, tracking FROM shipments WHERE id = ?", (shipment_id,)).fetchone()
        values.update(carrier=parcel["carrier"], tracking=parcel["tracking"])
        if chosen == "shipped":
            values["items"] = _items(conn, "SELECT p.name, SUM(sl.qty) FROM shipment_lines sl "
                                           "JOIN order_lines ol ON ol.id = sl.order_line_id "
                                           "JOIN products p ON p.sku = ol.sku WHERE sl.shipment_id = ? "
                                           "GROUP BY ol.id ORDER BY ol.line_no", shipment_id, lang)
    if chosen == "return_received":  # what came back, not the whole order
        values["items"] = _items(conn, "SELECT p.name, SUM(rl.qty) FROM return_lines rl "
                                       "JOIN order_lines ol ON ol.id = rl.order_line_id "
                                       "JOIN products p ON p.sku = ol.sku WHERE rl.return_id = ? "
                                       "GROUP BY ol.id ORDER BY ol.line_no", entry_id, lang)
    text = template(conn, chosen, lang)
    subject = " ".join(text["subject"].format_map(values).split())
    body = text["body"].format_map(values)
    return conn.execute(
        "INSERT INTO notifications(entry_id, order_id, customer_id, shipment_id, kind, language, subject, body, "
        "at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, order_id, summary["customer_id"], shipment_id, chosen, lang, subject, body, at,
         clock.to_db(clock.now_utc()))).lastrowid


# ----------------------------------------------------------------- reading

_LIST_SQL = ("SELECT n.*, c.name AS customer, c.wechat, c.phone, c.email FROM notification_status n "
             "JOIN customers c ON c.id = n.customer_id ")


def _row(row: sqlite3.Row) -> dict:
    data = dict(row)
    for key in ("created_at", "recorded_at", "sent_at", "claimed_at"):
        if key in data:
            data[key] = clock.from_db(data[key])
    return data


def list_notifications(conn: sqlite3.Connection, pending: bool = False, order_id: int | None = None,
                       status: str | None = None, kind: str | None = None,
                       as_of: str = clock.END_OF_TIME) -> list[dict]:
    if status and status not in STATUSES:
        raise UsageProblem(f"--status: {status!r} is not pending, sending, sent or withdrawn")
    sql = _LIST_SQL + ("WHERE (:pending = 0 OR n.status IN ('pending', 'sending')) AND (:order IS NULL OR n.order_id = :order) "
                       "AND (:status IS NULL OR n.status = :status) AND (:kind IS NULL OR n.kind = :kind) "
                       "ORDER BY n.id")
    params = {"pending": int(pending), "order": order_id, "status": status,
              "kind": _kind(kind, "--kind") if kind else None}
    return [_row(r) for r in asof.query(conn, sql, params, as_of)]


def show_notification(conn: sqlite3.Connection, ref) -> dict:
    text = str(ref or "").strip().lstrip("#")
    row = conn.execute(_LIST_SQL + "WHERE n.id = ?", (int(text),)).fetchone() if text.isdigit() else None
    if row is None:
        raise InvalidInput(f"ID: no notification {ref!r} (see daigou notify list)")
    data = _row(row)
    data["history"] = [
        {"at": clock.from_db(a["at"]), "outcome": a["outcome"], "channel": a["channel"],
         "sender": a["sender"], "detail": a["detail"]}
        for a in conn.execute("SELECT * FROM notification_attempts WHERE notification_id = ? ORDER BY id",
                              (data["id"],))]
    return data
