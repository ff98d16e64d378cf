"""``course bench td``: Figure 6.5 (maximization bias) by a plain loop over runs against the batched runner.

Prints the runs per second of

1. the plain loop: the kit's Q-learning and Double Q-learning agents, one
   run after another through the one loop, for ``--loop-runs`` runs each;
2. the batched runner (:mod:`course.batched_tabular`), all runs as lanes of
   one array, for ``--runs`` runs each;

both for 300 episodes, the ratio, and the wall time of the whole figure at
the book's scale (10,000 runs x 300 episodes for each algorithm) by the
batched runner.  CPU time is printed beside wall time: on a shared machine
the two differ.
"""

from __future__ import annotations

import argparse

import numpy as np

from ..agents import DoubleQLearning, MaskedQLearning
from ..envs import make
from ..figures.temporal_difference import left_fractions
from .clock import Clock


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench td", description=__doc__.splitlines()[0])
    p.add_argument("--episodes", type=int, default=300, help="episodes per run (the book: 300)")
    p.add_argument("--loop-runs", type=int, default=100, help="runs of each agent in the plain loop")
    p.add_argument("--runs", type=int, default=10_000, help="runs of each agent in the batched runner (the book: 10,000)")
    args = p.parse_args(argv)

    with Clock() as c:
        left = []
        for cls in (MaskedQLearning, DoubleQLearning):
            runs = [np.array(cls(make("max-bias"), alpha=0.1, epsilon=0.1, seed=s).run(args.episodes).steps) == 2
                    for s in range(args.loop_runs)]
            left.append(np.mean(runs))
    loop_rate = 2 * args.loop_runs / c.wall
    print(f"plain loop: 2 x {args.loop_runs} runs x {args.episodes} episodes in {c.wall:.1f} s (CPU {c.cpu:.1f} s): "
          f"{loop_rate:,.1f} runs/s; left taken {100 * left[0]:.1f}% (Q) / {100 * left[1]:.1f}% (double Q)")
    with Clock() as c:
        f = left_fractions(args.runs, args.episodes)
    rate = 2 * args.runs / c.wall
    print(f"batched:    2 x {args.runs} runs x {args.episodes} episodes in {c.wall:.1f} s (CPU {c.cpu:.1f} s): "
          f"{rate:,.1f} runs/s; left taken {100 * f['q-learning'].mean():.1f}% (Q) / "
          f"{100 * f['double-q'].mean():.1f}% (double Q)")
    print(f"ratio: the batched runner does {rate / loop_rate:,.0f}x the runs per second of the plain loop")
    print(f"Figure 6.5 at {args.runs} runs x {args.episodes} episodes: {c.wall:.1f} s with the batched runner, "
          f"about {2 * args.runs / loop_rate:,.0f} s by the plain loop")
    return 0
