"""Who a stranger's request comes from, and a rate limit per client.

`client_of` is the one place that decides the client's address: the socket's peer, or,
when the peer is a trusted proxy, the address that proxy forwarded (X-Forwarded-For). A
forwarded header from any other peer is ignored, since anyone can send one. An IPv6 client
is taken as its /64 network: one home or phone is given a whole /64, and would otherwise get
a fresh limit for every address in it.

`Networks` is a set of IP networks (WEBHOOK_ALLOW, TRUSTED_PROXIES) that an address is
tested against; an IPv4 address mapped into IPv6 (a dual-stack listener) is taken as IPv4.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING

from bot.web.rate_limit import TokenBucket

if TYPE_CHECKING:
    from bot.web.http_server import Request

FORWARDED_HEADER = "x-forwarded-for"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK = ("127.0.0.0/8", "::1/128")
SEEN_ADDRESSES = 4096
# Where Telegram calls webhooks from, as published in "Marvin's Marvellous Guide to All Things
# Webhook" (core.telegram.org/bots/webhooks): IPv4 only, "149.154.160.0/20 and 91.108.4.0/22".
TELEGRAM_WEBHOOK_RANGES = ("149.154.160.0/20", "91.108.4.0/22")


@functools.lru_cache(maxsize=4096)  # the same few addresses (Telegram's, the proxy's) repeat
def parse_address(text: str) -> Address | None:
    """An address as the socket or a proxy gives it, or None when it is not one."""
    try:
        parsed = ipaddress.ip_address(text.split("%", 1)[0])  # fe80::1%eth0: the scope
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


class Networks:
    """IP networks that an address (a string, as a peer or a header gives it) is tested
    against: `"149.154.167.99" in Networks(["149.154.160.0/20"])`."""

    def __init__(self, networks: Iterable[str | Network] = ()) -> None:
        self.networks: tuple[Network, ...] = tuple(
            n
            if isinstance(n, ipaddress.IPv4Network | ipaddress.IPv6Network)
            else ipaddress.ip_network(n.strip(), strict=False)
            for n in networks
        )
        self._seen: dict[str, bool] = {}  # address → whether it is inside, per request

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, str) or not self.networks:
            return False
        known = self._seen.get(address)
        if known is None:
            parsed = parse_address(address)
            known = parsed is not None and any(
                parsed.version == n.version and parsed in n for n in self.networks
            )
            if len(self._seen) >= SEEN_ADDRESSES:
                self._seen.clear()  # bounded: a stranger's many addresses cannot grow it
            self._seen[address] = known
        return known

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __str__(self) -> str:
        return ",".join(str(n) for n in self.networks) or "none"

    def __repr__(self) -> str:
        return f"Networks({str(self)!r})"


def _networks(proxies: Networks | Collection[str]) -> Networks:
    return proxies if isinstance(proxies, Networks) else Networks(proxies)


def client_address(request: Request, trusted_proxies: Networks | Collection[str] = ()) -> str:
    """The client's address as given (the peer, or what a trusted proxy forwarded)."""
    proxies = _networks(trusted_proxies)
    address = request.peer
    if address in proxies:
        # Proxies append, so read from the right: the first hop that is not one of ours is
        # the client; what lies left of it was written by the client and proves nothing.
        hops = [h.strip() for h in request.headers.get(FORWARDED_HEADER, "").split(",")]
        for hop in reversed([h for h in hops if h]):
            address = hop
            if hop not in proxies:
                break
    return address


def client_of(request: Request, trusted_proxies: Networks | Collection[str] = ()) -> str:
    """The client's address as a limit's key ("" when the peer is unknown)."""
    return address_key(client_address(request, trusted_proxies))


def address_key(address: str) -> str:
    """An address as a limit's key: IPv4 as is, IPv6 as its /64."""
    parsed = parse_address(address)
    if parsed is None:
        return address[:64]  # not an address (a Unix socket, a malformed header): as is
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


_network = address_key  # the older name


class ClientBuckets:
    """A token bucket per client, at most `max_clients` of them in memory: past that, the
    client seen least recently is forgotten (it comes back with a full bucket, as a new
    client would). Many addresses can thus each get a burst, but the global limit beside
    this one still caps them all together."""

    def __init__(
        self,
        rate: float,
        burst: int,
        max_clients: int = 4096,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def allow(self, client: str) -> bool:
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = TokenBucket(self.rate, self.burst, self._clock)
            self._buckets[client] = bucket
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
        return bucket.allow()

    def __len__(self) -> int:
        return len(self._buckets)
