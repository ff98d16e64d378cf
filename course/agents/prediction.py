"""Prediction with features (book chapter 9): gradient Monte Carlo and n-step semi-gradient TD.

Both estimate v_pi(s) ≈ w · x(s) for the equiprobable random policy, with
any feature object (:mod:`course.features`, :mod:`course.state_features`,
:mod:`course.tiles`), on the shared plumbing of :mod:`course.agents.linear`:
``td_update(x, target)`` is the semi-gradient step w ← w + α [target − w·x] x.
They differ only in the target.  (Semi-gradient TD(0) is :class:`TD0`, the
λ-methods :class:`TDLambda` and :class:`TrueOnlineTDLambda`.)
"""

from __future__ import annotations

import numpy as np

from .linear import LinearPredictionAgent, NStepReturns

__all__ = ["GradientMC", "NStepTD"]


class _AllStates(LinearPredictionAgent):
    """The value of every state at once, from a feature matrix computed once (for error curves and views)."""

    def state_values(self):
        n = getattr(self.env.observation_space, "n", None)
        if n is None:
            return None
        if getattr(self, "_X", None) is None:
            self._X = np.stack([self.features.dense(s) for s in range(int(n))])
        return self._X @ self.w


class GradientMC(_AllStates):
    """Gradient Monte Carlo prediction (book section 9.3): the target is the return G_t.

    After each episode, for t = 0, 1, ..., T−1:  w ← w + α [G_t − w·x(S_t)] x(S_t).
    G_t does not depend on w, so this is a true gradient step on the value
    error of the visited state, and it converges to a local optimum of VE.
    """

    def build(self) -> None:
        super().build()
        self._episode: list = []  # (S_t, R_{t+1}) of the episode so far

    def begin_episode(self, obs) -> None:
        self._episode.clear()

    def learn(self, s, a, r, s2, a2, terminated):
        self._episode.append((s, r))
        return None

    def end_episode(self) -> None:
        g, returns = 0.0, []
        for s, r in reversed(self._episode):
            g = r + self.gamma * g
            returns.append(g)
        for (s, _), g in zip(self._episode, reversed(returns)):
            self.td_update(self.x(s), g)
        self._episode.clear()


class NStepTD(NStepReturns, _AllStates):
    """n-step semi-gradient TD (book sections 7.1 and 9.4, equation 9.15): n rewards, then w·x(S_{t+n}).

    x(S_t) is updated n steps late (the plumbing is :class:`~course.agents.linear.NStepReturns`).
    n = 1 is semi-gradient TD(0); n at least the episode's length is gradient MC.
    With one-hot features (the default on a discrete world) it is tabular n-step TD.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        return self._remember(s, r, None if terminated else s2)

    def _x(self, key):
        return self.x(key)

    def _value(self, tail) -> float:
        return self.v(tail)
