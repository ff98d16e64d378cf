"""Tabular agents of the temporal-difference unit (Sutton & Barto chapters 6 and 7).

They build on the linear agents of :mod:`course.agents.linear` (a table is a
linear function of one-hot features, so ``self.w`` *is* the table and
``self.td_update`` the tabular rule V(S) ← V(S) + α[target − V(S)]).  Each
class states its update rule:

* n-step TD prediction (section 7.1) is :class:`course.agents.prediction.NStepTD` (any features; one-hot = tabular);
* :class:`DoubleQLearning` -- two tables, one picks, the other values (section 6.7);
* the one-step actor-critic (section 13.5) is :class:`course.agents.actor_critic.ActorCritic` (any features);
* :class:`BatchTD0`, :class:`BatchMC` -- batch updating (section 6.3, Figure 6.2).

:class:`LegalActions` lets a control agent explore only among the actions an
environment allows in a state (the maximization-bias MDP: A has two actions,
B ten); :class:`MaskedQLearning` is Q-learning with it, for Figure 6.5.
"""

from __future__ import annotations


import numpy as np

from .. import policies
from ..params import Param
from .linear import LinearControlAgent, LinearPredictionAgent, QLearning

__all__ = ["LegalActions", "DoubleQLearning", "MaskedQLearning", "BatchTD0", "BatchMC"]


class LegalActions:
    """Mixin: act (ε-greedily) among the legal actions only, when the environment names them.

    An environment that has ``legal_actions(state) -> bool mask`` (e.g.
    :class:`course.envs.bias.MaxBias`) is asked in every state; others allow
    every action.
    """

    def _legal(self, obs):
        fn = getattr(self.env.unwrapped, "legal_actions", None)
        return None if fn is None else np.flatnonzero(fn(obs))

    def act(self, obs, explore: bool = True):
        legal = self._legal(obs)
        if legal is None or legal.size == self.n_actions:
            return super().act(obs, explore)
        q = self.q(obs)[legal]
        if explore and self.epsilon > 0.0:
            return int(legal[policies.epsilon_greedy(q, self.epsilon, self.rng)])
        return int(legal[policies.greedy(q, self.rng)])


class MaskedQLearning(LegalActions, QLearning):
    """Q-learning that explores only among legal actions (for the maximization-bias MDP)."""


class DoubleQLearning(LegalActions, LinearControlAgent):
    """Double Q-learning (book section 6.7): two tables Q1 and Q2 against maximization bias.

    Act ε-greedily on Q1 + Q2.  On each step, with probability 1/2,
    Q1(S,A) ← Q1(S,A) + α [R + γ Q2(S', argmax_a Q1(S',a)) − Q1(S,A)],
    else the same with Q1 and Q2 swapped.  One table picks the action, the
    other, trained on different samples, values it: the max of noisy
    estimates no longer inflates the target.
    """

    def build(self) -> None:
        super().build()
        self.w2 = np.zeros_like(self.w)  # Q2; self.w is Q1

    def state_dict(self):
        return {"w": self.w, "w2": self.w2}

    def q(self, obs) -> np.ndarray:
        idx, val = self.features(obs)
        return (self.w[:, idx] + self.w2[:, idx]) @ val

    def learn(self, s, a, r, s2, a2, terminated):
        pick, value = (self.w, self.w2) if self.rng.random() < 0.5 else (self.w2, self.w)
        if terminated:
            target = r
        else:
            best = self.best_action(pick, s2)  # one table picks A* = argmax_a Q_pick(S', a) ...
            target = r + self.gamma * self.table_q(value, s2)[best]  # ... the other one values it
        return self.table_update(pick, self.x(s, a), target)

    # -- the same steps as the one-table agents, on a table of one's choice --------
    def table_q(self, table, obs) -> np.ndarray:
        idx, val = self.features(obs)
        return table[:, idx] @ val

    def best_action(self, table, obs) -> int:
        """argmax over the legal actions of ``table``'s values in ``obs`` (ties broken at random)."""
        q = self.table_q(table, obs)
        legal = self._legal(obs)
        if legal is not None:
            q = np.where(np.isin(np.arange(q.size), legal), q, -np.inf)
        return policies.greedy(q, self.rng)

    def table_update(self, table, x, target: float) -> float:
        idx, val = x
        flat = table.reshape(-1)
        delta = target - flat[idx] @ val
        flat[idx] += self.alpha * delta * val
        return abs(float(delta))


class _BatchPrediction(LinearPredictionAgent):
    """Batch updating (book section 6.3): learn only at the end of an episode, from all episodes so far.

    Every transition seen is kept.  After each episode the agent sweeps over
    all of them again and again: one sweep adds up the increments
    ``target − V(S)`` of every visit, per state, and applies the sum once
    (scaled by α over the number of visits of the state, so that α = 1 moves
    V(S) to the average target of its visits), until no value moves by more
    than ``tol``.  Batch MC then settles on the average return seen from each
    state; batch TD(0) on the values of the maximum-likelihood model of the
    process (the certainty-equivalence estimate).
    """

    alpha = Param(1.0, low=0.0, high=1.0, low_open=True, symbol="α",
                  doc="step size of a sweep, per visit of the state")
    tol = Param(1e-4, low=0.0, low_open=True, log=True, doc="stop sweeping when no value moves more than this")
    max_sweeps = Param(10_000, low=1, doc="at most this many sweeps per episode")

    def build(self) -> None:
        super().build()
        self.s_, self.r_, self.s2_, self.end_, self.g_ = [], [], [], [], []
        self._episode = []
        self.sweeps = 0  # sweeps of the last batch

    def begin_episode(self, obs) -> None:
        self._episode = []

    def learn(self, s, a, r, s2, a2, terminated):
        self._episode.append((int(s), float(r), int(s2), bool(terminated)))
        return None

    def end_episode(self) -> None:
        g = 0.0
        for s, r, s2, end in reversed(self._episode):
            g = r + self.gamma * g
            self.s_.append(s)
            self.r_.append(r)
            self.s2_.append(s2)
            self.end_.append(end)
            self.g_.append(g)
        s = np.array(self.s_)
        visits = np.bincount(s, minlength=self.w.size).astype(float)
        step = np.divide(self.alpha, visits, out=np.zeros_like(visits), where=visits > 0)
        for self.sweeps in range(1, self.max_sweeps + 1):
            inc = np.bincount(s, weights=self.targets() - self.w[s], minlength=self.w.size) * step
            self.w += inc
            if np.abs(inc).max() < self.tol:
                break

    def targets(self) -> np.ndarray:
        raise NotImplementedError


class BatchTD0(_BatchPrediction):
    """Batch TD(0): the target of each stored transition is R + γ V(S') with today's V."""

    def targets(self):
        s2 = np.array(self.s2_)
        return np.array(self.r_) + self.gamma * np.where(np.array(self.end_), 0.0, self.w[s2])


class BatchMC(_BatchPrediction):
    """Batch (every-visit) Monte Carlo: the target of each stored visit is the return G that followed it."""

    def targets(self):
        return np.array(self.g_)
