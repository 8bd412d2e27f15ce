"""The hot wash Participant Feedback Form: one per person and exercise, editable until the AAR is final."""

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import zip_longest

from drillhub import db, parse
from drillhub.accounts.tables import Person
from drillhub.afteraction.service import Participant, find_participant, participants, report_is_final
from drillhub.afteraction.tables import Feedback
from drillhub.errors import Conflict, Forbidden, Invalid
from drillhub.mail.service import queue_message
from drillhub.settings import settings_in_use
from drillhub.xapi import service as xapi
from drillhub.xapi import statements
from drillhub.scheduling.tables import Session

# HSEEP's Participant Feedback Form statements, each answered 1 (strongly disagree) to 5 (strongly agree).
STATEMENTS = {
    "structured": "The exercise was well structured and organised.",
    "realistic": "The exercise scenario was plausible and realistic.",
    "facilitator": "The facilitator was knowledgeable about the area of play and kept the exercise on target.",
    "documentation": "The exercise documentation was useful in preparing for and taking part in the exercise.",
    "level": "Taking part was appropriate for someone in my field with my level of experience and training.",
    "mix": "The right mix of disciplines and agencies took part, at the right levels.",
    "capabilities": "The exercise let my agency practise and evaluate priority capabilities.",
    "prepared": "After this exercise, I am better prepared for a real incident like the one exercised.",
}
AGREEMENT = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree", 5: "Strongly agree"}
PRIORITIES = ("high", "medium", "low")
LISTED = 3  # top three strengths and areas for improvement
SHORT, LONG = 500, 4000


@dataclass(frozen=True)
class FeedbackInput:
    title: str = ""
    exercise_role: str = ""
    anonymous: str = ""  # "yes" when ticked
    strengths: tuple[str, ...] = ()
    improvements: tuple[str, ...] = ()
    missed: str = ""
    action: tuple[str, ...] = ()  # three parallel lists, one row per recommended corrective action
    priority: tuple[str, ...] = ()
    owner: tuple[str, ...] = ()
    to_review: str = ""
    ratings: tuple[str, ...] = ()  # in the order of STATEMENTS; "" is not answered
    comments: str = ""


def _listed(values: tuple[str, ...]) -> list[str]:
    return [value.strip() for value in values if value.strip()][:LISTED]


def checked_feedback(data: FeedbackInput) -> dict:
    """The form's values as stored; raise Invalid with every problem (text over its limit is refused, never
    cut short)."""
    errors = parse.too_long({
        "title": (data.title, 100), "missed": (data.missed, LONG), "to_review": (data.to_review, LONG),
        "comments": (data.comments, LONG),
        **{field: (text, SHORT) for field in ("strengths", "improvements") for text in getattr(data, field)
           if len(text.strip()) > SHORT},
        **{"actions": (text, SHORT) for text in data.action if len(text.strip()) > SHORT},
        **{"actions": (owner, 200) for owner in data.owner if len(owner.strip()) > 200},
    })
    anonymous = data.anonymous == "yes"
    if not anonymous and data.exercise_role not in Feedback.ExerciseRole.__members__:
        errors["exercise_role"] = "Choose your role in the exercise."
    actions = []
    for action, priority, owner in zip_longest(data.action, data.priority, data.owner, fillvalue=""):
        if not action.strip():
            continue
        if priority not in PRIORITIES:
            errors["actions"] = "Give each recommended action a priority: high, medium or low."
        actions.append({"action": action.strip(), "priority": priority, "owner": owner.strip()})
    ratings = {}
    for key, answer in zip(STATEMENTS, data.ratings, strict=False):
        if answer:
            if answer not in {"1", "2", "3", "4", "5"}:
                errors["ratings"] = "Answer each statement from 1 to 5, or leave it."
            else:
                ratings[key] = int(answer)
    values = {
        # an anonymous form keeps the agency only: a title or role (one facilitator) could say who wrote it
        "title": "" if anonymous else data.title.strip(), "exercise_role": "" if anonymous else data.exercise_role,
        "anonymous": anonymous,
        "strengths": _listed(data.strengths), "improvements": _listed(data.improvements),
        "missed": data.missed.strip(), "corrective_actions": actions, "to_review": data.to_review.strip(),
        "ratings": ratings, "comments": data.comments.strip(),
    }
    if not errors and not any(values[key] for key in ("strengths", "improvements", "missed", "corrective_actions",
                                                      "to_review", "ratings", "comments")):
        errors["strengths"] = "Answer at least one question; a strength or an area for improvement is a good start."
    if errors:
        raise Invalid(errors)
    return values


async def find_feedback(session_id: int, person_id: int) -> Feedback | None:
    return await Feedback.objects().where((Feedback.session == session_id) & (Feedback.person == person_id)).output(
        load_json=True).first()


async def check_may_give_feedback(session_id: int, person_id: int) -> Participant:
    participant = await find_participant(session_id, person_id)
    if participant is None:
        raise Forbidden("Only people who took part in this exercise give feedback on it.")
    return participant


async def submit_feedback(session_id: int, person_id: int, data: FeedbackInput) -> Feedback:
    """Write the person's form, or change the one they sent, unless the AAR is final."""
    participant = await check_may_give_feedback(session_id, person_id)
    values = checked_feedback(data)
    async with db.transaction():
        await db.lock_row(Session, session_id)  # one form per person, even if they send it twice at once
        if await report_is_final(session_id):
            raise Conflict("The After-Action Report is final, so feedback can no longer be changed.")
        # an anonymous form is dated when its exercise ended: the time it was written could say who wrote it
        dated = await _ended_at(session_id) if values["anonymous"] else datetime.now(UTC)
        existing = await find_feedback(session_id, person_id)
        await _tell_the_lrs(session_id, person_id, participant, existing, values["anonymous"], dated)
        if existing is None:
            feedback = Feedback(session=session_id, person=person_id, agency=participant.agency, submitted_at=dated,
                                updated_at=dated, **values)
            await feedback.save()
            return feedback
        times = {"updated_at": dated, **({"submitted_at": dated} if values["anonymous"] else {})}
        await Feedback.update({getattr(Feedback, key): value for key, value in {**values, **times}.items()}).where(
            Feedback.id == existing.id)
    return await find_feedback(session_id, person_id)


async def _tell_the_lrs(session_id: int, person_id: int, participant: Participant, existing: Feedback | None,
                        anonymous: bool, at: datetime) -> None:
    """A signed form is a responded statement, once; an anonymous form is nobody's record, so a form that
    was signed and is made anonymous has its statement voided."""
    public_url, subject = settings_in_use().public_url, f"feedback/{session_id}/{person_id}"
    signed_before = existing is not None and not existing.anonymous
    if not anonymous and not signed_before:
        made = statements.responded(public_url, at, person_id, participant.agency, session_id,
                                    await _session_title(session_id))
        await xapi.queue([xapi.pending(made, "responded", person_id, subject)])
    elif anonymous and signed_before:
        await xapi.void_latest(subject, "responded", public_url, person_id, at)


async def _session_title(session_id: int) -> str:
    row = await Session.select(Session.course.title.as_alias("title")).where(Session.id == session_id).first()
    return row["title"] if row else f"session {session_id}"


async def _ended_at(session_id: int) -> datetime:
    return (await Session.select(Session.ends_at).where(Session.id == session_id).first())["ends_at"]


def feedback_input(feedback: Feedback | None, participant: Participant) -> FeedbackInput:
    """What the form shows: the stored answers, or a new form with the person's title and role (also
    for an anonymous form, which stored neither, in case they sign it after all)."""
    if feedback is None:
        return FeedbackInput(title=participant.title, exercise_role=participant.exercise_role)
    signed = feedback if not feedback.anonymous else participant
    actions = feedback.corrective_actions
    return FeedbackInput(
        title=signed.title, exercise_role=signed.exercise_role, anonymous="yes" if feedback.anonymous else "",
        strengths=tuple(feedback.strengths), improvements=tuple(feedback.improvements), missed=feedback.missed,
        action=tuple(a["action"] for a in actions), priority=tuple(a["priority"] for a in actions),
        owner=tuple(a["owner"] for a in actions), to_review=feedback.to_review,
        ratings=tuple(str(feedback.ratings.get(key, "")) for key in STATEMENTS), comments=feedback.comments,
    )


async def offer_feedback(session_id: int, title: str) -> int:
    """Inside the caller's transaction, as the exercise ends: ask everyone who took part and has not
    yet sent the form to fill it in. Returns how many were asked."""
    sent = {row["person"] for row in await Feedback.select(Feedback.person).where(Feedback.session == session_id)}
    wanted = [p.person for p in await participants(session_id) if p.person not in sent]
    link = f"{settings_in_use().public_url}/sessions/{session_id}/feedback/"
    people = await Person.select(Person.id, Person.name, Person.email).where(
        Person.id.is_in(wanted or [0]) & Person.active.eq(True))
    for person in people:
        body = (f"{person['name']},\n\nThank you for taking part in {title}. Please fill in the Participant Feedback "
                f"Form (hot wash) while it is fresh: what went well, what to improve, and what should change.\n\n"
                f"{link}\n\nYou can change your answers until the After-Action Report is final.\n")
        await queue_message(person["email"], f"Your feedback: {title}", body, "feedback", recipient_id=person["id"])
    return len(people)
