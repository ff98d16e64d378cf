"""The mazes of Sutton & Barto's chapter 8 (planning and learning): lesson 10.

* the **Dyna maze** (Example 8.1, Figure 8.2): the kit's 6 x 9 maze with the
  book's rewards, 0 on every step and +1 on reaching the goal (with γ < 1,
  only discounting makes a short path better than a long one);
* the **blocking maze** (Example 8.2, Figure 8.4): a wall across the maze
  with a gap on the right; after ``change_at`` steps (1,000 in the book) the
  gap moves to the left, so the path the agent has learned is blocked;
* the **shortcut maze** (Example 8.3, Figure 8.5): the same wall with its
  gap on the left; after ``change_at`` steps (3,000 in the book) a second gap
  opens on the right, a shortcut nobody announces;
* :func:`scaled`: a maze with every cell replaced by a block of cells, for
  the mazes of growing size of Example 8.4 (prioritized sweeping).

A :class:`ChangingMaze` is a :class:`~course.envs.gridworld.GridWorld` whose
walls change once, after a number of steps counted over its whole life (all
episodes, not one): ``clock`` says how many steps it has taken, ``changed``
whether the walls have moved.  Everything else (state numbers, drawing,
``shortest_path_length``) is the grid world's, for the walls in force.
"""

from __future__ import annotations

from typing import Sequence

import gymnasium as gym

from .gridworld import MAZE, GridWorld, _is_int

__all__ = ["ChangingMaze", "scaled", "DYNA_MAZE", "BLOCKING_BEFORE", "BLOCKING_AFTER", "SHORTCUT_BEFORE",
           "SHORTCUT_AFTER", "ALIASES"]

#: The Dyna maze of Example 8.1 (the kit's "maze"): start on the left, goal top right, shortest path 14 steps.
DYNA_MAZE = MAZE

# Blocking maze (Figure 8.4): start at the bottom, goal top right; the wall's gap moves from right to left.
BLOCKING_BEFORE = (
    "........G",
    ".........",
    ".........",
    "########.",
    ".........",
    "...S.....",
)
BLOCKING_AFTER = (
    "........G",
    ".........",
    ".........",
    ".########",
    ".........",
    "...S.....",
)

# Shortcut maze (Figure 8.5): the gap on the left stays, a shorter one opens on the right.
SHORTCUT_BEFORE = BLOCKING_AFTER
SHORTCUT_AFTER = (
    "........G",
    ".........",
    ".........",
    ".#######.",
    ".........",
    "...S.....",
)


class ChangingMaze(GridWorld):
    """A grid world whose walls change from ``before`` to ``after`` once it has taken ``change_at`` steps.

    The step counter (``clock``) runs over all episodes and is never reset:
    build a new maze for a new experiment.  The change happens between two
    steps (the ``change_at``-th step is the last one in the old maze), even in
    the middle of an episode, as in the book; an agent that stands where a
    wall appears simply walks out of it.  Other keyword arguments are the
    grid world's (``reward``, ``n_actions``, ``obs``, ...); both maps must
    have the same size, start and goal.
    """

    def __init__(self, before: Sequence[str], after: Sequence[str], *, change_at: int = 1000, **kwargs):
        if not _is_int(change_at) or change_at < 0:
            raise ValueError(f"change_at={change_at!r} is not valid: change_at must be a non-negative integer "
                             f"(the number of steps before the walls change)")
        super().__init__(after, **kwargs)
        later = {k: getattr(self, k) for k in ("layout", "_next", "_reward", "_terminal", "_canvas",
                                               "start_state", "goal_state", "_image_background")
                 if hasattr(self, k)}  # (the image observation's background exists with obs="image" only)
        super().__init__(before, **kwargs)
        if (len(before), len(before[0])) != (len(after), len(after[0])):
            raise ValueError("after is not valid: the maze after the change must have the size of the maze before it")
        if (later["start_state"], later["goal_state"]) != (self.start_state, self.goal_state):
            raise ValueError("after is not valid: the maze after the change must keep the start and the goal")
        self._later = later
        self.change_at = int(change_at)
        self.clock = 0
        self.changed = False
        if self.change_at == 0:
            self._change()

    def _change(self) -> None:
        for k, v in self._later.items():
            setattr(self, k, v)
        self.changed = True

    def step(self, action):
        result = super().step(action)
        self.clock += 1
        if self.clock == self.change_at and not self.changed:
            self._change()
        return result


def scaled(layout: Sequence[str], rows: int, cols: int | None = None) -> tuple[str, ...]:
    """``layout`` with every cell made a block of ``rows`` x ``cols`` cells (Example 8.4's larger mazes).

    Walls become blocks of walls; the start and the goal stay single cells,
    in the top-left corner of their blocks (the rest of their block is free),
    so the shortest path grows with the maze.  ``scaled(DYNA_MAZE, 2)`` has
    4 x 47 = 188 free cells; alternating ``(1, 2)``, ``(2, 2)``, ``(2, 4)``, ...
    doubles the number of cells at each size, as in the book's figure.
    """
    cols = rows if cols is None else cols
    for name, k in (("rows", rows), ("cols", cols)):
        if not _is_int(k) or k < 1:
            raise ValueError(f"{name}={k!r} is not valid: {name} must be a positive integer (the scale factor)")
    out = []
    for line in layout:
        for i in range(rows):
            row = ""
            for ch in line:
                block = ch * cols if ch in "#." else (ch + "." * (cols - 1) if i == 0 else "." * cols)
                row += block
            out.append(row)
    return tuple(out)


_MAZES = {  # short name: (gymnasium id, class, keyword arguments)
    "dyna-maze": ("course/DynaMaze-v0", "GridWorld", {"layout": DYNA_MAZE, "reward": "goal+1"}),
    "blocking-maze": ("course/BlockingMaze-v0", "ChangingMaze",
                      {"before": BLOCKING_BEFORE, "after": BLOCKING_AFTER, "change_at": 1000, "reward": "goal+1"}),
    "shortcut-maze": ("course/ShortcutMaze-v0", "ChangingMaze",
                      {"before": SHORTCUT_BEFORE, "after": SHORTCUT_AFTER, "change_at": 3000, "reward": "goal+1"}),
}

#: Short names for :func:`course.envs.make`.
ALIASES: dict[str, str] = {short: env_id for short, (env_id, _, _) in _MAZES.items()}


def _register() -> None:
    for env_id, cls, kwargs in _MAZES.values():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=f"{__name__}:{cls}", kwargs=kwargs)


_register()
