"""The weekly report: coordinators and admins subscribe with /subscribe, and every Monday at
07:30 Vietnam time each receives last week's report of their own scope."""

from __future__ import annotations

import datetime as dt

from bot import clock
from bot.domain.periods import Period, parse_period
from bot.services.access import Access, Actor
from bot.storage.subscriptions import Subscription, SubscriptionRepository

SEND_AT = dt.time(7, 30)  # Vietnam time
SEND_WEEKDAY = 0  # Monday (datetime's numbering)


class Subscriptions:
    def __init__(self, repo: SubscriptionRepository, access: Access) -> None:
        self._repo = repo
        self._access = access

    async def subscribe(self, actor: Actor, chat_id: int, language: str, now: int) -> bool | None:
        """None when this person has no report to receive (not staff)."""
        if not actor.staff:
            return None
        return await self._repo.add(actor.user_key, chat_id, language, now)

    async def unsubscribe(self, user_key: str) -> bool:
        return await self._repo.remove(user_key)

    async def recipients(self) -> list[tuple[Subscription, Actor]]:
        """Who receives this week's report, as whom; a subscriber who is no longer a
        coordinator or an admin has nothing of theirs to report and is unsubscribed."""
        due = []
        for subscription in await self._repo.all():
            actor = await self._access.actor(subscription.chat_id)
            if actor.staff:
                due.append((subscription, actor))
            else:
                await self._repo.remove(subscription.user_key)
        return due

    @staticmethod
    def period(now: int) -> Period:
        """What a digest covers: the Monday-to-Sunday week before the day it is sent."""
        return parse_period("tuần trước", clock.vn_date(now))
