"""`daigou report service`: tickets opened and closed, median first response and resolution,
SLA met % by channel, the most-used FAQ entries; and the demo's customer service data."""

import pytest


@pytest.fixture
def month(daigou):
    """November: three WeChat tickets, one email; one October ticket outside the window."""
    d = daigou
    d.run(["customer", "add", "张三", "--wechat", "zs"])
    d.run(["customer", "add", "Emily", "--email", "emily@example.com"])
    d.run(["faq", "add", "如何退货？", "7天内未拆封可以退货。"])
    d.run(["faq", "add", "需要交关税吗？", "一般不用。"])

    def ticket(who, channel, at):
        return d.run(["ticket", "open", who, "q", "--channel", channel, "--at", at, "-q"]).stdout.strip()

    old = ticket("张三", "wechat", "2026-10-30T10:00")
    d.run(["ticket", "reply", old, "--faq", "1", "--at", "2026-10-30T11:00"])
    a = ticket("张三", "wechat", "2026-11-01T23:30")      # answered in 40 min, closed after 2 h
    d.run(["ticket", "reply", a, "--faq", "1", "--at", "2026-11-02T00:10"])
    d.run(["ticket", "close", a, "--at", "2026-11-02T01:30"])
    b = ticket("张三", "wechat", "2026-11-05T10:00")      # answered in 4 h, closed after 10 h
    d.run(["ticket", "reply", b, "--faq", "1", "--at", "2026-11-05T14:00"])
    d.run(["ticket", "close", b, "--at", "2026-11-05T20:00"])
    c = ticket("张三", "wechat", "2026-11-10T09:00")      # answered after 30 h: SLA missed
    d.run(["ticket", "reply", c, "--faq", "2", "--at", "2026-11-11T15:00"])
    ticket("Emily", "email", "2026-11-20T09:00")          # never answered: overdue at the end
    d.run(["ticket", "close", old, "--at", "2026-11-03T09:00"])  # an October ticket closed in November
    return d


def test_by_channel_with_exact_medians(month):
    rows = {r["channel"]: r for r in month.csv("report service --period 2026-11")}
    assert list(rows) == ["wechat", "email", "all"]
    wechat, email, total = rows["wechat"], rows["email"], rows["all"]
    assert (wechat["opened"], wechat["closed"], wechat["open_at_end"], wechat["overdue"]) == ("3", "3", "1", "0")
    assert wechat["median_first_response_hours"] == "4.00"      # 0.67, 4, 30
    assert wechat["median_resolution_hours"] == "10.00"          # 2, 10, and the October one: 95
    assert (wechat["sla_met_pct"], wechat["sla_counted"]) == ("66.7", "3")
    assert (email["opened"], email["overdue"], email["median_first_response_hours"]) == ("1", "1", "")
    assert (email["sla_met_pct"], email["sla_counted"]) == ("0.0", "1")
    assert (total["opened"], total["closed"], total["open_at_end"], total["overdue"]) == ("4", "3", "2", "1")
    assert (total["sla_met_pct"], total["sla_counted"], total["sla_hours"]) == ("50.0", "4", "24")


def test_from_to_window(month):
    rows = {r["channel"]: r for r in month.csv("report service --from 2026-11-05 --to 2026-11-06")}
    assert list(rows) == ["wechat", "all"]
    assert (rows["wechat"]["opened"], rows["wechat"]["closed"]) == ("1", "1")
    assert rows["wechat"]["median_first_response_hours"] == "4.00"
    assert rows["wechat"]["median_resolution_hours"] == "10.00"
    # As of the 6th, ticket c (the 10th) did not exist and e was not open yet.
    assert rows["all"]["open_at_end"] == "0"


def test_most_used_faq_in_the_window(month):
    rows = month.csv("report service --period 2026-11 --by faq")
    assert [(r["rank"], r["id"], r["uses"]) for r in rows] == [("1", "1", "2"), ("2", "2", "1")]
    assert month.csv("report service --period 2026-10 --by faq")[0]["uses"] == "1"
    assert len(month.csv("report service --period 2026-11 --by faq --top 1")) == 1


def test_table_shows_both(month):
    out = month.run("report service --period 2026-11 --format table").stdout
    assert "Customer service 2026-11" in out and "Most-used FAQ" in out and "如何退货？" in out


def test_bad_options(month):
    assert month("report service --by sku").exit_code == 2
    assert month("report service --period 2026-11 --from 2026-11-01").exit_code == 3


def test_an_empty_ledger_reports_zeros(daigou):
    rows = daigou.csv("report service --period 2026-11")
    assert [(r["channel"], r["opened"], r["sla_met_pct"]) for r in rows] == [("all", "0", "")]


def test_demo_service_data_has_one_overdue_ticket_and_a_chinese_faq(tmp_path):
    from daigou_cli.core import demo_service, faq, service_views
    from daigou_cli.core.db import connect, transaction

    conn = connect(tmp_path / "demo.db")
    try:
        with transaction(conn):
            made = demo_service.add_service(conn)
        tickets = service_views.list_tickets(conn)
        assert len(tickets) == len(made["tickets"]) == 5
        assert [t["subject"] for t in tickets if t["overdue"]] == ["想退货，尺寸不合适"]
        assert sum(t["status"] == "open" for t in tickets) == 2
        for word, question in (("正品", "正品"), ("清关", "清关"), ("关税", "关税"), ("退货", "退货"),
                               ("定金", "定金"), ("发货", "发货")):
            assert question in faq.search(conn, word)[0]["question"], word
        assert sum(r["uses"] for r in faq.list_faq(conn)) == 3
    finally:
        conn.close()
