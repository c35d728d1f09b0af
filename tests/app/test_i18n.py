"""The message catalogues: complete in every language, in step with the sources."""

from __future__ import annotations

import shutil

import pytest
from babel.messages.pofile import read_po

from simulation import i18n
from simulation.cli import main
from simulation.errors import ParameterError
from simulation.scenarios import SCENARIOS
from simulation.terms import CLAIMS, END_CAUSES, END_OUTCOMES, GOVERNANCE, PHASES

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE]


def catalogue(lang: str):
    with i18n.catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=i18n.DOMAIN)


@pytest.fixture(scope="module")
def sources() -> dict:
    return i18n.source_messages()


def test_the_sources_ask_for_every_label_of_the_faces(sources):
    for mapping in (PHASES, END_CAUSES, END_OUTCOMES, GOVERNANCE, CLAIMS):
        assert set(mapping.values()) <= set(sources)
    assert {s.description for s in SCENARIOS.values()} <= set(sources)
    assert "Organisations" in sources and "Shock: pressure +{size}" in sources


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_source_string_is_translated(lang, sources):
    entries = {str(m.id): m for m in catalogue(lang) if m.id}
    missing = sorted(set(sources) - set(entries))
    assert not missing, f"{lang}: not in the catalogue (run `make messages`): {missing[:5]}"
    empty = sorted(m for m in sources if not entries[m].string or entries[m].fuzzy)
    assert not empty, f"{lang}: untranslated or fuzzy: {empty[:5]}"
    stale = sorted(set(entries) - set(sources))
    assert not stale, f"{lang}: no longer in the sources (run `make messages`): {stale[:5]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    for message in catalogue(lang):
        if message.id:
            assert i18n.placeholders(message.string) == i18n.placeholders(message.id), message.id


def test_the_theorys_own_terms():
    nl, es = i18n.translator("nl"), i18n.translator("es")
    phases = ("forming", "founding", "evolving", "transforming")
    assert [nl(PHASES[p]) for p in phases] == ["formeren", "funderen", "evolueren", "transformeren"]
    assert [es(PHASES[p]) for p in phases] == ["formar", "fundar", "evolucionar", "transformar"]
    assert i18n.translator("en")("Organisations") == "Organisations"
    assert i18n.gettext("nl", "Organisations") == "Organisaties"
    assert i18n.translator("nl")("a string no catalogue has") == "a string no catalogue has"
    text = nl("of {horizon}").format(horizon=240)
    assert text == "van 240"


def test_a_missing_string_fails_the_check(tmp_path, monkeypatch, sources):
    """The completeness check really sees a string the catalogue lacks."""
    lang = TRANSLATED[0]
    catalog = catalogue(lang)
    catalog.delete("Organisations")
    entries = {str(m.id) for m in catalog if m.id}
    assert "Organisations" in set(sources) - entries


@pytest.mark.parametrize("bad", ["fr", "NL", "", "english"])
def test_an_unknown_language_is_refused_in_one_line(bad, capsys, tmp_path):
    with pytest.raises(ParameterError, match="unknown language"):
        i18n.translator(bad)
    for command in (
        ["demo", "--port", "0", "--lang", bad],
        ["animate", "--steps", "1", "--out", str(tmp_path / "a.gif"), "--lang", bad],
    ):
        assert main(command) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "unknown language" in err and "en, nl, es" in err
    assert list(tmp_path.iterdir()) == []


def test_updating_the_catalogues_keeps_them_as_they_are(tmp_path, monkeypatch):
    """``make messages`` on an up-to-date tree changes no translation."""
    before = {lang: {str(m.id): m.string for m in catalogue(lang) if m.id} for lang in TRANSLATED}
    pot_before = (i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot").read_bytes()
    copy, original = tmp_path / "locale", i18n.LOCALE_DIR
    shutil.copytree(original, copy)
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    todo = i18n.update_catalogues()
    assert todo == {lang: [] for lang in TRANSLATED}
    for lang in TRANSLATED:
        after = {str(m.id): m.string for m in catalogue(lang) if m.id}
        assert after == before[lang]
    # nothing changed, so no file changes (not even a date), and merges stay quiet
    assert (copy / f"{i18n.DOMAIN}.pot").read_bytes() == pot_before
    for lang in TRANSLATED:
        relative = i18n.catalogue_path(lang).relative_to(copy)
        assert (copy / relative).read_bytes() == (original / relative).read_bytes()


def test_the_vocabulary_covers_every_code_the_model_records():
    from simulation.behaviour.governance import FORMS
    from simulation.records import END_CAUSES as MODEL_CAUSES
    from simulation.records import OUTCOME_KINDS
    from simulation.state import PHASES as MODEL_PHASES

    assert set(PHASES) == set(MODEL_PHASES)
    assert set(END_CAUSES) == set(MODEL_CAUSES)
    assert list(END_OUTCOMES) == list(OUTCOME_KINDS)
    assert set(GOVERNANCE) == set(FORMS)
    nl, es = i18n.translator("nl"), i18n.translator("es")
    for mapping in (END_CAUSES, END_OUTCOMES, GOVERNANCE):
        for label in mapping.values():
            assert nl(label) != label and es(label) != label, label
