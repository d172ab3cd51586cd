"""/forget: erase what is kept about one Telegram user, and record that it happened."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True)
class Erased:
    self_serve: int
    profile: int
    preferences: int

    @property
    def total(self) -> int:
        return self.self_serve + self.profile + self.preferences


class ErasureRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def forget(self, user_key: str, now: int) -> Erased:
        """One transaction: all of it goes, or none of it.

        A volunteer's past assists stay as anonymous counts: `assists.volunteer_id` is set to
        NULL by its foreign key when the profile row goes. The audit row says what kinds of
        data and how many rows were erased, never whose.
        """
        async with self._db.transaction() as conn:
            counts = []
            for sql in (
                "DELETE FROM self_serve WHERE user_key = ?",
                "DELETE FROM members WHERE user_key = ?",
                "DELETE FROM user_prefs WHERE user_key = ?",
            ):
                cursor = await conn.execute(sql, (user_key,))
                counts.append(cursor.rowcount)
            await conn.execute("DELETE FROM pending_input WHERE user_key = ?", (user_key,))
            # Invites stay valid for the people they were given to, but no longer name their maker.
            await conn.execute(
                "UPDATE invites SET created_by = '' WHERE created_by = ?", (user_key,)
            )
            erased = Erased(*counts)
            await conn.execute(
                "INSERT INTO erasures (erased_at, what, rows) VALUES (?, ?, ?)",
                (
                    now,
                    f"self_serve={erased.self_serve};profile={erased.profile};"
                    f"preferences={erased.preferences}",
                    erased.total,
                ),
            )
        return erased

    async def forget_person(self, person_key: str, now: int) -> int:
        """A resident asked to drop their de-duplication code: their assists stay as counts,
        unlinked from each other (so each now counts as one person)."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE assists SET person_key = NULL, key_id = NULL WHERE person_key = ?",
                (person_key,),
            )
            rows = cursor.rowcount
            await conn.execute(
                "INSERT INTO erasures (erased_at, what, rows) VALUES (?, 'resident_phone_code', ?)",
                (now, rows),
            )
        return rows
