"""``course bench bandits``: the batched 10-armed testbed against a plain Python loop over runs.

The batched runner advances all runs together with numpy arrays of shape
(runs, arms); the yardstick is the same method (ε-greedy, sample averages,
random tie-breaking) written as a plain Python loop, one run after the
other.  The plain loop is timed on a subset of the runs and extrapolated
to all of them (it is linear in the number of runs); the output says so.
"""

from __future__ import annotations

import argparse

from .. import bandits
from .clock import Clock


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="course bench bandits", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=2000, help="runs advanced together (default: the book's 2000)")
    p.add_argument("--steps", type=int, default=1000, help="steps per run (default 1000)")
    p.add_argument("--plain-runs", type=int, default=100, help="runs timed for the plain loop (default 100)")
    p.add_argument("--epsilon", type=float, default=0.1)
    args = p.parse_args(argv)
    for option in ("runs", "steps", "plain_runs"):
        if getattr(args, option) < 1:
            p.error(f"--{option.replace('_', '-')} must be a positive integer")
    total = args.runs * args.steps
    with Clock() as batched:
        bandits.run(bandits.ActionValueAgent(epsilon=args.epsilon, seed=0), bandits.Testbed(args.runs, seed=0),
                    args.steps)
    plain_runs = min(args.plain_runs, args.runs)
    with Clock() as plain:
        for seed in range(plain_runs):
            bandits.plain_epsilon_greedy(args.epsilon, args.steps, seed)
    plain_wall = plain.wall * args.runs / plain_runs
    print(f"bandits: epsilon-greedy (epsilon={args.epsilon:g}, sample averages), {args.runs} runs x {args.steps} steps")
    print(f"  batched numpy : {batched.wall:8.2f} s wall ({batched.cpu:.2f} s CPU)  "
          f"{total / batched.wall:12,.0f} steps/s")
    print(f"  plain Python  : {plain_wall:8.2f} s wall, extrapolated from {plain_runs} runs timed "
          f"({plain.wall:.2f} s)  {total / plain_wall:12,.0f} steps/s")
    plain_cpu = plain.cpu * args.runs / plain_runs
    print(f"  ratio         : batched is {plain_wall / batched.wall:.1f}x faster in wall time, "
          f"{plain_cpu / max(batched.cpu, 1e-9):.1f}x in CPU time (on a busy machine the CPU ratio is the fairer one)")
    return 0
