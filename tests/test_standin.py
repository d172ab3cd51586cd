"""The stand-in is as strict as Telegram, with the right HTTP statuses and PTB exceptions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter

from bot.standin import SimUser, StandinBotApi
from bot.standin.params import METHODS


@pytest.fixture
async def raw_bot(api: StandinBotApi) -> AsyncIterator[Bot]:
    bot = Bot(api.token, base_url=api.base_url)
    async with bot:
        yield bot


def expect(api: StandinBotApi, count: int = 1) -> None:
    api.expected_errors += count  # type: ignore[attr-defined]  # the api fixture adds it


async def test_get_me_returns_a_full_user(raw_bot: Bot, api: StandinBotApi) -> None:
    me = await raw_bot.get_me()
    assert me.is_bot and me.username == api.bot_user["username"]
    assert me.supports_inline_queries


async def test_text_limits(raw_bot: Bot, api: StandinBotApi) -> None:
    chat = SimUser(api).id
    await raw_bot.send_message(chat, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await raw_bot.send_message(chat, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await raw_bot.send_message(chat, "<b> </b>", parse_mode=ParseMode.HTML)
    expect(api, 2)


async def test_html_is_checked(raw_bot: Bot, api: StandinBotApi) -> None:
    chat = SimUser(api).id
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await raw_bot.send_message(chat, "<div>x</div>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)unescaped '&'"):
        await raw_bot.send_message(chat, "A & B", parse_mode=ParseMode.HTML)
    expect(api, 2)


async def test_callback_data_over_64_bytes_is_refused(raw_bot: Bot, api: StandinBotApi) -> None:
    chat = SimUser(api).id
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 33)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await raw_bot.send_message(chat, "x", reply_markup=markup)
    expect(api)


async def test_message_not_modified(raw_bot: Bot, api: StandinBotApi) -> None:
    chat = SimUser(api).id
    sent = await raw_bot.send_message(chat, "<b>x</b>", parse_mode=ParseMode.HTML)
    await raw_bot.edit_message_text("<i>x</i>", chat, sent.message_id, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await raw_bot.edit_message_text(
            "<i>x</i>", chat, sent.message_id, parse_mode=ParseMode.HTML
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await raw_bot.edit_message_text("y", chat, 999)
    expect(api, 2)


async def test_statuses_map_to_ptb_exceptions(raw_bot: Bot, api: StandinBotApi) -> None:
    user = SimUser(api)
    user.blocked = True
    with pytest.raises(Forbidden):
        await raw_bot.send_message(user.id, "x")
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter, match=r"Retry in (3|0:00:03)\b"):
        await raw_bot.send_message(SimUser(api).id, "x")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await raw_bot.send_message(424242, "x")
    expect(api, 3)


async def test_http_statuses_and_bodies(api: StandinBotApi) -> None:
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{api.base_url}123:wrong/getMe")
        assert wrong.status_code == 401 and wrong.json()["error_code"] == 401
        unknown = await client.post(f"{api.base_url}{api.token}/sendTelepathy")
        assert unknown.status_code == 404
        api.fail_next("getMe", 429, "Too Many Requests: retry after 5", retry_after=5)
        limited = await client.post(f"{api.base_url}{api.token}/getMe")
        assert limited.status_code == 429
        assert limited.json()["parameters"] == {"retry_after": 5}
        typo = await client.post(
            f"{api.base_url}{api.token}/sendMessage", data={"chat_id": "1", "txt": "x"}
        )
        assert typo.status_code == 400 and "unknown parameter" in typo.json()["description"]
    expect(api, 3)


async def test_wrong_token_is_invalid_token(api: StandinBotApi) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("1:wrongtokenwrongtoken", base_url=api.base_url) as bot:
            await bot.get_me()


async def test_callback_query_answered_twice_is_too_old(raw_bot: Bot, api: StandinBotApi) -> None:
    user = SimUser(api)
    sent = await raw_bot.send_message(
        user.id,
        "x",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="d")]]),
    )
    updates: list[dict] = []

    async def collect(update: dict) -> None:
        updates.append(update)

    api.deliver = collect
    await user.press("b", api.chats[user.id].messages[sent.message_id])
    query_id = updates[0]["callback_query"]["id"]
    await raw_bot.answer_callback_query(query_id, "ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await raw_bot.answer_callback_query(query_id)
    expect(api)


async def test_get_updates_offset_and_conflict(raw_bot: Bot, api: StandinBotApi) -> None:
    user = SimUser(api)
    await user.send("a")
    await user.send("b")
    first = await raw_bot.get_updates(timeout=0)
    assert [u.message.text if u.message else None for u in first] == ["a", "b"]
    again = await raw_bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert again == ()
    assert api.pending_updates == 0
    # A second bot process polling with the same token ends the first one's poll.
    waiting = asyncio.create_task(raw_bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(api.token, base_url=api.base_url) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict):
        await waiting
    expect(api)


def test_param_table_matches_the_official_spec(botapi_spec: dict) -> None:
    for method, params in METHODS.items():
        fields = {f["name"]: f for f in botapi_spec["methods"][method].get("fields", [])}
        assert set(params) == set(fields), method
        for name, (kind, required) in params.items():
            types = fields[name]["types"]
            expected = (
                "string"
                if types == ["String"]
                else "chat_id"
                if types == ["Integer", "String"]
                else "file"
                if types in (["InputFile", "String"], ["InputFile"])
                else "json"
            )
            assert (kind, required) == (expected, fields[name]["required"]), (method, name)
