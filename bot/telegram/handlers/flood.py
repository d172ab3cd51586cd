"""Runs before every other handler (group -2): drops a person's updates beyond the limit."""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.domain.taps import TapKind, kind_of
from bot.telegram.context import BotContext
from bot.telegram.flood import Verdict
from bot.telegram.handlers.common import answer, language_of, send_text


async def flood_check(update: Update, context: BotContext) -> None:
    user = update.effective_user
    services = context.bot_data.services
    if user is None or services is None:
        return
    query = update.callback_query
    # A press on an assist form: counted against the forms' own, larger budget.
    form_press = query is not None and kind_of(query.data) is TapKind.ASSIST
    gate = services.form_flood if form_press else services.flood
    verdict = gate.check(user.id, time.monotonic())
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTIFY:
        lang = await language_of(update, context)
        if update.callback_query is not None:
            await answer(update.callback_query, services.texts.label(lang, "toast_flood"))
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await send_text(update, context, services.texts.render(lang, "flood_notice"))
    raise ApplicationHandlerStop
