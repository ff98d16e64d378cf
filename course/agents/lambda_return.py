"""The offline λ-return algorithm (Sutton & Barto section 12.1, Figure 12.3).

The λ-return blends every n-step return of a state into one target,

    G^λ_t = (1 − λ) Σ_n λ^(n−1) G_{t:t+n}   (the returns that run past the end count as the full return),

so λ = 0 is the one-step TD target and λ = 1 the Monte Carlo return.  It
needs the rest of the episode, so the *offline* λ-return algorithm changes
nothing while the episode runs; at its end it computes the λ-return of every
step, with the weights as they were during the episode, by the backward
recursion

    G^λ_t = R_{t+1} + γ [(1 − λ) v̂(S_{t+1}) + λ G^λ_{t+1}],   G^λ_{T−1} = R_T + γ v̂(S_T)

(v̂ = 0 at a terminal state; an episode cut short bootstraps from the state
where it stopped), and then makes the semi-gradient updates
w ← w + α [G^λ_t − v̂(S_t, w)] x(S_t) for t = 0, 1, ..., T − 1 in order.
TD(λ) (:class:`~course.agents.TDLambda`) is its cheap online approximation;
true online TD(λ) reproduces the *online* λ-return algorithm exactly.
"""

from __future__ import annotations

import numpy as np

from ..params import Param
from .linear import LinearPredictionAgent

__all__ = ["OfflineLambdaReturn", "lambda_return"]


def lambda_return(rewards, next_values, lambda_: float, gamma: float = 1.0) -> np.ndarray:
    """The λ-return of every step of an episode, by the backward recursion above.

    ``rewards[t]`` is R_{t+1}; ``next_values[t]`` is v̂(S_{t+1}) (0 where S_{t+1} is terminal).
    """
    rewards, next_values = np.asarray(rewards, dtype=float), np.asarray(next_values, dtype=float)
    g = np.empty_like(rewards)
    later = next_values[-1] if rewards.size else 0.0  # G^λ_{T} read as v̂(S_T): then G^λ_{T-1} = R_T + γ v̂(S_T)
    for t in range(rewards.size - 1, -1, -1):
        later = rewards[t] + gamma * ((1.0 - lambda_) * next_values[t] + lambda_ * later)
        g[t] = later
    return g


class OfflineLambdaReturn(LinearPredictionAgent):
    """The offline λ-return algorithm: at the end of each episode, move each v̂(S_t) towards G^λ_t."""

    lambda_ = Param(0.9, low=0.0, high=1.0, symbol="λ", doc="decay of the n-step returns' weights")

    def build(self) -> None:
        super().build()
        self._episode: list = []  # (x(S_t), R_{t+1}, v̂(S_{t+1})) of the episode so far

    def begin_episode(self, obs) -> None:
        self._episode.clear()

    def learn(self, s, a, r, s2, a2, terminated):
        # nothing changes during the episode: remember the step (v̂(S_{t+1}) with the episode's weights)
        self._episode.append((self.x(s), float(r), 0.0 if terminated else self.v(s2)))
        return None

    def end_episode(self) -> None:
        if not self._episode:
            return
        xs, rewards, next_values = zip(*self._episode)
        targets = lambda_return(rewards, next_values, self.lambda_, self.gamma)
        for x, g in zip(xs, targets):
            self.td_update(x, g)
        self._episode.clear()
