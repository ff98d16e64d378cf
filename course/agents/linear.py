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

One feature vector for prediction and control.  A prediction agent's
feature vector is ``x(s)``.  A control agent keeps one weight row per action,
``w[a]``; reading ``w`` as one long vector, that is the same as a feature
vector ``x(s, a)`` that puts the features of ``s`` in the block of action
``a`` (the book's "stacked" state-action features, section 10.1).  Both
agents expose their feature vector as :meth:`x` (``(indices, values)`` into
the flat weights), so every update rule below is written once, as in the
book, in terms of ``w`` and ``x``.

The algorithms (each class is its update rule; read them in this order):

* prediction of v_π for the equiprobable random policy: :class:`TD0`,
  :class:`TDLambda`, :class:`TrueOnlineTDLambda`;
* control: :class:`Sarsa`, :class:`QLearning`, :class:`ExpectedSarsa`,
  :class:`NStepSarsa`, :class:`SarsaLambda`, :class:`TrueOnlineSarsaLambda`.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .. import policies
from ..agent import Agent, ControlAgent
from ..features import Features, features_for
from ..params import Param

__all__ = [
    "LinearAgent", "LinearPredictionAgent", "LinearControlAgent", "TraceAgent",
    "TD0", "TDLambda", "TrueOnlineTDLambda",
    "Sarsa", "QLearning", "ExpectedSarsa", "NStepSarsa", "SarsaLambda", "TrueOnlineSarsaLambda",
]


# ---------------------------------------------------------------------------
# Bases: features, weights and the shared update steps
# ---------------------------------------------------------------------------
class LinearAgent(Agent):
    """Shared plumbing of the linear agents: features, weights, the semi-gradient TD step."""

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

    # -- sparse linear algebra on the flat weight vector ---------------------
    @property
    def w_flat(self) -> np.ndarray:
        """``w`` as one long vector (a view: writing to it changes ``w``)."""
        return self.w.reshape(-1)

    def scatter_add(self, arr: np.ndarray, idx: np.ndarray, vals) -> None:
        """``arr[idx] += vals``, correct also when ``idx`` repeats (hashed features)."""
        if self.features.unique:
            arr[idx] += vals
        else:
            np.add.at(arr, idx, vals)

    def td_update(self, x, target: float) -> float:
        """One semi-gradient TD step: δ = target − w·x, then w ← w + α δ x.  Returns |δ|.

        For one-hot features this is the tabular rule V(S) ← V(S) + α[target − V(S)].
        """
        idx, val = x
        w = self.w_flat
        delta = target - w[idx] @ val
        self.scatter_add(w, idx, self.alpha * delta * val)
        return abs(float(delta))


class LinearPredictionAgent(LinearAgent):
    """Estimates v_pi(s) = w · x(s) for the fixed equiprobable random policy."""

    def _weight_shape(self):
        return (self.features.n_features,)

    def x(self, obs):
        """The feature vector x(s) as ``(indices, values)``."""
        return self.features(obs)

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

    def x(self, obs, a):
        """The state-action feature vector x(s, a): the features of s in the block of action a."""
        idx, val = self.features(obs)
        return idx + int(a) * self.features.n_features, val

    def q(self, obs) -> np.ndarray:
        idx, val = self.features(obs)
        return self.w[:, idx] @ val

    def state_values(self):
        n = getattr(self.env.observation_space, "n", None)
        if n is None:
            return None
        return np.array([self.q(s).max() for s in range(int(n))])


class TraceAgent(LinearAgent):
    """Eligibility traces z (one per weight) for the λ-methods.

    The trace remembers which features were active recently; a TD error then
    updates all of them at once, each in proportion to its trace, which
    decays by γλ per step.  λ = 0 is one-step TD; λ = 1 approaches Monte
    Carlo.  Traces start at zero in every episode.

    The trace is a dense array the size of ``w``: decaying it costs one
    multiply per weight per step, cheap for tables and for tile coding
    (4096 features x 3 actions).
    """

    lambda_ = Param(0.9, low=0.0, high=1.0, symbol="λ", doc="trace decay")

    def build(self) -> None:
        super().build()
        self.z = np.zeros_like(self.w)
        self._v_old = 0.0  # V(S') of the previous step, for the true online update

    def begin_episode(self, obs) -> None:
        self.z.fill(0.0)
        self._v_old = 0.0

    def trace_update(self, x, target: float, replacing: bool = False) -> float:
        """TD(λ) with accumulating or replacing traces (book sections 12.2 and 12.7).

        z ← γλ z;  z_i ← z_i + x_i (accumulating) or z_i ← x_i (replacing) for active i;
        δ = target − w·x;  w ← w + α δ z.
        """
        idx, val = x
        w, z = self.w_flat, self.z.reshape(-1)
        delta = target - w[idx] @ val
        z *= self.gamma * self.lambda_
        if replacing:
            z[idx] = 0.0
        self.scatter_add(z, idx, val)
        w += self.alpha * delta * z
        return abs(float(delta))

    def true_online_update(self, x, r: float, v_next: float) -> float:
        """True online TD(λ) with a dutch trace (van Seijen & Sutton; book section 12.5).

        V = w·x;  δ = R + γV' − V;
        z ← γλ z + (1 − αγλ z·x) x;
        w ← w + α(δ + V − V_old) z − α(V − V_old) x;  V_old ← V'.
        """
        idx, val = x
        w, z = self.w_flat, self.z.reshape(-1)
        alpha, gl = self.alpha, self.gamma * self.lambda_
        v = w[idx] @ val
        delta = r + self.gamma * v_next - v
        zx = z[idx] @ val
        z *= gl
        self.scatter_add(z, idx, (1.0 - alpha * gl * zx) * val)
        w += alpha * (delta + v - self._v_old) * z
        self.scatter_add(w, idx, -alpha * (v - self._v_old) * val)
        self._v_old = v_next
        return abs(float(delta))


# ---------------------------------------------------------------------------
# Prediction: estimate v_pi of the random policy
# ---------------------------------------------------------------------------
class TD0(LinearPredictionAgent):
    """TD(0) (book section 6.1): move V(S) towards the one-step target R + γV(S').

    V(S) ← V(S) + α [R + γ V(S') − V(S)],  with V(terminal) = 0.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        target = r if terminated else r + self.gamma * self.v(s2)
        return self.td_update(self.x(s), target)


class TDLambda(TraceAgent, LinearPredictionAgent):
    """Semi-gradient TD(λ) with accumulating traces (book section 12.2).

    Every visited state keeps a trace that decays by γλ per step; each TD
    error updates all of them, so one reward reaches back along the path.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        target = r if terminated else r + self.gamma * self.v(s2)
        return self.trace_update(self.x(s), target)


class TrueOnlineTDLambda(TraceAgent, LinearPredictionAgent):
    """True online TD(λ) (book section 12.5): exactly the online λ-return algorithm, at TD(λ)'s cost."""

    def learn(self, s, a, r, s2, a2, terminated):
        return self.true_online_update(self.x(s), r, 0.0 if terminated else self.v(s2))


# ---------------------------------------------------------------------------
# Control: learn q and act on it
# ---------------------------------------------------------------------------
class Sarsa(LinearControlAgent):
    """Sarsa (book section 6.4): on-policy TD control.

    Q(S,A) ← Q(S,A) + α [R + γ Q(S',A') − Q(S,A)], where A' is the action the
    agent will really take next (exploration included).  Because it learns the
    value of the policy it follows, Sarsa with ε = 0.1 on the cliff learns the
    safe path that keeps clear of the edge.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        target = r if terminated else r + self.gamma * self.q(s2)[a2]
        return self.td_update(self.x(s, a), target)


class QLearning(LinearControlAgent):
    """Q-learning (book section 6.5): off-policy TD control.

    Q(S,A) ← Q(S,A) + α [R + γ max_a Q(S',a) − Q(S,A)]: the target is the
    greedy policy's value, whatever the agent does next, so Q-learning learns
    the optimal path along the cliff edge (and falls off it now and then while
    it explores).

    A detail of order: the loop chooses A' in S' *before* this update (that
    is Sarsa's order), while the book's Q-learning chooses it after.  The
    action is then picked from values that miss one update of Q(S,A); the
    learning curves are not materially different.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        target = r if terminated else r + self.gamma * self.q(s2).max()
        return self.td_update(self.x(s, a), target)


class ExpectedSarsa(LinearControlAgent):
    """Expected Sarsa (book section 6.6): the target averages Q(S',·) over the policy.

    Q(S,A) ← Q(S,A) + α [R + γ Σ_a π(a|S') Q(S',a) − Q(S,A)]: Sarsa without
    the noise of sampling A'.  With the greedy policy it is Q-learning.
    """

    def learn(self, s, a, r, s2, a2, terminated):
        if terminated:
            target = r
        else:
            q2 = self.q(s2)
            target = r + self.gamma * self.probs(q2) @ q2
        return self.td_update(self.x(s, a), target)


class NStepReturns:
    """The plumbing of the n-step methods: targets that sum n rewards, then bootstrap.

    Each step :meth:`_remember` keeps ``(key, R)``; once n rewards wait, the
    oldest key is updated towards
    G = R_{t+1} + γ R_{t+2} + ... + γ^{n-1} R_{t+n} + γ^n · value(tail),
    and at the end of an episode the keys still waiting are updated with the
    rewards that remain (bootstrapping from the last state when the episode
    was cut short rather than ended).  An algorithm says what a key is, its
    features (:meth:`_x`) and the value it bootstraps from (:meth:`_value`).
    """

    n = Param(4, low=1, live=False, doc="rewards summed before bootstrapping")

    def build(self) -> None:
        super().build()
        self._pending = deque()  # (key, R) of the keys not yet updated, oldest first
        self._tail = None  # what to bootstrap from; None after termination

    def begin_episode(self, obs) -> None:
        self._pending.clear()

    def end_episode(self) -> None:
        while self._pending:
            self._update_oldest()

    def _remember(self, key, r, tail):
        self._pending.append((key, r))
        self._tail = tail
        return self._update_oldest() if len(self._pending) == self.n else None

    def _update_oldest(self) -> float:
        g = 0.0 if self._tail is None else self._value(self._tail)
        for _, r in reversed(self._pending):
            g = r + self.gamma * g
        key, _ = self._pending.popleft()
        return self.td_update(self._x(key), g)


class NStepSarsa(NStepReturns, LinearControlAgent):
    """n-step Sarsa (book section 7.2): the target sums n rewards, then bootstraps from Q(S_{t+n}, A_{t+n}).

    Q(S_t, A_t) is updated n steps late (the plumbing is :class:`NStepReturns`).
    """

    def learn(self, s, a, r, s2, a2, terminated):
        return self._remember((s, a), r, None if terminated else (s2, a2))

    def _x(self, key):
        return self.x(*key)

    def _value(self, tail) -> float:
        return self.q(tail[0])[tail[1]]


class SarsaLambda(TraceAgent, LinearControlAgent):
    """Sarsa(λ) (book section 12.7): Sarsa with an eligibility trace over state-action pairs.

    ``trace="replacing"`` sets the trace of the active features to their
    value (1 for tile coding) instead of adding to it; on Mountain Car it
    tolerates larger step sizes (book figure 12.10).
    """

    trace = Param("replacing", choices=("replacing", "accumulating"), doc="eligibility trace kind")

    def learn(self, s, a, r, s2, a2, terminated):
        target = r if terminated else r + self.gamma * self.q(s2)[a2]
        return self.trace_update(self.x(s, a), target, replacing=self.trace == "replacing")


class TrueOnlineSarsaLambda(TraceAgent, LinearControlAgent):
    """True online Sarsa(λ) (book section 12.8): true online TD(λ) on action values."""

    def learn(self, s, a, r, s2, a2, terminated):
        return self.true_online_update(self.x(s, a), r, 0.0 if terminated else self.q(s2)[a2])
