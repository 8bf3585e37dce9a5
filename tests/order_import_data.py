"""Shared by tests/test_order_import_*.py: the real export headers (from the platforms'
own files, columns in their order) and a small stocked shop to import orders into."""

import csv
import io

SHOPIFY_HEADER = 'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References'
TAOBAO_ORDERS_HEADER = '"订单编号","买家会员名","买家支付宝账号","支付单号","支付详情","买家应付货款","买家应付邮费","买家支付积分","总金额","返点积分","买家实际支付金额","买家实际支付积分","订单状态","买家留言","收货人姓名","收货地址 ","运送方式","联系电话 ","联系手机","订单创建时间","订单付款时间 ","宝贝标题 ","宝贝种类 ","物流单号 ","物流公司","订单备注","宝贝总数量","店铺Id","店铺名称","订单关闭原因","卖家服务费","买家服务费","发票抬头","是否手机订单","分阶段订单信息","特权订金订单id","是否上传合同照片","是否上传小票","是否代付","定金排名","修改后的sku","修改后的收货地址","异常信息","天猫卡券抵扣","集分宝抵扣","是否是O2O交易","新零售交易类型","新零售导购门店名称","新零售导购门店id","新零售发货门店名称","新零售发货门店id","退款金额","预约门店","确认收货时间","打款商家金额","含应开票给个人的个人红包","是否信用购","体验期结束时间","前N有礼","配送类型","主订单编号"'
TAOBAO_ITEMS_HEADER = '"订单编号","标题","价格","购买数量","外部系统编号","商品属性","套餐信息","备注","订单状态","商家编码"'
WOOCOMMERCE_HEADER = 'order_id,order_number,date,status,shipping_total,shipping_tax_total,fee_total,fee_tax_total,tax_total,discount_total,order_total,refunded_total,order_currency,payment_method,shipping_method,customer_id,billing_first_name,billing_last_name,billing_company,billing_email,billing_phone,billing_address_1,billing_address_2,billing_postcode,billing_city,billing_state,billing_country,shipping_first_name,shipping_last_name,shipping_address_1,shipping_address_2,shipping_postcode,shipping_city,shipping_state,shipping_country,shipping_company,customer_note,item_id,item_product_id,item_name,item_sku,item_quantity,item_subtotal,item_subtotal_tax,item_total,item_total_tax,item_refunded,item_refunded_qty,item_meta,shipping_items,fee_items,tax_items,coupon_items,order_notes,download_permissions_granted'

PRODUCTS = (
    "sku,name,category,zone,price,currency\n"
    "SHISEIDO-UB-50,资生堂红腰子精华 50ml,cosmetics,JP,680,CNY\n"
    "ANESSA-60,安热沙小金瓶防晒 60ml,cosmetics,JP,199,CNY\n"
    "SKII-FTE-230,SK-II 神仙水 230ml,cosmetics,JP,1580,CNY\n"
    "POCKY-CHOCO,Pocky 巧克力棒,snacks,JP,15,CNY\n"
    "WHOO-CREAM-50,Whoo 后天气丹乳霜 50ml,cosmetics,KR,1380,CNY\n"
    "JSM-CUSHION,郑青水水光气垫,cosmetics,KR,289,CNY\n"
    "SWITCH-OLED,任天堂 Switch OLED 日版,electronics,JP,2399,CNY\n"
)
STOCK = (
    "sku,qty,cost,currency,location,at\n"
    "SHISEIDO-UB-50,5,10200,JPY,SH,2026-10-01\n"
    "ANESSA-60,10,2980,JPY,SH,2026-10-01\n"
    "SKII-FTE-230,2,23800,JPY,SH,2026-10-01\n"
    "POCKY-CHOCO,20,170,JPY,SH,2026-10-01\n"
    "WHOO-CREAM-50,3,190000,KRW,SH,2026-10-01\n"
    "JSM-CUSHION,2,38000,KRW,SH,2026-10-01\n"
)
LEDGER_TABLES = ("entries", "orders", "order_lines", "reservations", "payments", "order_events", "customers",
                 "customer_ids", "products", "order_source_rows")


def stock_shop(daigou):
    """One location in Shanghai, seven products, stock of six (none of SWITCH-OLED)."""
    daigou.run("location add SH --region Shanghai")
    daigou.run("fx set JPY 0.048 --at 2026-09-01")
    daigou.run("fx set KRW 0.0052 --at 2026-09-01")
    daigou.run("product import -", input=PRODUCTS)
    daigou.run("stock import -", input=STOCK)
    return daigou


def table(header: str, rows: list[dict], quote_all: bool = False, lineterminator: str = "\n") -> str:
    """A CSV in the layout `header` (the platform's header line): each row a dict of the cells
    it fills, every other cell empty. Unknown column names are a mistake in the test."""
    columns = next(csv.reader(io.StringIO(header)))
    out = io.StringIO()
    out.write(header + lineterminator)
    writer = csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"not in the header: {unknown}"
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def counts(daigou) -> dict:
    """Rows in every table an order import writes."""
    return {name: daigou.sql(f"SELECT count(*) FROM {name}")[0][0] for name in LEDGER_TABLES}


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def orders(daigou) -> list[dict]:
    """`order list` as dicts of the columns these tests check."""
    keep = ("external_id", "channel", "customer", "state", "total", "paid", "balance_due", "currency",
            "created_at", "refunded", "reserved", "backordered")
    return [{k: row[k] for k in keep} for row in daigou.csv("order list")]


def lines(daigou, external_id: str) -> list[tuple]:
    return daigou.sql("SELECT l.sku, l.qty, l.price FROM order_lines l JOIN orders o ON o.id = l.order_id "
                      "WHERE o.external_id = ? ORDER BY l.line_no", (external_id,))


def payments(daigou, external_id: str) -> list[tuple]:
    return daigou.sql("SELECT p.amount, p.method, p.at FROM payments p JOIN orders o ON o.id = p.order_id "
                      "WHERE o.external_id = ? ORDER BY p.entry_id", (external_id,))
