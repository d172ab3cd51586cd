"""The questions the bot asked a person and waits to have answered (a display name, a phone
number, a count): one open question per person.

Kept in the database so that a restart between the question and the answer loses nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.domain.form import Question
from bot.storage.db import Database


@dataclass(frozen=True)
class OpenQuestion:
    # "name": ref is an invite code; "phone", "count": ref is a draft token; "rename",
    # "forget-phone": no ref
    kind: str
    ref: str


class QuestionRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ask(self, user_key: str, kind: str, ref: str, expires_at: int) -> None:
        await self._db.run(lambda conn: ask_in(conn, Question(user_key, kind, ref, expires_at)))

    async def get(self, user_key: str, now: int) -> OpenQuestion | None:
        row = await self._db.fetchone(
            "SELECT kind, ref FROM pending_input WHERE user_key = ? AND expires_at > ?",
            (user_key, now),
        )
        return OpenQuestion(str(row[0]), str(row[1])) if row else None

    async def open_ones(self, now: int) -> list[str]:
        """Everyone with an open question."""
        rows = await self._db.fetchall(
            "SELECT user_key FROM pending_input WHERE expires_at > ?", (now,)
        )
        return [str(row[0]) for row in rows]

    async def clear(self, user_key: str) -> None:
        await self._db.run(lambda conn: drop_question_in(conn, user_key))


def ask_in(conn: sqlite3.Connection, question: Question) -> None:
    conn.execute(
        "INSERT INTO pending_input (user_key, kind, ref, expires_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_key) DO UPDATE SET kind = excluded.kind, ref = excluded.ref, "
        "expires_at = excluded.expires_at",
        (question.user_key, question.kind, question.ref, question.expires_at),
    )


def drop_question_in(conn: sqlite3.Connection, user_key: str) -> None:
    conn.execute("DELETE FROM pending_input WHERE user_key = ?", (user_key,))
