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
