"""Resident-confirmed assists: the volunteer shows a one-time link (and QR code), valid for
24 hours; the resident opens it on their own phone, sees what they were helped with, and
confirms, with a 1–5 rating if they like. The link works once, and nothing that identifies
the resident is kept. A link that cannot be made or used raises `Refusal`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.campaigns import is_token, new_token
from bot.domain.refusal import Reason, Refusal
from bot.services.access import Actor
from bot.storage.confirmations import ConfirmationRepository, ToConfirm

LINK_SECONDS = 24 * 3600
OFFER_SECONDS = 24 * 3600  # a volunteer may ask for a link for assists of the last day
RATINGS = range(1, 6)


@dataclass(frozen=True)
class LinkMade:
    token: str


@dataclass(frozen=True)
class Confirmed:
    services: int


class Confirmations:
    def __init__(self, repo: ConfirmationRepository) -> None:
        self._repo = repo

    async def make_link(self, actor: Actor, assist_id: int, now: int) -> LinkMade:
        member = actor.volunteer
        if member is None:
            raise Refusal(Reason.CONFIRM_NOT_YOURS)
        token = new_token()
        made = await self._repo.create(
            token, assist_id, member.id, now - OFFER_SECONDS, now + LINK_SECONDS
        )
        if made == "confirmed":
            raise Refusal(Reason.CONFIRM_USED)  # one confirmation per assist: no second link
        if made != "made":
            raise Refusal(Reason.CONFIRM_NOT_YOURS)
        return LinkMade(token)

    async def screen(self, user_key: str, token: str, now: int) -> ToConfirm:
        found = await self._repo.get(token) if is_token(token) else None
        if found is None:
            raise Refusal(Reason.CONFIRM_UNKNOWN)
        if found.used:
            raise Refusal(Reason.CONFIRM_USED)
        if found.expires_at <= now:
            raise Refusal(Reason.CONFIRM_EXPIRED)
        if found.volunteer_key == user_key:
            raise Refusal(Reason.CONFIRM_OWN)  # the resident confirms, not the volunteer
        return found

    async def confirm(self, user_key: str, token: str, rating: str, now: int) -> Confirmed:
        screen = await self.screen(user_key, token, now)
        stars = int(rating) if rating.isdigit() and int(rating) in RATINGS else None
        if rating and stars is None:
            raise Refusal(Reason.CONFIRM_UNKNOWN)
        if not await self._repo.use(token, stars, now):
            raise Refusal(Reason.CONFIRM_USED)  # a second tap, or another phone, got there first
        return Confirmed(screen.services)
