"""The bandits of lesson 02: the book's findings on the 10-armed testbed, and the plumbing."""

from __future__ import annotations

import numpy as np
import pytest

from course import bandits
from course.bandits import ActionValueAgent, GradientAgent, Testbed

RUNS = 400


def curves(agent, steps=1000, runs=RUNS, **testbed):
    return bandits.run(agent, Testbed(runs, seed=3, **testbed), steps)


def test_epsilon_greedy_ends_with_more_reward_than_greedy():
    greedy = curves(ActionValueAgent(epsilon=0.0, seed=1))
    explorer = curves(ActionValueAgent(epsilon=0.1, seed=1))
    assert explorer.reward[-200:].mean() > greedy.reward[-200:].mean() + 0.15
    assert explorer.optimal[-200:].mean() > greedy.optimal[-200:].mean() + 0.2


def test_greedy_gets_stuck_near_a_third_optimal_and_epsilon_finds_most():
    greedy = curves(ActionValueAgent(epsilon=0.0, seed=1))
    explorer = curves(ActionValueAgent(epsilon=0.1, seed=1))
    assert 0.25 < greedy.optimal[-100:].mean() < 0.5
    assert 0.7 < explorer.optimal[-100:].mean() < 0.9


def test_optimistic_greedy_beats_realistic_epsilon_greedy_in_percent_optimal_after_a_few_hundred_steps():
    optimistic = curves(ActionValueAgent(epsilon=0.0, q0=5.0, alpha=0.1, seed=1))
    realistic = curves(ActionValueAgent(epsilon=0.1, q0=0.0, alpha=0.1, seed=1))
    assert optimistic.optimal[300:].mean() > realistic.optimal[300:].mean() + 0.05
    # and the optimistic one explores early on: its spike, then a dip, as in Figure 2.3
    assert optimistic.optimal[:10].mean() < 0.3


def test_ucb_beats_epsilon_greedy_on_average_reward():
    ucb = curves(ActionValueAgent(epsilon=0.0, c=2.0, seed=1))
    egreedy = curves(ActionValueAgent(epsilon=0.1, seed=1))
    assert ucb.reward[100:].mean() > egreedy.reward[100:].mean() + 0.05


def test_ucb_tries_every_arm_once_first():
    agent = ActionValueAgent(epsilon=0.0, c=1.0, seed=0)
    run = bandits.BanditRun(agent, Testbed(50, seed=0)).advance(10)
    assert (agent.N == 1).all()
    assert run.steps == 10


def test_gradient_bandit_with_baseline_beats_without_when_values_are_around_plus_four():
    with_b = curves(GradientAgent(alpha=0.1, baseline=True, seed=1), mean=4.0)
    without = curves(GradientAgent(alpha=0.1, baseline=False, seed=1), mean=4.0)
    assert with_b.optimal[-200:].mean() > without.optimal[-200:].mean() + 0.2


def test_gradient_policy_is_a_distribution_and_prefers_the_rewarded_arm():
    agent = GradientAgent(alpha=0.2, seed=0)
    bandits.BanditRun(agent, bandits.three_armed(runs=200, seed=0)).advance(300)
    pi = agent.policy()
    assert np.allclose(pi.sum(axis=1), 1.0)
    assert (pi.argmax(axis=1) == 1).mean() > 0.8  # arm 1 is the best of THREE_ARMED


def test_incremental_sample_average_equals_the_mean():
    agent = ActionValueAgent(epsilon=1.0, seed=4)  # pulls at random: every arm gets samples
    bed = Testbed(3, seed=4)
    agent.start(bed.runs, bed.arms)
    seen = [[[] for _ in range(bed.arms)] for _ in range(bed.runs)]
    for _ in range(200):
        a = agent.act()
        r, _ = bed.pull(a)
        agent.learn(a, r)
        for i in range(bed.runs):
            seen[i][a[i]].append(r[i])
    expected = np.array([[np.mean(s) if s else 0.0 for s in row] for row in seen])
    assert np.allclose(agent.Q, expected)


def test_constant_step_size_tracks_a_drifting_problem_better_than_sample_averages():
    average = curves(ActionValueAgent(epsilon=0.1, seed=1), steps=4000, runs=200, drift=0.01)
    constant = curves(ActionValueAgent(epsilon=0.1, alpha=0.1, seed=1), steps=4000, runs=200, drift=0.01)
    assert constant.optimal[-1000:].mean() > average.optimal[-1000:].mean() + 0.1


def test_ties_are_broken_at_random():
    rng = np.random.default_rng(0)
    picks = bandits.argmax_random(np.zeros((4000, 4)), rng)
    counts = np.bincount(picks, minlength=4)
    assert counts.min() > 800  # about 1000 each, never all arm 0
    assert (bandits.argmax_random(np.array([[0.0, 2.0, 1.0]]), rng) == 1).all()


def test_same_seed_same_curves_and_another_seed_other_curves():
    a = curves(ActionValueAgent(epsilon=0.1, seed=7), steps=200, runs=50)
    b = curves(ActionValueAgent(epsilon=0.1, seed=7), steps=200, runs=50)
    c = curves(ActionValueAgent(epsilon=0.1, seed=8), steps=200, runs=50)
    assert np.array_equal(a.reward, b.reward) and np.array_equal(a.optimal, b.optimal)
    assert not np.array_equal(a.reward, c.reward)


def test_a_live_change_of_epsilon_acts_from_the_next_step():
    agent = ActionValueAgent(epsilon=0.0, seed=0)
    run = bandits.BanditRun(agent, Testbed(300, seed=0)).advance(200)
    before = run.result().optimal[-50:].mean()
    agent.epsilon = 1.0  # now purely random: about 10 % optimal
    after = run.advance(100).result().optimal[-100:].mean()
    assert after < 0.2 < before


@pytest.mark.parametrize("make, name", [
    (lambda: ActionValueAgent(c=-1.0), "c"),
    (lambda: ActionValueAgent(epsilon=1.5), "epsilon"),
    (lambda: ActionValueAgent(epsilon=-0.1), "epsilon"),
    (lambda: ActionValueAgent(alpha=0.0), "alpha"),
    (lambda: GradientAgent(alpha=-0.1), "alpha"),
    (lambda: Testbed(runs=0), "runs"),
    (lambda: Testbed(drift=-0.01), "drift"),
    (lambda: Testbed(values=[]), "values"),
])
def test_bad_input_is_an_error_naming_the_parameter(make, name):
    with pytest.raises(ValueError, match=rf"^{name}="):
        make()


def test_bad_step_count_is_an_error():
    with pytest.raises(ValueError, match="steps"):
        bandits.run(ActionValueAgent(), Testbed(2), 0)


def test_plain_python_loop_agrees_with_the_batched_runner_on_average():
    plain = np.mean([np.mean(bandits.plain_epsilon_greedy(0.1, 500, seed)[1][-100:]) for seed in range(200)])
    batched = curves(ActionValueAgent(epsilon=0.1, seed=0), steps=500, runs=200).optimal[-100:].mean()
    assert abs(plain - batched) < 0.08


def test_figure_2_2_writes_the_six_series_with_steps_from_one(tmp_path):
    from course import figures

    assert figures.main(["sutton-barto-2.2", "--out", str(tmp_path), "--scale", "smoke", "--runs", "30"]) == 0
    table = figures.read_csv(tmp_path / "sutton-barto-2.2.csv")
    assert set(table) == {f"epsilon={e} {q}" for e in ("0", "0.01", "0.1") for q in ("reward", "optimal")}
    assert table["epsilon=0.1 reward"]["x"][0] == 1 and np.isfinite(table["epsilon=0.1 optimal"]["stderr"]).all()


def test_lessons_2_and_3_have_their_figures(capsys):
    from course import figures

    assert figures.main(["--list", "--lesson", "2"]) == 0
    listed = capsys.readouterr().out
    assert all(f"sutton-barto-2.{i}" in listed for i in range(2, 7))
    assert figures.main(["--list", "--lesson", "3"]) == 0
    assert "lesson03-gridworlds" in capsys.readouterr().out
