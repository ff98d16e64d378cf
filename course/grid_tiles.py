"""Coarse features for the grid worlds: tile coding of a cell's (row, column) (lesson 14).

One-hot features give every cell its own weight: nothing learned in one cell
reaches another.  :class:`GridTiles` lays ``tilings`` grids of square tiles
``size`` cells wide over the world, tiling i shifted by i cells down and i
cells right (mod ``size``); a cell activates one tile per tiling.  Two cells
that share a tile share its weight, so a lesson learned in one cell moves
the values of its neighbours too (generalisation), while with ``tilings =
size`` no two cells have the same set of tiles, so the features can still
tell every cell apart.  ``size=1`` (one tiling) is the one-hot table.
"""

from __future__ import annotations

import numpy as np

from .features import Features
from .params import Param

__all__ = ["GridTiles"]


class GridTiles(Features):
    """``tilings`` shifted grids of ``size`` x ``size`` tiles over a grid world's cells."""

    size = Param(3, low=1, high=16, live=False, doc="tile width in cells")
    tilings = Param(3, low=1, high=16, live=False, symbol="k", doc="number of shifted tilings")

    def __init__(self, env, **params):
        self.configure(**params)
        world = env.unwrapped
        if not hasattr(world, "pos_of"):
            raise ValueError(f"env={env!r} is not valid: GridTiles needs a grid world (with pos_of(state))")
        k, size = self.tilings, self.size
        per_row, per_col = world.n_rows // size + 2, world.n_cols // size + 2  # tiles per tiling, shifts included
        self.n_features = k * per_row * per_col
        self.active = k
        table = np.zeros((world.n_states, k), dtype=np.intp)
        for s in range(world.n_states):
            row, col = world.pos_of(s)
            for i in range(k):
                shift = i % size
                table[s, i] = i * per_row * per_col + ((row + shift) // size) * per_col + (col + shift) // size
        self.table = table
        self._ones = np.ones(k)
        self._built = True

    def __call__(self, obs):
        return self.table[int(obs)], self._ones

    def __repr__(self) -> str:
        return f"GridTiles(size={self.size}, tilings={self.tilings}: {self.n_features} features, {self.active} active)"
