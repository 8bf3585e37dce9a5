"""Customers: found by name or any contact, one contact per customer, and `customer show`
with orders, spend (base currency, at the rate of the order's date) and balance due."""

import pytest
from ledger_templates import build, copy_of


@pytest.fixture(scope="module")
def people_template(tmp_path_factory):
    return build(tmp_path_factory, "people", [
        "location add TOKYO --region Tokyo",
        "location add SH --region Shanghai",
        "fx set JPY 0.0478 --at 2026-09-01",
        "fx set JPY 0.05 --at 2026-10-01",
        "product add SHI-50 --name Shiseido --price 420",
        "product add POCKY --name Pocky --price 15",
        ["customer", "add", "王小美", "--wechat", "wxm_88", "--phone", "+86 138-0013-8000",
         "--email", "XiaoMei.Wang@Example.COM", "--region", "Shanghai", "--address", "上海市徐汇区"],
        "customer add Kenji --wechat kenji_t --phone 090-1234-5678 --region Tokyo",
    ])


@pytest.fixture
def people(people_template, tmp_path, monkeypatch):
    """Two products (CNY), JPY at 0.0478 from 2026-09-01 and 0.05 from 2026-10-01, and two
    customers: 王小美 (id 1, Shanghai, every contact) and Kenji (id 2, Tokyo)."""
    return copy_of(people_template, tmp_path, monkeypatch)


def found(daigou, who):
    """The id `customer show WHO` finds."""
    import json

    result = daigou(["customer", "show", who, "--format", "json"])
    assert result.exit_code == 0, (who, result.stderr)
    return json.loads(result.stdout)["id"]


def test_customer_add_normalises_contacts(people):
    (row,) = [r for r in people.csv("customer list") if r["name"] == "王小美"]
    assert (row["wechat"], row["phone"], row["email"], row["region"]) == (
        "wxm_88", "'+8613800138000", "xiaomei.wang@example.com", "Shanghai")
    assert people.sql("SELECT phone, email, address FROM customers WHERE name = '王小美'") == [
        ("+8613800138000", "xiaomei.wang@example.com", "上海市徐汇区")]


@pytest.mark.parametrize("who", [
    "王小美", "1", "wxm_88", "+8613800138000", "+86 138-0013-8000", "+86 138 0013 8000",
    "+86 (138) 0013 8000", "xiaomei.wang@example.com", "XIAOMEI.WANG@EXAMPLE.COM",
])
def test_found_by_name_id_wechat_phone_or_email(people, who):
    assert found(people, who) == 1


def test_other_customer_by_phone_with_dashes(people):
    assert found(people, "09012345678") == 2
    assert found(people, "090 1234 5678") == 2
    assert found(people, "kenji_t") == 2


def test_unknown_customer_is_invalid_input(people):
    result = people("customer show Nobody")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "daigou: CUSTOMER: no customer 'Nobody' (add one: daigou customer add 'Nobody' --wechat ...)"]


def test_two_customers_with_one_name_need_a_contact(people):
    people.run("customer add 王小美 --wechat wxm_other --region Beijing")
    result = people("customer show 王小美")
    assert result.exit_code == 3
    (line,) = result.stderr.splitlines()
    assert "2 customers are named '王小美'" in line
    assert "ids 1, 3" in line
    assert "WeChat id, phone or email" in line
    assert found(people, "wxm_other") == 3
    assert found(people, "wxm_88") == 1
    assert found(people, "3") == 3
    # An order for the ambiguous name writes nothing; with a contact it goes through.
    before = people.sql("SELECT count(*) FROM orders")
    assert people("order new 王小美 POCKY:1").exit_code == 3
    assert people.sql("SELECT count(*) FROM orders") == before
    people.run("order new wxm_other POCKY:1")
    assert people.sql("SELECT customer_id FROM orders") == [(3,)]


@pytest.mark.parametrize("args, field", [
    ("customer add Other --phone '+86 13800138000'", "--phone"),
    ("customer add Other --phone '+86-138-0013-8000'", "--phone"),
    ("customer add Other --wechat wxm_88", "--wechat"),
    ("customer add Other --email XIAOMEI.wang@example.com", "--email"),
])
def test_a_contact_belongs_to_one_customer(people, args, field):
    before = people.sql("SELECT count(*) FROM customers")
    result = people(args)
    assert result.exit_code == 4, (result.exit_code, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"daigou: {field}: ")
    assert "already belongs to customer 1 (王小美)" in line
    assert people.sql("SELECT count(*) FROM customers") == before


@pytest.mark.parametrize("args, field", [
    ("customer add ''", "NAME"),
    ("customer add Bob --phone call-me", "--phone"),
    ("customer add Bob --email bob-at-home", "--email"),
])
def test_bad_customer_input(people, args, field):
    before = people.sql("SELECT count(*) FROM customers")
    result = people(args)
    assert result.exit_code == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"daigou: {field}")
    assert people.sql("SELECT count(*) FROM customers") == before


# ----------------------------------------------------------------- customer show

def test_customer_show_orders_spend_and_balance_due(people):
    p = people
    p.run("product add KIT --name 'Kit Kat' --price 5000 --currency JPY")
    # CNY: 2 × 420 = 840.00, 500 paid, 340.00 due.
    cny = int(p.run("order new 王小美 SHI-50:2 --deposit 500 --at 2026-10-05 -q").stdout)
    # JPY on 2026-09-15 (rate 0.0478): 10000 total, paid in full = 478.00 CNY.
    yen = int(p.run("order new wxm_88 KIT:2 --currency JPY --at 2026-09-15 -q").stdout)
    p.run(f"order pay {yen} 10000 --at 2026-09-16")
    # JPY on 2026-10-10 (rate 0.05): 5000 total, 2000 paid = 100.00 CNY, 3000 due = 150.00 CNY.
    yen2 = int(p.run("order new wxm_88 KIT:1 --currency JPY --deposit 2000 --at 2026-10-10 -q").stdout)
    # Cancelled with 100.00 paid and 40.00 refunded: 60.00 still owed back, spend 0.
    gone = int(p.run("order new 王小美 POCKY:10 --deposit 100 --at 2026-10-06 -q").stdout)
    p.run(f"order cancel {gone} --reason 'no longer needed' --no-refund --at 2026-10-07")
    p.run(f"order refund {gone} 40 --at 2026-10-08")
    # Someone else's order does not count.
    p.run("order new Kenji SHI-50:1 --deposit 420 --at 2026-10-05")

    shown = p.json("customer show 王小美")
    assert (shown["id"], shown["name"], shown["wechat"], shown["phone"], shown["email"], shown["region"]) == (
        1, "王小美", "wxm_88", "+8613800138000", "xiaomei.wang@example.com", "Shanghai")
    assert shown["currency"] == "CNY"
    assert shown["spend"] == 1078      # 500.00 + 478.00 + 100.00 + 0
    assert shown["balance_due"] == 490  # 340.00 + 150.00
    assert shown["orders_count"] == 4
    assert "unconverted_orders" not in shown
    assert [(o["id"], o["state"], o["total"], o["paid"], o["balance_due"], o["currency"])
            for o in shown["orders"]] == [
        (yen, "paid", 10000, 10000, 0, "JPY"),
        (cny, "deposit_paid", 840, 500, 340, "CNY"),
        (gone, "cancelled", 150, 60, 0, "CNY"),
        (yen2, "deposit_paid", 5000, 2000, 3000, "JPY"),
    ]

    (row,) = p.csv("customer show wxm_88")
    assert (row["spend"], row["balance_due"], row["currency"]) == ("1078.00", "490.00", "CNY")


def test_customer_show_spend_uses_the_rate_of_the_order_date_not_today(people):
    p = people
    p.run("product add KIT --name 'Kit Kat' --price 5000 --currency JPY")
    p.run("order new Kenji KIT:1 --currency JPY --deposit 5000 --at 2026-09-20")
    p.run("fx set JPY 0.06 --at 2026-10-20")
    shown = p.json("customer show Kenji")
    assert shown["spend"] == 239  # 5000 × 0.0478
    assert shown["balance_due"] == 0


def test_customer_show_as_of(people):
    p = people
    oid = int(p.run("order new 王小美 SHI-50:1 --at 2026-10-05 -q").stdout)
    p.run(f"order pay {oid} 420 --at 2026-10-07")
    before = p.json("customer show 王小美 --as-of 2026-10-06")
    assert (before["spend"], before["balance_due"]) == (0, 420)
    after = p.json("customer show 王小美")
    assert (after["spend"], after["balance_due"]) == (420, 0)


def test_customer_list_counts_orders(people):
    people.run("order new 王小美 POCKY:1")
    people.run("order new 王小美 POCKY:2")
    rows = {r["name"]: r for r in people.csv("customer list")}
    assert (rows["王小美"]["orders"], rows["Kenji"]["orders"]) == ("2", "0")
    assert [r["name"] for r in people.csv("customer list --region tokyo")] == ["Kenji"]
