"""A panel for dynamic programming: sweep by sweep, the values and the greedy arrows redrawn.

Dynamic programming has no agent and no episodes, so :class:`widgets.Panel`
does not fit: this panel drives :mod:`course.dp` on a grid world's model::

    DPPanel("maze")

It shows

* the world (drop-down), the method (policy evaluation of the current
  policy, or value iteration), γ and θ — sliders made from their
  declarations, as in every panel of the kit;
* **Sweep** (one sweep over all states), **Improve** (policy improvement:
  the current policy becomes greedy with respect to the values; for policy
  evaluation), **Converge** (sweep until no value changes by θ or more, or a
  cap of sweeps), **Reset** (values 0, the random policy);
* the grid with the values as colours and the greedy action of each cell as
  an arrow (no arrow where all actions tie), and a status line: sweeps
  done, the largest change of the last sweep, the value of the start cell.

Everything runs in the caller: a sweep over a grid world takes milliseconds.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from course import dp
from course.envs import make
from course.params import Param

from .base import PanelBase, button, framed
from .controls import Control, controls_grid
from .view import encode

__all__ = ["DPPanel", "WORLDS", "METHODS"]

WORLDS = ("corner-grid", "grid", "maze", "windy", "cliff")
METHODS = ("policy evaluation", "value iteration")
GAMMA = Param(1.0, low=0.0, high=1.0, symbol="γ", doc="discount factor", name="gamma")
THETA = Param(1e-4, low=1e-8, high=1.0, log=True, symbol="θ", doc="stop when no value changes more", name="theta")
CAP = 1000  # most sweeps one press of Converge does


class DPPanel(PanelBase):
    """Dynamic programming on a grid world, live (see the module's documentation)."""

    def __init__(self, world: str = "corner-grid", *, method: str = "policy evaluation", gamma: float = 1.0,
                 theta: float = 1e-4, title: str = ""):
        if world not in WORLDS:
            raise ValueError(f"world={world!r} is not valid: world must be one of {', '.join(WORLDS)}")
        if method not in METHODS:
            raise ValueError(f"method={method!r} is not valid: method must be one of {', '.join(METHODS)}")
        self.controls = {"gamma": Control("gamma", GAMMA, gamma), "theta": Control("theta", THETA, theta)}
        for c in self.controls.values():
            c.observe(lambda _c: self._draw(), self._refused)
        self.world_box = widgets.Dropdown(options=list(WORLDS), value=world, description="world")
        self.method_box = widgets.Dropdown(options=list(METHODS), value=method, description="method")
        self.world_box.observe(lambda _c: self.reset(), names="value")
        self.method_box.observe(lambda _c: self.reset(), names="value")
        self.image = widgets.Image(format="jpeg", layout=widgets.Layout(max_width="480px"))
        self.status, self.message = widgets.HTML(), widgets.HTML()
        buttons = [button("Sweep", "one sweep over all states", lambda: self.sweep()),
                   button("Improve", "policy improvement: the policy becomes greedy w.r.t. the values",
                          self.improve),
                   button("Converge", f"sweep until no value changes by θ (at most {CAP} sweeps)",
                          self.converge),
                   button("Reset", "values 0, the random policy", self.reset)]
        self.improve_button = buttons[1]
        rows = [widgets.HBox([self.world_box, self.method_box]), controls_grid(self.controls.values()),
                widgets.HBox(buttons), self.status, self.message, self.image]
        self.widget = framed(title, rows, "course-dp-panel")
        self.reset()

    # -- state -------------------------------------------------------------------------------
    @property
    def gamma(self) -> float:
        return self.controls["gamma"].value

    @property
    def theta(self) -> float:
        return self.controls["theta"].value

    def set(self, **values) -> None:
        """Set γ and/or θ from code, as if moved on the panel (a bad value raises ValueError naming it)."""
        for name, v in values.items():
            if name not in self.controls:
                raise ValueError(f"unknown parameter {name}; this panel has: {', '.join(self.controls)}")
            self.controls[name].set(v)

    def reset(self) -> None:
        """Values 0 and the equiprobable random policy on the chosen world."""
        self.env = make(self.world_box.value)
        self.world = self.env.unwrapped
        self.model = self.world.model()
        self.v = np.zeros(self.model.n_states)
        self.policy = dp.random_policy(self.model)
        self.sweeps, self.delta, self.improvements = 0, float("nan"), 0
        self.improve_button.disabled = self.method_box.value != "policy evaluation"
        self.message.value = ""
        self._draw()

    # -- actions -----------------------------------------------------------------------------
    def sweep(self, n: int = 1) -> float:
        """``n`` sweeps of the chosen method; returns the largest change of the last one."""
        for _ in range(n):
            if self.method_box.value == "value iteration":
                self.v, self.delta = dp.value_sweep(self.model, self.v, self.gamma)
            else:
                self.v, self.delta = dp.sweep(self.model, self.policy, self.v, self.gamma, in_place=True)
            self.sweeps += 1
        self._draw()
        return self.delta

    def converge(self) -> bool:
        """Sweep until the largest change is below θ (True), or stop after a cap of sweeps (False, with a message)."""
        for _ in range(CAP):
            if self.sweep() < self.theta:
                self.message.value = ""
                return True
        self.message.value = (f"<span style='color:#b00'>no convergence after {CAP} more sweeps (last change "
                              f"{self.delta:.3g}): with γ = 1 this policy never reaches the goal from some cells, "
                              f"so their values fall without end; lower γ or press Improve</span>")
        return False

    def improve(self) -> None:
        """Policy improvement: the policy becomes greedy with respect to the current values."""
        self.policy = dp.improve_policy(self.model, self.v, self.gamma, old=self.policy)
        self.improvements += 1
        self._draw()

    # -- display -------------------------------------------------------------------------------
    def _refused(self, error: ValueError) -> None:
        self.message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"

    def _draw(self) -> None:
        q = dp.q_values(self.model, self.v, self.gamma)
        self.image.value = encode(self.world.draw(values=self.v, policy=q.T, agent=False))
        start = getattr(self.world, "start_state", None)
        parts = [f"sweep <b>{self.sweeps}</b>", f"largest change {self.delta:.3g}"]
        if self.method_box.value == "policy evaluation":
            parts.append(f"policy improved {self.improvements} times")
        if start is not None and not self.model.terminal[start]:
            parts.append(f"v(start) = {self.v[start]:.2f}")
        self.status.value = " · ".join(parts)

    def __repr__(self) -> str:
        return f"DPPanel({self.world_box.value}, {self.method_box.value}, sweep {self.sweeps})"
