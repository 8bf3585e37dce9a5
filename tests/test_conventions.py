"""The conventions scripts rely on: formats, CSV safety, -q, --db, --at/--as-of, exit codes, one-line errors."""

import csv
import io
import json

import pytest
import shop_ledger

# conftest's shop, copied from a ledger built once per module: the same start, faster.
shop_template = shop_ledger.shop_template
shop = shop_ledger.shop

STOCK_COLUMNS = ["sku", "name", "category", "zone", "location", "on_hand", "reserved", "available",
                 "incoming", "unit_cost", "value", "currency", "days_of_cover"]


def one_error_line(result, code):
    """The documented exit code, and exactly one line on stderr, with no traceback anywhere."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].strip()
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def stocked(shop):
    shop.run("stock add SHI-50 10 --cost 4200 --currency JPY --location TOKYO --at 2026-09-15")
    shop.run("stock add POCKY 24 --cost 12.50 --location SH --at 2026-09-20")
    return shop


# ----------------------------------------------------------------- --format and $DAIGOU_FORMAT

def test_csv_has_the_documented_header(stocked):
    out = stocked.run("stock list --format csv").stdout_bytes.decode("utf-8")
    header = out.split("\r\n")[0].split(",")
    assert header[:len(STOCK_COLUMNS)] == STOCK_COLUMNS


def test_csv_rows_use_crlf_and_plain_decimals(stocked):
    # CliRunner's .stdout folds CRLF into LF; the bytes are what a script reads.
    out = stocked.run("stock list --format csv").stdout_bytes.decode("utf-8")
    assert out.endswith("\r\n")
    assert out.count("\r\n") == 3
    assert "\n" not in out.replace("\r\n", "")
    assert "SHI-50,资生堂 红腰子 50ml,cosmetics,JP,TOKYO,10,0,10,0,200.76,2007.60,CNY," in out
    assert "POCKY,Pocky 巧克力,snacks,JP,SH,24,0,24,0,12.50,300.00,CNY," in out


def test_piped_output_defaults_to_csv(stocked):
    out = stocked.run("stock list").stdout  # CliRunner's stdout is not a terminal
    assert out.startswith("sku,name,category,")


def test_table_format(stocked):
    out = stocked.run("stock list --format table").stdout
    assert "Stock" in out
    assert "资生堂 红腰子 50ml" in out
    assert "2007.60" in out
    assert "total" in out
    assert "sku,name" not in out


def test_json_format_is_a_list_of_records(stocked):
    rows = stocked.json("stock list")
    assert [(r["sku"], r["location"], r["on_hand"]) for r in rows] == [("POCKY", "SH", 24), ("SHI-50", "TOKYO", 10)]
    assert set(STOCK_COLUMNS) <= set(rows[0])
    assert rows[1]["value"] == 2007.6
    assert rows[1]["currency"] == "CNY"


def test_daigou_format_env_sets_the_default(stocked):
    out = stocked.run("stock list", env={"DAIGOU_FORMAT": "json"}).stdout
    assert json.loads(out)[0]["sku"] == "POCKY"
    # --format on the command line wins over the environment.
    out = stocked.run("stock list --format csv", env={"DAIGOU_FORMAT": "json"}).stdout
    assert out.startswith("sku,")


def test_daigou_format_json_also_makes_write_commands_print_the_record(stocked):
    out = stocked.run("stock add POCKY 1 --cost 12 -l SH", env={"DAIGOU_FORMAT": "json"}).stdout
    assert json.loads(out)["qty"] == 1


def test_short_format_option(stocked):
    assert json.loads(stocked.run("stock list -f json").stdout)[0]["sku"] == "POCKY"


def test_unknown_format_is_a_usage_error(stocked):
    line = one_error_line(stocked("stock list --format xml"), 2)
    assert line == "daigou: --format: 'xml' is not one of table, csv, json"
    line = one_error_line(stocked("stock list", env={"DAIGOU_FORMAT": "yaml"}), 2)
    assert "DAIGOU_FORMAT" in line and "'yaml'" in line


def test_write_command_refuses_an_unknown_format(stocked):
    before = stocked.sql("SELECT count(*) FROM entries")
    line = one_error_line(stocked("stock add POCKY 1 --cost 12 -l SH --format xml"), 2)
    assert line.startswith("daigou: --format:")
    assert stocked.sql("SELECT count(*) FROM entries") == before


def test_every_read_command_takes_format(stocked):
    for command in ("stock list", "stock lots", "stock history SHI-50", "location list", "product list",
                    "supplier list", "fx list", "export movements", "config get"):
        for fmt in ("csv", "json", "table"):
            result = stocked(f"{command} --format {fmt}")
            assert result.exit_code == 0, (command, fmt, result.stderr)
            assert result.stdout


# ----------------------------------------------------------------- CSV: RFC 4180 and formula injection

def test_csv_quotes_commas_quotes_and_newlines(shop):
    shop.run(["product", "add", "BOX", "--name", 'Pocky, "big"\nbox'])
    out = shop.run("product list --format csv").stdout_bytes.decode("utf-8")
    assert '\r\nBOX,"Pocky, ""big""\nbox",' in out
    (row,) = [r for r in csv.DictReader(io.StringIO(out, newline="")) if r["sku"] == "BOX"]
    assert row["name"] == 'Pocky, "big"\nbox'


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+86 138 0013 8000", "-cmd|' /C calc'!A0",
                                  "@SUM(A1:A9)", "=1+1"])
def test_cells_that_look_like_formulas_get_a_leading_quote(shop, name):
    shop.run(["product", "add", "EVIL", "--name", name])
    (row,) = [r for r in shop.csv("product list") if r["sku"] == "EVIL"]
    assert row["name"] == "'" + name
    # JSON is data, not a spreadsheet: it keeps the name as typed.
    (record,) = [r for r in shop.json("product list") if r["sku"] == "EVIL"]
    assert record["name"] == name


def test_plain_negative_numbers_stay_numbers(shop):
    shop.run(["product", "add", "NUM", "--name", "-12.50"])
    (row,) = [r for r in shop.csv("product list") if r["sku"] == "NUM"]
    assert row["name"] == "-12.50"


def test_negative_quantities_in_csv_are_not_quoted(stocked):
    stocked.run("stock writeoff SHI-50 3 --reason damaged")
    rows = stocked.csv("stock history SHI-50")
    assert [r["qty"] for r in rows] == ["10", "-3"]
    assert [r["qty"] for r in stocked.csv("export movements")] == ["10", "24", "-3"]


def test_formula_in_a_location_name_and_region(shop):
    shop.run(["location", "add", "OSAKA", "--region", "@Osaka", "--name", "=cmd"])
    (row,) = [r for r in shop.csv("location list") if r["code"] == "OSAKA"]
    assert (row["region"], row["name"]) == ("'@Osaka", "'=cmd")


# ----------------------------------------------------------------- write commands: line, -q, json

def test_write_prints_one_human_line(stocked):
    out = stocked.run("stock add POCKY 6 --cost 12 -l SH").stdout
    assert out.count("\n") == 1
    assert out.startswith("received 6 × POCKY at SH")


def test_quiet_prints_only_the_new_id(stocked):
    out = stocked.run("stock add POCKY 6 --cost 12 -l SH -q").stdout
    assert out == f"{stocked.sql('SELECT max(id) FROM entries')[0][0]}\n"
    assert stocked.run("location add OSAKA --region Osaka --quiet").stdout == "OSAKA\n"
    fx_id = stocked.run("fx set KRW 0.0052 -q").stdout.strip()
    assert stocked.sql("SELECT currency FROM fx_rates WHERE entry_id = ?", (int(fx_id),)) == [("KRW",)]
    assert stocked.run("product add KITKAT --name 'KitKat 抹茶' -q").stdout == "KITKAT\n"


def test_quiet_id_can_be_passed_to_void(stocked):
    entry = stocked.run("stock add POCKY 6 --cost 12 -l SH -q").stdout.strip()
    stocked.run(f"void {entry} --reason typo")
    assert stocked.csv("stock list --sku POCKY")[0]["on_hand"] == "24"


def test_format_json_on_a_write_prints_the_created_record(stocked):
    record = stocked.json("stock add POCKY 6 --cost 12 -l SH --at 2026-10-01T09:30")
    assert record["id"] == stocked.sql("SELECT max(id) FROM entries")[0][0]
    assert (record["sku"], record["qty"], record["location"]) == ("POCKY", 6, "SH")
    assert (record["unit_cost"], record["currency"], record["value"]) == (12, "CNY", 72)
    assert record["at"] == "2026-10-01T09:30:00+08:00"


def test_format_json_on_other_writes(stocked):
    assert stocked.json("fx set USD 7.12 --at 2026-10-01")["rate"] == 7.12
    assert stocked.json("location add OSAKA --region Osaka")["code"] == "OSAKA"
    moved = stocked.json("stock move SHI-50 2 --from TOKYO --to SH")
    assert (moved["qty"], moved["from"], moved["to"]) == (2, "TOKYO", "SH")
    voided = stocked.json(f"void {moved['id']} --reason mistake")
    assert (voided["voids"], voided["kind"]) == (moved["id"], "move")


# ----------------------------------------------------------------- --db anywhere, $DAIGOU_DB

def test_db_before_the_subcommand(daigou, tmp_path):
    other = tmp_path / "other.db"
    daigou.run(f"--db {other} product add TOTORO --name Totoro")
    daigou.run(f"--db {other} stock add TOTORO 2 --cost 88")
    rows = daigou.csv(f"--db {other} stock list")
    assert [(r["sku"], r["on_hand"]) for r in rows] == [("TOTORO", "2")]
    assert not (tmp_path / "ledger.db").exists()  # $DAIGOU_DB was not touched


def test_db_after_the_subcommand(daigou, tmp_path):
    other = tmp_path / "other.db"
    daigou.run(f"product add TOTORO --name Totoro --db {other}")
    daigou.run(f"stock add TOTORO 2 --cost 88 --db {other}")
    rows = daigou.csv(f"stock list --db {other}")
    assert [(r["sku"], r["on_hand"]) for r in rows] == [("TOTORO", "2")]
    rows = daigou.csv(f"--db {other} stock list")
    assert [(r["sku"], r["on_hand"]) for r in rows] == [("TOTORO", "2")]
    assert not (tmp_path / "ledger.db").exists()


def test_db_option_does_not_leak_into_the_next_command(daigou, tmp_path):
    other = tmp_path / "other.db"
    daigou.run(f"--db {other} product add TOTORO --name Totoro")
    daigou.run("product add POCKY --name Pocky")
    assert [r["sku"] for r in daigou.csv("product list")] == ["POCKY"]
    assert [r["sku"] for r in daigou.csv(f"product list --db {other}")] == ["TOTORO"]


def test_daigou_db_env_is_used(daigou, tmp_path):
    other = tmp_path / "env.db"
    daigou.run("product add TOTORO --name Totoro", env={"DAIGOU_DB": str(other)})
    assert other.exists()
    assert daigou.csv(f"product list --db {other}")[0]["sku"] == "TOTORO"


def test_reading_a_ledger_that_does_not_exist_creates_nothing(daigou, tmp_path):
    missing = tmp_path / "nope" / "ledger.db"
    out = daigou.run(f"stock list --db {missing}").stdout_bytes.decode("utf-8")
    assert out.startswith("sku,")
    assert out.count("\r\n") == 1
    assert not missing.exists()


def test_write_creates_the_ledger_and_its_folder(daigou, tmp_path):
    target = tmp_path / "new" / "dir" / "ledger.db"
    daigou.run(f"location add SH --region Shanghai --db {target}")
    assert target.exists()


# ----------------------------------------------------------------- --at and --as-of

def test_at_back_dates_in_the_business_time_zone(shop):
    shop.run("stock add POCKY 1 --cost 12 -l SH --at 2026-09-15")
    shop.run("stock add POCKY 1 --cost 12 -l SH --at 2026-09-15T20:00")
    shop.run("stock add POCKY 1 --cost 12 -l SH --at '2026-09-16 08:30'")
    assert shop.sql("SELECT at FROM entries WHERE kind = 'receipt' ORDER BY id") == [
        ("2026-09-14T16:00:00Z",), ("2026-09-15T12:00:00Z",), ("2026-09-16T00:30:00Z",)]
    assert [r["at"] for r in shop.csv("stock history POCKY")] == [
        "2026-09-15T00:00:00+08:00", "2026-09-15T20:00:00+08:00", "2026-09-16T08:30:00+08:00"]


def test_at_yesterday(shop):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    shop.run("stock add POCKY 1 --cost 12 -l SH --at yesterday")
    (row,) = shop.csv("stock history POCKY")
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    assert row["at"].startswith(yesterday)


def test_recorded_at_is_now_even_when_back_dated(shop):
    shop.run("stock add POCKY 1 --cost 12 -l SH --at 2026-01-01")
    ((at, recorded),) = shop.sql("SELECT at, recorded_at FROM entries WHERE kind = 'receipt'")
    assert at == "2025-12-31T16:00:00Z"
    assert recorded > at


def test_bad_at_is_invalid_input_and_writes_nothing(shop):
    line = one_error_line(shop("stock add POCKY 1 --cost 12 -l SH --at someday"), 3)
    assert line.startswith("daigou: --at: 'someday' is not a date")
    assert shop.sql("SELECT count(*) FROM movements") == [(0,)]


def test_bad_as_of(shop):
    line = one_error_line(shop("stock list --as-of notadate"), 3)
    assert line.startswith("daigou: --as-of: 'notadate'")


def test_fx_list_as_of(shop):
    rows = shop.csv("fx list --as-of 2026-09-15")
    assert [(r["currency"], r["rate"]) for r in rows] == [("JPY", "0.0478")]
    rows = shop.csv("fx list")
    assert [(r["rate"], r["at"], r["voided"]) for r in rows] == [
        ("0.0478", "2026-09-01T00:00:00+08:00", "no"), ("0.05", "2026-10-01T00:00:00+08:00", "no")]


def test_timezone_config_changes_how_times_are_read_and_shown(daigou):
    daigou.run("init --timezone Asia/Tokyo")
    daigou.run("product add TOTORO --name Totoro")
    daigou.run("stock add TOTORO 1 --cost 88 --at 2026-09-15T09:00")
    assert daigou.sql("SELECT at FROM entries WHERE kind = 'receipt'") == [("2026-09-15T00:00:00Z",)]
    assert daigou.csv("stock history TOTORO")[0]["at"] == "2026-09-15T09:00:00+09:00"


# ----------------------------------------------------------------- exit codes and one-line errors

@pytest.mark.parametrize("args", [
    "stock bogus", "stock add", "stock add SHI-50 1", "stock list --nope", "nosuchgroup",
    "stock writeoff SHI-50 1", "void 3",
])
def test_usage_errors_exit_2_with_one_line(shop, args):
    line = one_error_line(shop(args), 2)
    assert line.startswith("daigou")
    assert "--help" in line


@pytest.mark.parametrize("group", ["", "stock", "report", "notify template"])
def test_no_arguments_shows_help_and_exits_0(daigou, group):
    """Bare `daigou` or a bare group asks for help (classic click): the --help text, no error."""
    result = daigou(group)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == daigou.run(f"{group} --help").stdout
    assert f"Usage: daigou {group}".rstrip() in result.stdout


@pytest.mark.parametrize("args, field", [
    ("stock add NOPE 1 --cost 1 -l SH", "sku: unknown SKU 'NOPE'"),
    ("stock add SHI-50 x --cost 1 -l SH", "QTY: 'x' is not a whole number"),
    ("stock add SHI-50 1 --cost 1.234 -l SH", "--cost: '1.234' has too many decimals for CNY"),
    ("stock add SHI-50 1 --cost 1 -l NOWHERE", "--location: no location 'NOWHERE'"),
    ("fx set XYZ 1", "CUR: unknown currency 'XYZ'"),
    ("fx set JPY 0", "RATE: '0' must be a positive number"),
    ("fx set CNY 1", "CUR: CNY is the base currency"),
    ("config set nosuchkey 1", "config: unknown key 'nosuchkey'"),
    ("config set timezone Mars/Olympus", "timezone: 'Mars/Olympus' is not a time zone"),
    ("void abc --reason x", "ID: 'abc' is not an entry id"),
    ("void 999 --reason x", "ID: no entry 999"),
    ("export nosuchtable", "TABLE: no table or view 'nosuchtable'"),
    ("product add 'BAD SKU' --name x", "sku: 'BAD SKU' may use letters"),
    ("product add X --name x --price 1.234", "--price: '1.234' has too many decimals"),
    ("product edit NOPE --name x", "sku: unknown SKU 'NOPE'"),
])
def test_invalid_input_exits_3_with_one_line_naming_the_field(shop, args, field):
    line = one_error_line(shop(args), 3)
    assert line.startswith("daigou: " + field), line


@pytest.mark.parametrize("args, words", [
    ("stock writeoff SHI-50 11 --reason damaged", "SHI-50 at TOKYO: only 10 on hand, cannot take 11"),
    ("stock move SHI-50 11 --from TOKYO --to SH", "SHI-50 at TOKYO: only 10 on hand, cannot take 11"),
    ("location add TOKYO --region Tokyo", "location TOKYO: already exists"),
    ("product add POCKY --name again", "product POCKY: already exists"),
    ("config set base_currency USD", "base_currency: the ledger already holds costs in CNY"),
])
def test_business_rules_exit_4_with_one_line(stocked, args, words):
    line = one_error_line(stocked(args), 4)
    assert line.startswith("daigou: " + words), line


def test_database_problem_exits_5_with_one_line(daigou, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is a shopping list, not a ledger\n")
    line = one_error_line(daigou(f"--db {junk} stock list"), 5)
    assert str(junk) in line
    assert "not a daigou ledger" in line


def test_version(daigou):
    from daigou_cli import __version__

    assert daigou.run("--version").stdout == f"{__version__}\n"


def test_every_command_has_help(daigou):
    for group in ("", "stock", "fx", "location", "product", "supplier", "config", "db"):
        out = daigou.run(f"{group} --help").stdout
        assert "Usage" in out
    for command in ("stock add", "stock adjust", "stock move", "stock writeoff", "stock list",
                    "stock lots", "stock history", "void", "export", "db check", "db backup", "init",
                    "demo", "fx set", "fx list", "config get", "config set"):
        out = daigou.run(f"{command} --help").stdout
        assert "Usage" in out and "--help" in out, command


@pytest.mark.parametrize("args", [
    ["stock", "add", "NOPE", "1", "--cost", "1"],
    ["order", "new", "张三", "X:1"],
    ["order", "import", "-", "--from", "csv"],
])
def test_a_refused_first_write_leaves_no_ledger_behind(daigou, tmp_path, args):
    path = tmp_path / "new" / "deeper" / "ledger.db"
    text = "order_id,date,customer,sku,qty,price\nA1,2026-12-01,老王,NOPE,1,10\n"
    result = daigou.run([*args, "--db", str(path)], code=3, input=text)
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()  # nothing written: no file, no folders


def test_a_refused_write_leaves_an_existing_ledger_and_its_folder(daigou, tmp_path):
    path = tmp_path / "shop" / "ledger.db"
    daigou.run(["location", "add", "SH", "--region", "Shanghai", "--db", str(path)])
    daigou.run(["stock", "add", "NOPE", "1", "--cost", "1", "--db", str(path)], code=3)
    assert daigou.csv(f"location list --db {path}")[0]["code"] == "SH"
