"""How the exports lay out a column: Excel's date numbers and formats, and widths from what a
column can hold (a streaming workbook cannot measure what it wrote)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot import clock

EXCEL_EPOCH = (clock.EPOCH - dt.date(1899, 12, 30)).days  # Excel's date number of 01/01/1970
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
