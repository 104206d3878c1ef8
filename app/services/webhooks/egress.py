"""Where webhooks may go: the `webhook_allowed_hosts` setting, checked on the URL and on
every address its host resolves to, so that no delivery reaches an internal address by
accident, by design or by DNS rebinding (the address checked is the address connected to).
"""

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.errors import Invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
SETTING = "webhook_allowed_hosts (ECOLEADS_WEBHOOK_ALLOWED_HOSTS)"


class EgressRefused(Invalid):
    """A webhook URL or its resolved address is not allowed."""


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: scheme, host, port and the addresses to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


@dataclass(frozen=True)
class AllowList:
    """The parsed setting: host names (exact or *.suffix) and networks."""

    names: frozenset[str]
    suffixes: tuple[str, ...]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, entries: Sequence[str]) -> "AllowList":
        """Split the setting's entries into names, wildcard suffixes and networks."""
        names: set[str] = set()
        suffixes: list[str] = []
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if entry.startswith("*."):
                    suffixes.append(entry[1:])
                elif entry:
                    names.add(entry.rstrip("."))
        return cls(frozenset(names), tuple(suffixes), tuple(networks))

    def listed_address(self, address: IPAddress) -> bool:
        """Tell whether an address lies in a listed address or CIDR."""
        return any(address in net for net in self.networks)

    def exact(self, host: str) -> bool:
        """Tell whether the host is listed by itself (a name, or a single address)."""
        literal = _literal(host)
        if literal is None:
            return host in self.names
        return any(net.num_addresses == 1 and literal in net for net in self.networks)

    def allows_host(self, host: str) -> bool:
        """Tell whether the URL's host is listed (exactly, by a wildcard or a CIDR)."""
        literal = _literal(host)
        if literal is not None:
            return self.listed_address(literal)
        return host in self.names or any(host.endswith(s) for s in self.suffixes)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: str, entries: Sequence[str]) -> Target:
    """Refuse (422) a URL the allow-list does not admit; resolve its host and refuse it if
    any address is internal (private, loopback, link-local, …) and not listed itself."""
    allow = AllowList.parse(entries)
    if not (allow.names or allow.suffixes or allow.networks):
        raise EgressRefused(f"outbound webhooks are turned off: {SETTING} is empty")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("https", "http") or not host:
        raise EgressRefused("a webhook URL must be an absolute https (or http) URL")
    if parts.username or parts.password:
        raise EgressRefused("a webhook URL may not carry credentials")
    if not allow.allows_host(host):
        raise EgressRefused(f"host {host!r} is not in {SETTING}")
    if parts.scheme == "http" and not allow.exact(host):
        raise EgressRefused(f"plain http only to a host listed by itself in {SETTING}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise EgressRefused(f"bad port in webhook URL: {exc}") from exc
    addresses = resolve(host, port)
    for address in addresses:
        if not address.is_global and not allow.listed_address(address):
            raise EgressRefused(
                f"host {host!r} resolves to {address}, an internal address not in {SETTING}"
            )
    return Target(url, parts.scheme, host, port, addresses)


def resolve(host: str, port: int) -> tuple[IPAddress, ...]:
    """Return every address a host resolves to (an address literal: itself)."""
    literal = _literal(host)
    if literal is not None:
        return (literal,)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise EgressRefused(f"host {host!r} does not resolve: {exc}") from exc
    found = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    if not found:
        raise EgressRefused(f"host {host!r} does not resolve")
    return tuple(sorted(found, key=lambda a: (a.version, int(a))))
