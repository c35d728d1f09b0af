"""The classroom in headless Chromium: the lecturer's screen and several students, offline.

A real ``alliances classroom`` server; every page is guarded (no request leaves this
machine, no local request fails, no console error).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def eventually(page, expression: str, seconds: float = 10.0) -> bool:
    """Poll ``expression`` (the strict CSP forbids Playwright's wait_for_function)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(expression):
            return True
        time.sleep(0.1)
    return False


def by_id(page, name: str):
    return page.locator(f"[data-testid={name}]")


def lecturer_page(pages, classroom, **size):
    page = pages(f"{classroom.lecturer_url}#{classroom.token}", **size)
    by_id(page, "code").filter(has_text=classroom.code).wait_for()
    return page


def join(pages, classroom, name: str, **size):
    page = pages(f"{classroom.join_url}?code={classroom.code}", **size)
    by_id(page, "name").fill(name)
    by_id(page, "join").click()
    by_id(page, "who").filter(has_text=name).wait_for()
    return page


def org_of(page) -> int:
    return int(by_id(page, "who").inner_text().rsplit(" ", 1)[1])


def test_a_round_with_the_lecturer_and_three_students(pages, classroom):
    screen = lecturer_page(pages, classroom)
    assert by_id(screen, "qr").get_attribute("src").startswith("data:image/svg+xml")
    assert eventually(screen, "document.querySelector('[data-testid=qr]').naturalWidth > 100")
    assert classroom.join_url in by_id(screen, "join-url").inner_text()
    ada, bo, cy = (join(pages, classroom, n, width=390, height=844) for n in ("Ada", "Bo", "Cy"))
    by_id(screen, "students").filter(has_text="Cy").wait_for()
    assert "(3)" in by_id(screen, "students-heading").inner_text()

    by_id(screen, "control-start").click()
    by_id(ada, "state").filter(has_text="left this month").wait_for()
    # Ada invites Bo (a student) and starts an alliance
    by_id(ada, f"candidate-{org_of(bo)}").check()
    by_id(ada, "start").click()
    by_id(ada, "answers").filter(has_text="Bo answers this month").wait_for()
    invitation = bo.locator("[data-testid^=invitation-]")
    invitation.filter(has_text="Ada invites you").wait_for()
    bo.locator("[data-testid^=accept-]").click()
    card = ada.locator("[data-testid^=alliance-]").first
    card.filter(has_text="Bo").wait_for()
    assert "forming" in card.inner_text()
    assert ada.evaluate(  # a phone, with candidates and an alliance card: no sideways scrolling
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    bo.locator("[data-testid^=alliance-]").filter(has_text="Ada").wait_for()
    # the lecturer's screen shows both in an alliance, and who has acted
    by_id(screen, f"student-{org_of(ada)}").filter(has_text="forming").wait_for()
    by_id(screen, "feed").filter(has_text="Bo answered an invitation").wait_for()
    assert "✓" in by_id(screen, f"student-{org_of(bo)}").inner_text()
    assert "✓" not in by_id(screen, f"student-{org_of(cy)}").inner_text()
    # Cy stays put; the lecturer moves the month on
    by_id(screen, "control-advance").click()
    for page in (screen, ada, bo, cy):
        by_id(page, "month").filter(has_text="Month 1").wait_for()
    # a shock raises the pressure from the next month
    before = float(by_id(screen, "pressure").inner_text().split()[-1])
    by_id(screen, "control-shock").click()
    by_id(screen, "control-advance").click()
    by_id(screen, "month").filter(has_text="Month 2").wait_for()
    assert float(by_id(screen, "pressure").inner_text().split()[-1]) > before
    # the round ends: the debrief, and an export only when asked for
    by_id(screen, "control-end").click()
    by_id(screen, "debrief-survival").wait_for()
    assert "Ada, Bo" in by_id(screen, "debrief-alliances").inner_text()
    assert "1 decisions" in by_id(screen, "differ-invitation").inner_text()
    by_id(ada, "message").filter(has_text="The round is over").wait_for()
    with screen.expect_download() as info:
        by_id(screen, "export-csv").click()
    download = info.value
    assert download.suggested_filename.endswith("-decisions.csv")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("month,student,organisation") and ",Bo," in text
    # a new round: a new code on the screen, and the students are asked to join again
    by_id(screen, "control-new").click()
    assert eventually(
        screen,
        f"document.querySelector('[data-testid=code]').innerText.trim() !== '{classroom.code}'",
    )
    by_id(ada, "message").filter(has_text="A new round has started").wait_for()
    assert by_id(ada, "join-form").is_visible()
    assert by_id(screen, "debrief-body").inner_text() == ""
    pages.guard.assert_clean()


def test_the_lecturers_page_needs_its_key(pages, lobby, name):
    page = pages(lobby.lecturer_url)
    by_id(page, "message").filter(has_text="it holds the key").wait_for()
    assert by_id(page, "code").inner_text() == ""
    student = join(pages, lobby, name)
    assert by_id(student, "control-start").count() == 0  # no controls on a student's page
    pages.guard.assert_clean()


def test_wrong_code_is_shown_and_nobody_joins(pages, lobby):
    page = pages(lobby.join_url)
    by_id(page, "code").fill("ZZZZZZ" if lobby.code != "ZZZZZZ" else "YYYYYY")
    by_id(page, "name").fill("Eve")
    by_id(page, "join").click()
    by_id(page, "message").filter(has_text="not this round's code").wait_for()
    assert by_id(page, "play").is_hidden()
    pages.guard.assert_clean()


def test_pages_in_dutch_and_spanish(pages, classroom):
    ada = join(pages, classroom, "Ada")
    page = pages(f"{classroom.join_url}?code={classroom.code}&lang=nl")
    by_id(page, "join").filter(has_text="Meedoen").wait_for()
    by_id(page, "name").fill("Bo")
    by_id(page, "join").click()
    by_id(page, "who").filter(has_text="jij speelt organisatie").wait_for()
    screen = lecturer_page(pages, classroom)
    by_id(screen, "control-start").click()
    by_id(ada, f"candidate-{org_of(page)}").check()
    by_id(ada, "start").click()
    page.locator("[data-testid^=accept-]").click()
    page.locator("[data-testid^=alliance-]").filter(has_text="formeren").wait_for()
    by_id(page, "language").select_option("es")
    page.locator("[data-testid^=alliance-]").filter(has_text="formación").wait_for()
    assert by_id(page, "join").text_content() == "Unirse"
    by_id(screen, "language").select_option("nl")
    by_id(screen, "control-advance").filter(has_text="Volgende maand").wait_for()
    pages.guard.assert_clean()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1024, 768), (1280, 800)])
def test_no_horizontal_scrolling(pages, lobby, name, width, height):
    student = join(pages, lobby, name, width=width, height=height)
    screen = lecturer_page(pages, lobby, width=width, height=height)
    for page in (student, screen):
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    if width >= 1024:  # a projector: every control in view without scrolling
        for control in ("start", "pause", "advance", "shock", "end"):
            box = by_id(screen, f"control-{control}").bounding_box()
            assert box["y"] + box["height"] <= height and box["x"] + box["width"] <= width
        box = by_id(screen, "pace").bounding_box()
        assert box["y"] + box["height"] <= height
    pages.guard.assert_clean()
