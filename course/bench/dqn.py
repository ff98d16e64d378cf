"""``course bench dqn``: how fast our DQN runs on the image maze, and what it learns.

Three measurements:

1. **speed** — agent steps per second of :class:`course.agents.deep.DQN` on
   the image maze with the Nature network, learning on every step of the
   measurement, against a *naive* loop on the same network, the same
   environment and the same update schedule that does what the original
   lesson did: ``model.predict()`` for every action and ``model.fit()`` for
   every update (after two ``predict()`` calls for the batch's targets); and
   the ratio of the two.  Both loops are timed only once they update on
   every step, in alternating rounds.
2. **lesson** — the lesson-16 experiment (buffer 1,000, batch 32, 100
   episodes, seed 10) with the ``"maze"`` preset: wall time, steps per
   episode falling towards the shortest path, a greedy test episode.
3. **cartpole** — the ``"cartpole"`` preset on CartPole-v1: steps and time
   until the greedy policy's mean return over 20 episodes reaches 475.

``course bench dqn`` runs the first two; ``--only speed,lesson,cartpole``
picks; ``--steps`` and ``--naive-steps`` set the speed measurement's length
and ``--rounds`` how many turns the two loops take.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import deque

import keras
import numpy as np

from ..agents.deep import DQN
from ..envs import make
from ..networks import nature_cnn
from ..presets import preset

PARTS = ("speed", "lesson", "cartpole")


def _agent(name: str, **overrides):
    p = preset(name)
    env = make(p["env"], **p["env_kwargs"])
    return DQN(env, seed=p["seed"], **{**p["agent"], **overrides}), p


class NaiveLoop:
    """The original lesson's loop: ``predict()`` per action, ``predict()`` x2 + ``fit()`` per update.

    The same Nature network, environment, batch size, buffer size and update
    schedule as our agent, in the style of the original: a ``deque`` of
    tuples, ``model.predict()`` for every action (explored or not), and per
    update ``predict()`` on the batch's states and next states and
    ``fit()`` on the targets.  (The original also drew a matplotlib figure
    to make every observation; redrawing one figure costs about 8 ms here,
    a few per cent of a naive step, so the loop uses the kit's image.)

    Construction fills the first batch with random actions and does one
    update (untimed: Keras builds its predict and train functions then), so
    every step that :meth:`run` times does an update, as our agent's do.
    """

    def __init__(self, env, agent_params: dict, seed: int = 0):
        self.env, self.params = env, agent_params
        self.rng = random.Random(seed)
        shape, self.n = env.observation_space.shape, int(env.action_space.n)
        self.model = nature_cnn(shape, self.n, seed=seed)
        self.model.compile(optimizer=keras.optimizers.Adam(agent_params["alpha"]), loss="mse")
        self.target = nature_cnn(shape, self.n, seed=seed)
        self.target.set_weights(self.model.get_weights())
        self.memory: deque = deque(maxlen=agent_params["buffer_size"])
        self.t = self.fits = 0
        self.obs = env.reset(seed=seed)[0]
        while self.fits == 0:
            self.step(explore=1.0)

    def step(self, explore: float = 0.1) -> None:
        batch, gamma = self.params["batch_size"], self.params["gamma"]
        q = self.model.predict(self.obs[None], verbose=0)[0]
        a = self.rng.randrange(self.n) if self.rng.random() < explore else int(np.argmax(q))
        obs2, r, term, trunc, _ = self.env.step(a)
        self.memory.append((self.obs, a, r, obs2, term))
        self.t += 1
        if len(self.memory) >= batch and self.t % self.params["train_every"] == 0:
            s, acts, rews, s2, done = map(np.array, zip(*self.rng.sample(list(self.memory), batch)))
            y = self.model.predict(s, verbose=0)
            q2 = self.target.predict(s2, verbose=0).max(axis=1)
            y[np.arange(batch), acts] = rews + gamma * q2 * (1 - done)
            self.model.fit(s, y, verbose=0)
            self.fits += 1
        if self.t % self.params["target_update"] == 0:
            self.target.set_weights(self.model.get_weights())
        self.obs = self.env.reset()[0] if term or trunc else obs2

    def run(self, steps: int) -> float:
        """Take ``steps`` steps (epsilon 0.1); return their wall time in seconds."""
        start = time.perf_counter()
        for _ in range(steps):
            self.step()
        return time.perf_counter() - start


def _timed(run, steps: int) -> float:
    """Steps per second of ``run(steps)``."""
    start = time.perf_counter()
    run(steps)
    return steps / (time.perf_counter() - start)


def speed(steps: int, naive_steps: int, rounds: int = 3) -> None:
    """Steps per second of our DQN and of the naive loop, timed in alternating rounds, and their ratio.

    The machine's speed drifts (other jobs, clock changes), so the loops take
    turns: each round times ``steps / rounds`` steps of ours, then
    ``naive_steps / rounds`` of the naive loop.  The figures printed are the
    medians over the rounds, and the ratio's range over the rounds.
    """
    recipe = preset("maze")
    batch = recipe["agent"]["batch_size"]  # learn from the first full batch on
    agent, _ = _agent("maze", epsilon=0.1, epsilon_decay_steps=0, learning_starts=batch)
    print(f"speed: DQN on the image maze {agent.env.observation_space.shape}, Nature network, "
          f"batch {agent.batch_size}, one update every {agent.train_every} step(s), epsilon 0.1; "
          f"{rounds} alternating rounds, medians", flush=True)
    agent.run(steps=100)  # fill the first batch, compile the graphs
    naive = NaiveLoop(make(recipe["env"], **recipe["env_kwargs"]), agent.get_params())
    ours_steps, naive_steps = max(1, steps // rounds), max(1, naive_steps // rounds)
    ours_rates, naive_rates = [], []
    for _ in range(rounds):
        ours_rates.append(_timed(lambda n: agent.run(steps=n), ours_steps))
        naive_rates.append(_timed(naive.run, naive_steps))
    ours, slow = float(np.median(ours_rates)), float(np.median(naive_rates))
    print(f"  ours : {ours:8.1f} steps/s  ({agent.updates} updates so far, one per step)")
    batch_arrays = agent.buffer.sample(agent.batch_size, agent.batch_mode)
    start = time.perf_counter()
    for _ in range(50):
        agent.train_step(*batch_arrays)
    update_ms = (time.perf_counter() - start) / 50 * 1e3
    print(f"         of its {1e3 / ours:.1f} ms per step, {update_ms:.1f} ms are the update itself (forward "
          f"passes, gradient, Adam on batch {agent.batch_size}): the floor at one update per step")
    print(f"  naive: {slow:8.1f} steps/s  (predict() per action, predict() x2 + fit() per update; "
          f"{naive.fits} updates so far, one per step)")
    ratios = np.array(ours_rates) / np.array(naive_rates)
    print(f"  ratio: {ours / slow:8.1f}x  (rounds: {ratios.min():.1f}x to {ratios.max():.1f}x)", flush=True)


def lesson() -> None:
    agent, p = _agent("maze")
    shortest = agent.env.unwrapped.shortest_path_length()
    print(f"lesson 16: DQN, image maze, seed {p['seed']}, {p['run']['episodes']} episodes, {p['agent']}")
    start = time.perf_counter()
    h = agent.run(**p["run"], progress=True)
    wall = time.perf_counter() - start
    steps = h.steps
    tens = ", ".join(f"{steps[i:i + 10].mean():.0f}" for i in range(0, len(steps), 10))
    greedy = agent.evaluate(1).steps[0]
    print(f"  wall time {wall:.0f} s ({wall / 60:.1f} min), {agent.total_steps} steps, {agent.updates} updates, "
          f"{agent.total_steps / wall:.0f} steps/s")
    print(f"  mean steps per episode, by ten episodes: {tens}")
    print(f"  last 10 episodes: {steps[-10:].mean():.1f} steps (shortest path {shortest}); "
          f"greedy episode: {greedy} steps")


def cartpole(eval_every: int = 5000) -> None:
    agent, p = _agent("cartpole")
    budget = p["run"]["total_steps"]
    print(f"cartpole: DQN, CartPole-v1, seed {p['seed']}, at most {budget} steps, {p['agent']}")
    start = time.perf_counter()
    score = float("nan")
    while agent.total_steps < budget:
        agent.run(total_steps=min(budget, agent.total_steps + eval_every))
        if agent.history.mean_return(5) < 300:  # a full greedy test only once training looks good
            continue
        score = agent.evaluate(20).returns.mean()
        print(f"  {agent.total_steps:6d} steps, {time.perf_counter() - start:5.0f} s: "
              f"greedy mean return {score:.1f} over 20 episodes", flush=True)
        if score >= 475:
            break
    wall = time.perf_counter() - start
    verdict = "solved" if score >= 475 else "NOT solved"
    print(f"  {verdict}: greedy mean return {score:.1f} after {agent.total_steps} training steps, {wall:.0f} s")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="course bench dqn", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="speed,lesson", help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--steps", type=int, default=1000, help="steps timed for our DQN")
    parser.add_argument("--naive-steps", type=int, default=45, help="steps timed for the naive loop")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds the timed steps are split into")
    args = parser.parse_args(argv)
    parts = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in parts if s not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if "speed" in parts:
        speed(args.steps, args.naive_steps, args.rounds)
    if "lesson" in parts:
        lesson()
    if "cartpole" in parts:
        cartpole()
    return 0
