"""After /forget, the erased name and pseudonym are in no file beside the database within
seconds (the database, its write-ahead log and shared memory), not only after a clean stop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.conftest import RunningBot
from tests.outreach_helpers import join

NAMES = ("Zyxwvu Tình Nguyện", "Qqxjv Điều Phối")


def _holding(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {n!r}" for n in needles if n in data]
    return found


async def test_an_erased_name_leaves_every_file_within_5_seconds(
    api: StandinBotApi, obot: RunningBot, admin: SimUser
) -> None:
    services = obot.services
    folder = services.settings.db_path.parent
    volunteer = await join(api, admin, "00004", NAMES[0])
    coordinator = await join(api, admin, "00004", NAMES[1], role="coordinator")
    await volunteer.send("/assist")
    await volunteer.press("VNeID mức 1")
    await volunteer.press("16–30")
    await volunteer.press("Người dân đồng ý – Lưu")
    needles = [name.encode() for name in NAMES]
    needles += [services.user_key(person.id).encode() for person in (volunteer, coordinator)]
    assert _holding(folder, needles), "the names are on disk before (the test can fail)"
    for person in (volunteer, coordinator):
        await person.send("/forget")
        await person.press("Xóa dữ liệu của tôi")
    deadline = time.monotonic() + 5
    while (left := _holding(folder, needles)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not left, left
