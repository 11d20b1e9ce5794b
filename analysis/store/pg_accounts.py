"""Accounts of a hosted dashboard, in PostgreSQL: people, athletes, grants, invitations, links.

- A person is who the identity provider says: the pair (issuer, subject) of the ID token, never a
  name typed into a form. Each person has an athlete space of their own (they own it).
- A grant gives a person a role ("coach" or "view") on someone else's athlete.
- An invitation is a one-time token with an expiry; opening it while logged in creates a grant.
- A share link is a token that shows one athlete's pages read-only to whoever holds it; it may
  expire and can be revoked at once.
- Tokens carry 256 bits from :mod:`secrets` and are stored only as their SHA-256, so a copy of the
  database does not open anyone's data.

These tables hold no athlete data and carry no row-level security; the athlete tables do (see
:mod:`analysis.store.postgres_store`). Decisions on who may do what live in :mod:`analysis.access`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from analysis.access import Access, Person, Role
from analysis.errors import StridelogError

Transaction = Callable[[], AbstractContextManager[Any]]
"""Yields a psycopg connection inside a transaction (``PostgresDatabase.admin_transaction``)."""

INVITATION_TTL = dt.timedelta(days=7)
TOKEN_BYTES = 32  # 256 bits

_DDL = [
    """CREATE TABLE IF NOT EXISTS people (
        person_id TEXT PRIMARY KEY, issuer TEXT NOT NULL, subject TEXT NOT NULL, email TEXT,
        name TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), UNIQUE (issuer, subject))""",
    """CREATE TABLE IF NOT EXISTS athletes (
        athlete_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL UNIQUE REFERENCES people,
        name TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())""",
    """CREATE TABLE IF NOT EXISTS grants (
        athlete_id TEXT NOT NULL REFERENCES athletes, person_id TEXT NOT NULL REFERENCES people,
        role TEXT NOT NULL CHECK (role IN ('coach', 'view')),
        granted_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (athlete_id, person_id))""",
    """CREATE TABLE IF NOT EXISTS invitations (
        token_hash TEXT PRIMARY KEY, athlete_id TEXT NOT NULL REFERENCES athletes,
        role TEXT NOT NULL CHECK (role IN ('coach', 'view')),
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ, used_by TEXT REFERENCES people, cancelled_at TIMESTAMPTZ)""",
    """CREATE TABLE IF NOT EXISTS share_links (
        link_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,
        athlete_id TEXT NOT NULL REFERENCES athletes, label TEXT NOT NULL DEFAULT '',
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(), expires_at TIMESTAMPTZ,
        revoked_at TIMESTAMPTZ)""",
]


class InvalidLink(StridelogError):
    """An invitation or share link that does not open anything, with the reason in plain words."""


def new_token() -> str:
    """A fresh URL-safe token of 256 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class AthleteChoice:
    """An athlete a person may open, and in which role."""

    athlete_id: str
    name: str
    role: Role


@dataclass(frozen=True)
class GrantRow:
    person_id: str
    name: str
    email: str
    role: Role
    granted_at: dt.datetime


@dataclass(frozen=True)
class InvitationRow:
    token_hash: str
    role: Role
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    used_by: str | None
    cancelled_at: dt.datetime | None

    @property
    def state(self) -> str:
        if self.cancelled_at is not None:
            return "cancelled"
        if self.used_at is not None:
            return "used"
        if self.expires_at <= _now():
            return "expired"
        return "open"


@dataclass(frozen=True)
class ShareLinkRow:
    link_id: str
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= _now():
            return "expired"
        return "active"


class Accounts:
    """People, athletes, grants, invitations and share links of one hosted database."""

    def __init__(self, transaction: Transaction, migrate: bool = True) -> None:
        self._tx = transaction
        if migrate:
            with self._tx() as conn:
                # two servers starting at once must not race on CREATE TABLE
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('stridelog.accounts'))")
                for ddl in _DDL:
                    conn.execute(ddl)

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        with self._tx() as conn:
            yield conn

    # ---- people ---------------------------------------------------------------------------------
    def person(self, issuer: str, subject: str, email: str = "", name: str = "") -> Person:
        """The person the identity provider vouches for, created on first login.

        Also makes sure they own an athlete space of their own.
        """
        if not issuer or not subject:
            raise InvalidLink("the identity provider did not say who you are (no iss/sub)")
        display = name or email or "someone"
        with self._conn() as conn:
            row = conn.execute(
                "SELECT person_id FROM people WHERE issuer = %s AND subject = %s",
                [issuer, subject],
            ).fetchone()
            if row is None:
                person_id = secrets.token_hex(8)
                conn.execute(
                    "INSERT INTO people (person_id, issuer, subject, email, name) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (issuer, subject) DO NOTHING",
                    [person_id, issuer, subject, email, display],
                )
                row = conn.execute(
                    "SELECT person_id FROM people WHERE issuer = %s AND subject = %s",
                    [issuer, subject],
                ).fetchone()
            else:
                conn.execute(
                    "UPDATE people SET email = %s, name = %s WHERE person_id = %s",
                    [email, display, row[0]],
                )
            person_id = str(row[0])
            conn.execute(
                "INSERT INTO athletes (athlete_id, owner_id, name) VALUES (%s, %s, %s) "
                "ON CONFLICT (owner_id) DO NOTHING",
                [secrets.token_hex(8), person_id, display],
            )
        return Person(person_id, display, "user")

    def own_athlete(self, person: Person) -> AthleteChoice:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT athlete_id, name FROM athletes WHERE owner_id = %s", [person.person_id]
            ).fetchone()
        if row is None:
            raise InvalidLink("no athlete space for this person")
        return AthleteChoice(str(row[0]), str(row[1]), Role.OWNER)

    def choices(self, person: Person) -> list[AthleteChoice]:
        """The athletes this person may open: their own first, then those they coach or view."""
        with self._conn() as conn:
            rows = conn.execute(
                """SELECT a.athlete_id, a.name, 'owner' AS role, 0 AS k FROM athletes a
                   WHERE a.owner_id = %s
                   UNION ALL
                   SELECT a.athlete_id, a.name, g.role, 1 FROM grants g
                   JOIN athletes a USING (athlete_id) WHERE g.person_id = %s
                   ORDER BY k, name, athlete_id""",
                [person.person_id, person.person_id],
            ).fetchall()
        return [AthleteChoice(str(r[0]), str(r[1]), Role(r[2])) for r in rows]

    def access(self, person: Person, athlete_id: str) -> Access | None:
        """This person's access to that athlete right now, or None (checked on every rerun)."""
        for choice in self.choices(person):
            if choice.athlete_id == athlete_id:
                return Access(choice.athlete_id, choice.name, choice.role, person)
        return None

    def rename_athlete(self, access: Access, name: str) -> None:
        access.require("settings")
        name = name.strip()
        if not name:
            raise ValueError("a name cannot be empty")
        with self._conn() as conn:
            conn.execute(
                "UPDATE athletes SET name = %s WHERE athlete_id = %s",
                [name[:80], access.athlete_id],
            )

    # ---- invitations and grants -------------------------------------------------------------
    def invite(self, access: Access, role: Role, ttl: dt.timedelta = INVITATION_TTL) -> str:
        """A one-time invitation to ``access``'s athlete in ``role``; returns the token (once)."""
        access.require("share")
        if role not in (Role.COACH, Role.VIEW):
            raise ValueError("an invitation is for a coach or a viewer")
        token = new_token()
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO invitations (token_hash, athlete_id, role, expires_at) "
                "VALUES (%s, %s, %s, %s)",
                [token_hash(token), access.athlete_id, role.value, _now() + ttl],
            )
        return token

    def accept(self, person: Person, token: str) -> Access:
        """Redeem an invitation: the person gets its role on its athlete (one use only)."""
        with self._conn() as conn:
            row = conn.execute(
                """SELECT i.athlete_id, i.role, i.expires_at, i.used_at, i.cancelled_at,
                          a.owner_id, a.name
                   FROM invitations i JOIN athletes a USING (athlete_id)
                   WHERE i.token_hash = %s FOR UPDATE OF i""",
                [token_hash(token)],
            ).fetchone()
            if row is None:
                raise InvalidLink("this invitation does not exist (check that it was copied whole)")
            athlete_id, role, expires_at, used_at, cancelled_at, owner_id, name = row
            if cancelled_at is not None:
                raise InvalidLink("this invitation was withdrawn by the athlete")
            if used_at is not None:
                raise InvalidLink("this invitation has already been used")
            if expires_at <= _now():
                raise InvalidLink(f"this invitation expired on {expires_at:%Y-%m-%d %H:%M} UTC")
            if owner_id == person.person_id:
                raise InvalidLink("this is your own invitation: send it to your coach")
            conn.execute(
                "UPDATE invitations SET used_at = now(), used_by = %s WHERE token_hash = %s",
                [person.person_id, token_hash(token)],
            )
            conn.execute(
                "INSERT INTO grants (athlete_id, person_id, role) VALUES (%s, %s, %s) "
                "ON CONFLICT (athlete_id, person_id) DO UPDATE SET role = excluded.role, "
                "granted_at = now()",
                [athlete_id, person.person_id, role],
            )
        return Access(str(athlete_id), str(name), Role(role), person)

    def invitations(self, access: Access) -> list[InvitationRow]:
        access.require("share")
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT token_hash, role, created_at, expires_at, used_at, used_by, cancelled_at "
                "FROM invitations WHERE athlete_id = %s ORDER BY created_at DESC",
                [access.athlete_id],
            ).fetchall()
        return [InvitationRow(r[0], Role(r[1]), *r[2:]) for r in rows]

    def cancel_invitation(self, access: Access, invitation_hash: str) -> None:
        access.require("share")
        with self._conn() as conn:
            conn.execute(
                "UPDATE invitations SET cancelled_at = now() WHERE token_hash = %s "
                "AND athlete_id = %s AND used_at IS NULL",
                [invitation_hash, access.athlete_id],
            )

    def grants(self, access: Access) -> list[GrantRow]:
        """Who has access to this athlete besides the athlete."""
        access.require("share")
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT p.person_id, p.name, coalesce(p.email, ''), g.role, g.granted_at "
                "FROM grants g JOIN people p USING (person_id) WHERE g.athlete_id = %s "
                "ORDER BY g.granted_at",
                [access.athlete_id],
            ).fetchall()
        return [GrantRow(r[0], r[1], r[2], Role(r[3]), r[4]) for r in rows]

    def revoke(self, access: Access, person_id: str) -> bool:
        """End a person's access at once (their next rerun finds no grant)."""
        access.require("share")
        with self._conn() as conn:
            cur = conn.execute(
                "DELETE FROM grants WHERE athlete_id = %s AND person_id = %s",
                [access.athlete_id, person_id],
            )
            return bool(cur.rowcount)

    # ---- share links ------------------------------------------------------------------------
    def share(self, access: Access, label: str = "", expires_at: dt.datetime | None = None) -> str:
        """A read-only link to ``access``'s athlete; returns the token (shown once)."""
        access.require("share")
        if expires_at is not None and expires_at <= _now():
            raise ValueError("the expiry must lie in the future")
        token = new_token()
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO share_links (link_id, token_hash, athlete_id, label, expires_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                [secrets.token_hex(6), token_hash(token), access.athlete_id, label[:80],
                 expires_at],
            )  # fmt: skip
        return token

    def share_links(self, access: Access) -> list[ShareLinkRow]:
        access.require("share")
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT link_id, label, created_at, expires_at, revoked_at FROM share_links "
                "WHERE athlete_id = %s ORDER BY created_at DESC",
                [access.athlete_id],
            ).fetchall()
        return [ShareLinkRow(*r) for r in rows]

    def revoke_share_link(self, access: Access, link_id: str) -> None:
        access.require("share")
        with self._conn() as conn:
            conn.execute(
                "UPDATE share_links SET revoked_at = now() WHERE link_id = %s AND athlete_id = %s "
                "AND revoked_at IS NULL",
                [link_id, access.athlete_id],
            )

    def open_share_link(self, token: str) -> Access:
        """What a share link shows: one athlete, read-only; checked again on every rerun."""
        with self._conn() as conn:
            row = conn.execute(
                "SELECT s.link_id, s.athlete_id, a.name, s.expires_at, s.revoked_at "
                "FROM share_links s JOIN athletes a USING (athlete_id) WHERE s.token_hash = %s",
                [token_hash(token)],
            ).fetchone()
        if row is None:
            raise InvalidLink("this link does not exist (check that it was copied whole)")
        link_id, athlete_id, name, expires_at, revoked_at = row
        if revoked_at is not None:
            raise InvalidLink("the athlete has switched this link off")
        if expires_at is not None and expires_at <= _now():
            raise InvalidLink(f"this link expired on {expires_at:%Y-%m-%d %H:%M} UTC")
        viewer = Person(f"share:{link_id}", "someone with a share link", "share")
        return Access(str(athlete_id), str(name), Role.VIEW, viewer)
