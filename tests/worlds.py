"""Hand-made worlds for the unit tests: a few organisations, chosen by hand.

``make_world`` builds a ``World`` from values and (optionally) capabilities, attention
budgets, outside options, traits and prior ties; ``add_alliance`` puts an alliance in a
phase with any per-alliance field set; ``set_trust`` sets trust among organisations;
``model_of`` wraps a hand-made world in an ``AllianceModel`` so that outcomes can be
applied and whole steps run. ``updates`` and ``plain`` read outcomes.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from simulation.environment import Environment
from simulation.params import Params
from simulation.population import Population
from simulation.state import AllianceStore, World
from simulation.trust import Memberships, TrustStore


def params2(**kw) -> Params:
    """Parameters for two-dimensional hand-made worlds (values and capabilities)."""
    base = {"value_dims": 2, "capability_dims": 2, "n_organisations": 3, "results_noise": 0.0}
    return Params(**(base | kw))


def _per_org(value, n: int, default: float) -> np.ndarray:
    if value is None:
        return np.full(n, default, dtype=float)
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()


def make_world(
    values,
    capabilities=None,
    *,
    leadership=None,
    attention=None,
    outside=None,
    drive=None,
    fear=None,
    openness=None,
    ties=(),
    params: Params | None = None,
    need=None,
    velocity=None,
    pressure: float = 0.0,
    step: int = 10,
) -> World:
    """A world of hand-made organisations, with no alliances yet.

    Args:
        values: (n, dims) values of the organisations.
        capabilities: (n, capability_dims); default 0.5 everywhere.
        leadership, attention, outside, drive, fear, openness: per organisation (a scalar
            or a sequence); defaults are the parameters' means.
        ties: pairs (i, j) of prior acquaintances (symmetric).
        params: default: two value and capability dimensions, no results noise.
        need, velocity: the societal need and its velocity (default: the values' centre,
            not moving).
        pressure: pressure now (default calm: budgets are the full attention).
        step: the current month.
    """
    values = np.asarray(values, dtype=float)
    n, dims = values.shape
    if params is None:
        params = Params(value_dims=dims, capability_dims=dims, n_organisations=max(n, 2))
    if capabilities is None:
        capabilities = np.full((n, params.capability_dims), 0.5)
    ties = list(ties)
    rows = [i for i, j in ties] + [j for i, j in ties]
    cols = [j for i, j in ties] + [i for i, j in ties]
    graph = sparse.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    population = Population(
        values=values,
        capabilities=np.asarray(capabilities, dtype=float),
        community=np.zeros(n, dtype=np.int64),
        drive=_per_org(drive, n, 0.5),
        fear_of_exclusion=_per_org(fear, n, 0.3),
        leadership=_per_org(leadership, n, 0.5),
        openness=_per_org(openness, n, 0.5),
        attention=_per_org(attention, n, params.attention_budget),
        outside=_per_org(outside, n, params.outside_option),
        usual_outside=_per_org(outside, n, params.outside_option),
        ties=graph,
        degree=np.asarray(graph.sum(axis=1)).ravel().astype(np.int64),
    )
    rng = np.random.default_rng(0)
    environment = Environment(params, rng, anchor=values.mean(axis=0))
    if need is not None:
        environment.need = np.asarray(need, dtype=float)
    if velocity is not None:
        environment.velocity = np.asarray(velocity, dtype=float)
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


def add_alliance(
    world: World, orgs, phase: int, *, commitment=0.6, since=0, founder=True, **fields
) -> int:
    """Put an alliance of ``orgs`` in ``phase`` into a hand-made world.

    ``commitment`` may be one value or one per member; any other keyword sets the
    alliance's field of that name (``mission``, ``governance``, ``open``, ``cohesion``...).
    The mission defaults to the members' centre.
    """
    orgs = np.asarray(orgs, dtype=np.int64)
    store = world.alliances
    a = store.new(since, int(orgs[0]), world.population.values[orgs].mean(axis=0), False)
    store.phase[a] = phase
    store.phase_since[a] = since
    store.founded[a] = phase != 0  # past forming: founded once
    world.members.add(a, orgs, commitment, since, founder=founder)
    for name, value in fields.items():
        getattr(store, name)[a] = value
    world.refresh()
    return a


def set_trust(world: World, value: float, orgs=None, to=None) -> None:
    """Set trust of each of ``orgs`` in each of ``to`` (defaults: everyone; never self)."""
    n = world.population.n
    orgs = np.arange(n) if orgs is None else np.asarray(orgs)
    to = orgs if to is None else np.asarray(to)
    src, dst = np.meshgrid(orgs, to, indexing="ij")
    keep = src != dst
    slots = world.trust.ensure(src[keep], dst[keep])
    world.trust.value[slots] = value


def rows_of(world: World, alliance: int) -> np.ndarray:
    """Membership rows of the current members of ``alliance``."""
    return world.members.of(alliance)


def updates(outcome) -> dict[str, np.ndarray]:
    """The field updates of an outcome by name (the last one wins)."""
    return {name: values for name, _, values in outcome.updates}


def plain(outcome):
    """An outcome as plain nested lists, for comparing two outcomes exactly."""

    def convert(x):
        if isinstance(x, np.ndarray):
            return x.tolist()
        if isinstance(x, list | tuple):
            return [convert(v) for v in x]
        if hasattr(x, "__dataclass_fields__"):
            return {k: convert(getattr(x, k)) for k in x.__dataclass_fields__}
        return x

    return convert(outcome)


def model_of(world: World, seed: int = 0):
    """An ``AllianceModel`` running the hand-made ``world`` (no new alliances initiated).

    The model starts at month ``world.step``; its first ``step()`` is month ``world.step + 1``.
    """
    from simulation.model import AllianceModel

    params = world.params.replace(seed=seed, initiation_rate=0.0)
    world.params = params
    world.environment.params = params
    model = AllianceModel(params)
    model.world = world
    model.steps = world.step
    model._start_phase = world.alliances.phase[: world.alliances.count].copy()
    return model
