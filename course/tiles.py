"""Tile coding: binary features for continuous states (Sutton & Barto, section 9.5.4).

A *tiling* cuts the state space into a grid of tiles; a state activates the
one tile it falls in.  One tiling alone is state aggregation: every state in
a tile looks the same.  *Tile coding* lays several tilings over the space,
each shifted a fraction of a tile from the others.  A state then activates
one tile in every tiling, k tiles in all; two states share as many active
tiles as tilings in which they fall in the same tile, so nearby states
generalise to each other, and the many overlapping tilings together
resolve the space far more finely than one tile width.

The features are returned sparsely, as the indices of the active tiles
(see :mod:`course.features`), so a linear agent touches k weights per step
whatever the size of the table.

Three feature objects, from simplest to most capable:

* :class:`PerDimensionTiles` -- each state variable cut into ``tiles``
  intervals *on its own*: for Mountain Car ``tiles + 1`` position features
  and ``tiles + 1`` velocity features, 2(n+1) in all, two of them active.
  The value is then a sum of a function of position and a function of
  velocity; it cannot express how the two interact.
* :class:`TileCoder` -- ``tilings`` grids over all variables together, each
  with ``tiles`` tiles across the range per variable plus one extra row and
  column that absorbs the shifts.  Tiling i is shifted by i/k of a tile
  width times (1, 3, 5, ...) in the successive variables: the book's
  asymmetric offsets, which avoid the diagonal artefacts of shifting every
  tiling along the same direction.
* ``TileCoder(..., hash_size=m)`` -- the same tiles, folded into a table of
  ``m`` weights by a fixed hash of the tile number.  Two tiles that land in
  one slot share a weight (a *collision*); :attr:`TileCoder.collisions`
  counts the tiles that do.  Hashing keeps memory fixed however fine the
  tiles are; it pays off when most tiles are never visited.

With k tilings a step size of alpha moves the value of the visited state
k*alpha of the way towards its target; the book therefore writes step sizes
per tiling, alpha = 0.1/8 for 8 tilings, and so do the lessons.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from .features import Features
from .params import Param, check_memory

__all__ = ["PerDimensionTiles", "TileCoder"]


def _bounds(bounds) -> tuple[np.ndarray, np.ndarray]:
    """``(low, high)`` from an environment, a Box space or a ``(low, high)`` pair."""
    space = getattr(bounds, "observation_space", bounds)
    if isinstance(space, gym.spaces.Box):
        low, high = space.low, space.high
    else:
        try:
            low, high = bounds
        except (TypeError, ValueError):
            raise ValueError(f"bounds={bounds!r} is not valid: bounds must be an environment, a Box "
                             f"observation space or a (low, high) pair") from None
    low = np.asarray(low, dtype=float).ravel()
    high = np.asarray(high, dtype=float).ravel()
    if low.shape != high.shape or low.size == 0:
        raise ValueError(f"bounds are not valid: low {low} and high {high} must be non-empty and of equal length")
    if not (np.isfinite(low).all() and np.isfinite(high).all() and (high > low).all()):
        raise ValueError(f"bounds are not valid: need finite low < high in every dimension, "
                         f"got low {low}, high {high}")
    return low, high


class GridFeatures(Features):
    """Common part of the tile codings: a box ``[low, high]`` measured in tile widths.

    ``bounds`` is an environment (its observation space), a Box space or a
    ``(low, high)`` pair.  Observations outside the box count as on its edge.
    ``indices(batch)`` gives the active features of many observations at
    once, shape ``(len(batch), active)``, for the batched runner.
    """

    tiles = Param(8, low=1, high=256, live=False, log=True, symbol="n",  # log: a slider of 1, 2, 5, 8, 10, 20, ...
                  doc="tiles across each state variable's range")

    def __init__(self, bounds, **params):
        self.configure(**params)
        self.low, self.high = _bounds(bounds)
        self.dims = self.low.size
        self._per_width = self.tiles / (self.high - self.low)  # tile widths per unit of each variable
        self._build()
        self._ones = np.ones(self.active)
        self._recent = ((None, None), (None, None))  # the last two (observation, indices), newest first
        self._built = True

    def _build(self) -> None:
        """Set ``n_features``, ``active`` and ``unique`` from the parameters."""
        raise NotImplementedError

    def scaled(self, obs) -> np.ndarray:
        """Observations as distances from ``low`` in tile widths, clipped to [0, tiles]; shape (N, dims)."""
        x = (np.asarray(obs, dtype=float).reshape(-1, self.dims) - self.low) * self._per_width
        return np.minimum(np.maximum(x, 0.0, out=x), self.tiles, out=x)  # np.clip, without its overhead

    def indices(self, obs) -> np.ndarray:
        """Active feature indices of a batch of observations, shape (N, active)."""
        raise NotImplementedError

    def __call__(self, obs):
        # The loop asks for the features of the same observation several times per step (to act, then
        # to learn); the last two answers are remembered, so each observation is coded once.  (One tuple,
        # replaced whole, so that a panel's thread and the notebook may both call without a lock.)
        obs = np.asarray(obs)
        key = (obs.dtype.char, obs.tobytes())
        recent = self._recent
        for known, idx in recent:
            if known == key:
                return idx, self._ones
        idx = self.indices(obs)[0]
        idx.flags.writeable = False
        self._recent = ((key, idx), recent[0])
        return idx, self._ones

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params}: {self.n_features} features, {self.active} active)"


class PerDimensionTiles(GridFeatures):
    """Each state variable tiled on its own: ``tiles + 1`` binary features per variable.

    Variable j of the observation falls in interval ``floor(x_j)`` (x in tile
    widths, 0..tiles, the upper edge being its own interval), which switches
    on feature ``j * (tiles + 1) + floor(x_j)``.  Mountain Car with 8 tiles:
    18 features, 2 active (one for the position, one for the velocity).
    """

    def _build(self):
        self.active = self.dims
        self.n_features = self.dims * (self.tiles + 1)
        self._first = np.arange(self.dims) * (self.tiles + 1)  # first feature of each variable

    def indices(self, obs):
        return self.scaled(obs).astype(np.intp) + self._first  # astype truncates: floor, as x >= 0


class TileCoder(GridFeatures):
    """``tilings`` offset grids of ``tiles`` x ``tiles`` x ... tiles (one extra per variable).

    The tile of tiling i along variable j is ``floor(x_j + o_ij)`` with x in
    tile widths and the offset ``o_ij = (i * (2j + 1) mod k) / k``: tiling i
    is displaced by i/k of a tile times 1 in the first variable, 3 in the
    second, and so on (the book's recommendation; pick k a power of two so
    that every tiling gets its own offset).  The tile number is
    ``i * (tiles+1)**dims + Σ_j tile_j (tiles+1)**j``.

    ``hash_size > 0`` maps every tile number through a fixed hash into a
    table of that many weights (``n_features == hash_size``).  A tile never
    moves, so the hashing is consistent; tiles that share a slot are counted
    in :attr:`collisions`.
    """

    tilings = Param(8, low=1, high=64, live=False, symbol="k", doc="number of offset tilings")
    hash_size = Param(0, low=0, high=2**24, live=False, doc="hashed table size (0 = no hashing)")

    MAX_HASHED_TILES = 2**24

    def _build(self):
        k, d, per = self.tilings, self.dims, self.tiles + 1
        if self.hash_size and self.hash_size < k:
            raise ValueError(f"hash_size={self.hash_size} is too small: hash_size must be 0 (no hashing) or at "
                             f"least tilings={k}, the number of tiles every state activates")
        self.active = k
        self.n_tiles = k * per**d
        self.offsets = (np.outer(np.arange(k), 2 * np.arange(d) + 1) % k) / k  # (k, d) in tile widths
        self._place = per ** np.arange(d)  # place value of each variable's tile within a tiling
        self._first = np.arange(k) * per**d  # first tile number of each tiling
        if self.hash_size:
            if self.n_tiles > self.MAX_HASHED_TILES:
                raise ValueError(f"tiles={self.tiles}, tilings={k} give {self.n_tiles} tiles in {d} dimensions, too "
                                 f"many to tabulate their hash (at most {self.MAX_HASHED_TILES}); use fewer tiles")
            self.table = (_hash(np.arange(self.n_tiles)) % np.uint64(self.hash_size)).astype(np.intp)
            self.collisions = self.n_tiles - np.unique(self.table).size
            self.n_features = self.hash_size
        else:
            check_memory("tiles", self.tiles, 16.0 * self.n_tiles,
                         what=f"a weight and a trace for each of the {self.n_tiles:,} tiles of tilings={k} in {d} "
                              f"dimensions (hash_size= folds them into a smaller table)")
            self.table = None
            self.collisions = 0
            self.n_features = self.n_tiles
        self.unique = self.collisions == 0  # with collisions two active tiles may share a slot

    def indices(self, obs):
        x = self.scaled(obs)
        number = self._first[:, None]  # built up as (k, N): long rows make numpy fast on big batches
        for j in range(self.dims):
            tile = (x[:, j] + self.offsets[:, j, None]).astype(np.intp)  # = floor: the sums are >= 0
            number = number + tile * self._place[j]
        return np.ascontiguousarray((number if self.table is None else self.table[number]).T)


def _hash(x: np.ndarray) -> np.ndarray:
    """A fixed, well-mixing hash of non-negative integers (the SplitMix64 finaliser)."""
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
