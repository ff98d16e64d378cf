"""Where the independent pieces of an experiment run: a local process pool, or a Dask cluster.

The experiments API (:mod:`course.experiments`) cuts a sweep into pieces of
work that need nothing from each other: a batch of runs of the batched
runner, or one run of an agent through its own loop.  Each piece carries its
seeds, so it gives the same result wherever it runs.  :func:`executor`
yields a :class:`concurrent.futures.Executor` to hand them to (and :func:`many`
hands it a list of independent calls, for figures that are not sweeps of
one agent):

* by default a pool of local worker processes (``spawn``: fresh interpreters,
  safe beside TensorFlow), one per CPU core;
* a Dask cluster when a scheduler is named: ``scheduler="tcp://HOST:8786"``
  in Python, ``course figures ... --scheduler tcp://HOST:8786``, or the
  environment variable ``COURSE_SCHEDULER``.  A ``distributed.LocalCluster``
  or ``distributed.Client`` object works too.

Dask is optional (``pip install -e ".[cluster]"``) and imported only when a
scheduler is named.  A worker lost halfway costs nothing but time: the Dask
scheduler gives its pieces to another worker, and a piece that checkpoints
(a long deep-agent run) resumes from its last checkpoint there.
"""

from __future__ import annotations

import multiprocessing
import numbers
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

__all__ = ["SCHEDULER_ENV", "executor", "many", "default_workers", "scheduler_address", "cluster_workers", "close"]

SCHEDULER_ENV = "COURSE_SCHEDULER"
CONNECT_TIMEOUT = 5.0  # seconds to reach a scheduler before giving up

_clients: dict[str, Any] = {}  # one Dask client per scheduler address, kept for the process's life


def default_workers() -> int:
    """Local worker processes by default: one per CPU core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def scheduler_address(scheduler: Any = None) -> Any:
    """The scheduler in force: the argument, else ``COURSE_SCHEDULER``, else None (the local pool)."""
    if scheduler is None or scheduler == "":
        scheduler = os.environ.get(SCHEDULER_ENV, "").strip() or None
    return scheduler


def _client(scheduler: Any):
    try:
        from distributed import Client
    except ImportError:
        raise RuntimeError(f"scheduler={scheduler!r} needs Dask, which is not installed: "
                           f'pip install -e ".[cluster]" (or pip install "dask[distributed]")') from None
    if isinstance(scheduler, Client):
        return scheduler
    address = getattr(scheduler, "scheduler_address", scheduler)  # a LocalCluster or the like
    if not isinstance(address, str):
        raise ValueError(f"scheduler={scheduler!r} is not valid: scheduler must be an address "
                         f"such as 'tcp://host:8786', a Dask cluster or a Dask Client")
    client = _clients.get(address)
    if client is None or client.status not in ("running", "connecting"):
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as e:
            raise ConnectionError(f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s: "
                                  f"{e}. Start one with `dask scheduler` and `dask worker {address}`, or leave "
                                  f"the scheduler out (and {SCHEDULER_ENV} unset) to use local processes") from None
        _clients[address] = client
        print(f"course: Dask scheduler {address}, {len(client.scheduler_info()['workers'])} workers, "
              f"dashboard {client.dashboard_link}", flush=True)
    return client


def cluster_workers(scheduler: Any) -> int:
    """How many workers the named cluster has now (at least 1)."""
    return max(1, len(_client(scheduler).scheduler_info()["workers"]))


@contextmanager
def executor(workers: int, scheduler: Any = None) -> Iterator[Executor]:
    """An executor for independent pieces of work: local processes, or the Dask cluster ``scheduler``."""
    scheduler = scheduler_address(scheduler)
    if scheduler is None:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            yield pool
        return
    with _client(scheduler).get_executor(pure=False) as pool:
        yield pool


def close() -> None:
    """Close the Dask clients this process opened (before its cluster goes away)."""
    for client in _clients.values():
        client.close()
    _clients.clear()


def _call(fn: Callable, kwargs: dict):
    return fn(**kwargs)


def many(fn: Callable, jobs: Sequence[dict], *, workers: int | None = None, scheduler: Any = None,
         desc: str = "runs", progress: bool = True) -> list:
    """``[fn(**job) for job in jobs]``, the calls side by side: local processes, or the Dask cluster in force.

    ``fn`` must be a module-level function (workers import it by name).
    With one worker (or one job) and no scheduler the calls run here, one
    after the other, with no process to start.  The results come back in
    the order of ``jobs`` whatever order the calls finish in.
    """
    from .progress import progress_enabled, tqdm

    jobs = list(jobs)
    if workers is None:
        workers = default_workers()
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise ValueError(f"workers={workers!r} is not valid: workers must be a positive integer (processes)")
    scheduler = scheduler_address(scheduler)
    bar = tqdm(total=len(jobs), desc=desc, unit="run", disable=not (progress and progress_enabled()), leave=False)
    try:
        if scheduler is None and (workers == 1 or len(jobs) <= 1):
            out = []
            for job in jobs:
                out.append(fn(**job))
                bar.update(1)
            return out
        with executor(min(int(workers), len(jobs)), scheduler) as pool:
            futures = [pool.submit(_call, fn, job) for job in jobs]
            out = []
            for f in futures:
                out.append(f.result())
                bar.update(1)
            return out
    finally:
        bar.close()
