"""Hand-made worlds for the phase unit tests: three organisations, chosen by hand."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from simulation.environment import Environment
from simulation.params import Params
from simulation.population import Population
from simulation.state import AllianceStore, World
from simulation.trust import Memberships, TrustStore


def make_world(
    values,
    capabilities=None,
    *,
    leadership=None,
    params: Params | None = None,
    need=None,
    pressure: float | None = None,
    step: int = 10,
) -> World:
    """A world of hand-made organisations, with no alliances yet."""
    values = np.asarray(values, dtype=float)
    n, dims = values.shape
    params = params or Params(value_dims=dims, capability_dims=dims, n_organisations=max(n, 2))
    if capabilities is None:
        capabilities = np.full((n, params.capability_dims), 0.5)
    population = Population(
        values=values,
        capabilities=np.asarray(capabilities, dtype=float),
        community=np.zeros(n, dtype=np.int64),
        drive=np.full(n, 0.5),
        fear_of_exclusion=np.full(n, 0.3),
        leadership=np.full(n, 0.5) if leadership is None else np.asarray(leadership, float),
        openness=np.full(n, 0.5),
        attention=np.full(n, params.attention_budget),
        outside=np.full(n, params.outside_option),
        usual_outside=np.full(n, params.outside_option),
        ties=sparse.csr_matrix((n, n), dtype=np.int8),
        degree=np.zeros(n, dtype=np.int64),
    )
    rng = np.random.default_rng(0)
    environment = Environment(params, rng, anchor=values.mean(axis=0))
    if need is not None:
        environment.need = np.asarray(need, dtype=float)
    if pressure is not None:
        environment.pressure = pressure
    world = World(
        params=params,
        population=population,
        trust=TrustStore(n, params.trust_baseline),
        members=Memberships(),
        alliances=AllianceStore(dims),
        environment=environment,
        step=step,
    )
    world.refresh()
    return world


def add_alliance(world: World, orgs, phase: int, *, commitment=0.6, since=0, **fields) -> int:
    """Put an alliance of ``orgs`` in ``phase`` into a hand-made world."""
    orgs = np.asarray(orgs, dtype=np.int64)
    store = world.alliances
    a = store.new(since, int(orgs[0]), world.population.values[orgs].mean(axis=0), False)
    store.phase[a] = phase
    store.phase_since[a] = since
    world.members.add(a, orgs, commitment, since, founder=True)
    for name, value in fields.items():
        getattr(store, name)[a] = value
    world.refresh()
    return a


def set_trust(world: World, value: float, orgs=None) -> None:
    """Set mutual trust among ``orgs`` (default: everyone) to ``value``."""
    n = world.population.n
    orgs = np.arange(n) if orgs is None else np.asarray(orgs)
    src, dst = np.meshgrid(orgs, orgs, indexing="ij")
    keep = src != dst
    slots = world.trust.ensure(src[keep], dst[keep])
    world.trust.value[slots] = value
