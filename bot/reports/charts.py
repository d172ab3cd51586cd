"""PNG charts for meetings: readable on a phone, Vietnamese labels (DejaVu Sans has the letters).

matplotlib's object API is used without pyplot, so charts can be drawn in a worker thread.
Counts are whole numbers, so the count axis has whole-number ticks only; a chart with nothing
to show says so in words («Chưa có số liệu cho kỳ này») under its title, with no axes, rather
than drawing zeros on a made-up scale.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

# Vietnamese number style on the axes: 1.500, not 1,500 or 1500.
_THOUSANDS = FuncFormatter(lambda value, _: f"{int(value):,}".replace(",", "."))

EACH_DAY_UP_TO = 16  # bars: with this many or fewer, each bar has its own date under it
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


def no_data_chart(title: str, note: str) -> bytes:
    return _png(no_data_figure(title, note))


def no_data_figure(title: str, note: str) -> Figure:
    """The title and one sentence saying there is nothing to show: no axes, no zeros."""
    figure = _figure()
    ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, fontsize=14, wrap=True)
    ax.text(0.5, 0.5, note, ha="center", va="center", fontsize=16, color="#555555", wrap=True)
    return figure


def _whole_numbers(axis: Axis) -> None:
    """Ticks at whole numbers only (no 0, 0, 1, 1, 2 from rounding 0.5 steps), at least 0–1."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=2))
    axis.set_major_formatter(_THOUSANDS)


def time_chart(
    title: str,
    axis_label: str,
    points: Sequence[tuple[dt.date, int]],
    x_label: str,
    no_data: str = "",
) -> bytes:
    return _png(time_figure(title, axis_label, points, x_label, no_data))


def time_figure(
    title: str,
    axis_label: str,
    points: Sequence[tuple[dt.date, int]],
    x_label: str,
    no_data: str = "",
) -> Figure:
    if not any(count for _, count in points):
        return no_data_figure(title, no_data)
    figure = _figure()
    ax = figure.add_subplot()
    days = [day for day, _ in points]
    counts = [count for _, count in points]
    width = 0.8 if len(points) < 2 else max(0.8, (days[1] - days[0]).days * 0.8)
    # Dates go through matplotlib's unit converters, which its stubs do not know.
    ax.bar(days, counts, width=width, color=BAR)  # type: ignore[arg-type]  # dates are plotted
    ax.set_title(title, fontsize=14, wrap=True)
    ax.set_ylabel(axis_label, fontsize=12)
    ax.set_xlabel(x_label, fontsize=12)
    ax.tick_params(labelsize=11)
    if len(days) <= EACH_DAY_UP_TO:  # one tick per bar: never one date under several ticks
        ax.xaxis.set_major_locator(FixedLocator([date2num(day) for day in days]))
    else:  # spans of weeks or more: no tick falls between two days
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=10))
    ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%Y"))
    _whole_numbers(ax.yaxis)
    ax.set_ylim(bottom=0, top=max(1, max(counts)) * 1.05)
    figure.autofmt_xdate()
    ax.grid(axis="y", alpha=0.3)
    return figure


def bar_chart(
    title: str, axis_label: str, bars: Sequence[tuple[str, int]], no_data: str = ""
) -> bytes:
    return _png(bar_figure(title, axis_label, bars, no_data))


def bar_figure(
    title: str, axis_label: str, bars: Sequence[tuple[str, int]], no_data: str = ""
) -> Figure:
    """Horizontal bars, biggest on top: long unit names stay readable."""
    if not any(count for _, count in bars):
        return no_data_figure(title, no_data)
    figure = _figure()
    ax = figure.add_subplot()
    names = [name if len(name) <= 32 else name[:31] + "…" for name, _ in bars][::-1]
    counts = [count for _, count in bars][::-1]
    ax.barh(names, counts, color=BAR)
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
    _whole_numbers(ax.xaxis)
    ax.set_xlim(left=0)
    ax.grid(axis="x", alpha=0.3)
    return figure
