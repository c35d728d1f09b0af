"""The debrief after a round: the students' alliances, their choices, and how they fared.

Three parts, all computed from the round in memory:

- the students' alliances through the four phases: every alliance a student's organisation
  was a member of during the round, with its phase transitions;
- how the students' choices differed from the model's rules: per kind of decision
  (stay or leave, invitations, renewal votes, backing), the share of explicit decisions
  where the model's rule would have decided otherwise;
- survival: the students' alliances against the model's own alliances started during the
  round (share founded, share alive at the end, months alive, share ended by cause).

``export`` turns the debrief into a file's text (CSV of the decisions, or JSON of
everything); the server hands it to the lecturer's browser, nothing is written here.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.state import DISSOLVED, EVOLVING, FOUNDING, PHASES, TRANSFORMING

if TYPE_CHECKING:
    from simulation.classroom.game import Round

DECISION_KINDS = ("stay_or_leave", "invitation", "vote", "backing")
DECISION_COLUMNS = (
    "month",
    "student",
    "organisation",
    "alliance",
    "decision",
    "choice",
    "model_rule",
    "differs",
)


def student_alliances(game: Round) -> list[int]:
    """Alliances a student's organisation was a member of during the round."""
    members = game.model.world.members
    n = len(members)
    if n == 0 or not game.by_org:
        return []
    org = members.org[:n]
    left = members.left[:n]
    during = np.isin(org, list(game.by_org)) & ((left < 0) | (left >= game.start_month))
    return sorted(set(members.alliance[:n][during].tolist()))


def _group(game: Round, ids: list[int]) -> dict[str, Any]:
    store = game.model.world.alliances
    now = game.model.steps
    if not ids:
        return {"alliances": 0}
    ids_arr = np.array(ids, dtype=np.int64)
    phase_steps = store.phase_steps[ids_arr]
    ended = store.ended[ids_arr]
    alive = store.phase[ids_arr] != DISSOLVED
    months = np.where(alive, now, ended) - store.born[ids_arr]
    causes: dict[str, int] = {}
    for a in ids_arr[~alive].tolist():
        cause = store.end_cause[a] or "unknown"
        causes[cause] = causes.get(cause, 0) + 1
    founded = store.founded[ids_arr]
    return {
        "alliances": len(ids),
        "share_founded": float(founded.mean()),
        "share_reached_evolving": float((phase_steps[:, EVOLVING] > 0).mean()),
        "share_transformed": float((phase_steps[:, TRANSFORMING] > 0).mean()),
        "share_alive": float(alive.mean()),
        "share_founded_alive": float(alive[founded].mean()) if founded.any() else None,
        "mean_months": float(months.mean()),
        "ended_by_cause": causes,
    }


def debrief(game: Round) -> dict[str, Any]:
    """The debrief of ``game`` (at any time; final once the round has ended)."""
    model = game.model
    store = model.world.alliances
    ours = student_alliances(game)
    ours_set = set(ours)
    theirs = [
        a for a in range(store.count) if store.born[a] >= game.start_month and a not in ours_set
    ]
    events = model.events.table(model.run_id)
    paths = []
    members = model.world.members
    n = len(members)
    for a in ours:
        rows = events[(events["alliance_id"] == a) & (events["cause"] != "governance_changed")]
        spells = np.flatnonzero(
            (members.alliance[:n] == a) & np.isin(members.org[:n], [*game.by_org])
        )
        paths.append(
            {
                "alliance": a,
                "students": sorted(
                    {game.by_org[int(members.org[r])].name for r in spells.tolist()}
                ),
                "born": int(store.born[a]) - game.start_month,
                "phase": PHASES[int(store.phase[a])],
                "end_cause": store.end_cause[a],
                "path": [
                    {
                        "month": int(step) - game.start_month,
                        "phase": str(to),
                        "cause": str(cause),
                    }
                    for step, to, cause in zip(
                        rows["step"], rows["to_phase"], rows["cause"], strict=True
                    )
                ],
                "reached": [
                    PHASES[0],
                    *(
                        PHASES[p]
                        for p in (FOUNDING, EVOLVING, TRANSFORMING)
                        if store.phase_steps[a, p]
                    ),
                ],
            }
        )
    choices: dict[str, dict[str, Any]] = {}
    for kind in DECISION_KINDS:
        made = [d for d in game.decisions if d["decision"] == kind]
        differ = sum(d["differs"] for d in made)
        choices[kind] = {
            "decisions": len(made),
            "differ": differ,
            "share_differ": differ / len(made) if made else None,
        }
    return {
        "type": "debrief",
        "scenario": game.scenario,
        "months": game.month,
        "students": len(game.students),
        "shocks": list(game.shocks),
        "alliances": paths,
        "choices": choices,
        "survival": {"students": _group(game, ours), "model": _group(game, theirs)},
    }


def export(game: Round, fmt: str) -> tuple[str, str, str]:
    """The debrief as a file: (file name, media type, text); ``fmt`` is csv or json."""
    stamp = f"classroom-{game.scenario}-month{game.month}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=DECISION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for decision in game.decisions:
            writer.writerow(
                {k: "" if decision[k] is None else decision[k] for k in DECISION_COLUMNS}
            )
        return f"{stamp}-decisions.csv", "text/csv", out.getvalue()
    report = debrief(game)
    report["decisions"] = game.decisions
    return f"{stamp}.json", "application/json", json.dumps(report, indent=2)
