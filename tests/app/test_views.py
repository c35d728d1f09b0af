"""The pure helpers behind the page and the slides: palette, sliders, layout, figures."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.figure import Figure

from simulation import environment
from simulation.app import views
from simulation.errors import ParameterError
from simulation.params import Params
from simulation.scenarios import SCENARIOS

# --- palette ---------------------------------------------------------------------------
# Machado et al. (2009) simulation matrices (severity 1), applied to linear RGB.
CVD = {
    "deuteranopia": [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]],
    "protanopia": [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]],
    "tritanopia": [[1.256, -0.077, -0.179], [-0.078, 0.931, 0.148], [0.005, 0.691, 0.304]],
    "normal vision": np.eye(3),
}


def lab(hex_colour: str, matrix) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.asarray(matrix) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = (xyz @ linear) / np.array([0.95047, 1.0, 1.08883])
    f = [np.cbrt(t) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", list(CVD))
def test_phase_colours_stay_apart_with_colour_blindness(vision):
    colours = [*views.PHASE_COLOURS, views.UNALLIED_COLOUR]
    closest = min(
        np.linalg.norm(lab(a, CVD[vision]) - lab(b, CVD[vision]))
        for a, b in itertools.combinations(colours, 2)
    )
    assert closest > 15  # CIE76 delta E: clearly different at a glance


def test_every_phase_has_a_second_channel():
    for channel in (views.PHASE_MARKERS, views.PHASE_LINESTYLES, views.PHASE_COLOURS):
        assert len(channel) == len(views.PHASE_LABELS) == len(set(map(str, channel)))


# --- sliders ---------------------------------------------------------------------------
def test_every_slider_is_a_parameter_within_its_range():
    fields = Params.__dataclass_fields__
    for control in views.CONTROLS:
        meta = fields[control.name].metadata
        assert meta["low"] <= control.low < control.high <= meta["high"], control.name


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_slider_values_build_that_scenario(name):
    values = views.control_values(name)
    assert set(values) == {c.name for c in views.CONTROLS}
    for control in views.CONTROLS:
        assert control.low <= values[control.name] <= control.high
    params = views.make_params(name, values, seed=7)
    expected = SCENARIOS[name].params(seed=7)
    assert params == expected  # presets sit inside the sliders' ranges


def test_slider_values_override_the_scenario():
    params = views.make_params("crisis", {"pressure": 0.6, "n_organisations": 40}, seed=3)
    assert (params.pressure, params.n_organisations, params.seed) == (0.6, 40, 3)
    assert params.pressure_schedule == SCENARIOS["crisis"].params().pressure_schedule


def test_unknown_scenario_is_a_parameter_error():
    with pytest.raises(ParameterError, match="did you mean 'crisis'"):
        views.control_values("crisiss")


# --- layout ----------------------------------------------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 40, 300])
def test_layout_gives_each_organisation_its_own_place(n):
    values = np.random.default_rng(n).random((n, 4))
    layout = views.network_layout(values)
    assert layout.positions.shape == (n, 2)
    assert np.abs(layout.positions).max() <= 1.0 + 1e-12
    assert len({tuple(np.round(p, 9)) for p in layout.positions}) == n
    if n > 1:
        gaps = np.linalg.norm(layout.positions[:, None] - layout.positions[None], axis=-1)
        np.fill_diagonal(gaps, np.inf)
        assert gaps.min() >= layout.spacing * 0.999  # markers sized to spacing never overlap


def test_layout_keeps_value_communities_apart_and_is_deterministic():
    rng = np.random.default_rng(1)
    left = rng.normal(0.2, 0.03, (50, 4))
    right = rng.normal(0.8, 0.03, (50, 4))
    values = np.vstack([left, right])
    positions = views.network_layout(values).positions
    within = np.linalg.norm(positions[:50].mean(0) - positions[:50], axis=1).mean()
    between = np.linalg.norm(positions[:50].mean(0) - positions[50:].mean(0))
    assert between > 3 * within
    np.testing.assert_array_equal(positions, views.network_layout(values).positions)


def test_empty_population_has_an_empty_layout():
    assert views.network_layout(np.zeros((0, 4))).positions.shape == (0, 2)


# --- running figures -------------------------------------------------------------------
@pytest.fixture(scope="module")
def stepped_model():
    model = views.new_model("default", {"n_organisations": 80}, seed=2)
    for _ in range(30):
        model.step()
    return model


def test_running_figures_match_the_timeseries(stepped_model):
    figures = views.running_figures(stepped_model)
    last = stepped_model.tables()["timeseries"].iloc[-1]
    assert figures.month == 30 == last["step"]
    assert figures.horizon == stepped_model.params.steps
    assert figures.pressure == pytest.approx(last["pressure"])
    assert figures.founded == last["founded_total"]
    assert figures.dissolved == last["dissolved_total"]
    assert figures.evolutionary == last["evolutionary_total"]
    assert figures.revolutionary == last["revolutionary_total"]
    counts = stepped_model.phase_counts()
    assert figures.alliances == {phase: counts[phase] for phase in views.PHASE_LABELS}
    assert not figures.shock_pending and not figures.finished


def test_a_shock_shows_as_pending_pressure():
    model = views.new_model("default", {"n_organisations": 30, "pressure": 0.3})
    model.shock(size=environment.SHOCK_SIZE, duration=environment.SHOCK_MONTHS)
    figures = views.running_figures(model)
    assert figures.shock_pending
    assert figures.next_pressure == pytest.approx(0.7)
    model.step()
    assert views.running_figures(model).pressure == pytest.approx(0.7)


def test_history_has_one_row_per_month(stepped_model):
    series = views.history(stepped_model)
    assert series["step"].tolist() == list(range(31))
    assert series["n_evolving"].shape == (31,)


def test_caption_names_the_figures(stepped_model):
    text = views.caption(views.running_figures(stepped_model), "default")
    assert text.startswith("default  ·  month 30/240  ·  pressure 0.30")
    assert "revolutionary" in text


# --- drawing ---------------------------------------------------------------------------
def test_panels_draw_every_phase_and_label_it(stepped_model):
    layout = views.model_layout(stepped_model)
    network = views.network_figure(stepped_model, layout)
    labels = [t.get_text() for t in network.axes[0].get_legend().get_texts()]
    assert labels == [views.UNALLIED_LABEL, *views.PHASE_LABELS]
    counts = views.phase_counts_figure(stepped_model)
    lines = counts.axes[0].get_lines()
    assert [line.get_label() for line in lines] == list(views.PHASE_LABELS)
    assert all(line.get_linewidth() >= 3 for line in lines)
    pressure = views.pressure_figure(stepped_model)
    assert pressure.axes[0].get_ylim()[1] > 1.0
    for figure in (network, counts, pressure):
        assert isinstance(figure, Figure)
        figure.canvas.draw()


def test_slide_redraws_in_place(stepped_model):
    slide = views.Slide.create(dpi=20)
    layout = views.model_layout(stepped_model)
    slide.draw(stepped_model, layout, "default")
    slide.draw(stepped_model, layout, "default")
    assert len(slide.figure.axes) == 3
    assert len(slide.counts.get_lines()) == len(views.PHASE_LABELS)
    assert "month 30/240" in slide.figure.get_suptitle()


# --- every label in every language, no text over another ---------------------------------
def text_boxes(figure: Figure) -> list[tuple[str, object]]:
    """Every text drawn on ``figure`` with its box in pixels (tick labels within the axes)."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    texts = list(figure.texts)
    if figure._suptitle is not None and figure._suptitle not in texts:
        texts.append(figure._suptitle)
    for ax in figure.axes:
        texts += [ax.title, ax._left_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if ax.axison and low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    texts.append(tick.label1)
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
    return [
        (text.get_text(), text.get_window_extent(renderer))
        for text in texts
        if text.get_visible() and text.get_text().strip()
    ]


@pytest.mark.parametrize("lang", ["en", "nl", "es"])
def test_panels_and_slides_keep_their_text_apart_in_every_language(stepped_model, lang):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from simulation.i18n import translator

    layout = views.model_layout(stepped_model)
    stepped_model.shock()  # the shock annotation is drawn too
    slide = views.Slide.create(dpi=40)
    slide.draw(stepped_model, layout, "crisis", lang)
    figures = [
        views.network_figure(stepped_model, layout, lang),
        views.phase_counts_figure(stepped_model, lang),
        views.pressure_figure(stepped_model, lang),
        slide.figure,
    ]
    checked = 0
    for figure in figures:
        FigureCanvasAgg(figure)
        boxes = text_boxes(figure)
        width, height = figure.canvas.get_width_height()
        for text, box in boxes:
            assert box.x0 >= -1 and box.y0 >= -1, (lang, text)
            assert box.x1 <= width + 1 and box.y1 <= height + 1, (lang, text)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            across = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            down = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            assert across <= 1 or down <= 1, f"{lang}: {a!r} overlaps {b!r}"
        checked += len(boxes)
    assert checked > 40
    _ = translator(lang)
    texts = {t for figure in figures for t, _box in text_boxes(figure)}
    assert _("Organisations") in texts and _("Alliances in each phase") in texts
    assert _("forming") in texts and _("Environmental pressure") in texts
