"""Pressure acts only through its three channels (docs/ODD.md, "Environment")."""

import pandas as pd

from simulation import run

OFF = {"pressure_need_drift": 0.0, "pressure_need_jump": 0.0, "pressure_squeeze": 0.0}
SMALL = {"n_organisations": 80, "steps": 72}


def without_pressure_columns(results):
    tables = dict(results.tables)
    tables["timeseries"] = tables["timeseries"].drop(columns="pressure")
    tables["runs"] = tables["runs"].drop(columns=["pressure", "run_id", "pressure_schedule"])
    return {name: frame.drop(columns="run_id", errors="ignore") for name, frame in tables.items()}


def test_with_all_three_channels_closed_pressure_changes_nothing():
    shock = [{"kind": "shock", "at": 20, "size": 0.5, "duration": 30}]
    low = run("default", seed=3, pressure=0.0, **OFF, **SMALL)
    high = run("default", seed=3, pressure=0.9, pressure_schedule=shock, **OFF, **SMALL)
    a, b = without_pressure_columns(low), without_pressure_columns(high)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


def test_each_channel_alone_makes_pressure_matter():
    for channel in OFF:
        opened = {**OFF, channel: 1.0 if channel != "pressure_need_jump" else 2.0}
        shock = [{"kind": "shock", "at": 20, "size": 0.5, "duration": 30}]
        low = run("default", seed=3, pressure=0.0, **opened, **SMALL)
        high = run("default", seed=3, pressure=0.6, pressure_schedule=shock, **opened, **SMALL)
        assert not low.events.drop(columns="run_id").equals(high.events.drop(columns="run_id")), (
            channel
        )
