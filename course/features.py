"""Feature objects: turn an observation into a sparse feature vector.

A feature object maps an observation to ``(indices, values)``: the indices of
the non-zero features and their values.  Binary features (one-hot, tile
coding, hashing) return a constant vector of ones as ``values``; dense
features (an autoencoder's latent code) return ``arange(n)`` and the vector.
Linear agents then compute ``w[idx] @ values`` and update ``w[idx]`` in
place: the cost of a step grows with the number of *active* features, never
with the size of the table (no dense one-hot vectors in the hot loop).

``unique`` is ``False`` when indices may repeat within one call (hashing
after its table is full); linear agents then use ``np.add.at``.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from .params import Configurable, check_int

__all__ = ["Features", "OneHot", "Identity", "features_for"]


class Features(Configurable):
    """Base class: ``n_features`` and ``__call__(obs) -> (indices, values)``."""

    n_features: int = 0
    unique: bool = True

    def __call__(self, obs) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def dense(self, obs) -> np.ndarray:
        """The full feature vector (for teaching and tests, not the hot loop)."""
        idx, val = self(obs)
        x = np.zeros(self.n_features)
        np.add.at(x, idx, val)
        return x


class OneHot(Features):
    """Tabular features: state index ``s`` -> the single active feature ``s``."""

    def __init__(self, n_states: int):
        self.n_features = check_int("n_states", n_states)
        self._one = np.ones(1)
        self._idx = [np.array([s]) for s in range(self.n_features)]

    def __call__(self, obs):
        return self._idx[int(obs)], self._one


class Identity(Features):
    """Dense features: the observation vector itself (e.g. an autoencoder's code)."""

    def __init__(self, n_features: int):
        self.n_features = check_int("n_features", n_features)
        self._idx = np.arange(self.n_features)

    def __call__(self, obs):
        return self._idx, np.asarray(obs, dtype=float).ravel()


def features_for(env: gym.Env) -> Features:
    """Default features for an environment: one-hot for a discrete observation space."""
    space = env.observation_space
    if isinstance(space, gym.spaces.Discrete):
        return OneHot(int(space.n))
    if isinstance(space, gym.spaces.Box) and len(space.shape) == 1:
        return Identity(int(space.shape[0]))
    raise ValueError(f"no default features for observation space {space}; pass features=... "
                     f"(e.g. a tile coder) to the agent")
