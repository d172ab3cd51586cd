"""/undo and /mine: a volunteer takes back their last assist, or sees their own tallies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import clock
from bot.domain.draft import services_from_mask
from bot.services.access import Actor
from bot.storage.assists import AssistRepository, Tally


@dataclass(frozen=True)
class UndoOffer:
    assist_id: int
    services: list[str]
    people: int
    minutes_ago: int


@dataclass(frozen=True)
class MyTallies:
    name: str
    day: dt.date
    today: Tally
    week: Tally
    total: Tally
    pending: Tally  # saved past a limit: counted in none of the above until approved


class Mine:
    def __init__(self, repo: AssistRepository, undo_minutes: int) -> None:
        self._repo = repo
        self.undo_minutes = undo_minutes

    def undo_since(self, now: int) -> int:
        """The one undo window: records made at or after this time may be removed."""
        return now - self.undo_minutes * 60

    async def undo_offer(self, actor: Actor, now: int) -> UndoOffer | None:
        member = actor.volunteer
        assert member is not None  # the caller checked: see `Actor.why_not_volunteer`
        last = await self._repo.last_of(member.id, self.undo_since(now))
        if last is None:
            return None
        return UndoOffer(
            last.id,
            services_from_mask(last.services),
            last.people,
            max(0, (now - last.created_at) // 60),
        )

    async def undo(self, actor: Actor, assist_id: int, now: int) -> bool:
        """Remove one's own record inside the window; False when there is none to remove."""
        member = actor.volunteer
        if member is None:
            return False
        return await self._repo.undo(assist_id, member.id, self.undo_since(now))

    async def tallies(self, actor: Actor, now: int) -> MyTallies:
        member = actor.volunteer
        assert member is not None
        today = clock.vn_date(now)
        since = (clock.day_start(today), clock.day_start(clock.week_start(today)), 0)
        day, week, total, pending = await self._repo.tallies(member.id, since)
        return MyTallies(member.display_name, today, day, week, total, pending)
