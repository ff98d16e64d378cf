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
import numbers
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Param", "Configurable", "describe", "check_int", "check_memory", "INT_LIMIT"]

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
        """The name with its meaning and symbol, for messages: ``alpha (step size α)``."""
        words = " ".join(w for w in (self.doc, self.symbol) if w)
        return f"{self.name} ({words})" if words else self.name

    def title(self, name: str | None = None, *marks: str) -> str:
        """The short label of a widget: the book's symbol, the name and any marks (``α alpha ↻``)."""
        return " ".join(w for w in (self.symbol, name or self.name, *marks) if w)

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
        """Return ``value`` converted to the declared kind, or raise ValueError naming the parameter.

        Numbers are Python or numpy reals (``int``, ``float``, ``numpy.int64``,
        ``numpy.float32``...); ``bool``/``numpy.bool_``, complex numbers,
        strings and arrays are not numbers.  Every number must be finite and,
        for an integer without a declared upper bound, fit in 64 bits.  A
        ``bool`` parameter takes ``True``/``False``, ``numpy.bool_`` or 0/1.
        """
        name = self.name or "parameter"
        if value is None:
            if self.allow_none:
                return None
            raise ValueError(f"{name}=None is not allowed: {self.label} must be {self.range_text()}")
        if self.choices is not None:
            return self._validate_choice(name, value)
        if self.kind is bool:
            if isinstance(value, (bool, np.bool_)):
                return bool(value)
            if isinstance(value, (int, np.integer)) and value in (0, 1):
                return bool(value)
            raise ValueError(f"{name}={_short(value)} is not valid: {self.label} must be True or False")
        if self.kind in (int, float):
            return self._validate_number(name, value)
        if self.kind is str and not isinstance(value, str):
            raise ValueError(f"{name}={_short(value)} is not a string: {self.label} must be a string")
        return value

    def _validate_choice(self, name, value):
        if isinstance(value, (str, int, float, np.generic)) and not isinstance(value, np.ndarray):
            for choice in self.choices:
                if type(choice) is not bool and isinstance(value, (bool, np.bool_)):
                    continue  # True is not the choice 1
                try:
                    if choice == value:
                        return choice
                except (TypeError, ValueError):
                    pass
        raise ValueError(f"{name}={_short(value)} is not a valid choice: {self.label} must be {self.range_text()}")

    def _validate_number(self, name, value):
        must = f"{self.label} must be {self.range_text()}"
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or isinstance(value, np.ndarray):
            raise ValueError(f"{name}={_short(value)} is not a number: {must}")
        if isinstance(value, (int, np.integer)):
            num = int(value)  # exact: 10**400 stays an integer, compared with the bounds without overflow
        else:
            try:
                num = float(value)
            except (OverflowError, ValueError, TypeError):
                raise ValueError(f"{name}={_short(value)} is out of range: {must}") from None
            if math.isnan(num):
                raise ValueError(f"{name}=nan is not valid: {must}")
            if math.isinf(num):
                raise ValueError(f"{name}={_short(value)} is out of range (not finite): {must}")
        if self.kind is int:
            if num != int(num):
                raise ValueError(f"{name}={_short(value)} is not an integer: {must}")
            num = int(num)
        bad = (
            (self.low is not None and (num < self.low or (self.low_open and num == self.low)))
            or (self.high is not None and (num > self.high or (self.high_open and num == self.high)))
        )
        if bad:
            raise ValueError(f"{name}={_short(value)} is out of range: {must}")
        if self.kind is int and not -INT_LIMIT <= num <= INT_LIMIT:
            raise ValueError(f"{name}={_short(value)} is out of range: {must} and fit in 64 bits")
        if self.kind is float:
            try:
                num = float(num)
            except OverflowError:
                raise ValueError(f"{name}={_short(value)} is out of range: {must}") from None
            if math.isinf(num):
                raise ValueError(f"{name}={_short(value)} is out of range (not finite): {must}")
        return num


#: The largest magnitude of an integer parameter (numpy's int64).
INT_LIMIT = 2**63 - 1


def _short(value) -> str:
    """``repr(value)``, cut short (an array or a huge integer must not flood the message)."""
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    except BaseException:
        raise
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
        text = f"{float(value):.3g}" if abs(value) < 10**308 else f"~10**{int(abs(value).bit_length() * 0.30103)}"
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(x: float) -> str:
    return f"{x:g}"


class Configurable:
    """Base for anything with declared :class:`Param` attributes.

    ``__init__`` of a subclass calls ``self.configure(**kwargs)`` first; an
    unknown keyword raises ``TypeError`` naming it and listing the valid ones.
    After the object has built its data it sets ``self._built = True``, from
    when on reset-only parameters are frozen.
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


def check_int(name: str, value, low: int | None = 1, high: int | None = None, doc: str = "") -> int:
    """``value`` as an ``int`` if it is a whole number in ``[low, high]``, else a ValueError naming ``name``.

    The one integer check of the kit (run lengths, counts, sizes outside a
    declaration): the rules of :meth:`Param.validate` for an integer, so a
    ``numpy.int64`` is fine and ``True``, ``2.5``, ``inf`` or ``"3"`` are not.
    """
    try:
        return Param(0, low=low, high=high, kind=int, name=name).validate(value)
    except ValueError:
        pass
    if high is None and low in (0, 1):
        kind = "a positive integer" if low == 1 else "a non-negative integer"
    else:
        kind = Param(0, low=low, high=high, kind=int).range_text()
    raise ValueError(f"{name}={_short(value)} is not valid: {name} must be {kind}" + (f" ({doc})" if doc else ""))


def check_memory(name: str, value, nbytes: float, *, what: str = "") -> None:
    """Refuse a size parameter whose allocation needs more memory than the machine has.

    ``nbytes`` is the estimate of what ``name=value`` allocates; the check
    runs before anything is allocated, so a typo such as ``buffer_size=10**9``
    is a ValueError that names the parameter and says how much it needs,
    not a ``MemoryError`` from numpy (or a machine that starts to swap).
    """
    total = _physical_memory()
    if nbytes > total:
        what = f" for {what}" if what else ""
        raise ValueError(f"{name}={_short(value)} is too large: it needs {nbytes / 2**30:,.1f} GB{what}, "
                         f"more than this machine's {total / 2**30:,.1f} GB of memory; choose a smaller {name}")


def _physical_memory() -> float:
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume 16 GB
        return 16.0 * 2**30
