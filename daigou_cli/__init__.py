"""daigou: the back office of a cross-border personal shopper, over an append-only SQLite ledger."""

__version__ = "0.1.0"
