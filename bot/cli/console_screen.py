"""What the console prints: the chat's new and edited messages with their buttons numbered
across one reply, inline answers, and which button each number presses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from bot.standin import SimUser
from bot.standin.api import JSONDict
from bot.texts.telegram_html import parse_html

RULE = "─" * 60


def shown_text(message: JSONDict) -> str:
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
            first_line = shown_text(message).strip().split("\n", 1)[0]
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
        self.out.write(f"{RULE}\n{heading}\n{shown_text(message)}\n")
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
    return shown_text(message), repr(message.get("reply_markup"))
