"""The pages' strings: every language has every string, with the same placeholders."""

from __future__ import annotations

import re
from importlib import resources

from simulation.classroom import game, protocol
from simulation.classroom.strings import STRINGS

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_language_has_every_string_with_the_same_placeholders():
    english = STRINGS["en"]
    for lang, strings in STRINGS.items():
        assert strings.keys() == english.keys(), lang
        for key, text in strings.items():
            assert text.strip(), (lang, key)
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (
                lang,
                key,
            )


def test_dutch_and_spanish_use_the_theorys_terms():
    assert [STRINGS["nl"][f"phase_{p}"] for p in ("forming", "founding", "evolving")] == [
        "formeren",
        "funderen",
        "evolueren",
    ]
    assert STRINGS["nl"]["phase_transforming"] == "transformeren"
    assert STRINGS["es"]["phase_founding"] == "fundación"


def test_every_key_the_pages_and_server_use_exists():
    static = resources.files("simulation.classroom") / "static"
    used = set()
    for name in ("common.js", "student.js", "lecturer.js", "student.html", "lecturer.html"):
        text = (static / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\"(\w+)\"", text))
        used |= set(re.findall(r'data-i18n="(\w+)"', text))
    # keys built at run time: errors, notes, answers, outcomes, feed entries, phases, states
    package = resources.files("simulation.classroom")
    source = "".join((package / f).read_text(encoding="utf-8") for f in ("game.py", "server.py"))
    used |= {f"error_{k}" for k in re.findall(r'RoundError\("(\w+)"', source)}
    used |= {f"error_{k}" for k in ("rate_limited", "bad_message", "not_allowed", "too_large")}
    used |= {f"note_{k}" for k in re.findall(r'"key": "(\w+)"', source)}
    used |= {f"done_{k}" for k in re.findall(r'"ok": "(\w+)"', source)}
    used |= {f"feed_{k}" for k in ("joined", "shock", *protocol.STUDENT_ACTIONS)}
    used |= {f"state_{s}" for s in (game.LOBBY, game.RUNNING, game.PAUSED, game.ENDED)}
    used |= {"new_round_started"}
    missing = used - STRINGS["en"].keys()
    assert not missing
