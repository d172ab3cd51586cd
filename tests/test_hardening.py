"""Faults and abuse: floods, Telegram's 429/5xx/403, a storage that refuses writes, webhooks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from bot.config import Settings
from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot, make_settings, start_bot
from tests.outreach_helpers import join
from tests.outreach_helpers import query_db as db


async def test_a_flood_is_cut_with_one_notice_then_forgiven(
    api: StandinBotApi, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, api.base_url, flood_max_updates=8, flood_window_seconds=1)
    running = await start_bot(settings, api)
    try:
        await _flood(api)
    finally:
        await running.stop()


async def _flood(api: StandinBotApi) -> None:
    person = SimUser(api)
    for _ in range(15):
        await person.send("/help")
    texts = [m["text"] for m in person.bot_messages()]
    assert len(texts) == 9  # eight answers, then one notice, then silence
    assert texts[-1].startswith("🐢")
    other = SimUser(api)
    await other.send("/help")  # someone else is not affected
    assert other.last()["text"].startswith("❓")
    await asyncio.sleep(1.1)
    await person.send("/help")
    assert person.last()["text"].startswith("❓")


async def test_telegram_429_is_waited_out_and_the_confirmation_arrives(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("VNeID mức 1")
    await volunteer.press("60 trở lên")
    api.fail_next("editMessageText", 429, "Too Many Requests: retry after 1", retry_after=1)
    api.expected_errors = 1  # type: ignore[attr-defined]  # the api fixture adds it
    await volunteer.press("Người dân đồng ý – Lưu")
    assert volunteer.last()["text"].startswith("✅ Đã lưu")  # retried after retry_after
    assert db(obot, "SELECT count(*) FROM assists") == [(1,)]


async def test_5xx_and_blocked_users_never_lose_a_record_or_crash(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("Khác")
    await volunteer.press("Dưới 16")
    api.fail_next("editMessageText", 502, "Bad Gateway")
    api.fail_next("sendMessage", 502, "Bad Gateway")
    api.expected_errors = 2  # type: ignore[attr-defined]  # the api fixture adds it
    await volunteer.press("Người dân đồng ý – Lưu")
    # The record was committed before Telegram failed; pressing again says so, adds nothing.
    assert db(obot, "SELECT count(*) FROM assists") == [(1,)]
    await volunteer.press("Người dân đồng ý – Lưu")
    assert list(api.callback_answers.values())[-1]["text"].startswith("Phiếu này đã được lưu")
    volunteer.blocked = True
    api.expected_errors = 3  # type: ignore[attr-defined]  # the api fixture adds it
    await volunteer.send("/mine")  # 403 from Telegram: logged, nothing else happens
    volunteer.blocked = False
    await volunteer.send("/mine")
    assert "1 lượt" in volunteer.last()["text"]


async def test_a_storage_that_refuses_writes_gets_a_clear_message(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan")
    await volunteer.send("/assist")
    await volunteer.press("Khác")
    await volunteer.press("Dưới 16")
    conn = obot.services.reach.db.conn
    await conn.execute("PRAGMA query_only = ON")  # as a read-only or full disk refuses writes
    await volunteer.press("Người dân đồng ý – Lưu")
    assert "chưa lưu được" in volunteer.last()["text"]
    assert "Đã lưu" not in " ".join(m.get("text", "") for m in volunteer.bot_messages())
    await conn.execute("PRAGMA query_only = OFF")
    assert db(obot, "SELECT count(*) FROM assists") == [(0,)]
    assert db(obot, "PRAGMA integrity_check") == [("ok",)]
    await volunteer.press("Người dân đồng ý – Lưu", volunteer.bot_messages()[-2])
    assert db(obot, "SELECT count(*) FROM assists") == [(1,)]


async def test_webhook_takes_updates_only_with_the_secret(
    api: StandinBotApi, tmp_path: Path
) -> None:
    from tests.test_webhook_listener import SECRET, serving

    secret = SECRET
    async with serving(api, tmp_path) as (_, settings):
        assert api.webhook is not None and api.webhook["secret_token"] == secret
        assert api.webhook["url"] == "https://bot.example.vn/tg/hook"
        await _webhook_calls(api, settings, secret)


async def _webhook_calls(api: StandinBotApi, settings: Settings, secret: str) -> None:
    """Strangers get 403, a wrong path 404, bad JSON 400; only the good update is answered."""
    person = SimUser(api)
    message = {
        "message_id": 1,
        "from": person.user,
        "chat": person.private.chat,
        "date": 0,
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    url = f"http://127.0.0.1:{settings.webhook_port}/tg/hook"
    async with httpx.AsyncClient() as client:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            refused = await client.post(
                url, json={"update_id": 1, "message": message}, headers=headers
            )
            assert refused.status_code == 403
        good = {"X-Telegram-Bot-Api-Secret-Token": secret}
        assert (await client.post(url + "x", json={}, headers=good)).status_code == 404
        assert (await client.post(url, content=b"{not json", headers=good)).status_code == 400
        ok = await client.post(
            url, content=json.dumps({"update_id": 2, "message": message}), headers=good
        )
        assert ok.status_code == 200
    for _ in range(100):
        if person.bot_messages():
            break
        await asyncio.sleep(0.05)
    replies = person.bot_messages()
    assert len(replies) == 1 and replies[0]["text"].startswith("❓")  # only the good call


async def test_webhook_mode_needs_its_settings(tmp_path: Path) -> None:
    from tests.cli import run_bot_command

    result = run_bot_command(
        "run",
        "--webhook",
        BOT_TOKEN="123456:ABCdefGhIJKlmNoPQRstuVWxyZ123456789",
        DB_PATH=str(tmp_path / "d.db"),
    )
    assert result.returncode == 2 and "WEBHOOK_URL and WEBHOOK_SECRET" in result.stderr
    result = run_bot_command(
        "run",
        "--webhook",
        BOT_TOKEN="123456:ABCdefGhIJKlmNoPQRstuVWxyZ123456789",
        WEBHOOK_URL="http://insecure",
        WEBHOOK_SECRET="short",
    )
    assert result.returncode == 2 and "https://" in result.stderr
