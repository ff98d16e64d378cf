"""The model of an environment, p(s', r | s, a), in one form for dynamic programming.

Dynamic programming (Sutton & Barto, chapter 4) needs what an agent normally
does not have: the whole model of its world.  Every small world of the kit
exposes it the same way, as a :class:`Model` returned by the method
``model()`` of the *unwrapped* environment::

    world = course.envs.make("maze").unwrapped
    m = world.model()
    m.P[s, a, s2]   # probability that action a in state s leads to s2
    m.R[s, a, s2]   # the reward of that transition
    m.terminal[s]   # True where no decision is taken: v(s) = 0 by definition
    m.allowed[s, a] # True where action a may be taken in s

Arrays, not lists, so that one Bellman backup of every state at once is a
line of numpy: ``(m.P * (m.R + gamma * v)).sum(-1)`` is q(s, a) for all
pairs (see :mod:`course.dp`).  The rewards of the kit's worlds are a
function of (s, a, s'), so ``P`` and ``R`` together are p(s', r | s, a);
``m.expected_reward`` is r(s, a) = Σ_s' p(s'|s, a) r(s, a, s').

``terminal`` holds the states where the episode is over (the goal) and the
cells the agent never stands in (walls, cliff cells); from a terminal state
every action stays there with reward 0.

This module also has the gambler's problem (book Example 4.3) as a model,
:class:`ModelEnv` (any model as a gymnasium environment, to sample from),
and the estimation of a model from sampled transitions by counting
(:func:`estimate_model`, :func:`sample_transitions`, :class:`TransitionRecorder`).
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from ..events import Observer

__all__ = ["Model", "gambler", "ModelEnv", "estimate_model", "sample_transitions", "TransitionRecorder",
           "model_error"]


@dataclass(frozen=True)
class Model:
    """p(s', r | s, a) of a finite world as arrays (see the module's documentation).

    P : shape (n_states, n_actions, n_states), rows sum to 1.
    R : shape (n_states, n_actions, n_states), the reward of each transition.
    terminal : shape (n_states,), bool.
    allowed : shape (n_states, n_actions), bool (all True in grid worlds).
    action_names : one name per action (for printing).
    """

    P: np.ndarray
    R: np.ndarray
    terminal: np.ndarray
    allowed: np.ndarray
    action_names: tuple = ()

    def __post_init__(self):
        S, A = self.allowed.shape
        if self.P.shape != (S, A, S) or self.R.shape != (S, A, S) or self.terminal.shape != (S,):
            raise ValueError(f"model arrays do not fit: P {self.P.shape}, R {self.R.shape}, "
                             f"terminal {self.terminal.shape}, allowed {self.allowed.shape}")

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]

    @property
    def expected_reward(self) -> np.ndarray:
        """r(s, a) = Σ_s' p(s' | s, a) r(s, a, s'), shape (n_states, n_actions)."""
        return (self.P * self.R).sum(axis=2)


def deterministic_model(nxt: np.ndarray, reward: np.ndarray, terminal_states: np.ndarray,
                        action_names=()) -> Model:
    """The model of a deterministic world from its table: ``nxt[s, a]`` and ``reward[s, a]``."""
    S, A = nxt.shape
    P = np.zeros((S, A, S))
    R = np.zeros((S, A, S))
    s, a = np.meshgrid(np.arange(S), np.arange(A), indexing="ij")
    P[s, a, nxt] = 1.0
    R[s, a, nxt] = reward
    terminal = np.asarray(terminal_states, dtype=bool)
    for t in np.flatnonzero(terminal):  # absorbing, reward 0
        P[t], R[t] = 0.0, 0.0
        P[t, :, t] = 1.0
    return Model(P, R, terminal, np.ones((S, A), dtype=bool), tuple(action_names))


# ---------------------------------------------------------------------------
# The gambler's problem
# ---------------------------------------------------------------------------
def gambler(p_heads: float = 0.4, goal: int = 100) -> Model:
    """The gambler's problem (Example 4.3) as a model.

    The state is the gambler's capital 0 .. ``goal``; 0 and ``goal`` are
    terminal.  Action a is the stake, allowed from 0 to min(s, goal − s);
    the coin comes up heads with probability ``p_heads`` (capital s + a) or
    tails (s − a).  Reaching ``goal`` pays +1, everything else 0, and there
    is no discount, so the value of a state is the probability of winning.
    """
    if not 0.0 < float(p_heads) < 1.0:
        raise ValueError(f"p_heads={p_heads!r} is not valid: p_heads must be a probability in (0, 1)")
    if not isinstance(goal, (int, np.integer)) or goal < 2:
        raise ValueError(f"goal={goal!r} is not valid: goal must be an integer of at least 2")
    S, A = goal + 1, goal // 2 + 1
    P = np.zeros((S, A, S))
    R = np.zeros((S, A, S))
    allowed = np.zeros((S, A), dtype=bool)
    for s in range(1, goal):
        for a in range(min(s, goal - s) + 1):
            allowed[s, a] = True
            P[s, a, s + a] += p_heads
            P[s, a, s - a] += 1 - p_heads
            R[s, a, goal] = 1.0
    terminal = np.zeros(S, dtype=bool)
    terminal[[0, goal]] = True
    for t in (0, goal):
        P[t, :, t] = 1.0
        allowed[t, 0] = True
    R[terminal] = 0.0
    return Model(P, R, terminal, allowed, tuple(f"stake {a}" for a in range(A)))


class ModelEnv(gym.Env):
    """Any :class:`Model` as a gymnasium environment: transitions are sampled from ``P``.

    An episode starts in ``start`` (a state number) or, with ``start=None``,
    in a uniformly random non-terminal state; it ends on reaching a terminal
    state.  An action that is not allowed raises ``ValueError``.
    ``model()`` returns the model, as for every world of the kit.
    """

    metadata = {"render_modes": []}

    def __init__(self, model: Model, *, start: int | None = None):
        if not isinstance(model, Model):
            raise TypeError(f"model must be a course.envs.models.Model, got {type(model).__name__}")
        if start is not None and not (0 <= start < model.n_states and not model.terminal[start]):
            raise ValueError(f"start={start!r} is not valid: start must be a non-terminal state number")
        self._model = model
        self.start = start
        self.observation_space = gym.spaces.Discrete(model.n_states)
        self.action_space = gym.spaces.Discrete(model.n_actions)
        self._cum = np.cumsum(model.P, axis=2)
        self._state = 0

    def model(self) -> Model:
        return self._model

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if self.start is None:
            self._state = int(self.np_random.choice(np.flatnonzero(~self._model.terminal)))
        else:
            self._state = int(self.start)
        return self._state, {}

    def step(self, action):
        s, a = self._state, int(action)
        if not (0 <= a < self._model.n_actions and self._model.allowed[s, a]):
            raise ValueError(f"action={action!r} is not valid in state {s}: the allowed actions are "
                             f"{np.flatnonzero(self._model.allowed[s]).tolist()}")
        s2 = int(np.searchsorted(self._cum[s, a], self.np_random.random(), side="right"))
        s2 = min(s2, self._model.n_states - 1)
        self._state = s2
        return s2, float(self._model.R[s, a, s2]), bool(self._model.terminal[s2]), False, {}


# ---------------------------------------------------------------------------
# Estimating a model by counting
# ---------------------------------------------------------------------------
def sample_transitions(model: Model, n: int, seed: int | None = None):
    """``n`` sampled transitions ``(s, a, r, s2)`` from every allowed non-terminal pair (a simulator's samples)."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n={n!r} is not valid: n (samples per state-action pair) must be a positive integer")
    rng = np.random.default_rng(seed)
    pairs = np.argwhere(model.allowed & ~model.terminal[:, None])
    s = np.repeat(pairs[:, 0], n)
    a = np.repeat(pairs[:, 1], n)
    cum = np.cumsum(model.P[pairs[:, 0], pairs[:, 1]], axis=1)  # one row per pair
    u = rng.random((len(pairs), n))
    s2 = np.concatenate([np.searchsorted(row, draws, side="right") for row, draws in zip(cum, u)])
    s2 = np.minimum(s2, model.n_states - 1)
    return s, a, model.R[s, a, s2], s2


def estimate_model(transitions, n_states: int, n_actions: int, terminal=None) -> Model:
    """The model estimated from transitions ``(s, a, r, s2)`` (arrays or a list of tuples) by counting.

    p̂(s' | s, a) = N(s, a, s') / N(s, a) and r̂(s, a, s') = the mean reward
    seen on that transition.  Pairs never tried have an all-zero row of
    ``P`` and are marked not ``allowed``.  ``terminal``: the terminal states,
    if known (else the states never left).
    """
    if isinstance(transitions, list):
        transitions = tuple(np.array(col) for col in zip(*transitions)) if transitions else ([], [], [], [])
    s, a, r, s2 = (np.asarray(x) for x in transitions[:4])
    s, a, s2 = s.astype(int), a.astype(int), s2.astype(int)
    counts = np.zeros((n_states, n_actions, n_states))
    rewards = np.zeros((n_states, n_actions, n_states))
    np.add.at(counts, (s, a, s2), 1.0)
    np.add.at(rewards, (s, a, s2), np.asarray(r, dtype=float))
    tried = counts.sum(axis=2)
    P = np.divide(counts, tried[..., None], out=np.zeros_like(counts), where=tried[..., None] > 0)
    R = np.divide(rewards, counts, out=np.zeros_like(rewards), where=counts > 0)
    if terminal is None:
        terminal = np.isin(np.arange(n_states), s2) & ~np.isin(np.arange(n_states), s)
    terminal = np.asarray(terminal, dtype=bool)
    for t in np.flatnonzero(terminal):
        P[t] = 0.0
        P[t, :, t] = 1.0
    return Model(P, R, terminal, tried > 0)


def model_error(true: Model, estimate: Model) -> float:
    """max |p̂(s'|s,a) − p(s'|s,a)| over the pairs the estimate has tried (non-terminal)."""
    mask = estimate.allowed & ~true.terminal[:, None]
    if not mask.any():
        return float("nan")
    return float(np.abs(estimate.P[mask] - true.P[mask]).max())


class TransitionRecorder(Observer):
    """An observer of the agent's loop that keeps every transition ``(s, a, r, s2)`` it sees.

    ``agent.subscribe(rec)`` (or ``agent.run(..., observers=[rec])``), then
    ``estimate_model(rec.transitions, n_states, n_actions)``.
    """

    def __init__(self):
        self.transitions: list[tuple] = []

    def on_step(self, agent, step) -> None:
        self.transitions.append((int(step.obs), int(step.action), float(step.reward), int(step.next_obs)))
