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

A row's words are `assist_format.py`'s, the widths `columns.py`'s, the report's sheets
`report_sheets.py`'s; this module writes the files and fits them to Telegram.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.cells import (
    EXCEL_CSV_ENCODING,
    READ_ENCODING,
    ExcelCsvWriter,
    open_excel_csv,
)
from bot.reports.assist_format import ENTERED, AssistFormatter
from bot.reports.report_sheets import activities_sheet, summary_sheet, targets_sheet, units_sheet
from bot.reports.sheet_kit import SheetKit
from bot.storage.activities import ActivityLine
from bot.storage.reports import Report

# Telegram takes files up to 50 MB from a bot; the rest is headroom for the multipart envelope.
SAFE_BYTES = 48 * 1000 * 1000
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    records: int = 0
    compressed: bool = False  # the CSV was zipped to fit Telegram's limit
    split: bool = False  # some file had to be cut into parts
    too_big: list[Path] = field(default_factory=list)  # an XLSX Telegram would refuse


def write_csv(path: Path, formatter: AssistFormatter, records: Iterator[tuple]) -> int:
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


def write_xlsx(
    path: Path,
    formatter: AssistFormatter,
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
    kit = SheetKit(book)
    count = 0
    try:
        summary_sheet(kit, texts, lang, report)
        units_sheet(kit, texts, lang, unit_lines)
        targets_sheet(kit, texts, lang, report)
        activities_sheet(kit, texts, lang, activities or [])
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
