"""The outbound policy's verdict on each kind of address, with private targets off and on."""

import pytest

from infrastructure.http.outbound import OutboundPolicy, OutboundRefusedError

# address, allowed with private targets off, allowed with them on, what the refusal says
CASES = [
    ("93.184.216.34", True, True, ""),
    ("2606:2800:220:1:248:1893:25c8:1946", True, True, ""),
    ("127.0.0.1", False, True, "loopback"),
    ("::1", False, True, "loopback"),
    ("[::1]", False, True, "loopback"),
    ("10.1.2.3", False, True, "private"),
    ("172.16.0.1", False, True, "private"),
    ("192.168.1.1", False, True, "private"),
    ("100.64.0.1", False, True, "carrier-grade NAT"),
    ("100.127.255.254", False, True, "carrier-grade NAT"),
    ("192.0.0.8", False, True, "IETF protocol assignment"),
    ("198.18.0.1", False, True, "benchmarking"),
    ("198.19.255.255", False, True, "benchmarking"),
    ("fc00::1", False, True, "unique local"),
    ("fd12:3456::1", False, True, "unique local"),
    ("fec0::1", False, True, "site-local"),
    ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", False, True, "Teredo"),
    # IPv4 inside IPv6, judged by the IPv4 address it reaches.
    ("::ffff:127.0.0.1", False, True, "loopback"),
    ("::ffff:8.8.8.8", True, True, ""),
    ("::ffff:169.254.169.254", False, False, "metadata"),
    ("2002:a9fe:a9fe::1", False, False, "metadata address (169.254.169.254) inside a 6to4"),
    ("2002:0a00:0001::1", False, True, "private address (10.0.0.1) inside a 6to4"),
    ("2002:6440:0001::1", False, True, "carrier-grade NAT"),
    ("2002:0808:0808::1", True, True, ""),
    ("64:ff9b::a9fe:a9fe", False, False, "metadata"),
    ("64:ff9b::7f00:1", False, True, "loopback"),
    ("64:ff9b::808:808", True, True, ""),
    ("64:ff9b:1::a9fe:a9fe", False, False, "metadata"),
    ("2001:0:4136:e378:8000:63bf:5601:5601", False, False, "metadata"),  # client 169.254.169.254
    ("::a9fe:a9fe", False, False, "reserved"),  # IPv4-compatible, deprecated
    # Never, whatever the deployment allows.
    ("169.254.169.254", False, False, "metadata"),
    ("169.254.170.2", False, False, "metadata"),
    ("100.100.100.200", False, False, "metadata"),
    ("fd00:ec2::254", False, False, "metadata"),
    ("169.254.10.10", False, False, "link-local"),
    ("fe80::1", False, False, "link-local"),
    ("fe80::1%eth0", False, False, "link-local"),
    ("0.0.0.0", False, False, "this network"),
    ("0.1.2.3", False, False, "this network"),
    ("::", False, False, "unspecified"),
    ("224.0.0.1", False, False, "multicast"),
    ("239.255.255.250", False, False, "multicast"),
    ("ff02::1", False, False, "multicast"),
    ("ff0e::1", False, False, "multicast"),
    ("255.255.255.255", False, False, "broadcast"),
    ("240.0.0.1", False, False, "reserved"),
    ("192.0.2.1", False, False, "documentation"),
    ("198.51.100.1", False, False, "documentation"),
    ("203.0.113.1", False, False, "documentation"),
    ("2001:db8::1", False, False, "documentation"),
    ("100::1", False, False, "discard"),
]


def _verdict(address: str, allow_private: bool) -> str:
    try:
        OutboundPolicy(allow_private=allow_private).check_address(address)
    except OutboundRefusedError as error:
        return str(error)
    return ""


class TestCheckAddress:
    @pytest.mark.parametrize(("address", "public", "private", "what"), CASES)
    def test_refuses_what_private_targets_off_does_not_allow(
        self, address: str, public: bool, private: bool, what: str
    ) -> None:
        verdict = _verdict(address, allow_private=False)
        assert (verdict == "") is public, verdict
        assert what in verdict

    @pytest.mark.parametrize(("address", "public", "private", "what"), CASES)
    def test_allows_loopback_and_private_ranges_when_the_deployment_does(
        self, address: str, public: bool, private: bool, what: str
    ) -> None:
        verdict = _verdict(address, allow_private=True)
        assert (verdict == "") is private, verdict
        if not private:
            assert what in verdict

    def test_a_refusal_of_a_private_address_names_the_setting(self) -> None:
        assert "TESTAMENT_ALLOW_PRIVATE_TARGETS" in _verdict("100.64.0.1", allow_private=False)
