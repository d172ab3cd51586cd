"""One-time links with which a resident confirms an assist (SQL only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.storage import rollup
from bot.storage.bulk import insert_sql
from bot.storage.db import Database

# The columns of a link, in the order of the values `add_used` takes.
CONFIRMATION_COLUMNS = ("token", "assist_id", "expires_at", "used_at", "rating")


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

    async def create(
        self, token: str, assist_id: int, volunteer_id: int, since: int, expires_at: int
    ) -> str:
        """A link for the volunteer's own counted single (one-person) assist made at or after
        `since`: "made". A new link replaces an unused earlier one for the same assist; an
        assist already confirmed gets none ("confirmed"); anything else is "not_yours"."""

        def work(conn: sqlite3.Connection) -> str:
            row = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM confirmations c WHERE c.assist_id = a.id "
                "AND c.used_at IS NOT NULL) FROM assists a WHERE a.id = ? AND a.volunteer_id = ? "
                "AND a.created_at >= ? AND a.people = 1 AND a.status = 'ok'",
                (assist_id, volunteer_id, since),
            ).fetchone()
            if row is None:
                return "not_yours"
            if row[0]:
                return "confirmed"
            conn.execute(
                "DELETE FROM confirmations WHERE assist_id = ? AND used_at IS NULL", (assist_id,)
            )
            conn.execute(
                "INSERT INTO confirmations (token, assist_id, expires_at) VALUES (?, ?, ?)",
                (token, assist_id, expires_at),
            )
            return "made"

        return await self._db.write(work)

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
        """Confirm once: True only for the first use of a link that has not expired. The
        running totals move in the same transaction."""

        def work(conn: sqlite3.Connection) -> bool:
            # At most one confirmation per assist, of a counted assist (a unique index backs
            # this up): verified can never exceed assists.
            row = conn.execute(
                "UPDATE confirmations SET used_at = ?, rating = ? "
                "WHERE token = ? AND used_at IS NULL AND expires_at > ? "
                "AND NOT EXISTS (SELECT 1 FROM confirmations o WHERE o.assist_id = "
                "confirmations.assist_id AND o.used_at IS NOT NULL) "
                "AND (SELECT status FROM assists a WHERE a.id = confirmations.assist_id) = 'ok' "
                "RETURNING assist_id",
                (now, rating, token, now),
            ).fetchone()
            if row is None:
                return False
            unit_id, day = conn.execute(
                "SELECT unit_id, day FROM assists WHERE id = ?", (row[0],)
            ).fetchone()
            rollup.apply_confirmation(conn, unit_id, day, rating, +1)
            return True

        return await self._db.write(work)


def add_used(conn: sqlite3.Connection, rows: Iterable[tuple[object, ...]]) -> None:
    """Links already used, in bulk (demo data), values in the order of
    CONFIRMATION_COLUMNS; a token or assist already confirmed is skipped. The running totals
    are not touched: the caller rebuilds them (`rollup.rebuild`)."""
    conn.executemany(
        insert_sql("confirmations", CONFIRMATION_COLUMNS, "ON CONFLICT DO NOTHING"), rows
    )
