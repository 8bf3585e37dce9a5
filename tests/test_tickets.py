"""Customer service tickets: messages are appended, status and SLA are derived. SLA arithmetic
across midnight and time zones with back-dated --at, and --as-of as the clock."""

import sqlite3

import pytest


@pytest.fixture
def people(daigou):
    daigou.run(["customer", "add", "张三", "--wechat", "zs123", "--region", "Shanghai"])
    daigou.run(["customer", "add", "Li Si", "--email", "lisi@example.com"])
    return daigou


def open_ticket(d, *args):
    return int(d.run(["ticket", "open", *args, "-q"]).stdout.strip())


def ticket(d, tid, as_of=None):
    extra = f" --as-of {as_of}" if as_of else ""
    rows = [r for r in d.csv(f"ticket list{extra}") if r["id"] == str(tid)]
    assert len(rows) == 1
    return rows[0]


def entries(d):
    return d.sql("SELECT count(*) FROM entries")[0][0]


# ----------------------------------------------------------------- SLA arithmetic

def test_a_message_at_2330_answered_at_0010_is_a_40_minute_first_response(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--message", "我的包裹到哪了？", "--at", "2026-11-11T23:30")
    people.run(["ticket", "reply", str(t), "在清关，明天到", "--at", "2026-11-12T00:10"])
    row = ticket(people, t)
    assert row["opened_at"] == "2026-11-11T23:30:00+08:00"
    assert row["last_message_at"] == "2026-11-12T00:10:00+08:00"
    assert row["first_response_hours"] == "0.67"
    assert (row["status"], row["overdue"], row["sla_met"], row["messages"]) == ("open", "no", "yes", "2")
    assert row["waiting_since"] == "" and row["due_at"] == ""


@pytest.mark.parametrize("tz, utc", [("Asia/Shanghai", "2026-11-11T15:30:00Z"),
                                     ("Asia/Tokyo", "2026-11-11T14:30:00Z")])
def test_at_is_typed_in_the_business_time_zone_and_stored_in_utc(people, tz, utc):
    people.run(f"config set timezone {tz}")
    t = open_ticket(people, "张三", "是正品吗", "--at", "2026-11-11T23:30")
    people.run(["ticket", "reply", str(t), "是的", "--at", "2026-11-12T00:10"])
    assert people.sql("SELECT at FROM tickets WHERE id = ?", (t,)) == [(utc,)]
    row = ticket(people, t)
    assert row["opened_at"].startswith("2026-11-11T23:30:00")
    assert row["first_response_hours"] == "0.67"


def test_times_are_shown_in_the_zone_configured_now(people):
    people.run("config set timezone Asia/Tokyo")
    t = open_ticket(people, "张三", "是正品吗", "--at", "2026-11-11T23:30")
    people.run("config set timezone Asia/Shanghai")
    assert ticket(people, t)["opened_at"] == "2026-11-11T22:30:00+08:00"


def test_25_hours_unanswered_is_overdue_and_24_is_not(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T23:30")
    before = ticket(people, t, "2026-11-12T23:29")
    assert (before["overdue"], before["due_at"]) == ("no", "2026-11-12T23:30:00+08:00")
    assert before["sla_met"] == ""  # still inside the first window
    after = ticket(people, t, "2026-11-13T00:30")
    assert (after["overdue"], after["sla_met"]) == ("yes", "no")
    assert [r["id"] for r in people.csv("ticket list --overdue --as-of 2026-11-13T00:30")] == [str(t)]
    assert people.csv("ticket list --overdue --as-of 2026-11-12T23:29") == []


def test_a_follow_up_does_not_restart_the_clock(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T10:00")
    people.run(["ticket", "reply", str(t), "在吗？", "--from", "customer", "--at", "2026-11-12T08:00"])
    row = ticket(people, t, "2026-11-12T11:00")
    assert (row["waiting_since"], row["due_at"], row["overdue"]) == (
        "2026-11-11T10:00:00+08:00", "2026-11-12T10:00:00+08:00", "yes")


def test_my_reply_stops_the_clock_and_the_next_customer_message_starts_it(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T10:00")
    people.run(["ticket", "reply", str(t), "明天发货", "--at", "2026-11-11T12:00"])
    people.run(["ticket", "reply", str(t), "还没收到", "--from", "customer", "--at", "2026-11-14T09:15"])
    row = ticket(people, t, "2026-11-15T09:16")
    assert (row["waiting_since"], row["due_at"], row["overdue"]) == (
        "2026-11-14T09:15:00+08:00", "2026-11-15T09:15:00+08:00", "yes")
    assert row["first_response_hours"] == "2.00"
    assert row["sla_met"] == "yes"  # the first response was in time


def test_sla_hours_comes_from_config(people):
    people.run("config set sla_hours 2")
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T23:30")
    people.run(["ticket", "reply", str(t), "好的", "--at", "2026-11-12T02:00"])
    row = ticket(people, t)
    assert (row["first_response_hours"], row["sla_met"]) == ("2.50", "no")


def test_business_hours_stop_the_clock_overnight(people):
    people.run("config set sla_hours 2")
    people.run("config set business_hours 09:00-21:00")
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T20:30")
    # 30 minutes on the evening it came in, 90 the next morning.
    row = ticket(people, t, "2026-11-12T10:29")
    assert (row["due_at"], row["overdue"]) == ("2026-11-12T10:30:00+08:00", "no")
    assert ticket(people, t, "2026-11-12T10:31")["overdue"] == "yes"
    # A message after closing time waits for the morning: 09:00 + 2h.
    late = open_ticket(people, "张三", "是正品吗", "--at", "2026-11-11T23:30")
    assert ticket(people, late, "2026-11-12T08:00")["due_at"] == "2026-11-12T11:00:00+08:00"


def test_business_hours_follow_the_time_zone(people):
    people.run("config set sla_hours 2")
    people.run("config set business_hours 09:00-21:00")
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T20:30")  # 12:30 UTC
    assert ticket(people, t, "2026-11-12")["due_at"] == "2026-11-12T10:30:00+08:00"
    # The same moment is 21:30 in Tokyo: after hours, so the clock starts at 09:00 there.
    people.run("config set timezone Asia/Tokyo")
    assert ticket(people, t, "2026-11-12")["due_at"] == "2026-11-12T11:00:00+09:00"


def test_bad_business_hours_are_refused(people):
    for value in ("9-21", "21:00-09:00", "09:00-25:00"):
        people.run(["config", "set", "business_hours", value], code=3)
    people.run(["config", "set", "business_hours", ""])


# ----------------------------------------------------------------- close, reopen, resolution

def test_resolution_time_and_closed_tickets_are_never_overdue(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T23:30")
    people.run(["ticket", "close", str(t), "--resolution", "已签收", "--at", "2026-11-13T11:30"])
    row = ticket(people, t, "2026-11-20")
    assert (row["status"], row["resolution"], row["resolution_hours"], row["overdue"]) == (
        "closed", "已签收", "36.00", "no")
    assert row["closed_at"] == "2026-11-13T11:30:00+08:00"
    assert people.csv("ticket list --open") == []


def test_reopen_then_close_again_measures_to_the_last_close(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T08:00")
    people.run(["ticket", "close", str(t), "--at", "2026-11-11T10:00"])
    people.run(["ticket", "reopen", str(t), "--at", "2026-11-12T08:00"])
    row = ticket(people, t, "2026-11-12T09:00")
    assert (row["status"], row["resolution_hours"]) == ("open", "")
    people.run(["ticket", "reply", str(t), "又来了", "--from", "customer", "--at", "2026-11-12T08:00"])
    people.run(["ticket", "close", str(t), "--at", "2026-11-12T20:00"])
    assert ticket(people, t)["resolution_hours"] == "36.00"
    # As it was before the reopening.
    assert ticket(people, t, "2026-11-11T12:00")["resolution_hours"] == "2.00"


def test_ticket_show_lists_messages_in_time_order(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--message", "到哪了？", "--at", "2026-11-11T23:30")
    people.run(["ticket", "reply", str(t), "谢谢", "--from", "customer", "--at", "2026-11-12T09:00"])
    people.run(["ticket", "reply", str(t), "在路上", "--at", "2026-11-12T00:10"])  # logged late
    people.run(["ticket", "close", str(t), "--resolution", "done", "--at", "2026-11-12T10:00"])
    record = people.json(f"ticket show {t}")
    assert [(m["from"], m["message"]) for m in record["messages"]] == [
        ("customer", "到哪了？"), ("me", "在路上"), ("customer", "谢谢")]
    assert [e["event"] for e in record["events"]] == ["opened", "closed"]
    assert record["first_response_hours"] == 0.67
    assert record["customer"] == "张三"


def test_a_ticket_about_an_order(people):
    people.run("location add SH --region Shanghai")
    people.run("product add POCKY --name Pocky --price 15")
    order = people.run("order new 张三 POCKY:1 -q --at 2026-11-01").stdout.strip()
    t = open_ticket(people, "zs123", "包裹到哪了", "--order", order, "--channel", "XHS", "--at", "2026-11-02")
    row = ticket(people, t)
    assert (row["order_id"], row["channel"], row["customer"]) == (order, "xhs", "张三")


def test_write_commands_print_a_line_an_id_or_json(people):
    out = people.run(["ticket", "open", "张三", "包裹到哪了", "--at", "2026-11-11"]).stdout
    assert out.startswith("ticket ") and "张三" in out
    record = people.json("ticket reply 1 hi --at 2026-11-11T01:00")
    assert (record["ticket_id"], record["from"], record["message"]) == (1, "me", "hi")
    assert people.run("ticket close 1 -q --at 2026-11-11T02:00").stdout.strip() == str(record["id"] + 1)


def test_filters_by_customer_and_open(people):
    a = open_ticket(people, "张三", "a", "--at", "2026-11-11")
    b = open_ticket(people, "Li Si", "b", "--channel", "email", "--at", "2026-11-11")
    people.run(f"ticket close {a} --at 2026-11-12")
    assert [r["id"] for r in people.csv("ticket list --customer lisi@example.com")] == [str(b)]
    assert [r["id"] for r in people.csv("ticket list --open")] == [str(b)]
    assert [r["id"] for r in people.csv("ticket list --channel wechat")] == [str(a)]


def test_check_reports_overdue_tickets(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T23:30")
    people.run("check --quiet --as-of 2026-11-12T23:00")
    problems = people.json("check --as-of 2026-11-13T00:30", code=1)
    assert [(p["kind"], p["ref"]) for p in problems] == [("overdue_ticket", f"ticket {t}")]
    assert "张三" in problems[0]["message"]
    people.run(f"ticket reply {t} 来了 --at 2026-11-13T01:00")
    people.run("check --quiet --as-of 2026-11-14")


def test_customer_show_has_a_timeline_with_tickets(people):
    people.run("location add SH --region Shanghai")
    people.run("product add POCKY --name Pocky --price 15")
    people.run("stock add POCKY 5 --cost 5 --at 2026-10-30")
    order = people.run("order new 张三 POCKY:2 -q --at 2026-11-01").stdout.strip()
    people.run(f"order pay {order} 30 --at 2026-11-01T12:00")
    people.run(f"ship {order} --carrier SF --tracking SF100 --at 2026-11-02")
    t = open_ticket(people, "张三", "包裹到哪了", "--order", order, "--at", "2026-11-03")
    people.run(f"ticket close {t} --resolution 已签收 --at 2026-11-04")
    record = people.json("customer show 张三")
    assert [(e["kind"], e["ref"]) for e in record["timeline"]] == [
        ("order", f"order {order}"), ("payment", f"order {order}"), ("shipment", f"order {order}"),
        ("ticket", f"ticket {t}"), ("ticket_closed", f"ticket {t}")]
    assert record["timeline"][1]["amount"] == 30
    assert record["open_tickets"] == 0


# ----------------------------------------------------------------- bad input, nothing written

@pytest.mark.parametrize("args, code", [
    (["ticket", "open", "王五", "hi"], 3),                          # unknown customer
    (["ticket", "open", "张三", "hi", "--order", "99"], 3),          # unknown order
    (["ticket", "open", "张三", "   "], 3),                          # empty subject
    (["ticket", "open", "张三", "hi", "--channel", "fax"], 2),       # not one of the channels: usage
    (["ticket", "open", "张三", "hi", "--message", ""], 3),          # empty message
    (["ticket", "open", "张三", "hi", "--at", "someday"], 3),        # bad time
    (["ticket", "reply", "99", "hi"], 3),                            # unknown ticket
    (["ticket", "reply", "abc", "hi"], 3),
    (["ticket", "reply", "{t}", ""], 3),                             # empty message
    (["ticket", "reply", "{t}"], 3),
    (["ticket", "reply", "{t}", "hi", "--from", "boss"], 2),
    (["ticket", "reply", "{t}", "hi", "--at", "2026-11-10"], 3),     # before it was opened
    (["ticket", "reply", "{closed}", "hi"], 4),                      # closed
    (["ticket", "reply", "{closed}", "hi", "--from", "customer"], 4),
    (["ticket", "close", "{closed}"], 4),
    (["ticket", "reopen", "{t}"], 4),
    (["ticket", "close", "99"], 3),
    (["ticket", "show", "99"], 3),
    (["ticket", "list", "--customer", "王五"], 3),
])
def test_bad_input_is_refused_and_nothing_is_written(people, args, code):
    t = open_ticket(people, "张三", "hi", "--at", "2026-11-11")
    closed = open_ticket(people, "张三", "bye", "--at", "2026-11-11")
    people.run(f"ticket close {closed} --at 2026-11-11T01:00")
    before = entries(people), people.sql("SELECT count(*) FROM ticket_messages")
    result = people([a.format(t=t, closed=closed) for a in args])
    assert result.exit_code == code, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert (entries(people), people.sql("SELECT count(*) FROM ticket_messages")) == before


def test_an_order_of_another_customer_is_refused(people):
    people.run("location add SH --region Shanghai")
    people.run("product add POCKY --name Pocky --price 15")
    order = people.run("order new 'Li Si' POCKY:1 -q").stdout.strip()
    result = people(["ticket", "open", "张三", "hi", "--order", order])
    assert result.exit_code == 3 and "not 张三's" in result.stderr


def test_a_back_dated_reply_before_the_close_is_allowed(people):
    t = open_ticket(people, "张三", "hi", "--at", "2026-11-11T08:00")
    people.run(f"ticket close {t} --at 2026-11-11T12:00")
    people.run(["ticket", "reply", str(t), "forgot to log this", "--at", "2026-11-11T09:00"])
    assert ticket(people, t)["first_response_hours"] == "1.00"


def test_ticket_facts_are_append_only(people):
    t = open_ticket(people, "张三", "hi", "--message", "hello", "--at", "2026-11-11")
    people.run(f"ticket close {t} --at 2026-11-12")
    conn = sqlite3.connect(people.db)
    try:
        for sql in ("UPDATE tickets SET subject = 'x'", "DELETE FROM tickets",
                    "UPDATE ticket_messages SET body = 'x'", "DELETE FROM ticket_messages",
                    "UPDATE ticket_events SET kind = 'reopened'", "DELETE FROM ticket_events",
                    "INSERT OR REPLACE INTO tickets SELECT id, customer_id, 'xhs', order_id, subject, at FROM tickets",
                    "INSERT OR REPLACE INTO ticket_messages SELECT id, entry_id, ticket_id, sender, 'x', faq_id, at "
                    "FROM ticket_messages",
                    "INSERT OR REPLACE INTO ticket_events SELECT entry_id, ticket_id, kind, 'x', at FROM ticket_events"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    finally:
        conn.close()


def test_closing_stops_the_clock_and_reopening_starts_it(people):
    t = open_ticket(people, "张三", "包裹到哪了", "--at", "2026-11-11T10:00")
    people.run(["ticket", "close", str(t), "--resolution", "已签收", "--at", "2026-11-11T11:00"])
    people.run(["ticket", "reopen", str(t), "--at", "2026-11-15T09:00"])
    row = ticket(people, t, "2026-11-15T10:00")
    assert (row["status"], row["waiting_since"], row["due_at"], row["overdue"]) == (
        "open", "2026-11-15T09:00:00+08:00", "2026-11-16T09:00:00+08:00", "no")
    assert ticket(people, t, "2026-11-16T09:01")["overdue"] == "yes"
