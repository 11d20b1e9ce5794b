"""A real OpenID provider on a loopback port, a Streamlit server logging in through it, and
the browser steps of a login round trip.

The provider is oidc-provider-mock in its own process: any client id and secret are
accepted, any redirect URI is allowed, and the authorization page is a form asking for a
subject (`sub`). Claims registered for a subject beforehand go into its ID token.

Everything speaks of one host, 127.0.0.1: the issuer is whatever host the provider was
reached by, and Streamlit only trusts its login cookie on a WebSocket whose Origin is the
origin of `redirect_uri`, so the browser must open the app at that very origin.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser_support import free_port, streamlit_server

HOST = "127.0.0.1"
CLIENT_ID = "stridelog-tests"
CLIENT_SECRET = "stridelog-tests-secret"  # the mock accepts any client id and secret
START_TIMEOUT_S = 30
STEP_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class OidcProvider:
    """A running provider: its issuer (base URL) and how to give a subject its claims."""

    issuer: str

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def add_user(self, sub: str, email: str, name: str) -> None:
        """Register the claims the ID token for `sub` will carry (scopes `email`, `profile`)."""
        register_user(self.issuer, sub, {"email": email, "name": name})


def register_user(issuer: str, sub: str, claims: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{issuer}/users/{urllib.parse.quote(sub, safe='')}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 204:
            raise RuntimeError(f"the provider refused the claims for {sub!r}: {response.status}")


def _metadata(issuer: str) -> dict[str, Any] | None:
    try:
        with urllib.request.urlopen(
            f"{issuer}/.well-known/openid-configuration", timeout=2
        ) as response:
            data: dict[str, Any] = json.load(response)
            return data
    except (OSError, ValueError):
        return None


@contextmanager
def oidc_provider(log_dir: Path | None = None) -> Iterator[OidcProvider]:
    """Start oidc-provider-mock on a free loopback port; stop it afterwards.

    A separate process, so that neither its threads nor its Flask debug mode share the
    test process with Playwright. Its log goes to `log_dir` (a temporary one by default).
    """
    with tempfile.TemporaryDirectory(prefix="oidc-") as scratch:
        logs = log_dir or Path(scratch)
        for _attempt in range(3):  # a free port can be taken between probe and bind
            port = free_port()
            issuer = f"http://{HOST}:{port}"
            log_path = logs / f"oidc-provider-{port}.log"
            command = [sys.executable, "-m", "oidc_provider_mock", "--host", HOST]
            with log_path.open("w") as log:
                proc = subprocess.Popen(
                    [*command, "--port", str(port)],
                    env={**os.environ, "NO_COLOR": "1"},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                try:
                    if _wait_for_issuer(proc, issuer):
                        yield OidcProvider(issuer=issuer)
                        return
                finally:
                    proc.terminate()
                    try:
                        proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
        raise RuntimeError(f"the OpenID provider did not start:\n{log_path.read_text()}")


def _wait_for_issuer(proc: subprocess.Popen[bytes], issuer: str) -> bool:
    """True once the discovery document names `issuer`; False if the process died."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        metadata = _metadata(issuer)
        if metadata is not None:
            if metadata.get("issuer") != issuer:
                raise RuntimeError(f"unexpected discovery document: {metadata}")
            return True
        time.sleep(0.2)
    raise RuntimeError(f"the OpenID provider at {issuer} did not answer within {START_TIMEOUT_S} s")


def auth_secrets(provider: OidcProvider, port: int | None, cookie_secret: str | None = None) -> str:
    """The `[auth]` section of secrets.toml for a Streamlit server on `port` at 127.0.0.1.

    With `port=None` the redirect URI says `{port}`, which Streamlit fills in with its own
    `server.port`.
    """
    redirect_port = "{port}" if port is None else str(port)
    values = {
        "redirect_uri": f"http://{HOST}:{redirect_port}/oauth2callback",
        "cookie_secret": cookie_secret or secrets.token_urlsafe(32),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": provider.metadata_url,
    }
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in values.items())]
    return "\n".join(lines) + "\n"


@contextmanager
def hosted_streamlit_server(
    data_dir: Path,
    secrets_toml: str,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
    script: Path | None = None,
) -> Iterator[str]:
    """`streamlit run` (the dashboard, or `script`) with these secrets; yields its URL.

    The secrets are written to a file in `data_dir` and named by `--secrets.files`, which
    replaces the default search (~/.streamlit, ./.streamlit, the script's .streamlit), so
    no developer's own secrets.toml leaks into a test.
    """
    port = port or free_port()
    secrets_file = data_dir / f"secrets-{port}.toml"
    secrets_file.write_text(secrets_toml)
    with streamlit_server(
        data_dir,
        extra_env,
        script=script,
        port=port,
        extra_flags={"secrets.files": str(secrets_file)},
    ) as url:
        yield url


def _key(page: Any, key: str) -> Any:
    """The button Streamlit renders for `st.button(..., key=key)`."""
    return page.locator(f".st-key-{key} button")


def login(page: Any, base_url: str, sub: str, email: str, name: str) -> None:
    """Log `sub` in through the app's "Log in" button and the provider's form.

    The claims (`email`, `name`) are registered with the provider the browser was sent to
    before the form is submitted, so the ID token carries them. Returns once the app is
    back at `base_url` and shows its "Log out" button.
    """
    if urllib.parse.urlsplit(base_url).hostname != HOST:
        # the login cookie is only honoured at the origin of redirect_uri
        raise ValueError(f"open the app at {HOST}, as its redirect_uri says, not {base_url}")
    page.goto(base_url)
    _key(page, "login").click(timeout=STEP_TIMEOUT_MS)
    # st.login() sends the browser to /auth/login, which redirects to the provider
    app_host = urllib.parse.urlsplit(base_url).netloc
    page.wait_for_url(
        lambda url: urllib.parse.urlsplit(url).netloc != app_host,
        timeout=STEP_TIMEOUT_MS,
        wait_until="commit",
    )
    authorize = urllib.parse.urlsplit(page.url)
    register_user(f"{authorize.scheme}://{authorize.netloc}", sub, {"email": email, "name": name})
    page.locator('input[name="sub"]').fill(sub, timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Authorize", exact=True).click(timeout=STEP_TIMEOUT_MS)
    # the provider redirects to /oauth2callback, which sets the cookie and redirects to /
    page.wait_for_url(f"{base_url.rstrip('/')}/", timeout=STEP_TIMEOUT_MS)
    try:
        _key(page, "logout").wait_for(timeout=STEP_TIMEOUT_MS)
    except Exception as error:
        shown = page.locator('[data-testid="stException"]').all_inner_texts()
        raise AssertionError(
            f"{sub} is not logged in at {page.url}; the app shows {shown}"
        ) from error


def logout(page: Any) -> None:
    """Press the app's "Log out" button; confirm the provider's end-session page if shown.

    Returns once the app shows its "Log in" button again.
    """
    _key(page, "logout").click(timeout=STEP_TIMEOUT_MS)
    end_session = page.get_by_role("button", name="End session", exact=True)
    logged_out = _key(page, "login")
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if logged_out.is_visible():
            return
        if end_session.is_visible():  # st.logout() follows the provider's end_session_endpoint
            end_session.click(timeout=STEP_TIMEOUT_MS)
            logged_out.wait_for(timeout=STEP_TIMEOUT_MS)
            return
        page.wait_for_timeout(100)
    raise TimeoutError(f"still not logged out after {STEP_TIMEOUT_MS} ms at {page.url}")
