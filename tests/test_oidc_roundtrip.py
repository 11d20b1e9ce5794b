"""A real OpenID Connect login round trip: st.login() against a real provider, in Chromium.

The page is a throwaway script, not the dashboard: it proves the harness (provider,
secrets, server, browser steps) that the hosted dashboard's tests log people in with.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM_ARGS, free_port, require_chromium
from tests.oidc_support import auth_secrets, hosted_streamlit_server, login, logout, oidc_provider

pytestmark = pytest.mark.browser

PROBE = """\
import streamlit as st

if not st.user.is_logged_in:
    if st.button("Log in", key="login"):
        st.login()
else:
    st.text(f"iss={st.user.iss}")
    st.text(f"sub={st.user.sub}")
    st.text(f"email={st.user.email}")
    st.text(f"name={st.user.name}")
    if st.button("Log out", key="logout"):
        st.logout()
"""

ATHLETE_A = ("athlete-a", "a@example.org", "Athlete A")
ATHLETE_B = ("athlete-b", "b@example.org", "Athlete B")
COACH_C = ("coach-c", "c@example.org", "Coach C")
WAIT_MS = 30_000


def _shows(page, issuer: str, person: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sub, email, name = person
    expect(page.locator('[data-testid="stText"]')).to_have_text(
        [f"iss={issuer}", f"sub={sub}", f"email={email}", f"name={name}"], timeout=WAIT_MS
    )
    assert page.locator('[data-testid="stException"]').count() == 0


def _logged_out(page) -> None:  # type: ignore[no-untyped-def]
    page.locator(".st-key-login button").wait_for(timeout=WAIT_MS)
    assert page.locator('[data-testid="stText"]').count() == 0
    assert page.locator(".st-key-logout").count() == 0


def test_people_log_in_through_the_provider_each_in_their_own_browser(tmp_path: Path) -> None:
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    script = tmp_path / "login_probe.py"
    script.write_text(PROBE)
    port = free_port()
    with (
        oidc_provider(tmp_path) as provider,
        hosted_streamlit_server(
            tmp_path, auth_secrets(provider, port), port=port, script=script
        ) as base,
        sync_playwright() as pw,
    ):
        assert provider.issuer != base
        provider.add_user(*COACH_C)
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page_a = browser.new_context().new_page()
            page_b = browser.new_context().new_page()
            page_a.goto(base)
            _logged_out(page_a)

            login(page_a, base, *ATHLETE_A)
            login(page_b, base, *ATHLETE_B)
            _shows(page_a, provider.issuer, ATHLETE_A)
            _shows(page_b, provider.issuer, ATHLETE_B)

            # the login lives in each browser's cookie: a new session keeps its own person
            page_a.reload()
            _shows(page_a, provider.issuer, ATHLETE_A)

            logout(page_a)
            _logged_out(page_a)
            page_a.reload()
            _logged_out(page_a)
            page_b.reload()
            _shows(page_b, provider.issuer, ATHLETE_B)

            # someone else at the same browser after a logout is that someone else
            login(page_a, base, *COACH_C)
            _shows(page_a, provider.issuer, COACH_C)
            logout(page_b)
            _logged_out(page_b)
            page_a.reload()
            _shows(page_a, provider.issuer, COACH_C)
        finally:
            browser.close()
