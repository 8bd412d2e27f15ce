"""Work that runs on its own in every worker process: due e-mail, xAPI statements for the learning record
store, and reserved seats whose release date has passed. Safe to run in several processes at once (see mail.service and enrolment.service)."""

import asyncio
import logging

from drillhub.audit.service import Actor
from drillhub.enrolment.service import release_due_seats
from drillhub.mail.service import send_due
from drillhub.xapi.service import send_due as send_statements
from drillhub.settings import Settings

INTERVAL_SECONDS = 30
SYSTEM = Actor(person_id=None, label="drillhub (background)")
log = logging.getLogger("drillhub.background")


async def run_forever(settings: Settings) -> None:
    while True:
        try:
            await release_due_seats(SYSTEM)
            if settings.smtp_configured:
                await send_due(settings)
            if settings.xapi_configured:
                await send_statements(settings)
        except Exception:  # a database or mail hiccup must not end the loop
            log.exception("background work failed; trying again in %s s", INTERVAL_SECONDS)
        await asyncio.sleep(INTERVAL_SECONDS)
