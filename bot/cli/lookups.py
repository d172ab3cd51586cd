"""What the desktop report commands look up before their work: the period asked for
(--from, --to), the unit named by its code (--unit) and the bot's own key."""

from __future__ import annotations

import argparse
import sys

from bot import clock
from bot.cli.common import CliError
from bot.config import Settings
from bot.domain.model import Unit
from bot.domain.periods import ALL_TIME_START, Period, PeriodError, custom, parse_date
from bot.services.keys import key_file_of, open_key
from bot.storage.db import Database
from bot.storage.units import UnitRepository


def period_of(args: argparse.Namespace) -> Period:
    today = clock.vn_date(clock.now())
    try:
        first = parse_date(args.date_from) if args.date_from else ALL_TIME_START
        last = parse_date(args.date_to) if args.date_to else today
        period = custom(first, last)
    except PeriodError as exc:
        raise CliError(str(exc)) from None
    if not args.date_from and not args.date_to:
        return Period("all", period.first, period.last)
    return period


async def unit_of(db: Database, code: str | None) -> Unit | None:
    """The unit with this code; None when no code is given (the whole tree)."""
    if not code:
        return None
    unit = await UnitRepository(db).by_code(code)
    if unit is None:
        raise CliError(f"no unit has the code {code}")
    return unit


async def checked_key(settings: Settings, db: Database) -> bytes:
    """The bot's own key (the one `run` uses), checked against the database, so that the
    bot accepts the tags made here; made, as at the first start, for a database without."""
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    key = await open_key(db, configured, key_file_of(settings.db_path))
    for warning in key.warnings:
        print(f"outreach-bot: warning: {warning}", file=sys.stderr)
    return key.key
