"""Who is pressing: admin (ADMIN_IDS), coordinator (a subtree), volunteer (a unit), citizen."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.reach.domain.model import Member, Role, Scope, Unit
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import send_text


@dataclass(frozen=True)
class Actor:
    user_key: str
    member: Member | None
    scope: Scope

    @property
    def volunteer(self) -> Member | None:
        """The active membership that may log assists (coordinators may log too)."""
        return self.member if self.member is not None and self.member.active else None


async def actor_of(update: Update, context: BotContext) -> Actor:
    services = context.services
    user = update.effective_user
    assert user is not None
    key = services.user_key(user.id)
    member = await services.members.by_user(key)
    admin = user.id in services.settings.admin_ids
    unit = None
    if member is not None and member.active and member.role is Role.COORDINATOR:
        unit = await services.units.get(member.unit_id)
    return Actor(key, member, Scope(admin=admin, unit=unit))


async def home_contains(context: BotContext, member: Member, unit: Unit) -> bool:
    """Whether `unit` is the member's own unit or below it (what a volunteer may act on)."""
    home = await context.services.units.get(member.unit_id)
    return home is not None and home.contains(unit)


async def volunteer_or_explain(update: Update, context: BotContext, lang: str) -> Member | None:
    """The person's active membership, or a polite word on why they cannot log assists."""
    actor = await actor_of(update, context)
    if actor.volunteer is not None:
        return actor.volunteer
    name = "member_inactive" if actor.member is not None else "not_volunteer"
    await send_text(update, context.services.texts.render(lang, name))
    return None
