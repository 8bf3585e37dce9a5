"""Opening the ledger: where it lives, pragmas, upgrades, and the one transaction helper."""

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from daigou_cli.core.errors import DatabaseProblem
from daigou_cli.core.migrations import SCHEMA_VERSION, upgrade

BUSY_TIMEOUT_MS = 15000  # default wait for another process's write lock


def busy_timeout_ms() -> int:
    """$DAIGOU_BUSY_TIMEOUT_MS, read when a ledger is opened (a bad value falls back to the default)."""
    try:
        return max(int(os.environ.get("DAIGOU_BUSY_TIMEOUT_MS", BUSY_TIMEOUT_MS)), 0)
    except ValueError:
        return BUSY_TIMEOUT_MS


def default_path() -> Path:
    from typer import get_app_dir  # only when neither --db nor $DAIGOU_DB says

    return Path(get_app_dir("daigou")) / "ledger.db"


def resolve_path(db: str | os.PathLike | None) -> Path:
    if db:
        return Path(db).expanduser()
    env = os.environ.get("DAIGOU_DB")
    return Path(env).expanduser() if env else default_path()


def schema_sql() -> str:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "schema.sql", here.parent / "schema.sql"):
        if candidate.exists():
            return candidate.read_text(encoding="utf-8")
    raise DatabaseProblem("schema.sql is missing from this installation")


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    """A connection with the schema at the current version.

    A read on a ledger that does not exist yet sees an empty in-memory ledger, so
    `stock list` on a fresh machine prints an empty list and creates no file.
    """
    if not path.exists() and not create:
        return _open(":memory:")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseProblem(f"cannot create the ledger at {path}: {exc.strerror}") from None
    return _open(str(path))


def _open(target: str) -> sqlite3.Connection:
    try:
        timeout = busy_timeout_ms()
        conn = sqlite3.connect(target, timeout=timeout / 1000, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            _bring_up_to_date(conn, version, target)
    except sqlite3.DatabaseError as exc:
        raise as_database_problem(exc, target) from None
    return conn


def _bring_up_to_date(conn: sqlite3.Connection, version: int, target: str) -> None:
    if version > SCHEMA_VERSION:
        raise DatabaseProblem(
            f"{target} was written by a newer daigou (schema {version} > {SCHEMA_VERSION}); upgrade daigou"
        )
    if version == 0 and target != ":memory:":
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise DatabaseProblem(f"{target} is an SQLite file but not a daigou ledger")
        conn.execute("PRAGMA journal_mode = WAL")
    # A step may rebuild a table (SQLite's documented way: foreign keys off, which only
    # works outside a transaction); upgrade() checks every reference before the COMMIT.
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have upgraded it while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                upgrade(conn, version, schema_sql())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def as_database_problem(exc: sqlite3.DatabaseError, target: str = "the ledger") -> DatabaseProblem:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DatabaseProblem(
            f"{target} is locked by another process (waited {busy_timeout_ms() / 1000:g}s); try again"
        )
    if "not a database" in text or "malformed" in text:
        return DatabaseProblem(f"{target} is not a daigou ledger ({text})")
    if "readonly" in text or "unable to open" in text:
        return DatabaseProblem(f"cannot write {target} ({text})")
    return DatabaseProblem(f"database problem with {target}: {text}")


@contextmanager
def transaction(conn: sqlite3.Connection):
    """All of a command's writes, or none. BEGIN IMMEDIATE takes the write lock before
    any check reads stock, so two processes can never both pass the same check."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise as_database_problem(exc, _file_of(conn)) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.execute("ROLLBACK")
        raise as_database_problem(exc, _file_of(conn)) from None


def _file_of(conn: sqlite3.Connection) -> str:
    """The ledger's path, for an error message that says which file is locked."""
    try:
        path = conn.execute("PRAGMA database_list").fetchone()[2]
    except sqlite3.Error:
        path = ""
    return path or "the ledger"
