import os
import sqlite3

import httpx
import pytest

from tests.support import free_port, serve, token_in as csrf_token_in
from tests.test_migrations import run_cli


def test_demo_is_refused_in_production(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    result = run_cli(url, "demo", DRILLHUB_ENV="production", DRILLHUB_SECRET_KEY="p" * 40)
    assert result.returncode == 1 and "refused when DRILLHUB_ENV=production" in result.stderr


def test_bad_configuration_is_reported_plainly():
    result = run_cli("mysql://nope", "check")
    assert result.returncode == 1 and "DRILLHUB_DATABASE_URL must start with" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_demo_and_createuser(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert run_cli(url, "migrate").returncode == 0
    demo = run_cli(url, "demo", "--if-empty")
    assert demo.returncode == 0 and "coordinator@demo.drillhub.test" in demo.stdout
    again = run_cli(url, "demo", "--if-empty")
    assert "Demo data loaded" not in again.stdout and "admin@demo.drillhub.test" in again.stdout

    base = ["createuser", "--name", "New Admin", "--agency", "hcem", "--password-stdin"]
    created = run_cli(url, *base, "--email", "New.Admin@county.example", "--role", "admin", "--role", "coordinator",
                      input="a-strong-first-passphrase\n")
    assert created.returncode == 0 and "Created new.admin@county.example" in created.stdout, created.stderr
    refused = run_cli(url, *base, "--email", "x@county.example", "--role", "officer", input="short\n")
    assert refused.returncode == 1 and "password: Use at least 12 characters." in refused.stderr
    unknown = run_cli(url, *base, "--email", "y@county.example", "--role", "officer", "--agency", "NOPE",
                      input="a-strong-first-passphrase\n")
    assert unknown.returncode == 1


def test_first_agency_and_admin_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert run_cli(url, "migrate").returncode == 0
    bad = run_cli(url, "createagency", "--code", "x", "--name", "HCEM", "--kind", "navy", "--jurisdiction", "H")
    assert bad.returncode == 1 and "kind: Choose what kind of agency" in bad.stderr
    made = run_cli(url, "createagency", "--code", "hcem", "--name", "Harlan County EM",
                   "--kind", "emergency_management", "--jurisdiction", "Harlan County")
    assert made.returncode == 0 and "Created agency HCEM." in made.stdout
    admin = run_cli(url, "createuser", "--email", "root@county.example", "--name", "First Admin",
                    "--agency", "HCEM", "--role", "admin", "--password-stdin", input="a-strong-first-passphrase\n")
    assert admin.returncode == 0, admin.stderr


def test_serve_refuses_to_start_on_an_unmigrated_database(tmp_path):
    result = run_cli(f"sqlite:///{tmp_path / 'new.sqlite3'}", "serve", "--port", "1")
    assert result.returncode == 1 and "run `drillhub migrate` first" in result.stderr


@pytest.mark.slow
def test_serve_lets_the_app_see_the_real_peer(tmp_path):
    """uvicorn must not rewrite the client from X-Forwarded-For (it would believe 127.0.0.1 by default):
    with no trusted proxies configured, the app counts the peer, whatever the header claims."""
    port, database = free_port(), tmp_path / "serve.sqlite3"
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_PORT": str(port),
           "DRILLHUB_DATABASE_URL": f"sqlite:///{database}", "DRILLHUB_TRUSTED_PROXIES": ""}
    env.pop("PICCOLO_CONF", None)
    assert run_cli(env["DRILLHUB_DATABASE_URL"], "migrate").returncode == 0
    server = serve(env, f"http://127.0.0.1:{port}")
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/api/certificates/{'x' * 22}",
                             headers={"X-Forwarded-For": "203.0.113.5"})
        assert response.status_code == 404
    finally:
        server.kill()
        server.wait()
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT client FROM verification_attempt").fetchall() == [("127.0.0.1",)]


def test_a_wildcard_trusted_proxy_is_refused_plainly(tmp_path):
    result = run_cli(f"sqlite:///{tmp_path / 'x.sqlite3'}", "check", DRILLHUB_TRUSTED_PROXIES="*")
    assert result.returncode == 1 and "DRILLHUB_TRUSTED_PROXIES may not be *" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_links_follow_the_port_served_on_when_no_public_url_is_set(tmp_path):
    port, url = free_port(), f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_DATABASE_URL": url}
    for name in ("PICCOLO_CONF", "DRILLHUB_PORT", "DRILLHUB_PUBLIC_URL"):
        env.pop(name, None)
    assert run_cli(url, "migrate").returncode == 0 and run_cli(url, "demo").returncode == 0
    server = serve(env, f"http://127.0.0.1:{port}", "--port", str(port))
    try:
        from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS

        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            token = csrf_token_in(client.get("/sign-in").text)
            client.post("/sign-in", data={"email": DEMO_SIGN_INS["coordinator"], "password": DEMO_PASSWORD,
                                          "_csrf_token": token})
            invite = client.get("/sessions/1/invite.ics")
        assert invite.status_code == 200 and f"URL:http://127.0.0.1:{port}/sessions/1" in invite.text
    finally:
        server.kill()
        server.wait()


def test_check_warns_when_production_has_no_public_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    assert run_cli(url, "migrate").returncode == 0
    production = {"DRILLHUB_ENV": "production", "DRILLHUB_SECRET_KEY": "p" * 40}
    unset = run_cli(url, "check", **production)
    assert unset.returncode == 0 and "DRILLHUB_PUBLIC_URL is not set" in unset.stderr
    given = run_cli(url, "check", DRILLHUB_PUBLIC_URL="https://drill.example.gov", **production)
    assert "public URL    https://drill.example.gov" in given.stdout and "not set" not in given.stderr
