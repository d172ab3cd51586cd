"""/invite and /members: coordinators and admins, within their scope only."""

from __future__ import annotations

from telegram import Update

from bot import clock
from bot.domain import deep_links
from bot.domain.refusal import Refusal
from bot.domain.taps import MemberOp, TapKind
from bot.reports.qr import qr_png
from bot.telegram.context import BotContext, Press, Who, command, pressed
from bot.telegram.handlers.common import answer_refusal, send_text, tell_refusal
from bot.telegram.views.staff import members_page
from bot.telegram.views.view import answer, edit_in_place, reply

UNIT_QUERY_LIMIT = 60  # characters of a unit name worth searching (and echoing back)


@command
async def invite_command(update: Update, context: BotContext, who: Who) -> None:
    services = context.services
    lang = who.lang
    actor = who.actor
    try:
        made = await services.reach.membership.invite(actor, context.args or [], clock.now())
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    render = services.texts.render
    invite, unit = made.invite, made.unit
    link = deep_links.link(services.bot_username, deep_links.join_payload(invite.code))
    text = render(
        lang,
        "invite_created",
        unit_name=unit.name,
        unit_code=unit.code,
        role=invite.role.value,
        code=invite.code,
        link=link,
        max_uses=invite.max_uses,
        expires=clock.format_day(clock.vn_date(invite.expires_at)),
    )
    await send_text(update, context, text)
    assert update.effective_chat is not None
    caption = render(lang, "invite_qr_caption", unit_name=unit.name, code=invite.code)
    await context.bot.send_photo(update.effective_chat.id, qr_png(link), caption=caption)


@command
async def members_command(update: Update, context: BotContext, who: Who) -> None:
    lang = who.lang
    actor = who.actor
    try:
        listing = await context.services.reach.membership.page(actor)
    except Refusal as refusal:
        await tell_refusal(update, context, lang, refusal)
        return
    await reply(update, members_page(context.services.texts, lang, listing))


@pressed(TapKind.MEMBER, staff=True, numeric_ref=True, numeric_arg=True)
async def on_member_tap(update: Update, context: BotContext, press: Press) -> None:
    query, lang, tap, actor = press.query, press.lang, press.tap, press.actor
    services = context.services
    label = services.texts.label
    membership = services.reach.membership
    page = int(tap.arg)
    try:
        if tap.op is MemberOp.PAGE:
            listing = await membership.page(actor, page)
        else:
            resume = tap.op is MemberOp.RESUME
            changed = await membership.set_active(actor, int(tap.ref), resume, page)
            listing = changed.page
    except Refusal as refusal:
        await answer_refusal(query, context, lang, refusal)
        return
    if tap.op is MemberOp.PAGE:
        await answer(query)
    else:
        await answer(query, label(lang, "toast_member_changed", changed.active))
    await edit_in_place(query, members_page(context.services.texts, lang, listing))


@command
async def units_command(update: Update, context: BotContext, who: Who) -> None:
    """`/units <name>`: find a unit's code by its name, within one's own scope."""
    services = context.services
    lang = who.lang
    actor = who.actor
    query = " ".join(context.args or [])[:UNIT_QUERY_LIMIT]
    found = services.reach.access.find_units(actor, query) if query.strip() else []
    if found is None:
        await send_text(update, context, services.texts.render(lang, "not_allowed"))
        return
    if not query.strip():
        await send_text(update, context, services.texts.render(lang, "units_usage"))
        return
    directory = services.reach.directory
    units = [
        {
            "code": u.code,
            "name": u.name,
            "parent_name": p.name if u.parent_id and (p := directory.unit(u.parent_id)) else "",
        }
        for u in found
    ]
    example = "" if units else services.reach.access.search_example(actor, query)
    text = services.texts.render(lang, "units_found", query=query, units=units, example=example)
    await send_text(update, context, text)
