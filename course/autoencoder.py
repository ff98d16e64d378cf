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
from .params import check_int
from .replay import ReplayBuffer

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["AddFrame", "ConvAutoencoder", "AutoencoderFeatures", "frames_from_buffer", "split_frames"]


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


def _frame_squared_error(target, rebuilt):
    """Squared error summed over the pixels of each frame (Keras averages it over the batch)."""
    return tf.reduce_sum(tf.square(target - rebuilt), axis=[1, 2, 3])


class AddFrame(layers.Layer):
    """Adds ``sign`` times a fixed frame (not trained) to its input: the average frame, set by ``fit``."""

    def __init__(self, sign: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.sign = float(sign)

    def build(self, input_shape):
        self.frame = self.add_weight(shape=tuple(input_shape[1:]), initializer="zeros", trainable=False,
                                     name="average_frame")

    def call(self, x):
        return x + self.sign * self.frame


class ConvAutoencoder:
    """A convolutional autoencoder for frames of shape (H, W, C).

    Encoder: three stride-2 convolutions (16 filters 5x5, then 32 and 32
    filters 3x3), each halving the frame, and a dense layer to ``latent``
    numbers.  Decoder: the mirror image (a dense layer, three stride-2
    transposed convolutions, a last 3x3 convolution), cropped back to (H, W).
    Pixels are compared on the [0, 1] scale (squared error).

    The encoder sees each frame minus the average training frame, and the
    decoder does not draw the frame from nothing: it draws the *change*
    from that average (computed by the first :meth:`fit`; its
    last layer starts at zero, so an untrained autoencoder already returns
    that average).  Most of an Atari screen never moves, and the average
    frame already gets it right; the code is left to describe what differs
    from frame to frame: the paddles, the ball, the score.  The average frame
    is also the baseline to beat: :meth:`reconstruction_error` of a useful
    code is below ``average_frame_error``.

    The filters are few and the frame is halved at once, so that a lesson
    can train it in a minute on a laptop CPU (about 15 million multiply-adds
    per 84x84 frame and pass).

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
        latent = check_int("latent", latent)
        if not alpha > 0:
            raise ValueError(f"alpha={alpha!r} is not valid: alpha must be a positive number")
        self.frame_shape, self.latent, self.dtype = frame_shape, latent, np.dtype(dtype)
        self.scale = 255.0 if self.dtype == np.uint8 else 1.0
        self.seed = seed
        self.average_frame_error: float | None = None  # of the held-out frames given to fit()
        init = networks.Initialisers(seed)
        h, w, c = frame_shape
        h8, w8 = math.ceil(h / 8), math.ceil(w / 8)

        inp = keras.Input(frame_shape, dtype=str(self.dtype), name="frame")
        x = layers.Rescaling(1.0 / self.scale, name="to_unit_range")(inp)
        self._minus_average = AddFrame(-1.0, name="minus_average_frame")  # the encoder sees what differs
        x = self._minus_average(x)
        x = layers.Conv2D(16, 5, strides=2, padding="same", activation="relu", kernel_initializer=init("he"))(x)
        x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", kernel_initializer=init("he"))(x)
        x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu", kernel_initializer=init("he"))(x)
        code = layers.Dense(latent, kernel_initializer=init(), name="code")(layers.Flatten()(x))
        self.encoder = keras.Model(inp, code, name="encoder")

        z = keras.Input((latent,), name="code")
        y = layers.Dense(h8 * w8 * 32, activation="relu", kernel_initializer=init("he"))(z)
        y = layers.Reshape((h8, w8, 32))(y)
        for filters in (32, 16, 16):
            y = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu",
                                       kernel_initializer=init("he"))(y)
        y = layers.Conv2D(c, 3, padding="same", kernel_initializer="zeros", name="change")(y)
        y = layers.Cropping2D(((0, 8 * h8 - h), (0, 8 * w8 - w)))(y)
        self._average = AddFrame(name="plus_average_frame")
        self.decoder = keras.Model(z, self._average(y), name="decoder")

        self.model = keras.Model(inp, self.decoder(code), name="autoencoder")
        # The loss adds the squared errors of a frame's pixels (the mean over pixels would hand Adam gradients
        # of 1e-9 and below on Atari frames, where only a few pixels differ from the average: under its
        # epsilon, so nothing would be learned); the per-pixel mean is reported beside it as pixel_mse.
        self.model.compile(optimizer=keras.optimizers.Adam(alpha), loss=_frame_squared_error,
                           metrics=[keras.metrics.MeanSquaredError(name="pixel_mse")])
        self._encode_one = tf.function(lambda f: self.encoder(f[None], training=False)[0]).get_concrete_function(
            tf.TensorSpec(frame_shape, self.dtype))
        self._has_average = False

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
        """Train on ``train`` (and measure ``test`` after each epoch); returns Keras's history dict.

        Its ``pixel_mse`` and ``val_pixel_mse`` are the mean squared pixel
        errors on the training and test frames after each epoch (``loss`` is
        the per-frame sum that training minimises).  The first call sets the
        decoder's average frame from ``train``; with ``test`` given,
        ``average_frame_error`` is that frame's error on the test frames.
        """
        train = self._check(train)
        if not self._has_average:
            average = train.mean(axis=0, dtype=np.float64) / self.scale
            for layer in (self._average, self._minus_average):
                layer.frame.assign(average.astype(np.float32))
            self._has_average = True
        val = None
        if test is not None:
            test = self._check(test)
            val = self._dataset(test, batch_size, shuffle=False)
            self.average_frame_error = float(np.mean((test / self.scale - self._average.frame.numpy()) ** 2))
        hist = self.model.fit(self._dataset(train, batch_size, shuffle=True), validation_data=val,
                              epochs=epochs, shuffle=False, verbose=verbose)  # the data set shuffles
        return hist.history

    def reconstruct(self, frames) -> np.ndarray:
        """The decoded frames, on the [0, 1] scale (clipped to it: the decoder's sum may overshoot a little)."""
        return np.clip(self.model.predict(self._dataset(frames, 256, shuffle=False), verbose=0), 0.0, 1.0)

    def reconstruction_error(self, frames) -> float:
        """Mean squared pixel error (pixels on the [0, 1] scale) of rebuilding ``frames``."""
        return float(self.model.evaluate(self._dataset(frames, 256, shuffle=False), verbose=0,
                                         return_dict=True)["pixel_mse"])

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
