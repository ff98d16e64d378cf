"""``course bench traces``: Figure 12.10 (Sarsa(λ) on Mountain Car) batched, against a plain loop over runs.

Prints

1. the wall time of Sutton & Barto's Figure 12.10 at full scale (7 values of
   λ, 41 settings, 100 runs x 50 episodes each), made by ``course figures``'
   own function on the batched runner, with worker processes, and the
   environment steps it took (from the figure's mean steps per episode);
2. the speed of the plain loop (``agent.run``, one run after another) on a
   few runs of three of the figure's settings, and the time the whole figure
   would take that way: an *extrapolation* from those few runs (steps of the
   figure / steps per second of the loop), not a measurement;
3. the 19-state random-walk figures (12.3, 12.6, 12.8) at full scale.

CPU seconds of this process and of its finished worker processes are printed
beside wall time: on a shared machine the two differ.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from .. import figures
from ..agents import SarsaLambda
from ..envs import make
from ..figures.eligibility_traces import BOOK, CAR_ALPHAS
from ..tiles import TileCoder


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench traces", description=__doc__.splitlines()[0])
    p.add_argument("--loop-runs", type=int, default=2, help="plain-loop runs per sampled setting (default 2)")
    p.add_argument("--scale", default="full", choices=("smoke", "lesson", "full"),
                   help="scale of the batched figures (default: full, the book's)")
    p.add_argument("--no-walk", action="store_true", help="skip the random-walk figures")
    args = p.parse_args(argv)
    registry = figures.load()
    out = Path(tempfile.mkdtemp(prefix="bench-traces-"))

    wall, cpu = time.perf_counter(), _cpu()
    paths = registry["sutton-barto-12.10"].make(out, args.scale, None)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    table = figures.read_csv(paths[-1])
    runs, episodes = {"smoke": (2, 5), "lesson": (5, 50), "full": (100, 50)}[args.scale]
    steps = sum(float(s["y"].sum()) for s in table.values()) * runs * episodes
    settings = sum(len(s["x"]) for s in table.values())
    print(f"Figure 12.10 at {args.scale} scale ({settings} settings x {runs} runs x {episodes} episodes, "
          f"{steps:,.0f} steps), batched: {wall:.1f} s wall, {cpu:.1f} s CPU (with workers): "
          f"{steps / wall:,.0f} steps/s")
    for label, s in table.items():
        best = s["y"].argmin()
        print(f"  {label}: best {s['y'][best]:.1f} steps per episode at alpha x 8 = {s['x'][best]:g}")

    loop_steps, loop_wall, loop_cpu = 0, 0.0, 0.0
    for lam in (0.0, 0.84, 0.96):
        alpha = CAR_ALPHAS[lam][len(CAR_ALPHAS[lam]) // 2]
        for seed in range(args.loop_runs):
            env = make("mountain-car")
            agent = SarsaLambda(env, features=TileCoder(env, tiles=8, tilings=8), alpha=alpha / 8, lambda_=lam,
                                trace="replacing", seed=seed, **BOOK)
            start, start_cpu = time.perf_counter(), time.process_time()
            agent.run(episodes)
            loop_wall += time.perf_counter() - start
            loop_cpu += time.process_time() - start_cpu
            loop_steps += agent.total_steps
    rate = loop_steps / loop_wall
    print(f"plain loop: {3 * args.loop_runs} runs x {episodes} episodes (3 settings), {loop_steps:,} steps in "
          f"{loop_wall:.1f} s (CPU {loop_cpu:.1f} s): {rate:,.0f} steps/s")
    print(f"Figure 12.10 as a plain loop over runs: about {steps / rate / 60:.0f} min wall, "
          f"{steps / (loop_steps / loop_cpu) / 60:.0f} min CPU (EXTRAPOLATED from those {3 * args.loop_runs} runs, "
          f"not measured); batched: {wall / 60:.1f} min wall, {cpu / 60:.1f} min CPU: "
          f"{steps / rate / wall:.1f}x faster in wall time, {steps / (loop_steps / loop_cpu) / cpu:.1f}x in CPU time")

    if not args.no_walk:
        for name in ("sutton-barto-12.3", "sutton-barto-12.6", "sutton-barto-12.8"):
            start = time.perf_counter()
            paths = registry[name].make(out, args.scale, None)
            table = figures.read_csv(paths[-1])
            best = {k: s["y"].min() for k, s in table.items()}
            lam = min(best, key=best.get)
            print(f"{name} at {args.scale} scale: {time.perf_counter() - start:.1f} s wall; lowest RMS error "
                  f"{best[lam]:.3f} ({lam}, alpha = {table[lam]['x'][table[lam]['y'].argmin()]:g})")
    print(f"(figures written to {out})")
    return 0
