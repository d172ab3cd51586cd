"""`View`: one screen as sent to Telegram, its text and its buttons (every view module's result)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from telegram import InlineKeyboardMarkup

from bot.telegram.views.keyboard import Keyboard


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
