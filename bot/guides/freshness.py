"""Which guides are due for a re-check: app updates move buttons, so reviews go stale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot import clock
from bot.guides.models import Guide


def today_in_vietnam() -> dt.date:
    return clock.vn_date(clock.now())


def stale_guides(guides: Iterable[Guide], today: dt.date, days: int) -> list[tuple[Guide, int]]:
    """Guides reviewed more than `days` days before `today`, oldest review first, with ages."""
    aged = [(guide, (today - guide.reviewed).days) for guide in guides]
    stale = [(guide, age) for guide, age in aged if age > days]
    return sorted(stale, key=lambda item: (-item[1], item[0].id))
