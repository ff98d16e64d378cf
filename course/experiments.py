"""Multi-run averages and parameter sweeps.

One learning curve is noisy; the book's figures average many independent
runs.  :func:`average` runs an agent R times, each with its own seed
(``seed``, ``seed+1``, ...), and returns a :class:`Curves` of arrays shaped
(runs, episodes).  :func:`sweep` does that for each value of one parameter;
every setting gets the same seeds (common random numbers), so differences
between settings come from the parameter, not from luck.

``make_agent`` is any function ``make_agent(seed=..., **params) -> Agent``.
Linear agents on tile-coded Mountain Car have a much faster path, the
batched runner of :mod:`course.batched`, which returns the same
:class:`Curves`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from .params import check_int

from .progress import progress_enabled, tqdm

__all__ = ["Curves", "average", "sweep"]

METRICS = ("steps", "returns", "errors")


@dataclass
class Curves:
    """Per-episode metrics of several runs of one setting, each an array of shape (runs, episodes)."""

    steps: np.ndarray
    returns: np.ndarray
    errors: np.ndarray | None = None
    label: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def _get(self, metric: str) -> np.ndarray:
        if metric not in METRICS:
            raise ValueError(f"metric={metric!r} is not valid: metric must be one of {', '.join(METRICS)}")
        arr = getattr(self, metric)
        if arr is None:
            raise ValueError(f"these curves have no {metric}")
        return np.asarray(arr, dtype=float)

    @property
    def runs(self) -> int:
        return int(np.shape(self.steps)[0])

    @property
    def episodes(self) -> int:
        return int(np.shape(self.steps)[1])

    def mean(self, metric: str = "steps") -> np.ndarray:
        """Mean over runs, per episode."""
        return self._get(metric).mean(axis=0)

    def stderr(self, metric: str = "steps") -> np.ndarray:
        """Standard error of the mean over runs, per episode (0 for a single run)."""
        a = self._get(metric)
        if a.shape[0] < 2:
            return np.zeros(a.shape[1])
        return a.std(axis=0, ddof=1) / np.sqrt(a.shape[0])


def average(make_agent: Callable[..., Any], runs: int, episodes: int, *, seed: int = 0, label: str = "",
            params: dict[str, Any] | None = None, progress: bool = True, **run_kwargs) -> Curves:
    """Run ``make_agent(seed=seed + i, **params)`` for ``episodes`` episodes, ``runs`` times."""
    runs, episodes = check_int("runs", runs), check_int("episodes", episodes)
    params = dict(params or {})
    steps = np.zeros((runs, episodes), dtype=np.int64)
    returns = np.zeros((runs, episodes))
    errors = np.full((runs, episodes), np.nan)
    desc = label or ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items()) or "runs"
    for i in tqdm(range(runs), desc=desc, unit="run", disable=not (progress and progress_enabled()), leave=False):
        agent = make_agent(seed=seed + i, **params)
        h = agent.run(episodes, **run_kwargs)
        steps[i], returns[i], errors[i] = h.steps[:episodes], h.returns[:episodes], h.errors[:episodes]
    return Curves(steps, returns, None if np.isnan(errors).all() else errors, label=desc, params=params)


def sweep(make_agent: Callable[..., Any], param: str, values: Iterable, runs: int, episodes: int, *,
          seed: int = 0, fixed: dict[str, Any] | None = None, progress: bool = True,
          **run_kwargs) -> dict[Any, Curves]:
    """:func:`average` for each value of ``param``; returns {value: Curves}."""
    out = {}
    values = list(values)
    for v in tqdm(values, desc=f"sweep {param}", unit="setting", disable=not (progress and progress_enabled())):
        out[v] = average(make_agent, runs, episodes, seed=seed, params={**(fixed or {}), param: v},
                         progress=progress, **run_kwargs)
    return out
