"""Amounts in imported files: a comma only ever groups thousands. '199,00' is a decimal comma
and is refused, naming the file, line and column, rather than read as 19900."""

import pytest
from order_import_data import SHOPIFY_HEADER, counts, lines, orders, stderr_lines, stock_shop, table


@pytest.fixture
def shop(daigou):
    return stock_shop(daigou)


def generic(price: str, qty: str = "1") -> str:
    return f'order_id,date,customer,sku,qty,price\nWX-1,2026-11-20,小林,SHISEIDO-UB-50,"{qty}","{price}"\n'


def shopify(price: str) -> str:
    return table(SHOPIFY_HEADER, [{
        "Name": "#2001", "Email": "lin@example.com", "Financial Status": "pending", "Currency": "CNY", "Created at": "2026-11-20 10:00:00 +0800",
        "Lineitem quantity": "1", "Lineitem sku": "SHISEIDO-UB-50", "Lineitem price": price}])


@pytest.mark.parametrize("price, reason", [
    ("199,00", "not an amount (use a dot for decimals: 199.00)"),
    ("1,99", "not an amount (use a dot for decimals: 1.99)"),
    ("1,0,78", "not an amount (a comma only separates thousands, as in 1,078.00)"),
])
@pytest.mark.parametrize("layout, text, column", [
    ("csv", generic, "price"), ("shopify", shopify, "Lineitem price")])
def test_a_decimal_comma_in_an_order_price_writes_nothing(shop, layout, text, column, price, reason):
    before = counts(shop)
    result = shop.run(f"order import - --from {layout}", input=text(price), code=3)
    assert stderr_lines(result) == [f"daigou: stdin line 2, column {column}: value '{price}': {reason}; "
                                    "nothing imported"]
    assert counts(shop) == before


@pytest.mark.parametrize("price, minor", [("1,078.00", 107800), ("1,078", 107800), ("¥1,078.50", 107850)])
@pytest.mark.parametrize("layout, text", [("csv", generic), ("shopify", shopify)])
def test_thousands_grouping_in_an_order_price_is_exact(shop, layout, text, price, minor):
    shop.run(f"order import - --from {layout}", input=text(price))
    (order,) = orders(shop)
    assert lines(shop, order["external_id"]) == [("SHISEIDO-UB-50", 1, minor)]


def test_a_quantity_with_a_stray_comma_is_refused(shop):
    before = counts(shop)
    result = shop.run("order import - --from csv", input=generic("680", qty="1,0"), code=3)
    assert stderr_lines(result) == ["daigou: stdin line 2, column qty: value '1,0': not a whole number; "
                                    "nothing imported"]
    assert counts(shop) == before


RECEIPT = "sku,qty,cost,currency,location,at\nPOCKY-CHOCO,{qty},\"{cost}\",CNY,SH,2026-10-02\n"


def lots(daigou) -> list[tuple]:
    return daigou.sql("SELECT sku, qty, unit_cost, currency FROM lots WHERE sku = 'POCKY-CHOCO' ORDER BY id")


def test_a_decimal_comma_in_a_stock_cost_writes_nothing(shop):
    before = lots(shop)
    result = shop.run("stock import -", input=RECEIPT.format(qty=2, cost="29,80"), code=3)
    assert stderr_lines(result) == ["daigou: stdin line 2, column cost: value '29,80': not an amount "
                                    "(use a dot for decimals: 29.80); nothing imported"]
    assert lots(shop) == before


def test_thousands_grouping_in_a_stock_cost_and_qty_is_exact(shop):
    before = lots(shop)
    shop.run("stock import -", input=RECEIPT.format(qty='"1,200"', cost="1,029.80"))
    assert lots(shop) == before + [("POCKY-CHOCO", 1200, 102980, "CNY")]
