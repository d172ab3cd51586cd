"""Render the guide library into a static site: a home page by topic with search, and one
self-contained page per guide (its CSS inline, nothing fetched from elsewhere)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from bot.guides import search
from bot.guides.loader import GuideLibrary
from bot.guides.models import Guide
from bot.guides.search import SearchIndex
from bot.guides.text_norm import rules
from bot.site.html_check import html_problems
from bot.texts.templates import Texts

SITE_TEMPLATES = "site"
MAX_GUIDE_PAGE_BYTES = 60 * 1024
HOTLINE = "1900 0368"


@dataclass
class SiteResult:
    pages: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file: message"
    largest_guide_page: int = 0


def step_anchor(number: int) -> str:
    return f"buoc-{number}"


def guide_url(base_url: str, guide_id: str) -> str:
    return f"{base_url.rstrip('/')}/{guide_id}/"


def search_index(library: GuideLibrary) -> dict[str, object]:
    """What the home page's script searches: the bot's own index and rules, so that the page
    reads a question, corrects it, ranks and trusts guides exactly as the bot does
    (bot/guides/search.py; tests/test_site_browser.py compares the two). Compact: a word's
    field weights are in halves, its guides by number, its accents only where it has some."""
    index = SearchIndex(list(library))
    table = index.table()
    number = {guide_id: n for n, (guide_id, *_) in enumerate(table.guides)}
    position = {word: n for n, word in enumerate(table.words)}
    return {
        "rules": rules(),
        "constants": {
            name: getattr(search, name)
            for name in (
                "FUZZY_FACTOR",
                "SHORT_WORD",
                "ACCENT_FACTOR",
                "PHRASE_BONUS",
                "SERVICE_BONUS",
                "OTHER_SERVICE_FACTOR",
                "MAX_QUERY_TOKENS",
                "RELATIVE_CUTOFF",
                "MIN_COVERAGE",
                "MIN_ANCHORED",
                "STRONG_ANCHORED",
                "SHORT_QUERY",
                "SHORT_QUERY_MIN_IDF",
                "IDF_FLOOR",
                "UNKNOWN_WEIGHT",
            )
        },
        # Each guide: id, title, its title/keyword/id words (by number) and its services.
        "guides": [
            [guide_id, title, sorted(position[w] for w in anchors), services]
            for guide_id, title, anchors, services in table.guides
        ],
        "services": table.services,
        "idf": table.idf_by_count,
        # Each word (sorted): the word, [guide number, field weight × 2, …], its accents.
        "words": [
            [
                word,
                [
                    x
                    for pair in sorted((number[g], round(w * 2)) for g, w in hits.items())
                    for x in pair
                ],
                " ".join(sorted(table.forms.get(word, ()))),
            ]
            for word, hits in table.words.items()
        ],
        "phrases": {p: [number[g] for g in ids] for p, ids in table.phrases.items()},
    }


def _topic_name(texts: Texts, topic: str) -> str:
    """The bot's topic name without its emoji: a page must not depend on an emoji font."""
    name = texts.label("vi", "topic_name", topic)
    return name.split(" ", 1)[1] if " " in name and not name[0].isalnum() else name


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def build_site(
    library: GuideLibrary,
    texts: Texts,
    out: Path,
    base_url: str = "",
    bot_username: str | None = None,
    guides_dir: Path | None = None,
    today: dt.date | None = None,
    counter: bool = False,
) -> SiteResult:
    """Write the site into `out` (replacing what a previous build wrote there). `counter`
    adds «✅ Tôi đã làm xong» to each guide, for a site served by `run --webhook`."""
    result = SiteResult()
    out.mkdir(parents=True, exist_ok=True)
    env = texts.env
    today = today or dt.date.today()  # the caller passes Vietnam's date
    css = Markup(env.get_template(f"{SITE_TEMPLATES}/site.css.j2").render())
    common = {"css": css, "base_url": base_url.rstrip("/"), "hotline": HOTLINE}

    topics = [
        (_topic_name(texts, topic.value), library.in_topic(topic)) for topic in library.topics()
    ]
    index_json = Markup(
        json.dumps(search_index(library), ensure_ascii=False, separators=(",", ":")).replace(
            "</", "<\\/"
        )
    )
    home = env.get_template(f"{SITE_TEMPLATES}/home.html.j2").render(
        topics=topics, index_json=index_json, guide_count=len(library), **common
    )
    _write(out / "index.html", home, result, "index.html")

    for guide in library:
        page = env.get_template(f"{SITE_TEMPLATES}/guide.html.j2").render(
            guide=guide,
            steps=[
                (number, step, _paragraphs(step.text), step.expired(today))
                for number, step in enumerate(guide.steps, start=1)
            ],
            required=[g for g in (library.get(r) for r in guide.requires) if g is not None],
            related=[g for g in (library.get(r) for r in guide.related) if g is not None],
            links=_step_links(library, guide),
            topic_name=_topic_name(texts, guide.topic.value),
            telegram=f"https://t.me/{bot_username}?start={guide.id}" if bot_username else "",
            expired=guide.expired(today),
            counter=counter,
            anchor=step_anchor,
            **common,
        )
        name = f"{guide.id}/index.html"
        _write(out / guide.id / "index.html", page, result, name)
        size = len(page.encode())
        result.largest_guide_page = max(result.largest_guide_page, size)
        if size > MAX_GUIDE_PAGE_BYTES:
            result.problems.append(
                f"{name}: {size // 1024} KB, over {MAX_GUIDE_PAGE_BYTES // 1024} KB"
            )
        _copy_images(guide, guides_dir, out / guide.id)
    return result


def _step_links(library: GuideLibrary, guide: Guide) -> dict[int, list[tuple[str, str]]]:
    """Each step's `links:` as (address, text): a guide's page, or a step's anchor here."""
    found: dict[int, list[tuple[str, str]]] = {}
    for number, step in enumerate(guide.steps, start=1):
        for link in step.links:
            other = library.get(link.guide) if link.guide else None
            if other is not None:
                found.setdefault(number, []).append((f"../{other.id}/", f"📖 {other.title}"))
            elif link.step and link.step <= len(guide.steps):
                found.setdefault(number, []).append(
                    (f"#{step_anchor(link.step)}", f"↪ Bước {link.step}")
                )
    return found


def _copy_images(guide: Guide, guides_dir: Path | None, folder: Path) -> None:
    if guides_dir is None:
        return
    for step in guide.steps:
        if step.image:
            target = folder / step.image
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(guides_dir / step.image, target)


def _write(path: Path, html: str, result: SiteResult, name: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    result.pages.append(path)
    result.problems += [f"{name}: {problem}" for problem in html_problems(html)]
