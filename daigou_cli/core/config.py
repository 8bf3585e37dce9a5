"""Settings stored in the ledger's config table, with the defaults PRODUCT.md names."""

import sqlite3

from daigou_cli.core.errors import InvalidInput, Refused

DEFAULTS = {
    "base_currency": "CNY",
    "timezone": "Asia/Shanghai",
    "default_location": "",
    "high_value_threshold": "2000",
    "sla_hours": "24",
    "business_hours": "",
    "customs_limit": "5000",
    "unpaid_shipping": "warn",
    "stale_shipment_days": "7",
    "expiring_days": "30",
    "backorder_alert_days": "3",
    "cover_window_days": "28",
    "language": "zh-CN",
    "notify_skip": "",
    "service_level": "0.95",
    "cover_days": "28",
    "order_cost": "50",
    "holding_rate": "0.25",
    "lead_days": "14",
    "lead_time_cv": "0.2",
    "event_uplift_cap": "4",
    "channel_fee_rates": "",
}
HELP = {
    "base_currency": "currency every cost and report is converted to",
    "timezone": "business time zone for --at, --as-of and printed times",
    "default_location": "where stock add receives when --location is not given",
    "high_value_threshold": "order total (base currency) that counts as high value",
    "sla_hours": "hours within which a customer message needs a reply",
    "business_hours": "HH:MM-HH:MM when the SLA clock runs, every day (empty: around the clock)",
    "customs_limit": "declared value per parcel (base currency) before customs trouble",
    "unpaid_shipping": "ship an order with a balance due: warn (a note) or refuse (unless --allow-unpaid)",
    "stale_shipment_days": "days without a tracking event before a shipment is late",
    "expiring_days": "days ahead that check and stock lots treat as expiring",
    "backorder_alert_days": "days a back-ordered order may wait before check alerts",
    "cover_window_days": "days of past sales used for days_of_cover",
    "language": "notification template language (zh-CN or en)",
    "notify_skip": "notification kinds never queued, comma-separated (e.g. info_received,in_transit)",
    "service_level": "share of lead times a computed reorder point should cover without running out",
    "cover_days": "days of forecast demand an order brings at least (order-up-to = reorder point + this)",
    "order_cost": "cost of placing one purchase order, base currency (for the EOQ)",
    "holding_rate": "cost of holding stock for a year, as a share of its unit cost (for the EOQ)",
    "lead_days": "days from ordering to stock in hand when neither product nor supplier says",
    "lead_time_cv": "lead-time spread (standard deviation / mean) until deliveries measure it",
    "event_uplift_cap": "largest factor an event (double11, cny ...) may multiply a forecast by",
    "channel_fee_rates": "platform fees as a share of revenue, per channel: taobao:0.006,shopify:0.029",
}


def get(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return row[0]
    if key in DEFAULTS:
        return DEFAULTS[key]
    raise InvalidInput(f"config: unknown key {key!r} (known: {', '.join(sorted(DEFAULTS))})")


def get_many(conn: sqlite3.Connection, *keys: str) -> list[str]:
    return [get(conn, key) for key in keys]


def all_settings(conn: sqlite3.Connection) -> list[dict]:
    stored = dict(conn.execute("SELECT key, value FROM config").fetchall())
    keys = sorted(set(DEFAULTS) | set(stored))
    return [
        {"key": k, "value": stored.get(k, DEFAULTS.get(k, "")), "default": DEFAULTS.get(k, ""),
         "description": HELP.get(k, "")}
        for k in keys
    ]


def validate(conn: sqlite3.Connection, key: str, value: str) -> str:
    from daigou_cli.core import money

    value = value.strip()
    if key not in DEFAULTS:
        raise InvalidInput(f"config: unknown key {key!r} (known: {', '.join(sorted(DEFAULTS))})")
    if key == "base_currency":
        value = money.currency_code(value, "base_currency")
        if value != get(conn, key) and conn.execute("SELECT 1 FROM lots LIMIT 1").fetchone():
            raise Refused("base_currency: the ledger already holds costs in "
                          f"{get(conn, key)}; it cannot change now")
    elif key == "timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(f"timezone: {value!r} is not a time zone (like Asia/Shanghai)") from None
    elif key == "default_location":
        if value and not conn.execute("SELECT 1 FROM locations WHERE code = ?", (value,)).fetchone():
            raise InvalidInput(f"default_location: no location {value!r}")
    elif key == "business_hours":
        from daigou_cli.core.service_views import parse_business_hours

        parse_business_hours(value)
    elif key == "service_level":
        try:
            if not 0.5 <= float(value) < 1:
                raise ValueError
        except ValueError:
            raise InvalidInput(f"service_level: {value!r} must be a share from 0.5 to below 1, like 0.95") from None
    elif key == "event_uplift_cap":
        try:
            if float(value) < 1:
                raise ValueError
        except ValueError:
            raise InvalidInput(f"event_uplift_cap: {value!r} must be a number ≥ 1") from None
    elif key == "unpaid_shipping":
        if value not in ("warn", "refuse"):
            raise InvalidInput("unpaid_shipping: must be warn or refuse")
    elif key == "notify_skip":
        from daigou_cli.core.notify import skip_kinds

        value = ",".join(skip_kinds(value, "notify_skip"))
    elif key == "language":
        if value not in ("zh-CN", "en"):
            raise InvalidInput("language: must be zh-CN or en")
    elif key == "channel_fee_rates":
        from decimal import Decimal

        from daigou_cli.core.reports.profit import fee_rates

        value = ",".join(f"{k}:{Decimal(v).scaleb(-6).normalize():f}" for k, v in fee_rates(value).items())
    else:
        try:
            if float(value) < 0:
                raise ValueError
        except ValueError:
            raise InvalidInput(f"{key}: {value!r} must be a number ≥ 0") from None
    return value


def set_value(conn: sqlite3.Connection, key: str, value: str) -> dict:
    value = validate(conn, key, value)
    conn.execute("INSERT INTO config(key, value) VALUES (?, ?) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
    return {"key": key, "value": value}
