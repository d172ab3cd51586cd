"""Facts that expire: those past or near their `valid_until`, and sentences that state a
deadline or a yearly schedule without one."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable

from bot.guides.models import Guide
from bot.guides.rules.fields import Loc, RuleProblem, lower, resident_fields, sentences

EXPIRY_WARNING_DAYS = 30


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
    low = lower(sentence)
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
