"""Each certificate is also an Open Badges 3.0 credential, signed by this drillhub; a credential pasted or
uploaded is verified: signature, issuer, expiry, revocation and its facts."""

import json
import warnings
from datetime import UTC, date, datetime, timedelta

from joserfc import jws
from joserfc.jwk import OKPKey

from drillhub.audit.service import Actor
from drillhub.badges import credential as vc
from drillhub.badges.keys import did, did_document, key_id
from drillhub.badges.service import credential_jwt, verify_credential
from drillhub.certificates.service import revoke
from drillhub.certificates.tables import Certificate
from drillhub.settings import settings_in_use

COORDINATOR = Actor(person_id=None, label="coordinator@test.example")


async def first_certificate(people) -> Certificate:
    return await Certificate.objects().where(Certificate.person == people[0].id).first()


def passed(report) -> dict[str, bool]:
    return {check.name: check.passed for check in report.checks}


async def test_a_credential_says_what_its_certificate_says_and_verifies(attended):
    _, _, people = attended
    public = settings_in_use().public_url
    certificate = await first_certificate(people)
    token = await credential_jwt(certificate.id, public)
    header, payload = vc.opened(token)
    assert header == {"alg": "EdDSA", "kid": key_id(public), "typ": "vc+jwt", "cty": "vc"}
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["issuer"]["id"] == did(public) and payload["name"] == certificate.course_title
    subject = payload["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == certificate.holder_name
    assert subject["creditsEarned"] == float(certificate.credit_hours)
    assert subject["achievement"]["achievementType"] == "Certificate"
    assert payload["credentialStatus"]["statusListIndex"] == str(certificate.id)
    report = await verify_credential(token, public)
    assert report.valid and report.serial == certificate.serial
    assert passed(report) == {"Signature": True, "Issuer": True, "Expiry": True, "Revocation": True, "Facts": True}
    as_downloaded = json.dumps(vc.enveloped(token))  # the JSON file a holder downloads verifies the same
    assert (await verify_credential(as_downloaded, public)).valid


async def test_one_byte_changed_fails(attended):
    _, _, people = attended
    public = settings_in_use().public_url
    token = await credential_jwt((await first_certificate(people)).id, public)
    head, body, signature = token.split(".")
    changed = body[:40] + ("A" if body[40] != "A" else "B") + body[41:]
    report = await verify_credential(f"{head}.{changed}.{signature}", public)
    assert not report.valid and passed(report) == {"Signature": False}
    assert "changed after it was signed" in report.checks[0].said


async def test_a_revoked_credential_reports_revoked_from_the_status_list(attended):
    _, _, people = attended
    public = settings_in_use().public_url
    certificate = await first_certificate(people)
    token = await credential_jwt(certificate.id, public)
    await revoke(certificate.id, "Attendance recorded in error", COORDINATOR)
    report = await verify_credential(token, public)
    assert not report.valid and passed(report)["Revocation"] is False and passed(report)["Signature"] is True
    assert "Attendance recorded in error" in next(c.said for c in report.checks if c.name == "Revocation")


async def test_an_expired_credential_reports_expired(attended):
    _, _, people = attended
    public = settings_in_use().public_url
    certificate = await first_certificate(people)
    token = await credential_jwt(certificate.id, public)
    later = datetime.combine(certificate.expires_on, datetime.min.time(), UTC) + timedelta(days=2)
    report = await verify_credential(token, public, now=later)
    assert passed(report)["Expiry"] is False and not report.valid
    assert next(c.said for c in report.checks if c.name == "Expiry").startswith("Expired on")


async def test_a_credential_from_another_key_fails(attended):
    _, _, people = attended
    public = settings_in_use().public_url
    payload = vc.credential(await Certificate.select().where(Certificate.person == people[0].id).output(
        load_json=True).first(), public)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forged = jws.serialize_compact({"alg": "EdDSA", "kid": key_id(public), "typ": "vc+jwt"},
                                       json.dumps(payload).encode(), OKPKey.generate_key("Ed25519"),
                                       algorithms=["EdDSA"])
        elsewhere = jws.serialize_compact({"alg": "EdDSA", "kid": "did:web:other.example#key-1"},
                                          json.dumps(payload).encode(), OKPKey.generate_key("Ed25519"),
                                          algorithms=["EdDSA"])
    assert passed(await verify_credential(forged, public)) == {"Signature": False}
    report = await verify_credential(elsewhere, public)
    assert "signed by did:web:other.example#key-1, not by this drillhub" in report.checks[0].said
    assert passed(await verify_credential("not a credential", public)) == {"Signature": False}


def test_the_status_list_sets_the_bit_of_each_revoked_certificate():
    encoded = vc.status_bits({0, 9, 131_071})
    assert encoded.startswith("u")
    assert [vc.bit_set(encoded, i) for i in (0, 1, 8, 9, 131_071, 131_070)] == [True, False, False, True, True, False]
    assert vc.bit_set(vc.status_bits({200_000}), 200_000)  # the list grows past its least size


def test_the_did_document_publishes_the_public_key_only():
    document = did_document("https://drill.county.gov")
    assert document["id"] == "did:web:drill.county.gov"
    [method] = document["verificationMethod"]
    assert method["id"] == "did:web:drill.county.gov#key-1" and document["assertionMethod"] == [method["id"]]
    assert set(method["publicKeyJwk"]) == {"kty", "crv", "x"}  # never "d"


def test_dates_are_whole_days_in_utc():
    assert vc._instant(date(2026, 11, 30)) == "2026-11-30T00:00:00Z"
    assert vc._instant(date(2026, 11, 30), end=True) == "2026-11-30T23:59:59Z"


async def test_a_holder_downloads_it_and_anyone_verifies_it_on_the_page_and_the_api(attended, client, signed_in_client):
    from tests.support import post_form

    _, _, people = attended
    certificate = await first_certificate(people)
    coordinator = await signed_in_client("coordinator")
    download = await coordinator.get(f"/certificates/{certificate.id}/credential.json")
    assert download.headers["content-disposition"] == f'attachment; filename="credential-{certificate.serial}.json"'
    held = download.json()
    assert held["type"] == "EnvelopedVerifiableCredential" and held["id"].startswith("data:application/vc+jwt,eyJ")
    token = held["id"].removeprefix("data:application/vc+jwt,")
    did_doc = (await client.get("/.well-known/did.json")).json()
    assert did_doc["id"] == did(settings_in_use().public_url)
    status = await client.get("/credentials/status/revocation")
    assert status.headers["content-type"].startswith("application/vc+jwt")
    assert vc.opened(status.text)[1]["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    page = await post_form(client, "/verify-credential", files={"file": ("credential.json", download.content,
                                                                        "application/json")})
    assert page.status_code == 200 and f"Valid: certificate {certificate.serial}" in page.text
    pasted = await post_form(client, "/verify-credential", {"text": token[:-2] + "xx"})
    assert "Not valid" in pasted.text and "Signature: failed." in pasted.text
    empty = await post_form(client, "/verify-credential", {"text": " "})
    assert empty.status_code == 422 and "Paste the credential or choose its file." in empty.text
    api = await client.get("/api/credentials/verify", params={"credential": token})
    assert api.status_code == 200 and api.json()["valid"] is True and api.json()["serial"] == certificate.serial
    refused = await client.get("/api/credentials/verify", params={"credential": "nonsense"})
    assert refused.status_code == 422 and refused.json()["checks"][0]["name"] == "Signature"


async def test_the_command_prints_a_credential_and_verifies_one(attended, database_url, tmp_path):
    from tests.test_migrations import run_cli

    _, _, people = attended
    certificate = await first_certificate(people)
    public = {"DRILLHUB_PUBLIC_URL": settings_in_use().public_url}
    printed = run_cli(database_url, "badges", "credential", certificate.serial.lower(), **public)
    assert printed.returncode == 0, printed.stderr
    held = tmp_path / "credential.json"
    held.write_text(printed.stdout)
    checked = run_cli(database_url, "badges", "verify", str(held), **public)
    assert checked.returncode == 0 and f"Valid: certificate {certificate.serial}." in checked.stdout
    assert "Signature   passed  Signed with this drillhub's key." in checked.stdout
    await revoke(certificate.id, "Wrong course", COORDINATOR)
    revoked = run_cli(database_url, "badges", "verify", "-", input=printed.stdout, **public)
    assert revoked.returncode == 1 and "Revocation  FAILED  Revoked on" in revoked.stdout
    unknown = run_cli(database_url, "badges", "credential", "DH-1999-000000", **public)
    assert unknown.returncode == 1 and "No certificate has the serial 'DH-1999-000000'." in unknown.stderr
