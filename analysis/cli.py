"""``stridelog``: the command line over the same core as the dashboard.

stridelog parse FILE...                      one JSON object per line per activity
stridelog import PATH... [--data-dir DIR]    files and folders into the store
stridelog export --daily [--data-dir DIR]    one CSV row per local calendar day
stridelog demo [--data-dir DIR] [--force]    build the demo athlete's store
stridelog report --weeks N -o FILE [--data-dir DIR] [--as-of YYYY-MM-DD] [--name NAME]
                                             a self-contained HTML report of the last N weeks
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import multiprocessing as mp
import os
import sys
from pathlib import Path
from typing import Any

from analysis import columns as c
from analysis.config import ATHLETE_DB, default_data_dir
from analysis.csvsafe import safe_frame, terminal_safe, terminal_safe_json, to_safe_csv
from analysis.errors import StridelogError
from analysis.parsers import parse_bytes
from analysis.prepare import activity_summary


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def parse_records(path: Path) -> list[dict[str, Any]]:
    """What ``stridelog parse`` prints for one file: a dict per activity, or one error dict."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return [{"file": name, "error": f"cannot read the file ({err.strerror})"}]
    try:
        fmt, parsed = parse_bytes(data, path.name)
        # the summaries alone: parse prints no histogram, best effort or curve
        summaries = [
            (activity_summary(act, "0" * 16, i), act.fixes) for i, act in enumerate(parsed)
        ]
    except StridelogError as err:
        return [{"file": name, "error": getattr(err, "reason", str(err))}]
    except Exception as err:
        return [{"file": name, "error": f"could not read the file ({type(err).__name__}: {err})"}]
    out = []
    for s, fixes in summaries:
        start_utc = s[c.START_TIME_UTC]
        out.append(
            {
                "file": name,
                "format": fmt,
                "sport": s[c.SPORT],
                "start_time_utc": _clean(start_utc.tz_localize("UTC")),
                "start_time_local": _clean(s[c.START_TIME_LOCAL]),
                "timezone": s[c.TIMEZONE],
                "timezone_source": s[c.TIMEZONE_SOURCE],
                "duration_s": _clean(s[c.DURATION_S]),
                "moving_time_s": _clean(s[c.MOVING_TIME_S]),
                "distance_m": _clean(s[c.DISTANCE_M]),
                "samples": int(s[c.SAMPLES]),
                "avg_heart_rate_bpm": _clean(s[c.AVG_HEART_RATE_BPM]),
                "avg_cadence_spm": _clean(s[c.AVG_CADENCE_SPM]),
                "fixes": list(fixes),
            }
        )
    return out


PARSE_POOL_MIN_FILES = 8
"""From this many files on, ``stridelog parse`` reads them on every core (forked processes,
which start in milliseconds: this process has loaded the libraries and runs no threads of its
own yet); the lines still come out in the order of the arguments."""


def _parse_lines(path: str) -> list[str]:
    return [terminal_safe_json(record) for record in parse_records(Path(path))]


def _cmd_parse(args: argparse.Namespace) -> int:
    files: list[str] = list(args.files)
    cores = min(os.cpu_count() or 1, 2)
    if len(files) >= PARSE_POOL_MIN_FILES and cores > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(cores) as pool:
            for lines in pool.imap(_parse_lines, files, chunksize=1):
                for line in lines:
                    print(line, flush=True)
        return 0
    for path in files:
        for line in _parse_lines(path):
            print(line, flush=True)
    return 0


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir).expanduser() if args.data_dir else default_data_dir()


def _cmd_import(args: argparse.Namespace) -> int:
    from analysis.importer import FAILED, IMPORTED, import_paths
    from analysis.store import Store

    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        shown = terminal_safe(", ".join(missing))
        print(f"stridelog import: no such file or folder: {shown}", file=sys.stderr)
        return 2

    def progress(done: int, total: int, name: str) -> None:
        # names come from the files (zip members too): shown, never obeyed by the terminal
        print(f"[{done}/{total}] {terminal_safe(name)}", file=sys.stderr, flush=True)

    with Store(_data_dir(args) / ATHLETE_DB) as store:
        outcomes = import_paths(store, paths, None if args.quiet else progress)
    status = 0
    if args.report:
        import pandas as pd

        rows = [o.as_row() for o in outcomes]
        report = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["file"])
        try:
            with open(args.report, "w", newline="", encoding="utf-8") as handle:
                handle.write(to_safe_csv(report, index=False))
        except OSError as err:
            shown = terminal_safe(str(args.report))
            print(f"stridelog import: cannot write {shown} ({err.strerror})", file=sys.stderr)
            status = 1
    for o in outcomes:
        line = f"{o.status:>16}  {o.file}: {o.message}"
        if o.fixes:
            line += f" (fixes: {'; '.join(o.fixes)})"
        print(terminal_safe(line))
    counts = {s: sum(o.status == s for o in outcomes) for s in {o.status for o in outcomes}}
    print(
        f"{len(outcomes)} files: {counts.get(IMPORTED, 0)} imported, "
        f"{counts.get(FAILED, 0)} failed, {len(outcomes) - counts.get(IMPORTED, 0) - counts.get(FAILED, 0)} "
        "already imported"
    )
    return status


def _cmd_export(args: argparse.Namespace) -> int:
    from analysis.dashboard import daily_export
    from analysis.store import Store

    if not args.daily:
        print("stridelog export: say what to export (--daily)", file=sys.stderr)
        return 2
    path = _data_dir(args) / ATHLETE_DB
    if not path.exists():
        print(f"stridelog export: no store at {path}; import files first", file=sys.stderr)
        return 2
    with Store(path, read_only=True) as store:
        frame, header = daily_export(store)
    out = open(args.output, "w", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        for line in header:
            out.write(f"# {line}\n")
        # wellness notes are the athlete's text (or an imported file's): never a formula
        safe_frame(frame).to_csv(out, index=False, float_format="%.6g", date_format="%Y-%m-%d")
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from analysis.demo import build_demo_store, demo_store_is_current

    data_dir = _data_dir(args)
    if not args.force and demo_store_is_current(data_dir):
        print(f"demo athlete ready in {data_dir}")
        return 0

    def progress(done: int, total: int, name: str) -> None:
        print(f"\rbuilding the demo athlete: {done}/{total} files", end="", file=sys.stderr)

    build_demo_store(data_dir, progress=progress)
    print(file=sys.stderr)
    print(f"demo athlete ready in {data_dir}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from analysis.dashboard import last_data_day
    from analysis.report import build_report, period_start
    from analysis.store import Store

    path = _data_dir(args) / ATHLETE_DB
    if not path.exists():
        print(f"stridelog report: no store at {path}; import files first", file=sys.stderr)
        return 1
    with Store(path, read_only=True) as store:
        settings = store.load_settings()
        as_of = args.as_of or dt.date.today()
        last = last_data_day(store)
        first = period_start(as_of, args.weeks, settings.week_start)
        if args.as_of is None and last is not None and last < first:
            # a report of empty weeks helps nobody: end it where the data ends
            print(
                f"stridelog report: no activity or wellness entry in the last {args.weeks} "
                f"weeks; the report ends on the last day with data, {last:%Y-%m-%d}",
                file=sys.stderr,
            )
            as_of = last
        document = build_report(store, settings, as_of, args.weeks, args.name)
    out = Path(args.output)
    try:
        out.write_text(document, encoding="utf-8")
    except OSError as err:
        print(f"stridelog report: cannot write {out} ({err.strerror})", file=sys.stderr)
        return 1
    print(f"report of {args.weeks} weeks up to {as_of:%Y-%m-%d} written to {out}")
    return 0


def _weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of weeks: {text!r}") from None
    if weeks < 1:
        raise argparse.ArgumentTypeError("a report covers at least one week")
    return weeks


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stridelog", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse files and print one JSON object per activity")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=_cmd_parse)
    data_dir_help = "data directory (default: $STRIDELOG_DATA_DIR or ~/.stridelog)"
    p = sub.add_parser("import", help="import files or folders into the store")
    p.add_argument("paths", nargs="+")
    p.add_argument("--data-dir", help=data_dir_help)
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--report", help="write the import report (one row per file) to this CSV")
    p.set_defaults(func=_cmd_import)
    p = sub.add_parser("export", help="export derived data as CSV")
    p.add_argument("--daily", action="store_true", help="one row per local calendar day")
    p.add_argument("--data-dir", help=data_dir_help)
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.set_defaults(func=_cmd_export)
    p = sub.add_parser("demo", help="build (or refresh) the demo athlete's store")
    p.add_argument("--data-dir", help=data_dir_help)
    p.add_argument("--force", action="store_true", help="rebuild even when current")
    p.set_defaults(func=_cmd_demo)
    p = sub.add_parser("report", help="write a self-contained HTML report of the last N weeks")
    p.add_argument("--weeks", type=_weeks, default=12, help="weeks to cover (default: 12)")
    p.add_argument("--output", "-o", required=True, help="HTML file to write")
    p.add_argument("--data-dir", help=data_dir_help)
    p.add_argument(
        "--as-of",
        type=_day,
        help="last day of the report (default: today, or the last day with data when the "
        "period holds none)",
    )
    p.add_argument("--name", default="", help="athlete's name for the title")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    from analysis.errors import StoreError
    from analysis.limits import environment_problem

    args = build_parser().parse_args(argv)
    problem = environment_problem()
    if problem is not None:
        # said once, up front: the readers would otherwise refuse every file with it
        print(f"stridelog: {terminal_safe(problem)}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except StoreError as err:  # a fault of the store file: its sentence, not a traceback
        print(f"stridelog: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
