"""`shipment import`: tracking events from a CSV (a tracker's export or our own), one event per
row, through shipping.record_event. Status names may be ours or AfterShip/17TRACK ones; times
are read in the business time zone; the same parcel, status and time twice is one event."""

import sqlite3
from dataclasses import replace

from daigou_cli.core import clock, config, shipping
from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.importers.common import Layout, Record, Result, Table, run

# Header spellings seen in tracker exports (AfterShip, 17TRACK, carrier back offices).
ALIASES = {
    "tracking_number": "tracking", "tracking_no": "tracking", "tracking_code": "tracking",
    "number": "tracking", "waybill": "tracking", "waybill_no": "tracking", "运单号": "tracking",
    "tag": "status", "delivery_status": "status", "checkpoint_status": "status", "状态": "status",
    "at": "time", "date": "time", "checkpoint_time": "time", "checkpoint_date": "time",
    "event_time": "time", "datetime": "time", "timestamp": "time", "时间": "time",
    "message": "note", "checkpoint_message": "note", "description": "note", "details": "note", "备注": "note",
}
LAYOUT = Layout("events", ("tracking", "status", "time", "note"), required=("tracking", "status", "time"),
                actions=("recorded", "duplicate"), aliases=ALIASES)


def layout(default_time: bool) -> Layout:
    """With a default time (--at), a row (or the whole file) may leave the time out."""
    return replace(LAYOUT, required=("tracking", "status")) if default_time else LAYOUT


def writer(conn: sqlite3.Connection, default_at: str | None = None):
    tz = config.get(conn, "timezone")

    def write(conn: sqlite3.Connection, record: Record) -> dict:
        v = record.values
        try:
            # The parcel that stands under this number (a voided one only when none does).
            parcel = shipping.find_shipment(conn, v["tracking"], "tracking")
        except InvalidInput:
            raise InvalidInput(f"tracking: {v['tracking']!r} is not a parcel in the ledger "
                               "(see daigou shipment list)") from None
        status = shipping.normalize_status(v["status"], "status")
        when = clock.parse_at(v["time"], tz, "time") if v.get("time") else default_at
        if when < parcel["at"]:
            shipped = clock.from_db(parcel["at"]).astimezone(clock.zone(tz)).strftime("%Y-%m-%d %H:%M")
            told = repr(v["time"]) if v.get("time") else "--at"
            raise InvalidInput(f"time: {told} is before {parcel['tracking']} was shipped ({shipped})")
        event = shipping.record_event(conn, parcel["tracking"], status, when, v.get("note"), "tracking")
        return event | {"action": "duplicate" if event["duplicate"] else "recorded"}

    return write


def load(conn: sqlite3.Connection, table: Table, default_at: str | None = None, **options) -> Result:
    """Import a parsed tracking-events file (rows without a time at `default_at`, given only
    with the layout that allows it); options as for common.run."""
    return run(conn, table, writer(conn, default_at), **options)
