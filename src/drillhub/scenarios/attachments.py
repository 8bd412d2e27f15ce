"""Files kept beside a scenario's YAML (images, maps, documents): which kinds, how they are found, and how a
link to one is signed.

A scenario declares each file under `attachments:` (an id, its path from the YAML file's folder, a title
and, for an image, what it shows) and names them on the scenes and injects they go with. The files are
stored with the version (ScenarioAttachment), so a version never changes when a file on disk does.
"""

import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath

# suffix -> (media type, what the file begins with, what it is called)
KINDS = {
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), "a PNG image"),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), "a JPEG image"),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), "a JPEG image"),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a"), "a GIF image"),
    ".webp": ("image/webp", (b"RIFF",), "a WebP image"),
    ".pdf": ("application/pdf", (b"%PDF-",), "a PDF document"),
}
MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024
SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._ -]*(/[A-Za-z0-9_][A-Za-z0-9._ -]*)*$")

Lookup = Callable[[str], bytes | None]  # an attachment's `file` -> its bytes, or None when there is none


def suffix(file: str) -> str:
    return PurePosixPath(file).suffix.lower()


def media_type(file: str) -> str:
    return KINDS[suffix(file)][0]


def called(file: str) -> str:
    """'a PDF document'."""
    return KINDS[suffix(file)][2]


def is_image(file: str) -> bool:
    return media_type(file).startswith("image/") if suffix(file) in KINDS else False


def path_problem(file: str) -> str | None:
    """Why a `file` cannot be an attachment's path, or None."""
    if not SAFE_PATH.match(file) or ".." in PurePosixPath(file).parts:
        return ("give the file's path from the scenario file's folder in letters, digits, '-', '_', '.' and "
                "spaces, folders with '/', e.g. maps/county-map.png (no '..', no '/' first)")
    if suffix(file) not in KINDS:
        return f"drillhub shows {', '.join(sorted(KINDS))} files; {file!r} is none of them"
    return None


def content_problem(file: str, data: bytes) -> str | None:
    """Why these bytes cannot be shown as the file its name says, or None."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        return f"{file!r} is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB"
    _, starts, called = KINDS[suffix(file)]
    if not data.startswith(starts) or (suffix(file) == ".webp" and data[8:12] != b"WEBP"):
        return f"{file!r} is not {called}: save it in that format, or give it the suffix of its own"
    return None


def beside(yaml_path: Path) -> Lookup:
    """Files in the YAML file's folder (or below it), never outside it."""
    folder = yaml_path.parent.resolve()

    def read(file: str) -> bytes | None:
        if path_problem(file):
            return None
        path = (folder / file).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        with path.open("rb") as file:
            return file.read(MAX_ATTACHMENT_BYTES + 1)  # enough to tell that it is too large

    return read


def from_mapping(files: Mapping[str, bytes]) -> Lookup:
    return files.get


def fingerprint(text: str, files: Mapping[str, bytes]) -> str:
    """A version's SHA-256: of its YAML, and of its files when it has some (a changed map is a new version)."""
    digest = hashlib.sha256(text.encode())
    for file in sorted(files):
        digest.update(f"\n{file} {hashlib.sha256(files[file]).hexdigest()}".encode())
    return digest.hexdigest()


def link_key(secret: str, version_id: int, attachment_id: str) -> str:
    """The key in an attachment's link, given to the players it is shown to: a player of another role, who
    was never shown it, cannot make it."""
    return hmac.new(secret.encode(), f"attachment:{version_id}:{attachment_id}".encode(), hashlib.sha256).hexdigest()[:32]
