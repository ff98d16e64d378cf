"""``course bench mountain-car``: how fast Mountain Car runs, one agent at a time and batched.

Prints environment steps per second of

1. one Sarsa agent (8 tilings of 8x8, alpha = 0.5/8) in the plain loop;
2. the batched runner advancing many such agents together;
3. the comparison panel (``widgets.Compare``, 3 step sizes x 10 runs), which
   goes through the experiments API and so gets the batched runner too;

and the wall time of the book's Figure 10.2 at full scale (3 step sizes x
100 runs x 500 episodes, about 30 million steps), with the curve's values
at episodes 1, 10, 100 and 500.  CPU time is printed beside wall time: on a
shared machine the two differ.
"""

from __future__ import annotations

import argparse

from ..agents import Sarsa
from ..envs import make
from ..experiments import average, factory, sweep
from ..presets import preset
from ..tiles import TileCoder
from .clock import Clock

BOOK = preset("mountain-car-book")["agent"]  # the book's settings: no exploration, no discount
SARSA = factory(Sarsa, "mountain-car", features=TileCoder)


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
    single = agent.total_steps / c.wall
    print(f"plain loop, 1 run x {args.episodes} episodes: {agent.total_steps} steps in {c.wall:.1f} s "
          f"(CPU {c.cpu:.1f} s): {single:,.0f} steps/s")

    with Clock() as c:
        curves = average(SARSA, args.runs, args.episodes, params={"alpha": 0.5 / 8, "tilings": 8, **BOOK})
    steps = int(curves.steps.sum())
    print(f"batched, {args.runs} runs x {args.episodes} episodes: {steps} steps in {c.wall:.1f} s "
          f"(CPU {c.cpu:.1f} s): {steps / c.wall:,.0f} steps/s")

    from widgets import Compare  # (the panels are a separate package; imported only for this line)

    def car(seed, alpha=0.5 / 8):
        return SARSA(seed=seed, alpha=alpha, tilings=8, **BOOK)

    compare = Compare(car, "alpha", [0.1 / 8, 0.2 / 8, 0.5 / 8], params=[Sarsa], runs=10, episodes=args.episodes,
                      background=False)
    with Clock() as c:
        compare.run(wait=True)
    steps = sum(int(cv.steps.sum()) for cv in compare.results.values())
    print(f"widgets.Compare, 3 step sizes x 10 runs x {args.episodes} episodes: {steps} steps in {c.wall:.1f} s: "
          f"{steps / c.wall:,.0f} steps/s, {steps / c.wall / single:.1f}x the plain loop")

    if not args.no_figure:
        with Clock() as c:
            curves = sweep(SARSA, "alpha", (0.1 / 8, 0.2 / 8, 0.5 / 8), 100, 500, fixed={"tilings": 8, **BOOK})
        steps = int(sum(cv.steps.sum() for cv in curves.values()))
        print(f"Figure 10.2 at full scale (3 step sizes x 100 runs x 500 episodes, {steps} steps): "
              f"{c.wall:.1f} s wall, CPU {c.cpu:.1f} s")
        for alpha, cv in curves.items():
            m = cv.mean()
            print(f"  alpha = {alpha * 8:g}/8: mean steps at episode 1 {m[0]:.0f}, 10 {m[9]:.0f}, "
                  f"100 {m[99]:.0f}, 500 {m[499]:.0f}")
    return 0
