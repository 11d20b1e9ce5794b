"""What importing one file may cost: the limits that keep memory bounded by design.

Memory is bounded by construction, not by luck: every input is refused, from a size it declares
or a count kept while reading, before it can make the import hold more than
:attr:`ImportLimits.memory_budget_bytes`. The parts of that budget for one ``stridelog import``
of the largest file the limits accept (measured by ``python -m benchmarks.memory``):

- the interpreter with pandas, lxml, numpy and the store loaded: about 170 MB;
- the file's own bytes, compression removed: at most :attr:`ImportLimits.max_file_bytes`
  (256 MiB), plus its compressed form;
- reading and storing the samples: GPX and TCX are read as a stream (an incremental XML parse
  that keeps one column array per field and throws each element away once read), so the cost
  follows the points, not the file: about 350 MB for :attr:`ImportLimits.max_points` (a million)
  while parsing, and 230 MB more while the importer summarises and stores them.

A million-point GPX (220 MB of XML) peaks at about 900 MB; the worst accepted case (a 256 MiB
file of a million points) at about 950 MB. A FIT file is bounded by its messages
(:attr:`ImportLimits.max_fit_messages`): the costliest file of tiny messages the limit lets
through peaks near 650 MB. Nested archives (a Garmin export's ``UploadedFiles_*.zip`` parts, up
to :class:`analysis.archive.ArchiveLimits` ``max_member_bytes``) are read in place or from an
anonymous temporary file, never held whole: a 600 MB part is imported at about 180 MB, as much
as importing nothing (it was 780 MB when held in memory).

Each limit can be set from the environment (for the CLI and the dashboard server alike) with the
variable named in :data:`ENVIRONMENT`; sizes there are in MiB. A refusal names the limit it hit
in plain words, for example "GPX file has more than 1000000 track points (limit: max_points)".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class ImportLimits:
    """What reading one activity file may cost.

    Attributes
    ----------
    memory_budget_bytes
        [bytes], 1 GiB. The peak resident memory the other limits keep a command-line import
        under, for any one file they accept (the dashboard server, which also holds the upload and
        its pages, aims at 1.5 GiB). Used in messages and by the memory benchmark; nothing
        allocates it up front, and lowering it does not lower the others.
    max_file_bytes
        [bytes], 256 MiB. The most one activity file (FIT, GPX, TCX or CSV) may hold once every
        compression layer is removed. A GPX track of a million points with heart rate and cadence
        takes about 220 MB (a TCX one about 450 MB, so a TCX stops near 550 000 points); a FIT
        file of a week at one record per second about 20 MB. Counted as bytes are inflated, so a
        bomb is stopped at this size, and a file on disk is refused from its size unread.
    max_points
        1 000 000. Track points (GPX ``trkpt``, TCX ``Trackpoint``) in one file, every activity of
        it together: eleven and a half days at one point per second. Counted while reading; the
        file is refused at the first point past the limit.
    max_element_bytes
        [bytes], 4 MiB. XML the streaming reader may read without being able to drop anything
        (one track point, one lap's totals, one waypoint take a few hundred bytes). A file that
        nests more than this inside one element is refused before the tree it builds (up to 30
        times the text, for elements as short as ``<a/>``) can fill memory.
    max_fit_messages
        1 000 000. Data messages in one FIT file, every chained part together, counted while
        decoding, before any column is built (the file is refused a few thousand messages
        past it at most). A week recorded every second holds about 610 000 records; a message
        can be a single byte, though, and costs about 240 bytes read in bulk (a record), so
        without the count a 4 MB file could pass 1 GB. A summary or ``hr`` message, decoded
        into Python values, counts one more per 32 bytes it holds (an ``hr`` array of 200
        values costs about 2.6 kB): see :func:`analysis.parsers.fit_fast.message_units`.
    """

    memory_budget_bytes: int = 1 * GiB
    max_file_bytes: int = 256 * MiB
    max_points: int = 1_000_000
    max_element_bytes: int = 4 * MiB
    max_fit_messages: int = 1_000_000

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) <= 0:
                raise ValueError(f"{item.name} must be positive")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ImportLimits:
        """The defaults, with any limit set in the environment (:data:`ENVIRONMENT`) applied.

        Parameters
        ----------
        environ
            Where to look; ``os.environ`` when None.

        Raises
        ------
        ValueError
            A variable that is not a positive whole number, naming the variable.
        """
        env = os.environ if environ is None else environ
        changes: dict[str, int] = {}
        defaults = cls()
        for name, (variable, unit) in ENVIRONMENT.items():
            text = env.get(variable, "").strip()
            if not text:
                continue
            default = getattr(defaults, name) // unit
            what = " of MB" if unit == MiB else ""
            hint = f"; unset it for the default, {default}{' MB' if unit == MiB else ''}"
            try:
                value = int(text)
            except ValueError:
                raise ValueError(
                    f"{variable} must be a whole number{what}, not {text!r}{hint}"
                ) from None
            if value <= 0:
                raise ValueError(f"{variable} must be positive, not {value}{hint}")
            changes[name] = value * unit
        return replace(cls(), **changes)


ENVIRONMENT: dict[str, tuple[str, int]] = {
    "memory_budget_bytes": ("STRIDELOG_MEMORY_BUDGET_MB", MiB),
    "max_file_bytes": ("STRIDELOG_MAX_FILE_MB", MiB),
    "max_points": ("STRIDELOG_MAX_POINTS", 1),
    "max_element_bytes": ("STRIDELOG_MAX_XML_ELEMENT_MB", MiB),
    "max_fit_messages": ("STRIDELOG_MAX_FIT_MESSAGES", 1),
}
"""Limit name to (environment variable, multiplier): sizes are given in MiB."""

DEFAULT_IMPORT_LIMITS = ImportLimits()


def current_limits() -> ImportLimits:
    """The limits in force now: the defaults and the environment, read at each call.

    Read per call rather than once at import, so a server started with a variable set and a test
    that sets one both see it, and no module-level state is shared between users.
    """
    return ImportLimits.from_env()


def environment_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """What is wrong with the limit variables of the environment, or None when nothing is.

    Checked once when a program starts (``stridelog``, the dashboard's ``app.py``): otherwise a
    bad value is only found by the readers, which would refuse every file with it.
    """
    try:
        ImportLimits.from_env(environ)
    except ValueError as err:
        return str(err)
    return None


def size_words(n: float) -> str:
    """A size in words: ``"512 MB"``, ``"51 kB"``, ``"1000 bytes"`` (MB = 2**20 bytes)."""
    if n >= GiB and n % GiB == 0:
        return f"{n / GiB:.0f} GB"
    if n >= MiB:
        return f"{n / MiB:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n:.0f} bytes"


def out_of_memory(name: str, limits: ImportLimits) -> str:
    """The reason given when memory ran out while reading ``name``, never "unknown error"."""
    return (
        f"not enough memory to read {name} (limit: memory_budget_bytes,"
        f" {size_words(limits.memory_budget_bytes)}); the machine had less free memory than the"
        " import budget, or the file needs more than the budget allows"
    )
