"""Live widget panels that drive any agent of the course kit from a notebook.

* :class:`Panel` — sliders made from an agent's declared parameters, Run /
  Pause / Step / Episode / Reset, a status line, a live view of the
  environment and live learning curves;
* :class:`Compare` — the same agent for several values of one parameter,
  the curves side by side on one plot;
* panels of one lesson each, built from the same parts:
  :class:`BanditPanel` (lesson 02: many bandit runs at once),
  :class:`WorldPanel` (lesson 03: a hand-written policy in a grid world),
  :class:`DPPanel` (lesson 05: dynamic programming, sweep by sweep),
  :class:`ValuesPanel` (a Panel that also draws the values against the true ones);
* the parts, usable on their own: :class:`LiveView` and :class:`LiveCurves`
  (observers of the agent's loop) and :class:`Control` (one parameter's
  widget).
"""

from .bandit_panel import BanditPanel
from .compare import Compare
from .controls import Control, factory_params
from .curves import LiveCurves
from .dp_panel import DPPanel
from .panel import Panel
from .runner import background_default
from .values_panel import ValuesPanel
from .view import LiveView
from .world_panel import WorldPanel

__all__ = ["Panel", "Compare", "Control", "LiveView", "LiveCurves", "factory_params", "background_default",
           "BanditPanel", "WorldPanel", "ValuesPanel", "DPPanel"]
