"""Samplers of the unit hypercube, and the maps from it to parameter values.

The random and quasi-random designs come from libraries rather than hand-written code:
Latin hypercube from ``scipy.stats.qmc``, Saltelli's Sobol' scheme and Morris trajectories
from SALib. Each sampler draws in ``[0, 1]^d``; :func:`scale` then maps each column to its
parameter's range (uniform or log-uniform, whole numbers where the parameter is one).
SciPy and SALib are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: Tag mixed into the root seed for the sampler, so sample draws and run seeds never share
#: a stream.
SAMPLER_STREAM = 0x5A4D504C


def sampler_seed(root_seed: int) -> int:
    """The sampler's seed, derived from the experiment's root seed."""
    state = np.random.SeedSequence([root_seed, SAMPLER_STREAM]).generate_state(1)
    return int(state[0])


def _unit_problem(d: int) -> dict:
    return {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}


def latin_hypercube(d: int, n: int | Sequence[int], seed: int) -> np.ndarray:
    """Points of Latin hypercubes in ``[0, 1]^d`` (``scipy.stats.qmc``).

    Args:
        d: dimensions.
        n: points, or the points of each block: one hypercube per block, drawn one after
            the other from the same stream, so the first blocks do not depend on the later
            ones (``[64]`` gives the same points as ``64``).
        seed: the sampler's seed.
    """
    from scipy.stats import qmc

    engine = qmc.LatinHypercube(d, rng=np.random.default_rng(seed))
    blocks = [n] if isinstance(n, int) else list(n)
    return np.vstack([engine.random(size) for size in blocks])


def saltelli(d: int, n: int, seed: int, second_order: bool) -> np.ndarray:
    """Saltelli's Sobol' design in ``[0, 1]^d``: ``n (d + 2)`` or ``n (2d + 2)`` rows (SALib)."""
    from SALib.sample import sobol

    return sobol.sample(_unit_problem(d), n, calc_second_order=second_order, seed=seed)


def morris_trajectories(d: int, n: int, levels: int, seed: int) -> np.ndarray:
    """``n`` Morris trajectories in ``[0, 1]^d`` on a grid of ``levels``: ``n (d + 1)`` rows."""
    from SALib.sample import morris

    return morris.sample(_unit_problem(d), n, num_levels=levels, seed=seed)


def scale(u: np.ndarray, low: float, high: float, distribution: str, integer: bool) -> list:
    """Map unit values ``u`` to ``[low, high]``; whole numbers get equal-width bins.

    Args:
        u: values in [0, 1].
        low: lower end of the range.
        high: upper end of the range.
        distribution: ``"uniform"`` or ``"loguniform"`` (``low`` > 0).
        integer: round into ``low..high`` with equal chances for each whole number.

    Returns:
        Python numbers (``int`` or ``float``), one per value of ``u``.
    """
    u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
    if integer:
        if distribution == "loguniform":
            edges = np.exp(np.log(low) + u * (math.log(high + 1) - math.log(low)))
        else:
            edges = low + u * (high - low + 1)
        return [int(v) for v in np.minimum(np.floor(edges), high)]
    if distribution == "loguniform":
        values = np.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    else:
        values = low + u * (high - low)
    return [float(v) for v in np.clip(values, low, high)]
