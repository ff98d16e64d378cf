"""``course bench cluster``: a full-scale figure on a 2-worker Dask LocalCluster against the local pool.

Prints the wall time of Sutton & Barto's Figure 10.2 sweep (3 step sizes x
``--runs`` runs x ``--episodes`` episodes of Sarsa on Mountain Car) run
three ways: here in one process, in the local process pool, and on a Dask
``LocalCluster`` of two worker processes; the overhead of one piece of work
on the cluster (from a round of empty pieces); and, from these figures, an
estimate on paper of what 32 workers would give for the same figure at
1,000 runs.  Needs the ``[cluster]`` extra (Dask).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .. import executors
from ..agents import Sarsa
from ..experiments import factory, sweep
from ..presets import preset
from ..tiles import TileCoder
from .clock import Clock

SARSA = factory(Sarsa, "mountain-car", features=TileCoder)
ALPHAS = (0.1 / 8, 0.2 / 8, 0.5 / 8)


def _empty(i: int) -> int:
    return i


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench cluster", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=100, help="runs per step size (default 100, the book's)")
    p.add_argument("--episodes", type=int, default=500, help="episodes per run (default 500, the book's)")
    args = p.parse_args(argv)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print('course bench cluster needs Dask: pip install -e ".[cluster]"')
        return 2

    fixed = {"tilings": 8, **preset("mountain-car-book")["agent"]}
    shape = f"3 step sizes x {args.runs} runs x {args.episodes} episodes"

    def timed(**kw):
        with Clock() as c:
            curves = sweep(SARSA, "alpha", ALPHAS, args.runs, args.episodes, fixed=fixed, progress=False, **kw)
        return c.wall, curves

    one, reference = timed(workers=1)
    steps = int(sum(c.steps.sum() for c in reference.values()))
    print(f"Figure 10.2, {shape} ({steps:,} steps)")
    print(f"  one process:                 {one:7.1f} s")
    pool, _ = timed(workers=2)
    print(f"  local pool, 2 processes:     {pool:7.1f} s  (one batch: the pool has nothing to split)")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=40) as cluster, Client(cluster) as client:
        dask, curves = timed(scheduler=cluster)
        same = all(np.array_equal(curves[a].steps, reference[a].steps) for a in ALPHAS)
        print(f"  Dask LocalCluster, 2 workers: {dask:6.1f} s  (4 pieces; same curves as one process: {same})")
        n = 200
        start = time.perf_counter()
        client.gather(client.map(_empty, range(n), pure=False))
        overhead = (time.perf_counter() - start) / n
        executors.close()
    print(f"  overhead of one piece on the cluster: {overhead * 1e3:.1f} ms (a round of {n} empty pieces)")
    per_run = one / (3 * args.runs)  # seconds of one core per run of 500 episodes, batched
    estimate = 3 * 1000 * per_run / 32 + overhead * 64
    print(f"On paper, 32 workers, Figure 10.2 at 1,000 runs: 3,000 runs x {per_run * 1e3:.0f} ms / 32 workers "
          f"+ 64 pieces x {overhead * 1e3:.1f} ms = about {estimate:.0f} s (one process here: "
          f"{3 * 1000 * per_run:.0f} s), if the workers are as fast as this machine's cores")
    return 0
