import shutil
import subprocess
from io import BytesIO

from pypdf import PdfReader

from drillhub.certificates.pdf import render_certificates
from drillhub.certificates.service import facts_of
from drillhub.certificates.tables import Certificate
from tests.conftest import skip_unless_ci
from tests.support import sign_in


async def test_the_certificate_pdf_carries_the_facts_and_a_qr_code_of_its_verification_url(attended, tmp_path):
    _, _, people = attended
    certificate = await Certificate.objects().where(Certificate.person == people[0].id).output(load_json=True).first()
    facts = facts_of(certificate, "https://drillhub.example.gov")
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


async def test_a_session_s_certificates_in_one_zip(attended, signed_in_client):
    import zipfile

    session, _, people = attended
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{session.id}/certificates.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(BytesIO(response.content)).namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") and name.startswith("DH-") for name in names)


async def test_a_session_without_certificates_has_no_zip(make_session, signed_in_client):
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{(await make_session()).id}/certificates.zip")
    assert response.status_code == 404 and "no certificates yet" in response.text
