"""A citizen who finishes a guide counts as self-served, credited to the link's unit."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.done_tag import done_tag, done_tag_matches
from bot.domain.draft import service_for_guide
from bot.services.access import Directory
from bot.storage.assists import AssistRepository


class DonePress(StrEnum):
    """What a press of a guide's «✅ Xong» in Telegram came to."""

    COUNTED = "counted"  # a new self-serve completion
    REPEATED = "repeated"  # this person had finished this guide before: nothing more
    FORGED = "forged"  # the tag was not made for this person, guide, version and unit


class SelfServe:
    def __init__(self, repo: AssistRepository, directory: Directory, key: bytes) -> None:
        self._repo = repo
        self._directory = directory
        self._key = key

    def done_tag(self, user_key: str, guide_id: str, version: str, unit_id: int) -> str:
        """The tag the «✅ Xong» on a guide's last step carries for this person (no trip)."""
        return done_tag(self._key, user_key, guide_id, version, unit_id)

    async def pressed_done(
        self,
        user_key: str,
        guide_id: str,
        version: str,
        topic: str,
        unit_id: int,
        tag: str,
        now: int,
    ) -> DonePress:
        """«✅ Xong» pressed in Telegram: counted once per person and guide, and only with the
        tag made when the bot showed this person the last step; a forged press makes no trip.
        A deep link needs no tag: the tag is made whatever link opened the guide."""
        if not done_tag_matches(self._key, tag, user_key, guide_id, version, unit_id):
            return DonePress.FORGED
        counted = await self.finished(user_key, guide_id, topic, unit_id, now)
        return DonePress.COUNTED if counted else DonePress.REPEATED

    async def unit_id(self, code: str) -> int:
        """The internal id a deep link's unit code credits (0: none, or unknown)."""
        await self._directory.fresh()
        unit = self._directory.unit_by_code(code) if code else None
        return unit.id if unit else 0

    async def finished(
        self, user_key: str, guide_id: str, topic: str, unit_id: int, now: int
    ) -> bool:
        """Counted once per person and guide; True when newly counted."""
        await self._directory.fresh()
        unit = self._directory.unit(unit_id) if unit_id else None
        service = service_for_guide(guide_id, topic)
        return await self._repo.record_self_serve(
            user_key, guide_id, service, unit.id if unit else None, now
        )
