"""What every screen of the guides and menus is built on: the templates, the guide library
and the buttons they share (a screen of the bot, «🏠 Menu», «📤 Chia sẻ», a guide)."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.guides.loader import GuideLibrary
from bot.guides.models import Guide
from bot.guides.navigation import Action, Nav
from bot.telegram.callback_data import encode
from bot.texts.templates import Texts

Button = InlineKeyboardButton


class ScreenButtons:
    def __init__(self, texts: Texts, library: GuideLibrary) -> None:
        self.texts = texts
        self.library = library

    def _nav(self, lang: str, label: str, nav: Nav, *args: object) -> Button:
        return Button(self.texts.label(lang, label, *args), callback_data=encode(nav))

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
