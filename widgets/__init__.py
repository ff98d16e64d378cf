"""Live widget panels that drive any agent of the course kit from a notebook.

* :class:`Panel` — sliders made from an agent's declared parameters, Run /
  Pause / Step / Episode / Reset, a status line, a live view of the
  environment and live learning curves;
* :class:`Compare` — the same agent for several values of one parameter,
  the curves side by side on one plot;
* the parts, usable on their own: :class:`LiveView` and :class:`LiveCurves`
  (observers of the agent's loop) and :class:`Control` (one parameter's
  widget).
"""

from .compare import Compare
from .controls import Control, factory_params
from .curves import LiveCurves
from .panel import Panel
from .runner import background_default
from .view import LiveView

__all__ = ["Panel", "Compare", "Control", "LiveView", "LiveCurves", "factory_params", "background_default"]

from .dp_panel import DPPanel  # noqa: E402  (lesson 05: dynamic programming, sweep by sweep)

__all__ += ["DPPanel"]
