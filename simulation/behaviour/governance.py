"""Governance forms, after Provan & Kenis (2008): shared, lead organisation, administrative.

Each form has its costs and benefits (C9, C12, C13, C18):

- ``shared``: no overhead, but it decides only as well as the members trust each other and
  agree (the geometric mean of trust and consensus), and its span is short;
- ``lead_organisation``: one central, trusted member leads: a longer span and decisions as
  good as the others' trust in the lead, at a small overhead; the others depend on the
  lead: they defer (decision quality falls by ``lead_dominance``) and feel it as
  unfairness, and they miss the lead when it goes;
- ``administrative_organisation``: a professional team: the longest span, decisions of a
  set quality whatever the trust, network-level competences on every capability
  (``nao_competence``), at the highest overhead.

An alliance chooses the form that is worth most to it at founding (size, trust density,
goal consensus, the lead's standing, the competences it lacks) and reorganises when it
outgrows its form: when another form would be worth ``governance_margin`` more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.params import Params

FORMS: tuple[str, ...] = ("shared", "lead_organisation", "administrative_organisation")
SHARED, LEAD, NAO = range(3)


def spans(params: Params) -> np.ndarray:
    """Size at which each form coordinates half as well, by form code."""
    return np.array([params.shared_span, params.lead_span, params.nao_span])


def span(params: Params, form: np.ndarray) -> np.ndarray:
    """Size at which each alliance's form coordinates half as well."""
    return spans(params)[form]


def overheads(params: Params) -> np.ndarray:
    """Results spent each month on running each form, by form code."""
    return np.array([0.0, params.lead_overhead, params.nao_overhead])


def qualities(
    params: Params, trust: np.ndarray, consensus: np.ndarray, lead_trust: np.ndarray
) -> np.ndarray:
    """How good decisions would be under each form, shape (alliances, 3), in [0, 1]."""
    out = np.empty((trust.shape[0], 3))
    out[:, 0] = np.sqrt(trust * consensus)
    out[:, 1] = lead_trust * (1.0 - params.lead_dominance)
    out[:, 2] = params.nao_quality
    return out


def reaches(params: Params, size: np.ndarray) -> np.ndarray:
    """How far each form's coordination reaches at each size, shape (alliances, 3)."""
    return 1.0 / (1.0 + (np.asarray(size, dtype=float)[:, None] / spans(params)[None, :]) ** 2)


def coordination(
    params: Params,
    form: np.ndarray,
    size: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
) -> np.ndarray:
    """How well work is coordinated under each alliance's form, in [0, 1] (C18)."""
    rows = np.arange(form.shape[0])
    quality = qualities(params, trust, consensus, lead_trust)[rows, form]
    return quality / (1.0 + (size / span(params, form)) ** 2)


def overhead(params: Params, form: np.ndarray) -> np.ndarray:
    """Results spent each month on running each alliance's form."""
    return overheads(params)[form]


def competence(params: Params, form: np.ndarray) -> np.ndarray:
    """Network-level competence the form brings on every capability."""
    return np.where(form == NAO, params.nao_competence, 0.0)


def compare(
    params: Params,
    size: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
    competence_gain: np.ndarray,
) -> np.ndarray:
    """What each form would add to each alliance's results a month, net: (alliances, 3).

    Coordination (decision quality over reach) at ``weight_coordination``, less the
    overhead; the administrative form adds what its network-level competences would add
    to the members' combined capabilities (``competence_gain``).
    """
    worth = params.weight_coordination * qualities(params, trust, consensus, lead_trust)
    worth *= reaches(params, size)
    worth -= overheads(params)[None, :]
    worth[:, NAO] += params.weight_capability * competence_gain
    return worth


def choose(*args: np.ndarray, params: Params) -> np.ndarray:
    """The form worth most to each alliance (arguments as for ``compare``)."""
    return np.argmax(compare(params, *args), axis=1).astype(np.int8)
