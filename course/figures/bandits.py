"""Bandit figures: Sutton & Barto Figures 2.2 to 2.6 on the 10-armed testbed (lesson 02).

All runs are batched (:mod:`course.bandits`): the book's 2,000 runs x 1,000
steps take about a second per curve.  Full scale is the book's 2,000 runs;
lesson scale uses 1,000 runs (500 for the parameter study); smoke a few.
Each curve's testbed and learner have their own seeds, the same at every
scale, so a figure is reproduced exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .. import bandits
from ..scale import pick
from . import curve_rows, figure, save

STEPS = 1000


def _runs(scale: str, runs: int | None, *, lesson: int = 1000) -> int:
    return runs or pick(smoke=20, lesson=lesson, full=2000, scale=scale)


def _steps(scale: str) -> int:
    return pick(smoke=100, lesson=STEPS, full=STEPS, scale=scale)


def _curves(settings: dict, runs: int, steps: int, *, mean: float = 0.0) -> dict[str, bandits.Result]:
    """{label: Result} of each learner, every one on the same testbed problems (seed 0)."""
    return {label: bandits.run(agent, bandits.Testbed(runs, mean=mean, seed=0), steps)
            for label, agent in settings.items()}


def _two_panels(results: dict[str, bandits.Result], title: str, out: Path, name: str, *,
                reward: bool = True) -> list[Path]:
    """Average reward (top) and % optimal action (bottom) against the step; the CSV holds both."""
    fig = Figure(figsize=(7.5, 7 if reward else 4))
    axes = fig.subplots(2 if reward else 1, 1, sharex=True, squeeze=False)[:, 0]
    rows = []
    for label, r in results.items():
        x = np.arange(1, r.steps + 1)
        if reward:
            axes[0].plot(x, r.reward, label=label, linewidth=1)
            rows += curve_rows(f"{label} reward", x, r.reward, r.reward_stderr)
        axes[-1].plot(x, 100 * r.optimal, label=label, linewidth=1)
        rows += curve_rows(f"{label} optimal", x, 100 * r.optimal, 100 * r.optimal_stderr)
    if reward:
        axes[0].set_ylabel("average reward")
    axes[-1].set_ylabel("% optimal action")
    axes[-1].set_xlabel("steps")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    runs = next(iter(results.values())).runs
    axes[0].set_title(f"{title} ({runs} runs)")
    return save(fig, out, name, rows)


@figure("sutton-barto-2.2", lesson=2, help="ε-greedy with sample averages, ε = 0, 0.01, 0.1: reward and % optimal")
def epsilons(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 2.2: greedy against ε-greedy on the 10-armed testbed."""
    settings = {f"epsilon={e:g}": bandits.ActionValueAgent(epsilon=e, seed=1) for e in (0.0, 0.01, 0.1)}
    results = _curves(settings, _runs(scale, runs), _steps(scale))
    return _two_panels(results, "Sutton & Barto Figure 2.2: ε-greedy, sample averages", out, "sutton-barto-2.2")


@figure("sutton-barto-2.3", lesson=2, help="optimistic greedy (Q0=5, ε=0) against realistic ε-greedy (Q0=0, ε=0.1)")
def optimistic(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 2.3: optimistic initial values, both with α = 0.1."""
    settings = {"optimistic Q0=5 epsilon=0": bandits.ActionValueAgent(epsilon=0.0, q0=5.0, alpha=0.1, seed=1),
                "realistic Q0=0 epsilon=0.1": bandits.ActionValueAgent(epsilon=0.1, q0=0.0, alpha=0.1, seed=1)}
    results = _curves(settings, _runs(scale, runs), _steps(scale))
    return _two_panels(results, "Sutton & Barto Figure 2.3: optimistic initial values, α = 0.1", out,
                       "sutton-barto-2.3", reward=False)


@figure("sutton-barto-2.4", lesson=2, help="UCB (c=2) against ε-greedy (ε=0.1): average reward")
def ucb(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 2.4: upper-confidence-bound action selection."""
    settings = {"UCB c=2": bandits.ActionValueAgent(epsilon=0.0, c=2.0, seed=1),
                "epsilon-greedy epsilon=0.1": bandits.ActionValueAgent(epsilon=0.1, seed=1)}
    results = _curves(settings, _runs(scale, runs), _steps(scale))
    fig = Figure(figsize=(7.5, 4))
    ax = fig.subplots()
    rows = []
    for label, r in results.items():
        x = np.arange(1, r.steps + 1)
        ax.plot(x, r.reward, label=label, linewidth=1)
        rows += curve_rows(f"{label} reward", x, r.reward, r.reward_stderr)
    ax.set_xlabel("steps")
    ax.set_ylabel("average reward")
    ax.set_title(f"Sutton & Barto Figure 2.4: UCB against ε-greedy ({r.runs} runs)")
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig, out, "sutton-barto-2.4", rows)


@figure("sutton-barto-2.5", lesson=2, help="gradient bandit with and without baseline, α = 0.1, 0.4, true values mean +4")
def gradient(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 2.5: the gradient bandit; the true values are drawn around +4, so a baseline matters."""
    settings = {f"{'with' if b else 'without'} baseline alpha={a:g}": bandits.GradientAgent(alpha=a, baseline=b, seed=1)
                for b in (True, False) for a in (0.1, 0.4)}
    results = _curves(settings, _runs(scale, runs), _steps(scale), mean=4.0)
    return _two_panels(results, "Sutton & Barto Figure 2.5: gradient bandit, q* around +4", out,
                       "sutton-barto-2.5", reward=False)


#: The parameter study of Figure 2.6: for each method, the powers of two of its parameter and a learner maker.
STUDY = {
    "epsilon-greedy": (range(-7, -1), lambda p: bandits.ActionValueAgent(epsilon=p, seed=1)),
    "gradient bandit": (range(-5, 3), lambda p: bandits.GradientAgent(alpha=p, seed=1)),
    "UCB": (range(-4, 3), lambda p: bandits.ActionValueAgent(epsilon=0.0, c=p, seed=1)),
    "greedy with optimistic initialization alpha=0.1": (
        range(-2, 3), lambda p: bandits.ActionValueAgent(epsilon=0.0, q0=p, alpha=0.1, seed=1)),
}


@figure("sutton-barto-2.6", lesson=2,
        help="parameter study: average reward over the first 1000 steps against ε, α, c or Q0 (log2 axis)")
def parameter_study(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 2.6: each method's average reward over its first 1,000 steps, for a range of its parameter."""
    n, steps = _runs(scale, runs, lesson=500), _steps(scale)
    fig = Figure(figsize=(7.5, 4.5))
    ax = fig.subplots()
    rows = []
    for label, (powers, make) in STUDY.items():
        xs = [2.0 ** p for p in powers]
        ys, ses = [], []
        for p in xs:
            per_run = bandits.run(make(p), bandits.Testbed(n, seed=0), steps).per_run_reward
            ys.append(per_run.mean())
            ses.append(per_run.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan)
        ax.plot(xs, ys, marker="o", label=label)
        rows += curve_rows(label, xs, ys, ses)
    ax.set_xscale("log", base=2)
    ax.set_xticks([2.0 ** p for p in range(-7, 3)],
                  ["1/128", "1/64", "1/32", "1/16", "1/8", "1/4", "1/2", "1", "2", "4"])
    ax.set_xlabel("ε (ε-greedy)   α (gradient)   c (UCB)   Q0 (optimistic greedy)")
    ax.set_ylabel(f"average reward over the first {steps} steps")
    ax.set_title(f"Sutton & Barto Figure 2.6: parameter study ({n} runs)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, out, "sutton-barto-2.6", rows)


@figure("lesson02-drift", lesson=2,
        help="a drifting testbed (Exercise 2.5): sample averages against constant α = 0.1, ε = 0.1")
def drift(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Exercise 2.5: when the true values wander, a constant step size keeps up and sample averages do not."""
    n, steps = _runs(scale, runs, lesson=500), pick(smoke=200, lesson=5000, full=10000, scale=scale)
    settings = {"sample average": bandits.ActionValueAgent(epsilon=0.1, seed=1),
                "constant alpha=0.1": bandits.ActionValueAgent(epsilon=0.1, alpha=0.1, seed=1)}
    results = {label: bandits.run(agent, bandits.Testbed(n, drift=0.01, seed=0), steps)
               for label, agent in settings.items()}
    return _two_panels(results, "Drifting true values (Exercise 2.5), ε = 0.1", out, "lesson02-drift")
