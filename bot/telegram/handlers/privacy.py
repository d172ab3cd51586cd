"""/privacy explains what is kept; /forget and /forgetphone erase it."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.refusal import Refusal
from bot.domain.taps import Answer, TapKind
from bot.telegram.context import BotContext, Press, Who, actor_of, command, language_of, pressed
from bot.telegram.handlers.common import (
    delete_quietly,
    send_text,
    tell_refusal,
    volunteer_actor,
)
from bot.telegram.views.view import View, answer, confirm_keyboard, edit_in_place, reply


@command
async def privacy_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    settings = context.services.settings
    text = context.services.texts.render(
        lang,
        "privacy",
        undo_minutes=settings.undo_minutes,
        gaps_days=settings.search_gaps_days,
    )
    await send_text(update, context, text)


@command
async def forget_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    keyboard = confirm_keyboard(
        context.services.texts, lang, TapKind.FORGET, "me", "btn_forget_yes", "btn_forget_no"
    )
    await reply(update, View(services.texts.render(lang, "forget_confirm"), keyboard))


@pressed(TapKind.FORGET)
async def on_forget_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang = press.query, press.lang
    services = context.services
    await answer(query)
    if press.tap.op is not Answer.YES:
        await edit_in_place(
            query,
            View(services.texts.render(lang, "forget_cancelled"), services.views.menu_only(lang)),
        )
        return
    # The button erases only the presser's own data: whose it is comes from Telegram's
    # sender field, never from the button, so forged data cannot erase anyone else.
    key = press.actor.user_key
    erased = await services.reach.erasure.forget(key, clock.now())
    context.changed_who()
    services.recent_searches.forget(key)
    services.reach.guide_stats.forget(key)
    lang = services.settings.default_language
    text = services.texts.render(
        lang,
        "forget_done",
        self_serve=erased.self_serve,
        profile=erased.profile,
        preferences=erased.preferences,
        attendance=erased.attendance,
    )
    await edit_in_place(query, View(text, services.views.menu_only(lang)))


@command
async def forget_phone_command(update: Update, context: BotContext, who: Who) -> None:
    """A volunteer, sitting with a resident, erases that resident's phone-number code."""
    services = context.services
    lang = who.lang
    actor = await volunteer_actor(update, context, lang)
    if actor is None:
        return
    await services.reach.erasure.ask_phone(actor, clock.now())
    await send_text(update, context, services.texts.render(lang, "forget_phone_ask"))


async def on_forget_phone(update: Update, context: BotContext, text: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    await delete_quietly(message)
    key = (await actor_of(update, context)).user_key
    try:
        rows = await services.reach.erasure.forget_phone(key, text, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await send_text(update, context, services.texts.render(lang, "forget_phone_done", rows=rows))
