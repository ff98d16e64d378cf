"""``course bench planning``: Figure 8.2's runs in a plain loop over runs, in worker processes, and batched.

Runs the runs of Sutton & Barto's Figure 8.2 (Dyna-Q on the Dyna maze with
0, 5 and 50 planning steps, 50 episodes each; 30 runs per setting in the
book, ``--runs`` here) three ways:

1. plain loop: one :class:`~course.agents.DynaQ` after the other, here;
2. the same agents in one worker process per CPU core
   (:func:`course.executors.many`; the same numbers, checked);
3. batched: every run of a setting at once in numpy
   (:func:`course.planning_runs.batched_steps_per_episode`), which is what
   the figure uses.

Prints wall and CPU seconds of each and the ratios to the plain loop.  On a
shared machine wall time depends on the load; the CPU seconds of the plain
loop and of the batched runner (both in this process) compare the work
itself.  The workers' CPU time is spent in other processes and is not shown.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..executors import default_workers, many
from ..planning_runs import batched_steps_per_episode, steps_per_episode
from .clock import Clock


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench planning", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=30, help="runs per setting (the book: 30)")
    p.add_argument("--episodes", type=int, default=50, help="episodes per run (the book: 50)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU core)")
    p.add_argument("--no-workers", action="store_true", help="skip the worker processes")
    args = p.parse_args(argv)
    settings = (0, 5, 50)
    jobs = [dict(seed=s, planning_steps=n, episodes=args.episodes) for n in settings for s in range(args.runs)]
    workers = args.workers or default_workers()
    with Clock() as plain:
        here = many(steps_per_episode, jobs, workers=1, progress=False)
    print(f"Figure 8.2, {args.runs} runs x 3 settings (n = 0, 5, 50) x {args.episodes} episodes")
    print(f"plain loop over runs:   {plain.wall:6.1f} s wall, {plain.cpu:6.1f} s CPU")
    ok = True
    if not args.no_workers:
        with Clock() as shared:
            there = many(steps_per_episode, jobs, workers=workers, progress=False)
        ok = all(np.array_equal(a, b) for a, b in zip(here, there))
        print(f"{workers} worker processes:    {shared.wall:6.1f} s wall ({plain.wall / shared.wall:.2f}x); "
              f"same numbers: {ok}")
    with Clock() as batched:
        curves = {n: batched_steps_per_episode(args.runs, planning_steps=n, episodes=args.episodes, seed=i)
                  for i, n in enumerate(settings)}
    print(f"batched in numpy:       {batched.wall:6.1f} s wall, {batched.cpu:6.1f} s CPU "
          f"({plain.wall / batched.wall:.1f}x wall, {plain.cpu / batched.cpu:.1f}x CPU)")
    for i, n in enumerate(settings):
        loop = np.array(here[i * args.runs:(i + 1) * args.runs]).mean(axis=0)
        print(f"  n = {n:2d}: mean steps of episodes 2, 3, 10, {args.episodes}: plain loop "
              f"{np.round(loop[[1, 2, 9, -1]]).astype(int).tolist()}, batched "
              f"{np.round(curves[n].mean(axis=0)[[1, 2, 9, -1]]).astype(int).tolist()}")
    return 0 if ok else 1
