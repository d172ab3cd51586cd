"""What every sheet of an export's workbook shares: its formats, a sheet with its header,
widths and dates, and one cell written as the kind of value it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from bot import clock
from bot.reports.columns import DATE_FORMAT, DATETIME_FORMAT, EXCEL_EPOCH, header_height


class SheetKit:
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


def shown(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def write_cell(kit: SheetKit, sheet: Any, row: int, column: int, value: object) -> None:
    """One cell: a date as a date (dd/mm/yyyy), text as text, a number as a number."""
    if isinstance(value, dt.date):
        sheet.write_number(row, column, clock.day_number(value) + EXCEL_EPOCH, kit.date)
    elif isinstance(value, str):
        sheet.write_string(row, column, value)
    elif value is not None:
        sheet.write_number(row, column, value)
