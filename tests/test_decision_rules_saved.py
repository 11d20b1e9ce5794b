"""An athlete's own decision rules survive new default signals: a table saved before the pain log
existed still gets the pain rule (they never saw it, so they cannot have removed it), while a
rule the athlete knew and took out stays out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import columns as c
from analysis import dashboard
from analysis.metrics import recovery
from analysis.settings import AthleteSettings
from analysis.store import Store


def _signals(rules: tuple[recovery.Rule, ...]) -> list[str]:
    return [r.signal for r in rules]


def test_a_table_saved_before_the_pain_log_gets_the_pain_rule_with_the_athletes_limit(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "a.duckdb")
    try:
        # the first format: a bare list of rules, here the old defaults with ACWR's danger line
        # moved to 1.6 (as an athlete edits it), and no pain rule
        old = [r for r in recovery.DEFAULT_RULES if r.signal != c.PAIN_MAX]
        table = recovery.rules_table(tuple(old))
        table.loc[table[c.RULE_SIGNAL] == c.ACWR, c.RULE_THRESHOLD] = ["1.6", "1.3"]
        store.set_meta(dashboard.RULES_KEY, table.to_json(orient="records"))
        rules = dashboard.decision_rules(store, AthleteSettings(pain_limit=4.0))
        assert _signals(rules)[: len(old)] == _signals(tuple(old))  # theirs first, in order
        assert rules[0].threshold == 1.6  # their edit is kept
        assert rules[-1].signal == c.PAIN_MAX and rules[-1].threshold == 4.0
        # and it decides: pain 5/10 over their limit of 4 backs off
        assert recovery.decide({c.PAIN_MAX: 5.0}, rules).verdict == recovery.BACK_OFF
    finally:
        store.close()


def test_a_rule_the_athlete_removed_stays_removed(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    try:
        table = recovery.rules_table()
        without_pain = table[table[c.RULE_SIGNAL] != c.PAIN_MAX].reset_index(drop=True)
        dashboard.save_decision_rules(store, without_pain)
        saved = json.loads(store.get_meta(dashboard.RULES_KEY) or "")
        assert c.PAIN_MAX in saved["signals"]  # they saw the pain rule when they saved
        rules = dashboard.decision_rules(store, AthleteSettings())
        assert c.PAIN_MAX not in _signals(rules)
        assert recovery.decide({c.PAIN_MAX: 9.0}, rules).verdict == recovery.PUSH
    finally:
        store.close()


def test_saved_rules_round_trip_and_reset(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    try:
        table = recovery.rules_table()
        table.loc[table[c.RULE_SIGNAL] == c.SLEEP_H, c.RULE_THRESHOLD] = "7"
        dashboard.save_decision_rules(store, table)
        rules = dashboard.decision_rules(store, AthleteSettings())
        assert _signals(rules) == _signals(recovery.DEFAULT_RULES)  # nothing added twice
        sleep = next(r for r in rules if r.signal == c.SLEEP_H)
        assert sleep.threshold == 7.0
        dashboard.save_decision_rules(store, None)
        assert dashboard.decision_rules(store, AthleteSettings()) == recovery.default_rules()
    finally:
        store.close()


def test_an_invalid_table_is_refused_and_the_saved_one_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.duckdb")
    try:
        dashboard.save_decision_rules(store, recovery.rules_table())
        before = store.get_meta(dashboard.RULES_KEY)
        bad = pd.DataFrame([{c.RULE_SIGNAL: c.ACWR, c.RULE_TEST: "~", c.RULE_THRESHOLD: "1"}])
        try:
            dashboard.save_decision_rules(store, bad)
        except ValueError as err:
            assert "rule 1" in str(err)
        else:
            raise AssertionError("an unknown test was accepted")
        assert store.get_meta(dashboard.RULES_KEY) == before
    finally:
        store.close()
