"""Reorder and the trip shopping list: exit codes for cron, packs, grouping, totals, budget."""

import pytest


@pytest.fixture
def shelf(daigou):
    """One location, one supplier, a JPY rate: enough to reorder from."""
    daigou.run("location add HOME --region Shanghai")
    daigou.run("fx set JPY 0.05 --at 2026-10-01")
    daigou.run(["supplier", "add", "松本清", "--currency", "JPY", "--store", "上野中央通店", "--city", "Tokyo"])
    return daigou


def test_reorder_exit_codes_as_a_cron_script_uses_them(shelf):
    shelf.run(["product", "add", "SHI-50", "--name", "红腰子", "--reorder-point", "5", "--reorder-qty", "10",
               "--supplier", "松本清"])
    shelf.run(["product", "add", "POCKY", "--name", "Pocky"])  # no reorder point: never listed
    shelf.run("stock add SHI-50 8 --cost 4200 --currency JPY --at 2026-10-02")
    # Above the reorder point: exit 0, only the header (`daigou reorder > list.csv || mail ...`).
    result = shelf("reorder")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "sku,name,supplier,available,incoming,reorder_point,suggested_qty,unit_cost,currency,store,"
        "backordered,reorder_qty,pack_size,unit_cost_base,total_base,base_currency"]
    assert shelf.json("reorder") == []
    # At the reorder point: exit 1 and the row.
    shelf.run("stock writeoff SHI-50 3 --reason damaged")
    result = shelf("reorder")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == "SHI-50,红腰子,松本清,5,0,5,10,4200,JPY,上野中央通店,0,10,1,210.00,2100.00,CNY"
    # A purchase order on its way lifts it over the point again.
    shelf.run("purchase new 松本清 SHI-50:1@4200")
    assert shelf("reorder").exit_code == 0


def test_reservations_count_against_the_reorder_point(shelf):
    shelf.run(["product", "add", "SHI-50", "--name", "红腰子", "--reorder-point", "5", "--reorder-qty", "10"])
    shelf.run("stock add SHI-50 8 --cost 4200 --currency JPY --at 2026-10-02")
    shelf.run("customer add 王芳")
    shelf.run("order new 王芳 SHI-50:3@420")
    (row,) = shelf.json("reorder", code=1)
    assert (row["available"], row["suggested_qty"], row["supplier"]) == (5, 10, None)


@pytest.mark.parametrize("pack, expected", [("1", 13), ("6", 18), ("12", 24), ("13", 13)])
def test_suggestions_round_up_to_whole_packs(shelf, pack, expected):
    shelf.run(["product", "add", "ANESSA", "--name", "安热沙", "--reorder-point", "5", "--reorder-qty", "10",
               "--pack-size", pack])
    shelf.run("stock add ANESSA 2 --cost 2980 --currency JPY --at 2026-10-02")
    (row,) = shelf.json("reorder", code=1)
    assert (row["available"], row["pack_size"], row["suggested_qty"]) == (2, int(pack), expected)


def test_back_orders_lower_the_position(shelf):
    # 0 available + 4 incoming, but 3 customers wait for them: 1 free against a reorder point of 2.
    shelf.run(["product", "add", "SHI-50", "--name", "红腰子", "--reorder-point", "2", "--reorder-qty", "4"])
    shelf.run("customer add 王芳")
    shelf.run("order new 王芳 SHI-50:3@420")
    shelf.run("purchase new 松本清 SHI-50:4@4200")
    (row,) = shelf.json("reorder", code=1)
    assert (row["available"], row["incoming"], row["backordered"], row["suggested_qty"]) == (0, 4, 3, 5)
    # The shopping list does not buy the waiting units again: the purchase order covers them.
    rows = shelf.csv("shopping-list")
    assert [(r["reason"], r["suggested_qty"]) for r in rows] == [("reorder", "5")]


# ----------------------------------------------------------------- the trip shopping list

@pytest.fixture
def trip(shelf):
    """Two stores in two countries, stock that has run low, and customers waiting."""
    d = shelf
    d.run("fx set KRW 0.005 --at 2026-10-01")
    d.run(["supplier", "add", "Olive Young", "--currency", "KRW", "--store", "明洞旗舰店", "--city", "Seoul"])
    d.run(["product", "add", "SHI-50", "--name", "资生堂红腰子", "--reorder-point", "5", "--reorder-qty", "10",
           "--supplier", "松本清"])
    d.run(["product", "add", "ANESSA", "--name", "安热沙", "--reorder-point", "8", "--reorder-qty", "24",
           "--pack-size", "6", "--supplier", "松本清"])
    d.run(["product", "add", "MASK", "--name", "美迪惠尔面膜", "--reorder-point", "20", "--reorder-qty", "40",
           "--pack-size", "10", "--supplier", "Olive Young"])
    d.run(["product", "add", "NORI", "--name", "两班海苔", "--supplier", "Olive Young"])  # buy to order only
    d.run("stock add SHI-50 6 --cost 4200 --currency JPY --supplier 松本清 --at 2026-10-02")
    d.run("stock add ANESSA 3 --cost 2980 --currency JPY --supplier 松本清 --at 2026-10-02")
    d.run("stock add MASK 10 --cost 14900 --currency KRW --supplier 'Olive Young' --at 2026-10-02")
    for name in ("王芳", "李娜", "张伟"):
        d.run(["customer", "add", name])
    d.run("order new 李娜 NORI:3@45 --at 2026-10-03")                     # 3 back-ordered, normal
    d.run("order new 张伟 MASK:12@119 --priority low --at 2026-10-04")     # 2 back-ordered, low
    d.run("order new 王芳 SHI-50:8@680 --priority urgent --at 2026-10-05")  # 2 back-ordered, urgent
    return d


def test_shopping_list_puts_waiting_customers_first_and_groups_by_store(trip):
    rows = trip.csv("shopping-list")
    assert [(r["priority"], r["supplier"], r["store"], r["reason"], r["sku"], r["suggested_qty"], r["orders"])
            for r in rows] == [
        ("1", "松本清", "上野中央通店", "backorder", "SHI-50", "2", "8"),
        ("5", "松本清", "上野中央通店", "reorder", "SHI-50", "15", ""),
        ("6", "松本清", "上野中央通店", "reorder", "ANESSA", "30", ""),
        ("2", "Olive Young", "明洞旗舰店", "backorder", "NORI", "3", "6"),
        ("3", "Olive Young", "明洞旗舰店", "backorder", "MASK", "10", "7"),
        ("4", "Olive Young", "明洞旗舰店", "reorder", "MASK", "60", ""),
    ]


def test_shopping_list_costs_and_totals_per_group(trip):
    rows = trip.csv("shopping-list")
    assert [(r["sku"], r["unit_cost"], r["currency"], r["unit_cost_base"], r["line_total"], r["line_total_base"])
            for r in rows] == [
        ("SHI-50", "4200", "JPY", "210.00", "8400", "420.00"),
        ("SHI-50", "4200", "JPY", "210.00", "63000", "3150.00"),
        ("ANESSA", "2980", "JPY", "149.00", "89400", "4470.00"),
        ("NORI", "", "", "", "", ""),  # never bought: no price to expect yet
        ("MASK", "14900", "KRW", "74.50", "149000", "745.00"),
        ("MASK", "14900", "KRW", "74.50", "894000", "4470.00"),
    ]
    assert {(r["supplier"], r["group_total"], r["group_total_base"]) for r in rows} == {
        ("松本清", "160800", "8040.00"), ("Olive Young", "1043000", "5215.00")}
    assert {r["keep"] for r in rows} == {"keep"}


def test_shopping_list_table_shows_each_store_and_the_total(trip):
    out = trip.run("shopping-list --format table").stdout
    assert "松本清 — 上野中央通店, Tokyo" in out
    assert "Olive Young — 明洞旗舰店, Seoul" in out
    assert out.index("松本清") < out.index("Olive Young")
    assert "total 13255.00 CNY" in out


def test_budget_drops_reorders_before_back_orders_lowest_priority_first(trip):
    rows = trip.csv("shopping-list --budget 4000")
    # 420 + 0 + 745 = 1165 fits; the next, 4470 for masks to restock, would not.
    assert [(r["priority"], r["reason"], r["sku"], r["keep"]) for r in sorted(rows, key=lambda r: int(r["priority"]))] == [
        ("1", "backorder", "SHI-50", "keep"), ("2", "backorder", "NORI", "keep"),
        ("3", "backorder", "MASK", "keep"), ("4", "reorder", "MASK", "drop"),
        ("5", "reorder", "SHI-50", "drop"), ("6", "reorder", "ANESSA", "drop")]
    out = trip.run("shopping-list --budget 4000 --format table").stdout
    assert "total 13255.00 CNY; budget 4000.00 CNY: keep 1165.00, drop 12090.00" in out
    # A tighter budget drops the least urgent customer's back-order too.
    rows = trip.csv("shopping-list --budget 1000")
    assert [r["sku"] for r in sorted(rows, key=lambda r: int(r["priority"])) if r["keep"] == "keep"] == ["SHI-50", "NORI"]


def test_shopping_list_for_one_supplier(trip):
    rows = trip.csv("shopping-list --supplier 'olive young'")
    assert [(r["reason"], r["sku"]) for r in rows] == [("backorder", "NORI"), ("backorder", "MASK"), ("reorder", "MASK")]
    result = trip("shopping-list --supplier Nowhere")
    assert result.exit_code == 3
    assert "--supplier: no supplier 'Nowhere'" in result.stderr


def test_bad_budget_is_invalid_input(trip):
    result = trip("shopping-list --budget lots")
    assert result.exit_code == 3
    assert "--budget: 'lots' is not an amount" in result.stderr


def test_a_purchase_order_takes_lines_off_the_list(trip):
    trip.run("purchase new 'Olive Young' MASK:62@14900 NORI:3@4500")
    rows = trip.csv("shopping-list")
    assert [(r["reason"], r["sku"], r["suggested_qty"]) for r in rows] == [
        ("backorder", "SHI-50", "2"), ("reorder", "SHI-50", "15"), ("reorder", "ANESSA", "30")]
