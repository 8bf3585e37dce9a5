"""Tracking events: tracker status names onto ours, duplicates kept once, and `shipment
import` (all-or-nothing, --skip-invalid with a reject file, --dry-run, time zone, encodings)."""

import csv
import io
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def events(daigou):
    """[(tracking, status, at UTC, note)] in the order recorded."""
    return daigou.sql("SELECT s.tracking, e.status, e.at, e.note FROM shipment_events e "
                      "JOIN shipments s ON s.id = e.shipment_id ORDER BY e.id")


def entries(daigou):
    return daigou.sql("SELECT COUNT(*) FROM entries")[0][0]


@pytest.fixture
def parcels(shop):
    """Two parcels out of SH on 2026-11-01 10:00 (business time): SF100 and EE200."""
    shop.run("stock add POCKY 10 --cost 5 --location SH --at 2026-10-01")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    order = int(shop.run("order new wxm_88 POCKY:4 --at 2026-10-31 -q").stdout)
    shop.run(f"order pay {order} 60 --at 2026-10-31")
    shop.run(f"ship {order} POCKY:2 --carrier SF --tracking SF100 --at 2026-11-01T10:00")
    shop.run(f"ship {order} POCKY:2 --carrier EMS --tracking EE200 --at 2026-11-01T10:00")
    shop.order = order
    return shop


@pytest.mark.parametrize("tracker, ours", [
    ("InTransit_CustomsProcessing", "customs"),
    ("Exception_Lost", "lost"),
    ("DeliveryFailure", "exception"),
    ("AttemptFail", "exception"),
    ("InfoReceived", "info_received"),
    ("OutForDelivery", "out_for_delivery"),
    ("AvailableForPickup", "out_for_delivery"),
    ("InTransit_PickedUp", "in_transit"),
    ("Delivered_001", "delivered"),
    ("Exception_Returned", "returned"),
    ("Expired", "exception"),
    ("out-for-delivery", "out_for_delivery"),
])
def test_tracker_names_map_onto_ours(parcels, tracker, ours):
    out = parcels.run(f"shipment event SF100 {tracker} --at 2026-11-02").stdout
    assert out.startswith(f"SF100: {ours} (")
    assert events(parcels) == [("SF100", ours, "2026-11-01T16:00:00Z", None)]


def test_unknown_status_on_the_command_line_is_a_usage_error(parcels):
    result = parcels.run("shipment event SF100 Teleported", code=2)
    assert result.stderr.startswith("daigou: STATUS: 'Teleported' is not a tracking status")
    assert events(parcels) == []


def test_the_same_event_twice_is_kept_once(parcels):
    parcels.run("shipment event SF100 customs --at 2026-11-02T09:00 --note 清关中")
    again = parcels.run("shipment event SF100 InTransit_CustomsProcessing --at 2026-11-02T09:00").stdout
    assert again.strip() == "SF100: customs (already recorded)"
    assert events(parcels) == [("SF100", "customs", "2026-11-02T01:00:00Z", "清关中")]


def test_event_before_the_parcel_left_is_invalid(parcels):
    result = parcels.run("shipment event SF100 delivered --at 2026-10-30", code=3)
    assert "cannot be earlier" in result.stderr
    assert events(parcels) == []


# ----------------------------------------------------------------- shipment import

GOOD = """tracking,status,time,note
SF100,InfoReceived,2026-11-01 12:00,揽收
SF100,InTransit_CustomsProcessing,2026-11-02T09:00:00+09:00,at customs
SF100,InTransit_CustomsProcessing,2026-11-02T09:00:00+09:00,at customs
EE200,DeliveryFailure,2026-11-03 18:30,
SF100,delivered,2026-11-04,
"""


def write(tmp_path, text, name="events.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_import_records_events_in_the_business_time_zone(parcels, tmp_path):
    out = parcels.run(f"shipment import {write(tmp_path, GOOD)}").stdout
    assert out.strip() == f"imported 5 events from {tmp_path / 'events.csv'} (4 recorded, 1 duplicate)"
    assert events(parcels) == [
        ("SF100", "info_received", "2026-11-01T04:00:00Z", "揽收"),
        ("SF100", "customs", "2026-11-02T00:00:00Z", "at customs"),   # +09:00 kept as given
        ("EE200", "exception", "2026-11-03T10:30:00Z", None),
        ("SF100", "delivered", "2026-11-03T16:00:00Z", None),         # a bare date: that day's start
    ]
    shown = {r["tracking"]: r["status"] for r in parcels.csv("shipment list")}
    assert shown == {"SF100": "delivered", "EE200": "exception"}


def test_import_twice_adds_nothing(parcels, tmp_path):
    path = write(tmp_path, GOOD)
    parcels.run(f"shipment import {path}")
    before = entries(parcels)
    summary = parcels.json(f"shipment import {path}")
    assert (summary["rows"], summary["recorded"], summary["duplicate"], summary["rejected"]) == (5, 0, 5, 0)
    assert entries(parcels) == before


def test_import_is_all_or_nothing(parcels, tmp_path):
    path = write(tmp_path, GOOD + "XX999,delivered,2026-11-05,\n")
    before = entries(parcels)
    result = parcels.run(f"shipment import {path}", code=3)
    assert result.stderr.strip() == (
        f"daigou: {path} line 7, column tracking: value 'XX999': not a parcel in the ledger "
        "(see daigou shipment list); nothing imported")
    assert entries(parcels) == before and events(parcels) == []


def test_import_skip_invalid_writes_the_good_rows_and_a_reject_file(parcels, tmp_path):
    text = ("Tracking , Status,Time,Note,Courier\n"
            "SF100,InTransit,2026-11-02 08:00,,SF\n"
            "XX999,delivered,2026-11-05,,DHL\n"
            "EE200,Teleported,2026-11-05,,EMS\n"
            "EE200,delivered,2026-10-01,,EMS\n"
            "EE200,delivered,someday,,EMS\n"
            "EE200,delivered,,,EMS\n"
            "EE200,Delivered,2026-11-06 11:00,签收,EMS\n")
    path = write(tmp_path, text)
    rejects = tmp_path / "bad.csv"
    out = parcels.run(f"shipment import {path} --skip-invalid --reject-file {rejects}").stdout
    assert out.strip() == f"imported 2 events from {path}; 5 rows rejected → {rejects}"
    assert [e[:2] for e in events(parcels)] == [("SF100", "in_transit"), ("EE200", "delivered")]
    with open(rejects, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["reason", "line", "Tracking", "Status", "Time", "Note", "Courier"]
    assert [(r[1], r[2], r[0]) for r in rows[1:]] == [
        ("3", "XX999", "column Tracking: value 'XX999': not a parcel in the ledger (see daigou shipment list)"),
        ("4", "EE200", "column Status: value 'Teleported': not a tracking status (info_received, in_transit, "
                       "customs, out_for_delivery, delivered, exception, returned, lost, or an AfterShip/17TRACK name)"),
        ("5", "EE200", "column Time: value '2026-10-01': before EE200 was shipped (2026-11-01 10:00)"),
        ("6", "EE200", "column Time: value 'someday': not a date or time (try 2026-11-11, 2026-11-11T20:00 or yesterday)"),
        ("7", "EE200", "column Time: value '': required"),
    ]
    assert rows[3][-1] == "EMS"  # extra columns kept as read


def test_import_dry_run_writes_nothing(parcels, tmp_path):
    before = entries(parcels)
    out = parcels.run(f"shipment import {write(tmp_path, GOOD)} --dry-run").stdout
    assert out.strip().endswith("would import 5 events from " + str(tmp_path / "events.csv")
                                + " (4 recorded, 1 duplicate) (dry run: nothing written)")
    assert entries(parcels) == before and events(parcels) == []


def test_import_tracker_headers_and_gbk_from_stdin(parcels):
    text = ("Tracking Number,Tag,Checkpoint Time,Message\n"
            "SF100,OutForDelivery,2026-11-03 08:00,派送中：快递员 李师傅\n")
    result = parcels.run("shipment import -", input=text.encode("gbk"))
    assert result.stdout.strip() == "imported 1 event from stdin"
    assert events(parcels) == [("SF100", "out_for_delivery", "2026-11-03T00:00:00Z", "派送中：快递员 李师傅")]


def test_import_names_a_missing_column(parcels, tmp_path):
    path = write(tmp_path, "tracking,status,note\nSF100,delivered,x\n")
    result = parcels.run(f"shipment import {path}", code=3)
    assert result.stderr.strip() == (f"daigou: {tmp_path / 'events.csv'} line 1: missing required column time "
                                     "(the header has: tracking, status, note)")


def test_import_quiet_prints_the_count(parcels, tmp_path):
    assert parcels.run(f"shipment import {write(tmp_path, GOOD)} -q").stdout.strip() == "5"


def test_imported_delivery_moves_the_order_on(parcels, tmp_path):
    text = "tracking,status,time\nSF100,Delivered,2026-11-03 12:00\nEE200,Delivered,2026-11-04 12:00\n"
    parcels.run(f"shipment import {write(tmp_path, text)}")
    rows = {int(r["id"]): r["state"] for r in parcels.csv("order list")}
    assert rows[parcels.order] == "delivered"


def test_the_example_file_fits_the_demo(tmp_path, daigou):
    ledger = tmp_path / "demo.db"
    daigou.run(f"demo {ledger}")
    out = daigou.run(f"--db {ledger} shipment import {EXAMPLES / 'tracking.csv'}").stdout
    assert out.strip().endswith("(4 recorded, 1 duplicate)")
    rows = list(csv.DictReader(io.StringIO(daigou.run(f"--db {ledger} shipment list --format csv").stdout)))
    assert {r["tracking"]: r["status"] for r in rows}["SF1400011122"] == "out_for_delivery"


def test_at_gives_the_time_of_rows_without_one(parcels):
    text = "tracking,status,time\nSF100,in_transit,2026-11-02 08:00\nEE200,delivered,\n"
    parcels.run("shipment import - --at 2026-11-05T09:30", input=text)
    assert events(parcels) == [("SF100", "in_transit", "2026-11-02T00:00:00Z", None),
                               ("EE200", "delivered", "2026-11-05T01:30:00Z", None)]


def test_without_at_a_row_without_a_time_is_refused(parcels):
    result = parcels.run("shipment import -", input="tracking,status,time\nEE200,delivered,\n", code=3)
    assert result.stderr.strip() == "daigou: stdin line 2, column time: value '': required; nothing imported"
    assert events(parcels) == []


def test_at_before_the_parcel_left_is_named(parcels):
    result = parcels.run("shipment import - --at 2026-10-01", input="tracking,status\nEE200,delivered\n", code=3)
    assert result.stderr.strip() == ("daigou: stdin line 2: time: --at is before EE200 was shipped "
                                     "(2026-11-01 10:00); nothing imported")
