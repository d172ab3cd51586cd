"""Targets (chỉ tiêu): a number for one unit's subtree, one metric and one period.

A coordinator sets targets only for units below their own (one's own target is set from
above); an admin anywhere, and the command line acts as an admin.
"""

from __future__ import annotations

import datetime as dt

from bot import clock
from bot.domain.campaigns import Target, check_metric, check_target, target_period
from bot.domain.model import Scope, Unit
from bot.domain.numbers import NumberError, is_number_like, whole_number
from bot.domain.periods import PeriodError, parse_period
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor, Directory
from bot.services.campaigns import Campaigns
from bot.services.scoping import staff_only, unit_in_scope
from bot.storage.targets import TargetRepository


class Targets:
    def __init__(self, repo: TargetRepository, campaigns: Campaigns, directory: Directory) -> None:
        self.repo = repo
        self._campaigns = campaigns
        self._directory = directory

    async def set_target(
        self,
        scope: Scope,
        unit_code: str,
        campaign_code: str,
        metric: str,
        value: int,
        first: dt.date | None = None,
        last: dt.date | None = None,
        now: int | None = None,
    ) -> tuple[Unit, Target]:
        """A target for a unit's subtree over one period (see `target_period`); the same
        unit, campaign, metric and first day again replaces it."""
        unit = await unit_in_scope(self._directory, scope, unit_code)
        if not scope.admin and scope.unit is not None and unit.id == scope.unit.id:
            raise Refusal(Reason.OWN_TARGET)  # a target is set from above
        metric, value = check_metric(metric), check_target(value)
        campaign = await self._campaigns.campaign(campaign_code) if campaign_code else None
        today = clock.vn_date(clock.now() if now is None else now)
        first_day, last_day = target_period(campaign, first, last, today)
        target = Target(
            unit.id, campaign.id if campaign else None, metric, value, first_day, last_day
        )
        await self.repo.set_target(target)
        return unit, target

    async def set_from_chat(
        self, actor: Actor, words: list[str], campaign_code: str, now: int
    ) -> tuple[Unit, Target]:
        """`/target MÃ-ĐƠN-VỊ chỉ-số số [dd/mm/yyyy-dd/mm/yyyy]`, as its words (the campaign,
        `đợt MÃ`, already taken out of them)."""
        staff_only(actor)
        args, days = _days_at_end(words)
        if len(args) < 3 or not is_number_like(args[-1].lstrip("-")):
            raise Refusal(Reason.TARGET_USAGE)
        try:
            value = whole_number(args[-1].lstrip("-")) * (-1 if args[-1].startswith("-") else 1)
        except NumberError as error:  # «1,5»: the Vietnamese decimal mark, not thousands
            raise Refusal(Reason.NUMBER_COMMA, error.text) from None
        first, last = _typed_days(days, clock.vn_date(now))
        metric = " ".join(args[1:-1])
        return await self.set_target(
            actor.scope, args[0], campaign_code, metric, value, first, last, now
        )


def _days_at_end(words: list[str]) -> tuple[list[str], str]:
    """The words before a trailing date range, and the range as one text: `01/01/2026-
    30/06/2026`, `01/01/2026 - 30/06/2026` and `01/01/2026 30/06/2026` are the same."""
    cut = len(words)
    while cut and ("/" in words[cut - 1] or words[cut - 1] in ("-", "–")):
        cut -= 1
    dates = [w.replace("–", "-") for w in words[cut:] if w not in ("-", "–")]
    return words[:cut], "-".join(dates)


def _typed_days(days: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The typed date range (both ends), or none typed; anything else is not a target."""
    if not days:
        return None, None
    try:
        period = parse_period(days, today)
    except PeriodError:
        raise Refusal(Reason.TARGET_USAGE) from None
    if period.kind != "custom":
        raise Refusal(Reason.TARGET_USAGE)
    return period.first, period.last
