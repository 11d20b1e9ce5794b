"""The hosted dashboard under AppTest: each role through the real pages, on a real PostgreSQL.

``at.user`` stands in for what ``st.login`` puts in ``st.user`` (the browser test does the real
OpenID round trip); everything behind it (accounts, grants, links, row-level security) is real.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import columns as c
from analysis.prepare import prepare_activity
from analysis.settings import AthleteSettings
from analysis.store.pg_accounts import Accounts
from tests.conftest import REPO
from tests.factories import run_activity

ISS = "http://127.0.0.1:9400"
PEOPLE = {
    "ann": ("Ann Athlete", "ann@example.com"),
    "bob": ("Bob Athlete", "bob@example.com"),
    "cat": ("Cat Coach", "cat@example.com"),
}


class Hosted:
    """One hosted database with accounts, and AppTests logged in as its people."""

    def __init__(self, dsn: str) -> None:
        from analysis.store.postgres_store import PostgresDatabase

        self.dsn = dsn
        self.db = PostgresDatabase(dsn)
        self.accounts = Accounts(self.db.admin_transaction)

    def person(self, who: str) -> Any:
        name, email = PEOPLE[who]
        return self.accounts.person(ISS, who, email, name)

    def athlete_id(self, who: str) -> str:
        return self.accounts.own_athlete(self.person(who)).athlete_id

    def fill(self, who: str, runs: int = 21) -> None:
        """Six weeks of runs every other day in that person's own athlete space."""
        store = self.db.athlete_store(self.athlete_id(who))
        for i in range(runs):
            day = pd.Timestamp("2026-09-01T06:00:00Z") + pd.Timedelta(days=2 * i)
            act = run_activity(name=f"{who}{i}.fit", start=day.isoformat(), n=120)
            digest = f"{who}{i:02d}".ljust(64, "0")
            store.add_file(digest, act.source_name, "fit", 1, [prepare_activity(act, digest, 0)])

    def app(self, who: str | None, **params: str) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        at.secrets["database_url"] = self.dsn
        at.secrets["auth"] = {
            "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
            "cookie_secret": "not-a-secret-but-a-test",
            "client_id": "stridelog",
            "client_secret": "test",
            "server_metadata_url": f"{ISS}/.well-known/openid-configuration",
        }
        if who is None:
            at.user = {"is_logged_in": False}
        else:
            name, email = PEOPLE[who]
            at.user = {"is_logged_in": True, "iss": ISS, "sub": who, "email": email, "name": name}
        for key, value in params.items():
            at.query_params[key] = value
        return at


@pytest.fixture
def hosted(pg_dsn: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[Hosted]:
    monkeypatch.setenv("STRIDELOG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("STRIDELOG_DATABASE_URL", raising=False)
    h = Hosted(pg_dsn)
    yield h
    h.db.close()


def _run(at: AppTest, page: str | None = None) -> AppTest:
    if page is None:
        at.run()
    else:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _forge(widget: Any) -> Any:
    """What a hand-made client can do: ignore the disabled flag and send the click anyway."""
    widget.proto.disabled = False
    return widget


def _texts(at: AppTest) -> str:
    parts = [el.value for kind in ("markdown", "caption", "info", "warning", "error", "success")
             for el in at.get(kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def test_nothing_is_reachable_before_login(hosted: Hosted) -> None:
    hosted.fill("ann")
    at = _run(hosted.app(None))
    assert at.title[0].value == "Stridelog"
    assert at.button(key="login").label == "Log in"
    assert not at.get("plotly_chart")
    assert not at.get("file_uploader")
    # naming a page, an athlete or a forged share token changes nothing
    at = _run(hosted.app(None, athlete=hosted.athlete_id("ann")), "pages/activities.py")
    assert not at.get("plotly_chart") and not at.get("dataframe")
    at = _run(hosted.app(None, share="forged-token"))
    assert at.title[0].value == "This link does not work"
    assert "does not exist" in _texts(at)


def test_an_athlete_sees_their_own_data_and_another_sees_none(hosted: Hosted) -> None:
    hosted.fill("ann")
    ann = _run(hosted.app("ann"))
    assert len(ann.get("plotly_chart")) >= 2
    assert ann.get("file_uploader"), "the owner uploads"
    assert ann.query_params["athlete"] == hosted.athlete_id("ann")
    bob = _run(hosted.app("bob"))
    assert not bob.get("plotly_chart")
    assert "No activities yet" in _texts(bob)
    # Bob names Ann in the URL: refused, back to his own (empty) data
    bob = _run(hosted.app("bob", athlete=hosted.athlete_id("ann")), "pages/activities.py")
    assert "no longer have access" in _texts(bob)
    assert not bob.get("dataframe")
    assert bob.query_params["athlete"] == hosted.athlete_id("bob")
    roster = _run(hosted.app("bob"), "pages/athletes.py")
    assert "No athletes yet" in _texts(roster)


def _invite(hosted: Hosted, role: str = "coach") -> str:
    ann = _run(hosted.app("ann"), "pages/share.py")
    ann.radio(key="invite_role").set_value(ann.radio(key="invite_role").options[0]).run()
    if role == "view":
        ann.radio(key="invite_role").set_value(ann.radio(key="invite_role").options[1]).run()
    ann.button(key="invite_create").click().run()
    assert not ann.exception, ann.exception
    token = ann.session_state["new_invite"]
    assert f"?invite={token}" in "\n".join(el.value for el in ann.get("code"))
    return str(token)


def test_a_coach_is_invited_sees_the_roster_and_writes_only_plan_and_comments(
    hosted: Hosted,
) -> None:
    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    token = _invite(hosted)
    cat = _run(hosted.app("cat", invite=token))
    assert "You now have coach" in _texts(cat)
    assert cat.query_params["athlete"] == ann_id
    assert not cat.get("file_uploader"), "a coach never uploads"

    roster = _run(hosted.app("cat"), "pages/athletes.py")
    table = roster.dataframe[0].value
    assert table[c.NAME].tolist() == ["Ann Athlete"]
    assert "week_distance_km" in table.columns

    # the plan: the coach writes a comment on a week, the athlete sees it with author and time
    plan = _run(hosted.app("cat", athlete=ann_id), "pages/plan.py")
    assert "Only the athlete and their coach" not in _texts(plan), "the coach edits the plan"
    plan.text_area(key="comment_text_week").input("Keep Tuesday easy, please")
    plan.button(key="comment_save_week").click().run()
    assert not plan.exception, plan.exception
    store = hosted.db.athlete_store(ann_id)
    assert store.comments("week")["author"].tolist() == ["Cat Coach"]
    seen = _run(hosted.app("ann"), "pages/plan.py")
    assert "Keep Tuesday easy, please" in [el.value for el in seen.get("text")]
    assert "Cat Coach" in _texts(seen)

    # forged clicks on the disabled buttons change nothing
    acts = _run(hosted.app("cat", athlete=ann_id), "pages/activities.py")
    assert acts.button(key="activity_delete").disabled
    before = store.activity_count()
    _forge(acts.button(key="activity_delete")).click().run()
    assert store.activity_count() == before
    settings = _run(hosted.app("cat", athlete=ann_id), "pages/settings.py")
    assert settings.button(key="settings_save").disabled
    settings.radio(key="set_units").set_value("mi")
    _forge(settings.button(key="settings_save")).click().run()
    assert store.load_settings() == AthleteSettings()

    # the athlete revokes the coach: the coach's next run has lost access
    ann = _run(hosted.app("ann"), "pages/share.py")
    cat_id = hosted.person("cat").person_id
    ann.button(key=f"revoke_{cat_id}").click().run()
    assert not ann.exception, ann.exception
    again = _run(hosted.app("cat", athlete=ann_id))
    assert "no longer have access" in _texts(again)
    assert again.query_params["athlete"] == hosted.athlete_id("cat")
    roster = _run(hosted.app("cat"), "pages/athletes.py")
    assert "No athletes yet" in _texts(roster)


def test_a_page_that_forgets_a_check_is_refused_by_the_store(
    hosted: Hosted, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with every write widget live for everyone, the server still refuses."""
    from pages import _common

    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    token = _invite(hosted)
    _run(hosted.app("cat", invite=token))
    monkeypatch.setattr(_common.Source, "can", lambda self, action: True)
    monkeypatch.setattr(_common, "may", lambda action: True)
    store = hosted.db.athlete_store(ann_id)
    before = store.activity_count()

    acts = _run(hosted.app("cat", athlete=ann_id), "pages/activities.py")
    assert not acts.button(key="activity_delete").disabled
    acts.button(key="activity_delete").click().run()
    assert "Not allowed: Cat Coach (coach) may not delete activities" in _texts(acts)
    acts.button(key="activity_rpe_save").click().run()
    assert "may not rate sessions" in _texts(acts)
    settings = _run(hosted.app("cat", athlete=ann_id), "pages/settings.py")
    settings.radio(key="set_units").set_value("mi")
    settings.button(key="settings_save").click().run()
    assert "may not change the athlete's settings" in _texts(settings)
    recovery = _run(hosted.app("cat", athlete=ann_id), "pages/recovery.py")
    recovery.button(key="well_save").click().run()
    assert "may not write the wellness log" in _texts(recovery)
    assert store.activity_count() == before
    assert store.activities()[c.RPE].isna().all()
    assert store.load_settings() == AthleteSettings()
    assert store.wellness().empty
    # and the upload widget, live by mistake, imports nothing
    home = _run(hosted.app("cat", athlete=ann_id))
    assert home.get("file_uploader")


def test_a_share_link_shows_one_athlete_read_only_until_switched_off(hosted: Hosted) -> None:
    hosted.fill("ann")
    hosted.fill("bob", runs=3)
    ann = _run(hosted.app("ann"), "pages/share.py")
    ann.text_input(key="share_label").input("for my physio")
    ann.button(key="share_create").click().run()
    assert not ann.exception, ann.exception
    token = ann.session_state["new_share"]

    viewer = _run(hosted.app(None, share=token))
    assert len(viewer.get("plotly_chart")) >= 2
    assert not viewer.get("file_uploader")
    assert "read-only through a share link" in _texts(viewer)
    settings = _run(viewer, "pages/settings.py")
    assert settings.button(key="settings_save").disabled
    # the link names one athlete: asking for another changes nothing
    acts = _run(
        hosted.app(None, share=token, athlete=hosted.athlete_id("bob")), "pages/activities.py"
    )
    table = acts.dataframe[0].value
    assert all(name.startswith("ann") for name in table[c.SOURCE_NAME])

    ann = _run(hosted.app("ann"), "pages/share.py")
    ann.button(key="unshare").click().run()
    assert not ann.exception, ann.exception
    viewer.run()  # the open tab's next rerun
    assert viewer.title[0].value == "This link does not work"
    assert "switched this link off" in _texts(viewer)
    assert not viewer.get("plotly_chart")


def test_the_roster_lists_every_coached_athlete_in_the_coachs_unit(hosted: Hosted) -> None:
    from analysis.access import Role

    hosted.fill("ann")
    hosted.fill("bob", runs=3)
    cat = hosted.person("cat")
    for who, role in (("ann", Role.COACH), ("bob", Role.VIEW)):
        owner = hosted.accounts.access(hosted.person(who), hosted.athlete_id(who))
        assert owner is not None
        hosted.accounts.accept(cat, hosted.accounts.invite(owner, role))
    hosted.db.athlete_store(hosted.athlete_id("cat")).save_settings(AthleteSettings(units="mi"))

    roster = _run(hosted.app("cat"), "pages/athletes.py")
    table = roster.dataframe[0].value
    assert sorted(table[c.NAME]) == ["Ann Athlete", "Bob Athlete"]
    assert dict(zip(table[c.NAME], table["role"], strict=True)) == {
        "Ann Athlete": "coach",
        "Bob Athlete": "view",
    }
    assert "week_distance_mi" in table.columns and "week_distance_km" not in table.columns
    # the switcher lists the coach's own space first, then the athletes; it follows the URL
    home = _run(hosted.app("cat", athlete=hosted.athlete_id("bob")))
    switch = home.selectbox(key="athlete_switch")
    assert switch.value == hosted.athlete_id("bob")
    assert switch.options[0].endswith("· you")
    switch.set_value(hosted.athlete_id("ann")).run()
    assert home.query_params["athlete"] == hosted.athlete_id("ann")
    assert "You see Ann Athlete's data as **coach**." in _texts(home)


def test_a_viewer_sets_no_race_block_or_shoe_even_with_forged_or_live_widgets(
    hosted: Hosted, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pages import _common

    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    token = _invite(hosted, "view")
    _run(hosted.app("bob", invite=token))
    store = hosted.db.athlete_store(ann_id)
    store.add_race("2027-02-28", 21.0975, None, "Winter half")
    rev = store.revision()

    # disabled widgets, clicked by a hand-made client anyway
    race = _run(hosted.app("bob", athlete=ann_id), "pages/race.py")
    assert race.button(key="race_add").disabled and race.button(key="block_add").disabled
    race.number_input(key="race_start_km").set_value(30.0).run()
    assert race.button(key="race_accept").disabled
    _forge(race.button(key="race_accept")).click().run()
    _forge(race.button(key="race_add")).click().run()
    gear = _run(hosted.app("bob", athlete=ann_id), "pages/gear.py")
    assert gear.button(key="shoe_add").disabled
    _forge(gear.text_input(key="shoe_name")).set_value("Forged")
    _forge(gear.button(key="shoe_add")).click().run()
    assert store.revision() == rev
    assert len(store.races()) == 1 and store.blocks().empty and store.shoes().empty
    assert store.plan().empty

    # a page that forgot to disable them: the store refuses, and says so
    monkeypatch.setattr(_common.Source, "can", lambda self, action: True)
    race = _run(hosted.app("bob", athlete=ann_id), "pages/race.py")
    race.number_input(key="race_start_km").set_value(30.0).run()
    race.button(key="race_accept").click().run()
    assert "Not allowed: Bob Athlete (view) may not write the plan" in _texts(race)
    race.button(key="block_add").click().run()
    assert "may not change goal races or training blocks" in _texts(race)
    gear = _run(hosted.app("bob", athlete=ann_id), "pages/gear.py")
    gear.text_input(key="shoe_name").set_value("Forged")
    gear.button(key="shoe_add").click().run()
    assert "may not change the shoes" in _texts(gear)
    assert store.revision() == rev
    assert store.blocks().empty and store.shoes().empty and store.plan().empty


def test_a_coach_accepts_a_proposed_plan_but_does_not_change_the_shoes(hosted: Hosted) -> None:
    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    token = _invite(hosted)
    _run(hosted.app("cat", invite=token))
    store = hosted.db.athlete_store(ann_id)
    store.add_race("2027-02-28", 21.0975, 5700.0, "Winter half")
    race = _run(hosted.app("cat", athlete=ann_id), "pages/race.py")
    race.number_input(key="race_start_km").set_value(30.0).run()
    assert not race.button(key="race_accept").disabled
    race.button(key="race_accept").click().run()
    assert not race.exception, race.exception
    assert len(store.plan()) > 0 and store.blocks()[c.BLOCK_KIND].iloc[-1] == "taper"
    gear = _run(hosted.app("cat", athlete=ann_id), "pages/gear.py")
    assert gear.button(key="shoe_add").disabled
    assert "Only the athlete changes the shoes." in _texts(gear)


def test_a_coach_cannot_write_the_session_or_pain_log(
    hosted: Hosted, monkeypatch: pytest.MonkeyPatch
) -> None:
    hosted.fill("ann")
    ann_id = hosted.athlete_id("ann")
    store = hosted.db.athlete_store(ann_id)
    store.add_session("2026-10-05", c.SPORT_STRENGTH, 30.0, 5.0)  # inside the 12-week period
    store.add_pain("2026-10-06", "knee", "left", 2.0, "after running")
    token = _invite(hosted)
    _run(hosted.app("cat", invite=token))
    save_session = "FormSubmitter:strength_form-Save the session"
    save_pain = "FormSubmitter:pain_form-Save"
    # the pages disable the forms (and offer no delete) for the coach, who still reads both logs
    page = _run(hosted.app("cat", athlete=ann_id), "pages/strength.py")
    assert page.button(key=save_session).disabled
    assert "Only the athlete logs their sessions" in _texts(page)
    _forge(page.button(key=save_session)).click().run()
    pains = _run(hosted.app("cat", athlete=ann_id), "pages/pain.py")
    assert pains.button(key=save_pain).disabled
    _forge(pains.button(key=save_pain)).click().run()
    # a page that forgot its check: the store refuses on the server
    from pages import _common

    monkeypatch.setattr(_common.Source, "can", lambda self, action: True)
    page = _run(hosted.app("cat", athlete=ann_id), "pages/strength.py")
    page.button(key=save_session).click().run()
    assert "may not log strength and mobility sessions" in _texts(page)
    page.button(key="strength_delete").click().run()
    pains = _run(hosted.app("cat", athlete=ann_id), "pages/pain.py")
    pains.button(key=save_pain).click().run()
    assert "may not write the pain log" in _texts(pains)
    pains.button(key="pain_delete").click().run()
    assert len(store.sessions()) == 1 and len(store.pain_log()) == 1
