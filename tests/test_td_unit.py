"""Lessons 08-09 against the book: the cliff, maximization bias, n-step TD, batch updating; bad input."""

import functools

import numpy as np
import pytest

from course import batched_tabular as bt
from course.agents import ActorCritic, BatchMC, BatchTD0, DoubleQLearning, MaskedQLearning, NStepTD, QLearning
from course.envs import make
from course.experiments import average
from course.figures.n_step import rms_vs_alpha
from course.figures.temporal_difference import cliff_runs, left_fractions


# ---------------------------------------------------------------------------
# Cliff walking (Example 6.6)
# ---------------------------------------------------------------------------
@functools.lru_cache
def cliff():
    return cliff_runs("lesson", runs=30, episodes=400)


def greedy_rows(q):
    env = make("cliff").unwrapped
    return [r for r, _ in env.greedy_path(q.T)]


def test_cliff_q_learning_walks_the_edge_and_sarsa_keeps_away():
    res = cliff()
    sarsa_q, q_q = res["q"][0], res["q"][1]
    q_paths = [greedy_rows(q) for q in q_q]
    sarsa_paths = [greedy_rows(q) for q in sarsa_q]
    # the edge is row 2 (the cliff is row 3): Q-learning's greedy path is the 13-step one along it
    assert np.mean([len(p) - 1 == 13 and min(p[1:-1]) == 2 for p in q_paths]) >= 0.9
    # Sarsa's greedy path climbs higher, away from the cliff, and is longer
    assert np.mean([min(p) <= 1 for p in sarsa_paths]) >= 0.9
    assert np.mean([len(p) for p in sarsa_paths]) > np.mean([len(p) for p in q_paths])


def test_cliff_sarsa_earns_more_online_about_minus_25_against_minus_50():
    sarsa, q = (c.returns[:, -100:].mean() for c in cliff()["curves"])
    assert sarsa > q + 10
    assert -32 < sarsa < -18, sarsa
    assert -65 < q < -38, q


def test_batched_cliff_agrees_with_the_kits_q_learning_loop():
    loop = average(lambda seed, **p: QLearning(make("cliff"), alpha=0.5, epsilon=0.1, seed=seed), 10, 100,
                   progress=False)
    batch = cliff_runs("lesson", runs=40, episodes=100, algos=("q-learning",))["curves"][0]
    assert abs(loop.returns[:, 50:].mean() - batch.returns[:, 50:].mean()) < 8
    assert abs(loop.returns[:, :10].mean() - batch.returns[:, :10].mean()) < 0.35 * abs(batch.returns[:, :10].mean())


# ---------------------------------------------------------------------------
# Maximization bias (Figure 6.5)
# ---------------------------------------------------------------------------
@functools.lru_cache
def left():
    return left_fractions(runs=2000, episodes=300)


def test_q_learning_goes_left_far_more_often_than_double_q_early():
    f = left()
    q, dq = f["q-learning"][:, :50].mean(), f["double-q"][:, :50].mean()
    assert q > dq + 0.25, (q, dq)


def test_double_q_ends_near_five_percent_and_q_learning_above_it():
    f = left()
    dq = f["double-q"][:, -50:].mean()
    assert 0.03 < dq < 0.09, dq
    assert f["q-learning"][:, -50:].mean() > dq


def test_the_loop_double_q_agent_matches_the_batched_one():
    runs = 150
    loop = np.array([np.array(DoubleQLearning(make("max-bias"), alpha=0.1, epsilon=0.1, seed=s).run(60).steps) == 2
                     for s in range(runs)])
    assert abs(loop[:, 20:60].mean() - left()["double-q"][:, 20:60].mean()) < 0.07
    qloop = np.array([np.array(MaskedQLearning(make("max-bias"), alpha=0.1, epsilon=0.1, seed=s).run(60).steps) == 2
                      for s in range(runs)])
    assert abs(qloop[:, 20:60].mean() - left()["q-learning"][:, 20:60].mean()) < 0.07


def test_max_bias_env_has_two_actions_in_a_and_noisy_rewards_in_b():
    env = make("max-bias")
    s, info = env.reset(seed=0)
    assert s == 0 and info["action_mask"].sum() == 2
    with pytest.raises(ValueError, match="action"):
        env.step(5)
    assert env.step(1)[1:3] == (0.0, True)  # right: ends with 0
    env.reset()
    s, r, term, *_ = env.step(0)  # left: to B with 0
    assert (s, r, term) == (1, 0.0, False)
    rewards = []
    for _ in range(3000):
        env.reset()
        env.step(0)
        rewards.append(env.step(7)[1])
    assert abs(np.mean(rewards) + 0.1) < 0.06 and abs(np.std(rewards) - 1) < 0.06
    with pytest.raises(ValueError, match="n_actions"):
        make("max-bias", n_actions=1)


# ---------------------------------------------------------------------------
# n-step TD (Figure 7.2)
# ---------------------------------------------------------------------------
def test_an_intermediate_n_beats_n_1_and_the_largest_n_at_their_best_alpha():
    err = rms_vs_alpha(runs=40, ns=(1, 4, 8, 512))
    best = {n: e.min() for n, e in err.items()}
    assert min(best[4], best[8]) < best[1] - 0.03, best
    assert min(best[4], best[8]) < best[512] - 0.03, best


def test_n_step_td_update_by_hand():
    agent = NStepTD(make("random-walk-5"), n=2, alpha=0.5, seed=0)
    agent.w[:] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0]
    assert agent.learn(3, 1, 0.0, 4, None, False) is None  # one reward only: no update yet
    agent.learn(4, 1, 0.0, 5, None, False)  # G = 0 + 0 + V(5) = 0.5 for state 3
    assert agent.w[3] == pytest.approx(0.3 + 0.5 * (0.5 - 0.3))
    agent.learn(5, 1, 1.0, 6, None, True)  # G = 0 + 1 for state 4 (terminal reached)
    assert agent.w[4] == pytest.approx(0.4 + 0.5 * (1.0 - 0.4))
    agent.end_episode()  # state 5 still waits: G = 1
    assert agent.w[5] == pytest.approx(0.5 + 0.5 * (1.0 - 0.5))


def test_batched_n_step_td_agrees_with_the_loop_agent():
    loop = average(lambda seed, **p: NStepTD(make("random-walk-19"), n=4, alpha=0.2, seed=seed), 30, 10,
                   progress=False)
    env = make("random-walk-19").unwrapped
    err = bt.predict(bt.random_walks(19, 60, 10, seed=1), n=4, alphas=[0.2], true_values=env.true_values,
                     left_reward=-1, right_reward=1)
    assert abs(loop.errors.mean() - err[0, :, 1:].mean()) < 0.04


def test_bad_n_names_the_parameter():
    with pytest.raises(ValueError, match=r"\bn\b"):
        NStepTD(make("random-walk-19"), n=0)
    with pytest.raises(ValueError, match=r"n=0 is not valid"):
        bt.predict([[np.array([3, 4, 5, 6])]], n=0, alphas=[0.1], true_values=np.zeros(7), left_reward=0,
                   right_reward=1)
    with pytest.raises(ValueError, match="alpha"):
        bt.control(make("cliff"), [dict(algo="sarsa", alpha=0.0, epsilon=0.1)], runs=1, episodes=1)
    with pytest.raises(ValueError, match="algo"):
        bt.control(make("cliff"), [dict(algo="sarsa-max", alpha=0.5, epsilon=0.1)], runs=1, episodes=1)


# ---------------------------------------------------------------------------
# Batch updating (Figure 6.2), actor-critic
# ---------------------------------------------------------------------------
def test_batch_td_beats_batch_mc_and_batch_mc_settles_on_average_returns():
    td, mc = [], []
    for seed in range(8):
        for cls, out in ((BatchTD0, td), (BatchMC, mc)):
            agent = cls(make("random-walk-5"), seed=seed)
            agent.w[1:-1] = 0.5
            out.append(agent.run(60).errors[-20:].mean())
    assert np.mean(td) < np.mean(mc) - 0.01
    s, g = np.array(agent.s_), np.array(agent.g_)  # the last BatchMC agent
    for state in np.unique(s):
        assert agent.w[state] == pytest.approx(g[s == state].mean(), abs=1e-3)


def test_actor_critic_learns_the_cliff():
    agent = ActorCritic(make("cliff"), alpha=0.2, alpha_theta=0.2, seed=0)
    h = agent.run(400)
    assert np.mean(h.returns[-50:]) > np.mean(h.returns[:50]) + 30
    assert np.mean(h.returns[-50:]) > -40


def test_same_seed_same_batched_curves():
    a = bt.control(make("max-bias"), [dict(algo="double-q", alpha=0.1, epsilon=0.1)], runs=50, episodes=20, seed=3)
    b = bt.control(make("max-bias"), [dict(algo="double-q", alpha=0.1, epsilon=0.1)], runs=50, episodes=20, seed=3)
    assert np.array_equal(a["first"], b["first"]) and np.array_equal(a["q"], b["q"])


def test_sarsa_and_expected_sarsa_lanes_learn_the_cliff():
    res = bt.control(make("cliff"), [dict(algo=a, alpha=0.5, epsilon=0.1) for a in ("sarsa", "expected-sarsa")],
                     runs=20, episodes=200)
    sarsa, expected = (c.returns[:, -50:].mean() for c in res["curves"])
    assert expected > sarsa - 3  # Expected Sarsa at alpha 0.5 does at least as well as Sarsa (Figure 6.3)
