"""How alliances end: well, badly or in between (C17, C20, C21, C26).

Seven causes, each with an outcome (after Reuer & Zollo 2005, who class alliance
terminations as successes, failures and the in-between):

- ``completed`` (success): the alliance met its goal for the need it served, and the need
  has moved on from its mission, so there is no larger goal worth setting; members part
  with their trust intact;
- ``absorbed`` (intermediate): in a crisis it merged into a close, healthy alliance, whose
  mission its fitting members now serve;
- ``wound_down`` (intermediate): in a crisis most members agreed it no longer paid, and
  trust was still high enough to agree; trust intact;
- ``formation_failed``, ``founding_conflict``, ``lack_of_results``,
  ``transformation_failed`` (failures): forming too long or too small, trust collapsed
  while founding, members drifted away for lack of results, or a crisis not overcome.

The cause of an ending is that of the phase the alliance was in at the start of the month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.groups import Groups
    from simulation.params import Params
    from simulation.state import World

OUTCOMES: dict[str, str] = {
    "completed": "success",
    "absorbed": "intermediate",
    "wound_down": "intermediate",
    "formation_failed": "failure",
    "founding_conflict": "failure",
    "lack_of_results": "failure",
    "transformation_failed": "failure",
}
END_CAUSES: tuple[str, ...] = tuple(OUTCOMES)
OUTCOME_KINDS: tuple[str, ...] = ("success", "intermediate", "failure")
#: Endings agreed by the members: nobody walks out on anyone, so trust is not betrayed.
AGREED: frozenset[str] = frozenset({"completed", "absorbed", "wound_down"})


def goal_reached(params: Params, relevance: np.ndarray) -> np.ndarray:
    """Per alliance whose goal is met: whether it completes (True) or sets a new goal (C14).

    The need it served has moved on when its mission's relevance is below
    ``completion_relevance``: the mission is accomplished and the alliance ends well.
    Otherwise the members set a new, larger goal for the same need.
    """
    return relevance < params.completion_relevance


def agree_to_end(
    params: Params,
    groups: Groups,
    commitment: np.ndarray,
    trust: np.ndarray,
    votes: np.ndarray,
) -> np.ndarray:
    """Per group: the members agree to wind the alliance down (C21).

    Agreement needs a share ``wind_down_share`` of members who have lost the will to go
    on (commitment below ``wind_down_commitment``, or a vote to end) and a mean trust of at least
    ``wind_down_trust``: without trust a crisis ends in failure, not in agreement. Since
    commitment follows each member's satisfaction month by month, when that happens
    comes out of what the members go through, not out of a timer.
    """
    done = (commitment < params.wind_down_commitment) | votes
    return (groups.mean(done.astype(float)) >= params.wind_down_share) & (
        trust >= params.wind_down_trust
    )


def movers(params: Params, values: np.ndarray, missions: np.ndarray) -> np.ndarray:
    """Which members (rows of ``values``) fit a mission well enough to move over in a merger.

    ``missions`` is one mission (a mask per member) or several (a row of masks each).
    """
    from simulation.behaviour.commitment import fit

    return fit(params, values, np.asarray(missions)[..., None, :]) >= params.admission_fit


def absorbers(
    world: World,
    ids: np.ndarray,
    relevance: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Per transforming alliance in ``ids``: a healthy alliance that takes it over, or -1.

    Each month, with probability ``absorption_rate``, a transforming alliance considers
    ``absorption_candidates`` evolving alliances that are doing well (results at or
    above aspiration) and more relevant than it; it merges into the closest whose mission
    is similar by at least ``absorption_fit`` and that at least ``absorption_movers`` of
    its members fit well enough to be admitted (``admission_fit``): a merger carries
    members over, or it is no merger.
    """
    from simulation.population import distance
    from simulation.state import EVOLVING

    p = world.params
    store = world.alliances
    out = np.full(ids.shape[0], -1, dtype=np.int64)
    healthy = store.in_phase(EVOLVING)
    healthy = healthy[store.results_trend[healthy] >= store.aspiration[healthy]]
    if healthy.shape[0] == 0:
        return out
    trying = np.flatnonzero(rng.random(ids.shape[0]) < p.absorption_rate)
    for k in trying.tolist():
        sample = healthy[rng.integers(healthy.shape[0], size=p.absorption_candidates)]
        similar = 1.0 - distance(store.mission[sample], store.mission[ids[k]])
        need = world.environment.need
        their_relevance = 1.0 - distance(store.mission[sample], need) / p.relevance_scale
        good = (similar >= p.absorption_fit) & (their_relevance > relevance[k])
        if good.any():
            values = world.population.values[world.members.org[world.members.of(int(ids[k]))]]
            moving = movers(p, values, store.mission[sample[good]]).sum(axis=1)
            good[good] = moving >= p.absorption_movers
        if good.any():
            out[k] = int(sample[np.flatnonzero(good)[np.argmax(similar[good])]])
    return out
