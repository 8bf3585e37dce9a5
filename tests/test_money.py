"""Money in integer minor units: parsing what users type, formatting it back, converting at FX rates."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from daigou_cli.core.errors import InvalidInput
from daigou_cli.core.money import (
    MAX_MINOR,
    MAX_QTY,
    convert,
    currency_code,
    format_amount,
    parse_amount,
    parse_qty,
    parse_rate,
    to_decimal,
)

CURRENCIES = {"CNY": 2, "JPY": 0, "KRW": 0, "USD": 2}
currencies = st.sampled_from(sorted(CURRENCIES))
minor_units = st.integers(min_value=-(MAX_MINOR - 1), max_value=MAX_MINOR - 1)


# ----------------------------------------------------------------- round trips

@given(currencies, minor_units)
def test_format_then_parse_gives_back_the_same_minor_units(currency, minor):
    text = format_amount(minor, currency)
    assert parse_amount(text, currency, allow_negative=True) == minor


@given(currencies, minor_units)
def test_to_decimal_is_exact(currency, minor):
    value = to_decimal(minor, currency)
    assert value.scaleb(CURRENCIES[currency]) == minor
    assert str(value) == format_amount(minor, currency)


@given(currencies, minor_units)
def test_formatted_amount_has_exactly_the_currency_decimals(currency, minor):
    text = format_amount(minor, currency)
    places = CURRENCIES[currency]
    if places:
        assert len(text.split(".")[1]) == places
    else:
        assert "." not in text


@st.composite
def typed_amounts(draw):
    currency = draw(currencies)
    places = CURRENCIES[currency]
    whole = draw(st.integers(min_value=0, max_value=10**9))
    frac = draw(st.integers(min_value=0, max_value=10**places - 1)) if places else 0
    shown_places = draw(st.integers(min_value=0, max_value=places)) if places else 0
    # Users type 12, 12.5 or 12.50: fewer decimals than the currency allows is fine.
    if shown_places < places:
        frac -= frac % 10 ** (places - shown_places)
    text = str(whole)
    if shown_places:
        text += "." + str(frac).zfill(places)[:shown_places]
    return currency, text, whole * 10**places + frac


@given(typed_amounts())
def test_what_a_user_types_parses_to_exact_minor_units(case):
    currency, text, expected = case
    assert parse_amount(text, currency) == expected
    assert parse_amount(format_amount(expected, currency), currency) == expected


@given(currencies, st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=9))
def test_one_decimal_too_many_is_refused(currency, whole, digit):
    places = CURRENCIES[currency]
    text = f"{whole}.{'0' * places}{digit}"
    with pytest.raises(InvalidInput, match="too many decimals for " + currency):
        parse_amount(text, currency, "--cost")


# ----------------------------------------------------------------- parse_amount, exact cases

@pytest.mark.parametrize("text, currency, minor", [
    ("4200", "JPY", 4200),
    ("4,200", "JPY", 4200),
    ("¥4,200", "JPY", 4200),
    ("￥4200", "JPY", 4200),
    ("12.5", "CNY", 1250),
    ("12.50", "CNY", 1250),
    (".5", "CNY", 50),
    ("5.", "CNY", 500),
    ("$19.99", "USD", 1999),
    ("₩35,000", "KRW", 35000),
    (" 7 ", "CNY", 700),
    ("0", "CNY", 0),
    ("1.0", "JPY", 1),
])
def test_parse_amount_exact(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize("text, currency", [("1.234", "CNY"), ("12.5", "JPY"), ("100.01", "KRW"), ("0.001", "USD")])
def test_too_many_decimals_names_the_field_and_currency(text, currency):
    with pytest.raises(InvalidInput) as err:
        parse_amount(text, currency, "--cost")
    assert err.value.message.startswith("--cost: ")
    assert f"too many decimals for {currency}" in err.value.message


@pytest.mark.parametrize("text", ["abc", "", "1e3", "NaN", "Infinity", "1.2.3", "12 CNY", "--5"])
def test_not_an_amount(text):
    with pytest.raises(InvalidInput, match="is not an amount"):
        parse_amount(text, "CNY", "--cost")


def test_negative_amount_refused_unless_allowed():
    with pytest.raises(InvalidInput, match="must not be negative"):
        parse_amount("-12.50", "CNY", "--cost")
    assert parse_amount("-12.50", "CNY", allow_negative=True) == -1250


def test_amount_too_large_is_refused_but_just_under_is_fine():
    assert parse_amount("99999999999.99", "CNY") == MAX_MINOR - 1
    with pytest.raises(InvalidInput, match="too large"):
        parse_amount("100000000000", "CNY")
    with pytest.raises(InvalidInput, match="too large"):
        parse_amount(str(MAX_MINOR), "JPY")


@pytest.mark.parametrize("minor, currency, text", [
    (1250, "CNY", "12.50"), (4200, "JPY", "4200"), (-5, "USD", "-0.05"), (0, "KRW", "0"),
    (100, "CNY", "1.00"), (None, "CNY", ""),
])
def test_format_amount_exact(minor, currency, text):
    assert format_amount(minor, currency) == text


def test_currency_codes_are_case_insensitive_and_unknown_ones_refused():
    assert currency_code(" jpy ") == "JPY"
    with pytest.raises(InvalidInput, match="--currency: unknown currency 'XYZ'"):
        currency_code("XYZ", "--currency")
    with pytest.raises(InvalidInput, match="unknown currency"):
        currency_code(None)


# ----------------------------------------------------------------- FX conversion

@pytest.mark.parametrize("minor, currency, rate, base, expected", [
    (4200, "JPY", "0.0478", "CNY", 20076),      # ¥4200 at 0.0478 = 200.76 CNY
    (4000, "JPY", "0.05", "CNY", 20000),
    (10000, "KRW", "0.0052", "CNY", 5200),
    (150, "USD", "7.1234", "CNY", 1069),         # 10.6851 CNY -> 10.69
    (1, "JPY", "0.005", "CNY", 1),               # 0.5 fen rounds half up, not to even
    (5, "JPY", "0.005", "CNY", 3),               # 2.5 fen -> 3 (banker's rounding would say 2)
    (3, "JPY", "0.001", "CNY", 0),               # 0.3 fen -> 0
    (100, "CNY", "20.9", "JPY", 21),             # 1.00 CNY -> 20.9 JPY -> 21
    (1250, "CNY", "1", "CNY", 1250),             # base currency is never converted
])
def test_convert_exact_half_up(minor, currency, rate, base, expected):
    assert convert(minor, currency, Decimal(rate), base) == expected


@given(st.sampled_from(["JPY", "KRW", "USD"]), st.integers(min_value=0, max_value=10**9),
       st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100"), places=4))
def test_convert_matches_decimal_arithmetic_rounded_half_up(currency, minor, rate):
    exact = to_decimal(minor, currency) * rate
    expected = int(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).scaleb(2))
    assert convert(minor, currency, rate, "CNY") == expected


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9),
       st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10"), places=4))
def test_convert_never_decreases_with_a_larger_amount(a, b, rate):
    low, high = sorted((a, b))
    assert convert(low, "JPY", rate, "CNY") <= convert(high, "JPY", rate, "CNY")


@pytest.mark.parametrize("text, value", [("0.0478", "0.0478"), ("0.0500", "0.05"), (" 7.1 ", "7.1"), ("1", "1")])
def test_parse_rate(text, value):
    assert parse_rate(text) == Decimal(value)
    assert str(parse_rate(text)) == value


@pytest.mark.parametrize("text, words", [
    ("0", "positive"), ("-0.05", "positive"), ("abc", "not a number"), ("NaN", "positive"),
    ("Infinity", "positive"), ("1e-9", "out of range"), ("2000000", "out of range"),
])
def test_bad_rates_refused(text, words):
    with pytest.raises(InvalidInput, match=words):
        parse_rate(text, "RATE")


# ----------------------------------------------------------------- quantities

@pytest.mark.parametrize("text, qty", [
    ("1", 1), (" 5 ", 5), ("+3", 3), ("1,000", 1000), (str(MAX_QTY), MAX_QTY), (7, 7),
])
def test_parse_qty_accepts_whole_positive_numbers(text, qty):
    assert parse_qty(text) == qty


@pytest.mark.parametrize("text, words", [
    ("0", "must not be zero"), ("-0", "must not be zero"), ("-3", "must be positive"),
    ("1.5", "not a whole number"), ("1e3", "not a whole number"), ("", "not a whole number"),
    ("abc", "not a whole number"), ("2.0", "not a whole number"),
    (str(MAX_QTY + 1), "more than 1,000,000 units"), ("99999999999999999999", "more than"),
])
def test_parse_qty_refuses(text, words):
    with pytest.raises(InvalidInput, match=words) as err:
        parse_qty(text, "QTY")
    assert err.value.message.startswith("QTY: ")


def test_parse_qty_negative_only_when_allowed():
    assert parse_qty("-2", "DELTA", allow_negative=True) == -2
    with pytest.raises(InvalidInput, match="more than"):
        parse_qty(f"-{MAX_QTY + 1}", "DELTA", allow_negative=True)
    with pytest.raises(InvalidInput, match="must not be zero"):
        parse_qty("0", "DELTA", allow_negative=True)


@given(st.integers(min_value=1, max_value=MAX_QTY))
def test_parse_qty_round_trip(qty):
    assert parse_qty(str(qty)) == qty
    assert parse_qty(f"{qty:,}") == qty


# ----------------------------------------------------------------- commas and currency signs

@pytest.mark.parametrize("text, currency, minor", [
    ("1,078.00", "CNY", 107800), ("1,078", "CNY", 107800), ("12,345,678", "JPY", 12345678),
    ("-1,078.50", "CNY", -107850), ("¥199", "CNY", 19900), ("￥199", "JPY", 199), ("€1,000.5", "EUR", 100050),
    ("$5", "HKD", 500), ("£5", "GBP", 500), ("₩35,000", "KRW", 35000),
])
def test_a_comma_that_groups_thousands_and_the_currencys_own_sign_are_read(text, currency, minor):
    assert parse_amount(text, currency, allow_negative=True) == minor


@pytest.mark.parametrize("text, message", [
    ("199,00", "--cost: '199,00' is not an amount (use a dot for decimals: 199.00)"),
    ("29,8", "--cost: '29,8' is not an amount (use a dot for decimals: 29.8)"),
    ("1.234,56", "--cost: '1.234,56' is not an amount (use a dot for decimals: 1234.56)"),
    ("¥1,99", "--cost: '¥1,99' is not an amount (use a dot for decimals: 1.99)"),
    ("1,0,78", "--cost: '1,0,78' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    ("1,0000", "--cost: '1,0000' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    ("12,34,567", "--cost: '12,34,567' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    ("1234,567", "--cost: '1234,567' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    (",5", "--cost: ',5' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    ("1,000,", "--cost: '1,000,' is not an amount (a comma only separates thousands, as in 1,078.00)"),
    ("1.000,000", "--cost: '1.000,000' is not an amount (a comma only separates thousands, as in 1,078.00)"),
])
def test_any_other_comma_is_refused_not_read_as_thousands(text, message):
    with pytest.raises(InvalidInput) as err:
        parse_amount(text, "CNY", "--cost")
    assert err.value.message == message


@pytest.mark.parametrize("text, currency, sign", [
    ("$680.00", "CNY", "$"), ("¥680", "USD", "¥"), ("￥680", "KRW", "￥"), ("€5", "USD", "€"), ("£5", "EUR", "£"),
    ("₩5", "JPY", "₩"), ("-$5", "CNY", "$"),
])
def test_a_currency_sign_that_is_not_the_currencys_is_refused(text, currency, sign):
    with pytest.raises(InvalidInput) as err:
        parse_amount(text, currency, "price", allow_negative=True)
    assert err.value.message == f"price: {text!r} is a {sign} amount, but the currency is {currency}"


@pytest.mark.parametrize("text", ["1,0,00", "1,5", "10,00", "1,0000", ",1"])
def test_parse_qty_refuses_a_comma_that_does_not_group_thousands(text):
    with pytest.raises(InvalidInput) as err:
        parse_qty(text, "QTY")
    assert err.value.message == f"QTY: {text!r} is not a whole number"
