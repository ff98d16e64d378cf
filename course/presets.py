"""Every named recipe of the kit, in one place and one shape.

A recipe is a dict with five keys:

* ``env``: a name for :func:`course.envs.make` (``None`` where the caller
  chooses: the Atari recipes apply to any game);
* ``env_kwargs``: keyword arguments for the environment (for Atari, the
  preprocessing of :func:`course.envs.atari.make_atari`);
* ``agent``: the agent's hyperparameters;
* ``run``: the stop rule, keyword arguments of :meth:`course.agent.Agent.run`;
* ``seed``: the seed the lessons and figures use.

Lessons, figures, benchmarks and the ``course train`` command read them with
:func:`preset`, which returns a fresh copy that is safe to change::

    recipe = preset("maze")
    agent = DQN(make(recipe["env"], **recipe["env_kwargs"]), seed=recipe["seed"], **recipe["agent"])
    agent.run(**recipe["run"])
"""

from __future__ import annotations

import copy

__all__ = ["PRESETS", "preset"]

PRESETS: dict[str, dict] = {
    # Lesson 16: DQN on the image maze (buffer 1,000, batch 32, 100 episodes, seed 10).  Episodes are
    # cut at 300 steps (a random walker needs hundreds), epsilon falls from 1 to 0.05 over the first
    # 5,000 steps, the target network is refreshed every 250 steps to spread the goal's value quickly,
    # and a clipped gradient with a moderate step size keeps the small buffer from unlearning the goal.
    "maze": {
        "env": "maze", "env_kwargs": {"obs": "image"},
        "agent": {"buffer_size": 1000, "batch_size": 32, "learning_starts": 1000, "train_every": 1,
                  "target_update": 250, "alpha": 2.5e-4, "loss": "squared", "clip_norm": 10.0,
                  "epsilon": 1.0, "epsilon_min": 0.05, "epsilon_decay_steps": 5000, "max_episode_steps": 300,
                  "gamma": 0.99},
        "run": {"episodes": 100},
        "seed": 10,
    },
    # CartPole-v1 solved (greedy mean return >= 475 over 20 episodes) within 100,000 steps: a small
    # network, frequent target refreshes and a fast epsilon decay (seed 1: solved after 25,000 steps).
    "cartpole": {
        "env": "CartPole-v1", "env_kwargs": {},
        "agent": {"buffer_size": 10_000, "batch_size": 32, "learning_starts": 1000, "train_every": 1,
                  "target_update": 100, "alpha": 1e-3, "hidden": 64, "n_layers": 2, "loss": "squared",
                  "epsilon": 1.0, "epsilon_min": 0.05, "epsilon_decay_steps": 5000, "gamma": 0.99},
        "run": {"total_steps": 100_000},
        "seed": 1,
    },
    # Lesson 18's Atari agent (`course train GAME`, preset "lesson"): gamma 0.99, 512 features, epsilon
    # from 1.0 to 0.01 over 200,000 steps, target refreshed every 1,000 steps, learning once the
    # 10,000-transition buffer is full, stop at R* = 18 or after 10^6 steps; three actions (Pong),
    # first-and-last frames.
    "atari-lesson": {
        "env": None,
        "env_kwargs": {"stack": "first-last", "actions": "reduced", "noop_max": 30, "clip_rewards": False},
        "agent": {"gamma": 0.99, "hidden": 512, "alpha": 1e-4, "buffer_size": 10_000, "batch_size": 32,
                  "learning_starts": None, "train_every": 4, "target_update": 1000, "loss": "squared",
                  "epsilon": 1.0, "epsilon_min": 0.01, "epsilon_decay_steps": 200_000},
        "run": {"total_steps": 1_000_000, "target_return": 18.0, "window": 10},
        "seed": 0,
    },
    # The DQN paper's recipe (Mnih et al. 2015, Extended Data Table 1): a 1,000,000-transition buffer,
    # learning from 50,000, target every 10,000 steps, epsilon to 0.1 over 10^6 steps, 4 stacked frames,
    # the minimal action set, 30 no-op starts, clipped rewards, Huber loss; Adam in place of RMSProp;
    # 50 million frames.
    "atari-nature": {
        "env": None,
        "env_kwargs": {"stack": 4, "actions": "minimal", "noop_max": 30, "clip_rewards": True},
        "agent": {"gamma": 0.99, "hidden": 512, "alpha": 2.5e-4, "buffer_size": 1_000_000, "batch_size": 32,
                  "learning_starts": 50_000, "train_every": 4, "target_update": 10_000, "loss": "huber",
                  "epsilon": 1.0, "epsilon_min": 0.1, "epsilon_decay_steps": 1_000_000},
        "run": {"total_steps": 12_500_000, "target_return": None, "window": 100},
        "seed": 0,
    },
    # Sutton & Barto's Mountain Car settings (chapter 10): no exploration (the zero weights are
    # optimistic, since every step costs -1), no discount.  Each figure adds its step size and features.
    "mountain-car-book": {
        "env": "mountain-car", "env_kwargs": {},
        "agent": {"epsilon": 0.0, "gamma": 1.0},
        "run": {"episodes": 500},
        "seed": 0,
    },
}


def preset(name: str) -> dict:
    """A fresh copy of the recipe ``name`` of :data:`PRESETS` (safe to modify)."""
    if name not in PRESETS:
        raise ValueError(f"preset={name!r} is not valid: preset must be one of {', '.join(PRESETS)}")
    return copy.deepcopy(PRESETS[name])
