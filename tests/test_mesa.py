"""AllianceModel in Mesa's own tools: batch_run, the DataCollector, seeding by ``rng``."""

import pickle
import warnings

import mesa
import numpy as np
import pandas as pd
import pytest

from simulation import AllianceModel, ParameterError
from simulation.reporters import REPORTERS

SMALL = {"n_organisations": 60, "steps": 12}


def test_batch_run_with_iterations_gives_distinct_recorded_seeds():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Mesa deprecates `iterations`
        rows = mesa.batch_run(
            AllianceModel,
            parameters={**SMALL, "open_share": [0.0, 1.0]},
            iterations=2,
            max_steps=12,
            display_progress=False,
        )
    assert len(rows) == 4
    assert {row["open_share"] for row in rows} == {0.0, 1.0}
    seeds = [row["seed"] for row in rows]
    assert len(set(seeds)) == 4
    # The recorded seed repeats the run exactly.
    again = AllianceModel(**SMALL, open_share=rows[0]["open_share"], seed=seeds[0])
    again.run()
    final = again.datacollector.get_model_vars_dataframe().iloc[-1]
    assert final["founded_total"] == rows[0]["founded_total"]
    # (NaN when no alliance is alive at the end: the same NaN)
    np.testing.assert_equal(final["mean_commitment"], rows[0]["mean_commitment"])


def test_batch_run_with_rng_is_reproducible_and_matches_the_timeseries():
    kwargs = dict(parameters=SMALL, rng=[3, 4], max_steps=12, data_collection_period=1)
    first = pd.DataFrame(mesa.batch_run(AllianceModel, display_progress=False, **kwargs))
    second = pd.DataFrame(mesa.batch_run(AllianceModel, display_progress=False, **kwargs))
    pd.testing.assert_frame_equal(first, second)
    assert len(first) == 2 * 13  # the initial state and 12 months, per run
    assert first["seed"].tolist() == [3] * 13 + [4] * 13

    model = AllianceModel(**SMALL, seed=3)
    model.run()
    series = model.tables()["timeseries"]
    run3 = first[first["seed"] == 3].reset_index(drop=True)
    for column in REPORTERS[:-1]:
        np.testing.assert_array_equal(run3[column].to_numpy(float), series[column].to_numpy(float))


def test_datacollector_has_every_timeseries_column_each_step():
    model = AllianceModel(**SMALL, seed=1)
    model.run()
    collected = model.datacollector.get_model_vars_dataframe()
    series = model.tables()["timeseries"]
    assert list(collected.columns) == [
        *[c for c in series.columns if c not in ("run_id", "step")],
        "seed",
    ]
    assert len(collected) == len(series) == 13
    pd.testing.assert_frame_equal(
        collected.drop(columns="seed").reset_index(drop=True),
        series.drop(columns=["run_id", "step"]).astype(collected.drop(columns="seed").dtypes),
    )


def test_model_and_collector_pickle():
    model = AllianceModel(**SMALL, seed=2)
    model.step()
    copy = pickle.loads(pickle.dumps(model))
    copy.step()
    model.step()
    assert copy.datacollector.get_model_vars_dataframe().equals(
        model.datacollector.get_model_vars_dataframe()
    )


def test_rng_keyword_is_the_seed():
    assert AllianceModel(**SMALL, rng=7).params.seed == 7
    assert AllianceModel(**SMALL, rng=np.int64(7)).params.seed == 7
    assert AllianceModel(**SMALL, rng=None, seed=5).params.seed == 5
    assert AllianceModel(**SMALL).params.seed == 0  # not given: the seed parameter
    drawn = AllianceModel(**SMALL, rng=np.random.default_rng(1)).params.seed
    assert drawn == AllianceModel(**SMALL, rng=np.random.default_rng(1)).params.seed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rng": 1, "seed": 2}, "give either rng or seed, not both"),
        ({"rng": "x"}, "rng must be a seed"),
        ({"rng": True}, "rng must be a seed"),
        ({"rng": -1}, "seed = -1 is out of range"),
    ],
)
def test_bad_rng_is_a_parameter_error(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        AllianceModel(**SMALL, **kwargs)


def test_solaraviz_page_and_plot_component_render():
    pytest.importorskip("altair")  # Mesa's visualization imports it (the test extra has it)
    import solara
    from mesa.visualization import Slider, SolaraViz, make_plot_component

    model = AllianceModel(**SMALL, seed=1)
    for _ in range(3):
        model.step()
    plot, _ = make_plot_component(["n_forming", "n_evolving"])
    _, rendered = solara.render(plot(model), handle_error=False)
    assert rendered.find().widgets  # the plot reads model.datacollector
    page = SolaraViz(
        model,
        components=[make_plot_component(["n_forming"])],
        model_params={**SMALL, "pressure": Slider("pressure", 0.3, 0.0, 1.0, 0.05)},
    )
    solara.render(page, handle_error=False)
    # SolaraViz's Reset: the page's parameters plus a Mesa Scenario (mesa 3.5's own helper).
    from mesa.visualization.solara_viz import _build_model_init_kwargs

    kwargs = _build_model_init_kwargs(
        model,
        {**SMALL, "pressure": 0.5, "seed": 9},
        add_scenario_when_empty=True,
        require_model_accepts_scenario=True,
    )
    fresh = type(model)(**kwargs)
    assert fresh.params.pressure == 0.5 and fresh.params.seed == 9
    assert len(fresh.datacollector.model_vars["n_forming"]) == 1


def test_a_mesa_scenario_carries_the_rng():
    from mesa.experimental.scenarios import Scenario

    assert AllianceModel(**SMALL, scenario=Scenario(rng=4)).params.seed == 4
    assert AllianceModel(**SMALL, scenario=Scenario(), seed=3).params.seed == 3
    with pytest.raises(ParameterError, match="differ"):
        AllianceModel(**SMALL, scenario=Scenario(rng=4), rng=5)
    with pytest.raises(ParameterError, match="scenario must be a mesa"):
        AllianceModel(**SMALL, scenario="crisis")
