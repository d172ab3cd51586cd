"""Who a stranger's request comes from, and a rate limit per client.

`client_of` is the one place that decides the client's address: the socket's peer, or,
when the peer is a trusted proxy, the address that proxy forwarded (X-Forwarded-For). With
no trusted proxies (the default) a forwarded header is ignored, since anyone can send one.
An IPv6 client is taken as its /64 network: one home or phone is given a whole /64, and
would otherwise get a fresh limit for every address in it.
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable, Collection

from bot.web.http_server import Request
from bot.web.rate_limit import TokenBucket

FORWARDED_HEADER = "x-forwarded-for"


def client_of(request: Request, trusted_proxies: Collection[str] = ()) -> str:
    """The client's address as a limit's key ("" when the peer is unknown)."""
    address = request.peer
    if address in trusted_proxies:
        # Proxies append, so read from the right: the first hop that is not one of ours is
        # the client; what lies left of it was written by the client and proves nothing.
        hops = [h.strip() for h in request.headers.get(FORWARDED_HEADER, "").split(",")]
        for hop in reversed([h for h in hops if h]):
            address = hop
            if hop not in trusted_proxies:
                break
    return _network(address)


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # not an address (a Unix socket, a malformed header): as is
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


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
