"""`outreach-bot console`: chat with the real bot in a terminal, with no token and no network.

The same application as production runs against the built-in stand-in Bot API on loopback;
each line typed becomes a Telegram update and is processed to completion before the screen
is printed, so what an editor sees is exactly what a phone would show.

Buttons are numbered across the messages of one reply (a report and the summary after it: 1–8,
then 9), and a number presses the buttons last shown; a reply without buttons (a picture, a
file) leaves them as they were. While the bot waits for a typed number (a batch's count, a
headcount, a phone number), a number is that answer, and `#15` presses button 15. Nothing typed
ends the console but `q`, Ctrl-D or Ctrl-C.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from telegram import Update

from bot import clock
from bot.app import build_application
from bot.cli.console_input import LineReader, ctrl_c_cancels
from bot.cli.console_screen import RULE, ConsoleScreen
from bot.config import Settings
from bot.standin import SimUser, StandinBotApi
from bot.telegram.context import AppData

INTRO = (
    "Xem trước bot — không cần token, không cần mạng.\n"
    "Gõ số trong [ ] để bấm nút vừa hiện; các nút của một lần trả lời được đánh số liền nhau,\n"
    "và sau một ảnh hay một tệp, số vẫn bấm các nút trước đó.\n"
    "Gõ ? để đánh số lại các nút của 3 tin nhắn gần nhất có nút.\n"
    "Khi bot chờ bạn gõ một số (vd: số người trong «Ghi theo nhóm»), số bạn gõ là câu trả lời;\n"
    "lúc đó gõ #15 để bấm nút [15].\n"
    "Gõ chữ để tìm (vd: quen mat khau vneid), /start để mở menu,\n"
    "'> 123456' để gửi nguyên văn, '/as resident|volunteer|admin' để đổi người,\n"
    "q, Ctrl-D hoặc Ctrl-C để thoát.\n"
)

# What the bot may ask a person to type that is a number (see bot/storage/questions.py): then a
# typed number is the answer, not a button.
NUMBER_ANSWERS = frozenset({"count", "headcount", "phone", "forget-phone"})

# The console's people: one Telegram id each, so their roles and data stay apart.
PEOPLE = {"admin": 1, "volunteer": 2, "resident": 3}
PEOPLE_NAMES = {"admin": "Quản trị", "volunteer": "Tình nguyện viên", "resident": "Người dân"}


async def run_console(
    settings: Settings,
    lines: TextIO | None = None,
    out: TextIO | None = None,
    *,
    db_path: Path | None = None,
    person: str = "admin",
) -> int:
    """`db_path`: a real database (by default a throwaway one); `person`: who types first.
    The console's admin (id 1) is an admin for this session only. `lines` and `out` are
    stdin and stdout unless given, looked up at the call (a caller may have replaced them)."""
    lines = sys.stdin if lines is None else lines
    out = sys.stdout if out is None else out
    api = StandinBotApi()
    await api.start()
    with tempfile.TemporaryDirectory(prefix="outreach-console-") as tmp:
        local = settings.model_copy(
            update={
                "bot_api_base_url": api.base_url,
                # A throwaway database unless one is named: trying guides never touches data.
                "db_path": db_path or Path(tmp) / "console.db",
                "admin_ids": [*settings.admin_ids, PEOPLE["admin"]],
            }
        )
        app = build_application(local, token=api.token)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        api.deliver = lambda update: app.process_update(Update.de_json(update, app.bot))
        reader = LineReader(lines)
        try:
            session = asyncio.ensure_future(_session(api, app.bot_data, reader, out, person=person))
            with ctrl_c_cancels(session) as interrupted:
                try:
                    await session
                except asyncio.CancelledError:
                    if not interrupted():
                        raise
                    out.write("\n(Ctrl-C) Đã thoát.\n")
        finally:
            await app.shutdown()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)  # the database closes
            await api.stop()
    if api.errors:
        out.write(f"⚠ Bot API errors: {[(c.method, c.description) for c in api.errors]}\n")
        return 1
    return 0


async def _session(
    api: StandinBotApi, data: AppData, reader: LineReader, out: TextIO, *, person: str
) -> None:
    people: dict[str, ConsoleScreen] = {}
    screen = await _person(api, people, person, out)

    async def waits_for_number(user: SimUser) -> bool:
        services = data.services
        if services is None:
            return False
        pending = await services.reach.question_for(services.user_key(user.id), clock.now())
        return pending is not None and pending.kind in NUMBER_ANSWERS

    out.write(INTRO)
    await screen.user.send("/start")
    screen.show_changes()
    while True:
        line = await reader.readline()
        if line is None or line.strip().lower() in ("q", "quit", "exit", "thoat"):
            break
        words = line.split()
        try:
            if len(words) == 2 and words[0] == "/as" and words[1] in PEOPLE:
                screen = await _person(api, people, words[1], out)
                out.write(f"{RULE}\n👤 Bây giờ bạn là: {PEOPLE_NAMES[words[1]]}\n")
                await screen.user.send("/start")
            else:
                await _act(line.strip(), screen, waits_for_number)
            screen.show_changes()
        except Exception as exc:  # the console goes on, whatever one line does
            what = (str(exc).strip().splitlines() or [""])[0][:200]
            out.write(f"⚠ Chưa làm được việc này ({type(exc).__name__}: {what}). Cứ gõ tiếp.\n")
        out.flush()


async def _person(
    api: StandinBotApi, people: dict[str, ConsoleScreen], role: str, out: TextIO
) -> ConsoleScreen:
    """The console's person for `role`; a volunteer joins (through the bot, by an invite the
    console's admin makes) the first time they are needed."""
    if role not in people:
        user = SimUser(api, user_id=PEOPLE[role], first_name=PEOPLE_NAMES[role])
        if role == "volunteer":
            await _join_as_volunteer(api, user)
        people[role] = ConsoleScreen(user, out)
        people[role].show_changes_quietly()
    return people[role]


async def _join_as_volunteer(api: StandinBotApi, user: SimUser) -> None:
    admin = SimUser(api, user_id=PEOPLE["admin"], first_name=PEOPLE_NAMES["admin"])
    await user.send("/mine")
    if "Số liệu" in str(user.last().get("text", "")):
        return  # a member already (a real database from an earlier session)
    await admin.send("/invite 01")  # Hà Nội: in every database, built in
    code = next(
        line.split(":", 1)[1].strip()
        for message in admin.bot_messages()
        for line in str(message.get("text", "")).splitlines()
        if line.startswith(("Mã:", "Code:"))
    )
    await user.send(f"/join {code}")
    await user.send(PEOPLE_NAMES["volunteer"])


_PRESS = re.compile(r"#\s*(\d+)")


async def _act(
    line: str, screen: ConsoleScreen, waits_for_number: Callable[[SimUser], Awaitable[bool]]
) -> None:
    user = screen.user
    if not line:
        return
    if line.startswith(">"):
        await user.send(line[1:].strip() or line)
        return
    if line == "?":
        screen.list_buttons()
        return
    press = _PRESS.fullmatch(line)
    if press:
        await _press(screen, int(press.group(1)))
        return
    if line.isdigit():
        if await waits_for_number(user):
            await user.send(line)
            if 1 <= int(line) <= len(screen.buttons):
                screen.out.write(
                    f"  (bot đang chờ bạn gõ số: đã gửi «{line}»; gõ #{int(line)} để bấm nút)\n"
                )
            return
        await _press(screen, int(line))
        return
    await user.send(line)


async def _press(screen: ConsoleScreen, number: int) -> None:
    if not screen.buttons:
        screen.out.write(
            f"(Chưa có nút nào để bấm. Gõ /start để mở menu, hoặc «> {number}» để gửi số "
            f"{number} cho bot.)\n"
        )
        return
    if not 1 <= number <= len(screen.buttons):
        screen.out.write(
            f"(Không có nút [{number}]: các nút là 1–{len(screen.buttons)}; ? để xem lại. "
            f"Gõ «> {number}» để gửi số {number} cho bot.)\n"
        )
        return
    numbered = screen.buttons[number - 1]
    message = screen.button_now(numbered)
    button = numbered.button
    if message is None:
        screen.out.write(f"(Nút [{number}] «{button['text']}» không còn nữa; ? để xem các nút.)\n")
        return
    if "callback_data" in button:
        await screen.user.press(numbered.index, message)
    elif "switch_inline_query" in button:
        screen.show_inline(await screen.user.inline(button["switch_inline_query"]))
    else:
        screen.out.write(f"(nút mở liên kết: {button.get('url')})\n")
