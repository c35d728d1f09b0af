"""Experiment files: parsing, samplers, run ids and seeds."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulation.params import Params
from simulation.sweep import load_design, parse_design, run_seed
from simulation.sweep.samplers import scale

README_EXAMPLE = """
name = "pressure"
description = "Survival under low, medium and high pressure"
scenario = "default"
steps = 240
replications = 10
seed = 2026

[fixed]
n_organisations = 300

[vary]
pressure = [0.2, 0.5, 0.8]                # levels, crossed in a grid
# foresight = { low = 0.0, high = 1.0 }   # a range, for lhs / sobol / morris

[sampler]
method = "grid"                           # grid | lhs | sobol | morris | ofat
samples = 64                              # for lhs / sobol / morris

[output]
tables = ["runs", "alliances", "events", "timeseries"]
timeseries_every = 1
"""


def design_of(text: str, **changes):
    data = tomllib.loads(text)
    data.update(changes)
    return parse_design(data, source="test.toml")


def test_the_readme_example_works_as_written(write_experiment):
    design = load_design(write_experiment(README_EXAMPLE))
    assert design.name == "pressure"
    assert design.method == "grid"
    assert design.varied == ("pressure",)
    assert design.n_samples == 3 and design.replications == 10 and design.n_runs == 30
    assert design.steps == 240 and design.base.n_organisations == 300
    assert design.tables == ("runs", "alliances", "events", "timeseries")
    assert [s["pressure"] for s in design.samples] == [0.2, 0.5, 0.8]
    assert design.text.startswith("\nname = ")


def test_defaults_of_a_minimal_file():
    design = parse_design({"name": "bare"})
    assert design.scenario == "default" and design.method == "grid"
    assert design.n_samples == 1 and design.replications == 1 and design.seed == 0
    assert design.base == Params()
    assert design.tables == ("runs", "alliances", "events", "timeseries")
    assert design.timeseries_every == 1


def test_the_scenario_and_fixed_values_make_the_base():
    design = parse_design({"name": "x", "scenario": "crisis", "fixed": {"foresight": 0.7}})
    from simulation.scenarios import scenario_params

    assert design.base == scenario_params("crisis", foresight=0.7)


def test_name_defaults_to_the_file_stem(write_experiment):
    path = write_experiment("steps = 12\n[vary]\npressure = [0.1, 0.2]\n", name="my-exp.toml")
    assert load_design(path).name == "my-exp"


# --- grid and ofat ------------------------------------------------------------------------
def test_grid_crosses_all_levels_in_file_order():
    design = design_of('name = "g"\n[vary]\npressure = [0.2, 0.8]\nforming_care = [0.1, 0.5, 0.9]')
    assert design.n_samples == 6
    assert [(s["pressure"], s["forming_care"]) for s in design.samples] == [
        (0.2, 0.1), (0.2, 0.5), (0.2, 0.9), (0.8, 0.1), (0.8, 0.5), (0.8, 0.9),
    ]  # fmt: skip


def test_a_range_with_levels_gives_evenly_spaced_grid_levels():
    design = design_of(
        'name = "g"\n[vary]\ntie_density = { low = 0.1, high = 0.7, levels = 4 }\n'
        "n_organisations = { low = 50, high = 200, levels = 4 }"
    )
    assert sorted({s["tie_density"] for s in design.samples}) == pytest.approx([0.1, 0.3, 0.5, 0.7])
    assert sorted({s["n_organisations"] for s in design.samples}) == [50, 100, 150, 200]
    assert all(isinstance(s["n_organisations"], int) for s in design.samples)


def test_ofat_changes_one_factor_at_a_time_around_the_base():
    design = design_of(
        'name = "o"\n[fixed]\nforesight = 0.4\n[vary]\npressure = [0.1, 0.3, 0.6]\n'
        'forming_care = [0.2, 0.8]\n[sampler]\nmethod = "ofat"'
    )
    base = {"pressure": Params().pressure, "forming_care": Params().forming_care}
    assert base == {"pressure": 0.3, "forming_care": 0.5}
    assert design.samples[0] == base
    # the level equal to the base (pressure 0.3) is not run twice
    assert list(design.samples[1:]) == [
        {"pressure": 0.1, "forming_care": 0.5},
        {"pressure": 0.6, "forming_care": 0.5},
        {"pressure": 0.3, "forming_care": 0.2},
        {"pressure": 0.3, "forming_care": 0.8},
    ]
    assert all(run.params.foresight == 0.4 for run in design.plan())


def test_no_factors_means_replications_of_the_base():
    design = parse_design({"name": "base", "replications": 4})
    assert design.n_runs == 4 and design.samples == ({},)
    assert len({run.seed for run in design.plan()}) == 4


# --- sampled designs ----------------------------------------------------------------------
RANGES = """
name = "s"
seed = 5
[vary]
pressure = { low = 0.1, high = 0.9 }
tie_density = { low = 0.01, high = 1.0, distribution = "loguniform" }
n_organisations = { low = 40, high = 120 }
"""


def test_lhs_puts_one_sample_in_each_stratum_of_each_factor():
    n = 32
    design = design_of(RANGES + f'[sampler]\nmethod = "lhs"\nsamples = {n}')
    assert design.n_samples == n
    pressure = np.array([s["pressure"] for s in design.samples])
    strata = np.floor((pressure - 0.1) / 0.8 * n).astype(int)
    assert sorted(strata) == list(range(n))
    # log-uniform: the strata are equal in log space
    ties = np.array([s["tie_density"] for s in design.samples])
    log_strata = np.floor(np.log(ties / 0.01) / math.log(100) * n).astype(int)
    assert sorted(log_strata) == list(range(n))
    sizes = [s["n_organisations"] for s in design.samples]
    assert all(isinstance(v, int) and 40 <= v <= 120 for v in sizes)


def test_sobol_has_saltellis_layout():
    design = design_of(RANGES + '[sampler]\nmethod = "sobol"\nsamples = 8')
    d = 3
    assert design.n_samples == 8 * (d + 2)
    x = np.array([[s[name] for name in design.varied] for s in design.samples], dtype=float)
    for block in x.reshape(8, d + 2, d):
        a, b = block[0], block[-1]
        for j in range(d):
            expected = a.copy()
            expected[j] = b[j]
            np.testing.assert_array_equal(block[j + 1], expected)
    problem = design.problem()
    assert problem["names"] == ["pressure", "tie_density", "n_organisations"]
    assert problem["bounds"] == [[0.1, 0.9], [0.01, 1.0], [40, 120]]
    assert problem["num_vars"] == 3


def test_sobol_with_second_order_plans_2d_plus_2_rows_per_block():
    design = design_of(RANGES + '[sampler]\nmethod = "sobol"\nsamples = 4\nsecond_order = true')
    assert design.n_samples == 4 * (2 * 3 + 2)
    assert design.sampler_settings() == {"method": "sobol", "samples": 4, "second_order": True}


def test_morris_trajectories_move_one_factor_per_step_on_the_level_grid():
    text = (
        'name = "m"\n[vary]\npressure = { low = 0.0, high = 0.9 }\n'
        "foresight = { low = 0.0, high = 1.0 }\n"
    )
    design = design_of(text + '[sampler]\nmethod = "morris"\nsamples = 5\nlevels = 4')
    d = 2
    assert design.n_samples == 5 * (d + 1)
    x = np.array([[s[n] for n in design.varied] for s in design.samples])
    for trajectory in x.reshape(5, d + 1, d):
        changed = (np.diff(trajectory, axis=0) != 0).sum(axis=1)
        assert list(changed) == [1] * d
    grid = np.array([0, 1 / 3, 2 / 3, 1])
    assert np.all(np.isclose(x[:, 1][:, None], grid).any(axis=1))
    assert np.all(np.isclose(x[:, 0][:, None], 0.9 * grid).any(axis=1))


def test_sampled_designs_are_reproducible_and_follow_the_root_seed():
    text = RANGES + '[sampler]\nmethod = "lhs"\nsamples = 6'
    first, again = design_of(text), design_of(text)
    assert first.samples == again.samples
    assert [r.seed for r in first.plan()] == [r.seed for r in again.plan()]
    other = design_of(text, seed=6)
    assert other.samples != first.samples


def test_scale_gives_each_whole_number_an_equal_share():
    u = (np.arange(400) + 0.5) / 400
    values = scale(u, 1, 4, "uniform", integer=True)
    assert np.bincount(values)[1:].tolist() == [100, 100, 100, 100]


# --- run ids and seeds --------------------------------------------------------------------
def test_run_ids_are_stable_readable_and_unique():
    design = design_of('name = "pressure"\nreplications = 3\n[vary]\npressure = [0.2, 0.5]')
    plan = design.plan()
    assert [r.run_id for r in plan[:4]] == [
        "pressure-s0000-r00", "pressure-s0000-r01", "pressure-s0000-r02", "pressure-s0001-r00",
    ]  # fmt: skip
    assert [(r.sample_id, r.replication) for r in plan] == [
        (s, r) for s in (0, 1) for r in range(3)
    ]
    assert len({r.run_id for r in plan}) == len(plan) == 6
    assert all(r.params.seed == r.seed for r in plan)
    assert [r.params.pressure for r in plan] == [0.2] * 3 + [0.5] * 3


def test_seeds_are_spawned_from_one_seed_sequence_per_sample_and_replication():
    design = design_of(
        'name = "p"\nseed = 2026\nreplications = 4\n[vary]\npressure = [0.2, 0.5, 0.8]'
    )
    samples = np.random.SeedSequence(2026).spawn(3)  # spawn() is stateful: call it once
    children = [sample.spawn(4) for sample in samples]
    for run in design.plan():
        child = children[run.sample_id][run.replication]
        assert run.seed == int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
    assert len({r.seed for r in design.plan()}) == 12
    # more replications add runs without changing the seeds of the others
    more = design_of(
        'name = "p"\nseed = 2026\nreplications = 6\n[vary]\npressure = [0.2, 0.5, 0.8]'
    )
    seeds = {r.run_id: r.seed for r in more.plan()}
    assert all(seeds[r.run_id] == r.seed for r in design.plan())


@settings(max_examples=50, deadline=None)
@given(
    root=st.integers(0, 2**63 - 1),
    sample=st.integers(0, 10_000),
    replication=st.integers(0, 1_000),
)
def test_run_seed_is_a_valid_params_seed(root, sample, replication):
    seed = run_seed(root, sample, replication)
    assert 0 <= seed <= 2**63 - 1
    assert seed == run_seed(root, sample, replication)
    assert seed != run_seed(root, sample, replication + 1)


# --- fingerprint --------------------------------------------------------------------------
def test_fingerprint_ignores_wording_but_not_meaning():
    base = 'name = "f"\nseed = 3\n[fixed]\nn_organisations = 300\n[vary]\npressure = [0.2, 0.8]'
    reference = design_of(base).fingerprint()
    assert design_of(base, description="other words").fingerprint() == reference
    assert design_of(base.replace("300", "300.0")).fingerprint() == reference
    assert design_of(base, seed=4).fingerprint() != reference
    assert design_of(base, replications=2).fingerprint() != reference
    assert design_of(base.replace("0.8]", "0.9]")).fingerprint() != reference
    assert design_of(base, output={"timeseries_every": 12}).fingerprint() != reference
