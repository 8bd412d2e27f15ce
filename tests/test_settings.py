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
