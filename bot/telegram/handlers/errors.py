"""The one error handler: log without personal data, apologise, never raise."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.storage.db import StorageError
from bot.telegram.context import BotContext, language_of
from bot.telegram.views.view import answer

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The person blocked the bot or left: nothing to say to them.
        log.info("update %s: user unreachable (%s)", update_id, type(error).__name__)
        return
    # BadRequest subclasses NetworkError in python-telegram-bot, yet it is our bug, not an outage.
    if isinstance(error, RetryAfter | TimedOut | NetworkError) and not isinstance(
        error, BadRequest
    ):
        log.warning("update %s: Telegram unavailable: %s", update_id, type(error).__name__)
        return
    storage = isinstance(error, StorageError)
    if storage:
        # A full or read-only disk: the transaction was rolled back, so nothing is half-written.
        log.error("update %s: storage refused the write: %s", update_id, error)
    else:
        # The message text is deliberately left out: it may hold personal data.
        log.error("update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or context.bot_data.services is None:
        return
    try:
        lang = await language_of(update, context)
        chat = update.effective_chat
        # A new message, not a callback answer: handlers answer queries first, so a second
        # answer would only be refused as "query is too old".
        if storage and update.callback_query is not None:
            await answer(update.callback_query)  # stop the spinner; the message says why
        if chat is not None and chat.type == "private":
            name = "storage_error" if storage else "error"
            await context.bot.send_message(chat.id, context.services.texts.render(lang, name))
    except Exception:  # the apology itself failed; there is nobody left to tell
        log.warning("update %s: could not send the apology", update_id)
