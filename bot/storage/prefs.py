"""Per-person interface preferences."""

from __future__ import annotations

import datetime as dt

from bot.storage.db import Database


class PrefsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def language(self, user_key: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT language FROM user_prefs WHERE user_key = ?", (user_key,)
        )
        return str(row[0]) if row else None

    async def set_language(self, user_key: str, language: str) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        await self._db.execute(
            "INSERT INTO user_prefs (user_key, language, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_key, language, now),
        )
