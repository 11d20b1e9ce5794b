"""``stridelog``: the command line over the same core as the dashboard.

stridelog parse FILE...                      one JSON object per line per activity
stridelog import PATH... [--data-dir DIR]    files and folders into the store
stridelog export --daily [--data-dir DIR]    one CSV row per local calendar day
stridelog demo [--data-dir DIR] [--force]    build the demo athlete's store
stridelog report --weeks N -o FILE [--data-dir DIR] [--as-of YYYY-MM-DD] [--name NAME]
                                             a self-contained HTML report of the last N weeks

Each command imports what it needs when it runs. ``parse`` summarises a FIT file straight from
the decoder's NumPy arrays (:func:`fit_summary`), without pandas, whose import alone took longer
than reading a typical file; every other file (GPX, TCX, CSV, or a FIT file whose times are not
whole seconds) goes through the activity frames, and prints the same fields.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing as mp
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis import columns as c
from analysis.config import ATHLETE_DB, default_data_dir
from analysis.errors import StridelogError
from analysis.samplemath import (
    MOVING_SPEED_MPS,
    PLAUSIBLE,
    ffill,
    offset_name,
    sample_durations,
    timezone_finder,
    track_distance_m,
)

if TYPE_CHECKING:
    from analysis.parsers.fit import FitLeg


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


def parse_records(path: Path, frames: bool = False) -> list[dict[str, Any]]:
    """What ``stridelog parse`` prints for one file: a dict per activity, or one error dict.

    A FIT file is summarised from its arrays (:func:`fit_summary`) unless ``frames`` is set;
    everything else, and a FIT file the arrays leave to them, from the activity frames.
    """
    from analysis.parsers import format_note, unwrap

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        return [{"file": name, "error": f"cannot read the file ({err.strerror})"}]
    try:
        if not frames:
            fmt, content, inner = unwrap(data, path.name)
            if fmt == "fit":
                summarised = _fit_records(name, content, inner, format_note(fmt, inner))
                if summarised is not None:
                    return summarised
        return _frame_records(name, data, path.name)
    except StridelogError as err:
        return [{"file": name, "error": getattr(err, "reason", str(err))}]
    except Exception as err:
        return [{"file": name, "error": f"could not read the file ({type(err).__name__}: {err})"}]


def _frame_records(name: str, data: bytes, file_name: str) -> list[dict[str, Any]]:
    """:func:`parse_records` through the activity frames (pandas), for every format."""
    from analysis.parsers import parse_bytes
    from analysis.prepare import activity_summary

    fmt, parsed = parse_bytes(data, file_name)
    # the summaries alone: parse prints no histogram, best effort or curve
    summaries = [(activity_summary(act, "0" * 16, i), act.fixes) for i, act in enumerate(parsed)]
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


def _fit_records(
    name: str, data: bytes, inner: str, note: str | None
) -> list[dict[str, Any]] | None:
    """:func:`parse_records` of a FIT file from its arrays; None: leave it to the frames.

    A refusal is the one :func:`~analysis.parsers.fit.read_fit` gives (the same code up to the
    arrays); anything unforeseen in the summary leaves the file to the frames, which then say
    what they say.
    """
    from analysis.parsers.fit import read_fit_legs

    legs = read_fit_legs(data, inner)
    try:
        summaries = [fit_summary(leg) for leg in legs]
    except Exception:
        return None
    if any(s is None for s in summaries):
        return None
    out = []
    for leg, summary in zip(legs, summaries, strict=True):
        assert summary is not None
        fixes = [*leg.fixes, *([note] if note is not None else [])]
        out.append({"file": name, "format": "fit", **summary, "fixes": fixes})
    return out


# ---- the parse summary from arrays ---------------------------------------------------------------
# What analysis.schema.build_samples and analysis.prepare.activity_summary make of a FIT leg,
# computed from its arrays with the same operations in the same order (so the same floats):
# tests/test_cli.py compares both on every corpus file. The rules (plausible ranges, sample
# durations, track distance) are analysis.samplemath's, as the schema's are.

SUMMARY_CHANNELS = (
    c.HEART_RATE_BPM, c.CADENCE_SPM, c.SPEED_MPS, c.LATITUDE_DEG, c.LONGITUDE_DEG, c.DISTANCE_M,
)  # fmt: skip
"""The channels the summary reads."""

_NS_PER_S = 1_000_000_000


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> float | None:
    ok = ~np.isnan(values) & (weights > 0)
    total = float(weights[ok].sum())
    if total <= 0:
        return None
    return float((values[ok] * weights[ok]).sum() / total)


def fit_summary(leg: FitLeg) -> dict[str, Any] | None:
    """What ``stridelog parse`` prints of a FIT leg (but file, format, fixes), from its arrays.

    Returns
    -------
    dict or None
        The fields, as the activity frames give them; None where times are not whole seconds
        (the frames' nanosecond rounding is not repeated here).
    """
    times = leg.times
    if not (math.isfinite(leg.start) and leg.start == math.floor(leg.start)):
        return None
    if not np.isfinite(times).all() or (times != np.floor(times)).any():
        return None
    ns = times.astype(np.int64) * _NS_PER_S  # ascending already: the parser sorted them
    first = np.ones(len(ns), dtype=bool)  # the first sample of each time is kept
    first[1:] = np.diff(ns) != 0
    ns = ns[first]
    n = len(ns)
    data = {}
    for col in SUMMARY_CHANNELS:
        lo, hi = PLAUSIBLE[col]
        values = leg.channels.get(col)
        values = np.full(n, np.nan) if values is None else np.asarray(values, "float64")[first]
        values[~((values >= lo) & (values <= hi))] = np.nan
        data[col] = values
    lat, lon = data[c.LATITUDE_DEG], data[c.LONGITUDE_DEG]
    no_fix = np.isnan(lat) | np.isnan(lon) | ((lat == 0) & (lon == 0))
    lat[no_fix] = np.nan
    lon[no_fix] = np.nan
    elapsed = (ns - ns[0]) / 1e9 if n else np.zeros(0)
    weights = sample_durations(elapsed)
    dist, speed = data[c.DISTANCE_M], data[c.SPEED_MPS]
    # the distance column as build_samples fills it (from the file, the track or the speed)
    top = math.nan  # the largest distance of the samples
    if np.isfinite(dist).any():
        filled = ffill(dist)
        filled[np.isnan(filled)] = 0.0
        dist = np.maximum.accumulate(filled)
        top = float(dist.max())
    elif np.isfinite(lat).any():
        dist = track_distance_m(lat, lon)
        top = float(dist.max())
    elif np.isfinite(speed).any():
        step = np.where(np.isnan(speed), 0.0, speed) * weights
        dist = np.concatenate([[0.0], np.cumsum(step)[:-1]])
        top = float(dist.max())
    if np.isnan(speed).all() and np.isfinite(dist).any() and n > 1:
        dt_s = np.diff(elapsed)
        with np.errstate(divide="ignore", invalid="ignore"):
            derived = np.diff(dist) / np.where(dt_s > 0, dt_s, np.nan)
        derived[derived > PLAUSIBLE[c.SPEED_MPS][1]] = np.nan
        speed = ffill(np.concatenate([[np.nan], derived])[::-1])[::-1]

    start = dt.datetime.fromtimestamp(leg.start, tz=dt.UTC)
    offset = leg.utc_offset(bool(np.isfinite(lat).any()))
    if offset is not None:
        tz_name, tz_source = offset_name(offset), c.TZ_SOURCE_FILE
        local = (start + dt.timedelta(seconds=offset)).replace(tzinfo=None)
    elif leg.local_clock:
        tz_name, tz_source = "local time (from file)", c.TZ_SOURCE_FILE
        local = start.replace(tzinfo=None)
    else:
        tz_name, tz_source, local = "UTC", c.TZ_SOURCE_UTC, start.replace(tzinfo=None)
        fixes = np.flatnonzero(np.isfinite(lat))
        if len(fixes):
            from zoneinfo import ZoneInfo

            at = fixes[0]
            zone = timezone_finder().timezone_at(lng=float(lon[at]), lat=float(lat[at]))
            if zone:
                tz_name, tz_source = zone, c.TZ_SOURCE_GPS
                local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)

    moving = np.isnan(speed) | (speed >= MOVING_SPEED_MPS)
    duration = leg.duration_s
    if duration is None and n:
        duration = float(elapsed[-1] + weights[-1])
    moving_time = leg.moving_time_s
    if moving_time is None and n:
        moving_time = float(weights[moving].sum())
    distance = leg.distance_m
    if distance is None and n and math.isfinite(top):
        distance = top
    avg_hr = leg.avg_heart_rate_bpm
    avg_cadence = leg.avg_cadence_spm
    if n:
        if avg_hr is None:
            avg_hr = _weighted_mean(data[c.HEART_RATE_BPM], weights)
        if avg_cadence is None:
            cadence = np.where(moving, data[c.CADENCE_SPM], np.nan)
            avg_cadence = _weighted_mean(cadence, weights)
    return {
        "sport": leg.sport,
        "start_time_utc": start.isoformat(),
        "start_time_local": local.isoformat(),
        "timezone": tz_name,
        "timezone_source": tz_source,
        "duration_s": _clean(duration),
        "moving_time_s": _clean(moving_time),
        "distance_m": _clean(distance),
        "samples": n,
        "avg_heart_rate_bpm": _clean(avg_hr),
        "avg_cadence_spm": _clean(avg_cadence),
    }


PARSE_POOL_MIN_FILES = 8
"""From this many files on, ``stridelog parse`` reads them on every core (forked processes,
which start in milliseconds: this process has loaded the libraries and runs no threads of its
own yet); the lines still come out in the order of the arguments."""


def json_line(record: dict[str, Any]) -> str:
    """``terminal_safe_json(record)``: csvsafe (and pandas with it) imported only when a line
    holds a character beyond printable ASCII, the only ones its escaping changes."""
    text = json.dumps(record, ensure_ascii=False)
    if text.isascii() and text.isprintable():
        return text
    from analysis.csvsafe import terminal_safe_json

    return terminal_safe_json(record)


def _parse_lines(path: str) -> list[str]:
    return [json_line(record) for record in parse_records(Path(path))]


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
    from analysis.csvsafe import terminal_safe, to_safe_csv
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
    from analysis.csvsafe import safe_frame
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
        from analysis.csvsafe import terminal_safe

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
