"""The one-step actor-critic with linear features (Sutton & Barto, section 13.5).

Two learners share one feature vector x(s):

* the **critic** estimates the state value v(s) = w · x(s) by semi-gradient
  TD(0), exactly as :class:`~course.agents.TD0` does;
* the **actor** is the policy itself: a softmax over action preferences
  h(s, a) = θ[a] · x(s),

      π(a | s) = exp h(s, a) / Σ_b exp h(s, b).

Each step the critic's TD error δ = R + γ v(S') − v(S) says whether the
step went better (δ > 0) or worse than the critic expected, and the actor
moves the preferences of the action taken along the gradient of its log
probability, scaled by δ:

    w ← w + α^w δ x(S)
    θ ← θ + α^θ I δ ∇ ln π(A | S),   ∇_θ[b] ln π(A | S) = (1[b = A] − π(b | S)) x(S)

with I = γ^t (1 when γ = 1).  The policy explores by itself (it is
stochastic); there is no ε.  Features are any feature object of
:mod:`course.features` or :mod:`course.tiles`: one-hot on the grid worlds
(then this is the tabular actor-critic), tile coding on Mountain Car.
"""

from __future__ import annotations

import numpy as np

from .. import policies
from ..params import Param
from .linear import LinearAgent

__all__ = ["ActorCritic", "softmax_log_gradient"]


def softmax_log_gradient(probs: np.ndarray, a: int, val: np.ndarray) -> np.ndarray:
    """∇_θ ln π(a|s) of a linear softmax policy, on the active features: shape (actions, active).

    Row b is (1[b = a] − π(b|s)) · x(s)[active]: the chosen action's
    preferences go up by x(s) times what it lacked of probability one, every
    other action's go down by x(s) times its probability.
    """
    grad = -np.outer(probs, val)
    grad[a] += val
    return grad


class ActorCritic(LinearAgent):
    """One-step actor-critic (episodic): a linear softmax policy and a linear TD(0) critic."""

    alpha = Param(0.1, low=0.0, high=1.0, low_open=True, log=True, symbol="αʷ", doc="critic step size")
    alpha_theta = Param(0.1, low=0.0, high=10.0, low_open=True, log=True, symbol="αᶿ", doc="actor step size")
    gamma = Param(1.0, low=0.0, high=1.0, symbol="γ", doc="discount factor")

    def _weight_shape(self):
        return (self.features.n_features,)

    def build(self) -> None:
        super().build()
        self.theta = np.zeros((self.n_actions, self.features.n_features))
        self.discount = 1.0  # I = γ^t, the weight of this step's actor update

    @property
    def n_actions(self) -> int:
        return int(self.env.action_space.n)

    def state_dict(self):
        return {"w": self.w, "theta": self.theta}

    # -- the critic and the actor --------------------------------------------
    def v(self, obs) -> float:
        idx, val = self.features(obs)
        return float(self.w[idx] @ val)

    def preferences(self, obs) -> np.ndarray:
        """h(s, ·) = θ[·] · x(s), one number per action."""
        idx, val = self.features(obs)
        return self.theta[:, idx] @ val

    def pi(self, obs) -> np.ndarray:
        """π(· | s): the softmax of the preferences."""
        return policies.softmax_probs(self.preferences(obs), 1.0)

    def act(self, obs, explore: bool = True):
        h = self.preferences(obs)
        if not explore:
            return policies.greedy(h, self.rng)
        return policies.softmax(h, 1.0, self.rng)

    def begin_episode(self, obs) -> None:
        self.discount = 1.0

    def learn(self, s, a, r, s2, a2, terminated):
        idx, val = self.features(s)
        target = r if terminated else r + self.gamma * self.v(s2)
        delta = target - self.w[idx] @ val  # the critic's TD error
        probs = self.pi(s)
        self.scatter_add(self.w, idx, self.alpha * delta * val)  # critic: w <- w + α^w δ x(S)
        grad = softmax_log_gradient(probs, int(a), val)  # actor: θ <- θ + α^θ I δ ∇ln π(A|S)
        step = self.alpha_theta * self.discount * delta * grad
        if self.features.unique:
            self.theta[:, idx] += step
        else:  # hashed features: an index may repeat
            np.add.at(self.theta, (slice(None), idx), step)
        self.discount *= self.gamma
        return abs(float(delta))

    def state_values(self):
        n = getattr(self.env.observation_space, "n", None)
        if n is None:
            return None
        return np.array([self.v(s) for s in range(int(n))])
