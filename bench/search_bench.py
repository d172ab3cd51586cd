"""The guide search's cost per question, bot-side: prints the figures and their ratio to the
targets (issue 25). Not a timed test.

    .venv/bin/python bench/search_bench.py
    .venv/bin/python bench/search_bench.py --sizes 500,1000 --passes 5

A question costs what the bot does for a typed message: `search` then `confident` on the
best hit. The questions are every line of the search tables (residents', quality, off-topic):
real typing, typos and chat included. The library is the real one, then libraries of
generated guides: variants of the real ones with their own words (a place, a year, a
service variant in the id, title, keywords and steps), so that the vocabulary grows as a
bigger library's would. Building the index (done once per library, at the first search) is
timed too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.guides.loader import load_guides  # noqa: E402
from bot.guides.models import Guide  # noqa: E402
from bot.guides.search import SearchIndex  # noqa: E402
from tests.search_questions import table_questions  # noqa: E402

TARGETS_MS = {"real": 2.0, "generated": 10.0}  # per question, bot-side
PLACES = [
    "Hà Giang",
    "Cao Bằng",
    "Lạng Sơn",
    "Quảng Ninh",
    "Hải Phòng",
    "Thái Bình",
    "Nam Định",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Bình",
    "Quảng Trị",
    "Huế",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Đắk Lắk",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Lào Cai",
    "Tuyên Quang",
    "Thái Nguyên",
    "Phú Thọ",
]
VARIANTS = ("bản mới", "năm 2027", "cho người cao tuổi", "trên máy tính bảng", "cho hộ kinh doanh")


def questions() -> list[str]:
    return table_questions()


def generated(real: list[Guide], size: int) -> list[Guide]:
    """`size` guides: the real ones, then variants of them with words of their own."""
    guides = list(real)
    n = 0
    while len(guides) < size:
        base = real[n % len(real)]
        place = PLACES[n % len(PLACES)]
        variant = VARIANTS[n % len(VARIANTS)]
        own = f"mã{n:04d} {place}"  # one word only this guide has, as real guides have some
        steps = tuple(
            step.model_copy(update={"text": f"{step.text} Tại {place}, {variant}: {own}."})
            for step in base.steps
        )
        guides.append(
            base.model_copy(
                update={
                    "id": f"{base.id}-v{n}",
                    "title": f"{base.title} ({variant}, {place})",
                    "keywords": (*base.keywords, f"{base.keywords[0]} {place}", own),
                    "steps": steps,
                }
            )
        )
        n += 1
    return guides


def measure(guides: list[Guide], asked: list[str], passes: int) -> tuple[float, list[float]]:
    index = SearchIndex(guides)
    started = time.perf_counter()
    index.search("vneid")  # builds the index
    built = time.perf_counter() - started
    costs: list[float] = []
    for _ in range(passes):
        for question in asked:
            started = time.perf_counter()
            hits = index.search(question)
            if hits:
                index.confident(question, hits[0])
            costs.append((time.perf_counter() - started) * 1000)
    return built, costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500", help="generated library sizes, comma-separated")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    library, problems = load_guides(PROJECT_ROOT / "guides")
    assert not problems, problems
    real = list(library)
    asked = questions()
    print(f"{len(asked)} questions × {args.passes} passes; cost = search + confident, bot-side")
    runs = [("real", real)] + [
        ("generated", generated(real, int(size))) for size in args.sizes.split(",")
    ]
    for kind, guides in runs:
        built, costs = measure(guides, asked, args.passes)
        mean = statistics.fmean(costs)
        p95 = statistics.quantiles(costs, n=20)[-1]
        target = TARGETS_MS[kind]
        print(
            f"{len(guides):4d} guides ({kind}): {mean:.3f} ms per question (p95 {p95:.3f} ms, "
            f"max {max(costs):.2f} ms), {mean / target:.2f} × the {target:g} ms target; "
            f"index built in {built * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
