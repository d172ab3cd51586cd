"""Screenshots of the guides' web site on a phone (390x844), for the README.

    .venv/bin/python docs/make_screenshots.py     # needs Debian's chromium

Builds the site into a temporary folder and writes docs/site-home.png and docs/site-guide.png.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.guides.loader import load_guides  # noqa: E402
from bot.site.build import build_site  # noqa: E402
from bot.texts.templates import Texts  # noqa: E402


async def main() -> None:
    from playwright.async_api import async_playwright

    chromium = shutil.which("chromium")
    assert chromium, "apt-get install chromium"
    library, problems = load_guides(ROOT / "guides")
    assert not problems
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        build_site(library, Texts(ROOT / "templates"), site, "", "outreach_bot", ROOT / "guides")
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=["--no-sandbox"]
            )
            page = await browser.new_page(viewport={"width": 390, "height": 844})
            for name, path in (
                ("home", "index.html"),
                ("guide", "vneid-forgot-password/index.html"),
            ):
                await page.goto((site / path).as_uri())
                await page.screenshot(path=str(ROOT / "docs" / f"site-{name}.png"))
            await browser.close()


if __name__ == "__main__":
    asyncio.run(main())
