"""Eligibility traces: Sutton & Barto chapter 12 (lesson 15).

Random walk (19 states, Example 7.1), figures 12.3, 12.6 and 12.8: the RMS
error of the value estimates over the 19 states, at the end of each of the
first 10 episodes, averaged over those episodes and over the runs (100 in the
book), against the step size α, one curve per λ.  They run on
:mod:`course.batched_walk`: every run and setting at once in numpy, the same
numbers as the agents run one by one.

Mountain Car, figures 12.10 and 12.11: Sarsa(λ) with 8 tilings of 8x8, the
book's settings (ε = 0, γ = 1, weights start at 0), on the batched runner
(:mod:`course.batched`).  The step size is written per tiling (α × 8).
Where a setting's runs diverge to nan (accumulating traces at large α) the
point is left out, as the book's curves stop there; Figure 12.11 is drawn
on the book's range of rewards (−550 to −150), and its CSV keeps every
point, including those below it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .. import batched, batched_walk, executors
from ..experiments import average, factory
from ..presets import preset
from ..scale import pick
from ..tiles import TileCoder
from . import curve_rows, figure, save

BOOK = preset("mountain-car-book")["agent"]  # no exploration, no discount

WALK_LAMBDAS = (0.0, 0.4, 0.8, 0.9, 0.95, 0.975, 0.99, 1.0)  # the book's λ for figures 12.3 to 12.8
WALK_ALPHAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
WALK_EPISODES = 10

# Figure 12.10: α × 8 per λ, as far as the book draws each curve
CAR_ALPHAS = {0.0: (0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8), 0.68: (0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8),
              0.84: (0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6), 0.92: (0.4, 0.6, 0.8, 1.0, 1.2, 1.4),
              0.96: (0.2, 0.4, 0.6, 0.8, 1.0), 0.98: (0.2, 0.4, 0.6, 0.8), 0.99: (0.2, 0.4, 0.6)}
CAR_ALPHAS_LESSON = {0.0: (0.6, 1.0, 1.4), 0.84: (0.6, 1.0, 1.4), 0.96: (0.2, 0.6, 1.0)}
CAR_ALPHAS_SMOKE = {0.0: (1.0,), 0.92: (1.0,)}
# Figure 12.11: λ = 0.9 (as van Seijen et al. 2016), α × 8 per kind of trace; accumulating traces diverge early
COMPARE_LAMBDA = 0.9
COMPARE = {"true online": ("true-online-sarsa-lambda", {}), "replacing": ("sarsa-lambda", {"trace": "replacing"}),
           "accumulating": ("sarsa-lambda", {"trace": "accumulating"})}
COMPARE_ALPHAS = {"true online": (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0),
                  "replacing": (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0),
                  "accumulating": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)}
COMPARE_CAP = 5000  # steps: an episode of a diverging run ends here (healthy first episodes take < 2,000)


def _walk_runs(scale: str, runs: int | None) -> int:
    return runs or pick(smoke=3, lesson=20, full=100, scale=scale)


def walk_errors(algo: str, runs: int, lambdas=WALK_LAMBDAS, alphas=WALK_ALPHAS) -> dict[float, tuple]:
    """{λ: (mean RMS error per α, its standard error over runs)} on the 19-state walk, first 10 episodes."""
    settings = [{"alpha": a, "lambda_": lam} for lam in lambdas for a in alphas]
    errors = batched_walk.rms_errors(algo, settings, runs=runs, episodes=WALK_EPISODES)  # (settings, runs, episodes)
    with np.errstate(over="ignore", invalid="ignore"):
        per_run = errors.mean(axis=2)
        mean = per_run.mean(axis=1)
        se = per_run.std(axis=1, ddof=1) / np.sqrt(runs) if runs > 1 else np.full(mean.shape, np.nan)
    mean, se = mean.reshape(len(lambdas), len(alphas)), se.reshape(len(lambdas), len(alphas))
    return {lam: (mean[i], se[i]) for i, lam in enumerate(lambdas)}


def _walk_figure(algo: str, name: str, title: str, out: Path, scale: str, runs: int | None) -> list[Path]:
    n = _walk_runs(scale, runs)
    result = walk_errors(algo, n)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for lam, (mean, se) in result.items():
        shown = np.where(np.isfinite(mean) & (mean < 0.6), mean, np.nan)  # diverged: off the chart, as in the book
        ax.plot(WALK_ALPHAS, shown, marker=".", label=f"λ = {lam:g}")
        finite = np.isfinite(mean)
        rows += curve_rows(f"lambda={lam:g}", np.asarray(WALK_ALPHAS)[finite], mean[finite],
                           se[finite] if n > 1 else None)
    ax.set_ylim(0.2, 0.6)
    ax.set_xlabel("α")
    ax.set_ylabel(f"RMS error, first {WALK_EPISODES} episodes ({n} runs)")
    ax.set_title(f"{title} on the 19-state random walk")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside the plot: no curve under it
    ax.grid(alpha=0.3)
    return save(fig, out, name, rows)


@figure("sutton-barto-12.3", lesson=15, help="offline λ-return algorithm, 19-state walk: RMS error vs α, per λ")
def offline_lambda_return(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 12.3: the offline λ-return algorithm."""
    return _walk_figure("offline", "sutton-barto-12.3", "Offline λ-return algorithm (Figure 12.3)", out, scale, runs)


@figure("sutton-barto-12.6", lesson=15, help="TD(λ) with accumulating traces, 19-state walk: RMS error vs α, per λ")
def td_lambda(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 12.6: semi-gradient TD(λ) with accumulating traces."""
    return _walk_figure("td-lambda", "sutton-barto-12.6", "TD(λ), accumulating traces (Figure 12.6)", out, scale, runs)


@figure("sutton-barto-12.8", lesson=15, help="true online TD(λ), 19-state walk: RMS error vs α, per λ")
def true_online_td_lambda(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 12.8: true online TD(λ), dutch traces."""
    return _walk_figure("true-online", "sutton-barto-12.8", "True online TD(λ) (Figure 12.8)", out, scale, runs)


# ---------------------------------------------------------------------------
# Mountain Car
# ---------------------------------------------------------------------------
def _car_runs(scale: str, runs: int | None) -> int:
    return runs or pick(smoke=2, lesson=5, full=100, scale=scale)


def _car_point(job: tuple) -> tuple[float, float] | None:
    """One setting's (mean, stderr over runs) of a per-run metric; None where the runs diverge."""
    algo, alpha, metric, episodes, runs, params = job
    try:
        curves = average(factory(batched.ALGOS[algo], "mountain-car", features=TileCoder), runs, episodes,
                         params={"alpha": alpha / 8, "tilings": 8, **params}, progress=False)
    except ValueError as e:
        if "diverged" in str(e):
            return None
        raise
    per_run = getattr(curves, metric).mean(axis=1)
    se = per_run.std(ddof=1) / np.sqrt(runs) if runs > 1 else float("nan")
    return float(per_run.mean()), float(se)


def car_points(jobs: list[tuple], workers: int | None = None) -> list:
    """:func:`_car_point` of each job, side by side in worker processes (one per core) or on the Dask cluster."""
    return executors.many(_car_point, [{"job": job} for job in jobs], workers=workers, desc="settings")


def _car_figure(series: dict[str, tuple], jobs: list, ylabel: str, title: str, name: str, out: Path,
                scale: str, ylim: tuple | None = None) -> list[Path]:
    points = car_points(jobs, workers=pick(smoke=1, lesson=None, full=None, scale=scale))  # smoke: no spawn cost
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows, i = [], 0
    for label, alphas in series.items():
        got = points[i:i + len(alphas)]
        i += len(alphas)
        xs = [a for a, p in zip(alphas, got) if p is not None]
        ys = [p[0] for p in got if p is not None]
        ses = [p[1] for p in got if p is not None]
        ax.plot(xs, ys, marker="o", label=label.replace("lambda=", "λ = "))
        rows += curve_rows(label, xs, ys, ses)
    if ylim is not None:  # the book's chart: points beyond it (runs that fall apart) leave it, as there
        ax.set_ylim(*ylim)
    ax.set_xlabel("α × number of tilings (8)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return save(fig, out, name, rows)


@figure("sutton-barto-12.10", lesson=15,
        help="Sarsa(λ), replacing traces, Mountain Car: mean steps per episode over the first 50 episodes vs α×8")
def sarsa_lambda(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 12.10: the effect of λ and α on Sarsa(λ) with replacing traces."""
    n, episodes = _car_runs(scale, runs), pick(smoke=5, lesson=50, full=50, scale=scale)
    grid = pick(smoke=CAR_ALPHAS_SMOKE, lesson=CAR_ALPHAS_LESSON, full=CAR_ALPHAS, scale=scale)
    series = {f"lambda={lam:g}": alphas for lam, alphas in grid.items()}
    jobs = [("sarsa-lambda", a, "steps", episodes, n, {**BOOK, "lambda_": lam, "trace": "replacing"})
            for lam, alphas in grid.items() for a in alphas]
    return _car_figure(series, jobs, f"steps per episode, first {episodes} episodes ({n} runs)",
                       "Mountain Car, Sarsa(λ) with replacing traces (Figure 12.10)", "sutton-barto-12.10", out, scale)


@figure("sutton-barto-12.11", lesson=15,
        help="Sarsa(λ) accumulating / replacing / true online, Mountain Car: reward per episode, first 20, vs α×8")
def sarsa_lambda_traces(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 12.11: accumulating, replacing and dutch (true online) traces at λ = 0.9."""
    n, episodes = _car_runs(scale, runs), pick(smoke=3, lesson=20, full=20, scale=scale)
    every = pick(smoke=5, lesson=2, full=1, scale=scale)  # every how many α of the grid
    series = {kind: COMPARE_ALPHAS[kind][::every] for kind in COMPARE}
    jobs = [(COMPARE[kind][0], a, "returns", episodes, n,
             {**BOOK, "lambda_": COMPARE_LAMBDA, "max_episode_steps": COMPARE_CAP, **COMPARE[kind][1]})
            for kind, alphas in series.items() for a in alphas]
    return _car_figure(series, jobs, f"reward per episode, first {episodes} episodes ({n} runs)",
                       f"Mountain Car, Sarsa(λ), λ = {COMPARE_LAMBDA:g}: kinds of trace (Figure 12.11)",
                       "sutton-barto-12.11", out, scale, ylim=(-550, -150))
