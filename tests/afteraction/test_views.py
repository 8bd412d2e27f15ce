from drillhub.afteraction.feedback import find_feedback
from tests.support import post_form, post_htmx, sign_in


async def test_a_player_sends_the_feedback_form_and_sees_it_again(client, exercise):
    fire = exercise.players["fire"]
    await sign_in(client, fire.email)
    page = await client.get(f"/sessions/{exercise.session.id}/feedback/")
    assert page.status_code == 200 and "Participant Feedback Form" in page.text
    sent = await post_form(client, f"/sessions/{exercise.session.id}/feedback/", {
        "exercise_role": "player", "strengths": ["Water supply <set up> fast"], "rating_realistic": "4",
        "action": ["Mutual-aid radio plan"], "priority": ["medium"], "owner": ["County OEM"]})
    assert sent.status_code == 303
    again = await client.get(f"/sessions/{exercise.session.id}/feedback/")
    assert "Water supply &lt;set up&gt; fast" in again.text and 'value="4" checked' in again.text
    assert "Mutual-aid radio plan" in again.text and "Save my changes" in again.text
    assert (await find_feedback(exercise.session.id, fire.id)).ratings == {"realistic": 4}


async def test_a_bad_form_comes_back_with_what_was_typed_and_the_error(client, exercise):
    await sign_in(client, exercise.players["patrol"].email)
    response = await post_htmx(client, f"/sessions/{exercise.session.id}/feedback/", {
        "exercise_role": "player", "action": ["Joint drill"], "priority": [""], "comments": "Kept text"})
    assert response.status_code == 422 and 'id="feedback-form"' in response.text
    assert "Give each recommended action a priority" in response.text
    assert "Joint drill" in response.text and "Kept text" in response.text


async def test_people_who_did_not_take_part_get_403(client, exercise, make_person):
    stranger = await make_person(roles=("officer", "supervisor"))
    await sign_in(client, stranger.email)
    assert (await client.get(f"/sessions/{exercise.session.id}/feedback/")).status_code == 403
    assert (await post_form(client, f"/sessions/{exercise.session.id}/feedback/",
                            {"exercise_role": "player", "comments": "x"})).status_code == 403


async def test_an_evaluator_observes_and_rates_on_the_eeg_page(client, exercise):
    from drillhub.afteraction.evaluation import list_observations, seed_targets

    await seed_targets(exercise.session.id)
    await sign_in(client, exercise.evaluator.email)
    page = await client.get(f"/sessions/{exercise.session.id}/evaluation/")
    assert page.status_code == 200 and "Dispatch fire and EMS" in page.text
    assert "Draft from the scenario objectives" not in page.text and "Add a capability target" not in page.text
    bad = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/observations",
                          {"concerns": "2:Dispatch fire and EMS", "note": " ", "observed_at": "2020-01-01T09:30"})
    assert bad.status_code == 422 and "Write what you observed" in bad.text and "2020-01-01T09:30" in bad.text
    good = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/observations",
                           {"concerns": "2:Dispatch fire and EMS", "note": "Both <units> sent", "kind": "strength"})
    assert good.status_code == 200 and 'id="observations"' in good.text and "Both &lt;units&gt; sent" in good.text
    assert (await list_observations(exercise.session.id))[0]["task"] == "Dispatch fire and EMS"
    earlier = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/observations",
                              {"note": "Briefing late", "kind": "improvement", "observed_at": "2020-01-01T09:30"})
    assert "01 Jan 2020 09:30</time>" in earlier.text and "area for improvement" in earlier.text  # the session's clock
    assert '<option value="">Choose a rating…</option>' in page.text  # nothing is rated P unless chosen
    assert "Not rated by any evaluator yet." in page.text and "<strong>not rated yet</strong>" in page.text
    unchosen = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/ratings",
                               {"capability": "Mass Search and Rescue Operations", "target": "2", "value": ""})
    assert unchosen.status_code == 422 and "Choose P, S, M or U." in unchosen.text
    rated = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/ratings",
                            {"capability": "Mass Search and Rescue Operations", "target": "2", "value": "S",
                             "note": "Boats launched late"})
    assert rated.status_code == 200 and "<strong>S</strong>, because Boats launched late" in rated.text
    refused = await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/ratings",
                              {"capability": "Mass Search and Rescue Operations", "value": "P", "reconciled": "yes"})
    assert refused.status_code == 422 and "Only the lead evaluator" in refused.text
    assert (await client.get(f"/sessions/{exercise.session.id}/evaluation/targets/new")).status_code == 403


async def test_the_lead_evaluator_keeps_the_targets(client, exercise):
    await sign_in(client, exercise.lead_evaluator.email)
    seeded = await post_form(client, f"/sessions/{exercise.session.id}/evaluation/seed")
    assert seeded.status_code == 303
    bad = await post_form(client, f"/sessions/{exercise.session.id}/evaluation/targets",
                          {"capability": "", "target": "Kept words", "critical_tasks": "One\nTwo"})
    assert bad.status_code == 422 and "Choose a core capability" in bad.text and "One\nTwo" in bad.text
    made = await post_form(client, f"/sessions/{exercise.session.id}/evaluation/targets",
                           {"capability": "Planning", "target": "IAP by 10:00", "critical_tasks": "Draft the IAP"})
    assert made.status_code == 303
    page = await client.get(f"/sessions/{exercise.session.id}/evaluation/")
    assert "IAP by 10:00" in page.text and "r-1-1-reconciled" in page.text


async def test_only_the_exercise_staff_see_its_evaluation(client, exercise, make_person):
    await sign_in(client, exercise.players["patrol"].email)
    assert (await client.get(f"/sessions/{exercise.session.id}/evaluation/")).status_code == 403
    other_evaluator = await make_person(roles=("evaluator",))
    await sign_in(client, other_evaluator.email)
    assert (await client.get(f"/sessions/{exercise.session.id}/evaluation/")).status_code == 403
    assert (await post_htmx(client, f"/sessions/{exercise.session.id}/evaluation/observations",
                            {"note": "x"})).status_code == 403
    await sign_in(client, exercise.facilitator.email)
    page = await client.get(f"/sessions/{exercise.session.id}/evaluation/")
    assert page.status_code == 200 and "Record the observation" not in page.text


async def test_the_form_says_what_keeping_the_name_out_of_it_keeps(client, exercise):
    await sign_in(client, exercise.players["fire"].email)
    page = await client.get(f"/sessions/{exercise.session.id}/feedback/")
    assert "Your agency is kept; your name, title, role and the time you answered are not." in page.text
