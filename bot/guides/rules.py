"""Content rules beyond the schema: one hedge per guide, the glossary's names, prerequisites
that exist and do not loop, sources that point at the fact, and facts that expire.

Each rule returns problems as (guide id, field path, message, level); the loader adds the file
and the line. Levels: "error" (the bot refuses to start), "expired" (`guides check` fails, the
bot marks the fact as out of date) and "warning" (printed for editors).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.guides.glossary import Glossary
from bot.guides.models import Guide

# "Screens may differ" and its variants: readers stop trusting steps that say it each time.
_HEDGE = re.compile(
    r"có thể khác|tu[ỳỳ] (?:theo )?phiên bản|tuỳ phiên bản|may (?:look )?differ|might differ"
    r"|can differ|may vary",
    re.IGNORECASE,
)
EXPIRY_WARNING_DAYS = 30
MIN_DEEP_SOURCES = 0.8  # of all source links, the share that must go below a homepage

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class RuleProblem:
    guide_id: str
    loc: Loc
    message: str
    level: str = "error"


def text_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    """Every field a resident reads in Vietnamese, where the names and hedge rules apply.
    Keywords are search words (chat forms such as "cmnd" belong there) and are left out."""
    yield ("title",), guide.title
    yield ("summary",), guide.summary
    for i, need in enumerate(guide.needs):
        yield ("needs", i), need
    for i, step in enumerate(guide.steps):
        yield ("steps", i, "title"), step.title
        yield ("steps", i, "text"), step.text
        if step.image_caption:
            yield ("steps", i, "image_caption"), step.image_caption
        for j, trouble in enumerate(step.troubleshooting):
            yield ("steps", i, "troubleshooting", j, "problem"), trouble.problem
            yield ("steps", i, "troubleshooting", j, "fix"), trouble.fix


def english_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    if guide.title_en:
        yield ("title_en",), guide.title_en
    if guide.summary_en:
        yield ("summary_en",), guide.summary_en


def hedge_problems(guide: Guide) -> list[RuleProblem]:
    return [
        RuleProblem(
            guide.id,
            loc,
            "a 'screens may differ' remark belongs only in screens_note (one per guide, with "
            "the app version or month checked against)",
        )
        for loc, text in (*text_fields(guide), *english_fields(guide))
        if _HEDGE.search(text)
    ]


def glossary_problems(guide: Guide, glossary: Glossary) -> list[RuleProblem]:
    problems = []
    for loc, text in text_fields(guide):
        for variant, term in glossary.avoided_in(text):
            problems.append(
                RuleProblem(guide.id, loc, f"write '{term.term}', not '{variant}' (glossary)")
            )
        for word in glossary.unexplained_in(text):
            problems.append(
                RuleProblem(guide.id, loc, f"'{word}' is not in guides/glossary.yaml: add it there")
            )
    return problems


def requires_problems(guides: dict[str, Guide]) -> list[RuleProblem]:
    problems = []
    for guide in guides.values():
        for i, target in enumerate(guide.requires):
            if target == guide.id:
                problems.append(
                    RuleProblem(guide.id, ("requires", i), "a guide cannot need itself")
                )
            elif target not in guides:
                problems.append(RuleProblem(guide.id, ("requires", i), f"no guide '{target}'"))
    for cycle in _cycles(guides):
        path = " → ".join(cycle)
        problems.append(RuleProblem(cycle[0], ("requires",), f"prerequisites go round: {path}"))
    return problems


def _cycles(guides: dict[str, Guide]) -> list[list[str]]:
    """Each loop of prerequisites once, starting at its smallest id."""
    found: set[tuple[str, ...]] = set()

    def walk(node: str, trail: list[str]) -> None:
        for nxt in guides[node].requires:
            if nxt not in guides or nxt == node:
                continue
            if nxt in trail:
                loop = trail[trail.index(nxt) :]
                start = loop.index(min(loop))
                found.add(tuple(loop[start:] + loop[:start]))
            elif len(trail) < len(guides):
                walk(nxt, [*trail, nxt])

    for guide_id in sorted(guides):
        walk(guide_id, [guide_id])
    return [[*loop, loop[0]] for loop in sorted(found)]


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


def dated_problems(guides: Iterable[Guide], today: dt.date) -> list[RuleProblem]:
    """Facts past their date (an editor must update them) and those within 30 days of it."""
    problems = []
    for guide in guides:
        dated: list[tuple[Loc, dt.date]] = []
        if guide.valid_until:
            dated.append((("valid_until",), guide.valid_until))
        dated += [
            (("steps", i, "valid_until"), step.valid_until)
            for i, step in enumerate(guide.steps)
            if step.valid_until
        ]
        for loc, until in dated:
            if today > until:
                message = f"valid until {until:%d/%m/%Y}: out of date, update the fact"
                problems.append(RuleProblem(guide.id, loc, message, "expired"))
            elif (until - today).days <= EXPIRY_WARNING_DAYS:
                message = f"valid until {until:%d/%m/%Y}: check it before then"
                problems.append(RuleProblem(guide.id, loc, message, "warning"))
    return problems
