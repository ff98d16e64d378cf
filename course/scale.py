"""Two scales, one code path: the switch between smoke, lesson and full scale.

* ``full``   — the numbers of the book or the paper (instructors, long runs);
* ``lesson`` — the default: every lesson top to bottom in minutes on a laptop CPU;
* ``smoke``  — CI: the same code on tiny budgets, chosen automatically when
  the environment variable ``CI`` is set.

``COURSE_SCALE=full`` (or ``lesson``/``smoke``) overrides the automatic choice.
Code asks :func:`pick`::

    episodes = scale.pick(smoke=20, lesson=200, full=500)
"""

from __future__ import annotations

import os

__all__ = ["SCALES", "current", "pick", "in_ci"]

SCALES = ("smoke", "lesson", "full")


def in_ci() -> bool:
    """Whether we run under CI: the environment variable ``CI`` is set to anything but ``""``, 0, false or no."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def current() -> str:
    """The scale in force: ``COURSE_SCALE`` if set, else ``smoke`` under CI, else ``lesson``."""
    value = os.environ.get("COURSE_SCALE", "").strip().lower()
    if value:
        if value not in SCALES:
            raise ValueError(f"COURSE_SCALE={value!r} is not valid: COURSE_SCALE must be one of {', '.join(SCALES)}")
        return value
    if in_ci():
        return "smoke"
    return "lesson"


def pick(*, smoke, lesson, full, scale: str | None = None):
    """The value for the current (or given) scale."""
    scale = scale or current()
    if scale not in SCALES:
        raise ValueError(f"scale={scale!r} is not valid: scale must be one of {', '.join(SCALES)}")
    return {"smoke": smoke, "lesson": lesson, "full": full}[scale]
