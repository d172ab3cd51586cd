"""Words a resident should not read: a hedge on screens, names the glossary avoids or does
not know, an editor's note (rule 1 of issue 27), offices that no longer exist (rule 3) and
`not_terms` that name no term (rule 6)."""

from __future__ import annotations

import re

from bot.guides.glossary import Glossary
from bot.guides.models import Guide
from bot.guides.rules.fields import (
    RuleProblem,
    english_fields,
    fold,
    lower,
    resident_fields,
    sentences,
    text_fields,
)

# "Screens may differ" and its variants: readers stop trusting steps that say it each time.
_HEDGE = re.compile(
    r"có thể khác|tu[ỳỳ] (?:theo )?phiên bản|tuỳ phiên bản|may (?:look )?differ|might differ"
    r"|can differ|may vary",
    re.IGNORECASE,
)


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
            low = lower(sentence)
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
