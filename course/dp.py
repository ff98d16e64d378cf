"""Dynamic programming (Sutton & Barto, chapter 4) on any world that exposes its model.

Every function takes a :class:`~course.envs.models.Model` (``P[s, a, s']``,
``R[s, a, s']``, ``terminal[s]``, ``allowed[s, a]``) or an environment whose
unwrapped form has a ``model()`` method (every grid world and random walk of
the kit, :class:`~course.envs.models.ModelEnv`).  A *policy* is an array
``pi[s, a]`` of action probabilities, shape (n_states, n_actions), or one
action per state, shape (n_states,).  Values are arrays ``v[s]``; the value of
a terminal state is 0.

* :func:`backup` — one Bellman expectation backup of one state;
* :func:`sweep` — one sweep of iterative policy evaluation over all states,
  in place (each new value is used at once) or with two arrays (the new
  values only from the next sweep on, as the book's Figure 4.1);
* :func:`evaluate_policy` — sweeps until the largest change is below θ;
* :func:`q_values`, :func:`greedy`, :func:`improve_policy` — policy improvement;
* :func:`policy_iteration`, :func:`value_sweep` (one sweep), :func:`value_iteration`.

Bad input raises a ``ValueError`` naming the parameter: a policy of the
wrong shape, γ outside [0, 1], θ ≤ 0.  Policy evaluation that cannot
converge (γ = 1 under a policy that never reaches a terminal state: the
values fall without end) stops after ``max_sweeps`` sweeps and raises
:class:`NotConverged`, which says why and carries the last values.
"""

from __future__ import annotations

import numpy as np

from .envs.models import Model
from .params import Param

__all__ = ["NotConverged", "as_model", "check_policy", "random_policy", "backup", "sweep", "evaluate_policy",
           "q_values", "greedy", "improve_policy", "policy_iteration", "value_sweep", "value_iteration"]

GAMMA = Param(1.0, low=0.0, high=1.0, symbol="γ", doc="discount factor", name="gamma")
THETA = Param(1e-6, low=0.0, low_open=True, log=True, symbol="θ", doc="accuracy: stop when no value changes more",
              name="theta")
MAX_SWEEPS = Param(10_000, low=1, doc="most sweeps before giving up", name="max_sweeps")


class NotConverged(RuntimeError):
    """Policy evaluation or value iteration hit its sweep cap; ``values`` holds the last values."""

    def __init__(self, message: str, values: np.ndarray, sweeps: int):
        super().__init__(message)
        self.values, self.sweeps = values, sweeps


def as_model(world) -> Model:
    """The :class:`Model` of ``world`` (a Model, or an environment whose unwrapped form has ``model()``)."""
    if isinstance(world, Model):
        return world
    unwrapped = getattr(world, "unwrapped", world)
    if hasattr(unwrapped, "model"):
        return unwrapped.model()
    raise TypeError(f"{type(world).__name__} exposes no model: dynamic programming needs a course.envs.models."
                    f"Model or an environment with a model() method (the kit's grid worlds and random walks)")


def random_policy(model) -> np.ndarray:
    """The equiprobable random policy over each state's allowed actions, shape (n_states, n_actions)."""
    m = as_model(model)
    pi = m.allowed.astype(float)
    return pi / pi.sum(axis=1, keepdims=True)


def check_policy(model, policy, name: str = "policy") -> np.ndarray:
    """``policy`` as an (n_states, n_actions) array of probabilities, or a ValueError naming ``name``."""
    m = as_model(model)
    S, A = m.n_states, m.n_actions
    pi = np.asarray(policy)
    if pi.shape == (S,):
        if not np.issubdtype(pi.dtype, np.integer) or pi.min() < 0 or pi.max() >= A:
            raise ValueError(f"{name} is not valid: a policy of shape ({S},) gives one action per state, "
                             f"an integer in [0, {A})")
        pi = np.eye(A)[pi]
    if pi.shape != (S, A):
        raise ValueError(f"{name} has shape {pi.shape}, which is not valid: {name} must have shape ({S}, {A}) "
                         f"(n_states, n_actions: the probability of each action in each state) or ({S},) "
                         f"(one action per state)")
    pi = pi.astype(float)
    live = ~m.terminal
    if np.any(pi < 0) or not np.allclose(pi[live].sum(axis=1), 1.0):
        raise ValueError(f"{name} is not valid: each row (state) must hold probabilities, non-negative and "
                         f"summing to 1")
    if np.any(pi[live] * ~m.allowed[live] > 0):
        raise ValueError(f"{name} is not valid: it gives a positive probability to an action that is not "
                         f"allowed in that state (see model.allowed)")
    return pi


def _values(m: Model, v, name: str = "v") -> np.ndarray:
    if v is None:
        return np.zeros(m.n_states)
    v = np.array(v, dtype=float)
    if v.shape != (m.n_states,):
        raise ValueError(f"{name} has shape {v.shape}, which is not valid: {name} must have shape ({m.n_states},)")
    return v


def backup(model, s: int, v: np.ndarray, policy, gamma: float = 1.0) -> float:
    """One Bellman expectation backup: Σ_a π(a|s) Σ_s' p(s'|s,a) [r(s,a,s') + γ v(s')]."""
    m = as_model(model)
    if m.terminal[s]:
        return 0.0
    pi = np.asarray(policy, dtype=float)
    return float(pi[s] @ (m.P[s] * (m.R[s] + gamma * v)).sum(axis=1))


def sweep(model, policy, v, gamma: float = 1.0, in_place: bool = True) -> tuple[np.ndarray, float]:
    """One sweep of iterative policy evaluation over all states; returns (new values, largest change).

    ``in_place=True`` updates ``v`` state by state, each backup using the
    newest values; ``False`` computes every new value from the old array
    (the "two-array" version).
    """
    m = as_model(model)
    gamma = GAMMA.validate(gamma)
    pi = check_policy(m, policy)
    v = _values(m, v)
    if in_place:
        delta = 0.0
        for s in np.flatnonzero(~m.terminal):
            new = pi[s] @ (m.P[s] * (m.R[s] + gamma * v)).sum(axis=1)
            delta = max(delta, abs(new - v[s]))
            v[s] = new
        return v, float(delta)
    new = (pi * (m.P * (m.R + gamma * v)).sum(axis=2)).sum(axis=1)
    new[m.terminal] = 0.0
    return new, float(np.abs(new - v).max())


def evaluate_policy(model, policy, *, gamma: float = 1.0, theta: float = 1e-6, in_place: bool = True,
                    max_sweeps: int = 10_000, v=None) -> tuple[np.ndarray, int]:
    """Iterative policy evaluation: sweep until no value changes by θ or more; returns (v_π, sweeps).

    Raises :class:`NotConverged` after ``max_sweeps`` sweeps (γ = 1 and a
    policy that never ends the episode: its values fall without end).
    """
    m = as_model(model)
    gamma, theta, max_sweeps = GAMMA.validate(gamma), THETA.validate(theta), MAX_SWEEPS.validate(max_sweeps)
    pi = check_policy(m, policy)
    v = _values(m, v)
    # the same sweeps as sweep(), with the policy's transition matrix and rewards computed once
    p_pi = np.einsum("sa,sat->st", pi, m.P)
    r_pi = (pi * m.expected_reward).sum(axis=1)
    live = np.flatnonzero(~m.terminal)
    v[m.terminal] = 0.0
    for k in range(1, max_sweeps + 1):
        if in_place:
            delta = 0.0
            for s in live:
                new = r_pi[s] + gamma * (p_pi[s] @ v)
                delta = max(delta, abs(new - v[s]))
                v[s] = new
        else:
            new = r_pi + gamma * (p_pi @ v)
            new[m.terminal] = 0.0
            delta = float(np.abs(new - v).max())
            v = new
        if delta < theta:
            return v, k
    raise NotConverged(
        f"policy evaluation did not converge in max_sweeps={max_sweeps} sweeps (the last sweep still changed a "
        f"value by {delta:.3g}, more than theta={theta:g}): with gamma={gamma:g} the values of a policy that "
        f"never reaches a terminal state grow without bound; use gamma < 1 or a policy that ends the episode",
        v, max_sweeps)


def q_values(model, v, gamma: float = 1.0) -> np.ndarray:
    """q(s, a) = Σ_s' p(s'|s,a) [r(s,a,s') + γ v(s')], shape (n_states, n_actions); -inf where not allowed."""
    m = as_model(model)
    gamma = GAMMA.validate(gamma)
    q = (m.P * (m.R + gamma * _values(m, v))).sum(axis=2)
    return np.where(m.allowed, q, -np.inf)


def greedy(model, v, gamma: float = 1.0, tol: float = 1e-9) -> np.ndarray:
    """The greedy actions: a bool array (n_states, n_actions), True for every action within ``tol`` of the best."""
    q = q_values(model, v, gamma)
    return q >= q.max(axis=1, keepdims=True) - tol


def improve_policy(model, v, gamma: float = 1.0, old=None, tol: float = 1e-9) -> np.ndarray:
    """Policy improvement: a deterministic policy greedy with respect to ``v``, shape (n_states, n_actions).

    Among tied actions the old policy's action is kept when it is one of
    them (so that policy iteration stops), else the first.
    """
    m = as_model(model)
    best = greedy(m, v, gamma, tol)
    action = best.argmax(axis=1)
    if old is not None:
        old = check_policy(m, old, "old")
        keep = best[np.arange(m.n_states), old.argmax(axis=1)]
        action = np.where(keep, old.argmax(axis=1), action)
    return np.eye(m.n_actions)[action]


def policy_iteration(model, *, gamma: float = 1.0, theta: float = 1e-6, max_sweeps: int = 10_000,
                     policy=None, max_iterations: int = 1000):
    """Policy iteration: evaluate, improve, until the policy is stable.  Returns (policy, v, iterations).

    Starts from ``policy`` (default the random policy); each evaluation
    starts from the previous policy's values.
    """
    m = as_model(model)
    pi = random_policy(m) if policy is None else check_policy(m, policy)
    v = None
    for i in range(1, max_iterations + 1):
        v, _ = evaluate_policy(m, pi, gamma=gamma, theta=theta, max_sweeps=max_sweeps, v=v)
        new = improve_policy(m, v, gamma, old=pi)
        if np.array_equal(new, pi):
            return pi, v, i
        pi = new
    raise NotConverged(f"policy iteration did not settle in max_iterations={max_iterations} iterations", v,
                       max_iterations)


def value_sweep(model, v, gamma: float = 1.0) -> tuple[np.ndarray, float]:
    """One in-place sweep of value iteration: v(s) ← max_a Σ_s' p(s'|s,a)[r + γ v(s')]; returns (v, largest change)."""
    m = as_model(model)
    gamma = GAMMA.validate(gamma)
    v = _values(m, v)
    delta = 0.0
    for s in np.flatnonzero(~m.terminal):
        q = (m.P[s] * (m.R[s] + gamma * v)).sum(axis=1)
        new = q[m.allowed[s]].max()
        delta = max(delta, abs(new - v[s]))
        v[s] = new
    return v, float(delta)


def value_iteration(model, *, gamma: float = 1.0, theta: float = 1e-6, max_sweeps: int = 10_000,
                    v=None, history: list | None = None):
    """Value iteration (in place): v(s) ← max_a Σ_s' p(s'|s,a)[r + γ v(s')] until no change reaches θ.

    Returns (greedy policy, v, sweeps).  Give a list as ``history`` to get
    a copy of the values after each sweep appended to it (Figure 4.3).
    """
    m = as_model(model)
    gamma, theta, max_sweeps = GAMMA.validate(gamma), THETA.validate(theta), MAX_SWEEPS.validate(max_sweeps)
    v = _values(m, v)
    for k in range(1, max_sweeps + 1):
        v, delta = value_sweep(m, v, gamma)
        if history is not None:
            history.append(v.copy())
        if delta < theta:
            return improve_policy(m, v, gamma), v, k
    raise NotConverged(f"value iteration did not converge in max_sweeps={max_sweeps} sweeps (last change "
                       f"{delta:.3g} > theta={theta:g}); with gamma=1 some state may never reach a terminal "
                       f"state: use gamma < 1", v, max_sweeps)
