"""Open Badges in the open: the DID document and status list any verifier reads, and the page and API
where anyone checks a credential, without signing in."""

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery
from litestar.response import Template

from drillhub import clients, web
from drillhub.badges.keys import did_document
from drillhub.badges.service import MAX_CREDENTIAL_CHARACTERS, status_list_jwt, verify_credential
from drillhub.certificates.pdf import credential_in
from drillhub.certificates.service import allow_verification

TOO_MANY = "Too many verifications from your address; wait a minute and try again."
READ_BY_ANYONE = {"Access-Control-Allow-Origin": "*"}  # a verifier running in a browser reads these too


@get(["/.well-known/did.json", "/did.json"], name="badges:did")
async def did_json(request: Request) -> Response:
    """did:web of this drillhub: where a verifier finds the key that signs its credentials."""
    return Response(did_document(request.app.state.settings.public_url), media_type="application/did+json",
                    headers=READ_BY_ANYONE)


@get("/credentials/status/revocation", name="badges:status")
async def status_list(request: Request) -> Response:
    """The Bitstring Status List of revoked certificates, signed: read fresh by every verifier."""
    return Response(await status_list_jwt(request.app.state.settings.public_url), media_type="application/vc+jwt",
                    headers=READ_BY_ANYONE)


@get("/verify-credential", name="badges:verify_form")
async def verify_form(request: Request) -> Template:
    return Template(template_name="badges/verify.html", context={"text": "", "report": None})


@post("/verify-credential", name="badges:verify", request_max_body_size=2 * 1024 * 1024)  # a certificate PDF
async def verify_posted(request: Request) -> Template:
    """A credential pasted, or its file uploaded."""
    form = await request.form()
    upload, text = form.get("file"), str(form.get("text", ""))
    if isinstance(upload, UploadFile) and upload.filename:
        content = await upload.read()
        text = credential_in(content) if content.startswith(b"%PDF-") else \
            content[:MAX_CREDENTIAL_CHARACTERS].decode("utf-8", errors="replace")
    if not text.strip():
        return Template(template_name="badges/verify.html", status_code=422,
                        context={"text": "", "report": None, "problem": "Paste the credential or choose its file."})
    if not await allow_verification(clients.limit_key(web.client_address(request))):
        return Template(template_name="badges/verify.html", status_code=429,
                        context={"text": text, "report": None, "problem": TOO_MANY})
    report = await verify_credential(text, request.app.state.settings.public_url)
    return Template(template_name="badges/verify.html", context={"text": text, "report": report})


@get("/api/credentials/verify", name="badges:verify_json")
async def verify_api(request: Request, credential: FromQuery[str] = "") -> Response:
    """The same for other systems: ?credential=<the JWT>."""
    if not await allow_verification(clients.limit_key(web.client_address(request))):
        return Response({"valid": False, "message": TOO_MANY}, status_code=429, headers={"Retry-After": "60"})
    report = await verify_credential(credential, request.app.state.settings.public_url)
    return Response(report.as_dict(), status_code=200 if report.valid else 422)
