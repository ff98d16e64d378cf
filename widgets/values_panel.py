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

from .panel import Panel

__all__ = ["ValuesPanel", "values_png"]

_RATE = 3.0  # most redraws per second


def values_png(values, true_values, *, title: str = "") -> bytes:
    """A small PNG of estimated values (dots) against the true ones (dashed), for the non-terminal states."""
    true = np.asarray(true_values, dtype=float)
    inner = ~np.isnan(true)
    states = np.flatnonzero(inner)
    fig = Figure(figsize=(4.4, 2.8), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(states, true[inner], "k--", lw=1, label="true")
    if values is not None:
        ax.plot(states, np.asarray(values, dtype=float)[inner], "o-", ms=3, color="tab:orange", label="estimate")
    low, high = np.nanmin(true), np.nanmax(true)
    pad = 0.15 * (high - low or 1.0)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlabel("state")
    ax.set_ylabel("value")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class ValuesPanel(Panel):
    """A :class:`Panel` plus a live plot of the agent's state values against the environment's true values."""

    def __init__(self, *args, **kwargs):
        self.values_image = widgets.Image(format="png", layout=widgets.Layout(max_width="440px"))
        self._next_values = 0.0
        super().__init__(*args, **kwargs)
        if getattr(self.agent.env.unwrapped, "true_values", None) is None:
            raise ValueError("ValuesPanel needs an environment with true_values (a random walk)")
        self.draw_values()

    def draw_values(self) -> None:
        """Redraw the values picture now."""
        agent = getattr(self, "agent", None)
        if agent is None:
            return
        self.values_image.value = values_png(agent.state_values(), agent.env.unwrapped.true_values,
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
