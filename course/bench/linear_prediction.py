"""``course bench linear-prediction``: chapter 9's runs one agent at a time and batched.

Prints steps per second (wall and CPU seconds: on a shared machine they
differ) of gradient Monte Carlo on the 1000-state random walk

1. through the plain loop (:class:`~course.agents.GradientMC`, one run at a time);
2. on the batched runner (:func:`course.batched_prediction.learn`, all runs together);

for 50 tilings of tiles 200 states wide (Figure 9.10's features) and for
10-group state aggregation (Figure 9.1's), and the ratio.
"""

from __future__ import annotations

import argparse

from ..agents import GradientMC
from ..batched_prediction import learn
from ..envs import make
from ..state_features import StateAggregation, state_tiles
from .clock import Clock


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench linear-prediction", description=__doc__.splitlines()[0])
    p.add_argument("--episodes", type=int, default=100, help="episodes per run")
    p.add_argument("--runs", type=int, default=10, help="independent runs")
    args = p.parse_args(argv)
    for name, features, alpha in (("50 tilings", state_tiles(1000, width=200, tilings=50), 1e-4 / 50),
                                  ("10 groups", StateAggregation(1000, groups=10), 2e-5)):
        steps = 0
        with Clock() as plain:
            for r in range(args.runs):
                agent = GradientMC(make("random-walk-1000"), features=features, alpha=alpha, seed=r)
                agent.run(args.episodes)
                steps += agent.total_steps
        with Clock() as fast:
            result = learn([(features, alpha)], runs=args.runs, episodes=args.episodes, progress=False)
        batched = int(result.steps.sum())
        print(f"{name}: plain loop {steps / plain.wall:,.0f} steps/s ({plain.wall:.1f} s, CPU {plain.cpu:.1f} s); "
              f"batched {batched / fast.wall:,.0f} steps/s ({fast.wall:.1f} s, CPU {fast.cpu:.1f} s); "
              f"{(batched / fast.cpu) / (steps / plain.cpu):.0f}x by CPU time")
    return 0
