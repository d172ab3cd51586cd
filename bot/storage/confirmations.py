"""One-time links with which a resident confirms an assist (SQL only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class ToConfirm:
    """What a resident sees before confirming: the assist's services and day."""

    assist_id: int
    services: int
    occurred_at: int
    volunteer_key: str  # the volunteer's pseudonym: they may not confirm their own assist
    expires_at: int
    used: bool


class ConfirmationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def owned_assist(self, assist_id: int, volunteer_id: int, since: int) -> bool:
        """Whether the volunteer made this single (one-person) assist at or after `since`."""
        row = await self._db.fetchone(
            "SELECT 1 FROM assists WHERE id = ? AND volunteer_id = ? AND created_at >= ? "
            "AND people = 1",
            (assist_id, volunteer_id, since),
        )
        return row is not None

    async def create(self, token: str, assist_id: int, expires_at: int) -> None:
        """A new link replaces an unused earlier one for the same assist."""

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM confirmations WHERE assist_id = ? AND used_at IS NULL", (assist_id,)
            )
            conn.execute(
                "INSERT INTO confirmations (token, assist_id, expires_at) VALUES (?, ?, ?)",
                (token, assist_id, expires_at),
            )

        await self._db.write(work)

    async def get(self, token: str) -> ToConfirm | None:
        row = await self._db.fetchone(
            "SELECT a.id, a.services, a.occurred_at, coalesce(m.user_key, ''), c.expires_at, "
            "c.used_at IS NOT NULL FROM confirmations c JOIN assists a ON a.id = c.assist_id "
            "LEFT JOIN members m ON m.id = a.volunteer_id WHERE c.token = ?",
            (token,),
        )
        if row is None:
            return None
        return ToConfirm(
            int(row[0]), int(row[1]), int(row[2]), str(row[3]), int(row[4]), bool(row[5])
        )

    async def use(self, token: str, rating: int | None, now: int) -> bool:
        """Confirm once: True only for the first use of a link that has not expired."""
        changed = await self._db.execute(
            "UPDATE confirmations SET used_at = ?, rating = ? "
            "WHERE token = ? AND used_at IS NULL AND expires_at > ?",
            (now, rating, token, now),
        )
        return changed == 1

    async def verified(
        self, paths: list[str] | None, first_day: int, last_day: int
    ) -> tuple[int, int, float | None]:
        """Confirmed assists of the scope and period: how many, how many rated, the average
        rating. Reads the confirmations (few), not the assists."""
        where, params = "", []
        if paths is not None:
            ors = " OR ".join("substr(u.path, 1, ?) = ?" for _ in paths) or "0"
            where = f" AND ({ors})"
            for path in paths:
                params += [len(path), path]
        [row] = await self._db.read(
            "SELECT count(*), count(c.rating), avg(c.rating) FROM confirmations c "
            "JOIN assists a ON a.id = c.assist_id JOIN units u ON u.id = a.unit_id "
            f"WHERE c.used_at IS NOT NULL AND a.day BETWEEN ? AND ?{where}",
            [first_day, last_day, *params],
        )
        return int(row[0]), int(row[1]), None if row[2] is None else float(row[2])
