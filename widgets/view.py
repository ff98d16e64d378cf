"""The live view: the environment as the agent sees it, while it learns.

:class:`LiveView` is an observer of the agent's loop (see
:mod:`course.agent`): after a step it may draw the environment, encode the
picture as JPEG with OpenCV and put the bytes into an ``ipywidgets.Image``.
Three rules keep it cheap enough that learning hardly slows down:

* it draws at most ``fps`` frames per second, whatever the speed of the
  agent: the browser cannot show more, so a thousand steps between two
  frames cost only a clock reading each; and it spends at most ``share``
  of the time drawing (see :mod:`widgets.throttle`), so an expensive
  picture lowers the frame rate rather than the learning speed;
* it draws nothing while it is switched off (``enabled = False``), so a
  hidden view costs nothing;
* the frame is drawn in the learning thread, between two steps, so it shows
  a consistent state of the world.

Grid worlds of the kit can draw more than the agent: their
``draw(values=, q=, policy=)`` paints the agent's state values as a heat map,
its action values as wedges or its greedy policy as arrows (``overlay``).
Asking the agent for the values of every state costs more than drawing, and
values change slowly, so the overlay is recomputed at most ``overlay_rate``
times a second while the agent itself moves at the full frame rate.
Any other environment is shown through its own ``render()`` (built with
``render_mode="rgb_array"``).
"""

from __future__ import annotations

import html

import cv2
import gymnasium as gym
import ipywidgets as widgets
import numpy as np

from course.agent import Observer

from .throttle import Throttle

__all__ = ["LiveView", "OVERLAYS", "overlays", "overlay_tables", "frame", "encode", "started"]

#: What a grid world can paint over itself: nothing, state values, action values, the greedy policy.
OVERLAYS = ("none", "values", "q", "policy")

_MIN_WIDTH = 320  # small frames are enlarged (nearest neighbour: crisp cells) to at least this width


def overlays(agent) -> tuple[str, ...]:
    """The overlays this agent's environment can draw (just ``("none",)`` for most environments)."""
    env = agent.env
    if not hasattr(env.unwrapped, "draw") or not isinstance(env.observation_space, gym.spaces.Discrete):
        return ("none",)
    if hasattr(agent, "q"):
        return OVERLAYS
    if agent.state_values() is not None:
        return ("none", "values")
    return ("none",)


def started(env: gym.Env) -> bool:
    """Whether the environment has been reset once (before that it has nothing to draw)."""
    try:
        return bool(env.get_wrapper_attr("has_reset"))
    except AttributeError:  # not wrapped by gymnasium's OrderEnforcing: trust it
        return True


def overlay_tables(agent, overlay: str) -> dict[str, np.ndarray]:
    """What ``draw`` needs for an overlay: ``{"values": v}``, ``{"q": q}``, ``{"policy": q}`` or nothing."""
    if overlay == "none":
        return {}
    if overlay == "values":
        return {"values": agent.state_values()}
    q = np.stack([agent.q(s) for s in range(int(agent.env.observation_space.n))], axis=1)
    return {overlay: q}


def frame(agent, overlay: str = "none", tables: dict[str, np.ndarray] | None = None) -> np.ndarray | None:
    """An RGB picture of the agent's environment now (None when it cannot be drawn yet or at all).

    ``tables`` are overlay tables computed earlier (:func:`overlay_tables`); by default they are computed now.
    """
    env = agent.env
    agent.show_start()  # before the first episode: the state it will start from (not a previous agent's)
    if not started(env):
        return None
    draw = getattr(env.unwrapped, "draw", None)
    if draw is None:
        return env.render() if getattr(env, "render_mode", None) == "rgb_array" else None
    return draw(**(overlay_tables(agent, overlay) if tables is None else tables))


def encode(rgb: np.ndarray, quality: int = 85) -> bytes:
    """JPEG bytes of an RGB picture; a small picture is first enlarged with crisp pixels."""
    h, w = rgb.shape[:2]
    if w < _MIN_WIDTH:
        k = -(-_MIN_WIDTH // w)
        rgb = cv2.resize(rgb, (w * k, h * k), interpolation=cv2.INTER_NEAREST)
    if rgb.ndim == 2 or rgb.shape[2] == 1:
        bgr = rgb
    else:
        bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode the frame as JPEG")
    return buf.tobytes()


class LiveView(Observer):
    """Shows the agent's environment in ``image`` (an ``ipywidgets.Image``), at most ``fps`` times a second.

    Drawing takes at most ``share`` of the learner's time.
    ``frames`` counts the pictures delivered to the widget (the figure
    ``course bench live-view`` reports).
    """

    def __init__(self, image: widgets.Image | None = None, *, fps: float = 30.0, share: float = 0.3,
                 overlay: str = "none", overlay_rate: float = 5.0, enabled: bool = True):
        if not fps > 0:
            raise ValueError(f"fps={fps!r} is not valid: fps must be a positive number of frames per second")
        if overlay not in OVERLAYS:
            raise ValueError(f"overlay={overlay!r} is not valid: overlay must be one of {', '.join(OVERLAYS)}")
        self.image = image if image is not None else widgets.Image(format="jpeg")
        if not self.image.value:
            self.image.layout.display = "none"  # no broken-picture icon before the first frame
        self.message = widgets.HTML()  # why the environment cannot be drawn, if it cannot
        self.error: BaseException | None = None  # the drawing error; the view stays off until shown afresh
        self.throttle = Throttle(fps, share)
        self.overlay = overlay
        self.enabled = enabled
        self.frames = 0
        self._offered: tuple = (None, ("none",))  # (agent, the overlays it offers), asked once per agent
        self._tables_throttle = Throttle(overlay_rate)
        self._tables: tuple = (None, "none", {})  # (agent, overlay, the tables drawn over the frames)

    def on_step(self, agent, step) -> None:
        if self.enabled and self.error is None and self.throttle.due():
            begun = self.throttle.begin()
            self.show(agent)
            self.throttle.done(begun)

    def on_run_end(self, agent, history) -> None:
        if self.enabled:
            self.show(agent, fresh=True)

    def show(self, agent, *, fresh: bool = False) -> None:
        """Draw the environment now (also when paused, after a step, after a Reset).

        ``fresh=True`` recomputes the overlay whatever its rate (the run has ended).
        A picture that cannot be drawn (``render()`` raises) is reported
        under the view and the view pauses; learning goes on.
        """
        if fresh:
            self.error, self.message.value = None, ""
        elif self.error is not None:
            return
        try:
            rgb = self._frame(agent, fresh)
        except Exception as e:  # noqa: BLE001 - any drawing error: report it, never stop the learning
            self.error = e
            self.message.value = (f"<span style='color:#b00'>the live view cannot draw this environment: "
                                  f"{html.escape(type(e).__name__)}: {html.escape(str(e))}; learning goes on</span>")
            return
        if rgb is None:  # nothing to draw yet: no stale picture of another agent
            self.image.layout.display = "none"
            return
        self.image.value = encode(rgb)
        if self.image.layout.display == "none":
            self.image.layout.display = None
        self.frames += 1

    def _frame(self, agent, fresh: bool) -> np.ndarray | None:
        if self._offered[0] is not agent:
            self._offered = (agent, overlays(agent))
        overlay = self.overlay if self.overlay in self._offered[1] else "none"
        if fresh or self._tables[:2] != (agent, overlay) or self._tables_throttle.due():
            begun = self._tables_throttle.begin()
            self._tables = (agent, overlay, overlay_tables(agent, overlay))
            self._tables_throttle.done(begun)
        return frame(agent, overlay, self._tables[2])
