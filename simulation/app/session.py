"""One live run behind the classroom page: the model, its layout, and the controls' actions.

The page's buttons call these methods and then redraw; the play loop calls ``step`` from a
thread while the page may redraw from another, so every read and write of the model goes
through one lock. Nothing here knows about Solara, so the controls can be tested without a
browser.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from simulation.app.views import (
    Layout,
    RunningFigures,
    model_layout,
    network_figure,
    new_model,
    phase_counts_figure,
    pressure_figure,
    running_figures,
)
from simulation.environment import SHOCK_MONTHS, SHOCK_SIZE
from simulation.i18n import DEFAULT_LANGUAGE
from simulation.model import AllianceModel

#: Resolution of the page's panels (pixels per inch of the figure sizes in ``views``).
PAGE_DPI = 100
#: Set when the server shuts down: every run stops stepping, so play loops end at once.
SHUTTING_DOWN = threading.Event()


@dataclass(frozen=True, eq=False)
class Snapshot:
    """What the page shows at one moment: the running figures and the three panels as PNG.

    Attributes:
        figures: the running figures.
        network: the network panel, PNG bytes.
        counts: the alliances-per-phase panel, PNG bytes.
        pressure: the pressure panel, PNG bytes.
        running: whether the run can go on (it stops at its horizon).

    Snapshots compare by identity: each one is a new frame, even if it looks the same.
    """

    figures: RunningFigures
    network: bytes
    counts: bytes
    pressure: bytes
    running: bool


def png(figure: Figure, dpi: int = PAGE_DPI) -> bytes:
    """The figure as PNG bytes, made for speed (the page redraws it every frame).

    Drawing on an Agg canvas and letting Pillow encode with light compression takes about
    half the time of ``savefig``.
    """
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@dataclass
class LiveRun:
    """A model the page drives: reset with a scenario and settings, step, shock, draw.

    Attributes:
        scenario: the scenario the model was built from.
        settings: the slider values the model was built with.
        seed: the seed the model was built with.
        model: the model (replaced on reset).
        layout: where the network panel draws each organisation (computed on reset).
        generation: counts resets, so the page can tell a new run from a stepped one.
    """

    scenario: str = "default"
    settings: dict[str, float] = field(default_factory=dict)
    seed: int = 0
    model: AllianceModel = field(init=False)
    layout: Layout = field(init=False)
    generation: int = field(default=0, init=False)
    lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.reset(self.scenario, self.settings, self.seed)
        self.generation = 0

    def reset(self, scenario: str, settings: dict[str, float], seed: int) -> None:
        """Start a new run; raises ``ParameterError`` (and keeps the old run) if invalid."""
        model = new_model(scenario, settings, seed)
        layout = model_layout(model)
        with self.lock:
            self.scenario, self.settings, self.seed = scenario, dict(settings), seed
            self.model, self.layout = model, layout
            self.generation += 1

    @property
    def running(self) -> bool:
        """Whether the run has months left."""
        return bool(self.model.running)

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return int(self.model.steps)

    def step(self, months: int = 1) -> int:
        """Advance up to ``months`` months (never past the horizon); return months done."""
        done = 0
        with self.lock:
            while done < months and self.model.running and not SHUTTING_DOWN.is_set():
                self.model.step()
                done += 1
        return done

    def shock(self, size: float = SHOCK_SIZE, months: int = SHOCK_MONTHS) -> float:
        """Raise pressure by ``size`` from next month on for ``months``; return next month's."""
        with self.lock:
            self.model.shock(size=size, duration=months)
            return running_figures(self.model).next_pressure

    def figures(self) -> RunningFigures:
        """The running figures now."""
        with self.lock:
            return running_figures(self.model)

    def snapshot(self, dpi: int = PAGE_DPI, lang: str = DEFAULT_LANGUAGE) -> Snapshot:
        """Draw the three panels as they are now, labelled in ``lang``."""
        with self.lock:
            figures = running_figures(self.model)
            panels = (
                network_figure(self.model, self.layout, lang),
                phase_counts_figure(self.model, lang),
                pressure_figure(self.model, lang),
            )
            running = self.running
        # the figures hold copies of the arrays, so saving them needs no lock
        network, counts, pressure = (png(panel, dpi) for panel in panels)
        return Snapshot(figures, network, counts, pressure, running)
