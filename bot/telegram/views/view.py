"""`View`: one screen as sent to Telegram, its text and its buttons (every view module's result)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from telegram import InlineKeyboardMarkup

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
