"""The fast FIT decoder's memory grows linearly with the record count, whatever the file declares.

A record field declared with a base type whose size does not divide the field's (heart rate, one
byte, declared ``uint16``) is read by fitparse as ``byte``. The fast decoder used to read such a
field as a matrix of bytes and broadcast it against the other columns: memory grew with the
square of the record count (2.7 GB for 18.5k records) before a ValueError sent the file to
fitparse. Each measurement runs in a child process, which resets its peak RSS
(``/proc/self/clear_refs``) right before decoding, under an address-space limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from analysis.parsers.fit import FAST_PATH_DECLINED, decode_parts, read_fit
from sample_data.regressions import heart_rate_as_byte

REPO = Path(__file__).resolve().parents[1]

RECORDS = 2000
"""The smaller input [records]; the larger has four times as many."""

FLOOR = 8 * 2**20
"""Peak growth below which the smaller input's figure is noise (allocator, page cache) [bytes]."""

ADDRESS_SPACE = 2 * 2**30
"""The child's address-space limit [bytes]: a quadratic decoder fails instead of swapping."""

HEART_RATE, UINT16 = 3, 0x84

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from analysis.parsers import fit as F, fit_fast
    from sample_data.regressions import seed_activity, with_record_field_base_type

    def status(key):
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
        raise KeyError(key)

    records, mutated, limit = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
    data = seed_activity(records)
    if mutated:
        data = with_record_field_base_type(data, %(field)d, %(base)d)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # the peak from here on is the decoder's
    before = status("VmRSS")
    declined = error = None
    try:
        part = fit_fast.decode(data, F._SLOTS, F.MESSAGE_FIELDS, {F._HR: F.HR_FIELDS})
        rows = len(part.records["timestamp"])
    except fit_fast.Declined as why:
        declined, rows = why.reason, None
    except Exception as err:
        error, rows = f"{type(err).__name__}: {err}", None
    peak = status("VmHWM") - before
    print(json.dumps({"peak": peak, "declined": declined, "error": error, "rows": rows}))
    """
) % {"field": HEART_RATE, "base": UINT16}


def decode_in_child(records: int, mutated: bool) -> dict[str, object]:
    """Decode a seed run of ``records`` records in a fresh process; its peak growth and result."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(records), "1" if mutated else "0", str(ADDRESS_SPACE)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assert_linear(small: dict[str, object], large: dict[str, object]) -> None:
    """Four times the records may cost at most six times the memory (above a noise floor)."""
    small_peak, large_peak = small["peak"], large["peak"]
    assert isinstance(small_peak, int) and isinstance(large_peak, int)
    bound = 6 * max(small_peak, FLOOR)
    assert large_peak < bound, (
        f"peak growth {large_peak / 2**20:.1f} MB for {4 * RECORDS} records, "
        f"{small_peak / 2**20:.1f} MB for {RECORDS}: more than linear"
    )


@pytest.mark.parametrize("mutated", [False, True], ids=["as-written", "heart-rate-as-byte"])
def test_peak_memory_grows_linearly_with_the_records(mutated: bool) -> None:
    small = decode_in_child(RECORDS, mutated)
    large = decode_in_child(4 * RECORDS, mutated)
    assert_linear(small, large)
    for result in (small, large):
        assert result["error"] is None, result["error"]
    if mutated:
        # left to fitparse up front, with the reason, not through a caught exception
        assert small["declined"] == large["declined"] == "record field heart_rate stored as byte[1]"
    else:
        assert (small["rows"], large["rows"]) == (RECORDS, 4 * RECORDS)


def test_the_decline_reason_is_recorded_on_the_activity() -> None:
    data = heart_rate_as_byte()
    parts, _ = decode_parts(data)
    assert [p.declined for p in parts] == ["record field heart_rate stored as byte[1]"]
    act = read_fit(data, "hr-as-byte.fit")[0]
    note = FAST_PATH_DECLINED.format(reason="record field heart_rate stored as byte[1]")
    assert note in act.fixes
    # the reference decoder still reads every record, heart rate as fitparse gives it
    assert len(act.samples) == 300
