"""How much of the bot one «Lưu» (save) press runs through, from the update to the reply:
every project module whose code runs while the press is handled, on any thread (the event
loop's and the database's), traced with a profile hook. A maintainer following a save should
have few files to open; the issue that set the bound counted 27 before the clean-up."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from bot.standin.api import StandinBotApi
from bot.standin.users import SimUser
from tests.outreach_helpers import ADMIN_ID, join, start_outreach_bot

BOT = Path(__file__).resolve().parents[1] / "bot"
STANDIN = BOT / "standin"  # Telegram's side of the wire, not the bot
BOT_PATH, STANDIN_PATH, WEB_PATH = str(BOT), str(STANDIN), str(BOT / "web")
MAX_MODULES = 15


def _for_the_stand_in(frame: FrameType) -> bool:
    """Code run on Telegram's side: the stand-in's, what the stand-in calls (it checks texts
    with bot/texts), and the HTTP server it listens with (bot/web: with long polling, the
    bot itself never runs it). The stand-in hands updates to python-telegram-bot directly in
    tests, so the walk down the stack stops at `process_update`: above it is the bot."""
    caller: FrameType | None = frame
    while caller is not None:
        name = caller.f_code.co_filename
        if caller.f_code.co_name == "process_update" and "telegram" in name:
            return False  # python-telegram-bot handing the update to the bot's handlers
        if name.startswith((STANDIN_PATH, WEB_PATH)):
            return True
        caller = caller.f_back
    return False  # the bot's own tasks and threads (the database's)


class ModuleTrace:
    """Collects the project modules whose functions are called while `recording` is set."""

    def __init__(self) -> None:
        self.recording = False
        self.files: set[str] = set()

    def hook(self, frame: FrameType, event: str, arg: Any) -> None:
        if self.recording and event == "call" and not _for_the_stand_in(frame):
            self.files.add(frame.f_code.co_filename)

    def modules(self) -> list[str]:
        found = []
        for name in self.files:
            path = Path(name)
            if path.is_relative_to(BOT) and not path.is_relative_to(STANDIN):
                found.append(str(path.relative_to(BOT.parent)))
        return sorted(found)


async def test_one_save_press_runs_in_at_most_fifteen_project_modules(
    api: StandinBotApi, tmp_path: Path
) -> None:
    trace = ModuleTrace()
    # Set before the bot starts, so that the database's threads carry the hook too.
    threading.setprofile(trace.hook)
    sys.setprofile(trace.hook)
    try:
        running = await start_outreach_bot(api, tmp_path)
        try:
            admin = SimUser(api, user_id=ADMIN_ID, first_name="Admin")
            volunteer = await join(api, admin, "00004", "Lan")
            await volunteer.send("/assist")
            await volunteer.press("VNeID mức 1")
            await volunteer.press("60 trở lên")
            trace.recording = True
            await volunteer.press("Người dân đồng ý – Lưu")
            trace.recording = False
            assert volunteer.last()["text"].startswith("✅ Đã lưu")
        finally:
            await running.stop()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    modules = trace.modules()
    print("\n".join(["modules run by one save press:", *modules]))
    assert 0 < len(modules) <= MAX_MODULES, modules


async def test_who_is_acting_is_resolved_once_per_update(
    api: StandinBotApi, tmp_path: Path
) -> None:
    """The language, the actor and the identity hash, once for a whole update, however many
    handler groups and helpers ask (the flood check, the decorator, the handler)."""
    running = await start_outreach_bot(api, tmp_path)
    try:
        admin = SimUser(api, user_id=ADMIN_ID, first_name="Admin")
        volunteer = await join(api, admin, "00004", "Lan")
        access = running.services.reach.access
        resolved: list[int] = []
        actor = access.actor

        async def counted(telegram_id: int, key: str = "") -> object:
            resolved.append(telegram_id)
            return await actor(telegram_id, key)

        access.actor = counted  # type: ignore[method-assign,assignment]  # counting it
        hashes = access._user_keys.cache_info()
        for send in (
            lambda: volunteer.send("/assist"),
            lambda: volunteer.press("VNeID mức 1"),
            lambda: volunteer.send("/mine"),
        ):
            before = len(resolved)
            await send()
            assert len(resolved) - before == 1
        info = access._user_keys.cache_info()
        assert info.hits + info.misses - hashes.hits - hashes.misses == 3  # one per update
    finally:
        await running.stop()
