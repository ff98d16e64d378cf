"""Episodes, returns and values by running a policy: the small tools of lesson 03 (MDPs and grid worlds).

Nothing here knows the worlds' dynamics: every value is *measured*, by
running episodes and adding up discounted rewards.  (Lesson 05 computes the
same values from the model p(s', r | s, a).)

* :func:`discounted_return` — G = R1 + γ R2 + γ² R3 + ...;
* :func:`run_episode` — one episode of a policy (a function of the state),
  its states, actions, rewards and return;
* :func:`values_by_episodes` — v_π(s) of every state of a grid world, as the
  average return of episodes started in s;
* :func:`action_values_by_episodes` — q_π(s, a): take a first, then follow π;
* :func:`random_policy`, :func:`toward_goal` — two hand-written policies.

A policy is a function ``policy(state, rng) -> action``; ``rng`` is the
episode's numpy Generator (a deterministic policy ignores it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .envs import make
from .envs.gridworld import MOVES, GridWorld

__all__ = ["discounted_return", "Episode", "run_episode", "start_at", "values_by_episodes",
           "action_values_by_episodes", "random_policy", "toward_goal", "policy_table"]

Policy = Callable[[int, np.random.Generator], int]


def discounted_return(rewards, gamma: float) -> float:
    """G = R1 + γ R2 + γ² R3 + ... of a list of rewards (γ in [0, 1])."""
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma={gamma!r} is out of range: gamma (discount γ) must be a number in [0, 1]")
    g = 0.0
    for r in reversed(list(rewards)):  # G_t = R_{t+1} + γ G_{t+1}, from the end backwards
        g = r + gamma * g
    return float(g)


@dataclass
class Episode:
    """One episode: S0, A0, R1, S1, A1, R2, ... and its return."""

    states: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    rewards: list = field(default_factory=list)
    ret: float = 0.0
    terminated: bool = False  # reached a terminal state (else cut at max_steps)

    @property
    def steps(self) -> int:
        return len(self.rewards)


def run_episode(env, policy: Policy, *, gamma: float = 1.0, max_steps: int = 1000, seed: int | None = None) -> Episode:
    """Run ``policy`` on ``env`` from a reset until the episode ends or ``max_steps`` steps."""
    if not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise ValueError(f"max_steps={max_steps!r} is not valid: max_steps must be a positive integer")
    rng = np.random.default_rng(seed)
    s, _ = env.reset(seed=seed)
    ep = Episode(states=[int(s)])
    for _ in range(max_steps):
        a = int(policy(int(s), rng))
        s, r, terminated, truncated, _ = env.step(a)
        ep.actions.append(a)
        ep.rewards.append(float(r))
        ep.states.append(int(s))
        if terminated or truncated:
            ep.terminated = bool(terminated)
            break
    ep.ret = discounted_return(ep.rewards, gamma)
    return ep


def start_at(name: str, state: int, **kwargs):
    """The grid world ``name`` (keyword arguments as for :func:`course.envs.make`) with its start moved to ``state``."""
    world = make(name, **kwargs).unwrapped
    if not isinstance(world, GridWorld):
        raise ValueError(f"name={name!r} is not valid here: start_at needs a grid world, not {type(world).__name__}")
    return make(name, start=world.pos_of(state), **kwargs)


def _free_states(world: GridWorld) -> list[int]:
    return [s for s in range(world.n_states)
            if world.layout[s // world.n_cols][s % world.n_cols] not in "#C" and s != world.goal_state]


def values_by_episodes(name: str, policy: Policy, *, gamma: float = 0.9, episodes: int = 1, max_steps: int = 200,
                       seed: int = 0, **kwargs) -> np.ndarray:
    """v_π(s) of each state of grid world ``name``: the mean return of ``episodes`` episodes started in s.

    Walls and cliff cells are nan, the goal 0.  One episode per state is
    exact for a deterministic policy in a deterministic world.  An episode
    cut at ``max_steps`` misses at most γ^max_steps of its return.
    """
    world = make(name, **kwargs).unwrapped
    v = np.full(world.n_states, np.nan)
    v[world.goal_state] = 0.0
    for s in _free_states(world):
        env = start_at(name, s, **kwargs)
        v[s] = np.mean([run_episode(env, policy, gamma=gamma, max_steps=max_steps, seed=seed + i).ret
                        for i in range(episodes)])
    return v


def action_values_by_episodes(name: str, policy: Policy, *, gamma: float = 0.9, episodes: int = 1,
                              max_steps: int = 200, seed: int = 0, **kwargs) -> np.ndarray:
    """q_π(s, a), shape (n_actions, n_states): take ``a`` in s first, then follow π (nan where v is)."""
    world = make(name, **kwargs).unwrapped
    q = np.full((world.n_actions, world.n_states), np.nan)
    q[:, world.goal_state] = 0.0
    for s in _free_states(world):
        env = start_at(name, s, **kwargs)
        for a in range(world.n_actions):
            first = [a]

            def then_policy(state, rng, first=first):  # a first, then π
                return first.pop() if first else policy(state, rng)

            q[a, s] = np.mean([run_episode(env, then_policy, gamma=gamma, max_steps=max_steps, seed=seed + i).ret
                               for i in range(episodes)])
            first[:] = []
    return q


def random_policy(n_actions: int) -> Policy:
    """The equiprobable random policy over ``n_actions`` actions."""
    return lambda state, rng: int(rng.integers(n_actions))


def toward_goal(world: GridWorld) -> Policy:
    """A hand-written policy: head for the goal, along the longer of the row and column distances first.

    It looks at the map: a move into a wall, a cliff cell or off the grid is
    replaced by the other direction towards the goal, else by the first
    free one of up, down, left, right.  It knows nothing of wind, and it has
    no memory: in the maze it can go back and forth in front of a wall for ever.
    On a random walk it always steps right.
    """
    if not isinstance(world, GridWorld):
        return lambda state, rng: world.action_names.index("right")
    goal_row, goal_col = world.pos_of(world.goal_state)
    index = {move: i for i, (_, move) in enumerate(MOVES[:4])}

    def free(row, col):
        return 0 <= row < world.n_rows and 0 <= col < world.n_cols and world.layout[row][col] not in "#C"

    def policy(state, rng):
        row, col = world.pos_of(state)
        dr, dc = int(np.sign(goal_row - row)), int(np.sign(goal_col - col))
        across, down = ((0, dc), (dr, 0)) if abs(goal_col - col) >= abs(goal_row - row) else ((dr, 0), (0, dc))
        for move in (across, down, (-1, 0), (1, 0), (0, -1), (0, 1)):
            if move != (0, 0) and free(row + move[0], col + move[1]):
                return index[move]
        return 0

    return policy


def policy_table(world, policy: Policy, seed: int = 0) -> np.ndarray:
    """A deterministic policy as a table of shape (n_actions, n_states), 1 at the chosen action, for ``draw(policy=)``."""
    rng = np.random.default_rng(seed)
    table = np.zeros((world.n_actions, world.n_states))
    for s in range(world.n_states):
        table[int(policy(s, rng)), s] = 1.0
    return table
