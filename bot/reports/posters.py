"""Printable A4 posters: a guide's title, a QR code of its deep link, three lines of help.

The deep link carries the unit that put the poster up, so residents who scan it and finish
the guide are counted as that unit's self-serve reach. Drawn with matplotlib: PNG for
sharing, PDF (vector text, DejaVu Sans for Vietnamese letters) for printing.

The QR code is one filled vector path straight on the figure, not an image in an Axes: a
PDF page takes about 100 ms instead of 150 (no Axes to build, no image to resample and
compress), the printed modules are exact squares instead of a 100 dpi bitmap's 9 or 10
dots, and the PNG comes out pixel for pixel as the image did. What is left is matplotlib
laying out and writing the text, glyph by glyph.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as VectorPath
from matplotlib.transforms import Affine2D

from bot.texts.templates import Texts

A4_INCHES = (8.27, 11.69)
PNG_DPI = 150  # 1240 x 1754 pixels: prints sharply on A4
# Where the QR code sits, in fractions of the page: a square 56% of the page wide.
QR_BOX = (0.22, 0.33, 0.56, 0.56 * A4_INCHES[0] / A4_INCHES[1])
QR_BORDER = 4  # light modules around the code: the quiet zone scanners need


@dataclass(frozen=True)
class PosterText:
    heading: str
    title: str
    lines: tuple[str, str, str]
    unit_line: str  # "" when no unit is credited
    safety: str
    link: str


def qr_matrix(data: str) -> list[list[int]]:
    """The code's modules, 1 for dark, with the quiet zone around them."""
    code = segno.make(data, error="m", micro=False)
    return [list(row) for row in code.matrix_iter(scale=1, border=QR_BORDER)]


# A rectangle's path codes; CLOSEPOLY's own vertex is ignored.
_RECTANGLE = [VectorPath.MOVETO, *[VectorPath.LINETO] * 3, VectorPath.CLOSEPOLY]


def qr_path(matrix: Sequence[Sequence[int]]) -> VectorPath:
    """The dark modules as one path of rectangles, in module units with y up: each run of
    dark modules in a row is one rectangle, so a code is a few hundred rectangles rather
    than a thousand squares. One path means one fill, so no seams between rows."""
    size = len(matrix)
    vertices: list[tuple[float, float]] = []
    for row_number, row in enumerate(matrix):
        bottom, top = size - row_number - 1, size - row_number
        column = 0
        while column < size:
            if not row[column]:
                column += 1
                continue
            start = column
            while column < size and row[column]:
                column += 1
            vertices += [(start, bottom), (column, bottom), (column, top), (start, top), (0, 0)]
    return VectorPath(vertices, _RECTANGLE * (len(vertices) // len(_RECTANGLE)))


def poster_figure(text: PosterText) -> Figure:
    figure = Figure(figsize=A4_INCHES)
    figure.set_facecolor("white")
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.93, text.heading, ha="center", fontsize=20, color="#1f6fb5")
    title = "\n".join(textwrap.wrap(text.title, 34))
    figure.text(0.5, 0.86, title, ha="center", va="top", fontsize=26, weight="bold")
    matrix = qr_matrix(text.link)
    left, bottom, width, height = QR_BOX
    to_page = Affine2D().scale(width / len(matrix), height / len(matrix)).translate(left, bottom)
    # In the PNG every pixel is dark or light, as the modules are: edges snapped to whole
    # pixels, no antialiasing (matplotlib snaps only short paths unless told to). A PDF
    # ignores both and keeps the exact squares.
    figure.add_artist(
        PathPatch(
            qr_path(matrix),
            facecolor="black",
            edgecolor="none",
            linewidth=0,
            antialiased=False,
            snap=True,
            transform=to_page + figure.transFigure,
        )
    )
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


def save_posters(
    texts: Sequence[PosterText], out: Path, progress: Callable[[int], None] | None = None
) -> list[Path]:
    """One poster as PNG or PDF by `out`'s extension; several as a multi-page PDF, or as
    numbered PNG files beside `out` (`name-1.png`, `name-2.png`, …). `progress(1)` after
    each poster drawn (the command line's bar)."""
    tick = progress or (lambda n: None)
    suffix = out.suffix.lower()
    if suffix not in (".png", ".pdf"):
        raise ValueError("the output file must end in .png or .pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        # Imported here: the PDF backend adds a third of a second that a PNG does not need.
        from matplotlib.backends.backend_pdf import PdfPages

        with PdfPages(out) as pdf:
            for text in texts:
                pdf.savefig(poster_figure(text))
                tick(1)
        return [out]
    if len(texts) == 1:
        out.write_bytes(poster_png(texts[0]))
        return [out]
    written = []
    for number, text in enumerate(texts, start=1):
        path = out.with_name(f"{out.stem}-{number}.png")
        path.write_bytes(poster_png(text))
        written.append(path)
        tick(1)
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
