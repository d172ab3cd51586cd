"""Plain text: an answer the bot asked for (a name, a phone number), else a search."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers import assist, joining, privacy, search
from bot.outreach import clock


async def on_text(update: Update, context: BotContext) -> None:
    services = context.services
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    pending = await services.pending.get(services.user_key(user.id), clock.now())
    if pending is not None and message.text:
        if pending.kind == "name":
            await joining.on_name(update, context, pending.ref, message.text)
            return
        if pending.kind == "phone":
            await assist.on_phone(update, context, pending.ref, message.text)
            return
        if pending.kind == "forget-phone":
            await privacy.on_forget_phone(update, context, message.text)
            return
    await search.on_text(update, context)
