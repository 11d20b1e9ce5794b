"""Report & sharing: a self-contained HTML report; invitations, who has access, share links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from analysis import units
from analysis.access import ROLE_LABELS, Role
from analysis.csvsafe import to_safe_csv, to_safe_csv_with_header, to_safe_parquet
from analysis.dashboard import activity_table, daily_export
from analysis.export import load_unit, readable_activities, readable_daily
from analysis.report import build_report
from analysis.settings import AthleteSettings
from pages import _access as gate
from pages import _common as ui

src, s, skey = ui.page_context()
st.title("Report & sharing")


@st.cache_data(show_spinner="Writing the report…", max_entries=4)
def _report(key: str, revision: int, skey: Any, day: dt.date, weeks: int, name: str) -> str:
    return build_report(ui.open_store(key), AthleteSettings(**dict(skey)), day, weeks, name)


st.subheader("A report to send")
st.caption(
    "One HTML file with the Overview, Mileage, Training load, Fitness & form and Guidance charts "
    "and their explanations for the last weeks, and Strength & mobility, Pain & niggles and "
    "Race & blocks in words. It opens in any browser, offline: no account or server needed to "
    "read it."
)
weeks = st.slider("Weeks", 4, 52, 12, key="report_weeks")
day = ui.period(src, s).as_of  # the period chosen on the other pages ends the report too
st.caption(f"The report's weeks end on {day:%a %d %b %Y}, the as-of day of the pages' period.")
name = "" if src.access.person.kind == "local" else src.access.athlete_name
counted, stored = ui.activity_counts(src)
if counted == 0:
    ui.empty_state("activities to report")
elif st.button("Prepare the report", key="report_prepare", icon=":material/description:"):
    st.session_state["report_ready"] = (src.key, weeks)
if st.session_state.get("report_ready") == (src.key, weeks) and counted:
    html = _report(src.key, src.revision, skey, day, weeks, name)
    st.download_button(
        "Download the report (HTML)",
        html.encode("utf-8"),
        file_name=f"stridelog-report-{day:%Y-%m-%d}-{weeks}w.html",
        mime="text/html",
        key="report_download",
        type="primary",
    )


@st.cache_data(show_spinner="Preparing the exports…", max_entries=4)
def _exports(key: str, revision: int, skey: Any) -> dict[str, bytes]:
    """The four export files of one store revision; the settings are in the key for the load."""
    store = ui.open_store(key)
    settings = store.load_settings()
    daily, header = daily_export(store)
    daily = readable_daily(daily, settings.units, load_unit(settings.load_model, settings.units))
    header.append(
        f"units: distances in {units.distance_label(settings.units)}, elevation in "
        f"{units.elevation_label(settings.units)}, times as h:mm:ss (the settings' choice)"
    )
    activities = readable_activities(activity_table(store), settings.units)
    return {
        "daily_csv": to_safe_csv_with_header(daily, header),
        "daily_parquet": to_safe_parquet(daily, header),
        "activities_csv": to_safe_csv(activities, index=False, encoding="utf-8"),
        "activities_parquet": to_safe_parquet(activities),
    }


st.subheader("Export your data")
st.caption(
    "The daily table (distance, time, load, ACWR, fitness and form, monotony, wellness; one row "
    "per day) and the activities table (one row per activity, duplicates included and marked), "
    "as CSV or Parquet, with the names and units the pages show (your distance unit, times as "
    "h:mm:ss, each sport's pace or speed). Text that a spreadsheet would run as a formula (a cell starting with "
    "=, +, −, @) starts with a ' instead, in the Parquet files too: Excel and Google Sheets "
    "import those as well (OWASP's CSV-injection rule)."
)
if stored == 0 and src.store.wellness().empty:
    ui.empty_state("data to export")
elif st.button("Prepare exports", key="export_prepare", icon=":material/download:"):
    st.session_state["exports_ready"] = src.key
if st.session_state.get("exports_ready") == src.key:
    files = _exports(src.key, src.revision, skey)
    stem = f"stridelog-{dt.date.today():%Y-%m-%d}"
    a, b = st.columns(2)
    for col, what, label in ((a, "daily", "daily table"), (b, "activities", "activities")):
        col.download_button(
            f"The {label} (CSV)", files[f"{what}_csv"], file_name=f"{stem}-{what}.csv",
            mime="text/csv", key=f"export_{what}_csv",
        )  # fmt: skip
        col.download_button(
            f"The {label} (Parquet)", files[f"{what}_parquet"],
            file_name=f"{stem}-{what}.parquet", mime="application/vnd.apache.parquet",
            key=f"export_{what}_parquet",
        )  # fmt: skip

url = gate.hosted_url()
me = gate.current()
if url is None:
    st.subheader("Share with a coach")
    st.info(
        "Invitations, coach access and read-only links are part of the hosted dashboard (see "
        "'Hosting for a coach' in the README). Here, on your own computer, send the report.",
        icon=":material/cloud:",
    )
    st.stop()
if not me.allows("share"):
    st.caption(f"Only {me.athlete_name} invites people to their data or makes share links.")
    st.stop()

accounts = gate.accounts(url)


def _base_url() -> str:
    """The dashboard's address, from the login's redirect URI (what the provider knows)."""
    try:
        redirect = str(st.secrets["auth"].get("redirect_uri", ""))
    except Exception:
        redirect = ""
    return redirect.removesuffix("/oauth2callback").rstrip("/") or ""


st.subheader("Invite a coach")
st.caption(
    "An invitation works once and expires after 7 days. **Coach**: sees every page, writes the "
    "plan and comments. **View**: sees every page, writes nothing. Neither uploads, deletes or "
    "changes your settings."
)
a, b = st.columns([2, 1])
role = a.radio(
    "Access", [Role.COACH, Role.VIEW], key="invite_role", horizontal=True,
    format_func=lambda r: ROLE_LABELS[r],
)  # fmt: skip
if b.button("Create invitation", key="invite_create", icon=":material/person_add:"):
    with ui.refused():
        token = accounts.invite(me, role)
        st.session_state["new_invite"] = token
if st.session_state.get("new_invite"):
    token = st.session_state["new_invite"]
    st.success("Send this link (or the code) to your coach. It is shown only now.")
    st.code(f"{_base_url()}/?invite={token}", language=None)
    st.caption(f"Code: `{token}`")

st.subheader("Who has access")
grants = accounts.grants(me)
if not grants:
    st.caption("Nobody but you.")
for grant in grants:
    a, b = st.columns([4, 1])
    a.write(
        f"**{grant.name}** {grant.email} · {grant.role.value} · since {grant.granted_at:%d %b %Y}"
    )
    if b.button("Revoke", key=f"revoke_{grant.person_id}", icon=":material/person_remove:"):
        with ui.refused():
            accounts.revoke(me, grant.person_id)
            st.toast(f"{grant.name} no longer has access.")
            st.rerun()
open_invites = [inv for inv in accounts.invitations(me) if inv.state == "open"]
for inv in open_invites:
    a, b = st.columns([4, 1])
    a.caption(
        f"Open invitation ({inv.role.value}) from {inv.created_at:%d %b %H:%M}, expires "
        f"{inv.expires_at:%d %b %H:%M} UTC"
    )
    if b.button("Withdraw", key=f"cancel_{inv.token_hash[:12]}"):
        with ui.refused():
            accounts.cancel_invitation(me, inv.token_hash)
            st.rerun()

st.subheader("Read-only links")
st.caption(
    "Whoever holds a link sees your pages read-only, without an account: no upload, settings or "
    "delete, and no one else's data. Switching a link off ends it on the next click of anyone "
    "who has it open."
)
with st.form("share_form", clear_on_submit=True):
    a, b = st.columns(2)
    label = a.text_input("What it is for (shown to you only)", key="share_label", max_chars=80)
    until = b.date_input("Expires on (optional)", value=None, key="share_expiry")
    if st.form_submit_button("Create link", key="share_create"):
        expires = None
        if until is not None:
            expires = dt.datetime.combine(until, dt.time(23, 59), tzinfo=dt.UTC)
        with ui.refused():
            try:
                st.session_state["new_share"] = accounts.share(me, label, expires)
            except ValueError as err:
                st.error(f"Not created: {err}.")
if st.session_state.get("new_share"):
    st.success("Your read-only link (shown only now):")
    st.code(f"{_base_url()}/?share={st.session_state['new_share']}", language=None)
links = accounts.share_links(me)
if links:
    table = pd.DataFrame(
        [
            {
                "label": link.label or "(no label)",
                "state": link.state,
                "created": link.created_at,
                "expires": link.expires_at,
            }
            for link in links
        ]
    )
    st.dataframe(table, hide_index=True, key="share_links")
    live = [link for link in links if link.state == "active"]
    if live:
        names = {link.link_id: f"{link.label or '(no label)'} · {link.created_at:%d %b %H:%M}"
                 for link in live}  # fmt: skip
        a, b = st.columns([3, 1])
        chosen = a.selectbox("Link", list(names), format_func=names.__getitem__, key="unshare_pick")
        if b.button("Switch off", key="unshare", icon=":material/link_off:"):
            with ui.refused():
                accounts.revoke_share_link(me, chosen)
                st.session_state.pop("new_share", None)
                st.rerun()
