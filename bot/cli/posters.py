"""`outreach-bot qr`: an A4 poster with a guide's QR code (PNG or PDF), or one per guide;
the link opens the guide in the bot, or its web page, crediting a unit when one is given."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CliError, atomic, out_file
from bot.cli.lookups import checked_key, unit_of
from bot.cli.progress import progress
from bot.config import Settings, site_url_problem
from bot.domain import deep_links
from bot.domain.model import Unit
from bot.guides.loader import load_guides
from bot.guides.models import Guide
from bot.site.build import guide_url
from bot.storage.db import open_database
from bot.texts.templates import Texts
from bot.web import unit_tag

if TYPE_CHECKING:  # matplotlib: imported only when drawing
    from bot.reports.posters import PosterText


async def qr(settings: Settings, args: argparse.Namespace) -> int:
    base_url = _checked_options(settings, args)
    texts = Texts(settings.templates_dir)
    lang = settings.default_language
    library, problems = load_guides(settings.guides_dir)
    if problems:
        raise CliError(f"{len(problems)} problem(s) in the guides; run `outreach-bot guides check`")
    unit, unit_value = await _credited_unit(settings, args)
    guides = list(library) if args.all else [library.get(args.guide_id)]
    if guides[0] is None:
        raise CliError(f"no guide has the id {args.guide_id}")
    from bot.reports.posters import poster_text  # matplotlib: only when drawing

    posters = []
    for guide in guides:
        assert guide is not None
        link = _link(settings, args, base_url, guide, unit, unit_value)
        posters.append(
            poster_text(texts, lang, guide.localized_title(lang), link, unit.name if unit else "")
        )
    out = out_file(args.out, "poster.pdf")
    try:
        written = _save(posters, out)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for path in written:
        print(f"Wrote {path}", file=sys.stderr)
    return 0


def _checked_options(settings: Settings, args: argparse.Namespace) -> str | None:
    """The site's address (for --web), once the options are known to make sense together."""
    base_url = getattr(args, "base_url", None) or settings.site_base_url
    if args.web and not base_url:
        raise CliError("--web needs the site's address: --base-url URL or SITE_BASE_URL")
    if args.web and base_url and (problem := site_url_problem(base_url)):
        raise CliError(f"--base-url: {problem}")
    if not args.web and not settings.bot_username:
        raise CliError("set BOT_USERNAME (the bot's @username without @) to make links offline")
    if not args.out:
        raise CliError("--out FILE.png or FILE.pdf is needed")
    if bool(args.all) == bool(args.guide_id):
        raise CliError("name one guide id, or use --all")
    return base_url


async def _credited_unit(settings: Settings, args: argparse.Namespace) -> tuple[Unit | None, str]:
    """The unit --unit names, and for a web link its signed tag ("" without)."""
    unit, unit_value = None, ""
    if args.unit:  # only then is the database read
        db = await open_database(settings.db_path, create=False)
        try:
            unit = await unit_of(db, args.unit)
            if unit is not None and args.web:
                # A web link credits its unit only when signed with the bot's key, checked
                # against the database (see bot/web/unit_tag.py).
                unit_value = unit_tag.signed(await checked_key(settings, db), unit.code)
        finally:
            await db.close()
    return unit, unit_value


def _link(
    settings: Settings,
    args: argparse.Namespace,
    base_url: str | None,
    guide: Guide,
    unit: Unit | None,
    unit_value: str,
) -> str:
    if args.web:  # the page, with the unit and its tag
        assert base_url is not None
        return guide_url(base_url, guide.id) + (f"?u={unit_value}" if unit_value else "")
    payload = deep_links.guide_payload(guide.id, unit.code if unit else "")
    assert settings.bot_username is not None
    return deep_links.link(settings.bot_username, payload)


def _save(posters: list[PosterText], out: Path) -> list[Path]:
    """The posters in `out`: one file made whole, or with --all a bar, as it takes seconds."""
    from bot.reports.posters import save_posters  # matplotlib: only when drawing

    if len(posters) == 1:  # one file, made whole
        with atomic(out) as temp:
            save_posters(posters, temp)
        return [out]
    with progress(len(posters), "posters") as advance:
        if out.suffix.lower() == ".pdf":
            with atomic(out) as temp:
                save_posters(posters, temp, advance)
            return [out]
        return save_posters(posters, out, advance)
