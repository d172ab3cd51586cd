"""Reports and exports at scale: prints the figures and their ratio to the targets.

    .venv/bin/python bench/report_bench.py                 # 1,000,000 assists
    .venv/bin/python bench/report_bench.py --sizes 1000000,10000000

Demo databases are built once with `outreach-bot demo-data` into --dir (default
/tmp/outreach-bench) and reused. "Bot-side work" for a report is what /report does after the
update arrives: read the totals (with the union's indicators: activities, check-ins, attendance,
youth reached, confirmations, targets) and render the text; it is timed over several runs, for
the whole tree and for a cluster of five provinces.
Export memory is the peak resident size of a separate `outreach-bot export` process.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.domain.periods import all_time, parse_period  # noqa: E402
from bot.reports.service import report as full_report  # noqa: E402
from bot.storage.clusters import ClusterRepository  # noqa: E402
from bot.storage.db import open_database  # noqa: E402
from bot.storage.units import UnitRepository  # noqa: E402
from bot.telegram.views.reports import ReportViews  # noqa: E402
from bot.texts.templates import Texts  # noqa: E402

REPORT_TARGETS = {1_000_000: 1.0, 10_000_000: 3.0}  # seconds, whole tree
EXPORT_TARGET_MB = 200
RUNS = 5


def build(path: Path, size: int) -> None:
    if path.exists():
        print(f"  using {path} ({path.stat().st_size / 1e9:.1f} GB)")
        return
    print(f"  building {size:,} assists into {path} (once; this takes a while)…", flush=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "bot", "demo-data", "--assists", str(size), "--seed", "42"]
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, "DB_PATH": str(path)})
    print(f"  built in {time.perf_counter() - started:.0f} s")


CLUSTER = ("48", "51", "56", "66", "68")  # five provinces, as a cụm report would have


async def time_reports(path: Path) -> dict[str, list[float]]:
    """The whole tree's report with the union's indicators, and a cluster's."""
    db = await open_database(path)
    provinces = {u.code: u for u in await UnitRepository(db).children(None)}
    cluster = [provinces[c] for c in CLUSTER if c in provinces]
    group = await ClusterRepository(db).add_cluster("BENCH", "Cụm đo", [u.id for u in cluster])
    views = ReportViews(Texts(PROJECT_ROOT / "templates"))
    today = dt.date.today()
    periods = {
        "month": parse_period("month", today),
        "year": parse_period("year", today),
        "last 365 days": parse_period(
            f"{today - dt.timedelta(days=364):%d/%m/%Y}-{today:%d/%m/%Y}", today
        ),
        "all time": all_time(today),
    }
    timings: dict[str, list[float]] = {}
    try:
        for name, period in periods.items():
            for label, units in (("whole tree", None), ("cluster of 5", cluster)):
                runs = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    report = await full_report(db, None, period, group if units else None, units)
                    views.text("vi", report)
                    runs.append(time.perf_counter() - started)
                timings[f"{label}, {name}"] = runs
    finally:
        await db.close()
    return timings


def export_peak_mb(path: Path, fmt: str, out_dir: Path) -> tuple[float, float, int]:
    """Run the export under a small watcher process, so its peak memory is its own."""
    out = out_dir / f"bench-export.{fmt}"
    command = [sys.executable, "-m", "bot", "export", "--format", fmt, "--out", str(out)]
    watcher = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", watcher, *command],
        check=True,
        cwd=ROOT,
        env={**os.environ, "DB_PATH": str(path)},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    size = out.stat().st_size
    out.unlink()
    return int(result.stdout.strip()) / 1024, seconds, size  # ru_maxrss is in KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000000", help="comma-separated numbers of assists")
    parser.add_argument("--dir", default="/tmp/outreach-bench", type=Path)
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n== {size:,} assists")
        path = args.dir / f"demo-{size}.db"
        build(path, size)
        for name, runs in asyncio.run(time_reports(path)).items():
            best, median = min(runs), statistics.median(runs)
            target = REPORT_TARGETS.get(size)
            rows.append((f"{size:,} · /report {name}", median, "s", target))
            print(f"  /report {name:30} best {best:.3f} s  median {median:.3f} s")
        if not args.skip_export and size <= 1_000_000:
            for fmt in ("csv", "xlsx"):
                peak, seconds, file_size = export_peak_mb(path, fmt, args.dir)
                rows.append((f"{size:,} · export {fmt} peak memory", peak, "MB", EXPORT_TARGET_MB))
                mb = file_size / 1e6
                print(f"  export {fmt}: {seconds:.0f} s, {mb:.0f} MB file, peak {peak:.0f} MB")
    print("\n| measure | value | target | value / target |")
    print("| --- | --- | --- | --- |")
    failed = False
    for name, value, unit, target in rows:
        if target is None:
            print(f"| {name} | {value:.3f} {unit} | – | – |")
            continue
        ratio = value / target
        failed |= ratio > 1
        verdict = "ok" if ratio <= 1 else "OVER"
        print(f"| {name} | {value:.3f} {unit} | {target} {unit} | {ratio:.2f} ({verdict}) |")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
