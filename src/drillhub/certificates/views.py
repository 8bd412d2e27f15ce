from dataclasses import asdict, replace
from datetime import datetime

import anyio.to_thread
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from drillhub import clients, parse, permissions, web
from drillhub.accounts.tables import Person
from drillhub.audit.service import record_event
from drillhub.certificates.pdf import render_certificates, render_transcript, zip_of_certificates
from drillhub.certificates.records import agency_hours_csv, transcript
from drillhub.badges.credential import enveloped
from drillhub.badges.service import credential_jwt, credential_jwts
from drillhub.certificates.tables import Certificate
from drillhub.certificates.service import (
    allow_verification,
    facts_of,
    get_certificate,
    issue_for_session,
    printed_facts,
    reissue,
    replacement_of,
    revoke,
    status_of,
    verify,
    zone_of,
)
from drillhub.errors import Forbidden, Invalid, NotFound
from drillhub.offload import in_background_process

TOO_MANY = "Too many verifications from your address; wait a minute and try again."


async def _verified(request, code: str):
    """The verification, or None when the client is over its limit."""
    if not await allow_verification(clients.limit_key(web.client_address(request))):
        return None
    return await verify(code)


@get("/verify/{code:str}", name="certificates:verify")
async def verify_page(request: HTMXRequest, code: FromPath[str]) -> Template:
    """Public: anyone holding the certificate (or its QR code) checks it here, without signing in."""
    try:
        shown = await _verified(request, code)
    except NotFound as unknown:
        return Template(template_name="certificates/verify.html", context={"unknown": unknown.message},
                        status_code=404)
    if shown is None:
        return Template(template_name="certificates/verify.html", context={"unknown": TOO_MANY}, status_code=429)
    return Template(template_name="certificates/verify.html", context={"shown": shown})


@get("/api/certificates/{code:str}", name="certificates:verify_json")
async def verify_json(request: HTMXRequest, code: FromPath[str]) -> Response:
    """The same, for other systems (a state training-credit register, a records system)."""
    try:
        shown = await _verified(request, code)
    except NotFound as unknown:
        return Response({"status": "unknown", "message": unknown.message}, status_code=404)
    if shown is None:
        return Response({"status": "rate_limited", "message": TOO_MANY}, status_code=429, headers={"Retry-After": "60"})
    return Response({key: value.isoformat() if hasattr(value, "isoformat") else value
                     for key, value in asdict(shown).items()})


class CertificateController(Controller):
    guards = [web.signed_in_guard]

    @post("/sessions/{session_id:int}/certificates", name="certificates:issue",
          guards=[web.coordinators_only])
    async def issue(self, request: HTMXRequest, session_id: web.RecordId) -> Redirect | ClientRedirect:
        issued = await issue_for_session(session_id, web.actor(request))
        await web.flash(request, f"{len(issued)} certificate(s) issued." if issued else
                        "Everyone eligible already holds a certificate.")
        return web.go_to(request, "sessions:detail", session_id=session_id)

    @get("/sessions/{session_id:int}/certificates.zip", name="certificates:zip",
         guards=[web.coordinators_only])
    async def zip(self, request: HTMXRequest, session_id: web.RecordId) -> Response:
        """Every standing certificate of the session: seconds of work, in a background process."""
        public_url = request.app.state.settings.public_url
        zone = await zone_of(session_id)
        standing = await Certificate.objects().where(
            (Certificate.session == session_id) & Certificate.revoked_at.is_null()).output(load_json=True)
        signed = await credential_jwts([c.id for c in standing], public_url)
        certificates = [replace(facts_of(c, public_url, zone), credential=signed[c.id]) for c in standing]
        if not certificates:
            raise NotFound("This session has no certificates yet.")
        body = await in_background_process(zip_of_certificates, certificates)
        await record_event("certificate.download_all", web.actor(request), target=f"session {session_id}",
                           detail={"count": len(certificates)})
        return Response(body, media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="certificates-session-{session_id}.zip"'})

    @get("/certificates/{certificate_id:int}", name="certificates:detail")
    async def detail(self, request: HTMXRequest, certificate_id: web.RecordId) -> Template:
        return await detail_page(request, await visible_certificate(request, certificate_id))

    @get("/certificates/{certificate_id:int}/pdf", name="certificates:pdf")
    async def pdf(self, request: HTMXRequest, certificate_id: web.RecordId) -> Response:
        certificate = await visible_certificate(request, certificate_id)
        public_url = request.app.state.settings.public_url
        facts = replace(await printed_facts(certificate, public_url),
                        credential=await credential_jwt(certificate.id, public_url))
        body = await anyio.to_thread.run_sync(render_certificates, [facts])  # fonts and QR: keep the loop free
        return Response(body, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.serial}.pdf"'})

    @get("/certificates/{certificate_id:int}/credential.json", name="certificates:credential")
    async def credential(self, request: HTMXRequest, certificate_id: web.RecordId) -> Response:
        """The certificate as an Open Badges 3.0 credential, signed: for a wallet or another agency's records."""
        certificate = await visible_certificate(request, certificate_id)
        token = await credential_jwt(certificate.id, request.app.state.settings.public_url)
        return Response(enveloped(token), media_type="application/json", headers={
            "Content-Disposition": f'attachment; filename="credential-{certificate.serial}.json"'})

    @post("/certificates/{certificate_id:int}/revoke", name="certificates:revoke",
          guards=[web.coordinators_only])
    async def revoke(self, request: HTMXRequest, certificate_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        return await self._change(request, certificate_id, revoke, "The certificate is revoked.")

    @post("/certificates/{certificate_id:int}/reissue", name="certificates:reissue",
          guards=[web.coordinators_only])
    async def reissue(self, request: HTMXRequest, certificate_id: web.RecordId) -> Template | Redirect | ClientRedirect:
        return await self._change(request, certificate_id, reissue, "A new certificate replaces this one.")

    async def _change(self, request: HTMXRequest, certificate_id: int, change, done: str):
        reason = await web.form_field(request, "reason")
        try:
            result = await change(certificate_id, reason, web.actor(request))
        except Invalid as invalid:
            return await detail_page(request, await get_certificate(certificate_id), 422, invalid.errors, reason)
        await web.flash(request, done)
        target = result.id if result is not None else certificate_id
        return web.go_to(request, "certificates:detail", certificate_id=target)


async def visible_certificate(request: HTMXRequest, certificate_id: int):
    """The certificate, for its holder, their agency's supervisors and coordinators; 403 for others."""
    user = web.current_user(request)
    certificate = await get_certificate(certificate_id)
    if not permissions.may_see_certificate(user, certificate.person, certificate.agency):
        raise Forbidden("Only the holder, their supervisors and coordinators see this certificate.")
    return certificate


async def detail_page(request: HTMXRequest, certificate, status_code: int = 200, errors: dict | None = None,
                      reason: str = "") -> Template:
    zone = await zone_of(certificate.session)
    return await web.page(request, "certificates/detail.html", status_code=status_code, certificate=certificate,
                          status=status_of(certificate.revoked_at, certificate.expires_on, datetime.now(zone).date()),
                          zone=zone, replacement=await replacement_of(certificate.id),
                          coordinator=permissions.coordinates(web.current_user(request)), errors=errors or {},
                          reason=reason)


async def _person_agency(person_id: int) -> int:
    row = await Person.select(Person.agency).where(Person.id == person_id).first()
    if row is None:
        raise NotFound("No such person.")
    return row["agency"]


class RecordsController(Controller):
    """Training records: an officer's own, their supervisors', coordinators'."""

    guards = [web.signed_in_guard]

    @get("/transcripts/{person_id:int}", name="records:transcript")
    async def transcript(self, request: HTMXRequest, person_id: web.RecordId) -> Template:
        await self._check(request, person_id)
        record = await transcript(person_id, web.today(request))
        return await web.page(request, "certificates/transcript.html", record=record, person_id=person_id)

    @get("/transcripts/{person_id:int}/pdf", name="records:transcript_pdf")
    async def transcript_pdf(self, request: HTMXRequest, person_id: web.RecordId) -> Response:
        await self._check(request, person_id)
        today = web.today(request)
        record = await transcript(person_id, today)
        body = await anyio.to_thread.run_sync(render_transcript, record.name, record.agency, record.rows, record.totals,
                                              record.total, today)
        return Response(body, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="transcript-{person_id}.pdf"'})

    @get("/agencies/{agency_id:int}/hours", name="records:agency_hours")
    async def agency_hours(self, request: HTMXRequest, agency_id: web.RecordId, year: FromQuery[str] = "") -> Response:
        user = web.current_user(request)
        if not permissions.may_see_agency_records(user, agency_id):
            raise Forbidden("Only the agency's supervisors and coordinators export its training hours.")
        chosen = parse.whole_number(year) if year else web.today(request).year
        body = await agency_hours_csv(agency_id, chosen or 0)  # the service refuses a year it cannot use
        await record_event("records.export", web.actor(request), target=f"agency {agency_id}", detail={"year": chosen})
        return Response(body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="training-hours-agency-{agency_id}-{chosen}.csv"'})

    async def _check(self, request: HTMXRequest, person_id: int) -> None:
        user = web.current_user(request)
        if not permissions.may_see_records(user, person_id, await _person_agency(person_id)):
            raise Forbidden("Only the officer, their supervisors and coordinators see this transcript.")
