"""The experiments of Sutton & Barto's chapter 8, one run at a time, and many runs side by side.

Each experiment of the planning lesson is a function of one run (a seed) that
builds its agent and environment, runs them through the kit's loop and
returns a few numbers:

* :func:`steps_per_episode` -- Dyna-Q on the Dyna maze (Figure 8.2);
* :func:`cumulative_reward` -- Dyna-Q or Dyna-Q+ on a changing maze
  (Figures 8.4 and 8.5): the reward gathered by each time step;
* :func:`updates_until_optimal` -- Dyna-Q or prioritized sweeping on a
  scaled Dyna maze (Example 8.4): the updates of Q until the greedy path is
  (nearly) the shortest.

:func:`many` runs one such function for many keyword sets in worker
processes (``spawn``, never ``fork``, so a notebook that has loaded
TensorFlow can use it), or in this process with ``workers=1``.  A run is the
same computation wherever it runs, so both give the same numbers; the
workers only share the work among the CPU cores (``course bench planning``
measures what that buys).
"""

from __future__ import annotations


from typing import Sequence

import numpy as np

from .agents.planning import DynaQ, DynaQPlus, PrioritizedSweeping
from .envs.gridworld import GridWorld
from .envs.mazes import DYNA_MAZE, ChangingMaze, scaled

__all__ = ["AGENTS", "BOOK", "steps_per_episode", "batched_steps_per_episode", "cumulative_reward",
           "updates_until_optimal"]

AGENTS = {"dyna-q": DynaQ, "dyna-q+": DynaQPlus, "prioritized-sweeping": PrioritizedSweeping}

#: The book's settings for the Dyna maze (Figure 8.2): reward +1 at the goal, 0 elsewhere.
BOOK = {"alpha": 0.1, "epsilon": 0.1, "gamma": 0.95}


def steps_per_episode(seed: int, *, planning_steps: int, episodes: int = 50, **params) -> np.ndarray:
    """Figure 8.2: steps of each episode of Dyna-Q with ``planning_steps`` on the Dyna maze."""
    agent = DynaQ(GridWorld(DYNA_MAZE, reward="goal+1"), planning_steps=planning_steps, seed=seed,
                  **{**BOOK, **params})
    return agent.run(episodes).steps


def batched_steps_per_episode(runs: int, *, planning_steps: int, episodes: int = 50, seed: int = 0,
                              alpha: float = 0.1, epsilon: float = 0.1, gamma: float = 0.95) -> np.ndarray:
    """Figure 8.2 for ``runs`` runs at once: Dyna-Q's steps per episode, shape (runs, episodes).

    The same algorithm as :class:`~course.agents.DynaQ` in the same order
    (act ε-greedily with random tie-breaking, direct update, remember,
    ``planning_steps`` updates on a random state seen and a random action
    tried there, then choose the next action), with every array given a
    leading axis of runs: one numpy operation advances all runs by one
    update, so its overhead is shared by ``runs`` updates.  The runs share
    one random generator, so a run here is not the same sequence as
    ``DynaQ(seed=...)``, only a sample of the same process (the tests
    compare the two statistically).  Runs that have finished their episodes
    keep stepping until the last run is done; only their first ``episodes``
    episodes are kept.
    """
    for name, value in (("runs", runs), ("episodes", episodes)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r} is not valid: {name} must be a positive integer")
    DynaQ.planning_steps.validate(planning_steps)
    world = GridWorld(DYNA_MAZE, reward="goal+1")
    nxt, rew, end = world._next, world._reward, world._terminal  # the world's (S, A) tables
    n_states, n_actions = nxt.shape
    rng = np.random.default_rng(seed)
    # Every table has a leading axis of runs, and is used flat: pair (s, a) of run i is cell (i·S + s)·A + a.
    base = np.arange(runs) * n_states  # row of state 0 of each run
    Q = np.zeros((runs * n_states, n_actions))
    q = Q.reshape(-1)
    m_next = np.zeros(runs * n_states * n_actions, dtype=np.int64)  # the model
    m_rew = np.zeros(runs * n_states * n_actions)
    m_end = np.zeros(runs * n_states * n_actions, dtype=bool)
    known = np.zeros(runs * n_states * n_actions, dtype=bool)
    seen = np.zeros(runs * n_states, dtype=np.int64)  # per run, the states in order of first visit
    n_seen = np.zeros(runs, dtype=np.int64)
    tried = np.zeros(runs * n_states * n_actions, dtype=np.int64)  # per run and state, the actions tried
    n_tried = np.zeros(runs * n_states, dtype=np.int64)
    steps = np.zeros((runs, episodes), dtype=np.int64)
    episode = np.zeros(runs, dtype=np.int64)
    t = np.zeros(runs, dtype=np.int64)

    def choose(row):
        values = Q[row]
        ties = values == values.max(axis=1, keepdims=True)
        greedy = np.argmax(ties * rng.random(values.shape), axis=1)  # uniformly among the tied best
        return np.where(rng.random(runs) < epsilon, rng.integers(n_actions, size=runs), greedy)

    def update(cell, r, row2, done):  # Q-learning on the pairs ``cell``, one per run
        q[cell] += alpha * (r + gamma * Q[row2].max(axis=1) * ~done - q[cell])

    state = np.full(runs, world.start_state)
    action = choose(base + state)
    while (episode < episodes).any():
        row = base + state
        cell = row * n_actions + action
        s2, r, done = nxt[state, action], rew[state, action], end[state, action]
        update(cell, r, base + s2, done)  # direct RL
        first = n_tried[row] == 0  # model learning
        seen[base[first] + n_seen[first]] = state[first]
        n_seen += first
        new = ~known[cell]
        tried[row[new] * n_actions + n_tried[row[new]]] = action[new]
        n_tried[row[new]] += 1
        known[cell], m_next[cell], m_rew[cell], m_end[cell] = True, s2, r, done
        for u in rng.random((planning_steps, 2, runs)):  # planning
            prow = base + seen[base + (u[0] * n_seen).astype(np.int64)]
            pcell = prow * n_actions + tried[prow * n_actions + (u[1] * n_tried[prow]).astype(np.int64)]
            update(pcell, m_rew[pcell], base + m_next[pcell], m_end[pcell])
        t += 1
        record = done & (episode < episodes)
        steps[record, episode[record]] = t[record]
        episode += done
        t[done] = 0
        state = np.where(done, world.start_state, s2)
        action = choose(base + state)
    return steps


def cumulative_reward(seed: int, *, agent: str, before, after, change_at: int, steps: int, **params) -> np.ndarray:
    """Figures 8.4 and 8.5: the reward gathered up to each of ``steps`` time steps on a changing maze.

    The goal pays 1 and nothing else pays, so the cumulative reward at step
    t is the number of episodes finished by then.
    """
    env = ChangingMaze(before, after, change_at=change_at, reward="goal+1")
    learner = AGENTS[agent](env, seed=seed, **params)
    learner.run(total_steps=steps)
    return np.searchsorted(learner.history.total_steps, np.arange(1, steps + 1), side="right")


def updates_until_optimal(seed: int, *, agent: str, factor: Sequence[int], tolerance: float = 1.2,
                          max_updates: int = 10**8, **params) -> int:
    """Example 8.4: updates of Q until the greedy path from the start is at most ``tolerance`` x the shortest.

    The maze is the Dyna maze with each cell made a ``factor = (rows, cols)``
    block (:func:`~course.envs.mazes.scaled`).  The greedy path is checked
    after every episode.  With ε-greedy exploration a pair off the agent's
    usual route may stay untried for a very long time, so the exactly
    shortest path can take many times longer to appear than a nearly
    shortest one: the tolerance (20%) makes the measure about planning, not
    about luck.  Stops at ``max_updates`` (and returns it) at the latest.
    """
    world = GridWorld(scaled(DYNA_MAZE, *factor), reward="goal+1")
    learner = AGENTS[agent](world, seed=seed, **params)
    best = world.shortest_path_length()
    while learner.updates < max_updates:
        learner.run(1)
        if len(world.greedy_path(learner.w)) - 1 <= tolerance * best:
            break
    return int(learner.updates)
