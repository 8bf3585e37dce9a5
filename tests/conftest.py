"""Shared fixtures: a temp ledger per test, and a runner that drives the real CLI."""

import os
import shlex

import pytest
from typer.testing import CliRunner

from daigou_cli.app import app


class Daigou:
    """Runs `daigou ...` in-process against one temp ledger; `run` asserts the exit code."""

    def __init__(self, db_path):
        self.db = str(db_path)
        self.runner = CliRunner()

    def __call__(self, args, input=None, env=None):
        argv = shlex.split(args) if isinstance(args, str) else list(args)
        full_env = {"DAIGOU_DB": self.db, "DAIGOU_FORMAT": None, "COLUMNS": "200"} | (env or {})
        return self.runner.invoke(app, argv, input=input, env=full_env)

    def run(self, args, code=0, input=None, env=None):
        result = self(args, input=input, env=env)
        assert result.exit_code == code, (
            f"daigou {args} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {getattr(result, 'stderr', '')}")
        return result

    def csv(self, args):
        """Rows of a read command's CSV output, as dicts."""
        import csv
        import io

        out = self.run(f"{args} --format csv").stdout
        return list(csv.DictReader(io.StringIO(out)))

    def json(self, args, code=0):
        import json

        return json.loads(self.run(f"{args} --format json", code).stdout)

    def sql(self, query, params=()):
        import sqlite3

        conn = sqlite3.connect(self.db, isolation_level=None)  # autocommit: raw writes stick
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()


@pytest.fixture
def daigou(tmp_path, monkeypatch):
    monkeypatch.delenv("DAIGOU_FORMAT", raising=False)
    monkeypatch.setenv("DAIGOU_DB", str(tmp_path / "ledger.db"))
    return Daigou(tmp_path / "ledger.db")


@pytest.fixture
def shop(daigou):
    """Two locations, a JPY rate history and two products: the smallest realistic daigou."""
    daigou.run("location add TOKYO --region Tokyo")
    daigou.run("location add SH --region Shanghai")
    daigou.run("fx set JPY 0.0478 --at 2026-09-01")
    daigou.run("fx set JPY 0.05 --at 2026-10-01")
    daigou.run(["product", "add", "SHI-50", "--name", "资生堂 红腰子 50ml", "--category", "cosmetics",
                "--zone", "JP", "--price", "420", "--reorder-point", "5"])
    daigou.run(["product", "add", "POCKY", "--name", "Pocky 巧克力", "--category", "snacks",
                "--zone", "JP", "--price", "15"])
    return daigou


def pytest_configure(config):
    os.environ.setdefault("DAIGOU_BUSY_TIMEOUT_MS", "15000")
