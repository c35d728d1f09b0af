"""Results: tidy tables, save and load, provenance, no half-written output."""

import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulation import load, run
from simulation.errors import ConfigError
from simulation.params import PARAMETER_NAMES
from simulation.results import METADATA_KEY


@pytest.fixture(scope="module")
def results():
    return run("crisis", seed=4, n_organisations=80, steps=60)


def test_tables_have_the_promised_columns(results):
    assert set(results.runs.columns) >= set(PARAMETER_NAMES) | {
        "run_id",
        "alliances_founded",
        "survival_rate",
        "transformation_rate",
        "renewal_success_rate",
        "median_lifespan",
        "ends_formation_failed",
        "ends_founding_conflict",
        "ends_lack_of_results",
        "ends_transformation_failed",
        "ends_completed",
        "ends_absorbed",
        "ends_wound_down",
        "share_success",
        "share_failure",
        "share_intermediate",
        "package_version",
        "git_commit",
    }
    assert set(results.alliances.columns) >= {
        "run_id",
        "alliance_id",
        "born",
        "ended",
        "duration",
        "founded_at",
        "end_outcome",
        "governance",
        "governance_at_founding",
        "founding_size",
        "founding_value_spread",
        "founding_complementarity",
        "founding_trust",
        "event_observed",
        "end_cause",
        "n_founders",
        "peak_size",
        "open",
        "evolutionary_renewals",
        "revolutionary_renewals",
        "steps_forming",
        "steps_founding",
        "steps_evolving",
        "steps_transforming",
        "founded",
    }
    assert list(results.events.columns) == [
        "run_id",
        "step",
        "alliance_id",
        "from_phase",
        "to_phase",
        "cause",
        "governance",
    ]
    assert set(results.timeseries.columns) >= {
        "run_id",
        "step",
        "pressure",
        "n_forming",
        "n_founding",
        "n_evolving",
        "n_transforming",
        "share_allied",
        "mean_trust",
        "mean_commitment",
        "mean_results",
    }
    assert len(results.timeseries) == 61  # step 0 and every month


def test_alive_alliances_are_censored(results):
    founded = results.alliances[results.alliances.founded]
    alive = founded[~founded.event_observed.astype(bool)]
    assert len(alive)
    assert alive.ended.isna().all() and alive.end_cause.isna().all()
    assert alive.end_outcome.isna().all()
    assert (alive.founded_at + alive.duration == 60).all()
    never = results.alliances[~results.alliances.founded]
    assert never.duration.isna().all() and never.founded_at.isna().all()


@pytest.fixture(scope="module")
def long_run():
    return run("default", seed=0, n_organisations=300)


def test_ended_from_is_the_phase_the_end_came_from(long_run):
    results = long_run
    alliances = results.alliances.set_index("alliance_id")
    ends = results.events[results.events.to_phase == "dissolved"].set_index("alliance_id")
    ended = alliances[alliances.ended.notna()]
    assert alliances[alliances.ended.isna()].ended_from.isna().all()
    assert (ended.ended_from.astype(str) == ends.from_phase.astype(str).loc[ended.index]).all()
    # a founded alliance ends from forming only when the new forming after a revolutionary
    # renewal never came together, at least a month after that renewal
    refailed = ended[ended.founded & (ended.ended_from == "forming")]
    assert len(refailed) and (refailed.end_cause == "transformation_failed").all()
    assert (refailed.revolutionary_renewals >= 1).all()
    renewals = results.events[results.events.cause == "revolutionary_renewal"]
    last = renewals.groupby("alliance_id").step.max().loc[refailed.index]
    assert (refailed.ended > last).all()
    assert (ended[ended.end_cause == "completed"].ended_from == "evolving").all()
    assert (ended[ended.end_cause == "absorbed"].ended_from == "transforming").all()


def test_founding_covariates_are_those_of_the_founders(long_run):
    alliances = long_run.alliances
    founded = alliances[alliances.founded]
    founders = long_run.memberships[long_run.memberships.founder]
    counted = founders.alliance_id.value_counts().reindex(founded.alliance_id, fill_value=0)
    assert (founded.founding_size.to_numpy() == founded.n_founders.to_numpy()).all()
    assert (counted.to_numpy() == founded.n_founders.to_numpy()).all()
    assert (alliances[~alliances.founded].n_founders == 0).all()
    assert founded.founding_trust.between(0, 1).all()


def test_a_renewal_the_alliance_does_not_outlive_the_month_of_is_a_crisis_end(long_run):
    results = long_run
    events = results.events
    ends = events[events.to_phase == "dissolved"][["alliance_id", "step"]]
    renewals = events[events.cause.isin(["evolutionary_renewal", "revolutionary_renewal"])]
    assert not len(renewals.merge(ends, on=["alliance_id", "step"]))
    # the counts agree with the events, alliance by alliance
    alliances = results.alliances.set_index("alliance_id")
    for kind in ("evolutionary", "revolutionary"):
        counted = events[events.cause == f"{kind}_renewal"].alliance_id.value_counts()
        counted = counted.reindex(alliances.index, fill_value=0)
        assert (alliances[f"{kind}_renewals"] == counted).all()


def test_every_crisis_ends_in_a_renewal_an_ending_or_the_horizon(results):
    founded = results.alliances[results.alliances.founded]
    renewals = founded.evolutionary_renewals.sum() + founded.revolutionary_renewals.sum()
    ended = (founded.ended_from == "transforming").sum()
    ongoing = (founded.phase_at_end == "transforming").sum()
    assert founded.transformations.sum() == renewals + ended + ongoing
    finished = founded.transformations.sum() - ongoing
    assert results.runs.renewal_success_rate.iloc[0] == pytest.approx(renewals / finished)


def test_lasting_renewals_count_endings_and_renewals_in_the_same_window(long_run):
    # an episode counts once it is resolved at least 24 months before the horizon, by a
    # renewal (which lasts if no new crisis and no end follows within 24 months) or by
    # an ending in the crisis; recomputed here from the events, alliance by alliance
    results, horizon, window = long_run, 240, 24
    founded = results.alliances[results.alliances.founded]
    moves = results.events[results.events.alliance_id.isin(founded.alliance_id)]
    held = episodes = 0
    for _, rows in moves.groupby("alliance_id"):
        steps, causes, to = rows.step.tolist(), rows.cause.tolist(), rows.to_phase.tolist()
        for k, (step, cause) in enumerate(zip(steps, causes, strict=True)):
            if step + window > horizon:
                continue
            if cause in ("evolutionary_renewal", "revolutionary_renewal"):
                episodes += 1
                later = [
                    s
                    for s, t in zip(steps[k + 1 :], to[k + 1 :], strict=True)
                    if t in ("transforming", "dissolved")
                ]
                held += not later or later[0] > step + window
            elif to[k] == "dissolved" and rows.from_phase.iloc[k] == "transforming":
                episodes += 1
    assert episodes > 50
    assert results.runs.lasting_renewal_rate.iloc[0] == pytest.approx(held / episodes)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_save_and_load_round_trip(results, tmp_path, fmt):
    results.save(tmp_path, format=fmt)
    back = load(tmp_path)
    for name in ("alliances", "events", "timeseries", "memberships", "runs"):
        pd.testing.assert_frame_equal(back.tables[name], results.tables[name], check_exact=True)
    assert back.provenance["seed"] == 4


def test_parquet_parts_readable_with_pandas_and_carry_provenance(results, tmp_path):
    results.save(tmp_path)
    frame = pd.read_parquet(tmp_path / "alliances")
    assert len(frame) == len(results.alliances)
    part = next((tmp_path / "events").glob("*.parquet"))
    meta = json.loads(pq.read_schema(part).metadata[METADATA_KEY])
    assert meta["params"]["pressure"] == 0.25
    assert meta["seed"] == 4 and "package_version" in meta and "git_commit" in meta


def test_failed_save_leaves_nothing(results, tmp_path, monkeypatch):
    import simulation.results as module

    calls = {"n": 0}
    original = module.stage_parquet

    def flaky(final, frame, meta):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return original(final, frame, meta)

    monkeypatch.setattr(module, "stage_parquet", flaky)
    with pytest.raises(OSError):
        results.save(tmp_path / "out")
    assert not list((tmp_path / "out").rglob("*.parquet"))
    assert not list((tmp_path / "out").rglob(".*tmp*"))


def test_load_refuses_a_folder_without_results(tmp_path):
    with pytest.raises(ConfigError, match="holds no results"):
        load(tmp_path)


def test_concat_stacks_runs(results):
    from simulation import Results

    other = run("crisis", seed=5, n_organisations=80, steps=60)
    both = Results.concat([results, other])
    assert both.runs.run_id.tolist() == [results.runs.run_id[0], other.runs.run_id[0]]
    assert len(both.alliances) == len(results.alliances) + len(other.alliances)
