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
    assert header == {"alg": "EdDSA", "kid": key_id(public), "typ": "JWT"}  # Open Badges 3.0, section 8.2
    assert (payload["iss"], payload["jti"], payload["sub"]) == (
        did(public), payload["id"], payload["credentialSubject"]["id"])
    assert payload["nbf"] == int(certificate.issued_at.timestamp())
    assert payload["exp"] == int(datetime.fromisoformat(payload["validUntil"].replace("Z", "+00:00")).timestamp())
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
    said = next(c.said for c in report.checks if c.name == "Revocation")
    assert said.startswith("Revoked on") and "Attendance recorded in error" not in said  # the reason stays inside


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
    payload = vc.with_claims(vc.credential(await Certificate.select().where(Certificate.person == people[0].id).output(
        load_json=True).first(), public, UTC))
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
    assert "names the key 'did:web:other.example#key-1', not this drillhub's" in report.checks[0].said
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
    assert method["id"] == key_id("https://drill.county.gov") and document["assertionMethod"] == [method["id"]]
    assert method["id"] == f"did:web:drill.county.gov#{OKPKey.import_key(method['publicKeyJwk']).thumbprint()}"
    assert set(method["publicKeyJwk"]) == {"kty", "crv", "x"}  # never "d"


def test_dates_are_whole_days_where_the_training_was():
    from zoneinfo import ZoneInfo

    assert vc._instant(date(2026, 11, 30), UTC) == "2026-11-30T00:00:00Z"
    assert vc._instant(date(2026, 11, 30), UTC, end=True) == "2026-11-30T23:59:59Z"
    los_angeles = ZoneInfo("America/Los_Angeles")  # the last second of 30 June there is 06:59:59 on 1 July in UTC
    assert vc._instant(date(2027, 6, 30), los_angeles, end=True) == "2027-07-01T06:59:59Z"


async def test_nonsense_of_any_depth_is_not_a_credential(attended, client):
    import base64

    from tests.support import post_form

    public = settings_in_use().public_url
    deep_header = base64.urlsafe_b64encode(("{\"a\":" + "[" * 20_000 + "]" * 20_000 + "}").encode()).decode()
    for text in ("{\"a\":" + "[" * 30_000, f"{deep_header}.e30.AAAA", "{}", "[1, 2]", '{"id": 5}', "a.b.c"):
        report = await verify_credential(text, public)
        assert not report.valid and report.checks[0].name == "Signature", text[:20]
    api = await client.get("/api/credentials/verify", params={"credential": f"{deep_header}.e30.AAAA"})
    assert api.status_code == 422
    page = await post_form(client, "/verify-credential", {"text": "{\"a\":" + "[" * 30_000})
    assert page.status_code == 200 and "Not valid" in page.text


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


def test_production_never_makes_a_key_of_its_own_and_a_public_key_cannot_sign(tmp_path, monkeypatch):
    import pytest

    from drillhub.badges import keys

    monkeypatch.setattr(keys, "KEY_FILE", tmp_path / "badge-key.jwk")
    with pytest.raises(keys.NoKey, match="run `drillhub migrate`, or set DRILLHUB_BADGE_KEY"):
        keys._key.__wrapped__("", True)
    assert not (tmp_path / "badge-key.jwk").exists()
    made = keys._key.__wrapped__("", False)  # development: made on first use
    assert (tmp_path / "badge-key.jwk").stat().st_mode & 0o777 == 0o600 and made.is_private
    with pytest.raises(ValueError, match="must be a private Ed25519 JWK"):
        keys._key.__wrapped__(json.dumps(made.as_dict(private=False)), True)


async def test_the_certificate_pdf_carries_its_credential_and_verifies_when_uploaded(attended, client, signed_in_client):
    from pypdf import PdfReader
    from io import BytesIO

    from drillhub.certificates.pdf import credential_in
    from tests.support import post_form

    _, _, people = attended
    certificate = await first_certificate(people)
    coordinator = await signed_in_client("coordinator")
    pdf = (await coordinator.get(f"/certificates/{certificate.id}/pdf")).content
    carried = credential_in(pdf)
    assert vc.opened(carried)[1]["credentialStatus"]["statusListIndex"] == str(certificate.id)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1
    page = await post_form(client, "/verify-credential", files={"file": ("certificate.pdf", pdf, "application/pdf")})
    assert f"Valid: certificate {certificate.serial}" in page.text
    assert credential_in(b"%PDF-1.4 not really") == "" and credential_in(b"plain text") == ""
