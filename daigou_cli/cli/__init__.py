"""Typer apps, one module per command group: parse, call one core function, hand rows to output."""
