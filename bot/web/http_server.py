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

Reading and writing HTTP itself (heads, bodies' lengths, responses) is `http_messages.py`'s;
the per-address counts are `address_caps.py`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.web.address_caps import Held, PerAddress
from bot.web.clients import Networks, address_key, client_address
from bot.web.http_messages import (
    TRUSTED,
    BadRequest,
    Gate,
    Handler,
    Limits,
    Request,
    Response,
    content_length,
    read_head,
    read_line,
    send,
)

__all__ = ["TRUSTED", "Gate", "Handler", "HttpServer", "Limits", "Request", "Response"]

log = logging.getLogger(__name__)


RECEIVE_BUFFER = 16 * 1024  # bytes per connection the kernel may hold for us (it doubles it)
LOG_EVERY = 10.0  # seconds: at most one line per kind of refusal in this time


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


@dataclass
class _Connection:
    """One connection being served: its task and streams, and, under per-address caps, the
    address it is counted under (None for a trusted proxy's, whose requests are counted under
    the client each one names) and what it holds of the counts."""

    task: asyncio.Task[None]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    peer: str
    own: str | None
    held: Held | None


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
            PerAddress(limits.per_address_connections, limits.per_address_incomplete)
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
        conn = self._admit(reader, writer)
        if conn is None:
            return
        task = conn.task
        try:
            await self._requests(conn)
        except BadRequest as bad:
            self._quiet.note("bad request", str(bad))
            if bad.status:
                with contextlib.suppress(Exception):
                    await send(writer, Response(bad.status, b'{"ok":false}'), close=True)
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
            if conn.held is not None:
                conn.held.give_all()
            self._connections.discard(task)
            self._deadlines.pop(task, None)
            self._expired.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _admit(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> _Connection | None:
        """The new connection, counted; None when a cap refused it (it is closed)."""
        if len(self._connections) >= self.limits.max_connections:
            self._refuse(writer, "too many open connections")
            return None
        peername = writer.get_extra_info("peername")
        peer = str(peername[0]) if isinstance(peername, tuple) and peername else ""
        tally = self._per_address
        own = address_key(peer) if tally is not None and peer not in self._proxies else None
        if tally is not None and own is not None and not tally.room(own, opening=True):
            self.refused_by_address += 1
            self._refuse(writer, "too many connections or incomplete requests from one address")
            return None
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        held = Held(tally) if tally is not None else None
        if held is not None and own is not None:
            held.take(held.tally.open, own)
            held.take(held.tally.incomplete, own)  # until its first request is in
        return _Connection(task, reader, writer, peer, own, held)

    async def _requests(self, conn: _Connection) -> None:
        """Serve the connection's requests, one after another, until it is to close."""
        limits, expect, task = self.limits, self._expect, conn.task
        first = True
        while True:
            # The first request's head must come within head_timeout; a kept-alive
            # connection may take idle_timeout for its next request line, then
            # head_timeout for the rest of the head; then body_timeout for the body.
            if first:
                expect(task, limits.head_timeout, "head")
            else:
                expect(task, limits.idle_timeout, "idle")
            line = await read_line(conn.reader)
            if not first:
                expect(task, limits.head_timeout, "head")
                if line:
                    self._incomplete(conn, conn.own)
            request = await read_head(conn.reader, line, limits.max_headers, conn.peer)
            if request is None:
                break
            first = False
            if not await self._answer(conn, request):
                break

    async def _answer(self, conn: _Connection, request: Request) -> bool:
        """Read the request's body and answer it; False when the connection is to close."""
        limits, expect, task, writer = self.limits, self._expect, conn.task, conn.writer
        visitor = self._visitor(conn, request)  # the client a trusted proxy names
        refusal = self._gate(request) if self._gate else None
        if refusal is not None:  # answered on the head alone; the body stays unread
            await send(writer, refusal, close=True)
            return False
        length = content_length(request.headers)
        if length > limits.max_body:
            await send(writer, Response(413, b'{"ok":false}'), close=True)
            self._quiet.note("body too large", f"{length} bytes declared")
            return False
        if length:
            self._incomplete(conn, visitor)
            expect(task, limits.body_timeout, "body")
            reader = conn.reader
            body = await reader.readexactly(length)
            request = Request(
                request.method,
                request.path,
                request.headers,
                body,
                lambda: not reader.at_eof(),
                request.peer,
            )
        if conn.held is not None:
            conn.held.give(conn.held.tally.incomplete)  # the request is complete
        expect(task, None, "")  # the handler may take its time (long polls)
        try:
            response = await self._handler(request)
        except Exception as exc:  # answered, and one quiet line: never a bare close
            self._quiet.note("handler failed", type(exc).__name__)
            response = Response(500, b'{"ok":false}')
            expect(task, limits.body_timeout, "reply")
            await send(writer, response, close=True)
            return False
        expect(task, limits.body_timeout, "reply")  # a client that never reads
        await send(writer, response, close=False)
        if conn.held is not None and visitor is not None:
            conn.held.give(conn.held.tally.open)  # the visitor's request is answered
        return True

    def _visitor(self, conn: _Connection, request: Request) -> str | None:
        """Behind a trusted proxy, the client it names, counted as open for this request
        (429 past the cap); None when not counted."""
        if conn.held is None or conn.own is not None:
            return None
        address = client_address(request, self._proxies)
        if address in self._proxies:
            return None
        visitor = address_key(address)
        if not conn.held.tally.room(visitor, opening=True):
            raise BadRequest(429, "too many requests from one forwarded address")
        conn.held.take(conn.held.tally.open, visitor)
        return visitor

    @staticmethod
    def _incomplete(conn: _Connection, key: str | None) -> None:
        """Count a request under `key` as incomplete until it is in (429 past the cap)."""
        if conn.held is None or key is None:
            return
        if not conn.held.tally.room(key, opening=False):
            raise BadRequest(429, "too many incomplete requests from one address")
        conn.held.take(conn.held.tally.incomplete, key)
