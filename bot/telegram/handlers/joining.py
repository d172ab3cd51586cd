"""Joining by invite: `/join <code>` or the invite's deep link, then a display name."""

from __future__ import annotations

from telegram import Update

from bot.reach.domain import clock
from bot.reach.services.joining import AskName, Joined, JoinRefused, NameInvalid
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import language_of, send_text


async def join_command(update: Update, context: BotContext) -> None:
    if not context.args:
        lang = await language_of(update, context)
        await send_text(update, context, context.services.texts.render(lang, "join_usage"))
        return
    await begin(update, context, context.args[0])


async def begin(update: Update, context: BotContext, code_text: str) -> None:
    """Check the code now (so a bad one is refused at once), then ask for a display name."""
    services = context.services
    lang = await language_of(update, context)
    assert update.effective_user is not None
    key = services.user_key(update.effective_user.id)
    result = await services.reach.joining.begin(key, code_text, clock.now())
    render = services.texts.render
    match result:
        case AskName(unit_name, role):
            await send_text(
                update, context, render(lang, "join_ask_name", unit_name=unit_name, role=role)
            )
        case JoinRefused(reason):
            await send_text(update, context, render(lang, "join_invalid", reason=reason))


async def on_name(update: Update, context: BotContext, code: str, text: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    assert update.effective_user is not None
    key = services.user_key(update.effective_user.id)
    result = await services.reach.joining.name(key, code, text, clock.now())
    render = services.texts.render
    match result:
        case NameInvalid(limit):
            await send_text(update, context, render(lang, "name_invalid", limit=limit))
        case JoinRefused(reason):
            await send_text(update, context, render(lang, "join_invalid", reason=reason))
        case Joined(name, unit_name, role):
            done = render(lang, "join_done", name=name, unit_name=unit_name, role=role)
            await send_text(update, context, done)
