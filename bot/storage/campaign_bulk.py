"""Campaigns, activities, check-ins and attendance in bulk (demo data), one column list per
table. The single-row paths live in `campaigns` (CampaignRepository); these column lists are
meant to be shared with them. Nothing here keeps the running totals: the caller rebuilds them
once at the end (`rollup.rebuild`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from bot.storage.bulk import insert_sql

CAMPAIGN_COLUMNS = (
    "code", "name", "unit_id", "first_day", "last_day", "created_by", "created_at",
)  # fmt: skip
ACTIVITY_COLUMNS = (
    "token", "checkin_token", "unit_id", "kind", "title", "first_day", "last_day", "place",
    "services", "campaign_id", "closed_at", "headcount", "headcount_youth", "created_by",
    "created_at",
)  # fmt: skip
CHECKIN_COLUMNS = ("activity_id", "member_id", "home_unit_id", "day", "at", "status")
ATTENDANCE_COLUMNS = ("activity_id", "person_key", "age_band", "at", "status")

Row = tuple[object, ...]


def add_campaigns(conn: sqlite3.Connection, rows: Iterable[Row]) -> dict[str, int]:
    """Values in the order of CAMPAIGN_COLUMNS; a code already there keeps its campaign.
    The ids of the rows' codes."""
    rows = list(rows)
    conn.executemany(insert_sql("campaigns", CAMPAIGN_COLUMNS, "ON CONFLICT DO NOTHING"), rows)
    codes = [row[0] for row in rows]
    marks = ", ".join("?" * len(codes))
    found = conn.execute(f"SELECT code, id FROM campaigns WHERE code IN ({marks})", codes)
    return {str(code): int(campaign_id) for code, campaign_id in found}


def add_activities(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Values in the order of ACTIVITY_COLUMNS; a token already there is skipped."""
    conn.executemany(insert_sql("activities", ACTIVITY_COLUMNS, "ON CONFLICT DO NOTHING"), rows)


def add_checkins(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Values in the order of CHECKIN_COLUMNS; a member counts once per activity."""
    conn.executemany(insert_sql("checkins", CHECKIN_COLUMNS, "ON CONFLICT DO NOTHING"), rows)


def add_attendance(conn: sqlite3.Connection, rows: Iterable[Row]) -> None:
    """Values in the order of ATTENDANCE_COLUMNS; a resident counts once per activity."""
    conn.executemany(insert_sql("attendance", ATTENDANCE_COLUMNS, "ON CONFLICT DO NOTHING"), rows)
