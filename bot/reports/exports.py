"""Exports a coordinator's office can open: an XLSX workbook and a CSV, streamed.

Records are read in day order straight from SQLite and written row by row (xlsxwriter's
constant-memory mode), so a million records export in bounded memory. Nothing personal is
written: no names, no phone codes, volunteers only by their internal number. Files bigger
than Telegram accepts from a bot are compressed or split, and the result says so.

Both open right in Excel under Vietnamese and English regional settings. The workbook's days
are dates (dd/mm/yyyy), its columns as wide as what they can hold (`column_width`: a
streaming workbook cannot measure them), and no sheet is empty. The CSV is Excel's «Unicode
Text» (UTF-16, tab-separated), its cells written as both settings read them alike: see
bot/domain/cells.py.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.campaigns import ActivityKind, TargetProgress, day_date
from bot.domain.catalog import AGE_BANDS, OUTCOMES, SERVICES, SEXES, services_from_mask
from bot.domain.cells import (
    EXCEL_CSV_ENCODING,
    READ_ENCODING,
    ExcelCsvWriter,
    excel_cell,
    open_excel_csv,
)
from bot.domain.periods import EPOCH
from bot.storage.activities import ActivityLine
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
        self._iso_days: dict[int, str] = {}
        self._services: dict[int, str] = {}
        self._words: dict[tuple[str, str], str] = {}
        self._safe: dict[object, object] = {}

    def header(self) -> list[str]:
        return [self.texts.label(self.lang, "xl_col", name) for name in RECORD_COLUMNS]

    def row(self, raw: tuple) -> list[object]:
        """The row as read on screen: dates as dd/mm/yyyy, the time of entry with them."""
        cells = self._cells(raw)
        cells[0], cells[ENTERED] = self.day(raw[0]), self.moment(raw[11])
        return cells

    def xlsx_row(self, raw: tuple) -> list[object]:
        """The row for the workbook: the day and the time of entry as Excel's date numbers
        (their columns carry the dd/mm/yyyy format), so they sort and filter as dates."""
        cells = self._cells(raw)
        cells[0] = raw[0] + EXCEL_EPOCH
        cells[ENTERED] = (raw[11] + VN_OFFSET) / 86400 + EXCEL_EPOCH
        return cells

    def csv_row(self, raw: tuple) -> list[object]:
        """The row for the CSV, every cell already in the form Excel reads alike under
        Vietnamese and English settings (see bot/domain/cells.py)."""
        cells = [self._excel(value) for value in self._cells(raw)]
        day = raw[0]
        iso = self._iso_days.get(day)
        if iso is None:
            iso = self._iso_days[day] = (EPOCH + dt.timedelta(days=day)).isoformat()
        cells[0] = iso
        local = raw[11] + VN_OFFSET
        minutes = local % 86400 // 60
        stamp = self._iso_days.get(local // 86400)
        if stamp is None:
            stamp = self._iso_days[local // 86400] = (
                EPOCH + dt.timedelta(days=local // 86400)
            ).isoformat()
        cells[ENTERED] = f"{stamp} {minutes // 60:02d}:{minutes % 60:02d}"
        return cells

    def _excel(self, value: object) -> object:
        if type(value) is int:
            return value
        safe = self._safe.get(value)
        if safe is None:
            safe = self._safe[value] = excel_cell(value)
            if len(self._safe) > 100_000:  # names and codes of a big tree: keep memory flat
                self._safe.clear()
        return safe

    def _cells(self, raw: tuple) -> list[object]:
        day, code, name, mask, people, consent, outcome, age, sex, volunteer, dedup = raw[:11]
        entered, batch, status = raw[11:]
        return [
            day,
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
            entered,
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

    def widths(self, unit_lines: list[tuple[str, int, str, str, int, int]]) -> list[float]:
        """The records' column widths, from what each column can hold: the known words of
        each list, the codes and names of the units, dates and times."""
        label, lang = self.texts.label, self.lang
        words = {
            "consent": [label(lang, "yes_no", v) for v in (True, False)],
            "outcome": [label(lang, "outcome_name", c) for c in OUTCOMES],
            "age": [label(lang, "age_name", c) for c in AGE_BANDS],
            "sex": [label(lang, "sex_name", c) for c in SEXES],
            "dedup": [label(lang, "yes_no", v) for v in (True, False)],
            "backdated": [label(lang, "yes_no", v) for v in (True, False)],
            "source": [label(lang, "record_source", v) for v in (True, False)],
            "status": [label(lang, "record_status", s) for s in ("ok", "pending", "rejected")],
            "day": [DATE_SAMPLE],
            "entered": [DATETIME_SAMPLE],
            "unit_code": [line[0] for line in unit_lines] or ["00000"],
            "unit": [line[3] for line in unit_lines] or ["Phường Ba Đình"],
            "services": ["; ".join(label(lang, "service_name", c) for c in SERVICES)],
            "people": ["1000"],
            "volunteer": ["100000"],
        }
        return [
            column_width(header, words.get(name, []), wide=name in ("unit", "services"))
            for name, header in zip(RECORD_COLUMNS, self.header(), strict=True)
        ]

    def _word(self, macro: str, value: object) -> str:
        key = (macro, str(value))
        text = self._words.get(key)
        if text is None:
            text = self._words[key] = self.texts.label(self.lang, macro, value)
        return text


ENTERED = RECORD_COLUMNS.index("entered")
EXCEL_EPOCH = (EPOCH - dt.date(1899, 12, 30)).days  # Excel's date number of 01/01/1970
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_SAMPLE = "00/00/0000"
DATETIME_SAMPLE = "00/00/0000 00:00"
MIN_WIDTH, NARROW_WIDTH, WIDE_WIDTH = 6, 24, 48


def column_width(header: str, samples: Iterable[object], wide: bool = False) -> float:
    """A width in Excel's character units for a column with this header and these values.

    xlsxwriter's streaming (constant-memory) workbooks cannot measure a column after it is
    written, so the width comes from what the column can hold. A header longer than its
    values wraps onto more lines (the header row is set to wrap) rather than widening the
    column past NARROW_WIDTH; names and lists of services may take up to WIDE_WIDTH.
    """
    longest = max((len(str(value)) for value in samples), default=0)
    cap = WIDE_WIDTH if wide else NARROW_WIDTH
    content = min(longest, cap)
    heading = min(len(header), max(content, NARROW_WIDTH))
    # Bold Vietnamese letters with marks run wider than Excel's digit unit: a tenth more.
    return round(max(MIN_WIDTH, content, heading) * 1.1 + 2, 1)


def header_height(headers: list[str], widths: list[float]) -> float:
    """The header row's height in points, for the longest header wrapped at its width."""
    lines = 1
    for header, width in zip(headers, widths, strict=True):
        per_line = max(1, int((width - 2) / 1.1 + 1e-6))
        lines = max(lines, -(-len(header) // per_line))
    return 15.0 * lines


def write_csv(path: Path, formatter: RecordFormatter, records: Iterator[tuple]) -> int:
    """The records as a CSV Excel opens in columns under Vietnamese and English settings:
    UTF-16 with a BOM, tab-separated; dates as yyyy-mm-dd, codes keep their leading zeros
    (see bot/domain/cells.py)."""
    count = 0
    with open_excel_csv(path) as handle:
        writer = ExcelCsvWriter(handle)  # a name like "=HYPERLINK(…)" is written as text
        writer.writerow(formatter.header())
        batch: list[list[object]] = []
        for raw in records:
            batch.append(formatter.csv_row(raw))
            if len(batch) == 1000:
                writer.writerows_ready(batch)
                count += len(batch)
                batch.clear()
        writer.writerows_ready(batch)
        count += len(batch)
    return count


class _Book:
    """The formats every sheet uses, and a sheet with its header, widths and dates."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": DATE_FORMAT})
        self.datetime = book.add_format({"num_format": DATETIME_FORMAT})

    def sheet(
        self,
        name: str,
        headers: list[str],
        widths: list[float],
        dates: Iterable[int] = (),
        moments: Iterable[int] = (),
    ) -> Any:
        sheet = self.book.add_worksheet(name)
        dates, moments = set(dates), set(moments)
        for column, width in enumerate(widths):
            fmt = self.date if column in dates else self.datetime if column in moments else None
            sheet.set_column(column, column, width, fmt)
        sheet.set_row(0, header_height(headers, widths))
        sheet.write_row(0, 0, headers, self.header)
        sheet.freeze_panes(1, 0)
        return sheet


def write_xlsx(
    path: Path,
    formatter: RecordFormatter,
    report: Report,
    unit_lines: list[tuple[str, int, str, str, int, int]],
    records: Iterator[tuple],
    activities: list[ActivityLine] | None = None,
) -> int:
    """The workbook: summary, units, targets and activities, then the records. No sheet is
    left empty: without records (the report workbook, or a period with none) there is no
    records sheet, and an empty list of activities says so on its sheet."""
    import xlsxwriter  # imported here: only exports need it

    texts, lang = formatter.texts, formatter.lang
    label = texts.label
    # Text stays text: a unit name starting with "=" must not become a formula.
    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    kit = _Book(book)
    count = 0
    try:
        _summary_sheet(kit, texts, lang, report)
        _units_sheet(kit, texts, lang, unit_lines)
        _targets_sheet(kit, texts, lang, report)
        _activities_sheet(kit, texts, lang, activities or [])
        header, widths = formatter.header(), formatter.widths(unit_lines)
        sheet = None
        for raw in records:
            if count % XLSX_MAX_ROWS == 0:  # Excel's row limit: continue on a new sheet
                suffix = f" {count // XLSX_MAX_ROWS + 1}" if count else ""
                name = label(lang, "xl_sheet", "records") + suffix
                sheet = kit.sheet(name, header, widths, dates=[0], moments=[ENTERED])
            assert sheet is not None
            sheet.write_row(count % XLSX_MAX_ROWS + 1, 0, formatter.xlsx_row(raw))
            count += 1
    finally:
        book.close()
    return count


def _summary_sheet(kit: _Book, texts: Texts, lang: str, report: Report) -> None:
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
        column_width(headers[1], [DATE_SAMPLE, *(_shown(v) for _, v in lines)], wide=True),
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "summary"), headers, widths)
    for number, (item, value) in enumerate(lines, start=1):
        sheet.write_string(number, 0, item)
        _write(kit, sheet, number, 1, value)


def _shown(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _write(kit: _Book, sheet: Any, row: int, column: int, value: object) -> None:
    """One cell: a date as a date (dd/mm/yyyy), text as text, a number as a number."""
    if isinstance(value, dt.date):
        sheet.write_number(row, column, (value - EPOCH).days + EXCEL_EPOCH, kit.date)
    elif isinstance(value, str):
        sheet.write_string(row, column, value)
    elif value is not None:
        sheet.write_number(row, column, value)


def _units_sheet(
    kit: _Book, texts: Texts, lang: str, unit_lines: list[tuple[str, int, str, str, int, int]]
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


def _targets_sheet(kit: _Book, texts: Texts, lang: str, report: Report) -> None:
    """«Chỉ tiêu»: every union indicator, with its target and how much of it is done."""
    label = texts.label
    columns = ("indicator", "value", "target", "percent", "target_done", "first_day", "last_day")
    headers = [label(lang, "xl_col", c) for c in columns]
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
        first, *more = targets.get(metric) or [None]
        rows.append([name, value, *(_target_cells(first) if first is not None else [])])
        for t in more:  # another target of the same metric, over other days
            days = f"{_day(t.first_day)}–{_day(t.last_day)}"
            rows.append([f"{name} ({days})", None, *_target_cells(t)])
    for name, value in (
        (label(lang, "xl_col", "self_serve_metric"), report.totals.self_serve),
        (label(lang, "xl_col", "attendees"), union.attendees),
        (label(lang, "xl_col", "verified"), union.verified_assists),
        *((label(lang, "activity_kind", k), n) for k, n in union.by_kind.items()),
    ):
        rows.append([name, value])
    samples = [[_shown(r[i]) for r in rows if len(r) > i] for i in range(len(columns))]
    widths = [
        column_width(h, [DATE_SAMPLE] if c.endswith("_day") else v, wide=c == "indicator")
        for c, h, v in zip(columns, headers, samples, strict=True)
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "targets"), headers, widths, dates=(5, 6))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            _write(kit, sheet, number, column, value)


def _target_cells(t: TargetProgress) -> list[object]:
    return [t.target, t.percent, t.done, day_date(t.first_day), day_date(t.last_day)]


def _activities_sheet(kit: _Book, texts: Texts, lang: str, lines: list[ActivityLine]) -> None:
    """«Hoạt động»: one row per activity of the scope and period."""
    label = texts.label
    columns = (
        "first_day", "last_day", "unit_code", "unit", "kind", "title", "campaign",
        "members", "attendees", "assists", "verified", "closed",
    )  # fmt: skip
    headers = [label(lang, "xl_col", c) for c in columns]
    rows = [
        [
            day_date(line.activity.first_day),
            day_date(line.activity.last_day),
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
            known.get(name) or [_shown(r[i]) for r in rows],
            wide=name in ("unit", "title"),
        )
        for i, (name, header) in enumerate(zip(columns, headers, strict=True))
    ]
    sheet = kit.sheet(label(lang, "xl_sheet", "activities"), headers, widths, dates=(0, 1))
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells):
            _write(kit, sheet, number, column, value)
    if not rows:  # said, not left empty
        sheet.write_string(1, 0, label(lang, "xl_none", "activities"))


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

    A part closes after about four times `limit` of text (the UTF-16 CSV zips more than
    eightfold), so each part fits; memory stays one line, not one part. Each part is the same
    kind of file as the whole: UTF-16 with its BOM.
    """
    parts: list[Path] = []
    budget = limit * 4
    with path.open(encoding=READ_ENCODING, newline="") as handle:
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
                member.write(("\ufeff" + header).encode(EXCEL_CSV_ENCODING))
                size = 0
                while line and size < budget:
                    data = line.encode(EXCEL_CSV_ENCODING)
                    member.write(data)
                    size += len(data)
                    line = handle.readline()
            parts.append(target)
    path.unlink()
    return parts
