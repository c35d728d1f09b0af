"""The docs are self-contained: every Markdown file the repository cites is in it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITED = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[A-Z][A-Za-z_]*\.md)\b")
SOURCES = ["simulation", "tests", "notebooks", "docs", "experiments", "benchmarks"]
SUFFIXES = {".py", ".md", ".ipynb", ".toml"}


def cited_files():
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            if path.suffix in SUFFIXES and path.is_file():
                for name in CITED.findall(path.read_text(encoding="utf-8")):
                    yield path, name
    for name in CITED.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        yield ROOT / "README.md", name


def test_every_cited_markdown_file_exists():
    missing = sorted(
        {
            f"{path.relative_to(ROOT)} cites {name}"
            for path, name in cited_files()
            if not any((base / name).is_file() for base in (ROOT, path.parent, ROOT / "docs"))
        }
    )
    assert not missing, "cited but not in the repository: " + "; ".join(missing)


def test_theory_lists_the_claims_with_the_source():
    text = (ROOT / "docs" / "THEORY.md").read_text(encoding="utf-8")
    for n in range(1, 28):
        assert f"**C{n}.**" in text, f"C{n}"
    assert "Boonstra" in text and "29 December 2022" in text
    assert "Allianties voor een duurzame toekomst" in text
