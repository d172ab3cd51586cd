"""Every command the documentation shows is run for real, so documentation that drifts fails
the build.

The documentation is README.md and every docs/*.md. Its commands are found in three places: the
lines of its ```sh blocks, the first column of the server commands' table (docs/commands.md),
and inline code that starts with `./dev `, `outreach-bot `, `python -m bot` or
`.venv/bin/python ` (plus `run --webhook`-style spans: a subcommand of the table followed by an
option). Each one, in whichever file, must be a key of COMMANDS below, and each key must still
be in some file: a new, renamed or removed command fails `test_every_documented_command_is_covered`.
The settings are the table of docs/settings.md (tests/test_settings.py checks it is complete).

COMMANDS maps the documents' words to what is run: placeholders (FILE, CODE, N, <guide-id>,
`[--opt]`, `a|b`) become concrete arguments, optional parts are included where they add a check,
and one alternative is picked. Each case checks the exit code, fragments of the output and the
files it writes. Every process runs in its own tmp_path (no `.env` is read from there) with its
own DB_PATH, no BOT_TOKEN and none of the documented settings, so the cases are independent
and run in parallel under pytest-xdist.

The commands run in this process, through the console script's own `main(argv)` (the bench
scripts as `__main__`), since a new interpreter per command would cost a second of imports each.
`outreach-bot guides list` runs as a real process, which checks the installed console script
itself (tests/test_run_polling.py starts `python -m bot run` as one).

The paths the documents name must exist, and docs/architecture.md's Layout must name every
package and module of `bot/` down to two levels.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli import run_bot_command, run_module, run_script

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = (README, *sorted((ROOT / "docs").glob("*.md")))
COMMANDS_DOC = ROOT / "docs" / "commands.md"
SETTINGS_DOC = ROOT / "docs" / "settings.md"
ARCHITECTURE_DOC = ROOT / "docs" / "architecture.md"
DEV = ROOT / "dev"
OUTREACH_BOT = Path(sys.executable).with_name("outreach-bot")
TIMEOUT = 60  # seconds per command; the slowest here takes about 2 s
GUIDE = "vneid-forgot-password"  # the docs' own example of a guide file
USERNAME = "outreach_test_bot"
# A well-formed token that goes nowhere: only `run --webhook` gets it (see its case).
DUMMY_TOKEN = "123456:not-a-real-token-for-tests"
UNITS_CSV = (
    "code,name,kind,parent_code\n"
    "HN-TEST1,Chi đoàn Thử,branch,01\n"  # under Hà Nội
    "HCM-TEST1,Chi đoàn Hai,branch,79\n"  # under Hồ Chí Minh City
)
DEMO_ASSISTS = 300

PREFIXES = ("./dev ", "outreach-bot ", "python -m bot", ".venv/bin/python ")
MAGIC = {
    ".png": b"\x89PNG",
    ".pdf": b"%PDF",
    ".xlsx": b"PK",
    ".db": b"SQLite format 3\x00",
    ".csv": b"",
    ".html": b"<!doctype html>",
}


@dataclass(frozen=True)
class Case:
    """One documented command: what is run and what it must do.

    argv starts with "outreach-bot" (the venv's console script), "python" (this interpreter)
    or is empty (not run; see `dev_arm`). `{tmp}` is the test's tmp_path, `{root}` the project.
    """

    argv: tuple[str, ...]
    expect: tuple[str, ...] = ()  # fragments of stdout + stderr, all required
    code: int = 0
    stdin: str | None = None
    files: tuple[str, ...] = ()  # written under tmp_path; non-empty, with the right magic
    demo_db: bool = False  # start from a database filled by `demo-data`
    env: dict[str, str] = field(default_factory=dict)
    dev_arm: tuple[str, ...] = ()  # fragments the `./dev` script's arm for it must hold
    process: bool = False  # run as a separate process (see the module's docstring)
    check: Callable[[Path, str], None] | None = None  # more checks: (tmp_path, output)
    why: str = ""


BOT = "outreach-bot"
PY = "python"
CONSOLE_BROWSE = "/start\n1\nq\n"
# The README's tour of the three roles: "then `/as admin` for `/report hôm nay`,
# `/units ha noi` and `/invite 01`, and `/as resident` for what a resident sees".
CONSOLE_ROLES = "/start\n/as admin\n/report hôm nay\n/units ha noi\n/invite 01\n/as resident\nq\n"
ON_USERNAME = {"BOT_USERNAME": USERNAME}


def _only_warnings(output: str) -> None:
    """The real guides pass; anything printed before the verdict is a warning for editors."""
    *before, last = output.splitlines()
    assert last.startswith("OK: ") and int(last.split()[1]) >= 45, last  # "OK: 53 guides…"
    assert all(": warning: " in line for line in before), before


GUIDES_CHECK = Case(
    (BOT, "guides", "check"), expect=("OK: ",), check=lambda _, out: _only_warnings(out)
)

# ./dev installs the venv when needed, then `exec .venv/bin/outreach-bot <command> "$@"` for
# every command but `test` (`start` has its own arm doing the same): see the `dev` script and
# test_dev_delegates. So `./dev X` is run here as `outreach-bot X`, without reinstalling.
COMMANDS: dict[str, Case] = {
    # The README's ```sh block at the top, and the same words inline.
    "./dev start": Case(
        (BOT, "start"),
        stdin="q\n",
        expect=("BOT_TOKEN is not set: starting the offline console preview", "[1] "),
        why="no BOT_TOKEN: the console opens; `q` quits",
    ),
    "./dev test": Case(
        (),
        dev_arm=("ruff check", "lint-imports", "outreach-bot guides check", "pytest"),
        why="not run (it would run this test again): its arm must lint, check and test",
    ),
    # docs/commands.md's table of server commands, first column.
    "outreach-bot start": Case(
        (BOT, "start"),
        stdin="q\n",
        expect=("BOT_TOKEN is not set: starting the offline console preview", "[1] "),
    ),
    "outreach-bot run": Case(
        (BOT, "run"),
        code=2,
        expect=("BOT_TOKEN is not set",),
        why="cannot reach Telegram here: without a token it must refuse in one line, status 2",
    ),
    "outreach-bot console [--db PATH] [--as resident|volunteer|admin]": Case(
        (BOT, "console", "--db", "{tmp}/data/outreach.db", "--as", "resident"),
        demo_db=True,
        stdin=CONSOLE_BROWSE,
        expect=("[1] ", "📖 ", "🏠 Menu"),
        why="on demo data as a resident: /start, press 1 (a topic) lists its guides",
    ),
    "outreach-bot guides check": GUIDES_CHECK,
    "outreach-bot guides list": Case(
        (BOT, "guides", "list"), expect=(f"{GUIDE}\tvneid\t",), process=True
    ),
    "outreach-bot guides funnel [--guide ID] [--from D --to D]": Case(
        (BOT, "guides", "funnel", "--guide", "vneid-level2-activate"),
        demo_db=True,
        expect=("reached", "stuck", "left", "◀ largest drop", "vneid-level2-activate"),
        why="demo data holds a month of reader counts per step",
    ),
    "outreach-bot guides gaps [--from D --to D] [--limit N]": Case(
        (BOT, "guides", "gaps", "--limit", "3"),
        demo_db=True,
        expect=("asked", "dang ky xe may online"),
        why="demo data holds unanswered questions, folded, without digits",
    ),
    "outreach-bot units import --official [--province CODE]": Case(
        (BOT, "units", "import", "--official", "--province", "01"),
        expect=("Imported 127 units",),
        why="Hà Nội and its 126 communes only",
    ),
    "outreach-bot units import FILE.csv [--province CODE]": Case(
        (BOT, "units", "import", "{tmp}/units.csv", "--province", "01"),
        expect=("Imported 1 units", "1 added"),
        why="of the CSV's two branches (under 01 and 79), only the one under 01",
    ),
    "outreach-bot report [--format text|csv|xlsx|json] [--unit CODE | --group CODE] "
    "[--campaign CODE]": Case(
        (BOT, "report", "--format", "csv"),
        demo_db=True,
        expect=("Lượt hỗ trợ,",),
    ),
    "outreach-bot report": Case(
        (BOT, "report", "--format", "json", "--unit", "01"),
        demo_db=True,
        expect=('"youth_reached":', '"activities_by_kind":'),
        why="'(and `outreach-bot report`, its JSON and its workbook)'",
    ),
    "outreach-bot campaigns add --code CODE --name NAME --from DD/MM/YYYY --to DD/MM/YYYY": Case(
        (
            BOT,
            "campaigns",
            "add",
            "--code",
            "HTN-2026",
            "--name",
            "Hè tình nguyện 2026",
            "--from",
            "01/06/2026",
            "--to",
            "31/08/2026",
        ),
        expect=("Campaign HTN-2026",),
    ),
    "outreach-bot activities add --unit CODE --kind KIND --title TEXT --date DD/MM/YYYY": Case(
        (
            BOT,
            "activities",
            "add",
            "--unit",
            "01",
            "--kind",
            "class",
            "--title",
            "Lớp VNeID",
            "--date",
            "06/12/2026",
        ),
        env=ON_USERNAME,
        expect=("Activity 1: Lớp VNeID", f"https://t.me/{USERNAME}?start=ci_"),
    ),
    'outreach-bot activities add --unit 01 --kind campaign_day --title "Ra quân Bình dân học vụ '
    'số" --date 06/12/2026': Case(
        (
            BOT,
            "activities",
            "add",
            "--unit",
            "01",
            "--kind",
            "campaign_day",
            "--title",
            "Ra quân Bình dân học vụ số",
            "--date",
            "06/12/2026",
        ),
        env=ON_USERNAME,
        expect=(f"https://t.me/{USERNAME}?start=at_",),
    ),
    "outreach-bot activities list [--unit CODE] [--from D --to D] [--campaign CODE]": Case(
        (BOT, "activities", "list", "--unit", "01", "--from", "01/01/2026", "--to", "31/12/2026"),
        demo_db=True,  # a command that only reads refuses a missing database
        expect=("id\tfirst day",),
    ),
    "outreach-bot targets set --unit CODE [--campaign CODE] --metric M --value N "
    "[--from DD/MM/YYYY --to DD/MM/YYYY]": Case(
        (
            BOT,
            "targets",
            "set",
            "--unit",
            "01",
            "--metric",
            "activities",
            "--value",
            "10",
            "--from",
            "01/12/2026",
            "--to",
            "31/12/2026",
        ),
        expect=("Target for 01 Hà Nội: activities = 10, 01/12/2026–31/12/2026",),
    ),
    "outreach-bot review list [--all]": Case(
        (BOT, "review", "list", "--all"),
        demo_db=True,
        expect=(
            "subject\tref\tentered\tday\tunit\tpeople\tmember\ttitle",
            "waiting for review (not counted in any figure)",
        ),
    ),
    "outreach-bot teams add --unit CODE --name NAME": Case(
        (BOT, "teams", "add", "--unit", "01", "--name", "Đội hình tình nguyện"),
        expect=("Team 01-DH1",),
    ),
    "outreach-bot groups add CODE --name NAME --units C1,C2": Case(
        (BOT, "groups", "add", "NTB", "--name", "Cụm Nam Trung Bộ", "--units", "48,51,56"),
        expect=("Cluster NTB: Cụm Nam Trung Bộ, 3 units",),
    ),
    "outreach-bot export [--format csv|xlsx] --out FILE": Case(
        (BOT, "export", "--format", "xlsx", "--out", "{tmp}/records.xlsx"),
        demo_db=True,
        expect=(f"{DEMO_ASSISTS} records",),
        files=("records.xlsx",),
    ),
    "outreach-bot chart --out FILE.png [--kind time|service|units]": Case(
        (BOT, "chart", "--out", "{tmp}/chart.png"),
        demo_db=True,
        files=("chart-time.png", "chart-service.png", "chart-units.png"),
        why="without --kind: all three, named as docs/commands.md says",
    ),
    "outreach-bot qr <guide-id> [--unit CODE] --out FILE": Case(
        (BOT, "qr", GUIDE, "--unit", "01", "--out", "{tmp}/poster.png"),
        demo_db=True,  # --unit reads the database, which must be there
        env=ON_USERNAME,
        files=("poster.png",),
    ),
    "outreach-bot site build --out DIR [--base-url URL] [--open]": Case(
        (BOT, "site", "build", "--out", "{tmp}/web", "--base-url", "https://example.vn/hd"),
        expect=("Wrote ", "pages to"),
        files=("web/index.html", f"web/{GUIDE}/index.html"),
    ),
    "outreach-bot site serve [--dir DIR] [--port N]": Case(
        (BOT, "site", "serve", "--dir", "{tmp}/nothing"),
        code=1,
        expect=("no site in", "site build --out"),
        why="serving runs until stopped; on a folder with no site it must say how to build one",
    ),
    "outreach-bot demo-data --assists N [--seed S]": Case(
        (BOT, "demo-data", "--assists", "200", "--seed", "7"),
        expect=("Wrote 200 assists",),
        files=("data/outreach.db",),
    ),
    "outreach-bot run --webhook": Case(
        (BOT, "run", "--webhook"),
        code=2,
        env={"BOT_TOKEN": DUMMY_TOKEN, "BOT_API_BASE_URL": "http://127.0.0.1:9/bot"},
        expect=("--webhook needs WEBHOOK_URL and WEBHOOK_SECRET",),
        why=(
            "a dummy token (and an API URL that goes nowhere) gets past the token check, so "
            "the missing WEBHOOK_* settings are what it must refuse, before any network"
        ),
    ),
    "outreach-bot backup FILE": Case(
        (BOT, "backup", "{tmp}/backup.db"),
        demo_db=True,
        expect=("integrity ok",),
        files=("backup.db",),
    ),
    "outreach-bot health": Case(
        (BOT, "health"), demo_db=True, expect=("database: ok", "guides: ok")
    ),
    "outreach-bot units list [--under CODE]": Case(
        (BOT, "units", "list", "--under", "01"), demo_db=True, expect=("01\tcity\t",)
    ),
    # Inline code in the prose of README.md and docs/*.md.
    "outreach-bot units import": Case(
        (BOT, "units", "import", "--official"),
        expect=("3321 added",),
        why="'the official 3,321 import'",
    ),
    "outreach-bot qr": Case(
        (BOT, "qr", GUIDE, "--out", "{tmp}/poster.pdf"),
        env=ON_USERNAME,
        files=("poster.pdf",),
        why="BOT_USERNAME 'for deep links made offline by outreach-bot qr'",
    ),
    "outreach-bot backup": Case(
        (BOT, "backup", "{tmp}/nightly.db"), demo_db=True, files=("nightly.db",)
    ),
    "qr --all --unit CODE --out FILE.pdf": Case(
        (BOT, "qr", "--all", "--unit", "01", "--out", "{tmp}/posters.pdf"),
        demo_db=True,
        env=ON_USERNAME,
        files=("posters.pdf",),
        check=lambda tmp, _: _one_page_per_guide(tmp / "posters.pdf"),
        why="'one page per guide (needs BOT_USERNAME)'",
    ),
    "run --webhook": Case(
        (BOT, "run", "--webhook"),
        code=2,
        env={"BOT_TOKEN": DUMMY_TOKEN, "BOT_API_BASE_URL": "http://127.0.0.1:9/bot"},
        expect=("--webhook needs WEBHOOK_URL and WEBHOOK_SECRET",),
        why="as `outreach-bot run --webhook`",
    ),
    "python -m bot …": Case(
        (PY, "-m", "bot", "guides", "list"),
        expect=(f"{GUIDE}\tvneid\t",),
        why="'works the same': as `outreach-bot guides list`",
    ),
    "./dev guides check": GUIDES_CHECK,
    "./dev site build --out site --open": Case(
        (BOT, "site", "build", "--out", "{tmp}/site", "--open"),
        env={"BROWSER": "true"},
        expect=("Wrote ", "Open file://"),
        files=("site/index.html",),
        why="BROWSER=true stands in for the person's browser",
    ),
    "outreach-bot qr GUIDE --web --out poster.pdf": Case(
        (BOT, "qr", GUIDE, "--web", "--base-url", "https://example.vn/hd", "--out", "{tmp}/p.pdf"),
        files=("p.pdf",),
        why="the QR code opens the guide's page; no BOT_USERNAME needed",
    ),
    "outreach-bot guides funnel": Case(
        (BOT, "guides", "funnel"),
        demo_db=True,
        expect=("◀ largest drop",),
        why="as `guides funnel [--guide ID]`, every guide",
    ),
    "outreach-bot guides gaps": Case(
        (BOT, "guides", "gaps"), demo_db=True, expect=("dang ky xe may online",)
    ),
    "qr --web": Case(
        (BOT, "qr", GUIDE, "--web", "--out", "{tmp}/web.png"),
        env={"SITE_BASE_URL": "https://example.vn/huong-dan"},
        files=("web.png",),
        why="the site's address from SITE_BASE_URL",
    ),
    "outreach-bot site serve --dir site": Case(
        (BOT, "site", "serve", "--dir", "{tmp}/nothing"),
        code=1,
        expect=("no site in",),
        why="as `site serve [--dir DIR]`",
    ),
    "./dev console": Case((BOT, "console"), stdin=CONSOLE_BROWSE, expect=("[1] ", "🏠 Menu")),
    "./dev units import --official": Case(
        (BOT, "units", "import", "--official"), expect=("3321 added",)
    ),
    "./dev console --as volunteer": Case(
        (BOT, "console", "--as", "volunteer"),
        stdin=CONSOLE_ROLES,
        expect=(
            "📝 Ghi nhận hỗ trợ",
            "👥 Ghi theo nhóm",
            "📋 Của tôi",
            "📊 Báo cáo tiếp cận",
            "01 · Hà Nội",
            "?start=join_",
        ),
        why="the README's tour: the volunteer menu, then /report, /units, /invite as admin",
    ),
    "./dev demo-data --assists 5000": Case(
        (BOT, "demo-data", "--assists", "5000"),
        expect=("Wrote 5000 assists",),
        files=("data/outreach.db",),
    ),
    "./dev console --db data/outreach.db": Case(
        (BOT, "console", "--db", "data/outreach.db"),
        demo_db=True,
        stdin=CONSOLE_BROWSE,
        expect=("[1] ", "🏠 Menu"),
        why="relative to the working folder, as after `./dev demo-data`",
    ),
    # The benchmarks' ```sh block (docs/performance.md): they take minutes, so only `--help`,
    # which must still offer every option the document passes.
    ".venv/bin/python bench/search_bench.py": Case(
        (PY, "{root}/bench/search_bench.py", "--help"),
        expect=("usage: search_bench.py", "--sizes"),
    ),
    ".venv/bin/python bench/http_server_bench.py": Case(
        (PY, "{root}/bench/http_server_bench.py", "--help"),
        expect=("usage: http_server_bench.py", "--clients"),
    ),
    ".venv/bin/python bench/e2e_bench.py --webhook --users 32 --seconds 10 --rounds 3": Case(
        (PY, "{root}/bench/e2e_bench.py", "--help"),
        expect=("--webhook", "--users", "--seconds", "--rounds"),
    ),
    ".venv/bin/python bench/report_bench.py": Case(
        (PY, "{root}/bench/report_bench.py", "--help"), expect=("usage: report_bench.py",)
    ),
    ".venv/bin/python bench/report_bench.py --sizes 1000000,10000000": Case(
        (PY, "{root}/bench/report_bench.py", "--help"), expect=("--sizes",)
    ),
    ".venv/bin/python bench/e2e_bench.py --users 32 --seconds 12 --rounds 3": Case(
        (PY, "{root}/bench/e2e_bench.py", "--help"),
        expect=("--users", "--seconds", "--rounds"),
    ),
    ".venv/bin/python bench/ratelimit_bench.py": Case(
        (PY, "{root}/bench/ratelimit_bench.py", "--help"), expect=("usage: ratelimit_bench.py",)
    ),
    ".venv/bin/python bench/peak_bench.py": Case(
        (PY, "{root}/bench/peak_bench.py", "--help"), expect=("usage: peak_bench.py", "--members")
    ),
}


def _one_page_per_guide(pdf: Path) -> None:
    pages = len(re.findall(rb"/Type /Page[\s/>]", pdf.read_bytes()))
    not_guides = {"glossary.yaml", "free-numbers.yaml"}
    guides = len([p for p in (ROOT / "guides").glob("*.yaml") if p.name not in not_guides])
    assert pages == guides, f"{pages} pages for {guides} guides"


# ---- reading the documentation --------------------------------------------------------------

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_TABLE_COMMAND = re.compile(r"^\|\s*`(outreach-bot [^`]+)`\s*\|")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def documented_commands(texts: dict[str, str]) -> dict[str, set[str]]:
    """Every command the documents show -> the documents that show it. A table's subcommands
    (`run`, `qr`…) count in every document: `run --webhook` may be written anywhere."""
    found: dict[str, set[str]] = {}
    proses: dict[str, str] = {}
    subcommands: set[str] = set()
    for name, text in texts.items():
        for lang, body in _FENCE.findall(text):
            if lang == "sh":
                for line in body.splitlines():
                    line = re.sub(r"\s+#.*$", "", line).strip()  # a trailing comment
                    if line and not line.startswith("#"):
                        found.setdefault(_squash(line), set()).add(name)
        proses[name] = prose = _FENCE.sub("", text)
        for line in prose.splitlines():
            first = _TABLE_COMMAND.match(line)
            if first:
                command = _squash(first.group(1).replace("\\|", "|"))
                found.setdefault(command, set()).add(name)
                subcommands.add(command.split()[1])
    for name, prose in proses.items():
        for span in re.findall(r"`([^`]+)`", prose):
            span = _squash(span.replace("\\|", "|"))
            bare = re.match(r"^([a-z-]+) --", span)
            if span.startswith(PREFIXES) or (bare and bare.group(1) in subcommands):
                found.setdefault(span, set()).add(name)
    return found


def _docs() -> dict[str, str]:
    return {_name(path): path.read_text(encoding="utf-8") for path in DOCS}


def dev_arms() -> dict[str, str]:
    """The `case "$command" in … esac` of the dev script: pattern -> body."""
    script = DEV.read_text(encoding="utf-8")
    block = re.search(r'case "\$command" in\n(.*?)\nesac', script, re.S)
    assert block, 'the dev script has no `case "$command" in … esac`'
    arms = {}
    for arm in block.group(1).split(";;"):
        head = re.match(r"\s*([^\s)]+)\)\s*(.*)", arm, re.S)
        if head:
            arms[head.group(1)] = head.group(2)
    return arms


def test_every_documented_command_is_covered() -> None:
    found = documented_commands(_docs())
    assert COMMANDS_DOC.relative_to(ROOT).as_posix() in set().union(*found.values())
    missing = {text: sorted(found[text]) for text in sorted(found.keys() - COMMANDS.keys())}
    gone = sorted(COMMANDS.keys() - found.keys())
    assert not (missing or gone), (
        f"documented commands with no entry in COMMANDS (add one): {missing}; "
        f"COMMANDS entries no longer in README.md or docs/*.md (remove them): {gone}"
    )


def test_dev_delegates() -> None:
    """What allows `./dev X` to be run as `outreach-bot X`."""
    arms = dev_arms()
    assert 'exec .venv/bin/outreach-bot "$command" "$@"' in arms["*"]
    assert 'exec .venv/bin/outreach-bot start "$@"' in arms["start"]


_TOP = ("bot/", "templates/", "tests/", "bench/", "deploy/", "guides/", "docs/")
_FILE = re.compile(r"^[\w./-]+/[\w.-]+\.(py|md|j2|yaml|csv|tsv|toml|service|timer|png|json)$")
_SKIPPED_DIRS = {".git", ".venv", "__pycache__", "node_modules", ".pytest_cache", ".ruff_cache"}


def _project_files() -> list[str]:
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        files += [(Path(folder) / n).relative_to(ROOT).as_posix() for n in names]
    return files


def _named_paths(text: str) -> set[str]:
    """Paths in inline code: from the project's root (`bot/…`, `tests/…`), or a file named
    with its last folders (`handlers/common.py`). Placeholders (`<id>`, `…`, `*`) are not
    paths."""
    paths = set()
    for span in re.findall(r"`([^`\n]+)`", _FENCE.sub("", text)):
        if re.search(r"[<>…*{} ]", span) or span.startswith(("/", "../", "http")):
            continue
        if span.startswith(_TOP) or _FILE.match(span):
            paths.add(span)
    return paths


def test_every_path_in_the_docs_exists() -> None:
    files = _project_files()
    folders = {f[:i] for f in files for i, c in enumerate(f) if c == "/"}
    broken: dict[str, list[str]] = {}
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for named in sorted(_named_paths(text)):
            bare = named.rstrip("/")
            known = folders if named.endswith("/") else {*files, *folders}
            if not any(k == bare or k.endswith("/" + bare) for k in known):
                broken.setdefault(_name(path), []).append(named)
        for link in re.findall(r"\]\(([^)#\s]+)", text):
            if not link.startswith(("http://", "https://")) and not (path.parent / link).exists():
                broken.setdefault(_name(path), []).append(link)
    assert not broken, f"paths the docs name that do not exist: {broken}"


def test_the_layout_names_every_module() -> None:
    """docs/architecture.md's Layout: every package and module of `bot/` down to two levels
    (as `find bot -maxdepth 2` lists them), named with its path in inline code."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    layout = text[text.index("## Layout") :]
    layout = layout[: layout.index("\n## ", 1)]
    named = set(re.findall(r"`([^`]+)`", layout))
    tree = []
    for top in sorted((ROOT / "bot").iterdir()):
        for path in (top, *(sorted(top.iterdir()) if top.is_dir() else ())):
            if path.name in {"__init__.py", "__pycache__"} or path.suffix == ".pyc":
                continue
            tree.append(_name(path) + ("/" if path.is_dir() else ""))
    missing = [path for path in tree if path not in named]
    assert not missing, f"docs/architecture.md's Layout does not name: {missing}"


# ---- running the commands ---------------------------------------------------------------------


def _settings_names() -> set[str]:
    """Every setting docs/settings.md's table names: none leaks in from the caller."""
    text = SETTINGS_DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z_]+)` \|", text, re.M))


def _cleared() -> tuple[str, ...]:
    return (*_settings_names(), "BOT_TOKEN", "DB_PATH")


def _env(db_path: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a separate process."""
    env = {k: v for k, v in os.environ.items() if k not in _cleared()}
    # This checkout's code, whatever the venv was installed from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(DB_PATH=str(db_path), PYTHONIOENCODING="utf-8", PTB_TIMEDELTA="1")
    env.update(extra)
    return env


def run(case: Case, cwd: Path, db_path: Path) -> subprocess.CompletedProcess[str]:
    argv = _argv(case, cwd)
    if case.process:
        return subprocess.run(
            argv,
            input=case.stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=_env(db_path, case.env),
            cwd=cwd,
            timeout=TIMEOUT,
        )
    env = {"DB_PATH": str(db_path), **case.env}
    if case.argv[0] == PY and argv[1] == "-m":
        return run_module(argv[2], *argv[3:], cwd=cwd, stdin=case.stdin, **env)
    if case.argv[0] == PY:
        return run_script(Path(argv[1]), *argv[2:], cwd=cwd, stdin=case.stdin, **env)
    return run_bot_command(*argv[1:], cwd=cwd, stdin=case.stdin, cleared=_cleared(), env=env)


def _argv(case: Case, tmp: Path) -> list[str]:
    program = {BOT: str(OUTREACH_BOT), PY: sys.executable}[case.argv[0]]
    rest = [a.format(tmp=tmp, root=ROOT) for a in case.argv[1:]]
    return [program, *rest]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a demo database (and its secret.key), built once per xdist worker."""
    folder = tmp_path_factory.mktemp("demo") / "data"
    case = Case((BOT, "demo-data", "--assists", str(DEMO_ASSISTS)))
    done = run(case, folder.parent, folder / "outreach.db")
    assert done.returncode == 0, done.stderr
    return folder


def _what_runs(case: Case) -> tuple[object, ...]:
    return (
        case.argv,
        case.stdin,
        case.demo_db,
        sorted(case.env.items()),
        case.code,
        case.expect,
        case.files,
        case.process,
        case.check,
    )


def _first_name(case: Case) -> str:
    """Where the docs name one command twice (`./dev guides check` and `outreach-bot
    guides check`), it is run once, under the first name; the other checks its `./dev` arm."""
    return next(text for text, other in COMMANDS.items() if _what_runs(other) == _what_runs(case))


CASES = [pytest.param(text, case, id=text.replace("…", "...")) for text, case in COMMANDS.items()]


@pytest.mark.parametrize(("text", "case"), CASES)
def test_readme_command(
    text: str, case: Case, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    workdir = tmp_path
    if case.demo_db:
        shutil.copytree(request.getfixturevalue("demo_data"), workdir / "data")
    (workdir / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    if text.startswith("./dev "):
        arms = dev_arms()
        name = text.split()[1]
        arm = arms.get(name, arms["*"])
        for fragment in case.dev_arm or ("exec .venv/bin/outreach-bot",):
            assert fragment in arm, f"./dev {name} does not run {fragment!r}: {arm!r}"
    if not case.argv or _first_name(case) != text:
        return
    assert OUTREACH_BOT.exists(), f"no console script at {OUTREACH_BOT}: install the project"
    done = run(case, workdir, workdir / "data" / "outreach.db")
    output = done.stdout + done.stderr
    shown = f"{text!r} -> {_argv(case, workdir)}\nexit {done.returncode}\n{output[-3000:]}"
    assert done.returncode == case.code, shown
    assert "Traceback" not in output, shown
    for fragment in case.expect:
        assert fragment in output, f"{fragment!r} not in the output of {shown}"
    for name in case.files:
        path = workdir / name
        assert path.is_file() and path.stat().st_size > 0, f"{name} not written by {shown}"
        magic = MAGIC[path.suffix]
        with path.open("rb") as f:
            assert f.read(len(magic)) == magic, f"{name} is not a {path.suffix} file"
    if case.check:
        case.check(workdir, output)


def test_a_poster_without_bot_username_says_what_is_missing(tmp_path: Path) -> None:
    """docs/commands.md: «Every poster needs `BOT_USERNAME` … without it the command says so
    and exits 1»."""
    assert "without it the command says so and exits 1" in COMMANDS_DOC.read_text(encoding="utf-8")
    case = Case((BOT, "qr", GUIDE, "--unit", "01", "--out", str(tmp_path / "p.png")))
    done = run(case, tmp_path, tmp_path / "o.db")
    assert done.returncode == 1 and "BOT_USERNAME" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "p.png").exists()
