"""`outreach-bot guides check`: schema problems plus what Telegram would refuse once rendered."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from telegram import InlineKeyboardMarkup

from bot.domain.done_tag import TAG_CHARS
from bot.guides import rules
from bot.guides.freshness import today_in_vietnam
from bot.guides.loader import GuideLibrary, GuideProblem, load_guides, locate
from bot.guides.models import Guide
from bot.guides.navigation import Screen, ScreenKind, step_terms
from bot.site.build import build_site
from bot.telegram.views.guides import Views
from bot.telegram.views.view import Keyboard
from bot.texts.telegram_html import check_callback_data, check_message_text
from bot.texts.templates import LANGUAGES, Texts


def _own(kind: ScreenKind, guide: Guide, step: int = 0) -> Screen:
    """A person's own screen at its longest: «✅ Xong» and its sources carry a done tag, the
    credited unit (4 base-36 digits at most) and the search mark, all in Telegram's 64 bytes."""
    return Screen(kind, guide, step, unit=36**4 - 1, from_search=True, tag="A" * TAG_CHARS)


def check_guides(
    guides_dir: Path, templates_dir: Path, today: dt.date | None = None
) -> tuple[int, list[GuideProblem]]:
    """Return how many guides loaded and every problem found, each naming file, line and
    field; those of level "warning" are for editors and do not fail the check."""
    library, problems = load_guides(guides_dir)
    problems += library.warnings
    names = {guide.id: guides_dir / f"{guide.id}.yaml" for guide in library}
    names = {i: p for i, p in names.items() if p.is_file()}
    day = today or today_in_vietnam()
    problems += [locate(p, guides_dir, names) for p in rules.dated_problems(library, day)]
    # One set of templates for the site and the screens: each Texts compiles (or loads) its
    # own copies, and neither changes what the other renders.
    texts = Texts(templates_dir)
    problems += _web_page_problems(library, texts, day)
    problems += _source_share_problems(library)
    problems += _screen_problems(library, Views(texts, library))
    return len(library), problems


def _source_share_problems(library: GuideLibrary) -> list[GuideProblem]:
    deep, total = rules.deep_source_share(library)
    if not total or deep / total >= rules.MIN_DEEP_SOURCES:
        return []
    return [
        GuideProblem(
            "(all guides)",
            "sources",
            f"only {deep} of {total} source links go below a homepage; at least "
            f"{rules.MIN_DEEP_SOURCES:.0%} must point at the page that says the fact",
        )
    ]


def _screen_problems(library: GuideLibrary, views: Views) -> list[GuideProblem]:
    """Every screen of every guide, in each language, as Telegram would take it."""
    problems = []
    # A glossary term's screen has the same text under every step that uses it: what
    # Telegram would say of a text is worked out once (two fifths of the screens repeat one).
    verdicts: dict[str, str | None] = {}
    for guide in library:
        name = f"{guide.id}.yaml"
        screens = _screens(library, guide)
        for language in LANGUAGES:
            for field, screen in screens:
                view = views.render(language, screen)
                if view.text not in verdicts:
                    verdicts[view.text] = check_message_text(view.text)
                problem = verdicts[view.text] or _markup_problem(view.markup)
                if problem:
                    problems.append(
                        GuideProblem(
                            name, field, f"Telegram would refuse the {language} screen: {problem}"
                        )
                    )
    return problems


def _screens(library: GuideLibrary, guide: Guide) -> list[tuple[str, Screen]]:
    """A guide's screens, each with the field a problem on it names."""
    screens: list[tuple[str, Screen]] = [("(intro screen)", Screen(ScreenKind.INTRO, guide))]
    last = len(guide.steps)
    for number in range(1, last + 1):
        step = (  # the last step has the «✅ Xong»
            _own(ScreenKind.STEP, guide, number)
            if number == last
            else Screen(ScreenKind.STEP, guide, number)
        )
        screens.append((f"steps[{number}]", step))
        screens.append(
            (f"steps[{number}].troubleshooting", Screen(ScreenKind.STUCK, guide, number))
        )
        terms = step_terms(library, guide, number)
        if terms:
            screens.append((f"steps[{number}] (terms)", Screen(ScreenKind.TERMS, guide, number)))
        screens += [
            (f"glossary: {term.term}", Screen(ScreenKind.TERM, guide, number, term=i))
            for i, term in enumerate(terms, start=1)
        ]
    screens.append(("(done screen)", _own(ScreenKind.DONE, guide)))
    screens.append(("(sources screen)", _own(ScreenKind.SOURCES, guide)))
    return screens


def _markup_problem(markup: InlineKeyboardMarkup | Keyboard | None) -> str | None:
    if markup is None:
        return None
    if isinstance(markup, Keyboard):  # no guide screen has one today; checked all the same
        data = [d for row in markup.rows for _, d in row]
    else:
        data = [
            str(button.callback_data)
            for row in markup.inline_keyboard
            for button in row
            if button.callback_data is not None
        ]
    for one in data:
        problem = check_callback_data(one)
        if problem:
            return problem
    return None


def _web_page_problems(library: GuideLibrary, texts: Texts, today: dt.date) -> list[GuideProblem]:
    """A guide whose web page would be broken (or too heavy) fails, as a refused screen does."""
    with tempfile.TemporaryDirectory(prefix="guides-check-site-") as folder:
        result = build_site(library, texts, Path(folder), today=today)
    problems = []
    for problem in result.problems:
        page, _, message = problem.partition(": ")
        guide_id = page.split("/", 1)[0]
        name = f"{guide_id}.yaml" if library.get(guide_id) else page
        problems.append(GuideProblem(name, "(web page)", message))
    return problems
