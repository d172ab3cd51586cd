"""Resident-confirmed assists: the volunteer shows a one-time link (and QR code), valid for
24 hours; the resident opens it on their own phone, sees what they were helped with, and
confirms, with a 1–5 rating if they like. The link works once, and nothing that identifies
the resident is kept."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.campaigns import is_token, new_token
from bot.services.access import Actor
from bot.storage.confirmations import ConfirmationRepository, ToConfirm

LINK_SECONDS = 24 * 3600
OFFER_SECONDS = 24 * 3600  # a volunteer may ask for a link for assists of the last day
RATINGS = range(1, 6)


@dataclass(frozen=True)
class LinkMade:
    token: str


@dataclass(frozen=True)
class ConfirmRefused:
    reason: str  # not_yours, unknown, used, expired, own


@dataclass(frozen=True)
class Confirmed:
    services: int


class Confirmations:
    def __init__(self, repo: ConfirmationRepository) -> None:
        self._repo = repo

    async def make_link(self, actor: Actor, assist_id: int, now: int) -> LinkMade | ConfirmRefused:
        member = actor.volunteer
        if member is None:
            return ConfirmRefused("not_yours")
        token = new_token()
        made = await self._repo.create(
            token, assist_id, member.id, now - OFFER_SECONDS, now + LINK_SECONDS
        )
        if made == "confirmed":
            return ConfirmRefused("used")  # one confirmation per assist: no second link
        if made != "made":
            return ConfirmRefused("not_yours")
        return LinkMade(token)

    async def screen(self, user_key: str, token: str, now: int) -> ToConfirm | ConfirmRefused:
        found = await self._repo.get(token) if is_token(token) else None
        if found is None:
            return ConfirmRefused("unknown")
        if found.used:
            return ConfirmRefused("used")
        if found.expires_at <= now:
            return ConfirmRefused("expired")
        if found.volunteer_key == user_key:
            return ConfirmRefused("own")  # the resident confirms, not the volunteer
        return found

    async def confirm(
        self, user_key: str, token: str, rating: str, now: int
    ) -> Confirmed | ConfirmRefused:
        screen = await self.screen(user_key, token, now)
        if isinstance(screen, ConfirmRefused):
            return screen
        stars = int(rating) if rating.isdigit() and int(rating) in RATINGS else None
        if rating and stars is None:
            return ConfirmRefused("unknown")
        if not await self._repo.use(token, stars, now):
            return ConfirmRefused("used")  # a second tap, or another phone, got there first
        return Confirmed(screen.services)
