"""Figures of lesson 16 (non-linear control): DQN on the image maze, its settings and its greedy policy.

The lesson runs the same experiments cell by cell; this function runs them for
instructors at smoke, lesson or full scale (``course figures --lesson 16 --scale full``).
TensorFlow is imported inside the figure function, so listing the figures stays instant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..envs import make
from ..experiments import average
from ..grid_values import grid_outputs
from ..plots import plot_curves
from ..presets import preset
from ..scale import pick
from . import curves_rows, figure, save

__all__ = ["MAZE_SETTINGS"]

#: Lesson 16's experiments on the image maze: label, algorithm, changes to the kit's maze recipe
#: (``course.presets.PRESETS["maze"]``).  The original course needed 3 h 11 min, 6 h 44 min,
#: 4 h 39 min and 1 h 34 min for 100 episodes of the first four.
MAZE_SETTINGS = (
    ("buffer 32, batch 32, in order", "DQN",
     {"buffer_size": 32, "batch_size": 32, "batch_mode": "last", "target_update": 500}),
    ("buffer 1, batch 1", "DQN", {"buffer_size": 1, "batch_size": 1}),
    ("buffer 8, batch 8", "DQN", {"buffer_size": 8, "batch_size": 8}),
    ("buffer 1,000, batch 32", "DQN", {"buffer_size": 1000, "batch_size": 32}),
    ("Double DQN, buffer 1,000, batch 32", "DoubleDQN", {"buffer_size": 1000, "batch_size": 32}),
)


@figure("lesson16-maze-dqn", lesson=16,
        help="DQN on the image maze: the four buffer/batch settings and Double DQN (curves, CSV, greedy policy)")
def maze_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 16, section 6: steps per episode of each setting (seed 10, ...), and the learned greedy policy."""
    from ..agents import deep

    recipe = preset("maze")
    full = recipe["run"]["episodes"]
    trained = {}

    def episodes(label: str) -> int:
        """As in the lesson: at lesson scale only real replay runs all its episodes, the rest start."""
        brief = 20 if label.startswith("Double") else 10
        return pick(smoke=2, lesson=full if label == "buffer 1,000, batch 32" else brief, full=full, scale=scale)

    def make_agent(seed, algo, **changes):
        agent = getattr(deep, algo)(make(recipe["env"], **recipe["env_kwargs"]), seed=seed,
                                    **{**recipe["agent"], "learning_starts": None, **changes})
        trained[algo] = agent
        return agent

    curves = {}
    for label, algo, changes in MAZE_SETTINGS:
        curves[label] = average(make_agent, runs or 1, episodes(label), seed=recipe["seed"], label=label,
                                params={"algo": algo, **changes})
    fig = Figure(figsize=(8, 4.5))
    plot_curves(curves, "steps", ax=fig.subplots(), log=True, window=5,
                title="DQN on the image maze (moving mean of 5 episodes)")
    agent = trained["DQN"]  # the last DQN trained: buffer 1,000, batch 32
    q = grid_outputs(agent)
    picture = Figure(figsize=(6, 4))
    ax = picture.subplots()
    ax.imshow(agent.env.unwrapped.draw(values=np.fmax.reduce(q, axis=0), policy=q, agent=False))
    ax.set_title(f"greedy policy after {agent.episode} episodes (buffer 1,000, batch 32)")
    ax.axis("off")
    return save(fig, out, "lesson16-maze-dqn", curves_rows(curves, "steps")) + save(picture, out, "lesson16-maze-policy")


