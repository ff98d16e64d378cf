"""``course bench mountain-car``: how fast Mountain Car runs, one agent at a time and batched.

Prints environment steps per second of

1. one Sarsa agent (8 tilings of 8x8, alpha = 0.5/8) in the plain loop;
2. the batched runner advancing many such agents together;

and the wall time of the book's Figure 10.2 at full scale (3 step sizes x
100 runs x 500 episodes, about 30 million steps), with the curve's values
at episodes 1, 10, 100 and 500.  CPU time is printed beside wall time: on a
shared machine the two differ.
"""

from __future__ import annotations

import argparse

from .. import batched
from ..agents import Sarsa
from ..envs import make
from ..presets import preset
from ..tiles import TileCoder
from .clock import Clock

BOOK = preset("mountain-car-book")["agent"]  # the book's settings: no exploration, no discount


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench mountain-car", description=__doc__.splitlines()[0])
    p.add_argument("--episodes", type=int, default=50, help="episodes of the single run and of each batched run")
    p.add_argument("--runs", type=int, default=100, help="runs advanced together by the batched runner")
    p.add_argument("--no-figure", action="store_true", help="skip the full-scale Figure 10.2")
    args = p.parse_args(argv)

    env = make("mountain-car")
    agent = Sarsa(env, features=TileCoder(env, tiles=8, tilings=8), alpha=0.5 / 8, seed=0, **BOOK)
    with Clock() as c:
        agent.run(args.episodes)
    print(f"plain loop, 1 run x {args.episodes} episodes: {agent.total_steps} steps in {c.wall:.1f} s "
          f"(CPU {c.cpu:.1f} s): {agent.total_steps / c.wall:,.0f} steps/s")

    with Clock() as c:
        curves = batched.average(runs=args.runs, episodes=args.episodes, alpha=0.5 / 8, tilings=8, **BOOK)
    steps = int(curves.steps.sum())
    print(f"batched, {args.runs} runs x {args.episodes} episodes: {steps} steps in {c.wall:.1f} s "
          f"(CPU {c.cpu:.1f} s): {steps / c.wall:,.0f} steps/s")

    if not args.no_figure:
        with Clock() as c:
            sweep = batched.sweep("alpha", (0.1 / 8, 0.2 / 8, 0.5 / 8), runs=100, episodes=500, tilings=8, **BOOK)
        steps = int(sum(cv.steps.sum() for cv in sweep.values()))
        print(f"Figure 10.2 at full scale (3 step sizes x 100 runs x 500 episodes, {steps} steps): "
              f"{c.wall:.1f} s wall, CPU {c.cpu:.1f} s")
        for alpha, cv in sweep.items():
            m = cv.mean()
            print(f"  alpha = {alpha * 8:g}/8: mean steps at episode 1 {m[0]:.0f}, 10 {m[9]:.0f}, "
                  f"100 {m[99]:.0f}, 500 {m[499]:.0f}")
    return 0
