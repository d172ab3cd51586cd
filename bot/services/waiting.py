"""Who the bot is waiting for to type something (a name, a phone number).

The questions are kept in the database, so a restart loses none; this keeps the set of people
with an open question in memory too, so that the many messages and commands from everyone
else cost no database trip at all.
"""

from __future__ import annotations

from bot.storage.pending import Pending, PendingRepository


class Waiting:
    def __init__(self, repo: PendingRepository) -> None:
        self._repo = repo
        self._open: set[str] = set()

    async def load(self, now: int) -> None:
        self._open = set(await self._repo.waiting(now))

    async def expect(self, user_key: str, kind: str, ref: str, expires_at: int) -> None:
        await self._repo.expect(user_key, kind, ref, expires_at)
        self._open.add(user_key)

    def asked(self, user_key: str) -> None:
        """A question written in another unit of work (the assist form asking for a phone)."""
        self._open.add(user_key)

    def answered(self, user_key: str) -> None:
        """A question closed in another unit of work."""
        self._open.discard(user_key)

    async def question(self, user_key: str, now: int) -> Pending | None:
        if user_key not in self._open:
            return None
        pending = await self._repo.get(user_key, now)
        if pending is None:
            self._open.discard(user_key)  # expired
        return pending

    async def close(self, user_key: str) -> None:
        if user_key in self._open:
            await self._repo.clear(user_key)
            self._open.discard(user_key)
