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
import codecs
import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from telegram import Update

from bot import clock
from bot.app import build_application
from bot.config import Settings
from bot.standin import SimUser, StandinBotApi
from bot.standin.api import JSONDict
from bot.telegram.context import AppData
from bot.texts.telegram_html import parse_html

RULE = "─" * 60

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

# What the bot may ask a person to type that is a number (see bot/storage/pending.py): then a
# typed number is the answer, not a button.
NUMBER_ANSWERS = frozenset({"count", "headcount", "phone", "forget-phone"})


def _shown_text(message: JSONDict) -> str:
    """A photo (a QR code, a step picture) has a caption instead of text."""
    if "photo" in message:
        return f"🖼 [ảnh / photo] {message.get('caption', '')}"
    if "document" in message:
        return f"📎 [tệp / file] {message['document']['file_name']}"
    return str(message.get("text", ""))


@dataclass(frozen=True)
class Numbered:
    """A button as numbered on screen: which message it is on, and where."""

    message_id: int
    index: int  # among the message's buttons
    button: JSONDict


class ConsoleScreen:
    """Prints what changed in the chat since the last action, with numbered buttons."""

    def __init__(self, user: SimUser, out: TextIO) -> None:
        self.user = user
        self.out = out
        self._seen: dict[int, tuple[str, str]] = {}
        self.buttons: list[Numbered] = []
        self._answers_seen = 0

    def show_changes_quietly(self) -> None:
        """Take what is already in the chat as seen (set-up messages are not shown)."""
        self._answers_seen = len(self.user.api.callback_answers)
        for message in self.user.bot_messages():
            self._seen[message["message_id"]] = _state(message)

    def show_changes(self) -> None:
        answers = list(self.user.api.callback_answers.values())
        for answer in answers[self._answers_seen :]:
            if answer.get("text"):
                self.out.write(f"  💬 {answer['text']}\n")
        self._answers_seen = len(answers)
        shown: list[Numbered] = []
        for message in self.user.bot_messages():
            state = _state(message)
            if self._seen.get(message["message_id"]) == state:
                continue
            edited = message["message_id"] in self._seen
            self._seen[message["message_id"]] = state
            numbered = [
                Numbered(message["message_id"], index, button)
                for index, button in enumerate(SimUser.buttons(message))
            ]
            self._print_message(message, edited, numbered, first=len(shown) + 1)
            shown += numbered
        if shown:
            # One reply's buttons, numbered across its messages: a report (1–8) and the
            # summary after it (9 = «🏠 Menu») are both reachable.
            self.buttons = shown
            return
        # A reply with no buttons (a picture, a file, a plain answer): numbers still press
        # the buttons shown before, as long as they are there.
        self.buttons = [n for n in self.buttons if self.button_now(n) is not None]
        if not self.buttons:
            with_buttons = [m for m in self.user.bot_messages() if SimUser.buttons(m)]
            if with_buttons:
                last = with_buttons[-1]
                self.buttons = [
                    Numbered(last["message_id"], index, button)
                    for index, button in enumerate(SimUser.buttons(last))
                ]

    def button_now(self, numbered: Numbered) -> JSONDict | None:
        """The message, if it still shows that button where it was."""
        message = self.user.private.messages.get(numbered.message_id)
        if message is None:
            return None
        buttons = SimUser.buttons(message)
        if numbered.index < len(buttons) and buttons[numbered.index] == numbered.button:
            return message
        return None

    def list_buttons(self, messages: int = 3) -> None:
        """Show again the buttons of the last few messages that have any, numbered across
        them; the numbers then press those (a report's buttons after its files were sent)."""
        with_buttons = [m for m in self.user.bot_messages() if SimUser.buttons(m)][-messages:]
        if not with_buttons:
            self.out.write("(Chưa có nút nào để bấm. Gõ /start để mở menu.)\n")
            self.buttons = []
            return
        self.out.write(f"{RULE}\nCác nút của {len(with_buttons)} tin nhắn gần nhất có nút:\n")
        shown: list[Numbered] = []
        for message in with_buttons:
            first_line = _shown_text(message).strip().split("\n", 1)[0]
            self.out.write(f"• {first_line[:70]}\n")
            for index, button in enumerate(SimUser.buttons(message)):
                shown.append(Numbered(message["message_id"], index, button))
                self.out.write(f"  [{len(shown)}] {button['text']}\n")
        self.buttons = shown
        self.out.flush()

    def _print_message(
        self, message: JSONDict, edited: bool, numbered: list[Numbered], first: int
    ) -> None:
        heading = "✎ (sửa tại chỗ)" if edited else "🤖 Bot"
        self.out.write(f"{RULE}\n{heading}\n{_shown_text(message)}\n")
        for number, item in enumerate(numbered, start=first):
            button = item.button
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


def _state(message: JSONDict) -> tuple[str, str]:
    return _shown_text(message), repr(message.get("reply_markup"))


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
            with _ctrl_c_cancels(session) as interrupted:
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
        pending = await services.reach.waiting_for(services.user_key(user.id), clock.now())
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


@contextlib.contextmanager
def _ctrl_c_cancels(task: asyncio.Future[None]) -> Iterator[Callable[[], bool]]:
    """Ctrl-C cancels `task` at once, even while waiting for a line (where a thread reading
    stdin would hold it until Enter). Only the main thread may handle signals: elsewhere
    (a test's worker thread) this does nothing."""
    loop = asyncio.get_running_loop()
    pressed: list[bool] = []
    before = signal.getsignal(signal.SIGINT)

    def on_sigint() -> None:
        pressed.append(True)
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_sigint)
    except (ValueError, RuntimeError, NotImplementedError):
        yield lambda: bool(pressed)
        return
    try:
        yield lambda: bool(pressed)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if before is not None:
            signal.signal(signal.SIGINT, before)  # asyncio.run's own, or a test runner's


class LineReader:
    """Lines from `lines`. A terminal or a pipe is watched by the event loop, so that nothing
    blocks and Ctrl-C is seen at once; anything else (a file, a test's StringIO) is read in a
    thread, which never waits long for those."""

    def __init__(self, lines: TextIO) -> None:
        self.lines = lines
        self._fd = _pollable_fd(lines)
        encoding = getattr(lines, "encoding", None) or "utf-8"
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._buffer = ""
        self._eof = False

    async def readline(self) -> str | None:
        if self.lines is sys.stdin and sys.stdin.isatty():
            sys.stdout.write("> ")
            sys.stdout.flush()
        if self._fd is None:
            line = await asyncio.get_running_loop().run_in_executor(None, self.lines.readline)
            return line.rstrip("\n") if line else None
        while "\n" not in self._buffer and not self._eof:
            await self._readable()
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:  # the terminal went away: as the end of input
                chunk = b""
            self._eof = not chunk
            self._buffer += self._decoder.decode(chunk, final=not chunk)
        if "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            return line
        line, self._buffer = self._buffer, ""
        return line or None

    async def _readable(self) -> None:
        assert self._fd is not None
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(self._fd, wake)
        try:
            await ready
        finally:
            loop.remove_reader(self._fd)  # also when Ctrl-C cancels the wait


def _pollable_fd(lines: TextIO) -> int | None:
    """The descriptor of a terminal, pipe or socket (what an event loop can watch), else
    None."""
    if sys.platform == "win32":
        return None
    try:
        fd = lines.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return None
    if stat.S_ISCHR(mode) and not os.isatty(fd):
        return None  # /dev/null: always readable, read in a thread
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode):
        return fd
    return None


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
