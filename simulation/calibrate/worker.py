"""What runs in a worker: the model of one particle, and seeded evaluations of pyABC's sampler.

Seeds. A particle's model runs take their seeds from the particle itself:
``SeedSequence([root seed, the 64-bit words of its parameter values])``, spawned once per
replication, so the same particle always gives the same statistics wherever it runs.
pyABC draws a particle (from the prior, or by perturbing the last population) with
NumPy's global generator; evaluation ``i`` of generation ``t`` seeds that generator with
``SeedSequence(root, spawn_key=(t + 1, i))`` first. The sampler keeps the particles in
the order of their evaluation index, so which particles are accepted does not depend on
which worker finished first: the same seed gives the same posterior with any number of
workers and either executor.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.calibrate import statistics
from simulation.calibrate.targets import Targets
from simulation.errors import ParameterError
from simulation.model import AllianceModel
from simulation.records import alliance_table

#: Unpickled sampling functions kept per process (one per generation).
_CACHE: dict[bytes, Any] = {}


def particle_seed(root: int, values: Sequence[float]) -> int:
    """The seed of a particle's first model run: depends on the root seed and the values only."""
    words = [root & 0xFFFFFFFF, root >> 32]
    for value in np.asarray(values, dtype=np.float64).view(np.uint32):
        words.append(int(value))
    state = np.random.SeedSequence(words).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))


def run_seeds(seed: int, replications: int) -> list[int]:
    """Seeds of a setting's replications, spawned from ``seed``."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def simulate_alliances(targets: Targets, values: Mapping[str, float], seed: int) -> pd.DataFrame:
    """The counted founded alliances of ``replications`` runs of one setting, pooled."""
    frames = []
    for number, run_seed in enumerate(run_seeds(seed, targets.replications)):
        model = AllianceModel(targets.params(values, run_seed), run_id=f"calibrate-{number}")
        model.run()
        alliances = alliance_table(model.world.alliances, model.run_id, model.steps)
        frames.append(statistics.founded_alliances(alliances, targets.warmup))
    return pd.concat(frames, ignore_index=True)


def setting_statistics(
    targets: Targets, values: Mapping[str, float], seed: int
) -> dict[str, float]:
    """The targeted statistics of one setting's runs (as the distance uses them)."""
    founded = simulate_alliances(targets, values, seed)
    names = [s.name for s in targets.statistics]
    return statistics.simulated(founded, names, targets.steps - targets.warmup)


class ParticleModel:
    """pyABC's model: a particle's parameters -> its summary statistics (picklable)."""

    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self.__name__ = f"alliances-{targets.name}"

    def __call__(self, parameter: Mapping[str, float]) -> dict[str, float]:
        """The statistics of the particle's runs (seeded by the particle)."""
        values = {p.name: float(parameter[p.name]) for p in self.targets.priors}
        seed = particle_seed(self.targets.seed, list(values.values()))
        try:
            return setting_statistics(self.targets, values, seed)
        except ParameterError:  # values that break a consistency rule: never accepted
            return {s.name: float("nan") for s in self.targets.statistics}


class TargetDistance:
    """pyABC's distance: weighted root sum of squared misses in tolerances (picklable)."""

    def __init__(self, targets: Targets) -> None:
        self.observed = {s.name: s.value for s in targets.statistics}
        self.tolerances = {s.name: s.tolerance for s in targets.statistics}
        self.weights = {s.name: s.weight for s in targets.statistics}
        self.__name__ = "target_distance"

    def __call__(self, x: Mapping[str, float], x_0: Mapping[str, float]) -> float:
        """Distance of the statistics ``x`` to the targets (``x_0`` is the same targets)."""
        return statistics.distance(x, self.observed, self.tolerances, self.weights)


def evaluation_seed(root: int, t: int, index: int) -> np.ndarray:
    """The state NumPy's global generator gets before evaluation ``index`` of generation ``t``."""
    return np.random.SeedSequence(root, spawn_key=(t + 1, index)).generate_state(4)


def evaluate(payload: bytes, root: int, t: int, indices: Sequence[int]) -> list[tuple[int, Any]]:
    """Run pyABC's ``simulate_one`` for evaluations ``indices``, each freshly seeded."""
    import cloudpickle

    simulate_one = _CACHE.get(payload)
    if simulate_one is None:
        _CACHE.clear()
        simulate_one = _CACHE[payload] = cloudpickle.loads(payload)
    out = []
    for index in indices:
        state = evaluation_seed(root, t, index)
        np.random.seed(state)  # noqa: NPY002 - pyABC draws from the global generator
        random.seed(int(state[0]))
        out.append((index, simulate_one()))
    return out


def run_pattern(
    pattern_number: int, values: Mapping[str, Any], seeds: int, n_orgs: int
) -> pd.DataFrame:
    """Measure one pattern with a posterior draw's values set in both arms.

    Returns:
        ``simulation.patterns.measure``'s table (a row per figure, ``holds`` among them),
        or a one-row table with an ``error`` column when the pattern cannot be measured there
        (a draw's runs too small to show it), so one draw never costs the report.
    """
    from simulation.patterns import measure

    overrides = {**values, "n_organisations": n_orgs}
    try:
        return measure(pattern_number, seeds=range(seeds), overrides=overrides)
    except Exception as exc:  # measured in a worker: keep the reason, go on
        return pd.DataFrame({"error": [f"{type(exc).__name__}: {exc}"]})
