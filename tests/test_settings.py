from ipaddress import ip_network

import pytest

from drillhub.settings import SettingsError, load_settings

KEY = {"DRILLHUB_SECRET_KEY": "k" * 40}


def trusted_proxies(value: str):
    return load_settings({**KEY, "DRILLHUB_TRUSTED_PROXIES": value}).trusted_proxies


def test_trusted_proxies_are_addresses_and_networks():
    assert load_settings(KEY).trusted_proxies == (ip_network("127.0.0.1/32"),)
    assert trusted_proxies(" 10.0.0.0/8, ::1,192.0.2.7 ") == (
        ip_network("10.0.0.0/8"), ip_network("::1/128"), ip_network("192.0.2.7/32"))
    assert trusted_proxies("") == ()  # no proxy in front: X-Forwarded-For is never read


@pytest.mark.parametrize("value, message", [
    ("*", "may not be *"),
    ("10.0.0.0/8, *", "may not be *"),
    ("proxy.internal", "'proxy.internal' is not an address or a network"),
    ("10.0.0.1/8", "'10.0.0.1/8' is not an address or a network (10.0.0.1/8 has host bits set)"),
    ("10.0.0.0/33", "'10.0.0.0/33' is not an address or a network"),
])
def test_a_bad_trusted_proxy_is_refused_with_what_is_wrong(value, message):
    with pytest.raises(SettingsError) as error:
        trusted_proxies(value)
    assert "DRILLHUB_TRUSTED_PROXIES" in str(error.value) and message in str(error.value)


def test_the_public_url_follows_where_the_server_listens_unless_given():
    assert load_settings({**KEY, "DRILLHUB_PORT": "8077"}).public_url == "http://127.0.0.1:8077"
    assert load_settings({**KEY, "DRILLHUB_HOST": "::1", "DRILLHUB_PORT": "9000"}).public_url == "http://[::1]:9000"
    given = load_settings({**KEY, "DRILLHUB_PORT": "8077", "DRILLHUB_PUBLIC_URL": "https://drill.example.gov/"})
    assert (given.public_url, given.public_url_given) == ("https://drill.example.gov", True)
    assert not load_settings(KEY).public_url_given


async def test_create_app_puts_its_settings_in_use(make_app, tmp_path):
    from drillhub.settings import Settings, settings_in_use

    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}", secret_key="s" * 40,
                        public_url="https://given-to-create-app.example")
    make_app(settings)
    assert settings_in_use() is settings


async def test_an_e_mail_link_comes_from_the_apps_settings_not_the_environment(app, make_session, make_person,
                                                                               monkeypatch):
    from drillhub.audit.service import ANONYMOUS
    from drillhub.enrolment.service import enrol_people
    from drillhub.mail.tables import OutboxMessage

    monkeypatch.setenv("DRILLHUB_PUBLIC_URL", "http://from-the-environment.example")
    session = await make_session()
    await enrol_people(session.id, [(await make_person()).id], ANONYMOUS)
    invitation = await OutboxMessage.select(OutboxMessage.body).first()
    assert f"http://127.0.0.1:8000/sessions/{session.id}" in invitation["body"]  # the app's Settings
    assert "from-the-environment" not in invitation["body"]
