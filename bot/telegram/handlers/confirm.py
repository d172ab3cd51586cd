"""Resident-confirmed assists: «🔗 Người dân xác nhận» on the saved screen gives the volunteer
a one-time link and QR code; the resident opens it and confirms (see
`bot.services.confirmations`)."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain import deep_links
from bot.domain.refusal import Refusal
from bot.domain.taps import ConfirmOp, TapKind
from bot.reports.qr import qr_png
from bot.telegram.context import BotContext, Press, pressed
from bot.telegram.handlers.common import answer_refusal, refusal_text, tell_refusal
from bot.telegram.views.view import View, answer, edit_in_place, reply


@pressed(TapKind.CONFIRM)
async def on_confirm_tap(update: Update, context: BotContext, press: Press) -> None:
    """LINK: the volunteer asks for the link (ref: the assist); YES: the resident
    confirms (ref: the link's token, arg: a rating or nothing)."""
    query, lang, tap = press.query, press.lang, press.tap
    services = context.services
    render = services.texts.render
    if tap.op is ConfirmOp.LINK:
        if not tap.ref.isdigit():
            await answer(query, services.texts.label(lang, "toast_stale_form"))
            return
        try:
            made = await services.reach.confirmations.make_link(
                press.actor, int(tap.ref), clock.now()
            )
        except Refusal as refusal:
            await answer_refusal(query, context, lang, refusal)
            return
        await answer(query)
        link = deep_links.link(services.bot_username, deep_links.confirm_payload(made.token))
        chat = update.effective_chat
        assert chat is not None
        caption = render(lang, "confirm_link", link=link)
        await context.bot.send_photo(chat.id, qr_png(link), caption=caption)
        return
    key = press.actor.user_key
    try:
        await services.reach.confirmations.confirm(key, tap.ref, tap.arg, clock.now())
        text = render(lang, "confirm_done")
    except Refusal as refusal:
        text = refusal_text(services.texts, lang, refusal)
    await answer(query)
    await edit_in_place(query, View(text, services.views.menu_only(lang)))


async def confirm_link(update: Update, context: BotContext, token: str) -> None:
    """The resident opened the link: what they were helped with, and the buttons."""
    services = context.services
    who = await context.who(update)
    lang, key = who.lang, who.actor.user_key
    try:
        screen = await services.reach.confirmations.screen(key, token, clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await reply(update, services.assist_views.confirm_ask(lang, token, screen))
