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


def span(params: Params, form: np.ndarray) -> np.ndarray:
    """Size at which each form coordinates half as well."""
    spans = np.array([params.shared_span, params.lead_span, params.nao_span])
    return spans[form]


def decision_quality(
    params: Params,
    form: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
) -> np.ndarray:
    """How good decisions are under each form, in [0, 1]."""
    return np.select(
        [form == SHARED, form == LEAD],
        [np.sqrt(trust * consensus), lead_trust * (1.0 - params.lead_dominance)],
        default=params.nao_quality,
    )


def coordination(
    params: Params,
    form: np.ndarray,
    size: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
) -> np.ndarray:
    """How well work is coordinated, in [0, 1] (C18): decision quality over span."""
    reach = 1.0 / (1.0 + (size / span(params, form)) ** 2)
    return decision_quality(params, form, trust, consensus, lead_trust) * reach


def overhead(params: Params, form: np.ndarray) -> np.ndarray:
    """Results spent each month on running the form."""
    return np.array([0.0, params.lead_overhead, params.nao_overhead])[form]


def competence(params: Params, form: np.ndarray) -> np.ndarray:
    """Network-level competence the form brings on every capability."""
    return np.where(form == NAO, params.nao_competence, 0.0)


def worth_of(
    params: Params,
    form: np.ndarray,
    size: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
    competence_gain: np.ndarray,
) -> np.ndarray:
    """What a form adds to the alliance's results each month, net of its overhead.

    ``competence_gain`` is what the network-level competences would add to the members'
    combined capabilities (only the administrative form brings them).
    """
    coordinated = params.weight_coordination * coordination(
        params, form, size, trust, consensus, lead_trust
    )
    gain = np.where(form == NAO, params.weight_capability * competence_gain, 0.0)
    return coordinated + gain - overhead(params, form)


def compare(
    params: Params,
    size: np.ndarray,
    trust: np.ndarray,
    consensus: np.ndarray,
    lead_trust: np.ndarray,
    competence_gain: np.ndarray,
) -> np.ndarray:
    """Worth of every form for every alliance: shape (alliances, 3)."""
    return np.column_stack(
        [
            worth_of(
                params,
                np.full(size.shape[0], form),
                size,
                trust,
                consensus,
                lead_trust,
                competence_gain,
            )
            for form in range(len(FORMS))
        ]
    )


def choose(*args: np.ndarray, params: Params) -> np.ndarray:
    """The form worth most to each alliance (arguments as for ``compare``)."""
    return np.argmax(compare(params, *args), axis=1).astype(np.int8)
