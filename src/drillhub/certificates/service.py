"""Issuing, revoking and re-issuing certificates, and what a verification code says about one."""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from drillhub import db, parse
from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event, record_events
from drillhub.certificates.pdf import CertificateFacts, dates_text
from drillhub.certificates.tables import Certificate, VerificationAttempt
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.exercises.tables import Run, RunEvent, RunParticipant
from drillhub.mail.service import outbox_message, queue_message, queue_messages
from drillhub.scenarios.model import EXERCISE_TYPE_LABELS
from drillhub.scheduling.tables import Course, Session, Venue
from drillhub.settings import settings_in_use
from drillhub.xapi import service as xapi
from drillhub.xapi import statements

CODE_BYTES = 16  # 128 bits: guessing one of a million live codes takes about 2^108 tries
VERIFICATIONS_PER_MINUTE = 30  # per client address
REASON_LENGTH = 1000  # why a certificate is revoked
RUN_ENDED = Actor(person_id=None, label="drillhub (exercise ended)")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


async def eligible_people(session_id: int) -> list[int]:
    """Marked attended and, where the course requires it, held a role in a run of the session that started
    and ended."""
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    course = await Course.objects().where(Course.id == session.course).first()
    attended = [row["person"] for row in await Enrollment.select(Enrollment.person).where(
        (Enrollment.session == session_id) & (Enrollment.attendance == Enrollment.Attendance.attended))]
    if not course.requires_exercise:
        return attended
    played = [row["run"] for row in await RunEvent.select(RunEvent.run).where(  # a run ended in its lobby does not count
        (RunEvent.run.session == session_id) & (RunEvent.run.status == Run.Status.ended)
        & (RunEvent.kind == RunEvent.Kind.start))]
    finished = {row["person"] for row in await RunParticipant.select(RunParticipant.person).where(
        RunParticipant.run.is_in(played) & RunParticipant.role.is_not_null())} if played else set()
    return [person for person in attended if person in finished]


async def _facts(session_id: int) -> dict:
    """What every certificate of the session states about the training."""
    session = await Session.objects().where(Session.id == session_id).first()
    course = await Course.objects().where(Course.id == session.course).output(load_json=True).first()
    venue = await Venue.select(Venue.agency.name.as_alias("owner")).where(Venue.id == session.venue).first() \
        if session.venue else None
    coordinator = await Person.select(Person.name, Person.agency.name.as_alias("agency")).where(
        Person.id == session.created_by).first() if session.created_by else None
    zone = ZoneInfo(session.time_zone)
    ends_on = session.ends_at.astimezone(zone).date()
    return {
        "session": session_id, "course_title": course.title,
        "exercise_type": EXERCISE_TYPE_LABELS.get(course.exercise_type, course.exercise_type),
        "core_capabilities": list(course.core_capabilities), "credit_hours": course.credit_hours,
        "credit_category": course.credit_category, "starts_on": session.starts_at.astimezone(zone).date(),
        "ends_on": ends_on,
        "issuer_agency": venue["owner"] if venue else (coordinator["agency"] if coordinator else ""),
        "coordinator_name": coordinator["name"] if coordinator else "",
        "expires_on": _add_months(ends_on, course.validity_months) if course.validity_months else None,
    }


async def _issue(facts: dict, person_ids: list[int], actor: Actor, replaces: int | None = None) -> list[Certificate]:
    """Inside a transaction: one certificate for each person, inserted together with their audit events
    and e-mails to the holders; then each serial, which is the row's number."""
    if not person_ids:
        return []
    people = {row["id"]: row for row in await Person.select(
        Person.id, Person.name, Person.email, Person.agency, Person.agency.name.as_alias("agency_name")).where(
        Person.id.is_in(person_ids))}
    now = datetime.now(UTC)
    codes = [secrets.token_urlsafe(CODE_BYTES) for _ in person_ids]
    rows = await db.insert_all(Certificate, [  # each serial stands in as its code until the row has its number
        Certificate(**facts, person=person, holder_name=people[person]["name"], agency=people[person]["agency"],
                    agency_name=people[person]["agency_name"], code=code, serial=code, issued_at=now,
                    issued_by=actor.person_id, revoke_reason="", replaces=replaces)
        for person, code in zip(person_ids, codes)], Certificate.id, Certificate.person, Certificate.code)
    serials = {row["id"]: f"DH-{now.year}-{row['id']:06d}" for row in rows}  # the serial is the row's number
    for certificate_id, serial in serials.items():
        await Certificate.update({Certificate.serial: serial}).where(Certificate.id == certificate_id)
    await record_events("certificate.issue", actor, [
        (f"certificate {serials[row['id']]}", {"person": row["person"], "session": facts["session"], "replaces": replaces})
        for row in rows])
    public_url = settings_in_use().public_url
    await queue_messages([_issued_message(people[row["person"]], facts, row["id"], serials[row["id"]], row["code"],
                                          replaces is not None, public_url) for row in rows])
    await xapi.queue([xapi.pending(statements.earned(
        public_url, now, row["person"], people[row["person"]]["agency"], facts["session"], row["id"], serials[row["id"]],
        facts["course_title"], float(facts["credit_hours"])), "earned", row["person"], f"certificate/{row['id']}")
        for row in rows])
    return await Certificate.objects().where(Certificate.id.is_in(list(serials))).order_by(Certificate.id)


def _issued_message(person: dict, facts: dict, certificate_id: int, serial: str, code: str, replaces: bool,
                    public_url: str):
    return outbox_message(
        person["email"], f"Your certificate: {facts['course_title']}",
        f"{person['name']},\n\nYour certificate of training is issued"
        f"{' (it replaces your earlier one for this training, now revoked)' if replaces else ''}.\n\n"
        f"{facts['course_title']}\n{dates_text(facts['starts_on'], facts['ends_on'])}, "
        f"{facts['credit_hours'].normalize():f} credit hours\nSerial {serial}\n\n"
        f"Download it: {public_url}/certificates/{certificate_id}\nAnyone can check it at: {public_url}/verify/{code}\n",
        "certificate", recipient_id=person["id"])


async def issue_for_session(session_id: int, actor: Actor, person_ids: list[int] | None = None) -> list[Certificate]:
    """A certificate for each eligible person (or those of `person_ids` who are) without a valid one."""
    eligible = await eligible_people(session_id)
    wanted = [p for p in eligible if person_ids is None or p in person_ids]
    if not wanted:
        return []
    facts = await _facts(session_id)
    async with db.transaction():
        await db.lock_row(Session, session_id)  # two coordinators clicking at once issue one each, not two
        holding = {row["person"] for row in await Certificate.select(Certificate.person).where(
            (Certificate.session == session_id) & Certificate.revoked_at.is_null())}
        return await _issue(facts, [person for person in wanted if person not in holding], actor)


async def issue_at_run_end(run_id: int, session_id: int | None) -> list[Certificate]:
    """A run of a session has ended: those of its players already marked attended, where the course asks
    for a finished exercise, get their certificate now rather than when the coordinator next issues."""
    if session_id is None:
        return []
    course = await Session.select(Session.course.requires_exercise.as_alias("requires_exercise")).where(
        Session.id == session_id).first()
    if not (course and course["requires_exercise"]):
        return []
    players = [row["person"] for row in await RunParticipant.select(RunParticipant.person).where(
        (RunParticipant.run == run_id) & RunParticipant.role.is_not_null())]
    return await issue_for_session(session_id, RUN_ENDED, players) if players else []


async def get_certificate(certificate_id: int) -> Certificate:
    certificate = await Certificate.objects().where(Certificate.id == certificate_id).output(load_json=True).first()
    if certificate is None:
        raise NotFound("No such certificate.")
    return certificate


async def revoke(certificate_id: int, reason: str, actor: Actor, reissued: bool = False) -> None:
    """Revoke with the reason given (at most REASON_LENGTH characters); the holder is told, unless a
    certificate re-issued in its place tells them."""
    errors = parse.too_long({"reason": (reason, REASON_LENGTH)})
    if not reason.strip():
        errors["reason"] = "Say why the certificate is revoked; the holder is told, and the audit log keeps it."
    if errors:
        raise Invalid(errors)
    reason = f"Re-issued: {reason.strip()}" if reissued else reason.strip()
    tell_holder = not reissued
    async with db.transaction():
        certificate = await get_certificate(certificate_id)
        if certificate.revoked_at is not None:
            raise Conflict("This certificate is already revoked.")
        now = datetime.now(UTC)
        await Certificate.update({Certificate.revoked_at: now, Certificate.revoked_by: actor.person_id,
                                  Certificate.revoke_reason: reason}).where(Certificate.id == certificate_id)
        await record_event("certificate.revoke", actor, target=f"certificate {certificate.serial}",
                           detail={"reason": reason})
        await xapi.void_latest(f"certificate/{certificate_id}", "earned", settings_in_use().public_url,
                               actor.person_id, now)  # the LRS is told: the earned statement no longer holds
        holder = await Person.select(Person.email).where(Person.id == certificate.person).first()
        if tell_holder and holder:
            await queue_message(
                holder["email"], f"Certificate revoked: {certificate.course_title}",
                f"{certificate.holder_name},\n\nYour certificate {certificate.serial} for {certificate.course_title} "
                f"was revoked on {now.astimezone(await zone_of(certificate.session)):%d %B %Y}.\nReason: {reason}\n\n"
                "Your training coordinator can tell you more.\n",
                "certificate", recipient_id=certificate.person)


async def reissue(certificate_id: int, reason: str, actor: Actor) -> Certificate:
    """Revoke a certificate and issue its holder a new one, with today's facts (a corrected name, say)."""
    old = await get_certificate(certificate_id)
    facts = await _facts(old.session)
    async with db.transaction():  # both or neither
        await revoke(certificate_id, reason, actor, reissued=True)
        return (await _issue(facts, [old.person], actor, replaces=certificate_id))[0]


@dataclass(frozen=True)
class Verification:
    serial: str
    holder: str
    agency: str
    course: str
    exercise_type: str
    starts_on: date
    ends_on: date
    hours: str
    category: str
    issuer: str
    issued_on: date
    expires_on: date | None
    status: str  # valid, expired, revoked
    revoked_on: date | None
    replaced_by: str | None = None  # the serial of the certificate re-issued in its place
    replaced_by_code: str | None = None


def status_of(revoked_at: datetime | None, expires_on: date | None, today: date) -> str:
    """A certificate's status: revoked, expired or valid."""
    if revoked_at is not None:
        return "revoked"
    if expires_on is not None and expires_on < today:
        return "expired"
    return "valid"


async def allow_verification(client_key: str) -> bool:
    """Count this look-up; False when the client (counted by clients.limit_key) made too many in the
    last minute."""
    now = datetime.now(UTC)
    async with db.transaction():
        await VerificationAttempt.delete().where(VerificationAttempt.at < now - timedelta(hours=1))
        recent = await VerificationAttempt.count().where(
            (VerificationAttempt.client == client_key) & (VerificationAttempt.at > now - timedelta(minutes=1)))
        if recent >= VERIFICATIONS_PER_MINUTE:
            return False
        await VerificationAttempt.insert(VerificationAttempt(client=client_key, at=now))
    return True


async def verify(code: str, today: date | None = None) -> Verification:
    """What the certificate with this code says, and whether it stands. An unknown code gets the same
    answer however close it is to a real one."""
    certificate = await Certificate.objects().where(Certificate.code == code).first() \
        if 20 <= len(code) <= 32 else None
    if certificate is None:
        raise NotFound("No certificate has this verification code.")
    zone = await zone_of(certificate.session)
    replacement = await replacement_of(certificate.id) if certificate.revoked_at else None
    return Verification(
        serial=certificate.serial, holder=certificate.holder_name, agency=certificate.agency_name,
        course=certificate.course_title, exercise_type=certificate.exercise_type, starts_on=certificate.starts_on,
        ends_on=certificate.ends_on, hours=f"{certificate.credit_hours.normalize():f}",
        category=certificate.credit_category, issuer=certificate.issuer_agency,
        issued_on=certificate.issued_at.astimezone(zone).date(), expires_on=certificate.expires_on,
        status=status_of(certificate.revoked_at, certificate.expires_on, today or datetime.now(zone).date()),
        revoked_on=certificate.revoked_at.astimezone(zone).date() if certificate.revoked_at else None,
        replaced_by=replacement["serial"] if replacement else None,
        replaced_by_code=replacement["code"] if replacement else None,
    )


async def list_session_certificates(session_id: int, person_id: int | None = None) -> list[dict]:
    """A session's certificates (or one person's of them), newest first."""
    query = Certificate.select(Certificate.id, Certificate.serial, Certificate.person, Certificate.holder_name,
                               Certificate.agency_name, Certificate.issued_at, Certificate.revoked_at).where(
        Certificate.session == session_id).order_by(Certificate.issued_at, ascending=False)
    return await (query.where(Certificate.person == person_id) if person_id else query)


async def zone_of(session_id: int) -> ZoneInfo:
    """The time zone of the session a certificate is for: its dates are that day where the training was."""
    row = await Session.select(Session.time_zone).where(Session.id == session_id).first()
    return ZoneInfo(row["time_zone"]) if row else ZoneInfo("UTC")


async def replacement_of(certificate_id: int) -> dict | None:
    """The certificate issued in place of this one (re-issued), if any: its id, serial and code."""
    return await Certificate.select(Certificate.id, Certificate.serial, Certificate.code).where(
        Certificate.replaces == certificate_id).first()


async def printed_facts(certificate: Certificate, public_url: str) -> CertificateFacts:
    """What a certificate's PDF prints; a revoked one says when, why and what replaced it."""
    zone = await zone_of(certificate.session)
    revoked = ""
    if certificate.revoked_at is not None:
        replacement = await replacement_of(certificate.id)
        revoked = (f"REVOKED on {certificate.revoked_at.astimezone(zone):%d %B %Y}"
                   + (f", replaced by {replacement['serial']}" if replacement else "")
                   + f". Reason: {certificate.revoke_reason}")
    return facts_of(certificate, public_url, zone, revoked)


def facts_of(certificate: Certificate, public_url: str, zone: ZoneInfo, revoked: str = "") -> CertificateFacts:
    return CertificateFacts(
        serial=certificate.serial, holder=certificate.holder_name, agency=certificate.agency_name,
        course=certificate.course_title, exercise_type=certificate.exercise_type,
        core_capabilities=tuple(certificate.core_capabilities), starts_on=certificate.starts_on,
        ends_on=certificate.ends_on, hours=f"{certificate.credit_hours.normalize():f}",
        category=certificate.credit_category, issuer=certificate.issuer_agency,
        coordinator=certificate.coordinator_name, issued_on=certificate.issued_at.astimezone(zone).date(),
        expires_on=certificate.expires_on, verify_url=f"{public_url}/verify/{certificate.code}", revoked=revoked,
    )
