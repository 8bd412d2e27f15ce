async def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = await client.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=/"


async def test_navigation_shows_each_role_what_it_may_use(signed_in_client):
    admin = await signed_in_client("admin")
    officer = await signed_in_client("officer")
    admin_page, officer_page = (await admin.get("/")).text, (await officer.get("/")).text
    assert 'href="/admin/audit"' in admin_page
    assert 'href="/admin/audit"' not in officer_page and "Dashboard" in officer_page


async def test_supervisor_sees_the_agencies_they_oversee(signed_in_client, make_agency):
    overseen = await make_agency(name="Bexley Sheriff")
    supervisor = await signed_in_client("supervisor", supervised=[overseen])
    assert "Bexley Sheriff" in (await supervisor.get("/")).text
