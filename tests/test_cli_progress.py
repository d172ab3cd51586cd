"""Issue 26, progress on long work: on a terminal, demo-data, export, qr --all and units
import show a bar (tqdm); in a pipe, a file or CI they print nothing more than before."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.cli import progress
from bot.cli.main import main
from tests.cli import run_bot_command


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _on_terminal(monkeypatch: pytest.MonkeyPatch, db: Path, *argv: str) -> str:
    """Run a command with stderr on a (pretend) terminal; its stderr."""
    monkeypatch.setattr(progress, "DELAY", 0.0)  # show at once: the test data is small
    monkeypatch.setattr(progress, "MININTERVAL", 0.0)
    monkeypatch.setenv("DB_PATH", str(db))
    monkeypatch.setenv("BOT_USERNAME", "outreach_test_bot")
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(list(argv)) == 0, terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", sys.__stderr__)
    return terminal.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("progress") / "demo.db"
    made = run_bot_command("demo-data", "--assists", "2500", DB_PATH=str(path))
    assert made.returncode == 0, made.stderr
    # Not on a terminal: the summary line alone, no bar.
    assert made.stderr == "" and "\r" not in made.stdout
    return path


def test_demo_data_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = _on_terminal(monkeypatch, tmp_path / "d.db", "demo-data", "--assists", "2500")
    assert "assists" in shown and "100%" in shown and "\r" in shown
    assert "running totals… 00:00" in shown  # the stages after the counted part tick


def test_export_shows_progress_on_a_terminal_and_not_in_a_pipe(
    tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "e.csv"
    quiet = run_bot_command("export", "--format", "csv", "--out", str(out), DB_PATH=str(demo))
    assert quiet.returncode == 0 and quiet.stderr.splitlines() == [f"Wrote {out}: 2500 records"]
    shown = _on_terminal(monkeypatch, demo, "export", "--format", "csv", "--out", str(out))
    assert "records: 2.00k" in shown and "\r" in shown


def test_qr_all_shows_progress_on_a_terminal(
    tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "all.pdf"
    shown = _on_terminal(monkeypatch, demo, "qr", "--all", "--out", str(out))
    assert "posters" in shown and "100%" in shown
    assert out.read_bytes().startswith(b"%PDF")


def test_a_long_wait_ticks_and_a_short_one_shows_nothing() -> None:
    terminal = Terminal()
    with progress.working("importing", terminal):
        pass
    assert terminal.getvalue() == ""
    pipe = io.StringIO()
    with progress.progress(10, "assists", pipe) as advance:
        advance(10)
    assert pipe.getvalue() == ""


def test_units_import_ticks_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _on_terminal(monkeypatch, tmp_path / "u.db", "units", "import", "--official")
    assert "importing 3,355 units… 00:00" in shown
    quiet = run_bot_command("units", "import", "--official", DB_PATH=str(tmp_path / "v.db"))
    assert quiet.returncode == 0 and quiet.stderr == ""
