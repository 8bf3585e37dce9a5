"""Ledgers for the money reports, built once per test module through the CLI (the reports
only read, so tests share them). Every number the tests expect is worked out by hand in the
docstrings here."""

from conftest import Daigou


def profit_month(path) -> Daigou:
    """November 2026 of a daigou selling in JPY and CNY. Base CNY, business time Asia/Shanghai.

    JPY rates: 0.0478 from 09-01, 0.05 from 10-01, 0.048 from 11-01, 0.049 from 11-08.
    Lots, all at SH:  SHI-50 A: 2 × 4000 JPY on 09-10 at 0.0478 = 191.20 CNY each
                      SHI-50 B: 3 × 4200 JPY on 10-05 at 0.05   = 210.00 CNY each
                      POCKY:   20 ×  100 JPY on 10-05 at 0.05   =   5.00 CNY each
    channel_fee_rates shopify:0.029.

    o1 王小美, shopify, JPY: SHI-50 4 @ 9800 JPY, paid; shipped 11-03 (SF, 35.00)
       revenue 39200 JPY × 0.048 = 1881.60; cogs 2 × 191.20 + 2 × 210.00 = 802.40 (FIFO);
       fees 1881.60 × 0.029 = 54.5664 → 54.57.
       11-10 one SHI-50 comes back, restocked into lot B (cogs −210.00), refund 9800 JPY × 0.049 = 480.20.
    o2 李娜, wechat, CNY: POCKY 10 @ 15 = 150.00, paid; shipped 11-05 (12.00); cogs 50.00;
       11-06 refund 20.00 (a discount after the fact).
    o3 李娜: POCKY 2, deposit 10.00, cancelled 11-08 and the deposit refunded: no revenue, no refund.
    o4 王小美, wechat: SHI-50 1 @ 300 + POCKY 2 @ 15 = 330.00, paid; one parcel on 11-12 (10.00)
       split by revenue: SHI-50 300/330 → 9.09, POCKY 0.91. cogs: lot B 210.00 + 2 × 5.00 = 220.00.
    o5 李娜: POCKY 1 @ 15 ordered 11-28, shipped 12-01 (8.00): December (cogs 5.00, profit 2.00).

    November: revenue 2361.60, cogs 862.40, shipping 57.00, fees 54.57, refunds 500.20,
    gross profit 887.43, margin 37.6 %.
    """
    d = Daigou(path)
    for args in [
        "location add SH --region Shanghai",
        "fx set JPY 0.0478 --at 2026-09-01", "fx set JPY 0.05 --at 2026-10-01",
        "fx set JPY 0.048 --at 2026-11-01", "fx set JPY 0.049 --at 2026-11-08",
        ["product", "add", "SHI-50", "--name", "资生堂 红腰子 50ml", "--category", "cosmetics", "--zone", "JP"],
        ["product", "add", "POCKY", "--name", "Pocky 巧克力", "--category", "snacks", "--zone", "JP", "--price", "15"],
        "stock add SHI-50 2 --cost 4000 --currency JPY --location SH --at 2026-09-10",
        "stock add SHI-50 3 --cost 4200 --currency JPY --location SH --at 2026-10-05",
        "stock add POCKY 20 --cost 100 --currency JPY --location SH --at 2026-10-05",
        "customer add 王小美 --wechat wxm", "customer add 李娜 --wechat lina",
        "config set channel_fee_rates shopify:0.029",
    ]:
        d.run(args)

    def order(args: str) -> int:
        return int(d.run(f"order new {args} -q").stdout)

    o1 = order("wxm SHI-50:4@9800 --currency JPY --channel shopify --at 2026-11-02")
    d.run(f"order pay {o1} 39200 --at 2026-11-02")
    d.run(f"ship {o1} --carrier SF --tracking SF001 --cost 35 --at 2026-11-03")
    d.run(f"return {o1} SHI-50:1 --reason 过敏 --restock SH --refund 9800 --at 2026-11-10")
    o2 = order("lina POCKY:10 --at 2026-11-04")
    d.run(f"order pay {o2} 150 --at 2026-11-04")
    d.run(f"ship {o2} --carrier SF --tracking SF002 --cost 12 --at 2026-11-05")
    d.run(f"order refund {o2} 20 --at 2026-11-06")
    o3 = order("lina POCKY:2 --deposit 10 --at 2026-11-07")
    d.run(f"order cancel {o3} --reason 不要了 --no-refund --at 2026-11-08")
    d.run(f"order refund {o3} 10 --at 2026-11-08")
    o4 = order("wxm SHI-50:1@300 POCKY:2 --at 2026-11-11")
    d.run(f"order pay {o4} 330 --at 2026-11-11")
    d.run(f"ship {o4} --carrier SF --tracking SF004 --cost 10 --at 2026-11-12")
    o5 = order("lina POCKY:1 --at 2026-11-28")
    d.run(f"order pay {o5} 15 --at 2026-11-28")
    d.run(f"ship {o5} --carrier SF --tracking SF005 --cost 8 --at 2026-12-01")
    d.orders = {"o1": o1, "o2": o2, "o3": o3, "o4": o4, "o5": o5}
    return d
