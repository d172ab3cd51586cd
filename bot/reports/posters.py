"""Printable A4 posters: a guide's title, a QR code of its deep link, three lines of help.

The deep link carries the unit that put the poster up, so residents who scan it and finish
the guide are counted as that unit's self-serve reach. Drawn with matplotlib: PNG for
sharing, PDF (vector text, DejaVu Sans for Vietnamese letters) for printing.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from bot.texts.templates import Texts

A4_INCHES = (8.27, 11.69)
PNG_DPI = 150  # 1240 x 1754 pixels: prints sharply on A4


@dataclass(frozen=True)
class PosterText:
    heading: str
    title: str
    lines: tuple[str, str, str]
    unit_line: str  # "" when no unit is credited
    safety: str
    link: str


def qr_matrix(data: str) -> list[list[int]]:
    code = segno.make(data, error="m", micro=False)
    return [list(row) for row in code.matrix_iter(scale=1, border=4)]


def poster_figure(text: PosterText) -> Figure:
    figure = Figure(figsize=A4_INCHES)
    figure.set_facecolor("white")
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.93, text.heading, ha="center", fontsize=20, color="#1f6fb5")
    title = "\n".join(textwrap.wrap(text.title, 34))
    figure.text(0.5, 0.86, title, ha="center", va="top", fontsize=26, weight="bold")
    qr = figure.add_axes((0.22, 0.33, 0.56, 0.56 * A4_INCHES[0] / A4_INCHES[1]))
    qr.imshow(qr_matrix(text.link), cmap="gray_r", interpolation="nearest")
    qr.set_axis_off()
    y = 0.29
    for line in text.lines:
        wrapped = textwrap.wrap(line, 56)
        figure.text(0.1, y, "\n".join(wrapped), ha="left", va="top", fontsize=14)
        y -= 0.024 * len(wrapped) + 0.014  # one 14-point line is about 0.02 of the page
    if text.unit_line:
        figure.text(0.5, 0.075, text.unit_line, ha="center", fontsize=13, style="italic")
    figure.text(0.5, 0.04, text.safety, ha="center", fontsize=12, color="#b00020")
    figure.text(0.5, 0.018, text.link, ha="center", fontsize=9, color="#555555")
    return figure


def save_posters(texts: Sequence[PosterText], out: Path) -> list[Path]:
    """One poster as PNG or PDF by `out`'s extension; several as a multi-page PDF, or as
    numbered PNG files beside `out` (`name-1.png`, `name-2.png`, …)."""
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ValueError("the output file must end in .png or .pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        with PdfPages(out) as pdf:
            for text in texts:
                pdf.savefig(poster_figure(text))
        return [out]
    if len(texts) == 1:
        out.write_bytes(poster_png(texts[0]))
        return [out]
    written = []
    for number, text in enumerate(texts, start=1):
        path = out.with_name(f"{out.stem}-{number}.png")
        path.write_bytes(poster_png(text))
        written.append(path)
    return written


def poster_png(text: PosterText) -> bytes:
    buffer = io.BytesIO()
    poster_figure(text).savefig(buffer, format="png", dpi=PNG_DPI)
    return buffer.getvalue()


def poster_pdf(text: PosterText) -> bytes:
    buffer = io.BytesIO()
    poster_figure(text).savefig(buffer, format="pdf")
    return buffer.getvalue()


def poster_text(texts: Texts, lang: str, title: str, link: str, unit_name: str) -> PosterText:
    """The poster's words, from the templates' labels."""
    label = texts.label
    return PosterText(
        heading=label(lang, "poster_title"),
        title=title,
        lines=(
            label(lang, "poster_line", 1),
            label(lang, "poster_line", 2),
            label(lang, "poster_line", 3),
        ),
        unit_line=label(lang, "poster_unit", unit_name) if unit_name else "",
        safety=label(lang, "poster_safety"),
        link=link,
    )
