"""Draw every picture used by the guides, as simple schematic diagrams.

Run from anywhere:  python guides/images/draw.py
Each picture is written as guides/images/<name>.png next to this file.

Rules the pictures follow (see guides/README.md and the project's sourced facts):
- Diagrams drawn for the project only; nothing copied from apps, sites or other pictures.
- No imitation of a real app screen and no invented button labels: phone screens show only
  generic shapes and plain descriptions, and say so when they could be mistaken for a screen.
- Every fact on a picture is one the guides also source (5656/156 syntax, TTTB to 1414,
  password and passcode rules, the approval SMS, dichvucong.gov.vn ...).
- Vietnamese with diacritics, large text for older readers, few colours, 800x800 px, and the
  same bytes on every run (fixed sizes, fixed random seeds, no timestamps in the metadata).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import (
    Arc,
    Circle,
    Ellipse,
    FancyArrowPatch,
    FancyBboxPatch,
    Polygon,
    Rectangle,
)
from matplotlib.text import Text
from PIL import Image

HERE = Path(__file__).resolve().parent
SIZE = 800  # pixels, square: Telegram shows it at full chat width on a phone
DPI = 100

INK = "#1b1b1b"
BLUE = "#1f5fa8"
LIGHT_BLUE = "#e3eefa"
GREEN = "#2e7d32"
LIGHT_GREEN = "#e5f3e6"
RED = "#c62828"
LIGHT_RED = "#fbe5e5"
YELLOW = "#ffd54f"
GREY = "#e8e8e8"
MID = "#9e9e9e"
DARK = "#555555"
WHITE = "#ffffff"

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",  # bundled with matplotlib, covers Vietnamese
        "text.usetex": False,
        "text.parse_math": False,  # a "$" in a label must stay a dollar sign
    }
)

PICTURES: dict[str, Callable[[Axes], None]] = {}


def picture(name: str, title: str) -> Callable[[Callable[[Axes], None]], Callable[[Axes], None]]:
    """Register a drawing function under the file name it is saved as."""

    def register(draw: Callable[[Axes], None]) -> Callable[[Axes], None]:
        def with_title(ax: Axes) -> None:
            ax.add_patch(Rectangle((0, SIZE - 92), SIZE, 92, color=BLUE, lw=0))
            fit(ax, say(ax, SIZE / 2, SIZE - 46, title, 27, color=WHITE, weight="bold"))
            draw(ax)

        PICTURES[name] = with_title
        return with_title

    return register


# ---------------------------------------------------------------- drawing helpers


def say(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    size: float = 21,
    color: str = INK,
    weight: str = "normal",
    ha: str = "center",
    va: str = "center",
    style: str = "normal",
    family: str | None = None,
    spacing: float = 1.25,
) -> Text:
    return ax.text(
        x,
        y,
        text,
        fontsize=size,
        color=color,
        fontweight=weight,
        ha=ha,
        va=va,
        fontstyle=style,
        family=family or "DejaVu Sans",
        linespacing=spacing,
    )


def fit(ax: Axes, text: Text, width: float = SIZE - 40) -> None:
    """Shrink a text until it is at most `width` pixels wide (figure pixels = data units)."""
    renderer = ax.figure.canvas.get_renderer()
    while text.get_window_extent(renderer).width > width and text.get_fontsize() > 12:
        text.set_fontsize(text.get_fontsize() - 1)


def box(
    ax: Axes,
    x: float,
    y: float,
    w: float,
    h: float,
    fill: str = WHITE,
    edge: str = INK,
    lw: float = 3,
    radius: float = 14,
    ls: str = "-",
    alpha: float = 1.0,
) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={radius}",
            fc=fill,
            ec=edge,
            lw=lw,
            ls=ls,
            alpha=alpha,
        )
    )


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    color: str = INK,
    lw: float = 4,
    curve: float = 0.0,
) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>,head_length=14,head_width=9",
            connectionstyle=f"arc3,rad={curve}",
            color=color,
            lw=lw,
            shrinkA=0,
            shrinkB=0,
        )
    )


def tick(ax: Axes, x: float, y: float, r: float = 26) -> None:
    """A green disc with a check mark."""
    ax.add_patch(Circle((x, y), r, color=GREEN))
    ax.plot(
        [x - 0.5 * r, x - 0.12 * r, x + 0.55 * r],
        [y + 0.02 * r, y - 0.4 * r, y + 0.45 * r],
        color=WHITE,
        lw=r / 5,
        solid_capstyle="round",
        solid_joinstyle="round",
    )


def cross(ax: Axes, x: float, y: float, r: float = 26) -> None:
    """A red disc with an X."""
    ax.add_patch(Circle((x, y), r, color=RED))
    d = 0.42 * r
    for sx in (-1, 1):
        ax.plot(
            [x - d, x + d], [y - sx * d, y + sx * d], color=WHITE, lw=r / 5, solid_capstyle="round"
        )


def phone_front(
    ax: Axes, x: float, y: float, w: float, h: float
) -> tuple[float, float, float, float]:
    """A phone seen from the front; returns the screen rectangle (x, y, w, h)."""
    box(ax, x, y, w, h, fill="#f2f2f2", edge=INK, lw=4, radius=26)
    sx, sy, sw, sh = x + 12, y + 38, w - 24, h - 72
    ax.add_patch(Rectangle((sx, sy), sw, sh, fc=WHITE, ec=MID, lw=1.5))
    ax.add_patch(Circle((x + w / 2, y + h - 18), 5, color=DARK))  # front camera
    return sx, sy, sw, sh


def phone_back(ax: Axes, x: float, y: float, w: float, h: float, kind: str) -> None:
    """A phone seen from the back, with its camera block top left."""
    box(ax, x, y, w, h, fill="#dfe3e8", edge=INK, lw=4, radius=30)
    if kind == "iphone":
        box(ax, x + 16, y + h - 118, 100, 100, fill="#c5cad1", edge=DARK, lw=2, radius=20)
        ax.add_patch(Circle((x + 44, y + h - 46), 19, fc="#37474f", ec=INK, lw=2))
        ax.add_patch(Circle((x + 44, y + h - 90), 19, fc="#37474f", ec=INK, lw=2))
        ax.add_patch(Circle((x + 90, y + h - 68), 7, fc=WHITE, ec=DARK, lw=1))
    else:
        box(ax, x + 16, y + h - 150, 62, 132, fill="#c5cad1", edge=DARK, lw=2, radius=18)
        for dy in (40, 84, 124):
            ax.add_patch(
                Circle((x + 47, y + h - dy), 17 if dy < 120 else 7, fc="#37474f", ec=INK, lw=2)
            )


def chip_card(
    ax: Axes, x: float, y: float, w: float = 190, h: float = 120, angle: float = 0
) -> None:
    """A generic chip ID card: no real design, only a chip and grey lines."""
    from matplotlib.transforms import Affine2D

    t = Affine2D().rotate_deg_around(x + w / 2, y + h / 2, angle) + ax.transData
    card = FancyBboxPatch(
        (x, y), w, h, boxstyle="round,pad=0,rounding_size=12", fc="#fff8e1", ec=INK, lw=3
    )
    card.set_transform(t)
    ax.add_patch(card)
    chip = FancyBboxPatch(
        (x + 0.1 * w, y + 0.52 * h),
        0.22 * w,
        0.28 * h,
        boxstyle="round,pad=0,rounding_size=5",
        fc="#e0b53f",
        ec="#8d6e12",
        lw=2,
    )
    chip.set_transform(t)
    ax.add_patch(chip)
    face = Rectangle((x + 0.68 * w, y + 0.14 * h), 0.24 * w, 0.46 * h, fc=GREY, ec=DARK, lw=1.5)
    face.set_transform(t)
    ax.add_patch(face)
    for i, length in enumerate((0.5, 0.42, 0.5)):
        line = Rectangle(
            (x + 0.1 * w, y + (0.15 + 0.12 * i) * h), w * length, 0.05 * h, fc=MID, lw=0
        )
        line.set_transform(t)
        ax.add_patch(line)


def fake_qr(ax: Axes, x: float, y: float, size: float, seed: int) -> None:
    """A QR-like square pattern for illustration only.

    19 x 19 modules is not a size any QR code has, and there are no timing or format patterns,
    so no scanner can read it: an example must never lead anywhere.
    """
    n = 19
    cell = size / n
    ax.add_patch(
        Rectangle((x - cell, y - cell), size + 2 * cell, size + 2 * cell, fc=WHITE, ec=INK, lw=2)
    )
    rng = random.Random(seed)
    finder = {(0, 0), (0, n - 7), (n - 7, 0)}

    def in_finder(r: int, c: int) -> bool:
        return any(fr - 1 <= r <= fr + 7 and fc - 1 <= c <= fc + 7 for fr, fc in finder)

    for r in range(n):
        for c in range(n):
            if not in_finder(r, c) and rng.random() < 0.5:
                ax.add_patch(
                    Rectangle(
                        (x + c * cell, y + size - (r + 1) * cell), cell, cell, color=INK, lw=0
                    )
                )
    for fr, fc in finder:
        fx, fy = x + fc * cell, y + size - (fr + 7) * cell
        ax.add_patch(Rectangle((fx, fy), 7 * cell, 7 * cell, color=INK, lw=0))
        ax.add_patch(Rectangle((fx + cell, fy + cell), 5 * cell, 5 * cell, color=WHITE, lw=0))
        ax.add_patch(Rectangle((fx + 2 * cell, fy + 2 * cell), 3 * cell, 3 * cell, color=INK, lw=0))


def bubble(
    ax: Axes, x: float, y: float, w: float, h: float, fill: str, tail: str | float = "right"
) -> None:
    """A chat bubble with a small tail: bottom "left", bottom "right", or pointing down at a
    fraction of the width."""
    if isinstance(tail, float):
        tx = x + w * tail
        pts = [(tx - 20, y + 20), (tx, y - 34), (tx + 20, y + 20)]
    elif tail == "right":
        pts = [(x + w - 46, y + 20), (x + w + 12, y - 16), (x + w - 16, y + 20)]
    else:
        pts = [(x + 46, y + 20), (x - 12, y - 16), (x + 16, y + 20)]
    ax.add_patch(Polygon(pts, closed=True, fc=fill, ec=DARK, lw=2))
    box(ax, x, y, w, h, fill=fill, edge=DARK, lw=2, radius=18)


def note(
    ax: Axes,
    y: float,
    text: str,
    size: float = 20,
    color: str = INK,
    fill: str = GREY,
    height: float = 80,
) -> None:
    """A full-width rounded band with centred text near the bottom of a picture."""
    box(ax, 30, y, SIZE - 60, height, fill=fill, edge=fill, lw=1, radius=16)
    fit(ax, say(ax, SIZE / 2, y + height / 2, text, size, color=color), SIZE - 80)


# ---------------------------------------------------------------- the pictures


@picture("nfc-reader-zone", "Áp thẻ căn cước vào đâu?")
def nfc_reader_zone(ax: Axes) -> None:
    # Shown about 310 px wide on a phone: few words, large type; the caption in the guides
    # carries the rest. On both phones the zone is in the upper part of the back, next to
    # the cameras, as the captions say ("vùng tô vàng gần camera").
    phone_back(ax, 40, 250, 220, 420, "android")
    ax.add_patch(Ellipse((190, 590), 128, 146, fc=YELLOW, ec=RED, lw=4, ls="--", alpha=0.9))
    say(ax, 190, 590, "đọc\nchip", 24, weight="bold")
    fit(ax, say(ax, 150, 208, "Android", 30, weight="bold"), 290)
    fit(ax, say(ax, 150, 165, "gần camera", 26), 290)
    # iPhone 7, SE 2020 and later: near the camera, at the top of the back.
    phone_back(ax, 540, 250, 220, 420, "iphone")
    ax.add_patch(
        FancyBboxPatch(
            (550, 530),
            200,
            130,
            boxstyle="round,pad=0,rounding_size=26",
            fc=YELLOW,
            ec=RED,
            lw=4,
            ls="--",
            alpha=0.6,
        )
    )
    say(ax, 706, 596, "đọc\nchip", 22, weight="bold")
    fit(ax, say(ax, 650, 208, "iPhone 7 trở đi", 30, weight="bold"), 290)
    fit(ax, say(ax, 650, 165, "gần camera", 26), 290)
    # the card, and arrows to both zones
    chip_card(ax, 305, 330, w=190, h=120)
    fit(ax, say(ax, 400, 298, "thẻ gắn chip", 24, weight="bold"), 260)
    arrow(ax, (320, 460), (232, 518), color=RED, curve=-0.3)
    arrow(ax, (480, 460), (590, 524), color=RED, curve=0.3)
    note(ax, 18, "Tháo ốp lưng. Áp thẻ phẳng\nvào vùng vàng, giữ yên.", 27, height=118)


@picture("sim-owner-1414", "Số điện thoại có đứng tên bạn?")
def sim_owner_1414(ax: Axes) -> None:
    sx, sy, sw, sh = phone_front(ax, 60, 160, 320, 520)
    say(ax, sx + 16, sy + sh - 36, "Gửi đến:", 19, ha="left", color=DARK)
    box(ax, sx + 14, sy + sh - 120, sw - 28, 60, fill=LIGHT_BLUE, edge=BLUE, lw=3, radius=10)
    say(ax, sx + sw / 2, sy + sh - 90, "1414", 34, weight="bold", color=BLUE)
    say(ax, sx + 16, sy + sh - 160, "Nội dung:", 19, ha="left", color=DARK)
    bubble(ax, sx + 70, sy + sh - 280, sw - 90, 90, LIGHT_GREEN, tail="right")
    say(ax, sx + 70 + (sw - 90) / 2, sy + sh - 235, "TTTB", 40, weight="bold", color=GREEN)
    bubble(ax, sx + 14, sy + 36, sw - 70, 110, GREY, tail="left")
    say(
        ax,
        sx + 14 + (sw - 70) / 2,
        sy + 91,
        "tin trả lời:\nsố này đứng\ntên ai",
        18,
        color=DARK,
        style="italic",
    )
    # explanations on the right
    say(ax, 410, 640, "1. Soạn tin TTTB", 24, weight="bold", ha="left")
    say(ax, 410, 580, "2. Gửi đến 1414", 24, weight="bold", ha="left")
    say(ax, 410, 520, "3. Đọc tin trả lời", 24, weight="bold", ha="left")
    box(ax, 405, 400, 360, 80, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    say(ax, 585, 440, "Tin nhắn miễn phí", 23, weight="bold", color=GREEN)
    say(
        ax,
        410,
        300,
        "Không phải tên bạn?\nMang thẻ căn cước ra\ncửa hàng nhà mạng\nđể chuyển sang tên mình.",
        20,
        ha="left",
    )
    note(
        ax,
        30,
        "VNeID cần số đứng tên chính bạn.\nMỗi số chỉ dùng cho một tài khoản.",
        21,
        height=100,
    )


def face(
    ax: Axes,
    x: float,
    y: float,
    r: float,
    glasses: bool = False,
    mask: bool = False,
    closed: bool = False,
) -> None:
    ax.add_patch(Ellipse((x, y), 1.6 * r, 2.0 * r, fc="#f3d9c0", ec=INK, lw=3))
    ax.add_patch(Ellipse((x, y + 0.75 * r), 1.66 * r, 0.7 * r, fc=DARK, ec=INK, lw=2))  # hair
    for sx in (-1, 1):
        ex, ey = x + sx * 0.33 * r, y + 0.15 * r
        if closed:
            ax.plot([ex - 0.15 * r, ex + 0.15 * r], [ey, ey], color=INK, lw=3)
        else:
            ax.add_patch(Circle((ex, ey), 0.08 * r, color=INK))
        if glasses:
            ax.add_patch(Circle((ex, ey), 0.24 * r, fc="none", ec=INK, lw=3))
    if glasses:
        ax.plot([x - 0.09 * r, x + 0.09 * r], [y + 0.15 * r, y + 0.15 * r], color=INK, lw=3)
    if mask:
        ax.add_patch(
            FancyBboxPatch(
                (x - 0.6 * r, y - 0.75 * r),
                1.2 * r,
                0.7 * r,
                boxstyle=f"round,pad=0,rounding_size={0.2 * r}",
                fc="#b3d4f2",
                ec=INK,
                lw=2,
            )
        )
    else:
        ax.plot(
            [x - 0.25 * r, x, x + 0.25 * r],
            [y - 0.45 * r, y - 0.55 * r, y - 0.45 * r],
            color=INK,
            lw=3,
        )


@picture("face-photo-tips", "Chụp khuôn mặt cho đạt")
def face_photo_tips(ax: Axes) -> None:
    # the good photo: face in the middle of an oval frame
    box(ax, 40, 300, 330, 390, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    ax.add_patch(Ellipse((205, 535), 210, 255, fc=WHITE, ec=GREEN, lw=4, ls="--"))
    face(ax, 205, 530, 75)
    tick(ax, 335, 655)
    say(ax, 205, 340, "Nhìn thẳng,\nmặt ở giữa khung", 19, weight="bold", color=GREEN)
    # what fails
    panels = [
        (390, 510, "Đeo kính", {"glasses": True}),
        (585, 510, "Đeo khẩu trang", {"mask": True}),
        (390, 300, "Nhắm mắt", {"closed": True}),
        (585, 300, "Bị lóa", {}),
    ]
    for x, y, label, kw in panels:
        box(ax, x, y, 185, 180, fill=LIGHT_RED, edge=RED, lw=2)
        x += 8  # centre the drawing in the wider panel
        face(ax, x + 85, y + 100, 45, **kw)
        if label == "Bị lóa":
            ax.add_patch(Circle((x + 85, y + 100), 60, fc=WHITE, ec="none", alpha=0.7))
            ax.add_patch(Circle((x + 30, y + 150), 18, fc=YELLOW, ec=DARK, lw=1))
        cross(ax, x + 150, y + 160, 17)
        say(ax, x + 85, y + 24, label, 16, weight="bold", color=RED)
    say(ax, SIZE / 2, 245, "Bỏ kính và khẩu trang. Mở mắt tự nhiên.", 22)
    note(
        ax, 60, "Đứng chỗ đủ sáng, không bị lóa.\nGiữ máy thật yên để ảnh không mờ.", 22, height=120
    )


@picture("never-share-otp", "Mã OTP: chỉ mình bạn biết")
def never_share_otp(ax: Axes) -> None:
    say(ax, SIZE / 2, 670, "OTP là mã xác nhận dùng một lần, gửi qua tin nhắn.", 20, color=DARK)
    sx, sy, sw, sh = phone_front(ax, 30, 270, 290, 370)
    bubble(ax, sx + 14, sy + sh - 150, sw - 28, 120, GREY, tail="left")
    say(ax, sx + sw / 2, sy + sh - 65, "Mã OTP", 22, weight="bold")
    say(ax, sx + sw / 2, sy + sh - 112, "● ● ● ● ● ●", 20, color=BLUE)
    box(ax, sx + 10, sy + 18, sw - 20, 88, fill=LIGHT_GREEN, edge=GREEN, lw=3, radius=10)
    say(
        ax,
        sx + sw / 2,
        sy + 62,
        "Chỉ bạn tự tay\nnhập vào ứng dụng",
        15,
        color=GREEN,
        weight="bold",
    )
    # a stranger asking for the code
    bubble(ax, 350, 520, 410, 110, LIGHT_RED, tail=0.75)
    say(ax, 555, 575, "«Tôi là công an, ngân hàng...\nĐọc mã OTP cho tôi.»", 19, style="italic")
    ax.add_patch(Ellipse((657, 320), 150, 110, fc=MID, ec=INK, lw=3))
    ax.add_patch(Rectangle((577, 260), 160, 60, fc=WHITE, ec=WHITE, lw=0))
    ax.add_patch(Circle((657, 415), 42, fc=MID, ec=INK, lw=3))
    arrow(ax, (335, 390), (565, 390), color=RED, lw=5)
    cross(ax, 450, 390, 30)
    say(ax, SIZE / 2, 235, "Không đọc, không nhắn, không chụp gửi", 22, weight="bold", color=RED)
    say(
        ax, SIZE / 2, 197, "mã OTP, passcode, mật khẩu cho bất kỳ ai.", 22, weight="bold", color=RED
    )
    note(
        ax, 30, "Không ai có quyền chính đáng đòi mã của bạn.\nAi đòi mã: cúp máy.", 21, height=120
    )


@picture("password-and-passcode", "Mật khẩu khác passcode")
def password_and_passcode(ax: Axes) -> None:
    # password
    box(ax, 30, 210, 360, 480, fill=LIGHT_BLUE, edge=BLUE, lw=3)
    say(ax, 210, 650, "Mật khẩu", 30, weight="bold", color=BLUE)
    say(ax, 210, 600, "để đăng nhập VNeID", 20)
    say(ax, 210, 545, "dài 8 đến 20 ký tự", 22, weight="bold")
    say(ax, 210, 500, "phải có đủ 4 loại:", 20)
    kinds = [
        ("1 2 3", "chữ số"),
        ("A B C", "chữ in hoa"),
        ("a b c", "chữ thường"),
        ("# @ !", "ký tự đặc biệt"),
    ]
    for i, (sample, label) in enumerate(kinds):
        y = 450 - i * 58
        box(ax, 55, y - 22, 110, 44, fill=WHITE, edge=BLUE, lw=2, radius=8)
        say(ax, 110, y, sample, 20, weight="bold", family="DejaVu Sans Mono")
        say(ax, 180, y, label, 20, ha="left")
    # passcode
    box(ax, 410, 210, 360, 480, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    say(ax, 590, 650, "Passcode", 30, weight="bold", color=GREEN)
    say(ax, 590, 590, "ứng dụng hỏi khi bạn\nmở một dịch vụ", 20)
    say(ax, 590, 510, "đúng 6 chữ số", 22, weight="bold")
    for i in range(6):
        box(ax, 430 + i * 54, 400, 44, 56, fill=WHITE, edge=GREEN, lw=2, radius=8)
        ax.add_patch(Circle((452 + i * 54, 428), 8, color=INK))
    say(ax, 590, 320, "tránh 123456\nvà ngày sinh", 20)
    note(
        ax,
        40,
        "Không cho ai biết cả hai mã,\nkể cả người xưng là công an.",
        22,
        height=120,
        fill=LIGHT_RED,
        color=RED,
    )


@picture("qr-login-dichvucong", "Đăng nhập Dịch vụ công bằng mã QR")
def qr_login(ax: Axes) -> None:
    # computer screen
    box(ax, 40, 330, 420, 330, fill="#f2f2f2", edge=INK, lw=4, radius=10)
    ax.add_patch(Rectangle((58, 350), 384, 292, fc=WHITE, ec=MID, lw=1.5))
    ax.add_patch(
        Polygon([(205, 330), (295, 330), (315, 280), (185, 280)], fc="#cfcfcf", ec=INK, lw=3)
    )
    box(ax, 70, 600, 360, 32, fill=GREY, edge=MID, lw=1.5, radius=10)
    say(ax, 84, 616, "dichvucong.gov.vn", 17, ha="left", family="DejaVu Sans Mono")
    fake_qr(ax, 175, 390, 150, seed=11)
    say(ax, 250, 365, "mã QR hiện trên máy tính", 15, color=DARK)
    # phone pointing at it
    sx, sy, sw, sh = phone_front(ax, 560, 300, 190, 340)
    cx, cy, half = sx + sw / 2, sy + sh / 2, 70  # a viewfinder around the code being read
    for ux in (-1, 1):
        for uy in (-1, 1):
            ax.plot([cx + ux * half, cx + ux * (half - 30)], [cy + uy * half] * 2, color=BLUE, lw=6)
            ax.plot([cx + ux * half] * 2, [cy + uy * half, cy + uy * (half - 30)], color=BLUE, lw=6)
    fake_qr(ax, cx - 45, cy - 45, 90, seed=11)
    for dy in (-40, 40):
        ax.plot([555, 335], [470, 465 + dy * 1.6], color=BLUE, lw=2, ls="--")
    say(ax, 655, 275, "VNeID mức 2", 19, weight="bold")
    steps = [
        "1. Máy tính: tự gõ dichvucong.gov.vn, bấm",
        "    đăng nhập, chọn tài khoản định danh",
        "    điện tử. Mã QR hiện ra.",
        "2. Điện thoại: mở VNeID, bấm biểu tượng quét QR.",
        "3. Hướng camera vào mã, giữ yên đến khi xong.",
    ]
    for i, line in enumerate(steps):
        say(ax, 30, 232 - i * 43 - (8 if i >= 3 else 0) - (8 if i >= 4 else 0), line, 20, ha="left")


@picture("real-or-fake-address", "Trang thật hay trang giả? Đọc địa chỉ")
def real_or_fake_address(ax: Axes) -> None:
    say(ax, 40, 665, "Trang thật:", 22, weight="bold", ha="left", color=GREEN)
    box(ax, 40, 560, 720, 76, fill=LIGHT_GREEN, edge=GREEN, lw=3, radius=38)
    say(ax, 110, 598, "dichvucong.gov.vn", 32, weight="bold", ha="left", family="DejaVu Sans Mono")
    tick(ax, 715, 598, 28)
    say(ax, 40, 510, "Trang giả đã gặp (tên na ná):", 22, weight="bold", ha="left", color=RED)
    fakes = [
        ("dichvucong", "[.]cvgov[.]com"),
        ("dichvucong", "[.]xgovvn[.]net"),
        ("dichvucong", "s[.]top"),
    ]
    for i, (same, odd) in enumerate(fakes):
        y = 440 - i * 86
        box(ax, 40, y - 34, 720, 68, fill=LIGHT_RED, edge=RED, lw=2, radius=34)
        t = ax.text(
            80, y, same, fontsize=26, family="DejaVu Sans Mono", va="center", ha="left", color=INK
        )
        ax.annotate(
            odd,
            xycoords=t,
            xy=(1, 0.5),
            va="center",
            ha="left",
            fontsize=26,
            family="DejaVu Sans Mono",
            color=RED,
            fontweight="bold",
        )
        cross(ax, 715, y, 24)
    say(ax, 40, 178, "Chữ đỏ: phần thừa, khác với trang thật.", 19, ha="left", color=DARK)
    say(ax, 40, 144, "Dấu [.] được thêm vào cho an toàn: đừng gõ thử.", 19, ha="left", color=DARK)
    note(ax, 15, "Luôn tự gõ dichvucong.gov.vn.\nKhông bấm link trong tin nhắn.", 21, height=100)


@picture("sms-5656-report", "Báo tin nhắn rác, cuộc gọi rác")
def sms_5656(ax: Axes) -> None:
    rows = [
        (560, "Tin nhắn rác:", "S", "(số đã nhắn)", "(nội dung tin rác)"),
        (370, "Cuộc gọi rác:", "V", "(số đã gọi)", "(nội dung cuộc gọi)"),
    ]
    for y, head, letter, source, content in rows:
        say(ax, 40, y + 118, head, 24, weight="bold", ha="left")
        box(ax, 520, y + 95, 240, 46, fill=BLUE, edge=BLUE, lw=1, radius=23)
        say(ax, 640, y + 118, "gửi đến 5656", 21, weight="bold", color=WHITE)
        box(ax, 40, y, 720, 82, fill=LIGHT_BLUE, edge=BLUE, lw=3)
        t = say(ax, 62, y + 41, letter, 30, weight="bold", color=RED, ha="left")
        t2 = ax.annotate(
            " " + source,
            xycoords=t,
            xy=(1, 0.5),
            va="center",
            ha="left",
            fontsize=23,
            color=BLUE,
            fontweight="bold",
        )
        ax.annotate(
            content,
            xycoords=t2,
            xy=(1, 0.5),
            va="center",
            ha="left",
            fontsize=23,
            color=GREEN,
            fontweight="bold",
        )
    say(ax, 40, 320, "Chữ đầu: S là tin nhắn, V là cuộc gọi.", 20, ha="left")
    say(ax, 40, 284, "Ngoặc thứ nhất: số điện thoại đã làm phiền bạn.", 20, ha="left", color=BLUE)
    say(ax, 40, 248, "Ngoặc thứ hai: chép lại nội dung.", 20, ha="left", color=GREEN)
    box(ax, 30, 30, SIZE - 60, 180, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    say(
        ax,
        SIZE / 2,
        120,
        "Tin nhắn đến 5656 miễn phí.\nCũng có thể nhắn cùng cách này đến 156,\n"
        "hoặc gọi 156 (miễn phí) để báo.",
        21,
    )


@picture("vietqr-check-payee", "Quét mã QR để trả tiền: xem tên người nhận")
def vietqr_check_payee(ax: Axes) -> None:
    fake_qr(ax, 55, 420, 210, seed=7)
    say(ax, 160, 380, "Mã QR chuyển tiền", 19, weight="bold")
    say(ax, 160, 350, "(hình mẫu, không quét được)", 15, color=DARK, style="italic")
    arrow(ax, (300, 525), (400, 525), color=INK, lw=5)
    sx, sy, sw, sh = phone_front(ax, 420, 250, 330, 440)
    say(ax, sx + sw / 2, sy + sh - 30, "Ứng dụng ngân hàng", 17, color=DARK, weight="bold")
    say(
        ax,
        sx + sw / 2,
        sy + sh - 58,
        "(sơ đồ, không phải màn hình thật)",
        13,
        color=DARK,
        style="italic",
    )
    box(ax, sx + 10, sy + sh - 170, sw - 20, 94, fill=YELLOW, edge=RED, lw=4, radius=10)
    say(ax, sx + 22, sy + sh - 100, "Tên người nhận", 17, ha="left", color=DARK)
    say(ax, sx + 22, sy + sh - 140, "NGUYỄN VĂN ...", 21, ha="left", weight="bold")
    for i, label in enumerate(("Ngân hàng", "Số tài khoản", "Số tiền")):
        y = sy + sh - 205 - i * 46
        say(ax, sx + 22, y, label, 17, ha="left", color=DARK)
        ax.add_patch(Rectangle((sx + 180, y - 8), sw - 200, 16, fc=GREY, lw=0))
    box(ax, sx + 40, sy + 6, sw - 80, 40, fill=MID, edge=MID, lw=1, radius=20)
    say(ax, sx + sw / 2, sy + 26, "xác nhận", 17, color=WHITE, weight="bold")
    arrow(ax, (330, 300), (sx + 5, sy + sh - 125), color=RED, lw=4, curve=-0.25)
    say(ax, 190, 270, "Đọc kỹ tên\ntrước khi xác nhận", 20, weight="bold", color=RED)
    tick(ax, 60, 205, 20)
    say(ax, 92, 205, "Tên đúng nơi bạn định trả: mới xác nhận.", 19, ha="left")
    cross(ax, 60, 162, 20)
    say(ax, 92, 162, "Tên lạ, không khớp: dừng lại, không trả.", 19, ha="left")
    note(
        ax,
        10,
        "Mã thật mở ứng dụng ngân hàng. Mở ra trang web\n"
        "đòi mật khẩu, mã OTP, số căn cước là mã giả.\n"
        "Không quét mã QR người lạ gửi qua điện thoại, Zalo.",
        18,
        height=118,
        fill=LIGHT_RED,
    )


@picture("official-store-only", "Cài ứng dụng: chỉ từ kho chính thức")
def official_store_only(ax: Axes) -> None:
    # good: the official stores
    box(ax, 30, 250, 360, 440, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    tick(ax, 350, 650, 28)
    sx, sy, sw, _sh = phone_front(ax, 120, 380, 180, 280)
    # a plain shopping-bag shape, not any store's logo
    bx, by = sx + sw / 2, sy + 50
    ax.add_patch(Arc((bx, by + 100), 56, 70, theta1=0, theta2=180, ec=INK, lw=5))
    ax.add_patch(
        Polygon(
            [(bx - 50, by + 100), (bx + 50, by + 100), (bx + 42, by), (bx - 42, by)],
            fc=BLUE,
            ec=INK,
            lw=3,
        )
    )
    say(ax, 210, 340, "App Store (iPhone)", 20, weight="bold")
    say(ax, 210, 300, "CH Play (Android)", 20, weight="bold")
    say(ax, 210, 268, "chỉ cài và cập nhật ở đây", 17, color=GREEN)
    # bad: links and install files sent in messages
    box(ax, 410, 250, 360, 440, fill=LIGHT_RED, edge=RED, lw=3)
    cross(ax, 730, 650, 28)
    bubble(ax, 435, 550, 280, 90, WHITE, tail="left")
    say(ax, 575, 610, "Cài bản mới ở đây:", 16, color=DARK)
    say(ax, 575, 578, "http://.../cai-dat.apk", 14, color=BLUE, family="DejaVu Sans Mono")
    # an install file icon
    ax.add_patch(
        Polygon(
            [(555, 380), (555, 490), (605, 490), (625, 470), (625, 380)], fc=WHITE, ec=INK, lw=3
        )
    )
    say(ax, 590, 420, "APK", 18, weight="bold", color=RED)
    say(
        ax,
        590,
        335,
        "Đường link, tệp cài đặt\ngửi qua tin nhắn, Zalo:\nkhông bấm, không cài.",
        17,
        weight="bold",
        color=RED,
    )
    say(ax, SIZE / 2, 195, "Ứng dụng giả có thể đọc mã OTP", 22, weight="bold")
    say(ax, SIZE / 2, 160, "và chiếm tài khoản ngân hàng của bạn.", 22, weight="bold")
    note(
        ax,
        30,
        "Không bật cài ứng dụng từ nguồn không rõ,\ndù ai hướng dẫn bạn làm.",
        20,
        height=100,
    )


@picture("new-phone-code-on-old-phone", "Đăng nhập VNeID trên máy mới")
def new_phone(ax: Axes) -> None:
    say(ax, SIZE / 2, 665, "Mỗi lúc, tài khoản chỉ dùng được trên một điện thoại.", 20, color=DARK)
    # old phone shows the code
    sx, sy, sw, sh = phone_front(ax, 60, 290, 230, 340)
    say(ax, sx + sw / 2, sy + sh - 40, "Máy cũ", 22, weight="bold")
    say(ax, sx + sw / 2, sy + sh - 80, "mã xác nhận\nhiện trong VNeID", 16, color=DARK)
    box(ax, sx + 14, sy + 90, sw - 28, 70, fill=LIGHT_BLUE, edge=BLUE, lw=3, radius=10)
    say(ax, sx + sw / 2, sy + 125, "● ● ● ● ● ●", 15, color=BLUE)
    # new phone takes it
    sx2, sy2, sw2, sh2 = phone_front(ax, 510, 290, 230, 340)
    say(ax, sx2 + sw2 / 2, sy2 + sh2 - 40, "Máy mới", 22, weight="bold")
    say(ax, sx2 + sw2 / 2, sy2 + sh2 - 80, "bạn tự nhập mã", 16, color=DARK)
    for i in range(6):
        box(ax, sx2 + 10 + i * 33, sy2 + 100, 27, 50, fill=WHITE, edge=BLUE, lw=2, radius=5)
    arrow(ax, (300, 460), (500, 460), color=BLUE, lw=6)
    say(ax, 400, 500, "nhìn mã,\ntự nhập", 19, weight="bold", color=BLUE)
    box(ax, 30, 40, SIZE - 60, 200, fill=GREY, edge=GREY, lw=1)
    say(ax, 55, 205, "Máy cũ mất hoặc hỏng?", 22, weight="bold", ha="left")
    say(
        ax,
        55,
        140,
        "Xác thực bằng thẻ căn cước gắn chip:\náp thẻ vào mặt lưng máy mới (NFC).",
        20,
        ha="left",
    )
    say(ax, 55, 75, "Mã sẽ gửi về máy mới.", 20, ha="left")
    chip_card(ax, 590, 70, w=150, h=95, angle=-8)


@picture("remote-signing-flow", "Ký số từ xa: ký hồ sơ bằng điện thoại")
def remote_signing(ax: Axes) -> None:
    steps = [
        ("1", "Trên cổng dịch vụ công:\nchọn ký số, chọn nhà cung cấp", LIGHT_BLUE, BLUE),
        ("2", "Điện thoại nhận thông báo\nyêu cầu ký", LIGHT_BLUE, BLUE),
        ("3", "Mở ứng dụng ký số,\nxem kỹ tài liệu", YELLOW, INK),
        ("4", "Xác nhận bằng vân tay\nhoặc Face ID", LIGHT_GREEN, GREEN),
        ("5", "Cổng hiện tệp đã ký", LIGHT_GREEN, GREEN),
    ]
    for i, (num, text, fill, edge) in enumerate(steps):
        y = 592 - i * 102
        box(ax, 120, y, 600, 78, fill=fill, edge=edge, lw=3)
        ax.add_patch(Circle((75, y + 39), 30, color=edge if edge != INK else DARK))
        say(ax, 75, y + 39, num, 24, color=WHITE, weight="bold")
        say(ax, 400, y + 39, text, 20)
        if i < len(steps) - 1:
            arrow(ax, (400, y - 3), (400, y - 21), color=INK, lw=3)
    # a plain fingerprint sign next to step 4
    for r in (8, 15, 22):
        ax.add_patch(
            Ellipse((680, 592 - 3 * 102 + 39), r * 1.4, r * 1.8, fc="none", ec=GREEN, lw=2.5)
        )
    box(ax, 30, 30, SIZE - 60, 110, fill=LIGHT_RED, edge=RED, lw=3)
    say(
        ax,
        SIZE / 2,
        85,
        "Thấy yêu cầu ký mà bạn không hề gửi?\nKhông xác nhận.",
        21,
        weight="bold",
        color=RED,
    )


@picture("document-photo-upload", "Chụp giấy tờ để tải lên Cổng")
def document_photo(ax: Axes) -> None:
    from matplotlib.transforms import Affine2D

    def paper(
        x: float,
        y: float,
        w: float,
        h: float,
        table: Rectangle,
        angle: float = 0,
        shadow: bool = False,
    ) -> None:
        t = Affine2D().rotate_deg_around(x + w / 2, y + h / 2, angle) + ax.transData
        parts = [Rectangle((x, y), w, h, fc=WHITE, ec=INK, lw=2)]
        for i in range(7):
            parts.append(
                Rectangle(
                    (x + 18, y + h - 36 - i * 24), w * (0.75 if i % 3 else 0.5), 7, fc=MID, lw=0
                )
            )
        if shadow:  # the shadow of a hand or the phone across the page
            parts.append(
                Polygon(
                    [(x + w * 0.35, y), (x + w, y), (x + w, y + h * 0.6)],
                    fc="#000000",
                    alpha=0.4,
                    lw=0,
                )
            )
        for part in parts:
            part.set_transform(t)
            ax.add_patch(part)
            part.set_clip_path(table)  # whatever lies outside the photo is cut off

    def table(x: float) -> Rectangle:
        top = Rectangle((x, 390), 300, 240, fc="#5d4037", lw=0)  # a dark table, seen from above
        ax.add_patch(top)
        return top

    box(ax, 30, 290, 360, 400, fill=LIGHT_GREEN, edge=GREEN, lw=3)
    paper(120, 400, 180, 220, table(60))
    tick(ax, 350, 650, 26)
    say(ax, 210, 340, "phẳng, đủ 4 góc,\nđủ sáng", 19, weight="bold", color=GREEN)
    box(ax, 410, 290, 360, 400, fill=LIGHT_RED, edge=RED, lw=3)
    paper(545, 430, 190, 230, table(440), angle=14, shadow=True)
    cross(ax, 730, 650, 26)
    say(ax, 590, 340, "nghiêng, mất góc,\ncó bóng", 19, weight="bold", color=RED)
    say(ax, 40, 240, "Chụp thẳng từ trên xuống, giữ máy yên.", 21, ha="left")
    say(ax, 40, 200, "Chỉ tải lên những giấy tờ thủ tục yêu cầu.", 21, ha="left")
    note(
        ax,
        30,
        "Cổng Dịch vụ công quốc gia nhận giấy tờ dạng tệp PDF.\n"
        "Không cài ứng dụng quét giấy tờ lạ: có loại chứa mã độc.",
        18,
        height=120,
    )


@picture("vneid-approval-sms", "Tin nhắn báo tài khoản mức 2 đã được duyệt")
def approval_sms(ax: Axes) -> None:
    say(ax, 40, 675, "Tin nhắn viết không dấu, như sau:", 20, ha="left", color=DARK)
    bubble(ax, 40, 430, 720, 215, GREY, tail="left")
    sms = (
        "Cuc Canh sat QLHC ve TTXH thong bao: Ho so\n"
        "dang ky tai khoan dinh danh dien tu cua cong\n"
        "dan ... da duoc phe duyet. De nghi truy cap ung\n"
        "dung VNeID hoac dia chi https://vneid.gov.vn\n"
        "de kich hoat tai khoan."
    )
    say(ax, 62, 538, sms, 19, ha="left", spacing=1.35)
    say(ax, 40, 388, "«Cuc Canh sat QLHC ve TTXH» nghĩa là:", 20, ha="left", color=DARK)
    box(ax, 40, 250, 720, 110, fill=LIGHT_BLUE, edge=BLUE, lw=3)
    say(
        ax,
        SIZE / 2,
        305,
        "Cục Cảnh sát quản lý hành chính\nvề trật tự xã hội (Bộ Công an)",
        22,
        weight="bold",
        color=BLUE,
    )
    say(ax, 40, 205, "Bạn tự mở ứng dụng VNeID để kích hoạt.", 21, ha="left")
    box(ax, 30, 30, SIZE - 60, 130, fill=LIGHT_RED, edge=RED, lw=3)
    say(
        ax,
        SIZE / 2,
        95,
        "Ai gọi điện, nhắn Zalo đòi kích hoạt giúp\nlà lừa đảo. Cúp máy.",
        22,
        weight="bold",
        color=RED,
    )


# ---------------------------------------------------------------- output


def draw_all(folder: Path = HERE) -> list[Path]:
    written = []
    for name, draw in PICTURES.items():
        fig: Figure = plt.figure(figsize=(SIZE / DPI, SIZE / DPI), dpi=DPI)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, SIZE)
        ax.set_ylim(0, SIZE)
        ax.set_aspect("equal")
        ax.axis("off")
        draw(ax)
        path = folder / f"{name}.png"
        # A palette of at most 64 colours keeps each file small; no "Software" or date chunk,
        # so the bytes depend only on this script and the library versions.
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, facecolor=WHITE, metadata={"Software": None})
        plt.close(fig)
        buffer.seek(0)
        with Image.open(buffer) as rendered:
            small = rendered.convert("RGB").quantize(
                colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
        small.save(path, format="PNG", optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in draw_all():
        print(f"{path.name}: {path.stat().st_size / 1024:.1f} KB")
