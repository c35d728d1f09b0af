"""Targets files and data files: what is accepted, and one-line errors for the rest."""

import numpy as np
import pandas as pd
import pytest
from calibration_files import TINY, write

from simulation.calibrate import load_targets, read_data
from simulation.calibrate.targets import parse_targets
from simulation.cli import main
from simulation.errors import ConfigError
from simulation.params import PARAMETER_NAMES


def test_tiny_file_is_read(tiny):
    t = load_targets(tiny)
    assert t.name == "tiny" and t.steps == 60 and t.warmup == 6 and t.seed == 11
    assert t.free == ("exit_commitment",)
    assert t.observed == {"median_lifespan": 20.0, "share_ended": 0.7}
    assert t.base.n_organisations == 30 and t.base.steps == 60
    assert t.population == 6 and t.generations == 2 and t.draws == 2


def test_literature_targets_are_valid_and_cited():
    t = load_targets("experiments/targets/literature.toml")
    assert set(t.free) <= set(PARAMETER_NAMES)
    names = {s.name for s in t.statistics}
    assert {"median_lifespan", "share_success", "share_intermediate", "share_failure"} <= names
    assert all(s.source for s in t.statistics)
    assert t.observed["median_lifespan"] == 84
    assert (
        abs(sum(t.observed[f"share_{o}"] for o in ("success", "intermediate", "failure")) - 1)
        < 1e-9
    )


def test_fingerprint_ignores_sources_and_generations(tiny):
    a = load_targets(tiny)
    text = TINY.replace('source = "a test"', 'source = "another"').replace(
        "generations = 2", "generations = 5"
    )
    b = load_targets(write(tiny.parent, text, "b.toml"))
    assert a.fingerprint() == b.fingerprint()
    c = load_targets(write(tiny.parent, TINY.replace("seed = 11", "seed = 12"), "c.toml"))
    assert c.fingerprint() != a.fingerprint()


BAD_TARGETS = [
    ("nam = 'x'", "unknown key 'nam'; did you mean 'name'?"),
    ("steps = 0", "steps = 0 is out of range"),
    ("warmup = 60", "warmup = 60 is out of range [0, 59]"),
    ("replications = 'two'", "replications must be a whole number"),
    ("scenario = 'nowhere'", "unknown scenario"),
    ("[fixed]\npresure = 0.2", "unknown parameter 'presure'; did you mean 'pressure'?"),
    ("[fixed]\nseed = 3", "[fixed] seed: set it with the top-level key 'seed'"),
    ("[fixed]\nexit_commitment = 0.3", "'exit_commitment' is both in [fixed] and in [free]"),
    ("[fixed]\npressure = 3.0", "pressure = 3.0 is out of range"),
    ("[free.exit_commitment]\nlow = 0.4\nhigh = 0.2", "low (0.4) must be below high (0.2)"),
    ("[free.exit_commitment]\nlow = 0.2\nhigh = 0.5", "must not exceed meaning_lost"),
    ("[free.exit_commitment]\nlow = 0.1", "a prior needs 'low' and 'high' (missing 'high')"),
    ("[free.exit_commitment]\nlow = -1.0\nhigh = 0.4", "exit_commitment = -1.0 is out of range"),
    ("[free.exit_commitment]\nlow = 0.1\nhigh = 0.4\ndistribution = 'unifrm'", "did you mean"),
    ("[free.exit_commitment]\nlow = 0.0\nhigh = 0.4\ndistribution = 'loguniform'", "low > 0"),
    ("[free.exit_commitment]\nlow = 0.1\nhigh = 0.4\ndistribution = 'normal'", "needs 'mean'"),
    (
        "[free.exit_commitment]\nlow = 0.1\nhigh = 0.4\ndistribution = 'normal'\n"
        "mean = 0.3\nsd = 0",
        "sd must be positive",
    ),
    ("[free.exit_commitment]\nlow = 0.1\nhigh = 0.4\nmean = 0.3", "for a normal prior only"),
    ("[free.exit_commitment]\nlow = 'a'\nhigh = 0.4", "low must be a number"),
    ("[free.arrangement]\nlow = 0\nhigh = 1", "only numeric parameters"),
    ("[free.seed]\nlow = 0\nhigh = 1", "cannot be calibrated"),
    ("[free]\nexit_commitment = 0.3", "give a prior as a table"),
    ("[free.nonsense]\nlow = 0\nhigh = 1", "unknown parameter 'nonsense'"),
    ("[statistics.median_lifespan]\nvalue = 20", "needs a 'source'"),
    ("[statistics.median_lifespan]\nsource = 'x'", "needs a 'value'"),
    ("[statistics.median_lifespam]\nvalue = 20\nsource = 'x'", "did you mean 'median_lifespan'"),
    ("[statistics.survival_100]\nvalue = 0.5\nsource = 'x'", "age must be between 1 and 53"),
    ("[statistics.share_ended]\nvalue = 1.5\nsource = 'x'", "a share must be between 0 and 1"),
    ("[statistics.share_ended]\nvalue = 0.5\ntolerance = 0\nsource = 'x'", "tolerance must be"),
    ("[statistics.share_ended]\nvalue = 0.5\nweight = -1\nsource = 'x'", "weight must be"),
    (
        "[statistics.share_ended]\nvalue = 0.5\nsourc = 'x'",
        "unknown key '[statistics] share_ended.sourc'",
    ),
    ("[statistics.mean_peak_size]\nvalue = -2\nsource = 'x'", "value must not be negative"),
    ("[data]\nfile = 'missing.csv'", "value comes from [data]"),
    ("[data]\npath = 'x.csv'", "unknown key '[data] path'"),
    ("[abc]\npopulation = 1", "population = 1 is out of range"),
    ("[abc]\ngeneration = 3", "did you mean 'generations'"),
    ("[report]\ndraws = -1", "draws = -1 is out of range"),
    ("description = 3", "description must be a string"),
    ("[data]\nfile = 3", "[data] file must be a path"),
]


def _replace_tables(text, snippet):
    """The tiny file with the snippet's table replacing the same table (or a top key added)."""
    if not snippet.startswith("["):
        key = snippet.split("=")[0].strip()
        lines = [ln for ln in text.splitlines() if ln.split("=")[0].strip() != key or "[" in ln]
        return snippet + "\n" + "\n".join(lines) + "\n"
    head = snippet.split("\n", 1)[0]
    table = head.strip("[]").split(".")[0]
    kept, skip = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skip = line.strip("[]").split(".")[0] == table
        if not skip:
            kept.append(line)
    return "\n".join(kept) + "\n" + snippet + "\n"


@pytest.mark.parametrize(("snippet", "message"), BAD_TARGETS)
def test_bad_targets_get_one_line(tmp_path, snippet, message):
    path = write(tmp_path, _replace_tables(TINY, snippet))
    with pytest.raises(ConfigError) as info:
        load_targets(path)
    text = str(info.value)
    assert message in text
    assert "\n" not in text and text.startswith(str(path))


def test_empty_tables_are_refused():
    with pytest.raises(ConfigError, match=r"\[free\] is empty"):
        parse_targets({"name": "x", "statistics": {"share_ended": {"value": 0.5}}})
    with pytest.raises(ConfigError, match=r"\[statistics\] is empty"):
        parse_targets({"name": "x", "free": {"pressure": {"low": 0.1, "high": 0.5}}})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not found"),
        ("name = ", "is not valid TOML"),
        (b"\xff\xfe\x00", "cannot read targets file"),
    ],
)
def test_unreadable_targets_files(tmp_path, content, message):
    path = tmp_path / "t.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_targets(path)


def test_command_line_error_is_one_line_and_exit_2(tmp_path, capsys):
    path = write(tmp_path, _replace_tables(TINY, "[abc]\npopulation = 1"))
    code = main(["calibrate", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "population = 1 is out of range" in err
    assert not (tmp_path / "out").exists()


def test_dry_run_prints_the_plan_and_writes_nothing(tiny, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["calibrate", str(tiny), "--out", str(out), "--dry-run", "--population", "9"]) == 0
    text = capsys.readouterr().out
    assert "9 particles x up to 2 generations" in text
    assert "exit_commitment" in text and "median_lifespan" in text and "(new folder)" in text
    assert not out.exists()


# --- data files ---------------------------------------------------------------------------
def _alliances(n=40, seed=0):
    rng = np.random.default_rng(seed)
    duration = rng.exponential(50, n).round()
    observed = duration < 100
    duration = np.minimum(duration, 100)
    outcome = np.where(observed, rng.choice(["success", "intermediate", "failure"], n), None)
    return pd.DataFrame({"duration": duration, "event_observed": observed, "end_outcome": outcome})


def _data_targets(tmp_path, frame, statistics, name="data.csv"):
    path = tmp_path / name
    if name.endswith(".csv"):
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    stats = "\n".join(f"[statistics.{s}]" for s in statistics)
    text = TINY.split("[statistics.median_lifespan]")[0]
    text += stats + f"\n[data]\nfile = '{name}'\n"
    return write(tmp_path, text)


def test_data_targets_use_the_same_estimators(tmp_path):
    from lifelines import KaplanMeierFitter

    frame = _alliances()
    path = _data_targets(
        tmp_path, frame, ["median_lifespan", "survival_24", "share_success", "share_ended"]
    )
    t = load_targets(path)
    fitter = KaplanMeierFitter().fit(frame.duration, frame.event_observed)
    assert t.observed["median_lifespan"] == pytest.approx(fitter.median_survival_time_)
    assert t.observed["survival_24"] == pytest.approx(float(fitter.predict(24)))
    ended = frame[frame.event_observed]
    assert t.observed["share_success"] == pytest.approx((ended.end_outcome == "success").mean())
    assert t.observed["share_ended"] == pytest.approx(frame.event_observed.mean())
    tolerances = {s.name: s.tolerance for s in t.statistics}
    assert tolerances["share_ended"] >= 0.05  # the floor, or the binomial standard error
    assert all(s.source.startswith("computed from") for s in t.statistics)


def test_a_saved_alliances_table_is_valid_data(tmp_path):
    from simulation import run

    run("default", seed=1, n_organisations=60, steps=120).save(tmp_path / "saved")
    path = write(
        tmp_path,
        TINY.split("[statistics.median_lifespan]")[0]
        + "[statistics.share_ended]\n[data]\nfile = 'saved/alliances'\n",
    )
    t = load_targets(path)
    saved = pd.read_parquet(tmp_path / "saved" / "alliances")
    founded = saved[saved.founded]
    assert t.observed["share_ended"] == pytest.approx(founded.event_observed.mean())


def test_parquet_data(tmp_path):
    path = _data_targets(tmp_path, _alliances(), ["share_ended"], name="data.parquet")
    assert 0 < load_targets(path).observed["share_ended"] < 1


BAD_DATA = [
    (lambda f: f.drop(columns="duration"), "has no 'duration' column"),
    (lambda f: f.drop(columns="event_observed"), "has no 'event_observed' column"),
    (lambda f: f.assign(duration=-f.duration), "negative duration"),
    (lambda f: f.assign(event_observed=False), "has no events"),
    (lambda f: f.assign(duration=f.duration.astype(object).where(f.index != 3, "soon")), "row 4"),
    (
        lambda f: f.assign(
            event_observed=f.event_observed.astype(object).where(f.index != 2, "maybe")
        ),
        "true or false",
    ),
    (
        lambda f: f.assign(end_outcome=f.end_outcome.where(~f.event_observed, "great")),
        "end_outcome must be one of",
    ),
    (lambda f: f.iloc[0:0], "holds no (founded) alliances"),
]


@pytest.mark.parametrize(("change", "message"), BAD_DATA)
def test_bad_data_files_get_one_line(tmp_path, change, message):
    path = _data_targets(tmp_path, change(_alliances()), ["median_lifespan", "share_success"])
    with pytest.raises(ConfigError) as info:
        load_targets(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_missing_optional_column_is_named(tmp_path):
    path = _data_targets(tmp_path, _alliances().drop(columns="end_outcome"), ["share_failure"])
    with pytest.raises(ConfigError, match="has no 'end_outcome' column, which share_failure needs"):
        load_targets(path)
    path = _data_targets(tmp_path, _alliances(), ["mean_peak_size"])
    with pytest.raises(ConfigError, match="'peak_size' column"):
        load_targets(path)


def test_median_not_reached_in_data(tmp_path):
    frame = _alliances().assign(event_observed=lambda f: f.index < 3)
    path = _data_targets(tmp_path, frame, ["median_lifespan"])
    with pytest.raises(ConfigError, match="cannot estimate median_lifespan"):
        load_targets(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.txt", "a,b\n", "must be a .csv or .parquet"),
        ("data.csv", "", "is empty"),
        ("data.parquet", "not parquet", "not a readable Parquet file"),
        ("data.csv", 'duration,event_observed\n"1,true\n', "not a readable CSV"),
    ],
)
def test_unreadable_data_files(tmp_path, name, content, message):
    (tmp_path / name).write_text(content)
    with pytest.raises(ConfigError, match=message):
        read_data(tmp_path / name)
    with pytest.raises(ConfigError, match="not found"):
        read_data(tmp_path / "nothing.csv")
