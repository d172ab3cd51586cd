"""Each person's interface language, kept in memory after the first read."""

from __future__ import annotations

from bot.bounded import BoundedCache
from bot.storage.prefs import PrefsRepository

CACHE_SIZE = 100_000


class Languages:
    def __init__(self, prefs: PrefsRepository, default: str) -> None:
        self._prefs = prefs
        self.default = default
        # Bounded: the database has the truth, the busiest people's languages stay at hand.
        self._cache: BoundedCache[str, str] = BoundedCache(CACHE_SIZE)

    async def of(self, user_key: str) -> str:
        cached = self._cache.get(user_key)
        if cached is None:
            cached = await self._prefs.language(user_key) or self.default
            self._cache.put(user_key, cached)
        return cached

    async def choose(self, user_key: str, language: str) -> None:
        await self._prefs.set_language(user_key, language)
        self._cache.put(user_key, language)

    def forget(self, user_key: str) -> None:
        """Erasure: the language must not outlive the person's preferences row."""
        self._cache.pop(user_key)
