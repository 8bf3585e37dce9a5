"""Tables on a narrow terminal: key columns stay readable, the rest are named, not squeezed away."""

import re
import sys

from daigou_cli import output


def test_columns_that_do_not_fit_are_dropped_from_the_right_and_named(monkeypatch, capsys):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("COLUMNS", "60")
    rows = [{"sku": "SHISEIDO-UB-50", "name": "资生堂红腰子精华 50ml", "category": "cosmetics",
             "on_hand": 12, "reserved": 2, "available": 10, "value": 1734}]
    output.write_table(rows, list(rows[0]), "Asia/Shanghai", "Stock")
    text = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert "SHISEIDO-UB-50" in text and "资生堂红腰子精华 50ml" in text
    assert "more columns:" in text and "value" in text.split("more columns:")[1]
    from rich.cells import cell_len

    assert all(cell_len(line) <= 60 for line in text.splitlines())


def test_fitting_counts_chinese_characters_as_two_cells():
    assert output._fitting(["name"], [["资生堂红腰子"]], 15) == [0]
    assert output._fitting(["a", "name"], [["x", "资生堂红腰子精华精华"]], 20) == [0]
