"""Sources that point at the page saying the fact, not at a homepage."""

from __future__ import annotations

from collections.abc import Iterable

from bot.guides.models import Guide
from bot.guides.rules.fields import RuleProblem

MIN_DEEP_SOURCES = 0.8  # of all source links, the share that must go below a homepage


def is_homepage(url: str) -> bool:
    rest = url.split("://", 1)[-1]
    path = rest.split("/", 1)[1] if "/" in rest else ""
    return path.strip("/") == ""


def source_problems(guide: Guide) -> list[RuleProblem]:
    return [
        RuleProblem(
            guide.id,
            ("sources", i, "url"),
            "a homepage: link the page that says the fact, or say why in 'why'",
            "warning",
        )
        for i, source in enumerate(guide.sources)
        if is_homepage(str(source.url)) and not source.why
    ]


def deep_source_share(guides: Iterable[Guide]) -> tuple[int, int]:
    """How many source links go below a homepage, of how many."""
    urls = [str(s.url) for g in guides for s in g.sources]
    return sum(not is_homepage(u) for u in urls), len(urls)
