"""Features learned from frames: a convolutional autoencoder whose code feeds a linear agent.

Linear methods need a feature vector; for images, hand-made features are
hard to design.  An *autoencoder* learns one without any reward: an
*encoder* squeezes a frame into a short *latent code* (here a few dozen
numbers) and a *decoder* rebuilds the frame from the code alone.  Trained to
make the rebuilt frame match the original, the code must keep what varies
from frame to frame (where the agent, the ball, the paddles are) and can drop
what never changes.  The code then serves as features ``x(s)`` for a linear
method such as true online TD(lambda).

The recipe of the lesson:

1. play (any policy) and collect frames in a replay buffer;
2. :func:`frames_from_buffer`, then :func:`split_frames` into 70 % for
   training and 30 % held out for testing;
3. ``ae = ConvAutoencoder(frame_shape); ae.fit(train, test)``, and check the
   reconstruction error on the held-out frames
   (:meth:`ConvAutoencoder.reconstruction_error`);
4. ``features = AutoencoderFeatures(ae)`` for a linear agent.

Training is ordinary supervised learning on a fixed data set, so Keras
``fit`` is the right tool here (one call for many batches), unlike in the
agents' per-step loop.
"""

from __future__ import annotations

import math

import numpy as np

from . import networks  # first: it selects the Keras backend
from .features import Features
from .replay import ReplayBuffer

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["ConvAutoencoder", "AutoencoderFeatures", "frames_from_buffer", "split_frames"]


def frames_from_buffer(buffer: ReplayBuffer) -> np.ndarray:
    """The observations of the transitions a replay buffer holds, oldest first."""
    return buffer.sample(len(buffer), mode="last").obs


def split_frames(frames: np.ndarray, test_fraction: float = 0.3, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle the frames and split them into a training and a held-out test set."""
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction={test_fraction!r} is not valid: test_fraction must be in (0, 1)")
    frames = np.asarray(frames)
    if len(frames) < 2:
        raise ValueError(f"frames holds {len(frames)} frame(s): splitting needs at least 2")
    order = np.random.default_rng(seed).permutation(len(frames))
    n_test = min(len(frames) - 1, max(1, round(test_fraction * len(frames))))
    return frames[order[n_test:]], frames[order[:n_test]]


class ConvAutoencoder:
    """A convolutional autoencoder for frames of shape (H, W, C).

    Encoder: two stride-2 convolutions (32 and 64 filters, 3x3) and a dense
    layer to ``latent`` numbers.  Decoder: the mirror image (a dense layer,
    two stride-2 transposed convolutions) and a sigmoid output, cropped back
    to (H, W).  Pixels are compared on the [0, 1] scale (squared error).

    Parameters
    ----------
    frame_shape : (H, W, C) of one frame.
    latent : length of the code (the number of features).
    alpha : Adam's learning rate.
    seed : seed of the initial weights and of the batch order.
    """

    def __init__(self, frame_shape, latent: int = 32, *, alpha: float = 1e-3, dtype=np.uint8, seed=None):
        frame_shape = tuple(int(n) for n in frame_shape)
        if len(frame_shape) != 3 or min(frame_shape) < 1:
            raise ValueError(f"frame_shape={frame_shape!r} is not valid: frame_shape must be (height, width, channels)")
        if isinstance(latent, bool) or not isinstance(latent, int) or latent < 1:
            raise ValueError(f"latent={latent!r} is not valid: latent must be a positive integer")
        if not alpha > 0:
            raise ValueError(f"alpha={alpha!r} is not valid: alpha must be a positive number")
        self.frame_shape, self.latent, self.dtype = frame_shape, latent, np.dtype(dtype)
        self.scale = 255.0 if self.dtype == np.uint8 else 1.0
        self.seed = seed
        init = networks.Initialisers(seed)
        h, w, c = frame_shape
        h4, w4 = math.ceil(h / 4), math.ceil(w / 4)

        inp = keras.Input(frame_shape, dtype=str(self.dtype), name="frame")
        x = layers.Rescaling(1.0 / self.scale, name="to_unit_range")(inp)
        x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", kernel_initializer=init())(x)
        x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu", kernel_initializer=init())(x)
        code = layers.Dense(latent, kernel_initializer=init(), name="code")(layers.Flatten()(x))
        self.encoder = keras.Model(inp, code, name="encoder")

        z = keras.Input((latent,), name="code")
        y = layers.Dense(h4 * w4 * 64, activation="relu", kernel_initializer=init())(z)
        y = layers.Reshape((h4, w4, 64))(y)
        y = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu", kernel_initializer=init())(y)
        y = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu", kernel_initializer=init())(y)
        y = layers.Conv2D(c, 3, padding="same", activation="sigmoid", kernel_initializer=init())(y)
        y = layers.Cropping2D(((0, 4 * h4 - h), (0, 4 * w4 - w)))(y)
        self.decoder = keras.Model(z, y, name="decoder")

        self.model = keras.Model(inp, self.decoder(code), name="autoencoder")
        self.model.compile(optimizer=keras.optimizers.Adam(alpha), loss="mse")
        self._encode_one = tf.function(lambda f: self.encoder(f[None], training=False)[0]).get_concrete_function(
            tf.TensorSpec(frame_shape, self.dtype))

    def _dataset(self, frames, batch_size: int, shuffle: bool) -> tf.data.Dataset:
        """Batches of (frame, frame on the [0, 1] scale): the target is the input itself."""
        frames = self._check(frames)
        ds = tf.data.Dataset.from_tensor_slices(frames)
        if shuffle:
            ds = ds.shuffle(len(frames), seed=self.seed, reshuffle_each_iteration=True)
        return ds.batch(batch_size).map(lambda f: (f, tf.cast(f, tf.float32) / self.scale))

    def _check(self, frames) -> np.ndarray:
        frames = np.asarray(frames)
        if frames.shape[1:] != self.frame_shape:
            raise ValueError(f"frames of shape {frames.shape[1:]} do not fit this autoencoder: "
                             f"frame_shape is {self.frame_shape}")
        return frames.astype(self.dtype, copy=False)

    def fit(self, train, test=None, *, epochs: int = 10, batch_size: int = 64, verbose: int = 0) -> dict:
        """Train on ``train`` (and report the loss on ``test`` after each epoch); returns the loss history."""
        val = None if test is None else self._dataset(test, batch_size, shuffle=False)
        hist = self.model.fit(self._dataset(train, batch_size, shuffle=True), validation_data=val,
                              epochs=epochs, shuffle=False, verbose=verbose)  # the data set shuffles
        return hist.history

    def reconstruct(self, frames) -> np.ndarray:
        """The decoded frames, on the [0, 1] scale."""
        return self.model.predict(self._dataset(frames, 256, shuffle=False), verbose=0)

    def reconstruction_error(self, frames) -> float:
        """Mean squared pixel error (pixels on the [0, 1] scale) of rebuilding ``frames``."""
        return float(self.model.evaluate(self._dataset(frames, 256, shuffle=False), verbose=0))

    def encode(self, frames) -> np.ndarray:
        """The latent codes of a batch of frames, shape (n, latent)."""
        return self.encoder.predict(self._dataset(frames, 256, shuffle=False).map(lambda f, _: f), verbose=0)

    def encode_one(self, frame) -> np.ndarray:
        """The latent code of one frame (a compiled call: fast enough for every step of an agent)."""
        return self._encode_one(np.asarray(frame, dtype=self.dtype)).numpy()


class AutoencoderFeatures(Features):
    """Dense features for linear agents: the autoencoder's code of the observation, plus a constant 1.

    ``(indices, values)`` are ``arange(latent + 1)`` and the code followed by
    a bias feature.  The codes can be large; ``scale`` divides them (e.g. by
    their typical size on the training frames, :meth:`fit_scale`) so that a
    linear agent's step size behaves as with features of size about 1.
    """

    def __init__(self, autoencoder: ConvAutoencoder, scale: float = 1.0):
        if not scale > 0:
            raise ValueError(f"scale={scale!r} is not valid: scale must be a positive number")
        self.autoencoder = autoencoder
        self.scale = float(scale)
        self.n_features = autoencoder.latent + 1
        self._idx = np.arange(self.n_features)

    def fit_scale(self, frames) -> "AutoencoderFeatures":
        """Set ``scale`` so that the codes of ``frames`` have unit root-mean-square size per feature."""
        codes = self.autoencoder.encode(frames)
        self.scale = float(np.sqrt(np.mean(codes**2))) or 1.0
        return self

    def __call__(self, obs):
        x = np.empty(self.n_features)
        x[:-1] = self.autoencoder.encode_one(obs) / self.scale
        x[-1] = 1.0
        return self._idx, x
