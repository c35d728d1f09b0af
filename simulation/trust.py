"""Sparse trust between organisations and the commitment of members to alliances.

Trust is directed and kept only for pairs that know each other (prior ties) or have shared
an alliance; every other pair sits at the baseline. Pairs live in flat numpy arrays, looked
up through a sorted key index, so updates are whole-array operations (C2: trust is built by
investing in relationships; it falls faster than it rises).

Commitment lives on membership rows: one row per (alliance, organisation) spell.
"""

from __future__ import annotations

import numpy as np


class TrustStore:
    """Directed trust for known pairs; unknown pairs read as the baseline.

    Args:
        n: number of organisations.
        baseline: trust between strangers and the level idle trust decays to.
    """

    def __init__(self, n: int, baseline: float) -> None:
        self.n = n
        self.baseline = baseline
        self.src = np.empty(0, dtype=np.int64)
        self.dst = np.empty(0, dtype=np.int64)
        self.value = np.empty(0, dtype=float)
        self._sorted_keys = np.empty(0, dtype=np.int64)
        self._sorted_slots = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return self.value.shape[0]

    def _keys(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        return np.asarray(src, dtype=np.int64) * self.n + np.asarray(dst, dtype=np.int64)

    def slots(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Slot of each pair, or -1 where the pair is unknown."""
        keys = self._keys(src, dst)
        if self._sorted_keys.shape[0] == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        pos = np.searchsorted(self._sorted_keys, keys)
        pos_clipped = np.minimum(pos, self._sorted_keys.shape[0] - 1)
        found = self._sorted_keys[pos_clipped] == keys
        return np.where(found, self._sorted_slots[pos_clipped], -1)

    def ensure(self, src: np.ndarray, dst: np.ndarray, initial: np.ndarray | float | None = None):
        """Slots of the pairs, adding unknown ones at ``initial`` (default: the baseline)."""
        src = np.asarray(src, dtype=np.int64)
        dst = np.asarray(dst, dtype=np.int64)
        slots = self.slots(src, dst)
        missing = slots < 0
        if missing.any():
            keys = self._keys(src[missing], dst[missing])
            new_keys, first = np.unique(keys, return_index=True)
            start = self.value.shape[0]
            new_slots = np.arange(start, start + new_keys.shape[0], dtype=np.int64)
            if initial is None:
                init = np.full(new_keys.shape[0], self.baseline)
            else:
                init = np.broadcast_to(np.asarray(initial, dtype=float), src.shape)[missing][first]
            self.src = np.concatenate([self.src, new_keys // self.n])
            self.dst = np.concatenate([self.dst, new_keys % self.n])
            self.value = np.concatenate([self.value, init])
            merged_keys = np.concatenate([self._sorted_keys, new_keys])
            merged_slots = np.concatenate([self._sorted_slots, new_slots])
            order = np.argsort(merged_keys, kind="stable")
            self._sorted_keys = merged_keys[order]
            self._sorted_slots = merged_slots[order]
            slots = self.slots(src, dst)
        return slots

    def get(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Trust of ``src`` in ``dst`` for each pair (baseline where unknown)."""
        slots = self.slots(src, dst)
        if self.value.shape[0] == 0:
            return np.full(slots.shape, self.baseline)
        return np.where(slots >= 0, self.value[np.maximum(slots, 0)], self.baseline)

    def move_toward(self, slots: np.ndarray, target: np.ndarray, gain: float, loss: float) -> None:
        """Move trust at ``slots`` toward ``target``: up at rate ``gain``, down at ``loss``."""
        current = self.value[slots]
        rate = np.where(target >= current, gain, loss)
        self.value[slots] = np.clip(current + rate * (target - current), 0.0, 1.0)

    def lower(self, slots: np.ndarray, amount: float) -> None:
        """Lower trust at ``slots`` by ``amount`` (betrayal), never below zero."""
        self.value[slots] = np.maximum(self.value[slots] - amount, 0.0)

    def decay(self, rate: float, idle: np.ndarray) -> None:
        """Let idle pairs (a boolean mask over slots) drift back toward the baseline."""
        self.value[idle] += rate * (self.baseline - self.value[idle])

    def known(self, org: int) -> np.ndarray:
        """Organisations that ``org`` has a trust record for."""
        lo = np.searchsorted(self._sorted_keys, org * self.n)
        hi = np.searchsorted(self._sorted_keys, (org + 1) * self.n)
        return self._sorted_keys[lo:hi] % self.n


class Memberships:
    """One row per membership spell: alliance, organisation, commitment, joined, left.

    Rows are appended and never removed; ``active`` marks the current ones.
    """

    def __init__(self) -> None:
        self.alliance = np.empty(0, dtype=np.int64)
        self.org = np.empty(0, dtype=np.int64)
        self.commitment = np.empty(0, dtype=float)
        self.joined = np.empty(0, dtype=np.int64)
        self.left = np.empty(0, dtype=np.int64)
        self.active = np.empty(0, dtype=bool)
        self.founder = np.empty(0, dtype=bool)
        self.exit_reason: list[str | None] = []
        self._current: set[tuple[int, int]] = set()

    def __len__(self) -> int:
        return self.alliance.shape[0]

    def add(
        self, alliance: int, orgs: np.ndarray, commitment: np.ndarray, step: int, founder: bool
    ) -> None:
        """Add members ``orgs`` to ``alliance`` with initial ``commitment``."""
        orgs = np.asarray(orgs, dtype=np.int64)
        k = orgs.shape[0]
        self.alliance = np.concatenate([self.alliance, np.full(k, alliance, dtype=np.int64)])
        self.org = np.concatenate([self.org, orgs])
        self.commitment = np.concatenate(
            [self.commitment, np.broadcast_to(np.asarray(commitment, dtype=float), (k,))]
        )
        self.joined = np.concatenate([self.joined, np.full(k, step, dtype=np.int64)])
        self.left = np.concatenate([self.left, np.full(k, -1, dtype=np.int64)])
        self.active = np.concatenate([self.active, np.ones(k, dtype=bool)])
        self.founder = np.concatenate([self.founder, np.full(k, founder, dtype=bool)])
        self.exit_reason.extend([None] * k)
        self._current.update((alliance, o) for o in orgs.tolist())

    def is_member(self, alliance: int, org: int) -> bool:
        """Whether ``org`` is a current member of ``alliance``."""
        return (alliance, org) in self._current

    def end(self, rows: np.ndarray, step: int, reason: str) -> None:
        """End the membership spells at ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[self.active[rows]]
        self.active[rows] = False
        self.left[rows] = step
        for r in rows.tolist():
            self.exit_reason[r] = reason
            self._current.discard((int(self.alliance[r]), int(self.org[r])))

    def active_rows(self) -> np.ndarray:
        """Indices of the current memberships."""
        return np.flatnonzero(self.active)
