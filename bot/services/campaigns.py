"""Campaigns (đợt, chiến dịch): who may make one, and how it is typed in chat.

Admins act anywhere; a coordinator's campaign belongs to their own subtree. The command line
acts as an admin. Activities, check-ins, targets and clusters have services of their own
(`activities`, `attendance`, `targets`, `clusters`), which find campaigns through this one.
"""

from __future__ import annotations

import datetime as dt

from bot import clock
from bot.domain.campaigns import (
    Campaign,
    check_code,
    check_name,
    check_range,
    code_for,
    split_name_and_days,
)
from bot.domain.model import Scope
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory, Questions
from bot.services.scoping import staff_only, typed_date, unit_in_scope
from bot.storage.campaigns import CampaignRepository

NEW_CAMPAIGN_WAIT_SECONDS = 10 * 60  # «➕ Đợt mới» waits this long for the name and dates
CODE_TRIES = 99  # a campaign made in chat gets its code from its name: -2, -3, … if taken


class Campaigns:
    def __init__(
        self, repo: CampaignRepository, directory: Directory, questions: Questions
    ) -> None:
        self.repo = repo
        self._directory = directory
        self._questions = questions

    async def add_campaign(
        self,
        scope: Scope,
        who: str,
        code: str,
        name: str,
        first: dt.date,
        last: dt.date,
        unit_code: str = "",
        now: int = 0,
    ) -> Campaign:
        """A coordinator's campaign belongs to their subtree; an admin's to the whole tree
        unless a unit is named."""
        code, name = check_code(code), check_name(name)
        first_day, last_day = check_range(first, last)
        unit = await unit_in_scope(self._directory, scope, unit_code) if unit_code else scope.unit
        if unit is None and not scope.admin:
            raise Refusal(Reason.NOT_ALLOWED)
        campaign = await self.repo.add_campaign(
            code, name, unit.id if unit else None, first_day, last_day, who, now or clock.now()
        )
        if campaign is None:
            raise Refusal(Reason.CODE_TAKEN, code)
        return campaign

    async def add_from_command(self, actor: Actor, args: list[str], now: int) -> Campaign:
        """`/campaign MÃ 01/11/2026 31/12/2026 Tên đợt`, as its words."""
        staff_only(actor)
        # Each part in its turn, so that the answer names the first one that is wrong.
        check_code(args[0] if args else "")
        if len(args) < 4:
            raise Refusal(Reason.CAMPAIGN_MISSING, ("", "first", "last", "name")[len(args)])
        first, last = typed_date(args[1]), typed_date(args[2])
        return await self.add_campaign(
            actor.scope, actor.user_key, args[0], " ".join(args[3:]), first, last, now=now
        )

    async def listing(self, actor: Actor) -> list[Campaign]:
        """`/campaign` alone: every campaign, the latest first (staff only)."""
        staff_only(actor)
        return await self.repo.campaigns()

    async def ask_new_campaign(self, actor: Actor, now: int, name: str = "") -> None:
        """«➕ Đợt mới»: the name and the dates are typed next (the name alone first is fine:
        then the dates are asked for, and the name kept in the question)."""
        staff_only(actor)
        await self._questions.ask(
            actor.user_key, "campaign-new", name, now + NEW_CAMPAIGN_WAIT_SECONDS
        )

    async def campaign_from_chat(
        self, actor: Actor, kept_name: str, text: str, now: int
    ) -> Campaign | None:
        """The typed answer to «➕ Đợt mới»: a name and two dates make the campaign, its code
        made from the name; a name alone is kept, and None says the dates are asked next.
        A mistake raises Refusal and leaves the question open."""
        staff_only(actor)
        name, days = split_name_and_days(text)
        name = name or kept_name
        check_name(name)
        if not days:
            await self.ask_new_campaign(actor, now, name)
            return None
        if len(days) != 2:
            raise Refusal(Reason.CAMPAIGN_MISSING, "last")
        first, last = (typed_date(d) for d in days)
        check_range(first, last)
        base = code_for(name, first)
        for number in range(1, CODE_TRIES + 1):
            code = base if number == 1 else f"{base}-{number}"
            try:
                campaign = await self.add_campaign(
                    actor.scope, actor.user_key, code, name, first, last, now=now
                )
            except Refusal as refusal:
                if refusal.reason is Reason.CODE_TAKEN:
                    continue
                raise
            await self._questions.close(actor.user_key)
            return campaign
        raise Refusal(Reason.CODE_TAKEN, base)

    async def campaign(self, code: str) -> Campaign:
        campaign = await self.repo.campaign(check_code(code))
        if campaign is None:
            raise Refusal(Reason.UNKNOWN_CAMPAIGN, code)
        return campaign

    async def by_id(self, campaign_id: int) -> Campaign | None:
        """The campaign a button's id names (0: none), None once it is gone."""
        return await self.repo.campaign_by_id(campaign_id) if campaign_id > 0 else None

    async def campaigns(self) -> list[Campaign]:
        return await self.repo.campaigns()
