"""The page component without a browser: rendered as widgets, as Jupyter shows it."""

from __future__ import annotations

import re

import ipyvuetify as v
import nbclient
import nbformat
import pytest
import solara
from solara.widgets import HTML

from simulation.app.app import AllianceApp, claims_html, cycle_html, figures_html
from simulation.app.views import PHASE_LABELS as PHASES_LIVING
from simulation.app.views import RunningFigures
from simulation.i18n import translator
from simulation.scenarios import SCENARIOS
from simulation.terms import CLAIMS


def figures_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="([\w-]+)-value">([^<]+)<', html))


def test_figures_html_shows_every_figure_and_a_pending_shock():
    figures = RunningFigures(
        month=12,
        horizon=240,
        pressure=0.3,
        next_pressure=0.7,
        founded=5,
        dissolved=2,
        evolutionary=1,
        revolutionary=0,
        allied_share=0.4,
        alliances={"forming": 3, "founding": 2, "evolving": 1, "transforming": 0},
    )
    html = figures_html(figures)
    assert figures_of(html) == {"month": "12", "pressure": "0.30", "founded": "5", "dissolved": "2"}
    assert 'data-testid="pressure-note"' in html and "0.70 next month" in html
    calm = figures_html(RunningFigures(**{**figures.__dict__, "next_pressure": 0.3}))
    assert "pressure-note" not in calm
    cycle = cycle_html(figures)
    assert figures_of(cycle) == {
        "alliances-forming": "3",
        "alliances-founding": "2",
        "alliances-evolving": "1",
        "alliances-transforming": "0",
        "evolutionary": "1",
        "revolutionary": "0",
    }


def test_ends_are_shown_by_outcome_in_the_lecturers_language():
    figures = RunningFigures(
        month=100,
        horizon=240,
        pressure=0.3,
        next_pressure=0.3,
        founded=9,
        dissolved=6,
        evolutionary=0,
        revolutionary=0,
        allied_share=0.4,
        alliances=dict.fromkeys(PHASES_LIVING, 0),
        outcomes={"success": 1, "intermediate": 2, "failure": 3},
        causes={"completed": 1, "absorbed": 1, "wound_down": 1, "lack_of_results": 3},
    )
    html = figures_html(figures, "es")
    kinds = re.findall(r"data-testid=\"ended-(\w+)\" style", html)
    assert kinds == ["success", "intermediate", "failure"]
    assert "éxito <b>1</b>" in html and "intermedio <b>2</b>" in html
    assert "fracaso <b>3</b>" in html and "Terminadas" in html
    assert "misión cumplida: 1" in html  # the causes, in the tile's tooltip


def test_claim_codes_carry_their_claim_in_the_language():
    html = claims_html("A shock (C20, C26).", "nl")
    assert html.count('class="alliances-claim"') == 2
    assert translator("nl")(CLAIMS["C20"]) in html
    assert claims_html("C99 is no claim") == "C99 is no claim"


@pytest.fixture
def rendered():
    _box, rc = solara.render(AllianceApp(scenario="stable"), handle_error=False)
    yield rc
    rc.close()


def button(rc, label: str):
    (found,) = [b for b in rc.find(v.Btn).widgets if label in b.children]
    return found


def shown_figures(rc) -> dict[str, str]:
    (tiles,) = [h for h in rc.find(HTML).widgets if 'data-testid="month"' in h.unsafe_innerHTML]
    return figures_of(tiles.unsafe_innerHTML)


def test_component_steps_and_shocks_as_widgets(rendered):
    assert shown_figures(rendered)["month"] == "0"
    assert shown_figures(rendered)["pressure"] == "0.05"
    button(rendered, "Step").fire_event("click", {})
    assert shown_figures(rendered)["month"] == "1"
    button(rendered, "Shock: pressure +0.4").fire_event("click", {})
    button(rendered, "Step").fire_event("click", {})
    assert shown_figures(rendered)["pressure"] == "0.45"
    button(rendered, "Reset").fire_event("click", {})
    assert shown_figures(rendered)["month"] == "0"


def test_component_offers_every_scenario(rendered):
    (select,) = rendered.find(v.Select).widgets
    assert select.items == list(SCENARIOS)
    assert select.v_model == "stable"
    select.v_model = "crisis"
    assert shown_figures(rendered)["pressure"] == "0.25"
    assert claims_html(SCENARIOS["crisis"].description) in [
        h.unsafe_innerHTML for h in rendered.find(HTML).widgets
    ]


def test_page_displays_in_a_jupyter_kernel():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from simulation.app.app import AllianceApp\nAllianceApp(scenario='stable')"
        )
    ]
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
