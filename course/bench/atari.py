"""``course bench atari``: how fast the Atari pipeline runs, and how much a Pong replay buffer weighs.

Three figures:

1. **Environment alone**: agent steps per second of preprocessed Pong
   (4 emulator frames per step, max-pooling, grey, 84x84, frame stack)
   under uniformly random actions, on one core.  Target: 1,000 or more.
2. **The full DQN loop** on the lesson's Pong: act epsilon-greedily
   (epsilon 0.1, so nine steps in ten run the network), store the transition,
   one update on a batch of 32 every 4 steps.  Target: 60 or more on a
   2-core CPU.
3. **Replay buffer memory**: the peak memory allocated while a
   100,000-transition Pong buffer is built, filled and sampled (frames
   stored once, uint8).  Target: at most 1 GB.

Times are wall-clock; the figure per CPU-second (the process's CPU time,
all threads) is printed beside it, since on a shared machine the wall clock
also counts other people's work.  The system load is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import tracemalloc

import gymnasium as gym
import numpy as np

from ..envs import make
from ..envs.atari import ChannelsLast
from .clock import Clock

SECTIONS = ("env", "dqn", "buffer")


def _rate(n: int, t: Clock) -> str:
    return f"{n / t.wall:8.0f} steps/s wall, {n / t.cpu:8.0f} per CPU-second"


def bench_env(steps: int, seed: int) -> None:
    for name, kwargs in (("lesson's Pong (first-last, 3 actions)", {}), ("Nature Pong (4 frames)", {"stack": 4})):
        env = make("pong", render_mode=None, **kwargs)
        env.action_space.seed(seed)
        env.reset(seed=seed)
        with Clock() as t:
            for _ in range(steps):
                _, _, terminated, truncated, _ = env.step(env.action_space.sample())
                if terminated or truncated:
                    env.reset()
        print(f"  {name:<40} {_rate(steps, t)}  ({steps} steps)", flush=True)


def bench_dqn(steps: int, seed: int) -> None:
    from ..agents.deep import DQN
    from ..presets import preset

    params = {**preset("atari-lesson")["agent"], "buffer_size": 5_000, "learning_starts": 1_000,
              "epsilon": 0.1, "epsilon_decay_steps": 0}
    agent = DQN(make("pong", render_mode=None), seed=seed, **params)
    with Clock() as warm:
        agent.run(steps=params["learning_starts"] + 100)  # fill the buffer, compile the update
    print(f"  warm-up: {agent.total_steps} steps in {warm.wall:.1f} s (buffer filling, graph compilation)", flush=True)
    updates = agent.updates
    with Clock() as t:
        agent.run(steps=steps)
    print(f"  DQN loop (train every {params['train_every']}, batch {params['batch_size']}, epsilon 0.1):"
          f" {_rate(steps, t)}  ({steps} steps, {agent.updates - updates} updates)", flush=True)


class _Frames(gym.Env):
    """A stand-in for the game that emits 84x84 frames, Pong-long episodes of 850 steps, at no cost."""

    def __init__(self, seed: int):
        self.pool = np.random.default_rng(seed).integers(0, 256, (256, 84, 84), dtype=np.uint8)
        self.observation_space = gym.spaces.Box(0, 255, (84, 84), dtype=np.uint8)
        self.action_space = gym.spaces.Discrete(3)
        self.t = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.t = 0
        return self.pool[self.np_random.integers(256)], {}

    def step(self, action):
        self.t += 1
        return self.pool[(self.t * 7 + action) % 256], 0.0, self.t >= 850, False, {}


def bench_buffer(capacity: int, seed: int) -> None:
    """Build, fill and sample a buffer of 4-frame stacks (first-and-last stacks share frames just the same)."""
    from gymnasium.wrappers import FrameStackObservation

    from ..replay import FrameReplayBuffer

    env = ChannelsLast(FrameStackObservation(_Frames(seed), 4))
    shape = env.observation_space.shape
    tracemalloc.start()
    with Clock() as t:
        buf = FrameReplayBuffer(capacity, shape, env.frame_offsets, seed=seed)
        obs, _ = env.reset(seed=seed)
        for i in range(capacity):
            nxt, r, terminated, _, _ = env.step(i % 3)
            buf.add(obs, i % 3, r, nxt, terminated)
            obs = env.reset()[0] if terminated else nxt
        buf.sample(32)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    naive = 2 * capacity * int(np.prod(shape))
    print(f"  {capacity:,} transitions of {shape} uint8 stacks: arrays {buf.nbytes / 1e9:.3f} GB, peak allocated "
          f"{peak / 1e9:.3f} GB (storing s and s' whole: {naive / 1e9:.1f} GB; filled in {t.wall:.0f} s)", flush=True)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="course bench atari", description=__doc__.split("\n\n")[0])
    p.add_argument("--env-steps", type=int, default=5_000, help="agent steps timed for the environment alone")
    p.add_argument("--dqn-steps", type=int, default=1_000, help="agent steps timed for the DQN loop")
    p.add_argument("--buffer", type=int, default=100_000, help="transitions in the buffer whose memory is measured")
    p.add_argument("--only", choices=SECTIONS, action="append", help="run only these parts (repeatable)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    for name in ("env_steps", "dqn_steps", "buffer"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be a positive integer")
    parts = args.only or SECTIONS
    print(f"course bench atari: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    if "env" in parts:
        print("Environment alone (random actions, one core):", flush=True)
        bench_env(args.env_steps, args.seed)
    if "dqn" in parts:
        print("Full DQN loop on the lesson's Pong:", flush=True)
        bench_dqn(args.dqn_steps, args.seed)
    if "buffer" in parts:
        print("Replay buffer memory (frames stored once, uint8):", flush=True)
        bench_buffer(args.buffer, args.seed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"peak resident memory of this process: {rss / 1e9:.2f} GB; load average now {os.getloadavg()[0]:.1f}")
    return 0
