"""Targets (chỉ tiêu): one unit's subtree, one metric, one period (SQL only)."""

from __future__ import annotations

from bot.domain.campaigns import Target
from bot.storage.db import Database


class TargetRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def set_target(self, target: Target) -> None:
        """Set or replace a target: the same unit, campaign, metric and first day is the
        same target (its last day and value are replaced)."""
        await self._db.execute(
            "INSERT INTO targets (unit_id, campaign_id, metric, first_day, last_day, value) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET last_day = excluded.last_day, value = excluded.value",
            (
                target.unit_id,
                target.campaign_id or 0,
                target.metric,
                target.first_day,
                target.last_day,
                target.value,
            ),
        )

    async def targets(
        self, unit_ids: list[int], campaign_id: int | None, first_day: int, last_day: int
    ) -> list[Target]:
        """The targets of these units whose period overlaps first_day..last_day."""
        if not unit_ids:
            return []
        marks = ", ".join("?" for _ in unit_ids)
        rows = await self._db.fetchall(
            "SELECT unit_id, campaign_id, metric, value, first_day, last_day FROM targets "
            f"WHERE unit_id IN ({marks}) AND campaign_id = ? AND first_day <= ? "
            "AND last_day >= ? ORDER BY metric, first_day, unit_id",
            (*unit_ids, campaign_id or 0, last_day, first_day),
        )
        return [
            Target(int(u), int(c) or None, str(m), int(v), int(f), int(t))
            for u, c, m, v, f, t in rows
        ]
