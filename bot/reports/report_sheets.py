"""The report's sheets of an export's workbook: summary, units, targets and activities.
No sheet is left empty: an empty list says so on its sheet."""

from __future__ import annotations

from typing import Any

from bot import clock
from bot.domain.campaigns import ActivityKind, TargetProgress
from bot.reports.columns import DATE_SAMPLE, column_width
from bot.reports.sheet_kit import SheetKit, shown, write_cell
from bot.storage.activities import ActivityLine
from bot.storage.reports import Report
from bot.texts.templates import Texts

_DIM_COLUMN = {"svc": "services", "age": "age", "sex": "sex", "out": "outcome"}


def summary_sheet(kit: SheetKit, texts: Texts, lang: str, report: Report) -> None:
    label = texts.label
    lines: list[tuple[str, object]] = [
        (
            label(lang, "xl_col", "scope"),
            report.scope.name if report.scope else label(lang, "whole_tree"),
        ),
        (label(lang, "xl_col", "first_day"), report.period.first),
        (label(lang, "xl_col", "last_day"), report.period.last),
        (label(lang, "xl_col", "people"), report.totals.people),
        (label(lang, "xl_col", "assists"), report.totals.assists),
        (label(lang, "xl_col", "self_serve"), report.totals.self_serve),
        *_provenance(label, lang, report),
    ]
    for dim, macro in (
        ("svc", "service_name"),
        ("age", "age_name"),
        ("sex", "sex_name"),
        ("out", "outcome_name"),
    ):
        for key, count in report.by_dim.get(dim, []):
            name = label(lang, macro, key) if key else label(lang, "unknown")
            lines.append((f"{label(lang, 'xl_col', _DIM_COLUMN[dim])}: {name}", count))
    headers = [label(lang, "xl_col", "item"), label(lang, "xl_col", "value")]
    widths = [
        column_width(headers[0], [item for item, _ in lines], wide=True),
        column_width(headers[1], [DATE_SAMPLE, *(shown(v) for _, v in lines)], wide=True),
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "summary"), headers, widths)
    for number, (item, value) in enumerate(lines, start=1):
        sheet.write_string(number, 0, item)
        write_cell(kit, sheet, number, 1, value)


def units_sheet(
    kit: SheetKit, texts: Texts, lang: str, unit_lines: list[tuple[str, int, str, str, int, int]]
) -> None:
    label = texts.label
    columns = ("unit_code", "level", "kind", "unit", "people", "assists")
    headers = [label(lang, "xl_col", c) for c in columns]
    kinds = {kind: label(lang, "unit_kind", kind) for _, _, kind, _, _, _ in unit_lines}
    samples: list[list[object]] = [
        [line[0] for line in unit_lines],
        ["9"],
        list(kinds.values()),
        [line[3] for line in unit_lines],
        [f"{line[4]:,}" for line in unit_lines],
        [f"{line[5]:,}" for line in unit_lines],
    ]
    widths = [
        column_width(h, v, wide=c == "unit")
        for c, h, v in zip(columns, headers, samples, strict=True)
    ]
    units = kit.sheet(label(lang, "xl_sheet", "units"), headers, widths)
    units.autofilter(0, 0, max(1, len(unit_lines)), len(headers) - 1)  # filter one level to sum
    for number, (code, level, kind, name, people, assists) in enumerate(unit_lines, 1):
        units.write_string(number, 0, code)
        units.write_row(number, 1, [level, kinds[kind], name, people, assists])
    if not unit_lines:
        units.write_string(1, 0, label(lang, "xl_none", "units"))


def _provenance(label: Any, lang: str, report: Report) -> list[tuple[str, object]]:
    """How each figure was obtained, as its own rows (see docs/reports.md, «Numbers as
    evidence»)."""
    sources = dict(report.by_dim.get("src", []))
    union = report.union
    return [
        (label(lang, "xl_col", name), value)
        for name, value in (
            ("src_one", sources.get("one", 0)),
            ("src_batch", sources.get("batch", 0)),
            ("verified", union.verified_assists),
            ("attendees_marked", union.attendees_marked),
            ("attendees_headcount", union.attendees_headcount),
            ("self_serve_telegram", report.totals.self_serve_telegram),
            ("self_serve_web", report.totals.self_serve_web),
            ("web_refused", report.web_refused),
            ("pending", report.pending.total),
            ("pending_people", report.pending.people),
        )
    ]


def targets_sheet(kit: SheetKit, texts: Texts, lang: str, report: Report) -> None:
    """«Chỉ tiêu»: every union indicator, with its target and how much of it is done."""
    label = texts.label
    columns = ("indicator", "value", "target", "percent", "target_done", "first_day", "last_day")
    headers = [label(lang, "xl_col", c) for c in columns]
    rows = _target_rows(label, lang, report)
    samples = [[shown(r[i]) for r in rows if len(r) > i] for i in range(len(columns))]
    widths = [
        column_width(h, [DATE_SAMPLE] if c.endswith("_day") else v, wide=c == "indicator")
        for c, h, v in zip(columns, headers, samples, strict=True)
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "targets"), headers, widths, dates=(5, 6))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            write_cell(kit, sheet, number, column, value)


def _target_rows(label: Any, lang: str, report: Report) -> list[list[object]]:
    """Each indicator's row, with its target's cells; a second target of one indicator
    (over other days) on a row of its own."""
    union = report.union
    # A target is counted in its own unit and period, which may differ from the report's:
    # its done, from and to stand beside the report's value.
    targets: dict[str, list[TargetProgress]] = {}
    for t in union.targets:
        targets.setdefault(t.metric, []).append(t)
    values = [
        ("people", report.totals.people),
        ("assists", report.totals.assists),
        ("youth_reached", union.youth_reached),
        ("activities", union.activities),
        ("member_participations", union.member_participations),
        ("teams", union.teams),
    ]
    rows: list[list[object]] = []
    for metric, value in values:
        name = label(lang, "metric_name", metric)
        progress = targets.get(metric, [])
        rows.append([name, value, *(_target_cells(progress[0]) if progress else [])])
        for t in progress[1:]:  # another target of the same metric, over other days
            days = f"{clock.format_day_number(t.first_day)}–{clock.format_day_number(t.last_day)}"
            rows.append([f"{name} ({days})", None, *_target_cells(t)])
    for name, figure in (
        (label(lang, "xl_col", "self_serve_metric"), report.totals.self_serve),
        (label(lang, "xl_col", "attendees"), union.attendees),
        (label(lang, "xl_col", "verified"), union.verified_assists),
        *((label(lang, "activity_kind", k), n) for k, n in union.by_kind.items()),
    ):
        rows.append([name, figure])
    return rows


def _target_cells(t: TargetProgress) -> list[object]:
    return [t.target, t.percent, t.done, clock.day_date(t.first_day), clock.day_date(t.last_day)]


def activities_sheet(kit: SheetKit, texts: Texts, lang: str, lines: list[ActivityLine]) -> None:
    """«Hoạt động»: one row per activity of the scope and period."""
    label = texts.label
    columns = (
        "first_day", "last_day", "unit_code", "unit", "kind", "title", "campaign",
        "members", "attendees", "assists", "verified", "closed",
    )  # fmt: skip
    headers = [label(lang, "xl_col", c) for c in columns]
    rows = [
        [
            clock.day_date(line.activity.first_day),
            clock.day_date(line.activity.last_day),
            line.unit_code,
            line.unit_name,
            label(lang, "activity_kind", line.activity.kind.value),
            line.activity.title,
            line.campaign_code,
            line.members,
            line.attendees,
            line.assists,
            line.verified,
            label(lang, "yes_no", line.activity.closed),
        ]
        for line in lines
    ]
    known: dict[str, list[object]] = {
        "kind": [label(lang, "activity_kind", k.value) for k in ActivityKind],
        "closed": [label(lang, "yes_no", v) for v in (True, False)],
        "first_day": [DATE_SAMPLE],
        "last_day": [DATE_SAMPLE],
    }
    widths = [
        column_width(
            header,
            known.get(name) or [shown(r[i]) for r in rows],
            wide=name in ("unit", "title"),
        )
        for i, (name, header) in enumerate(zip(columns, headers, strict=True))
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "activities"), headers, widths, dates=(0, 1))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            write_cell(kit, sheet, number, column, value)
    if not rows:  # said, not left empty
        sheet.write_string(1, 0, label(lang, "xl_none", "activities"))
