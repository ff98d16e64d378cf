"""Wall-clock and CPU seconds of a block, for the benchmarks::

    with Clock() as c:
        work()
    print(c.wall, c.cpu)

CPU time is printed beside wall time because on a shared machine the two differ.
"""

from __future__ import annotations

import time

__all__ = ["Clock"]


class Clock:
    """Wall-clock and CPU seconds (of this process) spent in a ``with`` block."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
