"""The seven patterns (docs/ODD.md section 1), measured by ``simulation.patterns``.

Nothing in the model is written for these tests: each pattern has to come out of the
mechanisms. Both arms use the same seeds (common random numbers). The default run uses a
small form (4 seeds, 300 organisations) and asserts the direction; ``make test-slow`` runs
the full form (24 seeds, 300 organisations) and asserts that the 95% bootstrap interval of
the difference excludes zero where docs/ODD.md says the pattern is clear.
"""

import dataclasses
import functools

import pandas as pd
import pytest

from simulation import patterns, run
from simulation.errors import ConfigError

SMALL = {"seeds": range(4), "overrides": {"n_organisations": 300}}
FULL = {"seeds": range(24), "overrides": {"n_organisations": 300}}


@pytest.fixture(
    scope="module",
    params=[pytest.param(SMALL, id="small"), pytest.param(FULL, id="full", marks=pytest.mark.slow)],
)
def form(request):
    return request.param


@functools.cache
def _arms(number, seeds, n_organisations):
    item = patterns.pattern(number)
    return patterns.runs_for(item, seeds, {"n_organisations": n_organisations})


def arms(number, form):
    """Per-run figures of both arms of a pattern (run once per form)."""
    return _arms(number, tuple(form["seeds"]), form["overrides"]["n_organisations"])


def check(number, form, figures=None):
    table = patterns.measure(number, **form, arms=arms(number, form)).set_index("figure")
    rows = table if figures is None else table.loc[figures]
    assert rows["holds"].all(), table.to_string()
    if form is FULL:
        assert rows["clear"].all(), table.to_string()


def test_1_pressure_more_transformations_lower_survival(form):
    check(1, form)


def test_2_foresight_fewer_forced_transformations_higher_survival(form):
    check(2, form)


def test_3_collective_leadership_more_lasting_renewals(form):
    check(3, form)


def test_4_care_fewer_alliances_founded(form):
    check(4, form, ["alliances_founded"])


@pytest.mark.xfail(strict=True, reason="known: careful alliances do not live longer (ODD 1)")
def test_4_care_founded_alliances_survive_longer(form):
    if form is SMALL:
        pytest.skip("a small effect: over 4 seeds its sign is a coin flip (full form only)")
    check(4, form, ["survival_72"])


def test_5_open_alliances_grow_larger_than_closed(form):
    check(5, form)


def test_6_without_complementarity_more_end_for_lack_of_results(form):
    check(6, form)


def test_7_denser_ties_alliances_form_sooner(form):
    check(7, form)


@functools.cache
def _pooled(seeds, n_organisations, extra=()):
    return pd.concat(
        [
            run("default", seed=s, n_organisations=n_organisations, **dict(extra)).alliances
            for s in seeds
        ]
    )


def pooled_alliances(seeds, n_organisations, **extra):
    """The alliances of default runs over ``seeds`` (with ``extra`` parameters), pooled."""
    return _pooled(tuple(seeds), n_organisations, tuple(sorted(extra.items())))


@functools.cache
def _ratios(seeds, n_organisations, event):
    return patterns.within_runs(_pooled(seeds, n_organisations), event=event)


def ratios(form, event):
    """The founding-covariate Cox rows of the pooled runs (fitted once per form and event)."""
    return _ratios(tuple(form["seeds"]), form["overrides"]["n_organisations"], event)


def complementarity_ratio(form):
    """Pattern 6 within runs: the Cox row of founding complementarity."""
    return ratios(form, "results_failure").loc["founding_complementarity"]


def test_3_chain_a_leaders_revolutions_fall_apart_as_they_are_adopted(form):
    """Pattern 3's main link (ODD 1): fewer members follow one leader's far proposal, so
    more revolutions leave too few members and the crisis ends the alliance instead."""
    leader, collective = arms(3, form)
    revolutions_leader, revolutions_collective = (
        arm.revolutionary_renewals.sum() for arm in (leader, collective)
    )
    failed_leader, failed_collective = (arm.crisis_failures.sum() for arm in (leader, collective))
    assert revolutions_collective > 1.5 * revolutions_leader
    assert failed_collective < 0.5 * failed_leader


def test_4_chain_careful_re_formings_fail_to_come_together(form):
    """Pattern 4's reversal (ODD 1): the new forming after a revolutionary renewal must
    pass the same strict thresholds, and careful ones often never do."""
    careless, careful = arms(4, form)
    share = [
        arm.reforming_failures.sum() / arm.revolutionary_renewals.sum()
        for arm in (careless, careful)
    ]
    assert share[0] < 0.05 and share[1] > 0.15, share


def test_4_chain_care_buys_trusting_alike_founders_not_complementary_ones(form):
    """Pattern 4 (ODD 1): careful groups found with more trust and less value spread, but
    with founders no more complementary, the one founding quality that predicts survival."""
    careless, careful = arms(4, form)
    gain = careful.mean(numeric_only=True) - careless.mean(numeric_only=True)
    assert gain.founding_trust > 0.05 and gain.founding_value_spread < -0.01, gain
    assert abs(gain.founding_complementarity) < 0.02, gain


#: A need that stands still: no drift, and pressure moves it neither way (ODD 1, pattern 4).
STILL_NEED = {"need_drift": 0.0, "pressure_need_drift": 0.0, "pressure_need_jump": 0.0}
#: Both consensus thresholds at their default midpoint: care no longer asks for more consensus.
CONSENSUS_FIXED = {"consensus_needed_careless": 0.575, "consensus_needed_careful": 0.575}


@functools.cache
def _measure_4(seeds, n_organisations, scenario, extra):
    item = dataclasses.replace(patterns.pattern(4), scenario=scenario)
    overrides = {"n_organisations": n_organisations, **dict(extra)}
    return patterns.measure(item, seeds, overrides).set_index("figure")


def measure_4(form, scenario="default", **extra):
    """Pattern 4 measured in another world (run once per form and world)."""
    n = form["overrides"]["n_organisations"]
    return _measure_4(tuple(form["seeds"]), n, scenario, tuple(sorted(extra.items())))


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known (ODD 1, pattern 4): with no revolutionary renewals, so no re-formings, "
    "careful alliances still do not live clearly longer (+0.003 [-0.036, +0.045])",
)
def test_4_care_pays_where_there_are_no_re_formings():
    table = measure_4(FULL, revolution_gap=1.0)
    assert table.loc["survival_72", "clear"], table.to_string()


def test_4_care_pays_where_the_need_stands_still(form):
    """Pattern 4 in full where the need does not move (ODD 1): fewer founded, and those
    founded live longer."""
    table = measure_4(form, **STILL_NEED)
    assert table["holds"].all(), table.to_string()
    if form is FULL:
        assert table["clear"].all(), table.to_string()


@pytest.mark.slow
def test_4_chain_in_a_still_need_the_consensus_threshold_carries_the_gain():
    """ODD 1, pattern 4: with the consensus thresholds equal, care's survival gain in a
    still need falls to well under half, and it shrinks in the ``stable`` scenario too."""
    full = measure_4(FULL, **STILL_NEED).loc["survival_72", "difference"]
    fixed = measure_4(FULL, **STILL_NEED, **CONSENSUS_FIXED).loc["survival_72"]
    assert 0 < fixed["difference"] < 0.5 * full and fixed["ci_low"] < 0 < fixed["ci_high"]
    stable = measure_4(FULL, scenario="stable").loc["survival_72"]
    assert 0 < stable["difference"] < full and stable["ci_low"] < 0, stable  # not clear


@pytest.mark.slow
def test_4_chain_in_a_still_need_about_half_of_the_gain_is_fewer_alliances():
    """ODD 1, pattern 4: a careless population founding as few alliances, because fewer
    are started, gains clearly in survival, but only about half of what care gains."""
    care = measure_4(FULL, **STILL_NEED).loc["survival_72", "difference"]
    fewer = dataclasses.replace(
        patterns.pattern(4),
        low={"initiation_rate": 0.01},
        high={"initiation_rate": 0.004},
        fixed={"forming_care": 0.1},
    )
    table = patterns.measure(fewer, FULL["seeds"], {**FULL["overrides"], **STILL_NEED})
    table = table.set_index("figure")
    founded, survival = table.loc["alliances_founded"], table.loc["survival_72"]
    assert founded["ci_high"] < -30, table.to_string()  # about as many fewer as care
    assert survival["ci_low"] > 0 and survival["difference"] < 0.75 * care, table.to_string()


@pytest.mark.slow
def test_4_chain_in_a_still_need_trusting_and_larger_founding_groups_live_longer():
    """ODD 1, pattern 4: within runs where the need stands still, founding trust and size
    lower the hazard of ending, while value spread lowers it too (diverse founders last)."""
    alliances = pooled_alliances(FULL["seeds"], FULL["overrides"]["n_organisations"], **STILL_NEED)
    rows = patterns.within_runs(alliances, event="any")
    for covariate in ("founding_trust", "founding_size", "founding_value_spread"):
        assert rows.loc[covariate, "ci_high"] < 1.0, rows.to_string()


def test_6_at_the_defaults_results_failures_are_stagnation_crises(form):
    """ODD 1 and 8: C17 works through stagnation at the defaults; lost meaning and the
    collective collapse (``lack_of_results``) are all but absent. Change them if this does."""
    alliances = pooled_alliances(form["seeds"], form["overrides"]["n_organisations"])
    founded = alliances[alliances.founded]
    failed = founded[patterns.results_failed(founded)]
    assert len(failed) and (failed.crisis_cause == "stagnation").mean() > 0.95
    assert not (founded.end_cause == "lack_of_results").any()


def by_complementarity_third(form):
    alliances = pooled_alliances(form["seeds"], form["overrides"]["n_organisations"])
    founded = alliances[alliances.founded].copy()
    founded["third"] = pd.qcut(founded.founding_complementarity, 3, labels=False)
    return founded.groupby("third")


def test_3_tension_within_runs_complementary_founders_are_less_alike_and_trust_less(form):
    """C3 read from the founding covariates: differences come with less likeness."""
    by_third = by_complementarity_third(form)
    spread = by_third.founding_value_spread.mean()
    trust = by_third.founding_trust.mean()
    assert spread.iloc[-1] > spread.iloc[0] and trust.iloc[-1] < trust.iloc[0]


def test_6_within_runs_complementary_founders_fail_less_for_lack_of_results(form):
    """Pattern 6 read from the founding covariates of the same runs (no lever moved).

    A cause-specific Cox model holds C3's tension (value spread, trust) and size constant:
    more complementary founders have a lower hazard of ending for lack of results.
    """
    ratio = complementarity_ratio(form)
    assert ratio.hazard_ratio < 1, ratio


def test_6_within_runs_the_interval_excludes_no_effect(form):
    if form is SMALL:
        pytest.skip("an interval over 4 seeds says little (full form only)")
    ratio = complementarity_ratio(form)
    assert ratio.ci_high < 1, ratio


def test_within_runs_complementary_founders_live_longer(form):
    """ODD 1 (pattern 4) and 8: of what the founders were, complementarity predicts how
    long an alliance lives (every ending counts), through its results."""
    ratio = ratios(form, "any").loc["founding_complementarity"]
    assert ratio.hazard_ratio < 1, ratio
    if form is FULL:
        assert ratio.ci_high < 1, ratio


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="known (ODD 1, pattern 4): what care buys at founding, more trust and more alike "
    "founders, does not predict how long an alliance lives (hazard ratios 1.00 and 1.04 per "
    "SD, both intervals include 1): trust follows experience, missions follow the need",
)
def test_within_runs_trusting_and_alike_founders_live_longer():
    table = ratios(FULL, "any")
    trust, spread = table.loc["founding_trust"], table.loc["founding_value_spread"]
    assert trust.ci_high < 1 or spread.ci_low > 1, table


@pytest.mark.slow
def test_6_within_runs_holds_when_aspiration_follows_only_the_peers():
    """ODD 1: the own-trend part of aspiration hides pattern 6 within runs."""
    alliances = pd.concat(
        [
            run("default", seed=s, social_aspiration=1.0, **FULL["overrides"]).alliances
            for s in FULL["seeds"]
        ]
    )
    ratio = patterns.within_runs(alliances).loc["founding_complementarity"]
    assert ratio.ci_high < 1, ratio


def test_a_results_failure_is_an_ending_in_the_results_crisis_itself():
    rows = pd.DataFrame(
        [
            # (end_cause, crisis_cause, ended_from, counted)
            ("transformation_failed", "stagnation", "transforming", True),
            ("wound_down", "lost_meaning", "transforming", True),
            ("lack_of_results", None, "evolving", True),
            ("transformation_failed", "stagnation", "forming", False),  # failed re-forming
            ("transformation_failed", "lost_relevance", "transforming", False),
            ("absorbed", "stagnation", "transforming", False),
            (None, "stagnation", None, False),  # alive at the horizon
        ],
        columns=["end_cause", "crisis_cause", "ended_from", "counted"],
    )
    assert patterns.results_failed(rows).tolist() == rows["counted"].tolist()
    # a table saved before ``ended_from`` existed gets one line saying so
    with pytest.raises(ConfigError, match="no 'ended_from' column"):
        patterns.results_failed(rows.drop(columns="ended_from"))
    with pytest.raises(ConfigError, match="unknown event 'deaths'"):
        patterns.within_runs(rows, event="deaths")


def test_figures_read_the_cohort_of_the_runs_summary():
    results = run("default", seed=1, n_organisations=200, warmup=60)
    got = patterns.figures(results)
    cohort = results.alliances[results.alliances.born >= 60]
    founded = cohort[cohort.founded]
    assert got["alliances_founded"] == len(founded)
    assert got["results_failures"] == patterns.results_failures(cohort)
    assert got["crisis_ends"] == (founded.ended_from == "transforming").sum()
    # the months to the first foundings count first foundings, from the start of the run
    assert got["months_to_10_foundings"] == sorted(results.alliances.founded_at.dropna())[9]
