"""Per-group reductions: with and without empty groups, against plain loops."""

import numpy as np

from simulation.groups import Groups
from simulation.phases.common import _first_of_each


def groups_with(sizes: list[int]) -> Groups:
    size = np.array(sizes, dtype=np.int64)
    start = (np.cumsum(size) - size).astype(np.int64)
    group = np.repeat(np.arange(size.shape[0]), size)
    rows = np.arange(group.shape[0]) + 10
    return Groups(np.arange(size.shape[0]) + 100, rows, rows % 7, group, start, size)


def test_reductions_match_loops_with_and_without_empty_groups():
    rng = np.random.default_rng(0)
    for sizes in ([3, 1, 4], [2, 0, 3, 0], [0, 2], [5]):
        groups = groups_with(sizes)
        n = groups.rows.shape[0]
        flat = rng.integers(0, 3, n).astype(float)  # ties for argmax
        wide = rng.integers(0, 10, (n, 2)).astype(float)  # sums are exact
        for g, size in enumerate(sizes):
            part = slice(groups.start[g], groups.start[g] + size)
            if size:
                assert groups.sum(wide)[g].tolist() == wide[part].sum(axis=0).tolist()
                assert groups.max(wide)[g].tolist() == wide[part].max(axis=0).tolist()
                assert groups.mean(flat)[g] == flat[part].sum() / size
                assert groups.argmax(flat)[g] == groups.start[g] + np.argmax(flat[part])
            else:
                assert groups.sum(wide)[g].tolist() == [0.0, 0.0]
                assert groups.max(wide)[g].tolist() == [0.0, 0.0]
                assert np.isnan(groups.mean(flat)[g])
                assert groups.argmax(flat)[g] == -1


def test_no_groups_reduce_to_empty_arrays():
    groups = groups_with([])
    assert groups.sum(np.zeros((0, 2))).shape == (0, 2)
    assert groups.max(np.zeros((0, 2))).shape == (0, 2)
    assert groups.mean(np.zeros(0)).shape == (0,)
    assert groups.argmax(np.zeros(0)).shape == (0,)


def test_first_of_each_is_the_first_in_the_random_order():
    rng = np.random.default_rng(1)
    for m in (0, 1, 2, 7, 50):
        owner = np.sort(rng.integers(0, 5, m))
        order = rng.permutation(m)
        _, first = np.unique(owner[order], return_index=True)
        assert _first_of_each(owner, order).tolist() == order[first].tolist()
