from tests.support import post_form, post_htmx


async def test_admin_adds_an_agency_and_sees_it_listed(signed_in_client):
    admin = await signed_in_client("admin")
    response = await post_form(admin, "/admin/agencies/", {
        "name": "Pine County Sheriff", "code": "PCSO", "kind": "sheriff", "jurisdiction": "Pine County",
        "time_zone": "America/Denver",
    })
    assert response.status_code == 303
    listing = await admin.get("/admin/agencies/?q=pine")
    assert "Pine County Sheriff" in listing.text
    assert "Agency Pine County Sheriff was added." in listing.text  # the flash message


async def test_a_bad_form_comes_back_with_the_input_and_the_errors(signed_in_client):
    admin = await signed_in_client("admin")
    typed = {"name": "<script>alert(1)</script>", "code": "!!", "kind": "sheriff", "jurisdiction": ""}
    response = await post_form(admin, "/admin/agencies/", typed)
    assert response.status_code == 422
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text and "<script>alert" not in response.text
    assert "Enter the area the agency serves." in response.text
    assert 'value="!!"' in response.text
    assert '<option value="sheriff" selected>' in response.text


async def test_htmx_form_errors_return_only_the_form_partial(signed_in_client):
    admin = await signed_in_client("admin")
    response = await post_htmx(admin, "/admin/agencies/", {"name": "X"})
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<section id="agency-form">')


async def test_htmx_success_redirects_the_browser(signed_in_client):
    admin = await signed_in_client("admin")
    response = await post_htmx(admin, "/admin/agencies/", {
        "name": "Pine Fire", "code": "PFD", "kind": "fire", "jurisdiction": "Pine", "time_zone": "America/Chicago",
    })
    assert response.headers["HX-Redirect"].endswith("/admin/agencies")


async def test_search_as_you_type_returns_the_list_partial(signed_in_client, make_agency):
    admin = await signed_in_client("admin")
    await make_agency(name="Bexley Police")
    response = await admin.get("/admin/agencies/?q=bexley", headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<section id="agency-list"')
    assert "Bexley Police" in response.text and "<html" not in response.text


async def test_deactivate_from_the_list(signed_in_client, make_agency):
    admin = await signed_in_client("admin")
    agency = await make_agency(name="Old Agency")
    response = await post_htmx(admin, f"/admin/agencies/{agency.id}/active", {"active": "false", "q": "old"})
    assert "Old Agency was deactivated." in response.text and "Reactivate" in response.text


async def test_edit_an_unknown_agency_is_404(signed_in_client):
    admin = await signed_in_client("admin")
    assert (await admin.get("/admin/agencies/999999/edit")).status_code == 404
    assert (await post_form(admin, "/admin/agencies/999999", {"name": "x"})).status_code == 404


async def test_agency_list_pages(signed_in_client, make_agency):
    admin = await signed_in_client("admin")
    for n in range(30):
        await make_agency(name=f"Paged {n:02}")
    response = await admin.get("/admin/agencies/?q=paged&page=2")
    assert "Page 2 of 2 (30 in all)" in response.text and "Paged 29" in response.text
    assert (await admin.get("/admin/agencies/?page=banana")).status_code == 200
