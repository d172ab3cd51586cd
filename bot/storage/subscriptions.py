"""Who receives the weekly report (SQL only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class Subscription:
    user_key: str
    chat_id: int
    language: str


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, user_key: str, chat_id: int, language: str, now: int) -> bool:
        """True when newly subscribed (a second /subscribe only updates the language)."""

        def work(conn: sqlite3.Connection) -> bool:
            existed = conn.execute(
                "SELECT 1 FROM subscriptions WHERE user_key = ?", (user_key,)
            ).fetchone()
            conn.execute(
                "INSERT INTO subscriptions (user_key, chat_id, language, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_key) DO UPDATE SET "
                "chat_id = excluded.chat_id, language = excluded.language",
                (user_key, chat_id, language, now),
            )
            return existed is None

        return await self._db.write(work)

    async def remove(self, user_key: str) -> bool:
        return (
            await self._db.execute("DELETE FROM subscriptions WHERE user_key = ?", (user_key,)) == 1
        )

    async def all(self) -> list[Subscription]:
        rows = await self._db.fetchall(
            "SELECT user_key, chat_id, language FROM subscriptions ORDER BY created_at"
        )
        return [Subscription(str(k), int(c), str(lang)) for k, c, lang in rows]
