"""Atari games through Gymnasium and the Arcade Learning Environment (ALE).

The ALE emulates the Atari 2600; its game ROMs ship inside the ``ale-py``
wheel, so nothing is downloaded.  A raw ALE frame is a 210x160 colour image
shown 60 times a second.  Learning from that directly would be slow and
wasteful, so DQN (Mnih et al., Nature 2015) preprocesses what the agent sees:

1. **Frame skipping.**  The agent picks an action only every k = 4 frames;
   the action is repeated for the k frames and their rewards are summed.  The
   game changes little in 1/60 s, and the agent plays k times more game per
   decision.  A game that ends inside the k frames ends the step at once.
2. **Max over the last two frames.**  The Atari drew some sprites only on
   every other frame (flicker); the pixel-wise maximum of the last two frames
   shows every sprite.
3. **Grey scale and 84x84.**  Colour adds little for most games; grey and
   small makes each frame 7,056 bytes (uint8), 30 times smaller than raw.
4. **A frame stack.**  One frame shows where the ball is, not where it is
   going.  Stacking the last m frames as channels shows motion.  The lesson's
   variant keeps only the first and the last frame of a 4-frame window
   (2 channels): half the memory, and the motion is still there.
5. **Channels last**, shape (84, 84, m), the layout a Keras ``Conv2D``
   expects by default.

Optional: no-op starts (a random number of do-nothing frames after each
reset, so that episodes do not all start alike) and reward clipping to
{-1, 0, +1} (one learning rate fits every game's score scale).

:func:`make_atari` builds the pipeline: our :class:`DQNPreprocessing` does
steps 1-5 and the no-op starts, :class:`ReducedActions` picks the actions and
Gymnasium's ``ClipReward`` clips.  The base ALE environment itself does not
skip frames (``frameskip=1``) and has no sticky actions unless asked
(``sticky``).

:class:`DQNPreprocessing` does exactly what Gymnasium's own
``AtariPreprocessing`` followed by ``FrameStackObservation`` (and
:class:`ChannelsLast`) do, frame for frame and bit for bit (the tests check
it), only faster: it drives the emulator directly, copies the screen only
on the two frames it uses, and keeps the stack in a preallocated ring, so
that the emulator itself is most of the time of a step.

Short names (``course.envs.make("pong")``) are registered as Gymnasium ids
``course/Pong-v0`` etc.; ``"pong"`` is the lesson's Pong: Pong's three
actions and the first-and-last stack of shape (84, 84, 2).
"""

from __future__ import annotations

import difflib
import functools

import gymnasium as gym
import numpy as np

from ..params import check_int

__all__ = ["ALIASES", "REDUCED_ACTIONS", "ChannelsLast", "DQNPreprocessing", "ReducedActions", "game_name", "games",
           "make_atari", "random_play", "register_ale"]

#: Short names of :func:`course.envs.make` -> the ids registered below.
ALIASES: dict[str, str] = {
    "pong": "course/Pong-v0",
    "breakout": "course/Breakout-v0",
    "space-invaders": "course/SpaceInvaders-v0",
}

#: What each short name builds (keyword arguments of :func:`make_atari`).
_ALIAS_KWARGS = {
    "course/Pong-v0": {"game": "Pong", "actions": "reduced", "stack": "first-last"},
    "course/Breakout-v0": {"game": "Breakout"},
    "course/SpaceInvaders-v0": {"game": "SpaceInvaders"},
}

#: Games whose minimal action set has actions an agent does not need.  Each
#: entry maps the label the agent's action gets to the ALE action it plays.
#: In Pong the right paddle moves up with RIGHT and down with LEFT; FIRE only
#: serves, which the game also does by itself.
REDUCED_ACTIONS: dict[str, dict[str, str]] = {
    "Pong": {"NOOP": "NOOP", "UP": "RIGHT", "DOWN": "LEFT"},
}

ACTION_SETS = ("reduced", "minimal", "full")
FIRST_LAST = "first-last"
FIRST_LAST_WINDOW = 4  # the first-and-last stack spans as many frames as the 4-frame stack
SCREEN = 84

for _id, _kwargs in _ALIAS_KWARGS.items():  # cheap: no ale_py import until an id is made
    if _id not in gym.registry:
        gym.register(_id, entry_point="course.envs.atari:make_atari", kwargs=_kwargs)


def register_ale() -> None:
    """Register the ALE games with Gymnasium (``ALE/Pong-v5``, ...); importing ale_py only now."""
    import ale_py

    gym.register_envs(ale_py)


@functools.cache
def games() -> tuple[str, ...]:
    """The names of every ALE game (``"Pong"``, ``"SpaceInvaders"``, ...)."""
    register_ale()
    return tuple(sorted(spec.name for spec in gym.registry.values()
                        if spec.namespace == "ALE" and spec.version == 5))


def game_name(game) -> str:
    """The ALE spelling of ``game`` ("space-invaders" -> "SpaceInvaders"); ValueError if unknown."""
    valid = games()
    by_key = {g.lower(): g for g in valid}
    key = str(game).replace("-", "").replace("_", "").replace(" ", "").lower()
    if isinstance(game, str) and key in by_key:
        return by_key[key]
    close = difflib.get_close_matches(key, list(by_key), n=3)
    hint = f" Did you mean {', '.join(by_key[c] for c in close)}?" if close else ""
    raise ValueError(f"game={game!r} is not an ALE game.{hint} game must be one of the {len(valid)} ALE games, "
                     f"e.g. Pong, Breakout, SpaceInvaders, Seaquest, MsPacman (all: course.envs.atari.games())")


class ReducedActions(gym.ActionWrapper):
    """Let the agent choose among a few named actions of the game.

    ``mapping`` maps each label the agent sees to the name of an ALE action
    of the wrapped game, e.g. ``{"NOOP": "NOOP", "UP": "RIGHT", "DOWN":
    "LEFT"}`` for Pong.  Action i of the agent plays the i-th entry.
    """

    def __init__(self, env: gym.Env, mapping: dict[str, str]):
        super().__init__(env)
        ale_names = list(env.unwrapped.get_action_meanings())
        missing = [name for name in mapping.values() if name not in ale_names]
        if missing:
            raise ValueError(f"mapping names ALE action(s) {missing} that this game lacks; it has {ale_names}")
        self.labels = tuple(mapping)
        self.table = np.array([ale_names.index(name) for name in mapping.values()])
        self.action_space = gym.spaces.Discrete(len(self.labels))

    def action(self, action):
        return int(self.table[action])

    def get_action_meanings(self) -> list[str]:
        """The label of each of the agent's actions."""
        return list(self.labels)


class ChannelsLast(gym.ObservationWrapper):
    """Turn a stack of frames (m, H, W) into channels (H, W, c), keeping the frames ``keep``.

    ``keep`` indexes the stack, oldest frame first: ``None`` keeps all m
    frames, ``(0, -1)`` the first and the last.  The newest frame is always
    the last channel.  :attr:`frame_offsets` says how old each channel is,
    in agent steps before the newest frame (``(3, 0)`` for the first and last
    of 4): what :class:`course.replay.FrameReplayBuffer` needs to store each
    frame once and rebuild the stacks from them.  At the start of an episode
    the missing older frames are copies of the first frame.
    """

    def __init__(self, env: gym.Env, keep: tuple[int, ...] | None = None):
        super().__init__(env)
        m, h, w = env.observation_space.shape
        self.keep = tuple(range(m)) if keep is None else tuple(i % m for i in keep)
        self.frame_offsets = tuple(m - 1 - i for i in self.keep)
        space = env.observation_space
        self.observation_space = gym.spaces.Box(0, 255, (h, w, len(self.keep)), dtype=space.dtype)

    def observation(self, stack):
        return np.stack([stack[i] for i in self.keep], axis=-1)


class DQNPreprocessing(gym.Wrapper):
    """Steps 1-5 of the module docstring over an ALE game that skips no frames.

    Frame skipping (rewards summed, the step stops at the frame that ends or
    truncates the game), the maximum of the last two frames, grey, an
    ``INTER_AREA`` resize to ``screen_size`` square, no-op starts (``1`` to
    ``noop_max`` no-ops drawn from the environment's ``np_random``) and a
    stack of the last ``window`` frames, channels last, of which ``keep``
    (as in :class:`ChannelsLast`) are shown.

    The observations, rewards, ends and infos are exactly those of
    Gymnasium's ``AtariPreprocessing(env, noop_max, frame_skip,
    screen_size)`` under ``FrameStackObservation(window)`` and
    ``ChannelsLast(keep)`` (same code paths, quirks included: a step cut
    short by the game's end pools what the buffers hold).  Why our own:
    through those wrappers each frame is a Python ``env.step`` of the base
    environment (which copies out an observation nobody reads and builds an
    info dict), and each stack a ``deepcopy``; here a step is ``frame_skip``
    calls of ``ale.act``, two screen copies into preallocated buffers, one
    resize into a preallocated ring, and one ``np.stack``.

    :attr:`frame_offsets` says how old each channel is (see
    :class:`ChannelsLast`).  ``render()`` is the base environment's (the
    raw colour frame).
    """

    def __init__(self, env: gym.Env, *, frame_skip: int = 4, noop_max: int = 30, screen_size: int = SCREEN,
                 window: int = 4, keep: tuple[int, ...] | None = None):
        super().__init__(env)
        import cv2

        # One thread for cv2: this resize (210x160 -> 84x84, once a step) is too
        # small to share, and cv2's worker threads made the main thread wait for
        # them on a busy 2-core machine (a quarter fewer steps per second there).
        # The setting is cv2's, for the whole process.
        cv2.setNumThreads(1)
        self._resize = functools.partial(cv2.resize, dsize=(screen_size, screen_size), interpolation=cv2.INTER_AREA)
        atari = env.unwrapped
        if getattr(atari, "_frameskip", None) != 1:
            raise ValueError("DQNPreprocessing needs a base ALE environment that skips no frames (frameskip=1)")
        if noop_max > 0 and atari.get_action_meanings()[0] != "NOOP":
            raise ValueError("noop_max > 0 needs action 0 of the game to be NOOP")
        self._atari = atari  # the emulator is ``self._atari.ale``
        self._ale_actions = tuple(atari._action_set)  # what the base env's step plays for each action
        self.frame_skip, self.noop_max, self.window = int(frame_skip), int(noop_max), int(window)
        self.keep = tuple(range(self.window)) if keep is None else tuple(i % self.window for i in keep)
        self.frame_offsets = tuple(self.window - 1 - i for i in self.keep)
        self.observation_space = gym.spaces.Box(0, 255, (screen_size, screen_size, len(self.keep)), dtype=np.uint8)
        # AtariPreprocessing's two screen buffers: [1] gets the next-to-last frame of
        # a step, [0] the last, then [0] = max([0], [1]) in place.
        self._screens = tuple(np.zeros(atari.ale.getScreenDims(), dtype=np.uint8) for _ in range(2))
        # The last ``window`` frames, ring[newest] the newest; for each position of
        # the newest, the ring slots of the channels (oldest kept first).
        self._ring = np.zeros((self.window, screen_size, screen_size), dtype=np.uint8)
        self._slots = [[self._ring[(n - age) % self.window] for age in self.frame_offsets]
                       for n in range(self.window)]
        self._newest = 0
        self._needs_reset = True

    def step(self, action):
        if self._needs_reset:
            raise gym.error.ResetNeeded("Cannot call env.step() before calling env.reset()")
        ale = self._atari.ale
        ale_action = self._ale_actions[action]
        shot_second, shot_last = self.frame_skip - 2, self.frame_skip - 1
        total_reward, terminated, truncated = 0.0, False, False
        for t in range(self.frame_skip):
            total_reward += ale.act(ale_action, 1.0)
            terminated = ale.game_over(with_truncation=False)
            truncated = ale.game_truncated()
            if terminated or truncated:
                break
            if t == shot_second:
                ale.getScreenGrayscale(self._screens[1])
            elif t == shot_last:
                ale.getScreenGrayscale(self._screens[0])
        info = {"lives": ale.lives(), "episode_frame_number": ale.getEpisodeFrameNumber(),
                "frame_number": ale.getFrameNumber()}
        self._newest = (self._newest + 1) % self.window
        self._push_frame()
        return self._stack(), total_reward, terminated, truncated, info

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        _, info = self.env.reset(seed=seed, options=options)
        noops = self._atari.np_random.integers(1, self.noop_max + 1) if self.noop_max > 0 else 0
        for _ in range(noops):  # through the base env, as AtariPreprocessing does (infos, restarts)
            _, _, terminated, truncated, step_info = self.env.step(0)
            info.update(step_info)
            if terminated or truncated:
                _, info = self.env.reset(seed=seed, options=options)
        self._atari.ale.getScreenGrayscale(self._screens[0])
        self._screens[1].fill(0)
        self._push_frame()
        self._ring[:] = self._ring[self._newest]  # a fresh stack repeats the first frame
        self._needs_reset = False
        return self._stack(), info

    def _push_frame(self) -> None:
        """Max-pool the two screens (in place, like AtariPreprocessing) and resize into the newest slot."""
        last, second = self._screens
        if self.frame_skip > 1:
            np.maximum(last, second, out=last)
        self._resize(last, dst=self._ring[self._newest])  # cv2 writes into the ring slot itself

    def _stack(self) -> np.ndarray:
        return np.stack(self._slots[self._newest], axis=-1)


def make_atari(game: str = "Pong", *, stack: int | str = 4, actions: str = "minimal", frameskip: int = 4,
               sticky: float = 0.0, noop_max: int = 30, clip_rewards: bool = False,
               render_mode: str | None = "rgb_array", max_episode_frames: int = 108_000) -> gym.Env:
    """An ALE game preprocessed the DQN way (see the module docstring).

    Parameters
    ----------
    game : any ALE game, e.g. ``"Pong"``, ``"Breakout"``, ``"SpaceInvaders"``
        (``"space-invaders"`` works too; :func:`games` lists them all).
    stack : the number m of most recent frames stacked as channels, or
        ``"first-last"``: the first and last frame of a 4-frame window.
    actions : ``"minimal"`` (the game's own minimal set), ``"reduced"``
        (the few actions of :data:`REDUCED_ACTIONS`, Pong: no-op, up,
        down) or ``"full"`` (all 18 joystick actions).
    frameskip : k, the number of frames each action is repeated (1 = none).
    sticky : probability that the emulator repeats the previous action
        instead of the new one on each frame (0 = deterministic; 0.25 is
        the Machado et al. 2018 protocol).
    noop_max : at most this many no-op frames after each reset (0 = none).
    clip_rewards : clip each step's reward to [-1, 1].
    render_mode : ``"rgb_array"`` (``render()`` returns the raw colour
        frame) or ``None``.
    max_episode_frames : the game is truncated after this many emulator
        frames (108,000 = 30 minutes of play).

    Seeding: ``env.reset(seed=s)`` seeds the emulator and the no-op starts;
    the same seed and actions give the same frames.
    """
    from gymnasium.wrappers import ClipReward

    name = game_name(game)
    if actions not in ACTION_SETS:
        raise ValueError(f"actions={actions!r} is not valid: actions must be one of {', '.join(ACTION_SETS)}")
    if actions == "reduced" and name not in REDUCED_ACTIONS:
        raise ValueError(f"actions='reduced' is not defined for {name}: actions must be 'minimal' or 'full' "
                         f"for {name} (a reduced set exists for {', '.join(REDUCED_ACTIONS)})")
    if not (isinstance(stack, str) and stack == FIRST_LAST):
        try:
            stack = check_int("stack", stack)
        except ValueError:
            raise ValueError(f"stack={stack!r} is not valid: stack must be a positive integer or {FIRST_LAST!r}") from None
    for pname, val, low in (("frameskip", frameskip, 1), ("noop_max", noop_max, 0),
                            ("max_episode_frames", max_episode_frames, 1)):
        check_int(pname, val, low=low)
    if not 0.0 <= sticky <= 1.0:
        raise ValueError(f"sticky={sticky!r} is out of range: sticky (repeat-action probability) must be in [0, 1]")
    if render_mode not in ("rgb_array", None):
        raise ValueError(f"render_mode={render_mode!r} is not valid: render_mode must be 'rgb_array' or None")

    register_ale()
    # The emulator itself skips nothing: DQNPreprocessing repeats the action,
    # reads the screen itself (grey, straight from the ALE) on the two frames
    # it uses, and max-pools.  The base environment's own observation, which
    # nobody reads, is its cheapest: 128 bytes of RAM (render() is still the
    # colour screen).
    env = gym.make(f"ALE/{name}-v5", frameskip=1, repeat_action_probability=float(sticky), obs_type="ram",
                   full_action_space=actions == "full", render_mode=render_mode,
                   max_num_frames_per_episode=int(max_episode_frames), disable_env_checker=True)
    if stack == FIRST_LAST:
        window, keep = FIRST_LAST_WINDOW, (0, -1)
    else:
        window, keep = int(stack), None
    env = DQNPreprocessing(env, frame_skip=int(frameskip), noop_max=int(noop_max), screen_size=SCREEN,
                           window=window, keep=keep)
    if actions == "reduced":
        env = ReducedActions(env, REDUCED_ACTIONS[name])
    if clip_rewards:
        env = ClipReward(env, -1.0, 1.0)
    return env


def random_play(env: gym.Env, steps: int = 50, seed: int | None = None) -> np.ndarray:
    """Play ``steps`` uniformly random actions and return the last observation.

    The game restarts if it ends on the way.  With the lesson's Pong
    (first-and-last stack) the result has shape (84, 84, 2).
    """
    check_int("steps", steps, low=0)
    env.action_space.seed(seed)
    obs, _ = env.reset(seed=seed)
    for _ in range(steps):
        obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            obs, _ = env.reset()
    return obs
