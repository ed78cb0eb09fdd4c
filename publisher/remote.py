"""The client address of a request: the one place that decides it (sign-in throttle,
audit trail, logs).

Behind a reverse proxy every request comes from the proxy's address. X-Forwarded-For
is believed only when the direct peer is one of `server.trusted_proxies`, and then only
as far as the chain stays inside trusted proxies: the address just before the first
untrusted hop, read from the right, is the client. Anyone can send the header, so a
header from an untrusted peer is ignored.
"""

from __future__ import annotations

from ipaddress import ip_address

from aiohttp import web

from publisher import keys

_KEY: web.RequestKey[str] = web.RequestKey("client_address", str)
MAX_HOPS = 20


def _trusted(address: str, networks: tuple) -> bool:  # type: ignore[type-arg]
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(request: web.Request) -> str:
    """The address of whoever made this request (worked out once per request)."""
    if _KEY in request:
        return request[_KEY]
    peer = request.remote or "unknown"
    networks = tuple(request.app[keys.SETTINGS].server.trusted_proxies)
    found = peer
    if networks and _trusted(peer, networks):
        hops = [h.strip() for part in request.headers.getall("X-Forwarded-For", []) for h in part.split(",")]
        for hop in reversed(hops[-MAX_HOPS:]):
            try:
                ip_address(hop)
            except ValueError:
                break  # garbage in the chain: trust nothing further left
            found = hop
            if not _trusted(hop, networks):
                break
    request[_KEY] = found
    return found
