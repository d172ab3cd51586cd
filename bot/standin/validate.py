"""Telegram's checks on what a bot sends, each returning Telegram's error text or None."""

from __future__ import annotations

import re
from typing import Any

from bot.texts.telegram_html import (
    MAX_CALLBACK_ANSWER,
    check_callback_data,
    check_message_text,
    text_length,
)

_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_START_PARAMETER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_BUTTONS = 100
MAX_ROW = 8


def reply_markup(markup: Any) -> str | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        return "Bad Request: can't parse reply keyboard markup JSON object"
    if "inline_keyboard" not in markup:
        allowed = {"keyboard", "remove_keyboard", "force_reply"}
        return None if allowed & markup.keys() else "Bad Request: unsupported reply markup"
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        return 'Bad Request: field "inline_keyboard" must be an Array of Array'
    buttons = [b for row in rows for b in row]
    if len(buttons) > MAX_BUTTONS or any(len(row) > MAX_ROW for row in rows):
        return "Bad Request: reply markup is too long"
    for button in buttons:
        problem = _button(button)
        if problem:
            return problem
    return None


def _button(button: Any) -> str | None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        return "Bad Request: can't parse inline keyboard button: Text must be a String"
    if not button["text"].strip():
        return "Bad Request: BUTTON_TEXT_EMPTY"
    actions = [a for a in _BUTTON_ACTIONS if a in button]
    if len(actions) != 1:
        return "Bad Request: can't parse inline keyboard button: exactly one action is required"
    action = actions[0]
    value = button[action]
    if action == "callback_data":
        return (
            check_callback_data(value)
            if isinstance(value, str)
            else ("Bad Request: BUTTON_DATA_INVALID")
        )
    if action == "url" and not (
        isinstance(value, str) and re.match(r"^(https?|tg)://[^\s]+$", value)
    ):
        return "Bad Request: BUTTON_URL_INVALID"
    if (
        action.startswith("switch_inline_query")
        and action != "switch_inline_query_chosen_chat"
        and not isinstance(value, str)
    ):
        return "Bad Request: can't parse inline keyboard button: switch_inline_query must be String"
    return None


def text_and_mode(text: Any, parse_mode: Any) -> str | None:
    if not isinstance(text, str):
        return "Bad Request: message text is empty"
    if parse_mode not in (None, "HTML"):
        return f"Bad Request: the stand-in supports only HTML parse mode, not {parse_mode!r}"
    return check_message_text(text, html_mode=parse_mode == "HTML")


def callback_answer(text: Any) -> str | None:
    if text is not None and (not isinstance(text, str) or text_length(text) > MAX_CALLBACK_ANSWER):
        return "Bad Request: MESSAGE_TOO_LONG"
    return None


def commands(value: Any) -> str | None:
    if not isinstance(value, list) or len(value) > 100:
        return "Bad Request: commands must be an Array of at most 100 BotCommand"
    for command in value:
        if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command", ""))):
            return "Bad Request: BOT_COMMAND_INVALID"
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            return "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
    return None


def inline_results(results: Any, button: Any) -> str | None:
    if not isinstance(results, list):
        return "Bad Request: results must be an Array"
    if len(results) > 50:
        return "Bad Request: RESULTS_TOO_MUCH"
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict) or result.get("type") != "article":
            return "Bad Request: the stand-in checks only article results"
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
            return "Bad Request: RESULT_ID_INVALID"
        if result_id in seen:
            return "Bad Request: RESULT_ID_DUPLICATE"
        seen.add(result_id)
        if not isinstance(result.get("title"), str) or not result["title"].strip():
            return "Bad Request: RESULT_TITLE_EMPTY"
        content = result.get("input_message_content")
        if not isinstance(content, dict):
            return "Bad Request: input_message_content is required"
        problem = text_and_mode(content.get("message_text"), content.get("parse_mode"))
        if problem:
            return problem
        problem = reply_markup(result.get("reply_markup"))
        if problem:
            return problem
    if button is not None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            return "Bad Request: can't parse InlineQueryResultsButton"
        parameter = button.get("start_parameter")
        if parameter is not None and not _START_PARAMETER.match(str(parameter)):
            return "Bad Request: START_PARAM_INVALID"
    return None
