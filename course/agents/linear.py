"""Agents linear in features (tabular = one-hot features).

The value of a state or a state-action pair is ``w · x(s)`` for a feature
vector ``x(s)`` given sparsely by a feature object (see
:mod:`course.features`): ``idx, val = self.features(obs)``.  Weights start at
zero, which for rewards of -1 per step is *optimistic* and drives
exploration even with epsilon 0 (as in Sutton & Barto's Mountain Car).

Step sizes: ``alpha`` is the step size per unit of feature activity.  For
tile coding with k tilings the book writes alpha = 0.1/k; the feature object
can report ``active`` (the number of active features) and the agents here
take ``alpha`` as given, so a lesson writes ``alpha=0.1/8`` just as the book.
"""

from __future__ import annotations

import numpy as np

from ..agent import Agent, ControlAgent
from ..features import Features, features_for
from ..params import Param
from .. import policies

__all__ = ["LinearAgent", "LinearPredictionAgent", "LinearControlAgent"]


class LinearAgent(Agent):
    """Shared plumbing of the linear agents: features and weights."""

    alpha = Param(0.1, low=0.0, high=1.0, low_open=True, log=True, symbol="α", doc="step size")

    def __init__(self, env, *, features: Features | None = None, **kwargs):
        self._features_arg = features
        super().__init__(env, **kwargs)

    def build(self) -> None:
        self.features = self._features_arg if self._features_arg is not None else features_for(self.env)
        self.w = np.zeros(self._weight_shape())

    def _weight_shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    def state_dict(self):
        return {"w": self.w}


class LinearPredictionAgent(LinearAgent):
    """Estimates v_pi(s) = w · x(s) for the fixed equiprobable random policy."""

    def _weight_shape(self):
        return (self.features.n_features,)

    def v(self, obs) -> float:
        idx, val = self.features(obs)
        return float(self.w[idx] @ val)

    def act(self, obs, explore=True):
        return policies.random_action(int(self.env.action_space.n), self.rng)

    def state_values(self):
        n = getattr(self.env.observation_space, "n", None)
        if n is None:
            return None
        return np.array([self.v(s) for s in range(int(n))])


class LinearControlAgent(ControlAgent, LinearAgent):
    """Estimates q(s, a) = w[a] · x(s); acts epsilon-greedily (or softmax) on it."""

    def _weight_shape(self):
        return (self.n_actions, self.features.n_features)

    def q(self, obs) -> np.ndarray:
        idx, val = self.features(obs)
        return self.w[:, idx] @ val

    def state_values(self):
        n = getattr(self.env.observation_space, "n", None)
        if n is None:
            return None
        return np.array([self.q(s).max() for s in range(int(n))])
