"""Progress bars for long work (tqdm.auto: a bar in notebooks, a line in a terminal)."""

from __future__ import annotations

import os

from tqdm.auto import tqdm

from .agent import Observer

__all__ = ["ProgressBar", "tqdm", "progress_enabled"]


def progress_enabled() -> bool:
    """Bars are on unless ``COURSE_PROGRESS=0`` (CI logs stay short)."""
    return os.environ.get("COURSE_PROGRESS", "1") != "0"


class ProgressBar(Observer):
    """A tqdm bar over episodes (or over steps when the run is bounded by steps)."""

    def __init__(self, episodes=None, steps=None, total_steps=None, start_total=0, desc="episodes"):
        self.by_steps = episodes is None and (steps is not None or total_steps is not None)
        if self.by_steps:
            total = steps if steps is not None else total_steps - start_total
            self.bar = tqdm(total=max(total, 0), desc="steps", unit="step", disable=not progress_enabled(),
                            mininterval=0.5)
        else:
            self.bar = tqdm(total=episodes, desc=desc, unit="ep", disable=not progress_enabled(),
                            mininterval=0.5)

    def on_step(self, agent, step):
        if self.by_steps:
            self.bar.update(1)

    def on_episode_end(self, agent, ep):
        if not self.by_steps:
            self.bar.update(1)
            self.bar.set_postfix(steps=ep.steps, ret=f"{ep.ret:g}", refresh=False)

    def on_run_end(self, agent, history):
        self.bar.close()
