"""A panel that also draws the agent's state values against the true ones, live (the random walks).

:class:`ValuesPanel` is a :class:`~widgets.panel.Panel` with one more
picture: the estimated value of every state as dots, the true values of the
environment (``env.unwrapped.true_values``) as a dashed line, redrawn a few
times a second while the agent learns, after each run and on Reset.  Lesson 09
uses it for n-step TD on the 19-state random walk.
"""

from __future__ import annotations

import io
import time

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .panel import Panel

__all__ = ["ValuesPanel", "ValuesPlot", "values_png"]

_RATE = 2.0  # most redraws per second


class ValuesPlot:
    """A small matplotlib picture of estimated values (dots) against the true ones (dashed), built once.

    :meth:`png` moves the dots and returns the picture as PNG bytes; only
    the non-terminal states (true value not nan) are drawn.
    """

    def __init__(self, true_values):
        true = np.asarray(true_values, dtype=float)
        self.inner = ~np.isnan(true)
        states = np.flatnonzero(self.inner)
        self.fig = Figure(figsize=(4.4, 2.8), dpi=80)
        FigureCanvasAgg(self.fig)
        ax = self.fig.subplots()
        ax.plot(states, true[self.inner], "k--", lw=1, label="true")
        (self.line,) = ax.plot(states, np.zeros(states.size), "o-", ms=3, color="tab:orange", label="estimate")
        low, high = true[self.inner].min(), true[self.inner].max()
        pad = 0.15 * (high - low or 1.0)
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlabel("state")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # states are whole numbers
        ax.set_ylabel("value")
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(alpha=0.3)
        self.title = ax.set_title("episode 0, RMS error 0.000", fontsize=9)  # the layout keeps room for a title
        self.fig.tight_layout()
        self.title.set_text("")

    def png(self, values, title: str = "") -> bytes:
        if values is not None:
            self.line.set_ydata(np.asarray(values, dtype=float)[self.inner])
        self.line.set_visible(values is not None)
        self.title.set_text(title)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()


def values_png(values, true_values, *, title: str = "") -> bytes:
    """One picture of estimated values against the true ones (see :class:`ValuesPlot`)."""
    return ValuesPlot(true_values).png(values, title)


class ValuesPanel(Panel):
    """A :class:`Panel` plus a live plot of the agent's state values against the environment's true values."""

    def __init__(self, *args, **kwargs):
        self.values_image = widgets.Image(format="png", layout=widgets.Layout(max_width="440px"))
        self._next_values = 0.0
        self._plot = self._plot_true = None
        super().__init__(*args, **kwargs)
        if getattr(self.agent.env.unwrapped, "true_values", None) is None:
            raise ValueError("ValuesPanel needs an environment with true_values (a random walk)")
        self.draw_values()

    def draw_values(self) -> None:
        """Redraw the values picture now."""
        agent = getattr(self, "agent", None)
        if agent is None:
            return
        true = agent.env.unwrapped.true_values
        if self._plot is None or not np.array_equal(self._plot_true, true, equal_nan=True):
            self._plot, self._plot_true = ValuesPlot(true), np.array(true)
        self.values_image.value = self._plot.png(agent.state_values(),
                                                 title=f"episode {agent.episode}, RMS error {agent.rms_error():.3f}")

    def _install(self, agent) -> None:
        super()._install(agent)
        if hasattr(self, "widget"):
            self.draw_values()

    def on_episode_end(self, agent, ep) -> None:
        super().on_episode_end(agent, ep)
        now = time.perf_counter()
        if now >= self._next_values:
            self._next_values = now + 1.0 / _RATE
            self.draw_values()

    def _run_finished(self) -> None:
        super()._run_finished()
        self.draw_values()

    def _layout(self, title: str) -> widgets.VBox:
        box = super()._layout(title)
        box.children = (*box.children, self.values_image)
        return box
