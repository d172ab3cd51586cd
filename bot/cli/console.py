"""`outreach-bot console`: chat with the real bot in a terminal, with no token and no network.

The same application as production runs against the built-in stand-in Bot API on loopback;
each line typed becomes a Telegram update and is processed to completion before the screen
is printed, so what an editor sees is exactly what a phone would show.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.standin import SimUser, StandinBotApi
from bot.standin.api import JSONDict
from bot.texts.telegram_html import parse_html

RULE = "─" * 60


def _shown_text(message: JSONDict) -> str:
    """A photo (a QR code, a step picture) has a caption instead of text."""
    if "photo" in message:
        return f"🖼 [ảnh / photo] {message.get('caption', '')}"
    if "document" in message:
        return f"📎 [tệp / file] {message['document']['file_name']}"
    return str(message.get("text", ""))


class ConsoleScreen:
    """Prints what changed in the chat since the last action, with numbered buttons."""

    def __init__(self, user: SimUser, out: TextIO) -> None:
        self.user = user
        self.out = out
        self._seen: dict[int, tuple[str, str]] = {}
        self.buttons: list[JSONDict] = []
        self._answers_seen = 0

    def show_changes_quietly(self) -> None:
        """Take what is already in the chat as seen (set-up messages are not shown)."""
        self._answers_seen = len(self.user.api.callback_answers)
        for message in self.user.bot_messages():
            state = (_shown_text(message), repr(message.get("reply_markup")))
            self._seen[message["message_id"]] = state

    def show_changes(self) -> None:
        answers = list(self.user.api.callback_answers.values())
        for answer in answers[self._answers_seen :]:
            if answer.get("text"):
                self.out.write(f"  💬 {answer['text']}\n")
        self._answers_seen = len(answers)
        for message in self.user.bot_messages():
            state = (_shown_text(message), repr(message.get("reply_markup")))
            if self._seen.get(message["message_id"]) == state:
                continue
            edited = message["message_id"] in self._seen
            self._seen[message["message_id"]] = state
            self._print_message(message, edited)
        # Numbers press the buttons of the last message that has any (a plain message after
        # a screen must not turn "1" into a search).
        with_buttons = [m for m in self.user.bot_messages() if SimUser.buttons(m)]
        self.buttons = SimUser.buttons(with_buttons[-1]) if with_buttons else []

    def _print_message(self, message: JSONDict, edited: bool) -> None:
        heading = "✎ (sửa tại chỗ)" if edited else "🤖 Bot"
        self.out.write(f"{RULE}\n{heading}\n{_shown_text(message)}\n")
        for number, button in enumerate(SimUser.buttons(message), start=1):
            extra = f"  → {button['url']}" if "url" in button else ""
            self.out.write(f"  [{number}] {button['text']}{extra}\n")
        self.out.flush()

    def show_inline(self, answer: JSONDict) -> None:
        self.out.write(f"{RULE}\n📤 Kết quả chia sẻ (inline):\n")
        for result in answer["results"][:5]:
            self.out.write(f"  • {result['title']} — {result.get('description', '')}\n")
        if answer["results"]:
            first = answer["results"][0]
            card = parse_html(first["input_message_content"]["message_text"])
            self.out.write(f"Thẻ sẽ được gửi vào cuộc trò chuyện:\n{card}\n")
            for button in first.get("reply_markup", {}).get("inline_keyboard", [[]])[0]:
                self.out.write(f"  [{button['text']}] → {button.get('url', '')}\n")
        self.out.flush()


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
        people: dict[str, ConsoleScreen] = {}
        try:
            screen = await _person(api, people, person, out)
            out.write(
                "Xem trước bot — không cần token, không cần mạng.\n"
                "Gõ số để bấm nút, gõ chữ để tìm (vd: quen mat khau vneid), /start để mở menu,\n"
                "'> 123456' để gửi nguyên văn, '/as resident|volunteer|admin' để đổi người,\n"
                "q hoặc Ctrl-D để thoát.\n"
            )
            await screen.user.send("/start")
            screen.show_changes()
            while True:
                line = await _read_line(lines)
                if line is None or line.strip().lower() in ("q", "quit", "exit", "thoat"):
                    break
                words = line.split()
                if len(words) == 2 and words[0] == "/as" and words[1] in PEOPLE:
                    screen = await _person(api, people, words[1], out)
                    out.write(f"{RULE}\n👤 Bây giờ bạn là: {PEOPLE_NAMES[words[1]]}\n")
                    await screen.user.send("/start")
                    screen.show_changes()
                    continue
                await _act(line.strip(), screen.user, screen)
                screen.show_changes()
        finally:
            await app.shutdown()
            assert app.post_shutdown is not None
            await app.post_shutdown(app)
            await api.stop()
    if api.errors:
        out.write(f"⚠ Bot API errors: {[(c.method, c.description) for c in api.errors]}\n")
        return 1
    return 0


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


async def _read_line(lines: TextIO) -> str | None:
    if lines is sys.stdin and sys.stdin.isatty():
        sys.stdout.write("> ")
        sys.stdout.flush()
    line = await asyncio.get_running_loop().run_in_executor(None, lines.readline)
    return line.rstrip("\n") if line else None


async def _act(line: str, user: SimUser, screen: ConsoleScreen) -> None:
    if not line:
        return
    if line.startswith(">"):
        await user.send(line[1:].strip() or line)
        return
    if line.isdigit() and 1 <= int(line) <= len(screen.buttons):
        button = screen.buttons[int(line) - 1]
        if "callback_data" in button:
            await user.press(int(line) - 1)
        elif "switch_inline_query" in button:
            screen.show_inline(await user.inline(button["switch_inline_query"]))
        else:
            screen.out.write(f"(nút mở liên kết: {button.get('url')})\n")
        return
    await user.send(line)
