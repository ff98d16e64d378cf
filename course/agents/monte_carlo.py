"""Monte Carlo agents (Sutton & Barto, chapter 5, and a first taste of chapter 13).

Monte Carlo methods learn from whole episodes: nothing is updated while an
episode runs; at its end the agent goes through the episode *backwards*,
computing the return G_t = R_{t+1} + γ G_{t+1} of every step, and moves its
estimates towards those returns.  So every agent here records the episode in
:meth:`~MonteCarloAgent.learn` and updates in :meth:`~MonteCarloAgent.end_episode`,
through the kit's one loop (:meth:`course.agent.Agent.run`).

They are tabular: the observation must be a state number
(``Discrete`` observation space).  Blackjack becomes one through
:class:`course.envs.blackjack.BlackjackStates`.  An episode cut short by a
step cap (``max_episode_steps``) is learned from as if it had ended there.

Prediction of v_π for a fixed policy π (``policy=``, an (n_states, n_actions)
table of probabilities; default: uniformly random):

* :class:`FirstVisitMC` — V(s) is the average of the returns that follow the
  first visit to s in each episode;
* :class:`EveryVisitMC` — the average over every visit;
* :class:`ConstantAlphaMC` — V(s) ← V(s) + α [G − V(s)] at every visit.

Control (the agent improves its own policy):

* :class:`MonteCarloES` — exploring starts: the first action of each
  episode is random, then greedy; Q(s, a) is the average of first-visit returns;
* :class:`OnPolicyMC` — first-visit averages with an ε-greedy (ε-soft) policy;
* :class:`ConstantAlphaMCControl` — Q(S, A) ← Q(S, A) + α [G − Q(S, A)], ε-greedy.

Off-policy prediction of v_π while following a behaviour policy b
(``behaviour=``), weighting each return by the importance-sampling ratio
ρ = Π π(A_k|S_k) / b(A_k|S_k) of the actions from that visit on:

* :class:`OrdinaryIS` — V(s) = Σ ρ G / N(s): unbiased, but of high, even infinite, variance;
* :class:`WeightedIS` — V(s) = Σ ρ G / Σ ρ: biased at first, far lower variance.

Policy gradient: :class:`Reinforce` — a softmax policy over action
preferences h(s, ·), h(S_t, ·) ← h(S_t, ·) + α γ^t G_t ∇ ln π(A_t | S_t).
"""

from __future__ import annotations

import numpy as np
import gymnasium as gym

from .. import policies
from ..agent import Agent, ControlAgent
from ..params import Param

__all__ = ["MonteCarloAgent", "FirstVisitMC", "EveryVisitMC", "ConstantAlphaMC", "MonteCarloES", "OnPolicyMC",
           "ConstantAlphaMCControl", "OrdinaryIS", "WeightedIS", "Reinforce", "policy_table"]


def policy_table(policy, n_states: int, n_actions: int, name: str = "policy") -> np.ndarray:
    """A policy as an (n_states, n_actions) table of probabilities (None: uniformly random), checked."""
    if policy is None:
        return np.full((n_states, n_actions), 1.0 / n_actions)
    pi = np.asarray(policy, dtype=float)
    if pi.shape != (n_states, n_actions):
        raise ValueError(f"{name} has shape {pi.shape}, which is not valid: {name} must have shape "
                         f"({n_states}, {n_actions}) (n_states, n_actions: the probability of each action)")
    if np.any(pi < 0) or not np.allclose(pi.sum(axis=1), 1.0):
        raise ValueError(f"{name} is not valid: each row must hold probabilities, non-negative and summing to 1")
    return pi


class MonteCarloAgent(Agent):
    """Shared plumbing: a table per state, the episode's record, its returns computed backwards."""

    def __init__(self, env, **kwargs):
        space = env.observation_space if not isinstance(env, str) else None
        if space is not None and not isinstance(space, gym.spaces.Discrete):
            raise ValueError(f"{type(self).__name__} is tabular: it needs a Discrete observation space (state "
                             f"numbers), got {space}; map the observation to a state number first")
        super().__init__(env, **kwargs)

    def build(self) -> None:
        self.n_states = int(self.env.observation_space.n)
        self.episode_record: list[tuple[int, int, float]] = []  # (S_t, A_t, R_{t+1}) of this episode

    def begin_episode(self, obs) -> None:
        self.episode_record = []

    def learn(self, s, a, r, s2, a2, terminated):
        self.episode_record.append((int(s), int(a), float(r)))
        return None

    def returns(self):
        """(t, S_t, A_t, G_t) for every step of the episode, last step first (the order MC updates in)."""
        g = 0.0
        out = []
        for t in range(len(self.episode_record) - 1, -1, -1):
            s, a, r = self.episode_record[t]
            g = r + self.gamma * g
            out.append((t, s, a, g))
        return out

    def first_visit(self, key) -> list[bool]:
        """For each step t, whether ``key(S_t, A_t)`` is seen there for the first time in the episode."""
        seen, first = set(), []
        for s, a, _ in self.episode_record:
            k = key(s, a)
            first.append(k not in seen)
            seen.add(k)
        return first


# ---------------------------------------------------------------------------
# Prediction
# ---------------------------------------------------------------------------
class _PolicyPrediction(MonteCarloAgent):
    """Follows a fixed policy table; estimates V."""

    def __init__(self, env, *, policy=None, **kwargs):
        self._policy_arg = policy
        super().__init__(env, **kwargs)

    def build(self) -> None:
        super().build()
        self.n_actions = int(self.env.action_space.n)
        self.policy = policy_table(self._policy_arg, self.n_states, self.n_actions)
        self._cum = np.cumsum(self.policy, axis=1)
        self.V = np.zeros(self.n_states)
        self.N = np.zeros(self.n_states)

    def act(self, obs, explore=True):
        return min(int(np.searchsorted(self._cum[int(obs)], self.rng.random(), side="right")), self.n_actions - 1)

    def state_values(self):
        return self.V

    def state_dict(self):
        return {"V": self.V, "N": self.N}


class FirstVisitMC(_PolicyPrediction):
    """First-visit MC prediction (section 5.1): V(s) = the average of the returns after first visits to s.

    Incrementally, at the first visit of s in an episode: N(s) ← N(s) + 1, V(s) ← V(s) + [G − V(s)] / N(s).
    """

    every_visit = False

    def end_episode(self):
        first = self.first_visit(lambda s, a: s)
        for t, s, _, g in self.returns():
            if self.every_visit or first[t]:
                self.N[s] += 1
                self.V[s] += (g - self.V[s]) / self.N[s]


class EveryVisitMC(FirstVisitMC):
    """Every-visit MC prediction: the average of the returns after *every* visit to s."""

    every_visit = True


class ConstantAlphaMC(_PolicyPrediction):
    """Constant-α MC (equation 6.1): V(S_t) ← V(S_t) + α [G_t − V(S_t)] at every visit.

    A recency-weighted average: it follows a changing world, and is the
    Monte Carlo end of TD(λ) (lesson 08 compares it with TD(0)).
    """

    alpha = Param(0.1, low=0.0, high=1.0, low_open=True, log=True, symbol="α", doc="step size")

    def end_episode(self):
        for _, s, _, g in self.returns():
            self.V[s] += self.alpha * (g - self.V[s])


# ---------------------------------------------------------------------------
# Control
# ---------------------------------------------------------------------------
class _MCControl(ControlAgent, MonteCarloAgent):
    """Action values Q (n_states, n_actions), acted on by the control agent's policy (ε-greedy by default)."""

    def build(self) -> None:
        MonteCarloAgent.build(self)
        self.Q = np.zeros((self.n_states, self.n_actions))
        self.N = np.zeros((self.n_states, self.n_actions))

    def q(self, obs) -> np.ndarray:
        return self.Q[int(obs)]

    def state_values(self):
        return self.Q.max(axis=1)

    def state_dict(self):
        return {"Q": self.Q, "N": self.N}

    def average_first_visits(self) -> None:
        """Q(s, a) ← the average of the returns after first visits of (s, a)."""
        first = self.first_visit(lambda s, a: (s, a))
        for t, s, a, g in self.returns():
            if first[t]:
                self.N[s, a] += 1
                self.Q[s, a] += (g - self.Q[s, a]) / self.N[s, a]


class MonteCarloES(_MCControl):
    """Monte Carlo control with exploring starts (section 5.3).

    The first action of every episode is uniformly random (the start state
    should be random too: Blackjack deals one); after it the agent acts
    greedily on Q.  At the end: Q(s, a) ← average of first-visit returns.
    """

    epsilon = Param(0.0, low=0.0, high=1.0, symbol="ε", doc="exploration rate (0: greedy after the start)")

    def begin_episode(self, obs) -> None:
        super().begin_episode(obs)
        self._start = True

    def act(self, obs, explore=True):
        if explore and self._start:
            self._start = False
            return int(self.rng.integers(self.n_actions))
        return super().act(obs, explore)

    def end_episode(self):
        self.average_first_visits()


class OnPolicyMC(_MCControl):
    """On-policy first-visit MC control with an ε-soft (ε-greedy) policy (section 5.4)."""

    def end_episode(self):
        self.average_first_visits()


class ConstantAlphaMCControl(_MCControl):
    """Every-visit MC control with a constant step size: Q(S_t, A_t) ← Q(S_t, A_t) + α [G_t − Q(S_t, A_t)]."""

    alpha = Param(0.1, low=0.0, high=1.0, low_open=True, log=True, symbol="α", doc="step size")

    def end_episode(self):
        for _, s, a, g in self.returns():
            self.Q[s, a] += self.alpha * (g - self.Q[s, a])


# ---------------------------------------------------------------------------
# Off-policy prediction
# ---------------------------------------------------------------------------
class _ImportanceSampling(MonteCarloAgent):
    """Follows ``behaviour`` b, estimates v of ``target`` π (both (n_states, n_actions) tables; b default random).

    Backwards through the episode: G ← γG + R_{t+1}, W ← W π(A_t|S_t) / b(A_t|S_t)
    (so W = ρ_{t:T-1}), then the update of the subclass at every visit.
    """

    def __init__(self, env, *, target, behaviour=None, **kwargs):
        self._target_arg, self._behaviour_arg = target, behaviour
        super().__init__(env, **kwargs)

    def build(self) -> None:
        super().build()
        self.n_actions = int(self.env.action_space.n)
        self.target = policy_table(self._target_arg, self.n_states, self.n_actions, "target")
        self.behaviour = policy_table(self._behaviour_arg, self.n_states, self.n_actions, "behaviour")
        if np.any((self.target > 0) & (self.behaviour == 0)):
            raise ValueError("behaviour is not valid: it must give a positive probability to every action the "
                             "target policy may take (coverage)")
        self._cum = np.cumsum(self.behaviour, axis=1)
        self.V = np.zeros(self.n_states)
        self.C = np.zeros(self.n_states)  # number of returns (ordinary) or sum of weights (weighted)

    def act(self, obs, explore=True):
        return min(int(np.searchsorted(self._cum[int(obs)], self.rng.random(), side="right")), self.n_actions - 1)

    def state_values(self):
        return self.V

    def state_dict(self):
        return {"V": self.V, "C": self.C}

    def end_episode(self):
        w = 1.0
        for _, s, a, g in self.returns():
            w *= self.target[s, a] / self.behaviour[s, a]
            self.update(s, w, g)

    def update(self, s: int, w: float, g: float) -> None:
        raise NotImplementedError


class OrdinaryIS(_ImportanceSampling):
    """Ordinary importance sampling (equation 5.5): V(s) = Σ ρ G / N(s), i.e. N ← N + 1, V ← V + (ρG − V)/N."""

    def update(self, s, w, g):
        self.C[s] += 1
        self.V[s] += (w * g - self.V[s]) / self.C[s]


class WeightedIS(_ImportanceSampling):
    """Weighted importance sampling (equations 5.6 and 5.8): C ← C + ρ, V ← V + (ρ / C)(G − V)."""

    def update(self, s, w, g):
        if w > 0:
            self.C[s] += w
            self.V[s] += w / self.C[s] * (g - self.V[s])


# ---------------------------------------------------------------------------
# Policy gradient
# ---------------------------------------------------------------------------
class Reinforce(MonteCarloAgent):
    """Tabular REINFORCE (section 13.3) with a softmax policy over preferences h(s, a).

    π(a|s) = exp h(s,a) / Σ_b exp h(s,b); at the end of an episode, for each t:
    h(S_t, ·) ← h(S_t, ·) + α γ^t G_t (1[· = A_t] − π(·|S_t)), the gradient of ln π(A_t|S_t).
    ``q(obs)`` returns the preferences h(s, ·) (what a panel draws as the policy).
    """

    alpha = Param(0.02, low=0.0, high=10.0, low_open=True, log=True, symbol="α", doc="step size")

    def build(self) -> None:
        super().build()
        self.n_actions = int(self.env.action_space.n)
        self.h = np.zeros((self.n_states, self.n_actions))

    def probs(self, obs) -> np.ndarray:
        return policies.softmax_probs(self.h[int(obs)], 1.0)

    def q(self, obs) -> np.ndarray:
        return self.h[int(obs)]

    def act(self, obs, explore=True):
        if not explore:
            return policies.greedy(self.h[int(obs)], self.rng)
        return policies.softmax(self.h[int(obs)], 1.0, self.rng)

    def end_episode(self):
        for t, s, a, g in self.returns():
            grad = -self.probs(s)
            grad[a] += 1.0
            self.h[s] += self.alpha * self.gamma ** t * g * grad

    def state_values(self):
        return None

    def state_dict(self):
        return {"h": self.h}
