"""Typed errors. Every failure a user can cause ends in one of these, with a plain-words reason."""

from __future__ import annotations

from typing import Literal


class StridelogError(Exception):
    """Base class of every error Stridelog raises on purpose."""


class ParseError(StridelogError):
    """A file could not be used. ``str(err)`` reads "<file>: <reason>"."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class SchemaError(StridelogError):
    """A parser produced a frame that breaks the tidy schema (a bug, or implausible data)."""


class AccessDenied(StridelogError):
    """Who asked may not do this to this athlete's data (checked on the server for every write)."""


StoreKind = Literal["locked", "read_only", "missing", "damaged", "disk_full"]


class StoreError(StridelogError):
    """The store could not be opened or written, for a reason outside Stridelog's control.

    ``str(err)`` is one plain sentence saying what happened and what to do; ``kind`` is one of
    ``locked`` (another process has the file), ``read_only`` (the data directory or file cannot
    be written), ``missing`` (no store, or no data directory, where one was expected),
    ``damaged`` (the file is not a readable store) and ``disk_full`` (a write ran out of space).
    The database's own exception is chained as ``__cause__``.
    """

    def __init__(self, kind: StoreKind, path: str, sentence: str) -> None:
        super().__init__(sentence)
        self.kind: StoreKind = kind
        self.path = path
