import pytest

from drillhub.auth.passwords import hash_password, password_problem, verify_password


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 12"),
        ("password1234", "too common"),
        ("QWERTYUIOP12", "too common"),
        ("aaaaaaaaaaaaaaaa", "too simple"),
        ("x" * 257, "at most 256"),
        ("me@agency.gov", "must not be your e-mail"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    assert problem in password_problem(password, email="me@agency.gov")


def test_a_good_password_passes():
    assert password_problem("tabletop-exercise-42", email="me@agency.gov") is None


async def test_hashes_are_argon2id_and_verify():
    hashed = await hash_password("tabletop-exercise-42")
    assert hashed.startswith("$argon2id$")
    assert await verify_password(hashed, "tabletop-exercise-42")
    assert not await verify_password(hashed, "tabletop-exercise-43")
    assert not await verify_password("not a hash", "tabletop-exercise-42")
