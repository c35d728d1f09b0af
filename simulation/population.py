"""The population of organisations: values, capabilities, traits and prior ties.

Values are drawn around a few value communities so that similar organisations exist
(C3); each organisation is strong in one capability, mostly its community's specialty
(communities specialise), so complementary partners are usually less alike (C3, C16).
Each has an attention budget to share across its alliances and an outside option. Prior
ties form a homophilous acquaintance network that seeds trust and tells who might start
together (C5). Everything is an array over organisations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from simulation.params import Params

#: Largest ``N * N`` for which the similarity of every pair is kept (8 MB at N = 1,024).
SIMILARITY_PAIRS = 1 << 20


@dataclass
class Population:
    """Arrays over organisations (index = organisation id)."""

    values: np.ndarray  # (N, value_dims) in [0, 1]
    capabilities: np.ndarray  # (N, capability_dims) in [0, 1]
    community: np.ndarray  # (N,) int
    drive: np.ndarray  # (N,) propensity to initiate (C2)
    fear_of_exclusion: np.ndarray  # (N,) (C5)
    leadership: np.ndarray  # (N,) visionary leadership capacity (C22)
    openness: np.ndarray  # (N,) willingness to work with strangers (C4)
    attention: np.ndarray  # (N,) attention budget at full slack
    outside: np.ndarray  # (N,) what a unit of attention earns outside the alliances now
    usual_outside: np.ndarray  # (N,) its usual level, which ``outside`` returns to
    ties: sparse.csr_matrix  # (N, N) symmetric prior acquaintance network
    degree: np.ndarray  # (N,) number of prior ties

    @property
    def contribution(self) -> np.ndarray:
        """(N,) what each organisation brings on average over capabilities (cached)."""
        cached = self.__dict__.get("_contribution")
        if cached is None or cached.shape[0] != self.capabilities.shape[0]:
            cached = self.capabilities.mean(axis=1)
            self.__dict__["_contribution"] = cached
        return cached

    def similarity_table(self) -> np.ndarray | None:
        """(N, N) value similarity of every ordered pair, or None for large populations.

        Entry ``[a, b]`` is ``1 - distance(values[a], values[b])``, the same bits; kept
        (values do not change in a run) while ``N * N`` is at most ``SIMILARITY_PAIRS``.
        """
        cached = self.__dict__.get("_similarity")
        values = self.values
        if cached is not None and cached[0] is values:
            return cached[1]
        n = values.shape[0]
        table = None
        if n * n <= SIMILARITY_PAIRS:
            table = np.empty((n, n))
            for lo in range(0, n, 128):  # in blocks of rows, to bound the temporary
                part = values[lo : lo + 128, None, :]
                table[lo : lo + 128] = 1.0 - distance(part, values[None, :, :])
        self.__dict__["_similarity"] = (values, table)
        return table

    @property
    def n(self) -> int:
        """Number of organisations."""
        return self.values.shape[0]


def _beta_with_mean(rng: np.random.Generator, mean: float, size, k: float = 4.0):
    """Draws in [0, 1] with the given mean (a beta of concentration ``k``)."""
    if mean <= 0.0:
        return np.zeros(size)
    if mean >= 1.0:
        return np.ones(size)
    return rng.beta(mean * k, (1.0 - mean) * k, size)


def prior_ties(
    community: np.ndarray, mean_degree: float, homophily: float, rng: np.random.Generator
) -> sparse.csr_matrix:
    """A homophilous random acquaintance graph with the given mean degree.

    Each of the ``N * mean_degree / 2`` edges starts at a random organisation and ends,
    with probability ``homophily``, at a random member of the same community, else at
    any organisation. Costs O(edges).
    """
    n = community.shape[0]
    n_edges = round(n * mean_degree / 2)
    if n_edges == 0 or n < 2:
        return sparse.csr_matrix((n, n), dtype=np.int8)
    source = rng.integers(n, size=n_edges)
    within = rng.random(n_edges) < homophily
    by_community = np.argsort(community, kind="stable")
    sizes = np.bincount(community, minlength=community.max() + 1)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    c = community[source]
    pick = starts[c] + np.floor(rng.random(n_edges) * sizes[c]).astype(np.int64)
    target = np.where(within, by_community[pick], rng.integers(n, size=n_edges))
    keep = source != target
    rows = np.concatenate([source[keep], target[keep]])
    cols = np.concatenate([target[keep], source[keep]])
    graph = sparse.csr_matrix((np.ones(rows.shape[0], dtype=np.int8), (rows, cols)), shape=(n, n))
    graph.data[:] = 1  # duplicate edges were summed
    return graph


def make_population(params: Params, rng: np.random.Generator) -> Population:
    """Draw a population from the parameters with the model's generator."""
    n, k = params.n_organisations, params.trait_concentration
    centres = rng.random((params.n_communities, params.value_dims))
    community = rng.integers(params.n_communities, size=n)
    spread = params.value_spread_floor + params.value_spread_scale * params.value_diversity
    values = np.clip(centres[community] + rng.normal(0.0, spread, (n, params.value_dims)), 0, 1)

    # Communities specialise: most members share their community's strong capability.
    dims = params.capability_dims
    community_specialty = rng.integers(dims, size=params.n_communities)
    own = rng.random(n) < params.community_specialisation
    specialty = np.where(own, community_specialty[community], rng.integers(dims, size=n))
    capabilities = _beta_with_mean(rng, params.other_capability, (n, dims), k)
    capabilities[np.arange(n), specialty] = _beta_with_mean(rng, params.specialty_level, n, k)

    offset = params.outside_spread * (2.0 * rng.random(n) - 1.0)
    usual = params.outside_option * (1.0 + offset)
    mean_degree = params.max_acquaintances * params.tie_density
    ties = prior_ties(community, mean_degree, params.tie_homophily, rng)
    return Population(
        values=values,
        capabilities=capabilities,
        community=community,
        drive=_beta_with_mean(rng, params.drive, n, k),
        fear_of_exclusion=_beta_with_mean(rng, params.fear_of_exclusion, n, k),
        leadership=_beta_with_mean(rng, params.leadership, n, k),
        openness=_beta_with_mean(rng, params.openness, n, k),
        # Budgets vary around the mean by up to attention_spread either way.
        attention=params.attention_budget
        * (1.0 + params.attention_spread * (2.0 * _beta_with_mean(rng, 0.5, n, k) - 1.0)),
        outside=usual.copy(),
        usual_outside=usual,
        ties=ties,
        degree=np.asarray(ties.sum(axis=1)).ravel().astype(np.int64),
    )


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance in value space, scaled to [0, 1] by the space's diagonal."""
    d = np.subtract(a, b)
    d *= d
    total = np.add.reduce(d, axis=-1)
    if total.ndim == 0:
        return np.sqrt(total / a.shape[-1])
    total /= a.shape[-1]
    return np.sqrt(total, out=total)


def row_mean(x: np.ndarray) -> np.ndarray:
    """``x.mean(axis=-1)``, the same numbers (a sum, then one division), cheaper."""
    return np.add.reduce(x, axis=-1) / x.shape[-1]


def unit(x: np.ndarray) -> np.ndarray:
    """``x`` clipped to [0, 1] (cheaper than ``np.clip`` on the small arrays of a step)."""
    out = np.maximum(x, 0.0)
    if out.ndim == 0:
        return np.minimum(out, 1.0)
    return np.minimum(out, 1.0, out=out)


def nan_to_zero(x: np.ndarray) -> np.ndarray:
    """``np.nan_to_num(x)``: NaN to 0, infinities to the largest floats; cheaper when small."""
    out = np.where(np.isnan(x), 0.0, x)
    if np.isinf(out).any():
        return np.nan_to_num(x)
    return out
