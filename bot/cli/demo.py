"""`outreach-bot demo-data`: a synthetic year of outreach in a new database, to try the
reports and the bot on (never a real database)."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli.common import CliError
from bot.cli.lookups import checked_key
from bot.cli.progress import steps
from bot.config import Settings
from bot.guides.loader import load_guides
from bot.storage.db import open_database


async def _prepare_demo(settings: Settings) -> None:
    db = await open_database(settings.db_path)
    try:
        await checked_key(settings, db)
    finally:
        await db.close()


def demo_data(settings: Settings, args: argparse.Namespace) -> int:
    from bot.storage.demo_data import DemoRefused, generate

    if args.assists < 1:
        raise CliError("--assists must be 1 or more")
    try:
        library, _ = load_guides(settings.guides_dir)
        guides = [(g.id, g.version, len(g.steps)) for g in library]
        # The key first, sealed while the database holds no pseudonyms: the bot started on
        # demo data later finds its key, as after any first start.
        asyncio.run(_prepare_demo(settings))
        with steps(args.assists, "assists") as shown:
            summary = generate(
                settings.db_path,
                args.assists,
                seed=args.seed,
                guides=guides,
                replace=bool(getattr(args, "replace", False)),
                progress=shown.advance,
                stage=shown.stage,
            )
    except DemoRefused as exc:
        raise CliError(str(exc)) from None
    print(
        f"Wrote {summary.records} assists, {summary.volunteers} volunteers, "
        f"{summary.units} demo units, {summary.self_serve} self-serve completions "
        f"and {summary.activities} activities to {settings.db_path} in {summary.seconds:.0f} s."
    )
    return 0
