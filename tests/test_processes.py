"""Real processes of the installed `daigou`: exit codes, stderr, pipes and terminals, and two
processes (fifteen, in fact) never selling the same unit twice."""

import os
import re
import shutil
import subprocess
import sys

import pytest

EXE = [shutil.which("daigou")] if shutil.which("daigou") else [sys.executable, "-m", "daigou_cli"]


def env_for(db, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DAIGOU_FORMAT", "DAIGOU_DB")}
    return env | {"DAIGOU_DB": str(db), "COLUMNS": "200"} | extra


def daigou(db, *args, **extra):
    return subprocess.run([*EXE, *args], capture_output=True, text=True, env=env_for(db, **extra), timeout=60)


@pytest.fixture
def ledger(daigou):
    """Set up in-process (fast); only the commands under test run as real processes."""
    daigou.run("location add TOKYO --region Tokyo")
    daigou.run("location add SH --region Shanghai")
    daigou.run("fx set JPY 0.0478 --at 2026-09-01")
    daigou.run(["product", "add", "SHI-50", "--name", "资生堂 红腰子 50ml", "--category", "cosmetics"])
    daigou.run("stock add SHI-50 10 --cost 4200 --currency JPY -l TOKYO --at 2026-09-15")
    return daigou.db


def test_help_from_the_entry_point(tmp_path):
    done = daigou(tmp_path / "x.db", "--help")
    assert done.returncode == 0
    assert "stock" in done.stdout and "Usage" in done.stdout
    assert not (tmp_path / "x.db").exists()


def test_python_dash_m_works(tmp_path):
    done = subprocess.run([sys.executable, "-m", "daigou_cli", "--help"], capture_output=True, text=True,
                          env=env_for(tmp_path / "x.db"), timeout=60)
    assert done.returncode == 0
    assert "Usage" in done.stdout
    done = subprocess.run([sys.executable, "-m", "daigou_cli", "stock", "list", "--format", "csv"],
                          capture_output=True, text=True, env=env_for(tmp_path / "x.db"), timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("sku,name,")


@pytest.mark.parametrize("args, code, line", [
    (["stock", "add", "NOPE", "1", "--cost", "1"], 3, "daigou: sku: unknown SKU 'NOPE' (see daigou product list)"),
    (["stock", "writeoff", "SHI-50", "11", "--reason", "lost"], 4,
     "daigou: SHI-50 at TOKYO: only 10 on hand, cannot take 11"),
    (["stock", "frobnicate"], 2, "daigou stock: No such command 'frobnicate'. (see daigou stock --help)"),
    (["stock", "add", "SHI-50", "1", "--cost", "1.234", "-l", "SH"], 3,
     "daigou: --cost: '1.234' has too many decimals for CNY (at most 2 decimals)"),
])
def test_errors_from_a_real_process(ledger, args, code, line):
    done = daigou(ledger, *args)
    assert done.returncode == code
    assert done.stderr.splitlines() == [line]
    assert done.stdout == ""


def test_a_file_that_is_not_a_ledger_from_a_real_process(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite")
    done = daigou(junk, "stock", "list")
    assert done.returncode == 5
    assert len(done.stderr.splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_piped_stock_list_defaults_to_csv(ledger):
    done = subprocess.run([*EXE, "stock", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env_for(ledger), timeout=60)
    assert done.returncode == 0
    lines = done.stdout.decode("utf-8").split("\r\n")
    assert lines[0].startswith("sku,name,category,zone,location,on_hand,")
    assert lines[1].startswith("SHI-50,资生堂 红腰子 50ml,cosmetics,,TOKYO,10,")
    assert "2007.60,CNY" in lines[1]


def test_a_pipe_into_another_program(ledger):
    """daigou stock list | head -1: the header, and no complaint from either side."""
    producer = subprocess.Popen([*EXE, "stock", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=env_for(ledger))
    consumer = subprocess.run(["head", "-1"], stdin=producer.stdout, capture_output=True, timeout=60)
    producer.stdout.close()
    producer.wait(timeout=60)
    assert consumer.stdout.decode().startswith("sku,name,")
    assert producer.stderr.read() == b""


def read_terminal(primary: int, proc: subprocess.Popen) -> str:
    """All a process wrote to the terminal whose other end is `primary`, until it exits."""
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the process closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=120)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_a_table(ledger):
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 220, 0, 0))  # a wide terminal
    try:
        proc = subprocess.Popen([*EXE, "stock", "list"], stdout=secondary, stderr=subprocess.PIPE,
                                env=env_for(ledger, TERM="xterm"))
        os.close(secondary)
        text = read_terminal(primary, proc)
    finally:
        os.close(primary)
    out = re.sub(r"\x1b\[[0-9;]*m", "", text)  # drop colours
    assert proc.returncode == 0
    assert "sku,name" not in out
    assert "SHI-50" in out and "2007.60" in out and "on_hand" in out


def test_a_quiet_id_feeds_the_next_command(ledger):
    """A shell loop: receive with -q, then void the id it printed."""
    entry = daigou(ledger, "stock", "add", "SHI-50", "2", "--cost", "100", "-l", "SH", "-q")
    assert entry.returncode == 0
    assert entry.stdout.strip().isdigit()
    voided = daigou(ledger, "void", entry.stdout.strip(), "--reason", "test")
    assert voided.returncode == 0
    listed = daigou(ledger, "stock", "list", "--location", "SH", "--format", "json")
    assert '"on_hand": 0' in listed.stdout


def test_fifteen_writeoffs_at_once_never_take_more_than_ten(ledger):
    procs = [subprocess.Popen([*EXE, "stock", "writeoff", "SHI-50", "1", "--reason", "damaged"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=env_for(ledger, DAIGOU_BUSY_TIMEOUT_MS="30000"))
             for _ in range(15)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _, _ in results)
    assert codes == [0] * 10 + [4] * 5, results
    for code, out, err in results:
        assert "locked" not in err
        if code == 4:
            assert len(err.splitlines()) == 1
            assert out == ""
            assert err.startswith("daigou: SHI-50: nothing on hand anywhere") or \
                "only 0 on hand, cannot take 1" in err, err
        else:
            assert err == ""
            assert out.startswith("wrote off 1 × SHI-50 at TOKYO (damaged): ")
    done = daigou(ledger, "stock", "list", "--format", "csv")
    assert done.stdout.splitlines()[1].split(",")[5] == "0"
    check = daigou(ledger, "db", "check")
    assert check.returncode == 0, check.stdout
