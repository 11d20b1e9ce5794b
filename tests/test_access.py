"""The access layer: roles, the guarded store, and hosted accounts (a real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis import columns as c
from analysis.access import ACTIONS, Access, GuardedStore, Person, Role, local_access
from analysis.errors import AccessDenied
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store import AthleteStore, Store
from analysis.store.contract import BatchStore, NewFile
from analysis.store.pg_accounts import Accounts, InvalidLink, token_hash
from tests.factories import run_activity

H1 = "1" * 64
COACH = Person("p-coach", "Coach C")


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "a.duckdb")
    act = run_activity()
    store.add_file(H1, "run.fit", "fit", 1, [prepare_activity(act, H1, 0)])
    return store


def test_the_role_table_is_what_the_issue_says() -> None:
    owner_only = {
        "upload", "delete", "settings", "rules", "wellness", "rpe", "share", "gear", "sessions",
        "pain",
    }  # fmt: skip
    for action in owner_only:
        assert ACTIONS[action] == {Role.OWNER}
    assert ACTIONS["plan"] == ACTIONS["comment"] == ACTIONS["race"] == {Role.OWNER, Role.COACH}
    assert not any(Role.VIEW in roles for roles in ACTIONS.values())
    with pytest.raises(ValueError):
        local_access().allows("launch")


@pytest.mark.parametrize("role", [Role.COACH, Role.VIEW])
def test_a_guarded_store_refuses_every_owner_write(tmp_path: Path, role: Role) -> None:
    raw = _store(tmp_path)
    guarded = GuardedStore(raw, Access("a", "Athlete A", role, COACH))
    assert isinstance(guarded, AthleteStore)
    aid = raw.activities()[c.ACTIVITY_ID].iloc[0]
    session = raw.add_session("2026-08-31", c.SPORT_MOBILITY, 20.0)
    pain = raw.add_pain("2026-08-31", "calf", "right", 2.0, "during running")
    before = raw.revision()
    attempts: list[tuple[str, Any]] = [
        ("delete_activity", (aid,)),
        ("set_rpe", (aid, 5.0)),
        ("save_settings", (AthleteSettings(units="mi"),)),
        ("set_meta", ("decision_rules", "[]")),
        ("upsert_wellness", (pd.DataFrame({c.DATE: ["2026-09-01"], c.SLEEP_H: [8.0]}),)),
        ("delete_wellness", ("2026-09-01",)),
        ("add_file", ("2" * 64, "x.fit", "fit", 1, [])),
        ("add_files", ([NewFile("2" * 64, "x.fit", "fit", 1, [])],)),
        ("apply_export_metadata", ([(aid, "renamed", None, None, None, None)],)),
        ("add_session", ("2026-09-01", c.SPORT_STRENGTH, 30.0, 6.0)),
        ("delete_session", (session,)),
        ("add_pain", ("2026-09-01", "knee", "left", 3.0, "after running")),
        ("delete_pain", (pain,)),
    ]
    for method, args in attempts:
        with pytest.raises(AccessDenied):
            getattr(guarded, method)(*args)
    assert raw.revision() == before
    assert raw.activity_count() == 1
    assert raw.load_settings().units == "km"
    assert list(raw.sessions()[c.SESSION_ID]) == [session]
    assert list(raw.pain_log()[c.PAIN_ID]) == [pain]
    # reads pass; an unknown attribute does not leak the raw store
    assert guarded.activity_count() == 1
    with pytest.raises(AttributeError):
        guarded._store_cursor  # noqa: B018


def test_the_owners_upload_goes_through_the_guard_in_batches(tmp_path: Path) -> None:
    """The dashboard's import stores a batch in one transaction through the access layer, as the
    command line does; the batch is checked once, as an upload."""
    raw = _store(tmp_path)
    guarded = GuardedStore(raw, local_access())
    assert isinstance(guarded, BatchStore)
    act = run_activity(name="b.fit", start="2026-09-03T06:00:00Z")
    rec = prepare_activity(act, "3" * 64, 0)
    before = raw.activity_count()
    results = guarded.add_files([NewFile("3" * 64, "b.fit", "fit", 1, [rec])])
    assert len(results) == 1 and raw.activity_count() == before + 1


def test_a_coach_writes_the_plan_and_comments_a_viewer_does_not(tmp_path: Path) -> None:
    raw = _store(tmp_path)
    plan = pd.DataFrame({c.WEEK_START: ["2026-09-07"], c.PLAN_DISTANCE_KM: [40.0]})
    coach = GuardedStore(raw, Access("a", "A", Role.COACH, COACH))
    assert coach.upsert_plan(plan) == 1
    cid = coach.add_comment("week", "2026-09-07", "Coach C", "Keep Tuesday easy")
    assert raw.comments()["body"].tolist() == ["Keep Tuesday easy"]
    viewer = GuardedStore(raw, Access("a", "A", Role.VIEW, COACH))
    with pytest.raises(AccessDenied):
        viewer.upsert_plan(plan)
    with pytest.raises(AccessDenied):
        viewer.add_comment("week", "2026-09-07", "x", "y")
    with pytest.raises(AccessDenied):
        viewer.delete_comment(cid)
    assert len(raw.comments()) == 1


def test_a_coach_writes_races_and_blocks_only_the_owner_writes_shoes(tmp_path: Path) -> None:
    raw = _store(tmp_path)
    shoe = raw.add_shoe("Pegasus", None, 700.0, False, "typed")
    coach = GuardedStore(raw, Access("a", "A", Role.COACH, COACH))
    race = coach.add_race("2026-10-04", 21.1, 5400.0, "Half")
    block = coach.add_block("2026-09-21", "2026-10-04", "taper", None)
    assert coach.update_race(race, "2026-10-04", 21.0975, 5400.0, "Half")
    viewer = GuardedStore(raw, Access("a", "A", Role.VIEW, COACH))
    before = raw.revision()
    for store, method, args in (
        (coach, "add_shoe", ("Clifton", None, None, False, "typed")),
        (coach, "update_shoe", (shoe, "x", None, None, True, "typed")),
        (coach, "delete_shoe", (shoe,)),
        (viewer, "add_race", ("2026-11-01", 10.0, None, None)),
        (viewer, "update_race", (race, "2026-11-01", 10.0, None, None)),
        (viewer, "delete_race", (race,)),
        (viewer, "add_block", ("2026-11-01", "2026-11-02", "base", None)),
        (viewer, "update_block", (block, "2026-11-01", "2026-11-02", "base", None)),
        (viewer, "delete_block", (block,)),
        (viewer, "add_shoe", ("x", None, None, False, "typed")),
    ):
        with pytest.raises(AccessDenied):
            getattr(store, method)(*args)
    assert raw.revision() == before
    assert raw.shoes()[c.NAME].tolist() == ["Pegasus"]
    assert viewer.races()[c.DISTANCE_KM].tolist() == [21.0975]


# ---- hosted accounts, on a real PostgreSQL -------------------------------------------------------


@pytest.fixture
def accounts(pg_dsn: str) -> Accounts:
    import psycopg

    @contextmanager
    def transaction() -> Iterator[Any]:
        with psycopg.connect(pg_dsn) as conn, conn.transaction():
            yield conn

    return Accounts(transaction)


ISS = "http://127.0.0.1:9400"


def test_a_person_is_their_issuer_and_subject_not_their_name(accounts: Accounts) -> None:
    a1 = accounts.person(ISS, "sub-a", "a@example.com", "Ann")
    a2 = accounts.person(ISS, "sub-a", "ann@example.com", "Ann Changed")
    other_issuer = accounts.person("http://other", "sub-a", "a@example.com", "Ann")
    impostor = accounts.person(ISS, "sub-x", "a@example.com", "Ann")
    assert a1.person_id == a2.person_id
    assert len({a1.person_id, other_issuer.person_id, impostor.person_id}) == 3
    own = accounts.own_athlete(a1)
    assert own.role is Role.OWNER
    assert [ch.athlete_id for ch in accounts.choices(impostor)] != [own.athlete_id]
    assert accounts.access(impostor, own.athlete_id) is None
    with pytest.raises(InvalidLink):
        accounts.person("", "sub")


def test_invitation_is_one_time_expires_and_revocation_is_immediate(accounts: Accounts) -> None:
    ann = accounts.person(ISS, "ann", name="Ann")
    coach = accounts.person(ISS, "coach", name="Cat")
    bob = accounts.person(ISS, "bob", name="Bob")
    mine = accounts.access(ann, accounts.own_athlete(ann).athlete_id)
    assert mine is not None
    token = accounts.invite(mine, Role.COACH)
    assert len(token) >= 43  # 256 bits, URL-safe base64
    with pytest.raises(InvalidLink, match="your own invitation"):
        accounts.accept(ann, token)
    got = accounts.accept(coach, token)
    assert (got.athlete_id, got.role) == (mine.athlete_id, Role.COACH)
    with pytest.raises(InvalidLink, match="already been used"):
        accounts.accept(bob, token)
    assert accounts.access(bob, mine.athlete_id) is None
    assert [g.name for g in accounts.grants(mine)] == ["Cat"]
    # the coach may not invite others or see the grants
    with pytest.raises(AccessDenied):
        accounts.invite(got, Role.VIEW)
    with pytest.raises(AccessDenied):
        accounts.grants(got)
    assert accounts.revoke(mine, coach.person_id)
    assert accounts.access(coach, mine.athlete_id) is None
    expired = accounts.invite(mine, Role.VIEW, ttl=dt.timedelta(seconds=-1))
    with pytest.raises(InvalidLink, match="expired"):
        accounts.accept(bob, expired)
    withdrawn = accounts.invite(mine, Role.VIEW)
    accounts.cancel_invitation(mine, token_hash(withdrawn))
    with pytest.raises(InvalidLink, match="withdrawn"):
        accounts.accept(bob, withdrawn)
    with pytest.raises(InvalidLink, match="does not exist"):
        accounts.accept(bob, "not-a-token")
    states = sorted(inv.state for inv in accounts.invitations(mine))
    assert states == ["cancelled", "expired", "used"]


def test_tokens_are_stored_hashed_only(accounts: Accounts, pg_dsn: str) -> None:
    import psycopg

    ann = accounts.person(ISS, "ann", name="Ann")
    mine = accounts.access(ann, accounts.own_athlete(ann).athlete_id)
    assert mine is not None
    invite = accounts.invite(mine, Role.VIEW)
    link = accounts.share(mine, "for the physio")
    with psycopg.connect(pg_dsn) as conn:
        dump = " ".join(
            str(row)
            for table in ("invitations", "share_links")
            for row in conn.execute(f"SELECT * FROM {table}").fetchall()
        )
    assert invite not in dump and link not in dump
    assert token_hash(invite) in dump and token_hash(link) in dump


def test_share_link_is_read_only_expires_and_revokes(accounts: Accounts) -> None:
    ann = accounts.person(ISS, "ann", name="Ann")
    mine = accounts.access(ann, accounts.own_athlete(ann).athlete_id)
    assert mine is not None
    token = accounts.share(mine, "physio")
    seen = accounts.open_share_link(token)
    assert (seen.athlete_id, seen.role, seen.person.kind) == (mine.athlete_id, Role.VIEW, "share")
    assert not any(seen.allows(action) for action in ACTIONS)
    (link,) = accounts.share_links(mine)
    assert link.state == "active" and link.label == "physio"
    accounts.revoke_share_link(mine, link.link_id)
    with pytest.raises(InvalidLink, match="switched this link off"):
        accounts.open_share_link(token)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    short = accounts.share(mine, expires_at=soon)
    assert accounts.open_share_link(short).athlete_id == mine.athlete_id
    with pytest.raises(ValueError):
        accounts.share(mine, expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    with pytest.raises(InvalidLink, match="does not exist"):
        accounts.open_share_link(token + "x")
