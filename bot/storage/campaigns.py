"""Campaigns (đợt, chiến dịch): named date ranges, maybe of one subtree (SQL only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from bot.domain.campaigns import Campaign
from bot.storage.bulk import insert_sql
from bot.storage.db import Database

CAMPAIGN_COLUMNS = (
    "code", "name", "unit_id", "first_day", "last_day", "created_by", "created_at",
)  # fmt: skip
BulkRow = tuple[object, ...]


_CAMPAIGN = "id, code, name, unit_id, first_day, last_day"


def _campaign(row: Any) -> Campaign:
    return Campaign(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        None if row[3] is None else int(row[3]),
        int(row[4]),
        int(row[5]),
    )


class CampaignRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_campaign(
        self,
        code: str,
        name: str,
        unit_id: int | None,
        first_day: int,
        last_day: int,
        who: str,
        now: int,
    ) -> Campaign | None:
        """None when the code is taken."""

        def work(conn: sqlite3.Connection) -> Campaign | None:
            row = conn.execute(
                insert_sql("campaigns", CAMPAIGN_COLUMNS, "ON CONFLICT (code) DO NOTHING")
                + f" RETURNING {_CAMPAIGN}",
                (code, name, unit_id, first_day, last_day, who, now),
            ).fetchone()
            return _campaign(row) if row else None

        return await self._db.write(work)

    async def campaign(self, code: str) -> Campaign | None:
        row = await self._db.fetchone(f"SELECT {_CAMPAIGN} FROM campaigns WHERE code = ?", (code,))
        return _campaign(row) if row else None

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        row = await self._db.fetchone(
            f"SELECT {_CAMPAIGN} FROM campaigns WHERE id = ?", (campaign_id,)
        )
        return _campaign(row) if row else None

    async def campaigns(self) -> list[Campaign]:
        rows = await self._db.fetchall(
            f"SELECT {_CAMPAIGN} FROM campaigns ORDER BY first_day DESC, code"
        )
        return [_campaign(r) for r in rows]


# ---- in bulk (demo data): the running totals are rebuilt once at the end (`rollup.rebuild`)


def add_campaigns(conn: sqlite3.Connection, rows: Iterable[BulkRow]) -> dict[str, int]:
    """Values in the order of CAMPAIGN_COLUMNS; a code already there keeps its campaign.
    The ids of the rows' codes."""
    rows = list(rows)
    conn.executemany(insert_sql("campaigns", CAMPAIGN_COLUMNS, "ON CONFLICT DO NOTHING"), rows)
    codes = [row[0] for row in rows]
    marks = ", ".join("?" * len(codes))
    found = conn.execute(f"SELECT code, id FROM campaigns WHERE code IN ({marks})", codes)
    return {str(code): int(campaign_id) for code, campaign_id in found}
