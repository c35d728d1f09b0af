"""The classroom page in headless Chromium, served by the real ``alliances demo``, offline.

Every request to a host other than this machine is blocked and recorded; each test fails
if the page needed one, if a local request failed, or if the console shows an error.
Set ``ALLIANCES_SCREENSHOT=docs/images/app.png`` to refresh the README's screenshot.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from PIL import Image

from simulation.scenarios import SCENARIOS

pytestmark = pytest.mark.browser


def figure(page, name: str) -> str:
    return page.inner_text(f"[data-testid={name}-value]").strip()


def wait_for_figure(page, name: str, expected: str) -> None:
    page.wait_for_function(
        "([name, expected]) => {"
        "  const el = document.querySelector(`[data-testid=${name}-value]`);"
        "  return el !== null && el.innerText.trim() === expected; }",
        arg=[name, expected],
    )


def button(page, name: str):
    return page.get_by_role("button", name=name)


def test_page_loads_offline_with_every_view(offline_page):
    page, guard = offline_page
    cycle = page.inner_text("[data-testid=cycle]")
    assert "forming" in cycle and "transforming" in cycle
    assert figure(page, "month") == "0"
    assert float(figure(page, "pressure")) == pytest.approx(0.3)
    # the three panels are images that the browser has decoded
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.alliances-panel img'))"
        ".filter(img => img.complete && img.naturalWidth > 300).length === 3"
    )
    for name in ("Play", "Step", "Reset", "Shock"):
        assert button(page, name).is_visible()
    picture = Image.open(io.BytesIO(page.screenshot()))
    assert len(picture.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50, "page is blank"
    guard.assert_clean()


def test_step_advances_the_model(offline_page):
    page, guard = offline_page
    counts_before = page.locator(".alliances-panel img").nth(1).get_attribute("src")
    button(page, "Step").click()
    wait_for_figure(page, "month", "1")
    button(page, "Step").click()
    wait_for_figure(page, "month", "2")
    counts_after = page.locator(".alliances-panel img").nth(1).get_attribute("src")
    assert counts_after != counts_before  # the panels were redrawn
    guard.assert_clean()


def test_shock_raises_the_shown_pressure(offline_page):
    page, guard = offline_page
    before = float(figure(page, "pressure"))
    button(page, "Shock").click()
    note = page.wait_for_selector("[data-testid=pressure-note]")
    announced = float(note.inner_text().split()[1])
    assert announced == pytest.approx(min(before + 0.4, 1.0))
    button(page, "Step").click()
    wait_for_figure(page, "month", "1")
    assert float(figure(page, "pressure")) == pytest.approx(announced)
    guard.assert_clean()


def test_play_runs_until_paused(offline_page):
    page, guard = offline_page
    button(page, "Play").click()
    page.wait_for_function(
        "Number(document.querySelector('[data-testid=month-value]').innerText) >= 3"
    )
    button(page, "Pause").click()
    button(page, "Play").wait_for()
    # the month being drawn when Pause was pressed still arrives (later on a busy machine)
    paused_at, deadline = figure(page, "month"), time.monotonic() + 15
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = figure(page, "month")
        if now == paused_at:
            break
        paused_at = now
    time.sleep(1.5)
    assert figure(page, "month") == paused_at
    guard.assert_clean()


def test_preset_sets_the_sliders_and_restarts(offline_page):
    page, guard = offline_page
    button(page, "Step").click()
    wait_for_figure(page, "month", "1")
    page.locator(".v-select").first.click()
    page.get_by_role("option", name="crisis").click()
    page.wait_for_function(
        "text => document.querySelector('[data-testid=scenario-description]').innerText === text",
        arg=SCENARIOS["crisis"].description,
    )
    wait_for_figure(page, "month", "0")
    assert page.inner_text(".alliances-slider-head >> nth=0").split() == ["Pressure", "0.25"]
    assert float(figure(page, "pressure")) == pytest.approx(0.25)
    guard.assert_clean()


def test_changed_settings_apply_on_reset(offline_page):
    page, guard = offline_page
    page.get_by_role("slider").first.focus()  # pressure
    page.keyboard.press("Home")  # to 0
    page.get_by_text("Press Reset to apply").wait_for()
    button(page, "Reset").click()
    page.get_by_text("Press Reset to apply").wait_for(state="detached")
    wait_for_figure(page, "pressure", "0.00")
    guard.assert_clean()


def test_screenshot_after_a_few_steps_and_a_shock(offline_page, tmp_path):
    page, guard = offline_page
    page.get_by_role("button", name="12").click()  # months per step
    for month in (12, 24, 36, 48, 60, 72):
        button(page, "Step").click()
        wait_for_figure(page, "month", str(month))
    button(page, "Shock").click()
    page.wait_for_selector("[data-testid=pressure-note]")
    page.get_by_role("button", name="1", exact=True).click()
    for month in (73, 74, 75):
        button(page, "Step").click()
        wait_for_figure(page, "month", str(month))
    target = Path(os.environ.get("ALLIANCES_SCREENSHOT") or tmp_path / "app.png")
    page.screenshot(path=str(target))
    with Image.open(target) as shot:
        assert shot.size == (1600, 1000)
    guard.assert_clean()
