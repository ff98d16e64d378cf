"""Many runs: averages, parameter sweeps and comparisons -- the kit's one experiments API.

One learning curve is noisy; the book's figures average many independent
runs.  Three functions, one set of arguments, one result type:

* :func:`average` -- ``runs`` runs of one setting, seeds ``seed, seed+1, ...``;
  returns :class:`Curves` (arrays shaped (runs, episodes));
* :func:`sweep` -- :func:`average` for each value of one parameter; {value: Curves};
* :func:`compare` -- for settings that change several parameters at once; [Curves].

Every setting gets the same seeds (common random numbers), so differences
between settings come from the parameters, not from luck.

``make_agent`` is any function ``make_agent(seed=..., **params) -> Agent``;
:func:`factory` builds one that can also travel to worker processes
(``factory(Sarsa, "mountain-car", features=TileCoder)`` splits ``params``
between the agent and its feature class).

**The fast path is chosen for you.**  When the agents a setting builds can
be batched (linear agents on tile-coded Mountain Car, see
:mod:`course.batched`), all its runs advance together in numpy, and the
batches of a sweep run side by side in ``workers`` processes; otherwise
each run goes through the agent's own loop (:meth:`course.agent.Agent.run`).
The results are the same either way, bit for bit: the batched runner
reproduces the loop exactly (tests/test_mountain_car.py checks it).
``run_kwargs`` (stop rules of :meth:`~course.agent.Agent.run` other than
``episodes``) need the loop, so giving any selects it.
"""

from __future__ import annotations

import os
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from . import batched
from .params import check_int
from .progress import progress_enabled, tqdm

__all__ = ["Curves", "average", "sweep", "compare", "factory"]

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


@dataclass(frozen=True)
class factory:
    """A picklable ``make_agent``: ``factory(cls, env, features=None, **env_kwargs)(seed=..., **params)``.

    ``env`` is a name for :func:`course.envs.make`; ``features`` a feature
    class (its own parameters, e.g. ``tiles``/``tilings``, are taken out of
    ``params``) or a ready feature object, or None for the agent's default.
    """

    cls: type
    env: str
    features: Any = None
    env_kwargs: dict = field(default_factory=dict)

    def __call__(self, seed: int, **params):
        from .envs import make

        env = make(self.env, **self.env_kwargs)
        features = self.features
        if isinstance(features, type):
            names = features.hyperparameters()
            features = features(env, **{k: v for k, v in params.items() if k in names})
            params = {k: v for k, v in params.items() if k not in names}
        if features is not None:
            params["features"] = features
        return self.cls(env, seed=seed, **params)


def _label(params: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


def _curves(histories, episodes: int, label: str, params: dict) -> Curves:
    steps = np.array([h.steps[-episodes:] for h in histories], dtype=np.int64)
    returns = np.array([h.returns[-episodes:] for h in histories])
    errors = np.array([h.errors[-episodes:] for h in histories])
    return Curves(steps, returns, None if np.isnan(errors).all() else errors, label=label, params=params)


def _run_batch(agents: list, episodes: int) -> list:
    """A piece of work: one batch (seeds inside the agents); the agents come back as batched.run leaves them."""
    batched.run(agents, episodes, progress=False)
    return agents


def _run_one(make_agent, seed: int, params: dict, episodes: int, run_kwargs: dict, checkpoint: str | None):
    """A piece of work: one run through the agent's own loop; returns its History.

    With ``checkpoint`` (a path on a filesystem every worker sees) the run
    saves itself after each episode and, started again on another worker
    after a loss, resumes from the last save instead of starting over.
    """
    agent = make_agent(seed=seed, **params)
    observers = []
    if checkpoint is not None:
        from pathlib import Path

        from .events import Observer

        class SaveEachEpisode(Observer):
            def on_episode_end(self, agent, ep):
                agent.save(checkpoint)

        if Path(checkpoint).exists():
            agent.load(checkpoint)
        observers.append(SaveEachEpisode())
    left = episodes - len(agent.history)
    if left > 0:
        agent.run(left, observers=observers, **run_kwargs)
    return agent.history


def _chunks(agents: list, n: int) -> list[list]:
    """``agents`` cut into ``n`` nearly equal consecutive pieces (runs are independent: any cut gives the same)."""
    n = max(1, min(n, len(agents)))
    bounds = np.linspace(0, len(agents), n + 1).round().astype(int)
    return [agents[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]


def compare(make_agent: Callable[..., Any], settings: Iterable[dict], runs: int, episodes: int, *, seed: int = 0,
            fixed: dict[str, Any] | None = None, labels: Iterable[str] | None = None, progress: bool = True,
            workers: int | None = None, desc: str = "settings", scheduler: Any = None,
            checkpoints: str | None = None, **run_kwargs) -> list[Curves]:
    """:func:`average` for each setting (a dict of parameters over ``fixed``); a list of :class:`Curves`.

    For comparisons that change more than one parameter at a time, e.g. the
    number of tilings k with the step size 0.5/k::

        compare(factory(Sarsa, "mountain-car", features=TileCoder),
                [{"tilings": k, "alpha": 0.5 / k} for k in (1, 2, 4, 8, 16)], runs=20, episodes=500,
                fixed={"epsilon": 0.0, "gamma": 1.0})

    Each curve is labelled by its own setting (``tilings=4, alpha=0.125``),
    not by the ``fixed`` parameters every curve shares, unless ``labels`` are
    given.

    Where the pieces run (see :mod:`course.executors`):

    * by default, batches of batched settings run side by side in
      ``workers`` local processes (default: one per CPU core; 1 runs them
      here), and every other run here, one after the other.  Workers are
      started fresh (``spawn``), never forked, so a notebook that has loaded
      TensorFlow can use them; the agents ``make_agent`` built travel to
      them and must be picklable, ``make_agent`` itself need not be;
    * with a Dask ``scheduler`` (or ``COURSE_SCHEDULER``), every piece goes
      to the cluster: batches cut so that every worker gets some, and each
      run of the plain loop on its own (then ``make_agent`` must be
      picklable, e.g. a :class:`factory`).  ``checkpoints``, a folder every
      worker can reach, lets a plain run resume after a lost worker.

    The results are the same wherever the pieces run: seeds travel with them.
    """
    from . import executors

    runs, episodes = check_int("runs", runs), check_int("episodes", episodes)
    settings = [dict(s) for s in settings]
    # a curve is named by what sets it apart (tiles=8), not by what every curve shares (fixed)
    labels = list(labels) if labels is not None else [_label(s) or "runs" for s in settings]
    settings = [{**(fixed or {}), **s} for s in settings]
    if len(labels) != len(settings):
        raise ValueError(f"labels has {len(labels)} entries for {len(settings)} settings: give one label per setting")
    workers = executors.default_workers() if workers is None else check_int("workers", workers)
    scheduler = executors.scheduler_address(scheduler)
    show = progress and progress_enabled()

    # A setting whose first agent can be batched builds all its runs for the batches below.  Any other
    # setting runs through the agent's own loop: here, now, one run at a time (a deep agent's replay
    # buffer and networks exist for one run at a time), or as one piece per run on a cluster.
    results: list[Curves | None] = [None] * len(settings)
    pending: dict[int, list] = {}
    loop_runs: list[tuple[int, int]] = []  # (setting, run) pieces of the plain loop for a cluster
    for i, (params, label) in enumerate(zip(settings, labels)):
        first = make_agent(seed=seed, **params)
        if not run_kwargs and batched.supports(first):
            pending[i] = [first] + [make_agent(seed=seed + r, **params) for r in range(1, runs)]
        elif scheduler is not None:
            loop_runs += [(i, r) for r in range(runs)]
        else:
            histories = []
            for r in tqdm(range(runs), desc=label, unit="run", disable=not show, leave=False):
                agent = first if r == 0 else make_agent(seed=seed + r, **params)
                first = None
                histories.append(agent.run(episodes, **run_kwargs))
            results[i] = _curves(histories, episodes, label, params)

    batches: dict[tuple, list] = {}
    for agents in pending.values():
        batches.setdefault(batched.batch_key(agents[0]), []).extend(agents)
    groups = list(batches.values())
    if scheduler is not None:  # cut the batches so that every worker of the cluster gets work
        want = 2 * executors.cluster_workers(scheduler)
        total = sum(len(g) for g in groups) or 1
        groups = [c for g in groups for c in _chunks(g, round(want * len(g) / total))]
    histories: dict[tuple[int, int], Any] = {}
    if scheduler is None and (workers == 1 or len(groups) <= 1):
        bar = tqdm(total=len(groups), desc=desc, unit="batch", disable=not (show and len(groups) > 1))
        for agents in groups:
            batched.run(agents, episodes, progress=show)
            bar.update(1)
        bar.close()
    elif groups or loop_runs:
        done: dict[int, object] = {}  # id of an agent built here -> the same agent, run in a worker
        bar = tqdm(total=len(groups) + len(loop_runs), desc=desc, unit="piece", disable=not show)
        try:
            with executors.executor(min(workers, max(1, len(groups))), scheduler) as pool:
                futures = {pool.submit(_run_batch, agents, episodes): agents for agents in groups}
                for i, r in loop_runs:
                    path = None if checkpoints is None else os.path.join(checkpoints, f"setting{i}-run{r}.npz")
                    futures[pool.submit(_run_one, make_agent, seed + r, settings[i], episodes, run_kwargs,
                                        path)] = (i, r)
                for future in as_completed(futures):
                    key = futures[future]
                    if isinstance(key, tuple):
                        histories[key] = future.result()
                    else:
                        for mine, theirs in zip(key, future.result()):
                            done[id(mine)] = theirs
                    bar.update(1)
        finally:
            bar.close()
        pending = {i: [done[id(a)] for a in agents] for i, agents in pending.items()}
    for i, agents in pending.items():
        results[i] = _curves([a.history for a in agents], episodes, labels[i], settings[i])
    for i in {i for i, _ in loop_runs}:
        results[i] = _curves([histories[i, r] for r in range(runs)], episodes, labels[i], settings[i])
    return results


def average(make_agent: Callable[..., Any], runs: int, episodes: int, *, seed: int = 0, label: str = "",
            params: dict[str, Any] | None = None, progress: bool = True, workers: int | None = 1,
            scheduler: Any = None, **run_kwargs) -> Curves:
    """``runs`` runs of ``make_agent(seed=seed + i, **params)`` for ``episodes`` episodes each (see :func:`compare`)."""
    params = dict(params or {})
    return compare(make_agent, [params], runs, episodes, seed=seed, labels=[label or _label(params) or "runs"],
                   progress=progress, workers=workers, scheduler=scheduler, **run_kwargs)[0]


def sweep(make_agent: Callable[..., Any], param: str, values: Iterable, runs: int, episodes: int, *,
          seed: int = 0, fixed: dict[str, Any] | None = None, progress: bool = True, workers: int | None = None,
          scheduler: Any = None, **run_kwargs) -> dict[Any, Curves]:
    """:func:`average` for each value of ``param`` (over ``fixed``); returns {value: Curves} (see :func:`compare`)."""
    values = list(values)
    curves = compare(make_agent, [{param: v} for v in values], runs, episodes, seed=seed, fixed=fixed,
                     progress=progress, workers=workers, desc=f"sweep {param}", scheduler=scheduler, **run_kwargs)
    return dict(zip(values, curves))
