"""Sparse trust between organisations and the commitment of members to alliances.

Trust is directed and kept only for pairs that know each other (prior ties) or have shared
an alliance; every other pair sits at the baseline. Pairs live in flat numpy arrays, looked
up through a key index (dense for small populations, sorted keys otherwise), so updates are
whole-array operations (C2: trust is built by investing in relationships; it falls faster
than it rises).

Commitment lives on membership rows: one row per (alliance, organisation) spell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.population import unit


class _Columns:
    """Named 1-d arrays that grow by doubling; attributes are views of the filled part."""

    _dtypes: dict[str, type] = {}

    def __init__(self, capacity: int = 256) -> None:
        self._n = 0
        self._capacity = capacity
        self._buffers: dict[str, np.ndarray] = {
            name: np.zeros(capacity, dtype=dt) for name, dt in self._dtypes.items()
        }
        self._views()

    def __len__(self) -> int:
        return self._n

    if TYPE_CHECKING:  # the columns of _dtypes, set by _views

        def __getattr__(self, name: str) -> np.ndarray: ...

    def _views(self) -> None:
        """Point each column attribute at the filled part of its buffer."""
        for name, buffer in self._buffers.items():
            setattr(self, name, buffer[: self._n])

    def _append(self, k: int, **columns: Any) -> slice:
        """Make room for ``k`` rows, fill them; return their slice."""
        needed = self._n + k
        capacity = self._capacity
        if needed > capacity:
            capacity = max(needed, 2 * capacity)
            for name, old in self._buffers.items():
                grown = np.zeros(capacity, dtype=old.dtype)
                grown[: self._n] = old[: self._n]
                self._buffers[name] = grown
            self._capacity = capacity
        rows = slice(self._n, needed)
        for name, values in columns.items():
            self._buffers[name][rows] = values
        self._n = needed
        self._views()
        return rows


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """``np.unique(keys)`` of a 1-d array, in fewer calls (for the small arrays of a step)."""
    keys = np.sort(keys)
    if keys.shape[0] < 2:
        return keys
    new = np.empty(keys.shape[0], dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    return keys[new]


#: Largest ``N * N`` for which pairs are found through a dense index of ``N * N`` slots
#: (8 MB at the limit, N = 1,024); larger populations use sorted keys and binary search.
DENSE_PAIRS = 1 << 20


class TrustStore(_Columns):
    """Directed trust for known pairs; unknown pairs read as the baseline.

    Pairs live in slots (``src``, ``dst``, ``value``), numbered in the order they became
    known. The slot of a pair is found through a dense ``N * N`` index when ``N * N`` is at
    most ``DENSE_PAIRS``, else through a sorted index of pair keys by binary search; both
    give the same slots. Organisations are ``0 .. n - 1``.

    Args:
        n: number of organisations.
        baseline: trust between strangers and the level idle trust decays to.
        dense: force the dense (True) or the sorted (False) index; default by size.
    """

    _dtypes = {"src": np.int64, "dst": np.int64, "value": float}

    def __init__(self, n: int, baseline: float, dense: bool | None = None) -> None:
        super().__init__()
        self.n = n
        self.baseline = baseline
        if dense is None:
            dense = n * n <= DENSE_PAIRS
        self._index = np.full(n * n, -1, dtype=np.int64) if dense else None
        self._sorted_keys = np.empty(0, dtype=np.int64)
        self._sorted_slots = np.empty(0, dtype=np.int64)

    def _keys(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        return np.asarray(src, dtype=np.int64) * self.n + np.asarray(dst, dtype=np.int64)

    def slots(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Slot of each pair, or -1 where the pair is unknown."""
        keys = self._keys(src, dst)
        if self._index is not None:
            return self._index[keys]
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
        if slots.size and slots.min() < 0:
            missing = slots < 0
            keys = self._keys(src[missing], dst[missing])
            init: np.ndarray | float
            if initial is None:
                new_keys = _sorted_unique(keys)
                init = self.baseline
            else:
                new_keys, first = np.unique(keys, return_index=True)
                init = np.broadcast_to(np.asarray(initial, dtype=float), src.shape)[missing][first]
            rows = self._append(
                new_keys.shape[0], src=new_keys // self.n, dst=new_keys % self.n, value=init
            )
            new_slots = np.arange(rows.start, rows.stop, dtype=np.int64)
            if self._index is not None:
                self._index[new_keys] = new_slots
                slots[missing] = self._index[keys]
                return slots
            # Merge into the sorted index: an O(pairs) insert instead of a full re-sort.
            at = np.searchsorted(self._sorted_keys, new_keys)
            self._sorted_keys = np.insert(self._sorted_keys, at, new_keys)
            self._sorted_slots = np.insert(self._sorted_slots, at, new_slots)
            slots[missing] = self.slots(src[missing], dst[missing])
        return slots

    def get(self, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
        """Trust of ``src`` in ``dst`` for each pair (baseline where unknown)."""
        slots = self.slots(src, dst)
        if self._n == 0:
            return np.full(slots.shape, self.baseline)
        # Slot -1 reads the last pair, replaced by the baseline.
        return np.where(slots >= 0, self.value[slots], self.baseline)

    def move_toward(self, slots: np.ndarray, target: np.ndarray, gain: float, loss: float) -> None:
        """Move trust at ``slots`` toward ``target``: up at rate ``gain``, down at ``loss``."""
        value = self.value
        current = value[slots]
        rate = np.where(target >= current, gain, loss)
        value[slots] = unit(current + rate * (target - current))

    def lower(self, slots: np.ndarray, amount: float) -> None:
        """Lower trust at ``slots`` by ``amount`` (betrayal), never below zero."""
        value = self.value
        value[slots] = np.maximum(value[slots] - amount, 0.0)

    def decay(self, rate: float, idle: np.ndarray) -> None:
        """Let idle pairs (a boolean mask over slots) drift back toward the baseline."""
        value = self.value
        current = value[idle]
        current += rate * (self.baseline - current)
        value[idle] = current

    def slot_block(self, orgs: np.ndarray) -> np.ndarray | None:
        """With the dense index: a fresh (orgs x n) array of slots (-1 where unknown), else None.

        Row ``i``, column ``j`` is ``slots(orgs[i], j)``.
        """
        if self._index is None:
            return None
        return self._index.reshape(self.n, self.n)[np.asarray(orgs, dtype=np.int64)]

    def known_block(self, orgs: np.ndarray) -> np.ndarray | None:
        """With the dense index: a fresh (orgs x n) mask of the partners each of ``orgs`` knows.

        ``np.nonzero`` of it gives what ``known_many`` gives. None without the dense index.
        """
        slots = self.slot_block(orgs)
        return None if slots is None else slots >= 0

    def known_many(self, orgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All known partners of several organisations: (position in ``orgs``, partner)."""
        orgs = np.asarray(orgs, dtype=np.int64)
        block = self.known_block(orgs)
        if block is not None:
            owner, partner = np.nonzero(block)
            return owner, partner
        lo = np.searchsorted(self._sorted_keys, orgs * self.n)
        hi = np.searchsorted(self._sorted_keys, (orgs + 1) * self.n)
        counts = hi - lo
        owner = np.repeat(np.arange(orgs.shape[0]), counts)
        offset = np.arange(owner.shape[0]) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, self._sorted_keys[np.repeat(lo, counts) + offset] % self.n


#: Membership keys are ``alliance * _KEY_WIDTH + org`` (organisations below 2**32).
_KEY_WIDTH = 1 << 32


class Memberships(_Columns):
    """One row per membership spell: alliance, organisation, commitment, joined, left, returns.

    Rows are appended and never removed; ``active`` marks the current ones.
    """

    _dtypes = {
        "alliance": np.int64,
        "org": np.int64,
        "commitment": float,
        "joined": np.int64,
        "left": np.int64,
        "active": bool,
        "founder": bool,
        "returns": float,  # what the member got back last month (NaN before any results)
    }

    def __init__(self) -> None:
        super().__init__()
        self.exit_reason: list[str | None] = []
        self._current: dict[tuple[int, int], int] = {}  # (alliance, org) -> row
        self._by_alliance: dict[int, set[int]] = {}
        # Derived from ``active``, kept until a membership starts or ends:
        self._active_rows: np.ndarray | None = None
        self._member_keys: np.ndarray | None = None

    def add(
        self,
        alliance: int,
        orgs: np.ndarray,
        commitment: np.ndarray | float,
        step: int,
        founder: bool,
    ) -> None:
        """Add members ``orgs`` to ``alliance`` with initial ``commitment``."""
        orgs = np.asarray(orgs, dtype=np.int64)
        self._insert([alliance] * orgs.shape[0], orgs.tolist(), commitment, step, founder)

    def add_many(
        self, alliances: list[int], orgs: list[int], commitment: list[float], step: int
    ) -> None:
        """Add one member (not a founder) to each of ``alliances``, in order: as ``add`` would."""
        self._insert(alliances, orgs, commitment, step, False)

    def _insert(
        self,
        alliances: list[int],
        orgs: list[int],
        commitment: Any,
        step: int,
        founder: bool,
    ) -> None:
        rows = self._append(
            len(orgs),
            alliance=alliances,
            org=orgs,
            commitment=commitment,
            joined=step,
            left=-1,
            active=True,
            founder=founder,
            returns=np.nan,
        )
        self.exit_reason.extend([None] * len(orgs))
        self._changed()
        by_alliance = self._by_alliance
        for row, alliance, org in zip(range(rows.start, rows.stop), alliances, orgs, strict=True):
            self._current[(alliance, org)] = row
            by_alliance.setdefault(alliance, set()).add(row)

    def is_member(self, alliance: int, org: int) -> bool:
        """Whether ``org`` is a current member of ``alliance``."""
        return (alliance, org) in self._current

    def contains(self, alliances: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Element-wise: whether each ``orgs[i]`` is a current member of ``alliances[i]``."""
        keys = self._member_keys
        if keys is None:
            rows = self.active_rows()
            keys = np.sort(self.alliance[rows] * _KEY_WIDTH + self.org[rows])
            self._member_keys = keys
        if keys.shape[0] == 0 or len(orgs) == 0:
            return np.zeros(len(orgs), dtype=bool)
        wanted = np.asarray(alliances, dtype=np.int64) * _KEY_WIDTH + np.asarray(orgs, np.int64)
        at = np.minimum(np.searchsorted(keys, wanted), keys.shape[0] - 1)
        return keys[at] == wanted

    def of(self, alliance: int) -> np.ndarray:
        """Rows of the current members of ``alliance``, in the order they joined."""
        return np.array(sorted(self._by_alliance.get(alliance, ())), dtype=np.int64)

    def end(self, rows: np.ndarray, step: int, reason: str) -> None:
        """End the membership spells at ``rows``."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[self.active[rows]]
        self.active[rows] = False
        self.left[rows] = step
        self._changed()
        alliance, org = self.alliance, self.org
        for r in rows.tolist():
            self.exit_reason[r] = reason
            a = int(alliance[r])
            del self._current[(a, int(org[r]))]
            self._by_alliance[a].discard(r)

    def active_rows(self) -> np.ndarray:
        """Indices of the current memberships (read-only; kept until memberships change)."""
        rows = self._active_rows
        if rows is None:
            rows = self.active.nonzero()[0]
            rows.flags.writeable = False
            self._active_rows = rows
        return rows

    def _changed(self) -> None:
        """Forget what was derived from ``active``: a membership started or ended."""
        self._active_rows = None
        self._member_keys = None
