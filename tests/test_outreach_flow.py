"""The outreach log end to end: invite → join → assist → batch → undo → mine, over HTTP."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot
from tests.outreach_helpers import ADMIN_ID, join, start_outreach_bot


@pytest.fixture
async def obot(api: StandinBotApi, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_outreach_bot(api, tmp_path)
    yield running
    await running.stop()


@pytest.fixture
def admin(api: StandinBotApi, obot: RunningBot) -> SimUser:
    return SimUser(api, user_id=ADMIN_ID, first_name="Admin")


def db_rows(obot: RunningBot, sql: str) -> list[tuple]:
    path = obot.app.bot_data.services.settings.db_path
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


async def test_invite_join_assist_undo_mine(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Lan – Chi đoàn 3")
    assert any(c.method == "sendPhoto" for c in api.calls), "the invite comes with its QR code"

    await volunteer.send("/assist")
    form = volunteer.last()
    assert "Bước 1/2" in form["text"]
    await volunteer.press("VNeID mức 1")
    await volunteer.press("Tiếp ▶")
    await volunteer.press("60 trở lên")
    await volunteer.press("Người dân đồng ý – Lưu")  # 4 taps in all
    saved = volunteer.last()
    assert saved["text"].startswith("✅ Đã lưu")
    assert "Phường Ba Đình" in saved["text"]
    rows = db_rows(obot, "SELECT services, people, consent, age_band, outcome FROM assists")
    assert rows == [(1, 1, 1, "60p", "done")]

    await volunteer.send("/mine")
    assert "Hôm nay: 1 người, 1 lượt" in volunteer.last()["text"].replace("<b>", "")

    await volunteer.send("/undo")
    await volunteer.press("Xóa bản ghi này")
    assert "Đã xóa" in volunteer.last()["text"]
    assert db_rows(obot, "SELECT count(*) FROM assists") == [(0,)]


async def test_without_consent_only_an_anonymous_count_is_kept(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    volunteer = await join(api, admin, "00004", "Minh")
    await volunteer.send("/assist")
    await volunteer.press("Sổ tay đảng viên")
    await volunteer.press("An toàn trên mạng")
    await volunteer.press("Tiếp ▶")
    await volunteer.press("31–59")
    await volunteer.press("Nữ")
    await volunteer.press("Không đồng ý")
    rows = db_rows(
        obot, "SELECT services, consent, outcome, age_band, sex, person_key FROM assists"
    )
    assert rows == [(0b1001000, 0, None, None, None, None)]


async def test_batch_backdated(api: StandinBotApi, obot: RunningBot, admin: SimUser) -> None:
    volunteer = await join(api, admin, "00004", "Hà")
    await volunteer.send("/batch")
    await volunteer.press("Hồ sơ dịch vụ công")
    await volunteer.press("Tiếp ▶")
    await volunteer.press("16–30")
    await volunteer.press("20")
    await volunteer.press("+ 1 người")
    await volunteer.press("Hôm nay")  # → yesterday
    await volunteer.press("Cả 21 người đồng ý – Lưu")
    assert "Đã lưu 21 người" in volunteer.last()["text"]
    [(people, occurred, created)] = db_rows(
        obot, "SELECT people, occurred_at, created_at FROM assists"
    )
    assert people == 21
    assert 0 < created - occurred < 2 * 86400
