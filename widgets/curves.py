"""Live learning curves: steps and return per episode (and the error, when known).

:class:`LiveCurves` is an observer of the agent's loop.  At the end of an
episode it may update a small matplotlib figure and put it, as PNG bytes,
into an ``ipywidgets.Image``; it does so at most ``rate`` times a second
and in at most ``share`` of the time (:mod:`widgets.throttle`).  The last
update happens when the run ends, so a run executed without a browser (a
script, CI) leaves the final curves in the widget as well, and
:meth:`LiveCurves.figure` gives the same figure for a static notebook output.

Why it is cheap.  Drawing a whole matplotlib figure costs tens to hundreds
of milliseconds, nearly all of it in the axes: ticks, labels, text.  Those
only change when the axis limits change.  So the limits move in round steps
(the x axis to 10, 20, 50, 100, ... episodes; the y axis to the next round
number above the data, or the next decade on a log scale), and between two
such changes an update *blits*: it pastes back the saved picture of the
empty axes and draws only the lines on it, a few milliseconds.

The figure is a plain ``matplotlib.figure.Figure`` drawn by the Agg
renderer: no pyplot, no global state, safe to draw from the learning thread.
"""

from __future__ import annotations

import math

import cv2
import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from course.agent import History, Observer
from course.plots import YLABELS, smooth

from .throttle import Throttle

__all__ = ["LiveCurves", "png", "round_up"]

_SMOOTH = 10  # episodes in the moving average drawn over the raw curve


def _encode_png(rgba: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise RuntimeError("OpenCV could not encode the figure as PNG")
    return buf.tobytes()


def png(fig: Figure) -> bytes:
    """The whole figure drawn by Agg, as PNG bytes (encoded by OpenCV with light compression: fast)."""
    fig.canvas.draw()
    return _encode_png(np.asarray(fig.canvas.buffer_rgba()))


def round_up(x: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0)."""
    decade = 10.0 ** math.floor(math.log10(x))
    return next(m * decade for m in (1, 2, 5, 10) if m * decade >= x * (1 - 1e-12))


def _limits(y: np.ndarray, log: bool) -> tuple[float, float]:
    """Round axis limits that hold every finite value of ``y``.

    A curve that reaches a limit exactly (a return of 1 every episode on the
    Dyna maze, 0 on the cliff) would run along the frame and vanish; such a
    limit moves out by a little (4% of the range, a quarter of a decade on a
    log axis).
    """
    y = y[np.isfinite(y)]
    if log:
        y = y[y > 0]
        if not y.size:
            return 1.0, 10.0
        lo, hi = 10.0 ** math.floor(math.log10(y.min())), 10.0 ** max(math.ceil(math.log10(y.max())), 1)
        hi = hi if hi > lo else 10 * lo
        return (lo / 10 ** 0.25 if y.min() <= lo else lo), (hi * 10 ** 0.25 if y.max() >= hi else hi)
    if not y.size:
        return 0.0, 1.0
    lo, hi = float(y.min()), float(y.max())
    lo = 0.0 if lo >= 0 else -round_up(-lo)
    hi = 0.0 if hi <= 0 else round_up(hi)
    if hi <= lo:
        hi = lo + 1.0
    pad = 0.04 * (hi - lo)
    return (lo - pad if y.min() <= lo else lo), (hi + pad if y.max() >= hi else hi)


def _episode_tick(x: float, _pos=None) -> str:
    """An episode number as a tick label: 800, 2000, then 20k, 150k (six digits would crowd a small plot)."""
    return f"{x / 1000:g}k" if abs(x) >= 10_000 else f"{x:g}"


class LiveCurves(Observer):
    """Learning curves of one agent in ``image`` (an ``ipywidgets.Image``), updated at most ``rate`` times a second.

    Updating takes at most ``share`` of the learner's time.  ``log_steps``
    puts steps per episode on a log scale (the book's Mountain Car figures).
    ``draws`` counts the updates, ``full_draws`` those that redrew the axes.
    """

    def __init__(self, image: widgets.Image | None = None, *, rate: float = 2.0, share: float = 0.1,
                 log_steps: bool = False, size: tuple[float, float] = (7.0, 2.6)):
        self.image = image if image is not None else widgets.Image(format="png")
        self.throttle = Throttle(rate, share)
        self.log_steps = log_steps
        self.size = size
        self.draws = 0
        self.full_draws = 0
        self._fig: Figure | None = None
        self._metrics: tuple[str, ...] = ()
        self._limits: tuple = ()
        self._background = None  # the saved picture of the axes without their lines

    def on_episode_end(self, agent, ep) -> None:
        if self.throttle.due():
            begun = self.throttle.begin()
            self.show(agent.history)
            self.throttle.done(begun)

    def on_run_end(self, agent, history) -> None:
        if history is agent.history:  # not an evaluation run
            self.show(history)

    def show(self, history: History) -> None:
        """Update the curves of ``history`` in the image now."""
        fig = self.figure(history)
        canvas = fig.canvas
        if self._background is None:  # the limits changed: draw the axes once, without the lines
            lines = [line for ax in fig.axes for line in ax.lines]
            for line in lines:
                line.set_visible(False)
            canvas.draw()
            self._background = canvas.copy_from_bbox(fig.bbox)
            for line in lines:
                line.set_visible(True)
            self.full_draws += 1
        canvas.restore_region(self._background)
        for ax in fig.axes:
            for line in ax.lines:
                ax.draw_artist(line)
        self.image.value = _encode_png(np.asarray(canvas.buffer_rgba()))
        self.draws += 1

    def figure(self, history: History) -> Figure:
        """The figure of the curves of ``history`` (the same one the widget shows)."""
        metrics = ("steps", "returns") + (("errors",) if np.isfinite(history.errors).any() else ())
        if self._fig is None or metrics != self._metrics:
            self._fig, self._metrics, self._limits = self._layout(metrics), metrics, ()
        x = np.arange(1, len(history) + 1)
        limits = []
        for ax, metric in zip(self._fig.axes, metrics):
            y = getattr(history, metric).astype(float)
            raw, avg = ax.lines
            raw.set_data(x, y)
            if len(y) >= 2 * _SMOOTH:
                avg.set_data(x, smooth(y, _SMOOTH))
            else:
                avg.set_data([], [])
            xlim = (0, round_up(max(len(y), 10)))
            limits.append((xlim, _limits(y, metric == "steps" and self.log_steps)))
        if tuple(limits) != self._limits:
            self._limits = tuple(limits)
            self._background = None
            for ax, (xlim, ylim) in zip(self._fig.axes, limits):
                ax.set_xlim(*xlim)
                ax.set_ylim(*ylim)
        return self._fig

    def _layout(self, metrics: tuple[str, ...]) -> Figure:
        fig = Figure(figsize=self.size, dpi=72)
        FigureCanvasAgg(fig)
        # fixed (no layout engine): room for the last x label, and between plots for the next one's y label
        fig.subplots_adjust(left=0.1, right=0.95, bottom=0.2, top=0.95, wspace=0.38 if len(metrics) < 3 else 0.6)
        for i, metric in enumerate(metrics):
            ax = fig.add_subplot(1, len(metrics), i + 1)
            ax.plot([], [], color="C0", alpha=0.35, linewidth=1)
            ax.plot([], [], color="C0", linewidth=1.8)
            ax.set_xlabel("episode")
            ax.set_ylabel(YLABELS[metric])
            ax.grid(alpha=0.3)
            # fewer ticks when three plots share the row (1600 and 2000 ran into each other), thousands as 20k
            ax.xaxis.set_major_locator(MaxNLocator(5 if len(metrics) < 3 else 3, integer=True))
            ax.xaxis.set_major_formatter(FuncFormatter(_episode_tick))
            if metric == "steps" and self.log_steps:
                ax.set_yscale("log")
                ax.yaxis.set_minor_formatter(NullFormatter())  # decades only: 2x10^2... would crowd the label
            else:
                ax.yaxis.set_major_locator(MaxNLocator(5))
        self._background = None
        return fig
