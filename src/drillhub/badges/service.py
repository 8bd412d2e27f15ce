"""Open Badges credentials of drillhub's certificates: issued on demand (signed each time from the facts
copied into the certificate, so they never differ), revocation published as a status list, and a pasted or
uploaded credential verified: signature, issuer, expiry, revocation, and its facts against the certificate
drillhub holds."""

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from joserfc.errors import JoseError

from drillhub.badges import credential as vc
from drillhub.badges.keys import did, key_id
from drillhub.certificates.service import replacement_of, zone_of
from drillhub.certificates.tables import Certificate

MAX_CREDENTIAL_CHARACTERS = 64_000


async def credential_jwt(certificate_id: int, public_url: str) -> str:
    return (await credential_jwts([certificate_id], public_url))[certificate_id]


async def credential_jwts(certificate_ids: list[int], public_url: str) -> dict[int, str]:
    """Certificate id -> its signed credential: one query for the certificates, one per session's zone."""
    rows = await Certificate.select().where(Certificate.id.is_in(certificate_ids or [0])).output(load_json=True)
    zones = {session: await zone_of(session) for session in {row["session"] for row in rows}}
    return {row["id"]: vc.signed(vc.credential(row, public_url, zones[row["session"]]), public_url) for row in rows}


async def status_list_jwt(public_url: str, now: datetime | None = None) -> str:
    revoked = {row["id"] for row in await Certificate.select(Certificate.id).where(Certificate.revoked_at.is_not_null())}
    return vc.signed(vc.status_list_credential(revoked, public_url, now or datetime.now(UTC)), public_url)


@dataclass(frozen=True)
class Check:
    name: str  # Signature, Issuer, Expiry, Revocation, Facts
    passed: bool
    said: str


@dataclass
class CredentialReport:
    checks: list[Check] = field(default_factory=list)
    serial: str = ""  # the certificate the credential stands for, when it is one of drillhub's

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def as_dict(self) -> dict:
        return {"valid": self.valid, "serial": self.serial or None,
                "checks": [{"name": c.name, "passed": c.passed, "said": c.said} for c in self.checks]}


def token_of(text: str) -> str:
    """The JWT in what a person pasted or uploaded: the JWT itself, or the JSON drillhub hands out (an
    EnvelopedVerifiableCredential) or any JSON with the JWT as its `id` data URL or `jwt`."""
    text = text.strip()
    if text.startswith("{"):
        try:
            given = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested past all reason
            return ""
        if isinstance(given, dict):
            wrapped = str(given.get("id", ""))
            return wrapped.removeprefix("data:application/vc+jwt,") if wrapped.startswith("data:") else \
                str(given.get("jwt", ""))
        return ""
    return text


def _claimed_key(token: str) -> str:
    """The key a JWT says signed it (its header's kid), read without trusting it."""
    try:
        head = token.split(".")[0]
        return str(json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))).get("kid", ""))
    except (ValueError, UnicodeDecodeError, AttributeError, RecursionError):
        return ""


async def verify_credential(text: str, public_url: str, now: datetime | None = None) -> CredentialReport:
    now, report = now or datetime.now(UTC), CredentialReport()
    token = token_of(text[:MAX_CREDENTIAL_CHARACTERS])
    if not token or token.count(".") != 2:
        report.checks.append(Check("Signature", False, "This is not a signed credential (a JWT, or the JSON "
                                                       "file drillhub gives holders)."))
        return report
    claimed = _claimed_key(token)
    try:
        _, payload = vc.opened(token)
    except (JoseError, ValueError, UnicodeDecodeError, RecursionError):
        said = f"It names the key {claimed[:120]!r}, not this drillhub's ({key_id(public_url)})." if claimed and \
            claimed != key_id(public_url) else "The signature does not match: the credential was changed after " \
                                               "it was signed, or another key signed it."
        report.checks.append(Check("Signature", False, said))
        return report
    report.checks.append(Check("Signature", True, "Signed with this drillhub's key."))
    issuer = payload.get("issuer", {}) if isinstance(payload, dict) else {}
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    report.checks.append(Check("Issuer", issuer_id == did(public_url), f"Issued by {issuer_id}" + (
        "." if issuer_id == did(public_url) else f", not by this drillhub ({did(public_url)}).")))
    certificate = await _certificate_of(payload)
    if certificate is None:
        report.checks.append(Check("Facts", False, "drillhub holds no certificate for this credential."))
        return report
    report.serial = certificate["serial"]
    report.checks.append(_expiry(payload, now))
    report.checks.append(await _revocation(certificate, public_url, now))
    same = vc.credential(certificate, public_url, await zone_of(certificate["session"])) == vc.without_claims(payload)
    report.checks.append(Check("Facts", same, f"The facts match certificate {certificate['serial']}." if same else
                               f"The facts differ from certificate {certificate['serial']} as drillhub holds it."))
    return report


async def _certificate_of(payload: dict) -> dict | None:
    try:
        index = int(payload["credentialStatus"]["statusListIndex"])
    except (KeyError, TypeError, ValueError):
        return None
    return await Certificate.select().where(Certificate.id == index).output(load_json=True).first()


def _expiry(payload: dict, now: datetime) -> Check:
    until = payload.get("validUntil")
    if not until:
        return Check("Expiry", True, "It does not expire.")
    try:
        ends = datetime.fromisoformat(str(until).replace("Z", "+00:00"))
    except ValueError:
        return Check("Expiry", False, f"Its end of validity ({until}) is not a date.")
    return Check("Expiry", ends >= now, f"{'Valid until' if ends >= now else 'Expired on'} {ends:%d %B %Y}.")


async def _revocation(certificate: dict, public_url: str, now: datetime) -> Check:
    """Read from the status list drillhub publishes, as any verifier would."""
    published = vc.opened(await status_list_jwt(public_url, now))[1]["credentialSubject"]["encodedList"]
    if not vc.bit_set(published, certificate["id"]):
        return Check("Revocation", True, "Not revoked.")
    revoked_on = certificate["revoked_at"].astimezone(await zone_of(certificate["session"]))
    replacement = await replacement_of(certificate["id"])  # why it was revoked is not for the public
    return Check("Revocation", False, f"Revoked on {revoked_on:%d %B %Y}" + (
        f"; certificate {replacement['serial']} replaces it." if replacement else "."))
