"""The Bot API's HTTP (bot/telegram/request.py): the same requests as httpx, kept-alive
connections, every way an answer can be framed, and python-telegram-bot's errors."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.standin import SimUser, StandinBotApi
from bot.telegram.request import LeanRequest

OK = b'{"ok":true,"result":true}'
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Wire:
    """A loopback server that answers each request as a test says, and counts connections."""

    def __init__(self, answer: Callable[[bytes, bytes], bytes | None]) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body)
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                self.requests.append((head, body))
                reply = self.answer(head, body)
                if reply is None:  # hang up without answering
                    break
                writer.write(reply)
                await writer.drain()
                if b"Connection: close" in reply:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot123:abc/"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


def answer(body: bytes = OK, status: str = "200 OK", *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers) or f"Content-Length: {len(body)}\r\n"
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


@pytest.fixture
async def lean() -> AsyncIterator[LeanRequest]:
    request = LeanRequest(fallback=HTTPXRequest(), connection_pool_size=2, read_timeout=2)
    async with request:
        yield request


async def test_the_body_is_what_httpx_sends(lean: LeanRequest) -> None:
    wire = Wire(lambda head, body: answer())
    params = data(chat_id=5, text="Xin chào & <b>", reply_markup={"inline_keyboard": []})
    async with wire as url:
        assert await lean.post(url + "sendMessage", params) is True
        async with HTTPXRequest() as httpx:
            assert await httpx.post(url + "sendMessage", params) is True
    (lean_head, lean_body), (_, httpx_body) = wire.requests
    assert lean_body == httpx_body
    assert dict(parse_qsl(lean_body.decode()))["text"] == "Xin chào & <b>"
    assert lean_head.startswith(b"POST /bot123:abc/sendMessage HTTP/1.1\r\n")
    assert b"Content-Type: application/x-www-form-urlencoded\r\n" in lean_head


async def test_a_connection_is_kept_alive_and_replaced_when_the_server_closed_it(
    lean: LeanRequest,
) -> None:
    wire = Wire(lambda head, body: answer())
    async with wire as url:
        for method in ("getMe", "sendMessage", "getMe", "editMessageText", "getChat"):
            await lean.post(url + method)
        assert wire.connections == 1
        closing = Wire(lambda head, body: answer(OK, "200 OK", "Connection: close"))
        async with closing as other:
            await lean.post(other + "getMe")
            await lean.post(other + "getMe")
            assert closing.connections == 2


async def test_a_server_that_hangs_up_on_an_idle_connection_costs_no_request(
    lean: LeanRequest,
) -> None:
    writers: list[asyncio.StreamWriter] = []

    async def serve_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer())
        await writer.drain()
        writers.append(writer)

    server = await asyncio.start_server(serve_once, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:a/getMe"
    await lean.post(url)
    writers[0].close()  # the server drops the idle connection
    await asyncio.sleep(0.05)
    await lean.post(url)  # on a new connection
    assert len(writers) == 2
    server.close()


@pytest.mark.parametrize(
    "framing",
    [
        answer(b'{"ok":true,"result":{"a":1}}'),
        answer(
            b'11\r\n{"ok":true,"resul\r\n0b;x=1\r\nt":{"a":1}}\r\n0\r\nX-Trailer: 1\r\n\r\n',
            "200 OK",
            "Transfer-Encoding: chunked",
        ),
        answer(b'{"ok":true,"result":{"a":1}}', "200 OK", "Connection: close"),
        b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b'{"ok":true,"result":{"a":1}}'),
    ],
    ids=["length", "chunked", "until-close", "interim"],
)
async def test_every_framing_of_an_answer(lean: LeanRequest, framing: bytes) -> None:
    async with Wire(lambda head, body: framing) as url:
        assert await lean.post(url + "getChat") == {"a": 1}
        assert await lean.post(url + "getChat") == {"a": 1}


async def test_telegrams_errors_become_python_telegram_bots(lean: LeanRequest) -> None:
    refusal = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    flood = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    flood["parameters"] = {"retry_after": 3}
    replies = iter(
        [
            answer(json.dumps(refusal).encode(), "400 Bad Request"),
            answer(json.dumps(flood).encode(), "429 Too Many Requests"),
            b"HTTP/1.1 garbage\r\n\r\n",
        ]
    )
    async with Wire(lambda head, body: next(replies)) as url:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await lean.post(url + "getChat")
        with pytest.raises(RetryAfter):
            await lean.post(url + "sendMessage")
        with pytest.raises(NetworkError):
            await lean.post(url + "getMe")


async def test_timeouts_and_failures(lean: LeanRequest) -> None:
    async with Wire(lambda head, body: b"") as url:  # reads the request, never answers
        with pytest.raises(TimedOut):
            await lean.post(url + "getMe", read_timeout=0.2)
    async with Wire(lambda head, body: None) as url:  # hangs up
        with pytest.raises(NetworkError):
            await lean.post(url + "getMe")
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(NetworkError):
        await lean.post(f"http://127.0.0.1:{port}/bot1:a/getMe")


async def test_calls_beyond_the_pool_wait_for_a_connection_then_time_out() -> None:
    release = asyncio.Event()

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await release.wait()
        writer.write(answer(OK, "200 OK", "Connection: close"))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(slow, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:a/getMe"
    async with LeanRequest(fallback=HTTPXRequest(), connection_pool_size=1) as lean:
        first = asyncio.create_task(lean.post(url))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await lean.post(url, pool_timeout=0.1)
        waiting = asyncio.create_task(lean.post(url, pool_timeout=5))
        release.set()
        assert await first is True and await waiting is True
    server.close()


async def test_uploads_and_downloads_go_to_httpx(api: StandinBotApi) -> None:
    calls: list[str] = []

    class Recording(HTTPXRequest):
        async def do_request(self, url: str, method: str, *args: Any, **kw: Any):
            calls.append(method if method != "POST" else url.rsplit("/", 1)[1])
            return await super().do_request(url, method, *args, **kw)

    request = LeanRequest(fallback=Recording())
    bot = Bot(api.token, base_url=api.base_url, request=request)
    async with bot:
        chat = SimUser(api).id
        await bot.send_message(chat, "x")
        file = InputFile(b"hello", filename="a.txt")
        await bot.send_document(chat, file)
        with contextlib.suppress(TelegramError):  # nothing there: only the route matters
            await request.retrieve(api.base_url.replace("/bot", "/file/bot") + "/nothing")
    assert calls == ["sendDocument", "GET"]


async def test_not_initialised_is_refused() -> None:
    request = LeanRequest(fallback=HTTPXRequest())
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:1/bot1:a/getMe", "POST")
    assert isinstance(request, BaseRequest) and request.read_timeout == 5.0
