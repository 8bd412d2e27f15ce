"""Every database test runs twice: on a fresh SQLite file and on a PostgreSQL database.

The environment is set before drillhub is imported, as its settings are read from it.
"""

import os

os.environ["DRILLHUB_ENV"] = "test"
os.environ.setdefault("DRILLHUB_SECRET_KEY", "test-secret-key-that-is-long-enough-for-drillhub")

import itertools
import shutil
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from piccolo.table import create_db_tables

from drillhub import db
from drillhub.accounts.tables import Person, SupervisedAgency
from drillhub.agencies.tables import Agency
from drillhub.app import create_app
from drillhub.auth.passwords import hash_password, use_low_cost_hashing
from drillhub.piccolo_app import APP_CONFIG
from drillhub.enrolment.tables import ENROLLMENT_UNIQUE_INDEX
from drillhub.exercises.tables import RUN_EVENT_UNIQUE_INDEX
from drillhub.settings import Settings
from tests.support import PASSWORD, sign_in

use_low_cost_hashing()

IN_CI = os.environ.get("CI") == "true"
SCENARIO_FILES = Path(__file__).parent / "scenarios" / "files"
POSTGRES_ADMIN_URL = os.environ.get(
    "DRILLHUB_TEST_POSTGRES_URL", "postgresql://drillhub:drillhub@127.0.0.1:5432/postgres"
)


def skip_unless_ci(reason: str) -> None:
    """Outside CI a missing service skips, saying why; in CI nothing may skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may skip)")
    pytest.skip(reason)


def database_url_for(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def _create_tables(database_url: str) -> None:
    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await create_db_tables(*APP_CONFIG.table_classes)
    await engine.run_ddl(ENROLLMENT_UNIQUE_INDEX)
    await engine.run_ddl(RUN_EVENT_UNIQUE_INDEX)
    db.enable_wal(engine)
    await db.close_database(engine)  # an open SQLite connection's thread would keep pytest from exiting


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    await _create_tables(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
async def postgres_server() -> str:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        skip_unless_ci(f"PostgreSQL is not reachable at DRILLHUB_TEST_POSTGRES_URL ({error})")
    await connection.close()
    return POSTGRES_ADMIN_URL


async def _admin_execute(admin_url: str, sql: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
async def postgres_database(postgres_server):
    name = f"drillhub_test_{uuid.uuid4().hex[:10]}"
    await _admin_execute(postgres_server, f'CREATE DATABASE "{name}"')
    url = database_url_for(postgres_server, name)
    await _create_tables(url)
    yield url
    await _admin_execute(postgres_server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


TABLE_NAMES = ", ".join(table._meta.tablename for table in APP_CONFIG.table_classes)


@pytest.fixture
async def emptied_postgres_database(postgres_database) -> str:
    await _admin_execute(postgres_database, f"TRUNCATE {TABLE_NAMES} RESTART IDENTITY CASCADE")
    return postgres_database


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    # A plain (not async) fixture: getfixturevalue may not run async fixtures from inside the event loop.
    if request.param == "sqlite":
        path = tmp_path / "drillhub.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("emptied_postgres_database")


@pytest.fixture
def settings(database_url) -> Settings:
    # stream_seconds=0: an event stream ends after what it has to tell at once, as the test client reads
    # a response to its end
    return Settings(env="test", database_url=database_url, secret_key=os.environ["DRILLHUB_SECRET_KEY"],
                    scenarios_dir=str(SCENARIO_FILES), stream_seconds=0)


@pytest.fixture
async def app(settings):
    application = create_app(settings)
    engine = db.current_engine()
    await db.open_database(engine)
    yield application
    await db.close_database(engine)


@pytest.fixture
async def make_app():
    """For tests that need an app of their own settings or routes. Each app points the tables at a new
    engine; those are closed afterwards, as an open SQLite connection's thread keeps pytest from exiting."""
    engines = []

    def make(settings: Settings):
        application = create_app(settings)
        engines.append(db.current_engine())
        return application

    yield make
    for engine in engines:
        await db.close_database(engine)


def new_client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def client(app):
    async with new_client(app) as http:
        yield http


@pytest.fixture
def make_agency(app):
    numbers = itertools.count(1)

    async def make(**values) -> Agency:
        n = next(numbers)
        agency = Agency(**{
            "name": f"Test Agency {n}", "code": f"TA{n}", "kind": Agency.Kind.municipal_police,
            "jurisdiction": "Testville", "contact_name": "", "contact_email": "", "contact_phone": "",
            **values,
        })
        await agency.save()
        return agency

    return make


@pytest.fixture
def make_person(app, make_agency):
    numbers = itertools.count(1)

    async def make(roles=("officer",), agency: Agency | None = None, supervised=(), password=PASSWORD,
                   **values) -> Person:
        n = next(numbers)
        agency = agency or await make_agency()
        person = Person(**{
            "name": f"Person {n}", "email": f"person{n}@test.example", "agency": agency.id,
            "title": "Officer", "badge_number": "", "roles": list(roles),
            "password_hash": await hash_password(password), **values,
        })
        await person.save()
        for supervised_agency in supervised:
            await SupervisedAgency.insert(SupervisedAgency(person=person.id, agency=supervised_agency.id))
        return person

    return make


@pytest.fixture
async def signed_in_client(app, make_person):
    """A client signed in as a new person with the given roles: `await signed_in_client("admin")`."""
    clients = []

    async def make(*roles: str, **person_values) -> httpx.AsyncClient:
        person = await make_person(roles=roles or ("officer",), **person_values)
        http = new_client(app)
        clients.append(http)
        await sign_in(http, person.email)
        http.person = person
        return http

    yield make
    for http in clients:
        await http.aclose()


@pytest.fixture
def make_course(app):
    from drillhub.scheduling.tables import Course

    async def make(**values) -> Course:
        course = Course(**{"title": "Active threat TTX", "description": "A tabletop exercise.",
                           "exercise_type": "tabletop", "objectives": [], "core_capabilities": [],
                           "credit_hours": 4, "credit_category": "POST-LE", "default_capacity": 20,
                           "validity_months": None, "scenarios": [], **values})
        await course.save()
        return course

    return make


@pytest.fixture
def make_venue(app, make_agency):
    from drillhub.scheduling.tables import Venue

    async def make(**values) -> Venue:
        agency = values.pop("agency", None) or await make_agency()
        venue = Venue(**{"name": "Training Room A", "agency": agency.id, "address": "100 Main St, Riverton",
                         "time_zone": "America/Chicago", "capacity": 40, "notes": "", **values})
        await venue.save()
        return venue

    return make


@pytest.fixture
def make_session(app, make_course, make_venue):
    """A session a week from now, 09:00 to 13:00 Chicago time (15:00-19:00 UTC in winter)."""
    import uuid
    from datetime import UTC, datetime, timedelta

    from drillhub.scheduling.tables import SeatReservation, Session

    async def make(capacity=10, status="published", reservations=(), **values) -> Session:
        day = (datetime.now(UTC) + timedelta(days=7)).replace(hour=15, minute=0, second=0, microsecond=0)
        course = values.pop("course", None) or await make_course()
        venue = values.pop("venue", None) or await make_venue()
        session = Session(**{"uid": f"{uuid.uuid4()}@drillhub", "course": course.id, "venue": venue.id,
                             "meeting_url": "", "starts_at": day, "ends_at": day + timedelta(hours=4),
                             "time_zone": "America/Chicago", "capacity": capacity, "status": status, "sequence": 0,
                             "notes": "", "coordinator_notes": "", "cancel_reason": "", "venue_override_reason": "",
                             **values})
        await session.save()
        for agency, seats, release_at in reservations:
            await SeatReservation.insert(SeatReservation(session=session.id, agency=agency.id, seats=seats,
                                                         release_at=release_at, notes=""))
        return session

    return make


@pytest.fixture
def every_record(make_agency, make_person, make_session):
    """One record of each kind a route names, and the ids that fill the routes' paths. The run is opened
    by `staff` (else by nobody), who is also the session's lead evaluator; another evaluator of the
    session belongs to `agency_id`'s agency (which did not play); the certificate is someone else's, of
    another agency than `agency_id`'s."""
    from datetime import UTC, date, datetime

    from drillhub.afteraction.evaluation import TargetInput, save_target
    from drillhub.afteraction.improvement import ActionInput, add_action
    from drillhub.audit.service import ANONYMOUS, Actor
    from drillhub.certificates.tables import Certificate
    from drillhub.facilitation.service import open_run
    from drillhub.ical.service import create_feed
    from drillhub.ical.tables import CalendarFeed
    from drillhub.scenarios.service import add_upload
    from drillhub.scheduling.tables import SessionStaff

    async def make(staff: Person | None = None) -> dict[str, int | str]:
        agency, other_agency = await make_agency(), await make_agency()
        officer = await make_person(roles=("officer",), agency=agency)
        evaluator = await make_person(roles=("evaluator",), agency=agency)
        scenario = await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
        session = await make_session()
        opener = ANONYMOUS
        await SessionStaff.insert(SessionStaff(session=session.id, person=evaluator.id, role="evaluator"))
        if staff is not None:
            await SessionStaff.insert(SessionStaff(session=session.id, person=staff.id, role="evaluator", lead=True))
            opener = Actor(person_id=staff.id, label=staff.email)
        token = await create_feed(ANONYMOUS, agency_id=agency.id)
        feed = await CalendarFeed.select(CalendarFeed.id).first()
        run = await open_run(session.id, scenario.slug, opener)
        action = await add_action(session.id, ActionInput(
            capability="Planning", issue="No plan", action="Write one", element="planning",
            agency=str(other_agency.id), start_on="2026-01-01", due_on="2026-02-01"), ["Planning"], ANONYMOUS)
        target = await save_target(session.id, None, TargetInput(capability="Planning", target="A plan in an hour"))
        certificate = Certificate(
            serial="DH-2026-999999", code="c" * 22, person=officer.id, session=session.id, holder_name="Someone",
            agency=other_agency.id, agency_name=other_agency.name, course_title="TTX", exercise_type="Tabletop",
            credit_hours=4, credit_category="", starts_on=date.today(), ends_on=date.today(), issuer_agency="",
            coordinator_name="", issued_at=datetime.now(UTC), revoke_reason="")
        await certificate.save()
        return {"agency_id": agency.id, "person_id": officer.id, "slug": scenario.slug, "version_id": scenario.id,
                "session_id": session.id,
                "course_id": session.course, "venue_id": session.venue, "feed_id": feed["id"],
                "token": f"not-{token[:8]}.ics", "run_id": run.id, "target_id": target, "version": 1,
                "file": "decisions.csv", "attachment_id": "map", "action_id": action, "certificate_id": certificate.id, "code": "not-a-code"}

    return make
