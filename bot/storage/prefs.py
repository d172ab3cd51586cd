"""Per-person interface preferences."""

from __future__ import annotations

import datetime as dt

from bot.storage.db import Database


class PrefsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all_languages(self) -> dict[str, str]:
        """Every language a person chose, by their pseudonym (loaded once, at start)."""
        rows = await self._db.fetchall("SELECT user_key, language FROM user_prefs")
        return {str(key): str(language) for key, language in rows}

    async def set_language(self, user_key: str, language: str) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        await self._db.execute(
            "INSERT INTO user_prefs (user_key, language, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_key, language, now),
        )
