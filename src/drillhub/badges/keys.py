"""drillhub's signing key for Open Badges credentials, and the did:web identity that publishes it.

An Ed25519 key, made by `drillhub migrate` and kept like the secret key: DRILLHUB_BADGE_KEY (a private JWK)
when set, else var/badge-key.jwk (readable by its owner only). Every worker and every host of one
deployment must sign with the same key: set DRILLHUB_BADGE_KEY in production.
"""

import json
import os
from functools import cache
from urllib.parse import quote, urlsplit

from joserfc.jwk import OKPKey

from drillhub.settings import PROJECT_ROOT, settings_in_use

KEY_FILE = PROJECT_ROOT / "var" / "badge-key.jwk"


def ensure_key_file(given: str) -> bool:
    """Make the key file unless there is a key already (`given`, from the environment, or the file); True if
    made."""
    if given or KEY_FILE.exists():
        return False
    KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    made = json.dumps(OKPKey.generate_key("Ed25519").as_dict(private=True))
    draft = KEY_FILE.with_name(f"{KEY_FILE.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        file.write(made)
    try:
        os.link(draft, KEY_FILE)  # whole, or not at all: a reader never sees half a key
    except FileExistsError:  # another process made it first: that one is the key
        return False
    finally:
        draft.unlink()
    return True


def signing_key() -> OKPKey:
    settings = settings_in_use()
    return _key(settings.badge_key, settings.production)


class NoKey(Exception):
    """In production, drillhub never makes a key on its own: a second host would make another one."""


@cache
def _key(given: str, production: bool) -> OKPKey:
    if not given:
        if production and not KEY_FILE.exists():
            raise NoKey("No key signs Open Badges credentials: run `drillhub migrate`, or set DRILLHUB_BADGE_KEY "
                        "(the same on every host)")
        ensure_key_file(given)
        given = KEY_FILE.read_text()
    key = OKPKey.import_key(json.loads(given))
    if key.curve_name != "Ed25519" or not key.is_private:
        raise ValueError("DRILLHUB_BADGE_KEY must be a private Ed25519 JWK")
    return key


def did(public_url: str) -> str:
    """did:web of this drillhub: its host (and port, as %3A), and its path, if it has one, as :-parts."""
    parts = urlsplit(public_url)
    host = quote(parts.netloc, safe="")
    path = ":".join(quote(part, safe="") for part in parts.path.strip("/").split("/") if part)
    return f"did:web:{host}{':' + path if path else ''}"


def key_id(public_url: str) -> str:
    """The key's id: its JWK thumbprint (RFC 7638), so that a new key has a new id."""
    return f"{did(public_url)}#{signing_key().thumbprint()}"


def did_document(public_url: str) -> dict:
    """What did:web resolves to (served at /.well-known/did.json, or <path>/did.json): the public key."""
    identity = did(public_url)
    method = {"id": key_id(public_url), "type": "JsonWebKey", "controller": identity,
              "publicKeyJwk": signing_key().as_dict(private=False)}
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"], "id": identity,
            "verificationMethod": [method], "assertionMethod": [method["id"]], "authentication": [method["id"]]}
