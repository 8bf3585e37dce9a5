"""Sending queued notifications at most once. Each message is claimed in its own committed
transaction before it leaves and its outcome recorded in another after; a claim with no
outcome (the sender was killed half way) is in doubt and is sent again only when the user
says so (`notify send --retry-unknown`, or `notify mark ID`)."""

import json
import os
import socket
import sqlite3
from collections.abc import Iterator

from daigou_cli.core import clock, config
from daigou_cli.core.db import transaction
from daigou_cli.core.errors import InvalidInput, Refused

SENT, FAILED, UNKNOWN = "sent", "failed", "unknown"
RESULT_COLUMNS = ["id", "order_id", "customer", "kind", "result", "detail", "subject"]


def sender_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _still_running(sender: str | None) -> bool:
    """Whether the process that claimed a message is alive (only knowable on this host)."""
    host, _, pid = (sender or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ----------------------------------------------------------------- transports

class ExecTransport:
    """CMD run with `sh -c` once per message, the message as one JSON object on stdin."""

    channel = "exec"
    broken = False

    def __init__(self, command: str, timeout: float | None = None):
        if not (command or "").strip():
            raise InvalidInput("--exec: give a command")
        self.command, self.timeout = command, timeout

    def skip_reason(self, message: dict) -> str | None:
        return None

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def deliver(self, message: dict) -> tuple[str, str | None]:
        import subprocess

        payload = (json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8")
        env = os.environ | {"DAIGOU_NOTIFICATION_ID": str(message["id"]),
                            "DAIGOU_NOTIFICATION_KIND": message["kind"]}
        try:
            done = subprocess.run(["sh", "-c", self.command], input=payload, capture_output=True,
                                  timeout=self.timeout, env=env)
        except subprocess.TimeoutExpired:
            return UNKNOWN, f"--exec was still running after {self.timeout:g}s and was stopped"
        except OSError as exc:
            return FAILED, f"cannot run sh: {exc.strerror}"
        if done.returncode == 0:
            return SENT, None
        if done.returncode < 0:  # killed by a signal: it may or may not have sent
            return UNKNOWN, f"--exec was killed by signal {-done.returncode}"
        said = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        return FAILED, f"exit {done.returncode}" + (f": {said[-1].strip()[:300]}" if said else "")


class SmtpTransport:
    """Real email through smtplib, one connection per run, To: the customer's email."""

    channel = "smtp"

    def __init__(self, address: str, sender: str | None = None, starttls: bool = False,
                 use_ssl: bool = False, user: str | None = None, password: str | None = None,
                 timeout: float = 30):
        host, _, port = (address or "").strip().rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise InvalidInput(f"--smtp: {address!r} is not HOST:PORT (like smtp.qq.com:587)")
        if starttls and use_ssl:
            raise InvalidInput("--starttls/--ssl: choose one")
        self.host, self.port = host.strip("[]"), int(port)
        self.sender = (sender or os.environ.get("DAIGOU_SMTP_FROM")
                       or (user if user and "@" in user else None) or "daigou@localhost")
        if "@" not in self.sender:
            raise InvalidInput(f"--from: {self.sender!r} is not an email address")
        self.starttls, self.use_ssl, self.user, self.password = starttls, use_ssl, user, password
        self.timeout, self.smtp, self.broken = timeout, None, False

    def skip_reason(self, message: dict) -> str | None:
        return None if message.get("email") else f"customer {message['customer']} has no email address"

    def open(self) -> None:
        import smtplib

        where = f"{self.host}:{self.port}"
        try:
            kind = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
            self.smtp = kind(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                import ssl

                self.smtp.starttls(context=ssl.create_default_context())
            if self.user:
                self.smtp.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise InvalidInput(f"--smtp: {where} refused the login of {self.user} ({exc.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise InvalidInput(f"--smtp: cannot talk to {where} ({exc or type(exc).__name__})") from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:
                pass

    def deliver(self, message: dict) -> tuple[str, str | None]:
        import smtplib
        from email.message import EmailMessage
        from email.utils import formataddr, formatdate, make_msgid

        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = formataddr((message["customer"], message["email"]))
        mail["Subject"] = message["subject"]
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(f"daigou.{message['id']}")
        mail["X-Daigou-Notification"] = str(message["id"])
        mail.set_content(message["body"], cte="7bit" if message["body"].isascii() else "base64")
        try:
            self.smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return FAILED, f"SMTP {code}: {text.decode('utf-8', 'replace')}"
        except smtplib.SMTPResponseException as exc:
            return FAILED, f"SMTP {exc.smtp_code}: {exc.smtp_error.decode('utf-8', 'replace')}"
        except (smtplib.SMTPException, OSError) as exc:  # the line dropped: did the server take it?
            self.broken = True
            return UNKNOWN, f"connection to {self.host}:{self.port} lost while sending ({exc})"
        return SENT, f"to {message['email']}"


# ----------------------------------------------------------------- claims and outcomes

_QUEUE_SQL = ("SELECT n.*, c.name AS customer, c.wechat, c.phone, c.email, s.tracking, s.carrier "
              "FROM notification_status n JOIN customers c ON c.id = n.customer_id "
              "LEFT JOIN shipments s ON s.id = n.shipment_id WHERE n.status IN ('pending', 'sending') ORDER BY n.id")


def _message(row: sqlite3.Row, tz: str) -> dict:
    """What a sender gets: the message and every way to reach the customer."""
    local = clock.zone(tz)
    return {"id": row["id"], "order_id": row["order_id"], "customer_id": row["customer_id"],
            "customer": row["customer"], "wechat": row["wechat"], "phone": row["phone"], "email": row["email"],
            "kind": row["kind"], "language": row["language"], "subject": row["subject"], "body": row["body"],
            "tracking": row["tracking"], "carrier": row["carrier"],
            "created_at": clock.from_db(row["created_at"]).astimezone(local).isoformat(),
            "recorded_at": clock.from_db(row["recorded_at"]).astimezone(local).isoformat()}


def _last(conn: sqlite3.Connection, notification_id: int) -> tuple[str | None, int | None, bool]:
    """(last outcome, its row id, sent ever) read straight from the attempts."""
    row = conn.execute("SELECT outcome, id, detail FROM notification_attempts WHERE notification_id = ? "
                       "ORDER BY id DESC LIMIT 1", (notification_id,)).fetchone()
    sent = conn.execute("SELECT 1 FROM notification_attempts WHERE notification_id = ? AND outcome = 'sent'",
                        (notification_id,)).fetchone()
    return (row[0], row[1], bool(sent)) if row else (None, None, False)


def _withdrawn_by(conn: sqlite3.Connection, notification_id: int) -> int | None:
    """The void of the payment, refund or parcel the message tells of (see notification_status)."""
    row = conn.execute("SELECT MIN(v.entry_id) FROM notifications n JOIN voids v ON v.target IN (n.entry_id, "
                       "n.shipment_id) WHERE n.id = ?", (notification_id,)).fetchone()
    return row[0]


def _attempt(conn, notification_id: int, outcome: str, channel: str, detail=None, claim_id=None,
             sender=None) -> int:
    return conn.execute(
        "INSERT INTO notification_attempts(notification_id, outcome, claim_id, channel, sender, detail, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (notification_id, outcome, claim_id, channel, sender, detail, clock.to_db(clock.now_utc()))).lastrowid


def _claim(conn: sqlite3.Connection, notification_id: int, in_doubt_claim: int | None, channel: str) -> int | None:
    """Committed before the message leaves: a second sender sees it and keeps off."""
    with transaction(conn):
        outcome, last_id, sent = _last(conn, notification_id)
        if sent or _withdrawn_by(conn, notification_id):  # voided since the queue was read
            return None
        if outcome == "claimed" and last_id != in_doubt_claim:
            return None  # another sender has it now
        return _attempt(conn, notification_id, "claimed", channel, sender=sender_id())


def _settle(conn, notification_id: int, claim_id: int, outcome: str, channel: str, detail) -> None:
    with transaction(conn):
        _attempt(conn, notification_id, outcome, channel, detail, claim_id, sender_id())


def _skip(conn, notification_id: int, channel: str, reason: str) -> None:
    """Say once why a message waits (not again on every cron run)."""
    with transaction(conn):
        last = conn.execute("SELECT outcome, detail FROM notification_attempts WHERE notification_id = ? "
                            "ORDER BY id DESC LIMIT 1", (notification_id,)).fetchone()
        if not last or tuple(last) != ("skipped", reason):
            _attempt(conn, notification_id, "skipped", channel, reason)


def _result(row, result: str, detail: str | None) -> dict:
    return {"id": row["id"], "order_id": row["order_id"], "customer": row["customer"], "kind": row["kind"],
            "result": result, "detail": detail, "subject": row["subject"]}


def send(conn: sqlite3.Connection, transport, limit: int | None = None,
         retry_unknown: bool = False) -> Iterator[dict]:
    """Send every pending message, oldest first, yielding one result per message as it goes:
    sent, failed (stays pending), skipped (the transport cannot reach this customer) or
    in_doubt (claimed by a sender that never finished; not sent again unless retry_unknown)."""
    tz = config.get(conn, "timezone")
    rows = conn.execute(_QUEUE_SQL).fetchall()
    retry = {}
    for row in rows:
        if row["status"] != "sending" or _still_running(row["claimed_by"]):
            continue  # another sender on this machine is sending it right now
        if retry_unknown:
            retry[row["id"]] = row["claim_id"]
            continue
        when = clock.from_db(row["claimed_at"]).astimezone(clock.zone(tz)).strftime("%Y-%m-%d %H:%M")
        yield _result(row, "in_doubt", f"claimed by {row['claimed_by']} at {when} and never finished: check "
                      "with the customer, then `daigou notify send --retry-unknown` or `daigou notify mark ID sent`")
    tried, opened = 0, False
    try:
        for row in rows:
            if row["status"] == "sending" and row["id"] not in retry:
                continue
            if limit is not None and tried >= limit:
                break
            message = _message(row, tz)
            reason = transport.skip_reason(message)
            if reason:
                _skip(conn, row["id"], transport.channel, reason)
                yield _result(row, "skipped", reason)
                continue
            if not opened:
                transport.open()
                opened = True
            claim = _claim(conn, row["id"], retry.get(row["id"]), transport.channel)
            if claim is None:
                continue
            tried += 1
            outcome, detail = transport.deliver(message)
            if outcome != UNKNOWN:
                _settle(conn, row["id"], claim, outcome, transport.channel, detail)
            yield _result(row, "in_doubt" if outcome == UNKNOWN else outcome, detail)
            if transport.broken:
                break
    finally:
        if opened:
            transport.close()


def mark(conn: sqlite3.Connection, ref, how: str, note: str | None = None) -> dict:
    """The user's word on a message: `sent` (told the customer another way, or checked that
    an in-doubt one arrived) or `unsent` (an in-doubt one did not go out: send it again)."""
    text = str(ref or "").strip().lstrip("#")
    row = conn.execute("SELECT * FROM notification_status WHERE id = ?",
                       (int(text),)).fetchone() if text.isdigit() else None
    if row is None:
        raise InvalidInput(f"ID: no notification {ref!r} (see daigou notify list)")
    word = (how or "").strip().lower()
    if word not in ("sent", "unsent"):
        raise InvalidInput(f"HOW: {how!r} is not sent or unsent")
    if row["status"] == "sent":
        raise Refused(f"notification {row['id']}: already sent at {row['sent_at']}")
    if word == "unsent" and row["status"] == "withdrawn":
        voided = conn.execute("SELECT target FROM voids WHERE entry_id = ?", (row["withdrawn_by"],)).fetchone()[0]
        raise Refused(f"notification {row['id']}: withdrawn (entry {voided} was voided by entry "
                      f"{row['withdrawn_by']}), so it is never sent")
    if word == "unsent" and row["status"] != "sending":
        raise Refused(f"notification {row['id']}: not in doubt (it is {row['status']}); "
                      "the next notify send sends it")
    detail = (note or "").strip() or f"marked {word} by hand"
    _attempt(conn, row["id"], "sent" if word == "sent" else "failed", "hand", detail, row["claim_id"], sender_id())
    after = conn.execute("SELECT status FROM notification_status WHERE id = ?", (row["id"],)).fetchone()[0]
    return {"id": row["id"], "order_id": row["order_id"], "kind": row["kind"], "status": after, "note": detail}
