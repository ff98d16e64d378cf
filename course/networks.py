"""The neural networks of the deep agents (Keras 3 on the TensorFlow backend).

* :func:`nature_cnn` — the convolutional network of the DQN Nature paper
  (Mnih et al., 2015): three convolutions that turn an image into a feature
  vector (32 filters 8x8 stride 4, 64 4x4 stride 2, 64 3x3 stride 1), a
  dense layer of 512 features, and a linear output layer.
* :func:`mlp` — a multi-layer perceptron for vector observations (CartPole).
* :func:`build_network` — the right one for an observation space.

One output predicts a state value v(s) (prediction); ``n_actions`` outputs
predict every action value q(s, ·) at once (control), so one forward pass
scores all actions.  Images stay ``uint8`` everywhere outside the network
(four times less memory in the replay buffer); the network's first layer
scales them to [0, 1].

Threads.  On import this module asks TensorFlow to run each operation on
one thread (``intra_op_parallelism_threads = 1``) while running independent
operations side by side on all cores (inter-op parallelism, TensorFlow's
default).  The networks of the lessons are small: splitting one small
convolution over two cores costs more in hand-overs than it saves, while an
update has independent branches (the target network's forward pass, the
online network's gradients) that fill the cores well.  On the 2-core
course machine the maze DQN runs about 15 % more steps per second this way
(``course bench dqn``); Pong and the autoencoder are unaffected.  Set
``COURSE_TF_INTRA_THREADS`` to another number before the import to change
it (``0``: TensorFlow's own choice).  It can only take effect before
TensorFlow runs its first operation; if that has happened already, the
setting is left as it is.

Seeding.  Every layer gets its own initialiser seed, derived from the
``seed`` argument, so building a network never touches global random state
and the same seed gives the same weights.  (Agents pass a seed drawn from
their own generator.)  :func:`seed_backend` exists for code that wants the
backend's global seeds fixed as well, e.g. a notebook that builds its own
Keras layers: it is the one place that sets them.
"""

from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of lessons

import gymnasium as gym  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

__all__ = ["nature_cnn", "mlp", "build_network", "seed_backend", "Initialisers", "NATURE_CONVS"]

def _configure_threads() -> None:
    """One thread per TensorFlow operation unless ``COURSE_TF_INTRA_THREADS`` says otherwise (see the module doc)."""
    value = os.environ.get("COURSE_TF_INTRA_THREADS", "1")
    try:
        threads = int(value)
    except ValueError:
        raise ValueError(f"COURSE_TF_INTRA_THREADS={value!r} is not valid: it must be a whole number "
                         f"(0: TensorFlow's own choice)") from None
    try:
        tf.config.threading.set_intra_op_parallelism_threads(max(threads, 0))
    except RuntimeError:  # TensorFlow is running already: it keeps its settings
        pass


_configure_threads()

#: The convolutions of the Nature DQN: (filters, kernel size, stride).
NATURE_CONVS = ((32, 8, 4), (64, 4, 2), (64, 3, 1))


def seed_backend(seed: int) -> None:
    """Seed Python's, numpy's global and the backend's random generators (the explicit global seeding helper)."""
    keras.utils.set_random_seed(int(seed))


class Initialisers:
    """Hands out a fresh seeded Glorot initialiser per layer: ``init = Initialisers(seed); Dense(8, kernel_initializer=init())``.

    The layers' seeds all come from one ``numpy.random.SeedSequence(seed)``.
    """

    def __init__(self, seed):
        self._seq = np.random.SeedSequence(seed)

    def __call__(self, kind: str = "glorot"):
        """A seeded initialiser: ``"glorot"`` (Glorot uniform) or ``"he"`` (He uniform, for ReLU layers)."""
        child = self._seq.spawn(1)[0]
        cls = {"glorot": keras.initializers.GlorotUniform, "he": keras.initializers.HeUniform}[kind]
        return cls(seed=int(child.generate_state(1)[0] % 2**31))


def _input(obs_shape, dtype) -> tuple[keras.KerasTensor, keras.KerasTensor]:
    """The input layer; integer (image) input is scaled to [0, 1]."""
    inp = keras.Input(shape=tuple(obs_shape), dtype=str(np.dtype(dtype)), name="obs")
    x = layers.Rescaling(1.0 / 255.0, name="to_unit_range")(inp) if np.dtype(dtype) == np.uint8 else inp
    return inp, x


def nature_cnn(obs_shape, n_outputs: int, *, hidden: int = 512, dtype=np.uint8, seed=None,
               name: str = "nature_cnn") -> keras.Model:
    """The Nature DQN network for (H, W, C) images; ``n_outputs`` linear outputs.

    The image must be at least 36x36 for the three convolutions to fit.
    """
    if len(obs_shape) != 3 or min(obs_shape[:2]) < 36:
        raise ValueError(f"obs_shape={tuple(obs_shape)!r} is not valid: the Nature network needs images "
                         f"(height, width, channels) of at least 36x36")
    init = Initialisers(seed)
    inp, x = _input(obs_shape, dtype)
    for i, (filters, size, stride) in enumerate(NATURE_CONVS, 1):
        x = layers.Conv2D(filters, size, strides=stride, activation="relu", kernel_initializer=init(),
                          name=f"conv{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(hidden, activation="relu", kernel_initializer=init(), name="features")(x)
    out = layers.Dense(n_outputs, kernel_initializer=init(), name="out")(x)
    return keras.Model(inp, out, name=name)


def mlp(obs_shape, n_outputs: int, *, hidden: int = 64, n_layers: int = 2, dtype=np.float32, seed=None,
        name: str = "mlp") -> keras.Model:
    """``n_layers`` dense ReLU layers of ``hidden`` units, then ``n_outputs`` linear outputs.

    ``n_layers=0`` gives a linear function of the observation (handy for
    checking an update rule by hand).
    """
    init = Initialisers(seed)
    inp, x = _input(obs_shape, dtype)
    if len(obs_shape) > 1:
        x = layers.Flatten(name="flatten")(x)
    for i in range(n_layers):
        x = layers.Dense(hidden, activation="relu", kernel_initializer=init(), name=f"hidden{i + 1}")(x)
    out = layers.Dense(n_outputs, kernel_initializer=init(), name="out")(x)
    return keras.Model(inp, out, name=name)


def build_network(space: gym.spaces.Box, n_outputs: int, *, hidden: int, n_layers: int, seed=None,
                  name: str = "network") -> keras.Model:
    """The Nature network for image observations (H, W, C), else an MLP."""
    if not isinstance(space, gym.spaces.Box):
        raise ValueError(f"deep agents need a Box observation space (an image or a vector), got {space}; "
                         f"for a grid world use obs='image' or obs='onehot'")
    if len(space.shape) == 3:
        return nature_cnn(space.shape, n_outputs, hidden=hidden, dtype=space.dtype, seed=seed, name=name)
    return mlp(space.shape, n_outputs, hidden=hidden, n_layers=n_layers, dtype=space.dtype, seed=seed, name=name)
