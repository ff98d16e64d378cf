"""The loop's events and their observers, in one module.

:meth:`course.agent.Agent.run` emits events; observers subscribe by
overriding any of :class:`Observer`'s methods (the way Stable-Baselines3
keeps every callback in one module):

* :class:`Step` after each step, :class:`EpisodeEnd` after each episode,
  and the run's start and end;
* :class:`History` is the per-episode record every agent keeps;
* :class:`ProgressBar` (tqdm.auto) and :class:`CheckpointEvery` are the
  observers the kit ships; live views and curves live in ``widgets/``.

This module imports neither the agents nor TensorFlow, so a Sarsa run that
checkpoints stays light.  ``course.agent`` re-exports the event types.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .params import check_int
from tqdm.auto import tqdm

# ``Agent`` in the annotations below is course.agent.Agent; it is not imported, so that this module, which
# course.agent imports, does not import it back.
__all__ = ["Step", "EpisodeEnd", "Observer", "History", "ProgressBar", "CheckpointEvery", "observes",
           "progress_enabled"]


@dataclass
class Step:
    """What happened in one step (sent to observers' ``on_step``)."""

    obs: Any
    action: Any
    reward: float
    next_obs: Any
    terminated: bool
    truncated: bool
    episode: int  # index of the episode this step belongs to (0-based)
    t: int  # step within the episode (1-based after the step)
    total_steps: int


@dataclass
class EpisodeEnd:
    """One finished episode (sent to observers' ``on_episode_end``)."""

    episode: int  # 0-based index
    steps: int
    ret: float
    error: float  # RMS error against true values, nan if unknown
    loss: float  # mean per-step learning signal (|TD error| or loss), nan if none
    terminated: bool
    total_steps: int


class Observer:
    """Subscribe to the loop's events by overriding any of these methods.

    ``on_step`` is only called for observers that override it, so a run with
    no step observer pays nothing for events in its hot loop.
    """

    def on_run_start(self, agent: "Agent") -> None: ...

    def on_step(self, agent: "Agent", step: Step) -> None: ...

    def on_episode_end(self, agent: "Agent", ep: EpisodeEnd) -> None: ...

    def on_run_end(self, agent: "Agent", history: "History") -> None: ...


def observes(obs: Observer, name: str) -> bool:
    """Whether ``obs`` overrides the event method ``name`` (the loop calls ``on_step`` only on those)."""
    return getattr(type(obs), name, None) is not getattr(Observer, name)


class History:
    """Per-episode metrics of an agent: steps, return, error, loss."""

    FIELDS = ("steps", "returns", "errors", "losses", "total_steps", "terminated")

    def __init__(self):
        for f in self.FIELDS:
            setattr(self, "_" + f, [])

    def append(self, ep: EpisodeEnd) -> None:
        self._steps.append(ep.steps)
        self._returns.append(ep.ret)
        self._errors.append(ep.error)
        self._losses.append(ep.loss)
        self._total_steps.append(ep.total_steps)
        self._terminated.append(ep.terminated)

    def __len__(self) -> int:
        return len(self._steps)

    @property
    def steps(self) -> np.ndarray:
        """Steps of each episode."""
        return np.asarray(self._steps, dtype=np.int64)

    @property
    def returns(self) -> np.ndarray:
        """Undiscounted return of each episode."""
        return np.asarray(self._returns, dtype=float)

    @property
    def errors(self) -> np.ndarray:
        """RMS error against true values at the end of each episode (nan if unknown)."""
        return np.asarray(self._errors, dtype=float)

    @property
    def losses(self) -> np.ndarray:
        """Mean per-step learning signal of each episode (nan if none)."""
        return np.asarray(self._losses, dtype=float)

    @property
    def total_steps(self) -> np.ndarray:
        """The agent's step counter at the end of each episode."""
        return np.asarray(self._total_steps, dtype=np.int64)

    @property
    def terminated(self) -> np.ndarray:
        return np.asarray(self._terminated, dtype=bool)

    def mean_return(self, last: int) -> float:
        r = self._returns[-last:]
        return float(np.mean(r)) if r else float("nan")

    def to_dict(self) -> dict[str, np.ndarray]:
        return {f: getattr(self, f) for f in self.FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, np.ndarray]) -> "History":
        h = cls()
        for f in cls.FIELDS:
            getattr(h, "_" + f).extend(np.asarray(d[f]).tolist())
        return h

    def __repr__(self) -> str:
        if not len(self):
            return "History(0 episodes)"
        return (f"History({len(self)} episodes, last steps {self._steps[-1]}, "
                f"last return {self._returns[-1]:g})")



# ---------------------------------------------------------------------------
# Observers the kit ships
# ---------------------------------------------------------------------------
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
        if self.bar.total and self.bar.n < self.bar.total:  # another stop rule came first: say which, end at 100%
            self.bar.set_postfix_str(f"stopped: {agent.stop_reason}", refresh=False)
            self.bar.total = self.bar.n
            self.bar.refresh()
        self.bar.close()


class CheckpointEvery(Observer):
    """Save the agent every ``every`` learning steps and at the end of each run.

    ``path`` may contain ``{step}`` to keep one file per save
    (``"runs/pong/step-{step}.npz"``); otherwise each save replaces the last
    one (atomically: an interrupted save leaves the previous file intact).
    Only the exact text ``{step}`` is replaced: any other braces in the path
    are kept as they are.  ``literal=True`` takes the path as it is given,
    ``{step}`` included (a path typed by a user, e.g. ``course train --out``).
    """

    def __init__(self, path: str | Path, every: int, *, literal: bool = False):
        every = check_int("every", every, doc="steps between saves")
        self.path = str(path)
        self.literal = bool(literal)
        self.every = int(every)
        self.saved_at: int | None = None  # the agent's step counter at the last save
        self.paths: list[Path] = []
        self._due = False  # a save that waits for the end of the episode in progress

    def _save(self, agent: "Agent") -> None:
        if agent.total_steps != self.saved_at:  # an evaluation run adds no steps: nothing new to save
            path = self.path if self.literal else self.path.replace("{step}", str(agent.total_steps))
            self.paths.append(agent.save(path))
            self.saved_at = agent.total_steps

    def on_step(self, agent, step):
        if step.total_steps % self.every == 0:
            if step.terminated or step.truncated:
                # The loop appends this episode to the history just after this call: saving now
                # would store its steps without its row, so wait for ``on_episode_end``.
                self._due = True
            else:
                self._save(agent)

    def on_episode_end(self, agent, episode):
        if self._due:
            self._due = False
            self._save(agent)

    def on_run_end(self, agent, history):
        self._due = False
        self._save(agent)
