"""What /report, /export and /chart (and their command-line twins) do, free of Telegram."""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from bot import clock
from bot.domain.campaigns import Campaign, Cluster
from bot.domain.model import Unit
from bot.domain.periods import Period
from bot.guides.loader import GuideLibrary
from bot.reports import exports
from bot.reports.union import union_counts, union_figures
from bot.services.guide_stats import GuideStats
from bot.storage.activities import ActivityLine, ActivityRepository
from bot.storage.assist_rows import stream_assists
from bot.storage.db import Database
from bot.storage.reports import Report, ReportRepository
from bot.storage.units import UnitRepository
from bot.texts.templates import Texts

CHART_UNITS = 10
WEEKLY_AFTER_DAYS = 62  # longer periods are charted per week, or the bars become hairlines


async def report(
    db: Database,
    scope: Unit | None,
    period: Period,
    group: Cluster | None = None,
    group_units: list[Unit] | None = None,
    campaign: Campaign | None = None,
) -> Report:
    """The reach report with the union's indicators, for a unit's subtree, the whole tree
    (None), or a cluster of units; a campaign narrows activities and targets to it."""
    repo = ReportRepository(db)
    period = await from_first_record(db, scope, period)
    campaign_id = campaign.id if campaign else None
    result, counts = await asyncio.gather(
        repo.report(scope, period, group_units),
        union_counts(db, scope, period, group_units, campaign_id),
    )
    union = await union_figures(db, scope, result, counts, group_units, campaign_id)
    pending = replace(result.pending, activities=counts[0].pending)
    return replace(
        result,
        union=union,
        pending=pending,
        group_name=group.name if group else "",
        group_id=group.id if group else 0,
        campaign=campaign,
    )


async def with_reader_drops(
    report: Report, stats: GuideStats, library: GuideLibrary, period: Period
) -> Report:
    """The report with the three guide steps most readers left at in the period."""
    drops = []
    for step in await stats.worst_steps(period):
        guide = library.get(step.guide_id)
        title = guide.title if guide else step.guide_id
        drops.append((title, step.step, step.reached, step.left))
    return replace(report, reader_drops=tuple(drops))


async def from_first_record(db: Database, scope: Unit | None, period: Period) -> Period:
    """All time starts at the scope's first record or activity, not at the earliest date the
    bot accepts (a report "since 01/01/2020" of a bot started this year misleads its reader)."""
    if period.kind != "all":
        return period
    firsts = [
        await ReportRepository(db).first_day(scope),
        await ActivityRepository(db).first_day(scope),
    ]
    known = [day for day in firsts if day is not None]
    start = clock.day_date(min(known)) if known else period.last
    return Period("all", min(max(period.first, start), period.last), period.last)


async def export(
    db: Database,
    db_path: Path,
    texts: Texts,
    lang: str,
    scope: Unit | None,
    period: Period,
    out_dir: Path,
    formats: tuple[str, ...],
    who: str,
    fit: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[Report, exports.ExportResult]:
    """Write the files into `out_dir` and log the export; `fit` makes them small enough for
    Telegram (zipped or split), which a desktop export does not need. `progress(n)`: n more
    records written (the command line's bar)."""
    repo = ReportRepository(db)
    period = await from_first_record(db, scope, period)
    summary = await report(db, scope, period)
    lines = await repo.unit_lines(scope, period) if "xlsx" in formats else []
    activities = await activity_lines(db, scope, period) if "xlsx" in formats else []
    stem = _file_stem(scope, period)

    def write() -> exports.ExportResult:
        result = exports.ExportResult()
        formatter = exports.AssistFormatter(texts, lang)
        for fmt in formats:
            path = out_dir / f"{stem}.{fmt}"
            records = stream_assists(db_path, scope, period)
            if progress is not None:
                records = _counted(records, progress)
            if fmt == "csv":
                result.records = exports.write_csv(path, formatter, records)
            else:
                result.records = exports.write_xlsx(
                    path, formatter, summary, lines, records, activities
                )
            if not fit:
                result.files.append(path)
                continue
            fitted, compressed, split = exports.fit_for_telegram(path)
            for part in fitted:
                big = part.stat().st_size > exports.SAFE_BYTES
                (result.too_big if big else result.files).append(part)
            result.compressed |= compressed
            result.split |= split
        return result

    result = await asyncio.to_thread(write)
    await repo.log_export(clock.now(), who, scope, period, "+".join(formats), result.records)
    return summary, result


def _counted(records: Iterator[tuple], progress: Callable[[int], None]) -> Iterator[tuple]:
    """The records as they are, telling `progress` every thousand (and the rest at the end)."""
    count = 0
    for record in records:
        yield record
        count += 1
        if count % 1000 == 0:
            progress(1000)
    progress(count % 1000)


async def activity_lines(
    db: Database,
    scope: Unit | None,
    period: Period,
    group_units: list[Unit] | None = None,
    campaign: Campaign | None = None,
) -> list[ActivityLine]:
    """The activities of a report, for the workbook's «Hoạt động» sheet."""
    paths = [u.path for u in group_units] if group_units else ([scope.path] if scope else None)
    return await ActivityRepository(db).lines(
        paths, period.first_day, period.last_day, campaign.id if campaign else None
    )


def _file_stem(scope: Unit | None, period: Period) -> str:
    where = scope.code if scope else "toan-he-thong"
    return f"bao-cao-{where}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"


CHART_KINDS = ("time", "service", "units")


@dataclass(frozen=True)
class ChartFile:
    name: str  # a file name, e.g. theo-dich-vu.png
    png: bytes
    caption: str  # what it shows, for a chat: its scope and period


async def chart_pngs(
    db: Database,
    texts: Texts,
    lang: str,
    scope: Unit | None,
    period: Period,
    kinds: Collection[str] = CHART_KINDS,
) -> list[tuple[str, bytes]]:
    """Up to three charts as (a file name, PNG bytes): see `charts`."""
    return [
        (chart.name, chart.png) for chart in await charts(db, texts, lang, scope, period, kinds)
    ]


async def charts(
    db: Database,
    texts: Texts,
    lang: str,
    scope: Unit | None,
    period: Period,
    kinds: Collection[str] = CHART_KINDS,
) -> list[ChartFile]:
    """Up to three charts, of `kinds` in CHART_KINDS order: assists over time (per day, or
    per week for long periods), by service, and by child unit (none when the scope has no
    child units; when it has some but none has figures, a chart that says so). A chart with
    nothing to show says «Chưa có số liệu cho kỳ này» instead of drawing zeros. Only those
    asked for are drawn: a chart takes about half a second."""
    repo = ReportRepository(db)
    period = await from_first_record(db, scope, period)
    report = await repo.report(scope, period)
    per_day = await repo.assists_per_day(scope, period)
    label = texts.label
    scope_name = scope.name if scope else label(lang, "whole_tree")
    period_text = (
        label(lang, "period_name", "all")
        if period.kind == "all"
        else f"{period.first:%d/%m/%Y}–{period.last:%d/%m/%Y}"
    )
    weekly = period.length > WEEKLY_AFTER_DAYS
    points = _series(per_day, period, weekly)
    services = [(label(lang, "service_name", k), n) for k, n in report.by_dim.get("svc", [])]
    units = [(c.unit.name, c.assists) for c in report.children[:CHART_UNITS]]
    has_children = bool(units) or (
        "units" in kinds and bool(await UnitRepository(db).children(scope.id if scope else None))
    )
    assists_axis = label(lang, "chart_axis", "assists")
    no_data = label(lang, "chart_no_data")
    no_unit_data = label(lang, "chart_no_unit_data", scope_name)
    caption = texts.render(
        lang, "chart_caption", scope=scope_name, period=period_text, kind=period.kind
    )

    def draw() -> list[ChartFile]:
        from bot.reports import charts  # matplotlib takes a second and 30 MB: only when charting

        files = []
        if "time" in kinds:
            title = label(lang, "chart_title", "time", scope_name, period_text)
            x_axis = label(lang, "chart_axis", "week" if weekly else "day")
            png = charts.time_chart(title, assists_axis, points, x_axis, no_data)
            files.append(ChartFile("theo-thoi-gian.png", png, caption))
        if "service" in kinds:
            title = label(lang, "chart_title", "service", scope_name, period_text)
            png = charts.bar_chart(title, assists_axis, services, no_data)
            files.append(ChartFile("theo-dich-vu.png", png, caption))
        if "units" in kinds and has_children:
            title = label(lang, "chart_title", "units", scope_name, period_text)
            png = charts.bar_chart(title, assists_axis, units, no_unit_data)
            files.append(ChartFile("theo-don-vi.png", png, caption))
        return files

    return await asyncio.to_thread(draw)


def _series(per_day: dict[int, int], period: Period, weekly: bool) -> list[tuple[dt.date, int]]:
    first, last = period.first_day, period.last_day
    if period.kind == "all" and per_day:
        first = max(first, min(per_day))
    if not weekly:
        return [
            (clock.day_date(d), int(per_day.get(d, 0))) for d in range(first, last + 1)
        ]
    weeks: dict[dt.date, int] = {}
    for day in range(first, last + 1):
        start = clock.week_start(clock.day_date(day))
        weeks[start] = weeks.get(start, 0) + int(per_day.get(day, 0))
    return sorted(weeks.items())


def temp_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="outreach-export-")
