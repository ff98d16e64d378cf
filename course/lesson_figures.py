"""Figures of lessons 15 and 18 for ``course figures``, and a helper the lessons share with them.

The lesson notebooks run their experiments cell by cell, so that a student
reads every setting.  The functions registered here run the same
experiments for instructors, from the command line, at smoke, lesson or full
scale (``course figures --lesson 15 --scale full``), and write their pictures
and the plotted numbers into a folder.  The Mountain Car figures of lesson
18 live in :mod:`course.mountain_car_figures`.

TensorFlow is imported inside the figure functions, so listing the figures
stays instant.

:func:`grid_outputs` asks a deep agent what its network thinks of every
cell of an image grid world: the agent is placed in each free cell in turn,
the grey image it would see there is built (:func:`cell_observations`), and
one batched forward pass scores them all.  The result is a table
``(outputs, n_states)`` that the grid world's ``draw(values=..., policy=...)``
paints over the maze and that ``greedy_path`` follows.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .envs import make
from .envs.gridworld import GridWorld
from .experiments import average
from .figures import figure
from .plots import plot_curves
from .scale import pick

__all__ = ["MAZE_SETTINGS", "cell_observations", "grid_outputs"]

#: Lesson 15's experiments on the image maze: label, algorithm, changes to the kit's maze recipe
#: (``course.agents.deep.PRESETS["maze"]``).  The original course needed 3 h 11 min, 6 h 44 min,
#: 4 h 39 min and 1 h 34 min for 100 episodes of the first four.
MAZE_SETTINGS = (
    ("buffer 32, batch 32, in order", "DQN",
     {"buffer_size": 32, "batch_size": 32, "batch_mode": "last", "target_update": 500}),
    ("buffer 1, batch 1", "DQN", {"buffer_size": 1, "batch_size": 1}),
    ("buffer 8, batch 8", "DQN", {"buffer_size": 8, "batch_size": 8}),
    ("buffer 1,000, batch 32", "DQN", {"buffer_size": 1000, "batch_size": 32}),
    ("Double DQN, buffer 1,000, batch 32", "DoubleDQN", {"buffer_size": 1000, "batch_size": 32}),
)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def cell_observations(world: GridWorld) -> dict[int, np.ndarray]:
    """The observation of the agent standing in each free cell of ``world`` (walls and the goal excluded).

    Each observation comes from a copy of the world whose start is that cell,
    so it is exactly what the agent would see there.
    """
    if not isinstance(world, GridWorld):
        raise ValueError(f"world must be a course GridWorld (env.unwrapped of make('maze', ...)), "
                         f"got {type(world).__name__}")
    goal = world.pos_of(world.goal_state)
    out = {}
    for s in range(world.n_states):
        r, c = world.pos_of(s)
        if world.layout[r][c] in "#C" or (r, c) == goal:
            continue
        copy = GridWorld(world.layout, reward=world.reward_scheme, n_actions=world.n_actions, start=(r, c),
                         goal=goal, wind=world.wind, obs=world.obs_type, render_mode=None)
        out[s] = copy.reset()[0]
    return out


def grid_outputs(agent) -> np.ndarray:
    """The network outputs of a deep agent for every cell of its grid world, shape ``(outputs, n_states)``.

    For a :class:`~course.agents.deep.DQN` that is the action-value table
    ``q[a, s]``; for :class:`~course.agents.deep.NeuralPrediction` one row,
    the state values.  Cells the agent never stands in (walls, the goal) are
    ``nan``, which the grid world's ``draw`` leaves blank.
    """
    world = agent.env.unwrapped
    observations = cell_observations(world)
    outputs = agent.forward(np.stack(list(observations.values())))
    table = np.full((outputs.shape[1], world.n_states), np.nan)
    table[:, list(observations)] = outputs.T
    return table


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def _curves_csv(curves: dict, metric: str, path: Path) -> Path:
    """The plotted numbers: one row per setting and episode (mean over runs and its standard error)."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(("setting", "episode", f"mean_{metric}", "stderr"))
        for label, c in curves.items():
            writer.writerows((label, i + 1, m, s) for i, (m, s) in enumerate(zip(c.mean(metric), c.stderr(metric))))
    return path


# ---------------------------------------------------------------------------
# Lesson 15
# ---------------------------------------------------------------------------
@figure("lesson15-maze-dqn", lesson=15,
        help="DQN on the image maze: the four buffer/batch settings and Double DQN (curves, CSV, greedy policy)")
def maze_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 15, section 6: steps per episode of each setting (seed 10, ...), and the learned greedy policy."""
    from .agents import deep

    recipe = deep.preset("maze")
    full = recipe["run"]["episodes"]
    trained = {}

    def episodes(label: str) -> int:
        """As in the lesson: at lesson scale only real replay runs all its episodes, the rest start."""
        brief = 20 if label.startswith("Double") else 10
        return pick(smoke=2, lesson=full if label == "buffer 1,000, batch 32" else brief, full=full, scale=scale)

    def make_agent(seed, algo, **changes):
        agent = getattr(deep, algo)(make(recipe["env"], **recipe["env_kwargs"]), seed=seed,
                                    **{**recipe["agent"], "learning_starts": None, **changes})
        trained[algo] = agent
        return agent

    curves = {}
    for label, algo, changes in MAZE_SETTINGS:
        curves[label] = average(make_agent, runs or 1, episodes(label), seed=recipe["seed"], label=label,
                                params={"algo": algo, **changes})
    fig = Figure(figsize=(8, 4.5))
    plot_curves(curves, "steps", ax=fig.subplots(), log=True, window=5,
                title="DQN on the image maze (moving mean of 5 episodes)")
    agent = trained["DQN"]  # the last DQN trained: buffer 1,000, batch 32
    q = grid_outputs(agent)
    picture = Figure(figsize=(6, 4))
    ax = picture.subplots()
    ax.imshow(agent.env.unwrapped.draw(values=np.fmax.reduce(q, axis=0), policy=q, agent=False))
    ax.set_title(f"greedy policy after {agent.episode} episodes (buffer 1,000, batch 32)")
    ax.axis("off")
    return [_save(fig, out / "lesson15-maze-dqn.png"), _curves_csv(curves, "steps", out / "lesson15-maze-dqn.csv"),
            _save(picture, out / "lesson15-maze-policy.png")]


# ---------------------------------------------------------------------------
# Lesson 18: Atari
# ---------------------------------------------------------------------------
@figure("lesson18-pong-view", lesson=18, help="Pong: the raw screen and the agent's two stacked frames")
def pong_view(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 6: what a random player sees after 50 steps (runs and scale do not matter)."""
    import imageio.v3 as iio

    from .envs.atari import random_play
    from .video import side_by_side

    pong = make("pong")
    obs = random_play(pong, steps=50, seed=0)
    path = out / "lesson18-pong-view.png"
    iio.imwrite(path, side_by_side(pong.render(), obs))
    return [path]


@figure("lesson18-pong-dqn", lesson=18,
        help="Pong: the short DQN and Double DQN runs of the lesson (return and length of each game)")
def pong_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 10: the short run (5 games or 20,000 steps, epsilon decay over 500 steps)."""
    from .agents.deep import DQN, DoubleDQN
    from .train import config_for

    agent_params = {**config_for("pong", "dqn")["agent"], "epsilon_decay_steps": 500,
                    "buffer_size": pick(smoke=200, lesson=2_000, full=10_000, scale=scale)}
    budget = pick(smoke=300, lesson=3_000, full=20_000, scale=scale)
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    rows = []
    for cls in (DQN, DoubleDQN):
        agent = cls(make("pong"), seed=0, **agent_params)
        h = agent.run(5, total_steps=budget, progress=True)
        ax.plot(np.arange(1, len(h) + 1), h.returns, "o-", label=cls.__name__)
        rows += [(cls.__name__, i + 1, r, s) for i, (r, s) in enumerate(zip(h.returns, h.steps))]
    ax.set(xlabel="game", ylabel="return (-21 .. 21)", title=f"Pong, short run ({budget:,} steps at most)")
    ax.legend()
    with open(out / "lesson18-pong-dqn.csv", "w", newline="") as f:
        csv.writer(f).writerows([("algo", "game", "return", "steps"), *rows])
    return [_save(fig, out / "lesson18-pong-dqn.png"), out / "lesson18-pong-dqn.csv"]


@figure("lesson18-autoencoder", lesson=18,
        help="Pong frames from random play and their reconstructions by a convolutional autoencoder")
def autoencoder(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 11: fill a buffer from play, split 70/30, train, show held-out reconstructions."""
    from .autoencoder import ConvAutoencoder, frames_from_buffer, split_frames
    from .replay import FrameReplayBuffer

    pong = make("pong")
    n_frames = pick(smoke=200, lesson=3_000, full=41_000, scale=scale)
    played = FrameReplayBuffer(n_frames, pong.observation_space.shape, pong.get_wrapper_attr("frame_offsets"))
    pong.action_space.seed(2)
    obs, _ = pong.reset(seed=2)
    while len(played) < n_frames:
        action = pong.action_space.sample()
        next_obs, reward, terminated, truncated, _ = pong.step(action)
        played.add(obs, action, reward, next_obs, terminated)
        obs = pong.reset()[0] if terminated or truncated else next_obs
    train, test = split_frames(frames_from_buffer(played), test_fraction=0.3, seed=0)
    ae = ConvAutoencoder(train.shape[1:], latent=32, seed=0)
    losses = ae.fit(train, test, epochs=pick(smoke=1, lesson=10, full=20, scale=scale))
    rebuilt = ae.reconstruct(test[:6])
    fig = Figure(figsize=(12, 4.4))
    axes = fig.subplots(2, 6)
    for i in range(6):
        axes[0, i].imshow(test[i, ..., -1], cmap="gray", vmin=0, vmax=255)
        axes[1, i].imshow(rebuilt[i, ..., -1], cmap="gray", vmin=0, vmax=1)
    for ax in axes.flat:
        ax.axis("off")
    fig.suptitle(f"test frames (top) and their reconstructions from a 32-number code (bottom); "
                 f"{len(train):,} training frames")
    with open(out / "lesson18-autoencoder.csv", "w", newline="") as f:
        csv.writer(f).writerows([("epoch", "train_pixel_mse", "test_pixel_mse"),
                                 *zip(range(1, len(losses["loss"]) + 1), losses["pixel_mse"], losses["val_pixel_mse"])])
    return [_save(fig, out / "lesson18-autoencoder.png"), out / "lesson18-autoencoder.csv"]
