"""Assist drafts and records, and the tallies a volunteer sees in /mine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.reach.domain.catalog import services_mask
from bot.reach.domain.draft import Draft
from bot.storage import rollup
from bot.storage.db import Database


@dataclass(frozen=True)
class SavedAssist:
    id: int
    created: bool  # False when this token was saved before (a double tap, a redelivery)
    people: int
    occurred_at: int


@dataclass(frozen=True)
class LastAssist:
    id: int
    services: int
    people: int
    created_at: int


@dataclass(frozen=True)
class Tally:
    people: int
    assists: int


class AssistRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_draft(self, token: str, member_id: int, draft: Draft, now: int) -> None:
        async with self._db.transaction() as conn:
            # One open form per volunteer: an abandoned one must not pile up.
            await conn.execute("DELETE FROM drafts WHERE member_id = ?", (member_id,))
            await conn.execute(
                "INSERT INTO drafts (token, member_id, data, updated_at) VALUES (?, ?, ?, ?)",
                (token, member_id, draft.to_json(), now),
            )

    async def draft(self, token: str) -> tuple[int, Draft] | None:
        row = await self._db.fetchone(
            "SELECT member_id, data FROM drafts WHERE token = ?", (token,)
        )
        return (int(row[0]), Draft.from_json(str(row[1]))) if row else None

    async def update_draft(self, token: str, draft: Draft, now: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE drafts SET data = ?, updated_at = ? WHERE token = ?",
                (draft.to_json(), now, token),
            )

    async def drop_draft(self, token: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM drafts WHERE token = ?", (token,))

    async def form(self, token: str) -> tuple[SavedAssist | None, tuple[int, Draft] | None]:
        """The form's record if it was saved, else its draft: one query for both."""
        row = await self._db.fetchone(
            "SELECT a.id, a.people, a.occurred_at, d.member_id, d.data FROM (SELECT ? AS token) t "
            "LEFT JOIN assists a ON a.token = t.token LEFT JOIN drafts d ON d.token = t.token",
            (token,),
        )
        if row[0] is not None:
            return SavedAssist(int(row[0]), False, int(row[1]), int(row[2])), None
        if row[3] is not None:
            return None, (int(row[3]), Draft.from_json(str(row[4])))
        return None, None

    async def save(
        self, token: str, volunteer_id: int, draft: Draft, consent: bool, now: int, occurred_at: int
    ) -> SavedAssist:
        """Write the record and drop its draft in one transaction; the same token saves once.

        Without consent only the anonymous count is kept: services, unit, time, how many.
        """
        kept = draft if consent else Draft(unit_id=draft.unit_id, people=draft.people)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO assists (token, volunteer_id, unit_id, services, people, consent, "
                "outcome, age_band, sex, person_key, key_id, occurred_at, created_at, day) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token) DO NOTHING",
                (
                    token,
                    volunteer_id,
                    draft.unit_id,
                    services_mask(draft.services),
                    draft.people,
                    int(consent),
                    kept.outcome if consent else None,
                    kept.age or None,
                    kept.sex or None,
                    kept.person_key or None,
                    kept.key_id or None,
                    occurred_at,
                    now,
                    rollup.day_of(occurred_at),
                ),
            )
            created = cursor.rowcount == 1
            if created:
                await rollup.apply_assist(conn, await _record(conn, "token", token), +1)
            await conn.execute("DELETE FROM drafts WHERE token = ?", (token,))
            async with conn.execute(
                "SELECT id, people, occurred_at FROM assists WHERE token = ?", (token,)
            ) as c:
                row = await c.fetchone()
        assert row is not None
        return SavedAssist(int(row[0]), created, int(row[1]), int(row[2]))

    async def last_of(self, volunteer_id: int) -> LastAssist | None:
        row = await self._db.fetchone(
            "SELECT id, services, people, created_at FROM assists WHERE volunteer_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT 1",
            (volunteer_id,),
        )
        return LastAssist(int(row[0]), int(row[1]), int(row[2]), int(row[3])) if row else None

    async def undo(self, assist_id: int, volunteer_id: int, not_before: int) -> bool:
        """Delete the volunteer's own record if it is recent enough; False if it is not."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                f"SELECT {rollup.ASSIST_COLUMNS} FROM assists "
                "WHERE id = ? AND volunteer_id = ? AND created_at >= ?",
                (assist_id, volunteer_id, not_before),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return False
            await rollup.apply_assist(conn, rollup.as_record(row), -1)
            await conn.execute("DELETE FROM assists WHERE id = ?", (assist_id,))
            return True

    async def tally(self, volunteer_id: int, since: int) -> Tally:
        """People (a phone seen twice counts once; an anonymous assist counts as one each)
        and assists, from `since` (UTC seconds) on."""
        [row] = await self._db.read(
            "SELECT coalesce(sum(people), 0), "
            "count(DISTINCT person_key) + coalesce(sum(CASE WHEN person_key IS NULL "
            "THEN people END), 0) FROM assists WHERE volunteer_id = ? AND occurred_at >= ?",
            (volunteer_id, since),
        )
        return Tally(people=int(row[1]), assists=int(row[0]))

    async def record_self_serve(
        self, user_key: str, guide_id: str, service: str, unit_id: int | None, now: int
    ) -> bool:
        """A citizen finished a guide; once per person and guide. True if newly counted."""
        day = rollup.day_of(now)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO self_serve (user_key, guide_id, service, unit_id, completed_at, day) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_key, guide_id) DO NOTHING",
                (user_key, guide_id, service, unit_id, now, day),
            )
            if cursor.rowcount != 1:
                return False
            await rollup.apply_self_serve(conn, unit_id, day, service, +1)
            return True


async def _record(conn: Any, column: str, value: object) -> dict[str, Any]:
    async with conn.execute(
        f"SELECT {rollup.ASSIST_COLUMNS} FROM assists WHERE {column} = ?", (value,)
    ) as cursor:
        row = await cursor.fetchone()
    return rollup.as_record(row)
