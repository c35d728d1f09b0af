"""Members gathered by alliance: the rows of a set of alliances, sorted, with reductions.

Every phase and mechanism works on ``Groups``: the active members of some alliances as
aligned per-row arrays, with per-group sums, means and maxima computed by ``bincount``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.state import World


@dataclass
class Groups:
    """The active members of a set of alliances, as rows sorted by alliance.

    ``ids[g]`` is the alliance of group ``g``; per-row arrays (``rows``, ``org``,
    ``group``) are aligned; ``start`` and ``size`` locate each group's rows.
    """

    ids: np.ndarray
    rows: np.ndarray
    org: np.ndarray
    group: np.ndarray
    start: np.ndarray
    size: np.ndarray

    def sum(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group sum of a per-row quantity (rows x columns gives groups x columns)."""
        if per_row.ndim == 1:
            return np.bincount(self.group, weights=per_row, minlength=self.ids.shape[0])
        filled, starts = self._segments()
        if filled is None and starts.shape[0]:
            return np.add.reduceat(per_row, starts, axis=0).astype(float, copy=False)
        out = np.zeros((self.ids.shape[0], *per_row.shape[1:]))
        if filled is not None and starts.shape[0]:
            out[filled] = np.add.reduceat(per_row, starts, axis=0)
        return out

    def _segments(self) -> tuple[np.ndarray | None, np.ndarray]:
        """(mask of non-empty groups, or None if none is empty; their starts), computed once."""
        segments = self.__dict__.get("_segments_cache")
        if segments is None:
            filled = self.size > 0
            segments = (None, self.start) if filled.all() else (filled, self.start[filled])
            self.__dict__["_segments_cache"] = segments
        return segments

    def centre(self, points: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Per group: the ``weight``-weighted mean of per-row ``points`` (rows x dims)."""
        total = np.maximum(self.sum(weight), 1e-12)
        return self.sum(points * weight[:, None]) / total[:, None]

    def mean(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group mean of a per-row quantity (NaN for empty groups)."""
        total = self.sum(per_row)
        if total.ndim == 1 and self._segments()[0] is None:
            return total / self.size  # no empty group
        return np.divide(total, self.size, out=np.full_like(total, np.nan), where=self.size > 0)

    def max(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group maximum of a per-row quantity (0 for empty groups).

        ``per_row`` may be 2-d (rows x columns): then the maximum is per group and column.
        """
        # Rows are sorted by group, so each group is one contiguous segment.
        filled, starts = self._segments()
        if filled is None and starts.shape[0]:
            return np.maximum.reduceat(per_row, starts, axis=0).astype(float, copy=False)
        out = np.zeros((self.ids.shape[0], *per_row.shape[1:]))
        if filled is not None and starts.shape[0]:
            out[filled] = np.maximum.reduceat(per_row, starts, axis=0)
        return out

    def argmax(self, per_row: np.ndarray) -> np.ndarray:
        """Per group: the row position (in these groups) of the largest ``per_row``.

        Ties go to the first such row; -1 for empty groups.
        """
        filled, starts = self._segments()
        if filled is None and starts.shape[0]:
            top = np.maximum.reduceat(per_row, starts)
            at_top = (per_row >= top[self.group]).nonzero()[0]
            return at_top[np.searchsorted(self.group[at_top], np.arange(starts.shape[0]))]
        out = np.full(self.ids.shape[0], -1, dtype=np.int64)
        if filled is None or not starts.shape[0]:
            return out
        top = np.full(self.ids.shape[0], -np.inf)
        top[filled] = np.maximum.reduceat(per_row, starts)
        at_top = np.flatnonzero(per_row >= top[self.group])
        first = np.searchsorted(self.group[at_top], np.flatnonzero(filled))
        out[filled] = at_top[first]
        return out

    def spread(self, per_row: np.ndarray) -> np.ndarray:
        """Per group: root mean square distance of per-row points from the group mean."""
        centre = self.centre(per_row, np.ones(per_row.shape[0]))
        far = ((per_row - centre[self.group]) ** 2).sum(axis=1) / per_row.shape[1]
        return np.sqrt(self.mean(far))


def groups_of(world: World, ids: np.ndarray) -> Groups:
    """Gather the active members of alliances ``ids``."""
    ids = np.asarray(ids, dtype=np.int64)
    members = world.members
    position = np.empty(world.alliances.count, dtype=np.int64)
    position.fill(-1)
    position[ids] = np.arange(ids.shape[0])
    rows = members.active_rows()
    group = position[members.alliance[rows]]
    inside = group >= 0
    rows, group = rows[inside], group[inside]
    order = group.argsort(kind="stable")
    rows, group = rows[order], group[order]
    size = np.bincount(group, minlength=ids.shape[0])
    start = np.zeros(ids.shape[0], dtype=np.int64)
    size[:-1].cumsum(out=start[1:])
    return Groups(ids, rows, members.org[rows], group, start, size)
