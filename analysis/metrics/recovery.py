"""Recovery baselines (resting HR and HRV against the athlete's own normal) and the
push / hold / back-off decision that combines them with the training load.

The wellness log is not a daily series with zeros: a day without a morning measurement is a
day without information, not a day of 0 bpm. Rolling windows therefore span calendar days but
average only the days that hold a value, and each statistic needs a minimum number of them.

The decision is a visible rule table (:data:`DEFAULT_RULES`, one :class:`Rule` per row: signal,
test, threshold, verdict, reason). :func:`decide` applies it to a dict of signals; the worst
verdict of the rules that fire wins, and "push" stands when none fires. A signal that is not
known (missing, NaN) is skipped and listed as such, never treated as good news silently; when
no signal the rules read is known, the decision says "not enough data" (its ``status``), not
a push.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import columns as c
from analysis.metrics.load import ACWR_DANGER, ACWR_SWEET_SPOT
from analysis.metrics.mileage import DayLike, to_day

SHORT_DAYS = 7
"""Short window: the rolling week the HRV literature interprets [days]."""

LONG_DAYS = 28
"""Long window: the baseline the week is compared with [days]."""

MIN_SHORT_VALUES = 3
"""A short-window statistic needs this many measured days: three random days a week give a
7-day ln rMSSD mean that agrees with the full week (Plews et al. 2014)."""

MIN_LONG_VALUES = 14
"""A baseline needs this many measured days (half the default long window; our choice)."""

SWC_FACTOR = 0.5
"""The band is baseline ± 0.5 × SD of ln rMSSD: the smallest worthwhile change (Plews 2013)."""

HRV_BELOW, HRV_WITHIN, HRV_ABOVE = "below", "within", "above"
HRV_STATUSES = (HRV_BELOW, HRV_WITHIN, HRV_ABOVE)

PUSH, HOLD, BACK_OFF = "push", "hold", "back-off"
VERDICTS = (PUSH, HOLD, BACK_OFF)
"""From best to worst; the worst verdict of the rules that fire wins."""

NOT_ENOUGH_DATA = "not enough data"
"""The status of a decision when no signal the rules read is known: no green light."""

STATUSES = (NOT_ENOUGH_DATA, *VERDICTS)
"""Every value of :attr:`Decision.status`."""

TESTS = (">", ">=", "<", "<=", "==")

RHR_HOLD_BPM = 5.0
RHR_BACK_OFF_BPM = 10.0
"""Resting HR this far above baseline is the guidance's warning (5–10 bpm) [bpm]."""

SHORT_SLEEP_H = 6.0
"""Less sleep than this is short [h]."""

HIGH_RATING = 4.0
VERY_HIGH_RATING = 5.0
"""Soreness or fatigue ratings (1–5) that ask for a hold, and for a back-off."""

PAIN_LIMIT = 6.0
"""Pain at or above this severity [0–10] ⇒ back-off: above the 5/10 the pain-monitoring model
allows (Silbernagel et al. 2007); the athlete's ``pain_limit`` setting."""

MONOTONY_LIMIT = 2.0
"""Foster's monotony above which illness and overtraining become likely."""

_TOLERANCE = 1e-9
"""Signals come from float arithmetic: a value equal to its threshold must compare as equal."""

SIGNAL_LABELS: dict[str, str] = {
    c.ACWR: "acute:chronic workload ratio",
    c.CHANGE_PCT: "weekly distance ramp",
    c.MONOTONY: "training monotony",
    c.RHR_DELTA_BPM: "resting HR against baseline",
    c.HRV_STATUS: "HRV against its normal band",
    c.SLEEP_H: "sleep",
    c.SORENESS: "soreness",
    c.FATIGUE: "fatigue",
    c.PAIN_MAX: "pain (the pain log)",
}
"""The signals the default rules read (keys of the dict given to :func:`decide`), in words."""


_RECOVERY_SIGNALS = (c.RHR_DELTA_BPM, c.HRV_STATUS, c.SLEEP_H, c.SORENESS, c.FATIGUE)


def _threshold(text: str) -> float | str:
    """A threshold cell as a number where it reads as one, else as the word it is."""
    try:
        return float(text)
    except ValueError:
        return text


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return _is_number(value) and not math.isfinite(float(value))  # type: ignore[arg-type]


# ---- baselines --------------------------------------------------------------------------------


def hrv_status(
    short_mean_ln: float, long_mean_ln: float, long_sd_ln: float, factor: float = SWC_FACTOR
) -> str | None:
    """Where the week's ln rMSSD lies against the band ``baseline ± factor × SD``.

    ``"within"`` includes both edges. None when any input is missing.

    References
    ----------
    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring.
    *Sports Med* 2013;43(9):773–781.
    """
    values = (short_mean_ln, long_mean_ln, long_sd_ln)
    if any(v is None or not math.isfinite(v) for v in values):
        return None
    low = long_mean_ln - factor * long_sd_ln
    high = long_mean_ln + factor * long_sd_ln
    if short_mean_ln < low - _TOLERANCE:
        return HRV_BELOW
    if short_mean_ln > high + _TOLERANCE:
        return HRV_ABOVE
    return HRV_WITHIN


def baselines(
    wellness: pd.DataFrame,
    short_days: int = SHORT_DAYS,
    long_days: int = LONG_DAYS,
    *,
    min_short: int = MIN_SHORT_VALUES,
    min_long: int = MIN_LONG_VALUES,
    swc_factor: float = SWC_FACTOR,
) -> pd.DataFrame:
    """Rolling resting-HR and HRV baselines, the RHR delta and the HRV status of every day.

    Windows (calendar days; only days with a value count, wellness is not zero-filled):

    * short: the ``short_days`` days ending today, today included; needs ``min_short`` values.
    * long (the baseline): the ``long_days`` days *before* today, so a bad morning is judged
      against a normal it is not part of; needs ``min_long`` values.

    Resting HR: short and long mean and SD [bpm], and ``rhr_delta_bpm`` = today's resting HR −
    the long mean [bpm] (the guidance's rule of thumb: 5–10 bpm above baseline is a warning).

    HRV: the statistics are computed on ln rMSSD, not on rMSSD, because rMSSD is skewed and its
    log is close to normal (Plews et al. 2012, 2013; Buchheit 2014). The band is the long mean ±
    ``swc_factor`` × long SD of ln rMSSD, ``swc_factor`` = 0.5 being the smallest worthwhile
    change (Plews et al. 2013); the status compares the short-window mean of ln rMSSD (the
    rolling 7-day average those papers interpret, not a single morning) with the band. The band
    and the short mean are also given back in ms (e^ln) for charts. SDs are sample SDs
    (n − 1).

    Parameters
    ----------
    wellness
        The wellness frame (``date`` and the wellness columns); days may be missing, and a
        repeated day keeps its last row.
    short_days, long_days
        Window lengths [days].
    min_short, min_long
        Fewest measured days a short / long statistic needs (else NaN).
    swc_factor
        Half-width of the HRV band in SDs of ln rMSSD.

    Returns
    -------
    pandas.DataFrame
        The wellness columns, one row per logged day, oldest first, plus ``ln_rmssd`` [ln ms],
        ``rhr_short_mean_bpm``, ``rhr_short_sd_bpm``, ``rhr_long_mean_bpm``,
        ``rhr_long_sd_bpm``, ``rhr_delta_bpm`` [bpm], ``ln_rmssd_short_mean``,
        ``ln_rmssd_short_sd``, ``ln_rmssd_long_mean``, ``ln_rmssd_long_sd`` [ln ms],
        ``hrv_short_mean_ms``, ``hrv_band_low_ms``, ``hrv_band_high_ms`` [ms] and
        ``hrv_status`` ("below", "within", "above"; None when not known).

    References
    ----------
    Plews DJ, Laursen PB, Kilding AE, Buchheit M. Heart rate variability in elite triathletes,
    is variation in variability the key to effective training? A case comparison.
    *Eur J Appl Physiol* 2012;112(11):3729–3741.

    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring.
    *Sports Med* 2013;43(9):773–781.

    Plews DJ, Laursen PB, Le Meur Y, Hausswirth C, Kilding AE, Buchheit M. Monitoring training
    with heart-rate variability: how much compliance is needed for valid assessment?
    *Int J Sports Physiol Perform* 2014;9(5):783–790.

    Buchheit M. Monitoring training status with HR measures: do not throw the baby out with the
    bathwater. *Front Physiol* 2014;5:73.
    """
    if not 1 <= short_days <= long_days:
        raise ValueError("need 1 <= short_days <= long_days")
    if min_short < 1 or min_long < 2:
        raise ValueError("need min_short >= 1 and min_long >= 2 (an SD needs two values)")
    frame = wellness.copy()
    for column in c.WELLNESS_COLUMNS:
        if column not in frame.columns:
            frame[column] = None if column == c.NOTES else np.nan
    frame[c.DATE] = pd.to_datetime(frame[c.DATE]).dt.normalize()
    frame = frame.dropna(subset=[c.DATE]).drop_duplicates(c.DATE, keep="last")
    frame = frame.sort_values(c.DATE, kind="stable").reset_index(drop=True)
    index = pd.DatetimeIndex(frame[c.DATE])

    def series(column: str) -> pd.Series:
        values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype="float64")
        return pd.Series(values, index=index)

    rhr = series(c.RESTING_HR_BPM)
    rmssd = series(c.HRV_RMSSD_MS)
    ln = np.log(rmssd.where(rmssd > 0))
    short, long = f"{short_days}D", f"{long_days}D"

    def short_stats(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        window = values.rolling(short, min_periods=min_short)
        return window.mean().to_numpy(), window.std(ddof=1).to_numpy()

    def long_stats(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        window = values.rolling(long, min_periods=min_long, closed="left")
        return window.mean().to_numpy(), window.std(ddof=1).to_numpy()

    rhr_short_mean, rhr_short_sd = short_stats(rhr)
    rhr_long_mean, rhr_long_sd = long_stats(rhr)
    ln_short_mean, ln_short_sd = short_stats(ln)
    ln_long_mean, ln_long_sd = long_stats(ln)
    frame[c.LN_RMSSD] = ln.to_numpy()
    frame[c.RHR_SHORT_MEAN_BPM] = rhr_short_mean
    frame[c.RHR_SHORT_SD_BPM] = rhr_short_sd
    frame[c.RHR_LONG_MEAN_BPM] = rhr_long_mean
    frame[c.RHR_LONG_SD_BPM] = rhr_long_sd
    frame[c.RHR_DELTA_BPM] = rhr.to_numpy() - rhr_long_mean
    frame[c.LN_RMSSD_SHORT_MEAN] = ln_short_mean
    frame[c.LN_RMSSD_SHORT_SD] = ln_short_sd
    frame[c.LN_RMSSD_LONG_MEAN] = ln_long_mean
    frame[c.LN_RMSSD_LONG_SD] = ln_long_sd
    frame[c.HRV_SHORT_MEAN_MS] = np.exp(ln_short_mean)
    frame[c.HRV_BAND_LOW_MS] = np.exp(ln_long_mean - swc_factor * ln_long_sd)
    frame[c.HRV_BAND_HIGH_MS] = np.exp(ln_long_mean + swc_factor * ln_long_sd)
    statuses = [
        hrv_status(float(s), float(m), float(sd), swc_factor)
        for s, m, sd in zip(ln_short_mean, ln_long_mean, ln_long_sd, strict=True)
    ]
    frame[c.HRV_STATUS] = pd.Series(statuses, dtype="object")
    return frame


# ---- the rule table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One row of the decision table.

    ``reason`` is a :meth:`str.format` template: ``{value}`` is the signal's value and
    ``{threshold}`` the rule's threshold (format specs such as ``{value:.1f}`` work for numbers).
    Numeric tests compare with a tolerance of 1e-9, so a value equal to its threshold counts as
    equal despite float arithmetic.
    """

    signal: str
    test: str
    threshold: float | str
    verdict: str
    reason: str

    def __post_init__(self) -> None:
        if self.test not in TESTS:
            raise ValueError(f"test must be one of {TESTS}, not {self.test!r}")
        if self.verdict not in (HOLD, BACK_OFF):
            raise ValueError(f"a rule's verdict is {HOLD!r} or {BACK_OFF!r}, not {self.verdict!r}")
        if self.test != "==" and not _is_number(self.threshold):
            raise ValueError(f"the test {self.test!r} needs a number as threshold")

    def fires(self, value: float | str) -> bool:
        """Whether the rule fires for this (known) value of its signal."""
        if self.test == "==":
            if _is_number(value) and _is_number(self.threshold):
                return abs(float(value) - float(self.threshold)) <= _TOLERANCE
            return str(value).strip().lower() == str(self.threshold).strip().lower()
        if not _is_number(value):
            raise ValueError(f"signal {self.signal!r} must be a number, not {value!r}")
        x, limit = float(value), float(self.threshold)
        if self.test == ">":
            return x > limit + _TOLERANCE
        if self.test == ">=":
            return x >= limit - _TOLERANCE
        if self.test == "<":
            return x < limit - _TOLERANCE
        return x <= limit + _TOLERANCE

    def explain(self, value: float | str) -> str:
        """The reason with the value and threshold filled in."""
        try:
            return self.reason.format(value=value, threshold=self.threshold)
        except (ValueError, KeyError, IndexError, TypeError):
            # an edited template that does not fit the value still says what fired
            return f"{self.reason} ({self.signal} = {value})"


@dataclass(frozen=True)
class FiredRule:
    """A rule that fired, with the value that made it fire and its filled-in reason."""

    rule: Rule
    value: float | str
    reason: str


@dataclass
class Decision:
    """The verdict, why, and what could not be judged.

    ``reasons`` lists the fired rules' reasons, worst first; ``fired`` the rules themselves (for
    one signal only its most severe fired rule counts); ``not_known`` the signals (in words)
    that were missing and therefore skipped. ``enough_data`` is False when not one signal the
    rules read was known: ``verdict`` is then "push" only in the sense that nothing fired, and
    what to show is ``status``, "not enough data". (``verdict`` keeps its three values so that
    every table keyed by them still finds its key; a page shows ``status``.)
    """

    verdict: str
    reasons: list[str] = field(default_factory=list)
    fired: list[FiredRule] = field(default_factory=list)
    not_known: list[str] = field(default_factory=list)
    enough_data: bool = True

    @property
    def status(self) -> str:
        """What to show: :data:`NOT_ENOUGH_DATA` without data, else the verdict."""
        return self.verdict if self.enough_data else NOT_ENOUGH_DATA


def default_rules(
    *,
    acwr_sweet_high: float = ACWR_SWEET_SPOT[1],
    acwr_danger: float = ACWR_DANGER,
    ramp_limit_pct: float = 10.0,
    monotony_limit: float = MONOTONY_LIMIT,
    rhr_hold_bpm: float = RHR_HOLD_BPM,
    rhr_back_off_bpm: float = RHR_BACK_OFF_BPM,
    short_sleep_h: float = SHORT_SLEEP_H,
    pain_limit: float = PAIN_LIMIT,
) -> tuple[Rule, ...]:
    """The default decision table, with the athlete's own limits where they have set them.

    Load: ACWR above the danger line ⇒ back-off, above the sweet spot's top ⇒ hold (Gabbett
    2016); weekly distance ramp over the limit ⇒ hold; Foster monotony ≥ 2 ⇒ hold (the advice
    is to vary the days, not to stop). Recovery: resting HR ≥ 10 bpm over baseline ⇒ back-off,
    ≥ 5 bpm ⇒ hold (the guidance's 5–10 bpm warning); HRV below its band ⇒ hold (Plews et al.
    2013); sleep < 6 h ⇒ hold; soreness or fatigue ≥ 4 ⇒ hold, = 5 ⇒ back-off. Pain: a
    severity at or above ``pain_limit`` (default 6/10) in the pain log ⇒ back-off ("when pain
    arises, reduce load"; the pain-monitoring model allows up to 5/10, Silbernagel et al. 2007).

    References
    ----------
    Gabbett TJ. The training–injury prevention paradox: should athletes be training smarter
    and harder? *Br J Sports Med* 2016;50(5):273–280.

    Foster C. Monitoring training in athletes with reference to overtraining syndrome.
    *Med Sci Sports Exerc* 1998;30(7):1164–1168.

    Plews DJ, Laursen PB, Stanley J, Kilding AE, Buchheit M. Training adaptation and heart rate
    variability in elite endurance athletes: opening the door to effective monitoring.
    *Sports Med* 2013;43(9):773–781.

    Silbernagel KG, Thomeé R, Eriksson BI, Karlsson J. Continued sports activity, using a
    pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy. *Am J
    Sports Med* 2007;35(6):897–906.
    """
    return (
        Rule(
            c.ACWR,
            ">",
            acwr_danger,
            BACK_OFF,
            "ACWR {value:.2f} is above the danger line ({threshold:.2f})",
        ),
        Rule(
            c.ACWR,
            ">",
            acwr_sweet_high,
            HOLD,
            "ACWR {value:.2f} is above the sweet spot (top {threshold:.2f})",
        ),
        Rule(
            c.CHANGE_PCT,
            ">",
            ramp_limit_pct,
            HOLD,
            "weekly distance up {value:.1f} %, over the {threshold:g} % ramp limit",
        ),
        Rule(
            c.MONOTONY,
            ">=",
            monotony_limit,
            HOLD,
            "monotony {value:.2f} (≥ {threshold:g}): the days are too alike; add an easy day",
        ),
        Rule(
            c.RHR_DELTA_BPM,
            ">=",
            rhr_back_off_bpm,
            BACK_OFF,
            "resting HR {value:.1f} bpm above baseline (≥ {threshold:g})",
        ),
        Rule(
            c.RHR_DELTA_BPM,
            ">=",
            rhr_hold_bpm,
            HOLD,
            "resting HR {value:.1f} bpm above baseline (≥ {threshold:g})",
        ),
        Rule(
            c.HRV_STATUS,
            "==",
            HRV_BELOW,
            HOLD,
            "HRV (7-day mean of ln rMSSD) is below its normal band",
        ),
        Rule(c.SLEEP_H, "<", short_sleep_h, HOLD, "slept {value:.1f} h (< {threshold:g} h)"),
        Rule(c.SORENESS, ">=", VERY_HIGH_RATING, BACK_OFF, "soreness {value:.1f}/5: very high"),
        Rule(c.SORENESS, ">=", HIGH_RATING, HOLD, "soreness {value:.1f}/5 (≥ {threshold:g})"),
        Rule(c.FATIGUE, ">=", VERY_HIGH_RATING, BACK_OFF, "fatigue {value:.1f}/5: very high"),
        Rule(c.FATIGUE, ">=", HIGH_RATING, HOLD, "fatigue {value:.1f}/5 (≥ {threshold:g})"),
        Rule(
            c.PAIN_MAX,
            ">=",
            pain_limit,
            BACK_OFF,
            "pain {value:g}/10 in the pain log (≥ {threshold:g}): reduce the load until it settles",
        ),
    )


DEFAULT_RULES: tuple[Rule, ...] = default_rules()
"""The decision table with the default limits (an immutable tuple; build another with
:func:`default_rules` or :func:`rules_from_table`)."""


def rules_table(rules: Sequence[Rule] = DEFAULT_RULES) -> pd.DataFrame:
    """The rule table as a frame (``signal``, ``test``, ``threshold``, ``verdict``, ``reason``),
    for showing and editing; thresholds are text so numbers and words share a column."""
    return pd.DataFrame(
        {
            c.RULE_SIGNAL: [r.signal for r in rules],
            c.RULE_TEST: [r.test for r in rules],
            c.RULE_THRESHOLD: [
                f"{r.threshold:g}" if _is_number(r.threshold) else r.threshold for r in rules
            ],
            c.VERDICT: [r.verdict for r in rules],
            c.REASON: [r.reason for r in rules],
        },
        dtype="object",
    )


def rules_from_table(table: pd.DataFrame) -> tuple[Rule, ...]:
    """Rules from an (edited) rule table; blank rows are skipped.

    Raises
    ------
    ValueError
        A row with an unknown test or verdict, or a non-numeric threshold on a numeric test; the
        message names the row (counting from 1).
    """
    rules: list[Rule] = []
    for number, row in enumerate(table.to_dict("records"), start=1):
        cells = {key: "" if _missing(row.get(key)) else str(row.get(key)).strip() for key in row}
        if not any(cells.values()):
            continue
        threshold = _threshold(cells.get(c.RULE_THRESHOLD, ""))
        try:
            rules.append(
                Rule(
                    cells.get(c.RULE_SIGNAL, ""),
                    cells.get(c.RULE_TEST, ""),
                    threshold,
                    cells.get(c.VERDICT, ""),
                    cells.get(c.REASON, "")
                    or f"{cells.get(c.RULE_SIGNAL, '')} {{value}} {cells.get(c.RULE_TEST, '')} "
                    "{threshold}",
                )
            )
        except ValueError as err:
            raise ValueError(f"rule {number}: {err}") from err
    return tuple(rules)


# ---- deciding ---------------------------------------------------------------------------------


def decide(
    signals: Mapping[str, float | str | None], rules: Sequence[Rule] = DEFAULT_RULES
) -> Decision:
    """Push, hold or back-off, from the signals and the rule table.

    Each rule whose signal is known is tested; for one signal only its most severe fired rule
    counts (ACWR 1.6 reads "danger", not also "above the sweet spot"). The verdict is the worst
    of the fired rules' verdicts, "push" when none fires. Signals that a rule reads but that are
    missing, None or NaN are skipped and listed in ``not_known`` (in words where
    :data:`SIGNAL_LABELS` knows them): a "push" with unknown signals is a push on what is known.
    When not one signal the rules read is known (no wellness logged, no load ratio, no ramp,
    no monotony: an archive that ends in the past, or the first days after a break),
    ``enough_data`` is False and ``status`` is :data:`NOT_ENOUGH_DATA`, with every signal in
    ``not_known``: a push would be a green light given on nothing. An empty rule table judges
    nothing and stays a push.

    Parameters
    ----------
    signals
        Signal name -> value, e.g. ``{"acwr": 1.42, "rhr_delta_bpm": 6.0, "hrv_status":
        "below", "sleep_h": 7.5}`` (names as in :data:`SIGNAL_LABELS`).
    rules
        The rule table (default :data:`DEFAULT_RULES`).

    Returns
    -------
    Decision
        ``verdict`` is one of :data:`VERDICTS`, ``status`` one of :data:`STATUSES`.
    """
    severity = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    worst: dict[str, FiredRule] = {}
    not_known: list[str] = []
    known = False
    for rule in rules:
        value = signals.get(rule.signal)
        if _missing(value):
            label = SIGNAL_LABELS.get(rule.signal, rule.signal)
            if label not in not_known:
                not_known.append(label)
            continue
        assert value is not None  # narrowed by _missing
        known = True
        if not rule.fires(value):
            continue
        current = worst.get(rule.signal)
        if current is None or severity[rule.verdict] > severity[current.rule.verdict]:
            worst[rule.signal] = FiredRule(rule, value, rule.explain(value))
    fired = sorted(worst.values(), key=lambda f: -severity[f.rule.verdict])
    verdict = max((f.rule.verdict for f in fired), key=severity.__getitem__, default=PUSH)
    enough = known or not rules
    return Decision(verdict, [f.reason for f in fired], fired, not_known, enough)


def day_signals(recovery: pd.DataFrame, day: DayLike) -> dict[str, float | str | None]:
    """The recovery signals of one day from :func:`baselines` (missing where not logged).

    ``rhr_delta_bpm``, ``hrv_status``, ``sleep_h``, ``soreness`` and ``fatigue`` of that day.
    """
    dates = pd.to_datetime(recovery[c.DATE]).dt.normalize()
    rows = recovery[dates == to_day(day)]
    if rows.empty:
        return dict.fromkeys(_RECOVERY_SIGNALS)
    row = rows.iloc[-1]
    out: dict[str, float | str | None] = {}
    for signal in _RECOVERY_SIGNALS:
        value = row.get(signal)
        out[signal] = None if _missing(value) else value
    return out


def week_signals(
    recovery: pd.DataFrame, week_start: DayLike, as_of: DayLike | None = None
) -> dict[str, float | str | None]:
    """The recovery signals of one week from :func:`baselines`.

    Over the logged days from ``week_start`` to six days later (or ``as_of`` if earlier): the
    mean ``rhr_delta_bpm``, ``sleep_h``, ``soreness`` and ``fatigue`` of the days that have a
    value, and the ``hrv_status`` of the latest day that has one (the 7-day mean behind it
    already summarises the week). None where the week has no value.
    """
    first = to_day(week_start)
    last = first + pd.Timedelta(days=6)
    if as_of is not None:
        last = min(last, to_day(as_of))
    dates = pd.to_datetime(recovery[c.DATE]).dt.normalize()
    rows = recovery[(dates >= first) & (dates <= last)].sort_values(c.DATE, kind="stable")
    out: dict[str, float | str | None] = {}
    for signal in (c.RHR_DELTA_BPM, c.SLEEP_H, c.SORENESS, c.FATIGUE):
        if signal not in rows.columns:
            out[signal] = None
            continue
        values = pd.to_numeric(rows[signal], errors="coerce").dropna()
        out[signal] = float(values.mean()) if len(values) else None
    statuses = [] if c.HRV_STATUS not in rows.columns else list(rows[c.HRV_STATUS])
    known = [s for s in statuses if not _missing(s)]
    out[c.HRV_STATUS] = str(known[-1]) if known else None
    return out


def week_decision(
    recovery: pd.DataFrame,
    week_start: DayLike,
    load_signals: Mapping[str, float | str | None] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
    as_of: DayLike | None = None,
) -> Decision:
    """The decision for one week: its recovery signals (:func:`week_signals`) plus the load
    signals the caller computed for it (ACWR at its last day, its distance ramp, its monotony).
    """
    signals: dict[str, float | str | None] = dict(week_signals(recovery, week_start, as_of))
    signals.update(load_signals or {})
    return decide(signals, rules)


def day_decision(
    recovery: pd.DataFrame,
    day: DayLike,
    load_signals: Mapping[str, float | str | None] | None = None,
    rules: Sequence[Rule] = DEFAULT_RULES,
) -> Decision:
    """The decision for one day: its recovery signals (:func:`day_signals`) plus load signals."""
    signals: dict[str, float | str | None] = dict(day_signals(recovery, day))
    signals.update(load_signals or {})
    return decide(signals, rules)
