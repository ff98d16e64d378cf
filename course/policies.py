"""Action-selection policies, as plain functions of action values.

Each takes the action values of one state and the caller's own
``numpy.random.Generator`` (randomness is owned: nothing here touches global
random state) and returns an action index.
"""

from __future__ import annotations

import numpy as np

__all__ = ["greedy", "epsilon_greedy", "softmax", "softmax_probs", "random_action", "epsilon_greedy_probs",
           "scheduled_epsilon"]


def greedy(q: np.ndarray, rng: np.random.Generator) -> int:
    """The action of highest value; ties are broken uniformly at random.

    Random tie-breaking matters: with zero-initialised values an agent that
    always took the first maximal action would never explore.
    """
    q = np.asarray(q)
    best = q.max()
    ties = np.flatnonzero(q == best)
    if ties.size == 0:  # only nan compares unequal to the maximum
        raise ValueError(f"the action values are not numbers (q={q}): the agent has diverged; "
                         f"try a smaller step size alpha")
    if ties.size == 1:
        return int(ties[0])
    return int(ties[rng.integers(ties.size)])


def epsilon_greedy(q: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """With probability ``epsilon`` a uniformly random action, else greedy."""
    if epsilon > 0.0 and rng.random() < epsilon:
        return int(rng.integers(len(q)))
    return greedy(q, rng)


def epsilon_greedy_probs(q: np.ndarray, epsilon: float) -> np.ndarray:
    """The probabilities epsilon-greedy gives each action (ties share the greedy mass)."""
    q = np.asarray(q, dtype=float)
    n = q.size
    probs = np.full(n, epsilon / n)
    best = np.flatnonzero(q == q.max())
    probs[best] += (1.0 - epsilon) / best.size
    return probs


def softmax_probs(q: np.ndarray, temperature: float) -> np.ndarray:
    """Boltzmann probabilities exp(q/τ) / Σ exp(q/τ), computed stably."""
    z = np.asarray(q, dtype=float) / temperature
    z -= z.max()
    e = np.exp(z)
    return e / e.sum()


def softmax(q: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Sample an action from the Boltzmann distribution with temperature τ."""
    p = softmax_probs(q, temperature)
    return int(rng.choice(p.size, p=p))


def random_action(n_actions: int, rng: np.random.Generator) -> int:
    """The fixed equiprobable random policy used for prediction."""
    return int(rng.integers(n_actions))


def scheduled_epsilon(start: float, t: int, *, floor: float = 0.0, linear_steps: int = 0,
                      factor: float = 1.0) -> float:
    """Epsilon ``t`` steps into an exploration schedule that begins at ``start``.

    * ``linear_steps > 0``: it falls linearly from ``start`` to ``floor`` in that many steps;
    * otherwise it is ``start * factor ** t`` (1.0 = no decay);

    never below ``floor``, and never above ``start`` (a start below the floor stays there).
    """
    if t <= 0 or start <= floor:
        return start
    if linear_steps > 0:
        value = start - (start - floor) * min(t, linear_steps) / linear_steps
    else:
        value = start * factor ** t
    return max(floor, value)
