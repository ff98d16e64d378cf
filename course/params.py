"""Hyperparameters declared once.

Every tunable number of an agent (or of a feature object, or of anything else
a panel may configure) is declared as a class attribute::

    class Sarsa(LinearAgent):
        alpha = Param(0.1, low=0.0, high=1.0, low_open=True, symbol="α",
                      doc="step size")

From that one declaration come

* validation with a clear error (``ValueError: alpha=-0.1 is out of range:
  alpha (step size α) must be in (0, 1]``),
* the documentation (:func:`describe`),
* the widget sliders of :mod:`widgets` (range, log scale, label with the
  book's symbol, whether the slider acts live or only on Reset).

A parameter marked ``live=True`` (step size, epsilon, ...) may be changed on
a running agent and takes effect at its next step.  A parameter marked
``live=False`` (tilings, buffer size, network width, ...) shapes the agent's
data structures; it can only be given when the object is built, and setting
it afterwards raises a ``ValueError`` that says to rebuild the agent.

Names are ASCII (``alpha``, ``epsilon``, ``gamma``, ``lambda_``); the Greek
symbols only appear in labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["Param", "Configurable", "describe"]

_MISSING = object()


@dataclass(eq=False)
class Param:
    """One declared hyperparameter (a data descriptor).

    Parameters
    ----------
    default : the value used when none is given.
    low, high : the valid range (``None`` = unbounded).
    low_open, high_open : exclude the bound itself.
    kind : ``float``, ``int``, ``bool`` or ``str``; inferred from ``default``.
    choices : the allowed values of a ``str`` (or any) choice parameter.
    live : may change while the agent runs (else only when it is built).
    log : the range spans decades; a slider should be logarithmic.
    symbol : the book's symbol, for labels (``"α"``).
    doc : a one-line meaning.
    allow_none : ``None`` is also a valid value (e.g. "no cap").
    step : the slider step for int/float parameters (optional).
    """

    default: Any
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    kind: type | None = None
    choices: tuple | None = None
    live: bool = True
    log: bool = False
    symbol: str = ""
    doc: str = ""
    allow_none: bool = False
    step: float | None = None
    name: str = ""

    def __post_init__(self):
        if self.kind is None:
            if isinstance(self.default, bool):
                self.kind = bool
            elif isinstance(self.default, int):
                self.kind = int
            elif isinstance(self.default, float):
                self.kind = float
            elif isinstance(self.default, str):
                self.kind = str
            else:
                self.kind = object
        if self.choices is not None:
            self.choices = tuple(self.choices)

    # -- descriptor protocol -------------------------------------------------
    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.__dict__.get("_hp", {}).get(self.name, self.default)

    def __set__(self, obj, value):
        value = self.validate(value)
        hp = obj.__dict__.setdefault("_hp", {})
        if not self.live and obj.__dict__.get("_built", False):
            if hp.get(self.name, self.default) == value:
                return
            raise ValueError(
                f"{self.name} shapes the {type(obj).__name__}'s data and is fixed once it is "
                f"built (a reset-only parameter); build a new one with {self.name}={value!r} "
                f"(a panel does this on Reset)"
            )
        hp[self.name] = value
        hook = getattr(obj, "_param_changed", None)
        if hook is not None and obj.__dict__.get("_built", False):
            hook(self.name, value)

    # -- validation ----------------------------------------------------------
    @property
    def label(self) -> str:
        words = " ".join(w for w in (self.doc, self.symbol) if w)
        return f"{self.name} ({words})" if words else self.name

    def range_text(self) -> str:
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "True or False"
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        left = "(" if (self.low_open or self.low is None) else "["
        right = ")" if (self.high_open or self.high is None) else "]"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in {left}{lo}, {hi}{right}" + (" or None" if self.allow_none else "")

    def validate(self, value):
        """Return ``value`` converted to the declared kind, or raise ValueError naming the parameter."""
        name = self.name or "parameter"
        if value is None:
            if self.allow_none:
                return None
            raise ValueError(f"{name}=None is not allowed: {self.label} must be {self.range_text()}")
        if self.choices is not None:
            if value not in self.choices:
                raise ValueError(f"{name}={value!r} is not a valid choice: {self.label} must be {self.range_text()}")
            return value
        if self.kind is bool:
            if not isinstance(value, (bool, int)) or value not in (0, 1, True, False):
                raise ValueError(f"{name}={value!r} is not valid: {self.label} must be True or False")
            return bool(value)
        if self.kind in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
                raise ValueError(f"{name}={value!r} is not a number: {self.label} must be {self.range_text()}")
            try:
                num = float(value)
            except (TypeError, ValueError):
                raise ValueError(f"{name}={value!r} is not a number: {self.label} must be {self.range_text()}") from None
            if math.isnan(num):
                raise ValueError(f"{name}=nan is not valid: {self.label} must be {self.range_text()}")
            if self.kind is int:
                if num != int(num) or math.isinf(num):
                    raise ValueError(f"{name}={value!r} is not an integer: {self.label} must be {self.range_text()}")
                num = int(num)
            bad = (
                (self.low is not None and (num < self.low or (self.low_open and num == self.low)))
                or (self.high is not None and (num > self.high or (self.high_open and num == self.high)))
            )
            if bad:
                raise ValueError(f"{name}={value!r} is out of range: {self.label} must be {self.range_text()}")
            return num
        if self.kind is str and not isinstance(value, str):
            raise ValueError(f"{name}={value!r} is not a string: {self.label} must be a string")
        return value


def _fmt(x: float) -> str:
    return f"{x:g}"


class Configurable:
    """Base for anything with declared :class:`Param` attributes.

    ``__init__`` of a subclass calls ``self.configure(**kwargs)`` first; an
    unknown keyword raises ``TypeError`` naming it and listing the valid ones.
    After the object has built its data it calls ``self._built = True`` (done
    by :meth:`configure` when ``built=True``), from when on reset-only
    parameters are frozen.
    """

    @classmethod
    def hyperparameters(cls) -> dict[str, Param]:
        """All declared parameters, base classes first, by name."""
        out: dict[str, Param] = {}
        for klass in reversed(cls.__mro__):
            for name, attr in vars(klass).items():
                if isinstance(attr, Param):
                    out[name] = attr
        return out

    def configure(self, **kwargs) -> None:
        self.__dict__.setdefault("_hp", {})
        params = self.hyperparameters()
        unknown = [k for k in kwargs if k not in params]
        if unknown:
            raise TypeError(
                f"{type(self).__name__} got unknown parameter(s) {', '.join(unknown)}; "
                f"valid: {', '.join(params)}"
            )
        for k, v in kwargs.items():
            setattr(self, k, v)

    def get_params(self) -> dict[str, Any]:
        """Current values of all declared parameters."""
        return {name: getattr(self, name) for name in self.hyperparameters()}

    def set_params(self, **kwargs) -> None:
        """Change parameters (validated; reset-only ones raise once built)."""
        self.configure(**kwargs)


def describe(cls_or_obj) -> str:
    """A plain-text table of the declared parameters (for docs and ``help``)."""
    params = cls_or_obj.hyperparameters()
    lines = []
    for p in params.values():
        when = "live" if p.live else "on reset"
        lines.append(f"{p.name:<22} default {p.default!r:<10} {p.range_text():<28} {when:<8} {p.symbol} {p.doc}")
    return "\n".join(lines)


def collect(objs: Iterable) -> dict[str, Param]:
    """Merge the declared parameters of several classes (first one wins)."""
    out: dict[str, Param] = {}
    for o in objs:
        for k, v in o.hyperparameters().items():
            out.setdefault(k, v)
    return out
