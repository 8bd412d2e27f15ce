"""The outbox: messages written with the change they report, sent later by a worker with retries."""

import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import anyio.to_thread

from drillhub import db
from drillhub.mail.tables import OutboxMessage
from drillhub.paging import Page, fetch_page
from drillhub.settings import Settings

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]  # then it has failed
LEASE = timedelta(minutes=5)  # a claimed message is retried if its sender vanished this long ago
SMTP_TIMEOUT_SECONDS = 20


async def queue_message(to_address: str, subject: str, body: str, kind: str, recipient_id: int | None = None,
                        calendar: bytes = b"", calendar_method: str = "") -> None:
    """Call inside the transaction of the change the message reports."""
    await queue_messages([outbox_message(to_address, subject, body, kind, recipient_id, calendar, calendar_method)])


async def queue_messages(messages: list[OutboxMessage]) -> None:
    """Many at once (a whole session's certificates), inside the transaction of the change they report."""
    await db.insert_all(OutboxMessage, messages)


def outbox_message(to_address: str, subject: str, body: str, kind: str, recipient_id: int | None = None,
                   calendar: bytes = b"", calendar_method: str = "") -> OutboxMessage:
    """A subject is one line (a header): a course title posted with a line break must not stop the mail."""
    now = datetime.now(UTC)
    return OutboxMessage(
        recipient=recipient_id, to_address=to_address, subject=" ".join(subject.split())[:300], body=body,
        calendar=calendar.decode(), calendar_method=calendar_method, kind=kind,
        status=OutboxMessage.Status.pending, attempts=0, next_attempt_at=now, last_error="", created_at=now,
    )


def compose(message: dict, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = formataddr(("drillhub", sender))
    email["To"] = message["to_address"]
    email["Subject"] = message["subject"]
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "drillhub")
    email.set_content(message["body"])
    if message["calendar"]:
        email.add_attachment(
            message["calendar"].encode(), maintype="text", subtype="calendar", filename="invite.ics",
            params={"method": message["calendar_method"] or "PUBLISH", "charset": "utf-8"},
        )
    return email


def _deliver(settings: Settings, email: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as server:
        if settings.smtp_starttls:
            server.starttls()
        if settings.smtp_username:
            server.login(settings.smtp_username, settings.smtp_password)
        server.send_message(email)


async def send_due(settings: Settings, limit: int = 20) -> int:
    """Send what is due; return how many went out. A failure is retried later, then given up; a message
    that cannot be written as e-mail at all (a header the e-mail library refuses) fails at once, and the
    others go on."""
    sent = 0
    for message in await db.claim_due(OutboxMessage, limit, LEASE):
        attempts = message["attempts"] + 1
        try:
            await anyio.to_thread.run_sync(_deliver, settings, compose(message, settings.mail_from))
        except (OSError, smtplib.SMTPException, ValueError) as error:
            retry = not isinstance(error, ValueError) and attempts <= len(RETRY_DELAYS)
            await OutboxMessage.update({
                OutboxMessage.status: OutboxMessage.Status.pending if retry else OutboxMessage.Status.failed,
                OutboxMessage.next_attempt_at: datetime.now(UTC) + (RETRY_DELAYS[attempts - 1] if retry else timedelta()),
                OutboxMessage.last_error: f"{type(error).__name__}: {error}"[:1000],
            }).where(OutboxMessage.id == message["id"])
            continue
        await OutboxMessage.update({
            OutboxMessage.status: OutboxMessage.Status.sent, OutboxMessage.sent_at: datetime.now(UTC),
            OutboxMessage.last_error: "",
        }).where(OutboxMessage.id == message["id"])
        sent += 1
    return sent


async def list_outbox(status: str, number: int) -> Page:
    conditions = [OutboxMessage.status == status] if status in OutboxMessage.Status.__members__ else []
    select = OutboxMessage.select().where(*conditions).order_by(OutboxMessage.id, ascending=False)
    return await fetch_page(select, OutboxMessage.count().where(*conditions), number)
