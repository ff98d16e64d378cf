"""Throttles: how live views stay cheap whatever the speed of the learner.

A live view (frames, curves, overlays) is drawn between two steps of the
agent, in the learning thread: the time it takes is taken from learning.  A
:class:`Throttle` lets the view draw at most ``rate`` times a second (the
display cannot show more) *and* spend at most a ``share`` of the learning
thread's time: after a drawing that took ``d`` seconds of CPU time the next
one waits until ``d / share`` seconds after this one began.  On a fast
machine the rate decides; on a slow one, or for an expensive picture (an
overlay, a matplotlib figure), the share does, and the view updates less
often instead of slowing learning down.

The cost is measured in CPU time of the thread that draws, not in wall
time: on a machine shared with other programs a drawing may wait for the
processor, and that wait is not a cost the learner would have saved.
"""

from __future__ import annotations

import time

__all__ = ["Throttle"]


class Throttle:
    """Allows an action at most ``rate`` times a second and at most ``share`` of the thread's time.

    Use::

        if throttle.due():
            begun = throttle.begin()
            draw()
            throttle.done(begun)
    """

    def __init__(self, rate: float, share: float = 1.0):
        if not rate > 0:
            raise ValueError(f"rate={rate!r} is not valid: rate must be a positive number per second")
        if not 0 < share <= 1:
            raise ValueError(f"share={share!r} is not valid: share must be in (0, 1]")
        self.period = 1.0 / rate
        self.share = share
        self._next = 0.0

    def due(self) -> bool:
        """True when the action may run now."""
        return time.perf_counter() >= self._next

    @staticmethod
    def begin() -> tuple[float, float]:
        """The wall clock and the thread's CPU clock as an action begins."""
        return time.perf_counter(), time.thread_time()

    def done(self, begun: tuple[float, float]) -> None:
        """Tell the throttle that the action begun at ``begun`` (from :meth:`begin`) has ended."""
        wall, cpu = begun
        cost = time.thread_time() - cpu
        self._next = wall + max(self.period, cost / self.share)
