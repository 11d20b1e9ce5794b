"""The one store contract: what the importer, the pages and the CLI may ask of a store.

Two engines implement it: :class:`analysis.store.duckdb_store.Store` (one embedded DuckDB file per
athlete, the local default) and :class:`analysis.store.postgres_store.PostgresStore` (one athlete's
rows in a shared PostgreSQL database, for hosting). The same test suite runs against both
(``tests/test_store.py``, its ``open_store`` fixture). Engine-specific SQL stays inside each engine's module.

Everything here is scoped to one athlete: a store object never sees another athlete's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from analysis.prepare import ActivityRecord
from analysis.settings import AthleteSettings

COMMENT_SCOPES = ("week", "activity")
"""A coach's note belongs to a week (its ``week_start``, ISO date) or to one activity (its id)."""

COMMENT_COLUMNS = ("comment_id", "scope", "target", "author", "created_at", "body")


@runtime_checkable
class AthleteStore(Protocol):
    """One athlete's data. Every write is one transaction and raises the revision."""

    @property
    def key(self) -> str:
        """Names this store and its athlete; caches are keyed on it (with :meth:`revision`)."""
        ...

    def close(self) -> None: ...

    # ---- bookkeeping
    def revision(self) -> int: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...

    # ---- activities
    def has_file(self, file_hash: str) -> bool: ...
    def add_file(
        self,
        file_hash: str,
        file_name: str,
        fmt: str,
        size_bytes: int,
        records: Sequence[ActivityRecord],
    ) -> Any: ...
    def delete_activity(self, activity_id: str) -> bool: ...
    def apply_export_metadata(
        self,
        rows: Sequence[tuple[str, str | None, float | None, str | None, str | None, str | None]],
    ) -> None: ...
    def set_rpe(self, activity_id: str, rpe: float | None) -> None: ...
    def activity_count(self, include_duplicates: bool = False) -> int: ...
    def activities(
        self, sport: str | None = None, include_duplicates: bool = False
    ) -> pd.DataFrame: ...
    def activity(self, activity_id: str) -> dict[str, Any] | None: ...
    def samples(self, activity_id: str) -> pd.DataFrame: ...
    def hr_histogram(self, sport: str | None = None) -> pd.DataFrame: ...
    def cadence_histogram(self, sport: str | None = None) -> pd.DataFrame: ...
    def files(self) -> pd.DataFrame: ...
    def laps(self, activity_id: str) -> pd.DataFrame: ...

    # ---- settings, wellness, plan
    def save_settings(self, settings: AthleteSettings) -> None: ...
    def load_settings(self) -> AthleteSettings: ...
    def upsert_wellness(self, frame: pd.DataFrame) -> int: ...
    def delete_wellness(self, day: Any) -> None: ...
    def wellness(self) -> pd.DataFrame: ...
    def upsert_plan(self, frame: pd.DataFrame) -> int: ...
    def plan(self) -> pd.DataFrame: ...

    # ---- a coach's notes
    def add_comment(self, scope: str, target: str, author: str, body: str) -> str: ...
    def comments(self, scope: str | None = None, target: str | None = None) -> pd.DataFrame: ...
    def delete_comment(self, comment_id: str) -> bool: ...


def check_comment(scope: str, target: str, body: str) -> str:
    """The comment body as stored (stripped); raises ValueError for an unusable comment."""
    if scope not in COMMENT_SCOPES:
        raise ValueError(f"a comment belongs to a week or an activity, not {scope!r}")
    if not target:
        raise ValueError("a comment needs the week or activity it belongs to")
    text = body.strip()
    if not text:
        raise ValueError("an empty comment")
    if len(text) > 4000:
        raise ValueError("a comment holds at most 4,000 characters")
    return text
