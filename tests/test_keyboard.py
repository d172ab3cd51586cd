"""The assist form's keyboard, written as JSON without python-telegram-bot's objects, is what
python-telegram-bot would have sent, and is recognised when Telegram sends it back."""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.views.view import Keyboard, View

ROWS = [
    [("⬇ Dịch vụ", "1|a|tok|h|svc")],
    [("● VNeID mức 1", "1|a|tok|s|v1"), ("Ký số / SmartCA", "1|a|tok|s|sg")],
    [("✅ Người dân đồng ý – Lưu", "1|a|tok|y|")],
]


def ptb(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def test_the_json_is_what_python_telegram_bot_sends() -> None:
    assert json.loads(Keyboard(ROWS).json) == ptb(ROWS).to_dict()


def test_a_view_dumps_either_kind_of_keyboard_once() -> None:
    for markup in (Keyboard(ROWS), ptb(ROWS)):
        view = View("x", markup)
        assert json.loads(view.markup_json or "") == ptb(ROWS).to_dict()
        assert view.markup_json is view.markup_json  # cached
    assert View("x", None).markup_json is None


def test_a_keyboard_is_recognised_on_the_message_it_was_sent_with() -> None:
    keyboard = Keyboard(ROWS)
    sent_back = InlineKeyboardMarkup.de_json(json.loads(keyboard.json), None)
    assert keyboard.shown_as(sent_back)
    assert View("x", keyboard).shown_on(sent_back)
    assert not keyboard.shown_as(None)


def test_any_difference_is_seen() -> None:
    keyboard = Keyboard(ROWS)
    relabelled = [row[:] for row in ROWS]
    relabelled[1][0] = ("VNeID mức 1", "1|a|tok|s|v1")
    other_data = [row[:] for row in ROWS]
    other_data[2][0] = ("✅ Người dân đồng ý – Lưu", "1|a|tok|a|")
    for different in (relabelled, other_data, ROWS[:2], [*ROWS[:2], [*ROWS[2], ROWS[2][0]]]):
        assert not keyboard.shown_as(ptb(different))
    url = InlineKeyboardMarkup([[InlineKeyboardButton("⬇ Dịch vụ", url="https://t.me/x")]])
    assert not Keyboard(ROWS[:1]).shown_as(url)


def test_keyboards_compare_by_their_buttons() -> None:
    assert Keyboard(ROWS) == Keyboard([list(row) for row in ROWS])
    assert hash(Keyboard(ROWS)) == hash(Keyboard(ROWS))
    assert Keyboard(ROWS) != Keyboard(ROWS[:1])
