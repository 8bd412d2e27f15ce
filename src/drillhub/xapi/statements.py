"""xAPI 1.0.3 statements of what drillhub records: built here from plain values, with no database.

The profile (verbs, activity types, extensions) is in docs/xapi.md. Activities and extensions have IRIs
under DRILLHUB_PUBLIC_URL, so that they are stable for a deployment and lead back to it. A person is an
account on this drillhub (never an e-mail address).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

VERBS = {
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "responded": "http://adlnet.gov/expapi/verbs/responded",
    "earned": "http://id.tincanapi.com/verb/earned",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
ACTIVITY_TYPES = {
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "scene": "http://adlnet.gov/expapi/activities/module",
    "decision": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "session": "http://adlnet.gov/expapi/activities/meeting",
    "feedback": "http://adlnet.gov/expapi/activities/question",
    "certificate": "https://w3id.org/xapi/tla/activity-types/credential",
}
LANGUAGE = "en-US"


@dataclass(frozen=True)
class Where:
    """What every statement of one run says about where it happened."""

    public_url: str
    run_id: int
    session_id: int | None
    scenario_id: str
    scenario_title: str
    version_sha256: str


def extension(public_url: str, name: str) -> str:
    return f"{public_url}/xapi/extensions/{name}"


def actor(public_url: str, person_id: int | None) -> dict:
    """A person by their account here; what no person did (a stand-in, the time-out) is drillhub's."""
    if person_id is None:
        return {"objectType": "Agent", "name": "drillhub", "account": {"homePage": public_url, "name": "drillhub"}}
    return {"objectType": "Agent", "account": {"homePage": public_url, "name": f"person-{person_id}"}}


def registration(public_url: str, run_id: int) -> str:
    """The run as the statements' registration: the same UUID for the run every time it is asked for."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{public_url}/runs/{run_id}"))


def scenario_iri(where: Where) -> str:
    return f"{where.public_url}/xapi/activities/scenarios/{where.scenario_id}"


def scene_iri(where: Where, node: str) -> str:
    return f"{scenario_iri(where)}/scenes/{node}"


def duration(seconds: float) -> str:
    """ISO 8601, as xAPI wants it: 'PT12.5S', 'PT3H7M0.25S' (to the hundredth of a second)."""
    hundredths = round(max(seconds, 0.0) * 100)
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    second = f"{rest / 100:.2f}".rstrip("0").rstrip(".")
    return f"PT{f'{hours}H' if hours else ''}{f'{minutes}M' if minutes else ''}{second}S"


def _activity(iri: str, kind: str, name: str, **definition) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"type": ACTIVITY_TYPES[kind], "name": {LANGUAGE: name}, **definition}}


def _context(where: Where, role: str = "", agency_id: int | None = None, **more) -> dict:
    public = where.public_url
    extensions = {extension(public, "scenario-version"): where.version_sha256,
                  **({extension(public, "role"): role} if role else {}),
                  **({extension(public, "agency"): f"{public}/agencies/{agency_id}"} if agency_id else {}),
                  **{extension(public, name): value for name, value in more.items()}}
    activities = {"parent": [_activity(scenario_iri(where), "scenario", where.scenario_title)]}
    if where.session_id is not None:
        activities["grouping"] = [{"objectType": "Activity", "id": f"{public}/sessions/{where.session_id}",
                                   "definition": {"type": ACTIVITY_TYPES["session"]}}]
    return {"registration": registration(public, where.run_id), "platform": "drillhub", "language": LANGUAGE,
            "contextActivities": activities, "extensions": extensions}


def statement(verb: str, who: dict, what: dict, at: datetime, context: dict | None = None,
              result: dict | None = None) -> dict:
    """A statement with its id fixed now: sending it again never makes a second one."""
    return {"id": str(uuid.uuid4()), "actor": who, "verb": {"id": VERBS[verb], "display": {LANGUAGE: verb}},
            "object": what, **({"result": result} if result else {}), **({"context": context} if context else {}),
            "timestamp": at.isoformat()}


def decided(where: Where, at: datetime, person_id: int | None, role: str, agency_id: int | None, node: str,
            prompt: str, choices: list[tuple[str, str, bool]], chosen: str, made_by: str, rationale: str,
            shown_at: datetime | None, team: bool = False) -> dict:
    """A decision (a role's choice, a vote, or a team's confirmed choice), however it was made: `choices`
    are (id, label, expected) of the decision point."""
    public = where.public_url
    expected = [choice_id for choice_id, _, is_expected in choices if is_expected]
    what = _activity(f"{scene_iri(where, node)}/decision", "decision", prompt, interactionType="choice",
                     choices=[{"id": choice_id, "description": {LANGUAGE: label}} for choice_id, label, _ in choices],
                     **({"correctResponsesPattern": expected} if expected else {}))  # any one is right
    result = {"response": chosen, **({"success": chosen in expected} if expected else {}),
              **({"duration": duration((at - shown_at).total_seconds())} if shown_at else {}),
              **({"extensions": {extension(public, "rationale"): rationale}} if rationale else {})}
    return statement("answered", actor(public, person_id), what, at,
                     _context(where, role, agency_id, **{"made-by": made_by, **({"team": True} if team else {})}),
                     result)


def reached(where: Where, at: datetime, person_id: int, role: str, agency_id: int | None, node: str,
            title: str) -> dict:
    """A scene (or an ending) a player reached."""
    return statement("experienced", actor(where.public_url, person_id),
                     _activity(scene_iri(where, node), "scene", title), at, _context(where, role, agency_id))


def finished(where: Where, at: datetime, person_id: int, role: str, agency_id: int | None, ending: str,
             points: dict[str, int], outcomes: dict[str, str], started_at: datetime) -> dict:
    """The exercise completed at an ending (or terminated early: `ending` empty), with the points the run
    scored toward each objective and, at an ending, each objective's outcome there."""
    public = where.public_url
    result = {"completion": bool(ending), "duration": duration((at - started_at).total_seconds()),
              **({"success": all(outcome == "met" for outcome in outcomes.values())} if outcomes else {}),
              "extensions": {extension(public, "objective-points"): points,
                             **({extension(public, "ending"): {"id": ending, "objectives": outcomes}} if ending else {})}}
    return statement("completed" if ending else "terminated", actor(public, person_id),
                     _activity(scenario_iri(where), "scenario", where.scenario_title), at,
                     _context(where, role, agency_id), result)


def _session_context(public_url: str, session_id: int, agency_id: int | None) -> dict:
    return {"platform": "drillhub", "language": LANGUAGE,
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": f"{public_url}/sessions/{session_id}",
                                                "definition": {"type": ACTIVITY_TYPES["session"]}}]},
            **({"extensions": {extension(public_url, "agency"): f"{public_url}/agencies/{agency_id}"}}
               if agency_id else {})}


def responded(public_url: str, at: datetime, person_id: int, agency_id: int | None, session_id: int,
              session_title: str) -> dict:
    """A participant signed and sent their hot wash feedback form (one statement for it, however often it is
    changed). What it says stays in drillhub."""
    what = _activity(f"{public_url}/sessions/{session_id}/feedback", "feedback",
                     f"Participant feedback form: {session_title}")
    return statement("responded", actor(public_url, person_id), what, at,
                     _session_context(public_url, session_id, agency_id), {"completion": True})


def voided(public_url: str, at: datetime, person_id: int | None, statement_id: str) -> dict:
    """What a statement said no longer holds (a certificate revoked, a form made anonymous)."""
    return statement("voided", actor(public_url, person_id), {"objectType": "StatementRef", "id": statement_id}, at)


def earned(public_url: str, at: datetime, person_id: int, agency_id: int | None, session_id: int,
           certificate_id: int, serial: str, course_title: str, credit_hours: float) -> dict:
    """A certificate issued: the credential, its serial and the credit hours it gives."""
    what = _activity(f"{public_url}/certificates/{certificate_id}", "certificate", course_title,
                     description={LANGUAGE: f"Certificate {serial}"})
    return statement("earned", actor(public_url, person_id), what, at,
                     _session_context(public_url, session_id, agency_id),
                     {"completion": True, "extensions": {extension(public_url, "credit-hours"): credit_hours,
                                                         extension(public_url, "serial"): serial}})

