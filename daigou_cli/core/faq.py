"""The FAQ: standard answers (正品, 发货时间, 清关, 退货, 定金 ...) kept as editable master data,
found with SQLite FTS5 and reused in ticket replies (`ticket reply --faq ID`).

faq_fts uses the trigram tokenizer: a word of three or more characters is matched as a
substring wherever it stands, in Chinese or English. FTS5 cannot match fewer than three
characters, yet most Chinese words are two (退货, 关税); such a word becomes the OR of the
indexed trigrams that contain it (from faq_fts_vocab), so it is still ranked by bm25."""

import re
import sqlite3
from decimal import Decimal

from daigou_cli.core import clock
from daigou_cli.core.errors import InvalidInput, Refused

FAQ_COLUMNS = ["id", "question", "answer", "tags", "uses", "last_used_at", "updated_at"]
SEARCH_COLUMNS = ["rank", "id", "question", "answer", "tags", "uses", "score"]
QUESTION_LIMIT, ANSWER_LIMIT = 500, 5000
# bm25 weights of the columns question, answer, tags: a hit in the question counts most.
WEIGHTS = (5.0, 1.0, 3.0)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_SHORT_TERMS = 200


def _text(value, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field}: must not be empty")
    if len(text) > limit:
        raise InvalidInput(f"{field}: longer than {limit} characters")
    return text


def _tags(value) -> str | None:
    parts = [t for t in re.split(r"[,，、;；\s]+", value or "") if t]
    return ",".join(dict.fromkeys(parts)) or None


def _record(row: sqlite3.Row) -> dict:
    data = dict(row)
    for key in ("created_at", "updated_at", "last_used_at"):
        if key in data:
            data[key] = clock.from_db(data[key])
    return data


def find_faq(conn: sqlite3.Connection, ref, field: str = "ID") -> sqlite3.Row:
    text = str(ref or "").strip().lstrip("#")
    if not text.isdigit():
        raise InvalidInput(f"{field}: {ref!r} is not an FAQ id (see daigou faq list)")
    row = conn.execute("SELECT * FROM faq_usage WHERE id = ?", (int(text),)).fetchone()
    if row is None:
        raise InvalidInput(f"{field}: no FAQ entry {text} (see daigou faq list)")
    return row


def _unique_question(conn: sqlite3.Connection, question: str, own_id: int | None = None) -> None:
    other = conn.execute("SELECT id FROM faq WHERE question = ? AND id IS NOT ?", (question, own_id)).fetchone()
    if other:
        raise Refused(f"QUESTION: already FAQ entry {other['id']} (change it with daigou faq edit {other['id']})")


def add_faq(conn: sqlite3.Connection, question, answer, tags=None, at: str | None = None) -> dict:
    q = _text(question, "QUESTION", QUESTION_LIMIT)
    a = _text(answer, "ANSWER", ANSWER_LIMIT)
    _unique_question(conn, q)
    now = at or clock.to_db(clock.now_utc())
    cur = conn.execute("INSERT INTO faq(question, answer, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                       (q, a, _tags(tags), now, now))
    return _record(find_faq(conn, cur.lastrowid))


def edit_faq(conn: sqlite3.Connection, ref, question=None, answer=None, tags=None) -> dict:
    """Master data: the entry changes in place (the FTS index follows by trigger); replies
    already sent keep the words they were sent with."""
    row = find_faq(conn, ref)
    if question is None and answer is None and tags is None:
        raise InvalidInput("faq edit: give --question, --answer or --tags")
    q = _text(question, "--question", QUESTION_LIMIT) if question is not None else row["question"]
    a = _text(answer, "--answer", ANSWER_LIMIT) if answer is not None else row["answer"]
    t = _tags(tags) if tags is not None else row["tags"]
    _unique_question(conn, q, row["id"])
    conn.execute("UPDATE faq SET question = ?, answer = ?, tags = ?, updated_at = ? WHERE id = ?",
                 (q, a, t, clock.to_db(clock.now_utc()), row["id"]))
    return _record(find_faq(conn, row["id"]))


def list_faq(conn: sqlite3.Connection, tag: str | None = None) -> list[dict]:
    rows = conn.execute("SELECT * FROM faq_usage WHERE :tag IS NULL OR ',' || tags || ',' LIKE :like "
                        "ORDER BY id", {"tag": tag, "like": f"%,{tag},%"})
    return [_record(r) for r in rows]


def show_faq(conn: sqlite3.Connection, ref) -> dict:
    record = _record(find_faq(conn, ref))
    record["used_in"] = [
        {"at": clock.from_db(r["at"]), "ticket": r["ticket_id"], "customer": r["name"],
         "subject": r["subject"]}
        for r in conn.execute(
            "SELECT m.at, m.ticket_id, c.name, t.subject FROM ticket_messages m "
            "JOIN tickets t ON t.id = m.ticket_id JOIN customers c ON c.id = t.customer_id "
            "WHERE m.faq_id = ? ORDER BY m.at, m.id", (record["id"],))]
    return record


# ----------------------------------------------------------------- search

def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _short(conn: sqlite3.Connection, word: str) -> list[str]:
    """The indexed trigrams that contain a one- or two-character word."""
    like = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [r[0] for r in conn.execute(
        "SELECT term FROM faq_fts_vocab WHERE term LIKE ? ESCAPE '\\' ORDER BY term LIMIT ?",
        (f"%{like}%", _SHORT_TERMS))]


def match_expression(conn: sqlite3.Connection, words: str) -> str | None:
    """FTS5 query for what a user typed: any of the words, each as a substring. A run of
    Chinese longer than two characters also matches by its two-character pieces, so 怎么退货
    finds 如何退货 (fewer pieces in common rank lower)."""
    terms: list[str] = []
    for word in re.findall(r"\w+", words.lower()):
        pieces = []
        for run in _CJK.findall(word):
            if len(run) > 2:
                pieces += [run[i:i + 2] for i in range(len(run) - 1)]
        for part in [word] + pieces:
            found = [part] if len(part) >= 3 else _short(conn, part)
            terms += [t for t in found if t not in terms]
    return " OR ".join(_quote(t) for t in terms) or None


def search(conn: sqlite3.Connection, words, limit: int = 10) -> list[dict]:
    text = " ".join(words) if isinstance(words, (list, tuple)) else str(words or "")
    if not re.search(r"\w", text):
        raise InvalidInput("WORDS: nothing to search for")
    if limit < 1:
        raise InvalidInput("--limit: must be 1 or more")
    expression = match_expression(conn, text)
    if expression is None:
        return []
    rows = conn.execute(
        "SELECT u.*, bm25(faq_fts, ?, ?, ?) AS bm25 FROM faq_fts JOIN faq_usage u ON u.id = faq_fts.rowid "
        "WHERE faq_fts MATCH ? ORDER BY bm25, u.id LIMIT ?", (*WEIGHTS, expression, limit)).fetchall()
    out = []
    for rank, row in enumerate(rows, start=1):
        data = _record(row)
        data["rank"] = rank
        # bm25() is lower for a better match; shown as a positive score, higher is better.
        data["score"] = Decimal(str(round(-data.pop("bm25"), 4)))
        out.append(data)
    return out
