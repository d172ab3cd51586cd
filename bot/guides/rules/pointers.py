"""Step links (`links:`) that go somewhere, and words that point elsewhere with a link that
goes there (rule 5 of issue 27)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.guides.models import Guide
from bot.guides.rules.fields import Loc, RuleProblem, lower

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
            low = lower(text)
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
