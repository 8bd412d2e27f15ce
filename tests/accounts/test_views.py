from tests.support import post_form, post_htmx


async def test_person_form_errors_keep_the_input_but_never_the_password(signed_in_client, make_agency):
    admin = await signed_in_client("admin")
    agency = await make_agency()
    response = await post_form(admin, "/admin/people/", {
        "name": "Sam Ortiz", "email": "bad-address", "agency": str(agency.id), "roles": ["officer", "evaluator"],
        "password": "secret-but-rejected-anyway",
    })
    assert response.status_code == 422
    assert 'value="Sam Ortiz"' in response.text and 'value="bad-address"' in response.text
    assert 'value="evaluator"\n             checked' in response.text
    assert "secret-but-rejected-anyway" not in response.text


async def test_admin_creates_a_supervisor_with_agencies(signed_in_client, make_agency):
    admin = await signed_in_client("admin")
    agency = await make_agency()
    response = await post_htmx(admin, "/admin/people/", {
        "name": "Sam Ortiz", "email": "sam@test.example", "agency": str(agency.id),
        "roles": ["supervisor"], "supervised_agencies": [str(agency.id)], "password": "a-long-good-passphrase",
    })
    assert response.headers["HX-Redirect"].endswith("/admin/people")
    listing = await admin.get("/admin/people/?role=supervisor")
    assert "Sam Ortiz" in listing.text


async def test_deactivating_yourself_as_the_last_admin_is_refused_with_a_message(signed_in_client):
    admin = await signed_in_client("admin")
    response = await post_form(admin, f"/admin/people/{admin.person.id}/active", {"active": "false"},
                               follow_redirects=True)
    assert "only active administrator" in response.text


async def test_people_list_partial_for_htmx_filters(signed_in_client):
    admin = await signed_in_client("admin")
    response = await admin.get("/admin/people/?status=all&q=person", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="people-list"')


async def test_change_own_password_through_the_form(signed_in_client):
    officer = await signed_in_client("officer")
    wrong = await post_form(officer, "/account/password", {"current": "nope", "new": "another-good-passphrase"})
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    done = await post_form(officer, "/account/password",
                           {"current": "tabletop-exercise-42", "new": "another-good-passphrase"},
                           follow_redirects=True)
    assert "Your password was changed." in done.text


async def test_wrong_current_passwords_block_the_address_like_sign_ins(signed_in_client, client):
    officer = await signed_in_client("officer")
    officer.headers["X-Forwarded-For"] = "203.0.113.5"  # through the trusted proxy
    wrong = {"current": "nope", "new": "another-good-passphrase"}
    for _ in range(4):
        assert "not your current password" in (await post_htmx(officer, "/account/password", wrong)).text
    blocked = await post_htmx(officer, "/account/password", wrong)
    assert blocked.status_code == 422 and "try again in 10 minutes" in blocked.text
    form = {"email": officer.person.email, "password": "tabletop-exercise-42"}
    signing_in = await post_form(client, "/sign-in", form, headers={"X-Forwarded-For": "203.0.113.5"})
    assert signing_in.status_code == 429


async def test_a_long_list_pages_with_links_that_keep_the_filters(signed_in_client, make_agency, make_person):
    admin = await signed_in_client("admin")
    agency = await make_agency()
    for _ in range(30):
        await make_person(agency=agency)
    first = await admin.get(f"/admin/people/?agency={agency.id}")
    assert first.status_code == 200 and "Page 1 of 2 (30 in all)" in first.text
    assert f'href="/admin/people?q=&amp;agency={agency.id}&amp;role=&amp;status=active&amp;page=2"' in first.text
    second = await admin.get(f"/admin/people/?agency={agency.id}&page=2", headers={"HX-Request": "true"})
    assert "Page 2 of 2" in second.text and 'rel="prev"' in second.text
