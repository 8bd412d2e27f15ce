"""A certificate as an Open Badges 3.0 credential (W3C Verifiable Credentials 2.0), secured as Open Badges
3.0 says (section 8.2): a JWT whose payload is the credential with the JWT claims iss, jti, nbf, exp and
sub added, signed with drillhub's Ed25519 key; its revocation published in a Bitstring Status List.
"""

import base64
import gzip
import json
import uuid
import warnings
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal

from joserfc import jws
from joserfc.jwk import OKPKey

from drillhub.badges.keys import did, key_id, signing_key

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ALGORITHM = "EdDSA"  # Ed25519 signatures; RFC 9864's newer name "Ed25519" is not yet read by most verifiers
STATUS_BITS = 131_072  # the smallest list the Bitstring Status List allows (16 KB): no list gives away how many


def _instant(day: date, zone: tzinfo, end: bool = False) -> str:
    """The start (or end) of a day where the training was, in UTC: a certificate's dates are that zone's."""
    moment = datetime.combine(day, time.max if end else time.min, zone).astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def _seconds(instant: str) -> int:
    return int(datetime.fromisoformat(instant.replace("Z", "+00:00")).timestamp())


def status_list_url(public_url: str) -> str:
    return f"{public_url}/credentials/status/revocation"


def credential(certificate: dict, public_url: str, zone: tzinfo) -> dict:
    """The OpenBadgeCredential of a certificate row (the facts copied in when it was issued); its dates are
    days in `zone`, the session's."""
    issued = certificate["issued_at"].astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    hours = float(Decimal(certificate["credit_hours"]))
    criteria = f"Completed {certificate['course_title']}, a {certificate['exercise_type'] or 'training'} session."
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, public_url + '/certificates/' + str(certificate['id']))}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": did(public_url), "type": ["Profile"], "name": certificate["issuer_agency"] or "drillhub",
                   "url": public_url},
        "validFrom": issued,
        **({"validUntil": _instant(certificate["expires_on"], zone, end=True)} if certificate["expires_on"] else {}),
        "name": certificate["course_title"],
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, public_url + '/people/' + str(certificate['person']))}",
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "hashed": False, "identityHash": certificate["holder_name"],
                            "identityType": "name"}],
            "achievement": {
                "id": f"{public_url}/sessions/{certificate['session']}/achievement",
                "type": ["Achievement"], "achievementType": "Certificate", "name": certificate["course_title"],
                "description": f"{certificate['course_title']} ({certificate['exercise_type'] or 'training'}), "
                               f"{hours:g} credit hours.",
                "criteria": {"narrative": criteria},
                "tag": list(certificate["core_capabilities"] or []),
                "creditsAvailable": hours,
            },
            "creditsEarned": hours,
            "activityStartDate": _instant(certificate["starts_on"], zone),
            "activityEndDate": _instant(certificate["ends_on"], zone, end=True),
        },
        "credentialStatus": {
            "id": f"{status_list_url(public_url)}#{certificate['id']}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(certificate["id"]),
            "statusListCredential": status_list_url(public_url),
        },
    }


JWT_CLAIMS = ("iss", "jti", "nbf", "exp", "sub")


def with_claims(credential: dict) -> dict:
    """The JWT payload: the credential, and the claims Open Badges 3.0 asks for, taken from it."""
    issuer = credential["issuer"]
    return {**credential, "iss": issuer["id"] if isinstance(issuer, dict) else issuer, "jti": credential["id"],
            "nbf": _seconds(credential["validFrom"]),
            **({"exp": _seconds(credential["validUntil"])} if "validUntil" in credential else {}),
            **({"sub": credential["credentialSubject"]["id"]} if "id" in credential["credentialSubject"] else {})}


def without_claims(payload: dict) -> dict:
    return {key: value for key, value in payload.items() if key not in JWT_CLAIMS}


def signed(credential: dict, public_url: str) -> str:
    """The credential as a compact JWS, signed with drillhub's key."""
    header = {"alg": ALGORITHM, "kid": key_id(public_url), "typ": "JWT"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc's note that RFC 9864 renames EdDSA (see ALGORITHM)
        return jws.serialize_compact(header, json.dumps(with_claims(credential), separators=(",", ":")).encode(),
                                     signing_key(), algorithms=[ALGORITHM])


def opened(token: str) -> tuple[dict, dict]:
    """The header and payload of a JWS signed with drillhub's key; JoseError when it is not one (changed after
    signing, signed by another key, not a JWS at all)."""
    public = OKPKey.import_key(signing_key().as_dict(private=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = jws.deserialize_compact(token.strip(), public, algorithms=[ALGORITHM])
    return found.headers(), json.loads(found.payload)


def enveloped(token: str) -> dict:
    """The JSON a holder downloads: the signed credential in an EnvelopedVerifiableCredential."""
    return {"@context": CONTEXTS[:1], "id": f"data:application/vc+jwt,{token}",
            "type": "EnvelopedVerifiableCredential"}


def status_bits(revoked: set[int]) -> str:
    """A Bitstring Status List's encodedList: bit i (from the left) set when certificate i is revoked,
    gzipped, base64url without padding, multibase-prefixed 'u'."""
    size = max(STATUS_BITS, (max(revoked, default=0) // 8 + 1) * 8)
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def bit_set(encoded: str, index: int) -> bool:
    raw = encoded[1:] if encoded.startswith("u") else encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return index // 8 < len(bits) and bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(revoked: set[int], public_url: str, now: datetime) -> dict:
    return {
        "@context": CONTEXTS[:1], "id": status_list_url(public_url),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": did(public_url),
        "validFrom": now.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "credentialSubject": {"id": f"{status_list_url(public_url)}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": status_bits(revoked)},
    }

