"""The theory's vocabulary as the classroom faces show it, marked for translation.

Each mapping goes from the code the model and its tables use (``forming``,
``lack_of_results``, ``C20``) to an English label marked with ``N_``; a face translates it
where it is shown::

    from simulation.i18n import translator
    from simulation.terms import PHASES

    _ = translator("es")
    _(PHASES["forming"])                 # 'formar'

Dutch labels use the theory's own terms (formeren, funderen, evolueren, transformeren),
Spanish ones their equivalents (formar, fundar, evolucionar, transformar). Nothing here
imports the model, so the classroom server can use it too.
"""

from __future__ import annotations

import re

from simulation.i18n import N_

#: The phases, in lifecycle order, and the end.
PHASES: dict[str, str] = {
    "forming": N_("forming"),
    "founding": N_("founding"),
    "evolving": N_("evolving"),
    "transforming": N_("transforming"),
    "dissolved": N_("dissolved"),
}

#: One plain sentence per living phase.
PHASE_SENTENCES: dict[str, str] = {
    "forming": N_("Organisations get to know each other, build trust and seek a shared mission."),
    "founding": N_("Partners agree on roles, contributions, costs and how decisions are made."),
    "evolving": N_("The alliance sets ambitious goals and delivers results."),
    "transforming": N_(
        "Under pressure or loss of meaning the alliance must reinvent itself, or it ends."
    ),
}

#: The two ways out of transforming that keep the alliance alive (C26).
RENEWALS: dict[str, str] = {
    "evolutionary": N_("evolutionary renewal"),
    "revolutionary": N_("revolutionary renewal"),
}

#: One plain sentence per renewal.
RENEWAL_SENTENCES: dict[str, str] = {
    "evolutionary": N_("adapts and goes on evolving"),
    "revolutionary": N_("starts again from forming"),
}

#: Why an alliance ended (the ``end_cause`` column).
END_CAUSES: dict[str, str] = {
    "formation_failed": N_("formation failed"),
    "founding_conflict": N_("conflict while founding"),
    "lack_of_results": N_("lack of results"),
    "transformation_failed": N_("transformation failed"),
    "completed": N_("mission completed"),
    "absorbed": N_("absorbed"),
    "wound_down": N_("wound down"),
}

#: How an end counts (the ``end_outcome`` column), in the order the faces show them.
END_OUTCOMES: dict[str, str] = {
    "success": N_("success"),
    "intermediate": N_("intermediate"),
    "failure": N_("failure"),
}

#: Forms of governance (the ``governance`` column; Provan & Kenis's three forms).
GOVERNANCE: dict[str, str] = {
    "shared": N_("shared governance"),
    "lead_organisation": N_("lead organisation"),
    "administrative_organisation": N_("administrative organisation"),
}

#: The claims of the theory, one short line each (docs/THEORY.md has them in full).
CLAIMS: dict[str, str] = {
    "C1": N_("The four phases are not linear: they recur, full of tensions."),
    "C2": N_("Forming: partners get to know each other; trust and relationships come first."),
    "C3": N_("Different partners bring innovation, but trust grows more easily between equals."),
    "C4": N_("In the first exploration few parties are excluded."),
    "C5": N_("A few initiators who know each other start; fear of exclusion draws others in."),
    "C6": N_("Forming means finding partners, a mission, values, goals and a governance model."),
    "C7": N_("A meaningful, appealing mission gives the alliance stability."),
    "C8": N_("The founding members keep a leading role almost for ever."),
    "C9": N_("Founding settles each partner's position, contribution and power."),
    "C10": N_("Agreements on investments, costs and returns prevent conflicts of interest."),
    "C11": N_("Partners exchange knowledge and look for a common identity."),
    "C12": N_("Growth in members brings organisational choices."),
    "C13": N_("Governance takes shape; larger alliances appoint a professional team."),
    "C14": N_("Evolving: the partnership sets ambitious goals and delivers results."),
    "C15": N_("Closed alliances admit few newcomers; open ones keep growing."),
    "C16": N_("Visible results keep partners investing."),
    "C17": N_("Without results the cooperation comes under pressure and falls apart."),
    "C18": N_("Ways of working, roles and tolerating differences are central."),
    "C19": N_("A healthy alliance develops without a forced radical transformation."),
    "C20": N_("Pressure or loss of meaning forces transformation; many alliances then end."),
    "C21": N_("Keep innovating when results lag and pressure rises."),
    "C22": N_("Tackling stagnation needs visionary, often shared, leadership."),
    "C23": N_("Alliances run through the four phases again and again."),
    "C24": N_("Care in forming and founding helps with the tensions later on."),
    "C25": N_("A shared mission, vision and values give stability while evolving."),
    "C26": N_("Transforming is evolutionary or revolutionary (a complete renewal)."),
    "C27": N_("Foresight should begin while evolving, before trouble comes."),
}

_CLAIM_CODE = re.compile(r"\bC(\d{1,2})\b")


def claim_codes(text: str) -> list[str]:
    """The claim codes in ``text``, in order, e.g. ``['C20', 'C26']`` (ranges: both ends)."""
    return [f"C{number}" for number in _CLAIM_CODE.findall(text) if f"C{number}" in CLAIMS]
