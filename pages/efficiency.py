"""Efficiency & tests: EF and decoupling on easy runs, pace at a fixed heart rate, cadence at a
fixed pace, repeatable test runs, running power and dynamics, and HRV readiness."""

import datetime as dt
from typing import Any

import streamlit as st

from analysis import columns as c
from analysis.access import GuardedStore
from analysis.figures.efficiency import (
    cadence_at_pace_figure,
    decoupling_figure,
    dynamics_figure,
    ef_trend_figure,
    pace_at_hr_figure,
    power_zones_figure,
    running_dynamics_figure,
)
from analysis.metrics.efficiency import (
    DECOUPLING_GOOD_PCT,
    HR_TOLERANCE_BPM,
    MIN_MATCHED_S,
    PACE_TOLERANCE_S_PER_KM,
    TREND_DAYS,
    WARMUP_S,
)
from analysis.settings import AthleteSettings
from analysis.units import ef_label, format_pace, pace_factor, pace_to_s_per_km, parse_pace
from analysis.views import efficiency as view
from analysis.views.period import day_text
from pages import _common as ui

TEST_NAMES_META = "test_run_names"  # meta key: the athlete's test names, comma-separated

HRV_WORDS = {"below": "below", "within": "inside", "above": "above"}


@st.cache_resource(show_spinner=False, max_entries=4)
def run_memo(key: str, revision: int) -> view.RunMemo:
    """Each run's efficiency figures, computed once per athlete and store revision and reused
    by every period, heart rate and pace that shows the run (a new revision starts afresh)."""
    return {}


@st.cache_data(show_spinner="Crunching the numbers…", max_entries=16)
def _data(
    _store: GuardedStore,
    key: str,
    revision: int,
    skey: tuple[Any, ...],
    first: dt.date,
    last: dt.date,
    hr: float | None,
    pace: float | None,
    names: tuple[str, ...],
) -> dict[str, Any]:
    # the store itself is not hashed (leading underscore): its key and revision stand for it
    return view.efficiency_data(
        _store, AthleteSettings(**dict(skey)), first, last,
        heart_rate_bpm=hr, pace_s_per_km=pace, test_names=names, memo=run_memo(key, revision),
    )  # fmt: skip


src, s, skey = ui.page_context()
st.title("Efficiency & tests")
period = ui.period_control(src, s)
saved_names = src.store.get_meta(TEST_NAMES_META) or ""
names = tuple(view.parse_test_names(st.session_state.get("eff_tests", saved_names)))
args = (src.store, src.key, src.revision, skey, period.first, period.as_of)
data = _data(*args, None, None, names)

if data["measured"] == 0:
    if src.store.activity_count() == 0:
        ui.empty_state("activities")
    elif data["runs"] == 0:
        ui.nothing_in_period(period, "runs")
    else:
        st.info(
            f"No runs with recorded samples in the period: its {data['runs']} runs are summary "
            "rows (an export's table without a file), which carry no pace or heart-rate stream.",
            icon=":material/inbox:",
        )
    st.stop()

# the fixed heart rate and pace: the easy runs' medians until the athlete picks their own
hr_default, pace_default = data["suggested_hr_bpm"], data["suggested_pace_s_per_km"]
hr_chosen = st.session_state.get("eff_hr", hr_default)
pace_shown = format_pace(pace_default, s.units, with_unit=False) if pace_default else ""
pace_text = st.session_state.get("eff_pace", pace_shown)
pace_error = None
pace_chosen = pace_default
if pace_text and pace_text.strip() != pace_shown:
    try:
        pace_chosen = pace_to_s_per_km(parse_pace(pace_text), s.units)
    except ValueError as err:
        pace_error = str(err)
if hr_chosen != hr_default or pace_chosen != pace_default:
    data = _data(*args, hr_chosen, pace_chosen, names)
fig_view = ui.view(src, skey, period, hr_chosen, pace_chosen, names)

st.caption(
    f"Runs with samples in the period: {data['measured']} of {data['runs']}; "
    f"{int(data['table'][c.IS_EASY].sum())} of them are easy: a mean heart rate below "
    f"{data['easy_ceiling_bpm']:.0f} bpm, the top of your easy zones (Settings → zone model)."
)

st.subheader("Aerobic efficiency")
ui.chart(
    lambda: ef_trend_figure(data["trend"], unit=s.units),
    "eff_ef",
    f"Efficiency factor (Friel) = mean speed [{ef_label(s.units).split(' per')[0]}] ÷ mean heart "
    f"rate [bpm] over the moving part of a run: the {'yards' if s.units == 'mi' else 'metres'} "
    "you cover per heartbeat. On easy runs of similar terrain it "
    f"rises as aerobic fitness grows. The line is the mean of the easy runs of the last "
    f"{TREND_DAYS} days. Plain speed, not grade-adjusted: hilly runs score lower.",
    view=fig_view,
)
ui.chart(
    lambda: decoupling_figure(data["trend"]),
    "eff_decoupling",
    "Aerobic decoupling (Friel's Pa:HR) = (EF of the first half − EF of the second half) ÷ EF "
    f"of the first half, over the moving time after a {WARMUP_S / 60:.0f}-minute warm-up. "
    "Positive when heart rate drifts up at the same pace. Friel reads under "
    f"{DECOUPLING_GOOD_PCT:g} % on a long steady run as a sound aerobic base; heat, hills and "
    "a harder second half raise it too. Runs with fewer than 20 steady minutes have none.",
    view=fig_view,
)

with st.expander("Every run's efficiency factor and decoupling"):
    st.dataframe(view.runs_table(data["table"], s.units), hide_index=True, key="eff_runs")

st.subheader("Pace at a fixed heart rate, cadence at a fixed pace")
pace_window = f"{PACE_TOLERANCE_S_PER_KM:g} s/km"
if s.units == "mi":
    pace_window = f"{PACE_TOLERANCE_S_PER_KM * pace_factor(s.units):.0f} s/mi"
st.caption(
    "A run's average pace improves when you simply run faster. These hold one thing fixed: "
    f"the median pace of the moving samples within ± {HR_TOLERANCE_BPM:g} bpm of a heart rate "
    f"you choose, and the median cadence within ± {pace_window} of a pace you choose. A run "
    f"needs {MIN_MATCHED_S / 60:g} minutes there to count. The defaults are your easy runs' "
    "median heart rate and pace."
)
a, b = st.columns(2)
a.number_input(
    "Heart rate [bpm]", 60.0, 230.0, hr_default, step=1.0, key="eff_hr",
    disabled=hr_default is None,
)  # fmt: skip
b.text_input(
    f"Pace [m:ss per {s.units}]", pace_shown, key="eff_pace", max_chars=8,
    help="Minutes and seconds, such as 5:45, per the distance unit of your settings.",
)  # fmt: skip
if pace_error:
    b.error(f"{pace_error}; showing the default pace.")
if data["fixed_hr_bpm"] is not None:
    ui.chart(
        lambda: pace_at_hr_figure(data["fixed"], data["fixed_hr_bpm"], s.units),
        "eff_pace_at_hr",
        "Each point is one run's median pace while your heart rate was near the chosen value; "
        "faster is up. A rising line at the same heart rate is aerobic fitness, not just a "
        "faster day. Heart rate lags pace by a minute or so: read it on steady runs.",
        view=fig_view,
    )
else:
    st.info("No heart rate in the period's runs: pace at a fixed heart rate needs one.")
if data["fixed_pace_s_per_km"] is not None:
    ui.chart(
        lambda: cadence_at_pace_figure(data["fixed"], data["fixed_pace_s_per_km"], s.units),
        "eff_cadence_at_pace",
        "Each point is one run's median cadence (steps per minute, both feet) while running "
        "near the chosen pace. At the same pace, a higher cadence means shorter steps.",
        view=fig_view,
    )

st.subheader("Test runs")
st.text_input(
    "Names of your repeatable tests, separated by commas (a run whose name contains one is a "
    "test of that kind)",
    saved_names, key="eff_tests", placeholder="MAF test, 5k TT",
)  # fmt: skip
may_save = src.can("rules") and ", ".join(names) != saved_names
if may_save and st.button("Remember these names", key="eff_tests_save"):
    with ui.refused():
        src.store.set_meta(TEST_NAMES_META, ", ".join(names))
        st.cache_data.clear()
        st.rerun()
tests = data["tests"]
if not names:
    st.caption(
        "Mark a run as a test by its name: for example a monthly MAF test (a steady run at a "
        'fixed heart rate) named "MAF test", or a 5 km time trial named "5k TT". Each test '
        "is compared with the test of the same kind before it and with the first one."
    )
elif tests.empty:
    st.info(f"No runs in the period are named like {', '.join(names)}.")
else:
    st.dataframe(view.tests_table(tests, s.units), hide_index=True, key="eff_tests_table")
    st.caption(
        f"Changes are against the test of the same kind before it (pace in s per {s.units}: "
        "negative is faster; EF in %: positive is fitter); the last column against the kind's "
        "first test. A test compares well only under like conditions: same route, warm-up, "
        "weather and time of day."
    )

st.subheader("Running power and dynamics")
dyn = data["dynamics"]
if dyn.empty or dyn[[c.AVG_POWER_W, c.STEP_LENGTH_M]].isna().all().all():
    st.info("No run in the period has power or cadence, so there is no power or step length.")
else:
    ui.chart(
        lambda: dynamics_figure(dyn, s.units),
        "eff_dynamics",
        "Step length is the distance from one foot strike to the next (Garmin calls it "
        "stride length; a stride in biomechanics is two steps): your distance ÷ your steps, "
        "with steps from cadence. Mean power is over the moving time, where the file has power.",
        view=fig_view,
    )
    if data["has_dynamics"]:
        ui.chart(
            lambda: running_dynamics_figure(dyn, s.units),
            "eff_running_dynamics",
            "Each point is one run's mean over its moving time, where the file has running "
            "dynamics (a Garmin chest strap or running pod). Ground contact time: how long a "
            "foot stays on the ground per step; shorter is more economical. Vertical "
            "oscillation: how far your torso bounces per step. Vertical ratio: that bounce ÷ "
            "your step length; lower is more economical. Balance: the left foot's share of "
            "ground contact time; 50 % is even, and a lasting drift to one side can follow a "
            "niggle. All of them change with pace: compare runs of like pace.",
            view=fig_view,
        )
    if not data["has_power"]:
        st.caption("The period's runs carry no running power (a Stryd pod or a Garmin watch "
                   "that records it), so only step length is shown.")  # fmt: skip
    elif s.critical_power_w <= 0:
        st.info("Set your critical power in Settings to see time in power zones.")
    else:
        ui.chart(
            lambda: power_zones_figure(data["power_zones"], s.critical_power_w),
            "eff_power_zones",
            "Stryd's five zones as % of critical power: easy 65–80, moderate 80–90, threshold "
            "90–100, interval 100–115, repetition 115–130 % (below 80 % counts as easy here, "
            "above 115 % as repetition). Time is weighted by how long each reading stands for.",
            view=fig_view,
        )

st.subheader("HRV readiness")
hrv = data["hrv"]
day = period.as_of
is_today = day == dt.date.today()
morning = "This morning" if is_today else f"The morning of {day:%a} {day_text(day)}"
if hrv[c.HRV_TODAY_MS] is None and hrv[c.HRV_SHORT_MEAN_MS] is None:
    st.caption(
        f"No HRV logged {ui.day_words(day)}. Log the morning's rMSSD on the Recovery page (or "
        "import an HRV4Training or Elite HRV export) to see it against your usual band."
    )
else:
    a, b, d = st.columns(3)
    today = hrv[c.HRV_TODAY_MS]
    a.metric("This morning's rMSSD" if is_today else "rMSSD that morning",
             f"{today:.0f} ms" if today else "—")  # fmt: skip
    mean7 = hrv[c.HRV_SHORT_MEAN_MS]
    b.metric("7-day mean", f"{mean7:.0f} ms" if mean7 else "—")
    low, high = hrv[c.HRV_BAND_LOW_MS], hrv[c.HRV_BAND_HIGH_MS]
    d.metric("Usual band", f"{low:.0f}–{high:.0f} ms" if low and high else "not yet known")
    lines = []
    if hrv[c.HRV_TODAY_STATUS]:
        lines.append(f"{morning} is **{HRV_WORDS[str(hrv[c.HRV_TODAY_STATUS])]}** the band.")
    if hrv[c.HRV_STATUS]:
        lines.append(f"The 7-day mean is **{HRV_WORDS[str(hrv[c.HRV_STATUS])]}** it.")
    st.markdown(" ".join(lines) or "The band needs 14 logged mornings in the 28 days before.")
    st.caption(
        "The band is the smallest worthwhile change: the mean ± 0.5 SD of ln rMSSD over the 28 "
        "days before (Plews et al. 2012, 2013; Buchheit 2014). One morning is noisy; the "
        "decision on the Recovery page reads the 7-day mean."
    )
