"""The replay buffers (course.replay): ring storage, sampling, validation, frame sharing."""

import numpy as np
import pytest

from course.replay import FrameReplayBuffer, ReplayBuffer


def fill(buf, n, shape=(2,)):
    """Add transitions t = 0..n-1 whose every field encodes t."""
    for t in range(n):
        buf.add(np.full(shape, t, np.uint8), t % 4, float(t), np.full(shape, t + 1, np.uint8), t % 5 == 4)


def test_ring_keeps_the_newest_transitions_in_order():
    buf = ReplayBuffer(5, (2,))
    fill(buf, 8)  # 0..7: the newest five are 3..7, wrapped around the ring
    assert len(buf) == 5 and buf.added == 8
    last = buf.sample(5, mode="last")
    np.testing.assert_array_equal(last.rewards, [3, 4, 5, 6, 7])
    np.testing.assert_array_equal(last.obs[:, 0], [3, 4, 5, 6, 7])
    np.testing.assert_array_equal(last.next_obs[:, 0], [4, 5, 6, 7, 8])
    np.testing.assert_array_equal(last.actions, [3, 0, 1, 2, 3])
    np.testing.assert_array_equal(last.terminated, [False, True, False, False, False])
    np.testing.assert_array_equal(buf.sample(2, mode="last").rewards, [6, 7])


def test_random_batches_are_without_replacement_and_cover_the_buffer():
    buf = ReplayBuffer(50, (1,), seed=3)
    fill(buf, 80, (1,))
    seen = set()
    for _ in range(200):
        b = buf.sample(20)
        r = b.rewards.astype(int)
        assert len(set(r)) == 20  # no transition twice in a batch
        assert r.min() >= 30  # only transitions still in the buffer
        np.testing.assert_array_equal(b.obs[:, 0], r)  # fields stay aligned
        seen.update(r.tolist())
    assert seen == set(range(30, 80))
    whole = buf.sample(50)
    assert sorted(whole.rewards.astype(int).tolist()) == list(range(30, 80))


def test_same_seed_same_batches():
    a, b = ReplayBuffer(30, (1,), seed=7), ReplayBuffer(30, (1,), seed=7)
    fill(a, 40, (1,))
    fill(b, 40, (1,))
    np.testing.assert_array_equal(a.sample(10).rewards, b.sample(10).rewards)


def test_empty_batch_and_bad_sizes():
    buf = ReplayBuffer(4, (3,))
    fill(buf, 2, (3,))
    empty = buf.sample(0)
    assert empty.obs.shape == (0, 3) and empty.rewards.shape == (0,)
    with pytest.raises(ValueError, match=r"batch_size=5 .*buffer_size=4"):
        buf.sample(5)
    with pytest.raises(ValueError, match=r"batch_size=3 .*2 transitions"):
        buf.sample(3)
    with pytest.raises(ValueError, match="batch_size=-1"):
        buf.sample(-1)
    with pytest.raises(ValueError, match="mode='newest'"):
        buf.sample(1, mode="newest")
    for bad in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="capacity"):
            ReplayBuffer(bad, (3,))


def test_memory_is_preallocated_and_reported():
    buf = ReplayBuffer(1000, (54, 81, 1))
    frames = 2 * 1000 * 54 * 81  # obs and next_obs, one byte a pixel
    assert buf.obs.dtype == np.uint8
    assert frames <= buf.nbytes < frames + 1000 * 16
    fill(buf, 3, (54, 81, 1))
    assert "MiB" in repr(buf) and buf.nbytes >= frames  # adding allocates nothing new


def test_state_dict_round_trip():
    a = ReplayBuffer(6, (2,), seed=1)
    fill(a, 9)
    b = ReplayBuffer(6, (2,), seed=1)
    b.load_state_dict(a.state_dict())
    assert len(b) == 6 and b.added == 9
    np.testing.assert_array_equal(a.sample(6, "last").obs, b.sample(6, "last").obs)
    np.testing.assert_array_equal(a.sample(4).rewards, b.sample(4).rewards)


# ---------------------------------------------------------------------------
# FrameReplayBuffer: stacks of frames, every frame stored once
# ---------------------------------------------------------------------------
class Stacker:
    """An episode of frames stacked as channels ``offsets`` steps back, padded like gymnasium."""

    def __init__(self, offsets, rng, pad="reset", shape=(3, 4)):
        self.offsets, self.rng, self.pad, self.shape = offsets, rng, pad, shape

    def episode(self, length):
        frames = [self.rng.integers(0, 256, self.shape, dtype=np.uint8) for _ in range(length + 1)]

        def obs(t):
            chans = []
            for o in self.offsets:
                if t - o >= 0:
                    chans.append(frames[t - o])
                else:
                    chans.append(frames[0] if self.pad == "reset" else np.zeros(self.shape, np.uint8))
            return np.stack(chans, axis=-1)

        return [obs(t) for t in range(length + 1)]


def play(buf, stacker, lengths):
    """Add episodes of the given lengths to ``buf``; return every transition as (s, s', r)."""
    out = []
    t = 0
    for length in lengths:
        obs = stacker.episode(length)
        for i in range(length):
            buf.add(obs[i], 0, float(t), obs[i + 1], i == length - 1)
            out.append((obs[i], obs[i + 1]))
            t += 1
    return out


@pytest.mark.parametrize("offsets,pad", [((3, 0), "reset"), ((3, 2, 1, 0), "reset"), ((3, 0), "zeros"),
                                         ((0,), "reset")])
def test_frame_buffer_rebuilds_every_stack_exactly(offsets, pad):
    rng = np.random.default_rng(0)
    buf = FrameReplayBuffer(40, (3, 4, len(offsets)), offsets, seed=0)
    plain = ReplayBuffer(40, (3, 4, len(offsets)), seed=0)
    lengths = [7, 1, 12, 30, 2, 9]
    stacker = Stacker(offsets, rng, pad)
    trans = play(buf, stacker, lengths)
    stacker.rng = np.random.default_rng(0)
    play(plain, stacker, lengths)
    n = len(buf)
    assert 40 - buf.spare <= n <= 40
    b, p = buf.sample(n, "last"), plain.sample(n, "last")
    np.testing.assert_array_equal(b.obs, p.obs)
    np.testing.assert_array_equal(b.next_obs, p.next_obs)
    np.testing.assert_array_equal(b.rewards, p.rewards)
    r = buf.sample(10)  # random batches stay aligned too
    for s, s2, reward in zip(r.obs, r.next_obs, r.rewards.astype(int)):
        np.testing.assert_array_equal(s, trans[reward][0])
        np.testing.assert_array_equal(s2, trans[reward][1])


def test_frame_buffer_stores_each_frame_once():
    offsets = (3, 0)
    buf = FrameReplayBuffer(1000, (84, 84, 2), offsets)
    plain = ReplayBuffer(1000, (84, 84, 2))
    assert buf.nbytes < 0.3 * plain.nbytes
    play(buf, Stacker(offsets, np.random.default_rng(1), shape=(84, 84)), [500, 400])
    assert buf._written == 900 + 2  # one frame per step plus the first frame of each episode
    # a 100,000-transition Pong buffer of (84, 84, 2) observations fits in 1 GB
    assert FrameReplayBuffer(100_000, (84, 84, 2), offsets).nbytes < 1e9


def test_frame_buffer_round_trip_and_bad_offsets():
    offsets = (2, 0)
    a = FrameReplayBuffer(20, (3, 4, 2), offsets, seed=4)
    play(a, Stacker(offsets, np.random.default_rng(2)), [15, 10])
    b = FrameReplayBuffer(20, (3, 4, 2), offsets, seed=4)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a.sample(len(a), "last").obs, b.sample(len(b), "last").obs)
    for bad in ((1, 2), (0,), (-1, 0)):
        with pytest.raises(ValueError, match="frame_offsets"):
            FrameReplayBuffer(20, (3, 4, 2), bad)
