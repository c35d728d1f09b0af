"""AllianceModel: the Mesa model. Owns the state, runs the phases in order, applies them.

One step is one month. Each step: the environment moves; organisations start new
alliances; each phase decides for the alliances that were in it at the start of the step;
members whose commitment fell too low leave, and organisations whose attention no longer
covers all their alliances give one up; alliances too small to go on end, with the cause
of the phase they were in at the start of the month; the step is recorded. The phases
only decide (they return an ``Outcome``); this module is the one place that changes
state, and it refuses any transition the lifecycle does not allow (docs/ODD.md).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np

from simulation.agents import Alliance, Organisation
from simulation.behaviour import attention, endings
from simulation.behaviour.production import relevance
from simulation.environment import SHOCK_MONTHS, SHOCK_SIZE, Environment
from simulation.params import Params
from simulation.phases import evolving, forming, founding, transforming
from simulation.phases.common import Outcome, groups_of
from simulation.population import make_population, unit
from simulation.records import EventLog, alliance_table, membership_table
from simulation.reporters import CollectedSeries, make_datacollector, mesa_keywords
from simulation.state import (
    ALLOWED,
    DISSOLVED,
    EVOLVING,
    FORMING,
    FOUNDING,
    PHASES,
    TRANSFORMING,
    AllianceStore,
    World,
)
from simulation.trust import Memberships, TrustStore

PHASE_MODULES = (
    (FORMING, forming),
    (FOUNDING, founding),
    (EVOLVING, evolving),
    (TRANSFORMING, transforming),
)
#: Exit reasons that walk out on the others: the remaining members trust the leaver less.
WALKOUTS = frozenset({"low_commitment", "did_not_follow", "overcommitted", "left_by_choice"})
#: An alliance is two organisations at least (and ``min_viable`` members, if more).
MIN_ALLIANCE = 2
#: Cause of the end when an alliance falls below ``min_viable`` members, by the phase it
#: was in at the start of the month.
TOO_SMALL = {
    FORMING: "formation_failed",
    FOUNDING: "founding_conflict",
    EVOLVING: "lack_of_results",
    TRANSFORMING: "transformation_failed",
}


class AllianceModel(mesa.Model):
    """The alliance lifecycle model.

    Args:
        params: a ``Params``; if omitted, built from the defaults and ``overrides``.
        run_id: the id written into every table row (default: ``"run-<seed>"``).
        **overrides: parameter values by name (validated; unknown names are errors), and
            Mesa's keywords as ``mesa.batch_run`` and ``SolaraViz`` pass them: ``rng`` (an
            int is the seed; ``None`` draws a fresh seed, so ``batch_run(...,
            iterations=n)`` gives n different runs; a generator, ``SeedSequence`` or
            sequence of ints yields one) and ``scenario`` (a Mesa ``Scenario``: its
            ``rng``). Without them the ``seed`` parameter decides. The seed used is
            always ``model.params.seed`` (and the ``seed`` reporter); see
            ``simulation.reporters``.

    Attributes:
        datacollector: a ``mesa.DataCollector`` with one model reporter per
            ``timeseries`` column (see ``simulation.reporters``), collected every step.

    Raises:
        ParameterError: a parameter has an unknown name, a wrong type or a value out of
            range, ``rng`` and ``seed`` are both given and differ, or ``scenario`` is not
            a Mesa scenario.

    Example:
        >>> model = AllianceModel(n_organisations=100, steps=24, seed=1)
        >>> for _ in range(24):
        ...     model.step()
    """

    def __init__(
        self, params: Params | None = None, *, run_id: str | None = None, **overrides: Any
    ) -> None:
        overrides = mesa_keywords(overrides)  # Mesa's ``rng`` and ``scenario`` -> ``seed``
        if params is None:
            params = Params.from_mapping(overrides)
        elif overrides:
            params = params.replace(**overrides)
        super().__init__(rng=params.seed)
        self.params = params
        self.run_id = run_id if run_id is not None else f"run-{params.seed}"
        rng = self.rng

        population = make_population(params, rng)
        trust = TrustStore(population.n, params.trust_baseline)
        ties = population.ties.tocoo()
        initial = unit(rng.normal(params.prior_trust, params.prior_trust_spread, ties.row.shape[0]))
        trust.ensure(ties.row, ties.col, initial)
        anchor = population.values[rng.integers(population.n)]
        self.world = World(
            params=params,
            population=population,
            trust=trust,
            members=Memberships(),
            alliances=AllianceStore(params.value_dims),
            environment=Environment(params, rng, anchor),
        )
        self.world.refresh()
        self.events = EventLog()
        self.datacollector = make_datacollector()
        self.series = CollectedSeries(self)
        self.organisations = [Organisation(self, i) for i in range(population.n)]
        self.alliance_agents: dict[int, Alliance] = {}
        self._touched: list[np.ndarray] = []
        self._start_phase = np.empty(0, dtype=np.int8)
        self.running = True
        self._record()

    # --- the step ----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month."""
        world, rng = self.world, self.rng
        world.step = self.steps
        world.environment.advance(self.steps, rng)
        attention.shift_outside_options(world, rng)
        world.refresh()
        store = world.alliances
        self._start_phase = store.phase[: store.count].copy()
        in_phase = {phase: store.in_phase(phase) for phase, _ in PHASE_MODULES}
        # Each alliance alive at the start of the month spends this month in its phase.
        for phase, ids in in_phase.items():
            store.phase_steps[ids, phase] += 1
        self._touched = []

        self.apply(forming.initiate(world, rng))
        for phase, module in PHASE_MODULES:
            self.apply(module.step(world, in_phase[phase], rng))
        world.votes.clear()
        world.backing.clear()
        self._departures()
        self._dissolve_too_small()

        idle = np.ones(len(world.trust), dtype=bool)
        for slots in self._touched:
            idle[slots] = False
        world.trust.decay(self.params.trust_decay, idle)
        self._record()
        if self.steps >= self.params.steps:
            self.running = False

    def run(self, steps: int | None = None) -> None:
        """Run to the horizon (or ``steps`` more months)."""
        for _ in range(self.params.steps - self.steps if steps is None else steps):
            self.step()

    # --- applying outcomes ---------------------------------------------------------------
    def apply(self, outcome: Outcome) -> None:
        """Apply what a phase decided, in a fixed order."""
        world = self.world
        members = world.members
        for new in outcome.new_alliances:
            self._found_alliance(new.initiator, new.members, new.is_open)
        for name, ids, values in outcome.updates:
            getattr(world.alliances, name)[ids] = values
        if outcome.trust:
            src = np.concatenate([t[0] for t in outcome.trust])
            dst = np.concatenate([t[1] for t in outcome.trust])
            target = np.concatenate([t[2] for t in outcome.trust])
            slots = world.trust.ensure(src, dst)
            world.trust.move_toward(slots, target, self.params.trust_gain, self.params.trust_loss)
            self._touched.append(slots)
        for rows, values in outcome.commitment:
            members.commitment[rows] = unit(values)
        for rows, values in outcome.returns:
            members.returns[rows] = values
        if outcome.joins:
            self._join_all(outcome.joins)
        for rows, reason in outcome.exits:
            self._leave(rows, reason)
        for ids, forms in outcome.governance:
            self._govern(ids, forms)
        for absorbed, absorber in outcome.mergers:
            self._merge(absorbed, absorber)
        if outcome.joins or outcome.exits or outcome.mergers:
            world.refresh()  # transitions read the sizes
        for alliance, to_phase, cause in outcome.transitions:
            self.transition(alliance, to_phase, cause)
        if any(t[1] == DISSOLVED for t in outcome.transitions) or outcome.new_alliances:
            world.refresh()
        if outcome.joins or outcome.mergers:
            store = world.alliances
            np.maximum(
                store.peak_size[: store.count], world.size, out=store.peak_size[: store.count]
            )

    def _found_alliance(self, initiator: int, members: np.ndarray, is_open: bool) -> None:
        world = self.world
        members = members[world.load[members] < world.capacity[members]]
        if members.shape[0] < max(MIN_ALLIANCE, self.params.min_viable) or initiator not in members:
            return
        centre = world.population.values[members].mean(axis=0)
        need = world.environment.need
        mission = centre + self.params.mission_need_weight * (need - centre)
        a = world.alliances.new(self.steps, initiator, mission, is_open)
        world.members.add(a, members, self.params.founder_commitment, self.steps, founder=False)
        world.load[members] += 1
        world.alliances.peak_size[a] = members.shape[0]
        self.events.add(self.steps, a, None, FORMING, "initiated")
        self.alliance_agents[a] = Alliance(self, a)

    def _join(self, alliance: int, orgs: np.ndarray, commitment: float) -> None:
        world = self.world
        if world.alliances.phase[alliance] == DISSOLVED:
            return
        for org in np.asarray(orgs).tolist():
            if world.load[org] >= world.capacity[org]:
                continue
            if world.members.is_member(alliance, org):
                continue
            world.members.add(alliance, np.array([org]), commitment, self.steps, founder=False)
            world.load[org] += 1

    def _join_all(self, joins: list[tuple[int, np.ndarray, float]]) -> None:
        """Every ``_join`` of ``joins`` in order, with the memberships added at once."""
        world = self.world
        phase, load, capacity = world.alliances.phase, world.load, world.capacity
        current = world.members._current
        added: set[tuple[int, int]] = set()
        alliances: list[int] = []
        orgs: list[int] = []
        commitments: list[float] = []
        for alliance, candidates, commitment in joins:
            if phase[alliance] == DISSOLVED:
                continue
            for org in np.asarray(candidates).tolist():
                if load[org] >= capacity[org]:
                    continue
                if (alliance, org) in current or (alliance, org) in added:
                    continue
                added.add((alliance, org))
                alliances.append(alliance)
                orgs.append(org)
                commitments.append(commitment)
                load[org] += 1
        if orgs:
            world.members.add_many(alliances, orgs, commitments, self.steps)

    def _leave(self, rows: np.ndarray, reason: str) -> None:
        """End membership spells; a walk-out lowers the others' trust in the leaver (C10).

        A founder who leaves is missed: its alliance loses ``founder_loss`` cohesion (C8).
        """
        world = self.world
        members = world.members
        rows = np.unique(rows[members.active[rows]])
        if rows.shape[0] == 0:
            return
        members.end(rows, self.steps, reason)
        left_from = members.alliance[rows]
        founders = left_from[members.founder[rows]]
        if founders.shape[0]:
            store = world.alliances
            np.subtract.at(store.cohesion, founders, self.params.founder_loss)
            np.maximum(store.cohesion, 0.0, out=store.cohesion)
        if self.params.betrayal > 0 and reason in WALKOUTS:
            leavers = members.org[rows]
            groups = groups_of(world, np.unique(left_from))
            # Pair every leaver with every member who stays in the alliance it left.
            where = np.searchsorted(groups.ids, left_from)
            count = groups.size[where]
            offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
            stayers = groups.org[np.repeat(groups.start[where], count) + offset]
            slots = world.trust.ensure(stayers, np.repeat(leavers, count))
            world.trust.lower(slots, self.params.betrayal)

    def _govern(self, ids: np.ndarray, forms: np.ndarray) -> None:
        """Set governance forms; record a change as an event (C13)."""
        store = self.world.alliances
        changed = ids[store.governance[ids] != forms]
        forms_of = dict(zip(ids.tolist(), forms.tolist(), strict=True))
        for a in changed.tolist():
            phase = int(store.phase[a])
            self.events.add(self.steps, a, phase, phase, "governance_changed", forms_of[a])
        store.governance[ids] = forms

    def _merge(self, absorbed: int, absorber: int) -> None:
        """Members of ``absorbed`` whose values fit ``absorber``'s mission move over (C26)."""
        world = self.world
        if world.alliances.phase[absorber] == DISSOLVED:
            return
        rows = world.members.of(absorbed)
        orgs = world.members.org[rows]
        fitting = endings.movers(
            self.params, world.population.values[orgs], world.alliances.mission[absorber]
        )
        world.members.end(rows, self.steps, "absorbed")
        world.refresh()
        moving = orgs[fitting]
        self._join(absorber, moving, self.params.newcomer_commitment)

    def transition(self, alliance: int, to_phase: int, cause: str) -> None:
        """Move ``alliance`` to ``to_phase``; refuse any transition ``state.ALLOWED`` lacks."""
        store = self.world.alliances
        from_phase = int(store.phase[alliance])
        if to_phase == DISSOLVED and self._renewed_this_month(alliance, from_phase):
            # It renewed this month and fell apart before the month was out: the renewal
            # did not take, and the crisis ended the alliance (the cause is already that
            # of the phase it started the month in).
            self._undo_renewal(alliance, from_phase)
            from_phase = TRANSFORMING
        if (from_phase, to_phase) not in ALLOWED:
            raise RuntimeError(
                f"transition {PHASES[from_phase]} -> {PHASES[to_phase]} is not allowed "
                f"(alliance {alliance}, cause {cause})"
            )
        self.events.add(self.steps, alliance, from_phase, to_phase, cause)
        store.phase[alliance] = to_phase
        store.phase_since[alliance] = self.steps
        members = self.world.members
        if to_phase == FOUNDING:
            store.arrangements[alliance] = 0.0
            if not store.founded[alliance]:
                # Founders: every member of the first forming, kept for ever (C8).
                store.founded[alliance] = True
                store.founded_at[alliance] = self.steps
                rows = members.of(alliance)
                members.founder[rows] = True
                store.n_founders[alliance] = rows.shape[0]
                size, spread, complementary, trust = forming.founding_covariates(
                    self.world, alliance
                )
                store.founding_size[alliance] = size
                store.founding_value_spread[alliance] = spread
                store.founding_complementarity[alliance] = complementary
                store.founding_trust[alliance] = trust
            if store.governance_at_founding[alliance] < 0:
                store.governance_at_founding[alliance] = store.governance[alliance]
        elif to_phase == TRANSFORMING:
            store.transformations[alliance] += 1
            store.proposal_ready[alliance] = -1
            store.crisis_cause[alliance] = cause
        elif to_phase == EVOLVING and from_phase == TRANSFORMING:
            store.evolutionary_renewals[alliance] += 1
        elif to_phase == FORMING:
            store.revolutionary_renewals[alliance] += 1
        elif to_phase == DISSOLVED:
            store.ended[alliance] = self.steps
            store.ended_from[alliance] = from_phase
            store.end_cause[alliance] = cause
            reason = cause if cause in endings.AGREED else "dissolved"
            members.end(members.of(alliance), self.steps, reason)
            agent = self.alliance_agents.pop(alliance, None)
            if agent is not None:
                agent.remove()

    def _renewed_this_month(self, alliance: int, phase: int) -> bool:
        """Whether ``alliance`` started the month transforming and has renewed since."""
        started = self._start_phase
        return (
            alliance < started.shape[0]
            and started[alliance] == TRANSFORMING
            and phase in (EVOLVING, FORMING)
        )

    def _undo_renewal(self, alliance: int, phase: int) -> None:
        """Take back this month's renewal of ``alliance`` from its counts and events."""
        store = self.world.alliances
        if phase == EVOLVING:
            store.evolutionary_renewals[alliance] -= 1
            self.events.drop(self.steps, alliance, "evolutionary_renewal")
        else:
            store.revolutionary_renewals[alliance] -= 1
            self.events.drop(self.steps, alliance, "revolutionary_renewal")

    def _departures(self) -> None:
        """Members leave one by one: low commitment (C17), or attention run out (C21)."""
        world = self.world
        members = world.members
        rows = members.active_rows()
        low = rows[members.commitment[rows] < self.params.exit_commitment]
        if low.shape[0]:
            self._leave(low, "low_commitment")
            world.refresh()
        over = attention.overcommitted(world)
        if over.shape[0]:
            self._leave(over, "overcommitted")
            world.refresh()

    def _dissolve_too_small(self) -> None:
        world = self.world
        alive = world.alliances.alive()
        small = alive[world.size[alive] < self.params.min_viable]
        started = self._start_phase
        for alliance in small.tolist():
            phase = int(started[alliance]) if alliance < started.shape[0] else FORMING
            cause = TOO_SMALL[phase]
            if phase == FORMING and world.alliances.revolutionary_renewals[alliance] > 0:
                cause = "transformation_failed"  # the new forming of a renewal did not take
            self.transition(alliance, DISSOLVED, cause)
        if small.shape[0]:
            world.refresh()

    # --- recording -----------------------------------------------------------------------
    def _record(self) -> None:
        world = self.world
        store = world.alliances
        n = store.count
        phase = store.phase[:n]
        counts = np.bincount(phase, minlength=5)
        members = world.members
        rows = members.active_rows()
        touched = np.concatenate(self._touched) if self._touched else np.empty(0, dtype=np.int64)
        evolving_now = np.flatnonzero(phase == EVOLVING)
        results = store.results[evolving_now]
        results = results[~np.isnan(results)]
        alive = np.flatnonzero(phase != DISSOLVED)
        relevant = relevance(world, store.mission[alive])
        self.series.add(
            (
                self.steps,
                world.environment.pressure,
                int(counts[FORMING]),
                int(counts[FOUNDING]),
                int(counts[EVOLVING]),
                int(counts[TRANSFORMING]),
                # Means as ndarray.mean computes them (a sum, then one division), cheaper.
                np.count_nonzero(world.load) / world.load.shape[0],
                float(world.trust.value[touched].sum() / touched.size) if touched.size else np.nan,
                float(members.commitment[rows].sum() / rows.size) if rows.size else np.nan,
                float(results.sum() / results.size) if results.size else np.nan,
                float(relevant.sum() / relevant.size) if relevant.size else np.nan,
                int(store.founded[:n].sum()),
                int(counts[DISSOLVED]),
                int(store.evolutionary_renewals[:n].sum()),
                int(store.revolutionary_renewals[:n].sum()),
            )
        )

    # --- views for faces -------------------------------------------------------------------
    @property
    def pressure(self) -> float:
        """Pressure now."""
        return self.world.environment.pressure

    def shock(self, size: float = SHOCK_SIZE, duration: int = SHOCK_MONTHS) -> None:
        """Raise pressure by ``size`` from the next step on, for ``duration`` months."""
        self.world.environment.add_shock(self.steps + 1, size, duration)

    def phase_counts(self) -> dict[str, int]:
        """Number of alliances in each phase now (dissolved: ever)."""
        store = self.world.alliances
        counts = np.bincount(store.phase[: store.count], minlength=5)
        return {name: int(c) for name, c in zip(PHASES, counts, strict=True)}

    def organisation_phase(self) -> np.ndarray:
        """Per organisation: the most advanced phase of its alliances now, or -1 if unallied."""
        world = self.world
        rows = world.members.active_rows()
        phase = np.full(world.population.n, -1, dtype=np.int64)
        np.maximum.at(
            phase,
            world.members.org[rows],
            world.alliances.phase[world.members.alliance[rows]].astype(np.int64),
        )
        return phase

    def co_membership_edges(self) -> np.ndarray:
        """Organisation pairs that share an alliance now, as a (k, 2) array.

        Each alliance is drawn as a star around its first member, to keep drawings light.
        """
        world = self.world
        alive = world.alliances.alive()
        groups = groups_of(world, alive)
        hub = groups.org[groups.start[groups.group]]
        keep = groups.org != hub
        return np.column_stack([hub[keep], groups.org[keep]])

    def tables(self) -> dict[str, Any]:
        """The tidy tables of this run so far (alliances censored at the current step)."""
        return {
            "alliances": alliance_table(self.world.alliances, self.run_id, self.steps),
            "events": self.events.table(self.run_id),
            "timeseries": self.series.table(self.run_id),
            "memberships": membership_table(self.world.members, self.run_id),
        }
