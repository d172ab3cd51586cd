"""`outreach-bot guides funnel` and `guides gaps`: how far readers got in each guide, and
the questions no guide answered, from the counts the bot keeps (DB_PATH)."""

from __future__ import annotations

import argparse

from bot.cli.common import CliError
from bot.cli.lookups import period_of
from bot.config import Settings
from bot.guides.loader import load_guides
from bot.services.guide_stats import GuideStats
from bot.storage.db import open_database
from bot.storage.guide_stats import GuideStatsRepository


async def funnel(settings: Settings, args: argparse.Namespace) -> int:
    """`guides funnel`: per guide version and step, readers who reached it, were stuck,
    and left; the step with the largest drop of each guide is marked."""
    period = period_of(args)
    library, _ = load_guides(settings.guides_dir)
    if args.guide and library.get(args.guide) is None:
        raise CliError(f"no guide has the id {args.guide}")
    db = await open_database(settings.db_path, create=False)
    try:
        funnels = await GuideStats(GuideStatsRepository(db)).funnels(args.guide, period)
    finally:
        await db.close()
    if not funnels:
        print("no readers counted in this period")
        return 0
    print(f"{'guide':40} {'version':7} {'step':>4} {'reached':>8} {'stuck':>6} {'left':>6}")
    for guide in funnels:
        current = library.get(guide.guide_id)
        old = "" if current and current.version == guide.version else " (older version)"
        for step in guide.steps:
            mark = "  ◀ largest drop" if step.worst and step.left else ""
            print(
                f"{guide.guide_id:40} {guide.version:7} {step.step:>4} {step.reached:>8} "
                f"{step.stuck:>6} {step.left:>6}{mark}{old}"
            )
        print(f"{guide.guide_id:40} {guide.version:7} {'done':>4} {guide.finished:>8}")
    return 0


async def gaps(settings: Settings, args: argparse.Namespace) -> int:
    """`guides gaps`: the questions asked most that no guide answered, with counts."""
    period = period_of(args)
    db = await open_database(settings.db_path, create=False)
    try:
        asked = await GuideStats(GuideStatsRepository(db)).gaps(period, args.limit)
    finally:
        await db.close()
    if not asked:
        print("no unanswered questions in this period")
        return 0
    print(f"{'asked':>6}  question (folded, digits removed)")
    for question, count in asked:
        print(f"{count:>6}  {question}")
    return 0
