"""The caller's real address: the one helper the log-in limiter and the audit log use.

Behind nginx every request comes from the proxy's address. `X-Forwarded-For` is believed
only when the peer (REMOTE_ADDR) is one of `GOCUA_TRUSTED_PROXIES`; then the hops are read
from the right and the first one that is not a trusted proxy is the client. Anything a
client writes into the header to the left of that is ignored, so it cannot pick its key.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple[Network, ...]:
    """Return the configured trusted proxies as networks (an address is a /32 or /128)."""
    return _networks(tuple(getattr(settings, "GOCUA_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def _trusted(address, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the rightmost untrusted X-Forwarded-For hop behind a trusted proxy."""
    if request is None:
        return None
    peer = _parse(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None
    networks = trusted_networks()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A hop we cannot read was written by someone we do not trust: stop at the last good one.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
