"""Activities: making, finding, closing and listing them with their figures (SQL only).

Activities are few (thousands a year, against millions of assists), so their figures are
counted straight from their tables; the assists' figures come from the running totals.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.domain.campaigns import YOUTH_BANDS, Activity, ActivityKind
from bot.domain.model import Unit
from bot.storage.bulk import insert_sql
from bot.storage.db import Database

ACTIVITY_COLUMNS = (
    "token", "checkin_token", "unit_id", "kind", "title", "first_day", "last_day", "place",
    "services", "campaign_id", "closed_at", "headcount", "headcount_youth", "created_by",
    "created_at",
)  # fmt: skip
BulkRow = tuple[object, ...]


_ACTIVITY = (
    "a.id, a.token, a.unit_id, a.kind, a.title, a.first_day, a.last_day, a.place, a.services, "
    "a.campaign_id, a.closed_at IS NOT NULL, a.headcount, a.headcount_youth, a.checkin_token, "
    "a.headcount_status"
)
_ACTIVITY_COLUMNS = _ACTIVITY.count(",") + 1
_RETURNED = _ACTIVITY.replace("a.", "")
_YOUTH = "(" + ", ".join(f"'{band}'" for band in YOUTH_BANDS) + ")"


def _activity(row: Any) -> Activity:
    return Activity(
        id=int(row[0]),
        token=str(row[1]),
        unit_id=int(row[2]),
        kind=ActivityKind(row[3]),
        title=str(row[4]),
        first_day=int(row[5]),
        last_day=int(row[6]),
        place=str(row[7]),
        services=int(row[8]),
        campaign_id=None if row[9] is None else int(row[9]),
        closed=bool(row[10]),
        headcount=int(row[11]),
        headcount_youth=int(row[12]),
        checkin_token=str(row[13] or ""),
        headcount_status=str(row[14]),
    )


@dataclass(frozen=True)
class ActivityLine:
    """An activity with its figures, for lists and the workbook's «Hoạt động» sheet."""

    activity: Activity
    unit_code: str
    unit_name: str
    campaign_code: str
    members: int
    marked: int  # attendance marked by residents in the bot
    headcount: int  # the typed closing headcount, once counted (0 while it waits for review)
    assists: int  # people helped in assists linked to it
    verified: int = 0  # of its assists, those the resident confirmed

    @property
    def attendees(self) -> int:
        return self.marked + self.headcount


@dataclass(frozen=True)
class ActivityFigures:
    """What a scope's activities in a period add up to."""

    activities: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    member_participations: int = 0  # check-ins: one per member and activity
    members: int = 0  # distinct members who checked in
    teams: int = 0  # distinct teams (units of kind team) whose members checked in
    member_ids: frozenset[int] = frozenset()  # who checked in
    attendees_marked: int = 0  # attendance residents marked in the bot
    attendees_headcount: int = 0  # typed closing headcounts
    attendees_youth: int = 0
    pending: int = 0  # headcounts, attendance marks and check-ins waiting for review

    @property
    def attendees(self) -> int:
        return self.attendees_marked + self.attendees_headcount


def _scope_clause(paths: list[str] | None, alias: str = "u") -> tuple[str, list[object]]:
    """Units under any of `paths` (None: everywhere)."""
    if paths is None:
        return "", []
    if not paths:
        return " AND 0", []
    ors = " OR ".join(f"substr({alias}.path, 1, ?) = ?" for _ in paths)
    params: list[object] = []
    for path in paths:
        params += [len(path), path]
    return f" AND ({ors})", params


class ActivityRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_activity(
        self,
        token: str,
        checkin_token: str,
        unit_id: int,
        kind: ActivityKind,
        title: str,
        first_day: int,
        last_day: int,
        place: str,
        services: int,
        campaign_id: int | None,
        who: str,
        now: int,
    ) -> Activity:
        values = (
            token,
            checkin_token,
            unit_id,
            kind.value,
            title,
            first_day,
            last_day,
            place,
            services,
            campaign_id,
            who,
            now,
        )

        def work(conn: sqlite3.Connection) -> Activity:
            row = conn.execute(
                "INSERT INTO activities (token, checkin_token, unit_id, kind, title, first_day, "
                "last_day, place, services, campaign_id, created_by, created_at) "
                f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING {_RETURNED}",
                values,
            ).fetchone()
            return _activity(row)

        return await self._db.write(work)

    async def activity_by_token(self, token: str, *, checkin: bool = False) -> Activity | None:
        """By its attendance token, or (`checkin`) by its members' check-in token."""
        column = "checkin_token" if checkin else "token"
        row = await self._db.fetchone(
            f"SELECT {_ACTIVITY} FROM activities a WHERE a.{column} = ?", (token,)
        )
        return _activity(row) if row else None

    async def activity(self, activity_id: int) -> Activity | None:
        row = await self._db.fetchone(
            f"SELECT {_ACTIVITY} FROM activities a WHERE a.id = ?", (activity_id,)
        )
        return _activity(row) if row else None

    async def close(
        self,
        activity_id: int,
        headcount: int,
        youth: int,
        now: int,
        status_for: Callable[[int], str],
        who: str = "",
    ) -> str | None:
        """Close an open activity with an anonymous headcount, whose status `status_for`
        decides from the activity's counted attendance marks, in the same transaction; the
        status, or None if it was closed already."""

        def work(conn: sqlite3.Connection) -> str | None:
            (marked,) = conn.execute(
                "SELECT count(*) FROM attendance WHERE activity_id = ? AND status = 'ok'",
                (activity_id,),
            ).fetchone()
            status = status_for(int(marked))
            changed = conn.execute(
                "UPDATE activities SET closed_at = ?, headcount = ?, headcount_youth = ?, "
                "headcount_status = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                (now, headcount, youth, status, who, activity_id),
            ).rowcount
            return status if changed == 1 else None

        return await self._db.write(work)

    async def lines(
        self,
        paths: list[str] | None,
        first_day: int,
        last_day: int,
        campaign_id: int | None,
        limit: int = 10_000,
    ) -> list[ActivityLine]:
        """Activities starting in the period, in the scope, with their figures; newest
        first."""
        where, params = _scope_clause(paths)
        if campaign_id is not None:
            where += " AND a.campaign_id = ?"
            params.append(campaign_id)
        rows = await self._db.read(
            f"SELECT {_ACTIVITY}, u.code, u.name, coalesce(c.code, ''), "
            "(SELECT count(*) FROM checkins k WHERE k.activity_id = a.id AND k.status = 'ok'), "
            "(SELECT count(*) FROM attendance t WHERE t.activity_id = a.id AND t.status = 'ok'), "
            "CASE WHEN a.headcount_status = 'ok' THEN a.headcount ELSE 0 END, "
            "(SELECT coalesce(sum(s.people), 0) FROM assists s WHERE s.activity_id = a.id "
            "AND s.status = 'ok'), "
            "(SELECT count(*) FROM confirmations c JOIN assists s ON s.id = c.assist_id "
            "WHERE s.activity_id = a.id AND s.status = 'ok' AND c.used_at IS NOT NULL) "
            "FROM activities a JOIN units u ON u.id = a.unit_id "
            "LEFT JOIN campaigns c ON c.id = a.campaign_id "
            f"WHERE a.first_day BETWEEN ? AND ?{where} "
            "ORDER BY a.first_day DESC, a.id DESC LIMIT ?",
            [first_day, last_day, *params, limit],
        )
        n = _ACTIVITY_COLUMNS
        return [
            ActivityLine(
                _activity(r[:n]), str(r[n]), str(r[n + 1]), str(r[n + 2]), *map(int, r[n + 3 :])
            )
            for r in rows
        ]

    async def figures(
        self, paths: list[str] | None, first_day: int, last_day: int, campaign_id: int | None
    ) -> ActivityFigures:
        where, params = _scope_clause(paths)
        if campaign_id is not None:
            where += " AND a.campaign_id = ?"
            params.append(campaign_id)
        # The units are joined only to filter by scope: the whole tree needs no join.
        join = " JOIN units u ON u.id = a.unit_id" if paths is not None else ""
        chosen = f"SELECT a.id FROM activities a{join} WHERE a.first_day BETWEEN ? AND ?{where}"
        span = [first_day, last_day, *params]
        # Independent counts, each on its own reading connection, at once.
        counted = "CASE WHEN a.headcount_status = 'ok' THEN"
        kinds, members_by_home, attendance, pending = await asyncio.gather(
            self._db.read(
                f"SELECT a.kind, count(*), sum({counted} a.headcount END), "
                f"sum({counted} a.headcount_youth END) "
                f"FROM activities a WHERE a.id IN ({chosen}) GROUP BY a.kind",
                span,
            ),
            self._db.read(
                "SELECT k.member_id, h.kind = 'team', h.id, count(*) "
                "FROM checkins k JOIN units h ON h.id = k.home_unit_id "
                f"WHERE k.activity_id IN ({chosen}) AND k.status = 'ok' "
                "GROUP BY k.member_id, h.id",
                span,
            ),
            self._db.read(
                f"SELECT count(*), count(CASE WHEN t.age_band IN {_YOUTH} THEN 1 END) "
                f"FROM attendance t WHERE t.activity_id IN ({chosen}) AND t.status = 'ok'",
                span,
            ),
            self._db.read(
                "SELECT (SELECT count(*) FROM activities a "
                f"WHERE a.id IN ({chosen}) AND a.headcount_status = 'pending') + "
                "(SELECT count(*) FROM attendance t "
                f"WHERE t.activity_id IN ({chosen}) AND t.status = 'pending') + "
                "(SELECT count(*) FROM checkins k "
                f"WHERE k.activity_id IN ({chosen}) AND k.status = 'pending')",
                span * 3,
            ),
        )
        return _figures(kinds, members_by_home, attendance, pending)

    async def first_day(self, scope: Unit | None) -> int | None:
        """The first day of an activity in the scope, if any."""
        where, params = _scope_clause([scope.path] if scope else None)
        [(day,)] = await self._db.read(
            f"SELECT min(a.first_day) FROM activities a JOIN units u ON u.id = a.unit_id "
            f"WHERE 1{where}",
            params,
        )
        return int(day) if day is not None else None


def _figures(
    kinds: list[Any], members_by_home: list[Any], attendance: list[Any], pending: list[Any]
) -> ActivityFigures:
    """The four counts of `ActivityRepository.figures`, added up."""
    [(marked, marked_youth)] = attendance
    [(waiting,)] = pending
    member_ids = frozenset(int(m) for m, _, _, _ in members_by_home)
    teams = len({home for _, is_team, home, _ in members_by_home if is_team})
    participations = sum(int(n) for _, _, _, n in members_by_home)
    by_kind = {str(kind): int(n) for kind, n, _, _ in kinds}
    headcount = sum(int(h or 0) for _, _, h, _ in kinds)
    headcount_youth = sum(int(y or 0) for _, _, _, y in kinds)
    return ActivityFigures(
        activities=sum(by_kind.values()),
        by_kind=by_kind,
        member_participations=participations,
        members=len(member_ids),
        teams=teams,
        member_ids=member_ids,
        attendees_marked=int(marked),
        attendees_headcount=headcount,
        attendees_youth=int(marked_youth) + headcount_youth,
        pending=int(waiting),
    )


# ---- in bulk (demo data): the running totals are rebuilt once at the end (`rollup.rebuild`)


def add_activities(conn: sqlite3.Connection, rows: Iterable[BulkRow]) -> None:
    """Values in the order of ACTIVITY_COLUMNS; a token already there is skipped."""
    conn.executemany(insert_sql("activities", ACTIVITY_COLUMNS, "ON CONFLICT DO NOTHING"), rows)
