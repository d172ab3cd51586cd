"""`outreach-bot guides check`: schema problems plus what Telegram would refuse once rendered."""

from __future__ import annotations

from pathlib import Path

from telegram import InlineKeyboardMarkup

from bot.guides.loader import GuideProblem, load_guides
from bot.guides.navigation import Screen, ScreenKind
from bot.telegram.views.guides import Views
from bot.texts.telegram_html import check_callback_data, check_message_text
from bot.texts.templates import LANGUAGES, Texts


def check_guides(guides_dir: Path, templates_dir: Path) -> tuple[int, list[GuideProblem]]:
    """Return how many guides loaded and every problem found, each naming file and field."""
    library, problems = load_guides(guides_dir)
    views = Views(Texts(templates_dir), library)
    for guide in library:
        name = f"{guide.id}.yaml"
        screens: list[tuple[str, Screen]] = [("(intro screen)", Screen(ScreenKind.INTRO, guide))]
        for number in range(1, len(guide.steps) + 1):
            screens.append((f"steps[{number}]", Screen(ScreenKind.STEP, guide, number)))
            screens.append(
                (f"steps[{number}].troubleshooting", Screen(ScreenKind.STUCK, guide, number))
            )
        screens.append(("(done screen)", Screen(ScreenKind.DONE, guide)))
        screens.append(("(sources screen)", Screen(ScreenKind.SOURCES, guide)))
        for language in LANGUAGES:
            for field, screen in screens:
                view = views.render(language, screen)
                problem = check_message_text(view.text) or _markup_problem(view.markup)
                if problem:
                    problems.append(
                        GuideProblem(
                            name, field, f"Telegram would refuse the {language} screen: {problem}"
                        )
                    )
    return len(library), problems


def _markup_problem(markup: InlineKeyboardMarkup | None) -> str | None:
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data is not None:
                problem = check_callback_data(str(button.callback_data))
                if problem:
                    return problem
    return None
