"""Which screen a button leads to, and what to say when the button is stale.

Pure rules over the guide library; handlers turn the result into Telegram calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.guides.glossary import Term
from bot.guides.loader import GuideLibrary
from bot.guides.models import Guide, Topic


class Action(StrEnum):
    MENU = "m"
    TOPIC = "t"
    INTRO = "i"
    STEP = "s"
    HELP = "h"
    PHOTO = "p"
    DONE = "d"
    LANGUAGE = "l"
    SEARCH_HINT = "q"
    HELP_PAGE = "?"
    SOURCES = "o"  # every source of a guide (the done screen shows the official ones)
    RESULTS = "x"  # back to the person's last search results
    TERMS = "g"  # the words of a step the glossary explains
    TERM = "e"  # one of them, explained


@dataclass(frozen=True)
class Nav:
    """Where a guide button leads: the button codec (bot/telegram/callback_data.py) carries
    it in the button, so no server-side session is needed."""

    action: Action
    guide_id: str = ""
    step: int = 0
    version: str = ""
    topic: str = ""
    language: str = ""
    # The unit a deep link credits for self-serve reach, carried through the guide's buttons
    # as the unit's internal id in base 36 (0 = none), so no server-side session is needed.
    unit: int = 0
    # The guide was opened from search results: its Back leads there, not to its topic.
    from_search: bool = False
    term: int = 0  # which of a step's glossary terms (1-based), for Action.TERM
    # DONE and SOURCES: the tag the outreach log made for this person when the bot showed
    # the guide's last step; opaque here (see bot/domain/done_tag.py).
    tag: str = ""


class ScreenKind(StrEnum):
    MENU = "menu"
    TOPIC = "topic"
    INTRO = "intro"
    STEP = "step"
    STUCK = "stuck"
    DONE = "done"
    LANGUAGE = "language"
    SEARCH_HINT = "search_hint"
    HELP = "help"
    SOURCES = "sources"
    RESULTS = "results"
    TERMS = "terms"
    TERM = "term"


class Notice(StrEnum):
    """Why the person sees a different screen from the one the button promised."""

    NONE = ""
    GUIDE_GONE = "guide_gone"
    GUIDE_UPDATED = "guide_updated"
    STALE = "stale"
    UNKNOWN_LINK = "unknown_link"


@dataclass(frozen=True)
class Screen:
    kind: ScreenKind
    guide: Guide | None = None
    step: int = 0
    topic: Topic | None = None
    notice: Notice = Notice.NONE
    unit: int = 0  # the unit credited for self-serve reach (internal id), 0 when none
    from_search: bool = False  # opened from search results (see `Nav.from_search`)
    term: int = 0  # for TERM: which of the step's glossary terms (1-based)
    # The «✅ Xong» tag: set on the last step (for its button), DONE and SOURCES screens, so a
    # screen with one is this person's own (see `Nav.tag`).
    tag: str = ""


def resolve(library: GuideLibrary, nav: Nav) -> Screen:
    simple = {
        Action.MENU: ScreenKind.MENU,
        Action.LANGUAGE: ScreenKind.LANGUAGE,
        Action.SEARCH_HINT: ScreenKind.SEARCH_HINT,
        Action.HELP_PAGE: ScreenKind.HELP,
        Action.RESULTS: ScreenKind.RESULTS,
    }
    if nav.action in simple:
        return Screen(simple[nav.action])
    if nav.action is Action.TOPIC:
        try:
            topic = Topic(nav.topic)
        except ValueError:
            return Screen(ScreenKind.MENU, notice=Notice.STALE)
        if not library.in_topic(topic):
            return Screen(ScreenKind.MENU, notice=Notice.STALE)
        return Screen(ScreenKind.TOPIC, topic=topic)
    guide = library.get(nav.guide_id)
    if guide is None:
        return Screen(ScreenKind.MENU, notice=Notice.GUIDE_GONE)

    # The unit credited and where the guide was opened from stay with every screen of it.
    def at(kind: ScreenKind, step: int = 0, notice: Notice = Notice.NONE, term: int = 0) -> Screen:
        return Screen(
            kind,
            guide=guide,
            step=step,
            notice=notice,
            unit=nav.unit,
            from_search=nav.from_search,
            term=term,
            tag=nav.tag if kind in (ScreenKind.DONE, ScreenKind.SOURCES) else "",
        )

    if nav.action is Action.INTRO:
        return at(ScreenKind.INTRO)
    if nav.version != guide.version:
        return at(ScreenKind.INTRO, notice=Notice.GUIDE_UPDATED)
    if nav.action is Action.DONE:
        return at(ScreenKind.DONE)
    if nav.action is Action.SOURCES:
        return at(ScreenKind.SOURCES)
    if not 1 <= nav.step <= len(guide.steps):
        return at(ScreenKind.INTRO, notice=Notice.GUIDE_UPDATED)
    if nav.action in (Action.TERMS, Action.TERM):
        terms = step_terms(library, guide, nav.step)
        if not terms:  # the glossary changed under the button: the step itself
            return at(ScreenKind.STEP, nav.step)
        if nav.action is Action.TERM and 1 <= nav.term <= len(terms):
            return at(ScreenKind.TERM, nav.step, term=nav.term)
        return at(ScreenKind.TERMS, nav.step)
    # A photo button lands on its step; the handler then sends the picture beside it.
    kind = ScreenKind.STUCK if nav.action is Action.HELP else ScreenKind.STEP
    return at(kind, nav.step)


def step_terms(library: GuideLibrary, guide: Guide, number: int) -> list[Term]:
    """The glossary terms a step's title and text use, in order of appearance, but those the
    step marks as meant in another sense (`not_terms`)."""
    step = guide.steps[number - 1]
    terms = library.glossary.terms_in(f"{step.title}\n{step.text}")
    if not step.not_terms:
        return terms
    # Named by the term or any of its forms ("đường dẫn" for the term "liên kết").
    meant = {name.casefold() for name in step.not_terms}
    return [t for t in terms if not meant & {form.casefold() for form in t.forms}]


def open_guide(library: GuideLibrary, guide_id: str, unit: int = 0) -> Screen:
    """The screen for a guide deep link (`/start <guide-id>[_<unit-code>]`)."""
    guide = library.get(guide_id)
    if guide is None:
        return Screen(ScreenKind.MENU, notice=Notice.UNKNOWN_LINK)
    return Screen(ScreenKind.INTRO, guide=guide, unit=unit)
