"""Plotting helpers for learning curves (matplotlib; never called inside an agent)."""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
import numpy as np

from .experiments import Curves

__all__ = ["plot_curves", "smooth", "log_axis"]

YLABELS = {"steps": "steps per episode", "returns": "return per episode", "errors": "RMS error"}


def smooth(y: np.ndarray, window: int) -> np.ndarray:
    """Moving average over ``window`` episodes (same length; the first points average what exists)."""
    if window <= 1:
        return np.asarray(y, dtype=float)
    y = np.asarray(y, dtype=float)
    c = np.cumsum(np.insert(y, 0, 0.0))
    out = np.empty_like(y)
    n = np.arange(1, y.size + 1)
    lo = np.maximum(0, n - window)
    out[:] = (c[n] - c[lo]) / (n - lo)
    return out


def log_axis(ax) -> None:
    """Put ``ax``'s y axis on a log scale labelled in plain numbers: 100, 200, 500 within two decades, 10, 100,
    1000 over more (call it after plotting: it reads the data's range)."""
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    subs = (1.0, 2.0, 5.0) if high / low <= 100 else (1.0,)
    ax.yaxis.set_major_locator(LogLocator(subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def plot_curves(curves: Curves | Sequence[Curves] | Mapping, metric: str = "steps", *, ax=None, log: bool = False,
                window: int = 1, band: bool = True, title: str | None = None):
    """Mean learning curve of each :class:`Curves` with a ±1 standard-error band.

    ``curves`` may be one Curves, a list, or a dict: {name: Curves} names
    each curve by its key, and the {value: Curves} of
    :func:`course.experiments.sweep` (the keys are parameter values) keeps
    each curve's own label (``alpha=0.1``).  ``log=True`` puts the y axis on a log scale (the
    book's Mountain Car figures); ``window`` smooths with a moving average.
    """
    if isinstance(curves, Curves):
        items = [(curves.label, curves)]
    elif isinstance(curves, Mapping):  # string keys name the curves; sweep's parameter values keep their labels
        items = [(k if isinstance(k, str) else c.label or str(k), c) for k, c in curves.items()]
    else:
        items = [(c.label, c) for c in curves]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for label, c in items:
        x = np.arange(1, c.episodes + 1)
        m = smooth(c.mean(metric), window)
        (line,) = ax.plot(x, m, label=f"{label} ({c.runs} runs)" if c.runs > 1 else label)
        if band and c.runs > 1:
            s = smooth(c.stderr(metric), window)
            ax.fill_between(x, m - s, m + s, color=line.get_color(), alpha=0.2, linewidth=0)
    if log:
        log_axis(ax)
    ax.set_xlabel("episode")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole episodes (no 2.5 on a 20-episode run)
    ax.set_ylabel(YLABELS.get(metric, metric))
    if title:
        ax.set_title(title)
    if any(lbl for lbl, _ in items):
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax
