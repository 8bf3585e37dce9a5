"""Money in integer minor units with a currency code, and FX conversion to the base currency.

Amounts never pass through float: text -> Decimal -> int minor units, and back.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from daigou_cli.core.errors import InvalidInput

# ISO 4217 minor-unit exponents for the currencies a daigou meets.
EXPONENTS = {
    "CNY": 2, "JPY": 0, "KRW": 0, "USD": 2, "EUR": 2, "GBP": 2, "HKD": 2, "TWD": 2,
    "MOP": 2, "SGD": 2, "AUD": 2, "NZD": 2, "CAD": 2, "CHF": 2, "THB": 2, "MYR": 2,
    "VND": 0, "SEK": 2, "NOK": 2, "DKK": 2, "AED": 2, "RUB": 2, "PHP": 2, "IDR": 2,
}
MAX_MINOR = 10**13  # ten trillion minor units: far beyond any real order, well inside int64
MAX_QTY = 1_000_000
_AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# A comma only ever groups thousands (1,078.00); '199,00' is a decimal comma, not 19900.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?[\d.]*\d,\d{1,2}$")
# What a currency sign can mean: '$680.00' in a CNY order is a mistake, not 680 yuan.
SIGNS = {"¥": ("CNY", "JPY"), "￥": ("CNY", "JPY"), "€": ("EUR",), "£": ("GBP",), "₩": ("KRW",),
         "$": ("USD", "HKD", "TWD", "MOP", "SGD", "AUD", "NZD", "CAD")}


def currency_code(text: str | None, field: str = "currency") -> str:
    code = (text or "").strip().upper()
    if code not in EXPONENTS:
        raise InvalidInput(f"{field}: unknown currency {text!r} (known: {', '.join(sorted(EXPONENTS))})")
    return code


def exponent(currency: str) -> int:
    return EXPONENTS[currency]


def parse_amount(text, currency: str, field: str = "amount", allow_negative: bool = False) -> int:
    """'4,200' JPY -> 4200; '12.5' CNY -> 1250. Refuses more decimals than the currency has,
    a comma that is not a thousands separator and a currency sign that is not `currency`'s."""
    raw = str(text).strip().replace("_", "")
    for sign, meant in SIGNS.items():
        if sign in raw and currency not in meant:
            raise InvalidInput(f"{field}: {text!r} is a {sign} amount, but the currency is {currency}")
        raw = raw.replace(sign, "")
    raw = ungrouped(raw, field, text)
    if not _AMOUNT.match(raw):
        raise InvalidInput(f"{field}: {text!r} is not an amount")
    value = Decimal(raw)
    exp = EXPONENTS[currency]
    minor = value.scaleb(exp)
    if minor != minor.to_integral_value():
        places = "no decimals" if exp == 0 else f"at most {exp} decimals"
        raise InvalidInput(f"{field}: {text!r} has too many decimals for {currency} ({places})")
    minor = int(minor)
    if minor < 0 and not allow_negative:
        raise InvalidInput(f"{field}: {text!r} must not be negative")
    if abs(minor) >= MAX_MINOR:
        raise InvalidInput(f"{field}: {text!r} is too large")
    return minor


def drop_grouping(raw: str) -> str:
    """'12,345' -> '12345'; text with any other comma is left as it is, for the caller to refuse."""
    return raw.replace(",", "") if _GROUPED.match(raw) else raw


def ungrouped(raw: str, field: str, text) -> str:
    """'1,078.00' -> '1078.00'; any other comma is refused, with the likely fix when it looks
    like a decimal comma ('29,80' -> 29.80)."""
    raw = drop_grouping(raw)
    if "," not in raw:
        return raw
    if _DECIMAL_COMMA.match(raw):
        dotted = raw.replace(".", "").replace(",", ".")
        raise InvalidInput(f"{field}: {text!r} is not an amount (use a dot for decimals: {dotted})")
    raise InvalidInput(f"{field}: {text!r} is not an amount (a comma only separates thousands, as in 1,078.00)")


def to_decimal(minor: int | None, currency: str) -> Decimal | None:
    """4200, JPY -> Decimal('4200'); 1250, CNY -> Decimal('12.50')."""
    if minor is None:
        return None
    exp = EXPONENTS.get(currency, 2)
    return Decimal(int(minor)).scaleb(-exp) if exp else Decimal(int(minor))


def format_amount(minor: int | None, currency: str) -> str:
    value = to_decimal(minor, currency)
    return "" if value is None else f"{value:.{EXPONENTS.get(currency, 2)}f}"


def parse_rate(text, field: str = "rate") -> Decimal:
    """An FX rate: units of base currency for one unit of the foreign currency."""
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise InvalidInput(f"{field}: {text!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(f"{field}: {text!r} must be a positive number")
    if rate > Decimal(10) ** 6 or rate < Decimal(10) ** -8:
        raise InvalidInput(f"{field}: {text!r} is out of range for an exchange rate")
    return rate.normalize()


def convert(minor: int, currency: str, rate: Decimal, base: str) -> int:
    """Minor units of `currency` to minor units of `base` at `rate` (base per one unit), half up."""
    if currency == base:
        return int(minor)
    shift = EXPONENTS[base] - EXPONENTS[currency]
    value = (Decimal(int(minor)) * rate).scaleb(shift)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_qty(text, field: str = "quantity", allow_negative: bool = False) -> int:
    """A whole number of units; zero is never a quantity."""
    raw = drop_grouping(str(text).strip())
    if not re.fullmatch(r"[+-]?\d+", raw):
        raise InvalidInput(f"{field}: {text!r} is not a whole number")
    qty = int(raw)
    if qty == 0:
        raise InvalidInput(f"{field}: must not be zero")
    if qty < 0 and not allow_negative:
        raise InvalidInput(f"{field}: {text!r} must be positive")
    if abs(qty) > MAX_QTY:
        raise InvalidInput(f"{field}: {text!r} is more than {MAX_QTY:,} units")
    return qty
