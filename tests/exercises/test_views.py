import re

from drillhub.exercises.service import load
from drillhub.exercises.tables import Run, RunEvent
from tests.support import post_form


async def start(client, role="all") -> int:
    response = await post_form(client, "/exercises/start", {"scenario": "bridge-collapse", "role": role})
    assert response.status_code == 303
    return (await Run.select(Run.id).order_by(Run.id, ascending=False).first())["id"]


async def test_play_alone_through_the_pages_to_the_debrief(bridge, signed_in_client):
    officer = await signed_in_client("officer")
    run_id = await start(officer, role="patrol")
    page = await officer.get(f"/runs/{run_id}")
    assert "The bridge gives way" in page.text and "<strong>footbridge</strong>" in page.text
    assert "deciding as Patrol sergeant" in page.text and 'value="perimeter"' in page.text
    assert 'value="throw-lines"' not in page.text  # a fire choice is not offered to the patrol
    assert "Twelve 911 calls" not in page.text  # dispatch's information is not for the patrol
    done = await post_form(officer, f"/runs/{run_id}/decide", {"step": "0", "role": "patrol", "choice": "wait",
                                                                "rationale": "Need more info"}, follow_redirects=True)
    assert "The bank is crowded" in done.text and "Continue" in done.text  # fire leads here; the patrol reads it
    assert "Your role does not decide in this scene" in done.text
    assert "Decided in “The bridge gives way”" in done.text and "Patrol sergeant chose <strong>Wait" in done.text
    assert "Fire battalion chief chose <strong>Throw lines to people near the bank</strong> <span class=\"muted\">(stand-in)" in done.text
    moved = await post_form(officer, f"/runs/{run_id}/continue", {"step": "1"}, follow_redirects=True)
    assert "Unified command" in moved.text and "Fire battalion chief chose <strong>Set up a unified command post" in moved.text
    await post_form(officer, f"/runs/{run_id}/decide", {"step": "2", "role": "patrol", "choice": "boats-now"})
    ended = await officer.get(f"/runs/{run_id}")
    assert "Everyone out of the water" in ended.text and "See the debrief" in ended.text
    report = await officer.get(f"/runs/{run_id}/debrief")
    assert "Need more info" in report.text and "Waiting costs lives." in report.text and "(stand-in)" in report.text
    home = await officer.get("/exercises")
    assert "see the debrief" in home.text


async def test_a_reason_over_the_limit_is_refused_not_cut_short(bridge, signed_in_client):
    officer = await signed_in_client("officer")
    run_id = await start(officer, role="patrol")
    page = await officer.get(f"/runs/{run_id}")
    assert "up to 4,000 characters" in page.text and 'maxlength="4000"' not in page.text  # said, not cut by the browser
    form = {"step": "0", "role": "patrol", "choice": "wait"}
    refused = await post_form(officer, f"/runs/{run_id}/decide", {**form, "rationale": "r" * 4_001}, follow_redirects=True)
    assert "Not recorded: your reason is too long. Use at most 4,000 characters; this has 4,001." in refused.text
    assert (await load(run_id)).state.choices == {}
    await post_form(officer, f"/runs/{run_id}/decide", {**form, "rationale": "r" * 4_000})
    decision = await RunEvent.select(RunEvent.rationale).where((RunEvent.run == run_id) & (RunEvent.kind == "decision")
                                                               & (RunEvent.role == "patrol")).first()
    assert decision["rationale"] == "r" * 4_000


async def test_a_repeated_or_stale_form_is_refused_with_a_message_and_nothing_recorded(bridge, signed_in_client):
    officer = await signed_in_client("officer")
    run_id = await start(officer)
    form = {"step": "0", "role": "patrol", "choice": "perimeter"}
    await post_form(officer, f"/runs/{run_id}/decide", form)
    count = await RunEvent.count().where(RunEvent.run == run_id)
    again = await post_form(officer, f"/runs/{run_id}/decide", form, follow_redirects=True)
    assert "Not recorded: The patrol role has already decided." in again.text
    stale = await post_form(officer, f"/runs/{run_id}/decide", {**form, "step": "7", "role": "fire"},
                            follow_redirects=True)
    assert "has moved on" in stale.text
    junk = await post_form(officer, f"/runs/{run_id}/decide", {"step": "x", "role": "", "choice": ""})
    assert junk.status_code in (303, 403)
    assert await RunEvent.count().where(RunEvent.run == run_id) == count
    assert (await load(run_id)).state.choices == {"patrol": "perimeter"}


async def test_other_people_cannot_see_or_play_someone_elses_run(bridge, signed_in_client):
    officer, other = await signed_in_client("officer"), await signed_in_client("officer")
    run_id = await start(officer)
    assert (await other.get(f"/runs/{run_id}")).status_code == 403
    refused = await post_form(other, f"/runs/{run_id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    assert refused.status_code == 403
    assert (await other.get(f"/runs/{run_id}/debrief")).status_code == 403


async def test_coordinators_assign_a_scenario_to_an_agency_and_officers_see_it_done(
        bridge, signed_in_client, make_agency):
    from datetime import UTC, datetime, timedelta

    agency = await make_agency()
    officer = await signed_in_client("officer", agency=agency)
    coordinator = await signed_in_client("coordinator")
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    past = await post_form(coordinator, "/exercises/assign", {"scenario": "bridge-collapse", "agency": str(agency.id),
                                                             "due_on": "2020-01-01"})
    assert past.status_code == 422 and "The due date has passed." in past.text
    done = await post_form(coordinator, "/exercises/assign", {"scenario": "bridge-collapse", "agency": str(agency.id),
                                                             "due_on": due, "note": "Before the festival"},
                           follow_redirects=True)
    assert "Assigned to 1 officer(s)." in done.text
    page = await officer.get("/exercises")
    assert "Footbridge collapse at the river festival, due" in page.text and "to do" in page.text
    run_id = await start(officer, role="patrol")
    await post_form(officer, f"/runs/{run_id}/decide", {"step": "0", "role": "patrol", "choice": "perimeter"})
    await post_form(officer, f"/runs/{run_id}/decide", {"step": "1", "role": "patrol", "choice": "boats-staged"})
    assert "<strong>done</strong>" in (await officer.get("/exercises")).text


async def test_a_timed_decision_counts_down_alone_too_and_the_default_is_recorded(bridge, signed_in_client):
    from tests.facilitation.clock import backdate
    from tests.support import post_htmx

    officer = await signed_in_client("officer")
    run_id = await start(officer, role="patrol")
    page = await officer.get(f"/runs/{run_id}")
    assert re.search(r"<strong data-ends=\"\d+\">[23]:[0-5]\d</strong> left to decide", page.text)  # 3:00, counting down
    assert "Messages" in page.text and "+2:00 · radio from Patrol unit 12" in page.text  # to the patrol
    assert "People in the water!" not in page.text  # to dispatch only
    await post_htmx(officer, f"/runs/{run_id}/draft", {"step": "0", "role": "patrol", "rationale": "Counting heads"})
    await backdate(run_id, 3 * 60 + 5)
    pulse = await officer.get(f"/runs/{run_id}/pulse?step=0&status=running&roles=patrol")
    assert pulse.headers.get("HX-Refresh") == "true"  # the poll applied the default: the page moves on
    page = await officer.get(f"/runs/{run_id}")
    assert "Time ran out on “The bridge gives way”: the default, “Wait for more information”" in page.text
    assert "What you had typed is kept with it: “Counting heads”" in page.text
    played = await load(run_id)
    patrol = next(e for e in played.events if e["kind"] == "decision" and e["role"] == "patrol")
    assert (patrol["choice"], patrol["rationale"], patrol["data"]) == ("wait", "Counting heads", {"by": "timeout"})
    stand_ins = {e["role"]: (e["choice"], e["data"]) for e in played.events if e["kind"] == "decision" and e["role"] != "patrol"}
    assert stand_ins == {"fire": ("throw-lines", {"by": "stand_in"}), "dispatch": ("tone-out", {"by": "stand_in"})}
    assert played.state.node == "chaos"  # the patrol waited: no perimeter, no command post


async def test_a_team_decision_that_times_out_alone_keeps_what_the_player_typed(signed_in_client):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES
    from tests.facilitation.clock import backdate
    from tests.support import post_htmx

    await add_upload("harbour.yaml", (SCENARIO_FILES / "harbour.yaml").read_text(), ANONYMOUS)
    officer = await signed_in_client("officer")
    await post_form(officer, "/exercises/start", {"scenario": "harbour-fuel-spill", "role": "hazmat"})
    run_id = (await Run.select(Run.id).order_by(Run.id, ascending=False).first())["id"]
    await post_form(officer, f"/runs/{run_id}/continue", {"step": "0"})  # the deputy's stand-in closes the road
    await post_htmx(officer, f"/runs/{run_id}/draft", {"step": "1", "role": "hazmat", "rationale": "Booms are on the trailer"})
    await backdate(run_id, 3 * 60 + 5)
    page = await officer.get(f"/runs/{run_id}")  # the page itself notices the time ran out
    assert "Time ran out on “Fuel in the drains”: the default, “Boom the outfall at pontoon C”" in page.text
    assert "recorded as the decision of the team" in page.text and "“Booms are on the trailer”" in page.text
    team = next(e for e in (await load(run_id)).events if e["kind"] == "confirm")
    assert (team["rationale"], team["data"]) == ("Booms are on the trailer", {"by": "timeout"})


async def test_a_scene_shows_its_variables_values_where_the_file_names_them(app, signed_in_client):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    text = (SCENARIO_FILES / "bridge.yaml").read_text().replace(
        "    narrative: At 19:40 the **footbridge** collapses into the river.\n",
        "    narrative: At 19:40 the **footbridge** collapses; {victims_in_water} people are in the river.\n"
        "    effects: {victims_in_water: 7}\n").replace(
        "message: People in the water!,", 'message: "{victims_in_water} people in the water, command post: {command_post}",')
    await add_upload("bridge.yaml", text, ANONYMOUS)
    officer = await signed_in_client("officer")
    page = (await officer.get(f"/runs/{await start(officer, role='dispatch')}")).text
    assert "collapses; 7 people are in the river." in page  # the entry effect, then the text
    assert "7 people in the water, command post: no" in page and "{victims_in_water}" not in page


async def test_a_scene_s_text_that_depends_on_state_reaches_whom_it_is_for(app, signed_in_client):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.scenarios.service import add_upload
    from tests.conftest import SCENARIO_FILES

    text = (SCENARIO_FILES / "bridge.yaml").read_text().replace(
        "    role_info:\n      dispatch: Twelve 911 calls in the first minute.\n",
        "    role_info:\n      dispatch: Twelve 911 calls in the first minute.\n    conditional_text:\n"
        "      - {when: crowd == 'panicked', text: People push toward the railing.}\n"
        "      - {when: victims_in_water > 3, text: The radio is jammed with calls., to: [dispatch]}\n"
        "      - {when: victims_in_water > 10, text: Dozens in the water.}\n")
    await add_upload("bridge.yaml", text, ANONYMOUS)
    officer = await signed_in_client("officer")
    dispatch = (await officer.get(f"/runs/{await start(officer, role='dispatch')}")).text
    assert "People push toward the railing." in dispatch and "The radio is jammed with calls." in dispatch
    assert "Dozens in the water." not in dispatch  # its condition does not hold
    patrol = (await officer.get(f"/runs/{await start(officer, role='patrol')}")).text
    assert "People push toward the railing." in patrol and "The radio is jammed" not in patrol  # dispatch's only
