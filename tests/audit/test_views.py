from tests.support import post_form


async def test_admin_sees_sign_ins_and_refusals_with_filters(signed_in_client, make_person):
    person = await make_person()
    officer = await signed_in_client("officer")
    await officer.get("/admin/people/")  # refused: recorded as denied
    await post_form(officer, "/sign-in", {"email": person.email, "password": "wrong wrong wrong"})
    admin = await signed_in_client("admin")
    page = await admin.get("/admin/audit/")
    assert "sign_in" in page.text and "access.denied" in page.text and person.email in page.text
    denied = await admin.get("/admin/audit/?outcome=denied", headers={"HX-Request": "true"})
    assert "access.denied" in denied.text and "sign_in<" not in denied.text
    assert denied.text.lstrip().startswith('<section id="event-list"')
