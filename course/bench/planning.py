"""``course bench planning``: Figure 8.2's runs, in a plain loop over runs and shared among worker processes.

Runs the runs of Sutton & Barto's Figure 8.2 (Dyna-Q on the Dyna maze with
0, 5 and 50 planning steps, 50 episodes each; 30 runs per setting in the
book, ``--runs`` here) twice: one after the other in this process (the
plain loop), and with :func:`course.planning_runs.many` in one worker
process per CPU core.  Prints the wall and CPU time of each, updates of Q
per second, the ratio, and checks that both gave the same numbers.  The
ratio is at best the number of free cores: on a shared machine it is less.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..planning_runs import default_workers, many, steps_per_episode
from .clock import Clock


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench planning", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=30, help="runs per setting (the book: 30)")
    p.add_argument("--episodes", type=int, default=50, help="episodes per run (the book: 50)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU core)")
    args = p.parse_args(argv)
    jobs = [dict(seed=s, planning_steps=n, episodes=args.episodes) for n in (0, 5, 50) for s in range(args.runs)]
    # updates of Q per run: one per real step, plus n planned ones
    workers = args.workers or default_workers()
    with Clock() as plain:
        here = many(steps_per_episode, jobs, workers=1, progress=False)
    with Clock() as shared:
        there = many(steps_per_episode, jobs, workers=workers, progress=False)
    updates = sum(int(s.sum()) * (1 + job["planning_steps"]) for s, job in zip(here, jobs))
    same = all(np.array_equal(a, b) for a, b in zip(here, there))
    print(f"Figure 8.2 at {args.runs} runs x 3 settings x {args.episodes} episodes: {updates:,} updates of Q")
    print(f"plain loop over runs:      {plain.wall:6.1f} s wall (CPU {plain.cpu:.1f} s): "
          f"{updates / plain.wall:,.0f} updates/s")
    print(f"{workers} worker processes:      {shared.wall:6.1f} s wall: {updates / shared.wall:,.0f} updates/s")
    print(f"ratio: {plain.wall / shared.wall:.2f}x; same numbers both ways: {same}")
    return 0 if same else 1
