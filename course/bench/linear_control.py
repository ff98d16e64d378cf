"""``course bench linear-control``: Figure 10.3 (one-step vs 8-step Sarsa on Mountain Car), batched vs a plain loop.

Prints

1. the wall time of a plain loop over runs (``agent.run(episodes)`` for one
   agent after another, the way one would write it without the batched
   runner) for a few runs of each setting, and that time scaled to the
   figure's number of runs;
2. the wall time of the same figure from the batched runner
   (:func:`course.experiments.compare`, the function ``course figures
   sutton-barto-10.3`` calls), with the ratio;
3. the figure's headline numbers: mean steps per episode at episodes 1, 10,
   50, 100 and the last, and the mean over the first 50 episodes, for n = 1
   and n = 8, next to what the book's Figure 10.3 shows.

CPU time is printed beside wall time: on a shared machine the two differ.
"""

from __future__ import annotations

import argparse

from ..agents import NStepSarsa
from ..envs import make
from ..experiments import compare
from ..figures.linear_control import N_STEP_SARSA, N_STEP_SETTINGS
from ..presets import preset
from ..tiles import TileCoder
from .clock import Clock

BOOK = preset("mountain-car-book")["agent"]  # the book's settings: no exploration, no discount


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench linear-control", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=100, help="runs of each setting in the batched figure (book: 100)")
    p.add_argument("--episodes", type=int, default=500, help="episodes per run (book: 500)")
    p.add_argument("--loop-runs", type=int, default=2, help="runs of each setting timed in the plain loop")
    args = p.parse_args(argv)

    loop_wall = loop_steps = 0.0
    for setting in N_STEP_SETTINGS:
        for seed in range(args.loop_runs):
            env = make("mountain-car")
            agent = NStepSarsa(env, features=TileCoder(env, tiles=8, tilings=8), seed=seed, **setting, **BOOK)
            with Clock() as c:
                agent.run(args.episodes)
            loop_wall += c.wall
            loop_steps += agent.total_steps
    per_run = loop_wall / (args.loop_runs * len(N_STEP_SETTINGS))
    loop_estimate = per_run * args.runs * len(N_STEP_SETTINGS)
    print(f"plain loop: {args.loop_runs} runs x {len(N_STEP_SETTINGS)} settings x {args.episodes} episodes, "
          f"{loop_steps:,.0f} steps in {loop_wall:.1f} s ({loop_steps / loop_wall:,.0f} steps/s); "
          f"for {args.runs} runs per setting: about {loop_estimate / 60:.1f} min")

    with Clock() as c:
        curves = compare(N_STEP_SARSA, N_STEP_SETTINGS, args.runs, args.episodes, fixed={"tilings": 8, **BOOK},
                         desc="n-step")
    steps = int(sum(cv.steps.sum() for cv in curves))
    print(f"batched: Figure 10.3 ({len(N_STEP_SETTINGS)} settings x {args.runs} runs x {args.episodes} episodes, "
          f"{steps:,} steps) in {c.wall:.1f} s wall (CPU of this process {c.cpu:.1f} s; the settings run in "
          f"worker processes): {loop_estimate / c.wall:.1f}x faster than the plain loop")
    marks = [e for e in (1, 10, 50, 100, args.episodes) if e <= args.episodes]
    for setting, cv in zip(N_STEP_SETTINGS, curves):
        m = cv.mean()
        at = ", ".join(f"{e} {m[e - 1]:.0f}" for e in marks)
        print(f"  n = {setting['n']}, alpha = {setting['alpha'] * 8:g}/8: mean steps at episode {at}; "
              f"mean over the first {min(50, args.episodes)} episodes {m[:50].mean():.0f}")
    print("  book (Figure 10.3): n = 8 lies below n = 1 early on; both end near 100-130 steps per episode "
          "at episode 500 (a log-scale plot)")
    return 0
