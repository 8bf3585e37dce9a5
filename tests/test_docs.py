"""Every command and group has help text, and every command path is in README.md."""

import re
from pathlib import Path

import pytest
import typer

from daigou_cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"


def _walk(command, path=()):
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _walk(sub, (*path, name))


COMMANDS = [(" ".join(path), command) for path, command in _walk(typer.main.get_command(app))]
PATHS = [path for path, _ in COMMANDS if path]


def test_the_tree_has_the_foundation_commands():
    for path in ("init", "demo", "config get", "config set", "fx set", "fx list", "location add",
                 "product add", "product edit", "supplier list", "stock add", "stock lots",
                 "stock history", "void", "db check", "db backup", "export"):
        assert path in PATHS


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p or "daigou" for p, _ in COMMANDS])
def test_every_command_and_group_has_help(path, command):
    text = (command.help or command.short_help or "").strip()
    assert text, f"`daigou {path}` has no help text (give it a docstring or help=)"


@pytest.mark.parametrize("path", PATHS)
def test_every_command_is_in_the_readme(path):
    readme = README.read_text(encoding="utf-8")
    assert re.search(rf"daigou {re.escape(path)}(?![\w-])", readme), (
        f"README.md does not mention `daigou {path}`")


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source():
    """A docstring wrapped at 100 columns in the source reads as whole paragraphs on an
    80-column terminal (Typer would keep its line breaks and wrap each line again)."""
    ragged = [path for path, command in COMMANDS
              if any("\n" in paragraph for paragraph in (command.help or "").split("\n\n"))]
    assert ragged == []


def test_a_long_help_reads_as_a_paragraph_at_80_columns(daigou):
    out = daigou.run("order import --help", env={"COLUMNS": "80"}).stdout
    assert "under its (channel, external id); importing it again adds nothing" in " ".join(out.split())
    lines = [line.strip() for line in out.splitlines()]
    assert "under its" not in lines  # the stub a hard line break used to leave behind
