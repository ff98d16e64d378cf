"""Figures of lesson 18 (games): Pong's view, the short DQN runs on Pong, the autoencoder.

The Mountain Car figures of the lesson live in :mod:`course.figures.linear_control`.
TensorFlow is imported inside the figure functions, so listing the figures stays instant.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..envs import make
from ..scale import pick
from . import curve_rows, figure, save


@figure("lesson18-pong-view", lesson=18, help="Pong: the raw screen and the agent's two stacked frames")
def pong_view(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 6: what a random player sees after 50 steps (runs and scale do not matter)."""
    from ..envs.atari import random_play

    pong = make("pong")
    obs = random_play(pong, steps=50, seed=0)
    screen = pong.render()
    frames = obs.shape[-1]
    fig = Figure(figsize=(3.2 * (1 + frames), 4))
    axes = fig.subplots(1, 1 + frames)
    axes[0].imshow(screen)
    axes[0].set_title(f"the screen ({screen.shape[0]}x{screen.shape[1]} colour)", fontsize="medium")
    for c, ax in enumerate(axes[1:]):
        ax.imshow(obs[..., c], cmap="gray", vmin=0, vmax=255)
        which = "older frame" if c < frames - 1 else "newest frame"
        ax.set_title(f"agent's input {c + 1}: {which}\n({obs.shape[0]}x{obs.shape[1]} grey)", fontsize="medium")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Pong after 50 random steps: what is on the screen, and what the agent sees")
    return save(fig, out, "lesson18-pong-view")


@figure("lesson18-pong-dqn", lesson=18,
        help="Pong: the short DQN and Double DQN runs of the lesson: up to 5 games within a step budget")
def pong_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 10: the short run (up to 5 games within 300 / 3,000 / 20,000 steps; epsilon decays over 500)."""
    from matplotlib.ticker import MaxNLocator

    from ..agents.deep import DQN, DoubleDQN
    from ..presets import preset

    agent_params = {**preset("atari-lesson")["agent"], "epsilon_decay_steps": 500,
                    "buffer_size": pick(smoke=200, lesson=2_000, full=10_000, scale=scale)}
    budget = pick(smoke=300, lesson=3_000, full=20_000, scale=scale)
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    rows = []
    for cls, style in ((DQN, dict(marker="o", linestyle="-")), (DoubleDQN, dict(marker="s", linestyle="--",
                                                                                   markerfacecolor="none"))):
        agent = cls(make("pong"), seed=0, **agent_params)
        h = agent.run(5, total_steps=budget, progress=True)
        ax.plot(np.arange(1, len(h) + 1), h.returns, label=f"{cls.__name__} ({len(h)} games)", **style)
        rows += curve_rows(f"{cls.__name__} return", np.arange(1, len(h) + 1), h.returns)
        rows += curve_rows(f"{cls.__name__} steps", np.arange(1, len(h) + 1), h.steps)
    ax.set(xlabel="game", ylabel="return (-21 .. 21)", title=f"Pong, short run: up to 5 games in {budget:,} steps")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a return is a whole number of points
    ax.legend()
    return save(fig, out, "lesson18-pong-dqn", rows)


def reconstructions_figure(ae, test, n_train: int) -> Figure:
    """Six held-out frames (top) and the autoencoder's reconstructions of them (bottom); lesson 18 shows it too."""
    rebuilt = ae.reconstruct(test[:6])
    fig = Figure(figsize=(12, 4.4))
    axes = fig.subplots(2, 6)
    for i in range(6):
        axes[0, i].imshow(test[i, ..., -1], cmap="gray", vmin=0, vmax=255)
        axes[1, i].imshow(rebuilt[i, ..., -1], cmap="gray", vmin=0, vmax=1)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("test frame")
    axes[1, 0].set_ylabel("rebuilt from\n32 numbers")
    fig.suptitle(f"held-out frames and their reconstructions ({n_train:,} training frames). The ball, a few "
                 f"pixels, is mostly lost:\nthe code keeps what most of the screen shares (paddles, walls, score)")
    return fig


@figure("lesson18-autoencoder", lesson=18,
        help="Pong frames from random play and their reconstructions by a convolutional autoencoder")
def autoencoder(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 11: fill a buffer from play, split 70/30, train, show held-out reconstructions."""
    from ..autoencoder import ConvAutoencoder, frames_from_buffer, split_frames
    from ..replay import FrameReplayBuffer

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
    fig = reconstructions_figure(ae, test, len(train))
    epochs = np.arange(1, len(losses["loss"]) + 1)
    rows = curve_rows("train pixel_mse", epochs, losses["pixel_mse"]) + curve_rows("test pixel_mse", epochs,
                                                                                  losses["val_pixel_mse"])
    return save(fig, out, "lesson18-autoencoder", rows)
