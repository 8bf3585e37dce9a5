"""What every CSV import shares: read a file or stdin, decode it (UTF-8 with or without BOM,
else GBK/GB18030), match header names, and write records all-or-nothing, or with
`skip_invalid` keep the good ones and return the bad ones with their reason.

A format module describes its columns in a `Layout`, turns `Row`s into `Record`s (one per
row, or several rows of one order) and gives `run` the writer that records one of them."""

import codecs
import csv
import io
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from daigou_cli.core.errors import DaigouError, InvalidInput

STDIN = "-"


@dataclass(frozen=True)
class Layout:
    """The columns a format reads, by canonical name. Headers match after trimming, in any
    case and order; `aliases` maps other header spellings (a platform's own names) to them."""

    kind: str                      # what one record is, plural: "products", "receipts"
    columns: tuple[str, ...]
    required: tuple[str, ...]      # the column must be in the header and every row must fill it
    actions: tuple[str, ...] = ("imported",)   # what a writer reports doing, counted in the summary
    aliases: dict[str, str] = field(default_factory=dict)


@dataclass
class Row:
    line: int                        # where the row starts, as an editor shows it (header = 1)
    values: dict[str, str | None]    # canonical column -> trimmed text, None when empty
    cells: list[str]                 # the row as read, extra columns included, for a reject file
    problem: str | None = None       # the row cannot be read at all (wrong number of values)


@dataclass
class Record:
    """A canonical record: what one writer call records, and the rows it came from."""

    rows: list[Row]
    values: dict

    @property
    def line(self) -> int:
        return self.rows[0].line


@dataclass
class Table:
    source: str                      # the file as the user named it, or "stdin"
    path: Path | None
    encoding: str
    layout: Layout
    header: list[str]                # as read (trimmed)
    titles: dict[str, str]           # canonical column -> header as the user wrote it
    rows: list[Row]

    def records(self) -> list[Record]:
        return [Record([row], dict(row.values)) for row in self.rows]


@dataclass(frozen=True)
class RowError:
    source: str
    line: int
    reason: str
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        separator = ": " if self.column is None else ", "
        return f"{self.source} line {self.line}{separator}{self.detail()}"

    def detail(self) -> str:
        """The message without file and line, for a reject file's reason column."""
        if self.column is None:
            return self.reason
        return f"column {self.column}: value '{self.value or ''}': {self.reason}"

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Result:
    """What an import wrote (or, on a dry run, would have written)."""

    source: str
    kind: str
    dry_run: bool
    actions: Counter = field(default_factory=Counter)    # "added", "updated", "received" ...
    ids: list = field(default_factory=list)
    rejected: list[tuple[Record, RowError]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.actions.values())

    @property
    def errors(self) -> list[RowError]:
        return [error for _, error in self.rejected]


class RowProblem(InvalidInput):
    """A writer's error that already knows its file, line, column and value (a format that
    reads several rows or files per record says exactly which one is at fault)."""

    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


class ImportRejected(InvalidInput):
    """Bad rows in an all-or-nothing import: the first one named, the rest carried along."""

    def __init__(self, result: Result):
        first, more = result.errors[0], len(result.errors) - 1
        tail = f" ({more} more bad row{'s' if more > 1 else ''}: list them all with --dry-run)" if more else ""
        super().__init__(f"{first}; nothing imported{tail}")
        self.result = result


# ----------------------------------------------------------------- reading

def read_table(file: str, layout: Layout, encoding: str | None = None) -> Table:
    """The whole file, parsed and matched to `layout`; one clear error for an unreadable file."""
    data, source, path = read_bytes(file)
    text, used = decode(data, source, encoding)
    return parse(text, source, layout, path, used)


def read_bytes(file: str) -> tuple[bytes, str, Path | None]:
    if file == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        data = stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
        return data, "stdin", None
    path = Path(file).expanduser()
    try:
        return path.read_bytes(), file, path
    except FileNotFoundError:
        raise InvalidInput(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{file}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise InvalidInput(f"{file}: cannot read it ({exc.strerror})") from None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Given an encoding, use it; else UTF-8 (a BOM is dropped),
    else GB18030, the superset of GBK that Taobao and Excel on Chinese Windows write."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidInput(f"--encoding: unknown encoding {encoding!r} (try utf-8, gbk or gb18030)") from None
        try:
            text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"{source} line {_line_at(data, exc.start)}: byte 0x{data[exc.start]:02x} "
                               f"is not valid {encoding} text (check --encoding)") from None
        return _text_only(text, source), codec
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _text_only(data.decode("utf-16"), source), "utf-16"
    try:
        return _text_only(data.decode("utf-8-sig"), source), "utf-8"
    except UnicodeDecodeError as exc:
        utf8 = exc
    # Cut inside a character after valid UTF-8 text: the file was truncated, not GBK.
    if utf8.reason == "unexpected end of data" and utf8.end == len(data) and not data[:utf8.start].isascii():
        raise InvalidInput(f"{source} line {_line_at(data, utf8.start)}: the file ends in the middle of "
                           "a character (truncated?)")
    try:
        return _text_only(data.decode("gb18030"), source), "gb18030"
    except UnicodeDecodeError:
        raise InvalidInput(f"{source} line {_line_at(data, utf8.start)}: not UTF-8 or GBK/GB18030 text "
                           "(name the encoding with --encoding)") from None


def _text_only(text: str, source: str) -> str:
    if "\x00" in text:
        raise InvalidInput(f"{source}: not a CSV text file (it contains NUL bytes)")
    return text


def header_key(title: str) -> str:
    """' Reorder Point ' -> 'reorder_point'."""
    return re.sub(r"[\s\-]+", "_", title.strip().lower())


def _match_header(header: list[str], source: str, layout: Layout, line: int) -> dict[str, int]:
    """canonical column -> its index in the row."""
    known = {header_key(c): c for c in layout.columns} | {header_key(a): c for a, c in layout.aliases.items()}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        column = known.get(header_key(title))
        if column is None:
            continue  # an extra column: kept in the row, ignored here
        if column in positions:
            raise InvalidInput(f"{source} line {line}: column {title!r} appears twice")
        positions[column] = index
    missing = [c for c in layout.required if c not in positions]
    if missing:
        found = ", ".join(t for t in header if t) or "nothing"
        hint = "; values must be separated by commas" if len(header) == 1 and re.search(r"[;\t|]", header[0]) else ""
        raise InvalidInput(f"{source} line {line}: missing required column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)} (the header has: {found}{hint})")
    return positions


def parse(text: str, source: str, layout: Layout, path: Path | None = None,
          encoding: str = "utf-8") -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, positions, titles, rows = None, {}, {}, []
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and rows of empty cells (spreadsheet leftovers)
            if header is None:
                header = [cell.strip() for cell in cells]
                positions = _match_header(header, source, layout, line)
                titles = {column: header[i] for column, i in positions.items()}
                continue
            rows.append(_row(cells, header, positions, line))
    except csv.Error as exc:
        reason = str(exc)
        if "unexpected end of data" in reason:
            reason = "a quoted value is never closed (truncated file?)"
        raise InvalidInput(f"{source} line {last_line + 1}: not valid CSV: {reason}") from None
    if header is None:
        raise InvalidInput(f"{source}: empty; expected a header row with {', '.join(layout.required)} ...")
    return Table(source, path, encoding, layout, header, titles, rows)


def _row(cells: list[str], header: list[str], positions: dict[str, int], line: int) -> Row:
    problem = None
    if len(cells) < len(header):
        problem = f"{len(cells)} values but the header has {len(header)} columns (truncated row?)"
    elif len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
        problem = f"{len(cells)} values but the header has only {len(header)} columns"
    values = {}
    for column, index in positions.items():
        text = cells[index].strip() if index < len(cells) else ""
        values[column] = text or None
    return Row(line, values, cells, problem)


# ----------------------------------------------------------------- writing

Writer = Callable[[sqlite3.Connection, Record], dict]


def run(conn: sqlite3.Connection, table: Table, write: Writer, records: Iterable[Record] | None = None, *,
        skip_invalid: bool = False, dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None) -> Result:
    """Write every record inside the caller's transaction. A bad record leaves nothing behind
    (its own savepoint); without `skip_invalid` any bad record undoes the whole import and
    raises ImportRejected. A dry run writes everything, then rolls all of it back."""
    items = table.records() if records is None else list(records)
    result = Result(table.source, table.layout.kind, dry_run, Counter(dict.fromkeys(table.layout.actions, 0)))
    conn.execute("SAVEPOINT import_all")
    try:
        for done, record in enumerate(items, 1):
            error = _problem(table, record) or _write_one(conn, table, write, record, result)
            if error is not None:
                result.rejected.append((record, error))
            if progress is not None:
                progress(done, len(items))
        if result.rejected and not skip_invalid:
            raise ImportRejected(result)
    except BaseException:
        conn.execute("ROLLBACK TO import_all")
        conn.execute("RELEASE import_all")
        raise
    if dry_run:
        conn.execute("ROLLBACK TO import_all")
    conn.execute("RELEASE import_all")
    return result


def _problem(table: Table, record: Record) -> RowError | None:
    for row in record.rows:
        if row.problem:
            return RowError(table.source, row.line, row.problem)
        for column in table.layout.required:
            if row.values.get(column) is None:
                return RowError(table.source, row.line, "required",
                                table.titles[column], "")
    return None


def _write_one(conn, table: Table, write: Writer, record: Record, result: Result) -> RowError | None:
    conn.execute("SAVEPOINT import_row")
    try:
        written = write(conn, record)
    except RowProblem as exc:
        conn.execute("ROLLBACK TO import_row")
        conn.execute("RELEASE import_row")
        return exc.error
    except DaigouError as exc:
        conn.execute("ROLLBACK TO import_row")
        conn.execute("RELEASE import_row")
        return row_error(table, record, exc.message)
    conn.execute("RELEASE import_row")
    result.actions[written.get("action", table.layout.actions[0])] += 1
    result.ids.append(written.get("id"))
    return None


def row_error(table: Table, record: Record, message: str) -> RowError:
    """Turn a core message ('--cost: '4,2x' is not an amount') into one naming the CSV
    line, column and value. Core names fields as options (--reorder-point) or arguments
    (QTY); both map to the column of the same name."""
    label, sep, reason = message.partition(": ")
    column = header_key(label.lstrip("-")) if sep else None
    if column not in table.titles:
        return RowError(table.source, record.line, message)
    row = next((r for r in record.rows if r.values.get(column) is not None), record.rows[0])
    value = row.values.get(column) or ""
    for shown in (repr(value), value):
        if value and reason.startswith(shown + " "):
            reason = reason[len(shown) + 1:]
            reason = reason[3:] if reason.startswith("is ") else reason
            break
    return RowError(table.source, row.line, reason, table.titles[column], value)


def reject_path(file: str, given: str | None) -> Path:
    """--reject-file, else FILE.rejects.csv beside the input, else ./rejects.csv for stdin."""
    if given:
        path = Path(given).expanduser()
        if file != STDIN and path.resolve() == Path(file).expanduser().resolve():
            raise InvalidInput(f"--reject-file: {given} is the file being imported")
        return path
    if file == STDIN:
        return Path("rejects.csv")
    path = Path(file).expanduser()
    return path.with_name(f"{path.stem if path.suffix else path.name}.rejects.csv")


def write_rejects(path: Path, table: Table, rejected: list[tuple[Record, RowError]],
                  escape: Callable[[str], str] = str) -> None:
    """The rejected rows as they were read, each with its reason (UTF-8, RFC 4180): fix the
    file and import it again; the extra columns are ignored then. `escape` makes a cell safe
    to open in a spreadsheet (the importers read the leading quote it adds back off)."""
    taken = {header_key(h) for h in table.header}
    names = [name if name not in taken else f"reject_{name}" for name in ("reason", "line")]
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([*names, *table.header])
            for record, error in rejected:
                for row in record.rows:
                    writer.writerow([escape(error.detail()), row.line, *map(escape, row.cells)])
    except OSError as exc:
        raise InvalidInput(f"--reject-file: cannot write {path} ({exc.strerror})") from None
