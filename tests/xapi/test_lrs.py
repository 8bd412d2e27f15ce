"""Against a real learning record store (openfun's ralph, started for the test): what drillhub sends is
held once each and passes ralph's own statement models, though the LRS goes away mid-way."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from drillhub.audit.service import ANONYMOUS, Actor
from drillhub.exercises.service import decide, start_self_paced
from drillhub.scenarios.service import add_upload
from drillhub.settings import settings_in_use
from drillhub.xapi.service import send_due
from drillhub.xapi.tables import XapiStatement
from tests.conftest import SCENARIO_FILES
from tests.xapi.conftest import LRS_KEY, LRS_SECRET


async def play(person, role: str) -> None:
    me = Actor(person_id=person.id, label=person.email)
    run = await start_self_paced("bridge-collapse", person.id, role, me)
    choice = {"patrol": "perimeter", "fire": "throw-lines", "dispatch": "tone-out"}[role]
    await decide(run.id, 0, role, choice, f"{role}: doctrine says so", person.id, me)
    await decide(run.id, 1, role, "boats-staged", "", person.id, me)


async def test_every_statement_arrives_once_though_the_lrs_stops_mid_way(app, make_person, ralph):
    await add_upload("bridge.yaml", (SCENARIO_FILES / "bridge.yaml").read_text(), ANONYMOUS)
    settings = replace(settings_in_use(), xapi_endpoint=ralph.endpoint, xapi_key=LRS_KEY, xapi_secret=LRS_SECRET)
    await play(await make_person(), "patrol")
    first = await send_due(settings)
    assert first == await XapiStatement.count() > 0

    ralph.stop()  # the LRS goes away while officers go on playing
    await play(await make_person(), "fire")
    await play(await make_person(), "dispatch")
    assert await send_due(settings) == 0
    waiting = await XapiStatement.count().where(XapiStatement.status == "pending")
    assert waiting > 0 and waiting == await XapiStatement.count() - first

    ralph.start()
    await XapiStatement.update({XapiStatement.next_attempt_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        XapiStatement.status == "pending")
    assert await send_due(settings) == waiting
    await XapiStatement.update({XapiStatement.status: "pending", XapiStatement.next_attempt_at: datetime.now(UTC)
                                - timedelta(seconds=1)}).where(XapiStatement.id > 0)  # and everything once more
    assert await send_due(settings) == first + waiting

    held = ralph.statements()
    ours = sorted(row["statement_id"] for row in await XapiStatement.select(XapiStatement.statement_id))
    assert sorted(statement["id"] for statement in held) == ours  # each one, once
    assert ralph.problems(held) == []
    verbs = {statement["verb"]["display"]["en-US"] for statement in held}
    assert verbs == {"answered", "experienced", "completed"}
