"""Shipping through the CLI: whole and partial parcels, the order state they lead to, stock and
FIFO lots after a parcel leaves, every refusal writing nothing, late parcels and quotes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

LEDGER_TABLES = ("entries", "shipments", "shipment_lines", "movements", "reservations", "payments",
                 "shipment_events")


def counts(daigou):
    return {t: daigou.sql(f"SELECT COUNT(*) FROM {t}")[0][0] for t in LEDGER_TABLES}


def new_order(daigou, args):
    return int(daigou.run(f"order new {args} -q").stdout)


def state(daigou, order_id):
    return {int(r["id"]): r for r in daigou.csv("order list")}[order_id]["state"]


def levels(daigou, sku):
    """{location: (on_hand, reserved, available)}"""
    return {r["location"]: (int(r["on_hand"]), int(r["reserved"]), int(r["available"]))
            for r in daigou.csv(f"stock list --sku {sku}") if r["location"]}


def lots(daigou, sku):
    """[(lot, location, qty, unit_cost_base)] of the lots with units left."""
    return [(int(r["lot"]), r["location"], int(r["qty"]), r["unit_cost_base"])
            for r in daigou.csv(f"stock lots --sku {sku}")]


def parcels(daigou, extra=""):
    return {r["tracking"]: r for r in daigou.csv(f"shipment list {extra}")}


@pytest.fixture
def store(shop):
    """Two SHI-50 lots at SH (2 at 100.00, then 3 at 120.00), ten POCKY, a Shanghai customer
    and her paid order for 3 SHI-50 and 4 POCKY (1,320.00 CNY)."""
    shop.lot_a = int(shop.run("stock add SHI-50 2 --cost 100 --location SH --at 2026-10-01 -q").stdout)
    shop.lot_b = int(shop.run("stock add SHI-50 3 --cost 120 --location SH --at 2026-10-02 -q").stdout)
    shop.run("stock add POCKY 10 --cost 5 --location SH --at 2026-10-02")
    shop.run(["customer", "add", "王小美", "--wechat", "wxm_88", "--region", "Shanghai"])
    shop.order = new_order(shop, "wxm_88 SHI-50:3 POCKY:4 --at 2026-10-03")
    shop.run(f"order pay {shop.order} 1320 --at 2026-10-03")
    return shop


# ----------------------------------------------------------------- shipping and order state

def test_ship_everything_reserved(store):
    out = store.run(f"ship {store.order} --carrier sf --tracking SF100 --cost 18 --weight 1.2 --at 2026-10-04T15:00")
    assert "shipped 7 units of order" in out.stdout and "from SH by SF SF100 (shipped" in out.stdout
    assert "declared 1320.00 CNY" in out.stdout
    assert state(store, store.order) == "shipped"
    assert levels(store, "SHI-50") == {"SH": (2, 0, 2)}
    assert levels(store, "POCKY") == {"SH": (6, 0, 6)}
    parcel = parcels(store)["SF100"]
    assert (parcel["carrier"], parcel["status"], parcel["cost"], parcel["weight"]) == ("SF", "info_received", "18.00", "1.2")


def test_ship_takes_fifo_lots_oldest_first(store):
    store.run(f"ship {store.order} SHI-50:3 --carrier SF --tracking SF100 --at 2026-10-04")
    # both units of the 100.00 lot leave, then one of the 120.00 lot
    assert lots(store, "SHI-50") == [(store.lot_b, "SH", 2, "120.00")]
    taken = store.sql("SELECT lot_id, qty FROM shipment_lines ORDER BY lot_id")
    assert taken == [(store.lot_a, 2), (store.lot_b, 1)]
    sales = store.sql("SELECT lot_id, qty, kind FROM movements WHERE kind = 'sale' ORDER BY lot_id")
    assert sales == [(store.lot_a, -2, "sale"), (store.lot_b, -1, "sale")]


def test_partial_shipments_then_delivered(store):
    first = store.json(f"ship {store.order} SHI-50:2 --carrier SF --tracking SF1 --cost 12 --at 2026-10-04")
    assert (first["units"], first["state"], first["declared"]) == (2, "partially_shipped", 840)
    assert levels(store, "SHI-50") == {"SH": (3, 1, 2)}
    assert levels(store, "POCKY") == {"SH": (10, 4, 6)}
    second = store.json(f"ship {store.order} --carrier EMS --tracking EE2 --cost 20 --at 2026-10-05")
    assert (second["units"], second["state"]) == (5, "shipped")
    assert second["lines"] == [{"sku": "SHI-50", "qty": 1}, {"sku": "POCKY", "qty": 4}]
    assert levels(store, "SHI-50") == {"SH": (2, 0, 2)}
    assert levels(store, "POCKY") == {"SH": (6, 0, 6)}

    out = store.run("shipment event SF1 delivered --at 2026-10-06").stdout
    assert out.strip() == f"SF1: delivered (order {store.order} shipped)"
    assert state(store, store.order) == "shipped"  # one parcel still travelling
    out = store.run("shipment event EE2 Delivered --at 2026-10-08T09:30").stdout
    assert out.strip() == f"EE2: delivered (order {store.order} delivered)"
    assert state(store, store.order) == "delivered"
    shown = parcels(store)
    assert (shown["SF1"]["transit_days"], shown["EE2"]["transit_days"]) == ("2.0", "3.4")
    assert [shown[t]["cost"] for t in ("SF1", "EE2")] == ["12.00", "20.00"]


def test_shipping_cost_is_recorded_in_base_currency(store):
    store.run(f"ship {store.order} --carrier SF --tracking SF9 --cost 23.5 --at 2026-10-04")
    assert store.sql("SELECT cost, declared FROM shipments") == [(2350, 132000)]


def test_ship_unpaid_with_allow_unpaid(store):
    order = new_order(store, "wxm_88 POCKY:2 --at 2026-10-03")
    result = store.run(f"ship {order} --carrier SF --tracking SF5 --allow-unpaid --at 2026-10-04")
    assert state(store, order) == "shipped"
    assert result.stderr == ""


def test_an_unpaid_order_ships_with_a_note_by_default(store):
    order = new_order(store, "wxm_88 POCKY:2 --at 2026-10-03")
    store.run(f"order pay {order} 10")
    result = store.run(f"ship {order} --carrier SF --tracking SF5 --at 2026-10-04")
    assert result.stdout.startswith(f"shipped 2 units of order {order} from ")
    assert result.stderr.splitlines() == [
        f"note: order {order}: 20.00 CNY still due (shipped anyway; config set unpaid_shipping refuse "
        "to stop such parcels)"]
    assert state(store, order) == "shipped"
    assert store.json(f"order show {order} --format json")["balance_due"] == 20.0


# ----------------------------------------------------------------- refusals write nothing

def refused(daigou, args, code=4):
    before = counts(daigou)
    result = daigou.run(args, code=code)
    assert counts(daigou) == before
    return result.stderr.strip()


def test_refuses_more_than_ordered(store):
    message = refused(store, f"ship {store.order} SHI-50:4 --carrier SF --tracking SF1")
    assert message == f"daigou: LINE 'SHI-50:4': order {store.order} has 3 SHI-50 left to ship, not 4"


def test_refuses_more_than_left_after_a_partial_shipment(store):
    store.run(f"ship {store.order} SHI-50:2 --carrier SF --tracking SF1 --at 2026-10-04")
    message = refused(store, f"ship {store.order} SHI-50:2 --carrier SF --tracking SF2")
    assert message == f"daigou: LINE 'SHI-50:2': order {store.order} has 1 SHI-50 left to ship, not 2"


def test_refuses_more_than_reserved(store):
    # 2 SHI-50 left to reserve: the other 2 of this order are back-ordered
    order = new_order(store, "wxm_88 SHI-50:4 --at 2026-10-03")
    store.run(f"order pay {order} 1680")
    message = refused(store, f"ship {order} SHI-50:3 --carrier SF --tracking SF7")
    assert message == "daigou: LINE 'SHI-50:3': only 2 SHI-50 reserved; 2 still back-ordered"


def test_refuses_unpaid_order_when_config_says_so(store):
    store.run("config set unpaid_shipping refuse")
    order = new_order(store, "wxm_88 POCKY:2 --at 2026-10-03")
    store.run(f"order pay {order} 10")
    message = refused(store, f"ship {order} --carrier SF --tracking SF5")
    assert message == (f"daigou: order {order}: 20.00 CNY still due; take payment first or ship "
                       "with --allow-unpaid")


def test_refuses_cancelled_order(store):
    store.run(f"order cancel {store.order} --reason changed-mind")
    message = refused(store, f"ship {store.order} --carrier SF --tracking SF5 --allow-unpaid")
    assert message == f"daigou: order {store.order}: cancelled; nothing ships"


def test_refuses_duplicate_tracking(store):
    parcel = int(store.run(f"ship {store.order} SHI-50:1 --carrier SF --tracking SF100 --at 2026-10-04 -q").stdout)
    message = refused(store, f"ship {store.order} SHI-50:1 --carrier SF --tracking SF100")
    assert message == f"daigou: --tracking: SF100 is already on parcel {parcel} of order {store.order}"


def test_refuses_over_customs_limit_unless_forced(store):
    store.run("config set customs_limit 1000")
    message = refused(store, f"ship {store.order} --carrier SF --tracking SF1 --at 2026-10-04")
    assert message == (f"daigou: order {store.order}: declared value 1320.00 CNY is over customs_limit "
                       "1000.00 by 320.00; split it into 2 parcels (ship ORDER SKU:QTY ...) or use --force")
    store.run(f"ship {store.order} SHI-50:2 --carrier SF --tracking SF1 --at 2026-10-04")  # 840.00: fits
    forced = store.json(f"ship {store.order} SHI-50:1 POCKY:4 --carrier SF --tracking SF2 --force --at 2026-10-04")
    assert (forced["declared"], forced["state"]) == (480, "shipped")


def test_units_at_two_locations_need_from(store):
    store.run("stock add SHI-50 4 --cost 2000 --currency JPY --location TOKYO --at 2026-10-05")
    order = new_order(store, "wxm_88 SHI-50:4 --at 2026-10-06")  # 2 at SH, 2 at TOKYO
    store.run(f"order pay {order} 1680")
    assert {r["location"]: r["reserved"] for r in store.csv("stock list --sku SHI-50")} == {"SH": "5", "TOKYO": "2"}
    message = refused(store, f"ship {order} --carrier SF --tracking SF3", code=3)
    assert message == ("daigou: --from: the units are held at SH and TOKYO; a parcel leaves from one "
                       "place, so ship each with --from")
    out = store.json(f"ship {order} --carrier SF --tracking SF3 --from TOKYO --at 2026-10-07")
    assert (out["from"], out["units"], out["state"]) == ("TOKYO", 2, "partially_shipped")
    assert levels(store, "SHI-50")["TOKYO"] == (2, 0, 2)


def test_refusals_name_the_problem_for_unknowns(store):
    assert refused(store, "ship 999 --carrier SF --tracking X1", code=3) == \
        "daigou: ORDER: no order '999' (see daigou order list)"
    assert refused(store, "shipment event NOPE delivered", code=3) == \
        "daigou: TRACKING: no parcel with tracking number 'NOPE'"


# ----------------------------------------------------------------- late parcels

def test_late_when_no_news_for_stale_days(store):
    store.run("config set stale_shipment_days 2")
    store.run(f"ship {store.order} SHI-50:1 --carrier SF --tracking QUIET --at 2026-10-04T10:00")
    store.run("shipment event QUIET in_transit --at 2026-10-05T10:00")
    store.run(f"ship {store.order} SHI-50:1 --carrier SF --tracking NEWS --at 2026-10-04T10:00")
    store.run("shipment event NEWS in_transit --at 2026-10-07T10:00")
    late = store.csv("shipment list --late --as-of 2026-10-07")
    assert [(r["tracking"], r["status"], r["transit_days"], r["late"]) for r in late] == [
        ("QUIET", "in_transit", "3.6", "yes")]
    everything = parcels(store, "--as-of 2026-10-07")
    assert everything["NEWS"]["late"] == "no"


def test_late_when_slower_than_the_carrier_promised(store):
    store.run("carrier add DHL --name 'DHL Express' --service express --days 2-3")
    when = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    store.run(f"ship {store.order} SHI-50:1 --carrier DHL --service express --tracking DHL1 --at {when}")
    store.run("shipment event DHL1 in_transit --at 6h")  # news today: not stale
    late = store.csv("shipment list --late")
    assert [(r["tracking"], r["promised_days"], r["transit_days"], r["late"]) for r in late] == [
        ("DHL1", "3", "5.0", "yes")]
    store.run("shipment event DHL1 delivered --at 1h")
    assert store.csv("shipment list --late") == []


# ----------------------------------------------------------------- quotes

@pytest.fixture
def carriers(shop):
    shop.run(["carrier", "add", "SF", "--name", "顺丰速运", "--first-kg", "23", "--extra-kg", "12",
              "--days", "2-4", "--insurance-rate", "0.005"])
    shop.run(["carrier", "add", "EMS", "--name", "EMS 国际", "--service", "economy", "--first-kg", "15",
              "--extra-kg", "8", "--days", "3-5"])
    shop.run(["carrier", "add", "DHL", "--name", "DHL Express", "--service", "express", "--first-kg", "120",
              "--extra-kg", "45", "--days", "2-3", "--insurance-rate", "0.01", "--regions", "Tokyo,Seoul"])
    return shop


def test_quote_small_cheap_parcel_goes_economy(carriers):
    rows = carriers.csv("shipment quote --weight 1.5 --value 300")
    assert [(r["rank"], r["carrier"], r["service"], r["total"], r["days"], r["fits"]) for r in rows] == [
        ("1", "EMS", "economy", "23.00", "3-5", "best: economy, cheapest"),
        ("2", "SF", "standard", "35.00", "2-4", ""),
        ("3", "DHL", "express", "165.00", "2-3", "fastest"),
    ]


def test_quote_valuable_parcel_goes_insured(carriers):
    rows = carriers.csv("shipment quote --weight 800g --value 3000")
    assert [(r["carrier"], r["cost"], r["insurance"], r["total"], r["fits"]) for r in rows] == [
        ("SF", "23.00", "15.00", "38.00", "best: insured and cheapest"),
        ("DHL", "120.00", "30.00", "150.00", "insured; fastest"),
        ("EMS", "15.00", "0.00", "15.00", "no insurance for a valuable parcel"),
    ]


def test_quote_to_a_region_skips_carriers_that_do_not_go_there(carriers):
    rows = carriers.csv("shipment quote --weight 1 --value 100 --to Shanghai")
    assert [r["carrier"] for r in rows] == ["EMS", "SF"]


def test_carrier_list_shows_rate_cards(carriers):
    rows = carriers.csv("carrier list")
    assert [(r["code"], r["service"], r["first_kg"], r["days_min"], r["days_max"]) for r in rows] == [
        ("DHL", "express", "120.00", "2", "3"), ("EMS", "economy", "15.00", "3", "5"),
        ("SF", "standard", "23.00", "2", "4")]


def test_one_unit_over_customs_limit_cannot_be_split(store):
    store.run("config set customs_limit 400")
    message = refused(store, f"ship {store.order} SHI-50:1 --carrier SF --tracking SF1")
    assert message == (f"daigou: order {store.order}: declared value 420.00 CNY is over customs_limit 400.00 "
                       "by 20.00; one unit cannot be split: ship it with --force")


def test_customs_limit_zero_means_no_limit(store):
    store.run("config set customs_limit 0")
    assert store.json(f"ship {store.order} --carrier SF --tracking SF1 --at 2026-10-04")["state"] == "shipped"


def test_quote_warns_over_customs_limit(carriers):
    carriers.run("config set customs_limit 1000")
    rows = carriers.csv("shipment quote --weight 1 --value 1200 --to Shanghai")
    assert [r["fits"] for r in rows] == ["best: economy, cheapest; over customs_limit: split the parcel",
                                         "over customs_limit: split the parcel; fastest"]
    carriers.run("config set customs_limit 0")
    assert [r["fits"] for r in carriers.csv("shipment quote --weight 1 --value 1200 --to Shanghai")] == [
        "best: economy, cheapest", "fastest"]


def test_one_unit_is_one_unit(store):
    order = new_order(store, "wxm_88 POCKY:1 --at 2026-10-03")
    store.run(f"order pay {order} 15")
    out = store.run(f"ship {order} --carrier SF --tracking SF11 --at 2026-10-04").stdout
    assert out.startswith(f"shipped 1 unit of order {order} from ")
