"""Every record of a scope and period, streamed for exports: bounded memory at any size."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.domain.model import Unit
from bot.domain.periods import Period


def stream_assists(db_path: Path, scope: Unit | None, period: Period) -> Iterator[tuple]:
    """Yield raw record rows in day order, from a read-only connection of their own: every
    record, with the time it was entered, how it was logged and its review status (a
    pending or rejected record is evidence too, and says so)."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        where = "a.day BETWEEN ? AND ?"
        params: list[int | str] = [period.first_day, period.last_day]
        if scope is not None:
            where += " AND substr(u.path, 1, ?) = ?"
            params += [len(scope.path), scope.path]
        cursor = conn.execute(
            "SELECT a.day, u.code, u.name, a.services, a.people, a.consent, a.outcome, "
            "a.age_band, a.sex, a.volunteer_id, a.person_key IS NOT NULL, a.created_at, "
            "a.batch, a.status "
            f"FROM assists a JOIN units u ON u.id = a.unit_id WHERE {where} "
            "ORDER BY a.day, a.id",
            params,
        )
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                return
            yield from rows
    finally:
        conn.close()
