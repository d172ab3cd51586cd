"""Screens -> message text and inline keyboard: `Views` lays out every screen of the guides,
the menus and search, and keeps the shared ones.

A guide's own screens (intro, steps, help, terms, done, sources) are here; the menus' are in
`menus.py`, search's in `search.py`, and the buttons they all use in `buttons.py`.
"""

from __future__ import annotations

import datetime as dt
from unicodedata import normalize
from urllib.parse import unquote

from telegram import InlineKeyboardMarkup

from bot.bounded import BoundedCache
from bot.domain.model import Standing
from bot.guides.freshness import today_in_vietnam
from bot.guides.loader import GuideLibrary
from bot.guides.models import Guide
from bot.guides.navigation import Action, Nav, Notice, Screen, ScreenKind, step_terms
from bot.telegram.callback_data import encode
from bot.telegram.views.buttons import Button
from bot.telegram.views.menus import MenuScreens
from bot.telegram.views.search import SearchScreens
from bot.telegram.views.view import View
from bot.texts.templates import Texts

SCREEN_CACHE_SIZE = 20_000


class Views(MenuScreens, SearchScreens):
    def __init__(self, texts: Texts, library: GuideLibrary) -> None:
        super().__init__(texts, library)
        # Bounded; a screen pushed out is cheap to build again.
        self._screens: BoundedCache[tuple[object, ...], View] = BoundedCache(SCREEN_CACHE_SIZE)

    def menu_markup(self, lang: str, standing: Standing) -> InlineKeyboardMarkup:
        """The main menu's buttons for this person (a member's include logging)."""
        markup = self.render(lang, Screen(ScreenKind.MENU), standing).markup
        assert isinstance(markup, InlineKeyboardMarkup)  # the menu is never a `Keyboard`
        return markup

    def render(self, lang: str, screen: Screen, standing: Standing = Standing.RESIDENT) -> View:
        """`standing` decides what the menu and help offer.

        A guide's screens depend only on the guide files and templates, which are fixed
        while the bot runs, so each is built once: building them was a tenth of the bot's
        work per guide tap (bench/e2e_bench.py). A screen with a «✅ Xong» tag is one
        person's own (the last step, done and sources screens they reached): built each time,
        so they cannot crowd the shared screens out of the cache.
        """
        if screen.tag:
            return self._build(lang, screen, standing)
        guide = screen.guide
        key = (
            lang,
            standing,
            screen.kind,
            guide.id if guide else "",
            guide.version if guide else "",
            screen.step,
            screen.topic,
            screen.notice,
            screen.unit,
            screen.from_search,
            screen.term,
            # A dated fact shows as out of date from the day after: such a guide's screens
            # are built once a day.
            today_in_vietnam() if guide is not None and guide.dated else None,
        )
        return self._screens.get_or_make(key, lambda: self._build(lang, screen, standing))

    def _build(self, lang: str, screen: Screen, standing: Standing) -> View:
        if screen.kind is ScreenKind.MENU:
            return self._with_notice(lang, screen, self._menu(lang, standing))
        if screen.kind is ScreenKind.HELP:
            return self._with_notice(lang, screen, self._help(lang, standing))
        builder = {
            ScreenKind.TOPIC: self._topic,
            ScreenKind.INTRO: self._intro,
            ScreenKind.STEP: self._step,
            ScreenKind.STUCK: self._stuck,
            ScreenKind.DONE: self._done,
            ScreenKind.LANGUAGE: self._language,
            ScreenKind.SEARCH_HINT: self._search_hint,
            ScreenKind.RESULTS: self._search_hint,  # the handler shows the results themselves
            ScreenKind.SOURCES: self._sources,
            ScreenKind.TERMS: self._terms,
            ScreenKind.TERM: self._term,
        }[screen.kind]
        return self._with_notice(lang, screen, builder(lang, screen))

    def _with_notice(self, lang: str, screen: Screen, view: View) -> View:
        if screen.notice is Notice.NONE:
            return view
        notice = self.texts.render(lang, "notice", kind=screen.notice.value)
        return View(f"{notice}\n\n{view.text}", view.markup)

    def _intro(self, lang: str, screen: Screen) -> View:
        guide = screen.guide
        assert guide is not None
        first = _within(screen, Action.STEP, 1)
        back = (
            self._nav(lang, "btn_back_results", Nav(Action.RESULTS))
            if screen.from_search
            else self._nav(lang, "btn_back_topic", Nav(Action.TOPIC, topic=guide.topic.value))
        )
        required = [g for g in (self.library.get(r) for r in guide.requires) if g is not None]
        if required:  # asked first: «Rồi, tiếp tục» / «Chưa, xem hướng dẫn …»
            rows = [[self._nav(lang, "btn_requires_done", first)]]
            rows += [
                [
                    self._nav(
                        lang,
                        "btn_requires_open",
                        Nav(Action.INTRO, g.id, unit=screen.unit),
                        g.localized_title(lang),
                    )
                ]
                for g in required
            ]
        else:
            rows = [[self._nav(lang, "btn_start", first)]]
        rows += [[back, self._share_button(lang, guide)], [self._menu_button(lang)]]
        text = self.texts.render(
            lang,
            "intro",
            guide=guide,
            title=guide.localized_title(lang),
            summary=guide.localized_summary(lang),
            step_count=len(guide.steps),
            screens_note=guide.localized_screens_note(lang),
            required=[g.localized_title(lang) for g in required],
            expired=guide.valid_until if guide.expired(today_in_vietnam()) else None,
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _step(self, lang: str, screen: Screen) -> View:
        guide, number = screen.guide, screen.step
        assert guide is not None
        total = len(guide.steps)
        back = (
            _within(screen, Action.STEP, number - 1)
            if number > 1
            else _within(screen, Action.INTRO)
        )
        forward = (
            self._nav(lang, "btn_next", _within(screen, Action.STEP, number + 1))
            if number < total
            else self._nav(lang, "btn_done", _within(screen, Action.DONE))
        )
        stuck = _within(screen, Action.HELP, number)
        rows = [
            [self._nav(lang, "btn_prev", back), forward],
            [self._nav(lang, "btn_stuck", stuck)],
        ]
        if step_terms(self.library, guide, number):
            rows.append([self._nav(lang, "btn_terms", _within(screen, Action.TERMS, number))])
        rows += self._link_rows(lang, screen)
        if guide.steps[number - 1].image:
            photo = _within(screen, Action.PHOTO, number)
            rows.append([self._nav(lang, "btn_photo", photo)])
        if number == total:
            rows += [[self._guide_button(lang, g, "btn_related")] for g in self._related(guide)]
        rows.append([self._share_button(lang, guide), self._menu_button(lang)])
        text = self.texts.render(
            lang,
            "step",
            guide=guide,
            title=guide.localized_title(lang),
            step=guide.steps[number - 1],
            number=number,
            total=total,
            expired=_expired_on(guide, number),
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _link_rows(self, lang: str, screen: Screen) -> list[list[Button]]:
        """The step's `links:`: «📖 <guide>» opens that guide's intro (as a related guide's
        button does), «↪ Bước N» goes to a step of this guide (as «Tiếp ▶» does)."""
        guide = screen.guide
        assert guide is not None
        rows = []
        for link in guide.steps[screen.step - 1].links:
            if link.guide is not None:
                other = self.library.get(link.guide)
                if other is not None:
                    rows.append([self._guide_button(lang, other)])
            elif link.step is not None and 0 < link.step <= len(guide.steps):
                to_step = _within(screen, Action.STEP, link.step)
                rows.append([self._nav(lang, "btn_step_link", to_step, link.step)])
        return rows

    def _terms(self, lang: str, screen: Screen) -> View:
        """The words of a step the glossary explains; each opens its explanation."""
        guide, number = screen.guide, screen.step
        assert guide is not None
        terms = step_terms(self.library, guide, number)
        buttons = [
            self._nav(lang, "btn_term", _term_nav(screen, i), term.term)
            for i, term in enumerate(terms, start=1)
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        back = _within(screen, Action.STEP, number)
        rows.append([self._nav(lang, "btn_back_to_step", back, number)])
        text = self.texts.render(
            lang, "terms", title=guide.localized_title(lang), number=number, count=len(terms)
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _term(self, lang: str, screen: Screen) -> View:
        guide, number = screen.guide, screen.step
        assert guide is not None
        term = step_terms(self.library, guide, number)[screen.term - 1]
        rows = [
            [
                self._nav(lang, "btn_back_to_step", _within(screen, Action.STEP, number), number),
                self._nav(lang, "btn_other_terms", _within(screen, Action.TERMS, number)),
            ]
        ]
        text = self.texts.render(
            lang,
            "term",
            term=term.term,
            explanation=term.localized_explanation(lang),
            # Shown as people read it: pydantic keeps a URL percent-encoded (%C3%A1…).
            source=normalize("NFC", unquote(str(term.source))) if term.source else "",
        )
        return View(text, InlineKeyboardMarkup(rows))

    def back_to_guide(self, lang: str, screen: Screen, view: View, origin: Guide) -> View:
        """A prerequisite's intro or done screen, reached from `origin`'s «Chưa, xem hướng
        dẫn …»: its «◀ Danh sách» (on the done screen, a new first row) leads back to
        `origin`, the guide the person came for."""
        assert isinstance(view.markup, InlineKeyboardMarkup)
        back = self._nav(
            lang,
            "btn_back_to_guide",
            Nav(Action.INTRO, guide_id=origin.id, unit=screen.unit),
            origin.localized_title(lang),
        )
        guide = screen.guide
        assert guide is not None
        listing = encode(Nav(Action.TOPIC, topic=guide.topic.value))
        rows = [
            [back if b.callback_data == listing else b for b in row]
            for row in view.markup.inline_keyboard
        ]
        if screen.kind is ScreenKind.DONE:
            rows.insert(0, [back])
        return View(view.text, InlineKeyboardMarkup(rows))

    def _stuck(self, lang: str, screen: Screen) -> View:
        guide, number = screen.guide, screen.step
        assert guide is not None
        rows = [
            [
                self._nav(
                    lang,
                    "btn_back_to_step",
                    _within(screen, Action.STEP, number),
                    number,
                )
            ],
            *self._link_rows(lang, screen),  # its help may point there too
            [self._menu_button(lang)],
        ]
        text = self.texts.render(
            lang,
            "stuck",
            step=guide.steps[number - 1],
            number=number,
            title=guide.localized_title(lang),
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _done(self, lang: str, screen: Screen) -> View:
        guide = screen.guide
        assert guide is not None
        related = self._related(guide)
        rows = [[self._guide_button(lang, g, "btn_related")] for g in related]
        rows.append(
            [
                self._nav(
                    lang,
                    "btn_again",
                    _within(screen, Action.STEP, 1),
                ),
                self._share_button(lang, guide),
            ]
        )
        sources = _within(screen, Action.SOURCES)
        rows.append([self._nav(lang, "btn_sources", sources), self._menu_button(lang)])
        text = self.texts.render(
            lang,
            "done",
            guide=guide,
            title=guide.localized_title(lang),
            has_related=bool(related),
            sources=guide.official_sources(),
        )
        return View(text, InlineKeyboardMarkup(rows))

    def _sources(self, lang: str, screen: Screen) -> View:
        """Every source of a guide, with the date it was checked: for the curious and editors."""
        guide = screen.guide
        assert guide is not None
        done = _within(screen, Action.DONE)
        rows = [[self._nav(lang, "btn_back", done), self._menu_button(lang)]]
        text = self.texts.render(lang, "sources", guide=guide, title=guide.localized_title(lang))
        return View(text, InlineKeyboardMarkup(rows))

    def _related(self, guide: Guide) -> list[Guide]:
        return [g for g in (self.library.get(r) for r in guide.related) if g is not None]


def _expired_on(guide: Guide, number: int) -> dt.date | None:
    """The date a step's fact (or its guide's) held until, once that date has passed."""
    today = today_in_vietnam()
    step = guide.steps[number - 1]
    if step.expired(today):
        return step.valid_until
    return guide.valid_until if guide.expired(today) else None


def _term_nav(screen: Screen, term: int) -> Nav:
    nav = _within(screen, Action.TERM, screen.step)
    return Nav(
        nav.action,
        nav.guide_id,
        nav.step,
        nav.version,
        unit=nav.unit,
        from_search=nav.from_search,
        term=term,
    )


def _within(screen: Screen, action: Action, step: int = 0) -> Nav:
    """A button to another screen of the same guide: it keeps the unit the guide credits and
    where the guide was opened from."""
    guide = screen.guide
    assert guide is not None
    version = "" if action is Action.INTRO else guide.version
    # «✅ Xong» and its sources carry the tag made for this person (see `Nav.tag`).
    tag = screen.tag if action in (Action.DONE, Action.SOURCES) else ""
    return Nav(
        action,
        guide.id,
        step,
        version,
        unit=screen.unit,
        from_search=screen.from_search,
        tag=tag,
    )
