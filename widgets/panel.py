"""The panel: sliders that drive a learning agent, a live view and live learning curves.

A panel takes an agent, or better a *factory*, a function that builds an
agent from parameters::

    env = course.envs.make("maze")
    panel = Panel(lambda alpha, epsilon, seed: Sarsa(env, alpha=alpha, epsilon=epsilon, seed=seed),
                  params=[Sarsa])
    panel                       # shows it in the notebook
    panel.run(100, wait=True)   # or press Run

It shows

* one control per exposed parameter (see :mod:`widgets.controls`), made
  from the parameter's declaration: range, log scale, the book's symbol,
  its meaning as a tooltip;
* Run, Pause, Step (one step), Episode (one episode) and Reset, with the
  number of episodes a Run does;
* a status line: episodes done, step of the current episode, total steps,
  last return, steps per second;
* the live view of the environment (:mod:`widgets.view`) and the learning
  curves (:mod:`widgets.curves`).

What a control does depends on its parameter.  A *live* one (step size,
exploration rate) is set on the running agent and acts from its next step.
A *reset-only* one (tilings, buffer size, the seed) shapes what the agent
allocates; it is marked ``↻``, and it takes effect when Reset rebuilds the
agent with the factory.  A live parameter only acts live when the factory
passes it through unchanged (after each build the panel checks that the
agent holds the value it was given); a factory that computes something
from it (``alpha=alpha / tilings``) makes it act on Reset instead, and the
panel marks it so.

Given an agent object instead of a factory, the panel can change its live
parameters, and Reset restores a copy of the agent as it was when the panel
was made; its reset-only parameters are shown but cannot change.

Learning runs in a background thread in a live notebook, so the sliders
and Pause stay responsive, and in the caller anywhere else (a script, CI):
see :mod:`widgets.runner` for the reasons.  ``run(..., wait=True)`` always
runs to the end before it returns.  Pause keeps everything the agent has
learned, including the unfinished episode, and Run continues it.  An
exception inside the loop stops the run, and the panel shows it.
"""

from __future__ import annotations

import copy
import html
import time
from typing import Any, Callable, Iterable

import ipywidgets as widgets

from course.agent import Agent, Observer
from course.params import check_int

from .base import PanelBase, button, framed
from .controls import RESET_MARK, Control, controls_grid, factory_params
from .curves import LiveCurves
from .runner import Runner, background_default, error_html
from .view import LiveView, overlays

__all__ = ["Panel"]

_STATUS_RATE = 4.0  # status-line refreshes per second while running
_MIN_RATE_TIME = 0.2  # a run shorter than this (one Step) gives no steps/s figure


class Panel(PanelBase, Observer):
    """A live control panel for one agent (see the module's documentation).

    Parameters
    ----------
    agent_or_factory : an :class:`~course.agent.Agent`, or a function that
        builds one from keyword arguments named after declared parameters.
    params : the classes (agent class, feature class) whose declared
        :class:`~course.params.Param` s name the factory's arguments, and/or
        named Param objects that override them (a narrower range).
    show : the parameters to show (default: all the factory exposes, or all
        the agent declares).
    episodes : episodes a press of Run does.
    fps : most frames per second of the live view.
    curve_rate : most redraws per second of the learning curves.
    view : start with the live view on.
    overlay : what a grid world draws over itself: "none", "values", "q",
        "policy" (default: the greedy policy when the agent has action values).
    log_steps : steps per episode on a log scale.
    background : run in a background thread (default: only in a live
        notebook, see :func:`widgets.runner.background_default`).
    title : a heading.
    """

    def __init__(self, agent_or_factory: Agent | Callable[..., Agent], *, params: Iterable = (),
                 show: Iterable[str] | None = None, episodes: int = 100, fps: float = 30.0,
                 curve_rate: float = 2.0, view: bool = True, overlay: str | None = None,
                 log_steps: bool = False, background: bool | None = None, title: str = ""):
        if isinstance(agent_or_factory, Agent):
            agent = agent_or_factory
            self._factory = None
            exposed = type(agent).hyperparameters()
            self._values: dict[str, Any] = agent.get_params()
            self._pristine = self._copy_or_none(agent)
        elif callable(agent_or_factory):
            self._factory = agent_or_factory
            exposed, self._values = factory_params(agent_or_factory, params)
            agent = None
        else:
            raise TypeError(f"Panel needs an Agent or a function that builds one, "
                            f"got {type(agent_or_factory).__name__}")
        episodes = check_int("episodes", episodes)
        shown = [n for n, p in exposed.items() if Control.supports(p)] if show is None else list(show)
        unknown = [n for n in shown if n not in exposed]
        if unknown:
            raise ValueError(f"show= names unknown parameter(s) {', '.join(unknown)}; this panel has: "
                             f"{', '.join(exposed)}")
        self.background = background_default() if background is None else bool(background)
        self._params = {n: exposed[n] for n in shown}

        # -- widgets -------------------------------------------------------------------
        # the picture and the curves share one row (a wide picture such as Mountain Car's no longer pushes
        # the curves below it): the picture takes at most 44% of the row, the curves the rest
        self.view = LiveView(widgets.Image(format="jpeg", layout=widgets.Layout(max_width="min(480px, 44%)")),
                             fps=fps, enabled=view)
        self.curves = LiveCurves(widgets.Image(format="png", layout=widgets.Layout(max_width="55%")),
                                 rate=curve_rate, log_steps=log_steps)
        self.episodes_box = widgets.BoundedIntText(value=episodes, min=1, max=10**9, description="episodes per Run",
                                                   style={"description_width": "initial"},
                                                   layout=widgets.Layout(width="210px"))
        self.run_button = button("Run", "run the agent for the episodes above (continues after Pause)",
                                 lambda: self.run(), icon="play", style="success")
        self.pause_button = button("Pause", "stop after the current step; Run continues", self.pause, icon="pause")
        self.step_button = button("Step", "one step", lambda: self.run(steps=1), icon="step-forward")
        self.episode_button = button("Episode", "one episode (finishes the current one)",
                                     lambda: self.run(episodes=1), icon="forward")
        self._idle_buttons = (self.run_button, self.step_button, self.episode_button)
        self.reset_button = button("Reset", "rebuild the agent with the parameters above "
                                   f"(applies the {RESET_MARK} ones)", self.reset, icon="undo")
        self.view_box = widgets.Checkbox(value=view, description="live view", indent=False,
                                         layout=widgets.Layout(width="110px"))
        self.view_box.observe(self._view_toggled, names="value")
        self.overlay_box = widgets.Dropdown(options=["none"], description="overlay",
                                            layout=widgets.Layout(width="170px"),
                                            style={"description_width": "initial"})
        self.overlay_box.observe(self._overlay_chosen, names="value")
        self.status = widgets.HTML()
        self.message = widgets.HTML()
        self.log = widgets.Output(layout=widgets.Layout(max_height="8em", overflow="auto"))
        self._runner = Runner(self._show_error, self._run_finished, self.log)
        self._overlay_wanted = overlay

        # -- the agent ---------------------------------------------------------------------
        self.controls: dict[str, Control] = {}
        self.agent: Agent | None = None
        self._remaining = 0  # episodes left of a paused Run
        self._budget_target: int | None = None  # the episode a Run ends at
        self._pausing = False
        self._run_started = (0.0, 0)  # (clock, total steps) when the current run began
        self._next_status = 0.0
        self._last: dict[str, Any] = {}
        self._install(agent if agent is not None else self._build())
        for name, p in self._params.items():
            control = Control(name, p, self._values[name], reset_only=name not in self._live,
                              enabled=self._factory is not None or p.live,
                              why_disabled="fixed for this agent: give the panel a factory to change it")
            control.observe(self._changed, self._refused)
            self.controls[name] = control
        self.widget = self._layout(title)
        self._refresh()

    # -- building ---------------------------------------------------------------------------
    @staticmethod
    def _copy_or_none(agent: Agent) -> Agent | None:
        try:
            return copy.deepcopy(agent)
        except Exception:  # noqa: BLE001 - e.g. a compiled network: then Reset is not offered
            return None

    def _build(self) -> Agent:
        if self._factory is None:
            agent = copy.deepcopy(self._pristine)
            agent.set_params(**{n: v for n, v in self._values.items() if agent.hyperparameters()[n].live})
            return agent
        agent = self._factory(**self._values)
        if not isinstance(agent, Agent):
            raise TypeError(f"the factory returned {type(agent).__name__}, not an Agent")
        return agent

    def _install(self, agent: Agent) -> None:
        """Make ``agent`` the panel's agent; work out which parameters act on it live."""
        self.agent = agent
        declared = type(agent).hyperparameters()
        self._live = {n for n, p in self._params.items()
                      if p.live and n in declared and declared[n].live and getattr(agent, n) == self._values[n]}
        self._built_with = dict(self._values)
        self._seen: dict[str, Any] = {}  # the scheduled values last shown on the sliders
        self._last = {"t": 0, "ret": None, "rate": None, "state": "ready"}
        self._remaining = 0
        offered = overlays(agent)
        wanted = self._overlay_wanted or ("policy" if "policy" in offered else "none")
        self.overlay_box.options = list(offered)
        self.overlay_box.value = wanted if wanted in offered else "none"
        self.overlay_box.layout.display = None if len(offered) > 1 else "none"
        if self.view.enabled:
            self.view.show(agent, fresh=True)
        self.curves.show(agent.history)

    # -- public actions ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the agent is learning under this panel."""
        return self._runner.busy or self.agent.running

    def run(self, episodes: int | None = None, *, steps: int | None = None, wait: bool | None = None) -> None:
        """Learn for ``episodes`` more episodes (or ``steps`` steps).

        Without either, continue a paused Run, else do the "episodes per
        Run" of the panel.  ``wait=True`` runs to the end before returning
        (scripts, CI); ``wait=False`` returns at once and learns in the
        background; the default is the panel's ``background`` setting.
        """
        if self.running:
            raise RuntimeError("the panel is already running; press Pause (or call pause()) first")
        budget = episodes is None and steps is None  # the Run button's budget, which Pause keeps
        if budget:
            episodes = self._remaining or self.episodes_box.value
        self._budget_target = self.agent.episode + episodes if budget else None
        self._pausing = False
        self.message.value = ""
        self._last.update(state="running", rate=None)
        self._sync_buttons(running=True)
        self._run_started = (time.perf_counter(), self.agent.total_steps)
        agent = self.agent
        self._runner.start(lambda: agent.run(episodes, steps=steps, observers=(self, self.view, self.curves)),
                           background=self.background if wait is None else not wait)

    def pause(self) -> None:
        """Stop after the current step; the agent keeps what it learned and Run continues."""
        self._pausing = True
        self.agent.request_stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a background run to end (True) or for ``timeout`` seconds (False)."""
        return self._runner.wait(timeout)

    def reset(self) -> None:
        """Stop, rebuild the agent with the parameters shown (reset-only ones included), clear the curves."""
        if self._factory is None and self._pristine is None:
            raise RuntimeError("this agent cannot be copied, so the panel cannot reset it; "
                               "give the panel a factory instead")
        if self.running:
            self.pause()
            self.wait()
        try:
            agent = self._build()
        except Exception as e:
            self._show_error(e)
            raise
        self.message.value = ""
        for name in self._params:
            self.controls[name].widget.layout.border = None
        self._install(agent)
        for name, control in self.controls.items():
            control.mark(reset_only=name not in self._live)
        self._refresh()

    def set(self, **values) -> None:
        """Set parameters from code, as if moved on the panel (bad values raise ValueError, nothing changes)."""
        unknown = [n for n in values if n not in self.controls]
        if unknown:
            raise ValueError(f"unknown parameter(s) {', '.join(unknown)}; this panel has: {', '.join(self.controls)}")
        fixed = [n for n in values if self.controls[n].widget.disabled]
        if fixed:
            raise ValueError(f"{', '.join(fixed)} cannot change on this agent (reset-only); "
                             f"give the panel a factory to change {'it' if len(fixed) == 1 else 'them'}")
        checked = {n: self._params[n].validate(v) for n, v in values.items()}
        for name, v in checked.items():
            self.controls[name].set(v)

    def figure(self):
        """The learning curves as a matplotlib figure (for a static notebook output)."""
        return self.curves.figure(self.agent.history)

    # -- reacting to the controls --------------------------------------------------------------
    def _changed(self, control: Control) -> None:
        name, value = control.name, control.value
        self._values[name] = value
        if name in self._live:
            setattr(self.agent, name, value)  # (for a scheduled parameter this restarts its schedule)
            self._seen.pop(name, None)
        else:
            control.widget.layout.border = None if value == self._built_with[name] else "1px solid orange"
        self._refresh_hint()

    def _refused(self, error: ValueError) -> None:
        self.message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"

    def _view_toggled(self, change) -> None:
        self.view.enabled = change["new"]
        if self.view.enabled and not self.running:
            self.view.show(self.agent, fresh=True)

    def _overlay_chosen(self, change) -> None:
        self.view.overlay = change["new"]
        if self.view.enabled and not self.running:
            self.view.show(self.agent, fresh=True)

    # -- the observer side (called by the agent's loop, in the learning thread) ---------------
    def on_run_start(self, agent) -> None:
        if self._pausing:  # Pause pressed before the loop began
            agent.request_stop()
        self._next_status = 0.0

    def on_step(self, agent, step) -> None:
        self._last["t"] = step.t
        now = time.perf_counter()
        if now >= self._next_status:
            t0, s0 = self._run_started
            if now > t0:
                self._last["rate"] = (agent.total_steps - s0) / (now - t0)
            self._next_status = now + 1.0 / _STATUS_RATE
            self._follow_agent()
            self._refresh()

    def on_episode_end(self, agent, ep) -> None:
        self._last["ret"] = ep.ret
        self._last["t"] = 0

    def _follow_agent(self) -> None:
        """Show the current value of scheduled parameters (a decaying ε) on their sliders.

        Showing is all it does: the agent's schedule holds the value, and the
        slider's own value (what Reset builds with) stays what the student set.
        """
        for name, value in self.agent.scheduled().items():
            if name in self.controls and value != self._seen.get(name):
                self._seen[name] = value
                self.controls[name].show(value)

    def _run_finished(self) -> None:
        agent = self.agent
        t0, s0 = self._run_started
        elapsed = time.perf_counter() - t0
        if elapsed >= _MIN_RATE_TIME:
            self._last["rate"] = (agent.total_steps - s0) / elapsed
        if self._budget_target is not None:
            paused = agent.stop_reason == "stopped"
            self._remaining = max(0, self._budget_target - agent.episode) if paused else 0
        if self._runner.error is None:
            self._last["state"] = "paused" if self._remaining else "done"
        self._follow_agent()
        self._sync_buttons(running=False)
        self._refresh()

    def _show_error(self, e: BaseException) -> None:
        self._last["state"] = "stopped by an error"
        self.message.value = error_html(e)

    # -- display ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        a, last = self.agent, self._last
        parts = [f"episode <b>{a.episode}</b>", f"step {last['t']}", f"{a.total_steps:,} steps"]
        if last["ret"] is not None:
            parts.append(f"last return {last['ret']:g}")
        if last["rate"] is not None:
            parts.append(f"{last['rate']:,.0f} steps/s")
        parts.append(f"<i>{last['state']}</i>")
        self.status.value = " · ".join(parts)
        self._refresh_hint()

    def _refresh_hint(self) -> None:
        pending = [n for n in self._params if n not in self._live and self._values[n] != self._built_with[n]]
        self.reset_button.button_style = "warning" if pending else ""
        self.reset_button.tooltip = (f"rebuild the agent: {', '.join(pending)} changed" if pending else
                                     f"rebuild the agent with the parameters above (applies the {RESET_MARK} ones)")

    def _sync_buttons(self, *, running: bool) -> None:
        super()._sync_buttons(running=running)
        self.reset_button.disabled = self._factory is None and self._pristine is None

    def _layout(self, title: str) -> widgets.VBox:
        rows = []
        if self.controls:
            rows.append(controls_grid(self.controls.values()))
            if any(c.reset_only for c in self.controls.values()):
                rows.append(widgets.HTML(f"<small>{RESET_MARK} = applies on Reset (rebuilds the agent)</small>"))
        rows.append(widgets.HBox([self.episodes_box, self.run_button, self.pause_button, self.step_button,
                                  self.episode_button, self.reset_button],
                                 layout=widgets.Layout(flex_flow="row wrap")))
        rows.append(widgets.HBox([self.view_box, self.overlay_box]))
        rows += [self.status, self.message, self.view.message,
                 widgets.HBox([self.view.image, self.curves.image], layout=widgets.Layout(flex_flow="row wrap",
                                                                                          align_items="center")),
                 self.log]
        self._sync_buttons(running=False)
        return framed(title, rows)

    def __repr__(self) -> str:
        return (f"Panel({type(self.agent).__name__}, episode {self.agent.episode}, "
                f"{self.agent.total_steps} steps, {', '.join(self.controls)})")
