"""Who is asking: the login gate, share links, invitations and the athlete switcher.

Local use (no ``[auth]`` section, no database URL): one athlete, no login, every right. Hosted use
(both set): nothing of any athlete is reachable before ``st.login`` or a valid share link, and the
access is decided again on every rerun, so a revoked grant or link ends on the next one.
Decisions themselves live in :mod:`analysis.access` and :mod:`analysis.store.pg_accounts`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from analysis.access import ROLE_LABELS, Access, local_access
from analysis.config import database_url
from analysis.store.pg_accounts import Accounts, AthleteChoice, InvalidLink

ACCESS_KEY = "_access"
ATHLETE_KEY = "_athlete"
SHARE_KEY = "_share"
FLASH_KEY = "_flash"


def _secrets_get(name: str) -> Any:
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets file at all is the normal local case
        return None


def _has_auth() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def hosted_url() -> str | None:
    """The database URL when this server is hosted; None on a laptop.

    Hosting needs both a database and logins: one without the other is refused, because a
    database without logins would hand every athlete to whoever finds the address.
    """
    url = database_url(_secrets_get("database_url"))
    auth = _has_auth()
    if url and auth:
        return url
    if url or auth:
        missing = "an [auth] section" if url else "a database URL (database_url)"
        st.error(
            f"Stridelog is half configured for hosting: {missing} is missing from "
            "`.streamlit/secrets.toml`. See 'Hosting for a coach' in the README.",
            icon=":material/block:",
        )
        st.stop()
    return None


@st.cache_resource(show_spinner=False)
def database(url: str) -> Any:
    """One pool of connections per server process and database."""
    from analysis.store.postgres_store import PostgresDatabase

    return PostgresDatabase(url)


@st.cache_resource(show_spinner=False)
def accounts(url: str) -> Accounts:
    return Accounts(database(url).admin_transaction)


Gate = Access | Callable[[], None]
"""Either who is asking, or the page to show instead (log in, or a link that does not work)."""


def resolve() -> Gate:
    """Decide, for this run, who is asking and for which athlete."""
    url = hosted_url()
    if url is None:
        access = local_access()
    else:
        # tracebacks would tell a stranger about the server; the log keeps them
        st.set_option("client.showErrorDetails", "none")
        got = _hosted(accounts(url))
        if not isinstance(got, Access):
            st.session_state.pop(ACCESS_KEY, None)
            return got
        access = got
    st.session_state[ACCESS_KEY] = access
    return access


def current() -> Access:
    """This run's access (app.py resolves it before any page runs)."""
    got = st.session_state.get(ACCESS_KEY)
    if isinstance(got, Access):
        return got
    resolved = resolve()
    if not isinstance(resolved, Access):
        st.stop()
    return resolved


def is_hosted() -> bool:
    return current().person.kind != "local"


def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH_KEY] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH_KEY, (None, None))
    if kind is not None:
        {"success": st.success, "error": st.error, "warning": st.warning}[kind](text)


def _hosted(acc: Accounts) -> Gate:
    token = st.query_params.get("share") or st.session_state.get(SHARE_KEY)
    if token:
        try:
            access = acc.open_share_link(token)
        except InvalidLink as err:
            st.session_state.pop(SHARE_KEY, None)
            return _bad_link_page(str(err))
        st.session_state[SHARE_KEY] = token
        st.query_params["share"] = token  # the address stays the link
        return access
    if not st.user.is_logged_in:
        return _login_page
    identity = (str(st.user.get("iss") or ""), str(st.user.get("sub") or ""))
    known = st.session_state.get("_person")
    if known is not None and known[0] == identity:
        person = known[1]  # who they are does not change within a session; their grants may
    else:
        try:
            person = acc.person(
                *identity, str(st.user.get("email") or ""), str(st.user.get("name") or "")
            )
        except InvalidLink as err:
            return _bad_link_page(str(err))
        st.session_state["_person"] = (identity, person)
    wanted = st.query_params.get("athlete") or st.session_state.get(ATHLETE_KEY)
    invite = st.query_params.get("invite")
    if invite:
        del st.query_params["invite"]
        try:
            got = acc.accept(person, invite)
        except InvalidLink as err:
            _flash("error", f"The invitation did not work: {err}.")
        else:
            _flash("success", f"You now have {ROLE_LABELS[got.role]} access to {got.athlete_name}.")
            wanted = got.athlete_id
    choices = acc.choices(person)
    chosen = next((ch for ch in choices if ch.athlete_id == wanted), None)
    if chosen is None:
        if wanted and wanted != st.session_state.get("_own"):
            _flash("warning", "You no longer have access to that athlete: showing your own data.")
        chosen = choices[0]  # their own athlete space comes first
    st.session_state["_own"] = choices[0].athlete_id
    st.session_state["_choices"] = choices
    st.session_state[ATHLETE_KEY] = chosen.athlete_id
    st.query_params["athlete"] = chosen.athlete_id  # a link reproduces the view
    return Access(chosen.athlete_id, chosen.name, chosen.role, person)


def choices() -> list[AthleteChoice]:
    return list(st.session_state.get("_choices", []))


def open_athlete(athlete_id: str) -> None:
    """Switch to another athlete this person may open (the next run checks it again)."""
    st.session_state[ATHLETE_KEY] = athlete_id
    st.query_params["athlete"] = athlete_id


def _login_page() -> None:
    st.title("Stridelog")
    st.write(
        "The training dashboard for runners and their coaches. Log in to see your own data, or "
        "the athletes who invited you."
    )
    if st.query_params.get("invite"):
        st.info(
            "You were invited to follow an athlete. Log in, then open the invitation link again "
            "(or paste its code on the **Athletes** page).",
            icon=":material/mail:",
        )
    if st.button("Log in", key="login", type="primary", icon=":material/login:"):
        st.login()


def _bad_link_page(reason: str) -> Callable[[], None]:
    def link_not_valid() -> None:
        st.title("This link does not work")
        st.error(f"{reason[:1].upper()}{reason[1:]}.", icon=":material/link_off:")
        st.write("Ask the athlete for a new link, or log in if you have an account.")
        if st.button("Log in", key="login", icon=":material/login:"):
            st.query_params.clear()
            st.login()

    return link_not_valid


def sidebar_identity() -> None:
    """Who is logged in, whose data this is, the athlete switcher and log out."""
    access = current()
    if access.person.kind == "local":
        return
    if access.person.kind == "share":
        st.caption(
            f":material/visibility: **{access.athlete_name}**, read-only through a share link"
        )
        return
    st.caption(f":material/person: Logged in as **{access.person.name}**")
    options = choices()
    if len(options) > 1:
        ids = [ch.athlete_id for ch in options]
        label = {ch.athlete_id: f"{ch.name} · {ch.role.value}" for ch in options}
        label[ids[0]] = f"{options[0].name} · you"

        def switch() -> None:
            open_athlete(st.session_state["athlete_switch"])

        # the gate decided whose data this run shows; the widget follows it
        st.session_state["athlete_switch"] = access.athlete_id
        st.selectbox(
            "Athlete",
            ids,
            format_func=label.__getitem__,
            key="athlete_switch",
            on_change=switch,
        )
    if not access.is_own:
        st.caption(f"You see {access.athlete_name}'s data as **{access.role.value}**.")
    if st.button("Log out", key="logout", icon=":material/logout:"):
        for key in (ACCESS_KEY, ATHLETE_KEY, "_choices", "_own", "_person"):
            st.session_state.pop(key, None)
        st.logout()
