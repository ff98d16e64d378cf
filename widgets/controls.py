"""From declared hyperparameters to sliders, and from a factory to its parameters.

Every tunable number of the kit is declared once as a :class:`course.params.Param`
(default, valid range, symbol, one-line meaning, live or reset-only).  This
module reads those declarations and builds the widget that fits each one:

* a choice parameter (``policy``, ``trace``) becomes a drop-down list;
* a yes/no parameter becomes a check box;
* a number whose range spans decades (``log=True``, or ``high/low`` of a
  thousand and more) becomes a *logarithmic* slider, because a step size of
  0.001 and one of 0.1 deserve the same room under the mouse; unless it
  starts within a decade of its upper bound (a tabular α of 0.5 in (0, 1]),
  where a log scale would leave the handle at the end of the track and a
  short drag would reach the maximum: that one gets a linear slider;
* a whole number of modest range (tiles, tilings, n) becomes an integer
  slider, and a whole number that spans decades (buffer size) a slider over
  1, 2, 5, 10, 20, 50, ...;
* a number without an upper bound becomes a number box.

Labels show the book's symbol beside the name (``α alpha``), tooltips the
meaning and the valid range, and a parameter that only acts when the agent
is rebuilt carries the mark ``↻``.  A slider cannot leave its range (the
widget clamps what the mouse or the keyboard asks for); a number box
accepts exactly what :meth:`Param.validate` accepts: a value typed into it
that the declaration refuses puts the box back and is reported, never
clamped silently.  A value given from code goes through
:meth:`Param.validate` and a bad one raises a ``ValueError`` that names the
parameter and its valid range.

:func:`factory_params` answers the other question: which parameters does a
function that builds an agent expose?  It reads the function's signature and
matches each argument name with a parameter declared by the classes it is
told about (the agent class, the feature class), so a lesson writes::

    Panel(lambda tilings, alpha, epsilon, seed: Sarsa(env, features=Tiles(env, tilings=tilings),
                                                      alpha=alpha, epsilon=epsilon, seed=seed),
          params=[Sarsa, Tiles])

and gets one slider for each of ``tilings``, ``alpha`` and ``epsilon`` with
the ranges, symbols and meanings declared by ``Tiles`` and ``Sarsa``.
"""

from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Iterable

import ipywidgets as widgets

from course.params import Param

__all__ = ["Control", "controls_grid", "factory_params", "declared", "RESET_MARK", "SEED"]

#: The mark of a parameter that takes effect when the agent is rebuilt (Reset).
RESET_MARK = "↻"

#: The ``seed`` argument of a factory: a reset-only number box.
SEED = Param(0, low=0, live=False, doc="random seed of the agent and its environment",
             name="seed")

_LABEL_WIDTH = "150px"
_DECADES = 1000.0  # a range at least this wide (high / low) gets a logarithmic slider


def declared(sources: Iterable) -> dict[str, Param]:
    """The parameters declared by ``sources``: classes (or objects) with ``hyperparameters()``, or named Params.

    A Param given on its own overrides one of the same name declared by a
    class (a lesson narrows a range that way); among classes the first wins.
    """
    from_classes: dict[str, Param] = {}
    explicit: dict[str, Param] = {}
    for s in sources:
        if isinstance(s, Param):
            if not s.name:
                raise ValueError(f"{s!r} has no name: give a Param passed in params= its name "
                                 f"(Param(..., name='tiles'))")
            explicit[s.name] = s
        elif hasattr(s, "hyperparameters"):
            for name, p in s.hyperparameters().items():
                from_classes.setdefault(name, p)
        else:
            raise TypeError(f"params= takes classes that declare Params (or Param objects), got {s!r}")
    return {**from_classes, **explicit}


def factory_params(factory: Callable, sources: Iterable) -> tuple[dict[str, Param], dict[str, Any]]:
    """The parameters a factory exposes, and their starting values.

    Each argument of ``factory`` whose name is declared by ``sources`` (see
    :func:`declared`) is exposed with that declaration; an argument named
    ``seed`` gets a seed box.  Its starting value is the factory's own
    default when it has one, else the declared default.  A ``**kwargs``
    argument exposes every declared parameter not named explicitly.  An
    argument with a default but no declaration is left to its default; one
    with neither is an error, because the panel could not call the factory.
    """
    if not callable(factory):
        raise TypeError(f"factory must be callable, got {type(factory).__name__}")
    params = declared(sources)
    exposed: dict[str, Param] = {}
    values: dict[str, Any] = {}
    var_kw = False
    for name, arg in inspect.signature(factory).parameters.items():
        if arg.kind is arg.VAR_KEYWORD:
            var_kw = True
            continue
        if arg.kind is arg.VAR_POSITIONAL:
            continue
        p = SEED if name == "seed" and name not in params else params.get(name)
        if p is None:
            if arg.default is arg.empty:
                known = ", ".join(params) or "none"
                raise TypeError(f"factory argument {name!r} is not a declared parameter (declared: {known}); "
                                f"give it a default or pass a class (or a Param) that declares it in params=")
            continue
        exposed[name] = p
        values[name] = p.validate(p.default if arg.default is arg.empty else arg.default)
    if var_kw:
        for name, p in params.items():
            if name not in exposed:
                exposed[name] = p
                values[name] = p.default
    return exposed, values


def _zero_means_none(param: Param) -> bool:
    """A None-able number whose range excludes 0 is shown in a box where 0 means None."""
    if not (param.allow_none and param.kind in (int, float)):
        return False
    try:
        param.validate(0)
    except ValueError:
        return True
    return False


def _near_the_top(value, low, high) -> bool:
    """Whether a float starts within a decade of its upper bound (a tabular step size of 0.5 in (0, 1]).

    On a logarithmic slider such a value sits in the last pixels of the
    track: α = 0.5 on a slider from 10⁻⁴ to 1 is 15 pixels from the end of a
    230-pixel track, so a short drag reaches the maximum and one pixel is a 5%
    change.  A linear slider over the declared range gives it the middle of
    the track and steps of 1% of the range; that is also how the book plots a
    tabular step size (Figures 6.3, 7.2, 12.3: α from 0 to 1 on a linear axis).
    Step sizes far below their bound (0.1/8 for tile coding, 10⁻⁴ for Adam)
    keep the logarithmic slider, where a decade is worth the same room.
    """
    return (value is not None and low is not None and high is not None and high > 0
            and value > high / 10)


def _nice_ints(low: int, high: int, must: Iterable[int]) -> list[int]:
    """1, 2, 5, 10, 20, 50, ... within [low, high], with both ends and the values in ``must``."""
    out = {low, high, *must}
    decade = 1
    while decade <= high:
        out.update(v for v in (decade, 2 * decade, 5 * decade) if low <= v <= high)
        decade *= 10
    return sorted(out)


class Control:
    """One declared parameter shown as a widget (``.widget``) whose value is always valid.

    ``reset_only`` marks the label with :data:`RESET_MARK`; ``enabled=False``
    shows the value without letting it change (a reset-only parameter of an
    agent given as an object, which the panel cannot rebuild).
    """

    def __init__(self, name: str, param: Param, value, *, reset_only: bool = False, enabled: bool = True,
                 why_disabled: str = ""):
        self.name = name
        self.param = param
        self._showing = False
        if not self.supports(param):
            raise TypeError(f"{name}: no widget for a parameter of kind {param.kind.__name__}")
        value = param.validate(value)
        self.none_is_zero = _zero_means_none(param)
        self.widget = self._make_widget(value)
        self.widget.style = {"description_width": _LABEL_WIDTH}
        self.widget.disabled = not enabled
        self._why_disabled = "" if enabled else why_disabled
        self.mark(reset_only)
        self.set(value)

    @staticmethod
    def supports(param: Param) -> bool:
        """Whether a widget can show this parameter (numbers, yes/no, choices; None only where 0 is invalid)."""
        if param.choices is not None or param.kind is bool:
            return True
        if param.kind not in (int, float):
            return False
        return not param.allow_none or _zero_means_none(param)

    def mark(self, reset_only: bool) -> None:
        """Label the control as acting live or on Reset (the ``↻`` mark and the tooltip)."""
        p, name = self.param, self.name
        self.reset_only = reset_only
        self.widget.description = p.title(name, RESET_MARK if reset_only else "")
        when = "applies on Reset (the agent is rebuilt)" if reset_only else "changes the running agent at its next step"
        meaning = f"{p.doc}; " if p.doc else ""
        none = "; 0 means none" if self.none_is_zero else ""
        why = f" ({self._why_disabled})" if self._why_disabled else ""
        self.widget.tooltip = f"{name}: {meaning}{p.range_text()}{none}; {when}{why}"

    # -- values ------------------------------------------------------------------------
    @property
    def value(self):
        """The widget's value as the parameter's value (0 in a 'none' box is None)."""
        v = self.widget.value
        if self.none_is_zero and v == 0:
            return None
        return self.param.kind(v) if self.param.kind in (int, float) else v

    def set(self, value) -> None:
        """Show ``value`` (validated first: a bad one raises ValueError naming the parameter).

        A valid value beyond the slider's displayed range widens the slider,
        so what the widget shows is always what the parameter holds.
        """
        value = self.param.validate(value)
        w = self.widget
        if value is None:
            w.value = 0
            return
        if isinstance(w, widgets.FloatLogSlider):
            exp = math.log10(value) if value > 0 else w.min
            w.min, w.max = min(w.min, math.floor(exp)), max(w.max, math.ceil(exp))
        elif isinstance(w, widgets.SelectionSlider):
            if value not in w.options:
                w.options = sorted({*w.options, value})
        elif isinstance(w, (widgets.IntSlider, widgets.FloatSlider)):
            w.min, w.max = min(w.min, value), max(w.max, value)
        w.value = value

    def show(self, value) -> None:
        """Display ``value`` (the current value of a scheduled parameter) without reporting it as a change.

        The observers of :meth:`observe` do not hear it, so nothing is written
        back: the agent's schedule keeps the value, the panel keeps what the
        student set.
        """
        self._showing = True
        try:
            self.set(value)
        finally:
            self._showing = False

    def observe(self, callback: Callable[["Control"], None], on_invalid: Callable[[ValueError], None]) -> None:
        """Call ``callback(control)`` whenever the value changes (from the page or from code).

        Sliders cannot leave their range, but a number box can be typed
        into: a value the declaration refuses (0 for an open lower bound)
        puts the box back to the last good value and goes to ``on_invalid``.
        """
        good = [self.value]

        def changed(_change):
            if self._showing:  # a value shown by the panel, not chosen on the page
                return
            try:
                self.param.validate(self.value)
            except ValueError as e:
                self.set(good[0])
                on_invalid(e)
                return
            good[0] = self.value
            callback(self)

        self.widget.observe(changed, names="value")

    # -- the widget that fits the declaration --------------------------------------------
    def _make_widget(self, value) -> widgets.ValueWidget:
        p = self.param
        layout = widgets.Layout(width="100%")  # a slider fills its grid cell
        box_layout = widgets.Layout(width="auto")  # a box too, margins included
        if p.choices is not None:
            return widgets.Dropdown(options=list(p.choices), value=value, layout=box_layout)
        if p.kind is bool:
            return widgets.Checkbox(value=bool(value), indent=False, layout=box_layout)
        # Number boxes are unbounded widgets: what they accept is decided by the declaration (see observe),
        # never by a clamp of the widget's own.
        box = widgets.IntText if p.kind is int else widgets.FloatText
        if self.none_is_zero:  # a number box in which 0 stands for None
            return box(layout=box_layout)
        low, high = p.low, p.high
        spans_decades = low is not None and low > 0 and high is not None and high / low >= _DECADES
        logarithmic = p.log or spans_decades
        if p.kind is float and logarithmic and _near_the_top(value, low, high):
            logarithmic = False  # see _near_the_top: a log scale would leave the handle no room to move
        if p.kind is int:
            if logarithmic:
                lo = max(1, int(low if low is not None else 1))
                hi = int(high) if high is not None else max(lo, int(value or 1)) * 1000
                return widgets.SelectionSlider(options=_nice_ints(lo, hi, [int(value)]), layout=layout,
                                               continuous_update=False)
            if low is not None and high is not None:
                return widgets.IntSlider(min=int(low) + p.low_open, max=int(high) - p.high_open, step=1,
                                         layout=layout, continuous_update=False)
            return box(layout=box_layout)
        if logarithmic:  # three decades either side of the starting value, within the declared range
            ref = value if value > 0 else (high or 1.0)
            hi_exp = math.log10(high) if high is not None else math.ceil(math.log10(ref)) + 3
            lo_exp = math.floor(math.log10(ref)) - 3
            if low is not None and low > 0:
                lo_exp = max(lo_exp, math.log10(low))
            return widgets.FloatLogSlider(base=10, min=lo_exp, max=hi_exp, step=(hi_exp - lo_exp) / 200,
                                          readout_format=".3g", layout=layout, continuous_update=False)
        if low is not None and high is not None:
            step = (high - low) / 100
            return widgets.FloatSlider(min=low + (step if p.low_open else 0), max=high - (step if p.high_open else 0),
                                       step=step, readout_format=".3g", layout=layout, continuous_update=False)
        return box(layout=box_layout)


def controls_grid(controls: Iterable[Control]) -> widgets.GridBox:
    """The controls' widgets in two columns."""
    return widgets.GridBox([c.widget for c in controls],
                           layout=widgets.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))",
                                                 grid_gap="2px 16px"))
