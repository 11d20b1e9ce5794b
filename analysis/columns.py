"""The nomenclature: every tidy column name, in one place.

Per-sample frames are SI and snake case, ``<quantity>_<unit>``. Aggregates say their unit too.
No other module spells these names as string literals; import them from here.
The README carries the same table for users.
"""

from __future__ import annotations

# ---- per-sample frame (one row per recorded sample) -------------------------------------------
TIMESTAMP = "timestamp"  # tz-aware UTC
ELAPSED_S = "elapsed_s"  # seconds since the first sample
SAMPLE_DURATION_S = (
    "sample_duration_s"  # time this sample stands for (weights every duration metric)
)
DISTANCE_M = "distance_m"  # cumulative distance
SPEED_MPS = "speed_mps"
HEART_RATE_BPM = "heart_rate_bpm"
CADENCE_SPM = "cadence_spm"  # steps per minute, both feet
ALTITUDE_M = "altitude_m"
LATITUDE_DEG = "latitude_deg"
LONGITUDE_DEG = "longitude_deg"
POWER_W = "power_w"
# running dynamics (a watch with a chest strap, pod or wrist sensor; NaN where the file has none)
GROUND_CONTACT_TIME_MS = "ground_contact_time_ms"  # time a foot is on the ground per step
VERTICAL_OSCILLATION_MM = "vertical_oscillation_mm"  # up-and-down travel of the torso per step
VERTICAL_RATIO_PCT = "vertical_ratio_pct"  # vertical oscillation / step length x 100
STEP_LENGTH_MM = "step_length_mm"  # one step (either foot), as the device measured it
STANCE_TIME_BALANCE_PCT = "stance_time_balance_pct"  # left foot's share of ground contact time

SAMPLE_COLUMNS: tuple[str, ...] = (
    TIMESTAMP,
    ELAPSED_S,
    SAMPLE_DURATION_S,
    DISTANCE_M,
    SPEED_MPS,
    HEART_RATE_BPM,
    CADENCE_SPM,
    ALTITUDE_M,
    LATITUDE_DEG,
    LONGITUDE_DEG,
    POWER_W,
    GROUND_CONTACT_TIME_MS,
    VERTICAL_OSCILLATION_MM,
    VERTICAL_RATIO_PCT,
    STEP_LENGTH_MM,
    STANCE_TIME_BALANCE_PCT,
)
"""Every per-sample frame has exactly these columns, in this order (missing channels are NaN)."""

# ---- activity summary (one row per activity) --------------------------------------------------
ACTIVITY_ID = "activity_id"
FILE_HASH = "file_hash"
SOURCE_NAME = "source_name"
FORMAT = "format"
SPORT = "sport"
NAME = "name"
START_TIME_UTC = "start_time_utc"  # tz-aware UTC
START_TIME_LOCAL = "start_time_local"  # naive wall-clock time where the activity happened
LOCAL_DATE = "local_date"  # calendar day of the local start
TIMEZONE = "timezone"  # IANA name or fixed offset such as "UTC+02:00"
TIMEZONE_SOURCE = "timezone_source"  # "file", "gps" or "utc"
DURATION_S = "duration_s"  # elapsed, first to last sample
MOVING_TIME_S = "moving_time_s"
DISTANCE_KM = "distance_km"
AVG_HEART_RATE_BPM = "avg_heart_rate_bpm"
MAX_HEART_RATE_BPM = "max_heart_rate_bpm"
AVG_CADENCE_SPM = "avg_cadence_spm"
AVG_SPEED_MPS = "avg_speed_mps"
PACE_S_PER_KM = "pace_s_per_km"
ELEVATION_GAIN_M = "elevation_gain_m"
SAMPLES = "samples"  # number of samples stored for the activity
IS_SUMMARY = "is_summary"  # from a summary CSV row: no samples
DUPLICATE_OF = "duplicate_of"  # activity_id this row duplicates (excluded from totals), or null
LOAD_TRIMP = "load_trimp"
LOAD = "load"  # daily load in the unit of the chosen load model
ACUTE_LOAD = "acute_load"
CHRONIC_LOAD = "chronic_load"
ACWR = "acwr"
DATE = "date"
WEEK_START = "week_start"
MONTH_START = "month_start"
LONGEST_RUN_KM = "longest_run_km"
CHANGE_PCT = "change_pct"
OVER_RAMP_LIMIT = "over_ramp_limit"
ZONE = "zone"
ZONE_LOW_BPM = "zone_low_bpm"
ZONE_HIGH_BPM = "zone_high_bpm"
TIME_S = "time_s"
SHARE_PCT = "share_pct"


# Sport vocabulary (lower-case, FIT naming).
SPORT_RUNNING = "running"
SPORT_CYCLING = "cycling"
SPORT_WALKING = "walking"
SPORT_SWIMMING = "swimming"
SPORT_HIKING = "hiking"
SPORT_OTHER = "other"

# Timezone sources.
TZ_SOURCE_FILE = "file"
TZ_SOURCE_GPS = "gps"
TZ_SOURCE_UTC = "utc"

# Units shown to users for each column (the README table mirrors this).
UNITS: dict[str, str] = {
    TIMESTAMP: "UTC time",
    ELAPSED_S: "s",
    SAMPLE_DURATION_S: "s",
    DISTANCE_M: "m",
    SPEED_MPS: "m/s",
    HEART_RATE_BPM: "beats/min",
    CADENCE_SPM: "steps/min (both feet)",
    ALTITUDE_M: "m",
    LATITUDE_DEG: "degrees (WGS84)",
    LONGITUDE_DEG: "degrees (WGS84)",
    POWER_W: "W",
    GROUND_CONTACT_TIME_MS: "ms",
    VERTICAL_OSCILLATION_MM: "mm",
    VERTICAL_RATIO_PCT: "%",
    STEP_LENGTH_MM: "mm",
    STANCE_TIME_BALANCE_PCT: "% left",
}

# ---- metrics (appended) -----------------------------------------------------------------------
RUNS = "runs"  # number of counted activities in a day, week or month
ZONE_LABEL = "zone_label"  # human-readable zone name with its %-band and bpm range

# ---- laps (appended) --------------------------------------------------------------------------
LAP_START = "lap_start"  # tz-aware UTC; a laps frame is lap_start, duration_s, distance_m

# ---- wellness log (one row per local day) and weekly plan --------------------------------------
RESTING_HR_BPM = "resting_hr_bpm"
HRV_RMSSD_MS = "hrv_rmssd_ms"
SLEEP_H = "sleep_h"
SLEEP_QUALITY = "sleep_quality"  # 1 very poor – 5 very good
SORENESS = "soreness"  # 1 none – 5 very high
FATIGUE = "fatigue"  # 1 none – 5 very high
MOOD = "mood"  # 1 very bad – 5 very good
STRESS = "stress"  # 1 none – 5 very high
NOTES = "notes"
WELLNESS_COLUMNS: tuple[str, ...] = (
    DATE, RESTING_HR_BPM, HRV_RMSSD_MS, SLEEP_H, SLEEP_QUALITY, SORENESS, FATIGUE, MOOD, STRESS,
    NOTES,
)  # fmt: skip
PLAN_DISTANCE_KM = "plan_distance_km"
PLAN_DURATION_H = "plan_duration_h"
PLAN_LONG_RUN_KM = "plan_long_run_km"
PLAN_LOAD = "plan_load"
PLAN_COLUMNS: tuple[str, ...] = (
    WEEK_START, PLAN_DISTANCE_KM, PLAN_DURATION_H, PLAN_LONG_RUN_KM, PLAN_LOAD,
)  # fmt: skip
RPE = "rpe"  # session rating of perceived exertion, CR-10

# ---- fitness, fatigue, form and monotony (appended) --------------------------------------------
CTL = "ctl"  # chronic training load ("fitness"), unit of the daily load
ATL = "atl"  # acute training load ("fatigue"), unit of the daily load
TSB = "tsb"  # training stress balance ("form"): yesterday's CTL − ATL
WEEKLY_LOAD = "weekly_load"  # sum of the daily load over the last 7 days
MONOTONY = "monotony"  # Foster: 7-day mean daily load / its population SD
STRAIN = "strain"  # Foster: weekly load × monotony

# ---- recovery baselines and the daily decision (appended) --------------------------------------
LN_RMSSD = "ln_rmssd"  # natural log of rMSSD [ln ms]
RHR_SHORT_MEAN_BPM = "rhr_short_mean_bpm"  # short-window mean resting HR, today included
RHR_SHORT_SD_BPM = "rhr_short_sd_bpm"
RHR_LONG_MEAN_BPM = "rhr_long_mean_bpm"  # baseline: long-window mean of the days before today
RHR_LONG_SD_BPM = "rhr_long_sd_bpm"
RHR_DELTA_BPM = "rhr_delta_bpm"  # today's resting HR − baseline
LN_RMSSD_SHORT_MEAN = "ln_rmssd_short_mean"  # short-window mean of ln rMSSD, today included
LN_RMSSD_SHORT_SD = "ln_rmssd_short_sd"
LN_RMSSD_LONG_MEAN = "ln_rmssd_long_mean"  # baseline: long-window mean of the days before today
LN_RMSSD_LONG_SD = "ln_rmssd_long_sd"
HRV_SHORT_MEAN_MS = "hrv_short_mean_ms"  # e^(short-window mean of ln rMSSD)
HRV_BAND_LOW_MS = "hrv_band_low_ms"  # e^(baseline − 0.5 SD)
HRV_BAND_HIGH_MS = "hrv_band_high_ms"  # e^(baseline + 0.5 SD)
HRV_STATUS = "hrv_status"  # "below", "within" or "above" the band; missing when not known
RULE_SIGNAL = "signal"  # a decision rule: the signal it reads,
RULE_TEST = "test"  # its comparison (">", ">=", "<", "<=", "=="),
RULE_THRESHOLD = "threshold"  # the value compared against,
VERDICT = "verdict"  # "push", "hold" or "back-off",
REASON = "reason"  # and the reason shown when it fires

# ---- planned vs actual (appended) --------------------------------------------------------------
DURATION_H = "duration_h"  # moving time (elapsed where unknown) [h]
TARGET = "target"  # which weekly target a compliance row is about (an actuals column name)
PLANNED = "planned"
ACTUAL = "actual"
COMPLIANCE_PCT = "compliance_pct"  # actual / planned × 100
COLOUR = "colour"  # "green", "yellow", "red" or "grey" (no plan)

# ---- mileage guidance, training calendar, pace zones (appended) -------------------------------
LONG_RUN_SHARE_PCT = "long_run_share_pct"  # longest run / weekly distance × 100
WEEK_TYPE = "week_type"  # "build", "cutback" or "rest"
BUILD_STREAK = "build_streak"  # consecutive build weeks up to and including this one
REFERENCE_KM = "reference_km"  # mean of the preceding build weeks a cutback is measured against
DAY_TYPE = "day_type"  # "long", "hard", "moderate", "easy", "cross-training" or "rest"
RULE = "rule"  # the sentence that decided a classification
PACE_LOW_S_PER_KM = "pace_low_s_per_km"  # fast edge of a pace zone (inclusive)
PACE_HIGH_S_PER_KM = "pace_high_s_per_km"  # slow edge of a pace zone (exclusive)
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Calendar grid columns, one per weekday (Monday first; a Sunday week starts at ``sun``)."""
GEAR = "gear"  # shoes or bike, as an export names them
EXTERNAL_ID = "external_id"  # the id an export gives an activity (Strava's Activity ID)
SOURCE_FILE = "source_file"  # the activity file an export row points to
CHANNELS = (
    "channels"  # how many sensor channels (HR, cadence, power, altitude, GPS, speed) hold data
)

# ---- efficiency, fixed-point trends, test runs, running power and dynamics (appended) ---------
EFFICIENCY_FACTOR = "ef_m_per_min_per_bpm"  # Friel: mean speed [m/min] / mean HR [bpm]
DECOUPLING_PCT = "decoupling_pct"  # Friel's Pa:HR: (EF first half − EF second half) / EF first
IS_EASY = "is_easy"  # the run's average HR lies in the athlete's easy zones
EF_TREND = "ef_trend_m_per_min_per_bpm"  # 28-day rolling mean of easy runs' EF
DECOUPLING_TREND_PCT = "decoupling_trend_pct"  # 28-day rolling mean of easy runs' decoupling
PACE_AT_HR_S_PER_KM = "pace_at_hr_s_per_km"  # median pace of the samples near a chosen HR
CADENCE_AT_PACE_SPM = "cadence_at_pace_spm"  # median cadence of the samples near a chosen pace
MATCHED_S = "matched_s"  # seconds of a run that matched the chosen HR or pace
TEST_KIND = "test_kind"  # the label of a repeatable test a run was marked as
PACE_CHANGE_S_PER_KM = "pace_change_s_per_km"  # against the previous test of the kind (− faster)
HR_CHANGE_BPM = "hr_change_bpm"  # against the previous test of the kind
EF_CHANGE_PCT = "ef_change_pct"  # against the previous test of the kind
FIRST_EF_CHANGE_PCT = "first_ef_change_pct"  # against the first test of the kind
STEP_LENGTH_M = "step_length_m"  # one foot strike to the next (Garmin's "stride length")
AVG_POWER_W = "avg_power_w"  # time-weighted mean running power
# one run's running dynamics: time-weighted means over its moving samples with a reading
AVG_GROUND_CONTACT_TIME_MS = "avg_ground_contact_time_ms"
AVG_VERTICAL_OSCILLATION_MM = "avg_vertical_oscillation_mm"
AVG_VERTICAL_RATIO_PCT = "avg_vertical_ratio_pct"
AVG_STANCE_TIME_BALANCE_PCT = "avg_stance_time_balance_pct"  # left foot's share
CRITICAL_POWER_W = "critical_power_w"  # the athlete's critical (or threshold) power setting
ZONE_LOW_W = "zone_low_w"  # power zone edges: low inclusive,
ZONE_HIGH_W = "zone_high_w"  # high exclusive
HRV_TODAY_MS = "hrv_today_ms"  # this morning's rMSSD
HRV_TODAY_STATUS = "hrv_today_status"  # this morning's ln rMSSD against the SWC band

# ---- goal races, training blocks and shoes (schema: DuckDB 6, PostgreSQL 3) --------------------
RACE_ID = "race_id"
RACE_DATE = "race_date"  # the local day of the race
TARGET_TIME_S = "target_time_s"  # the time the athlete aims for [s]
RACE_COLUMNS: tuple[str, ...] = (RACE_ID, RACE_DATE, DISTANCE_KM, TARGET_TIME_S, NAME)
BLOCK_ID = "block_id"
START_DATE = "start_date"  # first day, included
END_DATE = "end_date"  # last day, included
BLOCK_KIND = "block_kind"  # "base", "build", "peak", "taper" or "recovery"
NOTE = "note"
BLOCK_COLUMNS: tuple[str, ...] = (BLOCK_ID, START_DATE, END_DATE, BLOCK_KIND, NOTE)
SHOE_ID = "shoe_id"
FIRST_USED = "first_used"  # the day a pair was first run in
RETIRE_KM = "retire_km"  # the distance at which the pair is due to be retired [km]
RETIRED = "retired"  # the athlete has retired the pair
GEAR_SOURCE = "gear_source"  # "typed" (entered in the app) or "strava" (an export named it)
SHOE_COLUMNS: tuple[str, ...] = (SHOE_ID, NAME, FIRST_USED, RETIRE_KM, RETIRED, GEAR_SOURCE)
VOLUME_KM = "volume_km"  # planned training volume of a week, the race itself left out [km]
NEW_PAIR_KM = "new_pair_km"  # distance run in a pair during its first weeks [km]
NEW_PAIR_SHARE_PCT = "new_pair_share_pct"  # that distance / the week's distance × 100
WEEK_OF_USE = "week_of_use"  # 1 for a pair's first 7 days of use, 2 for the next 7 ...
OVER_NEW_PAIR_LIMIT = "over_new_pair_limit"  # the share went over the new-pair limit
SHOE_STATUS = "shoe_status"  # "ok", "soon", "retire" or "retired"

# ---- strength & mobility log, pain log (schema: DuckDB 6, PostgreSQL 3) ----------------------------
SPORT_STRENGTH = "strength"  # strength training (FIT training / strength_training)
SPORT_MOBILITY = "mobility"  # mobility, flexibility, yoga, pilates
SPORT_PLYOMETRICS = "plyometrics"  # jumps and bounds
SPORT_CROSS_TRAINING = "cross_training"  # cardio machines, HIIT, other non-running conditioning
SESSION_TYPES: tuple[str, ...] = (
    SPORT_STRENGTH, SPORT_MOBILITY, SPORT_PLYOMETRICS, SPORT_CROSS_TRAINING,
)  # fmt: skip
"""What a logged session (or an imported activity of one of these sports) may be."""
SESSION_ID = "session_id"
SESSION_TYPE = "session_type"  # one of SESSION_TYPES
DURATION_MIN = "duration_min"
EXERCISES = "exercises"  # free text: "squats 3x8, lunges, side plank"
SESSION_COLUMNS: tuple[str, ...] = (
    SESSION_ID, DATE, SESSION_TYPE, DURATION_MIN, RPE, EXERCISES, NOTES,
)  # fmt: skip
"""A logged strength, mobility, plyometrics or cross-training session."""
SESSION_LOAD = "session_load"  # Foster's session RPE: CR-10 × minutes [a.u.]
SESSIONS = "sessions"  # sessions in a week
STRENGTH_MIN = "strength_min"  # minutes of strength / mobility work in a day
PAIN_ID = "pain_id"
BODY_SITE = "body_site"
SIDE = "side"  # "left", "right", "both" or "none"
SEVERITY = "severity"  # 0 no pain – 10 worst imaginable
PAIN_WHEN = "pain_when"  # "before", "during", "after" running or "at rest"
PAIN_COLUMNS: tuple[str, ...] = (PAIN_ID, DATE, BODY_SITE, SIDE, SEVERITY, PAIN_WHEN, NOTES)
"""One entry of the pain log: a niggle on one day."""
PAIN_MAX = "pain_max"  # the highest severity logged in a window (a decision signal) [0–10]
EPISODE_START = "episode_start"  # first day of a pain episode at one site
