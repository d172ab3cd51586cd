"""/mine (one's own tallies) and /undo (one's own last record, within a short window)."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain.taps import Answer, TapKind
from bot.telegram.context import BotContext, Press, Who, command, pressed
from bot.telegram.handlers.common import send_text, volunteer_actor
from bot.telegram.views.view import View, answer, confirm_keyboard, edit_in_place, reply


@command
async def mine_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    actor = await volunteer_actor(update, context, lang)
    if actor is None:
        return
    mine = await services.reach.mine.tallies(actor, clock.now())
    text = services.texts.render(
        lang,
        "mine",
        name=mine.name,
        date=clock.format_day(mine.day),
        today=mine.today,
        week=mine.week,
        total=mine.total,
        pending=mine.pending,
    )
    await send_text(update, context, text)


@command
async def undo_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    actor = await volunteer_actor(update, context, lang)
    if actor is None:
        return
    own = services.reach.mine
    offer = await own.undo_offer(actor, clock.now())
    if offer is None:
        await send_text(
            update, context, services.texts.render(lang, "undo_none", minutes=own.undo_minutes)
        )
        return
    text = services.texts.render(
        lang,
        "undo_confirm",
        services=offer.services,
        people=offer.people,
        minutes_ago=offer.minutes_ago,
    )
    keyboard = confirm_keyboard(
        context.services.texts,
        lang,
        TapKind.UNDO,
        str(offer.assist_id),
        "btn_undo_yes",
        "btn_undo_no",
    )
    await reply(update, View(text, keyboard))


@pressed(TapKind.UNDO, numeric_ref=True)
async def on_undo_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap = press.query, press.lang, press.tap
    services = context.services
    if tap.op is not Answer.YES:
        await answer(query)
        await edit_in_place(
            query, View(services.texts.render(lang, "undo_kept"), services.views.menu_only(lang))
        )
        return
    own = services.reach.mine
    removed = await own.undo(press.actor, int(tap.ref), clock.now())
    await answer(query)
    name = "undo_done" if removed else "undo_none"
    await edit_in_place(
        query,
        View(
            services.texts.render(lang, name, minutes=own.undo_minutes),
            services.views.menu_only(lang),
        ),
    )
