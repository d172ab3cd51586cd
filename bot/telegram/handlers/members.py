"""/invite and /members: coordinators and admins, within their scope only."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.reach.domain import clock, deep_links
from bot.reach.domain.model import Role
from bot.reports.qr import qr_png
from bot.telegram.callback_data import Tap, TapKind
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import (
    answer,
    edit_in_place,
    language_of,
    reply,
    send_text,
    tap_of,
)
from bot.telegram.handlers.roles import Actor, actor_of
from bot.telegram.views.guides import View

MEMBERS_PER_PAGE = 20
_ROLE_WORDS = {
    "volunteer": Role.VOLUNTEER,
    "tnv": Role.VOLUNTEER,
    "coordinator": Role.COORDINATOR,
    "dieuphoi": Role.COORDINATOR,
}


async def invite_command(update: Update, context: BotContext) -> None:
    services = context.services
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    if not actor.scope.any:
        await send_text(update, services.texts.render(lang, "not_allowed"))
        return
    args = context.args or []
    role = _ROLE_WORDS.get(args[1].lower()) if len(args) == 2 else Role.VOLUNTEER
    if not 1 <= len(args) <= 2 or role is None:
        await send_text(update, services.texts.render(lang, "invite_usage"))
        return
    unit = await services.units.by_code(args[0])
    if unit is None:
        await send_text(update, services.texts.render(lang, "unit_unknown", code=args[0][:20]))
        return
    if not actor.scope.covers(unit):
        await send_text(update, services.texts.render(lang, "not_allowed"))
        return
    now = clock.now()
    settings = services.settings
    invite = await services.members.create_invite(
        unit.id,
        role,
        1 if role is Role.COORDINATOR else settings.invite_uses,
        actor.user_key,
        now,
        now + settings.invite_days * 86400,
    )
    link = deep_links.link(services.bot_username, deep_links.join_payload(invite.code))
    text = services.texts.render(
        lang,
        "invite_created",
        unit_name=unit.name,
        unit_code=unit.code,
        role=role.value,
        code=invite.code,
        link=link,
        max_uses=invite.max_uses,
        expires=clock.format_day(clock.vn_date(invite.expires_at)),
    )
    await send_text(update, text)
    assert update.effective_chat is not None
    caption = services.texts.render(
        lang, "invite_qr_caption", unit_name=unit.name, code=invite.code
    )
    await context.bot.send_photo(update.effective_chat.id, qr_png(link), caption=caption)


async def members_command(update: Update, context: BotContext) -> None:
    lang = await language_of(update, context)
    actor = await actor_of(update, context)
    if not actor.scope.any:
        await send_text(update, context.services.texts.render(lang, "not_allowed"))
        return
    await reply(update, await _members_view(context, lang, actor))


async def on_member_tap(update: Update, context: BotContext) -> None:
    pressed = await tap_of(update, context, ops="dap", numeric_ref=True, numeric_arg=True)
    if pressed is None:
        return
    query, lang, tap = pressed
    services = context.services
    actor = await actor_of(update, context)
    page, member_id = int(tap.arg), int(tap.ref)
    if not actor.scope.any:
        await answer(query, services.texts.label(lang, "toast_not_allowed"), alert=True)
        return
    if tap.op == "p":
        await answer(query)
        await edit_in_place(query, await _members_view(context, lang, actor, page))
        return
    member = await services.members.get(member_id)
    unit = await services.units.get(member.unit_id) if member else None
    if member is None or unit is None or not actor.scope.covers(unit):
        await answer(query, services.texts.label(lang, "toast_not_allowed"), alert=True)
        return
    if member.user_key == actor.user_key:
        await answer(query, services.texts.label(lang, "toast_not_yourself"), alert=True)
        return
    await services.members.set_active(member.id, tap.op == "a")
    await answer(query, services.texts.label(lang, "toast_member_changed", tap.op == "a"))
    await edit_in_place(query, await _members_view(context, lang, actor, page))


async def _members_view(context: BotContext, lang: str, actor: Actor, page: int = 0) -> View:
    services = context.services
    root = None if actor.scope.admin else actor.scope.unit
    total = await services.members.count_in_scope(root)
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    page = min(page, pages - 1)
    shown = await services.members.in_scope(root, MEMBERS_PER_PAGE, page * MEMBERS_PER_PAGE)
    buttons = [
        [
            InlineKeyboardButton(
                services.texts.label(
                    lang, "btn_member_toggle", row.member.display_name, row.member.active
                ),
                callback_data=Tap(
                    TapKind.MEMBER,
                    str(row.member.id),
                    "d" if row.member.active else "a",
                    str(page),
                ).encode(),
            )
        ]
        for row in shown
        if row.member.user_key != actor.user_key
    ]
    turn = []
    if page > 0:
        turn.append(_page_button(services.texts.label(lang, "btn_page_prev"), page - 1))
    if page < pages - 1:
        turn.append(_page_button(services.texts.label(lang, "btn_page_next"), page + 1))
    if turn:
        buttons.append(turn)
    text = services.texts.render(
        lang,
        "members",
        scope_name=root.name if root else "",
        rows=[
            (r.member.display_name, r.member.role.value, r.unit_name, r.member.active)
            for r in shown
        ],
        total=total,
        page=page + 1,
        pages=pages,
    )
    return View(text, InlineKeyboardMarkup(buttons) if buttons else None)


def _page_button(label: str, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=Tap(TapKind.MEMBER, "0", "p", str(page)).encode()
    )
