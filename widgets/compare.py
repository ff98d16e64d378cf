"""The comparison panel: one agent, several values of one parameter, the curves on one plot.

A single learning curve answers "does it learn?"; a comparison answers "what
does this parameter do?".  :class:`Compare` runs the same factory for each
value of one parameter (tilings 1, 2, 4, 8, 16; buffer 1, 8, 1000, ...),
``runs`` times each with seeds ``seed, seed + 1, ...`` (the same seeds for
every value, so differences come from the parameter and not from luck), and
draws the mean curve of each value with its standard-error band on one plot
(:func:`course.plots.plot_curves`).  The averaging is
:func:`course.experiments.average`, the same function the lessons' static
figures use.

The other parameters of the factory get controls as in :class:`~widgets.Panel`;
they are fixed for the whole comparison.  The plot is redrawn after each
value, so the first curves appear while the later ones are computed; Stop
ends the comparison after the current run.  Like the panel, the work runs
in a background thread in a live notebook and in the caller elsewhere
(``run(wait=True)`` always blocks).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course.experiments import METRICS, Curves, average
from course.params import check_int
from course.plots import plot_curves

from .base import PanelBase, button, framed
from .controls import Control, controls_grid, factory_params
from .curves import png
from .runner import Runner, background_default, error_html

__all__ = ["Compare"]


class _Stopped(Exception):
    """Raised between two runs when Stop was pressed."""


class Compare(PanelBase):
    """Compare several values of one parameter of an agent factory.

    Parameters
    ----------
    factory : builds an agent from keyword arguments; it must take ``seed``.
    param : the name of the parameter to vary (one of the factory's arguments).
    values : the values to compare (each is validated by the parameter's declaration).
    params : the classes (or named Params) that declare the factory's arguments.
    runs, episodes : runs per value and episodes per run.
    metric : "steps", "returns" or "errors".
    log : log scale on the y axis.
    seed : seed of the first run.
    background : run in a background thread (default: only in a live notebook).
    """

    def __init__(self, factory: Callable, param: str, values: Iterable, *, params: Iterable = (), runs: int = 1,
                 episodes: int = 100, metric: str = "steps", log: bool = False, seed: int = 0,
                 background: bool | None = None, title: str = ""):
        exposed, start = factory_params(factory, params)
        if "seed" not in exposed:
            raise ValueError("Compare needs a factory with a seed argument, so that the runs of one setting "
                             "differ and every setting sees the same seeds")
        if param not in exposed or param == "seed":
            raise ValueError(f"param={param!r} is not valid: param must be one of the factory's parameters "
                             f"{', '.join(n for n in exposed if n != 'seed')}")
        if metric not in METRICS:
            raise ValueError(f"metric={metric!r} is not valid: metric must be one of {', '.join(METRICS)}")
        for name, v in (("runs", runs), ("episodes", episodes)):
            check_int(name, v)
        self.factory = factory
        self.param = param
        self.declaration = exposed[param]
        self.values = self._check_values(values)
        self.background = background_default() if background is None else bool(background)
        self.results: dict[Any, Curves] = {}
        self._stop = False
        self._drawing = threading.Lock()  # the plot is redrawn by the work and by the metric/log boxes

        self.controls = {n: Control(n, p, start[n]) for n, p in exposed.items() if n not in (param, "seed")}
        self.values_box = widgets.Text(value=", ".join(str(v) for v in self.values),
                                       description=self.declaration.title(param, "values"),
                                       style={"description_width": "initial"}, layout=widgets.Layout(width="420px"))
        self.runs_box = widgets.BoundedIntText(value=runs, min=1, max=10**6, description="runs per value",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="170px"))
        self.episodes_box = widgets.BoundedIntText(value=episodes, min=1, max=10**9, description="episodes",
                                                   style={"description_width": "initial"},
                                                   layout=widgets.Layout(width="170px"))
        self.seed_box = widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="first seed",
                                               style={"description_width": "initial"},
                                               layout=widgets.Layout(width="170px"))
        self.metric_box = widgets.Dropdown(options=list(METRICS), value=metric, description="plot",
                                           layout=widgets.Layout(width="170px"))
        self.log_box = widgets.Checkbox(value=log, description="log scale", indent=False,
                                        layout=widgets.Layout(width="110px"))
        for box in (self.metric_box, self.log_box):
            box.observe(lambda _change: self._draw(), names="value")
        self.run_button = button("Run", "run every value (clears earlier results)", lambda: self.run(), icon="play",
                                 style="success", width=None)
        self.stop_button = button("Stop", "stop after the current run", lambda: self.stop(), icon="stop", width=None)
        self.stop_button.disabled = True
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._runner = Runner(self._show_error, self._finished,
                              widgets.Output(layout=widgets.Layout(max_height="6em", overflow="auto")))
        self._fig = Figure(figsize=(7.5, 3.6), dpi=80, layout="constrained")
        FigureCanvasAgg(self._fig)
        self.widget = self._layout(title)
        self._draw()

    def _parse(self, text: str):
        """One value typed in the values box (numbers are checked by the declaration afterwards)."""
        text = text.strip()
        if self.declaration.kind not in (int, float):
            return text
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{self.param} values: {text!r} is not a number") from None

    def _check_values(self, values: Iterable) -> list:
        out = [self.declaration.validate(v) for v in values]
        if not out:
            raise ValueError(f"values is empty: give at least one value of {self.param}")
        return out

    # -- public actions ------------------------------------------------------------------------
    def run(self, *, wait: bool | None = None) -> None:
        """Run every value (``wait=True``: return when done); earlier results are cleared."""
        if self.running:
            raise RuntimeError("the comparison is already running; press Stop first")
        try:
            self.values = self._check_values(self._parse(v) for v in self.values_box.value.split(",") if v.strip())
        except ValueError as e:
            self._show_error(e)
            raise
        fixed = {n: c.value for n, c in self.controls.items()}
        runs, episodes, seed = self.runs_box.value, self.episodes_box.value, self.seed_box.value
        self._stop = False
        self.results = {}
        self.message.value = ""
        self.run_button.disabled, self.stop_button.disabled = True, False
        self._runner.start(lambda: self._work(fixed, runs, episodes, seed),
                           background=self.background if wait is None else not wait)

    def stop(self) -> None:
        """End the comparison after the current run (the finished values stay on the plot)."""
        self._stop = True

    def wait(self, timeout: float | None = None) -> bool:
        return self._runner.wait(timeout)

    def figure(self) -> Figure:
        """The comparison plot as a matplotlib figure (for a static notebook output)."""
        return self._fig

    # -- the work ------------------------------------------------------------------------------------
    def _work(self, fixed: dict, runs: int, episodes: int, seed: int) -> None:
        for k, value in enumerate(self.values):
            label = f"{self.param}={value:g}" if isinstance(value, float) else f"{self.param}={value}"
            counter = iter(range(1, runs + 1))

            def make(seed, **kwargs):
                if self._stop:
                    raise _Stopped
                self.status.value = f"{label} ({k + 1} of {len(self.values)}): run {next(counter)} of {runs}"
                return self.factory(seed=seed, **kwargs)

            try:
                self.results[value] = average(make, runs, episodes, seed=seed, label=label,
                                              params={**fixed, self.param: value}, progress=False)
            except _Stopped:
                self.status.value = f"stopped; {len(self.results)} of {len(self.values)} values done"
                return
            self._draw()
        self.status.value = f"done: {len(self.values)} values × {runs} runs × {episodes} episodes"

    def _draw(self) -> None:
        with self._drawing:
            self._draw_now()

    def _draw_now(self) -> None:
        self._fig.clear()
        ax = self._fig.add_subplot(1, 1, 1)
        metric = self.metric_box.value
        ready = {v: c for v, c in self.results.items() if metric != "errors" or c.errors is not None}
        if ready:
            plot_curves(ready, metric, ax=ax, log=self.log_box.value,
                        title=f"{self.param}: {len(ready)} of {len(self.values)} values")
        else:
            ax.set_title(f"press Run to compare {self.param} = {', '.join(str(v) for v in self.values)}",
                         fontsize="medium")
        self.image.value = png(self._fig)

    def _finished(self) -> None:
        self.run_button.disabled, self.stop_button.disabled = False, True

    def _show_error(self, e: BaseException) -> None:
        self.message.value = error_html(e)

    def _layout(self, title: str) -> widgets.VBox:
        rows = [controls_grid(self.controls.values())] if self.controls else []
        rows += [self.values_box,
                 widgets.HBox([self.runs_box, self.episodes_box, self.seed_box],
                              layout=widgets.Layout(flex_flow="row wrap")),
                 widgets.HBox([self.run_button, self.stop_button, self.metric_box, self.log_box]),
                 self.status, self.message, self.image, self._runner.log]
        return framed(title, rows, "course-compare")

