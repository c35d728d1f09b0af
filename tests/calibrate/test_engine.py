"""ABC-SMC runs on a tiny budget: determinism, resuming, folders, outputs, recovery."""

import json
import tomllib

import numpy as np
import pandas as pd
import pytest
from calibration_files import TINY, write

from simulation.calibrate import engine, load_targets, run_calibration, worker
from simulation.calibrate.engine import CalibrationInterrupted
from simulation.cli import main
from simulation.errors import OutputError


def test_same_seed_same_posterior_and_any_number_of_workers(tiny, tmp_path):
    a = run_calibration(tiny, tmp_path / "a", report=False)
    b = run_calibration(tiny, tmp_path / "b", report=False)
    pd.testing.assert_frame_equal(a.particles, b.particles)
    pd.testing.assert_frame_equal(a.epsilons, b.epsilons)
    two = run_calibration(tiny, tmp_path / "two", report=False, workers=2)
    pd.testing.assert_frame_equal(a.particles, two.particles)
    other = run_calibration(tiny, tmp_path / "c", report=False, seed=12, generations=1)
    first = a.particles[a.particles.generation == 0].exit_commitment.to_numpy()
    assert not np.array_equal(other.samples.exit_commitment.to_numpy(), first)
    assert a.generations == 2 and len(a.samples) == 6
    assert a.samples.weight.sum() == pytest.approx(1.0)
    assert a.epsilons.epsilon.is_monotonic_decreasing


def test_a_particle_seeds_its_own_runs():
    assert worker.particle_seed(1, [0.3]) == worker.particle_seed(1, [0.3])
    assert worker.particle_seed(1, [0.3]) != worker.particle_seed(2, [0.3])
    assert worker.particle_seed(1, [0.3]) != worker.particle_seed(1, [0.30000000000000004])


def test_resume_after_an_interruption_gives_the_same_posterior(tiny, tmp_path, monkeypatch):
    reference = run_calibration(tiny, tmp_path / "ref", report=False, generations=3)
    calls = {"n": 0}
    original = worker.setting_statistics

    def interrupted(*args):
        # Ctrl-C in the middle of the second generation: the third run after the first
        # generation is stored
        if engine.finished_generations(tmp_path / "cut" / engine.HISTORY) >= 1:
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(worker, "setting_statistics", interrupted)
    with pytest.raises(CalibrationInterrupted) as stop:
        run_calibration(tiny, tmp_path / "cut", report=False, generations=3)
    assert stop.value.generations == 1
    monkeypatch.setattr(worker, "setting_statistics", original)
    # resume to two generations, then ask for a third: the same as one run of three
    assert run_calibration(tiny, tmp_path / "cut", report=False, generations=2).generations == 2
    resumed = run_calibration(tiny, tmp_path / "cut", report=False, generations=3)
    pd.testing.assert_frame_equal(reference.particles, resumed.particles)


def test_a_folder_of_another_calibration_is_refused(tiny, tmp_path):
    out = tmp_path / "out"
    run_calibration(tiny, out, report=False, generations=1)
    with pytest.raises(OutputError, match=r"holds another calibration.*changed: seed"):
        run_calibration(tiny, out, report=False, seed=99)
    other = write(tmp_path, TINY.replace("value = 20", "value = 30"), "other.toml")
    with pytest.raises(OutputError, match="changed: statistics"):
        run_calibration(other, out, report=False)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="holds no calibration"):
        run_calibration(tiny, tmp_path / "busy", report=False)
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_max_runs_stops_early(tiny, tmp_path):
    reference = run_calibration(tiny, tmp_path / "ref", report=False, generations=2)
    # the prior sample (one run per particle), then the runs each generation needed
    needed = 6 + int(reference.epsilons.evaluations.iloc[0])
    short = run_calibration(tiny, tmp_path / "a", report=False, max_runs=needed - 1)
    assert short.generations == 0
    one = run_calibration(tiny, tmp_path / "b", report=False, max_runs=needed)
    assert one.generations == 1
    pd.testing.assert_frame_equal(one.particles, reference.particles.query("generation == 0"))


def test_outputs_and_report(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["calibrate", str(tiny), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "exit_commitment" in printed and "calibrated.toml" in printed
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns[:6]) == [
        "generation",
        "particle",
        "exit_commitment",
        "weight",
        "distance",
        "stat_median_lifespan",
    ]
    assert sorted(posterior.generation.unique()) == [0, 1]
    record = json.loads((out / "calibration.json").read_text())
    assert record["fingerprint"] == load_targets(tiny).fingerprint()

    config = tomllib.loads((out / "calibrated.toml").read_text())
    last = posterior[posterior.generation == 1]
    median = engine.weighted_quantile(last.exit_commitment, last.weight, 0.5)
    assert config["params"]["exit_commitment"] == median
    assert config["params"]["n_organisations"] == 30 and config["scenario"] == "default"
    # the config runs ...
    assert (
        main(["run", "--config", str(out / "calibrated.toml"), "--out", str(tmp_path / "r")]) == 0
    )
    # ... and experiment files take it
    from simulation.sweep import load_design

    design = write(tmp_path, 'name = "e"\nconfig = "out/calibrated.toml"\n', "e.toml")
    assert load_design(design).base.exit_commitment == median

    report = (out / "report" / "report.md").read_text()
    for heading in (
        "## Posterior",
        "## Fit of the targets",
        "## Acceptance threshold",
        "## The seven",
    ):
        assert heading in report
    for figure in ("marginals.png", "thresholds.png", "fit.png"):
        assert (out / "report" / figure).stat().st_size > 1000
    assert "| 7 | C5 | Denser prior ties" in report and "a test" in report
    # the same command again changes nothing
    before = (out / "posterior.parquet").read_bytes()
    assert main(["calibrate", str(tiny), "--out", str(out), "--workers", "1"]) == 0
    assert (out / "posterior.parquet").read_bytes() == before
    assert (out / "report" / "report.md").read_text() == report


def _recovery(
    tmp_path, population, generations, organisations, replications, narrower, data_seed=101
):
    """Targets from runs at a known value; the posterior should hold it.

    Returns whether the 90% interval holds the truth; asserts that it is narrower than
    the prior's by ``narrower`` (log scale).
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    truth = 0.1  # transform_hazard: how soon stagnating alliances start transforming
    names = ["share_ended", "transformation_rate"]
    base = f"""
name = "recover"
steps = 120
warmup = 12
seed = 3
replications = {replications}
[fixed]
n_organisations = {organisations}
[free.transform_hazard]
low = 0.01
high = 0.5
distribution = "loguniform"
[abc]
population = {population}
generations = {generations}
[report]
draws = 0
"""
    targets = load_targets(
        write(tmp_path, base + "[statistics.share_ended]\nvalue = 0.5\nsource = 'x'")
    )
    # the data are as large as what each particle simulates (the same ``replications``
    # runs): pooling more runs for the data than for the particles would compare a
    # low-noise target with noisy simulations and bias the posterior
    founded = worker.simulate_alliances(targets, {"transform_hazard": truth}, data_seed)
    founded.to_csv(tmp_path / "truth.csv", index=False)
    text = base + "".join(f"[statistics.{n}]\n" for n in names) + "[data]\nfile = 'truth.csv'\n"
    posterior = run_calibration(write(tmp_path, text, "recover.toml"), tmp_path / "out", workers=2)
    low, high = posterior.interval(0.9)["transform_hazard"]
    # the data say something: the 90% interval is narrower than the prior's (log scale)
    assert np.log(high / low) < narrower * np.log(0.5 / 0.01)
    return bool(low <= truth <= high)


def covered_by_two_data_sets(tmp_path, **budget):
    """Whether the 90% interval holds the truth, for data seeds 101 and 202."""
    return [_recovery(tmp_path / str(seed), **budget, data_seed=seed) for seed in (101, 202)]


def test_recovers_a_known_parameter(tmp_path):
    # A 90% interval misses the truth for about one data set in ten: with this budget 7
    # of 8 data seeds (101-808) covered it on 3 December 2026, 101 did not. Two data sets,
    # of which one may miss, keep the test from failing by chance (about 1% if each
    # covers with 90%) while still failing for a biased posterior.
    covered = covered_by_two_data_sets(
        tmp_path, population=16, generations=2, organisations=80, replications=1, narrower=0.8
    )
    assert any(covered), covered


@pytest.mark.slow
def test_recovers_a_known_parameter_larger_budget(tmp_path):
    # Two data sets, of which one may miss, as above: the posterior of a seed depends on the
    # numpy, scipy and pyABC versions. On a fresh install on 4 December 2026 (numpy 2.5.5,
    # scipy 1.18.1, pyABC 0.13.0) data seed 101 gave [0.114, 0.331] around the truth 0.1
    # and 202 gave [0.048, 0.154]; on the install before, 101 held it.
    covered = covered_by_two_data_sets(
        tmp_path, population=60, generations=4, organisations=150, replications=2, narrower=0.5
    )
    assert any(covered), covered


@pytest.mark.dask
def test_dask_gives_the_same_posterior(tiny, tmp_path):
    serial = run_calibration(tiny, tmp_path / "serial", report=False, generations=1)
    dask = run_calibration(
        tiny, tmp_path / "dask", report=False, generations=1, executor="dask", workers=2
    )
    pd.testing.assert_frame_equal(serial.particles, dask.particles)


def test_progress_bar_counts_accepted_particles(tiny, tmp_path, monkeypatch):
    bars = []

    class Bar:
        def __init__(self, total, label):
            self.total, self.label, self.n = total, label, 0
            bars.append(self)

        def update(self, n=1):
            self.n += n

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text

        def close(self):
            pass

    monkeypatch.setattr(engine, "ProgressFactory", lambda enabled: Bar)
    run_calibration(tiny, tmp_path / "out", report=False, progress=True)
    assert [b.label for b in bars] == ["prior sample", "generation 1/2", "generation 2/2"]
    assert all(b.n == b.total == 6 for b in bars)
