"""Screens go out through `do_api_request` (bot/telegram/views/view.py), bypassing the
named methods that would apply the bot's `Defaults`: they must take every applicable default
from the one `Defaults` object all the same, so that a default added later is not skipped."""

from __future__ import annotations

import json
from pathlib import Path

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.app import build_application
from bot.telegram.views.view import formatting
from tests.conftest import make_settings


def test_the_bots_own_defaults_reach_both_screen_methods(tmp_path: Path) -> None:
    app = build_application(make_settings(tmp_path, "http://127.0.0.1:9"), token="1:x")
    assert isinstance(app.bot, ExtBot)
    defaults = app.bot.defaults
    for method in ("sendMessage", "editMessageText"):
        params = formatting(defaults, method)
        assert params["parse_mode"] == ParseMode.HTML
        assert json.loads(params["link_preview_options"]) == {"is_disabled": True}


def test_a_default_added_later_is_applied_where_the_method_takes_it() -> None:
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        disable_notification=True,
        protect_content=True,
        do_quote=True,  # python-telegram-bot's own convenience: never sent as a parameter
    )
    sent = formatting(defaults, "sendMessage")
    assert sent["disable_notification"] is True and sent["protect_content"] is True
    assert "do_quote" not in sent
    edited = formatting(defaults, "editMessageText")  # an edit takes neither
    assert set(edited) == {"parse_mode", "link_preview_options"}
    assert formatting(None, "sendMessage") == {}
