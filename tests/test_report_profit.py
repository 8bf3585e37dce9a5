"""`report profit` to the cent on the month of tests/report_scenarios.py (numbers worked out
by hand there): two FIFO lots at different JPY rates, revenue converted on the shipping day,
a partial return restocked at its lot cost, parcel costs, a channel fee and refunds."""

import pytest
from report_scenarios import profit_month

AMOUNTS = ["revenue", "cogs", "shipping", "fees", "refunds", "gross_profit", "margin"]


@pytest.fixture(scope="module")
def november(tmp_path_factory):
    return profit_month(tmp_path_factory.mktemp("profit") / "ledger.db")


def figures(row):
    return [row[k] for k in AMOUNTS]


def test_the_month_to_the_cent(november):
    rows = november.csv("report profit --period 2026-11")
    assert list(rows[0]) == ["period", "revenue", "cogs", "shipping", "fees", "refunds", "gross_profit", "margin",
                             "currency"]
    assert rows == [{"period": "2026-11", "revenue": "2361.60", "cogs": "862.40", "shipping": "57.00",
                     "fees": "54.57", "refunds": "500.20", "gross_profit": "887.43", "margin": "37.6",
                     "currency": "CNY"}]


def test_by_sku_splits_a_shared_parcel_by_revenue(november):
    rows = november.csv("report profit --period 2026-11 --by sku")
    # SHI-50: 1881.60 + 300; cogs 802.40 − 210.00 + 210.00; shipping 35 + 9.09; refund 480.20
    # POCKY: 150 + 30; cogs 50 + 10; shipping 12 + 0.91; refund 20.00
    assert [(r["key"], r["name"], *figures(r)) for r in rows] == [
        ("SHI-50", "资生堂 红腰子 50ml", "2181.60", "802.40", "44.09", "54.57", "480.20", "800.34", "36.7"),
        ("POCKY", "Pocky 巧克力", "180.00", "60.00", "12.91", "0.00", "20.00", "87.09", "48.4"),
    ]


def test_by_order_channel_customer_and_category(november):
    o = november.orders
    by_order = november.csv("report profit --period 2026-11 --by order")
    assert [(int(r["key"]), r["customer"], r["channel"], *figures(r)) for r in by_order] == [
        (o["o1"], "王小美", "shopify", "1881.60", "592.40", "35.00", "54.57", "480.20", "719.43", "38.2"),
        (o["o2"], "李娜", "wechat", "150.00", "50.00", "12.00", "0.00", "20.00", "68.00", "45.3"),
        (o["o4"], "王小美", "wechat", "330.00", "220.00", "10.00", "0.00", "0.00", "100.00", "30.3"),
    ]  # o3 was cancelled: its refunded deposit is neither revenue nor a refund
    by_channel = november.csv("report profit --period 2026-11 --by channel")
    assert [(r["key"], r["gross_profit"], r["margin"]) for r in by_channel] == [
        ("shopify", "719.43", "38.2"), ("wechat", "168.00", "35.0")]
    by_customer = november.csv("report profit --period 2026-11 --by customer")
    assert [(r["name"], r["revenue"], r["cogs"], r["shipping"], r["gross_profit"], r["margin"]) for r in by_customer] == [
        ("王小美", "2211.60", "812.40", "45.00", "819.43", "37.1"), ("李娜", "150.00", "50.00", "12.00", "68.00", "45.3")]
    by_category = november.csv("report profit --period 2026-11 --by category")
    assert [(r["key"], r["gross_profit"]) for r in by_category] == [("cosmetics", "800.34"), ("snacks", "87.09")]


def test_months_of_a_quarter(november):
    rows = november.csv("report profit --period 2026-Q4 --by month")
    assert [(r["period"], *figures(r)) for r in rows] == [
        ("2026-11", "2361.60", "862.40", "57.00", "54.57", "500.20", "887.43", "37.6"),
        ("2026-12", "15.00", "5.00", "8.00", "0.00", "0.00", "2.00", "13.3"),
    ]


def test_as_of_a_day_before_the_return(november):
    rows = november.csv("report profit --period 2026-11 --as-of 2026-11-09")
    # o1 and o2 shipped, o2's refund given; the return (11-10) and o4 (11-12) not yet
    assert figures(rows[0]) == ["2031.60", "852.40", "47.00", "54.57", "20.00", "1057.63", "52.1"]


def test_json_keeps_amounts_exact(november):
    rows = november.json("report profit --period 2026-11 --by category")
    assert rows[0] == {"key": "cosmetics", "revenue": 2181.60, "cogs": 802.40, "shipping": 44.09, "fees": 54.57,
                       "refunds": 480.20, "gross_profit": 800.34, "margin": 36.7, "currency": "CNY"}


def test_a_terminal_gets_a_totals_row(november):
    out = november.run("report profit --period 2026-11 --by sku --format table").stdout
    total = next(line for line in out.splitlines() if line.strip().startswith("total"))
    assert total.split() == ["total", "2361.60", "862.40", "57.00", "54.57", "500.20", "887.43", "37.6", "CNY"]


def test_a_month_with_nothing_is_empty(november):
    assert november.csv("report profit --period 2026-08") == []


@pytest.mark.parametrize("args, message", [
    ("--period 2026-13", "--period: '2026-13' is not a period"),
    ("--period 2026-11 --from 2026-11-01", "--period: give either --period or --from/--to"),
])
def test_bad_options_exit_3_naming_them(november, args, message):
    result = november(f"report profit {args}")
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"daigou: {message}")


def test_channel_fee_rates_are_checked_and_normalised(daigou):
    daigou.run("config set channel_fee_rates 'taobao: 0.6%, Shopify:0.029'")
    assert daigou.run("config get channel_fee_rates").stdout.strip() == "taobao:0.006,shopify:0.029"
    result = daigou("config set channel_fee_rates taobao=0.006")
    assert result.exit_code == 3
    assert "channel_fee_rates: 'taobao=0.006' is not CHANNEL:RATE" in result.stderr


def test_a_sale_with_no_rate_in_force_is_an_error_naming_it(shop):
    shop.run("customer add 王小美 --wechat wxm")
    shop.run("stock add POCKY 5 --cost 100 --currency JPY --location SH --at 2026-10-02")
    rate = int(shop.run("fx set KRW 0.0052 --at 2026-10-01 -q").stdout)
    order = int(shop.run("order new wxm POCKY:1@3000 --currency KRW --at 2026-10-03 -q").stdout)
    shop.run(f"ship {order} --carrier SF --tracking K1 --allow-unpaid --at 2026-10-04")
    shop.run(f"void {rate} --reason typo --at 2026-10-05")
    result = shop("report profit --period 2026-10")
    assert result.exit_code == 3
    assert result.stderr.strip() == ("daigou: fx: no KRW rate on or before 2026-10-04 to convert to CNY "
                                     "(set one: daigou fx set KRW RATE --at DATE)")
