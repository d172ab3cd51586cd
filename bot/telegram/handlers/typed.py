"""Plain text: an answer the bot asked for (a name, a phone number), else a search."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.telegram.context import BotContext
from bot.telegram.handlers import activities, assist, joining, plans, privacy, search


async def on_text(update: Update, context: BotContext) -> None:
    services = context.services
    message = update.effective_message
    assert message is not None
    key = (await context.who(update)).actor.user_key
    question = await services.reach.question_for(key, clock.now())
    if question is not None and message.text:
        if question.kind == "name":
            await joining.on_name(update, context, question.ref, message.text)
            return
        if question.kind == "phone":
            await assist.on_phone(update, context, question.ref, message.text)
            return
        if question.kind == "activity-title":
            await activities.on_title(update, context, question.ref, message.text)
            return
        if question.kind == "headcount":
            await activities.on_headcount(update, context, question.ref, message.text)
            return
        if question.kind == "rename":
            await joining.on_rename(update, context, message.text)
            return
        if question.kind == "forget-phone":
            await privacy.on_forget_phone(update, context, message.text)
            return
        if question.kind == "unit-search":  # the assist form's unit picker is open
            await assist.on_unit_search(update, context, question.ref, message.text)
            return
        if question.kind == "campaign-new":  # «➕ Đợt mới»: a name and dates
            await plans.on_campaign_text(update, context, question.ref, message.text)
            return
        if question.kind == "count" and await assist.on_count(
            update, context, question.ref, message.text
        ):
            return  # else the text was no count: a search, and the form still listens
    # Searched, unless it holds a private value (a phone or ID number, an email, a
    # password): then it is deleted and never searched, echoed or kept (search._answer).
    await search.on_text(update, context, asked=question is not None)


async def end_question(update: Update, context: BotContext) -> None:
    """Any command ends an open question (a name, a phone number): after `/join CODE`, a
    `/start` and then a search must not become the person's display name."""
    if update.effective_user is not None:
        key = (await context.who(update)).actor.user_key
        await context.services.reach.drop_question(key)
