import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from drillhub.certificates.pdf import CertificateFacts, render_certificates, render_transcript
from drillhub.certificates.service import facts_of
from drillhub.certificates.tables import Certificate
from tests.conftest import skip_unless_ci
from tests.support import sign_in
from tests.test_pdftext import LONG_WORD, MARKUP_PAYLOADS, STORABLE_PAYLOADS, assert_printed


async def test_the_certificate_pdf_carries_the_facts_and_a_qr_code_of_its_verification_url(attended, tmp_path):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).output(load_json=True).first()
    facts = facts_of(certificate, "https://drillhub.example.gov", ZoneInfo("America/Chicago"))
    pdf = render_certificates([facts])
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (people[0].name, "Active threat TTX", "4 credit hours", certificate.serial, facts.verify_url):
        assert expected in text, expected
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all("+" in name for name in fonts)  # subsets embedded in the file, not the reader's fonts
    if not shutil.which("zbarimg"):
        skip_unless_ci("zbarimg (Debian's zbar-tools) is needed to decode the QR code")
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "certificate.pdf"),
                    str(tmp_path / "page")], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True)
    assert decoded.stdout.strip() == facts.verify_url


async def test_the_holder_downloads_the_pdf_and_others_may_not(client, attended):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).first()
    await sign_in(client, people[0].email)
    response = await client.get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    await sign_in(client, people[1].email)
    assert (await client.get(f"/certificates/{certificate.id}/pdf")).status_code == 403


async def test_a_revoked_certificate_prints_revoked_and_its_old_verification_points_to_the_new(
        client, attended, signed_in_client):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.certificates.service import reissue

    _, _, people = attended
    old = await Certificate.objects().where(Certificate.person == people[0].id).first()
    new = await reissue(old.id, "Name misspelt", ANONYMOUS)
    await sign_in(client, people[0].email)
    printed = await client.get(f"/certificates/{old.id}/pdf")
    text = " ".join(PdfReader(BytesIO(printed.content)).pages[0].extract_text().split())
    assert "REVOKED on " in text and f"replaced by {new.serial}" in text and "Reason: Re-issued: Name misspelt" in text
    standing = await client.get(f"/certificates/{new.id}/pdf")
    assert "REVOKED" not in PdfReader(BytesIO(standing.content)).pages[0].extract_text()
    page = await client.get(f"/verify/{old.code}")
    assert f"It was replaced by certificate {new.serial}" in page.text and f'href="/verify/{new.code}"' in page.text
    detail = await client.get(f"/certificates/{old.id}")
    assert f'<a href="/certificates/{new.id}">{new.serial}</a>' in detail.text


async def test_a_session_s_certificates_in_one_zip(attended, signed_in_client):
    import zipfile

    session, _, people = attended
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{session.id}/certificates.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") and name.startswith("DH-") for name in names)
    from drillhub.badges.credential import opened
    from drillhub.certificates.pdf import credential_in

    carried = [opened(credential_in(archive.read(name)))[1]["name"] for name in names]  # each its own credential
    assert len(carried) == 2 and all(carried)


async def test_a_session_without_certificates_has_no_zip(make_session, signed_in_client):
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{(await make_session()).id}/certificates.zip")
    assert response.status_code == 404 and "no certificates yet" in response.text


# Typed text ------------------------------------------------------------------------------------------

CERTIFICATE_FIELDS = ("holder", "agency", "course", "exercise type", "core capability", "category", "issuer",
                      "coordinator")
TRANSCRIPT_FIELDS = ("name", "agency", "course", "category")


def typed_certificate(typed) -> CertificateFacts:
    """A certificate on which every text a person typed is typed(field) for a field of CERTIFICATE_FIELDS."""
    return CertificateFacts(
        serial="DH-2026-000042", holder=typed("holder"), agency=typed("agency"), course=typed("course"),
        exercise_type=typed("exercise type"), core_capabilities=(typed("core capability"), "Planning"),
        starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 1), hours="4", category=typed("category"),
        issuer=typed("issuer"), coordinator=typed("coordinator"), issued_on=date(2026, 3, 2), expires_on=None,
        verify_url="https://drillhub.example.gov/verify/abc")


def typed_transcript(typed) -> bytes:
    """A transcript in which every text a person typed is typed(field) for a field of TRANSCRIPT_FIELDS."""
    rows = [{"ends_on": date(2025, 3, 1), "course": typed("course"), "hours": Decimal(4), "category": typed("category"),
             "serial": "DH-2025-000001", "status": "valid"}]
    return render_transcript(typed("name"), typed("agency"), rows, {(2025, typed("category")): Decimal(4)}, Decimal(4),
                             date(2026, 3, 2))


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_markup_typed_in_every_field_prints_as_typed(payload):
    assert_printed(render_certificates([typed_certificate(lambda field: payload)]), payload, len(CERTIFICATE_FIELDS))
    assert_printed(typed_transcript(lambda field: payload), payload, len(TRANSCRIPT_FIELDS))


@pytest.mark.parametrize("field", CERTIFICATE_FIELDS)
def test_a_5000_letter_word_in_any_field_of_a_certificate_prints_whole_on_its_one_page(field):
    pdf = render_certificates([typed_certificate(lambda name: LONG_WORD if name == field else f"Typed {name}")])
    assert_printed(pdf, LONG_WORD, 1)
    assert len(PdfReader(BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize("field", TRANSCRIPT_FIELDS)
def test_a_5000_letter_word_in_any_field_of_a_transcript_prints_whole(field):
    assert_printed(typed_transcript(lambda name: LONG_WORD if name == field else f"Typed {name}"), LONG_WORD, 1)


async def test_what_people_type_prints_as_typed_on_the_certificate_and_the_transcript(client, attended):
    from drillhub.accounts.tables import Person
    from drillhub.agencies.tables import Agency

    _, _, people = attended
    holder = people[0]
    certificate = await Certificate.objects().where(Certificate.person == holder.id).first()
    await sign_in(client, holder.email)
    for payload in STORABLE_PAYLOADS:
        short = payload[:40]  # what an exercise type and a credit category hold
        await Certificate.update({
            Certificate.holder_name: payload, Certificate.agency_name: payload, Certificate.course_title: payload,
            Certificate.exercise_type: short, Certificate.core_capabilities: [payload], Certificate.credit_category: short,
            Certificate.issuer_agency: payload, Certificate.coordinator_name: payload,
        }).where(Certificate.id == certificate.id)
        await Person.update({Person.name: payload}).where(Person.id == holder.id)
        await Agency.update({Agency.name: payload}).where(Agency.id == holder.agency)
        pdf = await client.get(f"/certificates/{certificate.id}/pdf")
        assert pdf.status_code == 200, payload
        assert_printed(pdf.content, payload, 6)  # holder, agency, course, capability, issuer, coordinator
        assert_printed(pdf.content, short, 6 + 2)  # and the exercise type and category
        transcript = await client.get(f"/transcripts/{holder.id}/pdf")
        assert transcript.status_code == 200, payload
        assert_printed(transcript.content, payload, 3)  # name, agency, course
        assert_printed(transcript.content, short, 3 + 2)  # and the category, in both tables
