"""Dynamic programming figures: Sutton & Barto chapter 4 (lesson 05).

Both are exact computations on a model (:mod:`course.dp`), the same at every
scale: no runs to average, so ``runs`` is ignored and ``stderr`` is empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .. import dp
from ..envs import make
from ..envs.models import gambler
from . import curve_rows, figure, save

#: The numbers of sweeps of Figure 4.1 (None = run to convergence, "k=inf").
SWEEPS = (0, 1, 2, 3, 10, None)
_ARROWS = {0: (0, 0.3), 1: (0.3, 0), 2: (0, -0.3), 3: (-0.3, 0)}  # up, right, down, left as (dx, dy)


def random_policy_sweeps(sweeps=SWEEPS, theta: float = 1e-6) -> dict[str, np.ndarray]:
    """Values of the random policy on Example 4.1's grid after k two-array sweeps, by label ``k=K`` / ``k=inf``."""
    m = make("corner-grid").unwrapped.model()
    pi = dp.random_policy(m)
    out, v, done = {}, np.zeros(m.n_states), 0
    for k in sweeps:
        if k is None:
            v, _ = dp.evaluate_policy(m, pi, theta=theta, in_place=False, v=v)
            out["k=inf"] = v.copy()
        else:
            while done < k:
                v, _ = dp.sweep(m, pi, v, in_place=False)
                done += 1
            out[f"k={k}"] = v.copy()
    return out


def draw_greedy(ax, greedy: np.ndarray, terminal: np.ndarray, size: int = 4) -> None:
    """Arrows of every greedy action (``greedy``: bool, n_states x 4) on a size x size grid."""
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)
    for i in np.arange(-0.5, size):
        ax.axhline(i, color="0.6", lw=0.8)
        ax.axvline(i, color="0.6", lw=0.8)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in range(size * size):
        r, c = divmod(s, size)
        if terminal[s]:
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color="0.8"))
            continue
        for a in np.flatnonzero(greedy[s]):
            dx, dy = _ARROWS[a]
            ax.arrow(c, r, dx, -dy, head_width=0.12, length_includes_head=True, color="k")


@figure("sutton-barto-4.1", lesson=5,
        help="random policy on the 4x4 grid: values after k = 0, 1, 2, 3, 10, inf sweeps and their greedy policies")
def figure_4_1(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 4.1: iterative policy evaluation (two arrays) and the greedy policy of each estimate."""
    m = make("corner-grid").unwrapped.model()
    values = random_policy_sweeps()
    fig = Figure(figsize=(6.5, 3.0 * len(values)))
    axes = fig.subplots(len(values), 2)
    rows = []
    for (label, v), (left, right) in zip(values.items(), axes):
        left.imshow(v.reshape(4, 4), cmap="viridis", vmin=-22, vmax=0)
        for s in range(16):
            left.text(s % 4, s // 4, f"{v[s]:.1f}", ha="center", va="center", color="w" if v[s] < -11 else "k")
        left.set_xticks([])
        left.set_yticks([])
        left.set_title(f"v_k for the random policy, {label}")
        draw_greedy(right, dp.greedy(m, v), m.terminal)
        right.set_title(f"greedy policy w.r.t. v_k, {label}")
        rows += curve_rows(label, np.arange(16), v)
    fig.tight_layout()
    return save(fig, out, "sutton-barto-4.1", rows)


def gambler_stakes(model, v: np.ndarray) -> np.ndarray:
    """The optimal stake of each capital 1..goal-1: the smallest stake of at least 1 whose value is the best (to 1e-6)."""
    q = np.round(dp.q_values(model, v)[:, 1:], 6)
    return np.array([int(np.argmax(q[s])) + 1 for s in range(1, model.n_states - 1)])


@figure("sutton-barto-4.3", lesson=5,
        help="gambler's problem (p_h = 0.4): value estimates after sweeps of value iteration and the final policy")
def figure_4_3(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Figure 4.3: value iteration on the gambler's problem; the final stake of each capital."""
    m = gambler(0.4)
    history: list[np.ndarray] = []
    _, v, sweeps = dp.value_iteration(m, gamma=1.0, theta=1e-9, history=history)
    capital = np.arange(1, 100)
    fig = Figure(figsize=(7, 8))
    top, bottom = fig.subplots(2, 1)
    rows = []
    for k in (1, 2, 3, sweeps):
        label = f"sweep={k}" if k < sweeps else f"sweep={k} (final)"
        top.plot(capital, history[k - 1][1:100], label=label)
        rows += curve_rows(label, capital, history[k - 1][1:100])
    top.set_xlabel("capital")
    top.set_ylabel("value estimates")
    top.legend()
    stakes = gambler_stakes(m, v)
    bottom.step(capital, stakes, where="mid")
    bottom.set_xlabel("capital")
    bottom.set_ylabel("final policy (stake)")
    rows += curve_rows("policy", capital, stakes)
    fig.suptitle(f"Gambler's problem, p_h = 0.4: value iteration converged after {sweeps} sweeps (theta 1e-9)")
    fig.tight_layout()
    return save(fig, out, "sutton-barto-4.3", rows)
