"""The `drillhub` command: serve, migrate, demo, createuser, check, scenarios, xapi, badges."""

import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import click

from drillhub import db
from drillhub.scenarios.cli import scenarios
from drillhub.settings import Settings, SettingsError, load_settings, use_settings

T = TypeVar("T")


def _settings() -> Settings:
    try:
        return use_settings(load_settings())
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def _run(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work` with the database open, and closed again after (idle SQLite connections hold
    threads that would otherwise keep the process from exiting)."""

    async def run() -> T:
        engine = db.make_engine(settings.database_url)
        db.use_engine(engine)
        await db.open_database(engine)
        try:
            return await work()
        finally:
            await db.close_database(engine)

    return asyncio.run(run())


@click.group()
def main() -> None:
    """drillhub: joint training and exercises for public-safety agencies."""


main.add_command(scenarios)


@main.command()
@click.option("--host", default=None, help="Address to listen on (DRILLHUB_HOST).")
@click.option("--port", type=int, default=None, help="Port (DRILLHUB_PORT).")
@click.option("--workers", type=int, default=None, help="Worker processes (DRILLHUB_WORKERS).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development only).")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Serve the web app with uvicorn."""
    import uvicorn

    # The workers read their settings from the environment: what was asked for here is what they see, so
    # the public URL (when DRILLHUB_PUBLIC_URL is unset) follows the address and port served on.
    for name, value in (("DRILLHUB_HOST", host), ("DRILLHUB_PORT", port), ("DRILLHUB_WORKERS", workers)):
        if value is not None:
            os.environ[name] = str(value)
    settings = _settings()
    pending = _run(settings, _pending_migrations)
    if pending:
        raise click.ClickException(f"{len(pending)} migration(s) not applied: run `drillhub migrate` first.")
    uvicorn.run(
        "drillhub.app:create_app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=None if reload else settings.workers,
        reload=reload,
        # The app reads X-Forwarded-For itself (web.client_address) and must see the real peer for it.
        proxy_headers=False,
        access_log=False,
        log_level="info",
        # Live pages hold event streams that never end by themselves: on shutdown they are closed after
        # this long (their browsers reconnect, to another worker or server).
        timeout_graceful_shutdown=3,
    )


async def _pending_migrations() -> list[str]:
    from piccolo.apps.migrations.commands.base import BaseMigrationManager
    from piccolo.apps.migrations.tables import Migration

    from drillhub.piccolo_app import APP_CONFIG

    manager = BaseMigrationManager()
    known = manager.get_migration_modules(APP_CONFIG.resolved_migrations_folder_path)
    if not await Migration.table_exists():
        return sorted(known)
    ran = set(await Migration.get_migrations_which_ran(app_name=APP_CONFIG.app_name))
    return sorted(set(known) - ran)


@main.command()
def migrate() -> None:
    """Bring the database schema up to date (SQLite file or PostgreSQL)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    settings = _settings()
    db.enable_wal(db.make_engine(settings.database_url))
    result = asyncio.run(run_forwards(app_name="drillhub"))
    if not result.success:
        raise click.ClickException(result.message or "migration failed")
    from drillhub.badges.keys import KEY_FILE, ensure_key_file

    if ensure_key_file(settings.badge_key):
        click.echo(f"Made the key that signs Open Badges credentials: {KEY_FILE}. Keep it like the secret key "
                   "(every worker and host signs with it; in production set DRILLHUB_BADGE_KEY to its contents).")


@main.command()
@click.option("--if-empty", is_flag=True, help="Only when the database has no agencies yet.")
def demo(if_empty: bool) -> None:
    """Load demo agencies and people (never in production). Safe to run twice."""
    from drillhub.demo import (
        DEMO_PASSWORD,
        DEMO_SIGN_INS,
        database_is_empty,
        load_demo,
        load_demo_afteraction,
        load_demo_certificates,
        load_demo_schedule,
    )
    from drillhub.scenarios.service import sync_directory

    settings = _settings()
    if settings.production:
        raise click.ClickException("Demo data is refused when DRILLHUB_ENV=production.")

    async def run() -> bool:
        if if_empty and not await database_is_empty():
            return False
        await load_demo()
        await sync_directory(settings.scenarios_dir, _cli_actor("demo"))  # courses link to the shipped scenarios
        await load_demo_schedule()
        await load_demo_afteraction()
        await load_demo_certificates()
        return True

    if _run(settings, run):
        click.echo("Demo data loaded.")
    click.echo(f"Demo sign-ins (password {DEMO_PASSWORD}):")
    for role, email in DEMO_SIGN_INS.items():
        click.echo(f"  {role:<12} {email}")


def _cli_actor(command: str):
    from drillhub.audit.service import Actor

    return Actor(person_id=None, label=f"drillhub {command}", client="cli")


def _invalid_message(invalid) -> str:
    return "\n".join(f"{field}: {text}" for field, text in invalid.errors.items())


@main.command()
@click.option("--code", required=True, help="Short code, e.g. HCSO.")
@click.option("--name", required=True)
@click.option("--kind", required=True, help="e.g. sheriff, fire, ems, emergency_management.")
@click.option("--jurisdiction", required=True)
def createagency(code: str, name: str, kind: str, jurisdiction: str) -> None:
    """Create an agency (the first one, before any administrator exists)."""
    from drillhub.agencies.service import AgencyInput, create_agency
    from drillhub.errors import Invalid

    data = AgencyInput(code=code, name=name, kind=kind, jurisdiction=jurisdiction)
    try:
        agency = _run(_settings(), lambda: create_agency(data, _cli_actor("createagency")))
    except Invalid as invalid:
        raise click.ClickException(_invalid_message(invalid)) from None
    click.echo(f"Created agency {agency.code}.")


@main.command()
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--agency", "agency_code", required=True, help="The agency's short code, e.g. RPD.")
@click.option("--role", "roles", multiple=True, required=True, help="Repeat for several roles.")
@click.option("--title", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def createuser(email: str, name: str, agency_code: str, roles: tuple[str, ...], title: str,
               password_stdin: bool) -> None:
    """Create a person who can sign in (e.g. the first administrator)."""
    from drillhub.accounts.service import PersonInput, create_person
    from drillhub.agencies.tables import Agency
    from drillhub.errors import Invalid

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise click.ClickException("The passwords differ.")

    async def run() -> str:
        agency = await Agency.select(Agency.id).where(Agency.code == agency_code.upper()).first()
        if agency is None:
            raise click.ClickException(f"No agency has the code {agency_code!r}.")
        data = PersonInput(name=name, email=email, agency=str(agency["id"]), title=title,
                           roles=roles, password=password)
        try:
            person = await create_person(data, _cli_actor("createuser"))
        except Invalid as invalid:
            raise click.ClickException(_invalid_message(invalid)) from None
        return person.email

    click.echo(f"Created {_run(settings, run)}.")


@main.command()
def check() -> None:
    """Check configuration and database health; exit 1 when something is wrong."""
    settings = _settings()
    click.echo(f"environment   {settings.env}")
    click.echo(f"database      {'SQLite' if settings.is_sqlite else 'PostgreSQL'}")
    click.echo(f"workers       {settings.workers}")
    click.echo(f"cookies       {'Secure' if settings.secure_cookies else 'not Secure (development)'}")
    click.echo(f"public URL    {settings.public_url}{'' if settings.public_url_given else ' (where it listens)'}")
    if settings.production and settings.public_url.startswith("http://"):
        click.echo("warning       DRILLHUB_PUBLIC_URL is http://: verifiers resolve the did:web issuer of Open Badges "
                   "credentials over https only.", err=True)
    if settings.production and not settings.public_url_given:
        click.echo("warning       DRILLHUB_PUBLIC_URL is not set: QR codes, calendar feeds and e-mail links say "
                   f"{settings.public_url}. Set it to the address people reach drillhub at.", err=True)

    async def run() -> list[str]:
        if not await db.database_ok(db.current_engine()):
            raise click.ClickException("The database does not answer.")
        return await _pending_migrations()

    pending = _run(settings, run)
    if pending:
        raise click.ClickException(f"{len(pending)} migration(s) not applied: run `drillhub migrate`.")
    click.echo("database      ok, migrations up to date")
    from drillhub.badges.keys import NoKey, key_id

    try:
        click.echo(f"badge key     {key_id(settings.public_url)}"
                   f"{'' if settings.badge_key else ' (var/badge-key.jwk: set DRILLHUB_BADGE_KEY on every host)'}")
    except (NoKey, ValueError) as problem:
        raise click.ClickException(f"Open Badges: {problem}") from None


@main.group()
def xapi() -> None:
    """xAPI statements for the learning record store (docs/xapi.md)."""


def _day(text: str | None) -> datetime | None:
    from drillhub.xapi.service import day_start

    try:
        return day_start(text or "")
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a day written YYYY-MM-DD") from None


@xapi.command(name="send")
def xapi_send() -> None:
    """Send the statements that are due now to the configured LRS."""
    from drillhub.xapi.service import send_due

    settings = _settings()
    if not settings.xapi_configured:
        raise click.ClickException("No learning record store is configured: set DRILLHUB_XAPI_ENDPOINT.")
    click.echo(f"{_run(settings, lambda: send_due(settings, limit=1_000_000))} statement(s) sent.")


@xapi.command(name="replay")
@click.option("--since", required=True, help="The first day (YYYY-MM-DD) whose statements are sent again.")
def xapi_replay(since: str) -> None:
    """Send again every statement stored since a day, with its own id (the LRS keeps one of each)."""
    from drillhub.audit.service import record_event
    from drillhub.xapi.service import replay

    settings = _settings()

    async def run() -> int:
        count = await replay(_day(since))
        await record_event("xapi.replay", _cli_actor("xapi replay"), target="statements",
                           detail={"since": since, "count": count})
        return count

    click.echo(f"{_run(settings, run)} statement(s) stored since {since} will be sent again"
               f"{'' if settings.xapi_configured else ' once an LRS is configured (DRILLHUB_XAPI_ENDPOINT)'}.")


@xapi.command(name="export")
@click.option("--since", default=None, help="Only those stored since this day (YYYY-MM-DD).")
def xapi_export(since: str | None) -> None:
    """Write the statements as one JSON array to standard output."""
    from drillhub.xapi.service import exported

    async def run() -> None:
        async for piece in exported(_day(since)):
            click.echo(piece, nl=False)

    _run(_settings(), run)


@main.group()
def badges() -> None:
    """Open Badges 3.0 credentials of certificates."""


@badges.command(name="credential")
@click.argument("serial")
def badge_credential(serial: str) -> None:
    """Print a certificate's signed credential (the JSON its holder downloads), by its serial."""
    import json

    from drillhub.badges.credential import enveloped
    from drillhub.badges.service import credential_jwt
    from drillhub.certificates.tables import Certificate

    settings = _settings()

    async def run() -> str:
        row = await Certificate.select(Certificate.id).where(Certificate.serial == serial.strip().upper()).first()
        if row is None:
            raise click.ClickException(f"No certificate has the serial {serial!r}.")
        return json.dumps(enveloped(await credential_jwt(row["id"], settings.public_url)), indent=2)

    click.echo(_run(settings, run))


@badges.command(name="verify")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"))
def badge_verify(source) -> None:
    """Verify a credential (a file, or - for standard input): exit 1 unless every check passes."""
    from drillhub.badges.service import MAX_CREDENTIAL_CHARACTERS, verify_credential

    settings = _settings()
    report = _run(settings, lambda: verify_credential(source.read(MAX_CREDENTIAL_CHARACTERS), settings.public_url))
    for check in report.checks:
        click.echo(f"{check.name:<11} {'passed' if check.passed else 'FAILED'}  {check.said}")
    if not report.valid:
        raise click.ClickException("The credential is not valid.")
    click.echo(f"Valid: certificate {report.serial}.")
