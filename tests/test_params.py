"""Parameters, scenarios and pressure schedules."""

import dataclasses

import numpy as np
import pytest

from simulation.errors import ParameterError
from simulation.params import PARAMETER_NAMES, Params, parameter_table
from simulation.scenarios import SCENARIOS, get_scenario, scenario_params
from simulation.schedules import Periodic, Ramp, RandomShocks, Shock, pressure_path

PUBLIC = [
    "n_organisations",
    "steps",
    "seed",
    "pressure",
    "pressure_schedule",
    "foresight",
    "collective_leadership",
    "forming_care",
    "open_share",
    "complementarity",
    "tie_density",
    "value_diversity",
    "fear_of_exclusion",
]


def test_public_names_exist_and_every_field_is_documented():
    assert set(PUBLIC) <= set(PARAMETER_NAMES)
    for row in parameter_table():
        assert row["meaning"] and row["unit"] and row["group"]


def test_defaults_validate_and_are_frozen():
    params = Params()
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.pressure = 0.9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"foresigt": 0.1}, "did you mean 'foresight'"),
        ({"zzzz": 1}, "unknown parameter 'zzzz'"),
        ({"pressure": -0.1}, "out of range"),
        ({"pressure": float("nan")}, "must be a number"),
        ({"pressure": "high"}, "must be a number"),
        ({"min_members": True}, "must be a whole number"),
        ({"n_organisations": 1}, "out of range [2, 200000]"),
        ({"min_viable": 5, "min_members": 3}, "must not exceed"),
        ({"pressure_schedule": [{"kind": "shock", "at": 10, "bogus": 1}]}, "has no field"),
        ({"pressure_schedule": [{"kind": "ramp", "size": 3}]}, "out of range"),
        ({"pressure_schedule": 5}, "must be a list"),
        ({"pressure_schedule": [{"kind": "ramp", "start": 50, "end": 10}]}, "is before"),
    ],
)
def test_bad_values_name_the_problem(mapping, message):
    with pytest.raises(ParameterError) as info:
        Params.from_mapping(mapping)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_replace_validates_again():
    params = Params().replace(pressure=0.7)
    assert params.pressure == 0.7
    with pytest.raises(ParameterError):
        params.replace(pressure=7)


def test_integers_given_as_floats_and_numpy_scalars_are_accepted():
    assert Params.from_mapping({"steps": 120.0}).steps == 120
    params = Params(n_organisations=np.int64(40), pressure=np.float32(0.5))
    assert params.n_organisations == 40 and type(params.n_organisations) is int
    assert params.pressure == 0.5 and type(params.pressure) is float
    with pytest.raises(ParameterError):
        Params(min_members=np.bool_(True))


def test_every_scenario_is_valid_and_described():
    assert {"default", "stable", "crisis", "closed-clubs", "open-movements", "foresight"} <= set(
        SCENARIOS
    )
    for name, scenario in SCENARIOS.items():
        assert scenario.description
        assert isinstance(scenario_params(name), Params)
    with pytest.raises(ParameterError, match="did you mean 'stable'"):
        get_scenario("stabel")


def test_schedule_shapes_compose_and_clip():
    rng = np.random.default_rng(0)
    path = pressure_path(0.2, (Shock(at=10, size=0.5, duration=5),), 30, rng)
    assert path[9] == pytest.approx(0.2) and path[10] == pytest.approx(0.7)
    assert path[15] == pytest.approx(0.2)
    ramp = pressure_path(0.0, (Ramp(start=0, end=10, size=0.5),), 20, rng)
    assert ramp[5] == pytest.approx(0.25) and ramp[20] == pytest.approx(0.5)
    wave = pressure_path(0.5, (Periodic(period=12, amplitude=0.2),), 24, rng)
    assert wave.max() == pytest.approx(0.7) and wave.min() == pytest.approx(0.3)
    clipped = pressure_path(0.9, (Shock(at=0, size=0.5),), 5, rng)
    assert np.all(clipped == 1.0)


def test_random_shocks_follow_the_seed():
    shocks = (RandomShocks(rate=0.1, size=0.3, duration=3),)
    a = pressure_path(0.1, shocks, 200, np.random.default_rng(1))
    b = pressure_path(0.1, shocks, 200, np.random.default_rng(1))
    c = pressure_path(0.1, shocks, 200, np.random.default_rng(2))
    assert np.array_equal(a, b) and not np.array_equal(a, c) and a.max() > 0.1


def test_schedule_round_trips_through_json():
    params = Params(pressure_schedule=[{"kind": "shock", "at": 12, "size": 0.3}])
    again = Params.from_mapping({"pressure_schedule": params.to_dict()["pressure_schedule"]})
    assert again.pressure_schedule == params.pressure_schedule


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"conflict_trust": 0.35}, "careless forming would found alliances in conflict"),
        ({"trust_needed_careless": 0.6}, "more care would ask for less trust"),
        ({"target_size": 2}, "forming would stop inviting"),
        ({"meaning_lost": 0.3}, "members would leave before"),
        ({"trust_baseline": 0.1}, "newcomers would put every alliance in conflict"),
        ({"nao_span": 10.0}, "administrative organisation would coordinate fewer"),
        (
            {"weight_worth": 0, "weight_fit": 0, "weight_trust": 0, "weight_fairness": 0},
            "satisfaction weights",
        ),
    ],
)
def test_thresholds_are_consistent_at_every_edge(mapping, message):
    with pytest.raises(ParameterError) as info:
        Params.from_mapping(mapping)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_every_parameter_names_its_claim_and_is_settable_by_name():
    for row in parameter_table():
        assert row["claim"] == "-" or row["claim"].startswith("C"), row["name"]
    behavioural = [r for r in parameter_table() if r["group"] != "run"]
    assert len(behavioural) > 100
