"""Plain text: an answer the bot asked for (a name, a phone number), else a search."""

from __future__ import annotations

from telegram import Update

from bot.reach.domain import clock
from bot.reach.domain.privacy import looks_like_personal_number
from bot.telegram.context import BotContext
from bot.telegram.handlers import activities, assist, joining, privacy, search
from bot.telegram.handlers.common import delete_quietly, language_of, send_text


async def on_text(update: Update, context: BotContext) -> None:
    services = context.services
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    pending = await services.reach.waiting_for(services.user_key(user.id), clock.now())
    if pending is not None and message.text:
        if pending.kind == "name":
            await joining.on_name(update, context, pending.ref, message.text)
            return
        if pending.kind == "phone":
            await assist.on_phone(update, context, pending.ref, message.text)
            return
        if pending.kind == "activity-title":
            await activities.on_title(update, context, pending.ref, message.text)
            return
        if pending.kind == "headcount":
            await activities.on_headcount(update, context, pending.ref, message.text)
            return
        if pending.kind == "rename":
            await joining.on_rename(update, context, message.text)
            return
        if pending.kind == "forget-phone":
            await privacy.on_forget_phone(update, context, message.text)
            return
        if pending.kind == "count" and await assist.on_count(
            update, context, pending.ref, message.text
        ):
            return  # else the text was no count: a search, and the form still listens
    if message.text and looks_like_personal_number(message.text):
        # A phone or ID number typed outside a form: never searched, echoed or kept.
        await delete_quietly(message)
        lang = await language_of(update, context)
        await send_text(update, context, services.texts.render(lang, "personal_number"))
        return
    await search.on_text(update, context)


async def end_waiting(update: Update, context: BotContext) -> None:
    """Any command ends a pending question (a name, a phone number): after `/join CODE`, a
    `/start` and then a search must not become the person's display name."""
    user = update.effective_user
    if user is not None:
        await context.services.reach.stop_waiting(context.services.user_key(user.id))
