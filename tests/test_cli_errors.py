"""Issue 26, findings 15, 16, 19 and 20: the command line ends in one line and an exit
status, never a traceback; nothing half-written is left behind; `groups add` does not
replace silently; `activities add` says nothing was made; `activities list` has columns;
the JSON report and `--services` help name the services."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest

from bot.storage import maintenance
from tests.cli import run_bot_command

GUIDE = "safety-never-share-otp"


def _one_line(result, code: int) -> str:
    """The command failed with `code`, saying why on one line of stderr, without a traceback."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no reason given"
    assert lines[-1].startswith(("outreach-bot", "usage:")) or len(lines) == 1, lines
    return str(lines[-1])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "o.db"
    made = run_bot_command("units", "import", "--official", "--province", "01", DB_PATH=str(path))
    assert made.returncode == 0, made.stderr
    return path


def _site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    return folder


# ---- finding 15: tracebacks --------------------------------------------------------------


def test_site_serve_on_a_port_that_is_no_port(tmp_path: Path) -> None:
    result = run_bot_command("site", "serve", "--dir", str(_site(tmp_path)), "--port", "99999")
    assert "99999 is not a port" in _one_line(result, 2)


def test_a_second_site_serve_on_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_bot_command(
            "site", "serve", "--dir", str(_site(tmp_path)), "--port", str(port)
        )
    line = _one_line(result, 1)
    assert f"127.0.0.1:{port}" in line and "already in use" in line, line


def test_site_build_into_a_file(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("keep me", encoding="utf-8")
    result = run_bot_command("site", "build", "--out", str(readme))
    assert "is a file, not a folder" in _one_line(result, 2)
    assert readme.read_text(encoding="utf-8") == "keep me"


def test_backup_to_a_folder_writes_a_dated_file_in_it(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    result = run_bot_command("backup", str(folder), DB_PATH=str(db))
    assert result.returncode == 0, result.stderr
    [copy] = folder.iterdir()
    assert copy.name.startswith("o-") and copy.suffix == ".db"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM units").fetchone()[0] > 34
    assert not list(tmp_path.glob("*.partial"))


def test_a_failed_backup_leaves_no_partial_file(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out" / "copy.db"

    def refuse(self: Path, other: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(other))

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(PermissionError):
        maintenance.backup(db, target)
    monkeypatch.undo()
    assert list(target.parent.iterdir()) == []


def test_backup_into_an_unmakeable_place(tmp_path: Path, db: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run_bot_command("backup", str(blocker / "sub" / "copy.db"), DB_PATH=str(db))
    line = _one_line(result, 1)
    assert "backup failed" in line and "Errno" not in line, line


@pytest.mark.parametrize(
    "command",
    [
        ("console", "--db", "{bad}"),
        ("report",),
        ("export", "--out", "{tmp}/e.csv", "--format", "csv"),
        ("units", "list"),
        ("activities", "list"),
        ("groups", "list"),
        ("backup", "{tmp}/b.db"),
        ("demo-data", "--assists", "10"),
    ],
)
def test_a_file_that_is_not_sqlite(tmp_path: Path, command: tuple[str, ...]) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    argv = [part.format(bad=bad, tmp=tmp_path) for part in command]
    result = run_bot_command(*argv, DB_PATH=str(bad), stdin="q\n")
    assert "not an SQLite database" in _one_line(result, 2)
    assert bad.read_text(encoding="utf-8").startswith("these are my notes")


@pytest.mark.parametrize(
    ("command", "example"),
    [
        (("report", "--out", "{dir}"), "bao-cao.txt"),
        (("report", "--format", "json", "--out", "{dir}"), "bao-cao.json"),
        (("report", "--format", "xlsx", "--out", "{dir}"), "bao-cao.xlsx"),
        (("export", "--out", "{dir}"), "ban-ghi.xlsx"),
        (("chart", "--kind", "time", "--out", "{dir}"), "bieu-do.png"),
    ],
)
def test_out_to_a_folder(tmp_path: Path, db: Path, command: tuple[str, ...], example: str) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    argv = [part.format(dir=folder) for part in command]
    result = run_bot_command(*argv, DB_PATH=str(db))
    assert f"--out {folder / example}" in _one_line(result, 1)
    assert list(folder.iterdir()) == []


def test_out_where_no_folder_can_be_made(tmp_path: Path, db: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = run_bot_command("report", "--out", str(blocker / "r.txt"), DB_PATH=str(db))
    line = _one_line(result, 1)
    assert str(blocker) in line and "Errno" not in line, line


def test_an_interrupted_report_leaves_nothing(
    tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.reports import exports

    def interrupted(path: Path, *args: object, **kwargs: object) -> int:
        path.write_bytes(b"PK half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(exports, "write_xlsx", interrupted)
    out = tmp_path / "r.xlsx"
    result = run_bot_command("report", "--format", "xlsx", "--out", str(out), DB_PATH=str(db))
    assert result.returncode == 130
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*partial*")) == []


# ---- finding 16: groups add ---------------------------------------------------------------


def test_groups_add_refuses_an_existing_code_unless_replace(db: Path) -> None:
    first = run_bot_command(
        "groups", "add", "cum1", "--name", "Cụm 1", "--units", "01", DB_PATH=str(db)
    )
    assert first.returncode == 0, first.stderr
    again = run_bot_command(
        "groups", "add", "CUM1", "--name", "Cụm khác", "--units", "79", DB_PATH=str(db)
    )
    line = _one_line(again, 1)
    assert "CUM1 already exists" in line and "--replace" in line, line
    assert "CUM1\tCụm 1\t01" in run_bot_command("groups", "list", DB_PATH=str(db)).stdout
    replaced = run_bot_command(
        "groups", "add", "CUM1", "--name", "Cụm khác", "--units", "79", "--replace",
        DB_PATH=str(db),
    )  # fmt: skip
    assert replaced.returncode == 0 and "(replaced)" in replaced.stdout, replaced.stderr
    assert "CUM1\tCụm khác\t79" in run_bot_command("groups", "list", DB_PATH=str(db)).stdout


# ---- finding 19: activities add without BOT_USERNAME ---------------------------------------


def test_activities_add_without_bot_username_says_nothing_was_made(db: Path) -> None:
    result = run_bot_command(
        "activities", "add", "--unit", "01", "--kind", "class", "--title", "Lớp VNeID",
        "--date", "06/12/2026", DB_PATH=str(db),
    )  # fmt: skip
    line = _one_line(result, 1)
    assert "nothing was created" in line and "BOT_USERNAME" in line, line
    listed = run_bot_command("activities", "list", DB_PATH=str(db)).stdout
    assert "Lớp VNeID" not in listed


# ---- finding 20: columns and labels -------------------------------------------------------


def test_activities_list_has_as_many_fields_as_columns(db: Path) -> None:
    env = {"DB_PATH": str(db), "BOT_USERNAME": "outreach_test_bot"}
    for extra in ((), ("--services", "v2,ds")):
        made = run_bot_command(
            "activities", "add", "--unit", "01", "--kind", "class", "--title", "Lớp",
            "--date", "06/12/2026", *extra, env=env,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE activities SET closed_at = 1 WHERE id = 1")
    header, *rows = run_bot_command("activities", "list", env=env).stdout.splitlines()
    columns = header.split("\t")
    assert columns[-2:] == ["status", "services"] and len(columns) == 12
    assert len(rows) == 2
    assert all(len(row.split("\t")) == len(columns) for row in rows), rows
    by_id = {row.split("\t")[0]: row.split("\t") for row in rows}
    assert by_id["1"][-2:] == ["closed", ""] and by_id["2"][-2:] == ["open", "v2,ds"]


def test_the_json_report_labels_its_services(db: Path) -> None:
    data = json.loads(run_bot_command("report", "--format", "json", DB_PATH=str(db)).stdout)
    assert set(data["by_service"]) == set(data["service_labels"])
    assert data["service_labels"]["v1"] == "VNeID mức 1"
    assert data["service_labels"]["ds"] == "Hồ sơ dịch vụ công"
    assert isinstance(data["by_service"]["v1"], int)  # the old key keeps its meaning


def test_services_help_lists_codes_with_labels() -> None:
    shown = run_bot_command("activities", "add", "--help").stdout
    flat = " ".join(shown.split())
    for pair in ("v1 (VNeID mức 1)", "v2 (Kích hoạt VNeID mức 2)", "ds (Hồ sơ dịch vụ công)"):
        assert pair in flat, flat
