"""What a deep agent thinks of every cell of an image grid world (lesson 16 draws it on the maze).

:func:`grid_outputs` places the agent in each free cell in turn, builds the
grey image it would see there (:func:`cell_observations`), and scores them all
in one batched forward pass.  The result is a table ``(outputs, n_states)``
that the grid world's ``draw(values=..., policy=...)`` paints over the maze
and that ``greedy_path`` follows.
"""

from __future__ import annotations

import numpy as np

from .envs.gridworld import GridWorld

__all__ = ["cell_observations", "grid_outputs"]


def cell_observations(world: GridWorld) -> dict[int, np.ndarray]:
    """The observation of the agent standing in each free cell of ``world`` (walls and the goal excluded).

    Each observation comes from a copy of the world whose start is that cell,
    so it is exactly what the agent would see there.
    """
    if not isinstance(world, GridWorld):
        raise ValueError(f"world must be a course GridWorld (env.unwrapped of make('maze', ...)), "
                         f"got {type(world).__name__}")
    goal = world.pos_of(world.goal_state)
    out = {}
    for s in range(world.n_states):
        r, c = world.pos_of(s)
        if world.layout[r][c] in "#C" or (r, c) == goal:
            continue
        copy = GridWorld(world.layout, reward=world.reward_scheme, n_actions=world.n_actions, start=(r, c),
                         goal=goal, wind=world.wind, obs=world.obs_type, render_mode=None)
        out[s] = copy.reset()[0]
    return out


def grid_outputs(agent) -> np.ndarray:
    """The network outputs of a deep agent for every cell of its grid world, shape ``(outputs, n_states)``.

    For a :class:`~course.agents.deep.DQN` that is the action-value table
    ``q[a, s]``; for :class:`~course.agents.deep.NeuralPrediction` one row,
    the state values.  Cells the agent never stands in (walls, the goal) are
    ``nan``, which the grid world's ``draw`` leaves blank.
    """
    world = agent.env.unwrapped
    observations = cell_observations(world)
    outputs = agent.forward(np.stack(list(observations.values())))
    table = np.full((outputs.shape[1], world.n_states), np.nan)
    table[:, list(observations)] = outputs.T
    return table
