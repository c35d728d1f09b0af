import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from simulation.analysis.data import Experiment
from simulation.analysis.sensitivity import design_matrix, sensitivity_indices
from simulation.errors import ConfigError

PROBLEM = {"names": ["pressure", "foresight", "tie_density"], "bounds": [[0, 1]] * 3, "num_vars": 3}


def _runs(X, outputs, replications=1):
    """A runs table: one row per sample and replication, outputs from the parameters."""
    rows = []
    for i, x in enumerate(X):
        for rep in range(replications):
            row = {"sample_id": i, "replication": rep, "steps": 240, "alliances_founded": 5}
            row |= dict(zip(PROBLEM["names"], x, strict=True))
            row |= {name: f(x, i, rep) for name, f in outputs.items()}
            rows.append(row)
    return pd.DataFrame(rows)


def _sobol(**extra):
    return Experiment(
        "s", sampler="sobol", varied=tuple(PROBLEM["names"]), problem=PROBLEM, raw=extra
    )


@pytest.mark.parametrize("second_order", [True, False])
def test_sobol_finds_the_only_parameter_that_matters(second_order):
    X = sobol_sample.sample(PROBLEM, 128, calc_second_order=second_order, seed=3)
    runs = _runs(
        X,
        {
            # a function of foresight only, plus replication noise that averages out
            "survival_rate": lambda x, i, rep: np.sin(5 * x[1]) + (0.01 if rep else -0.01),
            "transformation_rate": lambda x, i, rep: x[0] + 2 * x[2],
        },
        replications=2,
    )
    table = sensitivity_indices(runs, ["survival_rate", "transformation_rate"], experiment=_sobol())
    survival = table[table["output"] == "survival_rate"].set_index("parameter")
    assert survival.loc["foresight", "ST"] > 0.9
    assert survival.loc["foresight", "S1"] > 0.85
    assert survival.loc[["pressure", "tie_density"], "ST"].abs().max() < 0.05
    assert (survival["ST_conf"] >= 0).all()
    linear = table[table["output"] == "transformation_rate"].set_index("parameter")
    # additive: S1 = ST = a_j^2 / sum a^2 -> 1/5 and 4/5
    assert linear.loc["pressure", "ST"] == pytest.approx(0.2, abs=0.08)
    assert linear.loc["tie_density", "ST"] == pytest.approx(0.8, abs=0.1)
    assert set(table["blocks_used"]) == {128}
    assert list(table.columns[:7]) == [
        "method",
        "output",
        "parameter",
        "S1",
        "S1_conf",
        "ST",
        "ST_conf",
    ]


def test_sobol_drops_blocks_with_missing_outputs():
    X = sobol_sample.sample(PROBLEM, 64, calc_second_order=False, seed=4)
    block = len(PROBLEM["names"]) + 2
    missing = {3, 3 * block + 1}  # rows in blocks 0 and 3

    def survival(x, i, rep):
        return np.nan if i in missing else x[0]

    def median(x, i, rep):  # not reached in half the runs of row 7: counts as the horizon
        return np.nan if (i == 7 and rep == 0) else 100 + x[2]

    runs = _runs(X, {"survival_rate": survival, "median_lifespan": median}, replications=2)
    runs = runs[runs["sample_id"] != 5 * block + 2]  # a run that never finished
    table = sensitivity_indices(
        runs, ["survival_rate", "median_lifespan"], experiment=_sobol(calc_second_order=False)
    )
    survival_rows = table[table["output"] == "survival_rate"]
    assert set(survival_rows["blocks_dropped"]) == {3}
    assert set(survival_rows["blocks_used"]) == {61}
    assert "3 Saltelli blocks dropped" in survival_rows["note"].iloc[0]
    assert survival_rows.set_index("parameter").loc["pressure", "ST"] > 0.9
    median_rows = table[table["output"] == "median_lifespan"]
    assert set(median_rows["blocks_dropped"]) == {1}  # only the unfinished run's block
    # an unreached median counts as the horizon (240 months) before averaging replications
    _, Y = design_matrix(runs, PROBLEM["names"], ["median_lifespan"])
    assert Y.loc[7, "median_lifespan"] == pytest.approx((240 + 100 + X[7, 2]) / 2)
    assert np.isnan(Y.loc[5 * block + 2, "median_lifespan"])


def test_sobol_constant_output_and_design_inference():
    X = sobol_sample.sample(PROBLEM, 16, calc_second_order=False, seed=5)
    runs = _runs(X, {"survival_rate": lambda x, i, rep: 0.5})
    table = sensitivity_indices(runs, ["survival_rate"], experiment=_sobol())
    assert (table["ST"] == 0).all()
    assert "constant" in table["note"].iloc[0]
    # 16 * (3 + 2) = 80 rows: the first-order layout is inferred from the matrix
    assert set(table["blocks_used"]) == {16}


def test_morris_recovers_known_elementary_effects():
    X = morris_sample.sample(PROBLEM, 12, num_levels=4, seed=6)
    runs = _runs(X, {"transformation_rate": lambda x, i, rep: 3 * x[0] - x[2] ** 2 * 0 + 0.5})
    experiment = Experiment(
        "m",
        sampler="morris",
        varied=tuple(PROBLEM["names"]),
        problem=PROBLEM,
        raw={"sampler": {"num_levels": 4}},
    )
    table = sensitivity_indices(runs, ["transformation_rate"], experiment=experiment)
    rows = table.set_index("parameter")
    # linear in pressure with slope 3 over a [0, 1] range: every effect is 3
    assert rows.loc["pressure", "mu_star"] == pytest.approx(3.0)
    assert rows.loc["pressure", "mu"] == pytest.approx(3.0)
    assert rows.loc["pressure", "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert rows.loc["foresight", "mu_star"] == pytest.approx(0.0)
    assert set(table["method"]) == {"morris"}
    assert set(table["blocks_used"]) == {12}


def test_morris_drops_trajectories_with_missing_outputs():
    X = morris_sample.sample(PROBLEM, 10, num_levels=4, seed=8)
    runs = _runs(X, {"survival_rate": lambda x, i, rep: np.nan if i == 5 else x[1]})
    experiment = Experiment("m", sampler="morris", varied=tuple(PROBLEM["names"]), problem=PROBLEM)
    table = sensitivity_indices(runs, ["survival_rate"], experiment=experiment)
    assert set(table["blocks_dropped"]) == {1}
    assert table.set_index("parameter")["mu_star"].idxmax() == "foresight"


def test_sensitivity_refuses_other_designs(grid_folder):
    with pytest.raises(ConfigError, match="need a sobol or morris experiment"):
        sensitivity_indices(grid_folder)
    runs = _runs(np.zeros((4, 3)), {"survival_rate": lambda x, i, rep: 0.0})
    with pytest.raises(ConfigError, match="no SALib problem"):
        sensitivity_indices(runs, ["survival_rate"], experiment=Experiment("x", sampler="sobol"))
    with pytest.raises(ConfigError, match="no column 'renewal_success_rate'"):
        sensitivity_indices(runs, ["renewal_success_rate"], experiment=_sobol())


def test_sensitivity_of_a_real_sobol_sweep(sobol_folder):
    table = sensitivity_indices(sobol_folder, ["survival_rate", "transformation_rate"])
    assert set(table["parameter"]) == {"pressure", "foresight"}
    assert set(table["output"]) == {"survival_rate", "transformation_rate"}
    assert (table["blocks_used"] + table["blocks_dropped"] == 4).all()


def _noisy(X, sd, replications, seed=0):
    """An output x0 + 2 x2 plus Gaussian replication noise of standard deviation ``sd``."""
    rng = np.random.default_rng(seed)
    return _runs(
        X,
        {"transformation_rate": lambda x, i, rep: x[0] + 2 * x[2] + rng.normal(0, sd)},
        replications=replications,
    )


def test_noise_share_is_within_sample_over_total_variance():
    X = sobol_sample.sample(PROBLEM, 256, calc_second_order=False, seed=11)
    # var(x0 + 2 x2) = 5/12 for uniform parameters; noise variance 5/12 too: share one half
    runs = _noisy(X, np.sqrt(5 / 12), replications=4)
    table = sensitivity_indices(
        runs, ["transformation_rate"], experiment=_sobol(calc_second_order=False), bootstrap=0
    )
    assert table["noise_share"].iloc[0] == pytest.approx(0.5, abs=0.04)
    assert set(table["replications"]) == {4}
    quiet = sensitivity_indices(
        _noisy(X, 0.0, replications=2),
        ["transformation_rate"],
        experiment=_sobol(calc_second_order=False),
        bootstrap=0,
    )
    assert quiet["noise_share"].iloc[0] == pytest.approx(0.0, abs=1e-12)
    single = sensitivity_indices(
        _noisy(X, 0.1, replications=1),
        ["transformation_rate"],
        experiment=_sobol(calc_second_order=False),
        bootstrap=0,
    )
    assert single["noise_share"].isna().all()
    assert "replication noise not measured" in single["note"].iloc[0]


def test_the_two_level_bootstrap_covers_the_truth_and_widens_with_noise():
    X = sobol_sample.sample(PROBLEM, 128, calc_second_order=False, seed=12)
    experiment = _sobol(calc_second_order=False)
    tables = {
        sd: sensitivity_indices(
            _noisy(X, sd, replications=3, seed=5), ["transformation_rate"], experiment=experiment
        ).set_index("parameter")
        for sd in (0.0, 0.6)
    }
    exact = tables[0.0]
    # without noise the intervals hold the true indices, 1/5, 0 and 4/5
    for name, truth in {"pressure": 0.2, "foresight": 0.0, "tie_density": 0.8}.items():
        assert exact.loc[name, "ST_low"] <= truth <= exact.loc[name, "ST_high"]
        assert exact.loc[name, "S1_low"] <= truth <= exact.loc[name, "S1_high"]
    assert exact["noise_floor"].iloc[0] == 0.0
    noisy = tables[0.6]
    assert (noisy["ST_low"] <= noisy["ST"]).all() and (noisy["ST"] <= noisy["ST_high"]).all()
    widths = {sd: float((t["ST_high"] - t["ST_low"]).mean()) for sd, t in tables.items()}
    assert widths[0.6] > widths[0.0]
    # noise of the mean of 3 replications: 0.36 / 3 against 5/12 of signal
    floor = 0.12 / (5 / 12 + 0.12)
    assert noisy["noise_floor"].iloc[0] == pytest.approx(floor, abs=0.06)
    # a parameter without effect gets about the noise floor as its total index
    assert noisy.loc["foresight", "ST"] == pytest.approx(floor, abs=0.1)
    again = sensitivity_indices(
        _noisy(X, 0.6, replications=3, seed=5), ["transformation_rate"], experiment=experiment
    )
    assert again["ST_low"].tolist() == noisy["ST_low"].tolist()  # the same seed, the same


def test_morris_bootstrap_interval_around_mu_star():
    X = morris_sample.sample(PROBLEM, 20, num_levels=4, seed=6)
    experiment = Experiment("m", sampler="morris", varied=tuple(PROBLEM["names"]), problem=PROBLEM)
    exact = sensitivity_indices(
        _runs(X, {"transformation_rate": lambda x, i, rep: 3 * x[0] + 0.5}),
        ["transformation_rate"],
        experiment=experiment,
    ).set_index("parameter")
    # a linear output without noise: every effect is 3, the interval has no width
    assert exact.loc["pressure", "mu_star_low"] == pytest.approx(3.0)
    assert exact.loc["pressure", "mu_star_high"] == pytest.approx(3.0)
    assert exact.loc["foresight", "mu_star_high"] == pytest.approx(0.0)
    noisy = sensitivity_indices(
        _noisy(X, 0.3, replications=3), ["transformation_rate"], experiment=experiment
    ).set_index("parameter")
    for name in PROBLEM["names"]:
        assert noisy.loc[name, "mu_star_low"] <= noisy.loc[name, "mu_star"] + 1e-9
        assert noisy.loc[name, "mu_star"] <= noisy.loc[name, "mu_star_high"] + 1e-9
    assert noisy["noise_share"].iloc[0] > 0
