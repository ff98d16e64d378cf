"""Progress bars for long work (tqdm.auto: a bar in notebooks, a line in a terminal).

The :class:`~course.events.ProgressBar` observer lives with the other observers in :mod:`course.events`.
"""

from __future__ import annotations

from tqdm.auto import tqdm

from .events import ProgressBar, progress_enabled

__all__ = ["ProgressBar", "tqdm", "progress_enabled"]
