"""A stand-in for Telegram's Bot API server, as strict as Telegram, for tests and the console.

`StandinBotApi` keeps chats, messages and updates in memory and serves the Bot API over real
HTTP on 127.0.0.1; `SimUser` plays a person who sends messages and presses buttons.
"""

from bot.standin.api import ApiCall, StandinBotApi
from bot.standin.users import SimUser

__all__ = ["ApiCall", "SimUser", "StandinBotApi"]
