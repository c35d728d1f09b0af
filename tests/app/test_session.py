"""The live run behind the page: what Step, Shock, Reset and Play do, without a browser."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image

from simulation.app.session import LiveRun
from simulation.app.views import control_values
from simulation.environment import SHOCK_SIZE
from simulation.errors import ParameterError

SMALL = {"n_organisations": 40}


@pytest.fixture
def run() -> LiveRun:
    return LiveRun("default", {**control_values("default"), **SMALL}, seed=1)


def test_a_new_run_starts_at_month_zero(run):
    assert run.month == 0 and run.running
    assert run.generation == 0
    assert run.layout.positions.shape == (40, 2)
    assert run.model.params.n_organisations == 40


def test_step_advances_by_the_months_asked(run):
    assert run.step() == 1
    assert run.step(5) == 5
    assert run.month == 6 == run.figures().month


def test_step_stops_at_the_horizon():
    run = LiveRun("default", {**SMALL, "steps": 4}, seed=0)
    assert run.step(10) == 4
    assert not run.running
    assert run.step() == 0


def test_shock_raises_pressure_from_next_month(run):
    now = run.figures().pressure
    announced = run.shock()
    assert announced == pytest.approx(min(now + SHOCK_SIZE, 1.0))
    assert run.figures().pressure == pytest.approx(now)  # not this month ...
    run.step()
    assert run.figures().pressure == pytest.approx(announced)  # ... but the next


def test_reset_applies_scenario_settings_and_seed(run):
    run.step(3)
    run.reset("crisis", {**control_values("crisis"), **SMALL, "pressure": 0.4}, seed=9)
    assert run.month == 0 and run.generation == 1
    assert (run.scenario, run.seed, run.model.params.pressure) == ("crisis", 9, 0.4)
    assert run.model.params.pressure_schedule  # the crisis shock is kept


def test_a_bad_reset_keeps_the_old_run(run):
    run.step(2)
    model = run.model
    with pytest.raises(ParameterError):
        run.reset("default", {"pressure": 2.0}, seed=0)
    assert run.model is model and run.month == 2 and run.generation == 0


def test_snapshot_draws_three_png_panels(run):
    run.step(6)
    snapshot = run.snapshot(dpi=40)
    assert snapshot.figures.month == 6 and snapshot.running
    for data in (snapshot.network, snapshot.counts, snapshot.pressure):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            assert min(image.size) > 100


def test_drawing_while_playing_is_safe(run):
    """Play steps in a thread while the page redraws in another: the lock keeps them apart."""
    failures: list[BaseException] = []

    def play() -> None:
        try:
            for _ in range(30):
                run.step()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    player = threading.Thread(target=play)
    player.start()
    while player.is_alive():
        run.snapshot(dpi=20)
    player.join()
    assert not failures
    assert run.month == 30
