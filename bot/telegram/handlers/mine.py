"""/mine (one's own tallies) and /undo (one's own last record, within a short window)."""

from __future__ import annotations

from telegram import Update

from bot.reach.domain import clock
from bot.reach.domain.catalog import services_from_mask
from bot.telegram.callback_data import TapKind
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    answer,
    confirm_keyboard,
    edit_in_place,
    language_of,
    reply,
    send_text,
    tap_of,
)
from bot.telegram.handlers.roles import actor_of, volunteer_or_explain
from bot.telegram.views.guides import View


async def mine_command(update: Update, context: BotContext) -> None:
    services = context.services
    lang = await language_of(update, context)
    member = await volunteer_or_explain(update, context, lang)
    if member is None:
        return
    today = clock.vn_date(clock.now())
    tallies = {
        "today": await services.assists.tally(member.id, clock.day_start(today)),
        "week": await services.assists.tally(member.id, clock.day_start(clock.week_start(today))),
        "total": await services.assists.tally(member.id, 0),
    }
    text = services.texts.render(
        lang, "mine", name=member.display_name, date=clock.format_day(today), **tallies
    )
    await send_text(update, text)


async def undo_command(update: Update, context: BotContext) -> None:
    services = context.services
    lang = await language_of(update, context)
    member = await volunteer_or_explain(update, context, lang)
    if member is None:
        return
    window = services.settings.undo_minutes
    last = await services.assists.last_of(member.id)
    now = clock.now()
    if last is None or last.created_at < now - window * 60:
        await send_text(update, services.texts.render(lang, "undo_none", minutes=window))
        return
    text = services.texts.render(
        lang,
        "undo_confirm",
        services=services_from_mask(last.services),
        people=last.people,
        minutes_ago=max(0, (now - last.created_at) // 60),
    )
    keyboard = confirm_keyboard(
        context, lang, TapKind.UNDO, str(last.id), "btn_undo_yes", "btn_undo_no"
    )
    await reply(update, View(text, keyboard))


async def on_undo_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context, numeric_ref=True)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    assist_id = int(tap.ref)
    member = (await actor_of(update, context)).volunteer
    if tap.op != "y" or member is None:
        await answer(query)
        await edit_in_place(query, View(services.texts.render(lang, "undo_kept"), None))
        return
    not_before = clock.now() - services.settings.undo_minutes * 60
    # The delete itself checks owner and age: a forged id removes nothing of anyone else's.
    removed = await services.assists.undo(assist_id, member.id, not_before)
    await answer(query)
    name = "undo_done" if removed else "undo_none"
    text = services.texts.render(lang, name, minutes=services.settings.undo_minutes)
    await edit_in_place(query, View(text, None))
