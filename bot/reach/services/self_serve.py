"""A citizen who finishes a guide counts as self-served, credited to the link's unit."""

from __future__ import annotations

import secrets

from bot.reach.domain.catalog import service_for_guide
from bot.reach.services.directory import Directory
from bot.storage.assists import AssistRepository
from bot.storage.rollup import WEB_KEY_PREFIX


class SelfServe:
    def __init__(self, repo: AssistRepository, directory: Directory) -> None:
        self._repo = repo
        self._directory = directory

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

    async def finished_on_web(self, guide_id: str, topic: str, unit_code: str, now: int) -> None:
        """Someone pressed «✅ Tôi đã làm xong» on the guide's web page. Nobody is known
        there, so each press counts, under a random key that links to nothing; an unknown
        unit code credits no unit."""
        unit_id = await self.unit_id(unit_code[:20]) if unit_code else 0
        key = WEB_KEY_PREFIX + secrets.token_hex(16)
        await self.finished(key, guide_id, topic, unit_id, now)
