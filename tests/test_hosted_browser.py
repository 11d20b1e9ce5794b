"""The hosted dashboard end to end: a real OpenID provider, two real servers, one PostgreSQL.

Three people log in through ``st.login`` in their own Chromium contexts: athlete A uploads a FIT
file, athlete B sees none of it, A invites coach C, who reads A's pages and writes a comment but
cannot upload, delete or change settings, A revokes C, and a share link opens A's pages to a
browser with no login until A switches it off. The two servers share the database, as two
machines behind a load balancer would.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from tests.browser_support import CHROMIUM_ARGS, free_port, require_chromium
from tests.conftest import CORPUS, REPO
from tests.oidc_support import auth_secrets, hosted_streamlit_server, login, oidc_provider

pytestmark = pytest.mark.browser

WAIT = 60_000


def _fit_file() -> Path:
    real = CORPUS / "fit" / "sportslib__fit_2067489619.fit"
    return real if real.is_file() else sorted((REPO / "sample_data" / "demo").glob("*.fit"))[0]


def _nav(page: Any, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
    page.get_by_role("heading", name=title).first.wait_for(timeout=WAIT)


def _button(page: Any, key: str) -> Any:
    return page.locator(f".st-key-{key} button")


def _count_activities(dsn: str) -> int:
    import psycopg

    # as the database owner would see it: a superuser bypasses row-level security
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM activities").fetchone()
    return int(row[0]) if row else 0


def test_three_people_two_servers_one_database(pg: Any, tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    database = pg.create_database("hosted")
    dsn = pg.dsn(database)
    admin_dsn = pg.admin_dsn.rsplit("/", 1)[0] + f"/{database}"
    env = {"STRIDELOG_DATABASE_URL": dsn, "STRIDELOG_NO_DEMO": "1"}
    cookie = secrets.token_urlsafe(32)  # one secret for both servers: a login holds on either
    with oidc_provider(tmp_path) as provider, sync_playwright() as pw:
        p1, p2 = free_port(), free_port()
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        with (
            hosted_streamlit_server(tmp_path, auth_secrets(provider, p1, cookie), env, p1) as s1,
            hosted_streamlit_server(tmp_path, auth_secrets(provider, p2, cookie), env, p2) as s2,
        ):
            ann = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            bob = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            cat = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            anyone = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()

            # before login nothing but the login page
            anyone.goto(f"{s1}/activities")
            _button(anyone, "login").wait_for(timeout=WAIT)
            assert anyone.locator('[data-testid="stFileUploader"]').count() == 0
            assert anyone.locator('[data-testid="stSidebarNav"]').count() == 0

            # A logs in on server 1 and uploads through Streamlit's real upload path
            login(ann, s1, "ann", "ann@example.com", "Ann Athlete")
            ann.get_by_text("No activities yet").first.wait_for(timeout=WAIT)
            uploader = ann.locator('[data-testid="stFileUploader"] input[type="file"]').first
            uploader.set_input_files(str(_fit_file()))
            ann.get_by_text("Imported 1 activities from 1 files").wait_for(timeout=120_000)
            ann.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=WAIT)
            assert _count_activities(admin_dsn) == 1

            # B logs in on server 2: none of A's data, and no one on the roster
            login(bob, s2, "bob", "bob@example.com", "Bob Athlete")
            bob.get_by_text("No activities yet").first.wait_for(timeout=WAIT)
            assert bob.locator('[data-testid="stPlotlyChart"]').count() == 0
            _nav(bob, "Athletes")
            bob.get_by_text("No athletes yet").wait_for(timeout=WAIT)

            # A invites a coach
            _nav(ann, "Report & sharing")
            _button(ann, "invite_create").click()
            code = ann.locator('[data-testid="stCode"]').first
            code.wait_for(timeout=WAIT)
            link = code.inner_text().strip()
            token = re.search(r"invite=([\w-]+)", link)
            assert token, link

            # C logs in on server 2 and opens the invitation there
            login(cat, s2, "cat", "cat@example.com", "Cat Coach")
            cat.goto(f"{s2}/?invite={token.group(1)}")
            cat.get_by_text("You now have coach").wait_for(timeout=WAIT)
            cat.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=WAIT)
            assert cat.locator('[data-testid="stFileUploader"]').count() == 0
            _nav(cat, "Athletes")
            cat.get_by_text("Ann Athlete").first.wait_for(timeout=WAIT)
            _nav(cat, "Plan")
            cat.locator(".st-key-comment_text_week textarea").fill("Easy on Tuesday, please")
            _button(cat, "comment_save_week").click()
            cat.get_by_text("Easy on Tuesday, please").first.wait_for(timeout=WAIT)
            _nav(cat, "Settings")
            assert _button(cat, "settings_save").is_disabled()
            _nav(cat, "Activities")
            cat.get_by_text("Delete this activity").click()
            delete = _button(cat, "activity_delete")
            assert delete.is_disabled()
            # a hand-edited page: enable the button in the DOM and press it anyway
            delete.evaluate("b => { b.disabled = false; b.removeAttribute('disabled'); }")
            delete.click(force=True)
            cat.wait_for_timeout(1500)
            assert _count_activities(admin_dsn) == 1

            # A sees the coach's comment on the Plan page, with the author
            _nav(ann, "Plan")
            ann.get_by_text("Easy on Tuesday, please").first.wait_for(timeout=WAIT)
            ann.get_by_text("Cat Coach").first.wait_for(timeout=WAIT)

            # A revokes C; C's next rerun has lost access
            _nav(ann, "Report & sharing")
            ann.get_by_text("Cat Coach").first.wait_for(timeout=WAIT)
            ann.locator('[class*="st-key-revoke_"] button').first.click()
            ann.get_by_text("Nobody but you.").wait_for(timeout=WAIT)
            _nav(cat, "Overview")
            cat.get_by_text("no longer have access").wait_for(timeout=WAIT)
            _nav(cat, "Athletes")
            cat.get_by_text("No athletes yet").wait_for(timeout=WAIT)

            # a read-only link for a browser with no login, until A switches it off
            _nav(ann, "Report & sharing")
            ann.locator(".st-key-share_label input").fill("for the physio")
            _button(ann, "share_create").click()
            shown = ann.locator('[data-testid="stCode"]', has_text="share=").first
            shown.wait_for(timeout=WAIT)
            share = re.search(r"share=([\w-]+)", shown.inner_text())
            assert share, shown.inner_text()
            anyone.goto(f"{s2}/?share={share.group(1)}")
            anyone.get_by_text("read-only through a share link").wait_for(timeout=WAIT)
            anyone.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=WAIT)
            assert anyone.locator('[data-testid="stFileUploader"]').count() == 0
            _nav(anyone, "Mileage")
            _button(ann, "unshare").click()
            _button(ann, "unshare").wait_for(state="detached", timeout=WAIT)  # no live link left
            # the open tab's next rerun
            anyone.locator('[data-testid="stSidebarNav"] a', has_text="Overview").first.click()
            anyone.get_by_text("This link does not work").wait_for(timeout=WAIT)
            assert anyone.locator('[data-testid="stPlotlyChart"]').count() == 0
            assert anyone.locator('[data-testid="stException"]').count() == 0
        browser.close()
    pg.drop_database(database)
