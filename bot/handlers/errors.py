"""The one error handler: log without personal data, apologise, never raise."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import BotContext
from bot.handlers.common import language_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # The person blocked the bot or left: nothing to say to them.
        log.info("update %s: user unreachable (%s)", update_id, type(error).__name__)
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError):
        log.warning("update %s: Telegram unavailable: %s", update_id, type(error).__name__)
        return
    # The message text is deliberately left out: it may hold personal data.
    log.error("update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or context.bot_data.services is None:
        return
    try:
        lang = await language_of(update, context)
        texts = context.services.texts
        if update.callback_query is not None:
            await update.callback_query.answer(texts.label(lang, "toast_error"))
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(update.effective_chat.id, texts.render(lang, "error"))
    except Exception:  # the apology itself failed; there is nobody left to tell
        log.warning("update %s: could not send the apology", update_id)
