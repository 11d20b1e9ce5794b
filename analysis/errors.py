"""Typed errors. Every failure a user can cause ends in one of these, with a plain-words reason."""

from __future__ import annotations


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
