"""Bad input: the documented exit code, one stderr line naming the field, and nothing written."""

import pytest
import shop_ledger

TABLES = ("entries", "movements", "lots", "fx_rates", "voids", "locations", "products", "suppliers", "config")


def counts(daigou):
    return {t: daigou.sql(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Built once through the CLI; each test gets its own copy (the cases here are many)."""
    return shop_ledger.build(tmp_path_factory, [
        "stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15",
        "supplier add Donki --country JP --currency JPY",
    ])[0]


@pytest.fixture
def stocked(daigou, template):
    """The conftest shop, plus SHI-50: 10 at TOKYO (one lot, ¥4200 at 0.0478); POCKY: none."""
    return shop_ledger.copy_into(template, daigou)


def refused_without_writing(daigou, args, code, starts):
    before = counts(daigou)
    result = daigou(args)
    assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    prefix = starts if starts.startswith("daigou") else "daigou: " + starts
    assert lines[0].startswith(prefix), lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert counts(daigou) == before
    return lines[0]


# ----------------------------------------------------------------- unknown SKU or location

@pytest.mark.parametrize("args", [
    "stock add NOPE 1 --cost 1 -l SH",
    "stock adjust NOPE -1 --reason count -l TOKYO",
    "stock adjust NOPE 1 --reason found -l TOKYO",
    "stock move NOPE 1 --from TOKYO --to SH",
    "stock writeoff NOPE 1 --reason lost -l TOKYO",
    "stock lots --sku NOPE",
    "stock history NOPE",
])
def test_unknown_sku(stocked, args):
    line = refused_without_writing(stocked, args, 3, "sku: unknown SKU 'NOPE'")
    assert "daigou product list" in line


@pytest.mark.parametrize("args, field", [
    ("stock add SHI-50 1 --cost 1 -l OSAKA", "--location"),
    ("stock adjust SHI-50 -1 --reason count -l OSAKA", "--location"),
    ("stock writeoff SHI-50 1 --reason lost -l OSAKA", "--location"),
    ("stock move SHI-50 1 --from OSAKA --to SH", "--from"),
    ("stock move SHI-50 1 --from TOKYO --to OSAKA", "--to"),
    ("stock list -l OSAKA", "--location"),
    ("stock lots -l OSAKA", "--location"),
])
def test_unknown_location(stocked, args, field):
    refused_without_writing(stocked, args, 3, f"{field}: no location 'OSAKA'")


# ----------------------------------------------------------------- quantities

@pytest.mark.parametrize("qty, message", [
    ("abc", "QTY: 'abc' is not a whole number"),
    ("1.5", "QTY: '1.5' is not a whole number"),
    ("ten", "QTY: 'ten' is not a whole number"),
    ("0", "QTY: must not be zero"),
    ("-3", "QTY: '-3' must be positive"),
    ("99999999999", "QTY: '99999999999' is more than 1,000,000 units"),
    ("1000001", "QTY: '1000001' is more than 1,000,000 units"),
])
@pytest.mark.parametrize("command", [
    "stock add SHI-50 {qty} --cost 1 -l SH",
    "stock move SHI-50 {qty} --from TOKYO --to SH",
    "stock writeoff SHI-50 {qty} --reason damaged -l TOKYO",
])
def test_bad_quantity(stocked, command, qty, message):
    refused_without_writing(stocked, command.format(qty=qty), 3, message)


@pytest.mark.parametrize("delta, message", [
    ("0", "DELTA: must not be zero"),
    ("x", "DELTA: 'x' is not a whole number"),
    ("-1000001", "DELTA: '-1000001' is more than 1,000,000 units"),
])
def test_bad_adjust_delta(stocked, delta, message):
    refused_without_writing(stocked, f"stock adjust SHI-50 {delta} --reason count -l TOKYO", 3, message)


def test_a_million_units_is_the_most(stocked):
    stocked.run("stock add POCKY 1000000 --cost 0.01 -l SH")
    assert stocked.csv("stock list --sku POCKY")[0]["on_hand"] == "1000000"


# ----------------------------------------------------------------- costs and currencies

@pytest.mark.parametrize("args, message", [
    ("stock add SHI-50 1 --cost 1.234 -l SH", "--cost: '1.234' has too many decimals for CNY"),
    ("stock add SHI-50 1 --cost 12.5 --currency JPY -l SH", "--cost: '12.5' has too many decimals for JPY"),
    ("stock add SHI-50 1 --cost 100.5 --currency KRW --fx 0.005 -l SH", "--cost: '100.5' has too many decimals for KRW"),
    ("stock add SHI-50 1 --cost 1.001 --currency USD --fx 7.1 -l SH", "--cost: '1.001' has too many decimals for USD"),
    ("stock add SHI-50 1 --cost cheap -l SH", "--cost: 'cheap' is not an amount"),
    ("stock add SHI-50 1 --cost -5 -l SH", "--cost: '-5' must not be negative"),
    ("stock add SHI-50 1 --cost 100000000000 -l SH", "--cost: '100000000000' is too large"),
])
def test_bad_cost(stocked, args, message):
    refused_without_writing(stocked, args, 3, message)


def test_unknown_currency(stocked):
    line = refused_without_writing(stocked, "stock add SHI-50 1 --cost 1 --currency XYZ -l SH", 3,
                                   "--currency: unknown currency 'XYZ'")
    assert "JPY" in line  # it says which ones it knows


def test_currency_with_no_rate(stocked):
    line = refused_without_writing(stocked, "stock add SHI-50 1 --cost 12 --currency EUR -l SH", 3,
                                   "--currency: no EUR rate")
    assert "daigou fx set EUR" in line


def test_receipt_before_the_first_rate_names_the_business_date(stocked):
    # The first JPY rate is from 2026-09-01; a receipt on 2026-08-01 (Shanghai) has none.
    line = refused_without_writing(stocked, "stock add SHI-50 1 --cost 4200 --currency JPY -l SH --at 2026-08-01",
                                   3, "--currency: no JPY rate on or before 2026-08-01 ")
    assert line.endswith("(set one: daigou fx set JPY RATE --at DATE, or pass --fx)")


def test_voided_rate_is_not_used(stocked):
    (fx_id,) = stocked.sql("SELECT entry_id FROM fx_rates WHERE at < '2026-09-02'")[0]
    stocked.run(f"void {fx_id} --reason wrong")
    refused_without_writing(stocked, "stock add SHI-50 1 --cost 4200 --currency JPY -l SH --at 2026-09-15", 3,
                            "--currency: no JPY rate")


@pytest.mark.parametrize("rate, message", [
    ("abc", "--fx: 'abc' is not a number"),
    ("0", "--fx: '0' must be a positive number"),
    ("-0.05", "--fx: '-0.05' must be a positive number"),
])
def test_bad_fx_option(stocked, rate, message):
    refused_without_writing(stocked, f"stock add SHI-50 1 --cost 4200 --currency JPY --fx {rate} -l SH", 3, message)


def test_fx_other_than_one_for_the_base_currency(stocked):
    refused_without_writing(stocked, "stock add SHI-50 1 --cost 12 --fx 2 -l SH", 3, "--fx: CNY is the base currency")


@pytest.mark.parametrize("args, message", [
    ("fx set JPY abc", "RATE: 'abc' is not a number"),
    ("fx set JPY -1", "RATE: '-1' must be a positive number"),
    ("fx set XYZ 1", "CUR: unknown currency 'XYZ'"),
    ("fx set CNY 1", "CUR: CNY is the base currency"),
    ("fx set JPY 0.05 --at whenever", "--at: 'whenever' is not a date"),
])
def test_bad_fx_set(stocked, args, message):
    refused_without_writing(stocked, args, 3, message)


# ----------------------------------------------------------------- dates

def test_expiry_before_the_receipt(stocked):
    refused_without_writing(stocked, "stock add SHI-50 1 --cost 1 -l SH --at 2026-09-15 --expiry 2026-09-14", 3,
                            "--expiry: 2026-09-14 is before the receipt date 2026-09-15")


def test_expiry_on_the_receipt_day_is_fine(stocked):
    stocked.run("stock add SHI-50 1 --cost 1 -l SH --at 2026-09-15T23:00 --expiry 2026-09-15")
    assert stocked.sql("SELECT expiry FROM lots WHERE expiry IS NOT NULL") == [("2026-09-15",)]


@pytest.mark.parametrize("expiry", ["2026-13-01", "next year", "2026-02-30"])
def test_expiry_not_a_date(stocked, expiry):
    refused_without_writing(stocked, ["stock", "add", "SHI-50", "1", "--cost", "1", "-l", "SH", "--expiry", expiry],
                            3, f"--expiry: '{expiry}' is not a date")


# ----------------------------------------------------------------- more than on hand (business rule)

@pytest.mark.parametrize("args", [
    "stock writeoff SHI-50 11 --reason damaged -l TOKYO",
    "stock writeoff SHI-50 11 --reason expired",
    "stock move SHI-50 11 --from TOKYO --to SH",
    "stock adjust SHI-50 -11 --reason count -l TOKYO",
])
def test_more_than_on_hand_is_refused(stocked, args):
    refused_without_writing(stocked, args, 4, "SHI-50 at TOKYO: only 10 on hand, cannot take 11")
    assert stocked.csv("stock list --sku SHI-50")[0]["on_hand"] == "10"


def test_taking_from_a_location_with_none(stocked):
    refused_without_writing(stocked, "stock writeoff SHI-50 1 --reason lost -l SH", 4,
                            "SHI-50 at SH: only 0 on hand, cannot take 1")
    refused_without_writing(stocked, "stock move SHI-50 1 --from SH --to TOKYO", 4,
                            "SHI-50 at SH: only 0 on hand, cannot take 1")


def test_writeoff_of_a_sku_with_nothing_anywhere(stocked):
    refused_without_writing(stocked, "stock writeoff POCKY 1 --reason lost", 4, "POCKY: nothing on hand anywhere")


def test_the_last_unit_can_go_but_not_one_more(stocked):
    stocked.run("stock writeoff SHI-50 10 --reason sample -l TOKYO")
    refused_without_writing(stocked, "stock writeoff SHI-50 1 --reason sample -l TOKYO", 4,
                            "SHI-50 at TOKYO: only 0 on hand")


# ----------------------------------------------------------------- other fields

@pytest.mark.parametrize("args, message", [
    (["stock", "writeoff", "SHI-50", "1", "--reason", " ", "-l", "TOKYO"], "--reason: must not be empty"),
    ("stock add SHI-50 1 --cost 1 -l SH --supplier Nobody", "--supplier: no supplier 'Nobody'"),
    ("stock add SHI-50 1 --cost 1 -l SH --at someday", "--at: 'someday' is not a date"),
    ("stock move SHI-50 1 --from TOKYO --to TOKYO", "--to: TOKYO is where the stock already is"),
])
def test_other_bad_fields(stocked, args, message):
    refused_without_writing(stocked, args, 3, message)


def test_failed_first_receipt_does_not_leave_a_home_location(daigou):
    daigou.run("product add TOTORO --name Totoro")
    refused_without_writing(daigou, "stock add TOTORO 1 --cost 1 --supplier Nobody", 3, "--supplier: no supplier")
    assert daigou.sql("SELECT count(*) FROM locations") == [(0,)]


def test_usage_error_writes_nothing(stocked):
    refused_without_writing(stocked, "stock add SHI-50 1 -l SH", 2, "daigou stock add: Missing option '--cost'")
