from ipaddress import ip_network

from drillhub.clients import client_address, limit_key

PROXIES = (ip_network("10.0.0.0/8"), ip_network("192.0.2.7"), ip_network("fd00::/8"))


def test_a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_its_header_says():
    assert client_address("203.0.113.5", "198.51.100.1", PROXIES) == "203.0.113.5"
    assert client_address("203.0.113.5", "", ()) == "203.0.113.5"


def test_the_right_most_address_no_trusted_proxy_added_is_the_client():
    assert client_address("10.0.0.2", "198.51.100.9", PROXIES) == "198.51.100.9"
    # the client wrote 1.2.3.4 itself; the proxies in 192.0.2.7 and 10.0.0.0/8 appended the rest
    assert client_address("10.0.0.2", "1.2.3.4, 198.51.100.9, 192.0.2.7, 10.1.1.1", PROXIES) == "198.51.100.9"
    assert client_address("fd00::2", "2001:db8::1, fd12::3", PROXIES) == "2001:db8::1"


def test_when_every_hop_is_trusted_the_left_most_is_the_client():
    assert client_address("10.0.0.2", "10.3.3.3, 10.2.2.2", PROXIES) == "10.3.3.3"


def test_an_entry_that_is_not_an_address_ends_the_walk_at_the_last_proxy():
    assert client_address("10.0.0.2", "198.51.100.9, unknown, 10.1.1.1", PROXIES) == "10.1.1.1"
    assert client_address("10.0.0.2", "198.51.100.9:4321", PROXIES) == "10.0.0.2"
    assert client_address("10.0.0.2", "", PROXIES) == "10.0.0.2"


def test_addresses_are_written_one_way():
    assert client_address("::ffff:10.0.0.2", "2001:DB8:0::1", PROXIES) == "2001:db8::1"
    assert client_address("testclient", "198.51.100.9", PROXIES) == "testclient"  # not an IP connection


def test_limits_count_an_ipv4_address_alone_and_an_ipv6_address_by_its_64():
    assert limit_key("203.0.113.5") == "203.0.113.5"
    assert limit_key("2001:db8:1:2:aaaa::5") == limit_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert limit_key("") == ""
