"""The layers hold: `lint-imports` (run by ./dev test) keeps the import arrows pointing down;
these tests show that it can fail, and check what imports cannot: SQL text and rules."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SQL = re.compile(r"\b(SELECT\s+\S+.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_service_importing_telegram_breaks_the_contracts(tmp_path: Path) -> None:
    shutil.copytree(BOT, tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    assert _lint(tmp_path).returncode == 0  # the copy is as clean as the tree
    service = tmp_path / "bot" / "services" / "access.py"
    service.write_text("import telegram  # a deliberate violation\n" + service.read_text())
    broken = _lint(tmp_path)
    assert broken.returncode == 1
    assert "bot.services.access -> telegram" in broken.stdout


def _sql_outside_storage(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "storage" in path.relative_to(root).parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_sql_lives_only_in_storage(tmp_path: Path) -> None:
    assert _sql_outside_storage(BOT) == []
    (tmp_path / "leak.py").write_text('ROWS = "SELECT id FROM assists"\n')
    assert _sql_outside_storage(tmp_path) == ['leak.py:1: ROWS = "SELECT id FROM assists"']


# What a rule looks like in code, read from its syntax tree: a permission check (`if not
# actor.staff`), a date comparison (`last_day >= today`), a clamp on a length (`len(x) > 10`)
# or on a number (`max(`, `min(`), date or time arithmetic (`timedelta`, `* 60`, `86400`).
PERMISSIONS = {"staff", "admin", "volunteer"}
RULE_CALLS = {"max", "min", "timedelta", "covers", "home_contains"}
DATE_WORDS = ("day", "date", "today", "now")
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
TIME_UNITS = (60, 3600, 86400)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _rule_in(node: ast.AST) -> str:
    """What kind of rule this node is, or "" if none."""
    if isinstance(node, ast.Compare):
        sides = [node.left, *node.comparators]
        # `len(args) == 2` counts a command's words (parsing); the length of a value is a clamp.
        measured = [
            s
            for s in sides
            if isinstance(s, ast.Call)
            and _name(s.func) == "len"
            and not (s.args and isinstance(s.args[0], ast.Name) and s.args[0].id == "args")
        ]
        if measured and any(isinstance(s, ast.Constant) for s in sides):
            return "a clamp on a length"
        dated = any(any(w in _name(s).lower() for w in DATE_WORDS) for s in sides)
        if dated and any(isinstance(op, ORDERING) for op in node.ops):
            return "a date comparison"
    if isinstance(node, ast.If | ast.IfExp | ast.While):
        tested = ast.walk(node.test)
        if any(isinstance(n, ast.Attribute) and n.attr in PERMISSIONS for n in tested):
            return "a permission check"
    if isinstance(node, ast.Call) and _name(node.func) in RULE_CALLS:
        return f"a rule's call ({_name(node.func)})"
    operands = (node.left, node.right) if isinstance(node, ast.BinOp) else ()
    if any(isinstance(s, ast.Constant) and s.value in TIME_UNITS for s in operands):
        return "time arithmetic"
    return ""


def _rules_in(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if kind := _rule_in(node):
                found.append(f"{path.name}:{getattr(node, 'lineno', 0)}: {kind}")
    return found


def test_handlers_hold_no_rules(tmp_path: Path) -> None:
    assert _rules_in(BOT / "telegram" / "handlers") == []
    assert _rules_in(BOT / "services")  # the signs are found where rules live
    # The three the issue names are each found.
    (tmp_path / "handler.py").write_text(
        "async def h(actor, activity, today, args):\n"
        "    if not actor.staff:\n"
        "        return\n"
        "    if activity.last_day >= today:\n"
        "        return\n"
        "    if len(args[-1]) > 10:\n"
        "        return\n"
    )
    assert _rules_in(tmp_path) == [
        "handler.py:2: a permission check",
        "handler.py:4: a date comparison",
        "handler.py:6: a clamp on a length",
    ]


def test_every_command_line_module_but_the_console_is_kept_from_telegram() -> None:
    """The contract lists the command-line modules one by one: a new one must be added."""
    config = tomllib.loads((BOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    kept = next(c for c in contracts if c["name"].startswith("Only the Telegram adapter"))
    modules = {f"bot.cli.{p.stem}" for p in (BOT / "cli").glob("*.py") if p.stem != "__init__"}
    assert modules - set(kept["source_modules"]) == {"bot.cli.console"}


BUTTONS = re.compile(r"\b(?:InlineKeyboardButton|InlineKeyboardMarkup|Keyboard|Tap)\(")


def _buttons_laid_out_in(folder: Path) -> list[str]:
    return [
        f"{path.name}:{number}"
        for path in sorted(folder.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BUTTONS.search(line)
    ]


def test_views_are_the_only_place_that_lays_out_buttons(tmp_path: Path) -> None:
    assert _buttons_laid_out_in(BOT / "telegram" / "handlers") == []
    assert _buttons_laid_out_in(BOT / "telegram" / "views")  # where they are laid out
    (tmp_path / "handler.py").write_text('ROW = [InlineKeyboardButton("x", url="u")]\n')
    assert _buttons_laid_out_in(tmp_path) == ["handler.py:1"]
