from decimal import Decimal


def test_receipts_in_jpy_are_valued_at_the_rate_in_force(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    shop.run("stock add SHI-50 5 --cost 4000 --currency JPY --location TOKYO --at 2026-10-15")
    (row,) = shop.csv("stock list --sku SHI-50")
    assert row["on_hand"] == "15"
    assert Decimal(row["value"]) == Decimal("3007.60")  # 10 × 200.76 + 5 × 200.00
    assert row["currency"] == "CNY"
