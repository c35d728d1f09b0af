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

Projector-proof: the layout is a CSS grid that needs no horizontal scrolling from 680 to
1920 CSS pixels wide (1024 x 768 at 150% zoom to full HD), with every control on screen at
1280 x 800, body type of at least 16 px and text boxes that never overlap (checked in
Chromium by ``tests/app/test_browser_layout.py``). The lifecycle is drawn as a cycle with
one sentence per phase; claim codes (C20) show their claim on hover or keyboard focus.

In the lecturer's language: every word goes through ``simulation.i18n`` (``en``, ``nl``,
``es``), the switch at the top right changes it, ``alliances demo --lang`` sets the first.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Callable

import solara
import solara.lab

from simulation.app.serve import LANG_ENV, SCENARIO_ENV
from simulation.app.session import SHUTTING_DOWN, LiveRun
from simulation.app.views import (
    CONTROLS,
    PHASE_COLOURS,
    PHASE_LABELS,
    SHOCK_COLOUR,
    RunningFigures,
    control_values,
)
from simulation.environment import SHOCK_MONTHS, SHOCK_SIZE
from simulation.errors import AllianceError
from simulation.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from simulation.scenarios import SCENARIOS
from simulation.terms import (
    CLAIMS,
    END_CAUSES,
    END_OUTCOMES,
    PHASE_SENTENCES,
    PHASES,
    RENEWAL_SENTENCES,
    RENEWALS,
)

#: Months per frame offered while playing.
SPEEDS = ("1", "3", "6", "12")
#: Shortest time between two frames while playing, in seconds.
FRAME_SECONDS = 0.25
#: Below this width (CSS pixels) the settings move under the views.
NARROW_PX = 900

_CSS = """
.alliances-app { font-size: 18px; color: #111; line-height: 1.3; max-width: 100%;
  overflow-wrap: break-word; padding: 8px 14px; }
.alliances-app * { box-sizing: border-box; }
.alliances-top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 20px;
  justify-content: space-between; }
.alliances-app h1 { font-size: 32px; font-weight: 800; margin: 0; line-height: 1.15; }
.alliances-lang { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.alliances-lang .alliances-lang-label { font-size: 16px; font-weight: 700; color: #333; }
.alliances-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 10px;
  margin: 20px 0 4px 0; }
.alliances-toolbar .alliances-scenario { flex: 0 1 230px; min-width: 190px; }
.alliances-toolbar .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.alliances-toolbar .v-text-field__details { display: none; }
.alliances-app .v-label, .alliances-app .v-select__selection,
.alliances-app .v-input input { font-size: 18px !important; color: #111 !important; }
.alliances-app .v-label--active { transform: translateY(-20px) scale(0.9) !important; }

.alliances-app .v-select__selection { line-height: 1.3 !important; }
.alliances-app .v-btn { font-size: 19px !important; font-weight: 800 !important;
  text-transform: none !important; height: 48px !important; letter-spacing: 0 !important;
  padding: 0 14px !important; }
.alliances-app .v-btn-toggle .v-btn { height: 44px !important; min-width: 50px !important;
  padding: 0 10px !important; }
.alliances-speed { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.alliances-label { font-size: 16px; font-weight: 700; color: #333; line-height: 1.2; }
.alliances-shock-group { display: flex; align-items: center; gap: 8px; }
.alliances-shock-hint { font-size: 16px; color: #333; max-width: 15em; line-height: 1.2; }
.alliances-body { display: grid; grid-template-columns: minmax(280px, 340px) minmax(0, 1fr);
  grid-template-areas: "settings main"; gap: 6px 22px; align-items: start; }
.alliances-settings { grid-area: settings; min-width: 0; }
.alliances-main { grid-area: main; min-width: 0; }
.alliances-section { font-size: 17px; font-weight: 800; text-transform: uppercase;
  color: #333; margin: 8px 0 2px 0; }
.alliances-description { font-size: 17px; color: #222; margin: 2px 0 4px 0; }
.alliances-note { display: block; font-size: 17px; font-weight: 700; padding: 4px 10px;
  border-radius: 6px;
  background: #FFF3CD; border: 2px solid #8a6d00; margin: 4px 0; }
.alliances-slider { margin: 0; }
.alliances-slider-head { display: flex; flex-wrap: wrap; gap: 0 8px; align-items: baseline; }
.alliances-slider-head .name { font-size: 18px; font-weight: 700; }
.alliances-slider-head .value { font-size: 18px; font-weight: 800; }
.alliances-slider-hint { font-size: 16px; color: #333; line-height: 1.2; }
.alliances-slider .v-input { margin-top: 0 !important; padding-top: 0 !important; }
.alliances-slider .v-input__slot { margin-bottom: 0 !important; min-height: 28px !important; }
.alliances-slider .v-messages, .alliances-slider .v-text-field__details { display: none; }
.alliances-slider .v-slider__thumb-label { font-size: 16px !important; }
.alliances-slider .v-slider__track-fill, .alliances-slider .v-slider__track-background {
  height: 6px !important; }
.alliances-seed { flex: 0 0 8.5em; max-width: 8.5em; }
.alliances-slider-hint, .alliances-description { position: relative; }
.alliances-claim { font-weight: 800; text-decoration: underline dotted; cursor: help;
  white-space: nowrap; }
.alliances-claim .alliances-claim-tip { display: none; position: absolute; z-index: 20;
  left: 0; right: 0; top: 100%; white-space: normal; font-size: 17px;
  font-weight: 600; background: #111; color: #fff; padding: 6px 10px; border-radius: 6px; }
.alliances-claim:hover .alliances-claim-tip, .alliances-claim:focus .alliances-claim-tip {
  display: block; }
.alliances-cycle { display: grid; gap: 2px 6px; margin: 4px 0 6px 0;
  grid-template-columns: minmax(0, 1fr) minmax(90px, 0.55fr) minmax(0, 1fr); }
.alliances-phase { border: 3px solid #222; border-radius: 10px; padding: 4px 10px;
  background: #fff; min-width: 0; }
.alliances-phase .head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.alliances-phase .glyph { font-size: 22px; }
.alliances-phase .name { font-size: 21px; font-weight: 800; }
.alliances-phase .count { font-size: 28px; font-weight: 800; margin-left: auto; }
.alliances-phase .sentence { font-size: 16px; color: #222; line-height: 1.2; }
.alliances-arrow { display: flex; flex-direction: column; align-items: center;
  justify-content: center; text-align: center; min-width: 0; font-size: 16px; color: #222; }
.alliances-arrow svg { display: block; flex: none; }
.alliances-arrow.vertical { flex-direction: row; gap: 8px; justify-content: flex-start;
  padding: 0 10px; }
.alliances-arrow.vertical.down { justify-content: flex-end; }
.alliances-arrow .renewal { font-weight: 700; line-height: 1.15; }
.alliances-arrow .renewal b { font-size: 22px; }
.alliances-arrow .renewal .why { font-weight: 400; display: block; }
.alliances-figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0; }
.alliances-figure { flex: 1 1 0; min-width: 130px; border: 3px solid #222; border-radius: 8px;
  padding: 2px 10px; background: #fff; }
.alliances-figure .label { font-size: 17px; font-weight: 700; color: #333; line-height: 1.15; }
.alliances-figure .value { font-size: 34px; font-weight: 800; line-height: 1.1; }
.alliances-figure .note { font-size: 17px; font-weight: 800; color: #CC3311; }
.alliances-figure.plain .note { color: #333; }
.alliances-figure.shock { border-color: #CC3311; background: #FFF0EC; }
.alliances-figure.ends { flex: 2 1 0; min-width: 240px; }
.alliances-figure.ends .outcomes { font-size: 17px; line-height: 1.25; }
.alliances-panels { display: grid; gap: 10px;
  grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); }
.alliances-panel { min-width: 0; }
.alliances-panel img { width: 100%; max-width: 100%; height: auto; display: block; }
"""


def scaled(css: str) -> str:
    """``css`` with every length in px multiplied by the variable ``--s`` (the type scale)."""
    return re.sub(r"(?<![\w.-])(\d+(?:\.\d+)?)px", r"calc(var(--s) * \1px)", css)


#: Type and spacing grow by a quarter on wide screens (full HD), so the back row can read.
CSS = (
    ".alliances-app { --s: 1; }\n"
    "@media (min-width: 1600px) { .alliances-app { --s: 1.25; } }\n"
    + scaled(_CSS)
    + f"@media (max-width: {NARROW_PX - 1}px) {{\n"
    + scaled(
        ".alliances-body { grid-template-columns: minmax(0, 1fr);\n"
        '  grid-template-areas: "main" "settings"; }\n'
        ".alliances-settings .alliances-sliders { display: grid;\n"
        "  grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 0 22px; }\n"
    )
    + "}\n"
)

#: The network's marker shapes as text, so the tiles match the panel in shape and colour.
PHASE_GLYPHS = ("&#9679;", "&#9632;", "&#9670;", "&#9650;")
#: Marks for the outcomes of ends, so they differ in more than colour.
OUTCOME_MARKS = {"success": "&#10003;", "intermediate": "&#9675;", "failure": "&#10007;"}
OUTCOME_COLOURS = {"success": "#117733", "intermediate": "#555555", "failure": "#CC3311"}
_CLAIM = re.compile(r"\bC(\d{1,2})\b")


def claims_html(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``text`` as HTML with each claim code (C20) explained on hover or focus.

    The explanation drops below the line it is in, as wide as that line's box (the slider
    hint or the scenario description), so it never runs out of the window.
    """
    _ = translator(lang)

    def explain(match: re.Match) -> str:
        code = match.group(0)
        if code not in CLAIMS:
            return code
        claim = html.escape(f"{code}: {_(CLAIMS[code])}")
        return (
            f'<span class="alliances-claim" tabindex="0" data-testid="claim-{code}" '
            f'aria-label="{claim}">{code}<span class="alliances-claim-tip" role="tooltip">'
            f"{claim}</span></span>"
        )

    return _CLAIM.sub(explain, html.escape(text))


def _arrow(direction: str, colour: str = "#222222", length: int = 64) -> str:
    """An SVG arrow pointing ``right``, ``left``, ``up`` or ``down``."""
    horizontal = direction in ("right", "left")
    width, height = (length, 18) if horizontal else (18, length)
    if horizontal:
        x0, x1 = (2, length - 2) if direction == "right" else (length - 2, 2)
        tip = x1 - 12 if direction == "right" else x1 + 12
        line = f'<line x1="{x0}" y1="9" x2="{x1}" y2="9"/>'
        head = f'<polyline points="{tip},2 {x1},9 {tip},16" fill="none"/>'
    else:
        y0, y1 = (length - 2, 2) if direction == "up" else (2, length - 2)
        tip = y1 + 12 if direction == "up" else y1 - 12
        line = f'<line x1="9" y1="{y0}" x2="9" y2="{y1}"/>'
        head = f'<polyline points="2,{tip} 9,{y1} 16,{tip}" fill="none"/>'
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'stroke="{colour}" stroke-width="4" stroke-linecap="round" aria-hidden="true">'
        f"{line}{head}</svg>"
    )


def cycle_html(figures: RunningFigures, lang: str = DEFAULT_LANGUAGE) -> str:
    """The lifecycle as a cycle: four phases clockwise, each with its count and a sentence.

    forming -> founding (top row), founding -> evolving (right), evolving -> transforming
    (bottom row, right to left), and the two renewals out of transforming: evolutionary back
    to evolving, revolutionary back to forming (up the left side), which closes the cycle.
    """
    _ = translator(lang)
    cells = {"forming": (1, 1), "founding": (1, 3), "evolving": (3, 3), "transforming": (3, 1)}
    parts = []
    for label, colour, glyph in zip(PHASE_LABELS, PHASE_COLOURS, PHASE_GLYPHS, strict=True):
        row, column = cells[label]
        parts.append(
            f'<div class="alliances-phase" data-testid="alliances-{label}" '
            f'style="grid-row:{row};grid-column:{column};border-color:{colour}">'
            f'<div class="head"><span class="glyph" style="color:{colour}">{glyph}</span>'
            f'<span class="name">{html.escape(_(PHASES[label]))}</span>'
            f'<span class="count" data-testid="alliances-{label}-value">'
            f"{figures.alliances[label]}</span></div>"
            f'<div class="sentence">{html.escape(_(PHASE_SENTENCES[label]))}</div></div>'
        )

    def renewal(kind: str, count: int) -> str:
        return (
            f'<span class="renewal" data-testid="{kind}">{html.escape(_(RENEWALS[kind]))}: '
            f'<b data-testid="{kind}-value">{count}</b>'
            f'<span class="why">{html.escape(_(RENEWAL_SENTENCES[kind]))}</span></span>'
        )

    red = PHASE_COLOURS[3]
    parts += [
        f'<div class="alliances-arrow" style="grid-row:1;grid-column:2">{_arrow("right")}</div>',
        f'<div class="alliances-arrow vertical down" style="grid-row:2;grid-column:3">'
        f"{_arrow('down', length=34)}</div>",
        f'<div class="alliances-arrow" style="grid-row:3;grid-column:2">{_arrow("left")}'
        f"{_arrow('right', red)}{renewal('evolutionary', figures.evolutionary)}</div>",
        f'<div class="alliances-arrow vertical" style="grid-row:2;grid-column:1 / span 2">'
        f"{_arrow('up', red, length=34)}{renewal('revolutionary', figures.revolutionary)}</div>",
    ]
    return (
        f'<div class="alliances-cycle" data-testid="cycle" role="img" '
        f'aria-label="{html.escape(_("The lifecycle of an alliance"))}">{"".join(parts)}</div>'
    )


def figures_html(figures: RunningFigures, lang: str = DEFAULT_LANGUAGE) -> str:
    """The running figures as HTML tiles, each with a ``data-testid`` for the browser tests."""
    _ = translator(lang)

    def tile(testid: str, label: str, value: str, note: str = "", extra: str = "") -> str:
        note_html = f'<div class="note" data-testid="{testid}-note">{note}</div>' if note else ""
        return (
            f'<div class="alliances-figure {extra}" data-testid="{testid}">'
            f'<div class="label">{html.escape(label)}</div>'
            f'<div class="value" data-testid="{testid}-value">{value}</div>'
            f"{note_html}</div>"
        )

    pressure_note = ""
    if figures.shock_pending:
        pressure_note = "&#9650; " + html.escape(
            _("{pressure} next month").format(pressure=f"{figures.next_pressure:.2f}")
        )
    outcomes = " &middot; ".join(
        f'<span data-testid="ended-{kind}" style="color:{OUTCOME_COLOURS[kind]};'
        f'white-space:nowrap">'
        f"{OUTCOME_MARKS[kind]} {html.escape(_(label))} <b>{figures.outcomes.get(kind, 0)}</b>"
        f"</span>"
        for kind, label in END_OUTCOMES.items()
    )
    causes = "; ".join(
        f"{_(END_CAUSES.get(cause, cause))}: {n}" for cause, n in sorted(figures.causes.items())
    )
    ends = (
        f'<div class="alliances-figure ends" data-testid="dissolved" '
        f'title="{html.escape(causes)}">'
        f'<div class="label">{html.escape(_("Ended"))}</div>'
        f'<div class="value" data-testid="dissolved-value">{figures.dissolved}</div>'
        f'<div class="outcomes" data-testid="ended-outcomes">{outcomes}</div></div>'
    )
    return "".join(
        [
            tile(
                "month",
                _("Month"),
                f"{figures.month}",
                html.escape(_("of {horizon}").format(horizon=figures.horizon)),
                "plain",
            ),
            tile(
                "pressure",
                _("Pressure"),
                f"{figures.pressure:.2f}",
                pressure_note,
                "shock" if figures.shock_pending else "",
            ),
            tile("founded", _("Founded"), f"{figures.founded}"),
            ends,
        ]
    )


@solara.component
def Slider(
    label: str,
    hint: str,
    value: float,
    low: float,
    high: float,
    step: float,
    is_int: bool,
    on_value: Callable[[float], None],
    lang: str,
):
    """A slider with its name and value above it and a one-line hint (claim codes explained).

    The slider's own label is left empty: Vuetify puts it beside the track, which squeezes
    the track to nothing in a narrow column.
    """
    with solara.Column(gap="0px", classes=["alliances-slider"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f'<span class="name">{html.escape(label)}</span>'
                f'<span class="value">{value:g}</span>'
            ),
            classes=["alliances-slider-head"],
        )
        solara.HTML(
            tag="div", unsafe_innerHTML=claims_html(hint, lang), classes=["alliances-slider-hint"]
        )
        if is_int:
            solara.SliderInt(
                "", value=int(value), min=int(low), max=int(high), step=int(step), on_value=on_value
            )
        else:
            solara.SliderFloat(
                "", value=float(value), min=low, max=high, step=step, on_value=on_value
            )


@solara.component
def AllianceApp(scenario: str = "default", seed: int = 0, lang: str = DEFAULT_LANGUAGE):
    """The whole classroom page: title and language, controls, the cycle, figures, panels.

    Args:
        scenario: the preset to start with (see ``alliances scenarios``).
        seed: the seed of the first run.
        lang: the language to start in (``en``, ``nl`` or ``es``); the page can switch.
    """
    language = solara.use_reactive(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    scenario_name = solara.use_reactive(scenario)
    settings = solara.use_reactive(control_values(scenario))
    seed_value = solara.use_reactive(seed)
    run = solara.use_memo(lambda: LiveRun(scenario, control_values(scenario), seed), [])
    # The panels are drawn where the state changes (a click, the play loop), never while
    # rendering: a render must stay cheap, because the play loop changes the state again
    # while another thread may still be rendering the last change.
    frame = solara.use_reactive(solara.use_memo(lambda: run.snapshot(lang=language.value), []))
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(SPEEDS[0])
    error = solara.use_reactive("")
    _ = translator(language.value)

    def draw() -> None:
        frame.set(run.snapshot(lang=language.value))

    def play_loop() -> None:
        while playing.value and not SHUTTING_DOWN.is_set():
            started = time.monotonic()
            done = run.step(int(speed.value))
            if SHUTTING_DOWN.is_set():
                return
            draw()
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
        draw()

    def choose_scenario(name: str) -> None:
        values = control_values(name)
        scenario_name.set(name)
        settings.set(values)
        restart(name, values, seed_value.value)

    def choose_language(code: str) -> None:
        language.set(code.lower())
        if not playing.value:  # while playing, the next frame is drawn in the new language
            draw()

    def step() -> None:
        run.step(int(speed.value))
        draw()

    def shock() -> None:
        run.shock()
        if not playing.value:  # while playing, the next frame shows it
            draw()

    snapshot = frame.value
    pending = (
        settings.value != run.settings
        or scenario_name.value != run.scenario
        or seed_value.value != run.seed
    )

    solara.Title(_("Alliance lifecycle"))
    solara.Style(CSS)
    with solara.Column(gap="0px", classes=["alliances-app"]):
        with solara.Div(classes=["alliances-top"]):
            solara.HTML(tag="h1", unsafe_innerHTML=html.escape(_("The lifecycle of alliances")))
            with solara.Div(classes=["alliances-lang"]):
                solara.Text(_("Language"), classes=["alliances-lang-label"])
                solara.ToggleButtonsSingle(
                    value=language.value.upper(),
                    values=[code.upper() for code in LANGUAGES],
                    on_value=choose_language,
                    classes=["alliances-lang-switch"],
                )
        with solara.Div(classes=["alliances-toolbar"]):
            solara.Select(
                _("Scenario"),
                values=list(SCENARIOS),
                value=scenario_name.value,
                on_value=choose_scenario,
                classes=["alliances-scenario"],
            )
            solara.Button(
                _("Pause") if playing.value else _("Play"),
                icon_name="mdi-pause" if playing.value else "mdi-play",
                color="primary",
                on_click=lambda: playing.set(not playing.value),
                disabled=not snapshot.running and not playing.value,
                classes=["alliances-play"],
            )
            solara.Button(
                _("Step"),
                icon_name="mdi-step-forward",
                color="primary",
                outlined=True,
                on_click=step,
                disabled=playing.value or not snapshot.running,
                classes=["alliances-step"],
            )
            solara.Button(
                _("Reset"),
                icon_name="mdi-restart",
                color="warning" if pending else "primary",
                outlined=not pending,
                on_click=lambda: restart(scenario_name.value, settings.value, seed_value.value),
                classes=["alliances-reset"],
            )
            with solara.Div(classes=["alliances-shock-group"]):
                solara.Button(
                    _("Shock: pressure +{size}").format(size=f"{SHOCK_SIZE:.1f}"),
                    icon_name="mdi-flash",
                    color=SHOCK_COLOUR,
                    dark=True,
                    on_click=shock,
                    disabled=not snapshot.running,
                    classes=["alliances-shock"],
                )
                solara.Text(
                    _("from next month, for {months} months").format(months=SHOCK_MONTHS),
                    classes=["alliances-shock-hint"],
                )
            with solara.Div(classes=["alliances-speed"]):
                solara.Text(_("Months per step"), classes=["alliances-label"])
                solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS))
            solara.InputInt(_("Seed"), value=seed_value, classes=["alliances-seed"])
        with solara.Div(classes=["alliances-body"]):
            with solara.Div(classes=["alliances-settings"]):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=claims_html(
                        _(SCENARIOS[scenario_name.value].description), language.value
                    ),
                    classes=["alliances-description"],
                    attributes={"data-testid": "scenario-description"},
                )
                if pending:  # in place of the heading, so the sliders do not move down
                    solara.Text(
                        _("Press Reset to apply the new settings"), classes=["alliances-note"]
                    )
                else:
                    solara.Text(_("Settings (apply on Reset)"), classes=["alliances-section"])
                if error.value:
                    solara.Error(error.value)
                with solara.Div(classes=["alliances-sliders"]):
                    for control in CONTROLS:

                        def set_value(new, name=control.name, is_int=control.is_int):
                            settings.set(
                                {**settings.value, name: int(new) if is_int else float(new)}
                            )

                        Slider(
                            _(control.label),
                            _(control.hint),
                            settings.value[control.name],
                            control.low,
                            control.high,
                            control.step,
                            control.is_int,
                            set_value,
                            language.value,
                        )
            with solara.Div(classes=["alliances-main"]):
                solara.HTML(
                    tag="div", unsafe_innerHTML=cycle_html(snapshot.figures, language.value)
                )
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=figures_html(snapshot.figures, language.value),
                    classes=["alliances-figures"],
                )
                with solara.Div(classes=["alliances-panels"]):
                    with solara.Div(classes=["alliances-panel"]):
                        solara.Image(snapshot.network, format="png", width="100%")
                    with solara.Div(classes=["alliances-panel"]):
                        solara.Image(snapshot.counts, format="png", width="100%")
                        solara.Image(snapshot.pressure, format="png", width="100%")


@solara.component
def Page():
    """The page ``alliances demo`` serves (scenario and language from the environment)."""
    AllianceApp(
        scenario=os.environ.get(SCENARIO_ENV, "default"),
        lang=os.environ.get(LANG_ENV, DEFAULT_LANGUAGE),
    )
