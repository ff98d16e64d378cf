"""Grid worlds and random walks: the small worlds of tabular reinforcement learning.

A grid world is a map of cells drawn as text, one string per row::

    ".......#G"      '#' a wall          'S' the start
    "..#....#."      '.' a free cell     'G' the goal
    "S.#....#."      'C' a cliff cell (stepping in costs dearly and sends
    ...                  the agent back to the start)

The agent stands in one cell, the *state*, numbered ``row * n_cols + col``.
An action moves it one cell (up, right, down, left; with ``n_actions=8`` the
four diagonals too).  Walls and the edge of the map stop it: it stays where
it is, and the step still counts.  A *wind* may push it further up after
each move.  Reaching the goal ends the episode.  What each step is worth is
a named *reward scheme* (:data:`REWARD_SCHEMES`): with ``"step-1"`` every
step costs -1, so the return of an episode is minus its length and the best
policy is the shortest path.

The worlds are deterministic: the same state and action always lead to the
same next state.  So each world computes its whole transition table once,
when it is built; ``step`` is then a table look-up, and the same table
answers :meth:`GridWorld.shortest_path_length` (breadth-first search) and
:meth:`GridWorld.greedy_path`.

The agent can see its world in three ways (``obs=``): the state's index (for
tables), a one-hot vector (for linear methods), or a small grey image of the
map with the agent painted in it (for a convolutional network, lesson 16).
``render()`` and :meth:`GridWorld.draw` paint an RGB picture with numpy alone;
``draw`` can overlay state values as a heat map, action values as one
coloured wedge per action, and the greedy policy as arrows.  All pixels that
do not change (the map, the wedge and arrow shapes) are computed once, so a
frame costs a copy and a few indexed assignments.

:class:`RandomWalk` is the book's random walk (Sutton & Barto, Example 6.2
and chapter 7): a row of states between two terminal ends.

The named worlds are registered with gymnasium under ``course/`` and have
short names for :func:`course.envs.make`; see :data:`ALIASES`.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple, Sequence

import gymnasium as gym
import numpy as np

from ..params import check_int
from .models import Model, deterministic_model

__all__ = ["GridWorld", "RandomWalk", "Rewards", "REWARD_SCHEMES", "MOVES", "OBS_TYPES", "ALIASES",
           "GRID", "MAZE", "LARGE_MAZE", "CLIFF", "WINDY", "WINDY_WIND",
           "CornerGrid", "CORNER_GRID"]


# ---------------------------------------------------------------------------
# Rewards, moves, observation types
# ---------------------------------------------------------------------------

class Rewards(NamedTuple):
    """What one step is worth, by what happened on it."""

    step: float   # an ordinary step (including a bump into a wall)
    goal: float   # the step that reaches the goal
    cliff: float  # the step into a cliff cell (the agent is sent back to the start)
    doc: str


REWARD_SCHEMES: dict[str, Rewards] = {
    "step-1": Rewards(-1.0, -1.0, -1.0, "-1 on every step: the return is minus the number of steps"),
    "goal+1": Rewards(0.0, 1.0, 0.0, "0 everywhere, +1 on reaching the goal: only discounting favours short paths"),
    "cliff": Rewards(-1.0, -1.0, -100.0, "-1 per step, -100 for stepping into the cliff"),
}

#: The actions as (name, (row change, column change)).  The first four are
#: the moves of ``n_actions=4``; ``n_actions=8`` adds the diagonals, so an
#: action index means the same move in both.  Rows grow downwards.
MOVES: tuple[tuple[str, tuple[int, int]], ...] = (
    ("up", (-1, 0)), ("right", (0, 1)), ("down", (1, 0)), ("left", (0, -1)),
    ("up-right", (-1, 1)), ("down-right", (1, 1)), ("down-left", (1, -1)), ("up-left", (-1, -1)),
)

OBS_TYPES = ("index", "onehot", "image")

#: The grey image observation is about IMAGE_SIZE pixels along the longer
#: side of the map and at least IMAGE_MIN along the shorter one (the smallest
#: input the Nature-DQN convolution stack of lesson 16 accepts).
IMAGE_SIZE, IMAGE_MIN = 84, 36


# ---------------------------------------------------------------------------
# The named worlds
# ---------------------------------------------------------------------------

GRID = (
    "S....",
    ".....",
    ".....",
    ".....",
    "....G",
)

# Sutton & Barto's Dyna maze (Example 8.1): 6 x 9, shortest path 14 steps.
MAZE = (
    ".......#G",
    "..#....#.",
    "S.#....#.",
    "..#......",
    ".....#...",
    ".........",
)

# A 15 x 19 maze (a randomly carved maze with a few extra openings, so that
# there is more than one way through); shortest path 64 steps.
LARGE_MAZE = (
    "S..#.....#...#...#.",
    "##.#.###.#.#.#.#.#.",
    "...#.......#.#.#.#.",
    ".#.#.#.#.###.#.#.#.",
    ".#.#.#.#...#...#.#.",
    ".#.###.###.#####.#.",
    "...#.........#...#.",
    ".###.###.###.#.###.",
    ".#...#...#...#.....",
    ".###.#.###########.",
    "...#.#.............",
    "##.#.###.#######.##",
    "...#...#.#.......#.",
    ".#####.#.#.#.###.#.",
    ".......#.....#....G",
)

# Cliff walking (Example 6.6): the bottom row between start and goal is cliff.
CLIFF = (
    "............",
    "............",
    "............",
    "SCCCCCCCCCCG",
)

# Windy grid world (Example 6.5): 7 x 10, the wind blows up, per column.
WINDY = (
    "..........",
    "..........",
    "..........",
    "S......G..",
    "..........",
    "..........",
    "..........",
)
WINDY_WIND = (0, 0, 0, 1, 1, 1, 2, 2, 1, 0)


# ---------------------------------------------------------------------------
# Drawing: pixel art of a grid of cells
# ---------------------------------------------------------------------------

# Cell kinds and their colours.
FREE, WALL, CLIFF_CELL, GOAL, END = range(5)
_PALETTE = np.array([
    (250, 250, 250),  # FREE
    (55, 62, 74),     # WALL
    (196, 78, 62),    # CLIFF_CELL
    (86, 180, 96),    # GOAL
    (150, 150, 150),  # END: a terminal state that is not the goal
], dtype=np.uint8)
_GRID_LINE = np.array((205, 205, 205), dtype=np.uint8)
_START_RING = np.array((70, 130, 220), dtype=np.uint8)
_AGENT = np.array((240, 130, 20), dtype=np.uint8)
_INK = np.array((20, 20, 20), dtype=np.uint8)
_HALO = np.array((255, 255, 255), dtype=np.uint8)

# Grey levels of the image observation, by cell kind: a black floor, grey walls, a lighter goal, and
# the agent white.  The agent is the only thing that moves, so it gets the strongest contrast with the
# floor it stands on: on the 6x9 maze a DQN then tells the cells apart within a few thousand steps
# (seeds 10 and 11: the greedy path is the shortest one by episode 60), where a grey floor of 170
# under a white agent (a third of the contrast) left it walking in circles after 150 episodes.
_GREY = np.array([0, 100, 50, 150, 150], dtype=np.uint8)  # FREE, WALL, CLIFF_CELL, GOAL, END
_GREY_AGENT = 255

# A colour map for values (viridis, sampled at 9 points and interpolated):
# dark purple for the lowest value on the picture, yellow for the highest.
_VIRIDIS = np.array([(68, 1, 84), (71, 45, 123), (59, 82, 139), (44, 114, 142), (33, 145, 140),
                     (40, 174, 128), (94, 201, 98), (170, 220, 50), (253, 231, 37)], dtype=float)
_LUT = np.stack([np.interp(np.linspace(0, 1, 256), np.linspace(0, 1, len(_VIRIDIS)), _VIRIDIS[:, k])
                 for k in range(3)], axis=1).round().astype(np.uint8)


def _render_cell_size(n_rows: int, n_cols: int) -> int:
    """Pixels per cell of the RGB picture: about 720 px along the longer side, 12 to 48 px a cell."""
    return int(np.clip(720 // max(n_rows, n_cols), 12, 48))


def _dilate(mask: np.ndarray) -> np.ndarray:
    """``mask`` grown by one pixel in all eight directions."""
    p = np.pad(mask, 1)
    h, w = mask.shape
    return np.any([p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=0)


class _Canvas:
    """The RGB picture of a grid of cells, with overlays, painted by numpy indexing.

    Every cell is a square of ``cell`` pixels whose top row and left column
    are grid lines.  At construction the canvas draws the background once
    and turns every shape it will ever paint (the agent's disc, one arrow and
    one value wedge per action) into lists of flat pixel offsets from a
    cell's corner.  Painting a frame is then: copy the background, gather
    colours, assign them to those pixels.

    ``overlay`` marks the cells where the agent acts (not walls, cliffs or
    terminal cells): only they get value colours and policy arrows.
    """

    def __init__(self, kinds: np.ndarray, directions: Sequence[tuple[int, int]], overlay: np.ndarray,
                 start: int):
        rows, cols = kinds.shape
        cell = _render_cell_size(rows, cols)
        inner = cell - 1
        self.shape = (rows * cell + 1, cols * cell + 1, 3)
        width = self.shape[1]

        bg = np.empty(self.shape, dtype=np.uint8)
        bg[:] = _GRID_LINE
        for r in range(rows):
            for c in range(cols):
                bg[r * cell + 1:(r + 1) * cell, c * cell + 1:(c + 1) * cell] = _PALETTE[kinds[r, c]]
        self._background = bg

        # Flat index of the top-left inner pixel of every cell, and of every
        # inner pixel relative to it; (y, x) are a pixel's coordinates
        # relative to the cell's centre, in cell widths (-0.5 .. 0.5).
        r, c = np.divmod(np.arange(rows * cols), cols)
        self._corner = (r * cell + 1) * width + c * cell + 1
        ys, xs = np.mgrid[0:inner, 0:inner]
        offsets = ys * width + xs
        y, x = (ys + 0.5) / inner - 0.5, (xs + 0.5) / inner - 0.5

        # Value colours: every inner pixel of every overlay cell.
        self._active = np.flatnonzero(overlay.ravel())
        self._pixels = (self._corner[self._active][:, None] + offsets.ravel()[None, :]).ravel()
        self._pixel_rank = np.repeat(np.arange(self._active.size), inner * inner)
        # Action-value wedges: each pixel belongs to the action whose
        # direction is closest to the pixel's direction from the centre.
        units = np.array(directions, dtype=float)
        units /= np.linalg.norm(units, axis=1, keepdims=True)
        wedge = np.argmax(y[None] * units[:, 0, None, None] + x[None] * units[:, 1, None, None], axis=0)
        self._pixel_wedge = np.tile(wedge.ravel(), self._active.size) * self._active.size + self._pixel_rank

        ring = max(1, inner // 12)
        edge = np.maximum(np.abs(ys - (inner - 1) / 2), np.abs(xs - (inner - 1) / 2)) > (inner - 1) / 2 - ring
        self._start_ring = self._corner[start] + offsets[edge]

        def sprite(core: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return offsets[_dilate(core) & ~core], offsets[core]

        self._agent = sprite(y ** 2 + x ** 2 <= 0.3 ** 2)
        self._arrows = []
        for uy, ux in units:
            along, across = y * uy + x * ux, np.abs(y * ux - x * uy)
            shaft = (along >= -0.32) & (along <= 0.1) & (across <= 0.05)
            head = (along >= 0.05) & (along <= 0.36) & (across <= 0.8 * (0.36 - along))
            self._arrows.append(sprite(shaft | head))

    def paint(self, values=None, q=None, policy=None, agent: int | None = None) -> np.ndarray:
        """A new frame: background, then values, action values, start ring, arrows, agent."""
        img = self._background.copy()
        rgb = img.reshape(-1, 3)         # one row per pixel: for shapes painted in one colour
        px = img.reshape(-1).view("V3")  # one element per pixel: copies many colours several times faster
        active = self._active
        if values is not None:
            px[self._pixels] = _colours(np.asarray(values, dtype=float)[active])[self._pixel_rank]
        if q is not None:
            px[self._pixels] = _colours(np.asarray(q, dtype=float)[:, active])[self._pixel_wedge]
        rgb[self._start_ring] = _START_RING
        if policy is not None:
            table = np.asarray(policy, dtype=float)[:, active]
            best = np.argmax(table, axis=0)
            decided = table.max(axis=0) > table.min(axis=0)  # no arrow where all actions tie
            for a, (halo, core) in enumerate(self._arrows):
                corners = self._corner[active[decided & (best == a)]][:, None]
                rgb[(corners + halo).ravel()] = _HALO
                rgb[(corners + core).ravel()] = _INK
        if agent is not None:
            halo, core = self._agent
            rgb[self._corner[agent] + halo] = _INK
            rgb[self._corner[agent] + core] = _AGENT
        return img


def _colours(v: np.ndarray) -> np.ndarray:
    """Colours of values, flattened to one 3-byte pixel per value: lowest dark, highest yellow, nan blank."""
    finite = np.isfinite(v)
    out = np.empty(v.shape + (3,), dtype=np.uint8)
    out[~finite] = _PALETTE[FREE]
    if finite.any():
        lo, hi = v[finite].min(), v[finite].max()
        t = (v[finite] - lo) / (hi - lo) if hi > lo else np.full(int(finite.sum()), 0.5)
        out[finite] = _LUT[(t * 255).round().astype(int)]
    return out.reshape(-1).view("V3")


# ---------------------------------------------------------------------------
# The environments
# ---------------------------------------------------------------------------

class _CellWorld(gym.Env):
    """What grid worlds and random walks share: cells, state numbering, drawing.

    State ``s`` is the cell ``divmod(s, n_cols)``.  Subclasses set
    ``self._state`` and call :meth:`_init_cells` from their constructor.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def _init_cells(self, kinds: np.ndarray, directions, overlay: np.ndarray, start: int,
                    render_mode: str | None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode={render_mode!r} is not valid: render_mode must be 'rgb_array' or None")
        self.render_mode = render_mode
        self.n_rows, self.n_cols = kinds.shape
        self.n_states = self.n_rows * self.n_cols
        self.n_actions = len(directions)
        self._canvas = _Canvas(kinds, directions, overlay, start)

    def state_of(self, row: int, col: int) -> int:
        """The state number of cell (row, col)."""
        return int(row) * self.n_cols + int(col)

    def pos_of(self, state: int) -> tuple[int, int]:
        """The cell (row, col) of a state number."""
        row, col = divmod(int(state), self.n_cols)
        return row, col

    def _check_table(self, name: str, table, shape: tuple[int, ...]) -> np.ndarray | None:
        if table is None:
            return None
        table = np.asarray(table, dtype=float)
        if table.shape != shape:
            raise ValueError(f"{name} has shape {table.shape}, which is not valid: {name} must have shape {shape} "
                             f"({'n_actions, ' if len(shape) == 2 else ''}n_states)")
        return table

    def draw(self, values=None, q=None, policy=None, agent: bool = True) -> np.ndarray:
        """An RGB picture (uint8, height x width x 3) of the world, with optional overlays.

        values : one value per state (length ``n_states``), shown as a heat
            map from dark purple (lowest) to yellow (highest).
        q : action values, shape ``(n_actions, n_states)``; each cell is
            split into one wedge per action, pointing the way the action
            moves, coloured by its value.
        policy : an action-value table of the same shape; the greedy action
            of each state (its argmax) is drawn as an arrow, except where all
            actions tie.
        agent : draw the agent (an orange disc) where it stands.
        """
        values = self._check_table("values", values, (self.n_states,))
        q = self._check_table("q", q, (self.n_actions, self.n_states))
        policy = self._check_table("policy", policy, (self.n_actions, self.n_states))
        return self._canvas.paint(values, q, policy, self._state if agent else None)

    def render(self):
        """The current frame as an RGB array (``render_mode="rgb_array"``); None without a render mode."""
        if self.render_mode is None:
            return None
        return self.draw()


class GridWorld(_CellWorld):
    """A grid world built from a text map (see the module's docstring).

    Parameters
    ----------
    layout : the map, one string per row: ``'#'`` wall, ``'S'`` start,
        ``'G'`` goal, ``'C'`` cliff, ``'.'`` free.
    reward : name of a reward scheme of :data:`REWARD_SCHEMES`.
    n_actions : 4 (up, right, down, left) or 8 (and the diagonals).
    start, goal : (row, col) to use instead of the map's ``'S'`` / ``'G'``.
    wind : per column, how many cells the wind pushes the agent up after a
        move out of that column (it stops at walls and the edge).
    obs : what the agent observes: ``"index"`` (the state number,
        ``Discrete(n_states)``), ``"onehot"`` (a float32 vector of length
        ``n_states``), ``"image"`` (a grey uint8 image of shape (H, W, 1),
        square pixels per cell, about 84 pixels along its longer side and at
        least 36 along the shorter; a black floor, grey walls and goal, the
        agent white: 54x81x1 for the 6x9 maze).
    render_mode : ``"rgb_array"`` (``render()`` returns the picture) or None.

    Besides the helpers of every cell world (``n_rows``, ``n_cols``,
    ``n_states``, ``state_of``, ``pos_of``, ``draw``), a grid world knows
    ``start_state`` and ``goal_state`` (state numbers), ``action_names``,
    ``wind``, and answers :meth:`shortest_path_length` and :meth:`greedy_path`.
    """

    def __init__(self, layout: Sequence[str], *, reward: str = "step-1", n_actions: int = 4,
                 start: tuple[int, int] | None = None, goal: tuple[int, int] | None = None,
                 wind: Sequence[int] | None = None, obs: str = "index", render_mode: str | None = "rgb_array"):
        grid = _parse_layout(layout)
        rows, cols = grid.shape
        if not isinstance(reward, str) or reward not in REWARD_SCHEMES:
            raise ValueError(f"reward={reward!r} is not valid: reward must be one of {', '.join(REWARD_SCHEMES)}")
        if not _is_int(n_actions) or n_actions not in (4, 8):
            raise ValueError(f"n_actions={n_actions!r} is not valid: n_actions must be 4 or 8")
        if not isinstance(obs, str) or obs not in OBS_TYPES:
            raise ValueError(f"obs={obs!r} is not valid: obs must be one of {', '.join(OBS_TYPES)}")
        start = _find_cell(grid, "start", "S", start)
        goal = _find_cell(grid, "goal", "G", goal)
        if start == goal:
            raise ValueError(f"start={start!r} is not valid: start must differ from goal {goal!r}")
        wind = _check_wind(wind, cols)

        self.layout = tuple(layout)
        self.reward_scheme = reward
        self.wind = wind
        self.obs_type = obs
        kinds = np.select([grid == "#", grid == "C"], [WALL, CLIFF_CELL], FREE)
        kinds[goal] = GOAL
        self.start_state, self.goal_state = start[0] * cols + start[1], goal[0] * cols + goal[1]
        moves = [move for _, move in MOVES[:n_actions]]
        self.action_names = tuple(name for name, _ in MOVES[:n_actions])
        self._init_cells(kinds, moves, kinds == FREE, self.start_state, render_mode)
        self._state = self.start_state

        self._next, self._reward, self._terminal = self._transition_table(kinds, moves, REWARD_SCHEMES[reward])
        self.action_space = gym.spaces.Discrete(n_actions)
        if obs == "index":
            self.observation_space = gym.spaces.Discrete(self.n_states)
        elif obs == "onehot":
            self.observation_space = gym.spaces.Box(0.0, 1.0, (self.n_states,), dtype=np.float32)
            self._onehot = np.eye(self.n_states, dtype=np.float32)
        else:
            k = max(IMAGE_SIZE // max(rows, cols), -(-IMAGE_MIN // min(rows, cols)))  # pixels per cell
            self._image_cell = k
            self._image_margin = 1 if k >= 3 else 0
            self._image_background = np.repeat(np.repeat(_GREY[kinds], k, axis=0), k, axis=1)[..., None]
            self.observation_space = gym.spaces.Box(0, 255, self._image_background.shape, dtype=np.uint8)

    def _transition_table(self, kinds: np.ndarray, moves, rewards: Rewards):
        """Next state, reward and termination for every (state, action): the world's model."""
        rows, cols = kinds.shape

        def enter(r, c, nr, nc):  # a wall or the edge stops the agent where it is
            if 0 <= nr < rows and 0 <= nc < cols and kinds[nr, nc] != WALL:
                return nr, nc
            return r, c

        nxt = np.empty((self.n_states, len(moves)), dtype=np.int64)
        reward = np.empty((self.n_states, len(moves)))
        terminal = np.zeros((self.n_states, len(moves)), dtype=bool)
        for s in range(self.n_states):
            r0, c0 = divmod(s, cols)
            for a, (dr, dc) in enumerate(moves):
                r, c = enter(r0, c0, r0 + dr, c0 + dc)
                for _ in range(min(self.wind[c0], rows)):  # the wind of the column left (rows pushes reach the top)
                    r, c = enter(r, c, r - 1, c)
                nxt[s, a], reward[s, a] = r * cols + c, rewards.step
                if kinds[r, c] == CLIFF_CELL:
                    nxt[s, a], reward[s, a] = self.start_state, rewards.cliff
                elif kinds[r, c] == GOAL:
                    reward[s, a], terminal[s, a] = rewards.goal, True
        return nxt, reward, terminal

    def _observe(self, state: int):
        if self.obs_type == "index":
            return state
        if self.obs_type == "onehot":
            return self._onehot[state].copy()
        img = self._image_background.copy()
        k, m = self._image_cell, self._image_margin
        r, c = divmod(state, self.n_cols)
        img[r * k + m:(r + 1) * k - m, c * k + m:(c + 1) * k - m] = _GREY_AGENT
        return img

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._state = self.start_state
        return self._observe(self._state), {}

    def step(self, action):
        a = _action(action, self.n_actions)
        s = self._state
        self._state = int(self._next[s, a])
        return self._observe(self._state), float(self._reward[s, a]), bool(self._terminal[s, a]), False, {}

    def shortest_path_length(self) -> int | None:
        """The fewest steps from the start to the goal (breadth-first search), or None if unreachable."""
        dist = {self.start_state: 0}
        frontier = deque([self.start_state])
        while frontier:
            s = frontier.popleft()
            for a in range(self.n_actions):
                if self._terminal[s, a]:
                    return dist[s] + 1
                s2 = int(self._next[s, a])
                if s2 not in dist:
                    dist[s2] = dist[s] + 1
                    frontier.append(s2)
        return None

    def greedy_path(self, q, max_steps: int | None = None) -> list[tuple[int, int]]:
        """The cells visited by following argmax ``q[:, s]`` from the start.

        ``q`` has shape ``(n_actions, n_states)``.  The walk uses the world's
        own deterministic moves (no exploration, ties go to the first
        action) and stops at the goal or after ``max_steps`` steps (default
        ``n_states``: a greedy walk that has not arrived by then is going
        round in circles).  The list starts with the start cell.
        """
        q = self._check_table("q", q, (self.n_actions, self.n_states))
        if max_steps is None:
            max_steps = self.n_states
        elif not _is_int(max_steps) or max_steps < 0:
            raise ValueError(f"max_steps={max_steps!r} is not valid: max_steps must be a non-negative integer")
        s = self.start_state
        path = [self.pos_of(s)]
        for _ in range(max_steps):
            a = int(np.argmax(q[:, s]))
            done = self._terminal[s, a]
            s = int(self._next[s, a])
            path.append(self.pos_of(s))
            if done:
                break
        return path

    def model(self) -> Model:
        """The world's dynamics p(s', r | s, a) as a :class:`~course.envs.models.Model` (for dynamic programming).

        Built from the same transition table that ``step`` reads.  Terminal
        (value 0, no decision): the goal cells, and the walls and cliff cells
        the agent never stands in.
        """
        grid = np.array([list(row) for row in self.layout]).ravel()
        terminal = np.isin(grid, ["#", "C"])
        terminal[np.unique(self._next[self._terminal])] = True
        return deterministic_model(self._next, self._reward, terminal, self.action_names)


class RandomWalk(_CellWorld):
    """The book's random walk: ``n`` states in a row between two terminal ends.

    States are numbered 0 .. n+1 from left to right; 0 and n+1 are terminal
    and the walk starts in the middle state.  There are two actions, left
    (0) and right (1), so an agent that picks them uniformly at random *is*
    the random walk of the book, and its prediction of the state values can
    be compared with the true ones.

    Leaving at the right end pays ``right_reward``, at the left end
    ``left_reward``; every other step pays 0.  Without discounting, the value
    of a state is the expected final reward, which for a symmetric walk
    grows linearly from left to right: ``true_values[i] = left + (right -
    left) * i / (n + 1)``.  Example 6.2 (5 states, rewards 0 and 1) gives
    1/6 .. 5/6; chapter 7's 19-state walk (rewards -1 and +1) gives -0.9 ..
    0.9.  ``true_values`` is nan at the two terminal states.
    """

    def __init__(self, n: int = 5, *, left_reward: float = 0.0, right_reward: float = 1.0,
                 render_mode: str | None = "rgb_array"):
        self.n = check_int("n", n, high=MAX_WALK, doc="the number of non-terminal states")
        self.left_reward = _reward("left_reward", left_reward)
        self.right_reward = _reward("right_reward", right_reward)
        self.start_state = (self.n + 1) // 2
        kinds = np.array([[END] + [FREE] * self.n + [GOAL]])
        self.action_names = ("left", "right")
        self._init_cells(kinds, [(0, -1), (0, 1)], kinds == FREE, self.start_state, render_mode)
        self._state = self.start_state
        self.observation_space = gym.spaces.Discrete(self.n + 2)
        self.action_space = gym.spaces.Discrete(2)
        self.true_values = np.full(self.n + 2, np.nan)
        i = np.arange(1, self.n + 1)
        self.true_values[1:-1] = self.left_reward + (self.right_reward - self.left_reward) * i / (self.n + 1)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._state = self.start_state
        return self._state, {}

    def step(self, action):
        a = _action(action, 2, "0 (left) or 1 (right)")
        self._state += 1 if a == 1 else -1
        if self._state == 0:
            return self._state, self.left_reward, True, False, {}
        if self._state == self.n + 1:
            return self._state, self.right_reward, True, False, {}
        return self._state, 0.0, False, False, {}

    def model(self) -> Model:
        """The walk's dynamics p(s', r | s, a) as a :class:`~course.envs.models.Model` (terminal: both ends)."""
        s = np.arange(self.n + 2)
        nxt = np.clip(np.stack([s - 1, s + 1], axis=1), 0, self.n + 1)
        reward = np.where(nxt == 0, self.left_reward, np.where(nxt == self.n + 1, self.right_reward, 0.0))
        terminal = np.zeros(self.n + 2, dtype=bool)
        terminal[[0, self.n + 1]] = True
        return deterministic_model(nxt, reward, terminal, self.action_names)


# Sutton & Barto's Example 4.1: a 4 x 4 grid whose two opposite corners are terminal.
CORNER_GRID = (
    "G...",
    "....",
    "....",
    "...G",
)


class CornerGrid(GridWorld):
    """A grid world in which every ``'G'`` of the map is a terminal goal (Example 4.1 has two corners).

    ``GridWorld`` knows one goal; this world makes each ``'G'`` cell a goal
    (the transition table, the picture and :meth:`model` follow).  Episodes
    start in a uniformly random non-terminal cell (``start=(row, col)`` fixes
    it), since the book's grid has no start.  Default: the 4 x 4 grid of
    Example 4.1 with -1 per step; its random policy's values are those of
    the book's Figure 4.1 (0, -14, -20, -22 in the first row).
    """

    def __init__(self, layout: Sequence[str] = CORNER_GRID, *, start: tuple[int, int] | None = None, **kwargs):
        grid = _parse_layout(layout)
        goals = [tuple(int(v) for v in rc) for rc in np.argwhere(grid == "G")]
        if not goals:
            raise ValueError("layout is not valid: a CornerGrid needs at least one 'G' cell")
        free = [tuple(int(v) for v in rc) for rc in np.argwhere(grid == ".")]
        self._random_start = start is None and "S" not in "".join(layout)
        if start is None and self._random_start:
            start = free[0]
        self._goal_cells = goals
        super().__init__(layout, start=start, goal=goals[-1], **kwargs)

    def _init_cells(self, kinds, directions, overlay, start, render_mode) -> None:
        for rc in self._goal_cells:  # every 'G' is a goal: marked before the picture and the table are built
            kinds[rc] = GOAL
            overlay[rc] = False
        super()._init_cells(kinds, directions, overlay, start, render_mode)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        obs, info = super().reset(seed=seed, options=options)
        if self._random_start:
            if not hasattr(self, "_starts"):
                self._starts = np.flatnonzero(~self.model().terminal)
            self._state = int(self.np_random.choice(self._starts))
            obs = self._observe(self._state)
        return obs, info


# ---------------------------------------------------------------------------
# Checking the arguments
# ---------------------------------------------------------------------------

#: The longest random walk (a picture of one cell per state is drawn for it).
MAX_WALK = 10_000


def _action(action, n: int, valid: str = "") -> int:
    """``action`` as an int in [0, n), else a ValueError naming it (1.7 is not an action, nor is True)."""
    if type(action) is int or isinstance(action, np.integer):  # the fast path of the loop
        a = int(action)
    elif isinstance(action, np.ndarray) and action.ndim == 0 and action.dtype.kind in "iu":
        a = int(action)
    else:
        a = -1
    if not 0 <= a < n:
        raise ValueError(f"action={action!r} is not valid: action must be {valid or f'an integer in [0, {n})'}")
    return a


def _reward(name: str, value) -> float:
    """A reward given as an argument: a finite number, else a ValueError naming it."""
    from ..params import Param

    return Param(0.0, kind=float, name=name, doc="reward").validate(value)


def _is_int(value) -> bool:
    try:
        check_int("value", value, low=None)
    except ValueError:
        return False
    return True


def _parse_layout(layout) -> np.ndarray:
    """The map as a 2-D array of characters, after checking it."""
    if isinstance(layout, str) or not layout or not all(isinstance(row, str) for row in layout):
        raise ValueError(f"layout={layout!r} is not valid: layout must be a non-empty list of strings, one per row")
    widths = {len(row) for row in layout}
    if len(widths) != 1 or 0 in widths:
        raise ValueError(f"layout is not valid: all rows must have the same, non-zero length (got lengths "
                         f"{sorted(widths)})")
    bad = set("".join(layout)) - set("#SGC.")
    if bad:
        raise ValueError(f"layout is not valid: unknown cell characters {sorted(bad)}; layout may use "
                         f"'#' wall, 'S' start, 'G' goal, 'C' cliff, '.' free")
    return np.array([list(row) for row in layout])


def _find_cell(grid: np.ndarray, name: str, char: str, given) -> tuple[int, int]:
    """The start or goal cell: ``given`` if any (checked), else the map's single ``char``."""
    rows, cols = grid.shape
    if given is None:
        found = np.argwhere(grid == char)
        if len(found) != 1:
            raise ValueError(f"layout is not valid: it has {len(found)} '{char}' cells; it needs exactly one, "
                             f"or pass {name}=(row, col)")
        return int(found[0][0]), int(found[0][1])
    try:
        r, c = given
    except (TypeError, ValueError):
        r = c = None
    if isinstance(given, (str, bytes)) or not (_is_int(r) and _is_int(c)):
        raise ValueError(f"{name}={given!r} is not valid: {name} must be a (row, col) pair of integers")
    r, c = int(r), int(c)
    if not (0 <= r < rows and 0 <= c < cols):
        raise ValueError(f"{name}={given!r} is not valid: {name} must lie inside the {rows}x{cols} grid "
                         f"(row 0..{rows - 1}, col 0..{cols - 1})")
    if grid[r, c] in "#C":
        raise ValueError(f"{name}={given!r} is not valid: {name} must be a free cell, not a "
                         f"{'wall' if grid[r, c] == '#' else 'cliff'} cell")
    return r, c


def _check_wind(wind, cols: int) -> tuple[int, ...]:
    if wind is None:
        return (0,) * cols
    wind = tuple(wind)
    if len(wind) != cols or not all(_is_int(w) and w >= 0 for w in wind):
        raise ValueError(f"wind={wind!r} is not valid: wind must be {cols} non-negative integers, one per column")
    return tuple(int(w) for w in wind)


# ---------------------------------------------------------------------------
# Registration with gymnasium
# ---------------------------------------------------------------------------

_WORLDS = {  # short name: (gymnasium id, class, keyword arguments)
    "grid": ("course/Grid-v0", "GridWorld", {"layout": GRID}),
    "maze": ("course/Maze-v0", "GridWorld", {"layout": MAZE, "reward": "step-1"}),
    "large-maze": ("course/LargeMaze-v0", "GridWorld", {"layout": LARGE_MAZE}),
    "cliff": ("course/CliffWalking-v0", "GridWorld", {"layout": CLIFF, "reward": "cliff"}),
    "windy": ("course/WindyGrid-v0", "GridWorld", {"layout": WINDY, "wind": WINDY_WIND}),
    "random-walk-5": ("course/RandomWalk5-v0", "RandomWalk", {"n": 5, "left_reward": 0.0}),
    "random-walk-19": ("course/RandomWalk19-v0", "RandomWalk", {"n": 19, "left_reward": -1.0}),
    "corner-grid": ("course/CornerGrid-v0", "CornerGrid", {}),
}

#: Short names for :func:`course.envs.make`.
ALIASES: dict[str, str] = {short: env_id for short, (env_id, _, _) in _WORLDS.items()}



def _register() -> None:
    for env_id, cls, kwargs in _WORLDS.values():
        if env_id not in gym.registry:  # importing the module again must not register twice
            gym.register(id=env_id, entry_point=f"{__name__}:{cls}", kwargs=kwargs)


_register()

