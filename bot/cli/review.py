"""`outreach-bot review list|approve|reject|log`: the review queue from a terminal, on DB_PATH.

The command line acts as an operator on the server (an admin, logged as "cli"): the same
service and rules as `/review` in chat (bot/services/review.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bot import clock
from bot.config import Settings
from bot.domain.cells import tsv_line
from bot.domain.refusal import Refusal
from bot.domain.review import Subject
from bot.services.review import CLI_REVIEWER, PAGE, Reviews, parse_ref
from bot.storage.db import open_database
from bot.storage.review import ReviewRepository

SUBJECTS = ", ".join(s.value for s in Subject)


def add_parsers(sub: argparse._SubParsersAction, handler: Callable[..., int]) -> None:
    review = sub.add_parser(
        "review", help="what waits for review (outside every figure): list, approve, reject"
    )
    actions = review.add_subparsers(dest="review_action", required=True)
    listing = actions.add_parser("list", help="one entry a line, newest first (TSV)")
    listing.add_argument("--all", action="store_true", help="every entry, not the newest 50")
    for name, verb in (("approve", "count it from now on"), ("reject", "keep it, never count it")):
        action = actions.add_parser(name, help=f"decide on one entry: {verb}")
        action.add_argument("subject", help=f"one of: {SUBJECTS}")
        action.add_argument("ref", help="its reference, as `review list` prints it")
    actions.add_parser("log", help="the last 50 decisions: when, who, what, decision")
    review.set_defaults(handler=handler)


async def run(settings: Settings, args: argparse.Namespace) -> int:
    db = await open_database(settings.db_path, create=False)  # nothing to review in none
    try:
        reviews = Reviews(ReviewRepository(db), admin_count=len(settings.admin_ids))
        return await _ACTIONS[args.review_action](reviews, args)
    finally:
        await db.close()


async def _list(reviews: Reviews, args: argparse.Namespace) -> int:
    queue = await reviews.queue(CLI_REVIEWER)
    print(tsv_line("subject", "ref", "entered", "day", "unit", "people", "member", "title"))
    shown = 0
    page = 0
    while queue.entries:
        for w in queue.entries:
            member = w.entry.entered_by_member
            print(
                tsv_line(
                    w.entry.subject.value,
                    w.entry.ref,
                    clock.format_moment(w.entered_at),
                    clock.format_day_number(w.day),
                    w.unit_code,
                    w.people,
                    "" if member is None else member,
                    w.title,
                )
            )
            shown += 1
        if (not args.all and shown >= 50) or len(queue.entries) < PAGE:
            break
        page += 1
        queue = await reviews.queue(CLI_REVIEWER, page)
    print(f"{queue.total} waiting for review (not counted in any figure).", file=sys.stderr)
    return 0


async def _decide(reviews: Reviews, args: argparse.Namespace) -> int:
    parsed = parse_ref(args.subject, args.ref)
    if parsed is None:
        print(
            f"outreach-bot: '{args.subject} {args.ref}' is not an entry: the subject is one of "
            f"{SUBJECTS}, the ref as `review list` prints it (e.g. assist 12, checkin 3.7)",
            file=sys.stderr,
        )
        return 2
    try:
        result = await reviews.decide(
            CLI_REVIEWER, *parsed, approve=args.review_action == "approve", now=clock.now()
        )
    except Refusal:  # the operator is an admin with no entries of their own: it is gone
        print(
            f"outreach-bot: {args.subject} {args.ref} no longer waits for review.", file=sys.stderr
        )
        return 1
    verb = "Approved: it counts from now on" if result.approved else "Rejected: kept, never counted"
    print(f"{verb} ({args.subject} {args.ref}, {result.entry.people} at {result.entry.unit_code}).")
    return 0


async def _log(reviews: Reviews, args: argparse.Namespace) -> int:
    print(tsv_line("at", "who", "subject", "ref", "decision", "note"))
    for at, who, what, ref, decision, note in await reviews.log():
        print(tsv_line(clock.format_moment(at), who, what, ref, decision, note))
    return 0


_ACTIONS: dict[str, Callable[[Reviews, argparse.Namespace], Any]] = {
    "list": _list,
    "approve": _decide,
    "reject": _decide,
    "log": _log,
}
