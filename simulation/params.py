"""The model's parameters: one validated, frozen dataclass.

Every field carries its default, allowed range, unit and meaning in its metadata, which
``alliances params`` prints (by group, with the claim each serves). Construction validates
names, types and ranges and fails with one line naming the field; unknown names suggest the
nearest valid one. Time is in months (one step is one month).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import numbers
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from simulation.errors import ParameterError
from simulation.schedules import schedule_from_value, schedule_to_json

Arrangement = Literal["equal", "proportional"]


def _p(default: Any, low: Any, high: Any, unit: str, meaning: str, group: str, claim: str) -> Any:
    return field(
        default=default,
        metadata={
            "low": low,
            "high": high,
            "unit": unit,
            "meaning": meaning,
            "group": group,
            "claim": claim,
        },
    )


@dataclass(frozen=True)
class Params:
    """All parameters of one run. Build with ``Params(**kw)`` or ``Params.from_mapping``."""

    # --- run -----------------------------------------------------------------------------
    n_organisations: int = _p(
        300, 2, 200000, "organisations", "Number of organisations.", "run", "-"
    )
    steps: int = _p(240, 1, 6000, "months", "Horizon of a run (one step is one month).", "run", "-")
    seed: int = _p(
        0, 0, 9223372036854775807, "-", "Seed of the model's one random generator.", "run", "-"
    )
    warmup: int = _p(
        0,
        0,
        6000,
        "months",
        "Alliances born before this month are left out of the run summaries (steady-state "
        "cohorts).",
        "run",
        "-",
    )

    # --- population ----------------------------------------------------------------------
    value_dims: int = _p(
        4, 1, 16, "dimensions", "Dimensions of the value space.", "population", "C3"
    )
    capability_dims: int = _p(
        4,
        1,
        16,
        "dimensions",
        "Dimensions of capabilities (what a member brings).",
        "population",
        "C3",
    )
    n_communities: int = _p(
        4,
        1,
        64,
        "communities",
        "Value communities the population is drawn from.",
        "population",
        "C3",
    )
    value_diversity: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Spread of values around community centres (0 alike, 1 scattered).",
        "population",
        "C3",
    )
    value_spread_floor: float = _p(
        0.03,
        0.0,
        0.5,
        "distance",
        "Spread of values around a community centre at value_diversity 0.",
        "population",
        "C3",
    )
    value_spread_scale: float = _p(
        0.4,
        0.0,
        1.0,
        "distance",
        "Extra spread of values per unit of value_diversity.",
        "population",
        "C3",
    )
    community_specialisation: float = _p(
        0.7,
        0.0,
        1.0,
        "share",
        "Chance that an organisation's specialty is its community's (communities specialise, so "
        "alike partners complement each other less).",
        "population",
        "C3",
    )
    specialty_level: float = _p(
        0.77,
        0.0,
        1.0,
        "capability",
        "Mean capability in an organisation's specialty.",
        "population",
        "C3",
    )
    other_capability: float = _p(
        0.27, 0.0, 1.0, "capability", "Mean capability outside the specialty.", "population", "C3"
    )
    trait_concentration: float = _p(
        4.0,
        0.5,
        100.0,
        "-",
        "Concentration of the beta draws of traits and capabilities around their means (higher: "
        "less spread).",
        "population",
        "-",
    )
    tie_density: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Density of prior ties: 1 means max_acquaintances acquaintances on average.",
        "population",
        "C5",
    )
    max_acquaintances: int = _p(
        20,
        1,
        1000,
        "organisations",
        "Mean number of prior ties at tie_density 1.",
        "population",
        "C5",
    )
    tie_homophily: float = _p(
        0.8,
        0.0,
        1.0,
        "share",
        "Share of prior ties inside one's own value community.",
        "population",
        "C5",
    )
    drive: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Population mean of drive, the propensity to initiate.",
        "population",
        "C2",
    )
    fear_of_exclusion: float = _p(
        0.3, 0.0, 1.0, "share", "Population mean of fear of being excluded.", "population", "C5"
    )
    leadership: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Population mean of visionary leadership capacity.",
        "population",
        "C22",
    )
    openness: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Population mean of openness to invitations and strangers.",
        "population",
        "C4",
    )

    # --- attention -----------------------------------------------------------------------
    attention_budget: float = _p(
        1.0,
        0.1,
        10.0,
        "engagement",
        "Mean attention an organisation can give to alliances at full slack.",
        "attention",
        "C16",
    )
    attention_spread: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "How far budgets vary around the mean (0.5: from half to one and a half times it).",
        "attention",
        "C16",
    )
    min_engagement: float = _p(
        0.4,
        0.01,
        10.0,
        "engagement",
        "Least attention an alliance needs from a member; an organisation joins only while its "
        "budget covers this for every alliance (capacity).",
        "attention",
        "C16",
    )
    full_engagement: float = _p(
        0.5,
        0.01,
        10.0,
        "engagement",
        "Attention at which a member brings its full capability to an alliance.",
        "attention",
        "C16",
    )
    outside_spread: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "How far organisations' outside options vary around the mean (0.3: by up to 30%).",
        "attention",
        "C16",
    )
    outside_drift: float = _p(
        0.06,
        0.0,
        1.0,
        "share per month",
        "Monthly change in an organisation's outside option, as a share of the mean (its "
        "opportunities elsewhere come and go).",
        "attention",
        "C16",
    )
    outside_reversion: float = _p(
        0.03,
        0.0,
        1.0,
        "per month",
        "Rate at which an organisation's outside option returns to its usual level.",
        "attention",
        "C16",
    )
    outside_option: float = _p(
        0.52,
        0.0,
        2.0,
        "results per engagement",
        "What a unit of attention earns outside the alliances; membership must beat it to be "
        "worth it.",
        "attention",
        "C16",
    )

    # --- environment ---------------------------------------------------------------------
    pressure: float = _p(
        0.3, 0.0, 1.0, "share", "Constant level of environmental pressure.", "environment", "C20"
    )
    pressure_schedule: tuple = _p(
        (),
        None,
        None,
        "components",
        "Shapes added to the pressure level: ramp, shock, periodic, random_shocks.",
        "environment",
        "C20",
    )
    need_drift: float = _p(
        0.007,
        0.0,
        0.2,
        "per month",
        "Standard deviation of the monthly change in the need's velocity at zero pressure.",
        "environment",
        "C21",
    )
    need_persistence: float = _p(
        0.95,
        0.0,
        0.999,
        "share",
        "How much of last month's movement of the need carries over (a trend foresight can read).",
        "environment",
        "C27",
    )
    pressure_need_drift: float = _p(
        2.0,
        0.0,
        20.0,
        "per unit pressure",
        "Channel 1: the need's drift grows by this factor per unit of pressure.",
        "environment",
        "C20",
    )
    pressure_need_jump: float = _p(
        0.5,
        0.0,
        5.0,
        "distance per unit rise",
        "Channel 2: jump of the need per unit of sudden pressure rise.",
        "environment",
        "C20",
    )
    pressure_squeeze: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Channel 3: share of the organisations' slack (contribution and attention) lost at full "
        "pressure.",
        "environment",
        "C21",
    )
    relevance_scale: float = _p(
        0.5,
        0.05,
        2.0,
        "distance",
        "Mission-need distance at which relevance falls to zero.",
        "environment",
        "C7",
    )

    # --- trust ---------------------------------------------------------------------------
    trust_baseline: float = _p(
        0.2,
        0.0,
        1.0,
        "trust",
        "Trust between strangers, and where idle trust decays to.",
        "trust",
        "C2",
    )
    prior_trust: float = _p(
        0.35, 0.0, 1.0, "trust", "Mean initial trust between acquaintances.", "trust", "C5"
    )
    prior_trust_spread: float = _p(
        0.1,
        0.0,
        1.0,
        "trust",
        "Standard deviation of initial trust between acquaintances.",
        "trust",
        "C5",
    )
    trust_gain: float = _p(
        0.08,
        0.0,
        1.0,
        "per month",
        "Rate at which trust rises with good experience.",
        "trust",
        "C2",
    )
    trust_loss: float = _p(
        0.2, 0.0, 1.0, "per month", "Rate at which trust falls with bad experience.", "trust", "C2"
    )
    trust_decay: float = _p(
        0.01, 0.0, 1.0, "per month", "Decay of idle trust toward the baseline.", "trust", "C2"
    )
    trust_similarity_weight: float = _p(
        0.5,
        0.0,
        1.0,
        "weight",
        "Weight of value similarity (against shared experience) in what trust moves toward.",
        "trust",
        "C3",
    )
    betrayal: float = _p(
        0.3,
        0.0,
        1.0,
        "trust",
        "Trust lost toward a member who walks out on an alliance.",
        "trust",
        "C10",
    )
    interactions: int = _p(
        8,
        1,
        1000,
        "co-members",
        "Co-members a member deals with per month, at most.",
        "trust",
        "C2",
    )

    # --- commitment ----------------------------------------------------------------------
    commitment_rate: float = _p(
        0.1,
        0.0,
        1.0,
        "per month",
        "Rate at which a member's commitment follows its satisfaction.",
        "commitment",
        "C16",
    )
    exit_commitment: float = _p(
        0.311,
        0.0,
        1.0,
        "commitment",
        "A member whose commitment falls below this leaves.",
        "commitment",
        "C17",
    )
    weight_worth: float = _p(
        0.4,
        0.0,
        1.0,
        "weight",
        "Weight of worth (own return per unit of attention against the outside option) in "
        "satisfaction.",
        "commitment",
        "C16",
    )
    weight_fit: float = _p(
        0.2,
        0.0,
        1.0,
        "weight",
        "Weight of fit with the mission in satisfaction.",
        "commitment",
        "C25",
    )
    weight_trust: float = _p(
        0.2,
        0.0,
        1.0,
        "weight",
        "Weight of trust in the co-members in satisfaction.",
        "commitment",
        "C2",
    )
    weight_fairness: float = _p(
        0.2,
        0.0,
        1.0,
        "weight",
        "Weight of perceived fairness in satisfaction.",
        "commitment",
        "C10",
    )
    worth_scale: float = _p(
        0.15,
        0.01,
        2.0,
        "results per engagement",
        "How sharply worth turns from 0 to 1 around the outside option.",
        "commitment",
        "C16",
    )
    fit_scale: float = _p(
        0.5,
        0.05,
        2.0,
        "distance",
        "Value-mission distance at which fit falls to zero.",
        "commitment",
        "C25",
    )
    founder_commitment: float = _p(
        0.6,
        0.0,
        1.0,
        "commitment",
        "Commitment of those who join while the alliance is forming.",
        "commitment",
        "C8",
    )
    newcomer_commitment: float = _p(
        0.5, 0.0, 1.0, "commitment", "Commitment of a newcomer admitted later.", "commitment", "C15"
    )
    founder_weight: float = _p(
        1.5,
        1.0,
        10.0,
        "ratio",
        "Weight of founders, against other members, in mission negotiation and leadership.",
        "commitment",
        "C8",
    )
    founder_loss: float = _p(
        0.1,
        0.0,
        1.0,
        "cohesion",
        "Cohesion an alliance loses when a founder leaves (founders are missed).",
        "commitment",
        "C8",
    )

    # --- forming -------------------------------------------------------------------------
    initiation_rate: float = _p(
        0.01,
        0.0,
        1.0,
        "per month",
        "Chance that an organisation of drive 1 starts an alliance.",
        "forming",
        "C2",
    )
    initiators: int = _p(
        3, 1, 20, "organisations", "Partners an initiator invites at the start.", "forming", "C5"
    )
    forming_invitations: int = _p(
        1,
        1,
        20,
        "organisations",
        "Partners a forming alliance still short of members invites each month.",
        "forming",
        "C4",
    )
    strangers_considered: int = _p(
        6,
        0,
        1000,
        "organisations",
        "Strangers an inviter considers besides its acquaintances.",
        "forming",
        "C4",
    )
    invite_temperature: float = _p(
        0.3,
        0.01,
        10.0,
        "score",
        "Noise in choosing whom to invite (higher: less picky).",
        "forming",
        "C3",
    )
    seek_similarity: float = _p(
        1.0,
        0.0,
        5.0,
        "weight",
        "Weight of value similarity in how attractive a partner looks.",
        "forming",
        "C3",
    )
    seek_trust: float = _p(
        1.0,
        0.0,
        5.0,
        "weight",
        "Weight of trust in how attractive a partner looks.",
        "forming",
        "C2",
    )
    seek_complementarity: float = _p(
        1.0,
        0.0,
        5.0,
        "weight",
        "Weight of complementary capabilities in how attractive a partner looks.",
        "forming",
        "C3",
    )
    accept_similarity: float = _p(
        0.45,
        0.0,
        1.0,
        "weight",
        "Weight of likeness to the inviter in accepting an invitation.",
        "forming",
        "C3",
    )
    accept_trust: float = _p(
        0.45,
        0.0,
        1.0,
        "weight",
        "Weight of trust in the inviter in accepting an invitation.",
        "forming",
        "C2",
    )
    accept_fear: float = _p(
        0.3,
        0.0,
        1.0,
        "weight",
        "Weight of fear of exclusion in accepting an invitation.",
        "forming",
        "C5",
    )
    accept_openness: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "How much acceptance depends on openness (0: not at all).",
        "forming",
        "C4",
    )
    renegotiation: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Share of the negotiation rate at which a new forming after a revolutionary renewal "
        "renegotiates its new mission (0: the new mission stands as adopted).",
        "forming",
        "C26",
    )
    forming_care: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Care in forming: stricter thresholds for founding and more exploration of partners.",
        "forming",
        "C24",
    )
    care_exploration: int = _p(
        6,
        0,
        1000,
        "organisations",
        "Extra candidates an inviter considers at full care.",
        "forming",
        "C24",
    )
    min_members: int = _p(
        3, 2, 50, "organisations", "Members an alliance needs to be founded.", "forming", "C6"
    )
    target_size: int = _p(
        5,
        2,
        500,
        "organisations",
        "Size up to which a forming alliance keeps inviting.",
        "forming",
        "C4",
    )
    max_forming_steps: int = _p(
        12,
        1,
        600,
        "months",
        "Forming that lasts longer than this (plus care_patience times care) fails "
        "(formation_failed).",
        "forming",
        "C24",
    )
    care_patience: int = _p(
        12,
        0,
        600,
        "months",
        "Extra months a forming alliance is given at full care: careful partners explore "
        "longer before they give up.",
        "forming",
        "C24",
    )
    trust_needed_careless: float = _p(
        0.3, 0.0, 1.0, "trust", "Mean mutual trust needed for founding at care 0.", "forming", "C24"
    )
    trust_needed_careful: float = _p(
        0.5, 0.0, 1.0, "trust", "Mean mutual trust needed for founding at care 1.", "forming", "C24"
    )
    consensus_needed_careless: float = _p(
        0.45,
        0.0,
        1.0,
        "fit",
        "Mean fit with the mission needed for founding at care 0.",
        "forming",
        "C24",
    )
    consensus_needed_careful: float = _p(
        0.7,
        0.0,
        1.0,
        "fit",
        "Mean fit with the mission needed for founding at care 1.",
        "forming",
        "C24",
    )
    misfit_fit: float = _p(
        0.15,
        0.0,
        1.0,
        "fit",
        "A forming member whose fit with the emerging mission is below this drops out.",
        "forming",
        "C4",
    )
    leave_out_chance: float = _p(
        0.5,
        0.0,
        1.0,
        "probability per month",
        "Chance each month that a forming group with members to spare and short of "
        "consensus leaves out the member who fits its mission least (0: nobody is left out).",
        "forming",
        "C4",
    )
    mission_need_weight: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "How far a negotiated mission leans from the members' values toward the need (a "
        "meaningful mission).",
        "forming",
        "C7",
    )
    negotiation_rate: float = _p(
        0.3,
        0.0,
        1.0,
        "per month",
        "Rate at which the mission moves toward what the members negotiate.",
        "forming",
        "C6",
    )

    # --- founding ------------------------------------------------------------------------
    arrangement: Arrangement = _p(
        "equal",
        None,
        None,
        "-",
        "How returns are shared: 'equal' or 'proportional' to contribution.",
        "founding",
        "C10",
    )
    governance_rate: float = _p(
        0.25,
        0.0,
        1.0,
        "per month",
        "Progress in building arrangements per month at full trust.",
        "founding",
        "C13",
    )
    proportional_slowdown: float = _p(
        0.2,
        0.0,
        1.0,
        "share",
        "How much slower arrangements are built under a proportional arrangement (more to "
        "negotiate).",
        "founding",
        "C10",
    )
    crowding_size: int = _p(
        4,
        1,
        1000,
        "members",
        "Size beyond which building arrangements slows down.",
        "founding",
        "C12",
    )
    unfairness_sensitivity: float = _p(
        3.0,
        0.0,
        20.0,
        "per unit",
        "How strongly a member feels short-changed per unit of excess contribution.",
        "founding",
        "C10",
    )
    exchange_rate: float = _p(
        0.05,
        0.0,
        1.0,
        "per month",
        "Rate at which knowledge exchange builds cohesion at full trust.",
        "founding",
        "C11",
    )
    conflict_trust: float = _p(
        0.15,
        0.0,
        1.0,
        "trust",
        "Mean trust below which founding ends in conflict (founding_conflict).",
        "founding",
        "C10",
    )

    # --- governance ----------------------------------------------------------------------
    shared_span: float = _p(
        6.0,
        1.0,
        1000.0,
        "members",
        "Size at which shared governance coordinates half as well.",
        "governance",
        "C13",
    )
    lead_span: float = _p(
        14.0,
        1.0,
        1000.0,
        "members",
        "Size at which a lead organisation coordinates half as well.",
        "governance",
        "C13",
    )
    nao_span: float = _p(
        40.0,
        1.0,
        10000.0,
        "members",
        "Size at which an administrative organisation coordinates half as well.",
        "governance",
        "C13",
    )
    lead_overhead: float = _p(
        0.015,
        0.0,
        1.0,
        "results",
        "Results spent per month on running a lead organisation.",
        "governance",
        "C13",
    )
    nao_overhead: float = _p(
        0.04,
        0.0,
        1.0,
        "results",
        "Results spent per month on an administrative organisation (a professional team).",
        "governance",
        "C13",
    )
    nao_quality: float = _p(
        0.55,
        0.0,
        1.0,
        "share",
        "Quality of decisions of an administrative organisation (independent of trust).",
        "governance",
        "C13",
    )
    nao_competence: float = _p(
        0.5,
        0.0,
        1.0,
        "capability",
        "Network-level competence an administrative organisation brings on every capability.",
        "governance",
        "C13",
    )
    lead_dominance: float = _p(
        0.2,
        0.0,
        1.0,
        "unfairness",
        "Unfairness the other members feel under a lead organisation (dependence on the lead).",
        "governance",
        "C9",
    )
    governance_margin: float = _p(
        0.01,
        0.0,
        1.0,
        "coordination",
        "How much better another form must be before an evolving alliance reorganises (outgrown).",
        "governance",
        "C12",
    )

    # --- evolving ------------------------------------------------------------------------
    results_base: float = _p(
        0.1,
        -1.0,
        1.0,
        "results",
        "Results of an alliance with nothing going for it.",
        "evolving",
        "C16",
    )
    weight_capability: float = _p(
        0.5,
        0.0,
        2.0,
        "weight",
        "Weight of the members' engaged capabilities in results.",
        "evolving",
        "C16",
    )
    weight_relevance: float = _p(
        0.3,
        0.0,
        2.0,
        "weight",
        "Weight of the mission's relevance to the need in results.",
        "evolving",
        "C7",
    )
    weight_cohesion: float = _p(
        0.15, 0.0, 2.0, "weight", "Weight of cohesion in results.", "evolving", "C11"
    )
    weight_coordination: float = _p(
        0.15, 0.0, 2.0, "weight", "Weight of coordination in results.", "evolving", "C18"
    )
    complementarity: float = _p(
        0.6,
        0.0,
        1.0,
        "share",
        "Task interdependence: share of the work that needs the members' capabilities combined "
        "(the best member per capability) rather than added up.",
        "evolving",
        "C3",
    )
    results_noise: float = _p(
        0.1,
        0.0,
        1.0,
        "results",
        "Standard deviation of the monthly results noise.",
        "evolving",
        "C16",
    )
    trend_weight: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Weight of this month's results in the smoothed trend.",
        "evolving",
        "C14",
    )
    pleased_scale: float = _p(
        0.15,
        0.01,
        2.0,
        "results",
        "How sharply members' pleasure with results turns from 0 to 1 around the "
        "aspiration; it is the shared experience that moves trust in evolving.",
        "evolving",
        "C2",
    )
    aspiration_rate: float = _p(
        0.1,
        0.0,
        1.0,
        "per month",
        "Rate at which aspiration follows the results trend.",
        "evolving",
        "C14",
    )
    ambition: float = _p(
        0.124,
        0.0,
        1.0,
        "results",
        "After success, aspiration aims this far above the trend (more ambitious goals).",
        "evolving",
        "C14",
    )
    social_aspiration: float = _p(
        0.554,
        0.0,
        1.0,
        "share",
        "Weight of the peers' results (the mean results trend of the evolving alliances) in "
        "what an alliance's aspiration follows; the rest is its own trend (social "
        "comparison, Greve 2003).",
        "evolving",
        "C14",
    )
    fallback_rate: float = _p(
        0.2,
        0.0,
        1.0,
        "per month",
        "Rate at which aspiration falls back toward the trend after failures.",
        "evolving",
        "C14",
    )
    stagnation_window: int = _p(
        12,
        1,
        600,
        "months",
        "Window (months) of the moving average of the shortfall below aspiration.",
        "evolving",
        "C21",
    )
    stagnation_tolerance: float = _p(
        0.03,
        0.0,
        1.0,
        "results",
        "Average shortfall over the window that counts as stagnation.",
        "evolving",
        "C21",
    )
    transform_hazard: float = _p(
        0.147,
        0.0,
        1.0,
        "per month",
        "Chance per month that a stagnating, irrelevant or meaningless alliance faces it "
        "and starts transforming.",
        "evolving",
        "C22",
    )
    relevance_lost: float = _p(
        0.2,
        0.0,
        1.0,
        "relevance",
        "Relevance below which an alliance has lost its relevance.",
        "evolving",
        "C20",
    )
    meaning_lost: float = _p(
        0.45,
        0.0,
        1.0,
        "commitment",
        "Mean commitment below which the alliance has lost its meaning.",
        "evolving",
        "C20",
    )
    foresight: float = _p(
        0.2,
        0.0,
        1.0,
        "share",
        "How much the alliance looks ahead: the mission moves toward where the need is heading.",
        "evolving",
        "C27",
    )
    foresight_start: float = _p(
        0.7,
        0.0,
        1.0,
        "share",
        "Share of the arrangements built from which foresight begins in founding.",
        "evolving",
        "C27",
    )
    adaptation_rate: float = _p(
        0.01,
        0.0,
        1.0,
        "per month",
        "Mission movement per month toward the need as it is now, without foresight (reacting "
        "rather than anticipating).",
        "evolving",
        "C7",
    )
    foresight_rate: float = _p(
        0.05,
        0.0,
        1.0,
        "per month",
        "Mission movement per month toward the anticipated need, at full foresight.",
        "evolving",
        "C27",
    )
    foresight_horizon: int = _p(
        24, 0, 600, "months", "How far ahead foresight looks.", "evolving", "C27"
    )
    foresight_cost: float = _p(
        0.1,
        0.0,
        1.0,
        "results",
        "Results given up per month at full foresight (attention spent on the future).",
        "evolving",
        "C27",
    )
    goal_size: float = _p(
        10.0,
        0.1,
        10000.0,
        "impact",
        "Impact (relevant results summed over months) that meets an alliance's goal.",
        "evolving",
        "C14",
    )
    goal_horizon: int = _p(
        36,
        1,
        6_000,
        "months",
        "Months an alliance gives itself to meet a goal; a goal missed is set again.",
        "evolving",
        "C14",
    )
    goal_growth: float = _p(
        1.5, 1.0, 10.0, "ratio", "A new goal is this much larger than the last.", "evolving", "C14"
    )
    completion_relevance: float = _p(
        0.472,
        0.0,
        1.0,
        "relevance",
        "An alliance that meets its goal completes if the need has moved on from its mission "
        "(relevance below this); otherwise it sets a new, larger goal.",
        "evolving",
        "C14",
    )
    open_share: float = _p(
        0.5, 0.0, 1.0, "share", "Share of alliances founded open to newcomers.", "evolving", "C15"
    )
    admission_fit: float = _p(
        0.5,
        0.0,
        1.0,
        "fit",
        "Least fit with the mission an applicant or referral needs to be admitted.",
        "evolving",
        "C15",
    )
    recruitment_rate: float = _p(
        0.1,
        0.0,
        1.0,
        "per month",
        "Chance that an open alliance looks for a newcomer.",
        "evolving",
        "C15",
    )
    applicants: int = _p(
        6,
        1,
        1000,
        "organisations",
        "Applicants an open alliance considers when it looks.",
        "evolving",
        "C15",
    )
    referral_rate: float = _p(
        0.03,
        0.0,
        1.0,
        "per month",
        "Chance per member and month that a member of a closed alliance proposes a trusted "
        "acquaintance.",
        "evolving",
        "C15",
    )
    referral_trust: float = _p(
        0.45,
        0.0,
        1.0,
        "trust",
        "Least trust a member needs in an acquaintance to propose it.",
        "evolving",
        "C15",
    )

    # --- transforming --------------------------------------------------------------------
    collective_leadership: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Share of crises handled by collective leadership (deliberation) rather than by one "
        "visionary leader.",
        "transforming",
        "C22",
    )
    renewal_rate: float = _p(
        0.198,
        0.0,
        1.0,
        "per month",
        "Chance per month, at full leadership, that a proposal on the table is adopted.",
        "transforming",
        "C26",
    )
    pool_scale: float = _p(
        1.5,
        0.01,
        100.0,
        "leadership",
        "Pooled leadership at which collective leadership reaches 63% of its strength.",
        "transforming",
        "C22",
    )
    leader_vision: float = _p(
        0.8,
        0.0,
        1.0,
        "share",
        "How far a leader's proposal moves from her own values toward the need.",
        "transforming",
        "C22",
    )
    collective_vision: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "How far a deliberated proposal moves from the members' centre toward the need.",
        "transforming",
        "C22",
    )
    deliberation_steps: int = _p(
        3,
        0,
        600,
        "months",
        "Months collective deliberation takes before its proposal is on the table.",
        "transforming",
        "C22",
    )
    revolution_gap: float = _p(
        0.25,
        0.0,
        1.0,
        "distance",
        "Mission-need gap above which renewal is revolutionary.",
        "transforming",
        "C26",
    )
    adaptation: float = _p(
        0.7,
        0.0,
        1.0,
        "share",
        "How far an evolutionary renewal moves the mission toward the proposal.",
        "transforming",
        "C26",
    )
    follow_fit: float = _p(
        0.3,
        0.0,
        1.0,
        "fit",
        "A member whose fit with the adopted proposal is below this does not follow and leaves.",
        "transforming",
        "C22",
    )
    revolution_cohesion: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Share of cohesion kept through a revolutionary renewal.",
        "transforming",
        "C26",
    )
    crisis_distraction: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Share of results lost while an alliance is transforming (attention on the crisis).",
        "transforming",
        "C21",
    )
    max_transforming_steps: int = _p(
        24,
        1,
        600,
        "months",
        "Transforming that lasts longer fails (transformation_failed).",
        "transforming",
        "C20",
    )
    min_viable: int = _p(
        2, 1, 50, "members", "An alliance with fewer members than this ends.", "transforming", "C17"
    )
    wind_down_share: float = _p(
        0.6,
        0.0,
        1.0,
        "share",
        "Share of members who no longer find it worth it at which the members agree to wind the "
        "alliance down.",
        "transforming",
        "C21",
    )
    wind_down_commitment: float = _p(
        0.499,
        0.0,
        1.0,
        "commitment",
        "A member in a crisis whose commitment is below this no longer wants to go on.",
        "transforming",
        "C21",
    )
    wind_down_trust: float = _p(
        0.38,
        0.0,
        1.0,
        "trust",
        "Least mean trust for an agreed ending (wound_down) rather than a failure.",
        "transforming",
        "C21",
    )
    absorption_rate: float = _p(
        0.069,
        0.0,
        1.0,
        "per month",
        "Chance per month that a transforming alliance with a close, healthy partner alliance "
        "merges into it.",
        "transforming",
        "C26",
    )
    absorption_fit: float = _p(
        0.6,
        0.0,
        1.0,
        "similarity",
        "Least mission similarity between a transforming alliance and a healthy one for a merger.",
        "transforming",
        "C26",
    )
    absorption_movers: int = _p(
        1,
        1,
        1000,
        "members",
        "Least number of a transforming alliance's members who must fit a healthy alliance's "
        "mission (admission_fit) for a merger into it: a merger carries members over.",
        "transforming",
        "C26",
    )
    absorption_candidates: int = _p(
        8,
        1,
        1000,
        "alliances",
        "Healthy alliances a transforming one considers for a merger each month.",
        "transforming",
        "C26",
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "pressure_schedule", schedule_from_value(self.pressure_schedule))
        for f in dataclasses.fields(self):
            if f.name == "pressure_schedule":
                continue
            value = getattr(self, f.name)
            object.__setattr__(self, f.name, _check(f, value))
        _check_consistency(self)

    # --- constructors and views ----------------------------------------------------
    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], base: Params | None = None) -> Params:
        """Build from a mapping of names to values, on top of ``base`` (or the defaults)."""
        check_names(mapping)
        values = base.to_python() if base is not None else {}
        values.update(mapping)
        return cls(**values)

    def replace(self, **changes: Any) -> Params:
        """A copy with some values changed (validated again)."""
        return Params.from_mapping(changes, base=self)

    def to_python(self) -> dict[str, Any]:
        """Field values as they are (the schedule as component objects)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready values: the schedule as a JSON string. Used for table columns."""
        out = self.to_python()
        out["pressure_schedule"] = schedule_to_json(self.pressure_schedule)
        return out

    def to_json(self) -> str:
        """All values as one JSON object (file metadata, run ids)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @property
    def forming_trust_needed(self) -> float:
        """Mean mutual trust a forming alliance needs to be founded, set by care (C24)."""
        low, high = self.trust_needed_careless, self.trust_needed_careful
        return low + (high - low) * self.forming_care

    @property
    def forming_patience(self) -> float:
        """Months a forming alliance may take before it fails, set by care (C24)."""
        return self.max_forming_steps + self.care_patience * self.forming_care

    @property
    def forming_consensus_needed(self) -> float:
        """Mean fit with the mission a forming alliance needs to be founded (C24)."""
        low, high = self.consensus_needed_careless, self.consensus_needed_careful
        return low + (high - low) * self.forming_care

    @property
    def satisfaction_weights(self) -> tuple[float, float, float, float]:
        """Weights of worth, fit, trust and fairness in satisfaction, normalised to sum 1."""
        raw = (self.weight_worth, self.weight_fit, self.weight_trust, self.weight_fairness)
        total = sum(raw)
        return tuple(w / total for w in raw)  # type: ignore[return-value]


#: Pairs (lower, higher) that must be ordered for the thresholds to make sense at every edge.
ORDERED: tuple[tuple[str, str, str], ...] = (
    ("min_viable", "min_members", "an alliance could be founded below the size at which it ends"),
    ("min_members", "target_size", "forming would stop inviting before it can be founded"),
    (
        "conflict_trust",
        "trust_needed_careless",
        "careless forming would found alliances in conflict",
    ),
    ("trust_needed_careless", "trust_needed_careful", "more care would ask for less trust"),
    (
        "consensus_needed_careless",
        "consensus_needed_careful",
        "more care would ask for less consensus",
    ),
    ("misfit_fit", "consensus_needed_careless", "members who fit too little to found would stay"),
    (
        "exit_commitment",
        "meaning_lost",
        "members would leave before the alliance noticed lost meaning",
    ),
    ("conflict_trust", "trust_baseline", "newcomers would put every alliance in conflict"),
    (
        "lead_span",
        "nao_span",
        "an administrative organisation would coordinate fewer members than a lead",
    ),
    (
        "shared_span",
        "lead_span",
        "a lead organisation would coordinate fewer members than shared governance",
    ),
)


def _check_consistency(params: Params) -> None:
    """Raise a one-line error when two thresholds contradict each other."""
    for low, high, why in ORDERED:
        if getattr(params, low) > getattr(params, high):
            raise ParameterError(
                f"{low} ({getattr(params, low)}) must not exceed {high} "
                f"({getattr(params, high)}): {why}"
            )
    if (
        sum((params.weight_worth, params.weight_fit, params.weight_trust, params.weight_fairness))
        <= 0
    ):
        raise ParameterError(
            "the satisfaction weights (weight_worth ... weight_fairness) are all 0"
        )


PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Params))


def check_names(mapping: Mapping[str, Any]) -> None:
    """Raise a one-line error for the first unknown name, suggesting the nearest one."""
    for name in mapping:
        if name not in PARAMETER_NAMES:
            close = difflib.get_close_matches(str(name), PARAMETER_NAMES, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else "; see `alliances params`"
            raise ParameterError(f"unknown parameter '{name}'{hint}")


def parameter_table() -> list[dict[str, Any]]:
    """One record per parameter: name, group, default, low, high, unit, meaning, claim."""
    rows = []
    for f in dataclasses.fields(Params):
        meta = f.metadata
        low, high = meta["low"], meta["high"]
        if f.name == "arrangement":
            low, high = "equal", "proportional"
        rows.append(
            {
                "name": f.name,
                "group": meta["group"],
                "default": f.default if f.name != "pressure_schedule" else "[]",
                "low": low,
                "high": high,
                "unit": meta["unit"],
                "meaning": meta["meaning"],
                "claim": meta["claim"],
            }
        )
    return rows


def _check(f: dataclasses.Field, value: Any) -> Any:
    """Check one value's type and range; return it normalised (ints as int, floats as float)."""
    name, default = f.name, f.default
    if name == "arrangement":
        options = get_args(Arrangement)
        if value not in options:
            raise ParameterError(f"{name} must be one of {', '.join(options)}, got {value!r}")
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ParameterError(f"{name} must be {kind}, got {value!r}")
    if isinstance(default, int):
        if not isinstance(value, numbers.Integral) and not float(value).is_integer():
            raise ParameterError(f"{name} must be a whole number, got {value!r}")
        value = operator.index(value) if isinstance(value, numbers.Integral) else int(float(value))
    else:
        value = float(value)
        if value != value:  # NaN
            raise ParameterError(f"{name} must be a number, got nan")
    low, high = f.metadata["low"], f.metadata["high"]
    if not low <= value <= high:
        raise ParameterError(f"{name} = {value} is out of range [{low}, {high}]")
    return value
