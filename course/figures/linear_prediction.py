"""Prediction with features on the 1000-state random walk: Sutton & Barto chapter 9 (lesson 13).

Every figure runs on the batched runner (:mod:`course.batched_prediction`),
which computes what :class:`~course.agents.GradientMC` and
:class:`~course.agents.NStepTD` compute, many runs at once.  Weights start at
zero, γ = 1.  The RMS error is taken over the 1000 states, unweighted (the
kit's ``rms_error``); the book's √VE weights the states by how often the
walk visits them, which counts the middle states more.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..batched_prediction import learn
from ..envs.random_walk import on_policy_distribution, true_values, walk_matrices
from ..scale import pick
from ..state_features import Fourier, Polynomial, StateAggregation, state_tiles
from . import curve_rows, figure, save

STATES = np.arange(1, 1001)


def staircase(episodes: int, alpha: float = 2e-5, groups: int = 10, *, n: int | None = None, seed: int = 0):
    """One run of gradient MC (``n=None``) or n-step TD with state aggregation: the estimate of states 1 .. 1000."""
    result = learn([(StateAggregation(1000, groups=groups), alpha)], n=n, runs=1, episodes=episodes, seed=seed,
                   errors=False, desc="episodes")
    return result.values[0, 0]


def td_fixed_point(groups: int = 10) -> np.ndarray:
    """Where semi-gradient TD(0) with state aggregation converges: w with X^T D (b + P X w - X w) = 0, D = diag(mu).

    Returned per state (each state gets its group's weight)."""
    P, b = walk_matrices()
    X = StateAggregation(1000, groups=groups)
    X = np.stack([X.dense(s) for s in STATES])
    D = on_policy_distribution()[:, None]
    w = np.linalg.solve(X.T @ (D * (X - P @ X)), X.T @ (D[:, 0] * b))
    return X @ w


def group_means(groups: int = 10) -> np.ndarray:
    """The true values averaged over each group, repeated for each state of the group (the best staircase)."""
    v = np.asarray(true_values())
    return np.repeat(v.reshape(groups, -1).mean(axis=1), v.size // groups)


def _values_plot(ax, estimate, title: str) -> list:
    ax.plot(STATES, true_values(), color="0.3", label="true value $v_\\pi$")
    ax.plot(STATES, estimate, color="tab:red", label="approximate value $\\hat v$")
    ax.set_xlabel("state")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return curve_rows("true value", STATES, true_values()) + curve_rows("approximate value", STATES, estimate)


@figure("sutton-barto-9.1", lesson=13,
        help="gradient MC, 10 groups of 100 states, alpha = 2e-5: the staircase over the true values")
def figure_9_1(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 9.1: gradient Monte Carlo with state aggregation (one run; ``runs`` is ignored)."""
    episodes = pick(smoke=300, lesson=30_000, full=100_000, scale=scale)
    estimate = staircase(episodes)
    mu = on_policy_distribution()
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    rows = _values_plot(ax, estimate, f"Gradient MC, 10 groups of 100 states, α = 2e-5, {episodes:,} episodes "
                                      f"(Figure 9.1)")
    right = ax.twinx()
    right.fill_between(STATES, mu, color="tab:blue", alpha=0.15, label="state distribution μ")
    right.set_ylim(0, 3 * mu.max())
    right.set_ylabel("state distribution μ")
    lines = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left")
    rows += curve_rows("state distribution", STATES, mu)
    return save(fig, out, "sutton-barto-9.1", rows)


N_VALUES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
ALPHAS = (0.02, 0.05) + tuple(np.round(np.arange(0.1, 1.01, 0.1), 2))


@figure("sutton-barto-9.2", lesson=13,
        help="left: semi-gradient TD(0), 10 groups; right: n-step TD, 20 groups, RMS error over 10 episodes vs alpha")
def figure_9_2(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 9.2: semi-gradient TD(0)'s aggregated values, and n-step TD's error against α for n = 1 .. 512."""
    episodes = pick(smoke=300, lesson=100_000, full=100_000, scale=scale)  # TD(0) on 10 groups: seconds
    runs = runs or pick(smoke=3, lesson=30, full=100, scale=scale)
    estimate = staircase(episodes, alpha=2e-4, n=1)
    fig = Figure(figsize=(13, 4.5))
    left, right = fig.subplots(1, 2)
    rows = _values_plot(left, estimate, f"Semi-gradient TD(0), 10 groups, α = 2e-4, {episodes:,} episodes")
    left.legend(loc="upper left")
    for n in N_VALUES:
        result = learn([(StateAggregation(1000, groups=20), a) for a in ALPHAS], n=n, runs=runs, episodes=10,
                       desc=f"n={n}")
        mean_error = result.rms.mean(axis=2)  # (alphas, runs): the average over the first 10 episodes
        y, se = mean_error.mean(axis=1), mean_error.std(axis=1, ddof=1) / np.sqrt(runs) if runs > 1 else None
        right.plot(ALPHAS, y, marker=".", label=f"n = {n}")
        rows += curve_rows(f"n={n}", ALPHAS, y, se)
    right.set_xlabel("α")
    right.set_ylabel(f"RMS error, first 10 episodes ({runs} runs)")
    right.set_ylim(0.2, 0.6)
    right.set_title("n-step semi-gradient TD, 20 groups of 50 states")
    right.legend(fontsize=8, ncol=2)
    right.grid(alpha=0.3)
    fig.suptitle("Sutton & Barto Figure 9.2", y=1.02)
    return save(fig, out, "sutton-barto-9.2", rows)


def _curves(ax, result, labels, colours, styles) -> list:
    rows = []
    runs, episodes = result.rms.shape[1:]
    x = np.arange(1, episodes + 1)
    for c, (label, colour, style) in enumerate(zip(labels, colours, styles)):
        y = result.rms[c].mean(axis=0)
        se = result.rms[c].std(axis=0, ddof=1) / np.sqrt(runs) if runs > 1 else None
        ax.plot(x, y, color=colour, linestyle=style, label=label)
        rows += curve_rows(label, x, y, se)
    ax.set_xlabel("episodes")
    ax.set_ylabel(f"RMS error over the 1000 states ({runs} runs)")
    ax.grid(alpha=0.3)
    ax.legend()
    return rows


def _budget(scale: str, runs: int | None) -> tuple[int, int]:
    return (runs or pick(smoke=2, lesson=10, full=30, scale=scale)), pick(smoke=20, lesson=1000, full=5000,
                                                                           scale=scale)


def bases_errors(runs: int, episodes: int, orders=(5, 10, 20), seed: int = 0) -> np.ndarray:
    """Gradient MC with polynomial (α = 1e-4) then Fourier (α = 5e-5) bases of each order: RMS error,
    shape (2 * len(orders), runs, episodes)."""
    settings = [(Polynomial(1000, order=k), 1e-4) for k in orders] + [(Fourier(1000, order=k), 5e-5) for k in orders]
    return learn(settings, runs=runs, episodes=episodes, seed=seed, desc="bases").rms


@figure("sutton-barto-9.5", lesson=13,
        help="gradient MC with polynomial vs Fourier bases of order 5, 10, 20: RMS error per episode")
def figure_9_5(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 9.5: Fourier cosine features learn the walk's values better than polynomials of the same order."""
    runs, episodes = _budget(scale, runs)
    orders = (5, 10, 20)
    result = _Errors(bases_errors(runs, episodes, orders))
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    labels = [f"polynomial, order {k}" for k in orders] + [f"Fourier, order {k}" for k in orders]
    colours = ["tab:blue", "tab:orange", "tab:green"] * 2
    rows = _curves(ax, result, labels, colours, ["--"] * 3 + ["-"] * 3)
    ax.set_title("Gradient MC: polynomial (α = 1e-4) vs Fourier (α = 5e-5) bases (Figure 9.5)")
    return save(fig, out, "sutton-barto-9.5", rows)


TILES_ALPHA = 0.2  # α of one tiling in the first episode; with k tilings α/k, and both divided by the episode number


def tilings_errors(runs: int, episodes: int, seed: int = 0):
    """Gradient MC with one tiling and with 50 tilings (tiles 200 states wide): RMS error, shape (2, runs, episodes).

    The step size is α/k in episode 1, α/(2k) in episode 2, ... (k tilings, α = TILES_ALPHA): with a fixed
    α = 1e-4 (the book's order of magnitude) neither learner settles within 5,000 episodes and one tiling
    stays ahead; with a step size that shrinks like a sample average's, tile coding's finer resolution shows.
    """
    settings = [(state_tiles(1000, width=200, tilings=k), TILES_ALPHA / k) for k in (1, 50)]
    return learn(settings, runs=runs, episodes=episodes, seed=seed, harmonic=True, desc="tilings").rms


@figure("sutton-barto-9.10", lesson=13,
        help="gradient MC: one tiling (aggregation, 200 states) vs 50 tilings 4 states apart: RMS error per episode")
def figure_9_10(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 9.10: 50 offset tilings against one (state aggregation), tiles 200 states wide."""
    runs, episodes = _budget(scale, runs)
    rms = tilings_errors(runs, episodes)
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    rows = _curves(ax, _Errors(rms), ["state aggregation (one tiling)", "tile coding (50 tilings)"],
                   ["tab:blue", "tab:red"], ["-", "-"])
    ax.set_title(f"Gradient MC, tiles 200 states wide, α = {TILES_ALPHA:g} / (tilings × episode) (Figure 9.10)")
    return save(fig, out, "sutton-barto-9.10", rows)


class _Errors:
    """Just the ``rms`` array, as :func:`_curves` reads it from a result."""

    def __init__(self, rms):
        self.rms = rms
