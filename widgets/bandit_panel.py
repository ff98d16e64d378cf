"""A live panel for bandits: many runs on the testbed at once, curves of reward and % optimal action.

:class:`~widgets.Panel` drives an :class:`~course.agent.Agent` through its
episodes; a bandit learner of :mod:`course.bandits` is not one: it has no
episodes, and it advances thousands of independent runs together.  This
panel reuses the kit's pieces for it: the controls made from declared
parameters (:mod:`widgets.controls`), the background thread that keeps the
sliders alive (:mod:`widgets.runner`), the throttle that keeps drawing
cheap (:mod:`widgets.throttle`) and the fast PNG encoder of
:mod:`widgets.curves`::

    from course.bandits import ActionValueAgent
    panel = BanditPanel(lambda epsilon, alpha, q0, c: ActionValueAgent(epsilon, alpha, q0, c),
                        params=[ActionValueAgent], runs=1000)
    panel                       # Run, move ε while it runs, Reset to start again

A live parameter (ε, α, c) changes the running learner of every run at its
next step; a reset-only one (Q0) is marked ``↻`` and acts when Reset
rebuilds the learner.  Reset keeps the last curves, drawn grey, to compare.
"""

from __future__ import annotations

import html
import time
from typing import Any, Callable, Iterable

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course.bandits import BanditRun, Testbed

from .base import PanelBase, button, framed
from .controls import RESET_MARK, Control, controls_grid, factory_params
from .curves import png
from .runner import Runner, background_default, error_html
from .throttle import Throttle

__all__ = ["BanditPanel"]


class BanditPanel(PanelBase):
    """Sliders for a bandit learner, Run / Pause / Step / Reset, and live curves over ``runs`` runs.

    Parameters
    ----------
    factory : builds a learner from keyword arguments named after declared parameters.
    params : the classes (or named Params) that declare them.
    testbed : builds the testbed from the number of runs (default: the 10-armed testbed, seed 0).
    runs : runs advanced together.
    steps : steps a press of Run does.
    chunk : steps between two looks at the Pause button and the sliders.
    curve_rate : most redraws of the curves per second.
    background : run in a background thread (default: only in a live notebook).
    """

    def __init__(self, factory: Callable, *, params: Iterable = (), testbed: Callable[[int], Testbed] | None = None,
                 runs: int = 1000, steps: int = 1000, chunk: int = 10, curve_rate: float = 2.0,
                 background: bool | None = None, title: str = ""):
        if not callable(factory):
            raise TypeError(f"BanditPanel needs a function that builds a learner, got {type(factory).__name__}")
        for name, value in (("runs", runs), ("steps", steps), ("chunk", chunk)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}={value!r} is not valid: {name} must be a positive integer")
        self._factory = factory
        self._testbed = testbed or (lambda n: Testbed(n, seed=0))
        self.runs, self.chunk = runs, chunk
        exposed, self._values = factory_params(factory, params)
        self._params = {n: p for n, p in exposed.items() if Control.supports(p)}
        self.background = background_default() if background is None else bool(background)
        self._throttle = Throttle(curve_rate, share=0.2)
        self._previous: list[tuple[np.ndarray, np.ndarray]] = []

        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.steps_box = widgets.BoundedIntText(value=steps, min=1, max=10**9, description="steps per Run",
                                                style={"description_width": "initial"},
                                                layout=widgets.Layout(width="200px"))
        self.run_button = button("Run", "advance every run by the steps above", lambda: self.run(), icon="play",
                                 style="success")
        self.pause_button = button("Pause", "stop after the current steps; Run continues", self.pause, icon="pause")
        self.step_button = button("Step", "one step of every run", lambda: self.run(1), icon="step-forward")
        self.reset_button = button("Reset", f"start again with the values above (applies the "
                                   f"{RESET_MARK} ones); the last curves stay, grey", self.reset, icon="undo")
        self._idle_buttons = (self.run_button, self.step_button, self.reset_button)
        self.status, self.message = widgets.HTML(), widgets.HTML()
        self.log = widgets.Output(layout=widgets.Layout(max_height="6em", overflow="auto"))
        self._runner = Runner(self._show_error, self._run_finished, self.log)
        self._state, self._rate, self._stop = "ready", None, False
        self._remaining = 0

        self._install()
        self.controls: dict[str, Control] = {}
        for name, p in self._params.items():
            control = Control(name, p, self._values[name], reset_only=name not in self._live)
            control.observe(self._changed, self._refused)
            self.controls[name] = control
        self._fig = self._layout_figure()
        self.widget = self._layout(title)
        self._draw()
        self._refresh()

    # -- the learner -----------------------------------------------------------------------------
    def _install(self) -> None:
        learner = self._factory(**self._values)
        self.session = BanditRun(learner, self._testbed(self.runs))
        declared = type(learner).hyperparameters()
        self._live = {n for n, p in self._params.items()
                      if p.live and n in declared and declared[n].live and getattr(learner, n) == self._values[n]}
        self._built_with = dict(self._values)

    @property
    def agent(self):
        """The learner (all runs' estimates in arrays of shape (runs, arms))."""
        return self.session.agent

    # -- actions ---------------------------------------------------------------------------------
    def run(self, steps: int | None = None, *, wait: bool | None = None) -> None:
        """Advance every run by ``steps`` (default: the box, or what a paused Run had left)."""
        if self.running:
            raise RuntimeError("the panel is already running; press Pause (or call pause()) first")
        if steps is None:
            steps = self._remaining or self.steps_box.value
        self._remaining, self._stop = int(steps), False
        self._state, self.message.value = "running", ""
        self._sync_buttons(running=True)
        self._runner.start(self._work, background=self.background if wait is None else not wait)

    def _work(self) -> None:
        began, first = time.perf_counter(), self.session.steps
        while self._remaining > 0 and not self._stop:
            n = min(self.chunk, self._remaining)
            self.session.advance(n)
            self._remaining -= n
            elapsed = time.perf_counter() - began
            if elapsed > 0.2:
                self._rate = (self.session.steps - first) * self.runs / elapsed
            if self._throttle.due():
                begun = self._throttle.begin()
                self._draw()
                self._refresh()
                self._throttle.done(begun)

    def pause(self) -> None:
        """Stop after the current chunk; Run continues with the steps that were left."""
        self._stop = True

    def wait(self, timeout: float | None = None) -> bool:
        return self._runner.wait(timeout)

    def reset(self) -> None:
        """Start again: a new learner with the values shown, a fresh testbed; the last curves stay, grey."""
        if self.running:
            self.pause()
            self.wait()
        if self.session.steps:
            r = self.session.result()
            self._previous = [(r.reward, r.optimal)]
        self._install()
        self._remaining, self._state, self._rate = 0, "ready", None
        for name, control in self.controls.items():
            control.widget.layout.border = None
            control.mark(reset_only=name not in self._live)
        self._draw()
        self._refresh()

    def set(self, **values) -> None:
        """Set parameters from code, as if moved on the panel (a bad value raises ValueError naming it)."""
        unknown = [n for n in values if n not in self.controls]
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; this panel has: {', '.join(self.controls)}")
        for name, v in values.items():
            self.controls[name].set(self._params[name].validate(v))

    def _changed(self, control: Control) -> None:
        name, value = control.name, control.value
        self._values[name] = value
        if name in self._live:
            setattr(self.agent, name, value)  # every run's learner, from its next step
        else:
            control.widget.layout.border = None if value == self._built_with[name] else "1px solid orange"
        self.reset_button.button_style = "warning" if any(
            self._values[n] != self._built_with[n] for n in self._params if n not in self._live) else ""

    def _refused(self, error: ValueError) -> None:
        self.message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"

    def _run_finished(self) -> None:
        if self._runner.error is None:
            self._state = "paused" if self._remaining > 0 else "done"
        self._draw()
        self._sync_buttons(running=False)
        self._refresh()

    def _show_error(self, e: BaseException) -> None:
        self._state = "stopped by an error"
        self.message.value = error_html(e)

    # -- display ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        parts = [f"step <b>{self.session.steps}</b>", f"{self.runs:,} runs"]
        if self.session.steps:
            r = self.session.result()
            last = slice(max(0, r.steps - 100), r.steps)
            parts.append(f"last 100 steps: reward {r.reward[last].mean():.2f}, "
                         f"{100 * r.optimal[last].mean():.0f} % optimal")
        if self._rate is not None:
            parts.append(f"{self._rate:,.0f} steps/s")
        parts.append(f"<i>{self._state}</i>")
        self.status.value = " · ".join(parts)

    def _layout_figure(self) -> Figure:
        fig = Figure(figsize=(8, 2.8), dpi=72)
        FigureCanvasAgg(fig)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.18, top=0.92, wspace=0.28)
        for ax, label in zip(fig.subplots(1, 2), ("average reward", "% optimal action")):
            ax.set_xlabel("step")
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
        return fig

    def _draw(self) -> None:
        reward_ax, optimal_ax = self._fig.axes
        for ax in (reward_ax, optimal_ax):
            for line in list(ax.lines):
                line.remove()
        for reward, optimal in self._previous:
            x = np.arange(1, len(reward) + 1)
            reward_ax.plot(x, reward, color="0.7", linewidth=1)
            optimal_ax.plot(x, 100 * optimal, color="0.7", linewidth=1)
        r = self.session.result()
        x = np.arange(1, r.steps + 1)
        reward_ax.plot(x, r.reward, color="C0", linewidth=1)
        optimal_ax.plot(x, 100 * r.optimal, color="C0", linewidth=1)
        longest = max([r.steps] + [len(p[0]) for p in self._previous])
        for ax in (reward_ax, optimal_ax):
            ax.set_xlim(0, max(longest, 10))
        shown = [r.reward] + [p[0] for p in self._previous]
        low = min([0.0] + [float(y.min()) for y in shown if y.size])
        high = max([1.6] + [float(y.max()) for y in shown if y.size])
        reward_ax.set_ylim(low - 0.1, high + 0.1)
        optimal_ax.set_ylim(0, 100)
        self.image.value = png(self._fig)

    def _layout(self, title: str) -> widgets.VBox:
        rows: list[Any] = [controls_grid(self.controls.values())]
        if any(c.reset_only for c in self.controls.values()):
            rows.append(widgets.HTML(f"<small>{RESET_MARK} = applies on Reset (a new learner)</small>"))
        rows += [widgets.HBox([self.steps_box, self.run_button, self.pause_button, self.step_button,
                               self.reset_button], layout=widgets.Layout(flex_flow="row wrap")),
                 self.status, self.message, self.image, self.log]
        self._sync_buttons(running=False)
        return framed(title, rows)

    def __repr__(self) -> str:
        return f"BanditPanel({type(self.agent).__name__}, step {self.session.steps}, {self.runs} runs)"
