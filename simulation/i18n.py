"""Message catalogues: the classroom faces in English, Dutch and Spanish.

The source strings are English; Dutch and Spanish come from gettext catalogues,
``simulation/locale/<lang>/LC_MESSAGES/alliances.po``, read with Babel when first used (no
compiled ``.mo`` files, so there is no build step). A message missing from a catalogue
shows in English, and the test ``tests/app/test_i18n.py`` fails on it.

Use::

    from simulation.i18n import translator

    _ = translator("nl")
    _("Organisations")                          # 'Organisaties'
    _("month {month} of {horizon}").format(month=3, horizon=240)

``N_`` marks a string for the catalogue without translating it, for module-level constants
(phase names, slider labels) that are translated where they are shown: ``_(PHASES[code])``.
Keep placeholders in braces (``str.format``), never build a sentence from pieces.

To add or change a string:

1. write it in English inside ``_("...")`` (or ``N_("...")`` for a constant) anywhere under
   ``simulation/``; scenario descriptions are collected from ``simulation.scenarios``;
2. run ``make messages`` (``python -m simulation.i18n``): Babel extracts every string to
   ``simulation/locale/alliances.pot`` and merges it into each language's ``.po`` file,
   then lists what is still untranslated;
3. fill in each new ``msgstr`` (and drop any ``#, fuzzy`` line once checked);
4. ``pytest tests/app/test_i18n.py`` checks that every language has every string, with the
   same placeholders.

To add a language, add its code to ``LANGUAGES`` and run ``make messages``.

Babel is imported only when a catalogue is read, so importing this module is cheap.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path

from simulation.errors import ParameterError

#: The languages of the classroom faces (English first: the source language).
LANGUAGES: tuple[str, ...] = ("en", "nl", "es")
#: The language used when none is asked for.
DEFAULT_LANGUAGE = "en"
#: Each language's name in itself, for a language switch.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "nl": "Nederlands", "es": "Español"}
#: The gettext domain (the catalogues' file name).
DOMAIN = "alliances"
#: Where the catalogues live.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The package whose sources are scanned for ``_()`` and ``N_()``.
SOURCE_DIR = Path(__file__).resolve().parent
#: The call names Babel extracts messages from.
KEYWORDS = {"_": None, "N_": None}

_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues; return it unchanged (translate it where shown)."""
    return message


def check_language(lang: object) -> str:
    """Return ``lang`` if it is one of ``LANGUAGES``.

    Raises:
        ParameterError: one line naming the languages there are.
    """
    if lang not in LANGUAGES:
        raise ParameterError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return str(lang)


def catalogue_path(lang: str) -> Path:
    """The ``.po`` file of ``lang`` (English has none: it is the source language)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def messages(lang: str) -> dict[str, str]:
    """The translated messages of ``lang``: English source text -> text in ``lang``.

    Untranslated and fuzzy entries are left out, so they show in English.
    """
    check_language(lang)
    if lang == DEFAULT_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    with catalogue_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


@functools.cache
def translator(lang: str = DEFAULT_LANGUAGE) -> Callable[[str], str]:
    """A function that translates an English message into ``lang`` (conventionally ``_``).

    Raises:
        ParameterError: if ``lang`` is not one of ``LANGUAGES``.
    """
    table = messages(check_language(lang))

    def translate(message: str) -> str:
        return table.get(message, message)

    translate.__doc__ = f"Translate an English message into '{lang}'."
    return translate


def gettext(lang: str, message: str) -> str:
    """``message`` in ``lang`` (English when the catalogue lacks it)."""
    return translator(lang)(message)


def placeholders(message: str) -> set[str]:
    """The ``str.format`` fields of ``message``, e.g. ``{'month', 'horizon'}``."""
    return {match.group(1) for match in _PLACEHOLDER.finditer(message)}


# --- keeping the catalogues up to date (Babel's extract and update) ----------------------
def source_messages() -> dict[str, list[tuple[str, int]]]:
    """Every message the sources ask for: English text -> where (file, line).

    The strings in ``_()`` and ``N_()`` under ``simulation/``, and the scenario descriptions.
    """
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[tuple[str, int]]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        SOURCE_DIR, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((f"simulation/{filename}", line))
    from simulation.scenarios import SCENARIOS

    for scenario in SCENARIOS.values():
        found.setdefault(scenario.description, []).append(("simulation/scenarios.py", 0))
    return found


def template():
    """The catalogue template (``alliances.pot``) of ``source_messages`` as a Babel Catalog."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        domain=DOMAIN,
        project="alliance-lifecycle",
        copyright_holder="The alliance-lifecycle developers",
        fuzzy=False,
    )
    for message, locations in source_messages().items():
        flags = ("python-brace-format",) if placeholders(message) else ()
        catalog.add(message, locations=locations, flags=flags)
    return catalog


def update_catalogues() -> dict[str, list[str]]:
    """Write ``alliances.pot`` and merge it into every language's ``.po`` file.

    Returns:
        Per language, the messages still untranslated (or fuzzy) after the merge.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    pot = template()
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    pot_path = LOCALE_DIR / f"{DOMAIN}.pot"
    if pot_path.exists():  # same messages: keep the date, so an update changes no file
        with pot_path.open("rb") as handle:
            old = read_po(handle, domain=DOMAIN)
        if _entries(old) == _entries(pot):
            pot.creation_date = old.creation_date
    with pot_path.open("wb") as handle:
        write_po(handle, pot, width=100, include_lineno=False)
    todo: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        path = catalogue_path(lang)
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="alliance-lifecycle")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, include_lineno=False)
        todo[lang] = [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]
    messages.cache_clear()
    translator.cache_clear()
    return todo


def _entries(catalog) -> list[tuple]:
    """What a catalogue file says of its messages (files, not lines: those are not written)."""
    return sorted(
        (str(m.id), tuple(sorted({f for f, _ in m.locations})), tuple(sorted(m.flags)))
        for m in catalog
        if m.id
    )


def main() -> int:
    """``python -m simulation.i18n``: update the catalogues and list what is untranslated."""
    todo = update_catalogues()
    for lang, missing in todo.items():
        print(f"{catalogue_path(lang).relative_to(SOURCE_DIR.parent)}: {len(missing)} to translate")
        for message in missing:
            print(f"  {message}")
    return 1 if any(todo.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
