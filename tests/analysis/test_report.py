import json
import re
import shutil
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from simulation import cli, run
from simulation.analysis import figures
from simulation.analysis.report import write_report
from simulation.analysis.summary import by_parameter, ends_by_cause, phase_occupancy
from simulation.analysis.survival import hazard_by_age, kaplan_meier
from simulation.errors import ConfigError, OutputError

FIGURES = [
    "survival",
    "survival_by_governance",
    "hazard",
    "phase_occupancy",
    "by_parameter",
    "ends_by_cause",
    "outcomes",
    "discovery",
]


def _links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)]+)\)", markdown)


@pytest.fixture(scope="module")
def grid_report(grid_folder):
    return write_report(grid_folder)


def test_report_writes_figures_tables_and_markdown(grid_folder, grid_report):
    out = grid_folder / "report"
    assert grid_report == out / "report.md"
    for stem in FIGURES:
        assert (out / f"{stem}.png").stat().st_size > 5000
        svg = (out / f"{stem}.svg").read_text()
        assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    summary = pd.read_csv(out / "summary.csv")
    assert summary["pressure"].tolist() == [0.2, 0.8]
    assert summary["runs"].tolist() == [2, 2]
    assert not (out / "sensitivity.csv").exists()  # a grid has no sensitivity indices
    text = grid_report.read_text()
    assert text.startswith("# Report: pressure")
    assert "Survival under low and high pressure" in text
    links = _links(text)
    for stem in FIGURES:
        assert f"{stem}.png" in links and f"{stem}.svg" in links
    assert "summary.csv" in links
    for link in links:
        assert (out / link).is_file(), link
    assert not list(grid_folder.glob(".report*"))  # no staging folder left behind


def test_report_sentences_describe_each_figure(grid_report):
    sections = grid_report.read_text().split("\n## ")[1:]
    figures_seen = 0
    for section in sections:
        if "![" in section:
            figures_seen += 1
            sentence = section.split(")\n\n", 1)[1].split("\n\n")[0]
            assert len(sentence) > 60, section  # a sentence saying what the figure shows
    assert figures_seen == len(FIGURES)
    assert "| pressure=0.2 | 2 |" in grid_report.read_text()


def test_a_failed_report_keeps_the_previous_one(grid_folder, grid_report, monkeypatch, tmp_path):
    out = tmp_path / "rep"
    shutil.copytree(grid_report.parent, out)
    before = (out / "report.md").read_text()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(figures, "survival_figure", broken)
    with pytest.raises(RuntimeError, match="boom"):
        write_report(grid_folder, out)
    assert (out / "report.md").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]  # no staging folder left


def test_report_refuses_bad_folders(grid_folder, tmp_path):
    with pytest.raises(ConfigError, match="not a folder of results"):
        write_report(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="holds no results"):
        write_report(tmp_path / "empty")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write the report"):
        write_report(grid_folder, blocker / "report")
    with pytest.raises(OutputError, match="not a folder"):
        write_report(grid_folder, blocker)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("keep me")
    with pytest.raises(OutputError, match="does not hold a report"):
        write_report(grid_folder, precious)
    assert (precious / "data.txt").read_text() == "keep me"


@pytest.fixture(scope="module")
def sobol_report(sobol_folder):
    return write_report(sobol_folder)


def test_report_of_a_sobol_sweep_has_sensitivity_indices(sobol_report):
    path = sobol_report
    out = path.parent
    indices = pd.read_csv(out / "sensitivity.csv")
    assert set(indices["method"]) == {"sobol"}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(indices.columns)
    text = path.read_text()
    assert "## Sensitivity indices" in text
    for link in _links(text):
        assert (out / link).is_file(), link
    assert (out / "sensitivity.png").exists() and (out / "sensitivity.svg").exists()
    # two continuous parameters: binned, one panel per parameter when there are too many
    km = pd.read_csv(out / "survival.csv")
    assert km["setting"].nunique() <= 12


def test_cli_report_of_single_runs_pools_them(tmp_path, capsys):
    folder = tmp_path / "single"
    for pressure in (0.2, 0.8):
        run("default", seed=1, pressure=pressure, n_organisations=40, steps=60).save(folder)
    assert cli.main(["report", str(folder)]) == 0
    printed = capsys.readouterr().out
    report = folder / "report" / "report.md"
    assert printed.strip().splitlines()[-1] == f"report written to {report}"
    assert "alive at the horizon" in printed  # the headline figures come first
    text = report.read_text()
    assert text.startswith("# Report: single")
    assert "grouped by: nothing" in text
    assert "parameters that differ between these runs: pressure" in text
    assert "No parameter varies" in text
    assert not (folder / "report" / "by_parameter.png").exists()
    for link in _links(text):
        assert (folder / "report" / link).is_file(), link
    assert pd.read_csv(folder / "report" / "summary.csv")["setting"].tolist() == ["all runs"]


def test_cli_report_arguments(monkeypatch, tmp_path, capsys):
    seen = {}

    def fake(folder, out=None, *, by=None, discover=None):
        seen.update(folder=folder, out=out, by=by, discover=discover)
        return tmp_path / "report.md"

    monkeypatch.setattr("simulation.analysis.report.write_report", fake)
    args = ["report", "DIR", "--out", "OUT", "--by", "pressure,foresight", "--by", "capacity"]
    assert cli.main(args) == 0
    assert seen == {
        "folder": "DIR",
        "out": "OUT",
        "by": ["pressure", "foresight", "capacity"],
        "discover": None,
    }
    assert cli.main(["report", "DIR"]) == 0
    assert seen["by"] is None and seen["out"] is None
    assert cli.main(["report", "DIR", "--discover", "duration < 12", "--discover", "x"]) == 0
    assert seen["discover"] == ["duration < 12", "x"]
    assert cli.main(["report", "DIR", "--discover", "none"]) == 0
    assert seen["discover"] == []
    assert "report.md" in capsys.readouterr().out


def test_cli_report_errors_are_one_line(tmp_path, capsys):
    assert cli.main(["report", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder of results" in err
    assert cli.main(["report", str(tmp_path), "--by", "nothing"]) == 2
    assert capsys.readouterr().err.startswith("alliances: error:")


def test_cli_report_bad_by(grid_folder, tmp_path, capsys):
    code = cli.main(["report", str(grid_folder), "--out", str(tmp_path / "r"), "--by", "presure"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot group by 'presure'" in err


def test_figures_are_labelled(grid_folder):
    drawn = [
        figures.survival_figure(kaplan_meier(grid_folder), ["pressure"]),
        figures.hazard_figure(hazard_by_age(grid_folder), ["pressure"]),
        figures.occupancy_figure(phase_occupancy(grid_folder), ["pressure"]),
        figures.parameter_figure(by_parameter(grid_folder)),
        figures.ends_figure(ends_by_cause(grid_folder)),
    ]
    for figure in drawn:
        assert figure.get_suptitle()
        visible = [ax for ax in figure.get_axes() if ax.get_visible()]
        for ax in visible:
            assert ax.get_xlabel(), figure.get_suptitle()
        assert visible[0].get_ylabel() or visible[0].get_yticklabels(), figure.get_suptitle()
    legend = drawn[0].get_axes()[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert any(t.startswith("0.2 (") for t in texts)  # the legend's title names pressure
    assert legend.get_title().get_text() == "pressure"


def test_importing_the_package_stays_light():
    code = textwrap.dedent(
        """
        import json, sys
        import simulation.analysis, simulation.analysis.command
        heavy = [
            m for m in ("matplotlib", "lifelines", "SALib", "ema_workbench") if m in sys.modules
        ]
        print(json.dumps(heavy))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_figures_say_when_there_is_nothing_to_draw():
    empty = pd.DataFrame()
    for draw in (figures.survival_figure, figures.hazard_figure, figures.occupancy_figure):
        figure = draw(empty)
        ax = figure.get_axes()[0]
        assert figure.get_suptitle() and ax.get_xlabel() and ax.get_ylabel()
        assert ax.texts and ax.texts[0].get_text().startswith("no ")
    for draw in (figures.parameter_figure, figures.ends_figure, figures.sensitivity_figure):
        assert draw(empty).get_axes()[0].texts


def test_marginal_panels_for_many_settings(sobol_folder):
    from simulation.analysis.data import load_results
    from simulation.analysis.report import MAX_GROUPS, _plot_groups

    runs = load_results(sobol_folder).runs
    mode, groups = _plot_groups(runs, ["pressure", "foresight"])
    assert mode == "marginal" and groups == [["pressure"], ["foresight"]]
    assert _plot_groups(runs, ["pressure"]) == ("combined", [["pressure"]])
    km = kaplan_meier(sobol_folder, ["pressure"], max_levels=MAX_GROUPS)
    assert km["setting"].nunique() <= MAX_GROUPS
    figure = figures.survival_figure(km.assign(panel="pressure"), ["pressure"])
    assert figure.get_axes()[0].get_title() == "by pressure"


def test_the_package_exposes_the_notebook_functions():
    import simulation.analysis as analysis

    for name in analysis.__all__:
        assert callable(getattr(analysis, name)), name
    assert analysis.write_report is write_report
    with pytest.raises(AttributeError):
        analysis.no_such_function  # noqa: B018


def test_missing_optional_dependency_is_a_one_line_error(monkeypatch, grid_folder, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "lifelines" else real(name, *a),
    )
    assert cli.main(["report", str(grid_folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs lifelines" in err


@pytest.fixture
def quick_build(monkeypatch):
    """Reports that only write report.md (the folder handling is what is tested)."""
    from simulation.analysis import report

    def build(out, *args, **kwargs):
        (out / "report.md").write_text("# Report\n")

    monkeypatch.setattr(report, "_build", build)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_report_folders_follow_the_umask(grid_folder, tmp_path, umask, quick_build):
    import os

    old = os.umask(umask)
    try:
        path = write_report(grid_folder, tmp_path / "rep", discover=[])
    finally:
        os.umask(old)
    assert (path.parent.stat().st_mode & 0o777) == 0o777 & ~umask
    assert (path.stat().st_mode & 0o777) == 0o666 & ~umask


def test_replacing_a_report_is_said(grid_folder, tmp_path, capsys, quick_build):
    out = tmp_path / "rep"
    args = ["report", str(grid_folder), "--out", str(out), "--discover", "none"]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert "replaced" not in first
    assert cli.main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == f"replaced the previous report in {out}"
    assert lines[-1] == f"report written to {out / 'report.md'}"


def test_survival_figure_has_a_number_at_risk_row(grid_folder):
    from simulation.analysis.survival import number_at_risk

    km = kaplan_meier(grid_folder)
    figure = figures.survival_figure(km, ["pressure"])
    main, risk = figure.get_axes()[:2]
    assert risk.get_title(loc="left") == "number at risk"
    ticks = list(main.get_xticks())
    expected = number_at_risk(km, ticks)
    shown = sorted(
        (round(t.get_position()[1]), t.get_position()[0], t.get_text()) for t in risk.texts
    )
    settings = list(dict.fromkeys(km["setting"]))
    wanted = sorted(
        (row, t, str(int(expected.loc[s, t]))) for row, s in enumerate(settings) for t in ticks
    )
    assert shown == wanted
    assert [label.get_text() for label in risk.get_yticklabels()] == [
        s.removeprefix("pressure=") for s in settings
    ]
    assert expected.iloc[:, 0].tolist() == [
        int(km[(km["setting"] == s) & (km["time"] == 0)]["at_risk"].iloc[0]) for s in settings
    ]
    plain = figures.survival_figure(km, ["pressure"], at_risk=False)
    assert all(ax.get_title(loc="left") != "number at risk" for ax in plain.get_axes())


def test_report_names_the_estimator_and_skips_model2_sections_on_older_tables(
    older_folder, tmp_path
):
    path = write_report(older_folder, tmp_path / "rep", discover=[])
    text = path.read_text()
    assert "KM median lifespan from the start of forming (months)" in text
    assert "Kaplan-Meier median lifespan from the start of forming" in text
    assert "## Outcomes of founded alliances" not in text
    assert "## Survival by governance form" not in text
    assert "from the start of forming; alliances still active" in text
    km = pd.read_csv(path.parent / "survival.csv")
    alliances = pd.read_parquet(older_folder / "alliances")
    assert km[km["time"] == 0]["at_risk"].sum() == int(alliances["founded"].sum())


def test_report_of_model2_tables(model2_folder, grid_report):
    path = grid_report
    out = path.parent
    text = path.read_text()
    assert "KM median lifespan from founding (months)" in text
    assert "from the month they were founded" in text
    assert "## Outcomes of founded alliances" in text
    assert "## Survival by governance form" in text
    mix = pd.read_csv(out / "outcomes.csv")
    assert set(mix["outcome"]) == {"success", "intermediate", "failure"}
    alliances = pd.read_parquet(model2_folder / "alliances")
    ended = alliances[alliances["founded_at"].notna() & alliances["end_outcome"].notna()]
    assert mix.groupby("setting")["ended"].first().sum() == len(ended)
    by_form = pd.read_csv(out / "survival_by_governance.csv")
    start = by_form[by_form["time"] == 0].set_index("governance_at_founding")["at_risk"]
    founded = alliances[alliances["founded_at"].notna()]
    counts = founded["governance_at_founding"].value_counts()  # a categorical: zeros too
    assert start.to_dict() == counts[counts > 0].to_dict()
    km = pd.read_csv(out / "survival.csv")
    assert km[km["time"] == 0]["at_risk"].sum() == len(founded)  # never-founded rows dropped
    for link in _links(text):
        assert (out / link).is_file(), link


def test_report_discovers_named_and_written_outcomes(grid_folder, grid_report, tmp_path):
    from simulation.analysis.data import load_results, read_experiment
    from simulation.analysis.report import _discovery

    # by default a sweep's report discovers the named outcomes
    default = grid_report.read_text().split("## Scenario discovery", 1)[1]
    assert "**dissolved_within_3_years**" in default and "**renewed_at_least_once**" in default
    outcomes = ["renewed_at_least_once", "event_observed and duration <= 60", "nonsense <"]
    section = _discovery(
        tmp_path, load_results(grid_folder), read_experiment(grid_folder), outcomes
    )
    assert "**renewed_at_least_once**" in section
    assert "**event_observed and duration <= 60**" in section
    assert "**nonsense <**: not computed (cannot evaluate the outcome" in section
    boxes = pd.read_csv(tmp_path / "discovery.csv")
    assert set(boxes["outcome"]) == {"renewed_at_least_once", "event_observed and duration <= 60"}
    assert set(boxes["parameter"]) == {"pressure"}
    peel = pd.read_csv(tmp_path / "discovery_peeling.csv")
    assert peel.groupby("outcome")["chosen"].sum().tolist() == [1, 1]
    assert (tmp_path / "discovery.png").stat().st_size > 5000


def test_sensitivity_section_reports_the_replication_noise(sobol_report):
    text = sobol_report.read_text()
    section = text.split("## Sensitivity indices", 1)[1]
    assert "one replication per sample the replication noise is not measured" in section
    indices = pd.read_csv(sobol_report.parent / "sensitivity.csv")
    assert {"S1_low", "S1_high", "ST_low", "ST_high", "noise_share", "noise_floor"} <= set(
        indices.columns
    )
