"""Deep agents (course.agents.deep): update targets by hand, schedules, checkpoints, errors, learning.

The networks here are tiny (a linear layer on one-hot observations) so that
the whole file runs in seconds on a CPU; the Nature network is checked for
its shape only.
"""

import gymnasium as gym
import numpy as np
import pytest

from course.agent import Observer
from course.agents.deep import DQN, CheckpointEvery, DoubleDQN, NeuralPrediction, preset
from course.networks import mlp, nature_cnn


class Chain(gym.Env):
    """States 0..n-1 seen as one-hot vectors; action 1 moves right, 0 left; -1 per step; ends at n-1."""

    def __init__(self, n=5):
        self.n = n
        self.observation_space = gym.spaces.Box(0.0, 1.0, (n,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(2)

    def _obs(self):
        return np.eye(self.n, dtype=np.float32)[self.s]

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.s = 0
        return self._obs(), {}

    def step(self, action):
        self.s = min(self.n - 1, max(0, self.s + (1 if action == 1 else -1)))
        return self._obs(), -1.0, self.s == self.n - 1, False, {}


SMALL = dict(n_layers=0, buffer_size=50, batch_size=8, learning_starts=8, alpha=0.01)


def dqn(cls=DQN, n=5, seed=0, **kw):
    return cls(Chain(n), seed=seed, **{**SMALL, **kw})


def set_linear(net, kernel, bias):
    net.set_weights([np.asarray(kernel, np.float32), np.asarray(bias, np.float32)])


def weights_equal(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a.get_weights(), b.get_weights()))


# ---------------------------------------------------------------------------
# The update rules, checked by hand
# ---------------------------------------------------------------------------
ONLINE = ([[1.0, 2.0], [3.0, 0.0], [0.5, 0.5]], [0.0, 1.0])   # q(s) = s @ K + b, 3 features, 2 actions
TARGET = ([[4.0, -1.0], [-2.0, 2.0], [1.0, 1.0]], [0.5, 0.0])
NEXT = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], np.float32)
REWARDS = np.array([-1.0, -1.0, 2.0, 0.5], np.float32)
DONE = np.array([False, False, True, False])


def tiny_pair(cls):
    agent = cls(Chain(3), seed=0, gamma=0.9, **{**SMALL, "buffer_size": 8})
    set_linear(agent.network, *ONLINE)
    set_linear(agent.target_network, *TARGET)
    return agent


def test_q_learning_targets_by_hand():
    agent = tiny_pair(DQN)
    # target network: q_t(s') = [[4.5, -1], [-1.5, 2], [1.5, 1], [2.5, 1]], max = [4.5, 2, 1.5, 2.5]
    expected = [-1 + 0.9 * 4.5, -1 + 0.9 * 2.0, 2.0, 0.5 + 0.9 * 2.5]  # the terminal one: just r
    np.testing.assert_allclose(agent.targets(REWARDS, NEXT, DONE).numpy(), expected, rtol=1e-6)


def test_double_dqn_targets_by_hand():
    agent = tiny_pair(DoubleDQN)
    # online q(s') = [[1, 3], [3, 1], [0.5, 1.5], [4, 3]] picks a' = [1, 0, 1, 0];
    # the target network values them: [-1, -1.5, 1, 2.5]
    expected = [-1 + 0.9 * -1.0, -1 + 0.9 * -1.5, 2.0, 0.5 + 0.9 * 2.5]
    np.testing.assert_allclose(agent.targets(REWARDS, NEXT, DONE).numpy(), expected, rtol=1e-6)
    assert not np.allclose(expected, tiny_pair(DQN).targets(REWARDS, NEXT, DONE).numpy())


def test_neural_prediction_target_bootstraps_on_its_own_network():
    agent = NeuralPrediction(Chain(3), seed=0, gamma=0.5, n_layers=0, buffer_size=8, batch_size=4)
    set_linear(agent.network, [[2.0], [-4.0], [1.0]], [1.0])  # v(s') = [3, -3, 2, -1]
    np.testing.assert_allclose(agent.targets(REWARDS, NEXT, DONE).numpy(), [0.5, -2.5, 2.0, 0.0])


def test_live_gamma_reaches_the_compiled_targets():
    agent = tiny_pair(DQN)
    agent.gamma = 0.0
    np.testing.assert_allclose(agent.targets(REWARDS, NEXT, DONE).numpy(), REWARDS)


def test_prediction_picks_the_taken_action():
    agent = tiny_pair(DQN)
    obs = NEXT
    np.testing.assert_allclose(agent.prediction(obs, np.array([0, 1, 1, 0])).numpy(), [1.0, 1.0, 1.5, 4.0])
    np.testing.assert_allclose(agent.q(obs[3]), [4.0, 3.0])
    assert agent.act(obs[3], explore=False) == 0


@pytest.mark.parametrize("loss", ["squared", "huber"])
def test_train_step_reduces_the_loss_on_a_batch(loss):
    agent = tiny_pair(DQN)
    agent2 = DQN(Chain(3), seed=0, gamma=0.9, loss=loss, **{**SMALL, "buffer_size": 8, "alpha": 0.05})
    set_linear(agent2.network, *ONLINE)
    set_linear(agent2.target_network, *TARGET)
    obs, actions = NEXT[[1, 0, 3, 2]], np.array([1, 0, 0, 1], np.int32)
    losses = [float(agent2.train_step(obs, actions, REWARDS, NEXT, DONE)) for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    assert weights_equal(agent2.target_network, agent.target_network)  # updates leave the target alone


# ---------------------------------------------------------------------------
# Schedules: learning starts, training frequency, target refresh, epsilon, live alpha
# ---------------------------------------------------------------------------
def test_learning_starts_and_train_every():
    agent = dqn(learning_starts=10, train_every=3, target_update=1000)
    agent.run(steps=40)
    assert agent.updates == len([t for t in range(1, 41) if t >= 10 and t % 3 == 0])


def test_no_update_until_the_buffer_is_full_by_default():
    agent = dqn(buffer_size=30, learning_starts=None)
    before = agent.network.get_weights()
    agent.run(steps=29)
    assert agent.updates == 0
    assert all(np.array_equal(x, y) for x, y in zip(before, agent.network.get_weights()))
    agent.run(steps=1)
    assert agent.updates == 1


class TargetWatch(Observer):
    def __init__(self):
        self.same = []

    def on_step(self, agent, step):
        self.same.append(weights_equal(agent.network, agent.target_network))


def test_target_network_refreshed_exactly_every_c_steps():
    agent = dqn(target_update=7, learning_starts=8)
    watch = TargetWatch()
    agent.run(steps=50, observers=[watch])
    assert agent.target_updates == 50 // 7
    # after an update the networks differ, right after a refresh they agree
    steps_equal = [t for t, same in enumerate(watch.same, 1) if same]
    assert [t for t in steps_equal if t >= 8] == [t for t in range(8, 51) if t % 7 == 0]


def test_epsilon_falls_linearly_to_its_floor():
    agent = dqn(epsilon=1.0, epsilon_min=0.1, epsilon_decay_steps=20)
    agent.run(steps=10)
    assert agent.exploration == pytest.approx(0.55) and agent.epsilon == 1.0  # epsilon is where the schedule starts
    agent.run(steps=15)
    assert agent.exploration == pytest.approx(0.1)


def test_live_alpha_changes_the_optimizer():
    agent = dqn(alpha=0.01)
    agent.alpha = 0.003
    assert float(agent.optimizer.learning_rate) == pytest.approx(0.003)


def test_bad_sizes_are_clear_errors():
    with pytest.raises(ValueError, match=r"batch_size=64 .*buffer_size=32"):
        dqn(buffer_size=32, batch_size=64)
    with pytest.raises(ValueError, match="buffer_size=-5"):
        dqn(buffer_size=-5)
    with pytest.raises(ValueError, match="batch_size=0"):
        dqn(batch_size=0)
    with pytest.raises(ValueError, match=r"learning_starts=4 .*batch_size=8"):
        dqn(learning_starts=4)
    with pytest.raises(ValueError, match="loss='l1'"):
        dqn(loss="l1")
    agent = dqn()
    with pytest.raises(ValueError, match="buffer_size"):
        agent.buffer_size = 100  # reset-only once built


# ---------------------------------------------------------------------------
# Seeds and checkpoints
# ---------------------------------------------------------------------------
def test_same_seed_same_curve():
    a, b = dqn(seed=4, epsilon_decay_steps=100), dqn(seed=4, epsilon_decay_steps=100)
    ha, hb = a.run(6), b.run(6)
    np.testing.assert_array_equal(ha.steps, hb.steps)
    np.testing.assert_array_equal(ha.losses, hb.losses)
    assert weights_equal(a.network, b.network)
    assert not weights_equal(a.network, dqn(seed=5).network)


@pytest.mark.slow
def test_checkpoint_resume_continues_exactly(tmp_path):
    a = dqn(DoubleDQN, seed=3, target_update=20, epsilon_decay_steps=100)
    a.run(4)
    a.save(tmp_path / "a.npz")
    a.run(3)
    b = dqn(DoubleDQN, seed=3, target_update=20, epsilon_decay_steps=100)
    b.load(tmp_path / "a.npz")
    assert b.total_steps == a.history.total_steps[3] and b.exploration < 1.0
    b.run(3)
    np.testing.assert_array_equal(a.history.steps, b.history.steps)
    np.testing.assert_array_equal(a.history.losses, b.history.losses)
    assert weights_equal(a.network, b.network) and weights_equal(a.target_network, b.target_network)
    assert a.updates == b.updates and a.target_updates == b.target_updates
    for va, vb in zip(a.optimizer.variables, b.optimizer.variables):
        np.testing.assert_array_equal(va.numpy(), vb.numpy())


def test_checkpoint_every_n_steps_and_at_the_end(tmp_path):
    agent = dqn()
    saver = CheckpointEvery(tmp_path / "ck-{step}.npz", every=10)
    agent.run(steps=25, observers=[saver])
    assert [p.name for p in saver.paths] == ["ck-10.npz", "ck-20.npz", "ck-25.npz"]
    agent.run(steps=5, learn=False, observers=[saver])
    assert len(saver.paths) == 3  # an evaluation run adds no steps, so no new checkpoint
    again = dqn().load(saver.paths[1])
    assert again.total_steps == 20
    with pytest.raises(ValueError, match="every"):
        CheckpointEvery(tmp_path / "x.npz", every=0)



def test_checkpoint_due_on_an_episodes_last_step_keeps_that_episode(tmp_path):
    probe = dqn(seed=4)
    probe.run(3)
    every = int(probe.history.total_steps[1])  # the step on which the second episode ends
    agent = dqn(seed=4)
    saver = CheckpointEvery(tmp_path / "ck-{step}.npz", every=every)
    agent.run(3, observers=[saver])
    first = saver.paths[0]
    assert first.name == f"ck-{every}.npz"
    resumed = dqn(seed=4).load(first)
    assert resumed.total_steps == every
    assert len(resumed.history) == 2 and int(resumed.history.total_steps[-1]) == every  # the episode is in
    resumed.run(1)
    np.testing.assert_array_equal(resumed.history.steps, agent.history.steps)  # and resuming is exact

def test_bad_files_are_clear_errors_and_change_nothing(tmp_path):
    agent = dqn(seed=1)
    agent.run(steps=20)
    good = agent.save(tmp_path / "good.npz")
    other = dqn(seed=2)
    before = other.network.get_weights()
    with pytest.raises(ValueError, match="hidden"):
        dqn(seed=2, n_layers=1, hidden=16).load(good)  # a different network
    with pytest.raises(ValueError, match="does not match"):
        DQN(Chain(7), seed=0, **SMALL).load(good)  # a different observation size
    with pytest.raises(ValueError, match="DQN"):
        NeuralPrediction(Chain(5), seed=0, **{k: v for k, v in SMALL.items()}).load(good)
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        other.load(corrupt)
    assert all(np.array_equal(x, y) for x, y in zip(before, other.network.get_weights()))
    assert other.total_steps == 0 and len(other.buffer) == 0


# ---------------------------------------------------------------------------
# Networks and buffers chosen from the environment
# ---------------------------------------------------------------------------
def test_nature_network_shape_and_scaling():
    net = nature_cnn((54, 81, 1), 4, seed=0)
    assert net.output_shape == (None, 4)
    convs = [layer for layer in net.layers if layer.name.startswith("conv")]
    assert [(c.filters, c.kernel_size, c.strides) for c in convs] == [(32, (8, 8), (4, 4)), (64, (4, 4), (2, 2)),
                                                                       (64, (3, 3), (1, 1))]
    assert net.get_layer("features").units == 512
    assert net.get_layer("to_unit_range").scale == pytest.approx(1 / 255)
    same = nature_cnn((54, 81, 1), 4, seed=0)
    assert weights_equal(net, same) and not weights_equal(net, nature_cnn((54, 81, 1), 4, seed=1))
    assert nature_cnn((54, 81, 1), 1, seed=0).output_shape == (None, 1)  # value prediction
    with pytest.raises(ValueError, match="obs_shape"):
        nature_cnn((20, 20, 1), 4)
    assert mlp((4,), 2, hidden=8, n_layers=2).count_params() == 4 * 8 + 8 + 8 * 8 + 8 + 8 * 2 + 2


class Stacked(gym.Wrapper):
    """Chain observations as 36x36 frames, stacked as (t-2, t) channels: declares its frame_offsets."""

    frame_offsets = (2, 0)

    def __init__(self, env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 255, (36, 36, 2), dtype=np.uint8)

    def reset(self, **kw):
        obs, info = self.env.reset(**kw)
        self.frames = [self.frame(obs)] * 3
        return self.stack(), info

    def step(self, action):
        obs, r, term, trunc, info = self.env.step(action)
        self.frames = self.frames[1:] + [self.frame(obs)]
        return self.stack(), r, term, trunc, info

    @staticmethod
    def frame(obs):
        return np.full((36, 36), 50 * int(np.argmax(obs)), np.uint8)

    def stack(self):
        return np.stack([self.frames[0], self.frames[2]], axis=-1)


def test_stacked_frames_get_the_frame_sharing_buffer():
    agent = DQN(Stacked(Chain(4)), seed=0, **{**SMALL, "hidden": 8})
    assert type(agent.buffer).__name__ == "FrameReplayBuffer"
    agent.run(steps=30)
    assert agent.updates > 0 and agent.buffer._written < 2 * len(agent.buffer)
    assert type(dqn().buffer).__name__ == "ReplayBuffer"


def test_presets_are_copies():
    p = preset("cartpole")
    p["agent"]["alpha"] = 1.0
    assert preset("cartpole")["agent"]["alpha"] != 1.0
    with pytest.raises(ValueError, match="preset='pong'"):
        preset("pong")


# ---------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------
def test_dqn_learns_the_shortest_path_of_a_chain():
    agent = dqn(n=8, alpha=0.05, buffer_size=200, batch_size=16, learning_starts=50, target_update=25,
                epsilon=1.0, epsilon_min=0.05, epsilon_decay_steps=300, max_episode_steps=100, seed=2)
    h = agent.run(40)
    assert h.steps[:5].mean() > 20
    assert agent.evaluate(1).steps[0] == 7  # greedy: straight to the end


@pytest.mark.slow
def test_neural_prediction_learns_random_walk_values():
    n = 5
    # true values of the random policy on the chain (-1 per step): solve v = -1 + γ P v on states 0..n-2
    P = np.zeros((n - 1, n - 1))
    for s in range(n - 1):
        P[s, max(0, s - 1)] += 0.5
        if s + 1 < n - 1:
            P[s, s + 1] += 0.5
    v_true = np.linalg.solve(np.eye(n - 1) - 0.8 * P, -np.ones(n - 1))
    agent = NeuralPrediction(Chain(n), seed=0, gamma=0.8, n_layers=0, alpha=0.05, buffer_size=500,
                             batch_size=32, learning_starts=32)
    obs = np.eye(n, dtype=np.float32)[: n - 1]
    err0 = np.sqrt(np.mean((agent.forward(obs)[:, 0] - v_true) ** 2))
    agent.run(total_steps=1500)
    err = np.sqrt(np.mean((agent.forward(obs)[:, 0] - v_true) ** 2))
    assert err < 0.25 * err0
    assert agent.v(obs[0]) == pytest.approx(agent.forward(obs[:1])[0, 0])


# ---------------------------------------------------------------------------
# The benchmark's naive loop
# ---------------------------------------------------------------------------
def test_naive_benchmark_loop_updates_on_every_timed_step():
    """`course bench dqn` compares like with like: every step the naive loop times does an update, as ours."""
    from course.bench.dqn import NaiveLoop
    from course.envs import make

    params = {**preset("maze")["agent"], "batch_size": 4, "target_update": 3}
    loop = NaiveLoop(make("maze", obs="image"), params)
    assert loop.fits == 1 and len(loop.memory) == 4  # construction: one full batch, one (untimed) update
    assert loop.run(4) > 0
    assert loop.fits == 5 and loop.t == 8
    assert not weights_equal(loop.target, loop.model)  # refreshed at step 6, updated at steps 7 and 8
