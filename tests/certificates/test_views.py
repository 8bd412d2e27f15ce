import re

from drillhub.certificates.service import VERIFICATIONS_PER_MINUTE
from drillhub.certificates.tables import Certificate
from tests.support import post_form, sign_in


async def test_anyone_verifies_and_a_coordinator_revokes(client, signed_in_client, attended):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    page = await client.get(f"/verify/{certificate.code}")  # anonymous
    assert page.status_code == 200 and "Valid: this certificate" in page.text and people[0].name in page.text
    data = (await client.get(f"/api/certificates/{certificate.code}")).json()
    assert (data["status"], data["serial"], data["hours"]) == ("valid", certificate.serial, "4")
    coordinator = await signed_in_client("coordinator")
    refused = await post_form(coordinator, f"/certificates/{certificate.id}/revoke", {"reason": ""})
    assert refused.status_code == 422 and "Say why" in refused.text
    refused = await post_form(coordinator, f"/certificates/{certificate.id}/reissue", {"reason": "  "})
    assert refused.status_code == 422 and "Say why" in refused.text
    assert await Certificate.count().where(Certificate.person == people[0].id) == 1  # nothing revoked or issued
    assert (await post_form(coordinator, f"/certificates/{certificate.id}/revoke", {"reason": "Error"})).status_code == 303
    again = await client.get(f"/verify/{certificate.code}")
    assert "Revoked on" in again.text
    assert (await client.get(f"/api/certificates/{certificate.code}")).json()["status"] == "revoked"


async def test_unknown_codes_and_the_rate_limit(client, attended):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    near = await client.get(f"/verify/{certificate.code[:-2]}xx")
    far = await client.get("/verify/nothing-like-a-code-at-all")
    assert near.status_code == far.status_code == 404
    said = [re.sub(r'data-server-now="\d+"', "", page) for page in (  # the time a page was made differs
        near.text.replace(certificate.code[:-2] + "xx", ""), far.text.replace("nothing-like-a-code-at-all", ""))]
    assert said[0] == said[1]
    for _ in range(VERIFICATIONS_PER_MINUTE - 2):
        await client.get(f"/api/certificates/{certificate.code}")
    limited = await client.get(f"/api/certificates/{certificate.code}")
    assert limited.status_code == 429 and limited.json()["status"] == "rate_limited"


async def test_the_addresses_of_one_ipv6_network_share_a_verification_limit(client, attended):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()

    async def verify_from(address: str) -> int:
        response = await client.get(f"/api/certificates/{certificate.code}", headers={"X-Forwarded-For": address})
        return response.status_code

    for host in range(1, VERIFICATIONS_PER_MINUTE + 1):
        assert await verify_from(f"2001:db8:1:2::{host:x}") == 200
    assert await verify_from("2001:db8:1:2:ffff::1") == 429  # another address of the same /64
    assert await verify_from("2001:db8:1:3::1") == 200


async def test_the_holder_and_their_supervisor_see_the_certificate_others_do_not(client, attended, make_person):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    await sign_in(client, people[0].email)
    assert (await client.get(f"/certificates/{certificate.id}")).status_code == 200
    await sign_in(client, people[1].email)
    assert (await client.get(f"/certificates/{certificate.id}")).status_code == 403
    supervisor = await make_person(roles=("supervisor",), supervised=[type("A", (), {"id": certificate.agency})])
    await sign_in(client, supervisor.email)
    assert (await client.get(f"/certificates/{certificate.id}")).status_code == 200


async def test_the_session_page_lists_certificates_and_issues_them(client, signed_in_client, attended):
    session, _, people = attended
    await Certificate.delete().where(Certificate.person == people[1].id)
    coordinator = await signed_in_client("coordinator")
    page = await coordinator.get(f"/sessions/{session.id}")
    assert "Issue certificates to everyone eligible" in page.text and people[0].name in page.text
    assert (await post_form(coordinator, f"/sessions/{session.id}/certificates")).status_code == 303
    assert await Certificate.count().where(Certificate.person == people[1].id) == 1
    await sign_in(client, people[0].email)
    mine = await client.get(f"/sessions/{session.id}")
    assert "DH-" in mine.text and people[1].name not in mine.text
