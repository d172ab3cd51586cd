"""The Bot API's HTTP over aiohttp: python-telegram-bot's `BaseRequest` on a `ClientSession`.

It replaced a hand-written HTTP/1.1 client (asyncio streams, its own pool, timeouts and answer
parsing, with httpx for uploads and proxies): a kept library, one client for every call, at
about a fifth more CPU. Not python-telegram-bot's own `HTTPXRequest`: httpx spends 1.6-1.8 ms
of CPU on each call here (its request and URL models, then httpcore, anyio and h11), against
0.12-0.18 ms for aiohttp (C parser, kept-alive connector) and 0.07-0.10 ms for the old client
(measured on loopback, server in another process), and a press makes two or three calls.

bench/peak_bench.py --members 5600 --minutes 1 --no-floor (a campaign morning, 373 presses/s),
the old client (A) and this one (B) back to back, in pairs, on this two-core machine shared
with other jobs, 7 December: p95 of a press in ms (load average at its start), and the bot
process's CPU seconds for the 22,400 presses.

    pair  first  A p95           B p95            A CPU  B CPU
    1     A      12,548 (4.8)    9,039 (6.1)      37.9   46.5
    2     B      1,321 (3.9)     82.3 (4.8)       36.1   44.9
    3     B      1,921 (2.0)     27.4 (1.4)       36.6   49.9
    4     A      3,165 (4.2)     5,961 (5.0)      41.8   53.0
    5     A      4,553 (2.9)     10,275 (5.3) *   35.4   41.6
    6     A      26.6 (2.5)      67.4 (1.6)       42.9   50.1
    7     B      74.4 (1.4)      2,291 (1.3→3.1)  40.0   46.2
    * 1,601 presses unanswered within 15 s; every other run: none, each member counted once

Whenever the machine was quiet for the minute, either client held the target (p95 ≤ 100 ms,
nothing unanswered, each member counted once); when other jobs took the cores, both queued
(seconds). The latency is the machine's; the CPU is the client's: aiohttp costs about a
fifth more, some 0.4 ms a press (0.8 of a core at this peak, against 0.65). httpx, even
with 64 kept-alive connections, needs more than a core for the calls alone at this rate: its
one run here (load 4) left 5,334 presses unanswered, as stock httpx did before (p95 14.4 s).

python-telegram-bot does the rest itself (`BaseRequest.post`): the body's encoding, the JSON
answer, and the status codes (400 BadRequest, 403 Forbidden, 429 RetryAfter...). Here only
what aiohttp decides is mapped: its timeouts to `TimedOut`, its other failures to
`NetworkError`, as `HTTPXRequest` does with httpx's.
"""

from __future__ import annotations

import asyncio
import ssl

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

Timeout = float | None | object  # seconds, None (no limit) or BaseRequest.DEFAULT_NONE
Headers = dict[str, str] | None
FORM: Headers = {"Content-Type": "application/x-www-form-urlencoded"}
POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. "
    "Request was *not* sent to Telegram."
)


class AiohttpRequest(BaseRequest):
    """At most `connection_pool_size` calls at once, each on a kept-alive connection; the
    timeouts mean what they mean for `HTTPXRequest` (seconds; None waits for ever)."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        ssl_context: ssl.SSLContext | None = None,
        trust_env: bool = False,
    ) -> None:
        self._size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._media_write_timeout = media_write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._ssl = ssl_context
        self._trust_env = trust_env  # honour HTTP(S)_PROXY and NO_PROXY, as httpx does
        self._session: aiohttp.ClientSession | None = None
        # aiohttp's connector also queues calls beyond its limit, but counts that wait in its
        # connect timeout: python-telegram-bot's callers are told apart a pool timeout (the
        # request was not sent) with its own limit, so the wait for a slot is bounded here.
        self._slots: asyncio.Semaphore | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is not None and not self._session.closed:
            return
        connector = aiohttp.TCPConnector(
            limit=self._size, ssl=self._ssl if self._ssl is not None else True
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.USER_AGENT, "Accept": "application/json"},
            # No cookies: the Bot API sets none, and the jar costs time on every answer.
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=self._trust_env,
        )
        self._slots = asyncio.Semaphore(self._size)

    async def shutdown(self) -> None:
        session, self._session, self._slots = self._session, None, None
        if session is not None:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        connect_timeout: Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session, slots = self._session, self._slots
        if session is None or slots is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        default_write = self._media_write_timeout if files else self._write_timeout
        timeout = _timeout(
            _given(read_timeout, self._read_timeout),
            _given(write_timeout, default_write),
            _given(connect_timeout, self._connect_timeout),
        )
        await _acquire(slots, _given(pool_timeout, self._pool_timeout))
        try:
            data, headers = _body(request_data) if method == "POST" else (None, None)
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is one too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # The class name says what failed when aiohttp's message is empty.
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            slots.release()


async def _acquire(slots: asyncio.Semaphore, pool_timeout: float | None) -> None:
    """A slot for one call, waiting at most `pool_timeout` when every connection is busy."""
    if not slots.locked():
        await slots.acquire()
        return
    try:
        async with asyncio.timeout(pool_timeout):
            await slots.acquire()
    except TimeoutError:
        raise TimedOut(POOL_TIMEOUT) from None


def _body(request_data: RequestData | None) -> tuple[bytes | aiohttp.FormData | None, Headers]:
    """python-telegram-bot's own encoding: url-encoded JSON values, or multipart with files."""
    if request_data is None:
        return None, None
    if not request_data.contains_files:
        return request_data.url_encoded_parameters().encode(), FORM
    # Unquoted UTF-8 file names, as httpx sends them: aiohttp's default would percent-encode
    # a Vietnamese name, and Telegram would show the escapes.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


def _timeout(
    read: float | None, write: float | None, connect: float | None
) -> aiohttp.ClientTimeout:
    """aiohttp times the connection and each read of the answer (from the end of the upload
    on); it has no write timeout, so a stalled upload is bounded by the sum of the three."""
    parts = (read, write, connect)
    total = None if None in parts else sum(p for p in parts if p is not None)
    return aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)


def _given(value: Timeout, default: float | None) -> float | None:
    """The timeout passed, or this request's own when none was (BaseRequest.DEFAULT_NONE)."""
    if value is None or isinstance(value, int | float):
        return value
    return default
