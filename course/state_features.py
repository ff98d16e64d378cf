"""Feature objects for a row of states 1 .. n (the 1000-state random walk of chapter 9).

Each is a :class:`~course.features.Features`: it maps a state to
``(indices, values)``, so any linear agent of the kit can use it.  States
outside 1 .. n (the walk's terminal states 0 and n+1) count as the nearest
end; an agent never asks for their value.

* :class:`StateAggregation` -- the states cut into ``groups`` equal groups of
  neighbours; a state switches on the one feature of its group (book section
  9.3).  ``groups`` must divide the number of states (a clear rule: every
  group equally wide); anything else is an error that lists the valid
  choices.
* :class:`Polynomial` -- 1, x, x², ..., x^order of the state scaled to
  x in [0, 1] (section 9.5.1).
* :class:`Fourier` -- cos(iπx) for i = 0 .. order (the one-dimensional
  Fourier cosine basis of section 9.5.2).
* :func:`state_tiles` -- tile coding: ``tilings`` tilings of tiles ``width``
  states wide, each shifted ``width / tilings`` states from the last (the
  book's Figure 9.10: tiles 200 states wide, 50 tilings 4 states apart).  One
  tiling is state aggregation again.

Aggregation and tiles are sparse (one or ``tilings`` active features of
value 1); the two bases are dense (all ``order + 1`` features active).
"""

from __future__ import annotations

import numpy as np

from .features import Features
from .params import Param
from .tiles import TileCoder

__all__ = ["StateAggregation", "Polynomial", "Fourier", "state_tiles", "divisors", "named", "KINDS", "PANEL_PARAMS"]


def _n_states(n_states) -> int:
    if isinstance(n_states, bool) or not isinstance(n_states, (int, np.integer)) or n_states < 1:
        raise ValueError(f"n_states={n_states!r} is not valid: n_states must be a positive integer")
    return int(n_states)


def divisors(n: int) -> list[int]:
    """The numbers of groups that cut ``n`` states into equal groups."""
    return [g for g in range(1, n + 1) if n % g == 0]


class _StateFeatures(Features):
    """Common part: one ``(indices, values)`` pair per observation 0 .. n+1, computed once."""

    def __init__(self, n_states: int = 1000, **params):
        self.configure(**params)
        self.n_states = _n_states(n_states)
        self._check()
        states = np.clip(np.arange(self.n_states + 2), 1, self.n_states)
        self._table = [self._features(int(s)) for s in states]
        for idx, val in self._table:
            idx.flags.writeable = False
            val.flags.writeable = False
        self._built = True

    def _check(self) -> None:
        """Check the parameters against ``n_states`` and set ``n_features``."""
        raise NotImplementedError

    def _features(self, s: int) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def scaled(self, s) -> float:
        """The state as a number in [0, 1]: state 1 is 0, state n is 1."""
        return 0.0 if self.n_states == 1 else (float(s) - 1.0) / (self.n_states - 1)

    def __call__(self, obs):
        s = int(obs)
        if not 0 <= s <= self.n_states + 1:
            raise ValueError(f"state {obs!r} is out of range: states are 1 .. {self.n_states} "
                             f"(0 and {self.n_states + 1} terminal)")
        return self._table[s]

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params}: {self.n_features} features of {self.n_states} states)"


class StateAggregation(_StateFeatures):
    """``groups`` equal groups of neighbouring states; state s is in group ``(s - 1) * groups // n_states``."""

    groups = Param(10, low=1, kind=int, live=False, symbol="", doc="groups of neighbouring states")

    def _check(self):
        if self.groups > self.n_states or self.n_states % self.groups:
            valid = divisors(self.n_states)
            shown = ", ".join(map(str, valid)) if len(valid) <= 24 else ", ".join(map(str, valid[:24])) + ", ..."
            raise ValueError(f"groups={self.groups} does not divide n_states={self.n_states} into equal groups: "
                             f"groups must divide {self.n_states} ({shown})")
        self.size = self.n_states // self.groups
        self.n_features = self.groups
        self._one = np.ones(1)

    def _features(self, s):
        return np.array([(s - 1) // self.size]), self._one


class Polynomial(_StateFeatures):
    """x(s) = (1, x, x², ..., x^order) with x the state scaled to [0, 1]."""

    order = Param(5, low=0, high=40, kind=int, live=False, symbol="n", doc="order of the polynomial basis")

    def _check(self):
        self.n_features = self.order + 1
        self._idx = np.arange(self.n_features)

    def _features(self, s):
        return self._idx.copy(), self.scaled(s) ** np.arange(self.n_features, dtype=float)


class Fourier(_StateFeatures):
    """x(s) = (cos(0·πx), cos(1·πx), ..., cos(order·πx)) with x the state scaled to [0, 1]."""

    order = Param(5, low=0, high=200, kind=int, live=False, symbol="n", doc="order of the Fourier basis")

    def _check(self):
        self.n_features = self.order + 1
        self._idx = np.arange(self.n_features)

    def _features(self, s):
        return self._idx.copy(), np.cos(np.pi * np.arange(self.n_features) * self.scaled(s))


def state_tiles(n_states: int = 1000, *, width: int = 200, tilings: int = 50) -> TileCoder:
    """Tile coding of states 1 .. n: ``tilings`` tilings of tiles ``width`` states wide, ``width/tilings`` apart.

    A :class:`~course.tiles.TileCoder` over the interval [1, 1 + tiles * width)
    with ``tiles = ceil(n / width)``: tiling i is shifted i * width / tilings
    states, and every tiling has one extra tile for the shift.  With
    ``tilings=1`` it is state aggregation into groups ``width`` states wide.
    """
    n = _n_states(n_states)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or not 1 <= width <= n:
        raise ValueError(f"width={width!r} is not valid: width (states per tile) must be an integer in [1, {n}]")
    tiles = -(-n // int(width))
    return TileCoder((np.array([1.0]), np.array([1.0 + tiles * width])), tiles=tiles, tilings=tilings)


KINDS = ("aggregation", "tiles", "polynomial", "Fourier")

#: The choices a lesson's panel offers (named Params: a narrower range than the classes declare).
PANEL_PARAMS = (
    Param("aggregation", choices=KINDS, live=False, name="features", doc="kind of features"),
    Param(10, choices=(5, 10, 20, 25, 50, 100), live=False, name="groups", doc="aggregation groups"),
    Param(50, choices=(1, 2, 5, 10, 25, 50), live=False, name="tilings", symbol="k",
          doc="tilings of tiles 200 states wide"),
    Param(5, low=0, high=30, live=False, name="order", symbol="n", doc="order of the polynomial/Fourier basis"),
)


def named(kind: str, n_states: int = 1000, *, groups: int = 10, tilings: int = 50, width: int = 200,
          order: int = 5) -> Features:
    """Features by name: ``"aggregation"`` (``groups``), ``"tiles"`` (``tilings``, ``width``), ``"polynomial"`` or
    ``"Fourier"`` (``order``); the other arguments are ignored."""
    if kind == "aggregation":
        return StateAggregation(n_states, groups=groups)
    if kind == "tiles":
        return state_tiles(n_states, width=width, tilings=tilings)
    if kind == "polynomial":
        return Polynomial(n_states, order=order)
    if kind == "Fourier":
        return Fourier(n_states, order=order)
    raise ValueError(f"kind={kind!r} is not valid: kind must be one of {', '.join(KINDS)}")
