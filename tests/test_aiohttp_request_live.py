"""The aiohttp client (bot/telegram/aiohttp_request.py) against servers that talk back: the
stand-in Bot API through python-telegram-bot's `Bot` (Telegram's refusals as its errors,
uploads and downloads), and a real TLS server with a certificate made for the test."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.standin import SimUser, StandinBotApi
from bot.telegram.aiohttp_request import AiohttpRequest
from tests.http_wire import Wire, answer


def live_bot(api: StandinBotApi, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=api.base_url, request=AiohttpRequest())


async def test_a_conversation_through_the_stand_in(api: StandinBotApi) -> None:
    user = SimUser(api)
    async with live_bot(api) as bot:
        assert bot.username == api.bot_user["username"]  # getMe, at initialize
        sent = await bot.send_message(user.id, "<b>Xin chào</b>", parse_mode="HTML")
        await bot.edit_message_text("Tạm biệt", chat_id=user.id, message_id=sent.message_id)
    assert [c.method for c in api.calls] == ["getMe", "sendMessage", "editMessageText"]
    assert user.last()["text"] == "Tạm biệt"


async def test_telegrams_refusals_are_python_telegram_bots_errors(api: StandinBotApi) -> None:
    user = SimUser(api)
    api.expected_errors = 4  # type: ignore[attr-defined]  # set by the `api` fixture
    async with live_bot(api) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):  # 400
            await bot.send_message(987654321, "x")
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(user.id, "x")
        wait = flood.value.retry_after  # seconds, or a timedelta (PTB_TIMEDELTA)
        assert (wait if isinstance(wait, int) else wait.total_seconds()) == 7
        user.blocked = True
        with pytest.raises(Forbidden, match="blocked"):  # 403
            await bot.send_message(user.id, "x")
        api.fail_next("sendMessage", 502, "Bad Gateway")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(user.id, "x")
    with pytest.raises(InvalidToken):  # 401 for a token the Bot API does not know
        async with live_bot(api, token="1:wrong") as bot:
            pass


async def test_uploads_keep_a_vietnamese_file_name_and_downloads_arrive(
    api: StandinBotApi,
) -> None:
    user = SimUser(api)
    async with live_bot(api) as bot:
        file = InputFile(b"hello", filename="Báo cáo tuần.xlsx")
        sent = await bot.send_document(user.id, file, caption="Tuần 49")
        assert sent.document is not None
        assert sent.document.file_name == "Báo cáo tuần.xlsx"
        assert api.uploads[sent.document.file_id] == b"hello"
        # No file store in the stand-in: a download is a GET that gets its 404.
        with pytest.raises(InvalidToken):
            await bot.request.retrieve(api.base_url.replace("/bot", "/file/bot") + "/a.txt")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the system's openssl."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make the TLS test's certificate"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_over_tls_a_trusted_server_is_kept_alive_and_a_stranger_refused(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    wire = Wire(lambda head, body: answer(), ssl=server_side)
    async with wire as url:
        assert url.startswith("https://")
        trusting = AiohttpRequest(ssl_context=ssl.create_default_context(cafile=str(cert)))
        async with trusting:
            for method in ("getMe", "sendMessage", "getMe"):
                assert await trusting.post(url + method) is True
        assert wire.connections == 1 and len(wire.requests) == 3
        async with AiohttpRequest() as stranger:  # the system's authorities only
            with pytest.raises(NetworkError, match=r"(?i)certificate"):
                await stranger.post(url + "getMe")
