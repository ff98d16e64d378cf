"""n-step figures: Sutton & Barto chapter 7 (lesson 09), on the tabular batched runner."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .. import batched_tabular as bt
from ..envs import make
from ..scale import pick
from . import curve_rows, figure, save

NS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
ALPHAS = (0.01, 0.02) + tuple(np.round(np.arange(0.05, 1.001, 0.05), 2))


def rms_vs_alpha(runs: int, episodes: int = 10, ns=NS, alphas=ALPHAS, seed: int = 0) -> dict[int, np.ndarray]:
    """{n: RMS error over the 19 states and the first ``episodes`` episodes, per alpha}, values start at 0."""
    env = make("random-walk-19").unwrapped
    walks = bt.random_walks(19, runs, episodes, seed=seed)
    out = {}
    for n in ns:
        err = bt.predict(walks, n=n, alphas=alphas, true_values=env.true_values,
                         left_reward=env.left_reward, right_reward=env.right_reward)
        out[n] = err[:, :, 1:].mean(axis=(1, 2))  # after each of the first episodes, averaged
    return out


@figure("sutton-barto-7.2", lesson=9, help="n-step TD on the 19-state walk: RMS error (first 10 episodes) against alpha, n = 1..512")
def n_step_td(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 7.2: intermediate n learn fastest; n = 1 is TD(0), n = 512 is nearly Monte Carlo."""
    runs = runs or pick(smoke=5, lesson=100, full=100, scale=scale)
    ns = pick(smoke=(1, 4, 512), lesson=NS, full=NS, scale=scale)
    errors = rms_vs_alpha(runs, pick(smoke=3, lesson=10, full=10, scale=scale), ns)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    rows = []
    for n, e in errors.items():
        ax.plot(ALPHAS, e, label=f"n = {n}")
        rows += curve_rows(f"n={n}", ALPHAS, e)
    ax.set_ylim(0.25, 0.55)
    ax.set_xlabel("α")
    ax.set_ylabel("average RMS error over 19 states and first 10 episodes")
    ax.set_title(f"n-step TD on the 19-state random walk, {runs} runs (Sutton & Barto Figure 7.2)", fontsize=10)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))  # beside the plot: no curve under it
    ax.grid(alpha=0.3)
    return save(fig, out, "sutton-barto-7.2", rows)
