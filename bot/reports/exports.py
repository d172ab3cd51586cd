"""Exports a coordinator's office can open: an XLSX workbook and a CSV, streamed.

Records are read in day order straight from SQLite and written row by row (xlsxwriter's
constant-memory mode), so a million records export in bounded memory. Nothing personal is
written: no names, no phone codes, volunteers only by their internal number. Files bigger
than Telegram accepts from a bot are compressed or split, and the result says so.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.reach.domain.campaigns import TargetProgress, day_date
from bot.reach.domain.catalog import services_from_mask
from bot.reach.domain.cells import SafeCsvWriter
from bot.reach.domain.periods import EPOCH
from bot.storage.campaigns import ActivityLine
from bot.storage.reports import Report
from bot.texts.templates import Texts

TELEGRAM_MAX_BYTES = 50 * 1000 * 1000
SAFE_BYTES = 48 * 1000 * 1000  # headroom for the multipart envelope
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
RECORD_COLUMNS = (
    "day",
    "unit_code",
    "unit",
    "services",
    "people",
    "consent",
    "outcome",
    "age",
    "sex",
    "volunteer",
    "dedup",
    "entered",
    "backdated",
    "source",
    "status",
)


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    records: int = 0
    compressed: bool = False  # the CSV was zipped to fit Telegram's limit
    split: bool = False  # some file had to be cut into parts
    too_big: list[Path] = field(default_factory=list)  # an XLSX Telegram would refuse


class RecordFormatter:
    """Turns stored codes into the words of the person's language, caching the few values."""

    def __init__(self, texts: Texts, lang: str) -> None:
        self.texts, self.lang = texts, lang
        self._days: dict[int, str] = {}
        self._services: dict[int, str] = {}
        self._words: dict[tuple[str, str], str] = {}

    def header(self) -> list[str]:
        return [self.texts.label(self.lang, "xl_col", name) for name in RECORD_COLUMNS]

    def row(self, raw: tuple) -> list[object]:
        day, code, name, mask, people, consent, outcome, age, sex, volunteer, dedup = raw[:11]
        entered, batch, status = raw[11:]
        return [
            self.day(day),
            code,
            name,
            self.services(mask),
            people,
            self._word("yes_no", bool(consent)),
            self._word("outcome_name", outcome) if outcome else "",
            self._word("age_name", age) if age else "",
            self._word("sex_name", sex) if sex else "",
            volunteer if volunteer is not None else "",
            self._word("yes_no", bool(dedup)),
            self.moment(entered),
            # Dated another day than it was entered: visible, so back-dating cannot hide.
            self._word("yes_no", (entered + VN_OFFSET) // 86400 != day),
            self._word("record_source", bool(batch)),
            self._word("record_status", status),
        ]

    def day(self, day: int) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = (EPOCH + dt.timedelta(days=day)).strftime("%d/%m/%Y")
        return text

    def moment(self, timestamp: int) -> str:
        """When a record was entered, in Vietnam time (07/12/2026 10:30), from the cached day:
        a million rows format in a fraction of what strftime would take."""
        local = timestamp + VN_OFFSET
        minutes = local % 86400 // 60
        return f"{self.day(local // 86400)} {minutes // 60:02d}:{minutes % 60:02d}"

    def services(self, mask: int) -> str:
        text = self._services.get(mask)
        if text is None:
            names = [
                self.texts.label(self.lang, "service_name", c) for c in services_from_mask(mask)
            ]
            text = self._services[mask] = "; ".join(names)
        return text

    def _word(self, macro: str, value: object) -> str:
        key = (macro, str(value))
        text = self._words.get(key)
        if text is None:
            text = self._words[key] = self.texts.label(self.lang, macro, value)
        return text


def write_csv(path: Path, formatter: RecordFormatter, records: Iterator[tuple]) -> int:
    count = 0
    # UTF-8 with a BOM: Excel then reads the Vietnamese letters correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)  # a name like "=HYPERLINK(…)" is written as text
        writer.writerow(formatter.header())
        for raw in records:
            writer.writerow(formatter.row(raw))
            count += 1
    return count


def write_xlsx(
    path: Path,
    formatter: RecordFormatter,
    report: Report,
    unit_lines: list[tuple[str, int, str, str, int, int]],
    records: Iterator[tuple],
    activities: list[ActivityLine] | None = None,
) -> int:
    import xlsxwriter  # imported here: only exports need it

    texts, lang = formatter.texts, formatter.lang
    label = texts.label
    # Text stays text: a unit name starting with "=" must not become a formula.
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    try:
        summary = book.add_worksheet(label(lang, "xl_sheet", "summary"))
        summary.set_column(0, 0, 42)
        summary.set_column(1, 1, 18)
        lines: list[tuple[str, object]] = [
            (
                label(lang, "xl_col", "scope"),
                report.scope.name if report.scope else label(lang, "whole_tree"),
            ),
            (
                label(lang, "xl_col", "period"),
                f"{report.period.first:%d/%m/%Y} – {report.period.last:%d/%m/%Y}",
            ),
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
        summary.write_row(
            0, 0, [label(lang, "xl_col", "item"), label(lang, "xl_col", "value")], bold
        )
        for number, (item, value) in enumerate(lines, start=1):
            summary.write_row(number, 0, [item, value])

        units = book.add_worksheet(label(lang, "xl_sheet", "units"))
        units.set_column(0, 1, 14)
        units.set_column(2, 2, 36)
        header = [
            label(lang, "xl_col", c)
            for c in ("unit_code", "level", "kind", "unit", "people", "assists")
        ]
        units.write_row(0, 0, header, bold)
        units.autofilter(0, 0, len(unit_lines), len(header) - 1)  # filter one level to sum
        for number, (code, level, kind, name, people, assists) in enumerate(unit_lines, 1):
            kind_name = label(lang, "unit_kind", kind)
            units.write_row(number, 0, [code, level, kind_name, name, people, assists])

        _targets_sheet(book, bold, texts, lang, report)
        _activities_sheet(book, bold, texts, lang, activities or [])

        count = 0
        sheet = None
        for raw in records:
            if count % XLSX_MAX_ROWS == 0:  # Excel's row limit: continue on a new sheet
                suffix = f" {count // XLSX_MAX_ROWS + 1}" if count else ""
                sheet = book.add_worksheet(label(lang, "xl_sheet", "records") + suffix)
                sheet.set_column(0, len(RECORD_COLUMNS) - 1, 14)
                sheet.write_row(0, 0, formatter.header(), bold)
            assert sheet is not None
            sheet.write_row(count % XLSX_MAX_ROWS + 1, 0, formatter.row(raw))
            count += 1
        if sheet is None:
            sheet = book.add_worksheet(label(lang, "xl_sheet", "records"))
            sheet.write_row(0, 0, formatter.header(), bold)
    finally:
        book.close()
    return count


def _provenance(label: Any, lang: str, report: Report) -> list[tuple[str, object]]:
    """How each figure was obtained, as its own rows (see the README's «Numbers as evidence»)."""
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


def _targets_sheet(book: Any, bold: Any, texts: Texts, lang: str, report: Report) -> None:
    """«Chỉ tiêu»: every union indicator, with its target and how much of it is done."""
    label = texts.label
    sheet = book.add_worksheet(label(lang, "xl_sheet", "targets"))
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 3, 14)
    sheet.set_column(4, 6, 16)
    columns = ("indicator", "value", "target", "percent", "target_done", "first_day", "last_day")
    sheet.write_row(0, 0, [label(lang, "xl_col", c) for c in columns], bold)
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
    row = 1
    for metric, value in values:
        name = label(lang, "metric_name", metric)
        first, *more = targets.get(metric) or [None]
        cells: list[object] = [name, value]
        if first is not None:
            cells += _target_cells(first)
        sheet.write_row(row, 0, cells)
        row += 1
        for t in more:  # another target of the same metric, over other days
            sheet.write_row(row, 0, [f"{name} ({_day(t.first_day)}–{_day(t.last_day)})", None])
            sheet.write_row(row, 2, _target_cells(t))
            row += 1
    for name, value in (
        (label(lang, "xl_col", "self_serve_metric"), report.totals.self_serve),
        (label(lang, "xl_col", "attendees"), union.attendees),
        (label(lang, "xl_col", "verified"), union.verified_assists),
        *((label(lang, "activity_kind", k), n) for k, n in union.by_kind.items()),
    ):
        sheet.write_row(row, 0, [name, value])
        row += 1


def _target_cells(t: TargetProgress) -> list[object]:
    return [t.target, t.percent, t.done, _day(t.first_day), _day(t.last_day)]


def _activities_sheet(
    book: Any, bold: Any, texts: Texts, lang: str, lines: list[ActivityLine]
) -> None:
    """«Hoạt động»: one row per activity of the scope and period."""
    label = texts.label
    sheet = book.add_worksheet(label(lang, "xl_sheet", "activities"))
    columns = (
        "first_day", "last_day", "unit_code", "unit", "kind", "title", "campaign",
        "members", "attendees", "assists", "verified", "closed",
    )  # fmt: skip
    sheet.set_column(0, 4, 14)
    sheet.set_column(5, 5, 40)
    sheet.write_row(0, 0, [label(lang, "xl_col", c) for c in columns], bold)
    for number, line in enumerate(lines, start=1):
        a = line.activity
        sheet.write_row(
            number,
            0,
            [
                _day(a.first_day),
                _day(a.last_day),
                line.unit_code,
                line.unit_name,
                label(lang, "activity_kind", a.kind.value),
                a.title,
                line.campaign_code,
                line.members,
                line.attendees,
                line.assists,
                line.verified,
                label(lang, "yes_no", a.closed),
            ],
        )


VN_OFFSET = 7 * 3600  # Vietnam's day, as the records' `day` is counted


def _day(number: int) -> str:
    return day_date(number).strftime("%d/%m/%Y")


_DIM_COLUMN = {"svc": "services", "age": "age", "sex": "sex", "out": "outcome"}


def fit_for_telegram(path: Path, limit: int = SAFE_BYTES) -> tuple[list[Path], bool, bool]:
    """Files of at most `limit` bytes: as is, zipped, or zipped in parts of the CSV."""
    if path.stat().st_size <= limit:
        return [path], False, False
    zipped = path.with_suffix(path.suffix + ".zip")
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, path.name)
    if zipped.stat().st_size <= limit:
        path.unlink()
        return [zipped], True, False
    zipped.unlink()
    if path.suffix != ".csv":
        return [path], False, False  # cannot cut a workbook: the caller offers the CSV parts
    return _split_csv(path, limit), True, True


def _split_csv(path: Path, limit: int) -> list[Path]:
    """Cut a CSV into zipped parts, each with the header, streamed line by line.

    A part closes after about four times `limit` of text (CSV zips about eightfold), so each
    part fits; memory stays one line, not one part.
    """
    parts: list[Path] = []
    budget = limit * 4
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = handle.readline()
        line = handle.readline()
        while line or not parts:
            number = len(parts) + 1
            name = f"{path.stem}-part{number}.csv"
            target = path.with_name(name + ".zip")
            with (
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
                archive.open(name, "w") as member,
            ):
                member.write(("\ufeff" + header).encode())
                size = 0
                while line and size < budget:
                    data = line.encode()
                    member.write(data)
                    size += len(data)
                    line = handle.readline()
            parts.append(target)
    path.unlink()
    return parts
