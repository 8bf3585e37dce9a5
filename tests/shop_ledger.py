"""The conftest `shop` (two locations, a JPY rate history, two products) built once per test
module through the CLI and copied for each test, so that many small tests stay fast."""

import shutil

import pytest

SHOP = [
    "location add TOKYO --region Tokyo",
    "location add SH --region Shanghai",
    "fx set JPY 0.0478 --at 2026-09-01",
    "fx set JPY 0.05 --at 2026-10-01",
    ["product", "add", "SHI-50", "--name", "资生堂 红腰子 50ml", "--category", "cosmetics",
     "--zone", "JP", "--price", "420", "--reorder-point", "5"],
    ["product", "add", "POCKY", "--name", "Pocky 巧克力", "--category", "snacks",
     "--zone", "JP", "--price", "15"],
]


def build(tmp_path_factory, commands=(), name="shop"):
    """A ledger after SHOP plus `commands`; returns (path, the builder's outputs by index)."""
    from conftest import Daigou

    path = tmp_path_factory.mktemp(name) / "ledger.db"
    builder = Daigou(path)
    outputs = [builder.run(args).stdout for args in [*SHOP, *commands]]
    return path, outputs[len(SHOP):]


def copy_into(template, daigou):
    """Give the test's own ledger (daigou.db) the template's contents."""
    for suffix in ("", "-wal", "-shm"):
        source = template.with_name(template.name + suffix)
        if source.exists():
            shutil.copyfile(source, daigou.db + suffix)
    return daigou


@pytest.fixture(scope="module")
def shop_template(tmp_path_factory):
    return build(tmp_path_factory)[0]


@pytest.fixture
def shop(daigou, shop_template):
    """Same ledger as conftest's `shop`, copied from a module template."""
    return copy_into(shop_template, daigou)
