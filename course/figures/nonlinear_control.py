"""Figures of lesson 16 (non-linear control): DQN on the image maze, its settings and its greedy policy.

The lesson runs the same experiments cell by cell, in panels, with the same
agents (:func:`maze_agent`) and the same budgets (:func:`maze_episodes`), and
draws them with the same functions (:func:`curves_figure`, :func:`policy_figure`,
:func:`overestimation_figure`), so the notebook shows what ``course figures
--lesson 16`` writes at the same scale (``--scale full``: every setting for
100 episodes).  TensorFlow is imported inside the functions that build agents,
so listing the figures stays instant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..envs import make
from ..events import Observer
from ..experiments import Curves, average
from ..grid_values import grid_outputs
from ..plots import plot_curves
from ..presets import preset
from ..scale import pick
from . import curve_rows, curves_rows, figure, save

__all__ = ["MAZE_SETTINGS", "maze_agent", "maze_episodes", "Overestimation", "curves_figure", "policy_figure",
           "overestimation_figure", "publish"]

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
REPLAY = "buffer 1,000, batch 32"


def maze_episodes(label: str, scale: str | None = None) -> int:
    """Episodes of a setting: at lesson scale only real replay runs all 100, the rest start (Double DQN 20)."""
    full = preset("maze")["run"]["episodes"]
    brief = 20 if label.startswith("Double") else 10
    return pick(smoke=2, lesson=full if label == REPLAY else brief, full=full, scale=scale)


def maze_agent(algo: str = "DQN", seed: int | None = None, **changes):
    """A DQN (``algo="DoubleDQN"``: Double DQN) on the image maze: the kit's recipe, learning once the buffer is full."""
    from ..agents import deep

    recipe = preset("maze")
    seed = recipe["seed"] if seed is None else seed
    return getattr(deep, algo)(make(recipe["env"], **recipe["env_kwargs"]), seed=seed,
                               **{**recipe["agent"], "learning_starts": None, **changes})


class Overestimation(Observer):
    """After each episode: the mean over the maze's cells of max_a q(s, a), against what the greedy policy gets.

    ``greedy`` is the discounted return the greedy policy really collects from
    each cell (the maze is deterministic, so one walk per cell observes it;
    cut at the recipe's 300 steps), ``optimal`` the best possible, v*(s).
    A max-Q above ``greedy`` is a promise the policy does not keep; above
    ``optimal`` it is over-estimation beyond any doubt.
    """

    def __init__(self, max_steps: int = 300):
        self.max_steps = max_steps
        self.max_q, self.greedy, self.optimal = [], [], []

    def on_episode_end(self, agent, ep) -> None:
        world, gamma = agent.env.unwrapped, agent.gamma
        q = grid_outputs(agent)
        cells = np.flatnonzero(~np.isnan(q[0]))
        self.max_q.append(float(q[:, cells].max(axis=0).mean()))
        self.greedy.append(float(self._returns(world, gamma, q[:, cells].argmax(axis=0), cells).mean()))
        best = np.full(world.n_states, 0.0)  # v* by value iteration on the deterministic maze
        for _ in range(self.max_steps):
            best = (world._reward + gamma * ~world._terminal * best[world._next]).max(axis=1)
        self.optimal.append(float(best[cells].mean()))

    def _returns(self, world, gamma, actions, cells) -> np.ndarray:
        policy = np.zeros(world.n_states, dtype=int)
        policy[cells] = actions
        s, total, discount = cells.copy(), np.zeros(len(cells)), 1.0
        alive = np.ones(len(cells), dtype=bool)
        for _ in range(self.max_steps):
            a = policy[s]
            total += alive * discount * world._reward[s, a]
            alive &= ~world._terminal[s, a]
            s, discount = world._next[s, a], discount * gamma
        return total


def curves_figure(curves: dict[str, Curves]) -> Figure:
    """Steps per episode of each setting, log scale, moving mean of 5."""
    fig = Figure(figsize=(8, 4.5))
    plot_curves(curves, "steps", ax=fig.subplots(), log=True, window=5,
                title="DQN on the image maze (moving mean of 5 episodes)")
    return fig


def policy_figure(agent, label: str = REPLAY) -> Figure:
    """The maze with the greedy arrow of the network in every cell and its max-Q as colour."""
    q = grid_outputs(agent)
    picture = Figure(figsize=(6, 4))
    ax = picture.subplots()
    ax.imshow(agent.env.unwrapped.draw(values=np.fmax.reduce(q, axis=0), policy=q, agent=False))
    ax.set_title(f"greedy policy after {agent.episode} episodes ({label})")
    ax.axis("off")
    return picture


def overestimation_figure(measured: dict[str, Overestimation], episodes: int | None = None) -> tuple[Figure, list]:
    """Mean max-Q per episode of each agent (its first ``episodes``) against its greedy policy's return and v*.

    Returns the figure and its CSV rows.
    """
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    rows = []
    for (label, m), colour in zip(measured.items(), ("C0", "C1", "C2")):
        max_q, greedy = m.max_q[:episodes], m.greedy[:episodes]
        x = np.arange(1, len(max_q) + 1)
        ax.plot(x, max_q, "-", color=colour, label=f"{label}: mean max-Q")
        ax.plot(x, greedy, ":", color=colour, label=f"{label}: return of its greedy policy")
        rows += curve_rows(f"{label}: mean max-Q", x, max_q) + curve_rows(f"{label}: greedy return", x, greedy)
    optimal = next(iter(measured.values())).optimal[:episodes]
    ax.plot(np.arange(1, len(optimal) + 1), optimal, "k--", label="best possible, v*")
    rows += curve_rows("v*", np.arange(1, len(optimal) + 1), optimal)
    ax.set(xlabel="episode", ylabel="mean over the cells (discounted return)",
           title="What the network promises (max-Q) and what its greedy policy gets")
    ax.legend(fontsize=8)
    return fig, rows


def publish(fig: Figure, name: str, rows=None, out: str | Path = "figures") -> list[Path]:
    """Save ``fig`` as ``course figures`` does (``out/NAME.png`` and ``NAME.csv``) and display it in a notebook."""
    paths = save(fig, out, name, rows)
    try:
        from IPython.display import Image, display
    except ImportError:
        return paths
    display(Image(filename=str(paths[0])))
    return paths


@figure("lesson16-maze-dqn", lesson=16,
        help="DQN on the image maze: the four buffer/batch settings and Double DQN (curves, CSV, greedy policy, "
             "over-estimation)")
def maze_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 16, sections 6-7: steps per episode of each setting (seed 10, ...), its greedy policy, max-Q vs return."""
    trained, measured = {}, {}

    def make_agent(seed, algo, label, **changes):
        agent = trained[label] = maze_agent(algo, seed=seed, **changes)
        if label in (REPLAY, MAZE_SETTINGS[-1][0]):
            measured["Double DQN" if algo == "DoubleDQN" else "DQN"] = agent.subscribe(Overestimation())
        return agent

    curves = {}
    seed = preset("maze")["seed"]
    for label, algo, changes in MAZE_SETTINGS:
        curves[label] = average(make_agent, runs or 1, maze_episodes(label, scale), seed=seed, label=label,
                                params={"algo": algo, "label": label, **changes})
    over, rows = overestimation_figure(measured, maze_episodes(MAZE_SETTINGS[-1][0], scale))  # the same episodes
    return (save(curves_figure(curves), out, "lesson16-maze-dqn", curves_rows(curves, "steps"))
            + save(policy_figure(trained[REPLAY]), out, "lesson16-maze-policy")
            + save(over, out, "lesson16-overestimation", rows))
