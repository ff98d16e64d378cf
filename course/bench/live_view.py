"""``course bench live-view``: what the live panel costs, and how many frames it delivers.

For the maze (tabular Sarsa) and Mountain Car (Sarsa on 8 tilings of 8x8
tiles) the benchmark learns the same episodes (hence the same steps) in
three ways, from the same seed:

* headless: ``agent.run`` with no observer at all, the reference speed;
* in a :class:`widgets.Panel` with the live view on, learning in the panel's
  background thread as in a notebook (curves and status line included);
* in a panel with the live view off.

It prints learning steps per second for each, the speed kept with the view
on and off (as a share of the headless speed, measured in steps per CPU
second of the learning thread, which the load of other programs changes
far less than the wall clock), and the frames per second the panel
delivered to its image widget (counted as updates of the widget's value:
what the browser would receive).  The targets are at least 25 frames
per second, and learning keeping at least half its headless speed with the
view on.  Run without a browser; the widgets send their updates nowhere.
Each way is measured ``--repeat`` times, interleaved, and the best is kept:
other programs running on the machine only ever slow a run down.
"""

from __future__ import annotations

import argparse
import time

from course.agent import Observer
from course.agents import Sarsa
from course.envs import make
from course.tiles import TileCoder

ENVS = ("maze", "mountain-car")


def _factory(name: str):
    if name == "maze":
        env = make("maze")
        return lambda seed=0: Sarsa(env, alpha=0.5, epsilon=0.1, seed=seed)
    env = make("mountain-car", render_mode="rgb_array")
    return lambda seed=0: Sarsa(env, features=TileCoder(env, tiles=8, tilings=8), alpha=0.1 / 8, epsilon=0.0,
                                seed=seed)


class _Clock(Observer):
    """Wall time and the learning thread's CPU time of one run (read in the thread that runs it)."""

    def on_run_start(self, agent):
        self.wall, self.cpu = time.perf_counter(), time.thread_time()

    def on_run_end(self, agent, history):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.thread_time() - self.cpu


def _headless(factory, episodes: int) -> tuple[int, float, float]:
    """Steps learned, steps per wall second and per CPU second of the learner alone."""
    clock = _Clock()
    agent = factory()
    agent.run(episodes, observers=[clock])
    return agent.total_steps, agent.total_steps / clock.wall, agent.total_steps / clock.cpu


def _in_panel(factory, episodes: int, view: bool) -> tuple[float, float, float]:
    """Steps per wall second, per CPU second, and frames per second of a background run in a panel."""
    from widgets import Panel

    panel = Panel(factory, view=view, background=True)
    updates = [0]
    panel.view.image.observe(lambda change: updates.__setitem__(0, updates[0] + 1), names="value")
    clock = panel.agent.subscribe(_Clock())
    panel.run(episodes)
    panel.wait()
    if panel.error is not None:
        raise panel.error
    steps = panel.agent.total_steps
    return steps / clock.wall, steps / clock.cpu, updates[0] / clock.wall


def _episodes_for(factory, seconds: float) -> int:
    """The number of episodes the learner alone finishes in about ``seconds`` of CPU time."""
    agent = factory()
    start = time.thread_time()
    while time.thread_time() - start < seconds:
        agent.run(1)
    return agent.episode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course bench live-view", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="about how long (CPU seconds) each headless run learns")
    parser.add_argument("--repeat", type=int, default=3, help="measurements of each way (the best is kept)")
    parser.add_argument("--env", choices=ENVS, action="append", help="environment (repeatable; default: both)")
    args = parser.parse_args(argv)
    if not args.seconds > 0:
        parser.error(f"--seconds={args.seconds} is not valid: it must be a positive number")
    if args.repeat < 1:
        parser.error(f"--repeat={args.repeat} is not valid: it must be a positive integer")
    print(f"{'':<14}{'':>8}{'steps per second (wall clock)':^36}{'kept (CPU time)':^16}")
    print(f"{'environment':<14}{'steps':>8}{'headless':>12}{'view on':>12}{'view off':>12}{'on':>8}{'off':>8}"
          f"{'fps':>8}")
    for name in args.env or ENVS:
        factory = _factory(name)
        episodes = _episodes_for(factory, args.seconds)
        runs = [(_headless(factory, episodes)[1:], _in_panel(factory, episodes, view=True),
                 _in_panel(factory, episodes, view=False)) for _ in range(args.repeat)]
        steps = _headless(factory, episodes)[0]  # the same seed: the same steps in every way
        best = [[max(r[i][j] for r in runs) for j in range(len(runs[0][i]))] for i in range(3)]
        (base, base_cpu), (on, on_cpu, fps), (off, off_cpu, _) = best
        print(f"{name:<14}{steps:>8}{base:>12,.0f}{on:>12,.0f}{off:>12,.0f}{on_cpu / base_cpu:>8.0%}"
              f"{off_cpu / base_cpu:>8.0%}{fps:>8.1f}", flush=True)
    print("targets: the view delivers >= 25 fps; with the view on, learning keeps >= 50% of its headless speed.\n"
          "Each figure is the best of --repeat runs; 'kept' compares steps per CPU second of the learning thread,\n"
          "which other programs on a busy machine disturb far less than the wall clock.")
    return 0
