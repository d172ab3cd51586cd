"""The webhook listener heard only by Telegram on its path, and not held by one address (issue
24), over real sockets on loopback: a client address other than 127.0.0.1 is made by binding
the client socket to 127.0.0.2 and so on (the whole 127.0.0.0/8 is loopback on Linux).

- no body is read on GET or HEAD: 250 of them with 1 MB bodies leave the process's peak
  memory where it was (the clients run in another process, so only the server is measured);
- one address trickling bytes on 300 connections, each reopened as soon as it is closed,
  holds only its own share: real updates from another address all get through; the same
  through a trusted proxy, with the clients told apart by X-Forwarded-For;
- the webhook path admits only WEBHOOK_ALLOW (judged by the peer, and by the client a trusted
  proxy names), before a byte of the body is read; the site stays public;
- every malformed request gets a status before the close.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest

import bot.telegram.webhook as webhook
from bot.standin import SimUser, StandinBotApi
from bot.web.clients import Networks
from bot.web.http_server import HttpServer, Limits, Request, Response
from tests.test_webhook_listener import (  # noqa: F401 (counter_site is a fixture)
    HOOK,
    SECRET,
    closed_by_server,
    counter_site,
    serving,
)

GUIDE = "vneid-forgot-password"
TELEGRAM = "149.154.167.99"  # in Telegram's published webhook range 149.154.160.0/20
STRANGER = "203.0.113.66"  # documentation range: outside every allowed network
READER = "198.51.100.7"
_update_ids = itertools.count(5000)


# ---- helpers -------------------------------------------------------------------------------


def _status(head: bytes) -> int:
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", head)
    return int(match.group(1)) if match else 0


async def _ask(
    port: int, data: bytes, *, source: str = "127.0.0.1", wait: float = 10.0
) -> tuple[int, bytes]:
    """One request on its own connection from `source`: the status (0: closed without one)
    and the answer (its head and body)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    try:
        writer.write(data)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), wait)
        length = re.search(rb"(?im)^content-length: *(\d+)", head)
        body = (
            await asyncio.wait_for(reader.readexactly(int(length.group(1))), wait)
            if length
            else b""
        )
        answer = head + body
    except (ConnectionResetError, asyncio.IncompleteReadError):
        answer = b""
    finally:
        writer.close()
    return _status(answer), answer


def _update_request(person: SimUser, *, forwarded: str | None = None) -> bytes:
    n = next(_update_ids)
    body = json.dumps(
        {
            "update_id": n,
            "message": {
                "message_id": n,
                "from": person.user,
                "chat": person.private.chat,
                "date": 0,
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
    ).encode()
    via = f"X-Forwarded-For: {forwarded}\r\n" if forwarded else ""
    head = (
        f"POST {HOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{via}"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _delivered(
    port: int, person: SimUser, *, source: str = "127.0.0.1", forwarded: str | None = None
) -> None:
    """A real update is taken (200) and answered in chat."""
    before = len(person.bot_messages())
    status, answer = await _ask(port, _update_request(person, forwarded=forwarded), source=source)
    assert status == 200, answer[:200]
    for _ in range(400):
        if len(person.bot_messages()) > before:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the update was taken but never answered")


def _press(forwarded: str | None = None, size: int | None = None) -> tuple[bytes, bytes]:
    """«✅ Tôi đã làm xong» as the page posts it: the head, and the body."""
    body = f"g={GUIDE}&u=".encode()
    if size is not None:
        body = body.ljust(size, b"x")
    via = f"X-Forwarded-For: {forwarded}\r\n" if forwarded else ""
    head = (
        "POST /huong-dan/xong HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{via}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head, body


@contextmanager
def capture_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[HttpServer]]:
    """The HttpServer that `serve` makes, to read its counts."""
    made: list[HttpServer] = []

    class Captured(HttpServer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(webhook, "HttpServer", Captured)
    yield made


class Flood:
    """`slots` connections from `source`, each sending `whole` at once and then trickling
    `trickle` a byte every `every` seconds; each is reopened as soon as the server closes it
    (or answers), until `stop`. Bounded: it stops by itself after `limit` seconds."""

    def __init__(
        self,
        port: int,
        source: str,
        whole: bytes,
        trickle: bytes,
        *,
        slots: int = 300,
        every: float = 0.5,
        limit: float = 120.0,
    ) -> None:
        self.port, self.source, self.whole, self.trickle = port, source, whole, trickle
        self.slots, self.every, self.limit = slots, every, limit
        self.attempts = 0
        self.answers: list[int] = []
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Flood:
        self._deadline = asyncio.get_running_loop().time() + self.limit
        self._tasks = [asyncio.create_task(self._slot()) for _ in range(self.slots)]
        return self

    async def __aexit__(self, *_: object) -> None:
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _slot(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stop.is_set() and loop.time() < self._deadline:
            self.attempts += 1
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, local_addr=(self.source, 0)
                )
            except OSError:
                await asyncio.sleep(self.every)
                continue
            try:
                writer.write(self.whole)
                for byte in self.trickle:
                    writer.write(bytes([byte]))
                    await writer.drain()
                    try:
                        got = await asyncio.wait_for(reader.read(64), self.every)
                    except TimeoutError:
                        if self._stop.is_set():
                            break
                        continue
                    if got:
                        self.answers.append(_status(got))
                    break  # closed (b"") or answered: reopen
                else:
                    await asyncio.wait_for(reader.read(64), 30)
            except (ConnectionError, TimeoutError):
                pass
            finally:
                writer.close()
            await asyncio.sleep(0.05)  # "as soon as closed", with a breath for the loop


# ---- no body on GET and HEAD ---------------------------------------------------------------

_CLIENTS = r"""
import asyncio, json, sys
port, count, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = b"x" * size

async def one(n):
    method = "GET" if n % 2 else "HEAD"
    head = f"{method} /huong-dan/ HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n"
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return "refused"
    try:
        writer.write(head.encode() + body)
        try:
            await asyncio.wait_for(writer.drain(), 15)
        except (ConnectionError, TimeoutError):
            pass
        line = await asyncio.wait_for(reader.readline(), 15)
        return line.decode("latin-1").split(" ")[1] if line else "closed"
    except ConnectionError:
        return "reset"
    except TimeoutError:
        return "no answer"
    finally:
        writer.close()

async def main():
    answers = await asyncio.gather(*(one(n) for n in range(count)))
    print(json.dumps(answers))

asyncio.run(main())
"""


def _memory_kb(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    assert found, field
    return int(found.group(1))


async def test_250_get_and_head_with_1_mb_bodies_leave_the_process_as_it_was(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
) -> None:
    async with serving(api, tmp_path, site_dir=counter_site) as (_, settings):
        port = settings.webhook_port
        status, page = await _ask(port, b"GET /huong-dan/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 200 and "Hướng dẫn số".encode() in page
        # The peak, not a sample: VmHWM is reset to the present RSS, then read after the
        # attack. The clients run in another process, so their buffers are not counted.
        Path("/proc/self/clear_refs").write_text("5")
        before = _memory_kb("VmRSS")
        clients = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _CLIENTS,
            str(port),
            "250",
            str(1024 * 1024),
            stdout=subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(clients.communicate(), 120)
        grown_mb = (_memory_kb("VmHWM") - before) / 1024
        answers = json.loads(out)
        print(f"250 GET/HEAD with 1 MB bodies: peak memory grew by {grown_mb:.1f} MB; {answers}")
        assert grown_mb < 20, f"the process grew by {grown_mb:.0f} MB"
        # Refused unread: 400, sent before the close; but a close with a megabyte still
        # coming resets the connection, and the reset may overtake the 400 (a small body,
        # already read with the head, does not: test_every_edge_request_gets_a_status).
        assert set(answers) <= {"400", "reset", "closed"}, answers
        status, page = await _ask(port, b"GET /huong-dan/ HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 200 and "Hướng dẫn số".encode() in page


# ---- one address holds only its share -----------------------------------------------------


async def test_a_trickling_flood_from_one_address_does_not_block_another(
    api: StandinBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """127.0.0.2 and 127.0.0.1 are both allowed (loopback), and no proxy is trusted: each
    address is a client of its own. 300 connections from 127.0.0.2 trickle a webhook request's
    head, a byte every half second; while they do, 20 real updates from 127.0.0.1 all get
    through (on main before this, none did: the flood held every connection)."""
    with capture_servers(monkeypatch) as servers:
        async with serving(api, tmp_path, trusted_proxies="none") as (_, settings):
            server, port = servers[0], settings.webhook_port
            person = SimUser(api)
            head = f"POST {HOOK} HTTP/1.1\r\nHost: x\r\nX-Filler: {'a' * 100}\r\n\r\n"
            async with Flood(port, "127.0.0.2", b"", head.encode()) as flood:
                for _ in range(200):  # until the flood is at its cap
                    if server.refused_by_address >= 100:
                        break
                    await asyncio.sleep(0.05)
                held = server.open_connections
                for _ in range(20):
                    await _delivered(port, person, source="127.0.0.1")
            print(
                f"flood: {flood.attempts} connections tried, {server.refused_by_address} "
                f"refused at the per-address cap, {held} held open; 20 of 20 updates served"
            )
            assert server.refused_by_address >= 100, "the flood reached the cap"
            assert held <= settings.webhook_max_incomplete_per_address + 5
            # And once it is gone, the flooder is an ordinary client again.
            status, _ = await _ask(
                port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", source="127.0.0.2"
            )
            assert status == 200


async def test_the_same_through_a_trusted_proxy_told_apart_by_x_forwarded_for(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Everything comes from 127.0.0.1, the proxy (TRUSTED_PROXIES by default), as Caddy would
    send it: heads whole, X-Forwarded-For naming the client. A stranger floods the counter
    with bodies that trickle, on 300 connections reopened as soon as closed; meanwhile
    Telegram's updates and another reader's presses all get through, each client held to its
    own limits (on main before this, every client behind the proxy shared one)."""
    with capture_servers(monkeypatch) as servers:
        async with serving(api, tmp_path, site_dir=counter_site) as (app, settings):
            server, port = servers[0], settings.webhook_port
            person = SimUser(api)
            head, body = _press(forwarded=STRANGER, size=900)
            async with Flood(port, "127.0.0.1", head, body) as flood:
                for _ in range(200):
                    if len(flood.answers) >= 100:
                        break
                    await asyncio.sleep(0.05)
                for n in range(10):
                    await _delivered(port, person, forwarded=TELEGRAM)
                    if n % 3 == 0:
                        status, page = await _ask(port, b"".join(_press(forwarded=READER)))
                        assert status == 200 and "Đã ghi nhận".encode() in page
            refused = flood.answers.count(429)
            print(
                f"through the proxy: {flood.attempts} requests from one stranger, "
                f"{refused} refused (429); 10 of 10 updates and 4 of 4 presses served"
            )
            assert refused >= 100 and set(flood.answers) <= {429}, set(flood.answers)
            assert server.refused_by_address == 0, "the proxy itself is never refused"
            services = app.bot_data.services
            assert services is not None
            rows = await services.reach.db.fetchall(
                "SELECT count(*) FROM self_serve WHERE user_key LIKE 'web:%'"
            )
            # The stranger's bodies never completed: only the reader's presses counted.
            assert rows[0][0] == 4


async def _echo(request: Request) -> Response:
    return Response(200, b'{"ok":true}')


async def test_the_per_address_caps_count_incomplete_requests_and_forwarded_clients() -> None:
    server = HttpServer(
        _echo,
        Limits(per_address_connections=4, per_address_incomplete=2),
        proxies=Networks(["127.0.0.1/32"]),
    )
    port = await server.start()
    opened: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def connect(source: str, data: bytes) -> tuple[asyncio.StreamReader, Any]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        writer.write(data)
        await writer.drain()
        opened.append((reader, writer))
        return reader, writer

    async def until(condition: Any) -> None:
        for _ in range(200):
            if condition():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("not reached")

    try:
        # Two half-sent requests from 127.0.0.2 use its budget: a third is closed unheard.
        for _ in range(2):
            await connect("127.0.0.2", b"GET /x HT")
        await until(lambda: server.open_connections == 2)
        third, _ = await connect("127.0.0.2", b"GET /x HTTP/1.1\r\n\r\n")
        assert await closed_by_server(third)
        assert server.refused_by_address == 1
        # Another address is untouched.
        assert (await _ask(port, b"GET /x HTTP/1.1\r\n\r\n", source="127.0.0.3"))[0] == 200
        # Kept-alive connections that are done are not incomplete, but count as open.
        for _ in range(2):
            reader, _ = await connect("127.0.0.4", b"GET /x HTTP/1.1\r\n\r\n")
            assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"HTTP/1.1 200")
        for _ in range(2):
            await connect("127.0.0.4", b"GET /x HT")
        await until(lambda: server.open_connections == 6)
        fifth, _ = await connect("127.0.0.4", b"")
        assert await closed_by_server(fifth)
        assert server.refused_by_address == 2

        # Through the proxy: never refused itself; each forwarded client has its own budget.
        slow = b"POST /x HTTP/1.1\r\nX-Forwarded-For: 198.51.100.1\r\nContent-Length: 9\r\n\r\nab"
        for _ in range(2):
            await connect("127.0.0.1", slow)
        await until(lambda: server.open_connections == 8)
        status, _ = await _ask(port, slow)  # a third incomplete body from 198.51.100.1
        assert status == 429
        other = b"POST /x HTTP/1.1\r\nX-Forwarded-For: 198.51.100.2\r\nContent-Length: 2\r\n\r\nok"
        assert (await _ask(port, other))[0] == 200
        for _ in range(6):  # the proxy's own connections, past any per-address cap
            await connect("127.0.0.1", b"")
        await until(lambda: server.open_connections == 14)
        assert server.refused_by_address == 2
        assert (await _ask(port, b"GET /x HTTP/1.1\r\n\r\n"))[0] == 200
    finally:
        for _, writer in opened:
            writer.close()
        await server.stop()


# ---- the webhook path admits only WEBHOOK_ALLOW --------------------------------------------


async def test_an_address_outside_the_allowed_ranges_is_refused_on_the_webhook_path(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
) -> None:
    settings = {"webhook_allow": "127.0.0.1", "trusted_proxies": "none", "site_dir": counter_site}
    async with serving(api, tmp_path, **settings) as (_, config):
        port, person = config.webhook_port, SimUser(api)
        before = len(api.calls)
        # The valid secret and a real update, from 127.0.0.2: 403 on the head.
        status, _ = await _ask(port, _update_request(person), source="127.0.0.2")
        assert status == 403
        # On the head alone: a declared megabyte never sent is not waited for.
        big = (
            f"POST {HOOK} HTTP/1.1\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
            "Content-Length: 1048576\r\n\r\n"
        ).encode()
        started = time.monotonic()
        assert (await _ask(port, big, source="127.0.0.2"))[0] == 403
        assert time.monotonic() - started < 9  # not the 10 s body timeout
        # The site and the health check stay public.
        status, page = await _ask(port, b"GET /huong-dan/ HTTP/1.1\r\n\r\n", source="127.0.0.2")
        assert status == 200 and "Hướng dẫn số".encode() in page
        assert (await _ask(port, b"GET /healthz HTTP/1.1\r\n\r\n", source="127.0.0.2"))[0] == 200
        status, _ = await _ask(port, b"".join(_press()), source="127.0.0.2")
        assert status == 200
        await asyncio.sleep(0.2)
        assert not [c for c in api.calls[before:] if c.method == "sendMessage"]
        await _delivered(port, person, source="127.0.0.1")


async def test_behind_a_trusted_proxy_the_forwarded_client_must_be_allowed_too(
    api: StandinBotApi, tmp_path: Path
) -> None:
    async with serving(api, tmp_path) as (_, config):  # the defaults
        port, person = config.webhook_port, SimUser(api)
        status, _ = await _ask(port, _update_request(person, forwarded=STRANGER))
        assert status == 403
        await _delivered(port, person, forwarded=TELEGRAM)
        await _delivered(port, person)  # a local call, no header: the peer is loopback
        # A client's own header is not believed: only what the proxy appended counts.
        status, _ = await _ask(port, _update_request(person, forwarded=f"{TELEGRAM}, {STRANGER}"))
        assert status == 403


# ---- every malformed request gets a status -------------------------------------------------


@asynccontextmanager
async def site_listener(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
) -> AsyncIterator[tuple[Any, int]]:
    async with serving(api, tmp_path, site_dir=counter_site) as (app, settings):
        yield app, settings.webhook_port


def _hook(body: bytes) -> bytes:
    return (
        f"POST {HOOK} HTTP/1.1\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


EDGES = {
    "Content-Length: ² (latin-1)": (
        f"POST {HOOK} HTTP/1.1\r\nContent-Length: ".encode() + b"\xb2\r\n\r\n",
        400,
    ),
    "Content-Length: ² (UTF-8)": (
        b"POST /huong-dan/xong HTTP/1.1\r\nContent-Length: \xc2\xb2\r\n\r\n",
        400,
    ),
    "Content-Length: ٣ (Arabic-Indic three)": (
        "GET /huong-dan/ HTTP/1.1\r\nContent-Length: \u0663\r\n\r\n".encode("latin-1", "replace"),
        400,
    ),
    "a path segment of 300 characters": (
        f"GET /huong-dan/{'a' * 300}/ HTTP/1.1\r\n\r\n".encode(),
        404,
    ),
    "a path of 3,000 characters in short segments": (
        f"GET /huong-dan/{'ab/' * 1000} HTTP/1.1\r\n\r\n".encode(),
        404,
    ),
    "JSON []": (_hook(b"[]"), 400),
    "JSON null": (_hook(b"null"), 400),
    'JSON {"message":5}': (_hook(b'{"message":5}'), 400),
    'JSON {"update_id":1,"message":5}': (_hook(b'{"update_id":1,"message":5}'), 400),
    'JSON {"update_id":true}': (_hook(b'{"update_id":true}'), 400),
    "nesting 200,000 deep": (_hook(b"[" * 200_000 + b"]" * 200_000), 400),
    "nesting 200,000 deep inside an update": (
        _hook(b'{"update_id":1,"message":' + b"{" * 100_000 + b"}" * 100_000 + b"}"),
        400,
    ),
    "a GET with a body": (b"GET /huong-dan/ HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400),
    "a HEAD with a body": (b"HEAD /healthz HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400),
}


@pytest.mark.parametrize("edge", list(EDGES))
async def test_every_edge_request_gets_a_status(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
    edge: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    data, expected = EDGES[edge]
    async with site_listener(api, tmp_path, counter_site) as (_, port):
        status, answer = await _ask(port, data)
        assert status == expected, (edge, answer[:120])
        assert all(record.exc_info is None for record in caplog.records)
        assert "RecursionError" not in caplog.text and "Traceback" not in caplog.text
        await _delivered(port, SimUser(api))


async def test_a_press_while_the_disk_is_full_gets_503(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with site_listener(api, tmp_path, counter_site) as (app, port):
        counter = app.bot_data.services.reach.web_counter

        async def full(*_: object) -> bool:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(counter, "finished", full)
        status, page = await _ask(port, b"".join(_press()))
        assert status == 503 and "chưa được ghi nhận".encode() in page
        monkeypatch.undo()
        status, _ = await _ask(port, b"".join(_press()))
        assert status == 200


async def test_a_handler_that_fails_answers_500_not_a_bare_close() -> None:
    async def broken(request: Request) -> Response:
        raise OSError(36, "File name too long")

    server = HttpServer(broken, Limits())
    port = await server.start()
    try:
        status, _ = await _ask(port, b"GET /x HTTP/1.1\r\n\r\n")
        assert status == 500
    finally:
        await server.stop()


# ---- behind the shipped Caddyfile, with a real Caddy (where one is installed) --------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def caddy_in_front(port: int, tmp_path: Path) -> AsyncIterator[int]:
    """deploy/Caddyfile as shipped, but on plain HTTP at a free loopback port, in front of
    the bot's listener at `port`, with 127.0.0.3 standing in for Telegram's ranges."""
    import os
    import shutil

    from bot.config import PROJECT_ROOT

    caddy = shutil.which("caddy")
    if caddy is None:
        # CI installs it (.ci/run), so there the test fails rather than skips silently.
        if os.environ.get("CI"):
            raise AssertionError("caddy is not installed: .ci/run installs it")
        pytest.skip("caddy is not installed (apt-get install caddy)")
    front = _free_port()
    text = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    for old, new in [
        ("bot.example.vn {", f"http://:{front} {{\n\tbind 127.0.0.1"),
        ("127.0.0.1:8443", f"127.0.0.1:{port}"),
        ("remote_ip 149.154.160.0/20 91.108.4.0/22", "remote_ip 127.0.0.3/32"),
        ("{\n\tservers {", "{\n\tadmin off\n\tservers {"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    config = tmp_path / "Caddyfile"
    config.write_text(text, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        caddy,
        "run",
        "--adapter",
        "caddyfile",
        "--config",
        str(config),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", front)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("caddy did not start")
        yield front
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


async def test_behind_the_shipped_caddyfile_telegram_readers_and_a_flooder_are_told_apart(
    api: StandinBotApi,
    tmp_path: Path,
    counter_site: Path,  # noqa: F811
) -> None:
    async with serving(api, tmp_path, site_dir=counter_site) as (_, settings):  # noqa: SIM117
        async with caddy_in_front(settings.webhook_port, tmp_path) as front:
            person = SimUser(api)
            # Telegram (127.0.0.3 here) reaches the webhook; a stranger does not, even with
            # the secret: Caddy answers 403 before the bot sees it.
            await _delivered(front, person, source="127.0.0.3")
            status, _ = await _ask(front, _update_request(person), source="127.0.0.2")
            assert status == 403
            # The site is public through the proxy.
            status, page = await _ask(front, b"GET /huong-dan/ HTTP/1.1\r\nHost: x\r\n\r\n")
            assert status == 200 and "Hướng dẫn số".encode() in page
            # A flooder's presses, even claiming to be the reader in its own X-Forwarded-For,
            # use up its own limit only (Caddy writes the client's real address).
            spoofed = b"".join(_press(forwarded="127.0.0.4"))
            flood = [(await _ask(front, spoofed, source="127.0.0.2"))[0] for _ in range(30)]
            assert flood.count(429) >= 5, flood
            reader = [
                (await _ask(front, b"".join(_press()), source="127.0.0.4"))[0] for _ in range(3)
            ]
            assert reader == [200, 200, 200]
            health = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            assert (await _ask(front, health, source="127.0.0.2"))[0] == 200
