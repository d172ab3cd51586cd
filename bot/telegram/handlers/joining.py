"""Joining by invite: `/join <code>` or the invite's deep link, then a display name."""

from __future__ import annotations

from telegram import Update

from bot.reach.domain import clock, invites
from bot.reach.domain.invites import InviteStatus
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import language_of, send_text

NAME_WAIT_SECONDS = 30 * 60


async def join_command(update: Update, context: BotContext) -> None:
    if not context.args:
        lang = await language_of(update, context)
        await send_text(update, context.services.texts.render(lang, "join_usage"))
        return
    await begin(update, context, context.args[0])


async def begin(update: Update, context: BotContext, code_text: str) -> None:
    """Check the code now (so a bad one is refused at once), then ask for a display name."""
    services = context.services
    lang = await language_of(update, context)
    code = invites.normalise_code(code_text)
    invite = await services.members.invite(code)
    verdict = invites.status(invite, clock.now())
    assert update.effective_user is not None
    key = services.user_key(update.effective_user.id)
    member = await services.members.by_user(key)
    if member is not None and not member.active:
        verdict = InviteStatus.PAUSED  # said now, not after they have typed a name
    if invite is None or verdict is not InviteStatus.OK:
        await send_text(update, services.texts.render(lang, "join_invalid", reason=verdict.value))
        return
    unit = await services.units.get(invite.unit_id)
    await services.pending.expect(key, "name", code, clock.now() + NAME_WAIT_SECONDS)
    text = services.texts.render(
        lang, "join_ask_name", unit_name=unit.name if unit else "", role=invite.role.value
    )
    await send_text(update, text)


async def on_name(update: Update, context: BotContext, code: str, text: str) -> None:
    services = context.services
    lang = await language_of(update, context)
    name = invites.clean_display_name(text)
    if name is None:
        await send_text(update, services.texts.render(lang, "name_invalid", limit=invites.MAX_NAME))
        return  # still waiting for a usable name
    assert update.effective_user is not None
    key = services.user_key(update.effective_user.id)
    result = await services.members.join(code, key, name, clock.now())
    await services.pending.clear(key)
    if result.status is not InviteStatus.OK or result.member is None:
        await send_text(
            update, services.texts.render(lang, "join_invalid", reason=result.status.value)
        )
        return
    unit = await services.units.get(result.unit_id)
    text = services.texts.render(
        lang,
        "join_done",
        name=name,
        unit_name=unit.name if unit else "",
        role=result.member.role.value,
    )
    await send_text(update, text)
