"""`order import --from csv`: the generic layout (one row per line), a mapping file for any
spreadsheet, stdin, and the round trip of `order list --lines`."""

import pytest
from order_import_data import counts, lines, orders, payments, stderr_lines, stock_shop


@pytest.fixture
def shop(daigou):
    return stock_shop(daigou)


SHEET = (
    "order_id,date,customer,sku,qty,price,currency,channel,paid,status,phone,email,region\n"
    "WX-1101,2026-11-01 20:15,张阿姨,SHISEIDO-UB-50,2,680,CNY,wechat,500,deposit_paid,+86 136 1111 2222,,Shanghai\n"
    "WX-1101,2026-11-01 20:15,张阿姨,POCKY-CHOCO,3,15,CNY,wechat,500,deposit_paid,+86 136 1111 2222,,Shanghai\n"
    "XHS-1102,2026-11-03 10:00,王小美,ANESSA-60,2,199,CNY,xhs,398,paid,13912345678,,Shanghai\n"
    "WX-1103,2026-11-05,老周,SWITCH-OLED,1,2399,,,,,+86 158 0000 3333,,Hangzhou\n"
    "WX-1104,2026/11/06 9:05,老周,SKII-FTE-230,1,1580,CNY,,,cancelled,+86 158 0000 3333,,\n"
)


def test_the_generic_layout_from_stdin(shop):
    result = shop.run("order import - --from csv", input=SHEET)
    assert result.stdout == "imported orders from stdin: 4 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert [(o["external_id"], o["channel"], o["customer"], o["state"], o["total"], o["paid"], o["backordered"],
             o["created_at"]) for o in orders(shop)] == [
        ("WX-1101", "wechat", "张阿姨", "deposit_paid", "1405.00", "500.00", "0", "2026-11-01T20:15:00+08:00"),
        ("XHS-1102", "xhs", "王小美", "paid", "398.00", "398.00", "0", "2026-11-03T10:00:00+08:00"),
        ("WX-1103", "wechat", "老周", "pending", "2399.00", "0.00", "1", "2026-11-05T00:00:00+08:00"),
        ("WX-1104", "wechat", "老周", "cancelled", "1580.00", "0.00", "0", "2026-11-06T09:05:00+08:00"),
    ]
    assert lines(shop, "WX-1101") == [("SHISEIDO-UB-50", 2, 68000), ("POCKY-CHOCO", 3, 1500)]
    assert shop.sql("SELECT name, phone, region FROM customers ORDER BY id") == [
        ("张阿姨", "+8613611112222", "Shanghai"), ("王小美", "13912345678", "Shanghai"),
        ("老周", "+8615800003333", "Hangzhou")]


def test_channel_defaults_to_the_option_then_wechat(shop):
    text = "order_id,date,customer,sku,qty,price\nA-1,2026-11-01,Amy,POCKY-CHOCO,1,15\n"
    shop.run("order import - --from csv --channel xhs", input=text)
    shop.run("order import - --from csv", input=text)
    assert [(o["external_id"], o["channel"]) for o in orders(shop)] == [("A-1", "xhs"), ("A-1", "wechat")]


MAPPED = (
    "单号,下单日期,微信昵称,微信号,产品编码,件数,售价,收款,备注\n"
    "8,2026/11/15 21:05,小林,lin_xiaolin,ANESSA-60,1,199,229,要礼盒\n"
    "8,2026/11/15 21:05,小林,lin_xiaolin,POCKY-CHOCO,2,15,229,\n"
    "9,2026/11/16 09:40,Amy 张,amyzhang_sh,SKII-FTE-230,1,1580,0,下周付\n"
)
RULES = """# my WeChat order sheet
单号 = order_id
下单日期 = date
微信昵称 = customer
 微信号 =  wechat
产品编码 = sku
件数 = qty
售价 = price
收款 = paid
"""


def test_a_mapping_file_reads_any_spreadsheet(shop, tmp_path):
    (tmp_path / "sheet.rules").write_text(RULES, encoding="utf-8")
    shop.run(f"order import - --from csv --mapping {tmp_path / 'sheet.rules'}", input=MAPPED)
    assert [(o["external_id"], o["customer"], o["state"], o["total"], o["paid"]) for o in orders(shop)] == [
        ("8", "小林", "paid", "229.00", "229.00"), ("9", "Amy 张", "pending", "1580.00", "0.00")]
    assert shop.sql("SELECT name, wechat FROM customers ORDER BY id") == [("小林", "lin_xiaolin"),
                                                                         ("Amy 张", "amyzhang_sh")]


def test_a_mapping_to_a_field_we_do_not_have_is_named(shop, tmp_path):
    (tmp_path / "bad.rules").write_text("单号 = order_id\n件数 = quantity_sold\n", encoding="utf-8")
    result = shop.run(f"order import - --from csv --mapping {tmp_path / 'bad.rules'}", input=MAPPED, code=3)
    assert stderr_lines(result)[0].startswith(
        f"daigou: {tmp_path / 'bad.rules'} line 2: 'quantity_sold' is not a field (order_id, external_id, id, date,")


@pytest.mark.parametrize("row, message", [
    ("WX-9,2026-11-31,Amy,POCKY-CHOCO,2,15,30", "line 2, column date: value '2026-11-31': not a date or time "
                                                "(like 2026-11-11 20:00:00)"),
    ("WX-9,2026-11-10,Amy,POCKY-CHOCO,2,15,40", "line 2, column line_total: value '40': qty × price is 30.00 CNY"),
    (",2026-11-10,Amy,POCKY-CHOCO,2,15,30", "line 2, column order_id: value '': required"),
    ("WX-9,2026-11-10,Amy,POCKY-CHOCO,two,15,30", "line 2, column qty: value 'two': not a whole number"),
    ("WX-9,2026-11-10,Amy,NOPE,2,15,30", "line 2, column sku: value 'NOPE': unknown SKU (add it with daigou "
                                         "product add, or import with --create-products)"),
])
def test_a_bad_cell_is_named_and_nothing_is_written(shop, row, message):
    before = counts(shop)
    text = "order_id,date,customer,sku,qty,price,line_total\nWX-8,2026-11-10,Amy,POCKY-CHOCO,1,15,15\n" + row + "\n"
    result = shop.run("order import - --from csv", input=text.replace("line 2", "line 3"), code=3)
    assert stderr_lines(result) == [f"daigou: stdin {message.replace('line 2', 'line 3')}; nothing imported"]
    assert counts(shop) == before


def test_a_utf8_file_with_a_bom(shop, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SHEET.encode("utf-8"))
    shop.run(f"order import {path} --from csv -q")
    assert len(orders(shop)) == 4


def test_order_list_lines_imports_back_into_another_ledger(shop, tmp_path):
    from conftest import Daigou

    shop.run("order import - --from csv", input=SHEET)
    shop.run("order new 王小美 POCKY-CHOCO:4@15 ANESSA-60:1 --priority high --due 2026-12-01 --deposit 20 "
             "--at 2026-11-07")
    shop.run("order pay WX-1103 2399 --at 2026-11-08")
    shop.run("order cancel XHS-1102 --reason 不要了 --no-refund --at 2026-11-09")
    shop.run("order refund XHS-1102 398 --at 2026-11-09")
    export = shop.run("order list --lines --format csv").stdout
    assert export.splitlines()[0] == ("id,external_id,channel,customer,state,priority,total,paid,refunded,"
                                      "balance_due,currency,created_at,due,line,sku,title,qty,price,phone,email,"
                                      "wechat,region")
    other = stock_shop(Daigou(tmp_path / "other.db"))
    result = other.run("order import - --from csv", input=export)
    assert result.stdout == "imported orders from stdin: 5 created, 0 updated, 0 unchanged, 0 rejected\n"
    keep = ("channel", "customer", "state", "priority", "total", "paid", "refunded", "balance_due", "currency",
            "created_at", "due", "units", "reserved", "backordered")
    here = [{k: r[k] for k in keep} for r in shop.csv("order list")]
    there = [{k: r[k] for k in keep} for r in other.csv("order list")]
    assert there == here
    new_order = [r for r in shop.csv("order list") if not r["external_id"]][0]
    # an order taken without an external id keeps its id from the first ledger as one
    assert {r["created_at"]: r["external_id"] for r in other.csv("order list")}[new_order["created_at"]] == \
        new_order["id"]
    again = other.run("order import - --from csv", input=export)
    assert again.stdout == "imported orders from stdin: 0 created, 0 updated, 5 unchanged, 0 rejected\n"


def test_order_list_lines_imports_back_into_the_same_ledger_as_unchanged(shop):
    shop.run("order import - --from csv", input=SHEET)
    shop.run("order new 王小美 POCKY-CHOCO:4@15 --at 2026-11-07")
    before = counts(shop)
    export = shop.run("order list --lines --format csv").stdout
    result = shop.run("order import - --from csv", input=export)
    assert result.stdout == "imported orders from stdin: 0 created, 0 updated, 5 unchanged, 0 rejected\n"
    assert counts(shop) == before


def test_payment_columns_that_do_not_add_up_are_refused(shop):
    text = "order_id,date,customer,sku,qty,price,paid\nWX-7,2026-11-10,Amy,POCKY-CHOCO,2,15,31\n"
    result = shop.run("order import - --from csv", input=text, code=3)
    assert stderr_lines(result) == ["daigou: stdin line 2, column paid: value '31': more than the order total "
                                    "30.00 CNY; nothing imported"]
    assert payments(shop, "WX-7") == []


EMPTY_PRICE = ("order_id,date,customer,sku,qty,price\n"
               "WX-P1,2026-11-20,小林,ANESSA-60,1,\n"
               "WX-P2,2026-11-20,小林,ANESSA-60,1,199\n")


@pytest.mark.parametrize("options", ["", "--create-products"])
def test_an_empty_price_is_a_bad_row_not_a_crash(shop, options):
    before = counts(shop)
    result = shop.run(f"order import - --from csv {options}", input=EMPTY_PRICE, code=3)
    assert stderr_lines(result) == ["daigou: stdin line 2, column price: value '': required; nothing imported"]
    assert counts(shop) == before


def test_an_empty_price_on_a_dry_run_is_listed(shop):
    before = counts(shop)
    result = shop.run("order import - --from csv --dry-run", input=EMPTY_PRICE, code=3)
    assert stderr_lines(result) == ["stdin line 2, column price: value '': required",
                                    "daigou: stdin: 1 bad order; a real import would write nothing"]
    assert counts(shop) == before


def test_skip_invalid_rejects_the_row_with_an_empty_price_and_imports_the_rest(shop, tmp_path):
    path = tmp_path / "pe.csv"
    path.write_text(EMPTY_PRICE, encoding="utf-8")
    result = shop.run(f"order import {path} --from csv --skip-invalid")
    assert result.stdout.startswith(f"imported orders from {path}: 1 created, 0 updated, 0 unchanged, 1 rejected")
    assert [(o["external_id"], o["total"]) for o in orders(shop)] == [("WX-P2", "199.00")]
    assert (tmp_path / "pe.rejects.csv").read_text(encoding="utf-8").splitlines() == [
        "reason,line,order_id,date,customer,sku,qty,price",
        "column price: value '': required,2,WX-P1,2026-11-20,小林,ANESSA-60,1,"]


@pytest.mark.parametrize("status", ["paid", "已付款"])
def test_a_paid_status_with_nothing_paid_is_refused(shop, status):
    before = counts(shop)
    text = f"order_id,date,customer,sku,qty,price,paid,status\nWX-8,2026-11-10,Amy,POCKY-CHOCO,2,15,0,{status}\n"
    result = shop.run("order import - --from csv", input=text, code=3)
    assert stderr_lines(result) == [f"daigou: stdin line 2, column paid: value '0': the status says '{status}' but "
                                    "this says nothing was received (leave it empty for the whole total); "
                                    "nothing imported"]
    assert counts(shop) == before


@pytest.mark.parametrize("paid, state, received", [("", "paid", "30.00"), ("30", "paid", "30.00"),
                                                   ("10", "deposit_paid", "10.00")])
def test_a_paid_status_takes_what_the_paid_column_says(shop, paid, state, received):
    text = f"order_id,date,customer,sku,qty,price,paid,status\nWX-8,2026-11-10,Amy,POCKY-CHOCO,2,15,{paid},paid\n"
    shop.run("order import - --from csv", input=text)
    assert [(o["state"], o["paid"]) for o in orders(shop)] == [(state, received)]


@pytest.mark.parametrize("rules, message", [
    ("单号 = order_id\n下单日期 = order_id\n", "rules.txt line 2: field 'order_id' is also on line 1"),
    ("单号 = order_id\n# a comment\n单号 = customer\n", "rules.txt line 3: column '单号' is also on line 1"),
])
def test_a_mapping_that_names_a_column_or_field_twice_is_refused(shop, tmp_path, rules, message):
    (tmp_path / "rules.txt").write_text(rules, encoding="utf-8")
    before = counts(shop)
    result = shop.run(f"order import - --from csv --mapping {tmp_path / 'rules.txt'}", input="单号\n1\n", code=3)
    assert result.stderr.strip() == f"daigou: {tmp_path / message}"
    assert counts(shop) == before
