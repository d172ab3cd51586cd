"""A small HTTP/1.1 server on asyncio streams that a stranger cannot take down.

It serves the webhook in production (where anyone on the internet may connect) and the
stand-in Bot API in tests and the console. Keep-alive, Content-Length bodies only.

Why not a kept server: the ones that fit (aiohttp's, uvicorn) have no deadline for receiving
a request: uvicorn's keep-alive timeout is reset by every byte, so a client trickling a byte
at a time holds a connection for ever (see xorbitsai/inference#5213, which adds the missing
deadline by wrapping uvicorn's protocol class), and neither lets the application refuse on
the head before the body is read without reaching into its internals. Here every limit is a
few lines, and each has a test over a real socket (tests/test_webhook_listener.py):

- the head (request line and headers) must arrive within `head_timeout`, and the body within
  `body_timeout` (as must the reply be taken); an idle keep-alive connection closes after
  `idle_timeout`. One watchdog task checks every connection's deadline, a timer per
  request having halved throughput (bench/http_server_bench.py);
- request lines and header lines are at most `max_line` bytes, at most `max_headers` of them;
- `gate` sees the head before a byte of the body is read and may answer (403, 404) at once;
  a declared body over `max_body` gets 413 unread; both then close the connection;
- at most `max_connections` are open at once: past that, new ones are closed at once;
- per client address (`per_address_connections`, `per_address_incomplete`): at most so many
  connections open, and at most so many of them with a request not yet complete (its head or
  body still coming); past either, a new connection is closed at once, so one address that
  trickles bytes on hundreds of connections holds only its own share. A trusted proxy
  (`proxies`) is exempt: the client it names in X-Forwarded-For is counted instead, for each
  request from its head on (429 past a cap);
- no body is read on GET or HEAD (a declared one gets 400, unread);
- every malformed request gets a status before the close (400, 431, 501; 500 when the
  handler fails), and leaves at most one log line, with no traceback; such lines are
  rate-limited. Only refusals of a connection at the caps and idle closes are silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

from bot.web.clients import Networks, address_key, client_address

log = logging.getLogger(__name__)


RECEIVE_BUFFER = 16 * 1024  # bytes per connection the kernel may hold for us (it doubles it)

@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    # False once the client has hung up (e.g. a long poll it cancelled while stopping).
    client_connected: Callable[[], bool] = lambda: True
    # The socket's peer address ("" when unknown); see bot/web/clients.py for the client.
    peer: str = ""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True)
class Limits:
    max_body: int = 1024 * 1024
    head_timeout: float | None = 10.0
    body_timeout: float | None = 10.0
    idle_timeout: float | None = 30.0
    max_connections: int = 256
    max_line: int = 8 * 1024
    max_headers: int = 64
    # Per client address (None: no cap); see the module's docstring.
    per_address_connections: int | None = None
    per_address_incomplete: int | None = None


# The stand-in Bot API on loopback: uploads up to Telegram's 50 MB, and python-telegram-bot
# keeps its connections idle between long polls.
TRUSTED = Limits(max_body=60 * 1024 * 1024, idle_timeout=None, max_connections=1024)

Handler = Callable[[Request], Awaitable[Response]]
Gate = Callable[[Request], Response | None]  # sees the head only (an empty body)

_TOKEN = re.compile(r"^[A-Z]{1,16}$")
_LENGTH = re.compile(r"[0-9]{1,12}")  # ASCII digits only: "²".isdigit() is true
_TARGET = re.compile(r"^/[\x21-\x7e]*$")
LOG_EVERY = 10.0  # seconds: at most one line per kind of refusal in this time


class BadRequest(Exception):
    """A request the server refuses: `status` is sent (0: the connection is just closed)."""

    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status = status


class _QuietLog:
    """One line per kind of trouble per LOG_EVERY seconds, with how many were left unsaid."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def note(self, kind: str, detail: str) -> None:
        now = time.monotonic()
        if now - self._last.get(kind, -LOG_EVERY) < LOG_EVERY:
            self._held[kind] = self._held.get(kind, 0) + 1
            return
        held = self._held.pop(kind, 0)
        self._last[kind] = now
        more = f" (and {held} more since the last line)" if held else ""
        log.warning("http: %s: %s%s", kind, detail, more)


class _PerAddress:
    """Connections open, and requests incomplete, per client address (see Limits)."""

    def __init__(self, connections: int | None, incomplete: int | None) -> None:
        self.max_open, self.max_incomplete = connections, incomplete
        self.open: Counter[str] = Counter()
        self.incomplete: Counter[str] = Counter()

    def room(self, key: str, *, opening: bool) -> bool:
        if opening and self.max_open is not None and self.open[key] >= self.max_open:
            return False
        return self.max_incomplete is None or self.incomplete[key] < self.max_incomplete


class _Held:
    """What one connection holds of the per-address counts, given back when it is done."""

    def __init__(self, tally: _PerAddress) -> None:
        self._tally = tally
        self._held: list[tuple[Counter[str], str]] = []

    def take(self, counter: Counter[str], key: str) -> None:
        counter[key] += 1
        self._held.append((counter, key))

    def give(self, counter: Counter[str]) -> None:
        """Give back everything held of `counter`."""
        for held, key in [h for h in self._held if h[0] is counter]:
            self._held.remove((held, key))
            held[key] -= 1
            if held[key] <= 0:
                del held[key]

    def give_all(self) -> None:
        self.give(self._tally.incomplete)
        self.give(self._tally.open)


class HttpServer:
    def __init__(
        self,
        handler: Handler,
        limits: Limits = TRUSTED,
        gate: Gate | None = None,
        *,
        proxies: Networks | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._handler = handler
        self._gate = gate
        self.limits = limits
        # Trusted proxies: exempt from the per-address caps, the client they forward is not.
        self._proxies = proxies or Networks()
        self._per_address = (
            _PerAddress(limits.per_address_connections, limits.per_address_incomplete)
            if limits.per_address_connections is not None
            or limits.per_address_incomplete is not None
            else None
        )
        # The deadlines' clock (the loop's by default); a test may hold it still.
        self._clock = clock
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        # Each connection's deadline for what it is sending now, and what that is: one
        # watchdog checks them all, rather than a timer per request (which halved throughput).
        self._deadlines: dict[asyncio.Task[None], tuple[float, str]] = {}
        self._expired: set[asyncio.Task[None]] = set()
        self._watchdog: asyncio.Task[None] | None = None
        self._now: Callable[[], float] = time.monotonic  # the loop's clock once started
        self._stopping = False
        self._quiet = _QuietLog()
        self.port = 0
        self.refused_connections = 0  # past max_connections, for tests and benchmarks
        self.refused_by_address = 0  # past a per-address cap (also in refused_connections)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._stopping = False
        # The stream buffer bounds a line: a longer one raises instead of growing memory.
        self._server = await asyncio.start_server(
            self._serve, host, port, limit=self.limits.max_line + 2
        )
        # Each read takes what the kernel holds for the connection, up to 256 KB: 250
        # strangers pushing bodies we never read could cost 64 MB at once. A small receive
        # buffer (inherited by every accepted connection) bounds that to a few MB; Telegram's
        # updates are a few KB.
        for sock in self._server.sockets:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.port = self._server.sockets[0].getsockname()[1]
        self._now = self._clock or asyncio.get_running_loop().time
        self._watchdog = asyncio.create_task(self._watch())
        return self.port

    async def _watch(self) -> None:
        """Cancel each connection whose current stage is past its deadline."""
        timeouts = [
            t
            for t in (self.limits.head_timeout, self.limits.body_timeout, self.limits.idle_timeout)
            if t is not None
        ]
        if not timeouts:
            return
        every = min(max(min(timeouts) / 5, 0.05), 1.0)
        while True:
            await asyncio.sleep(every)
            now = self._now()
            for task, (deadline, _) in list(self._deadlines.items()):
                if now > deadline and task not in self._expired:
                    self._expired.add(task)
                    task.cancel()

    def _expect(self, task: asyncio.Task[None], seconds: float | None, stage: str) -> None:
        if seconds is None:
            self._deadlines.pop(task, None)
        else:
            self._deadlines[task] = (self._now() + seconds, stage)

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    async def stop(self) -> None:
        self._stopping = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
            self._watchdog = None
        if self._server is not None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            for task in list(self._connections):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await self._server.wait_closed()
            self._server = None

    def _refuse(self, writer: asyncio.StreamWriter, why: str) -> None:
        """Close a new connection at once, without a word (a cap's refusal)."""
        self.refused_connections += 1
        self._quiet.note("connection refused", why)
        writer.transport.abort()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._connections) >= self.limits.max_connections:
            self._refuse(writer, "too many open connections")
            return
        peername = writer.get_extra_info("peername")
        peer = str(peername[0]) if isinstance(peername, tuple) and peername else ""
        tally = self._per_address
        # The address this connection is counted under: none for a trusted proxy, whose
        # requests are counted under the client each one names.
        own = address_key(peer) if tally is not None and peer not in self._proxies else None
        if tally is not None and own is not None and not tally.room(own, opening=True):
            self.refused_by_address += 1
            self._refuse(writer, "too many connections or incomplete requests from one address")
            return
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        held = _Held(tally) if tally is not None else None
        if held is not None and tally is not None and own is not None:
            held.take(tally.open, own)
            held.take(tally.incomplete, own)  # until its first request is in
        limits = self.limits
        expect = self._expect
        try:
            first = True
            while True:
                # The first request's head must come within head_timeout; a kept-alive
                # connection may take idle_timeout for its next request line, then
                # head_timeout for the rest of the head; then body_timeout for the body.
                if first:
                    expect(task, limits.head_timeout, "head")
                else:
                    expect(task, limits.idle_timeout, "idle")
                line = await _line(reader)
                if not first:
                    expect(task, limits.head_timeout, "head")
                    if held is not None and tally is not None and own is not None and line:
                        if not tally.room(own, opening=False):
                            raise BadRequest(429, "too many incomplete requests from one address")
                        held.take(tally.incomplete, own)
                request = await self._head(reader, line, peer)
                if request is None:
                    break
                first = False
                visitor = None  # the client a trusted proxy names, counted for this request
                if held is not None and tally is not None and own is None:
                    address = client_address(request, self._proxies)
                    if address not in self._proxies:
                        visitor = address_key(address)
                        if not tally.room(visitor, opening=True):
                            raise BadRequest(429, "too many requests from one forwarded address")
                        held.take(tally.open, visitor)
                refusal = self._gate(request) if self._gate else None
                if refusal is not None:  # answered on the head alone; the body stays unread
                    await self._send(writer, refusal, close=True)
                    break
                length = _content_length(request.headers)
                if length > limits.max_body:
                    await self._send(writer, Response(413, b'{"ok":false}'), close=True)
                    self._quiet.note("body too large", f"{length} bytes declared")
                    break
                if length:
                    if held is not None and tally is not None and visitor is not None:
                        if not tally.room(visitor, opening=False):
                            raise BadRequest(429, "too many incomplete requests from one address")
                        held.take(tally.incomplete, visitor)
                    expect(task, limits.body_timeout, "body")
                    body = await reader.readexactly(length)
                    request = Request(
                        request.method,
                        request.path,
                        request.headers,
                        body,
                        lambda: not reader.at_eof(),
                        request.peer,
                    )
                if held is not None and tally is not None:
                    held.give(tally.incomplete)  # the request is complete
                expect(task, None, "")  # the handler may take its time (long polls)
                try:
                    response = await self._handler(request)
                except Exception as exc:  # answered, and one quiet line: never a bare close
                    self._quiet.note("handler failed", type(exc).__name__)
                    response = Response(500, b'{"ok":false}')
                    expect(task, limits.body_timeout, "reply")
                    await self._send(writer, response, close=True)
                    break
                expect(task, limits.body_timeout, "reply")  # a client that never reads
                await self._send(writer, response, close=False)
                if held is not None and tally is not None and visitor is not None:
                    held.give(tally.open)  # the visitor's request is answered
        except BadRequest as bad:
            self._quiet.note("bad request", str(bad))
            if bad.status:
                with contextlib.suppress(Exception):
                    await self._send(writer, Response(bad.status, b'{"ok":false}'), close=True)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            if task in self._expired:  # past its deadline (see _watch)
                stage = self._deadlines.get(task, (0.0, ""))[1]
                if stage != "idle":  # an idle kept-alive connection closes without a word
                    self._quiet.note("timeout", f"the request {stage} did not arrive in time")
            # stop() cancels idle keep-alive connections: end quietly, so asyncio's stream
            # callback does not report a cancelled connection as an error.
            elif not self._stopping:
                raise
        except Exception as exc:  # one quiet line per kind, never a traceback per request
            self._quiet.note("error", type(exc).__name__)
        finally:
            if held is not None:
                held.give_all()
            self._connections.discard(task)
            self._deadlines.pop(task, None)
            self._expired.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _head(
        self, reader: asyncio.StreamReader, line: bytes, peer: str = ""
    ) -> Request | None:
        """The head that `line` starts (with an empty body), or None when the client is done."""
        if not line.strip():
            if line:
                raise BadRequest(400, "empty request line")
            return None
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        if len(parts) != 3 or not _TOKEN.match(parts[0]) or not parts[2].startswith("HTTP/1."):
            raise BadRequest(400, "malformed request line")
        method, path, _ = parts
        if not _TARGET.match(path):
            raise BadRequest(400, "malformed request target")
        headers: dict[str, str] = {}
        for _ in range(self.limits.max_headers + 1):
            header = await _line(reader)
            if header in (b"\r\n", b"\n"):
                break
            if not header:
                raise asyncio.IncompleteReadError(header, None)
            name, colon, value = header.decode("latin-1").partition(":")
            if not colon or not name or name[-1] in " \t" or name[0] in " \t":
                raise BadRequest(400, "malformed header line")
            key = name.lower()
            if key in headers and key in ("content-length", "host", "transfer-encoding"):
                raise BadRequest(400, f"repeated {key}")
            headers[key] = value.strip()
        else:
            raise BadRequest(431, "too many header lines")
        if "transfer-encoding" in headers:
            raise BadRequest(501, "chunked bodies are not accepted")
        # Checked here, before anyone sees the head; GET and HEAD never have a body read.
        if _content_length(headers) and method in ("GET", "HEAD"):
            raise BadRequest(400, f"a body on {method}")
        return Request(method, path, headers, b"", peer=peer)

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, response: Response, *, close: bool) -> None:
        phrase = HTTPStatus(response.status).phrase
        head = (
            f"HTTP/1.1 {response.status} {phrase}\r\n"
            f"Content-Type: {response.content_type}\r\n"
            f"Content-Length: {len(response.body)}\r\n"
            f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n"
        )
        writer.write(head.encode() + response.body)
        await writer.drain()


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise BadRequest(431, "a line is too long") from None
    except asyncio.IncompleteReadError as exc:
        if exc.partial:  # hung up halfway through a line
            raise
        return b""  # hung up between requests


def _content_length(headers: dict[str, str]) -> int:
    value = headers.get("content-length", "0")
    if not _LENGTH.fullmatch(value):
        raise BadRequest(400, "malformed Content-Length")
    return int(value)
