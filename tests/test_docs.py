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
