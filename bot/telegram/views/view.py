"""`View`: one screen as sent to Telegram, its text and its buttons (every view module's
result), and how a view is sent: a new message, an edit in place, and the answer to a press."""

from __future__ import annotations

import functools
import inspect
import json
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject, Update
from telegram.error import BadRequest
from telegram.ext import Defaults, ExtBot
from telegram.warnings import PTBUserWarning

from bot.domain.taps import Answer, Tap, TapKind
from bot.texts.telegram_html import parse_html
from bot.texts.templates import Texts

Row = tuple[tuple[str, str], ...]  # (label, callback data) pairs


class Keyboard:
    """Rows of callback buttons: `rows` for reading, `json` for sending."""

    __slots__ = ("json", "rows")

    def __init__(self, rows: Iterable[Sequence[tuple[str, str]]]) -> None:
        self.rows: tuple[Row, ...] = tuple(tuple(row) for row in rows)
        self.json = json.dumps(
            {
                "inline_keyboard": [
                    [{"text": text, "callback_data": data} for text, data in row]
                    for row in self.rows
                ]
            },
            separators=(",", ":"),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Keyboard) and other.rows == self.rows

    def __hash__(self) -> int:
        return hash(self.rows)

    def __repr__(self) -> str:
        return f"Keyboard({self.rows!r})"

    def shown_as(self, markup: InlineKeyboardMarkup | None) -> bool:
        """Whether a message's keyboard (as Telegram sent it back) is this one: the same
        labels and data, row by row. One action per button, so a button with this data
        has no other."""
        if markup is None or len(markup.inline_keyboard) != len(self.rows):
            return False
        return all(
            len(shown) == len(row)
            and all(
                b.text == text and b.callback_data == data
                for b, (text, data) in zip(shown, row, strict=True)
            )
            for shown, row in zip(markup.inline_keyboard, self.rows, strict=True)
        )


def confirm_keyboard(
    texts: Texts, lang: str, kind: TapKind, ref: str, yes_label: str, no_label: str
) -> Keyboard:
    """The two buttons of a confirmation: YES does it, NO leaves things as they are."""
    return Keyboard(
        [
            [
                (texts.label(lang, yes_label), Tap(kind, ref, Answer.YES).encode()),
                (texts.label(lang, no_label), Tap(kind, ref, Answer.NO).encode()),
            ]
        ]
    )


@dataclass(frozen=True)
class View:
    text: str
    markup: InlineKeyboardMarkup | Keyboard | None

    @cached_property
    def markup_json(self) -> str | None:
        """The keyboard as sent to Telegram, dumped once per view: guide screens are built
        once (see `Views.render`), and dumping their buttons again at every tap was as much
        work as building them."""
        if self.markup is None:
            return None
        if isinstance(self.markup, Keyboard):
            return self.markup.json
        return json.dumps(self.markup.to_dict(), separators=(",", ":"))

    def shown_on(self, markup: InlineKeyboardMarkup | None) -> bool:
        """Whether a message's keyboard, as Telegram sent it back, is this view's."""
        if isinstance(self.markup, Keyboard):
            return self.markup.shown_as(markup)
        return markup == self.markup


# ---- sending a view: a new message, an edit in place, a press answered ----------------------


# Screens are sent with `do_api_request`, which hands back Telegram's answer as it came:
# `send_message` and `edit_message_text` would parse it into a `Message` (the whole screen,
# every button an object) that no handler reads, which cost as much as building the screen.
# python-telegram-bot asks with a warning for its named methods instead; here that is the
# point, so that warning alone is silenced.
_SCREEN_METHODS = ("sendMessage", "editMessageText")


warnings.filterwarnings(
    "ignore", rf"Please use 'Bot\.({'|'.join(_SCREEN_METHODS)})'", PTBUserWarning
)


# A convenience of python-telegram-bot's named methods, not a Bot API parameter.
_NOT_API = frozenset({"do_quote"})


_NAMED: dict[str, Callable[..., object]] = {
    "sendMessage": Bot.send_message,
    "editMessageText": Bot.edit_message_text,
}


@functools.lru_cache(maxsize=8)
def formatting(defaults: Defaults | None, method: str) -> dict[str, Any]:
    """What the bot's one `Defaults` adds to `method`, as the named method would add it:
    every entry of `Defaults.api_defaults` the method takes (HTML and no link previews today;
    a default added there later applies here too), serialised for `do_api_request`."""
    if defaults is None:
        return {}
    takes = inspect.signature(_NAMED[method]).parameters
    params: dict[str, Any] = {}
    for name, value in defaults.api_defaults.items():
        if name in takes and name not in _NOT_API:
            if isinstance(value, TelegramObject):
                value = json.dumps(value.to_dict(), separators=(",", ":"))
            params[name] = value
    return params


async def _send_screen(bot: Bot, method: str, view: View, **target: int) -> None:
    defaults = bot.defaults if isinstance(bot, ExtBot) else None
    params: dict[str, Any] = {**target, "text": view.text, **formatting(defaults, method)}
    if view.markup_json is not None:
        params["reply_markup"] = view.markup_json  # sent as is: already JSON
    await bot.do_api_request(method, api_kwargs=params)


async def reply(update: Update, view: View) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await _send_screen(update.get_bot(), "sendMessage", view, chat_id=chat.id)


async def edit_in_place(query: CallbackQuery, view: View) -> None:
    """Edit the message the button sits on; fall back to a new message if that is impossible."""
    message = query.message
    bot = query.get_bot()
    if isinstance(message, Message):
        # The markup first: it is cheaper to compare, and differs after most presses.
        if view.shown_on(message.reply_markup) and message.text == parse_html(view.text):
            return  # the same button pressed twice: the screen is already right
        try:
            await _send_screen(
                bot,
                "editMessageText",
                view,
                chat_id=message.chat.id,
                message_id=message.message_id,
            )
            return
        except BadRequest as exc:
            text = str(exc).lower()
            if "message is not modified" in text:
                return  # a race with another press: the screen is already right
            if "message to edit not found" not in text and "can't be edited" not in text:
                raise
    await _send_screen(bot, "sendMessage", view, chat_id=query.from_user.id)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; an already-answered query (a redelivered update) is not an error.

    Telegram refuses a second answer to the same press ("query is too old"); the work the
    press asked for has been done or is refused idempotently, so there is nothing to report.
    """
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if (
            "query is too old" not in str(exc).lower()
            and "query id is invalid" not in str(exc).lower()
        ):
            raise
