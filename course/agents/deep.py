"""Deep agents: a neural network, a replay buffer and one compiled update per training step.

The update rules are the linear ones of the book with the weight vector
replaced by a network (the Nature DQN convolutional stack for images, an MLP
for vectors; see :mod:`course.networks`), and with each update learning from a
mini-batch of remembered transitions (see :mod:`course.replay`):

* :class:`NeuralPrediction` (the course's "nnMRP") estimates v_π of the fixed
  equiprobable random policy: semi-gradient TD(0) on batches,
  target ``r + γ v(s')``;
* :class:`DQN` learns q* off-policy with Q-learning targets
  ``r + γ max_a' q_target(s', a')`` computed by a *target network*, a copy of
  the online network refreshed every C steps so that the targets hold still
  while the online network chases them;
* :class:`DoubleDQN` lets the online network choose a' and the target network
  value it, ``r + γ q_target(s', argmax_a' q(s', a'))``, which reduces
  (does not remove) the max operator's over-estimation: the target network
  is a lagged copy of the online one, so their errors are correlated.

At a terminal ``s'`` the target is just ``r``: there is nothing to bootstrap
from.  (A time-limit truncation is not terminal: the loop only passes
``terminated``, so the agent still bootstraps there, as it should.)

Speed.  Everything heavy is a TensorFlow graph compiled once: one call per
update runs the forward passes, the loss, the gradient and Adam together
(:meth:`DeepAgent.train_step`), and acting calls a compiled forward pass on
one observation.  Keras ``predict()``/``fit()`` are made for large data sets
and pay milliseconds of set-up per call; calling them once per environment
step is what made the original lesson take hours.  An epsilon-greedy agent
also skips the network entirely on the steps it explores.  ``course bench
dqn`` measures all this against a loop that uses ``predict()`` and ``fit()``.
(Valuing the next state inside the update's call, to save one call on greedy
steps, was tried and measured: 79 against 78.5-80 steps/s on the maze, no
gain beyond noise, so the kit keeps the one plain act-then-learn path.)

Seeding.  The network's initial weights come from a seed drawn from the
agent's own generator (:func:`course.networks.build_network` seeds every
layer), and the replay buffer samples with the agent's generator, so the same
``seed`` gives the same run on the same machine; nothing touches global
random state.

Checkpoints.  :meth:`state_dict` holds the weights, the target network, the
optimizer's moments and step counter, the update counters and (with
``save_buffer=True``) the replay buffer; :meth:`Agent.save` adds epsilon,
the random generator's state and the history, written atomically.  Saved at
the end of an episode, a checkpoint resumes exactly.  :class:`CheckpointEvery`
saves every N steps and at the end of each run.
"""

from __future__ import annotations

import logging
from functools import cached_property

import numpy as np

from .. import networks, policies  # networks first: it selects the Keras backend
from ..agent import Agent, ControlAgent
from ..events import CheckpointEvery  # noqa: F401  (re-exported: it used to live here)
from ..presets import PRESETS, preset  # noqa: F401  (re-exported: the recipes used to live here)
from ..params import Param, check_memory
from ..replay import BATCH_MODES, FrameReplayBuffer, ReplayBuffer

import keras  # noqa: E402  (after course.networks has set KERAS_BACKEND)
import tensorflow as tf  # noqa: E402

__all__ = ["DeepAgent", "NeuralPrediction", "DQN", "DoubleDQN", "CheckpointEvery", "PRESETS", "preset"]


log = logging.getLogger(__name__)


class DeepAgent(Agent):
    """What the deep agents share: network, replay buffer, optimizer, the compiled update.

    A subclass states its update rule in two small methods that the compiled
    step calls: :meth:`prediction` (the network's estimate for the batch's
    states and actions) and :meth:`bootstrap` (the value of the next states
    that the target ``r + γ·bootstrap`` builds on).
    """

    gamma = Param(0.99, low=0.0, high=1.0, symbol="γ", doc="discount factor")
    alpha = Param(1e-4, low=0.0, high=1.0, low_open=True, log=True, symbol="α", doc="learning rate (Adam)")
    buffer_size = Param(10_000, low=1, high=10**9, live=False, log=True, doc="replay buffer capacity (transitions)")
    batch_size = Param(32, low=1, live=False, log=True, doc="transitions per update")
    batch_mode = Param("random", choices=BATCH_MODES, doc="random batches, or the newest transitions in order")
    learning_starts = Param(None, low=1, kind=int, allow_none=True, live=False, log=True,
                            doc="transitions before the first update (None: buffer_size, a full buffer)")
    train_every = Param(1, low=1, doc="one update every this many steps")
    loss = Param("squared", choices=("squared", "huber"), live=False, doc="loss on the TD error")
    clip_norm = Param(None, low=0.0, low_open=True, kind=float, allow_none=True, live=False,
                      doc="clip the gradient's global norm to this (None: no clipping)")
    hidden = Param(512, low=1, high=2**14, live=False, log=True, doc="units of the feature layer (of each MLP layer)")
    n_layers = Param(2, low=0, high=8, live=False, doc="hidden layers of the MLP (vector observations)")
    save_buffer = Param(True, live=False, doc="checkpoints include the replay buffer (exact resume)")

    n_outputs = 1  # network outputs: 1 for v(s); control agents give one per action

    # -- the update rule ---------------------------------------------------------
    def prediction(self, obs, actions):
        """The network's estimate for each (s, a) of a batch (a tensor of shape (batch,))."""
        raise NotImplementedError

    def bootstrap(self, next_obs):
        """The value of each next state that the TD target builds on."""
        raise NotImplementedError

    def targets(self, rewards, next_obs, terminated):
        """TD targets r + γ·bootstrap(s'), with nothing bootstrapped at terminal states."""
        not_done = 1.0 - tf.cast(terminated, tf.float32)
        return tf.cast(rewards, tf.float32) + self._gamma * not_done * self.bootstrap(next_obs)

    def _train_step(self, obs, actions, rewards, next_obs, terminated):
        """One gradient step of the loss between targets and predictions (compiled by tf.function)."""
        y = tf.stop_gradient(self.targets(rewards, next_obs, terminated))
        weights = self.network.trainable_variables
        with tf.GradientTape() as tape:
            loss = self._loss_fn(y, self.prediction(obs, actions))
        self.optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    def update_due(self) -> bool:
        """Does the transition of the step in progress (not yet remembered) bring an update?"""
        return self.buffer.added + 1 >= self.starts and (self.total_steps + 1) % self.train_every == 0

    def _remember(self, s, a, r, s2, terminated):
        """Store the transition; when an update is due, count it and return its batch (else None)."""
        due = self.update_due()
        self.buffer.add(s, a, r, s2, terminated)
        if not due:
            return None
        self.updates += 1
        return self.buffer.sample(self.batch_size, self.batch_mode)

    def learn(self, s, a, r, s2, a2, terminated):
        """Remember the transition; every ``train_every`` steps once learning has started, one update."""
        batch = self._remember(s, a, r, s2, terminated)
        return None if batch is None else float(self.train_step(*batch))

    # -- building and compiling (the plumbing the rule runs on) ------------------------
    def build(self) -> None:
        if self.batch_size > self.buffer_size:
            raise ValueError(f"batch_size={self.batch_size} is larger than buffer_size={self.buffer_size}: "
                             f"batch_size must be at most buffer_size")
        if self.starts < self.batch_size:
            raise ValueError(f"learning_starts={self.learning_starts} is smaller than batch_size={self.batch_size}: "
                             f"the first batch needs at least batch_size transitions")
        space = self.env.observation_space
        self._check_memory(space)
        self.network = networks.build_network(space, self.n_outputs, hidden=self.hidden, n_layers=self.n_layers,
                                              seed=int(self.rng.integers(2**31)), name="online")
        self.buffer = self._make_buffer(space)
        self.optimizer = keras.optimizers.Adam(learning_rate=self.alpha, global_clipnorm=self.clip_norm)
        self.optimizer.build(self.network.trainable_variables)
        self._loss_fn = keras.losses.Huber() if self.loss == "huber" else keras.losses.MeanSquaredError()
        self._gamma = tf.Variable(self.gamma, dtype=tf.float32, trainable=False)
        self.updates = 0  # training steps done

    # Compiled on first use (once a subclass has built all its networks), for fixed input types:
    # one graph per update, one per forward pass.  A concrete function skips tf.function's
    # per-call search for a matching graph.
    @cached_property
    def train_step(self):
        """The compiled update: ``train_step(obs, actions, rewards, next_obs, terminated) -> loss``."""
        return tf.function(self._train_step).get_concrete_function(*self._batch_specs())

    def _batch_specs(self) -> tuple[tf.TensorSpec, ...]:
        """Input types of a batch ``(obs, actions, rewards, next_obs, terminated)`` for the compiled update."""
        batch = self._spec(batch=True)
        return (batch, tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None,), tf.float32), batch,
                tf.TensorSpec((None,), tf.bool))

    @cached_property
    def _forward(self):
        return tf.function(lambda obs: self.network(obs, training=False)).get_concrete_function(self._spec(True))

    @cached_property
    def _forward_one(self):
        return tf.function(lambda obs: self.network(obs[None], training=False)[0]).get_concrete_function(
            self._spec(False))

    def _spec(self, batch: bool) -> tf.TensorSpec:
        space = self.env.observation_space
        return tf.TensorSpec(((None,) if batch else ()) + space.shape, space.dtype)

    def _check_memory(self, space) -> None:
        """Refuse a buffer or a network too large for this machine before allocating anything."""
        obs = int(np.prod(space.shape)) * np.dtype(space.dtype).itemsize
        frames = self._frame_offsets() is not None
        per_transition = (obs / space.shape[-1] * 1.1 + 40) if frames else 2 * obs + 9
        check_memory("buffer_size", self.buffer_size, self.buffer_size * per_transition, what="the replay buffer")
        inputs = 3136 if len(space.shape) == 3 else int(np.prod(space.shape))  # the Nature stack flattens 7x7x64
        weights = self.hidden * (inputs + 1 + self.n_outputs) + self.n_layers * self.hidden * (self.hidden + 1)
        # float32 weights, Adam's two moments, a target network and the gradients: ~5 copies
        check_memory("hidden", self.hidden, 20.0 * weights, what="the networks and the optimizer")

    def _frame_offsets(self):
        try:
            return self.env.get_wrapper_attr("frame_offsets")
        except AttributeError:
            return None

    def _make_buffer(self, space) -> ReplayBuffer:
        """A frame-sharing buffer when the environment declares how it stacks frames, else a plain one.

        An observation wrapper that stacks frames can declare ``frame_offsets``
        (see :class:`course.replay.FrameReplayBuffer`); it is found through
        the wrapper chain.
        """
        offsets = self._frame_offsets()
        if offsets is None:
            return ReplayBuffer(self.buffer_size, space.shape, space.dtype, seed=self.rng)
        return FrameReplayBuffer(self.buffer_size, space.shape, offsets, space.dtype, seed=self.rng)

    @property
    def starts(self) -> int:
        """Transitions to collect before the first update."""
        return self.buffer_size if self.learning_starts is None else self.learning_starts

    def _param_changed(self, name, value) -> None:
        """Live parameters reach the compiled graph through variables."""
        super()._param_changed(name, value)
        if name == "alpha":
            self.optimizer.learning_rate = value
        elif name == "gamma":
            self._gamma.assign(value)

    # -- using the network -----------------------------------------------------------
    def forward(self, observations) -> np.ndarray:
        """The network's outputs for a batch of observations (a compiled call, not ``predict()``)."""
        return self._forward(np.asarray(observations, dtype=self.env.observation_space.dtype)).numpy()

    # -- checkpoints -----------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        out = {f"network/{i:03d}": w for i, w in enumerate(self.network.get_weights())}
        out.update({f"optimizer/{i:03d}": v.numpy() for i, v in enumerate(self.optimizer.variables)})
        out["updates"] = np.array([self.updates])
        if self.save_buffer:
            out.update({f"buffer/{k}": v for k, v in self.buffer.state_dict().items()})
        return out

    def _check_state(self, state, total_steps):
        updates = int(state["updates"].reshape(-1)[0]) if state["updates"].size else -1
        if not 0 <= updates <= total_steps:
            return f"updates={updates} does not fit total_steps={total_steps}"
        if "target_updates" in state and not 0 <= int(state["target_updates"].reshape(-1)[0]) <= total_steps:
            return f"target_updates does not fit total_steps={total_steps}"
        if self.save_buffer and "buffer/counters" in state:
            return self.buffer.check_counters(state["buffer/counters"])
        return None

    def load_state_dict(self, arrays) -> None:
        n = len(self.network.weights)
        self.network.set_weights([arrays[f"network/{i:03d}"] for i in range(n)])
        for i, v in enumerate(self.optimizer.variables):
            v.assign(arrays[f"optimizer/{i:03d}"])
        self.updates = int(arrays["updates"][0])
        if self.save_buffer:
            self.buffer.load_state_dict({k[len("buffer/"):]: v for k, v in arrays.items() if k.startswith("buffer/")})


class NeuralPrediction(DeepAgent):
    """Neural value prediction (the "nnMRP"): v_π of the equiprobable random policy from a replay buffer.

    Semi-gradient TD(0) on mini-batches: the target ``r + γ v(s')`` uses the
    same network, held fixed while taking the gradient.
    """

    def act(self, obs, explore=True):
        return policies.random_action(int(self.env.action_space.n), self.rng)

    def v(self, obs) -> float:
        """The estimated value of one observation."""
        return float(self._forward_one(obs)[0])

    def prediction(self, obs, actions):
        return self.network(obs, training=True)[:, 0]

    def bootstrap(self, next_obs):
        return self.network(next_obs, training=False)[:, 0]


class DQN(DeepAgent, ControlAgent):
    """Deep Q-network (Mnih et al., 2015): Q-learning with a replay buffer and a target network.

    Every step: store (s, a, r, s', terminated); every ``train_every`` steps
    (once ``learning_starts`` transitions are in) one update on a batch
    towards ``r + γ max_a' q_target(s', a')``; every ``target_update`` steps
    copy the online weights into the target network (logged at INFO level on
    the ``course.agents.deep`` logger and counted in :attr:`target_updates`).
    Acts epsilon-greedily; epsilon can fall linearly to ``epsilon_min`` over
    ``epsilon_decay_steps`` steps.
    """

    epsilon = Param(1.0, low=0.0, high=1.0, symbol="ε", doc="exploration rate")
    epsilon_min = Param(0.05, low=0.0, high=1.0, doc="floor of the decayed epsilon")
    epsilon_decay_steps = Param(10_000, low=0, doc="linear decay to epsilon_min over this many steps (0 = off)")
    target_update = Param(1000, low=1, log=True, symbol="C", doc="steps between target network refreshes")

    # -- the update rule: Q-learning targets from the target network -----------------
    def prediction(self, obs, actions):
        return tf.gather(self.network(obs, training=True), tf.cast(actions, tf.int32), batch_dims=1)

    def bootstrap(self, next_obs):
        return tf.reduce_max(self.target_network(next_obs, training=False), axis=1)

    def learn(self, s, a, r, s2, a2, terminated):
        loss = super().learn(s, a, r, s2, a2, terminated)
        self._refresh_when_due()
        return loss

    def _refresh_when_due(self) -> None:
        if (self.total_steps + 1) % self.target_update == 0:
            self.refresh_target()

    def refresh_target(self) -> None:
        """Copy the online network's weights into the target network."""
        for target, online in zip(self.target_network.weights, self.network.weights):
            target.assign(online)
        self.target_updates += 1
        log.info("step %d: target network refreshed (%d so far)", self.total_steps + 1, self.target_updates)

    # -- building and acting -----------------------------------------------------------
    @property
    def n_outputs(self) -> int:
        return self.n_actions

    def build(self) -> None:
        super().build()
        self.target_network = keras.models.clone_model(self.network)
        self.target_network.set_weights(self.network.get_weights())
        self.target_updates = 0  # refreshes done

    def q(self, obs) -> np.ndarray:
        return self._forward_one(obs).numpy()

    def _exploring_action(self) -> int | None:
        """With probability epsilon a random action, else None: epsilon-greedy's coin, before any network runs."""
        epsilon = self.exploration
        if epsilon > 0.0 and self.rng.random() < epsilon:
            return int(self.rng.integers(self.n_actions))
        return None

    def act(self, obs, explore=True):
        if explore and self.policy == "epsilon_greedy":  # as policies.epsilon_greedy, but the network
            a = self._exploring_action()                  # only runs when it is needed
            return policies.greedy(self.q(obs), self.rng) if a is None else a
        return super().act(obs, explore)

    def state_dict(self):
        out = super().state_dict()
        out.update({f"target/{i:03d}": w for i, w in enumerate(self.target_network.get_weights())})
        out["target_updates"] = np.array([self.target_updates])
        return out

    def load_state_dict(self, arrays):
        super().load_state_dict(arrays)
        n = len(self.target_network.weights)
        self.target_network.set_weights([arrays[f"target/{i:03d}"] for i in range(n)])
        self.target_updates = int(arrays["target_updates"][0])


class DoubleDQN(DQN):
    """Double DQN (van Hasselt et al., 2016): the online network picks a', the target network values it."""

    def bootstrap(self, next_obs):
        best = tf.argmax(self.network(next_obs, training=False), axis=1, output_type=tf.int32)
        return tf.gather(self.target_network(next_obs, training=False), best, batch_dims=1)
