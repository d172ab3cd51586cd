"""The guides' web site in a real browser: headless Chromium (Debian's package) driven by
Playwright against the built site served on loopback (issue 16).

`.ci/run` installs chromium; without it these tests fail in CI (CI=true) and are skipped,
loudly, elsewhere: they are never silently skipped where they must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from bot.config import PROJECT_ROOT
from bot.guides.loader import load_guides
from bot.guides.search import SearchIndex
from bot.site.build import build_site
from bot.site.serve import StaticSite
from bot.texts.templates import Texts
from bot.web.http_server import HttpServer, Limits
from tests.search_questions import table_questions

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
GUIDES = ("vneid-forgot-password", "vneid-level2-activate", "pay-bills-qr")
PHONE = {"width": 390, "height": 844}

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/run installs Debian's chromium", pytrace=False)
    pytest.skip(
        "chromium is not installed (apt-get install chromium); CI runs these tests",
        allow_module_level=True,
    )


# One site and one browser for the module (each costs a second or two); every test opens its
# own browser context, so no page state carries from one test to the next.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library, problems = load_guides(PROJECT_ROOT / "guides")
    assert problems == []
    folder = tmp_path_factory.mktemp("site") / "site"
    result = build_site(
        library,
        Texts(PROJECT_ROOT / "templates"),
        folder,
        "http://127.0.0.1",
        "outreach_test_bot",
        PROJECT_ROOT / "guides",
    )
    assert result.problems == []
    return folder


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(site_dir: Path) -> AsyncIterator[str]:
    static = StaticSite(site_dir)
    server = HttpServer(static.handle, Limits(max_body=0), static.gate)
    port = await server.start()
    yield f"http://127.0.0.1:{port}/"
    await server.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        await launched.close()


_contexts: list = []


@pytest_asyncio.fixture(autouse=True, loop_scope="module")
async def close_pages() -> AsyncIterator[None]:
    """Each test's pages close with it, so the shared browser holds no earlier test's pages."""
    yield
    while _contexts:
        await _contexts.pop().close()


async def open_page(browser, url: str):
    """A phone-sized page that records console errors and every host it asks."""
    context = await browser.new_context(viewport=PHONE)
    _contexts.append(context)
    page = await context.new_page()
    page.errors = []
    page.hosts = set()
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).hostname))
    await page.goto(url)
    return page


async def test_search_finds_a_guide_the_way_the_bot_does(browser, site: str) -> None:
    page = await open_page(browser, site)
    await page.fill("#q", "quen mat khau vneid")
    first = page.locator("#results a").first
    assert await first.text_content() == "Quên mật khẩu VNeID"
    await page.fill("#q", "giá vàng hôm nay")
    assert "Chưa có hướng dẫn" in (await page.locator("#results").text_content() or "")
    await page.fill("#q", "dk vneid muc 2")  # a chat abbreviation, expanded as in the bot
    titles = await page.locator("#results a").all_text_contents()
    assert any("mức 2" in title for title in titles), titles


def parity_questions() -> list[str]:
    """Every question of the search tables, and a few edge cases."""
    rows = table_questions()
    return [*rows, "", "👍", "vneid " * 300, "VNeID", "Đăng Kí", "hoà hòa", "smart  ca", "a-b/c"]


async def test_the_page_searches_exactly_as_the_bot(browser, site: str) -> None:
    """The page's own script and the bot's SearchIndex, on every question of the search
    tables: the same first guide, and "no guide" for the same questions (issue 25)."""
    library, _ = load_guides(PROJECT_ROOT / "guides")
    index = SearchIndex(list(library))
    questions = parity_questions()
    assert len(questions) > 700
    page = await open_page(browser, site)
    found = await page.evaluate("qs => qs.map(q => window.guideSearch(q))", questions)
    differ = []
    for question, shown in zip(questions, found, strict=True):
        hits = index.search(question)
        bot = [h.guide.id for h in hits] if hits and index.confident(question, hits[0]) else []
        if bot[:1] != shown[:1]:
            differ.append(f"  {question!r}: bot {bot[:1] or '-'}, page {shown[:1] or '-'}")
    assert differ == [], "\n" + "\n".join(differ)
    assert page.errors == []


async def test_the_home_page_with_its_index_stays_under_200_kb(site_dir: Path) -> None:
    size = (site_dir / "index.html").stat().st_size
    assert size < 200 * 1024, size


async def test_the_keyboard_alone_reaches_every_step(browser, site: str) -> None:
    page = await open_page(browser, site + "vneid-forgot-password/")
    steps = await page.locator("section.step").count()
    reached: set[str] = set()
    for _ in range(80):
        await page.keyboard.press("Tab")
        href = await page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("#buoc-"):
            reached.add(href)
        if len(reached) == steps:
            break
    assert reached == {f"#buoc-{n}" for n in range(1, steps + 1)}
    await page.keyboard.press("Enter")  # on the last step's link
    assert await page.evaluate("location.hash") == f"#buoc-{steps}"


async def test_a_guide_prints_on_a4_with_its_help_open(browser, site: str) -> None:
    page = await open_page(browser, site + "vneid-forgot-password/")
    await page.emulate_media(media="print")
    hidden = await page.evaluate("getComputedStyle(document.querySelector('header nav')).display")
    assert hidden == "none"
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    opened = await page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    assert opened, "printing opens every «Gặp khó khăn?»"


async def test_pages_load_cleanly_and_pass_axe(browser, site: str) -> None:
    """The home page and three guides: no console error, nothing asked of another host, in
    Vietnamese at 18 px or more, and no serious or critical accessibility violation."""
    from axe_playwright_python.async_playwright import Axe

    axe = Axe()
    for path in ("", *(f"{g}/" for g in GUIDES)):
        page = await open_page(browser, site + path)
        await page.wait_for_load_state("networkidle")
        assert page.errors == [], (path, page.errors)
        assert page.hosts == {"127.0.0.1"}, (path, page.hosts)
        assert await page.get_attribute("html", "lang") == "vi"
        size = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 18, (path, size)
        results = await axe.run(page)
        serious = [
            (v["id"], v["impact"])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (path, serious)


async def test_a_steps_picture_opens_at_full_size(site_dir: Path) -> None:
    """On a phone the picture shrinks to the column: it links to the image itself."""
    page = (site_dir / "vneid-level1-register" / "index.html").read_text(encoding="utf-8")
    image = "images/nfc-reader-zone.png"
    assert f'<a href="{image}"><img src="{image}"' in page.replace("../", "")
    assert "(mở ảnh cỡ lớn)" in page
