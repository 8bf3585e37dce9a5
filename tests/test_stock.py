"""Inventory through the CLI: receipts, adjustments, moves, write-offs, and what a daigou sees."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import shop_ledger

# conftest's shop, copied from a ledger built once per module: the same start, faster.
shop_template = shop_ledger.shop_template
shop = shop_ledger.shop


def on_hand(daigou, sku, location=None):
    """Units on hand per location (or at one), from `stock list` CSV."""
    rows = daigou.csv(f"stock list --sku {sku}")
    levels = {r["location"]: int(r["on_hand"]) for r in rows if r["location"]}
    return levels.get(location, 0) if location else levels


def lot_qty(daigou, sku):
    """{(lot id, location): qty} for lots with units left."""
    return {(int(r["lot"]), r["location"]): int(r["qty"]) for r in daigou.csv(f"stock lots --sku {sku}")}


def receive_two_lots(shop):
    """10 at ¥4200 (rate 0.0478 → 200.76 CNY) then 5 at ¥4000 (rate 0.05 → 200.00 CNY), in TOKYO."""
    first = shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15 -q")
    second = shop.run("stock add SHI-50 5 --cost 4000 --currency JPY --location TOKYO --at 2026-10-15 -q")
    return int(first.stdout), int(second.stdout)


def today_in_shanghai():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


# ----------------------------------------------------------------- receipts and FX

def test_receipt_in_jpy_keeps_its_currency_and_the_rate_in_force(shop):
    lot1, lot2 = receive_two_lots(shop)
    lots = {int(r["lot"]): r for r in shop.csv("stock lots --sku SHI-50")}
    assert lots[lot1]["unit_cost"] == "4200"
    assert lots[lot1]["currency"] == "JPY"
    assert lots[lot1]["fx_rate"] == "0.0478"
    assert lots[lot1]["unit_cost_base"] == "200.76"
    assert lots[lot1]["value"] == "2007.60"
    assert lots[lot2]["fx_rate"] == "0.05"
    assert lots[lot2]["unit_cost_base"] == "200.00"
    assert lots[lot2]["value"] == "1000.00"
    assert shop.sql("SELECT unit_cost, currency, fx_rate, unit_cost_base FROM lots ORDER BY id") == [
        (4200, "JPY", "0.0478", 20076), (4000, "JPY", "0.05", 20000)]


def test_stock_list_values_two_lots_at_their_own_rates(shop):
    receive_two_lots(shop)
    (row,) = shop.csv("stock list --sku SHI-50")
    assert row["location"] == "TOKYO"
    assert row["on_hand"] == "15"
    assert row["available"] == "15"
    assert row["value"] == "3007.60"
    assert row["unit_cost"] == "200.51"  # 3007.60 / 15 = 200.5067
    assert row["currency"] == "CNY"


def test_rate_takes_effect_at_the_start_of_its_business_day(shop):
    shop.run("stock add POCKY 1 --cost 100 --currency JPY -l TOKYO --at 2026-09-30T23:59")
    shop.run("stock add POCKY 1 --cost 100 --currency JPY -l TOKYO --at 2026-10-01")
    assert shop.sql("SELECT fx_rate, unit_cost_base FROM lots ORDER BY id") == [("0.0478", 478), ("0.05", 500)]


def test_explicit_fx_overrides_the_rate_table(shop):
    record = shop.json("stock add SHI-50 2 --cost 4200 --currency JPY --fx 0.049 -l TOKYO --at 2026-10-15")
    assert record["unit_cost_base"] == 205.8
    assert record["value"] == 411.6
    assert shop.sql("SELECT fx_rate, unit_cost_base FROM lots") == [("0.049", 20580)]


def test_receipt_in_base_currency_needs_no_rate(shop):
    shop.run("stock add POCKY 24 --cost 12.50 -l SH")
    (row,) = shop.csv("stock list --sku POCKY")
    assert (row["on_hand"], row["unit_cost"], row["value"]) == ("24", "12.50", "300.00")
    assert shop.sql("SELECT unit_cost, currency, fx_rate, unit_cost_base FROM lots") == [(1250, "CNY", "1", 1250)]


def test_receipt_in_krw(shop):
    shop.run("fx set KRW 0.0052 --at 2026-09-01")
    shop.run("stock add POCKY 3 --cost 35000 --currency KRW -l SH --at 2026-10-01")
    (row,) = shop.csv("stock list --sku POCKY")
    assert row["value"] == "546.00"  # 3 × 35000 × 0.0052
    assert shop.sql("SELECT unit_cost, unit_cost_base FROM lots") == [(35000, 18200)]


def test_receipt_message_says_what_was_received(shop):
    out = shop.run("stock add SHI-50 10 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15").stdout
    (entry,) = shop.sql("SELECT max(id) FROM entries")[0]
    assert out == f"received 10 × SHI-50 at TOKYO: 4200 JPY/unit @ 0.0478 = 200.76 CNY (entry {entry})\n"


def test_receipt_records_lot_code_expiry_and_supplier(shop):
    shop.run("supplier add 'Matsumoto Kiyoshi' --country JP --currency JPY")
    shop.run("stock add SHI-50 4 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15 "
             "--lot B2026X --expiry 2027-09-01 --supplier 'Matsumoto Kiyoshi'")
    (lot,) = shop.csv("stock lots")
    assert (lot["code"], lot["expiry"], lot["qty"]) == ("B2026X", "2027-09-01", "4")
    assert shop.sql("SELECT s.name FROM lots l JOIN suppliers s ON s.id = l.supplier_id") == [("Matsumoto Kiyoshi",)]


# ----------------------------------------------------------------- where a receipt lands

def test_home_location_is_created_when_the_ledger_has_none(daigou):
    daigou.run("product add TOTORO --name 'Totoro plush'")
    out = daigou.run("stock add TOTORO 3 --cost 88").stdout
    assert "at HOME (created location HOME)" in out
    assert [(r["code"], r["on_hand"]) for r in daigou.csv("location list")] == [("HOME", "3")]
    assert on_hand(daigou, "TOTORO") == {"HOME": 3}
    # The second receipt lands in the same place without creating anything.
    out = daigou.run("stock add TOTORO 2 --cost 88").stdout
    assert "created" not in out
    assert daigou.sql("SELECT count(*) FROM locations") == [(1,)]


def test_the_only_location_is_the_default(daigou):
    daigou.run("location add SH --region Shanghai")
    daigou.run("product add TOTORO --name Totoro")
    daigou.run("stock add TOTORO 3 --cost 88")
    assert on_hand(daigou, "TOTORO") == {"SH": 3}


def test_several_locations_need_location_or_default_location(shop):
    result = shop("stock add POCKY 5 --cost 10")
    assert result.exit_code == 3
    assert "--location" in result.stderr
    shop.run("config set default_location SH")
    shop.run("stock add POCKY 5 --cost 10")
    assert on_hand(shop, "POCKY") == {"SH": 5}
    shop.run("stock add POCKY 2 --cost 10 --location TOKYO")
    assert on_hand(shop, "POCKY") == {"SH": 5, "TOKYO": 2}


def test_default_location_must_exist(shop):
    result = shop("config set default_location OSAKA")
    assert result.exit_code == 3
    assert result.stderr == "daigou: default_location: no location 'OSAKA'\n"


def test_location_codes_match_case_insensitively(shop):
    shop.run("stock add POCKY 5 --cost 10 --location sh")
    assert on_hand(shop, "POCKY") == {"SH": 5}


# ----------------------------------------------------------------- write-offs and FIFO

def test_writeoff_takes_the_oldest_lot_first(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock writeoff SHI-50 4 --reason damaged")
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 6, (lot2, "TOKYO"): 5}
    (row,) = shop.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["value"]) == ("11", "2204.56")  # 6 × 200.76 + 5 × 200.00


def test_writeoff_across_two_lots_leaves_the_newer_one(shop):
    lot1, lot2 = receive_two_lots(shop)
    out = shop.run("stock writeoff SHI-50 12 --reason lost").stdout
    assert out == f"wrote off 12 × SHI-50 at TOKYO (lost): 3 left (entry {lot2 + 1})\n"
    assert lot_qty(shop, "SHI-50") == {(lot2, "TOKYO"): 3}
    (row,) = shop.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["value"], row["unit_cost"]) == ("3", "600.00", "200.00")
    assert shop.sql("SELECT lot_id, qty, kind, reason FROM movements WHERE entry_id = ? ORDER BY id", (lot2 + 1,)) == [
        (lot1, -10, "writeoff", "lost"), (lot2, -2, "writeoff", "lost")]


def test_writeoff_json_lists_the_lots_it_took(shop):
    lot1, lot2 = receive_two_lots(shop)
    record = shop.json("stock writeoff SHI-50 11 --reason sample")
    assert record["qty"] == -11
    assert record["on_hand"] == 4
    assert record["lots"] == [{"lot": lot1, "location": "TOKYO", "qty": 10}, {"lot": lot2, "location": "TOKYO", "qty": 1}]


def test_expired_writeoff_takes_the_soonest_expiry_first(shop):
    lot1 = int(shop.run("stock add SHI-50 10 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15 "
                        "--expiry 2027-03-01 -q").stdout)
    lot2 = int(shop.run("stock add SHI-50 5 --cost 4000 --currency JPY -l TOKYO --at 2026-10-15 "
                        "--expiry 2026-12-01 -q").stdout)
    lot3 = int(shop.run("stock add SHI-50 2 --cost 4000 --currency JPY -l TOKYO --at 2026-10-16 -q").stdout)
    shop.run("stock writeoff SHI-50 3 --reason expired")
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 10, (lot2, "TOKYO"): 2, (lot3, "TOKYO"): 2}
    shop.run("stock writeoff SHI-50 4 --reason expired")
    # lot2 runs out, then the next to expire is lot1; the lot with no expiry goes last.
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 8, (lot3, "TOKYO"): 2}
    # Any other reason goes back to oldest first.
    shop.run("stock writeoff SHI-50 1 --reason damaged")
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 7, (lot3, "TOKYO"): 2}


def test_writeoff_reason_is_case_insensitive_and_stored_lowercase(shop):
    receive_two_lots(shop)
    shop.run("stock writeoff SHI-50 1 --reason Damaged")
    assert shop.sql("SELECT DISTINCT reason FROM movements WHERE kind = 'writeoff'") == [("damaged",)]


def test_writeoff_everything_leaves_zero_and_no_lots(shop):
    receive_two_lots(shop)
    shop.run("stock writeoff SHI-50 15 --reason lost")
    assert on_hand(shop, "SHI-50") == {"TOKYO": 0}
    assert shop.csv("stock lots --sku SHI-50") == []
    (row,) = shop.csv("stock list --sku SHI-50")
    assert (row["value"], row["unit_cost"]) == ("0.00", "")


# ----------------------------------------------------------------- adjustments

def test_negative_adjust_removes_from_the_oldest_lot(shop):
    lot1, lot2 = receive_two_lots(shop)
    out = shop.run("stock adjust SHI-50 -2 --reason count").stdout
    assert out == f"adjusted SHI-50 at TOKYO by -2: 13 on hand (entry {lot2 + 1})\n"
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 8, (lot2, "TOKYO"): 5}
    assert shop.sql("SELECT qty, kind, reason FROM movements WHERE entry_id = ?", (lot2 + 1,)) == [(-2, "adjust", "count")]


def test_positive_adjust_joins_the_newest_lot_at_its_cost(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock adjust SHI-50 3 --reason found")
    assert lot_qty(shop, "SHI-50") == {(lot1, "TOKYO"): 10, (lot2, "TOKYO"): 8}
    (row,) = shop.csv("stock list --sku SHI-50")
    assert (row["on_hand"], row["value"]) == ("18", "3607.60")  # 3007.60 + 3 × 200.00


def test_adjust_found_units_of_a_sku_never_received_is_refused(shop):
    result = shop("stock adjust POCKY 3 --reason found --location SH")
    assert result.exit_code == 4
    assert "POCKY: never received" in result.stderr
    assert shop.sql("SELECT count(*) FROM movements") == [(0,)]


def test_adjust_below_zero_is_refused(shop):
    receive_two_lots(shop)
    result = shop("stock adjust SHI-50 -16 --reason count")
    assert result.exit_code == 4
    assert result.stderr == "daigou: SHI-50 at TOKYO: only 15 on hand, cannot take 16\n"


def test_adjust_needs_a_reason(shop):
    receive_two_lots(shop)
    assert shop("stock adjust SHI-50 -1").exit_code == 2
    result = shop(["stock", "adjust", "SHI-50", "-1", "--reason", "  "])
    assert result.exit_code == 3
    assert result.stderr == "daigou: --reason: must not be empty\n"


# ----------------------------------------------------------------- moves

def test_move_takes_oldest_lots_and_they_keep_their_cost(shop):
    lot1, lot2 = receive_two_lots(shop)
    out = shop.run("stock move SHI-50 12 --from TOKYO --to SH").stdout
    assert out == f"moved 12 × SHI-50 TOKYO → SH (entry {lot2 + 1})\n"
    assert lot_qty(shop, "SHI-50") == {(lot1, "SH"): 10, (lot2, "SH"): 2, (lot2, "TOKYO"): 3}
    rows = {r["location"]: r for r in shop.csv("stock list --sku SHI-50")}
    assert (rows["SH"]["on_hand"], rows["SH"]["value"]) == ("12", "2407.60")
    assert (rows["TOKYO"]["on_hand"], rows["TOKYO"]["value"]) == ("3", "600.00")


def test_move_then_writeoff_at_the_destination(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock move SHI-50 12 --from TOKYO --to SH")
    shop.run("stock writeoff SHI-50 11 --reason damaged --location SH")
    assert lot_qty(shop, "SHI-50") == {(lot2, "SH"): 1, (lot2, "TOKYO"): 3}
    assert on_hand(shop, "SHI-50") == {"SH": 1, "TOKYO": 3}


def test_move_to_the_same_place_is_refused(shop):
    receive_two_lots(shop)
    result = shop("stock move SHI-50 1 --from TOKYO --to tokyo")
    assert result.exit_code == 3
    assert result.stderr.startswith("daigou: --to: ")


def test_move_records_a_pair_of_movements_per_lot(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock move SHI-50 4 --from TOKYO --to SH")
    assert shop.sql("SELECT location, lot_id, qty, kind FROM movements WHERE entry_id = ? ORDER BY id",
                    (lot2 + 1,)) == [
        ("TOKYO", lot1, -4, "move"), ("SH", lot1, 4, "move")]


def test_writeoff_without_location_uses_the_only_place_the_sku_is(shop):
    receive_two_lots(shop)
    shop.run("stock move SHI-50 15 --from TOKYO --to SH")
    shop.run("stock writeoff SHI-50 1 --reason sample")
    assert on_hand(shop, "SHI-50") == {"SH": 14, "TOKYO": 0}


def two_places(shop):
    """lot1: 10 received at TOKYO 09-15, all moved to SH 10-20; lot2: 5 received at TOKYO 10-15,
    2 moved to SH with them. So SH holds lot1 10 + lot2 2, TOKYO lot2 3."""
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock move SHI-50 12 --from TOKYO --to SH --at 2026-10-20")
    return lot1, lot2


def taken(shop, entry):
    return shop.sql("SELECT location, lot_id, qty FROM movements WHERE entry_id = ? ORDER BY id", (entry,))


def test_writeoff_at_several_places_takes_the_oldest_units_wherever_they_are(shop):
    lot1, lot2 = two_places(shop)
    out = shop.run("stock writeoff SHI-50 11 --reason damaged").stdout
    # lot1 first (all at SH), then lot2's units that sat longest: TOKYO's, there since 10-15.
    assert out == f"wrote off 11 × SHI-50 at SH, TOKYO (damaged): 4 left (entry {lot2 + 2})\n"
    assert taken(shop, lot2 + 2) == [("SH", lot1, -10), ("TOKYO", lot2, -1)]
    assert lot_qty(shop, "SHI-50") == {(lot2, "SH"): 2, (lot2, "TOKYO"): 2}


def test_writeoff_at_several_places_json_names_each_lot_and_location(shop):
    lot1, lot2 = two_places(shop)
    record = shop.json("stock writeoff SHI-50 3 --reason sample")
    assert (record["location"], record["on_hand"], record["qty"]) == ("SH", 9, -3)
    assert record["lots"] == [{"lot": lot1, "location": "SH", "qty": 3}]


def test_expired_writeoff_at_several_places_takes_the_soonest_expiry_anywhere(shop):
    early = int(shop.run("stock add SHI-50 4 --cost 4000 --currency JPY -l SH --at 2026-10-15 "
                         "--expiry 2026-12-01 -q").stdout)
    late = int(shop.run("stock add SHI-50 6 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15 "
                        "--expiry 2027-03-01 -q").stdout)
    shop.run("stock writeoff SHI-50 5 --reason expired")
    assert lot_qty(shop, "SHI-50") == {(late, "TOKYO"): 5}
    assert taken(shop, late + 1) == [("SH", early, -4), ("TOKYO", late, -1)]


def test_negative_adjust_at_several_places_takes_the_oldest_first(shop):
    lot1, lot2 = two_places(shop)
    out = shop.run("stock adjust SHI-50 -2 --reason count").stdout
    assert out == f"adjusted SHI-50 at SH by -2: 10 on hand (entry {lot2 + 2})\n"
    assert on_hand(shop, "SHI-50") == {"SH": 10, "TOKYO": 3}


def test_taking_more_than_all_places_hold_is_refused_naming_them(shop):
    two_places(shop)
    before = shop.sql("SELECT count(*) FROM movements")
    for args in ("stock writeoff SHI-50 16 --reason lost", "stock adjust SHI-50 -16 --reason count"):
        result = shop(args)
        assert (result.exit_code, result.stderr) == (
            4, "daigou: SHI-50: only 15 on hand (SH 12, TOKYO 3), cannot take 16\n")
    assert shop.sql("SELECT count(*) FROM movements") == before
    assert on_hand(shop, "SHI-50") == {"SH": 12, "TOKYO": 3}


def test_back_dated_writeoff_at_several_places_takes_only_units_there_since(shop):
    lot1, lot2 = two_places(shop)
    # On 10-16 all 15 were at TOKYO, but 12 have left it since: only TOKYO's last 3 can go.
    result = shop("stock writeoff SHI-50 4 --reason lost --at 2026-10-16")
    assert (result.exit_code, result.stderr) == (
        4, "daigou: SHI-50: only 3 on hand on 2026-10-16 and there ever since, cannot take 4 "
           "(on hand now: SH 12, TOKYO 3)\n")
    shop.run("stock writeoff SHI-50 3 --reason lost --at 2026-10-16")
    assert on_hand(shop, "SHI-50") == {"SH": 12, "TOKYO": 0}


def test_writeoff_at_several_places_releases_what_was_held_there(shop):
    """Units reserved at SH are written off: the order gets what TOKYO has left, then waits."""
    lot1, lot2 = two_places(shop)
    shop.run("customer add 王小美 --region Shanghai")
    order = shop.json("order new 王小美 SHI-50:4 --at 2026-10-21")["id"]
    record = shop.json("stock writeoff SHI-50 12 --reason lost")
    # 2 of its 4 held at SH were lost; 1 is held again at TOKYO, 1 waits.
    assert record["backordered"] == [{"order_id": order, "sku": "SHI-50", "qty": 1}]
    assert record["held_again"] == [{"order_id": order, "sku": "SHI-50", "qty": 1}]
    assert shop.json(f"order show {order} --format json")["backordered"] == 1
    rows = {r["location"]: (r["on_hand"], r["reserved"], r["available"]) for r in shop.csv("stock list --sku SHI-50")}
    assert rows == {"SH": ("2", "2", "0"), "TOKYO": ("1", "1", "0")}


def test_found_units_at_several_places_need_a_location(shop):
    two_places(shop)
    before = shop.sql("SELECT count(*) FROM movements")
    result = shop("stock adjust SHI-50 2 --reason found")
    assert (result.exit_code, result.stderr) == (3, "daigou: --location: required — SHI-50 is on hand at several "
                                                    "locations (SH 12, TOKYO 3) and there is no config default_location\n")
    assert shop.sql("SELECT count(*) FROM movements") == before
    shop.run("stock adjust SHI-50 2 --reason found --location TOKYO")
    shop.run("config set default_location SH")
    shop.run("stock adjust SHI-50 1 --reason found")
    assert on_hand(shop, "SHI-50") == {"SH": 13, "TOKYO": 5}


def test_found_units_of_a_sku_at_one_place_join_it(shop):
    two_places(shop)
    shop.run("stock writeoff SHI-50 3 --reason lost --location TOKYO")
    out = shop.run("stock adjust SHI-50 2 --reason found").stdout
    assert out.startswith("adjusted SHI-50 at SH by +2: 14 on hand")


# ----------------------------------------------------------------- stock list filters

def test_stock_list_shows_every_product_even_without_stock(shop):
    rows = shop.csv("stock list")
    assert [(r["sku"], r["location"], r["on_hand"], r["value"]) for r in rows] == [
        ("POCKY", "", "0", "0.00"), ("SHI-50", "", "0", "0.00")]


def test_stock_list_location_filter(shop):
    receive_two_lots(shop)
    shop.run("stock move SHI-50 4 --from TOKYO --to SH")
    shop.run("stock add POCKY 20 --cost 12 -l SH")
    rows = shop.csv("stock list --location SH")
    assert [(r["sku"], r["location"], r["on_hand"]) for r in rows] == [("POCKY", "SH", "20"), ("SHI-50", "SH", "4")]
    rows = shop.csv("stock list --location TOKYO")
    assert [(r["sku"], r["location"], r["on_hand"], r["value"]) for r in rows] == [
        ("SHI-50", "TOKYO", "11", "2204.56")]  # 6 × 200.76 + 5 × 200


def test_stock_list_total_sums_locations(shop):
    receive_two_lots(shop)
    shop.run("stock move SHI-50 4 --from TOKYO --to SH")
    rows = shop.csv("stock list --total --sku SHI-50")
    assert [(r["sku"], r["location"], r["on_hand"], r["value"]) for r in rows] == [("SHI-50", "", "15", "3007.60")]


def test_stock_list_category_and_zone_filters(shop):
    receive_two_lots(shop)
    shop.run("stock add POCKY 20 --cost 12 -l SH")
    assert [r["sku"] for r in shop.csv("stock list --category snacks")] == ["POCKY"]
    assert [r["sku"] for r in shop.csv("stock list --category COSMETICS")] == ["SHI-50"]
    assert [r["sku"] for r in shop.csv("stock list --zone jp")] == ["POCKY", "SHI-50"]
    assert shop.csv("stock list --zone KR") == []


def test_low_lists_skus_at_or_under_their_reorder_point(shop):
    shop.run("stock add SHI-50 6 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15")
    shop.run("stock add POCKY 1 --cost 12 -l SH")  # no reorder point: never low
    assert shop.csv("stock list --low") == []
    shop.run("stock writeoff SHI-50 1 --reason damaged")  # 5 = reorder point
    (row,) = shop.csv("stock list --low")
    assert (row["sku"], row["on_hand"], row["reorder_point"]) == ("SHI-50", "5", "5")


def test_low_counts_all_locations_together(shop):
    shop.run("stock add SHI-50 6 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15")
    shop.run("stock move SHI-50 3 --from TOKYO --to SH")
    assert shop.csv("stock list --low") == []  # 3 + 3 = 6 > 5


def test_low_includes_a_sku_never_received(shop):
    (row,) = shop.csv("stock list --low")
    assert (row["sku"], row["on_hand"]) == ("SHI-50", "0")


# ----------------------------------------------------------------- as-of: the past

def test_as_of_shows_stock_as_it_was(shop):
    receive_two_lots(shop)
    shop.run("stock writeoff SHI-50 3 --reason damaged --at 2026-10-20")
    assert shop.csv("stock list --sku SHI-50 --as-of 2026-09-14")[0]["on_hand"] == "0"
    (row,) = shop.csv("stock list --sku SHI-50 --as-of 2026-09-30")
    assert (row["on_hand"], row["value"]) == ("10", "2007.60")
    (row,) = shop.csv("stock list --sku SHI-50 --as-of 2026-10-15")
    assert (row["on_hand"], row["value"]) == ("15", "3007.60")
    (row,) = shop.csv("stock list --sku SHI-50 --as-of 2026-10-20")
    assert (row["on_hand"], row["value"]) == ("12", "2405.32")  # 7 × 200.76 + 5 × 200
    (row,) = shop.csv("stock list --sku SHI-50")
    assert row["on_hand"] == "12"


def test_as_of_a_date_includes_that_whole_day(shop):
    shop.run("stock add POCKY 5 --cost 12 -l SH --at 2026-10-15T23:30")
    assert shop.csv("stock list --sku POCKY --as-of 2026-10-15")[0]["on_hand"] == "5"
    assert shop.csv("stock list --sku POCKY --as-of 2026-10-14")[0]["on_hand"] == "0"
    assert shop.csv("stock list --sku POCKY --as-of 2026-10-15T23:00")[0]["on_hand"] == "0"


def test_lots_and_history_as_of(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock writeoff SHI-50 10 --reason damaged --at 2026-10-20")
    assert lot_qty(shop, "SHI-50") == {(lot2, "TOKYO"): 5}
    rows = shop.csv("stock lots --sku SHI-50 --as-of 2026-10-19")
    assert {(int(r["lot"]), int(r["qty"])) for r in rows} == {(lot1, 10), (lot2, 5)}
    rows = shop.csv("stock history SHI-50 --as-of 2026-10-01")
    assert [(r["kind"], r["qty"], r["balance"]) for r in rows] == [("receipt", "10", "10")]


# ----------------------------------------------------------------- history

def test_history_has_a_running_balance(shop):
    lot1, lot2 = receive_two_lots(shop)
    shop.run("stock move SHI-50 4 --from TOKYO --to SH --at 2026-10-16")
    shop.run("stock writeoff SHI-50 1 --reason sample -l SH --at 2026-10-17")
    shop.run("stock adjust SHI-50 -2 --reason count -l TOKYO --at 2026-10-18")
    rows = shop.csv("stock history SHI-50")
    assert [(r["kind"], r["location"], r["qty"], r["balance"]) for r in rows] == [
        ("receipt", "TOKYO", "10", "10"),
        ("receipt", "TOKYO", "5", "15"),
        ("move", "TOKYO", "-4", "11"),
        ("move", "SH", "4", "15"),
        ("writeoff", "SH", "-1", "14"),
        ("adjust", "TOKYO", "-2", "12"),
    ]
    assert rows[0]["at"] == "2026-09-15T00:00:00+08:00"
    assert rows[0]["id"] == str(lot1)
    assert rows[4]["reason"] == "sample"


def test_history_for_one_location(shop):
    receive_two_lots(shop)
    shop.run("stock move SHI-50 4 --from TOKYO --to SH --at 2026-10-16")
    rows = shop.csv("stock history SHI-50 --location SH")
    assert [(r["kind"], r["qty"], r["balance"]) for r in rows] == [("move", "4", "4")]


def test_history_of_unknown_sku(shop):
    result = shop("stock history NOPE")
    assert result.exit_code == 3
    assert result.stderr == "daigou: sku: unknown SKU 'NOPE' (see daigou product list)\n"


# ----------------------------------------------------------------- lots and expiry

def test_lots_expiring_within_30_days_as_of_a_date(shop):
    shop.run("stock add SHI-50 1 --cost 100 -l SH --at 2026-09-15 --expiry 2026-10-01 --lot EXPIRED")
    shop.run("stock add SHI-50 1 --cost 100 -l SH --at 2026-09-15 --expiry 2026-11-01 --lot SOON")
    shop.run("stock add SHI-50 1 --cost 100 -l SH --at 2026-09-15 --expiry 2026-11-19 --lot EDGE")
    shop.run("stock add SHI-50 1 --cost 100 -l SH --at 2026-09-15 --expiry 2026-11-20 --lot LATER")
    shop.run("stock add SHI-50 1 --cost 100 -l SH --at 2026-09-15 --lot NEVER")
    rows = shop.csv("stock lots --expiring 30d --as-of 2026-10-20")
    assert [(r["code"], r["expiry"], r["days_to_expiry"]) for r in rows] == [
        ("EXPIRED", "2026-10-01", "-19"), ("SOON", "2026-11-01", "12"), ("EDGE", "2026-11-19", "30")]
    assert [r["code"] for r in shop.csv("stock lots --expiring 2w --as-of 2026-10-20")] == ["EXPIRED", "SOON"]
    assert len(shop.csv("stock lots --as-of 2026-10-20")) == 5


def test_lots_expiring_counts_from_today(shop):
    today = today_in_shanghai()
    soon, later = today + timedelta(days=10), today + timedelta(days=60)
    shop.run(f"stock add SHI-50 2 --cost 100 -l SH --expiry {soon.isoformat()}")
    shop.run(f"stock add SHI-50 3 --cost 100 -l SH --expiry {later.isoformat()}")
    rows = shop.csv("stock lots --expiring 30d")
    assert [(r["expiry"], r["days_to_expiry"], r["qty"]) for r in rows] == [(soon.isoformat(), "10", "2")]


def test_lots_leave_out_empty_lots_and_list_soonest_expiry_first(shop):
    shop.run("stock add SHI-50 2 --cost 100 -l SH --at 2026-09-15 --expiry 2027-05-01 --lot LATE")
    shop.run("stock add SHI-50 2 --cost 100 -l SH --at 2026-09-16 --expiry 2027-01-01 --lot EARLY")
    shop.run("stock add SHI-50 2 --cost 100 -l SH --at 2026-09-17 --lot NONE")
    shop.run("stock add SHI-50 2 --cost 100 -l SH --at 2026-09-18 --expiry 2027-02-01 --lot GONE")
    shop.run("stock writeoff SHI-50 2 --reason expired")  # EARLY goes first
    assert [r["code"] for r in shop.csv("stock lots")] == ["GONE", "LATE", "NONE"]


def test_bad_expiring_period(shop):
    result = shop("stock lots --expiring soon")
    assert result.exit_code == 3
    assert result.stderr.startswith("daigou: --expiring: 'soon' is not a number of days")


# ----------------------------------------------------------------- product show ties it together

def test_product_show_json_has_stock_and_lots(shop):
    receive_two_lots(shop)
    record = shop.json("product show SHI-50")
    assert record["on_hand"] == 15
    assert [(s["location"], s["on_hand"]) for s in record["stock"]] == [("TOKYO", 15)]
    assert sorted(lot["qty"] for lot in record["lots"]) == [5, 10]
    assert Decimal(str(record["stock"][0]["value"])) == Decimal("3007.60")


def test_found_units_back_dated_before_any_receipt_are_refused(shop):
    lot1, lot2 = two_places(shop)
    before = shop.sql("SELECT count(*) FROM movements")
    result = shop("stock adjust SHI-50 1 --location SH --reason found --at 2020-01-01")
    assert (result.exit_code, result.stderr) == (
        4, "daigou: SHI-50: not received by 2020-01-01, so there is no cost to count found units at "
           "(use daigou stock add SHI-50 1 --cost UNIT_COST)\n")
    assert shop.sql("SELECT count(*) FROM movements") == before
