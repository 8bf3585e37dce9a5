"""The domain: plain functions over a sqlite3 connection. Nothing here knows about a terminal."""
