"""What kind of address an IP address is, for the outbound policy: public, private, or never.

The ranges are tables (IANA's special-purpose registries, RFC 6890 and its updates), read
in order, and an IPv6 address that carries an IPv4 address (IPv4-mapped, NAT64, 6to4,
Teredo) is judged by the IPv4 address it reaches as well: ``2002:a9fe:a9fe::`` is the
cloud metadata address 169.254.169.254 behind a 6to4 relay. Whatever no table names is
public only when Python's ``is_global`` agrees, so that a range added to the registries
later is not taken for the open Internet.
"""

import ipaddress
from enum import IntEnum

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Reach(IntEnum):
    """How far a deployment must trust its users to let them reach an address (worst last)."""

    PUBLIC = 0
    PRIVATE = 1  # loopback and networks of one organisation: allowed when private targets are
    NEVER = 2  # metadata, link-local, multicast, unspecified, reserved: never


_METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _table(*rows: tuple[str, Reach, str]) -> list[tuple[Network, Reach, str]]:
    return [(ipaddress.ip_network(network), reach, what) for network, reach, what in rows]


_IPV4 = _table(
    ("0.0.0.0/8", Reach.NEVER, "a 'this network' address, not a unicast address"),
    ("127.0.0.0/8", Reach.PRIVATE, "a loopback address"),
    ("169.254.0.0/16", Reach.NEVER, "a link-local address"),
    ("224.0.0.0/4", Reach.NEVER, "a multicast address, not a unicast address"),
    ("255.255.255.255/32", Reach.NEVER, "the broadcast address, not a unicast address"),
    ("240.0.0.0/4", Reach.NEVER, "a reserved address, not a unicast address"),
    ("192.0.2.0/24", Reach.NEVER, "a documentation address (TEST-NET-1)"),
    ("198.51.100.0/24", Reach.NEVER, "a documentation address (TEST-NET-2)"),
    ("203.0.113.0/24", Reach.NEVER, "a documentation address (TEST-NET-3)"),
    ("10.0.0.0/8", Reach.PRIVATE, "a private address"),
    ("172.16.0.0/12", Reach.PRIVATE, "a private address"),
    ("192.168.0.0/16", Reach.PRIVATE, "a private address"),
    ("100.64.0.0/10", Reach.PRIVATE, "a shared (carrier-grade NAT) address"),
    ("192.0.0.0/24", Reach.PRIVATE, "an IETF protocol assignment address"),
    ("192.88.99.0/24", Reach.PRIVATE, "a 6to4 relay anycast address"),
    ("198.18.0.0/15", Reach.PRIVATE, "a benchmarking address"),
)

_IPV6 = _table(
    ("::1/128", Reach.PRIVATE, "a loopback address"),
    ("::/128", Reach.NEVER, "the unspecified address, not a unicast address"),
    ("fe80::/10", Reach.NEVER, "a link-local address"),
    ("ff00::/8", Reach.NEVER, "a multicast address, not a unicast address"),
    ("100::/64", Reach.NEVER, "a discard-only address"),
    ("2001:db8::/32", Reach.NEVER, "a documentation address"),
    ("3fff::/20", Reach.NEVER, "a documentation address"),
    # What carries an IPv4 address is judged below by that address too.
    ("::ffff:0:0/96", Reach.PUBLIC, "an IPv4-mapped address"),
    ("64:ff9b::/96", Reach.PUBLIC, "a NAT64 address"),
    ("2002::/16", Reach.PUBLIC, "a 6to4 address"),
    ("64:ff9b:1::/48", Reach.PRIVATE, "a local-use NAT64 address"),
    ("2001::/32", Reach.PRIVATE, "a Teredo address"),
    ("2001::/23", Reach.PRIVATE, "an IETF protocol assignment address"),
    ("fc00::/7", Reach.PRIVATE, "a unique local (private) address"),
    ("fec0::/10", Reach.PRIVATE, "a site-local address"),
    ("::/8", Reach.NEVER, "a reserved address (IPv4-compatible or unassigned), not unicast"),
)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """This function will give the IPv4 addresses an IPv6 address leads to (none for most)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)  # the relay server and the client behind it
    if ip in _NAT64 or ip in _LOCAL_NAT64:
        # RFC 6052 with a /96 prefix: the IPv4 address is the last 32 bits. (A local /48
        # prefix may place it elsewhere; such a translator is the deployment's own network,
        # refused anyway unless private targets are allowed.)
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def _listed(ip: IPAddress) -> tuple[Reach, str] | None:
    """This function will find an address in its table (None: in no special range)."""
    for network, reach, what in _IPV4 if ip.version == 4 else _IPV6:
        if ip in network:
            return reach, what
    return None


def classify(ip: IPAddress) -> tuple[Reach, str]:
    """This function will tell how far an address is and say what it is."""
    if ip in _METADATA:
        return Reach.NEVER, "a cloud metadata address"
    verdict = _listed(ip)
    if verdict is None:
        if ip.is_global and not ip.is_multicast:
            verdict = Reach.PUBLIC, "a public address"
        else:
            verdict = Reach.PRIVATE, "a special-purpose address"
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in embedded_ipv4(ip):
            reach, what = classify(inner)
            if reach > verdict[0]:
                verdict = reach, f"{what} ({inner}) inside {verdict[1]}"
    return verdict
