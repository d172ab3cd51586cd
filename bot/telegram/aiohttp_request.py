"""The Bot API's HTTP over aiohttp: python-telegram-bot's `BaseRequest` on a `ClientSession`.

Why aiohttp and not python-telegram-bot's own `HTTPXRequest`: httpx spends about 1.5 ms of CPU
on each call here (its request and URL models, then httpcore, anyio and h11), and a button
press makes two calls. aiohttp parses answers in C and keeps connections alive; on a campaign
morning (bench/peak_bench.py, 373 presses/s) it holds the load where stock httpx collapsed —
figures in the README's table of the client change.

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
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
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
            kwargs = _body(request_data) if method == "POST" else {}
            async with session.request(method, url, timeout=timeout, **kwargs) as response:
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


def _body(request_data: RequestData | None) -> dict[str, object]:
    """python-telegram-bot's own encoding: url-encoded JSON values, or multipart with files."""
    if request_data is None:
        return {}
    if not request_data.contains_files:
        return {"data": request_data.url_encoded_parameters().encode(), "headers": FORM}
    # Unquoted UTF-8 file names, as httpx sends them: aiohttp's default would percent-encode
    # a Vietnamese name, and Telegram would show the escapes.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return {"data": form}


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
