"""The layers hold: `lint-imports` (run by ./dev test) keeps the import arrows pointing down;
these tests show that it can fail, and check what imports cannot: SQL text and rules."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
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


# What a rule looks like in code: a permission check, date arithmetic or a clamp.
RULE_SIGNS = re.compile(
    r"\.covers\(|home_contains|\.admin\b|timedelta|\bmax\(|\bmin\(|days_back|\* ?60\b|86400"
)


def _rules_in(folder: Path) -> list[str]:
    return [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(folder.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RULE_SIGNS.search(line) and not line.lstrip().startswith(("#", '"""'))
    ]


def test_handlers_hold_no_rules() -> None:
    assert _rules_in(BOT / "telegram" / "handlers") == []
    assert _rules_in(BOT / "services")  # the signs are found where rules live
