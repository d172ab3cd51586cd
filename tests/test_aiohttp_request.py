"""The Bot API's HTTP (bot/telegram/aiohttp_request.py): the same requests as httpx, kept-alive
connections, every way an answer can be framed, python-telegram-bot's errors and timeouts, and
TLS. The stand-in Bot API and TLS tests are in test_aiohttp_request_live.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram.aiohttp_request import AiohttpRequest
from tests.http_wire import OK, Wire, answer


def data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


@pytest.fixture
async def client() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest(connection_pool_size=2, read_timeout=2)
    async with request:
        yield request


async def test_the_body_is_what_httpx_sends(client: AiohttpRequest) -> None:
    wire = Wire(lambda head, body: answer())
    params = data(chat_id=5, text="Xin chào & <b>", reply_markup={"inline_keyboard": []})
    async with wire as url:
        assert await client.post(url + "sendMessage", params) is True
        async with HTTPXRequest() as httpx:
            assert await httpx.post(url + "sendMessage", params) is True
    (head, body), (_, httpx_body) = wire.requests
    assert body == httpx_body
    assert dict(parse_qsl(body.decode()))["text"] == "Xin chào & <b>"
    assert head.startswith(b"POST /bot123:abc/sendMessage HTTP/1.1\r\n")
    assert b"Content-Type: application/x-www-form-urlencoded\r\n" in head
    assert f"User-Agent: {BaseRequest.USER_AGENT}\r\n".encode() in head


async def test_a_connection_is_kept_alive_and_replaced_when_the_server_closed_it(
    client: AiohttpRequest,
) -> None:
    wire = Wire(lambda head, body: answer())
    async with wire as url:
        for method in ("getMe", "sendMessage", "getMe", "editMessageText", "getChat"):
            await client.post(url + method)
        assert wire.connections == 1
        closing = Wire(lambda head, body: answer(OK, "200 OK", "Connection: close"))
        async with closing as other:
            await client.post(other + "getMe")
            await client.post(other + "getMe")
            assert closing.connections == 2


async def test_a_server_that_hangs_up_on_an_idle_connection_costs_no_request(
    client: AiohttpRequest,
) -> None:
    writers: list[asyncio.StreamWriter] = []

    async def serve_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer())
        await writer.drain()
        writers.append(writer)

    server = await asyncio.start_server(serve_once, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot1:a/getMe"
    await client.post(url)
    writers[0].close()  # the server drops the idle connection
    await asyncio.sleep(0.05)
    await client.post(url)  # on a new connection
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
async def test_every_framing_of_an_answer(client: AiohttpRequest, framing: bytes) -> None:
    async with Wire(lambda head, body: framing) as url:
        assert await client.post(url + "getChat") == {"a": 1}
        assert await client.post(url + "getChat") == {"a": 1}


async def test_telegrams_errors_become_python_telegram_bots(client: AiohttpRequest) -> None:
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
            await client.post(url + "getChat")
        with pytest.raises(RetryAfter):
            await client.post(url + "sendMessage")
        with pytest.raises(NetworkError):
            await client.post(url + "getMe")


async def test_timeouts_and_failures(client: AiohttpRequest) -> None:
    async with Wire(lambda head, body: b"") as url:  # reads the request, never answers
        with pytest.raises(TimedOut):
            await client.post(url + "getMe", read_timeout=0.2)
        with pytest.raises(TimedOut):  # the instance's own read timeout (2 s)
            await client.post(url + "getMe")
    async with Wire(lambda head, body: None) as url:  # hangs up
        with pytest.raises(NetworkError):
            await client.post(url + "getMe")
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(NetworkError):
        await client.post(f"http://127.0.0.1:{port}/bot1:a/getMe")


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
    async with AiohttpRequest(connection_pool_size=1) as client:
        first = asyncio.create_task(client.post(url))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await client.post(url, pool_timeout=0.1)
        waiting = asyncio.create_task(client.post(url, pool_timeout=5))
        release.set()
        assert await first is True and await waiting is True
    server.close()


async def test_not_initialised_is_refused_and_a_shut_down_one_starts_again() -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:1/bot1:a/getMe", "POST")
    assert isinstance(request, BaseRequest) and request.read_timeout == 5.0
    async with Wire(lambda head, body: answer()) as url:
        for _ in range(2):  # python-telegram-bot may initialise a request after a shutdown
            async with request:
                assert await request.post(url + "getMe") is True
            with pytest.raises(RuntimeError):
                await request.do_request(url + "getMe", "POST")


async def test_a_proxy_named_in_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.app import _request

    wire = Wire(lambda head, body: answer())
    async with wire as url:
        proxy = url.split("/bot", 1)[0]
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with _request(1) as request:  # as the bot builds it
            assert await request.post("http://api.telegram.invalid/bot1:a/getMe") is True
    ((head, _),) = wire.requests
    assert head.startswith(b"POST http://api.telegram.invalid/bot1:a/getMe HTTP/1.1\r\n")
