"""The Bot API's HTTP: form-encoded POSTs over plain HTTP/1.1 keep-alive connections.

python-telegram-bot's own `HTTPXRequest` costs about 1.5 ms of CPU for each call here (httpx's
request and URL models, cookies, redirects and auth, then httpcore, anyio and h11), and a
button press makes two calls and every getUpdates one more: that was most of what the bot
spent on a press, and the same again for the floor bot of bench/e2e_bench.py. This class
sends the very same requests (the body is python-telegram-bot's own encoding, the answer goes
back to it unread) with asyncio's streams, in about a tenth of that.

Only form-encoded POSTs are sent here; uploads (multipart) and downloads go to the
`HTTPXRequest` given as `fallback`. A proxy set in the environment is httpx's business: see
`bot.app`, which then uses httpx for everything.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

MAX_HEAD = 64 * 1024  # the status line and headers of one answer
Timeout = float | None | object  # seconds, None (no limit) or BaseRequest.DEFAULT_NONE


@dataclass(frozen=True)
class _Target:
    host: str
    port: int
    tls: bool
    head: bytes  # the request line and the fixed headers, up to Content-Length

    @property
    def origin(self) -> tuple[str, int, bool]:
        """What a connection is to: every method's URL shares the connections."""
        return self.host, self.port, self.tls


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @property
    def usable(self) -> bool:
        """Not closed by the server (which may close an idle connection at will)."""
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        self.writer.close()


class LeanRequest(BaseRequest):
    """At most `connection_pool_size` calls at once, each on a kept-alive connection; the
    timeouts mean what they mean for `HTTPXRequest` (seconds; None waits for ever)."""

    def __init__(
        self,
        *,
        fallback: BaseRequest,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._fallback = fallback
        self._size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._ssl = ssl_context or ssl.create_default_context()
        self._idle: dict[tuple[str, int, bool], list[_Connection]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._targets: dict[str, _Target] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self._slots = asyncio.Semaphore(self._size)
        await self._fallback.initialize()

    async def shutdown(self) -> None:
        self._slots = None
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await self._fallback.shutdown()

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
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self._fallback.do_request(
                url,
                method,
                request_data,
                read_timeout,  # type: ignore[arg-type]
                write_timeout,  # type: ignore[arg-type]
                connect_timeout,  # type: ignore[arg-type]
                pool_timeout,  # type: ignore[arg-type]
            )
        slots = self._slots
        if slots is None:
            raise RuntimeError("This LeanRequest is not initialized!")
        target = self._target(url)
        body = request_data.url_encoded_parameters().encode() if request_data else b""
        request = b"%sContent-Length: %d\r\n\r\n%s" % (target.head, len(body), body)
        if slots.locked():  # every connection is busy: wait for one, as long as allowed
            try:
                async with asyncio.timeout(_given(pool_timeout, self._pool_timeout)):
                    await slots.acquire()
            except TimeoutError:
                raise TimedOut(
                    "Pool timeout: All connections in the connection pool are occupied. "
                    "Request was *not* sent to Telegram."
                ) from None
        else:
            await slots.acquire()
        try:
            return await self._exchange(
                target,
                request,
                _given(read_timeout, self._read_timeout),
                _given(write_timeout, self._write_timeout),
                _given(connect_timeout, self._connect_timeout),
            )
        finally:
            slots.release()

    async def _exchange(
        self,
        target: _Target,
        request: bytes,
        read_timeout: float | None,
        write_timeout: float | None,
        connect_timeout: float | None,
    ) -> tuple[int, bytes]:
        connection = await self._connection(target, connect_timeout)
        try:
            connection.writer.write(request)
            async with asyncio.timeout(write_timeout):
                await connection.writer.drain()
            async with asyncio.timeout(read_timeout):
                status, payload, keep = await _read_answer(connection.reader)
        except TimeoutError as exc:
            connection.close()
            raise TimedOut from exc
        except (OSError, EOFError, ValueError, asyncio.LimitOverrunError) as exc:
            connection.close()
            raise NetworkError(f"Bot API connection failed: {exc!r}") from exc
        except BaseException:  # cancelled half-way: the connection's state is unknown
            connection.close()
            raise
        if keep and self._slots is not None:
            self._idle.setdefault(target.origin, []).append(connection)
        else:
            connection.close()
        return status, payload

    async def _connection(self, target: _Target, connect_timeout: float | None) -> _Connection:
        idle = self._idle.get(target.origin, [])
        while idle:
            connection = idle.pop()
            if connection.usable:
                return connection
            connection.close()
        try:
            async with asyncio.timeout(connect_timeout):
                reader, writer = await asyncio.open_connection(
                    target.host,
                    target.port,
                    ssl=self._ssl if target.tls else None,
                    server_hostname=target.host if target.tls else None,
                    limit=MAX_HEAD,
                )
        except TimeoutError as exc:
            raise TimedOut from exc
        except OSError as exc:
            raise NetworkError(f"Cannot reach the Bot API: {exc!r}") from exc
        return _Connection(reader, writer)

    def _target(self, url: str) -> _Target:
        target = self._targets.get(url)
        if target is None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise NetworkError(f"Unsupported Bot API URL scheme {parts.scheme!r}")
            tls = parts.scheme == "https"
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
            head = (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self.USER_AGENT}\r\n"
                "Accept: application/json\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
            )
            target = _Target(parts.hostname, parts.port or (443 if tls else 80), tls, head.encode())
            if len(self._targets) < 64:  # one URL per Bot API method
                self._targets[url] = target
        return target


def _given(value: Timeout, default: float | None) -> float | None:
    """The timeout passed, or this request's own when none was (BaseRequest.DEFAULT_NONE)."""
    if value is None or isinstance(value, int | float):
        return value
    return default


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the connection may carry another request."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head[:-4].split(b"\r\n")
        version, status_text = status_line.split(b" ", 2)[:2]
        status = int(status_text)
        if not 100 <= status < 200:
            break  # 1xx: an interim answer, the real one follows
    headers: dict[bytes, bytes] = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    connection = headers.get(b"connection", b"").lower()
    keep = b"close" not in connection and (version == b"HTTP/1.1" or b"keep-alive" in connection)
    if status in (204, 304):
        return status, b"", keep  # never a body
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass  # trailers
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        return status, b"".join(chunks), keep
    if b"content-length" in headers:
        return status, await reader.readexactly(int(headers[b"content-length"])), keep
    return status, await reader.read(), False  # the body ends when the server closes
