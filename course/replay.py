"""Experience replay: remember transitions, learn from mini-batches of them.

An agent that learns from each transition once, in the order they come,
sees a stream of strongly correlated samples (consecutive frames look alike)
and forgets each one right after using it.  A *replay buffer* keeps the last
``capacity`` transitions ``(s, a, r, s', terminated)``; each update learns
from a mini-batch drawn from it.  Drawing the batch at random breaks the
correlations and reuses every transition many times, which turns
reinforcement learning into something close to ordinary supervised
mini-batch learning.  The price: the batch holds transitions of *older*
policies, so the update must be off-policy (Q-learning, not Sarsa).

A ``collections.deque(maxlen=capacity)`` of tuples is the textbook buffer
(O(1) append, old items drop out).  This module stores the same thing in
preallocated numpy arrays, one per field, written in a ring: adding is one
row assignment, sampling is one fancy-indexing gather per field that returns
ready-to-use batch arrays (no Python loop over tuples, no stacking), and
frames stay ``uint8`` (the network scales them to [0, 1]).

* :class:`ReplayBuffer` stores each observation and next observation;
* :class:`FrameReplayBuffer` stores every frame once when observations are
  stacks of frames (Atari): consecutive stacks share all but one frame, so
  this needs about ``1 / stack depth`` of the memory (a 100,000-transition
  Pong buffer of 84x84 frames takes about 0.8 GB instead of 2.8 GB).

Batches come in two modes: ``"random"`` (uniform, without replacement, from
the buffer's own generator) and ``"last"`` (the newest ``k`` transitions in
the order they happened: no decorrelation at all, for comparison).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .params import check_int, check_memory

__all__ = ["Batch", "ReplayBuffer", "FrameReplayBuffer", "BATCH_MODES"]

BATCH_MODES = ("random", "last")


class Batch(NamedTuple):
    """A mini-batch: one array per field, the first axis runs over the transitions."""

    obs: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_obs: np.ndarray
    terminated: np.ndarray


def _is_count(value) -> bool:
    try:
        check_int("value", value, low=0)
    except ValueError:
        return False
    return True


class ReplayBuffer:
    """A fixed-size ring of transitions in preallocated arrays.

    Parameters
    ----------
    capacity : the most transitions it holds; when full, each new one
        replaces the oldest.
    obs_shape, obs_dtype : shape and dtype of one observation (``uint8`` for
        frames).
    seed : seed (or ``numpy.random.Generator``) of the buffer's own
        generator, used for random batches.  An agent passes its own
        generator, so the agent's seed fixes the batches too.
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], obs_dtype=np.uint8, *, seed=None):
        self.capacity = check_int("capacity", capacity)
        self.obs_shape = tuple(int(n) for n in obs_shape)
        self.obs_dtype = np.dtype(obs_dtype)
        self.rng = np.random.default_rng(seed)
        check_memory("capacity", self.capacity, self.capacity * (self._bytes_per_transition() + 9.0),
                     what="the replay buffer")
        self.actions = np.zeros(self.capacity, dtype=np.int32)
        self.rewards = np.zeros(self.capacity, dtype=np.float32)
        self.terminated = np.zeros(self.capacity, dtype=bool)
        self._allocate_observations()
        self._head = 0   # where the next transition goes
        self._size = 0   # transitions held, the newest ``_size`` before ``_head``
        self.added = 0   # transitions ever added

    # -- storage of observations (FrameReplayBuffer stores them differently) ----------
    def _bytes_per_transition(self) -> float:
        return 2.0 * self.obs_dtype.itemsize * int(np.prod(self.obs_shape))

    def _allocate_observations(self) -> None:
        self.obs = np.zeros((self.capacity, *self.obs_shape), dtype=self.obs_dtype)
        self.next_obs = np.zeros_like(self.obs)

    def _store_observations(self, i: int, obs, next_obs) -> None:
        self.obs[i] = obs
        self.next_obs[i] = next_obs

    def _observations(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.obs[idx], self.next_obs[idx]

    def _array_names(self) -> tuple[str, ...]:
        return ("obs", "next_obs", "actions", "rewards", "terminated")

    def _counters(self) -> list[int]:
        return [self._head, self._size, self.added]

    def _set_counters(self, values) -> None:
        self._head, self._size, self.added = (int(v) for v in values)

    # -- the buffer ---------------------------------------------------------------
    def __len__(self) -> int:
        return self._size

    def add(self, obs, action, reward: float, next_obs, terminated: bool) -> None:
        """Store one transition (O(1): a row assignment per field)."""
        i = self._head
        self._store_observations(i, obs, next_obs)
        self.actions[i] = action
        self.rewards[i] = reward
        self.terminated[i] = terminated
        self._head = (i + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)
        self.added += 1

    def sample(self, batch_size: int, mode: str = "random") -> Batch:
        """A batch of ``batch_size`` transitions.

        ``mode="random"``: drawn uniformly without replacement;
        ``mode="last"``: the newest ``batch_size`` transitions, oldest first.
        """
        batch_size = check_int("batch_size", batch_size, low=0)
        if batch_size > self.capacity:
            raise ValueError(f"batch_size={batch_size} is larger than the buffer: batch_size must be at most "
                             f"buffer_size={self.capacity}")
        if batch_size > self._size:
            raise ValueError(f"batch_size={batch_size} is more than the {self._size} transitions the buffer holds "
                             f"so far (buffer_size={self.capacity}); add more first")
        if mode == "random":
            k = self.rng.choice(self._size, size=batch_size, replace=False)
        elif mode == "last":
            k = np.arange(self._size - batch_size, self._size)
        else:
            raise ValueError(f"mode={mode!r} is not valid: mode must be one of {', '.join(map(repr, BATCH_MODES))}")
        idx = (self._head - self._size + k) % self.capacity  # k-th oldest -> its row in the ring
        obs, next_obs = self._observations(idx)
        return Batch(obs, self.actions[idx], self.rewards[idx], next_obs, self.terminated[idx])

    @property
    def nbytes(self) -> int:
        """Memory held by the buffer's arrays, in bytes."""
        return sum(getattr(self, name).nbytes for name in self._array_names())

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({len(self)}/{self.capacity} transitions, obs {self.obs_shape} "
                f"{self.obs_dtype}, {self.nbytes / 2**20:.1f} MiB)")

    # -- checkpoints ----------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Contents and counters as named arrays (the generator belongs to the owner's checkpoint)."""
        out = {name: getattr(self, name) for name in self._array_names()}
        out["counters"] = np.array(self._counters(), dtype=np.int64)
        return out

    def check_counters(self, counters) -> str | None:
        """Why saved ``counters`` cannot belong to this buffer, or None if they can."""
        c = [int(v) for v in np.asarray(counters).reshape(-1)]
        if len(c) != len(self._counters()):
            return f"the replay buffer has {len(c)} counters, expected {len(self._counters())}"
        head, size, added = c[:3]
        if not (0 <= head < self.capacity and 0 <= size <= min(self.capacity, added)
                and head == added % self.capacity):
            return f"the replay buffer's counters (head {head}, size {size}, added {added}) are inconsistent"
        return None

    def load_state_dict(self, arrays: dict[str, np.ndarray]) -> None:
        for name in self._array_names():
            getattr(self, name)[...] = arrays[name]
        self._set_counters(arrays["counters"])


class FrameReplayBuffer(ReplayBuffer):
    """A replay buffer that stores every frame once, for observations that are stacks of frames.

    An Atari observation is a stack of recent frames (channel-last), e.g.
    frames ``t-3`` and ``t`` to show motion.  Consecutive observations share
    all but the newest frame, so storing ``s`` and ``s'`` whole would keep
    every frame many times.  Here the buffer keeps a ring of single frames;
    a transition only remembers *which* frames its ``s`` and ``s'`` end
    with, and a batch rebuilds the stacks with one gather.

    ``frame_offsets[c]`` says which frame channel ``c`` of an observation
    holds: how many steps before the newest one (``(3, 0)``: the first and
    last of a stack of four; ``(3, 2, 1, 0)``: the Nature DQN stack).  A
    stack that reaches back before the start of its episode repeats the
    episode's first frame (gymnasium's ``FrameStackObservation`` default).

    Nothing is assumed blindly: each stored observation is rebuilt and
    compared with the real one; one that does not fit the chain of earlier
    frames (a new episode with a different padding, a wrapper that does not
    stack exactly) starts a new chain of frames, so batches are always
    exact.  A new chain costs up to ``max(frame_offsets) + 1`` extra frames,
    which is why the frame ring is a little longer than ``capacity``
    (``spare`` frames, by default a tenth).  If very short episodes use up
    the spare, the oldest transitions leave early and ``len()`` stays a
    little below ``capacity``.
    """

    def __init__(self, capacity: int, obs_shape: tuple[int, ...], frame_offsets, obs_dtype=np.uint8, *,
                 spare: int | None = None, seed=None):
        offsets = tuple(frame_offsets)
        if (not offsets or 0 not in offsets or len(offsets) != obs_shape[-1]
                or any(not _is_count(o) for o in offsets)):
            raise ValueError(f"frame_offsets={frame_offsets!r} is not valid: frame_offsets must hold one "
                             f"non-negative integer per channel ({obs_shape[-1]}), one of them 0 (the newest frame)")
        self.offsets = np.array(offsets, dtype=np.int64)
        self.depth = int(self.offsets.max())
        self._newest = offsets.index(0)
        capacity = check_int("capacity", capacity)
        self.spare = max(capacity // 10, 2 * (self.depth + 1)) if spare is None else check_int("spare", spare)
        super().__init__(capacity, obs_shape, obs_dtype, seed=seed)

    def _bytes_per_transition(self) -> float:
        frame = self.obs_dtype.itemsize * int(np.prod(self.obs_shape[:-1]))
        return frame * (1.0 + self.spare / self.capacity) + 32.0

    def _allocate_observations(self) -> None:
        self.n_frames = self.capacity + self.spare
        self.frames = np.zeros((self.n_frames, *self.obs_shape[:-1]), dtype=self.obs_dtype)
        self.back = np.zeros(self.n_frames, dtype=np.int64)  # earlier frames of the same chain (<= depth)
        # per transition: numbers of the frames its s and s' end with, and the oldest frame it needs
        self.obs_frame = np.zeros(self.capacity, dtype=np.int64)
        self.next_frame = np.zeros(self.capacity, dtype=np.int64)
        self.oldest_frame = np.zeros(self.capacity, dtype=np.int64)
        self._written = 0      # frames ever written; frame number n lives in row n % n_frames
        self._last_next = -1   # frame number the previous s' ended with

    def _array_names(self):
        return ("frames", "back", "obs_frame", "next_frame", "oldest_frame", "actions", "rewards", "terminated")

    def _counters(self):
        return super()._counters() + [self._written, self._last_next]

    def _set_counters(self, values):
        super()._set_counters(values[:3])
        self._written, self._last_next = int(values[3]), int(values[4])

    # -- frames -----------------------------------------------------------------------
    def _stacks(self, numbers: np.ndarray) -> np.ndarray:
        """Rebuild the observations that end with the given frame numbers."""
        back = self.back[numbers % self.n_frames]
        rows = (numbers[:, None] - np.minimum(self.offsets[None, :], back[:, None])) % self.n_frames
        return np.moveaxis(self.frames[rows], 1, -1)  # (batch, channel, ...) -> channel last

    def _write_frame(self, frame, back: int) -> int:
        n = self._written
        # frame n overwrites frame n - n_frames: the oldest transitions that need it leave first
        while self._size and self.oldest_frame[(self._head - self._size) % self.capacity] <= n - self.n_frames:
            self._size -= 1
        self.frames[n % self.n_frames] = frame
        self.back[n % self.n_frames] = back
        self._written = n + 1
        return n

    def _write_chain(self, obs) -> int:
        """Start a new chain of frames with the whole stack ``obs``; return its newest frame number."""
        if (obs == obs[..., :1]).all():  # a fresh episode padded with its first frame: one frame
            return self._write_frame(obs[..., 0], 0)
        for d in range(self.depth, -1, -1):  # frame d steps back = the channel of the nearest offset >= d
            c = int(np.argmin(np.where(self.offsets >= d, self.offsets, np.iinfo(np.int64).max)))
            n = self._write_frame(obs[..., c], self.depth - d)
        return n

    def _fits(self, number: int, obs) -> bool:
        """Does the stack ending with frame ``number`` equal ``obs``?  (Bytes compare: fast for strided views.)"""
        return self._stacks(np.array([number]))[0].tobytes() == np.asarray(obs, dtype=self.obs_dtype).tobytes()

    def _store_observations(self, i, obs, next_obs):
        if self._last_next >= 0 and self._fits(self._last_next, obs):
            first = self._last_next  # s is the previous s' (the newest frame written): nothing to write
        else:
            first = self._write_chain(obs)
        b = int(self.back[first % self.n_frames])
        nxt = self._write_frame(next_obs[..., self._newest], min(b + 1, self.depth))
        if not self._fits(nxt, next_obs):
            self._written -= 1  # not a continuation: reuse the row for a fresh chain
            nxt = self._write_chain(next_obs)
        self.obs_frame[i], self.next_frame[i], self.oldest_frame[i] = first, nxt, first - b
        self._last_next = nxt

    def _observations(self, idx):
        return self._stacks(self.obs_frame[idx]), self._stacks(self.next_frame[idx])
