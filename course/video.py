"""Videos and pictures of environments: mp4 and GIF files, and showing them in a notebook.

* :func:`record` writes a list of RGB frames to ``.mp4`` (H.264 through the
  ffmpeg binary that the ``imageio-ffmpeg`` wheel ships) or to a small
  animated ``.gif`` (half size by default).
* :class:`VideoRecorder` is an observer of the agent loop: attach it to a
  run and every step's ``env.render()`` frame is streamed to the files, so a
  long episode never has to fit in memory.  Frames are rendered only while
  it is attached: nobody watching, nothing rendered.
* :func:`side_by_side` puts the raw game frame next to what the agent sees
  (each channel of its observation as a grey picture).
* :func:`show` turns a frame, an mp4 or a GIF into something a notebook
  displays.

Example::

    env = course.envs.make("pong")
    agent.run(episodes=1, learn=False, observers=[VideoRecorder("pong.mp4", "pong.gif")])
    show("pong.gif")
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

from .agent import Observer

__all__ = ["FORMATS", "VideoRecorder", "record", "show", "side_by_side"]

#: File suffix -> the default scale of the frames written.
FORMATS = {".mp4": 1.0, ".gif": 0.5}


def _rgb(frame) -> np.ndarray:
    """A frame as an (H, W, 3) uint8 array (grey frames are repeated in the three channels)."""
    frame = np.asarray(frame)
    if frame.dtype != np.uint8:
        raise ValueError(f"frame has dtype {frame.dtype}: frames must be uint8 images")
    if frame.ndim == 3 and frame.shape[-1] == 1:
        frame = frame[..., 0]
    if frame.ndim == 2:
        frame = np.repeat(frame[..., None], 3, axis=-1)
    if frame.ndim != 3 or frame.shape[-1] != 3:
        raise ValueError(f"frame has shape {frame.shape}: frames must be (H, W), (H, W, 1) or (H, W, 3)")
    return frame


class _Writer:
    """An open video file that frames are appended to (mp4 or GIF, by suffix)."""

    def __init__(self, path, fps: float, scale: float | None):
        import imageio.v2 as iio

        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in FORMATS:
            raise ValueError(f"path={str(path)!r} has no video suffix: path must end in {' or '.join(FORMATS)}")
        if not fps > 0:
            raise ValueError(f"fps={fps!r} is not valid: fps must be a positive number")
        self.scale = FORMATS[suffix] if scale is None else float(scale)
        if not 0 < self.scale <= 4:
            raise ValueError(f"scale={scale!r} is out of range: scale must be in (0, 4]")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".mp4":
            self.writer = iio.get_writer(self.path, fps=fps, codec="libx264", macro_block_size=1,
                                         ffmpeg_log_level="error")
        else:
            self.writer = iio.get_writer(self.path, mode="I", duration=1000.0 / fps, loop=0)
        self.even = suffix == ".mp4"  # H.264 in yuv420p needs even width and height
        self.frames = 0

    def append(self, frame) -> None:
        frame = _rgb(frame)
        if self.scale != 1.0:
            import cv2

            h, w = frame.shape[:2]
            size = (max(1, round(w * self.scale)), max(1, round(h * self.scale)))
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA if self.scale < 1 else cv2.INTER_NEAREST)
        if self.even and (frame.shape[0] % 2 or frame.shape[1] % 2):
            frame = np.pad(frame, ((0, frame.shape[0] % 2), (0, frame.shape[1] % 2), (0, 0)))
        self.writer.append_data(frame)
        self.frames += 1

    def close(self) -> None:
        self.writer.close()


def record(frames: Iterable[np.ndarray], path, fps: float = 30, scale: float | None = None) -> Path:
    """Write RGB (or grey) uint8 frames to ``path`` (``.mp4`` or ``.gif``); returns the path.

    ``scale`` resizes the frames (default: 1 for mp4, 0.5 for a small GIF).
    """
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError("frames is empty: record needs at least one frame")
    writer = _Writer(path, fps, scale)
    try:
        writer.append(first)
        for frame in frames:
            writer.append(frame)
    finally:
        writer.close()
    return writer.path


class VideoRecorder(Observer):
    """Stream the frames of a run to one or more video files.

    ``VideoRecorder("pong.mp4", "pong.gif")`` writes both files from the same
    frames: after every step of the run it asks the environment for its
    picture (``env.render()``, so the environment must be made with
    ``render_mode="rgb_array"``).  The files are finished when the run ends,
    even when it ends with an exception or Ctrl-C.
    """

    def __init__(self, *paths, fps: float = 30, scale: float | None = None):
        if not paths:
            raise ValueError("paths is empty: give VideoRecorder at least one .mp4 or .gif path")
        self.paths = [Path(p) for p in paths]
        self.fps, self.scale = fps, scale
        for p in self.paths:
            if p.suffix.lower() not in FORMATS:
                raise ValueError(f"path={str(p)!r} has no video suffix: path must end in {' or '.join(FORMATS)}")
        self.writers: list[_Writer] = []
        self.frames = 0

    def on_run_start(self, agent) -> None:
        self.renders = agent.env.render_mode == "rgb_array"
        self.writers = [_Writer(p, self.fps, self.scale) for p in self.paths]
        self.frames = 0

    def on_step(self, agent, step) -> None:
        if not self.renders:  # raised here, inside the loop, so that the run ends cleanly
            raise ValueError(f"the environment's render_mode is {agent.env.render_mode!r}: VideoRecorder needs "
                             f"an environment made with render_mode='rgb_array'")
        frame = agent.env.render()
        for w in self.writers:
            w.append(frame)
        self.frames += 1

    def on_run_end(self, agent, history) -> None:
        for w in self.writers:
            w.close()
        self.writers = []


def side_by_side(frame: np.ndarray, obs: np.ndarray, zoom: int = 2, gap: int = 4) -> np.ndarray:
    """The raw frame and the agent's view of it, side by side, as one RGB image.

    ``obs`` is the agent's observation (H, W, c) or (H, W): each of its c
    channels (e.g. the frames of a stack, oldest first) becomes a grey
    picture, enlarged ``zoom`` times.  Values in [0, 1] are shown as [0, 255].
    """
    frame = _rgb(frame)
    obs = np.asarray(obs)
    if obs.dtype != np.uint8:
        obs = np.clip(np.asarray(obs, dtype=float) * (255.0 if obs.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    if obs.ndim == 2:
        obs = obs[..., None]
    if obs.ndim != 3:
        raise ValueError(f"obs has shape {obs.shape}: obs must be an image (H, W) or (H, W, channels)")
    panels = [frame] + [_rgb(np.kron(obs[..., c], np.ones((zoom, zoom), np.uint8))) for c in range(obs.shape[-1])]
    height = max(p.shape[0] for p in panels)
    spacer = np.full((height, gap, 3), 255, np.uint8)
    row = []
    for p in panels:
        row += [np.pad(p, ((0, height - p.shape[0]), (0, 0), (0, 0)), constant_values=255), spacer]
    return np.concatenate(row[:-1], axis=1)


def show(item, zoom: int = 1):
    """Something a notebook displays: an RGB/grey frame (array), or an ``.mp4`` / ``.gif`` file.

    Returns an IPython display object; make it the last expression of a
    cell, or pass it to ``display()``.
    """
    from IPython.display import Image, Video

    if isinstance(item, (str, Path)):
        path = Path(item)
        if not path.exists():
            raise FileNotFoundError(f"no video at {path}")
        if path.suffix.lower() == ".mp4":
            return Video(str(path), embed=True, html_attributes="controls loop autoplay muted")
        return Image(data=path.read_bytes(), format="gif")
    import cv2

    frame = _rgb(item)
    if zoom != 1:
        frame = np.kron(frame, np.ones((zoom, zoom, 1), np.uint8))
    ok, png = cv2.imencode(".png", frame[..., ::-1])  # OpenCV wants BGR
    return Image(data=png.tobytes(), format="png")
