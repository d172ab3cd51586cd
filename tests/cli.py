"""Run `python -m bot ...` as a separate process, as a person at a terminal would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

# Settings a developer may have exported that would change what the command does.
_CLEARED = ("BOT_TOKEN", "ADMIN_IDS", "GUIDES_DIR", "DB_PATH")


def run_bot_command(
    *args: str, cwd: Path = PROJECT_ROOT, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**base, **env},
        cwd=cwd,
        timeout=60,
    )
