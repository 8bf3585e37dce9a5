"""A ledger built once per test module and copied for each test: the same starting point
without paying for a dozen CLI runs in every test."""

import shutil

from conftest import Daigou


def build(tmp_path_factory, name, commands):
    """Runs `commands` (strings or argv lists) against a new ledger; returns its path."""
    path = tmp_path_factory.mktemp(name) / "ledger.db"
    daigou = Daigou(path)
    for args in commands:
        daigou.run(args)
    return path


def copy_of(template, tmp_path, monkeypatch):
    """A fresh copy of a template ledger, with $DAIGOU_DB pointing at it."""
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copy(source, tmp_path / f"ledger.db{suffix}")
    monkeypatch.delenv("DAIGOU_FORMAT", raising=False)
    monkeypatch.setenv("DAIGOU_DB", str(tmp_path / "ledger.db"))
    return Daigou(tmp_path / "ledger.db")
