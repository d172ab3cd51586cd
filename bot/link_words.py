"""The words a `/start` payload begins with (see `bot/domain/deep_links.py`, which reads
them). A guide id may not be one of them: the guide library refuses such an id
(`bot/guides/models.py`), and the link grammar relies on it. Neutral: both import it, and it
imports nothing of the bot."""

from __future__ import annotations

JOIN = "join"
CHECK_IN = "ci"
ATTEND = "at"
CONFIRM = "cf"
MENU = "menu"
RESERVED_GUIDE_IDS = frozenset({JOIN, CHECK_IN, ATTEND, CONFIRM, MENU})
