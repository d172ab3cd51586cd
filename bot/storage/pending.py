"""What the bot is waiting for a person to type next (a display name, a phone number).

Kept in the database so that a restart between the question and the answer loses nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.domain.form import Expect
from bot.storage.db import Database


@dataclass(frozen=True)
class Pending:
    # "name": ref is an invite code; "phone", "count": ref is a draft token; "rename",
    # "forget-phone": no ref
    kind: str
    ref: str


class PendingRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def expect(self, user_key: str, kind: str, ref: str, expires_at: int) -> None:
        await self._db.run(lambda conn: expect_in(conn, Expect(user_key, kind, ref, expires_at)))

    async def get(self, user_key: str, now: int) -> Pending | None:
        row = await self._db.fetchone(
            "SELECT kind, ref FROM pending_input WHERE user_key = ? AND expires_at > ?",
            (user_key, now),
        )
        return Pending(str(row[0]), str(row[1])) if row else None

    async def waiting(self, now: int) -> list[str]:
        """Everyone with an open question."""
        rows = await self._db.fetchall(
            "SELECT user_key FROM pending_input WHERE expires_at > ?", (now,)
        )
        return [str(row[0]) for row in rows]

    async def clear(self, user_key: str) -> None:
        await self._db.run(lambda conn: stop_waiting_in(conn, user_key))


def expect_in(conn: sqlite3.Connection, expect: Expect) -> None:
    conn.execute(
        "INSERT INTO pending_input (user_key, kind, ref, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_key) DO UPDATE SET kind = excluded.kind, ref = excluded.ref, "
        "expires_at = excluded.expires_at",
        (expect.user_key, expect.kind, expect.ref, expect.expires_at),
    )


def stop_waiting_in(conn: sqlite3.Connection, user_key: str) -> None:
    conn.execute("DELETE FROM pending_input WHERE user_key = ?", (user_key,))
