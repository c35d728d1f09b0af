"""What the classroom page and the slides animation show, as pure functions of a model.

Both faces draw the same three panels (the organisations as a network, the alliances in
each phase over time, pressure over time) and the same running figures, so a lecturer's
slides look like the live page. Everything here is plain numpy and matplotlib's object
interface (``matplotlib.figure.Figure``, never ``pyplot``), which is safe to use from the
server's threads; nothing here knows about Solara.

Readable from the back of a room: large type, thick lines, a colour-blind-safe phase
palette (Okabe-Ito orange, blue and green, and Tol's red), and every phase told apart by
a second channel as well: a marker shape in the network and a line style over time.

Every word drawn is English source text translated with ``simulation.i18n``: the drawing
functions take ``lang`` (``en``, ``nl`` or ``es``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from scipy.spatial import cKDTree

from simulation import palette
from simulation.i18n import DEFAULT_LANGUAGE, N_, translator
from simulation.model import AllianceModel
from simulation.params import Params
from simulation.records import OUTCOMES, TIMESERIES_COLUMNS
from simulation.scenarios import get_scenario
from simulation.terms import PHASES

#: The four living phases, in lifecycle order (index = the model's phase code).
PHASE_LABELS: tuple[str, ...] = ("forming", "founding", "evolving", "transforming")
#: One colour per phase, distinguishable with every common colour-vision deficiency.
PHASE_COLOURS: tuple[str, ...] = tuple(palette.PHASE_COLOURS[p] for p in PHASE_LABELS)
#: Organisations in no alliance.
UNALLIED_COLOUR = palette.UNALLIED_COLOUR
UNALLIED_LABEL = N_("in no alliance")
#: Second channel for the network: a marker shape per phase.
PHASE_MARKERS: tuple[str, ...] = ("o", "s", "D", "^")
#: Second channel over time: a line style per phase.
PHASE_LINESTYLES: tuple[object, ...] = ("solid", (0, (5, 1.5)), (0, (3, 1, 1, 1)), (0, (1, 0.8)))
PRESSURE_COLOUR = "#222222"
SHOCK_COLOUR = "#CC3311"

#: Type sizes in points; a panel is drawn about 7 inches wide, so these stay legible when
#: the page is projected.
TITLE_SIZE = 20
LABEL_SIZE = 18
TICK_SIZE = 16
LEGEND_SIZE = 16
LINE_WIDTH = 4.0

#: Grid cells per organisation in the network layout (more: looser islands).
GRID_CELLS_PER_ORGANISATION = 3.0
#: The network panel shows [-limit, limit] on both axes (a margin around the layout).
NETWORK_LIMIT = 1.06


@dataclass(frozen=True)
class Control:
    """A parameter the page offers as a slider.

    Attributes:
        name: the ``Params`` field.
        label: what the slider says.
        low: smallest value on the slider.
        high: largest value on the slider.
        step: slider step.
        hint: one line on what it does, with the claims of docs/THEORY.md it bears on.
    """

    name: str
    label: str
    low: float
    high: float
    step: float
    hint: str

    @property
    def is_int(self) -> bool:
        """Whether the parameter is a whole number."""
        return all(float(x).is_integer() for x in (self.low, self.high, self.step))


#: The sliders, in the order the page shows them.
CONTROLS: tuple[Control, ...] = (
    Control("pressure", N_("Pressure"), 0.0, 1.0, 0.05, N_("pressure from the environment (C20)")),
    Control(
        "foresight", N_("Foresight"), 0.0, 1.0, 0.05, N_("the mission follows the need early (C27)")
    ),
    Control(
        "collective_leadership",
        N_("Collective leadership"),
        0.0,
        1.0,
        0.05,
        N_("shared leadership in transforming (C22)"),
    ),
    Control("open_share", N_("Open alliances"), 0.0, 1.0, 0.05, N_("share founded open (C15)")),
    Control(
        "forming_care",
        N_("Care in forming"),
        0.0,
        1.0,
        0.05,
        N_("strict trust and consensus (C24)"),
    ),
    Control("n_organisations", N_("Organisations"), 20, 600, 10, N_("size of the population")),
)


def control_values(scenario: str) -> dict[str, float]:
    """The slider values of ``scenario`` (its parameters, clipped to the sliders' ranges).

    Raises:
        ParameterError: if there is no scenario of that name.
    """
    params = get_scenario(scenario).params()
    values: dict[str, float] = {}
    for control in CONTROLS:
        value = min(max(getattr(params, control.name), control.low), control.high)
        values[control.name] = int(value) if control.is_int else float(value)
    return values


def make_params(scenario: str, values: dict[str, float] | None = None, seed: int = 0) -> Params:
    """Parameters of ``scenario`` with the slider ``values`` and ``seed`` applied.

    Raises:
        ParameterError: for an unknown scenario or a value out of range.
    """
    return get_scenario(scenario).params(**(values or {}), seed=seed)


def new_model(scenario: str, values: dict[str, float] | None = None, seed: int = 0):
    """A fresh ``AllianceModel`` for ``scenario`` with the slider ``values``."""
    params = make_params(scenario, values, seed)
    return AllianceModel(params, run_id=f"{scenario}-{seed}")


@dataclass(frozen=True)
class Layout:
    """Where the network panel draws each organisation.

    Attributes:
        positions: (N, 2) positions in [-1, 1], one grid cell per organisation.
        spacing: distance between neighbouring grid cells (markers are sized to fit it).
    """

    positions: np.ndarray
    spacing: float


def network_layout(values: np.ndarray) -> Layout:
    """Place the organisations by their values, one per cell of a grid, computed once per run.

    Organisations are projected on the first two principal components of value space, so
    similar organisations (and so most alliances) sit together and value communities show
    as islands; each then takes the free grid cell nearest to its projection, densest
    neighbourhoods first, so no marker hides another. Deterministic; O(N x cells).

    Args:
        values: (N, D) positions in value space.

    Returns:
        The layout; positions span [-1, 1] on the wider axis.
    """
    n = values.shape[0]
    if n == 0:
        return Layout(np.zeros((0, 2)), 1.0)
    centred = values - values.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    projected = np.zeros((n, 2))
    projected[:, : min(2, components.shape[0])] = centred @ components[:2].T
    extent = np.abs(projected).max()
    if extent > 0:
        projected /= extent
    side = max(3, math.ceil(math.sqrt(GRID_CELLS_PER_ORGANISATION * n)))
    ticks = np.linspace(-1.0, 1.0, side)
    cells = np.stack(np.meshgrid(ticks, ticks), axis=-1).reshape(-1, 2)
    neighbours = min(8, n - 1)
    if neighbours > 0:
        crowding = cKDTree(projected).query(projected, neighbours + 1)[0][:, -1]
    else:
        crowding = np.zeros(n)
    free = np.ones(cells.shape[0], dtype=bool)
    positions = np.empty((n, 2))
    for i in np.argsort(crowding, kind="stable"):
        distance = ((cells - projected[i]) ** 2).sum(axis=1)
        distance[~free] = np.inf
        cell = int(np.argmin(distance))
        positions[i] = cells[cell]
        free[cell] = False
    positions -= (positions.max(axis=0) + positions.min(axis=0)) / 2
    spacing = 2.0 / (side - 1)
    extent = np.abs(positions).max()
    if extent > 0:
        positions /= extent
        spacing /= extent
    return Layout(positions, float(spacing))


def model_layout(model: AllianceModel) -> Layout:
    """``network_layout`` of a model's population."""
    return network_layout(model.world.population.values)


@dataclass(frozen=True)
class RunningFigures:
    """The figures shown beside the panels, as of the model's current month.

    Attributes:
        month: months simulated so far.
        horizon: months the run lasts.
        pressure: pressure this month.
        next_pressure: pressure scheduled for next month (higher after a shock).
        founded: alliances founded so far.
        dissolved: alliances dissolved so far.
        evolutionary: evolutionary renewals so far (transforming back to evolving).
        revolutionary: revolutionary renewals so far (transforming back to forming).
        allied_share: share of organisations in at least one alliance now.
        alliances: number of alliances in each living phase now.
        outcomes: alliances ended so far by outcome (``success``, ``intermediate``,
            ``failure``; see ``simulation.terms.END_OUTCOMES``).
        causes: alliances ended so far by end cause.
    """

    month: int
    horizon: int
    pressure: float
    next_pressure: float
    founded: int
    dissolved: int
    evolutionary: int
    revolutionary: int
    allied_share: float
    alliances: dict[str, int]
    outcomes: dict[str, int] = field(default_factory=dict)
    causes: dict[str, int] = field(default_factory=dict)

    @property
    def shock_pending(self) -> bool:
        """Whether pressure rises next month (a shock has just been set off)."""
        return self.next_pressure > self.pressure + 1e-9

    @property
    def finished(self) -> bool:
        """Whether the run has reached its horizon."""
        return self.month >= self.horizon


def end_counts(model: AllianceModel) -> tuple[dict[str, int], dict[str, int]]:
    """Alliances ended so far, by outcome and by cause.

    The outcome of a cause is the model's own (``simulation.records.OUTCOMES``, the
    ``end_outcome`` column); a cause the model has no outcome for counts as a failure.
    """
    store = model.world.alliances
    causes = Counter(cause for cause in store.end_cause[: store.count] if cause)
    outcomes: Counter[str] = Counter()
    for cause, n in causes.items():
        outcomes[OUTCOMES.get(cause, "failure")] += n
    return dict(outcomes), dict(causes)


def running_figures(model: AllianceModel) -> RunningFigures:
    """The running figures of ``model`` now."""
    last = dict(zip(TIMESERIES_COLUMNS, model.series.rows[-1], strict=True))
    counts = model.phase_counts()
    outcomes, causes = end_counts(model)
    return RunningFigures(
        month=int(model.steps),
        horizon=int(model.params.steps),
        pressure=float(model.pressure),
        next_pressure=float(model.world.environment.pressure_at(model.steps + 1)),
        founded=int(last["founded_total"]),
        dissolved=int(last["dissolved_total"]),
        evolutionary=int(last["evolutionary_total"]),
        revolutionary=int(last["revolutionary_total"]),
        allied_share=float(last["share_allied"]),
        alliances={phase: counts[phase] for phase in PHASE_LABELS},
        outcomes=outcomes,
        causes=causes,
    )


def history(model: AllianceModel) -> dict[str, np.ndarray]:
    """The per-month series recorded so far, one array per column (no DataFrame)."""
    rows = np.array(model.series.rows, dtype=float)
    return {name: rows[:, i] for i, name in enumerate(TIMESERIES_COLUMNS)}


# --- drawing ---------------------------------------------------------------------------
def _style_axes(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=TITLE_SIZE, fontweight="bold", loc="left")
    ax.tick_params(labelsize=TICK_SIZE, width=1.5, length=6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(1.5)
    ax.grid(True, color="#DDDDDD", linewidth=1.0)
    ax.set_axisbelow(True)


def marker_area(ax: Axes, layout: Layout) -> float:
    """Marker area (points squared) that fills about 85% of a grid cell of ``layout``."""
    figure_width, figure_height = ax.figure.get_size_inches()  # type: ignore[union-attr]
    box = ax.get_position()
    side = min(box.width * figure_width, box.height * figure_height) * 72.0
    diameter = 0.85 * layout.spacing * side / (2 * NETWORK_LIMIT)
    return float(np.clip(diameter**2, 12.0, 260.0))


def draw_network(
    ax: Axes, model: AllianceModel, layout: Layout, lang: str = DEFAULT_LANGUAGE
) -> None:
    """Organisations coloured (and shaped) by the phase of their most advanced alliance.

    Lines join organisations that share an alliance; each alliance is drawn as a star
    around one member to keep the picture light.
    """
    _ = translator(lang)
    positions = layout.positions
    area = marker_area(ax, layout)
    phase = model.organisation_phase()
    edges = model.co_membership_edges()
    if edges.shape[0]:
        ax.add_collection(
            LineCollection(positions[edges], colors="#444444", linewidths=1.4, alpha=0.5, zorder=1)
        )
    alone = phase < 0
    ax.scatter(
        positions[alone, 0],
        positions[alone, 1],
        s=area * 0.45,
        c=UNALLIED_COLOUR,
        marker="o",
        linewidths=0,
        zorder=2,
        label=_(UNALLIED_LABEL),
    )
    for code, (label, colour, marker) in enumerate(
        zip(PHASE_LABELS, PHASE_COLOURS, PHASE_MARKERS, strict=True)
    ):
        mine = phase == code
        ax.scatter(
            positions[mine, 0],
            positions[mine, 1],
            s=area,
            c=colour,
            marker=marker,
            edgecolors="black",
            linewidths=0.8,
            zorder=3 + code,
            label=_(PHASES[label]),
        )
    ax.set_xlim(-NETWORK_LIMIT, NETWORK_LIMIT)
    ax.set_ylim(-NETWORK_LIMIT, NETWORK_LIMIT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(_("Organisations"), fontsize=TITLE_SIZE, fontweight="bold", loc="left")
    legend = ax.legend(
        title=_("colour: phase of their alliance; lines: partners"),
        title_fontsize=LEGEND_SIZE,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=LEGEND_SIZE,
        frameon=False,
        handletextpad=0.2,
        columnspacing=0.5,
        borderpad=0.2,
    )
    for handle in legend.legend_handles:
        handle.set_sizes([160.0])  # type: ignore[union-attr]  # scatter handles


def draw_phase_counts(
    ax: Axes,
    series: dict[str, np.ndarray],
    horizon: int,
    legend: str = "right",
    lang: str = DEFAULT_LANGUAGE,
) -> None:
    """Number of alliances in each phase, month by month.

    Args:
        ax: the axes to draw on.
        series: the per-month series (``history``).
        horizon: the last month of the run (the x axis is fixed to it).
        legend: where the legend goes, ``"right"`` of the axes or ``"below"`` them.
        lang: the language of the labels.
    """
    _ = translator(lang)
    months = series["step"]
    top = 5.0
    for label, colour, style in zip(PHASE_LABELS, PHASE_COLOURS, PHASE_LINESTYLES, strict=True):
        counts = series[f"n_{label}"]
        top = max(top, float(counts.max()) if counts.size else 0.0)
        ax.plot(
            months,
            counts,
            color=colour,
            linestyle=style,
            linewidth=LINE_WIDTH,
            label=_(PHASES[label]),
            solid_capstyle="butt",
        )
    ax.set_xlim(0, max(horizon, 1))
    ax.set_ylim(0, math.ceil(top * 1.15))
    ax.set_xlabel(_("month"), fontsize=LABEL_SIZE)
    ax.set_ylabel(_("alliances"), fontsize=LABEL_SIZE)
    _style_axes(ax, _("Alliances in each phase"))
    below = legend == "below"
    ax.legend(
        loc="lower center" if below else "upper left",
        # below: centred on the whole figure, so longer labels (Dutch) still fit
        bbox_to_anchor=(0.5, 0.0) if below else (1.0, 1.0),
        bbox_transform=ax.figure.transFigure if below else ax.transAxes,
        ncol=2 if below else 1,
        fontsize=LEGEND_SIZE,
        frameon=False,
        handlelength=2.4,
        borderaxespad=0.3,
        columnspacing=1.5,
    )


def draw_pressure(
    ax: Axes,
    series: dict[str, np.ndarray],
    horizon: int,
    next_pressure: float | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> None:
    """Pressure month by month; a pending shock shows as a red step to next month."""
    _ = translator(lang)
    months, pressure = series["step"], series["pressure"]
    ax.fill_between(months, 0, pressure, color="#CCCCCC", linewidth=0)
    ax.plot(months, pressure, color=PRESSURE_COLOUR, linewidth=LINE_WIDTH, label=_("pressure"))
    if next_pressure is not None and months.size and next_pressure > pressure[-1] + 1e-9:
        month = months[-1]
        ax.plot(
            [month, month + 1, month + 1],
            [pressure[-1], pressure[-1], next_pressure],
            color=SHOCK_COLOUR,
            linewidth=LINE_WIDTH,
            linestyle=(0, (2, 1)),
        )
        ax.annotate(
            _("shock \u2192 {pressure}").format(pressure=f"{next_pressure:.2f}"),
            xy=(month + 1, next_pressure),
            xytext=(-6, 4) if month > 0.6 * horizon else (6, 4),
            textcoords="offset points",
            ha="right" if month > 0.6 * horizon else "left",
            va="top" if next_pressure > 0.9 else "bottom",
            fontsize=LEGEND_SIZE,
            color=SHOCK_COLOUR,
            fontweight="bold",
        )
    ax.set_xlim(0, max(horizon, 1))
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_xlabel(_("month"), fontsize=LABEL_SIZE)
    ax.set_ylabel(_("pressure"), fontsize=LABEL_SIZE)
    _style_axes(ax, _("Environmental pressure"))


def _inches(figure: Figure, left: float, right: float, bottom: float, top: float) -> dict:
    """Subplot margins given in inches, as the fractions matplotlib wants.

    Fixed margins (room for three-digit ticks and the legends) instead of a layout engine:
    the panels are redrawn every month, and a layout engine would cost more than the
    drawing and make the axes jump as the numbers grow.
    """
    width, height = figure.get_size_inches()
    return {
        "left": left / width,
        "right": 1 - right / width,
        "bottom": bottom / height,
        "top": 1 - top / height,
    }


def network_figure(model: AllianceModel, layout: Layout, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """The network panel as a figure of its own (for the page)."""
    figure = Figure(figsize=(6.2, 6.9), dpi=100)
    grid = figure.add_gridspec(1, 1, **_inches(figure, 0.05, 0.05, 1.25, 0.55))
    draw_network(figure.add_subplot(grid[0, 0]), model, layout, lang)
    return figure


def phase_counts_figure(model: AllianceModel, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """The phase-counts panel as a figure of its own (for the page)."""
    figure = Figure(figsize=(6.0, 4.1), dpi=100)
    grid = figure.add_gridspec(1, 1, **_inches(figure, 1.0, 0.35, 1.45, 0.5))
    draw_phase_counts(
        figure.add_subplot(grid[0, 0]),
        history(model),
        model.params.steps,
        legend="below",
        lang=lang,
    )
    return figure


def pressure_figure(model: AllianceModel, lang: str = DEFAULT_LANGUAGE) -> Figure:
    """The pressure panel as a figure of its own (for the page)."""
    figure = Figure(figsize=(6.0, 3.3), dpi=100)
    grid = figure.add_gridspec(1, 1, **_inches(figure, 1.0, 0.35, 0.8, 0.5))
    figures = running_figures(model)
    draw_pressure(
        figure.add_subplot(grid[0, 0]),
        history(model),
        figures.horizon,
        figures.next_pressure,
        lang=lang,
    )
    return figure


def caption(
    figures: RunningFigures, scenario: str | None = None, lang: str = DEFAULT_LANGUAGE
) -> str:
    """One line of running figures, e.g. for the title of a slide frame."""
    _ = translator(lang)
    head = f"{scenario}  \u00b7  " if scenario else ""
    return head + _(
        "month {month}/{horizon}  \u00b7  pressure {pressure}  \u00b7  founded {founded}"
        "  \u00b7  ended {ended}  \u00b7  renewals: {evolutionary} evolutionary,"
        " {revolutionary} revolutionary"
    ).format(
        month=figures.month,
        horizon=figures.horizon,
        pressure=f"{figures.pressure:.2f}",
        founded=figures.founded,
        ended=figures.dissolved,
        evolutionary=figures.evolutionary,
        revolutionary=figures.revolutionary,
    )


@dataclass
class Slide:
    """A 16:9 figure with the three panels, redrawn in place for each frame."""

    figure: Figure
    network: Axes
    counts: Axes
    pressure: Axes

    @classmethod
    def create(cls, dpi: int = 72) -> Slide:
        """A new 16 x 9 inch slide figure (``dpi`` 72: 1152 x 648 pixels)."""
        figure = Figure(figsize=(16.0, 9.0), dpi=dpi)
        left = figure.add_gridspec(1, 1, **_inches(figure, 0.1, 8.6, 1.3, 0.95))
        right = figure.add_gridspec(2, 1, hspace=0.42, **_inches(figure, 8.4, 3.4, 0.75, 0.95))
        return cls(
            figure,
            figure.add_subplot(left[0, 0]),
            figure.add_subplot(right[0, 0]),
            figure.add_subplot(right[1, 0]),
        )

    def draw(
        self,
        model: AllianceModel,
        layout: Layout,
        scenario: str | None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> None:
        """Draw the model as it is now, with every label in ``lang``."""
        for ax in (self.network, self.counts, self.pressure):
            ax.clear()
        figures = running_figures(model)
        series = history(model)
        draw_network(self.network, model, layout, lang)
        draw_phase_counts(self.counts, series, figures.horizon, lang=lang)
        draw_pressure(self.pressure, series, figures.horizon, figures.next_pressure, lang=lang)
        self.figure.suptitle(
            caption(figures, scenario, lang), fontsize=TICK_SIZE, fontweight="bold", y=0.985
        )
