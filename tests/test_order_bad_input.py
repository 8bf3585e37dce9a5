"""Orders with bad input or against a business rule: the documented exit code, one stderr
line naming what is wrong, no traceback, and nothing written."""

import pytest
from ledger_templates import build, copy_of

TABLES = ("entries", "orders", "order_lines", "payments", "reservations", "order_events", "movements",
          "customers")


def counts(daigou):
    return {t: daigou.sql(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def refused(daigou, args, code, *words):
    """Runs a command that must fail; returns its one stderr line."""
    before = counts(daigou)
    result = daigou(args)
    assert result.exit_code == code, (args, result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("daigou: "), lines[0]
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.stdout == ""
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert counts(daigou) == before
    return lines[0]


@pytest.fixture(scope="module")
def store_template(tmp_path_factory):
    return build(tmp_path_factory, "store", [
        "location add TOKYO --region Tokyo",
        "location add SH --region Shanghai",
        "product add SHI-50 --name Shiseido --price 420",
        "product add POCKY --name Pocky --price 15",
        "stock add SHI-50 5 --cost 200 -l SH --at 2026-10-01",
        "customer add 王小美 --wechat wxm_88 --region Shanghai",
        "order new 王小美 SHI-50:1 --deposit 100 --at 2026-10-02",
    ])


@pytest.fixture
def store(store_template, tmp_path, monkeypatch):
    """5 SHI-50 in Shanghai, a customer, and one open order (840 → 420.00, 100.00 paid)."""
    shop = copy_of(store_template, tmp_path, monkeypatch)
    (shop.open_order,) = shop.sql("SELECT id FROM orders")[0]
    return shop


# ----------------------------------------------------------------- order new: exit 3

@pytest.mark.parametrize("line, words", [
    ("SHI-50", ["LINE 'SHI-50'", "SKU:QTY"]),
    ("SHI-50:0", ["LINE 'SHI-50:0'", "quantity"]),
    ("SHI-50:-1", ["LINE 'SHI-50:-1'", "quantity"]),
    ("SHI-50:2@abc", ["LINE 'SHI-50:2@abc'", "price"]),
    ("SHI-50:2@-5", ["LINE 'SHI-50:2@-5'", "price"]),
    ("SHI-50:1.5", ["LINE 'SHI-50:1.5'", "quantity"]),
    ("SHI-50:two", ["LINE 'SHI-50:two'", "quantity"]),
    ("SHI-50:2@1.234", ["LINE 'SHI-50:2@1.234'", "price", "decimals"]),
    (":2", ["LINE ':2'"]),
    ("NOPE:1", ["LINE 'NOPE:1'", "unknown SKU 'NOPE'"]),
])
def test_malformed_or_unknown_line(store, line, words):
    refused(store, f"order new 王小美 {line}", 3, *words)


def test_one_bad_line_among_good_ones_writes_nothing(store):
    refused(store, "order new 王小美 SHI-50:2 POCKY:3 NOPE:1", 3, "NOPE")
    refused(store, "order new 王小美 SHI-50:2 POCKY:0 --deposit 10", 3, "POCKY:0")


def test_unknown_customer(store):
    refused(store, "order new Nobody SHI-50:1", 3, "CUSTOMER", "no customer 'Nobody'")


def test_deposit_larger_than_the_total(store):
    refused(store, "order new 王小美 SHI-50:1 --deposit 420.01", 3, "--deposit", "420.01", "420.00")


@pytest.mark.parametrize("args, words", [
    ("order new 王小美 SHI-50:1 --deposit lots", ["--deposit"]),
    ("order new 王小美 SHI-50:1 --deposit -5", ["--deposit"]),
    ("order new 王小美 SHI-50:1 --due someday", ["--due", "someday"]),
    ("order new 王小美 SHI-50:1 --currency XYZ", ["--currency", "XYZ"]),
    ("order new 王小美 SHI-50:1@5.5 --currency JPY", ["price", "JPY"]),
])
def test_other_bad_options(store, args, words):
    refused(store, args, 3, *words)


def test_yen_deposit_with_decimals(store):
    refused(store, "order new 王小美 SHI-50:1@8800 --currency JPY --deposit 100.5", 3, "--deposit", "JPY")


# ----------------------------------------------------------------- payments and cancels

def test_overpaying_is_refused(store):
    oid = store.open_order
    line = refused(store, f"order pay {oid} 320.01", 4, f"order {oid}", "320.01", "320.00")
    assert line == f"daigou: order {oid}: paying 320.01 CNY but only 320.00 is due"


def test_paying_a_paid_order_is_refused(store):
    oid = store.open_order
    store.run(f"order pay {oid} 320")
    refused(store, f"order pay {oid} 1", 4, f"order {oid}")


def test_paying_a_cancelled_order_is_refused(store):
    oid = store.open_order
    store.run(f"order cancel {oid} --reason 'changed her mind'")
    line = refused(store, f"order pay {oid} 10", 4, f"order {oid}", "cancelled")
    assert line == f"daigou: order {oid}: cancelled; nothing to pay"


def test_cancelling_twice_is_refused(store):
    oid = store.open_order
    store.run(f"order cancel {oid} --reason 'changed her mind'")
    line = refused(store, f"order cancel {oid} --reason again", 4, f"order {oid}")
    assert line == f"daigou: order {oid}: already cancelled"


@pytest.mark.parametrize("amount, code", [("0", 3), ("-5", 3), ("abc", 3), ("1.234", 3)])
def test_bad_payment_amount(store, amount, code):
    refused(store, ["order", "pay", str(store.open_order), amount], code, "AMOUNT")


def test_paying_an_unknown_order(store):
    refused(store, "order pay 9999 10", 3, "ORDER", "9999")


def test_refunding_more_than_was_paid(store):
    oid = store.open_order
    refused(store, f"order refund {oid} 100.01", 4, f"order {oid}", "100.00")


def test_cancel_needs_a_reason(store):
    refused(store, ["order", "cancel", str(store.open_order), "--reason", "  "], 3, "--reason")


def test_duplicate_external_id(store):
    store.run("order new 王小美 POCKY:1 --channel taobao --external-id TB-1")
    refused(store, "order new 王小美 SHI-50:1 --channel taobao --external-id TB-1 --deposit 10", 4,
            "--external-id", "TB-1")


# ----------------------------------------------------------------- nothing happens to an order before it exists

@pytest.mark.parametrize("args", [
    "order pay {oid} 10 --at 2026-09-20",
    "order cancel {oid} --reason early --at 2026-09-20",
])
def test_paying_or_cancelling_before_the_order_was_taken(store, args):
    # The order was taken on 2026-10-02: a payment or cancel dated before it is a typo.
    refused(store, args.format(oid=store.open_order), 3, "--at")
