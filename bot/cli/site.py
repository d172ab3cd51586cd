"""`outreach-bot site build|serve`: the guides as a static web site (see bot/site/)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings, site_url_problem


def _port(text: str) -> int:
    """A TCP port: 1–65535 (0 would pick any free one, which nobody could then find)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 1 to 65535")
    return value


def add_parsers(sub: argparse._SubParsersAction, handler: Callable[..., int]) -> None:
    site = sub.add_parser("site", help="the guides as a static web site")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    build = site_sub.add_parser("build", help="render the site into a folder")
    build.add_argument("--out", type=Path, required=True, metavar="DIR")
    build.add_argument(
        "--base-url", metavar="URL", help="where the site will live (default: SITE_BASE_URL)"
    )
    build.add_argument("--open", action="store_true", help="then open it in the browser")
    build.add_argument(
        "--counter",
        action="store_true",
        help="add «✅ Tôi đã làm xong» (for a site served by `run --webhook` with SITE_DIR)",
    )
    build.set_defaults(handler=handler)
    serve = site_sub.add_parser("serve", help="serve a built site folder over HTTP")
    serve.add_argument("--dir", type=Path, default=Path("site"), metavar="DIR")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8080, help="1 to 65535 (default 8080)")
    serve.set_defaults(handler=handler)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.site_command == "build":
        return _build(settings, args)
    return _serve(args)


def _build(settings: Settings, args: argparse.Namespace) -> int:
    # Imported here: every command builds the parser, and only this one needs the builder.
    from bot import clock
    from bot.guides.loader import load_guides
    from bot.site.build import build_site
    from bot.texts.templates import Texts

    if args.out.exists() and not args.out.is_dir():
        print(
            f"outreach-bot: {args.out} is a file, not a folder: give --out a folder "
            "(it is made if missing), e.g. --out site",
            file=sys.stderr,
        )
        return 2
    library, problems = load_guides(settings.guides_dir)
    if problems:
        print(
            f"outreach-bot: {len(problems)} problem(s) in the guides; "
            "run `outreach-bot guides check`",
            file=sys.stderr,
        )
        return 1
    base_url = args.base_url or settings.site_base_url or ""
    if args.base_url and (problem := site_url_problem(args.base_url)):
        print(f"outreach-bot: --base-url: {problem}", file=sys.stderr)
        return 2
    try:
        result = build_site(
            library,
            Texts(settings.templates_dir),
            args.out,
            base_url,
            settings.bot_username,
            settings.guides_dir,
            clock.vn_date(clock.now()),
            counter=args.counter,
        )
    except OSError as exc:  # a read-only or full disk, a file where a folder goes
        print(f"outreach-bot: cannot write the site to {args.out}: {_reason(exc)}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        return 1
    if not settings.bot_username:
        print(
            "note: BOT_USERNAME is not set, so pages have no «Mở trong Telegram» link",
            file=sys.stderr,
        )
    home = args.out.resolve() / "index.html"
    print(
        f"Wrote {len(result.pages)} pages to {args.out} (largest guide page "
        f"{result.largest_guide_page // 1024} KB). Open {home.as_uri()}"
    )
    if args.open:
        import webbrowser

        webbrowser.open(home.as_uri())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bot.site.serve import serve_folder

    if not (args.dir / "index.html").is_file():
        print(
            f"outreach-bot: no site in {args.dir}; run `outreach-bot site build --out {args.dir}`",
            file=sys.stderr,
        )
        return 1

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_folder(args.dir, args.host, args.port, stop)

    try:
        asyncio.run(main())
    except OSError as exc:  # the port is taken, or the address is not this machine's
        import errno

        hint = (
            f" (another `site serve` may be running; try --port {args.port + 1})"
            if exc.errno == errno.EADDRINUSE and args.port < 65535
            else ""
        )
        print(
            f"outreach-bot: cannot serve on {args.host}:{args.port}: {_reason(exc)}{hint}",
            file=sys.stderr,
        )
        return 1
    return 0


def _reason(exc: OSError) -> str:
    """An OSError in a few words, without Python's `[Errno 98] error while attempting…`."""
    import errno
    import os

    if exc.errno == errno.EADDRINUSE:
        return "the port is already in use"
    if exc.errno is not None:
        reason = os.strerror(exc.errno).lower()
        return f"{reason}: {exc.filename}" if exc.filename else reason
    return str(exc)
