"""Screens -> message text and inline keyboard. The only place that lays out buttons."""

from __future__ import annotations

import datetime as dt
from unicodedata import normalize
from urllib.parse import unquote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.guides.freshness import today_in_vietnam
from bot.guides.loader import GuideLibrary
from bot.guides.models import Guide
from bot.guides.navigation import Action, Nav, Notice, Screen, ScreenKind, step_terms
from bot.guides.search import SearchHit
from bot.telegram.callback_data import Tap, TapKind, encode
from bot.telegram.views.view import View
from bot.texts.collation import vietnamese_key
from bot.texts.templates import Texts

Button = InlineKeyboardButton


SCREEN_CACHE_SIZE = 20_000
RESIDENT = "resident"  # see Actor.role: resident, volunteer or staff
NEW_FORM = "new"  # the ref of buttons that open a new assist form (or one's tallies)
# The staff menu's buttons, in order: report, activities, campaigns, targets, review,
# members, invite, units, weekly report (see handlers/menu.on_staff_tap).
STAFF_OPS = "ractkmius"


class Views:
    def __init__(self, texts: Texts, library: GuideLibrary) -> None:
        self.texts = texts
        self.library = library
        self._screens: dict[tuple[object, ...], View] = {}

    def _nav(self, lang: str, label: str, nav: Nav, *args: object) -> Button:
        return Button(self.texts.label(lang, label, *args), callback_data=encode(nav))

    def menu_only(self, lang: str) -> InlineKeyboardMarkup:
        """The way on from a screen that has no other buttons."""
        return InlineKeyboardMarkup([[self._menu_button(lang)]])

    def menu_markup(self, lang: str, role: str) -> InlineKeyboardMarkup:
        """The main menu's buttons for this person (a member's include logging)."""
        markup = self.render(lang, Screen(ScreenKind.MENU), role).markup
        assert isinstance(markup, InlineKeyboardMarkup)  # see _menu
        return markup

    def topics_markup(self, lang: str, topics: list[str]) -> InlineKeyboardMarkup:
        """Buttons to these guide topics (those the library has), then «🏠 Menu»."""
        known = {t.value for t in self.library.topics()}
        rows = [
            [self._nav(lang, "topic_name", Nav(Action.TOPIC, topic=t), t)]
            for t in topics
            if t in known
        ]
        rows.append([self._menu_button(lang)])
        return InlineKeyboardMarkup(rows)

    def _menu_button(self, lang: str) -> Button:
        return self._nav(lang, "btn_menu", Nav(Action.MENU))

    def _share_button(self, lang: str, guide: Guide) -> Button:
        # Opens the chat picker with "@bot <guide-id>", so the chosen chat gets this guide's card.
        return Button(self.texts.label(lang, "btn_share"), switch_inline_query=guide.id)

    def _guide_button(
        self, lang: str, guide: Guide, label: str = "btn_guide", *, from_search: bool = False
    ) -> Button:
        title = guide.localized_title(lang)
        nav = Nav(Action.INTRO, guide_id=guide.id, from_search=from_search)
        return self._nav(lang, label, nav, title)

    def render(self, lang: str, screen: Screen, role: str = RESIDENT) -> View:
        """`role` (resident, volunteer or staff) decides what the menu and help offer.

        A guide's screens depend only on the guide files and templates, which are fixed
        while the bot runs, so each is built once: building them was a tenth of the bot's
        work per guide tap (bench/e2e_bench.py). A screen with a «✅ Xong» tag is one
        person's own (the last step, done and sources screens they reached): built each time,
        so they cannot crowd the shared screens out of the cache.
        """
        if screen.tag:
            return self._build(lang, screen, role)
        guide = screen.guide
        key = (
            lang,
            role,
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
        view = self._screens.get(key)
        if view is None:
            if len(self._screens) >= SCREEN_CACHE_SIZE:
                self._screens.clear()  # bounded; a screen is cheap to build again
            view = self._screens[key] = self._build(lang, screen, role)
        return view

    def _build(self, lang: str, screen: Screen, role: str) -> View:
        if screen.kind is ScreenKind.MENU:
            return self._with_notice(lang, screen, self._menu(lang, role))
        if screen.kind is ScreenKind.HELP:
            return self._with_notice(lang, screen, self._help(lang, role))
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

    def _menu(self, lang: str, role: str) -> View:
        rows = []
        if "volunteer" in role:  # members log their work from the menu, not from memory
            rows += [
                [
                    self._new_form(lang, "btn_menu_assist", "o"),
                    self._new_form(lang, "btn_menu_batch", "b"),
                ],
                [self._new_form(lang, "btn_menu_mine", "m")],
            ]
        if "staff" in role:  # coordinators and admins: every command on a button
            rows += self._staff_rows(lang)
        rows += [
            [self._nav(lang, "topic_name", Nav(Action.TOPIC, topic=t.value), t.value)]
            for t in self.library.topics()
        ]
        rows.append(
            [
                self._nav(lang, "btn_search", Nav(Action.SEARCH_HINT)),
                self._nav(lang, "btn_help", Nav(Action.HELP_PAGE)),
            ]
        )
        rows.append([self._nav(lang, "btn_language", Nav(Action.LANGUAGE))])
        text = self.texts.render(lang, "menu", guide_count=len(self.library))
        return View(text, InlineKeyboardMarkup(rows))

    def _topic(self, lang: str, screen: Screen) -> View:
        assert screen.topic is not None
        # In Vietnamese alphabetical order of the titles shown («Đ…» after «D…», not «Z…»).
        guides = sorted(
            self.library.in_topic(screen.topic),
            key=lambda g: vietnamese_key(g.localized_title(lang)),
        )
        rows = [[self._guide_button(lang, g)] for g in guides]
        rows.append([self._menu_button(lang)])
        topic_name = self.texts.label(lang, "topic_name", screen.topic.value)
        text = self.texts.render(lang, "topic", topic=topic_name, count=len(guides))
        return View(text, InlineKeyboardMarkup(rows))

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

    def _language(self, lang: str, screen: Screen) -> View:
        rows = [
            [
                self._nav(lang, "lang_vi", Nav(Action.LANGUAGE, language="vi")),
                self._nav(lang, "lang_en", Nav(Action.LANGUAGE, language="en")),
            ],
            [self._menu_button(lang)],
        ]
        return View(self.texts.render(lang, "language", current=lang), InlineKeyboardMarkup(rows))

    def _search_hint(self, lang: str, screen: Screen) -> View:
        markup = InlineKeyboardMarkup([[self._menu_button(lang)]])
        return View(self.texts.render(lang, "search_hint"), markup)

    def _new_form(self, lang: str, label: str, op: str) -> Button:
        data = Tap(TapKind.ASSIST, NEW_FORM, op).encode()
        return Button(self.texts.label(lang, label), callback_data=data)

    def _staff_rows(self, lang: str) -> list[list[Button]]:
        """The staff menu: what a coordinator or admin may do, two to a row."""
        buttons = [
            Button(
                self.texts.label(lang, "btn_staff", op),
                callback_data=Tap(TapKind.STAFF, "0", op).encode(),
            )
            for op in STAFF_OPS
        ]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]

    def _help(self, lang: str, role: str) -> View:
        rows = self._staff_rows(lang) if "staff" in role else []
        rows.append([self._menu_button(lang)])
        return View(self.texts.render(lang, "help", role=role), InlineKeyboardMarkup(rows))

    def search_results(self, lang: str, query: str, hits: list[SearchHit]) -> View:
        if not hits:
            rows = [
                [self._nav(lang, "topic_name", Nav(Action.TOPIC, topic=t.value), t.value)]
                for t in self.library.topics()
            ]
            examples = [g.localized_title(lang) for g in self.library.ordered[:3]]
            text = self.texts.render(lang, "search_empty", query=query, examples=examples)
            return View(text, InlineKeyboardMarkup(rows))
        rows = [[self._guide_button(lang, hit.guide, from_search=True)] for hit in hits]
        rows.append([self._menu_button(lang)])
        # The results are the buttons themselves: titles listed above them as well made two
        # phone screens of the same names.
        text = self.texts.render(lang, "search_results", query=query, count=len(hits))
        return View(text, InlineKeyboardMarkup(rows))

    def inline_card(self, lang: str, guide: Guide, bot_username: str) -> View:
        link = f"https://t.me/{bot_username}?start={guide.id}"
        markup = InlineKeyboardMarkup(
            [[Button(self.texts.label(lang, "btn_open_guide"), url=link)]]
        )
        text = self.texts.render(
            lang,
            "inline_card",
            title=guide.localized_title(lang),
            summary=guide.localized_summary(lang),
            step_count=len(guide.steps),
        )
        return View(text, markup)


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
