"""The seven patterns of MODEL.md, each a comparison of two settings over many seeds.

The definitions (arms, measures, inequalities) live in ``simulation.patterns``, which the
calibration report also uses. Both arms use the same seeds (common random numbers). The
default run uses a smaller form (fewer seeds, smaller populations); `make test-slow` runs
the full form.
"""

import pytest

from simulation.patterns import FULL, PATTERNS, SMALL, measure


@pytest.fixture(
    scope="module",
    params=[pytest.param(SMALL, id="small"), pytest.param(FULL, id="full", marks=pytest.mark.slow)],
)
def size(request):
    return request.param


def check(number, size):
    result = PATTERNS[number - 1].evaluate(size["seeds"], size["n_organisations"])
    for c in result.checks:
        assert c.holds, f"pattern {number}: {c.description} ({c.left:.4g} vs {c.right:.4g})"


def test_1_pressure_more_transformations_lower_survival(size):
    check(1, size)


def test_2_foresight_fewer_forced_transformations_higher_survival_under_pressure(size):
    check(2, size)


def test_3_collective_leadership_more_successful_renewals(size):
    check(3, size)


def test_4_care_fewer_founded_but_longer_lived(size):
    check(4, size)


def test_5_open_alliances_grow_larger_than_closed(size):
    check(5, size)


def test_6_without_complementarity_more_end_for_lack_of_results(size):
    check(6, size)


def test_7_denser_ties_alliances_form_sooner(size):
    check(7, size)


def test_patterns_apply_a_base_below_the_arms():
    # A posterior draw's values sit under the arm's own overrides.
    pattern = PATTERNS[0]
    frames = [measure(s, o, 1, 30, base={"pressure": 0.9, "steps": 24}) for s, o in pattern.arms]
    assert frames[0].pressure.iloc[0] == 0.1 and frames[1].pressure.iloc[0] == 0.7
    assert (frames[0].steps == 24).all()
