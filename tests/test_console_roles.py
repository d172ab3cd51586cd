"""The console in each role, driven by a scripted person who reads the screen before typing:
a number after a picture or a file, a report's own buttons, a batch's typed count. Nothing
typed may end the console: every script must run to its end, and the console exit 0."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli.console import run_console
from bot.config import PROJECT_ROOT
from bot.guides.loader import load_guides
from bot.standin import SimUser
from tests.conftest import make_settings

CRASH_LINE = "⚠ Chưa làm được"

Step = str | Callable[[str], str]


def number_of(label: str) -> Callable[[str], str]:
    """The number the screen last showed for the button whose label starts with `label` (as
    a person reads it)."""

    def read(screen: str) -> str:
        found = re.findall(rf"\[(\d+)\] {re.escape(label)}[^\n]*\n", screen)
        assert found, f"no button {label!r} on the screen:\n{screen[-3000:]}"
        return found[-1]

    return read


def press(label: str) -> Callable[[str], str]:
    """`#N` for the button `label`: presses it even while the bot waits for a number."""
    number = number_of(label)
    return lambda screen: f"#{number(screen)}"


class Person:
    """stdin for the console: each line is typed after the previous answer is on screen."""

    def __init__(self, out: io.StringIO, steps: list[Step]) -> None:
        self.out = out
        self.steps = list(steps)
        self.typed: list[str] = []

    def readline(self) -> str:
        if not self.steps:
            return ""  # Ctrl-D
        step = self.steps.pop(0)
        line = step if isinstance(step, str) else step(self.out.getvalue())
        self.typed.append(line)
        self.out.write(f"\n>>> {line}\n")
        return line + "\n"


async def console(tmp_path: Path, role: str, steps: list[Step]) -> str:
    out = io.StringIO()
    person = Person(out, steps)
    settings = make_settings(tmp_path, "http://127.0.0.1:1/bot")
    # A Person is a scripted stdin, readline() alone, not a whole TextIO: hence the ignore.
    status = await run_console(settings, person, out, person=role)  # type: ignore[arg-type]  # see above
    screen = out.getvalue()
    assert person.steps == [], f"the console stopped before the script's end:\n{screen[-3000:]}"
    assert status == 0, screen[-3000:]
    assert CRASH_LINE not in screen, screen[-3000:]
    return screen


def after(screen: str, typed: str, *, first: bool = False) -> str:
    """What the screen showed after the last (or first) time `typed` was typed, until the
    next line typed."""
    marker = f"\n>>> {typed}\n"
    assert marker in screen, f"{typed!r} was never typed"
    rest = screen.split(marker, 1)[1] if first else screen.rsplit(marker, 1)[1]
    return rest.split("\n>>> ", 1)[0]


# A guide whose third step has a picture: «▶ Bắt đầu», then «Tiếp ▶» twice.
PICTURE_STEPS: list[Step] = [
    "/start pay-bills-qr",
    number_of("▶ Bắt đầu"),
    number_of("Tiếp ▶"),
    number_of("Tiếp ▶"),
    number_of("🖼 Xem ảnh minh họa"),
    number_of("Tiếp ▶"),  # the step's buttons, though a picture came after them
]


@pytest.mark.parametrize("role", ["resident", "volunteer", "admin"])
async def test_a_number_after_a_step_picture_presses_the_step(tmp_path: Path, role: str) -> None:
    screen = await console(tmp_path, role, PICTURE_STEPS)
    assert "🖼 [ảnh / photo] 🖼 Bước 3" in after(screen, "5")
    assert "Bước 4/10: Kiểm tra số tiền" in after(screen, "2")


async def test_an_admin_presses_buttons_after_the_invite_qr_and_the_charts(
    tmp_path: Path,
) -> None:
    screen = await console(
        tmp_path,
        "admin",
        ["/invite 01", "1", "/chart", number_of("🪪 VNeID"), "?", "0", "99", "#0"],
    )
    invite = after(screen, "/invite 01")
    assert "Mã mời tình nguyện viên" in invite and "🖼 [ảnh / photo] Quét để tham gia" in invite
    # «1» after the QR code: the invite's «🏠 Menu», the last message with buttons.
    assert "Chọn chủ đề bạn cần" in after(screen, "1", first=True)
    # After the charts (pictures only), the menu's numbers still press the menu.
    assert "🖼 [ảnh / photo]" in after(screen, "/chart")
    [topic] = _typed_after(screen, 5)[:1]
    vneid = sum(g.topic.value == "vneid" for g in load_guides(PROJECT_ROOT / "guides")[0])
    assert f"Có {vneid} hướng dẫn" in after(screen, topic)
    assert "Các nút của" in after(screen, "?")
    # Numbers that are no button get a polite line, not a search.
    assert "Không có nút [0]" in after(screen, "0") and "Kết quả cho" not in after(screen, "0")
    assert "Không có nút [99]" in after(screen, "99")
    assert "Không có nút [0]" in after(screen, "#0")


async def test_the_reports_own_buttons_are_reachable(tmp_path: Path) -> None:
    screen = await console(
        tmp_path,
        "admin",
        [
            "/report",
            number_of("📈 Biểu đồ"),  # above the summary's «🏠 Menu»
            number_of("📥 Tải Excel + CSV"),
            "?",  # the files came with their own «🏠 Menu»: list the report's buttons again
            number_of("Tuần"),
        ],
    )
    assert "Gõ ? để đánh số lại" in screen.split("🤖 Bot", 1)[0]
    report = after(screen, "/report")
    numbers = [int(n) for n in re.findall(r"\[(\d+)\] ", report)]
    assert numbers == list(range(1, len(numbers) + 1)), "one reply, one numbering"
    charts, files, listed, week = (after(screen, line) for line in _typed_after(screen, 4))
    assert "🖼 [ảnh / photo]" in charts and "Kết quả cho" not in charts
    assert "📎 [tệp / file] bao-cao" in files and ".xlsx" in files and ".csv" in files
    assert "📊 Báo cáo tiếp cận" in listed and "Tuần" in listed
    assert "✎ (sửa tại chỗ)" in week and "● Tuần" in week


def _typed_after(screen: str, count: int) -> list[str]:
    """The last `count` lines typed, in order."""
    return re.findall(r"\n>>> (.*)\n", screen)[-count:]


async def test_a_typed_number_is_the_batch_count_and_hash_presses(tmp_path: Path) -> None:
    screen = await console(
        tmp_path,
        "volunteer",
        [
            "/batch",
            "15",  # the count, though «Dưới 16» is button 15
            press("16–30"),
            "20",
            "> 7",  # literally, as always
            press("VNeID mức 1"),
            press("✅ Cả 7 người đồng ý – Lưu"),
            number_of("➕ Ghi người tiếp theo"),  # the form is saved: numbers press again
        ],
    )
    intro = screen.split("🤖 Bot", 1)[0]
    assert "số bạn gõ là câu trả lời" in intro and "gõ #15 để bấm nút [15]" in intro
    count = after(screen, "15")
    assert "Số người: 15" in count and "● Dưới 16" not in count
    assert "gõ #15 để bấm nút" in count
    assert "● 16–30" in after(screen, press("16–30")(screen))
    assert "16–30: 20" in after(screen, "20")
    assert "16–30: 7" in after(screen, "> 7")
    saved = after(screen, press("✅ Cả 7 người đồng ý – Lưu")(screen))
    assert "✅ Đã lưu" in saved
    assert "📝 Ghi nhận" in after(screen, "1") and "bot đang chờ" not in after(screen, "1")


async def test_an_error_from_one_line_is_one_polite_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    send = SimUser.send

    async def breaks_on_boom(self: SimUser, text: str, chat: object = None) -> object:
        if text == "boom":
            raise RuntimeError("the stand-in went away")
        return await send(self, text)

    monkeypatch.setattr(SimUser, "send", breaks_on_boom)
    out = io.StringIO()
    person = Person(out, ["boom", "/help"])
    settings = make_settings(tmp_path, "http://127.0.0.1:1/bot")
    # A Person is a scripted stdin, readline() alone, not a whole TextIO: hence the ignore.
    status = await run_console(settings, person, out, person="resident")  # type: ignore[arg-type]  # a scripted stdin
    screen = out.getvalue()
    assert status == 0 and person.steps == []
    [problem] = [line for line in after(screen, "boom").splitlines() if line.strip()]
    assert problem == (
        "⚠ Chưa làm được việc này (RuntimeError: the stand-in went away). Cứ gõ tiếp."
    )
    assert "🤖 Bot" in after(screen, "/help")
