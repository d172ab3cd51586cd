"""The menus: the main menu (a member's and staff's buttons included), a topic's guides, the
help page, the language and the staff menu's buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain.model import Standing
from bot.domain.taps import NEW_FORM, STAFF_MENU, AssistOp, Tap, TapKind
from bot.guides.navigation import Action, Nav, Screen
from bot.telegram.views.buttons import Button, ScreenButtons
from bot.telegram.views.view import View
from bot.texts.collation import vietnamese_key


class MenuScreens(ScreenButtons):
    def menu_only(self, lang: str) -> InlineKeyboardMarkup:
        """The way on from a screen that has no other buttons."""
        return InlineKeyboardMarkup([[self._menu_button(lang)]])

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

    def _menu(self, lang: str, standing: Standing) -> View:
        rows = []
        if standing.volunteer:  # members log their work from the menu, not from memory
            rows += [
                [
                    self._new_form(lang, "btn_menu_assist", AssistOp.NEW_ONE),
                    self._new_form(lang, "btn_menu_batch", AssistOp.NEW_BATCH),
                ],
                [self._new_form(lang, "btn_menu_mine", AssistOp.MINE)],
            ]
        if standing.staff:  # coordinators and admins: every command on a button
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

    def _language(self, lang: str, screen: Screen) -> View:
        rows = [
            [
                self._nav(lang, "lang_vi", Nav(Action.LANGUAGE, language="vi")),
                self._nav(lang, "lang_en", Nav(Action.LANGUAGE, language="en")),
            ],
            [self._menu_button(lang)],
        ]
        return View(self.texts.render(lang, "language", current=lang), InlineKeyboardMarkup(rows))

    def _new_form(self, lang: str, label: str, op: AssistOp) -> Button:
        data = Tap(TapKind.ASSIST, NEW_FORM, op).encode()
        return Button(self.texts.label(lang, label), callback_data=data)

    def _staff_rows(self, lang: str) -> list[list[Button]]:
        """The staff menu: what a coordinator or admin may do, two to a row."""
        buttons = [
            Button(
                self.texts.label(lang, "btn_staff", op.name.lower()),
                callback_data=Tap(TapKind.STAFF, "0", op).encode(),
            )
            for op in STAFF_MENU
        ]
        return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]

    def _help(self, lang: str, standing: Standing) -> View:
        rows = self._staff_rows(lang) if standing.staff else []
        rows.append([self._menu_button(lang)])
        return View(self.texts.render(lang, "help", standing=standing), InlineKeyboardMarkup(rows))
