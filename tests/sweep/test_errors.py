"""Malformed experiment files and bad options: one line on stderr, exit 2, nothing written."""

from __future__ import annotations

import pytest

from simulation.cli import main

GOOD_HEAD = 'name = "bad"\nsteps = 12\n[fixed]\nn_organisations = 20\n'

CASES = [
    # (file text, expected part of the message)
    ('name = "x"\nsteps = \n', "is not valid TOML"),
    ('name = "x"\nreplication = 3\n', "unknown key 'replication'; did you mean 'replications'?"),
    ('name = "x"\n[sampler]\nmethd = "grid"\n', "unknown key '[sampler] methd'"),
    ('name = "x"\n[extra]\nfoo = 1\n', "unknown table [extra]"),
    ('name = "x"\n[output]\ntable = ["runs"]\n', "did you mean 'tables'?"),
    (
        'name = "x"\n[vary]\npresure = [0.1, 0.5]\n',
        "unknown parameter 'presure'; did you mean 'pressure'?",
    ),
    ('name = "x"\n[fixed]\nn_organizations = 50\n', "did you mean 'n_organisations'?"),
    (
        'name = "x"\n[vary]\npressure = [0.2, 1.5]\n',
        "[vary] pressure: pressure = 1.5 is out of range",
    ),
    ('name = "x"\n[fixed]\nsteps = 0\n', "[fixed] steps = 0 is out of range"),
    ('name = "x"\nsteps = 2.5\n', "steps must be a whole number"),
    ('name = "x"\nreplications = 0\n', "replications = 0 is out of range"),
    ('name = "x"\nreplications = "ten"\n', "replications must be a whole number"),
    ('name = "x"\nseed = -1\n', "seed = -1 is out of range"),
    (
        'name = "x"\n[vary]\nforesight = { low = 0.8, high = 0.2 }\n',
        "low (0.8) must be below high (0.2)",
    ),
    ('name = "x"\n[vary]\nforesight = { low = 0.0, hihg = 1.0 }\n', "did you mean 'high'?"),
    (
        'name = "x"\n[vary]\nforesight = { low = 0.0, high = 1.5 }\n',
        "foresight = 1.5 is out of range",
    ),
    ('name = "x"\n[vary]\nforesight = { low = 0.0, high = 1.0 }\n', "grid needs levels"),
    (
        'name = "x"\n[vary]\nforesight = [0.1, 0.9]\n[sampler]\nmethod = "lhs"\nsamples = 8\n',
        "lhs samples from ranges",
    ),
    (
        'name = "x"\n[vary]\nforesight = { low = 0.0, high = 1.0 }\n[sampler]\nmethod = "sobol"\n'
        "samples = 10\n",
        "power of 2",
    ),
    (
        'name = "x"\n[vary]\nforesight = { low = 0.0, high = 1.0 }\n[sampler]\nmethod = "lhs"\n',
        "lhs needs 'samples'",
    ),
    (
        'name = "x"\n[vary]\nforesight = { low = 0.0, high = 1.0, levels = 3 }\n[sampler]\n'
        'method = "morris"\nsamples = 4\n',
        "'levels' in a range is for grid and ofat",
    ),
    ('name = "x"\n[sampler]\nmethod = "sobol"\nsamples = 8\n', "sobol needs at least one range"),
    ('name = "x"\n[sampler]\nmethod = "sobel"\n', "did you mean 'sobol'?"),
    ('name = "x"\n[vary]\npressure = [0.2]\n[sampler]\nlevels = 4\n', "levels is for morris"),
    ('name = "x"\n[output]\ntables = ["alliances"]\n', "must include 'runs'"),
    ('name = "x"\n[output]\ntables = ["runs", "alliance"]\n', "did you mean 'alliances'?"),
    ('name = "x"\n[output]\ntimeseries_every = 0\n', "timeseries_every = 0 is out of range"),
    ('name = "x"\n[fixed]\nseed = 3\n', "top-level key 'seed'"),
    ('name = "x"\n[vary]\nseed = [1, 2]\n', "use replications"),
    (
        'name = "x"\n[fixed]\npressure = 0.2\n[vary]\npressure = [0.3]\n',
        "both in [fixed] and in [vary]",
    ),
    ('name = "x"\nscenario = "crises"\n', "unknown scenario 'crises'; did you mean 'crisis'?"),
    ('name = "two words"\n', "name must be 1-64 letters"),
    ('name = "x"\n[vary]\npressure = "high"\n', "give a list of levels"),
    ('name = "x"\n[vary]\npressure = []\n', "the list of levels is empty"),
    ('name = "x"\n[vary]\npressure = [0.2, 0.2]\n', "listed twice"),
    ('name = "x"\nsteps = 12\n[fixed]\nsteps = 24\n', "steps is set both"),
    ('name = "x"\nvary = 3\n', "'vary' must be a table"),
    ('name = "x"\n[vary]\narrangement = { low = 0, high = 1 }\n', "a range needs a numeric"),
    (
        'name = "x"\n[vary]\ntie_density = { low = 0.0, high = 1.0, distribution = "loguniform" }\n'
        '[sampler]\nmethod = "lhs"\nsamples = 4\n',
        "loguniform range needs low > 0",
    ),
    (
        'name = "x"\n[vary]\ntie_density = { low = 0.1, high = 1.0, distribution = "normal" }\n'
        '[sampler]\nmethod = "lhs"\nsamples = 4\n',
        "distribution must be one of uniform, loguniform",
    ),
    ('name = "x"\n[vary]\nmin_viable = [2, 5]\n', "[vary] min_viable: min_viable (5) must not"),
    (
        'name = "x"\n[vary]\nmin_viable = [2, 3]\nmin_members = [3, 2]\n',
        "sample 3 (min_viable=3, min_members=2): min_viable (3) must not exceed min_members (2)",
    ),
]


def run_cli(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[1][:40] for c in CASES])
def test_a_malformed_file_gives_one_line_and_exit_2(text, expected, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(["sweep", str(path), "--out", str(out)], capsys)
    assert code == 2
    assert stdout == ""
    assert stderr.startswith("alliances: error: ")
    assert stderr.count("\n") == 1, stderr
    assert expected in stderr
    assert "Traceback" not in stderr
    assert not out.exists()


def test_the_error_names_the_file(tmp_path, capsys):
    path = tmp_path / "named.toml"
    path.write_text('name = "x"\nreplication = 3\n')
    code, _, stderr = run_cli(["sweep", str(path), "--dry-run"], capsys)
    assert code == 2 and f"{path}: unknown key" in stderr


def test_a_missing_file(tmp_path, capsys):
    code, _, stderr = run_cli(["sweep", str(tmp_path / "nope.toml"), "--out", "x"], capsys)
    assert code == 2
    assert stderr == f"alliances: error: experiment file '{tmp_path / 'nope.toml'}' not found\n"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], "--out DIR is required"),
        (["--out", "OUT", "--workers", "0"], "workers must be a whole number of at least 1"),
        (["--out", "OUT", "--scheduler", "tcp://127.0.0.1:1"], "needs the dask executor"),
    ],
)
def test_bad_options(options, expected, tmp_path, capsys, write_experiment):
    path = write_experiment(GOOD_HEAD)
    options = [o.replace("OUT", str(tmp_path / "out")) for o in options]
    code, _, stderr = run_cli(["sweep", str(path), *options], capsys)
    assert code == 2
    assert expected in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_output_path_that_is_a_file(tmp_path, capsys, write_experiment):
    path = write_experiment(GOOD_HEAD)
    target = tmp_path / "file"
    target.write_text("x")
    code, _, stderr = run_cli(["sweep", str(path), "--out", str(target)], capsys)
    assert code == 2 and "exists and is not a folder" in stderr
