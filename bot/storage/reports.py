"""Reach tallies for a scope and period, read from the running totals (bot/storage/rollup.py).

Every query is bounded by the number of days and of dimension values, not of records, so a
whole-tree report costs the same with a thousand records or ten million.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.domain.campaigns import Campaign, UnionFigures
from bot.domain.model import Unit
from bot.domain.periods import Period
from bot.storage import rollup
from bot.storage.db import Database
from bot.storage.units import UnitRepository

TOP_VOLUNTEERS = 5


@dataclass(frozen=True)
class Totals:
    people: int = 0
    assists: int = 0
    self_serve: int = 0  # every guide completion, in Telegram and on the web site
    self_serve_web: int = 0  # of those, presses on the web site: nobody is known there

    @property
    def self_serve_telegram(self) -> int:
        """Completions by a real Telegram account: the only self-serve figure that counts."""
        return self.self_serve - self.self_serve_web


@dataclass(frozen=True)
class Pending:
    """What waits for review (see bot/domain/review.py), outside every figure."""

    assists: int = 0  # records
    people: int = 0  # the people they would add
    activities: int = 0  # headcounts, attendance marks and check-ins (see ActivityFigures)

    @property
    def total(self) -> int:
        return self.assists + self.activities


@dataclass(frozen=True)
class ChildLine:
    unit: Unit
    people: int
    assists: int


@dataclass(frozen=True)
class Report:
    scope: Unit | None  # None: the whole tree
    period: Period
    totals: Totals
    previous: Totals | None
    by_dim: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # most first
    children: list[ChildLine] = field(default_factory=list)  # most assists first
    volunteers: list[tuple[str, int]] = field(default_factory=list)
    union: UnionFigures = field(default_factory=UnionFigures)  # see bot/reports/union.py
    confirmed: tuple[int, int, int] = (0, 0, 0)  # confirmed assists, rated, sum of ratings
    active_volunteers: frozenset[int] = frozenset()  # members who logged in the period
    group_name: str = ""  # a cluster's report: its name (scope is None)
    group_id: int = 0  # and its id, for the report's buttons
    # For admins: the guide steps most readers leave at (title, step, reached, left).
    reader_drops: tuple[tuple[str, int, int, int], ...] = ()
    campaign: Campaign | None = None  # activities and targets of this campaign only
    pending: Pending = field(default_factory=Pending)  # waiting for review, not counted
    web_refused: int = 0  # web presses dropped over a limit (whole-tree reports only)


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._units = UnitRepository(db)

    async def report(
        self, scope: Unit | None, period: Period, group: list[Unit] | None = None
    ) -> Report:
        """The report of a unit's subtree (None: the whole tree), or of a cluster of units
        (`group`, whose subtrees do not overlap: their totals add up, and a person seen in
        two of them counts once)."""
        levels = levels_of(scope, group)
        first, last = period.first_day, period.last_day
        before = period.previous()
        within, marks = _levels(levels)
        # The distinct-people counts dominate with millions of records; they and the rest
        # are independent, so they run at once on separate reading connections. (Two gathers:
        # asyncio.gather is typed for at most six awaitables; a seventh loses every type.)
        (rows, keyed, previous, children, volunteers, pending), refused = await asyncio.gather(
            asyncio.gather(
                self._db.read(
                    f"SELECT dim, key, sum(assists), sum(anon) FROM rollup WHERE {within} "
                    "AND day BETWEEN ? AND ? GROUP BY dim, key",
                    (*marks, first, last),
                ),
                self._keyed_people(levels, first, last),
                self.totals(levels, before) if before is not None else _none(),
                self._children(scope, first, last, group),
                self._volunteers(levels, period),
                self._pending(scope, group, first, last),
            ),
            self._web_refused(first, last) if scope is None and not group else _zero(),
        )
        by_dim: dict[str, list[tuple[str, int]]] = {}
        anon = assists = 0
        confirmed = [0, 0, 0]
        for dim, key, count, anon_count in rows:
            if dim == "all":
                assists, anon = int(count), int(anon_count)
            elif dim == "ver":  # confirmed by residents: see rollup.apply_confirmation
                if key == "n":
                    confirmed[0], confirmed[1] = int(count), int(anon_count)
                else:
                    confirmed[2] = int(count)
            else:
                by_dim.setdefault(str(dim), []).append((str(key), int(count)))
        for lines in by_dim.values():
            lines.sort(key=lambda line: (-line[1], line[0]))
        self_serve = sum(count for _, count in by_dim.get("self", []))
        web = sum(count for _, count in by_dim.get("selfweb", []))
        return Report(
            scope=scope,
            period=period,
            totals=Totals(anon + keyed, assists, self_serve, web),
            pending=pending,
            web_refused=refused,
            previous=previous,
            by_dim=by_dim,
            children=children,
            volunteers=volunteers[0],
            confirmed=(confirmed[0], confirmed[1], confirmed[2]),
            active_volunteers=volunteers[1],
        )

    async def unit_lines(
        self, scope: Unit | None, period: Period
    ) -> list[tuple[str, int, str, str, int, int]]:
        """Every unit of the scope with records in the period: code, level (1 for a province,
        2 for its communes, …), kind, name, people, assists. A unit's figures include those
        of the units below it, so only lines of one level add up."""
        where, params = "", []
        if scope is not None:
            where, params = "AND substr(u.path, 1, ?) = ?", [len(scope.path), scope.path]
        span = [period.first_day, period.last_day]
        totals = await self._db.read(
            "SELECT u.code, u.path, u.kind, u.name, r.level, sum(r.assists), sum(r.anon) "
            "FROM rollup r "
            f"JOIN units u ON u.id = r.level WHERE r.dim = 'all' AND r.day BETWEEN ? AND ? {where} "
            "GROUP BY r.level ORDER BY u.path",
            span + params,
        )
        keyed = dict(
            await self._db.read(
                "SELECT p.level, count(*) FROM person_days p "
                "JOIN units u ON u.id = p.level "
                f"WHERE p.day BETWEEN ? AND ? AND p.prev < ? {where} GROUP BY p.level",
                [*span, period.first_day, *params],
            )
        )
        return [
            (
                code,
                str(path).strip("/").count("/") + 1,
                kind,
                name,
                int(anon) + int(keyed.get(level, 0)),
                int(count),
            )
            for code, path, kind, name, level, count, anon in totals
        ]

    async def first_day(self, scope: Unit | None) -> int | None:
        """The first day with a record or a self-serve completion in the scope, if any."""
        [(day,)] = await self._db.read(
            "SELECT min(day) FROM rollup WHERE level = ? AND dim IN ('all', 'self')",
            (scope.id if scope else 0,),
        )
        return int(day) if day is not None else None

    async def assists_per_day(self, scope: Unit | None, period: Period) -> dict[int, int]:
        rows = await self._db.read(
            "SELECT day, sum(assists) FROM rollup WHERE level = ? AND dim = 'all' "
            "AND day BETWEEN ? AND ? GROUP BY day",
            (scope.id if scope else 0, period.first_day, period.last_day),
        )
        return {int(day): int(n) for day, n in rows}

    async def log_export(
        self, at: int, who: str, scope: Unit | None, period: Period, formats: str, records: int
    ) -> None:
        await self._db.execute(
            "INSERT INTO export_log (at, who, scope, first_day, last_day, format, records) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                who,
                scope.code if scope else "*",
                period.first.isoformat(),
                period.last.isoformat(),
                formats,
                records,
            ),
        )

    async def totals(self, levels: list[int], period: Period) -> Totals:
        first, last = period.first_day, period.last_day
        within, marks = _levels(levels)
        [row] = await self._db.read(
            "SELECT coalesce(sum(CASE WHEN dim = 'all' THEN assists END), 0), "
            "coalesce(sum(CASE WHEN dim = 'all' THEN anon END), 0), "
            "coalesce(sum(CASE WHEN dim = 'self' THEN assists END), 0), "
            "coalesce(sum(CASE WHEN dim = 'selfweb' THEN assists END), 0) FROM rollup "
            f"WHERE {within} AND day BETWEEN ? AND ? AND dim IN ('all', 'self', 'selfweb')",
            (*marks, first, last),
        )
        keyed = await self._keyed_people(levels, first, last)
        return Totals(int(row[1]) + keyed, int(row[0]), int(row[2]), int(row[3]))

    async def _pending(
        self, scope: Unit | None, group: list[Unit] | None, first: int, last: int
    ) -> Pending:
        """Records dated in the period that wait for review (few: a partial index)."""
        paths = [u.path for u in group] if group else ([scope.path] if scope else [])
        where = " OR ".join("substr(u.path, 1, ?) = ?" for _ in paths) or "1"
        params: list[object] = [first, last]
        for path in paths:
            params += [len(path), path]
        [(records, people)] = await self._db.read(
            "SELECT count(*), coalesce(sum(a.people), 0) FROM assists a "
            "JOIN units u ON u.id = a.unit_id WHERE a.status = 'pending' "
            f"AND a.day BETWEEN ? AND ? AND ({where})",
            params,
        )
        return Pending(int(records), int(people))

    async def _web_refused(self, first: int, last: int) -> int:
        [(n,)] = await self._db.read(
            "SELECT coalesce(sum(n), 0) FROM web_refused WHERE day BETWEEN ? AND ?", (first, last)
        )
        return int(n)

    async def youth(self, levels: list[int], period: Period) -> int:
        """People under 30 helped: anonymous ones in a youth age band, plus distinct phone
        codes seen in one."""
        within, marks = _levels(levels)
        span = (period.first_day, period.last_day)
        [(anon,)] = await self._db.read(
            f"SELECT coalesce(sum(anon), 0) FROM rollup WHERE {within} AND day BETWEEN ? AND ? "
            f"AND dim = 'age' AND key IN {rollup.YOUTH_SQL}",
            (*marks, *span),
        )
        keyed = await self._keyed_people(levels, *span, table="youth_days")
        return int(anon) + keyed

    async def _keyed_people(
        self, levels: list[int], first: int, last: int, table: str = "person_days"
    ) -> int:
        """Distinct phone codes seen in first..last at these levels: at one level, the rows
        that are a code's first day in the window (see rollup._count_person); a cluster's
        levels may share a code, so across levels it is a DISTINCT."""
        within, marks = _levels(levels)
        if len(levels) == 1:
            sql = (
                f"SELECT count(*) FROM {table} WHERE {within} AND day BETWEEN ? AND ? AND prev < ?"
            )
            params: tuple[int, ...] = (*marks, first, last, first)
        else:
            sql = (
                f"SELECT count(DISTINCT person) FROM {table} WHERE {within} AND day BETWEEN ? AND ?"
            )
            params = (*marks, first, last)
        [(count,)] = await self._db.read(sql, params)
        return int(count)

    async def _children(
        self, scope: Unit | None, first: int, last: int, group: list[Unit] | None = None
    ) -> list[ChildLine]:
        children = group or await self._units.children(scope.id if scope else None)
        if not children:
            return []
        by_id = {unit.id: unit for unit in children}
        marks = ",".join("?" * len(by_id))
        totals = await self._db.read(
            f"SELECT level, sum(assists), sum(anon) FROM rollup WHERE level IN ({marks}) "
            "AND day BETWEEN ? AND ? AND dim = 'all' GROUP BY level",
            (*by_id, first, last),
        )
        keyed = dict(
            await self._db.read(
                f"SELECT level, count(*) FROM person_days WHERE level IN ({marks}) "
                "AND day BETWEEN ? AND ? AND prev < ? GROUP BY level",
                (*by_id, first, last, first),
            )
        )
        lines = [
            ChildLine(by_id[level], int(anon) + int(keyed.get(level, 0)), int(count))
            for level, count, anon in totals
        ]
        return sorted(lines, key=lambda line: (-line.assists, line.unit.code))

    async def _volunteers(
        self, levels: list[int], period: Period
    ) -> tuple[list[tuple[str, int]], frozenset[int]]:
        """Top volunteers (whole months from the monthly sums, the ragged ends day by day),
        and every member who logged an assist in the period."""
        months, edges = month_split(period.first_day, period.last_day)
        within, level_marks = _levels(levels)
        totals: dict[str, int] = {}
        queries = []
        if months:
            marks = ",".join("?" * len(months))
            queries.append(
                (
                    f"SELECT key, sum(assists) FROM vol_rollup WHERE {within} "
                    f"AND day IN ({marks}) AND dim = 'volm' GROUP BY key",
                    (*level_marks, *months),
                )
            )
        for first, last in edges:
            queries.append(
                (
                    f"SELECT key, sum(assists) FROM vol_rollup WHERE {within} "
                    "AND day BETWEEN ? AND ? "
                    "AND dim = 'vol' GROUP BY key",
                    (*level_marks, first, last),
                )
            )
        for sql, params in queries:
            for key, count in await self._db.read(sql, params):
                if key:  # "" holds assists whose volunteer erased their profile
                    totals[str(key)] = totals.get(str(key), 0) + int(count)
        active = frozenset(int(key) for key in totals)
        top = sorted(totals.items(), key=lambda item: (-item[1], int(item[0])))[:TOP_VOLUNTEERS]
        if not top:
            return [], active
        marks = ",".join("?" * len(top))
        names = dict(
            await self._db.read(
                # A member who erased themselves stays a number: "#12" logged these.
                "SELECT id, CASE WHEN display_name = '' THEN '#' || id ELSE display_name END "
                f"FROM members WHERE id IN ({marks})",
                [int(key) for key, _ in top],
            )
        )
        return [(str(names.get(int(key), "?")), count) for key, count in top], active


def month_split(first: int, last: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Split days first..last into whole months (their first days) and leftover day ranges."""
    months: list[int] = []
    edges: list[tuple[int, int]] = []
    day = first
    while day <= last:
        start = rollup.month_start(day)
        next_start = rollup.month_start(start + 31)
        month_last = next_start - 1
        if day == start and month_last <= last:
            months.append(start)
        else:
            edges.append((day, min(month_last, last)))
        day = next_start
    return months, edges


def levels_of(scope: Unit | None, group: list[Unit] | None = None) -> list[int]:
    """The running totals' levels a report reads: a cluster's units, a unit, or 0 (all)."""
    if group:
        return [u.id for u in group]
    return [scope.id if scope else 0]


def _levels(levels: list[int]) -> tuple[str, tuple[int, ...]]:
    if len(levels) == 1:
        return "level = ?", (levels[0],)
    return f"level IN ({','.join('?' * len(levels))})", tuple(levels)


async def _none() -> None:
    return None


async def _zero() -> int:
    return 0
