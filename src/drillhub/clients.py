"""Who sent a request: the client's address behind trusted proxies, and the key that rate limits and
sign-in throttles count it by. No request and no database here: web.client_address asks this module."""

import ipaddress

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# One IPv6 host (a home, a phone, a cloud server) is usually given a whole /64 and may use any address
# in it, so counting single addresses would let it start afresh 2^64 times.
IPV6_HOST_PREFIX = 64


def _address(text: str) -> Address | None:
    """The address written in `text`, an IPv4 client seen through an IPv6 socket as its IPv4 address;
    None when `text` is not an address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: tuple[Network, ...]) -> str:
    """The address of the client: the peer's, unless the peer is one of the trusted `proxies`. Then
    X-Forwarded-For is read from the right, where each proxy appends the address it saw, past the
    trusted addresses, to the first address that is not trusted (the left-most when all are); the
    entries left of it were written by the client and are not believed. An entry that is not an
    address ends the walk at the last proxy read."""
    believed = _address(peer)
    if believed is None:
        return peer  # not an IP connection (a test client, a Unix socket): nothing to walk
    for entry in reversed(forwarded_for.split(",")):
        if not _trusted(believed, proxies):
            break
        hop = _address(entry)
        if hop is None:
            break
        believed = hop
    return str(believed)


def limit_key(address: str) -> str:
    """What rate limits and sign-in throttles count a client by: its IPv4 address, or its IPv6
    address's /64 network (e.g. "2001:db8:1:2::/64"). The audit log keeps the whole address."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network((parsed, IPV6_HOST_PREFIX), strict=False))
    return str(parsed) if parsed is not None else address
