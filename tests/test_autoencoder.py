"""Autoencoder features (course.autoencoder): frames from a buffer, a 70/30 split, learning, features."""

import numpy as np
import pytest

from course.autoencoder import AutoencoderFeatures, ConvAutoencoder, frames_from_buffer, split_frames
from course.replay import ReplayBuffer


def blob_frames(n, shape=(20, 24), seed=0):
    """Grey frames with a bright 4x4 square at a random place: what varies is where the square is."""
    rng = np.random.default_rng(seed)
    frames = np.full((n, *shape, 1), 60, np.uint8)
    for f, r, c in zip(frames, rng.integers(0, shape[0] - 4, n), rng.integers(0, shape[1] - 4, n)):
        f[r:r + 4, c:c + 4] = 250
    return frames


def test_split_is_70_30_without_overlap():
    frames = np.arange(100)[:, None, None, None].astype(np.uint8)
    train, test = split_frames(frames, seed=0)
    assert len(train) == 70 and len(test) == 30
    assert sorted(np.concatenate([train, test]).ravel().tolist()) == list(range(100))
    with pytest.raises(ValueError, match="test_fraction"):
        split_frames(frames, test_fraction=1.0)


def test_frames_from_a_replay_buffer():
    buf = ReplayBuffer(50, (20, 24, 1))
    frames = blob_frames(80)
    for i in range(79):
        buf.add(frames[i], 0, -1.0, frames[i + 1], False)
    got = frames_from_buffer(buf)
    np.testing.assert_array_equal(got, frames[29:79])  # the 50 newest observations, oldest first


@pytest.mark.slow
def test_autoencoder_learns_to_rebuild_held_out_frames_and_gives_features():
    train, test = split_frames(blob_frames(1000, (16, 20)), seed=1)
    ae = ConvAutoencoder((16, 20, 1), latent=8, seed=0, alpha=3e-3)
    before = ae.reconstruction_error(test)
    history = ae.fit(train, test, epochs=6, batch_size=32)
    after = ae.reconstruction_error(test)
    assert after < 0.5 * before
    # the baseline to beat: always answering the average training frame
    expected = np.mean((test / 255.0 - train.mean(axis=0) / 255.0) ** 2)
    assert ae.average_frame_error == pytest.approx(expected, rel=1e-5)
    assert after < 0.5 * ae.average_frame_error  # the code tells where the square is
    rebuilt = ae.reconstruct(test[:5])
    assert rebuilt.min() >= 0.0 and rebuilt.max() <= 1.0
    assert history["val_pixel_mse"][-1] == pytest.approx(after, rel=1e-4)
    assert ae.reconstruct(test[:5]).shape == (5, 16, 20, 1)

    features = AutoencoderFeatures(ae).fit_scale(train)
    idx, x = features(test[0])
    assert features.n_features == 9 and idx.tolist() == list(range(9)) and x[-1] == 1.0
    np.testing.assert_allclose(x[:-1] * features.scale, ae.encode(test[:1])[0], rtol=1e-4, atol=1e-5)
    codes = np.array([features(f)[1][:-1] for f in train[:100]])
    assert np.sqrt(np.mean(codes**2)) == pytest.approx(1.0, rel=0.2)
    assert codes.std(axis=0).max() > 0.02  # different frames, different features


def test_features_feed_a_linear_agent():
    from course.agents import TD0
    from course.envs import make

    env = make("maze", obs="image")
    ae = ConvAutoencoder(env.observation_space.shape, latent=8, seed=0)
    agent = TD0(env, features=AutoencoderFeatures(ae), alpha=0.01, seed=0)
    agent.run(steps=30)
    assert agent.w.shape == (9,) and np.abs(agent.w).sum() > 0


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="latent"):
        ConvAutoencoder((20, 24, 1), latent=0)
    with pytest.raises(ValueError, match="frame_shape"):
        ConvAutoencoder((20, 24))
    ae = ConvAutoencoder((20, 24, 1), latent=4)
    with pytest.raises(ValueError, match=r"frame_shape is \(20, 24, 1\)"):
        ae.reconstruction_error(np.zeros((3, 10, 10, 1), np.uint8))
