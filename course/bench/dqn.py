"""``course bench dqn``: how fast our DQN runs on the image maze, and what it learns.

Three measurements:

1. **speed** — agent steps per second of :class:`course.agents.deep.DQN` on
   the image maze with the Nature network, learning on every step of the
   measurement, against a *naive* loop on the same network, the same
   environment and the same update schedule that does what the original
   lesson did: ``model.predict()`` for every action and ``model.fit()`` for
   every update (after two ``predict()`` calls for the batch's targets); and
   the ratio of the two.
2. **lesson** — the lesson-15 experiment (buffer 1,000, batch 32, 100
   episodes, seed 10) with the ``"maze"`` preset: wall time, steps per
   episode falling towards the shortest path, a greedy test episode.
3. **cartpole** — the ``"cartpole"`` preset on CartPole-v1: steps and time
   until the greedy policy's mean return over 20 episodes reaches 475.

``course bench dqn`` runs the first two; ``--only speed,lesson,cartpole``
picks; ``--steps`` and ``--naive-steps`` set the speed measurement's length.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import deque

import keras
import numpy as np

from ..agents.deep import DQN, preset
from ..envs import make
from ..networks import nature_cnn

PARTS = ("speed", "lesson", "cartpole")


def _agent(name: str, **overrides):
    p = preset(name)
    env = make(p["env"], **p["env_kwargs"])
    return DQN(env, seed=p["seed"], **{**p["agent"], **overrides}), p


def naive_steps_per_second(env, agent_params: dict, steps: int, seed: int = 0) -> float:
    """The original lesson's loop: ``predict()`` per action, ``predict()`` x2 + ``fit()`` per update."""
    rng = random.Random(seed)
    shape, n = env.observation_space.shape, int(env.action_space.n)
    model = nature_cnn(shape, n, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(agent_params["alpha"]), loss="mse")
    target = nature_cnn(shape, n, seed=seed)
    target.set_weights(model.get_weights())
    memory: deque = deque(maxlen=agent_params["buffer_size"])
    batch, gamma, epsilon = agent_params["batch_size"], agent_params["gamma"], 0.1
    obs, _ = env.reset(seed=seed)
    start = None
    for t in range(steps + 3):  # the first 3 steps warm up Keras
        if t == 3:
            start = time.perf_counter()
        q = model.predict(obs[None], verbose=0)[0]
        a = rng.randrange(n) if rng.random() < epsilon else int(np.argmax(q))
        obs2, r, term, trunc, _ = env.step(a)
        memory.append((obs, a, r, obs2, term))
        if len(memory) >= batch and (t + 1) % agent_params["train_every"] == 0:
            s, acts, rews, s2, done = map(np.array, zip(*rng.sample(list(memory), batch)))
            y = model.predict(s, verbose=0)
            q2 = target.predict(s2, verbose=0).max(axis=1)
            y[np.arange(batch), acts] = rews + gamma * q2 * (1 - done)
            model.fit(s, y, verbose=0)
        if (t + 1) % agent_params["target_update"] == 0:
            target.set_weights(model.get_weights())
        obs = env.reset()[0] if term or trunc else obs2
    return steps / (time.perf_counter() - start)


def speed(steps: int, naive_steps: int) -> None:
    batch = preset("maze")["agent"]["batch_size"]  # learn from the first full batch on
    agent, _ = _agent("maze", epsilon=0.1, epsilon_decay_steps=0, learning_starts=batch)
    params = agent.get_params()
    print(f"speed: DQN on the image maze {agent.env.observation_space.shape}, Nature network, "
          f"batch {agent.batch_size}, one update every {agent.train_every} step(s), epsilon 0.1")
    agent.run(steps=100)  # fill the first batch, compile the graphs
    start = time.perf_counter()
    agent.run(steps=steps)
    ours = steps / (time.perf_counter() - start)
    print(f"  ours : {ours:8.1f} steps/s  ({steps} steps, {agent.updates} updates so far)", flush=True)
    batch_arrays = agent.buffer.sample(agent.batch_size, agent.batch_mode)
    start = time.perf_counter()
    for _ in range(50):
        agent.train_step(*batch_arrays)
    update_ms = (time.perf_counter() - start) / 50 * 1e3
    print(f"         of its {1e3 / ours:.1f} ms per step, {update_ms:.1f} ms are the update itself (forward passes, "
          f"gradient, Adam on batch {agent.batch_size}): the floor at one update per step")
    naive = naive_steps_per_second(agent.env, params, naive_steps)
    print(f"  naive: {naive:8.1f} steps/s  ({naive_steps} steps of predict() per action, fit() per update)")
    print(f"  ratio: {ours / naive:8.1f}x")


def lesson() -> None:
    agent, p = _agent("maze")
    shortest = agent.env.unwrapped.shortest_path_length()
    print(f"lesson 15: DQN, image maze, seed {p['seed']}, {p['run']['episodes']} episodes, {p['agent']}")
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
    parser.add_argument("--naive-steps", type=int, default=40, help="steps timed for the naive loop")
    args = parser.parse_args(argv)
    parts = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in parts if s not in PARTS]
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    if "speed" in parts:
        speed(args.steps, args.naive_steps)
    if "lesson" in parts:
        lesson()
    if "cartpole" in parts:
        cartpole()
    return 0
