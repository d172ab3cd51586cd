"""Per-person interface preferences."""

from __future__ import annotations

import datetime as dt

import aiosqlite


class PrefsRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def language(self, user_key: str) -> str | None:
        async with self._conn.execute(
            "SELECT language FROM user_prefs WHERE user_key = ?", (user_key,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_language(self, user_key: str, language: str) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            await self._conn.execute(
                "INSERT INTO user_prefs (user_key, language, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_key) DO UPDATE SET language = excluded.language, "
                "updated_at = excluded.updated_at",
                (user_key, language, now),
            )
            await self._conn.execute("COMMIT")
        except BaseException:
            await self._conn.execute("ROLLBACK")
            raise
