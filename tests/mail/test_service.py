"""Mail goes out through a real SMTP server on 127.0.0.1 (aiosmtpd), and survives it being down."""

import email
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from drillhub.mail.service import RETRY_DELAYS, list_outbox, outbox_message, queue_message, send_due
from drillhub.mail.tables import OutboxMessage
from drillhub.settings import Settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


def mail_settings(settings: Settings, port: int) -> Settings:
    from dataclasses import replace

    return replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                   mail_from="drillhub@county.example")


async def due_now() -> None:
    """As if the retry delay had passed."""
    await OutboxMessage.update({OutboxMessage.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1)},
                               force=True)


async def test_messages_go_out_with_the_invitation_attached(app, settings, smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        await queue_message("officer@demo.drillhub.test", "Invitation: Active threat TTX", "You are enrolled.",
                            "invitation", calendar=b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
                            calendar_method="REQUEST")
        assert await send_due(mail_settings(settings, smtp_port)) == 1
    finally:
        controller.stop()
    [received] = inbox.messages
    assert received["To"] == "officer@demo.drillhub.test" and received["Subject"] == "Invitation: Active threat TTX"
    calendar = next(part for part in received.walk() if part.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST" and b"METHOD:REQUEST" in calendar.get_payload(decode=True)
    row = await OutboxMessage.select().first()
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None


async def test_a_server_that_is_down_for_a_while_loses_nothing(app, settings, smtp_port):
    configured = mail_settings(settings, smtp_port)
    await queue_message("a@county.example", "One", "1", "invitation")
    await queue_message("b@county.example", "Two", "2", "cancellation")
    assert await send_due(configured) == 0  # nothing listens on the port yet
    rows = await OutboxMessage.select().order_by(OutboxMessage.id)
    assert [row["status"] for row in rows] == ["pending", "pending"]
    assert "ConnectionRefusedError" in rows[0]["last_error"]
    assert rows[0]["next_attempt_at"] > datetime.now(UTC) + RETRY_DELAYS[0] - timedelta(seconds=5)
    assert await send_due(configured) == 0  # not due again yet
    await due_now()
    assert await send_due(configured) == 0  # still down
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        await due_now()
        assert await send_due(configured) == 2
    finally:
        controller.stop()
    assert sorted(message["Subject"] for message in inbox.messages) == ["One", "Two"]
    assert (await list_outbox("sent", 1)).total == 2


async def test_after_the_last_retry_a_message_is_marked_failed(app, settings, smtp_port):
    await queue_message("a@county.example", "One", "1", "invitation")
    for _ in range(len(RETRY_DELAYS) + 1):
        await due_now()
        await send_due(mail_settings(settings, smtp_port))
    row = await OutboxMessage.select().first()
    assert row["status"] == "failed" and row["attempts"] == len(RETRY_DELAYS) + 1
    assert (await list_outbox("failed", 1)).total == 1


async def test_a_subject_is_one_line_and_an_unwritable_message_does_not_stop_the_others(app, settings, smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        await queue_message("a@county.example", "Invitation: line1\r\nInjected-Header: x", "1", "invitation")
        stored_before_the_rule = outbox_message("b@county.example", "Two", "2", "invitation")
        stored_before_the_rule.subject = "Two\r\nInjected-Header: x"
        await stored_before_the_rule.save()
        await queue_message("c@county.example", "Three", "3", "invitation")
        assert await send_due(mail_settings(settings, smtp_port)) == 2
    finally:
        controller.stop()
    assert sorted(message["Subject"] for message in inbox.messages) == ["Invitation: line1 Injected-Header: x", "Three"]
    assert all(message["Injected-Header"] is None for message in inbox.messages)
    failed = await OutboxMessage.select().where(OutboxMessage.status == "failed").first()
    assert failed["to_address"] == "b@county.example" and "ValueError" in failed["last_error"]
