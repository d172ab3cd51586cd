"""Search's screens: the hint, the results (or topics when nothing matched) and the card
shared inline."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.guides.models import Guide
from bot.guides.navigation import Action, Nav, Screen
from bot.guides.search import SearchHit
from bot.telegram.views.buttons import Button, ScreenButtons
from bot.telegram.views.view import View


class SearchScreens(ScreenButtons):
    def _search_hint(self, lang: str, screen: Screen) -> View:
        markup = InlineKeyboardMarkup([[self._menu_button(lang)]])
        return View(self.texts.render(lang, "search_hint"), markup)

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
