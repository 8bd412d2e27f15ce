"""Password rules and hashing (argon2id). Hashing runs in a worker thread: it takes ~0.1 s of CPU."""

from functools import cache
from importlib.resources import files

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256  # bounds the hashing work a single request can ask for

_hasher = PasswordHasher()


def use_low_cost_hashing() -> None:
    """For the test suite only: hashes stay argon2id, just cheap to compute."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@cache
def _common_passwords() -> frozenset[str]:
    text = files("drillhub.auth").joinpath("common-passwords.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, or None when it may be used."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in _common_passwords() or len(set(password)) < 4:
        return "This password is too common or too simple; choose another."
    if email and password.lower() == email.lower():
        return "The password must not be your e-mail address."
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("no account has this password")


async def spend_verify_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown e-mail takes as long as a wrong password."""
    await anyio.to_thread.run_sync(lambda: _verify(_dummy_hash(), password))
