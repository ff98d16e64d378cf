"""Lesson 03's figure: the kit's worlds, each with the values of a hand-written policy measured by running episodes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import mdp
from ..envs import make
from ..scale import pick
from . import curve_rows, figure, save

WORLDS = ("grid", "maze", "windy", "cliff")
GAMMA = 0.9


@figure("lesson03-gridworlds", lesson=3,
        help="grid, maze, windy grid, cliff: values (γ=0.9) of the hand-written 'toward the goal' policy, "
             "measured by episodes; the 19-state random walk's values by random episodes against the true ones")
def gridworlds(out: Path, scale: str, runs: int | None) -> list[Path]:
    """The worlds of lesson 03 drawn with v_π and π, and the random walk's estimated values (runs = episodes per state)."""
    fig = Figure(figsize=(13, 7.5), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    rows = []
    for ax, name in zip(axes, WORLDS):
        world = make(name).unwrapped
        policy = mdp.toward_goal(world)
        v = mdp.values_by_episodes(name, policy, gamma=GAMMA)  # deterministic: one episode per state is exact
        ax.imshow(world.draw(values=np.nan_to_num(v, nan=np.nanmin(v)), policy=mdp.policy_table(world, policy)))
        ax.set_title(f"{name}: v of 'toward the goal', γ = {GAMMA}\nstart {v[world.start_state]:.2f}", fontsize=10)
        ax.axis("off")
        states = np.flatnonzero(np.isfinite(v))
        rows += curve_rows(f"{name} v", states, v[states])
    episodes = runs or pick(smoke=20, lesson=300, full=1000, scale=scale)
    walk = make("random-walk-19").unwrapped
    rng = np.random.default_rng(0)
    returns = {s: [] for s in range(1, walk.n + 1)}
    for i in range(episodes):  # every-visit: each state's later return, on random-policy episodes from the middle
        ep = mdp.run_episode(make("random-walk-19"), mdp.random_policy(2), gamma=1.0, max_steps=10_000,
                             seed=int(rng.integers(2**31)))
        g = ep.rewards[-1]  # only the last step pays, and γ = 1: every state's return is the final reward
        for s in set(ep.states[:-1]):
            returns[s].append(g)
    states = np.arange(1, walk.n + 1)
    est = np.array([np.mean(returns[s]) if returns[s] else np.nan for s in states])
    se = np.array([np.std(returns[s], ddof=1) / np.sqrt(len(returns[s])) if len(returns[s]) > 1 else np.nan
                   for s in states])
    ax = axes[4]
    ax.plot(states, walk.true_values[1:-1], "k--", label="true v")
    ax.errorbar(states, est, yerr=se, fmt="o", markersize=3, label=f"mean return, {episodes} episodes")
    ax.set(xlabel="state", ylabel="value", title="19-state random walk, random policy, γ = 1")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # states are whole numbers
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    rows += curve_rows("random-walk-19 true", states, walk.true_values[1:-1])
    rows += curve_rows("random-walk-19 estimate", states, est, se)
    axes[5].axis("off")
    fig.suptitle("Lesson 03: the kit's worlds, values measured by running a policy")
    return save(fig, out, "lesson03-gridworlds", rows)
