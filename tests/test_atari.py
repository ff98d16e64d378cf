"""Atari preprocessing (course.envs.atari) and videos (course.video), checked against the raw emulator."""

import cv2
import gymnasium as gym
import imageio.v2 as iio
import numpy as np
import pytest

from course import envs, video
from course.agent import Agent
from course.envs.atari import games, make_atari, random_play, register_ale

PADDLE_Y = 51  # Pong's RAM byte holding the vertical position of the agent's (right) paddle


def grey_screen(env) -> np.ndarray:
    return env.unwrapped.ale.getScreenGrayscale()


def shrink(frame) -> np.ndarray:
    return cv2.resize(frame, (84, 84), interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("game, n_actions", [("Pong", 6), ("Breakout", 4), ("space-invaders", 6)])
def test_any_game_gives_uint8_channels_last_stacks(game, n_actions):
    env = make_atari(game, stack=4)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (84, 84, 4) and obs.dtype == np.uint8
    assert env.observation_space.shape == (84, 84, 4) and env.observation_space.dtype == np.uint8
    assert env.action_space.n == n_actions
    obs, *_ = env.step(0)
    assert obs.shape == (84, 84, 4) and obs.dtype == np.uint8 and obs.flags.c_contiguous
    assert env.render().shape == (210, 160, 3)


def test_short_name_pong_is_the_lessons_pong():
    env = envs.make("pong")
    assert env.observation_space.shape == (84, 84, 2)
    assert env.get_wrapper_attr("get_action_meanings")() == ["NOOP", "UP", "DOWN"]
    assert env.get_wrapper_attr("frame_offsets") == (3, 0)
    state = random_play(env, steps=50, seed=1)
    assert state.shape == (84, 84, 2) and state.dtype == np.uint8
    assert not np.array_equal(state[..., 0], state[..., 1]), "50 steps in, the first and last frames differ"
    assert envs.make("breakout").observation_space.shape == (84, 84, 4)
    assert envs.make("pong", stack=4).observation_space.shape == (84, 84, 4)


def test_frame_skip_sums_rewards_max_pools_the_last_two_frames_and_stops_at_game_end():
    """A whole game of Pong (the agent never moves and loses 0-21), raw frame by frame and 4 frames a step."""
    register_ale()
    raw = gym.make("ALE/Pong-v5", frameskip=1, repeat_action_probability=0.0, obs_type="grayscale")
    env = make_atari("Pong", frameskip=4, noop_max=0, stack=1)
    frame, _ = raw.reset(seed=5)
    obs, _ = env.reset(seed=5)
    assert np.array_equal(obs[..., 0], shrink(frame))
    frames, rewards, game_over = [], [], False
    total, steps, pooled_differ = 0.0, 0, 0
    while not game_over:
        frame, r, game_over, truncated, _ = raw.step(0)
        assert not truncated
        frames.append(frame)
        rewards.append(r)
        if len(frames) % 4 == 0 or game_over:
            obs, r4, terminated, _, _ = env.step(0)
            assert r4 == sum(rewards[4 * steps:]), "a step pays the rewards of its frames"
            assert terminated == game_over, "the step ends with the frame that ends the game"
            steps += 1
            total += r4
            if not game_over:
                assert np.array_equal(obs[..., 0], shrink(np.maximum(frames[-2], frames[-1]))), \
                    "the observation is the max of the last two frames"
                pooled_differ += int(not np.array_equal(frames[-2], frames[-1]))
    assert sum(rewards) == total == -21.0
    assert steps == -(-len(frames) // 4)
    assert pooled_differ > 100, "the max really pooled two different frames"


def gymnasium_pipeline(game, *, stack, actions="minimal", frameskip=4, sticky=0.0, noop_max=30,
                       max_episode_frames=108_000):
    """What make_atari built before DQNPreprocessing: Gymnasium's own wrappers over a grey-screen ALE env."""
    from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

    from course.envs.atari import REDUCED_ACTIONS, ChannelsLast, ReducedActions

    register_ale()
    env = gym.make(f"ALE/{game}-v5", frameskip=1, repeat_action_probability=sticky, obs_type="grayscale",
                   full_action_space=actions == "full", render_mode="rgb_array",
                   max_num_frames_per_episode=max_episode_frames)
    env = AtariPreprocessing(env, noop_max=noop_max, frame_skip=frameskip, screen_size=84)
    if actions == "reduced":
        env = ReducedActions(env, REDUCED_ACTIONS[game])
    if stack == "first-last":
        return ChannelsLast(FrameStackObservation(env, 4), keep=(0, -1))
    return ChannelsLast(FrameStackObservation(env, stack))


@pytest.mark.parametrize("game, kwargs, seed, steps, expect", [
    ("Pong", {"stack": 4, "sticky": 0.25}, 11, 250, {"points"}),  # sticky actions, no-op starts
    ("Pong", {"stack": "first-last", "actions": "reduced", "frameskip": 3, "max_episode_frames": 403}, 12, 300,
     {"ends"}),  # truncated inside a step
    ("Breakout", {"stack": 2, "actions": "full", "noop_max": 0}, 13, 300, {"points", "ends"}),  # game over
    ("SpaceInvaders", {"stack": 3, "frameskip": 1}, 14, 300, set()),  # no skipping, no pooling
])
def test_dqn_preprocessing_gives_exactly_what_gymnasiums_wrappers_give(game, kwargs, seed, steps, expect):
    """Same seed and actions: the same observations, rewards, ends and infos, step for step, episode after episode."""
    ours, ref = make_atari(game, **kwargs), gymnasium_pipeline(game, **kwargs)
    assert ours.observation_space == ref.observation_space and ours.action_space == ref.action_space
    assert ours.get_wrapper_attr("frame_offsets") == ref.get_wrapper_attr("frame_offsets")
    rng = np.random.default_rng(seed)
    obs, info = ours.reset(seed=seed)
    expected, info_ref = ref.reset(seed=seed)
    assert np.array_equal(obs, expected) and info == info_ref
    ends, points = 0, 0
    for t in range(steps):
        a = int(rng.integers(ours.action_space.n))
        got, want = ours.step(a), ref.step(a)
        assert np.array_equal(got[0], want[0]), f"step {t}"
        assert got[1:] == want[1:], f"step {t}: reward, terminated, truncated, info"
        assert got[0].flags.c_contiguous and got[0].dtype == np.uint8
        points += got[1] != 0
        if got[2] or got[3]:
            ends += 1
            obs, info = ours.reset()
            expected, info_ref = ref.reset()
            assert np.array_equal(obs, expected) and info == info_ref, f"reset after step {t}"
    assert np.array_equal(ours.render(), ref.render())
    assert ("points" in expect) <= (points > 0), "some points were scored on the way"
    assert ("ends" in expect) <= (ends > 0), "episodes ended (game over or truncation) and restarted on the way"


@pytest.mark.parametrize("stack, ages", [(4, (3, 2, 1, 0)), ("first-last", (3, 0))])
def test_stack_holds_the_newest_frame_last_and_older_ones_in_order(stack, ages):
    env = make_atari("Pong", stack=stack, noop_max=0)
    assert env.get_wrapper_attr("frame_offsets") == ages, "channel c holds the frame ages[c] steps old"
    obs, _ = env.reset(seed=0)
    newest = [obs[..., -1]]
    assert all(np.array_equal(obs[..., c], newest[0]) for c in range(obs.shape[-1])), "a fresh stack repeats frame 0"
    for t in range(1, 12):
        obs, *_ = env.step(t % env.action_space.n)
        newest.append(obs[..., -1])
        for c, age in enumerate(ages):
            assert np.array_equal(obs[..., c], newest[max(0, t - age)]), f"channel {c} at step {t}"
    assert not np.array_equal(newest[-1], newest[-2])


def test_reduced_pong_actions_move_the_paddle_up_and_down():
    env = make_atari("Pong", actions="reduced", noop_max=0)
    meanings = env.get_wrapper_attr("get_action_meanings")()
    assert meanings == ["NOOP", "UP", "DOWN"] and env.action_space.n == 3
    heights = {}
    for action, label in enumerate(meanings):
        env.reset(seed=0)
        for _ in range(15):
            env.step(0)
        for _ in range(5):
            env.step(action)
        heights[label] = int(env.unwrapped.ale.getRAM()[PADDLE_Y])
    assert heights["UP"] < heights["NOOP"] < heights["DOWN"], heights  # screen y grows downwards
    assert make_atari("Pong", actions="full").action_space.n == 18


@pytest.mark.parametrize("sticky", [0.0, 0.25])
def test_same_seed_same_frames_other_seed_other_frames(sticky):
    def play(seed):
        env = make_atari("Pong", sticky=sticky, noop_max=30)
        rng = np.random.default_rng(0)
        obs, _ = env.reset(seed=seed)
        out = [obs]
        for _ in range(40):
            out.append(env.step(int(rng.integers(6)))[0])
        return np.stack(out)

    first = play(3)
    assert np.array_equal(first, play(3))
    assert not np.array_equal(first, play(4))


def test_rewards_are_clipped_on_request():
    """Space Invaders pays 5 to 30 points an alien; clipped, a step pays at most 1."""
    raw = make_atari("SpaceInvaders", noop_max=0)
    clipped = make_atari("SpaceInvaders", noop_max=0, clip_rewards=True)
    raw.reset(seed=2)
    clipped.reset(seed=2)
    rng = np.random.default_rng(2)
    pairs = []
    for _ in range(200):
        a = int(rng.integers(6))
        pairs.append((raw.step(a)[1], clipped.step(a)[1]))
    pairs = np.array(pairs)
    assert pairs[:, 0].max() > 1, "the random player shot some aliens"
    assert np.array_equal(pairs[:, 1], np.clip(pairs[:, 0], -1, 1))


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match=r"game='Pongg' is not an ALE game\. Did you mean Pong\?.*Breakout"):
        make_atari("Pongg")
    with pytest.raises(ValueError, match="game=42"):
        make_atari(42)
    with pytest.raises(ValueError, match="actions='reduced' is not defined for Breakout"):
        make_atari("Breakout", actions="reduced")
    with pytest.raises(ValueError, match="actions='some'.*reduced, minimal, full"):
        make_atari("Pong", actions="some")
    with pytest.raises(ValueError, match="stack=0.*positive integer or 'first-last'"):
        make_atari("Pong", stack=0)
    with pytest.raises(ValueError, match=r"sticky=1\.5 is out of range"):
        make_atari("Pong", sticky=1.5)
    with pytest.raises(ValueError, match="frameskip=0"):
        make_atari("Pong", frameskip=0)
    assert {"Pong", "Breakout", "SpaceInvaders"} <= set(games())


def test_record_writes_mp4_and_small_gif_that_read_back(tmp_path):
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    frames = [np.full((210, 160, 3), colours[i % 3], np.uint8) for i in range(12)]
    mp4 = video.record(frames, tmp_path / "clip.mp4", fps=15)
    gif = video.record(frames, tmp_path / "clip.gif", fps=15)
    back = iio.mimread(mp4)
    assert len(back) == 12 and back[0].shape == (210, 160, 3)
    assert np.abs(back[4].astype(int) - colours[1]).max() < 12, "mp4 is lossy, but the colour survives"
    small = iio.mimread(gif)
    assert len(small) == 12 and small[0].shape[:2] == (105, 80)
    assert np.abs(small[5][..., :3].astype(int) - colours[2]).max() < 12
    with pytest.raises(ValueError, match="path='clip.avi'.*.mp4 or .gif"):
        video.record(frames, "clip.avi")
    with pytest.raises(ValueError, match="frames is empty"):
        video.record([], tmp_path / "empty.mp4")


class RandomPlayer(Agent):
    def act(self, obs, explore=True):
        return int(self.rng.integers(self.env.action_space.n))


def test_video_recorder_streams_the_frames_of_a_run(tmp_path):
    agent = RandomPlayer(envs.make("pong"), seed=0)
    recorder = video.VideoRecorder(tmp_path / "run.mp4", tmp_path / "run.gif", fps=30)
    agent.run(steps=25, observers=[recorder])
    assert recorder.frames == 25
    assert len(iio.mimread(tmp_path / "run.mp4")) == 25
    assert iio.mimread(tmp_path / "run.gif")[0].shape[:2] == (105, 80)
    blind = RandomPlayer(make_atari("Pong", render_mode=None), seed=0)
    with pytest.raises(ValueError, match="render_mode='rgb_array'"):
        blind.run(steps=2, observers=[video.VideoRecorder(tmp_path / "none.mp4")])


def test_side_by_side_shows_the_raw_frame_and_each_channel():
    env = envs.make("pong")
    obs = random_play(env, steps=10, seed=0)
    picture = video.side_by_side(env.render(), obs, zoom=2, gap=4)
    assert picture.shape == (210, 160 + 4 + 168 + 4 + 168, 3) and picture.dtype == np.uint8
    assert np.array_equal(picture[:168, 164:332, 0], np.kron(obs[..., 0], np.ones((2, 2), np.uint8)))
    assert video.show(picture).data[:8] == b"\x89PNG\r\n\x1a\n"
