"""Mountain Car figures: Sutton & Barto chapter 10 (lesson 14) and the comparisons of lesson 18.

Each function below is one figure of ``course figures`` (registered with
:func:`course.figures.figure`).  The averaged ones run through the experiments API
(:mod:`course.experiments`), which batches these agents (:mod:`course.batched`):
the same numbers as running them one by one through the loop, only much faster.  As in the book, weights
start at zero (optimistic: every step costs -1), epsilon is 0 and gamma 1,
and step sizes are written per tiling (alpha = 0.5/8 for 8 tilings).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..agents import NStepSarsa, Sarsa
from ..envs import make
from ..envs.mountain_car import cost_to_go
from ..experiments import compare, factory, sweep
from ..plots import plot_curves
from ..presets import preset
from ..scale import pick
from ..tiles import PerDimensionTiles, TileCoder
from . import curves_rows, curve_rows, figure, save

BOOK = preset("mountain-car-book")["agent"]  # the book's settings: no exploration, no discount
SARSA = factory(Sarsa, "mountain-car", features=TileCoder)  # make_agent(seed, alpha=..., tilings=..., ...)
N_STEP_SARSA = factory(NStepSarsa, "mountain-car", features=TileCoder)
SEPARATE_TILES = factory(Sarsa, "mountain-car", features=PerDimensionTiles)


def _runs(scale: str, runs: int | None, *, lesson: int = 10) -> int:
    return runs or pick(smoke=2, lesson=lesson, full=100, scale=scale)


def _episodes(scale: str) -> int:
    return pick(smoke=5, lesson=500, full=500, scale=scale)


def _steps_and_returns(curves: list, title: str, out: Path, name: str) -> list[Path]:
    """Two panels: steps per episode (log scale) and return per episode; the CSV holds both."""
    fig = Figure(figsize=(12, 4.5))
    left, right = fig.subplots(1, 2)
    plot_curves(curves, "steps", ax=left, log=True)
    plot_curves(curves, "returns", ax=right)
    fig.suptitle(title)
    by_label = {c.label: c for c in curves}
    rows = (curves_rows(by_label, "steps", series=lambda label: f"{label} steps")
            + curves_rows(by_label, "returns", series=lambda label: f"{label} return"))
    return save(fig, out, name, rows)


@figure("sutton-barto-10.1", lesson=14,
        help="cost-to-go -max_a q of one Sarsa run after 428 steps and 12, 104, 1000, 9000 episodes")
def cost_to_go_surfaces(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 10.1: how the cost-to-go surface of one run takes shape (runs is ignored: one run)."""
    checkpoints = pick(smoke=(12,), lesson=(12, 104, 1000), full=(12, 104, 1000, 9000), scale=scale)
    env = make("mountain-car", render_mode="rgb_array")
    agent = Sarsa(env, features=TileCoder(env, tiles=8, tilings=8), alpha=0.3 / 8, seed=0, **BOOK)
    panels = 2 + len(checkpoints)  # the car, step 428 and one surface per checkpoint
    cols = min(panels, 3)
    rows = -(-panels // cols)
    fig = Figure(figsize=(5 * cols, 4.6 * rows))
    grid = fig.add_gridspec(rows, 2 * cols)  # each panel spans two columns, so a short last row is centred
    axes = []
    for i in range(panels):
        row, col = divmod(i, cols)
        shift = cols - min(cols, panels - row * cols)  # half a panel per missing panel in this row
        cell = grid[row, 2 * col + shift:2 * col + shift + 2]
        axes.append(fig.add_subplot(cell) if i == 0 else fig.add_subplot(cell, projection="3d"))
    env.reset(seed=0)
    axes[0].imshow(env.render())
    axes[0].set_title("Mountain Car")
    axes[0].axis("off")
    for ax, episodes in zip(axes[1:], (None, *checkpoints)):
        if episodes is None:
            agent.run(steps=428)  # in the middle of the first episode
            title = "Step 428"
        else:
            agent.run(episodes - agent.episode, progress=True)  # (the unfinished first episode counts)
            title = f"Episode {episodes}"
        pos, vel, cost = cost_to_go(agent)
        ax.plot_surface(*np.meshgrid(pos, vel), cost, cmap="viridis", linewidth=0)
        ax.set_title(title)
        ax.set_xlabel("position", labelpad=8)
        ax.set_ylabel("velocity", labelpad=14)  # room for the tick labels
        ax.set_zlabel("cost to go", labelpad=8)
        ax.set_yticks([-0.07, 0.0, 0.07])
        ax.set_xticks([-1.2, -0.3, 0.6])
        ax.tick_params(labelsize=8, pad=2)
    fig.subplots_adjust(left=0.02, right=0.97, wspace=0.15, hspace=0.2)
    return save(fig, out, "sutton-barto-10.1")


@figure("sutton-barto-10.2", lesson=14,
        help="Sarsa, 8 tilings: steps per episode (log) for alpha = 0.1/8, 0.2/8, 0.5/8; also a CSV")
def alphas(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 10.2: learning curves of semi-gradient Sarsa for three step sizes."""
    values = (0.1 / 8, 0.2 / 8, 0.5 / 8)
    curves = sweep(SARSA, "alpha", values, _runs(scale, runs), _episodes(scale), fixed={"tilings": 8, **BOOK})
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    plot_curves([replace(c, label=f"α = {a * 8:g}/8") for a, c in curves.items()], "steps", ax=ax, log=True,
                title="Mountain Car, semi-gradient Sarsa, 8 tilings of 8x8 (Sutton & Barto Figure 10.2)")
    rows = [row for a, c in curves.items()
            for row in curve_rows(f"alpha={a * 8:g}/8", range(1, c.episodes + 1), c.mean(), c.stderr())]
    return save(fig, out, "sutton-barto-10.2", rows)


N_STEP_SETTINGS = ({"n": 1, "alpha": 0.5 / 8}, {"n": 8, "alpha": 0.3 / 8})  # the book's best step size for each n


@figure("sutton-barto-10.3", lesson=14,
        help="one-step (alpha = 0.5/8) vs 8-step (alpha = 0.3/8) semi-gradient Sarsa: steps per episode (log)")
def one_vs_eight_step(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 10.3: n-step semi-gradient Sarsa, n = 1 against n = 8, each at its best step size."""
    labels = [f"n={s['n']}, alpha={s['alpha'] * 8:g}/8" for s in N_STEP_SETTINGS]
    curves = compare(N_STEP_SARSA, N_STEP_SETTINGS, _runs(scale, runs), _episodes(scale),
                     fixed={"tilings": 8, **BOOK}, desc="n-step", labels=labels)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    plot_curves(curves, "steps", ax=ax, log=True,
                title="Mountain Car, n-step semi-gradient Sarsa, 8 tilings (Sutton & Barto Figure 10.3)")
    return save(fig, out, "sutton-barto-10.3", curves_rows(dict(zip(labels, curves)), "steps"))


# step sizes (alpha x 8) per n, as far as each n stays stable (the book's curves stop there too)
N_STEP_ALPHAS = {1: (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6), 2: (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6),
                 4: (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4), 8: (0.2, 0.4, 0.6, 0.8, 1.0), 16: (0.2, 0.4, 0.6, 0.7)}


@figure("sutton-barto-10.4", lesson=14,
        help="n-step Sarsa: mean steps per episode over the first 50 episodes vs alpha, n = 1..16")
def n_step(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 10.4: the effect of the step size and of n on n-step semi-gradient Sarsa."""
    episodes = pick(smoke=5, lesson=50, full=50, scale=scale)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for n, scaled in N_STEP_ALPHAS.items():
        curves = sweep(N_STEP_SARSA, "alpha", [a / 8 for a in scaled], _runs(scale, runs), episodes,
                       fixed={"n": n, "tilings": 8, **BOOK})
        means = [c.steps.mean() for c in curves.values()]
        ax.plot(scaled, means, marker="o", label=f"n = {n}")
        rows += curve_rows(f"n={n}", scaled, means)
    ax.set_xlabel("α × number of tilings (8)")
    ax.set_ylabel(f"steps per episode, mean over the first {episodes} episodes")
    ax.set_title("Mountain Car, n-step semi-gradient Sarsa (Sutton & Barto Figure 10.4)")
    ax.legend()
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-10.4", rows)


@figure("lesson18-tiles", lesson=18,
        help="position and velocity tiled separately, 8/16/32 tiles, no exploration, alpha = 0.3/8")
def separate_tiles(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18: the simplest encoding, 2(n+1) features, for three numbers of tiles."""
    curves = sweep(SEPARATE_TILES, "tiles", (8, 16, 32), _runs(scale, runs), _episodes(scale),
                   fixed={"alpha": 0.3 / 8, **BOOK})
    labelled = [replace(c, label=f"{n} tiles ({2 * (n + 1)} features)") for n, c in curves.items()]
    return _steps_and_returns(labelled, "Sarsa, position and velocity tiled separately", out, "lesson18-tiles")


@figure("lesson18-tilings", lesson=18,
        help="tile coding with 1, 2, 4, 8, 16 tilings of 8x8, alpha = 0.5/k, episodes cut at 200 steps")
def tilings(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18: more tilings, finer resolution at the same generalisation (step size 0.5/k).

    Episodes are cut at 200 steps, MountainCar-v0's own limit: with a single
    tiling (plain state aggregation on an 8x8 grid) most runs circle in the
    valley for tens of thousands of steps per episode, and without a cap this
    one setting would take longer than all the others together.
    """
    ks = (1, 2, 4, 8, 16)
    curves = compare(SARSA, [{"tilings": k, "alpha": 0.5 / k} for k in ks], _runs(scale, runs), _episodes(scale),
                     fixed={"max_episode_steps": 200, **BOOK}, desc="tilings",
                     labels=[f"{k} tiling{'s' if k > 1 else ''}, α = 0.5/{k}" for k in ks])
    return _steps_and_returns(curves, "Sarsa with tile coding: number of tilings (episodes cut at 200 steps)", out, "lesson18-tilings")


@figure("lesson18-hashing", lesson=18,
        help="8 tilings of 16x16: unhashed (2,312 weights per action) vs hashed into 1,024; alpha = 0.5/8")
def hashing(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18: hashing where it saves memory, more tiles than slots: 8 tilings of 16x16 into 1,024 weights."""
    car = make("mountain-car")
    plain, hashed = TileCoder(car, tiles=16, tilings=8), TileCoder(car, tiles=16, tilings=8, hash_size=1024)
    curves = compare(SARSA, [{"hash_size": 0}, {"hash_size": 1024}], _runs(scale, runs), _episodes(scale),
                     fixed={"tiles": 16, "tilings": 8, "alpha": 0.5 / 8, **BOOK}, desc="hashing",
                     labels=[f"unhashed ({plain.n_features:,} weights)",
                             f"hashed into 1,024 ({hashed.collisions:,} tiles collide)"])
    return _steps_and_returns(curves, "Sarsa, 8 tilings of 16x16 tiles: hashing", out, "lesson18-hashing")
