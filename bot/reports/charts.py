"""PNG charts for meetings: readable on a phone, Vietnamese labels (DejaVu Sans has the letters).

matplotlib's object API is used without pyplot, so charts can be drawn in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

# Vietnamese number style on the axes: 1.500, not 1,500 or 1500.
_THOUSANDS = FuncFormatter(lambda value, _: f"{int(value):,}".replace(",", "."))

SIZE = (8, 6)  # inches at 150 dpi: 1200 x 900 pixels, sharp on a phone, small to send
DPI = 150
BAR = "#1f6fb5"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _figure() -> Figure:
    figure = Figure(figsize=SIZE, layout="constrained")
    figure.set_facecolor("white")
    return figure


def time_chart(
    title: str, axis_label: str, points: Sequence[tuple[dt.date, int]], x_label: str
) -> bytes:
    figure = _figure()
    ax = figure.add_subplot()
    days = [day for day, _ in points]
    counts = [count for _, count in points]
    width = 0.8 if len(points) < 2 else max(0.8, (days[1] - days[0]).days * 0.8)
    ax.bar(days, counts, width=width, color=BAR)
    ax.set_title(title, fontsize=14, wrap=True)
    ax.set_ylabel(axis_label, fontsize=12)
    ax.set_xlabel(x_label, fontsize=12)
    ax.tick_params(labelsize=11)
    ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%Y"))
    ax.yaxis.set_major_formatter(_THOUSANDS)
    figure.autofmt_xdate()
    ax.grid(axis="y", alpha=0.3)
    return _png(figure)


def bar_chart(title: str, axis_label: str, bars: Sequence[tuple[str, int]]) -> bytes:
    """Horizontal bars, biggest on top: long unit names stay readable."""
    figure = _figure()
    ax = figure.add_subplot()
    names = [name if len(name) <= 32 else name[:31] + "…" for name, _ in bars][::-1]
    counts = [count for _, count in bars][::-1]
    ax.barh(names or [""], counts or [0], color=BAR)
    for y, count in enumerate(counts):
        ax.annotate(
            f"{count:,}".replace(",", "."),
            (count, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=11,
        )
    ax.set_title(title, fontsize=14, wrap=True)
    ax.set_xlabel(axis_label, fontsize=12)
    ax.tick_params(labelsize=11)
    ax.margins(x=0.15)
    ax.xaxis.set_major_formatter(_THOUSANDS)
    ax.grid(axis="x", alpha=0.3)
    return _png(figure)
