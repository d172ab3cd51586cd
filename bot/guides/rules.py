"""Content rules beyond the schema: one hedge per guide, the glossary's names, prerequisites
that exist and do not loop, sources that point at the fact, and facts that expire.

Each rule returns problems as (guide id, field path, message, level); the loader adds the file
and the line. Levels: "error" (the bot refuses to start), "expired" (`guides check` fails, the
bot marks the fact as out of date) and "warning" (printed for editors).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
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


# ---- issue 27: wording that must not reach a resident ------------------------------------
# Each rule reads the fields a resident reads (`resident_fields`) sentence by sentence: a
# sentence ends at ".", "!" or "?" followed by a space, or at a line break. Documented in
# guides/README.md ("Rules on wording").

FREE_NUMBERS_FILE = "free-numbers.yaml"


def resident_fields(guide: Guide) -> Iterator[tuple[Loc, str]]:
    """`text_fields` and the screens note: everything a resident reads in Vietnamese."""
    yield from text_fields(guide)
    if guide.screens_note:
        yield ("screens_note",), guide.screens_note


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def fold(text: str) -> str:
    """Lower case, without accents, đ as d, spaces collapsed: "Chưa có  Nguồn" → "chua co nguon"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def _lower(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# 1. An editor's note to another editor, not to a resident.
EDITOR_WORDING = ("bản văn đọc được", "chưa có nguồn", "chúng tôi chưa")
_EDITOR = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(fold(w)) for w in EDITOR_WORDING) + r")(?!\w)"
)


def editor_wording_problems(guide: Guide) -> list[RuleProblem]:
    problems = []
    for loc, text in resident_fields(guide):
        for found in dict.fromkeys(m.group(0) for m in _EDITOR.finditer(fold(text))):
            problems.append(
                RuleProblem(
                    guide.id,
                    loc,
                    f"'{found}' is an editor's note, not for a resident: say what the reader "
                    "can do (where to ask) instead",
                )
            )
    return problems


# 2. A 1900 number costs the caller: the sentence says so. A number said to be free must be
# one of the known free lines (guides/free-numbers.yaml).
_NUMBER_1900 = re.compile(r"(?<![\d.,/])1900(?:[ .]?\d){4,6}(?![\d/])")
_CHARGED = re.compile(r"cước|có phí|mất phí|tính phí|tốn")
_FREE = re.compile(r"miễn phí|miễn cước")
# A phone number or short code: 1800/1900 numbers, or 3 to 5 digits standing alone (not part
# of a date, an amount, a document number or a year).
_PHONE = re.compile(
    r"(?<![\d.,/:])(?:1[89]00(?:[ .]?\d){4,6}|\d{3,5})(?![\d/%]|[.,]\d)"
    r"(?!\s*(?:đồng|kb|mb|km|ngày|tháng|năm|tuổi|giờ|phút|người|lần))"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def phone_key(number: str) -> str:
    return re.sub(r"\D", "", number)


def number_cost_problems(guide: Guide, free_numbers: frozenset[str] | None) -> list[RuleProblem]:
    problems = []
    for loc, text in resident_fields(guide):
        for sentence in sentences(text):
            low = _lower(sentence)
            for number in _NUMBER_1900.findall(sentence):
                if not _CHARGED.search(low):
                    problems.append(
                        RuleProblem(
                            guide.id,
                            loc,
                            f"{number.strip()} is a charged number: say so in the same "
                            "sentence, e.g. '(có tính cước)'",
                        )
                    )
            if free_numbers is None or not _FREE.search(low):
                continue
            for number in _PHONE.findall(sentence):
                key = phone_key(number)
                if _YEAR.match(key) and not key.startswith(("1800", "1900")):
                    continue
                if key not in free_numbers:
                    problems.append(
                        RuleProblem(
                            guide.id,
                            loc,
                            f"{number.strip()} is called free ('miễn phí') but is not in "
                            f"guides/{FREE_NUMBERS_FILE}: check it, then add it there with "
                            "its source",
                        )
                    )
    return problems


# 3. Offices and levels that no longer exist (from 1/7/2025 there are no districts; from
# 1/3/2025 no Ministry of Information and Communications), unless the sentence marks them as
# old or the name is quoted «…» (what a scammer says).
OLD_NAMES = (
    "cấp huyện",
    "quận/huyện",
    "quận, huyện",
    "công an huyện",
    "công an quận",
    "chi cục thuế",
    "phòng giáo dục",
    "sở tt&tt",
    "sở thông tin và truyền thông",
    "bộ tt&tt",
    "bộ thông tin và truyền thông",
    "cục attt",
)
_OLD = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in OLD_NAMES) + r")(?!\w)")
_MARKED_OLD = re.compile(r"(?<!\w)(?:cũ|trước đây|không còn|đã bỏ|lỗi thời)(?!\w)")
_QUOTED = re.compile(r"«[^»]*»")


def old_name_problems(guide: Guide) -> list[RuleProblem]:
    problems = []
    for loc, text in resident_fields(guide):
        for sentence in sentences(text):
            low = _lower(sentence)
            if _MARKED_OLD.search(low):
                continue
            for found in dict.fromkeys(m.group(0) for m in _OLD.finditer(_QUOTED.sub("", low))):
                problems.append(
                    RuleProblem(
                        guide.id,
                        loc,
                        f"'{found}' no longer exists: name today's office, or mark it as old "
                        "in the same sentence ('(cũ)', 'trước đây', 'không còn') or quote "
                        "what a scammer says in «»",
                    )
                )
    return problems


# 4. A deadline or a yearly schedule is a dated fact: it needs `valid_until`. A sentence
# states one when it has a deadline word ("hạn", but not "giới hạn", "gia hạn", "hạn chế",
# "hạn mức"; "chậm nhất", "trước ngày", "đến hết") and a date (d/m/yyyy), a month (m/yyyy)
# or a year ("năm 2026") that is not before the guide's `reviewed` date (a date that has
# passed, a law's number and a date without a year do not count), or when it says
# "năm nay" or "năm 2026 là lượt".
_DEADLINE = re.compile(
    r"(?<!\w)(?:(?<!giới )(?<!gia )hạn(?! chế)(?! mức)|chậm nhất|trước ngày|đến hết)(?!\w)"
)
_ALWAYS_DATED = re.compile(r"(?<!\w)(?:năm nay|năm \d{4} là lượt)(?!\w)")
_FULL_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})/(\d{4})(?![\d/])")
_YEAR_WORD = re.compile(r"(?<!\w)năm (\d{4})(?!\w)")


def _dates_in(sentence: str) -> list[dt.date]:
    """The last day each date, month or year in the sentence stands for."""
    found = []
    for d, m, y in _FULL_DATE.findall(sentence):
        with contextlib.suppress(ValueError):  # 31/2/2026 is not a date
            found.append(dt.date(int(y), int(m), int(d)))
    for m, y in _MONTH_YEAR.findall(sentence):
        if 1 <= int(m) <= 12:
            following = dt.date(int(y) + int(m) // 12, int(m) % 12 + 1, 1)
            found.append(following - dt.timedelta(days=1))
    found += [dt.date(int(y), 12, 31) for y in _YEAR_WORD.findall(sentence)]
    return found


def states_deadline(sentence: str, reviewed: dt.date) -> bool:
    low = _lower(sentence)
    if _ALWAYS_DATED.search(low):
        return True
    if not _DEADLINE.search(low):
        return False
    return any(day >= reviewed for day in _dates_in(low))


def deadline_problems(guide: Guide) -> list[RuleProblem]:
    problems = []
    any_step_dated = any(s.valid_until for s in guide.steps)
    for loc, text in resident_fields(guide):
        if guide.valid_until:
            break
        if loc[0] == "steps":
            dated = guide.steps[int(loc[1])].valid_until is not None
        else:  # the summary, needs or note sum up a step: that step carries the date
            dated = any_step_dated
        if dated:
            continue
        for sentence in sentences(text):
            if states_deadline(sentence, guide.reviewed):
                problems.append(
                    RuleProblem(
                        guide.id,
                        loc,
                        f"states a deadline or a yearly schedule ('{sentence.strip()[:60]}'): "
                        "add valid_until to its step (or the guide)",
                    )
                )
                break
    return problems


# 5. A step that points elsewhere comes with a button that goes there (`links:`). Its text and
# its help (troubleshooting) are read: "phần liên quan" and "hướng dẫn … bên dưới" need a
# `guide:` link; "bước 9" needs `step: 9`; "ở bước trên", "bước trước" need a link to an
# earlier step. "Các bước trên màn hình" (on the screen) is not a pointer.
_POINTS_TO_GUIDE = re.compile(
    r"(?<!\w)(?:phần liên quan|hướng dẫn(?:(?!\w)[^.!?\n]{0,80}?(?<!\w)| )bên dưới)(?!\w)"
)
_POINTS_TO_STEP = re.compile(r"(?<!\w)bước (\d{1,2})(?![\d/\w])")
_POINTS_BACK = re.compile(
    r"(?<!\w)(?:bước (?:ở )?(?:trên|trước)(?: đó)?(?!\s*\w)|(?:ở|như|từ) bước trước(?! khi)(?!\w))"
)


def step_pointer_fields(guide: Guide, i: int) -> Iterator[tuple[Loc, str]]:
    step = guide.steps[i]
    yield ("steps", i, "text"), step.text
    for j, trouble in enumerate(step.troubleshooting):
        yield ("steps", i, "troubleshooting", j, "problem"), trouble.problem
        yield ("steps", i, "troubleshooting", j, "fix"), trouble.fix


def link_problems(guides: dict[str, Guide]) -> list[RuleProblem]:
    """Each step link goes to a guide that exists (not this one) or to another step of it."""
    problems = []
    for guide in guides.values():
        for i, step in enumerate(guide.steps):
            for j, link in enumerate(step.links):
                if link.guide is not None:
                    loc: Loc = ("steps", i, "links", j, "guide")
                    if link.guide == guide.id:
                        problems.append(
                            RuleProblem(guide.id, loc, "a link to this guide: use 'step: <n>'")
                        )
                    elif link.guide not in guides:
                        problems.append(RuleProblem(guide.id, loc, f"no guide '{link.guide}'"))
                elif link.step is not None:
                    loc = ("steps", i, "links", j, "step")
                    if link.step > len(guide.steps):
                        problems.append(
                            RuleProblem(
                                guide.id,
                                loc,
                                f"no step {link.step}: the guide has {len(guide.steps)}",
                            )
                        )
                    elif link.step == i + 1:
                        problems.append(RuleProblem(guide.id, loc, "a link to its own step"))
    return problems


def pointer_problems(guide: Guide) -> list[RuleProblem]:
    problems = []
    for i, step in enumerate(guide.steps):
        to_guides = any(link.guide for link in step.links)
        to_steps = {link.step for link in step.links if link.step}
        for loc, text in step_pointer_fields(guide, i):
            low = _lower(text)
            found = _POINTS_TO_GUIDE.search(low)
            if found and not to_guides:
                problems.append(
                    RuleProblem(
                        guide.id,
                        loc,
                        f"points to '{found.group(0)}': add 'links: [guide: <id>]' to the step "
                        "(the bot shows it as a button), or say which guide to open otherwise",
                    )
                )
            for number in dict.fromkeys(int(n) for n in _POINTS_TO_STEP.findall(low)):
                if number not in to_steps:
                    problems.append(
                        RuleProblem(
                            guide.id,
                            loc,
                            f"points to 'bước {number}': add 'links: [step: {number}]' to the step",
                        )
                    )
            back = _POINTS_BACK.search(low)
            if back and not any(n <= i for n in to_steps):
                problems.append(
                    RuleProblem(
                        guide.id,
                        loc,
                        f"points to '{back.group(0)}': add 'links: [step: <n>]' with the earlier "
                        "step it means",
                    )
                )
    return problems


# 6. `not_terms`: each names a glossary term (or one of its forms) the step's words match in
# another sense.
def not_terms_problems(guide: Guide, glossary: Glossary) -> list[RuleProblem]:
    names = {form.casefold() for term in glossary.terms for form in term.forms}
    return [
        RuleProblem(
            guide.id,
            ("steps", i, "not_terms", j),
            f"'{name}' is not a term in guides/glossary.yaml (write the term as it is there)",
        )
        for i, step in enumerate(guide.steps)
        for j, name in enumerate(step.not_terms)
        if name.casefold() not in names
    ]
