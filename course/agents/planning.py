"""Planning agents (book chapter 8): learn a model of the world from real steps, then learn from the model too.

A *model* answers "what happens if I take action a in state s?".  These
agents learn the simplest one, a table of the last transition seen from each
state-action pair (:class:`Model`; the kit's grid worlds are deterministic,
so the last one seen is *the* one).  *Planning* is then Q-learning on
transitions the model makes up instead of the world:

* :class:`DynaQ` (section 8.2): after each real step, one Q-learning update
  from it (direct RL), remember it in the model, and ``planning_steps``
  Q-learning updates on pairs drawn at random from the model;
* :class:`DynaQPlus` (section 8.3): Dyna-Q with a bonus κ√τ on the reward of
  a modelled transition that has not been tried for τ steps, so that the
  agent goes back to check on a world that may have changed;
* :class:`PrioritizedSweeping` (section 8.4): planning updates go first to
  the pairs whose value would change most, and from a changed state back to
  the pairs that lead to it.

All three are tabular (the state is an index) and share the Q-learning
agent's table ``w[a, s] = Q(s, a)``, its ε-greedy policy and the kit's loop.
``updates`` counts every update of Q (real and planned), the measure of work
of Example 8.4.  One order differs from plain Q-learning in the kit: the
next action is chosen *after* learning and planning, as in the book's
algorithm boxes, so it already profits from the planning of this step.
"""

from __future__ import annotations

import heapq
import math

import gymnasium as gym
import numpy as np

from ..features import OneHot
from ..params import Param
from .linear import QLearning

__all__ = ["Model", "DynaQ", "DynaQPlus", "PrioritizedSweeping"]


class Model:
    """A table model of a deterministic world: for each pair (s, a) tried, the reward, next state and end.

    ``remember(s, a, r, s2, terminated)`` stores a real transition (the
    latest one replaces an older one, so a world that changes is followed);
    ``predict(s, a)`` gives ``(r, s2, terminated)`` back.  For planning it
    keeps the states seen in the order they were first seen and, for each,
    the actions tried there (:meth:`sample` draws from them as the book
    says: a random state seen, then a random action tried in it) and, for
    each state, the pairs that lead to it (:meth:`predecessors`, for
    prioritized sweeping).

    With ``untried=True`` (Dyna-Q+), the first visit of a state also enters
    every action not tried there as a transition that stays put with reward
    0, so planning can consider those actions too (the book's footnote to
    Dyna-Q+).
    """

    def __init__(self, n_states: int, n_actions: int, *, untried: bool = False):
        self.n_states, self.n_actions, self.untried = n_states, n_actions, untried
        self.next = np.full((n_states, n_actions), -1, dtype=np.int64)
        self.reward = np.zeros((n_states, n_actions))
        self.terminal = np.zeros((n_states, n_actions), dtype=bool)
        self.known = np.zeros((n_states, n_actions), dtype=bool)  # really tried
        self.states: list[int] = []               # states seen, in order of first visit
        self.actions: list[list[int]] = [[] for _ in range(n_states)]  # per state, the actions planning may use
        self._pred: list[set] = [set() for _ in range(n_states)]  # per state, the pairs leading to it

    def __len__(self) -> int:
        return sum(len(a) for a in self.actions)

    def _store(self, s: int, a: int, r: float, s2: int, terminated: bool) -> None:
        old = self.next[s, a]
        if old >= 0:
            self._pred[old].discard((s, a))
        else:
            self.actions[s].append(a)
        self.next[s, a], self.reward[s, a], self.terminal[s, a] = s2, r, terminated
        self._pred[s2].add((s, a))

    def remember(self, s: int, a: int, r: float, s2: int, terminated: bool) -> None:
        if not self.actions[s]:
            self.states.append(s)
            if self.untried:
                for b in range(self.n_actions):
                    if b != a:
                        self._store(s, b, 0.0, s, False)
        self._store(s, a, float(r), s2, bool(terminated))
        self.known[s, a] = True

    def predict(self, s: int, a: int) -> tuple[float, int, bool]:
        return float(self.reward[s, a]), int(self.next[s, a]), bool(self.terminal[s, a])

    def sample(self, n: int, rng: np.random.Generator) -> list[tuple[int, int]]:
        """``n`` pairs: each a random state seen, then a random action of it (one call to ``rng``)."""
        if n == 0 or not self.states:
            return []
        u = rng.random((n, 2))
        out = []
        for u1, u2 in u.tolist():
            s = self.states[int(u1 * len(self.states))]
            acts = self.actions[s]
            out.append((s, acts[int(u2 * len(acts))]))
        return out

    def predecessors(self, s: int) -> list[tuple[int, int]]:
        """The pairs (s̄, ā) the model says lead to ``s`` (sorted, so that runs repeat exactly)."""
        return sorted(self._pred[s])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"model_next": self.next, "model_reward": self.reward, "model_terminal": self.terminal,
                "model_known": self.known}

    def load(self, arrays: dict[str, np.ndarray]) -> None:
        """Rebuild from :meth:`arrays` (the order of first visits becomes the order of state numbers)."""
        self.__init__(self.n_states, self.n_actions, untried=self.untried)
        nxt, rew, term, known = (np.asarray(arrays[k]) for k in
                                 ("model_next", "model_reward", "model_terminal", "model_known"))
        for s in range(self.n_states):
            for a in range(self.n_actions):
                if nxt[s, a] >= 0:
                    if not self.actions[s]:
                        self.states.append(s)
                    self._store(s, a, float(rew[s, a]), int(nxt[s, a]), bool(term[s, a]))
        self.known[...] = known


class DynaQ(QLearning):
    """Tabular Dyna-Q (book section 8.2): Q-learning, plus ``planning_steps`` updates from a learned model per step.

    Each real step: (d) direct RL, one Q-learning update from the real
    transition; (e) model learning, remember it; (f) planning, ``n`` times:
    a random state seen and action tried there, the model's reward and next
    state, one Q-learning update.  With ``planning_steps=0`` this is
    Q-learning.  In the book (Figure 8.2): α = 0.1, ε = 0.1, γ = 0.95.
    """

    planning_steps = Param(5, low=0, kind=int, symbol="n", doc="planning updates per real step")

    def build(self) -> None:
        if not isinstance(self.env.observation_space, gym.spaces.Discrete):
            raise ValueError(f"{type(self).__name__} is tabular: it needs a discrete observation space (a state "
                             f"index), got {self.env.observation_space}")
        if self._features_arg is not None and not isinstance(self._features_arg, OneHot):
            raise ValueError(f"features={self._features_arg!r} is not valid: {type(self).__name__} is tabular "
                             f"and uses one-hot features (leave features unset)")
        super().build()
        self.model = Model(self.features.n_features, self.n_actions, untried=self._plans_untried())
        self.updates = 0  # every update of Q, real or planned

    def _plans_untried(self) -> bool:
        return False

    # -- the one-step update on the table, real or simulated ------------------
    def td_error(self, s: int, a: int, r: float, s2: int, terminated: bool) -> float:
        """R + γ max_a Q(S', a) − Q(S, A) (no bootstrap after the end)."""
        w = self.w
        target = r if terminated else r + self.gamma * w[:, s2].max()
        return target - w[a, s]

    def q_update(self, s: int, a: int, r: float, s2: int, terminated: bool) -> float:
        """Q(S,A) ← Q(S,A) + α [R + γ max_a Q(S',a) − Q(S,A)]; returns the TD error."""
        delta = self.td_error(s, a, r, s2, terminated)
        self.w[a, s] += self.alpha * delta
        self.updates += 1
        return delta

    # -- the algorithm ---------------------------------------------------------
    def learn(self, s, a, r, s2, a2, terminated):
        delta = self.q_update(s, a, r, s2, terminated)  # direct RL
        self.model.remember(s, a, r, s2, terminated)    # model learning
        self.plan()                                     # planning
        return abs(delta)

    def plan(self) -> None:
        for s, a in self.model.sample(self.planning_steps, self.rng):
            r, s2, terminated = self.model.predict(s, a)
            self.q_update(s, a, r, s2, terminated)

    def act_and_learn(self, s, a, r, s2, terminated, explore=True):
        signal = self.learn(s, a, r, s2, None, terminated)  # learn and plan first, then choose (the book's order)
        return (None if terminated else self.act(s2, explore)), signal

    # -- checkpoints: the table and the model ------------------------------------
    def state_dict(self):
        return {"w": self.w, "updates": np.array(self.updates), **self.model.arrays()}

    def load_state_dict(self, arrays) -> None:
        self.w[...] = arrays["w"]
        self.updates = int(arrays["updates"])
        self.model.load(arrays)


class DynaQPlus(DynaQ):
    """Dyna-Q+ (book section 8.3): planning adds a bonus κ√τ for a transition not tried for τ real steps.

    The modelled reward of (s, a) becomes r + κ√τ, so pairs left alone for
    long look attractive, and the agent goes back to test them: in a world
    that changes (the blocking and shortcut mazes) it finds the new paths.
    As in the book, the first visit of a state also lets planning use the
    actions not yet tried there (modelled as staying put with reward 0, with
    τ counted from the start).  The bonus acts in planning only; real
    rewards are learned as they are.
    """

    kappa = Param(1e-3, low=0.0, symbol="κ", doc="weight of the exploration bonus κ√τ")

    def build(self) -> None:
        super().build()
        self.last_tried = np.zeros((self.n_actions, self.features.n_features), dtype=np.int64)  # real step of the last try

    def _plans_untried(self) -> bool:
        return True

    def bonus(self, tau: int) -> float:
        """κ√τ: the extra reward of a transition not tried for ``tau`` steps."""
        return self.kappa * math.sqrt(tau)

    def learn(self, s, a, r, s2, a2, terminated):
        self.last_tried[a, s] = self.total_steps + 1  # this step's number (the loop counts it after learning)
        return super().learn(s, a, r, s2, a2, terminated)

    def plan(self) -> None:
        now = self.total_steps + 1
        for s, a in self.model.sample(self.planning_steps, self.rng):
            r, s2, terminated = self.model.predict(s, a)
            self.q_update(s, a, r + self.bonus(now - int(self.last_tried[a, s])), s2, terminated)

    def state_dict(self):
        return {**super().state_dict(), "last_tried": self.last_tried}

    def load_state_dict(self, arrays) -> None:
        super().load_state_dict(arrays)
        self.last_tried[...] = arrays["last_tried"]


class PrioritizedSweeping(DynaQ):
    """Prioritized sweeping for a deterministic world (book section 8.4).

    A real step updates nothing by itself: it goes into the model, and the
    pair goes into a priority queue if its TD error P = |R + γ max Q(S',·) −
    Q(S,A)| exceeds θ.  Planning then takes up to ``planning_steps`` pairs,
    largest P first: update the pair, then look at every pair the model says
    leads to its state and queue those whose P now exceeds θ.  A change
    spreads backwards from where it happened, and planning stops when
    nothing is worth updating (the queue is empty).  A pair already in the
    queue keeps the larger of its priorities.
    """

    theta = Param(1e-4, low=0.0, symbol="θ", doc="priority threshold: smaller errors are not queued")

    def build(self) -> None:
        super().build()
        self.queue: list[tuple[float, int, int, int]] = []  # heap of (−P, order, s, a)
        self.queued: dict[tuple[int, int], float] = {}     # pair -> its priority in the heap
        self._order = 0

    def begin_episode(self, obs) -> None:
        pass  # the queue carries over from one episode to the next, as the model does

    def push(self, s: int, a: int, p: float) -> None:
        """Queue (s, a) with priority ``p`` if ``p > θ`` (a queued pair keeps the larger priority)."""
        if p > self.theta and p > self.queued.get((s, a), -1.0):
            self.queued[(s, a)] = p
            self._order += 1
            heapq.heappush(self.queue, (-p, self._order, s, a))

    def pop(self) -> tuple[int, int] | None:
        """The pair of highest priority, or None when nothing is queued (stale entries are skipped)."""
        while self.queue:
            neg, _, s, a = heapq.heappop(self.queue)
            if self.queued.get((s, a)) == -neg:
                del self.queued[(s, a)]
                return s, a
        return None

    def learn(self, s, a, r, s2, a2, terminated):
        self.model.remember(s, a, r, s2, terminated)
        p = abs(self.td_error(s, a, r, s2, terminated))
        self.push(s, a, p)
        self.plan()
        return p

    def plan(self) -> None:
        for _ in range(self.planning_steps):
            pair = self.pop()
            if pair is None:
                break
            s, a = pair
            r, s2, terminated = self.model.predict(s, a)
            self.q_update(s, a, r, s2, terminated)
            for sb, ab in self.model.predecessors(s):  # the pairs that lead to S
                rb, _, tb = self.model.predict(sb, ab)
                self.push(sb, ab, abs(self.td_error(sb, ab, rb, s, tb)))
