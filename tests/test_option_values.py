"""Option values scripts type: dates inside the range a ledger takes, yesterday/today/tomorrow
as the start (or, for --as-of, the end) of that business day, and values outside an option's
fixed list as usage errors (exit 2) — always one stderr line and nothing written."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import shop_ledger

shop_template = shop_ledger.shop_template
shop = shop_ledger.shop

RANGE = "is out of range (1970-01-01 to 9998-12-31)"


def written(daigou):
    return daigou.sql("SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM movements), "
                      "(SELECT count(*) FROM fx_rates), (SELECT count(*) FROM orders)")


def refused(daigou, args, code, line):
    before = written(daigou)
    result = daigou(args)
    assert (result.exit_code, result.stderr, result.stdout) == (code, f"daigou: {line}\n", "")
    assert written(daigou) == before


@pytest.fixture
def stocked(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    shop.run("customer add 王小美 --region Shanghai")
    return shop


# ----------------------------------------------------------------- dates out of range

@pytest.mark.parametrize("args, line", [
    ("stock add POCKY 1 --cost 1 --location SH --at 0001-01-01", f"--at: '0001-01-01' {RANGE}"),
    ("fx set JPY 0.05 --at 0001-01-01", f"--at: '0001-01-01' {RANGE}"),
    ("stock list --as-of 0001-01-01", f"--as-of: '0001-01-01' {RANGE}"),
    ("report sales --from 0001-01-01 --to 0001-01-02", f"--to: '0001-01-02' {RANGE}"),
    ("report sales --from 0001-01-01 --to 2026-01-02", f"--from: '0001-01-01' {RANGE}"),
    ("report profit --from 2026-01-01 --to 9999-12-31", f"--to: '9999-12-31' {RANGE}"),
    ("stock add POCKY 1 --cost 1 --location SH --at 1969-12-31T23:59", f"--at: '1969-12-31T23:59' {RANGE}"),
    ("stock adjust SHI-50 -1 --reason count --at 9999-01-01", f"--at: '9999-01-01' {RANGE}"),
    ("fx list --as-of 0001-01-01T00:00Z", f"--as-of: '0001-01-01T00:00Z' {RANGE}"),
    ("fx list --as-of 1960", f"--as-of: '1960' {RANGE}"),
    ("stock list --as-of 100000d", f"--as-of: '100000d' {RANGE}"),
    ("stock list --as-of 99999999999999999999d", f"--as-of: '99999999999999999999d' {RANGE}"),
    ("order new 王小美 SHI-50:1 --at -99999999999d", f"--at: '-99999999999d' {RANGE}"),
    ("report forecast --from 0001-01-01", f"--from: '0001-01-01' {RANGE}"),
    ("report sales --period 0001", f"--period: '0001' {RANGE}"),
    ("report sales --period 9999-Q4", f"--period: '9999-Q4' {RANGE}"),
    ("report forecast --period 0000-01", f"--period: '0000-01' {RANGE}"),
    ("report sales --period 99999999999d", "--period: '99999999999d' is more than 36500 days (100 years)"),
    ("stock lots --expiring 99999999999d", "--expiring: '99999999999d' is more than 36500 days (100 years)"),
    ("report sales --by sku --from 1970-01-01 --to 9998-12-31",
     "--from: the window is longer than 36500 days (100 years)"),
    ("stock list --as-of 2026-11-11T20:00+99:00", "--as-of: '2026-11-11T20:00+99:00' has a UTC offset beyond ±24:00"),
])
def test_a_date_out_of_range_is_invalid_input(stocked, args, line):
    refused(stocked, args, 3, line)


def test_the_edges_of_the_range_are_dates(stocked):
    stocked.run("stock add POCKY 1 --cost 1 --location SH --at 1970-01-01")
    stocked.run("stock add POCKY 1 --cost 1 --location SH --at 9998-12-31T23:59")
    assert stocked.sql("SELECT at FROM movements WHERE sku = 'POCKY' ORDER BY id") == [
        ("1969-12-31T16:00:00Z",), ("9998-12-31T15:59:00Z",)]
    (row,) = stocked.csv("stock list --sku POCKY --as-of 1970-01-01")
    assert row["on_hand"] == "1"
    (row,) = stocked.csv("stock list --sku POCKY --as-of 9998-12-31")
    assert row["on_hand"] == "2"
    assert stocked.csv("report sales --by sku --from 1970-01-01 --to 2069-12-06") == []


# ----------------------------------------------------------------- yesterday, today, tomorrow

def business_midnight(shift: int) -> str:
    """UTC text of 00:00 in Asia/Shanghai, `shift` days from today there."""
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=shift)
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("Asia/Shanghai"))
    return midnight.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("word, shift", [("yesterday", -1), ("today", 0), ("tomorrow", 1), ("Yesterday", -1)])
def test_at_a_day_word_is_the_start_of_that_business_day(shop, word, shift):
    before = business_midnight(shift)
    shop.run(f"stock add POCKY 1 --cost 12 -l SH --at {word}")
    ((at,),) = shop.sql("SELECT at FROM movements")
    assert at in (before, business_midnight(shift))  # the same unless midnight passed meanwhile


def test_at_a_day_word_follows_the_configured_time_zone(daigou):
    daigou.run("init --timezone America/New_York")
    daigou.run("product add TOTORO --name Totoro")
    day = datetime.now(ZoneInfo("America/New_York")).date() - timedelta(days=1)
    daigou.run("stock add TOTORO 1 --cost 88 --at yesterday")
    ((at,),) = daigou.sql("SELECT at FROM movements")
    assert daigou.csv("stock history TOTORO")[0]["at"] in (f"{day}T00:00:00-05:00", f"{day}T00:00:00-04:00")
    assert at.endswith(("T05:00:00Z", "T04:00:00Z"))


def test_now_and_relative_times_keep_the_time_of_day(shop):
    shop.run("stock add POCKY 1 --cost 12 -l SH --at now")
    shop.run("stock add POCKY 1 --cost 12 -l SH --at 3d")
    (now_at,), (ago_at,) = shop.sql("SELECT at FROM movements ORDER BY id")
    moment = datetime.strptime(now_at, "%Y-%m-%dT%H:%M:%SZ")
    assert abs(datetime.now(timezone.utc).replace(tzinfo=None) - moment) < timedelta(minutes=1)
    assert datetime.strptime(ago_at, "%Y-%m-%dT%H:%M:%SZ") - (moment - timedelta(days=3)) < timedelta(minutes=1)


def test_as_of_a_day_word_is_the_end_of_that_business_day(shop):
    yesterday_start, today_start = business_midnight(-1), business_midnight(0)
    late_yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat() + "T23:59"
    shop.run(f"stock add POCKY 1 --cost 12 -l SH --at {late_yesterday}")
    shop.run("stock add POCKY 2 --cost 12 -l SH --at today")
    shop.run("stock add POCKY 4 --cost 12 -l SH --at tomorrow")
    if business_midnight(0) != today_start or business_midnight(-1) != yesterday_start:
        pytest.skip("midnight passed during the test")
    assert [r["on_hand"] for r in shop.csv("stock list --sku POCKY --as-of yesterday")] == ["1"]
    assert [r["on_hand"] for r in shop.csv("stock list --sku POCKY --as-of today")] == ["3"]
    assert [r["on_hand"] for r in shop.csv("stock list --sku POCKY --as-of tomorrow")] == ["7"]


# ----------------------------------------------------------------- a value outside a fixed list

@pytest.fixture
def everything(stocked):
    """A customer, a supplier's purchase order and a ticket, so each command reaches its check."""
    stocked.run("supplier add Donki --country JP --currency JPY")
    stocked.po = int(stocked.run("purchase new Donki SHI-50:2@4200 --currency JPY -q").stdout)
    stocked.ticket = int(stocked.run(["ticket", "open", "王小美", "hi", "-q"]).stdout)
    return stocked


@pytest.mark.parametrize("args, line", [
    ("report sales --by year", "--by: 'year' is not one of day, week, month, sku, category, channel, customer"),
    ("report profit --by week", "--by: 'week' is not one of month, order, sku, category, channel, customer"),
    ("report stock --by shelf", "--by: 'shelf' is not one of sku, category, zone, location"),
    ("report aging --by location", "--by: 'location' is not one of sku, category, zone"),
    ("report turnover --by channel", "--by: 'channel' is not one of sku, category, zone"),
    ("report customers --by region", "--by: 'region' is not one of customer, month"),
    ("report receivables --by month", "--by: 'month' is not one of customer, order"),
    ("report service --by sku", "--by: 'sku' is not channel or faq"),
    ("report forecast --method arima", "--method: 'arima' is not one of auto, ses, tsb, seasonal_naive, ma28"),
    ("order list --state foo", "--state: 'foo' is not one of pending, deposit_paid, paid, partially_shipped, "
                               "shipped, delivered, cancelled, returned, partially_returned"),
    ("order new 王小美 SHI-50:1 --priority asap", "--priority: 'asap' is not one of urgent, high, normal, low"),
    ("stock writeoff SHI-50 1 --reason broken", "--reason: 'broken' is not one of expired, damaged, lost, sample"),
    ("stock writeoff SHI-50 1 --reason bored -l TOKYO",
     "--reason: 'bored' is not one of expired, damaged, lost, sample"),
    ("purchase receive {po} --split volume", "--split: 'volume' is not value or weight"),
    ("ticket open 王小美 hi --channel fax", "--channel: 'fax' is not one of wechat, xhs, email, phone"),
    ("ticket reply {ticket} hi --from boss", "--from: 'boss' is not one of customer, me"),
    ("notify list --status gone", "--status: 'gone' is not pending, sending, sent or withdrawn"),
    ("notify list --kind parcel", "--kind: 'parcel' is not a notification kind (order_confirmed, deposit_received, "
                                  "payment_received, shipped, info_received, in_transit, customs, out_for_delivery, "
                                  "delivered, exception, returned, lost, return_received, refund_issued, "
                                  "refund_due, order_cancelled)"),
    ("notify template show shipped --language fr", "--language: 'fr' is not a template language (zh-CN, en)"),
    ("stock list --format xml", "--format: 'xml' is not one of table, csv, json"),
])
def test_a_value_outside_an_options_list_is_a_usage_error(everything, args, line):
    refused(everything, args.format(po=everything.po, ticket=everything.ticket), 2, line)


def test_an_unknown_template_kind_argument_stays_invalid_input(shop):
    result = shop("notify template show parcel")
    assert result.exit_code == 3
    assert result.stderr.startswith("daigou: KIND: 'parcel' is not a notification kind")


def test_a_bad_priority_in_an_imported_file_is_a_bad_row(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    csv_text = "order_id,date,customer,sku,qty,price,priority\nA-1,2026-10-02,王小美,SHI-50,1,420,asap\n"
    result = shop("order import - --from csv", input=csv_text)
    assert result.exit_code == 3
    assert "priority" in result.stderr and "'asap'" in result.stderr
    assert shop.sql("SELECT count(*) FROM orders") == [(0,)]
