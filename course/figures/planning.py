"""Planning and learning figures: Sutton & Barto chapter 8 (lesson 10).

* ``sutton-barto-8.2`` -- Dyna-Q on the Dyna maze with 0, 5 and 50 planning
  steps: steps per episode (α = 0.1, ε = 0.1, γ = 0.95, 30 runs in the book);
* ``sutton-barto-8.4`` / ``-8.5`` -- Dyna-Q against Dyna-Q+ on the blocking
  and shortcut mazes: cumulative reward against time steps;
* ``sutton-barto-example-8.4`` -- prioritized sweeping against Dyna-Q:
  updates until the greedy path is (nearly) the shortest, against the size
  of the maze (log scale).

Figure 8.2 runs all its runs of a setting at once in numpy
(:func:`course.planning_runs.batched_steps_per_episode`: Dyna-Q's algorithm
with a leading axis of runs, checked against :class:`~course.agents.DynaQ`
by the tests).  In the others every run is an agent of
:mod:`course.agents.planning` in the kit's loop, and the runs are shared
among the CPU cores by :func:`course.executors.many`.  The settings of Figures 8.4, 8.5 and
Example 8.4 are not all printed in the book; the ones here (α = 1 on the
changing mazes, κ = 10⁻⁴ and 10⁻³, n = 10 and 50; α = 0.5, n = 5, θ = 10⁻⁶
in Example 8.4) give curves of the book's shape.  θ must stay below γ^d for
the d steps from the goal to the start: with θ = 10⁻⁴ and γ = 0.95 news of the
goal stops after about 180 steps, and prioritized sweeping never solved the
largest maze (176 steps; 16 million steps tried), while the smaller mazes give
the same counts with either θ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..envs.mazes import BLOCKING_AFTER, BLOCKING_BEFORE, DYNA_MAZE, SHORTCUT_AFTER, SHORTCUT_BEFORE, scaled
from ..executors import many
from ..planning_runs import batched_steps_per_episode, cumulative_reward, updates_until_optimal
from ..scale import pick
from . import curve_rows, figure, save

PLANNING_STEPS = (0, 5, 50)

#: Figures 8.4 and 8.5: the maze before and after, when it changes, how long to run, the agents' settings.
CHANGING = {
    "sutton-barto-8.4": dict(title="Blocking maze", before=BLOCKING_BEFORE, after=BLOCKING_AFTER,
                             change_at=1000, steps=3000, planning_steps=10, kappa=1e-4),
    "sutton-barto-8.5": dict(title="Shortcut maze", before=SHORTCUT_BEFORE, after=SHORTCUT_AFTER,
                             change_at=3000, steps=6000, planning_steps=50, kappa=1e-3),
}
CHANGING_AGENT = {"alpha": 1.0, "epsilon": 0.1, "gamma": 0.95}

#: Example 8.4: each cell of the Dyna maze becomes a (rows x cols) block; each size doubles the number of cells.
FACTORS = ((1, 1), (1, 2), (2, 2), (2, 4), (4, 4), (4, 8), (8, 8), (8, 16))
SWEEP_AGENT = {"alpha": 0.5, "epsilon": 0.1, "gamma": 0.95, "planning_steps": 5}
SWEEP_THETA = 1e-6  # below γ^d for every d in the largest maze (0.95^176 = 1.2e-4): see the module docstring


def _workers(scale: str) -> int | None:
    """Worker processes: none at smoke scale (starting them costs more than its few seconds of runs)."""
    return pick(smoke=1, lesson=None, full=None, scale=scale)


def _stderr(a: np.ndarray) -> np.ndarray | None:
    a = np.asarray(a, dtype=float)
    return a.std(axis=0, ddof=1) / np.sqrt(a.shape[0]) if a.shape[0] > 1 else None


def dyna_maze_runs(scale: str, runs: int | None) -> dict[int, np.ndarray]:
    """Figure 8.2's numbers: {planning steps: steps per episode, shape (runs, episodes)}."""
    runs = runs or pick(smoke=1, lesson=10, full=30, scale=scale)
    episodes = pick(smoke=5, lesson=50, full=50, scale=scale)
    return {n: batched_steps_per_episode(runs, planning_steps=n, episodes=episodes, seed=i)
            for i, n in enumerate(PLANNING_STEPS)}


@figure("sutton-barto-8.2", lesson=10, help="Dyna-Q on the Dyna maze: steps per episode for 0, 5 and 50 planning steps")
def dyna_maze(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 8.2: the more planning steps, the sooner the agent walks the shortest path (14 steps)."""
    data = dyna_maze_runs(scale, runs)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for n, steps in data.items():
        x = np.arange(1, steps.shape[1] + 1)
        mean = steps.mean(axis=0)
        ax.plot(x[1:], mean[1:], label=f"{n} planning steps" + (" (direct RL only)" if n == 0 else ""))
        rows += curve_rows(f"planning={n}", x, mean, _stderr(steps))
    ax.axhline(14, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="episode (the first, a random walk of the same length for all, is left out)",
           ylabel="steps per episode", ylim=(0, 800),
           title=f"Dyna-Q on the Dyna maze, mean of {len(steps)} runs (Sutton & Barto Figure 8.2)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-8.2", rows)


def changing_maze_runs(name: str, scale: str, runs: int | None) -> dict[str, np.ndarray]:
    """Figure 8.4 or 8.5's numbers: {agent: cumulative reward, shape (runs, steps)}."""
    spec = CHANGING[name]
    blocking = name == "sutton-barto-8.4"
    runs = runs or pick(smoke=1, lesson=10 if blocking else 2, full=20 if blocking else 5, scale=scale)
    shrink = pick(smoke=5, lesson=1, full=1, scale=scale)  # smoke: the same maze, everything 5 times shorter
    jobs = [dict(seed=seed, agent=agent, before=spec["before"], after=spec["after"],
                 change_at=spec["change_at"] // shrink, steps=spec["steps"] // shrink,
                 planning_steps=spec["planning_steps"], **CHANGING_AGENT,
                 **({"kappa": spec["kappa"]} if agent == "dyna-q+" else {}))
            for agent in ("dyna-q", "dyna-q+") for seed in range(runs)]
    results = many(cumulative_reward, jobs, desc=spec["title"], workers=_workers(scale))
    return {"dyna-q": np.array(results[:runs]), "dyna-q+": np.array(results[runs:])}


def _changing(name: str, out: Path, scale: str, runs: int | None) -> list[Path]:
    spec = CHANGING[name]
    data = changing_maze_runs(name, scale, runs)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for agent, cum in data.items():
        x = np.arange(1, cum.shape[1] + 1)
        mean = cum.mean(axis=0)
        ax.plot(x, mean, label="Dyna-Q+" if agent == "dyna-q+" else "Dyna-Q")
        every = max(1, len(x) // 300)  # the CSV keeps every 10th step of the book's 3,000 or 6,000
        se = _stderr(cum)
        rows += curve_rows(agent, x[every - 1::every], mean[every - 1::every],
                           None if se is None else se[every - 1::every])
    change = spec["change_at"] * cum.shape[1] // spec["steps"]
    ax.axvline(change, color="grey", lw=0.8, ls=":")
    ax.set(xlabel="time steps", ylabel="cumulative reward",
           title=f"{spec['title']}: walls change after {change:,} steps, mean of {len(cum)} runs "
                 f"(Sutton & Barto Figure {name.rsplit('-', 1)[1]})")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, name, rows)


@figure("sutton-barto-8.4", lesson=10, help="blocking maze: cumulative reward of Dyna-Q and Dyna-Q+ (wall moves at 1,000)")
def blocking_maze(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 8.4: the learned path is blocked after 1,000 steps; Dyna-Q+ finds the new one sooner."""
    return _changing("sutton-barto-8.4", out, scale, runs)


@figure("sutton-barto-8.5", lesson=10, help="shortcut maze: cumulative reward of Dyna-Q and Dyna-Q+ (shortcut at 3,000)")
def shortcut_maze(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 8.5: a shortcut opens after 3,000 steps; Dyna-Q+ takes it, Dyna-Q keeps its old path."""
    return _changing("sutton-barto-8.5", out, scale, runs)


def sweeping_runs(scale: str, runs: int | None) -> tuple[list[int], dict[str, np.ndarray]]:
    """Example 8.4's numbers: (free cells of each maze, {agent: updates, shape (runs, mazes)})."""
    runs = runs or pick(smoke=1, lesson=2, full=5, scale=scale)
    sizes = FACTORS[:pick(smoke=1, lesson=4, full=len(FACTORS), scale=scale)]
    cells = [sum(ch != "#" for row in scaled(DYNA_MAZE, *f) for ch in row) for f in sizes]
    agents = ("prioritized-sweeping", "dyna-q")
    jobs = [dict(seed=seed, agent=agent, factor=f, **SWEEP_AGENT, **({"theta": SWEEP_THETA} if agent != "dyna-q" else {}))
            for agent in agents for f in sizes for seed in range(runs)]
    results = np.array(many(updates_until_optimal, jobs, desc="maze sizes", workers=_workers(scale)))
    results = results.reshape(len(agents), len(sizes), runs)
    return cells, {agent: results[i].T for i, agent in enumerate(agents)}


@figure("sutton-barto-example-8.4", lesson=10,
        help="prioritized sweeping vs Dyna-Q: updates until the greedy path is within 20% of the shortest, per maze size")
def sweeping(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Example 8.4: prioritized sweeping needs fewer updates than Dyna-Q.

    The book reports 5 to 10 times fewer.  Here (full scale, 5 runs) the ratio is about 9 on the
    47-cell maze and falls with size, to about 1.2 on the 6,016-cell one.
    """
    cells, data = sweeping_runs(scale, runs)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for agent, updates in data.items():
        mean = updates.mean(axis=0)
        ax.plot(cells, mean, marker="o", label="prioritized sweeping" if agent != "dyna-q" else "Dyna-Q")
        rows += curve_rows(agent, cells, mean, _stderr(updates))
    ax.set(xscale="log", yscale="log", xlabel="maze size (free cells)",
           ylabel="updates until a nearly optimal path",
           title=f"Prioritized sweeping and Dyna-Q (n = 5), mean of {len(updates)} runs (Sutton & Barto Example 8.4)")
    ax.set_xticks(cells, [str(c) for c in cells], minor=False)
    ax.set_xticks([], minor=True)
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    return save(fig, out, "sutton-barto-example-8.4", rows)
