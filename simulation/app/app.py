"""The classroom page: the alliance lifecycle live, readable from the back of a room.

A Solara page of our own, in the pattern of Mesa's ``SolaraViz`` (the model in the page's
state, Play as a background task, Step, Reset, parameter sliders), rather than
``SolaraViz`` itself, because in Mesa 3.5:

- ``import mesa.visualization`` imports Altair, which this project does not need;
- SolaraViz's Reset rebuilds the model as ``type(model)(**slider_values,
  scenario=mesa.experimental.scenarios.Scenario())`` (every ``mesa.Model`` has a
  ``scenario``), which ``AllianceModel`` rightly rejects as an unknown parameter;
- its sliders keep their own values, so a scenario preset cannot set them; and it has no
  place for a Shock button or for large type (its controls panel is for developers: play
  interval, render interval, threads, theme).

Run it with ``alliances demo`` (served locally, offline). In Jupyter::

    from simulation.app.app import AllianceApp
    AllianceApp(scenario="crisis")   # the last expression of a cell shows the page

Everything the page draws comes from ``simulation.app.views`` through a
``simulation.app.session.LiveRun``; the panels are PNG images made on the server, so the
browser needs no plotting library and the page works without internet.
"""

from __future__ import annotations

import os
import time

import solara
import solara.lab

from simulation.app.serve import SCENARIO_ENV
from simulation.app.session import SHUTTING_DOWN, LiveRun
from simulation.app.views import (
    CONTROLS,
    PHASE_COLOURS,
    PHASE_LABELS,
    SHOCK_COLOUR,
    SHOCK_MONTHS,
    SHOCK_SIZE,
    RunningFigures,
    control_values,
)
from simulation.errors import AllianceError
from simulation.scenarios import SCENARIOS

#: Months per frame offered while playing.
SPEEDS = ("1", "3", "6", "12")
#: Shortest time between two frames while playing, in seconds.
FRAME_SECONDS = 0.25

CSS = """
.alliances-app { font-size: 20px; color: #111; }
.alliances-app h1 { font-size: 34px; font-weight: 800; margin: 0 0 4px 0; line-height: 1.15; }
.alliances-app .alliances-subtitle { font-size: 20px; color: #333; }
.alliances-app .v-label, .alliances-app .v-select__selection,
.alliances-app .v-input input { font-size: 20px !important; color: #111 !important; }
.alliances-app .v-slider__thumb-label { font-size: 15px !important; }
.alliances-app .v-slider__track-fill { height: 6px !important; }
.alliances-app .v-slider__track-background { height: 6px !important; }
.alliances-app .v-btn { font-size: 21px !important; font-weight: 800 !important;
  text-transform: none !important; height: 54px !important; letter-spacing: 0 !important; }
.alliances-app .v-btn.alliances-shock { width: 100%; }
.alliances-app .v-btn-toggle .v-btn { height: 44px !important; min-width: 56px !important; }
.alliances-controls { padding-right: 12px; }
.alliances-controls .alliances-section { font-size: 17px; font-weight: 800;
  text-transform: uppercase; color: #333; margin-top: 14px; }
.alliances-hint { font-size: 16px; color: #333; margin-top: -14px; margin-bottom: 6px; }
.alliances-note { font-size: 18px; font-weight: 700; padding: 6px 10px; border-radius: 6px;
  background: #FFF3CD; border: 2px solid #8a6d00; }
.alliances-figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 4px 0; }
.alliances-figure { flex: 1 1 0; min-width: 112px; border: 3px solid #222; border-radius: 8px;
  padding: 4px 10px; background: #fff; }
.alliances-figure .label { font-size: 17px; font-weight: 700; color: #333; line-height: 1.15; }
.alliances-figure .value { font-size: 38px; font-weight: 800; line-height: 1.1; }
.alliances-figure .note { font-size: 17px; font-weight: 800; color: #CC3311; }
.alliances-figure.plain .note { color: #333; }
.alliances-figure.shock { border-color: #CC3311; background: #FFF0EC; }
.alliances-figure.phases { flex: 2 1 0; min-width: 220px; }
.alliances-figure.phases .phase { font-size: 18px; line-height: 1.25; white-space: nowrap; }
.alliances-figure.phases .phase span { font-size: 20px; }
.alliances-app .col, .alliances-panel { min-width: 0; }
.alliances-panel img { width: 100%; max-width: 100%; height: auto; display: block; }
.alliances-app h1 .glyph { font-size: 28px; }
"""


#: The network's marker shapes as text, so the tiles match the panel in shape and colour.
PHASE_GLYPHS = ("&#9679;", "&#9632;", "&#9670;", "&#9650;")


#: The page's heading: the four phases, each with its glyph and colour as in the panels.
TITLE_HTML = " &rarr; ".join(
    f'<span class="glyph" style="color:{colour}">{glyph}</span>&nbsp;{label}'
    for label, colour, glyph in zip(PHASE_LABELS, PHASE_COLOURS, PHASE_GLYPHS, strict=True)
)


def figures_html(figures: RunningFigures) -> str:
    """The running figures as HTML tiles, each with a ``data-testid`` for the browser tests."""

    def tile(testid: str, label: str, value: str, note: str = "", extra: str = "") -> str:
        note_html = f'<div class="note" data-testid="{testid}-note">{note}</div>' if note else ""
        return (
            f'<div class="alliances-figure {extra}" data-testid="{testid}">'
            f'<div class="label">{label}</div>'
            f'<div class="value" data-testid="{testid}-value">{value}</div>'
            f"{note_html}</div>"
        )

    pressure_note = ""
    if figures.shock_pending:
        pressure_note = f"&#9650; {figures.next_pressure:.2f} next month"
    phases = "".join(
        f'<div class="phase" data-testid="alliances-{label}">'
        f'<span style="color:{colour}">{glyph}</span> {label} <b>{figures.alliances[label]}</b>'
        f"</div>"
        for label, colour, glyph in zip(PHASE_LABELS, PHASE_COLOURS, PHASE_GLYPHS, strict=True)
    )
    return "".join(
        [
            tile("month", "Month", f"{figures.month}", f"of {figures.horizon}", "plain"),
            tile(
                "pressure",
                "Pressure",
                f"{figures.pressure:.2f}",
                pressure_note,
                "shock" if figures.shock_pending else "",
            ),
            tile("founded", "Founded", f"{figures.founded}"),
            tile("dissolved", "Dissolved", f"{figures.dissolved}"),
            tile("evolutionary", "Renewals:<br>evolutionary", f"{figures.evolutionary}"),
            tile("revolutionary", "Renewals:<br>revolutionary", f"{figures.revolutionary}"),
            f'<div class="alliances-figure phases" data-testid="alliances">'
            f'<div class="label">Alliances now</div>{phases}</div>',
        ]
    )


@solara.component
def AllianceApp(scenario: str = "default", seed: int = 0):
    """The whole classroom page: controls on the left, figures and panels on the right.

    Args:
        scenario: the preset to start with (see ``alliances scenarios``).
        seed: the seed of the first run.
    """
    scenario_name = solara.use_reactive(scenario)
    settings = solara.use_reactive(control_values(scenario))
    seed_value = solara.use_reactive(seed)
    run = solara.use_memo(lambda: LiveRun(scenario, control_values(scenario), seed), [])
    # The panels are drawn where the state changes (a click, the play loop), never while
    # rendering: a render must stay cheap, because the play loop changes the state again
    # while another thread may still be rendering the last change.
    frame = solara.use_reactive(solara.use_memo(run.snapshot, []))
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(SPEEDS[0])
    error = solara.use_reactive("")

    def play_loop() -> None:
        while playing.value and not SHUTTING_DOWN.is_set():
            started = time.monotonic()
            done = run.step(int(speed.value))
            if SHUTTING_DOWN.is_set():
                return
            frame.set(run.snapshot())
            if done == 0 or not run.running:
                playing.set(False)
                return
            time.sleep(max(0.0, FRAME_SECONDS - (time.monotonic() - started)))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def restart(name: str, values: dict[str, float], seed_: int) -> None:
        playing.set(False)
        try:
            run.reset(name, values, seed_)
        except AllianceError as exc:
            error.set(str(exc))
            return
        error.set("")
        frame.set(run.snapshot())

    def choose_scenario(name: str) -> None:
        values = control_values(name)
        scenario_name.set(name)
        settings.set(values)
        restart(name, values, seed_value.value)

    def step() -> None:
        run.step(int(speed.value))
        frame.set(run.snapshot())

    def shock() -> None:
        run.shock()
        if not playing.value:  # while playing, the next frame shows it
            frame.set(run.snapshot())

    snapshot = frame.value
    pending = (
        settings.value != run.settings
        or scenario_name.value != run.scenario
        or seed_value.value != run.seed
    )

    solara.Title("Alliance lifecycle")
    solara.Style(CSS)
    with solara.Columns([1, 3], classes=["alliances-app"]):
        with solara.Column(classes=["alliances-controls"]):
            solara.Select(
                "Scenario",
                values=list(SCENARIOS),
                value=scenario_name.value,
                on_value=choose_scenario,
            )
            solara.Text(
                SCENARIOS[scenario_name.value].description,
                classes=["alliances-hint"],
                style={"margin-top": "-10px"},
            )
            with solara.Row(gap="8px"):
                solara.Button(
                    "Pause" if playing.value else "Play",
                    icon_name="mdi-pause" if playing.value else "mdi-play",
                    color="primary",
                    on_click=lambda: playing.set(not playing.value),
                    disabled=not snapshot.running and not playing.value,
                )
                solara.Button(
                    "Step",
                    icon_name="mdi-step-forward",
                    color="primary",
                    outlined=True,
                    on_click=step,
                    disabled=playing.value or not snapshot.running,
                )
                solara.Button(
                    "Reset",
                    icon_name="mdi-restart",
                    color="warning" if pending else "primary",
                    outlined=not pending,
                    on_click=lambda: restart(scenario_name.value, settings.value, seed_value.value),
                )
            solara.Button(
                f"Shock: pressure +{SHOCK_SIZE:.1f}",
                icon_name="mdi-flash",
                color=SHOCK_COLOUR,
                dark=True,
                on_click=shock,
                disabled=not snapshot.running,
                classes=["alliances-shock"],
                style={"margin-top": "10px"},
            )
            solara.Text(
                f"raises pressure from next month, for {SHOCK_MONTHS} months",
                classes=["alliances-hint"],
                style={"margin-top": "2px"},
            )
            solara.Text("Months per step", classes=["alliances-section"])
            solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS))
            if pending:
                solara.Text("Press Reset to apply the new settings", classes=["alliances-note"])
            if error.value:
                solara.Error(error.value)
            solara.Text("Settings (apply on Reset)", classes=["alliances-section"])
            for control in CONTROLS:
                value = settings.value[control.name]

                def set_value(new, name=control.name, is_int=control.is_int):
                    settings.set({**settings.value, name: int(new) if is_int else float(new)})

                label = f"{control.label}: {value:g}"
                if control.is_int:
                    solara.SliderInt(
                        label,
                        value=int(value),
                        min=int(control.low),
                        max=int(control.high),
                        step=int(control.step),
                        on_value=set_value,
                    )
                else:
                    solara.SliderFloat(
                        label,
                        value=float(value),
                        min=control.low,
                        max=control.high,
                        step=control.step,
                        on_value=set_value,
                    )
                solara.Text(control.hint, classes=["alliances-hint"])
            solara.InputInt("Seed", value=seed_value)
        with solara.Column():
            solara.HTML(tag="h1", unsafe_innerHTML=TITLE_HTML)
            solara.HTML(
                tag="div",
                unsafe_innerHTML=figures_html(snapshot.figures),
                classes=["alliances-figures"],
            )
            with solara.Columns([1, 1]):
                with solara.Column(classes=["alliances-panel"]):
                    solara.Image(snapshot.network, format="png", width="100%")
                with solara.Column(classes=["alliances-panel"]):
                    solara.Image(snapshot.counts, format="png", width="100%")
                    solara.Image(snapshot.pressure, format="png", width="100%")


@solara.component
def Page():
    """The page ``alliances demo`` serves (the scenario comes from ``ALLIANCES_SCENARIO``)."""
    AllianceApp(scenario=os.environ.get(SCENARIO_ENV, "default"))
