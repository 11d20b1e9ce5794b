"""The one access layer: who may read or write which athlete's data.

Pages and figure builders never check roles themselves. They receive an :class:`Access` (who is
asking, for which athlete, in which role) and a :class:`GuardedStore`, whose every write asks
:meth:`Access.require` first, on the server, whatever the browser sent. A hosted database enforces
the same rule underneath (PostgreSQL row-level security keyed by the athlete and the role of the
request), so a forgotten check is refused twice.

Roles
-----
owner
    The athlete: reads and writes everything of their own.
coach
    Reads everything; writes the plan, comments, goal races and training blocks. Never uploads,
    deletes, or changes the athlete's settings, decision rules, wellness log, session and pain
    logs, ratings or shoes.
view
    Reads everything, writes nothing (a read-only invitation, or a share link).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from analysis.errors import AccessDenied
from analysis.prepare import ActivityRecord
from analysis.settings import AthleteSettings
from analysis.store.contract import AthleteStore, NewFile


class Role(StrEnum):
    OWNER = "owner"
    COACH = "coach"
    VIEW = "view"


ROLE_LABELS = {
    Role.OWNER: "athlete (owner)",
    Role.COACH: "coach: all pages, writes the plan, comments, races and blocks",
    Role.VIEW: "view: all pages, read-only",
}

ACTIONS: dict[str, frozenset[Role]] = {
    "upload": frozenset({Role.OWNER}),
    "delete": frozenset({Role.OWNER}),
    "settings": frozenset({Role.OWNER}),
    "rules": frozenset({Role.OWNER}),
    "wellness": frozenset({Role.OWNER}),
    "rpe": frozenset({Role.OWNER}),
    "share": frozenset({Role.OWNER}),  # invitations, share links, revoking them
    "sessions": frozenset({Role.OWNER}),  # the strength & mobility session log
    "pain": frozenset({Role.OWNER}),  # the pain log
    "plan": frozenset({Role.OWNER, Role.COACH}),
    "comment": frozenset({Role.OWNER, Role.COACH}),
    "race": frozenset({Role.OWNER, Role.COACH}),  # goal races and training blocks
    "gear": frozenset({Role.OWNER}),  # shoes
}
"""Each write and the roles that may do it. Reading needs only an Access at all."""

ACTION_WORDS = {
    "upload": "upload or import files",
    "delete": "delete activities",
    "settings": "change the athlete's settings",
    "rules": "change the decision rules",
    "wellness": "write the wellness log",
    "rpe": "rate sessions",
    "share": "invite people or make share links",
    "sessions": "log strength and mobility sessions",
    "pain": "write the pain log",
    "plan": "write the plan",
    "comment": "write comments",
    "race": "change goal races or training blocks",
    "gear": "change the shoes",
}


@dataclass(frozen=True)
class Person:
    """Who is asking: a logged-in person, the local user, or the holder of a share link."""

    person_id: str
    name: str
    kind: str = "user"  # "user", "local" or "share"


LOCAL_PERSON = Person("local", "you", "local")
LOCAL_ATHLETE = "local"


@dataclass(frozen=True)
class Access:
    """One person's access to one athlete's data, in one role."""

    athlete_id: str
    athlete_name: str
    role: Role
    person: Person

    def allows(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return self.role in ACTIONS[action]

    def require(self, action: str) -> None:
        """Raise :class:`AccessDenied` unless this role may do ``action``."""
        if not self.allows(action):
            raise AccessDenied(
                f"{self.person.name} ({self.role.value}) may not {ACTION_WORDS[action]} for "
                f"{self.athlete_name}"
            )

    @property
    def is_own(self) -> bool:
        return self.role is Role.OWNER


def local_access() -> Access:
    """The laptop: one athlete, no login, every right."""
    return Access(LOCAL_ATHLETE, "you", Role.OWNER, LOCAL_PERSON)


READS = frozenset(
    {
        "key", "close", "revision", "get_meta", "has_file", "activity_count", "activities",
        "activity", "samples", "hr_histogram", "cadence_histogram", "files", "laps",
        "load_settings", "wellness", "plan", "comments", "best_efforts", "effort_curves",
        "activities_without_efforts", "samples_of", "races", "blocks", "shoes", "sessions",
        "pain_log",
    }
)  # fmt: skip


class GuardedStore:
    """A store seen through an :class:`Access`: reads pass, writes are checked first.

    The importer, the pages and the CLI take it wherever they take a store (it implements
    :class:`~analysis.store.contract.AthleteStore`).
    """

    def __init__(self, store: AthleteStore, access: Access) -> None:
        self._store = store
        self.access = access

    def __getattr__(self, name: str) -> Any:
        # only the contract's reads pass through unchecked; anything else must be listed below
        if name in READS:
            return getattr(self._store, name)
        raise AttributeError(name)

    @property
    def key(self) -> str:
        return self._store.key

    def add_file(
        self,
        file_hash: str,
        file_name: str,
        fmt: str,
        size_bytes: int,
        records: Sequence[ActivityRecord],
    ) -> Any:
        self.access.require("upload")
        return self._store.add_file(file_hash, file_name, fmt, size_bytes, records)

    def add_files(self, files: Sequence[NewFile]) -> list[Any]:
        """Many files in one transaction (:class:`~analysis.store.contract.BatchStore`): an
        upload, refused as a whole for a role that may not upload."""
        self.access.require("upload")
        return list(self._store.add_files(files))  # type: ignore[attr-defined]

    def apply_export_metadata(
        self,
        rows: Sequence[tuple[str, str | None, float | None, str | None, str | None, str | None]],
    ) -> None:
        self.access.require("upload")
        self._store.apply_export_metadata(rows)

    def store_efforts(
        self, found: Sequence[tuple[str, pd.DataFrame, pd.DataFrame]], *, complete: bool = False
    ) -> int:
        # effort rows are derived from uploaded samples: written by whoever may upload
        self.access.require("upload")
        return self._store.store_efforts(found, complete=complete)

    def delete_activity(self, activity_id: str) -> bool:
        self.access.require("delete")
        return self._store.delete_activity(activity_id)

    def set_rpe(self, activity_id: str, rpe: float | None) -> None:
        self.access.require("rpe")
        self._store.set_rpe(activity_id, rpe)

    def save_settings(self, settings: AthleteSettings) -> None:
        self.access.require("settings")
        self._store.save_settings(settings)

    def set_meta(self, key: str, value: str) -> None:
        # meta holds the decision rules and the demo's fingerprint: the owner's alone
        self.access.require("rules")
        self._store.set_meta(key, value)

    def upsert_wellness(self, frame: pd.DataFrame) -> int:
        self.access.require("wellness")
        return self._store.upsert_wellness(frame)

    def delete_wellness(self, day: Any) -> None:
        self.access.require("wellness")
        self._store.delete_wellness(day)

    def add_session(
        self,
        day: Any,
        session_type: str,
        duration_min: float,
        rpe: float | None = None,
        exercises: str = "",
        notes: str = "",
    ) -> str:
        self.access.require("sessions")
        return self._store.add_session(day, session_type, duration_min, rpe, exercises, notes)

    def delete_session(self, session_id: str) -> bool:
        self.access.require("sessions")
        return self._store.delete_session(session_id)

    def add_pain(
        self, day: Any, body_site: str, side: str, severity: float, when: str, notes: str = ""
    ) -> str:
        self.access.require("pain")
        return self._store.add_pain(day, body_site, side, severity, when, notes)

    def delete_pain(self, pain_id: str) -> bool:
        self.access.require("pain")
        return self._store.delete_pain(pain_id)

    def upsert_plan(self, frame: pd.DataFrame) -> int:
        self.access.require("plan")
        return self._store.upsert_plan(frame)

    def add_comment(self, scope: str, target: str, author: str, body: str) -> str:
        self.access.require("comment")
        return self._store.add_comment(scope, target, author, body)

    def delete_comment(self, comment_id: str) -> bool:
        self.access.require("comment")
        return self._store.delete_comment(comment_id)

    # ---- goal races and training blocks (owner or coach), shoes (owner)
    def add_race(
        self, race_date: Any, distance_km: float, target_time_s: float | None, name: str | None
    ) -> str:
        self.access.require("race")
        return self._store.add_race(race_date, distance_km, target_time_s, name)

    def update_race(
        self,
        race_id: str,
        race_date: Any,
        distance_km: float,
        target_time_s: float | None,
        name: str | None,
    ) -> bool:
        self.access.require("race")
        return self._store.update_race(race_id, race_date, distance_km, target_time_s, name)

    def delete_race(self, race_id: str) -> bool:
        self.access.require("race")
        return self._store.delete_race(race_id)

    def add_block(self, start_date: Any, end_date: Any, kind: str, note: str | None) -> str:
        self.access.require("race")
        return self._store.add_block(start_date, end_date, kind, note)

    def update_block(
        self, block_id: str, start_date: Any, end_date: Any, kind: str, note: str | None
    ) -> bool:
        self.access.require("race")
        return self._store.update_block(block_id, start_date, end_date, kind, note)

    def delete_block(self, block_id: str) -> bool:
        self.access.require("race")
        return self._store.delete_block(block_id)

    def add_shoe(
        self, name: str, first_used: Any, retire_km: float | None, retired: bool, source: str
    ) -> str:
        self.access.require("gear")
        return self._store.add_shoe(name, first_used, retire_km, retired, source)

    def update_shoe(
        self,
        shoe_id: str,
        name: str,
        first_used: Any,
        retire_km: float | None,
        retired: bool,
        source: str,
    ) -> bool:
        self.access.require("gear")
        return self._store.update_shoe(shoe_id, name, first_used, retire_km, retired, source)

    def delete_shoe(self, shoe_id: str) -> bool:
        self.access.require("gear")
        return self._store.delete_shoe(shoe_id)

    def set_gear(self, activity_ids: Sequence[str], gear: str | None) -> int:
        # which pair a run was in is the athlete's own record, as the shoes are
        self.access.require("gear")
        return self._store.set_gear(activity_ids, gear)
