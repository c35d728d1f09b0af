"""Tiny targets files for the calibration tests (small populations, few months)."""

import textwrap

TINY = """
name = "tiny"
steps = 60
warmup = 6
seed = 11
[fixed]
n_organisations = 30
[free.exit_commitment]
low = 0.15
high = 0.45
[statistics.median_lifespan]
value = 20
tolerance = 8
source = "a test"
[statistics.share_ended]
value = 0.7
tolerance = 0.1
source = "a test"
[abc]
population = 6
generations = 2
[report]
draws = 2
pattern_seeds = 1
pattern_organisations = 30
"""


def write(folder, text, name="targets.toml"):
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path
