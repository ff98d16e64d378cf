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
    import imageio.v3 as iio

    from ..envs.atari import random_play
    from ..video import side_by_side

    pong = make("pong")
    obs = random_play(pong, steps=50, seed=0)
    path = out / "lesson18-pong-view.png"
    iio.imwrite(path, side_by_side(pong.render(), obs))
    return [path]


@figure("lesson18-pong-dqn", lesson=18,
        help="Pong: the short DQN and Double DQN runs of the lesson (return and length of each game)")
def pong_dqn(out: Path, scale: str, runs: int | None) -> list[Path]:
    """Lesson 18, section 10: the short run (5 games or 20,000 steps, epsilon decay over 500 steps)."""
    from ..agents.deep import DQN, DoubleDQN
    from ..presets import preset

    agent_params = {**preset("atari-lesson")["agent"], "epsilon_decay_steps": 500,
                    "buffer_size": pick(smoke=200, lesson=2_000, full=10_000, scale=scale)}
    budget = pick(smoke=300, lesson=3_000, full=20_000, scale=scale)
    fig = Figure(figsize=(7, 4))
    ax = fig.subplots()
    rows = []
    for cls in (DQN, DoubleDQN):
        agent = cls(make("pong"), seed=0, **agent_params)
        h = agent.run(5, total_steps=budget, progress=True)
        ax.plot(np.arange(1, len(h) + 1), h.returns, "o-", label=cls.__name__)
        rows += curve_rows(f"{cls.__name__} return", np.arange(1, len(h) + 1), h.returns)
        rows += curve_rows(f"{cls.__name__} steps", np.arange(1, len(h) + 1), h.steps)
    ax.set(xlabel="game", ylabel="return (-21 .. 21)", title=f"Pong, short run ({budget:,} steps at most)")
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
        ax.axis("off")
    fig.suptitle(f"test frames (top) and their reconstructions from a 32-number code (bottom); "
                 f"{n_train:,} training frames")
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
