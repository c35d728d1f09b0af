"""The data dictionary: one source for every column's type, unit, meaning and values."""

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import simulation
from simulation import dictionary
from simulation.cli import main
from simulation.records import _typed
from simulation.results import TABLES

DATA_MD = Path(__file__).resolve().parent.parent / "docs" / "DATA.md"


@pytest.fixture(scope="module")
def results():
    return simulation.run("crisis", seed=2, n_organisations=120, steps=120)


def test_dictionary_lists_every_table():
    assert tuple(dictionary.tables()) == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_dictionary_covers_exactly_the_columns_of_each_table(results, table):
    produced = list(results.tables[table].columns)
    listed = [c.name for c in dictionary.columns(table) if not c.sweep_only]
    missing = [c for c in produced if c not in listed]
    unmade = [c for c in listed if c not in produced]
    assert not missing, f"{table}: columns not in simulation/dictionary.py: {missing}"
    assert not unmade, f"{table}: dictionary columns the model does not produce: {unmade}"


def test_sweep_tables_are_covered_too(tmp_path):
    from simulation.sweep.runner import run_experiment

    experiment = tmp_path / "e.toml"
    experiment.write_text(
        'name = "tiny"\nsteps = 12\nreplications = 2\n[fixed]\nn_organisations = 30\n'
    )
    run_experiment(experiment, tmp_path / "out")
    loaded = simulation.load(tmp_path / "out")
    for table in TABLES:
        listed = {c.name for c in dictionary.columns(table)}
        missing = set(loaded.tables[table].columns) - listed
        assert not missing, f"{table}: sweep columns not in simulation/dictionary.py: {missing}"
    assert loaded.runs["sample_id"].dtype == "int64"


@pytest.mark.parametrize("table", TABLES)
def test_tables_have_the_dictionary_dtypes(results, table):
    frame = results.tables[table]
    for column in dictionary.columns(table):
        if column.name in frame.columns:
            assert frame[column.name].dtype == column.pandas_dtype, column.name


def test_phases_causes_and_outcomes_are_ordered_categoricals(results):
    phase = results.events["to_phase"]
    assert phase.cat.ordered
    assert list(phase.cat.categories) == list(simulation.state.PHASES)
    cause = results.alliances["end_cause"]
    assert cause.cat.ordered and list(cause.cat.categories) == list(dictionary.END_CAUSES)
    assert (results.alliances["phase_at_end"] >= "founding").any()  # ordered comparisons work
    outcome = dictionary.dtypes("alliances")["end_outcome"]
    assert list(outcome.categories) == ["failure", "intermediate", "success"] and outcome.ordered


def test_a_value_outside_the_categories_is_an_error():
    frame = pd.DataFrame({"to_phase": ["forming", "hibernating"]})
    with pytest.raises(ValueError, match=r"'hibernating' that simulation/dictionary\.py"):
        _typed(frame, dictionary.dtypes("events"))


def test_docs_data_md_is_rendered_from_the_dictionary():
    assert DATA_MD.read_text() == dictionary.render_markdown(), (
        "docs/DATA.md is out of date: run `alliances columns --markdown > docs/DATA.md`"
    )


def test_parquet_fields_carry_the_dictionary_and_types_survive(results, tmp_path):
    results.save(tmp_path / "out")
    schema = pq.read_schema(next((tmp_path / "out" / "alliances").glob("*.parquet")))
    meta = schema.field("end_cause").metadata
    assert meta[b"type"] == b"category (ordered)"
    assert meta[b"meaning"].startswith(b"Why it ended")
    assert b"formation_failed < founding_conflict" in meta[b"allowed"]
    runs = pq.read_schema(next((tmp_path / "out" / "runs").glob("*.parquet")))
    assert runs.field("pressure").metadata[b"unit"] == b"share"
    back = pd.read_parquet(tmp_path / "out" / "events")
    assert back["cause"].dtype == results.events["cause"].dtype
    loaded = simulation.load(tmp_path / "out")
    for table in TABLES:
        pd.testing.assert_frame_equal(loaded.tables[table], results.tables[table])


def test_csv_round_trip_keeps_the_categoricals(results, tmp_path):
    results.save(tmp_path / "csv", format="csv")
    loaded = simulation.load(tmp_path / "csv")
    pd.testing.assert_frame_equal(loaded.events, results.events)
    pd.testing.assert_frame_equal(loaded.alliances, results.alliances)


def test_empty_parts_keep_the_categories(results, tmp_path):
    empty = simulation.Results(
        **{name: frame.iloc[:0] for name, frame in results.tables.items()},
        provenance=results.provenance,
    )
    empty.runs = results.runs.assign(run_id="other")
    results.save(tmp_path / "out")
    empty.save(tmp_path / "out")
    assert simulation.load(tmp_path / "out").events["cause"].dtype == results.events["cause"].dtype


def test_columns_command_prints_the_dictionary(capsys):
    assert main(["columns"]) == 0
    listing = capsys.readouterr().out
    for table in TABLES:
        assert f"{table}: " in listing
    assert main(["columns", "alliances"]) == 0
    listing = capsys.readouterr().out
    assert "end_cause" in listing and "formation_failed < founding_conflict" in listing
    assert "runs:" not in listing


def test_columns_command_rejects_an_unknown_table(capsys):
    assert main(["columns", "aliances"]) == 2
    err = capsys.readouterr().err
    assert "unknown table 'aliances'; did you mean 'alliances'?" in err and err.count("\n") == 1
