"""The union's indicators for a report: activities and classes, teams, member participations,
attendees, youth reached, and progress against targets (chỉ tiêu).

"Thanh thiếu nhi được tiếp cận" (youth reached) adds up, with nobody counted twice where a
keyed hash allows it: residents under 30 helped in assists (anonymous ones in a youth age band,
plus distinct phone codes seen in one), attendees under 30 (marked in the bot, or in a closing
headcount), and the members who took part in an activity (union members are youth).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot import clock
from bot.domain.campaigns import METRICS, ActivityKind, TargetProgress, UnionFigures
from bot.domain.model import Unit
from bot.domain.periods import Period
from bot.storage.activities import ActivityFigures, ActivityRepository
from bot.storage.db import Database
from bot.storage.reports import Report, ReportRepository, Totals, levels_of
from bot.storage.targets import TargetRepository
from bot.storage.units import UnitRepository


async def union_counts(
    db: Database,
    scope: Unit | None,
    period: Period,
    group: list[Unit] | None = None,
    campaign_id: int | None = None,
) -> tuple[ActivityFigures, int]:
    """What the indicators need beyond the reach report: the activities' figures and the
    residents under 30 helped. Independent of the report, so both are read at once."""
    paths = [u.path for u in group] if group else ([scope.path] if scope else None)
    return await asyncio.gather(
        ActivityRepository(db).figures(paths, period.first_day, period.last_day, campaign_id),
        ReportRepository(db).youth(levels_of(scope, group), period),
    )


async def union_figures(
    db: Database,
    scope: Unit | None,
    report: Report,
    counts: tuple[ActivityFigures, int],
    group: list[Unit] | None = None,
    campaign_id: int | None = None,
    *,
    with_targets: bool = True,
) -> UnionFigures:
    activity, youth_helped = counts
    totals = report.totals
    verified, rated, rating_sum = report.confirmed
    average = rating_sum / rated if rated else None
    figures = UnionFigures(
        activities=activity.activities,
        by_kind={kind.value: activity.by_kind.get(kind.value, 0) for kind in ActivityKind},
        teams=activity.teams,
        member_participations=activity.member_participations,
        members=activity.members,
        members_active=len(report.active_volunteers | activity.member_ids),
        attendees=activity.attendees,
        attendees_marked=activity.attendees_marked,
        attendees_headcount=activity.attendees_headcount,
        youth_reached=youth_helped + activity.attendees_youth + activity.members,
        verified_assists=verified,
        rated=rated,
        rating_average=average,
    )
    done = _done(totals, figures)
    if not with_targets:
        return figures
    progress = await _progress(db, scope, report.period, group, campaign_id, done)
    return replace(figures, targets=progress)


def _done(totals: Totals, figures: UnionFigures) -> dict[str, int]:
    """Each target metric's figure (see METRICS)."""
    return {
        "people": totals.people,
        "assists": totals.assists,
        "activities": figures.activities,
        "member_participations": figures.member_participations,
        "youth_reached": figures.youth_reached,
        "teams": figures.teams,
    }


async def _progress(
    db: Database,
    scope: Unit | None,
    period: Period,
    group: list[Unit] | None,
    campaign_id: int | None,
    own_done: dict[str, int],
) -> list[TargetProgress]:
    """The targets a report shows: those of its unit (a cluster's units; the whole tree's
    top-level units) and campaign whose period overlaps the report's. Each is counted in its
    own subtree over its own days, whatever the report covers: a province's yearly target
    is not met by another province's month. A unit's report shows each target; a cluster's
    or the whole tree's sums them per metric."""
    if group:
        units = group
    elif scope is not None:
        units = [scope]
    else:
        units = await UnitRepository(db).children(None)
    by_id = {unit.id: unit for unit in units}
    targets = await TargetRepository(db).targets(
        list(by_id), campaign_id, period.first_day, period.last_day
    )
    spans = sorted({(t.unit_id, t.first_day, t.last_day) for t in targets})

    async def done_in(unit_id: int, first_day: int, last_day: int) -> dict[str, int]:
        own = scope is not None and not group
        if own and (first_day, last_day) == (period.first_day, period.last_day):
            return own_done  # the report's own unit and days: already counted
        days = Period("custom", clock.day_date(first_day), clock.day_date(last_day))
        return await _done_in(db, by_id[unit_id], days, campaign_id)

    figures = await asyncio.gather(*(done_in(*span) for span in spans))
    done = dict(zip(spans, figures, strict=True))
    lines = [
        TargetProgress(
            t.metric,
            t.value,
            done[(t.unit_id, t.first_day, t.last_day)][t.metric],
            t.first_day,
            t.last_day,
        )
        for t in targets
    ]
    if scope is None:  # a cluster or the whole tree
        lines = [_summed([line for line in lines if line.metric == m]) for m in METRICS]
    order = {metric: n for n, metric in enumerate(METRICS)}
    return sorted(
        (line for line in lines if line.target),
        key=lambda line: (order[line.metric], line.first_day, line.last_day),
    )


def _summed(lines: list[TargetProgress]) -> TargetProgress:
    """Several units' targets of one metric as one line; their days may differ."""
    if not lines:
        return TargetProgress("", 0, 0)
    return TargetProgress(
        lines[0].metric,
        sum(line.target for line in lines),
        sum(line.done for line in lines),
        min(line.first_day for line in lines),
        max(line.last_day for line in lines),
        len({(line.first_day, line.last_day) for line in lines}) > 1,
    )


async def _done_in(
    db: Database, unit: Unit, period: Period, campaign_id: int | None
) -> dict[str, int]:
    """A target's figures: the report's own counts, for its unit and days alone."""
    totals, counts = await asyncio.gather(
        ReportRepository(db).totals(levels_of(unit), period),
        union_counts(db, unit, period, None, campaign_id),
    )
    alone = Report(scope=unit, period=period, totals=totals, previous=None)
    figures = await union_figures(db, unit, alone, counts, None, campaign_id, with_targets=False)
    return _done(totals, figures)
