"""«✅ Tôi đã làm xong» on a guide's web page: what a press counts, and what is dropped.

Nobody is known on the web, so a press cannot be verified: each counts as a web completion
under a random key that links to nothing (reports keep them apart, as "chưa xác minh"). The
unit is credited only when the page's `?u=` carries a valid tag (bot/web/unit_tag.py, made
by `qr --web --unit`); an unsigned or altered one counts for no unit. A unit takes at most
`unit_daily_cap` web completions a day. Clicks dropped over that cap or over the listener's
rate limits are not worth a review: they are only counted, as refused.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter

from bot import clock
from bot.domain.draft import service_for_guide
from bot.domain.periods import Period
from bot.services.access import Directory
from bot.storage.rollup import WEB_KEY_PREFIX
from bot.storage.web_clicks import WebClickRepository
from bot.web import unit_tag

log = logging.getLogger(__name__)
MAX_UNIT_VALUE = 64  # a unit code (20) and its tag, with room to spare; longer is not ours
FLUSH_AFTER = 2.0  # seconds: a flood's dropped clicks are written together, not one by one


class WebCounter:
    def __init__(
        self, repo: WebClickRepository, directory: Directory, key: bytes, unit_daily_cap: int
    ) -> None:
        self._repo = repo
        self._directory = directory
        self._key = key
        self.unit_daily_cap = unit_daily_cap
        self._refused: Counter[int] = Counter()
        self._timer: asyncio.TimerHandle | None = None
        self._writing: asyncio.Future[None] | None = None

    async def unit_of(self, value: str) -> int | None:
        """The unit a page's `?u=` credits: only a known unit with a valid tag."""
        code = unit_tag.verified(self._key, value[:MAX_UNIT_VALUE]) if value else None
        if code is None:
            return None
        await self._directory.fresh()
        unit = self._directory.unit_by_code(code)
        return unit.id if unit else None

    async def finished(self, guide_id: str, topic: str, u: str, now: int) -> bool:
        """Count a press for the guide (and the signed unit, if any); False when the unit's
        daily cap dropped it (counted as refused)."""
        unit_id = await self.unit_of(u)
        key = WEB_KEY_PREFIX + secrets.token_hex(16)
        service = service_for_guide(guide_id, topic)
        return await self._repo.record(key, guide_id, service, unit_id, now, self.unit_daily_cap)

    def refused(self, now: int) -> None:
        """A click the listener dropped over a rate limit: counted in memory, written within
        FLUSH_AFTER seconds, so a flood costs the database one write per interval."""
        self._refused[clock.day_of(now)] += 1
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_AFTER, self._write_soon)

    def _write_soon(self) -> None:
        self._timer = None
        self._writing = asyncio.ensure_future(self._write_quietly())

    async def _write_quietly(self) -> None:
        try:
            await self._write()
        except Exception as exc:  # kept for the next try; one line, no traceback
            log.warning("web counter: refused clicks not written yet: %s", type(exc).__name__)

    async def _write(self) -> None:
        pending, self._refused = self._refused, Counter()
        try:
            await self._repo.add_refused(dict(pending))
        except Exception:
            self._refused.update(pending)
            raise

    async def flush(self) -> None:
        """Write what is counted in memory now (at shutdown, and before a count is read)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._writing is not None:
            await self._writing  # a write already under way finishes first
            self._writing = None
        await self._write()

    async def refused_in(self, period: Period) -> int:
        """Web clicks dropped over a limit in the period (all units together: a click
        dropped by a rate limit is refused before anything says which unit it was for)."""
        await self.flush()
        return await self._repo.refused(period.first_day, period.last_day)
