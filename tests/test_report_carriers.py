"""`report carriers` on a hand-built month of parcels: every number worked out by hand."""

import pytest


@pytest.fixture
def november(daigou):
    """Parcels shipped in November 2026 (business time, Asia/Shanghai), plus one on each side.

    SF standard, promised 1-2 days (shipped without --service: SF has only that service):
      P1 11-01 10:00 → delivered 11-02 10:00 (1.0 d, on time)   cost 20, 1.0 kg
      P2 11-02 10:00 → delivered 11-05 10:00 (3.0 d, late)      cost 30, 2.0 kg
      P3 11-03 10:00 → exception 11-04, delivered 11-05 22:00 (2.5 d, late)  cost 10, 0.5 kg
      P4 11-04 10:00 → lost 11-10 (late)                        cost 20, 0.5 kg
    EMS economy, promised 3-5 days:
      E1 11-05 10:00 → delivered 11-09 10:00 (4.0 d, on time)   cost 15, 1.5 kg; 2 units, 1
                       returned on 11-20 with a 60.00 refund
      E2 11-06 10:00 → returned to sender 11-12 (late)          cost 15, 1.5 kg
      E3 11-28 10:00 → in transit 11-29 (within its promise on 11-30: not judged)  cost 15, no weight
    YTO (no rate card): Y1 11-10 10:00 → delivered 11-12 10:00 (2.0 d)  cost 8, 1.0 kg
    Outside November: SF 10-31 and SF 12-01.
    """
    d = daigou
    d.run("location add SH --region Shanghai")
    d.run("product add GIFT --name 礼盒 --price 100")
    d.run("stock add GIFT 30 --cost 40 --location SH --at 2026-10-01")
    d.run("customer add 王小美 --wechat wxm_88 --region Shanghai")
    d.run("carrier add SF --name 顺丰速运 --days 1-2 --first-kg 20 --extra-kg 10")
    d.run("carrier add EMS --name EMS国际 --service economy --days 3-5")

    def parcel(tracking, carrier, shipped, cost, weight=None, events=(), units=1, service=None):
        order = int(d.run(f"order new wxm_88 GIFT:{units} --at 2026-10-30 -q").stdout)
        extra = (f" --weight {weight}" if weight else "") + (f" --service {service}" if service else "")
        d.run(f"ship {order} --carrier {carrier} --tracking {tracking} --cost {cost} --allow-unpaid "
              f"--at {shipped}{extra}")
        for status, when in events:
            d.run(f"shipment event {tracking} {status} --at {when}")
        return order

    parcel("SF-OCT", "SF", "2026-10-31T10:00", 99, 1, [("delivered", "2026-11-01T10:00")])
    parcel("P1", "SF", "2026-11-01T10:00", 20, 1, [("delivered", "2026-11-02T10:00")])
    parcel("P2", "SF", "2026-11-02T10:00", 30, 2, [("in_transit", "2026-11-03T10:00"),
                                                    ("delivered", "2026-11-05T10:00")])
    parcel("P3", "SF", "2026-11-03T10:00", 10, 0.5, [("AttemptFail", "2026-11-04T10:00"),
                                                      ("delivered", "2026-11-05T22:00")])
    parcel("P4", "SF", "2026-11-04T10:00", 20, 0.5, [("Exception_Lost", "2026-11-10T10:00")])
    e1 = parcel("E1", "EMS", "2026-11-05T10:00", 15, 1.5, [("delivered", "2026-11-09T10:00")], units=2,
                service="economy")
    parcel("E2", "EMS", "2026-11-06T10:00", 15, 1.5, [("Exception_Returned", "2026-11-12T10:00")],
           service="economy")
    parcel("E3", "EMS", "2026-11-28T10:00", 15, None, [("in_transit", "2026-11-29T10:00")], service="economy")
    parcel("Y1", "YTO", "2026-11-10T10:00", 8, 1, [("delivered", "2026-11-12T10:00")])
    parcel("SF-DEC", "SF", "2026-12-01T10:00", 99, 1)
    d.run(f"order pay {e1} 200 --at 2026-11-05")
    d.run(f"return {e1} GIFT:1 --reason 破损 --refund 60 --at 2026-11-20")
    return d


def rows(daigou, args):
    return {(r["carrier"], r["service"]): r for r in daigou.csv(f"report carriers {args}")}


def test_scorecard_for_a_month(november):
    report = rows(november, "--period 2026-11 --as-of 2026-11-30")
    assert list(report) == [("EMS", "economy"), ("SF", "standard"), ("YTO", "")]
    sf, ems, yto = report["SF", "standard"], report["EMS", "economy"], report["YTO", ""]
    assert sf == {
        "carrier": "SF", "service": "standard", "parcels": "4", "delivered": "3", "in_transit": "0",
        "on_time_pct": "25.0", "late": "3", "p50_days": "2.5", "p90_days": "2.9",
        "exception_pct": "25.0", "lost_pct": "25.0", "returned_pct": "0.0",
        "cost": "80.00", "weight_kg": "4", "cost_per_kg": "20.00", "refunds": "0.00", "currency": "CNY",
        "name": "顺丰速运", "promised_days": "2",
    }
    assert ems == {
        "carrier": "EMS", "service": "economy", "parcels": "3", "delivered": "1", "in_transit": "1",
        "on_time_pct": "50.0", "late": "1", "p50_days": "4.0", "p90_days": "4.0",
        "exception_pct": "0.0", "lost_pct": "0.0", "returned_pct": "33.3",
        "cost": "45.00", "weight_kg": "3", "cost_per_kg": "10.00", "refunds": "60.00", "currency": "CNY",
        "name": "EMS国际", "promised_days": "5",
    }
    assert (yto["parcels"], yto["delivered"], yto["on_time_pct"], yto["late"], yto["p50_days"],
            yto["cost_per_kg"], yto["name"], yto["promised_days"]) == ("1", "1", "", "0", "2.0", "8.00", "", "")


def test_from_to_is_the_same_window(november):
    by_period = november.csv("report carriers --period 2026-11 --as-of 2026-11-30")
    by_dates = november.csv("report carriers --from 2026-11-01 --to 2026-11-30 --as-of 2026-11-30")
    assert by_dates == by_period


def test_as_of_shows_what_was_known_then(november):
    report = rows(november, "--period 2026-11 --as-of 2026-11-08")
    sf, ems = report["SF", "standard"], report["EMS", "economy"]
    # P4 not yet reported lost, but 4.6 days out against a 2-day promise: already late
    assert (sf["parcels"], sf["delivered"], sf["in_transit"], sf["on_time_pct"], sf["late"], sf["lost_pct"]) == (
        "4", "3", "1", "25.0", "3", "0.0")
    # E1 and E2 still within 5 days; E3 not shipped; the refund not made yet
    assert (ems["parcels"], ems["delivered"], ems["in_transit"], ems["on_time_pct"], ems["late"],
            ems["p50_days"], ems["refunds"]) == ("2", "0", "2", "", "0", "", "0.00")
    assert ("YTO", "") not in report


def test_json_numbers(november):
    data = november.json("report carriers --period 2026-11 --as-of 2026-11-30")
    sf = next(r for r in data if r["carrier"] == "SF")
    assert (sf["on_time_pct"], sf["p90_days"], sf["cost_per_kg"]) == (25, 2.9, 20)


def test_empty_window(november):
    assert november.csv("report carriers --period 2025-01") == []


def test_refund_goes_to_the_parcel_that_carried_the_returned_unit(daigou):
    d = daigou
    d.run("location add SH --region Shanghai")
    d.run("product add GIFT --name 礼盒 --price 100")
    d.run("stock add GIFT 1 --cost 40 --location SH --at 2026-10-01")
    d.run("stock add GIFT 5 --cost 50 --location SH --at 2026-10-02")
    d.run("customer add 王小美 --wechat wxm_88")
    order = int(d.run("order new wxm_88 GIFT:3 --at 2026-11-01 -q").stdout)
    d.run(f"order pay {order} 300 --at 2026-11-01")
    d.run(f"ship {order} GIFT:1 --carrier SF --tracking A1 --at 2026-11-02")   # the 40.00 lot
    d.run(f"ship {order} GIFT:2 --carrier DHL --tracking B1 --at 2026-11-03")  # the 50.00 lot
    d.run(f"return {order} GIFT:1 --reason 不喜欢 --refund 40 --at 2026-11-10")
    report = rows(d, "--period 2026-11 --as-of 2026-11-30")
    assert (report["SF", ""]["refunds"], report["DHL", ""]["refunds"]) == ("0.00", "40.00")
    # both remaining units come back: one from each parcel, 90.00 split 45.00 / 45.00
    d.run(f"return {order} GIFT:2 --reason 不喜欢 --refund 90 --at 2026-11-11")
    report = rows(d, "--period 2026-11 --as-of 2026-11-30")
    assert (report["SF", ""]["refunds"], report["DHL", ""]["refunds"]) == ("45.00", "85.00")


def test_refunds_in_a_foreign_currency_are_converted_at_the_refund_date(daigou):
    d = daigou
    d.run("location add SH --region Shanghai")
    d.run("fx set USD 7.0 --at 2026-10-01")
    d.run("fx set USD 7.2 --at 2026-11-15")
    d.run("product add BAG --name 包 --price 100 --currency USD")
    d.run("stock add BAG 2 --cost 300 --location SH --at 2026-10-01")
    d.run("customer add Amy --wechat amy_us")
    order = int(d.run("order new amy_us BAG:1 --currency USD --at 2026-11-01 -q").stdout)
    d.run(f"order pay {order} 100 --at 2026-11-01")
    d.run(f"ship {order} --carrier DHL --tracking D1 --cost 150 --at 2026-11-02")
    d.run(f"return {order} BAG:1 --reason 太小 --refund 50 --at 2026-11-20")
    report = rows(d, "--period 2026-11")
    assert (report["DHL", ""]["refunds"], report["DHL", ""]["cost"]) == ("360.00", "150.00")
