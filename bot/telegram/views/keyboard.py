"""An inline keyboard of callback buttons as Telegram's JSON, without python-telegram-bot's
objects.

The assist form carries about thirty buttons and is built anew at every press. As
`InlineKeyboardButton`s, building them, turning them back into dicts and dumping those was
most of the time the bot itself spent on a press (bench/e2e_bench.py; about 1.2 ms of 9).
Here the JSON is written once, when the keyboard is made, from plain strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

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
