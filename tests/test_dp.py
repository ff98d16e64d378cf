"""Dynamic programming: the kit's worlds expose their model, and DP gives the book's answers (chapter 4)."""

from __future__ import annotations

import numpy as np
import pytest

from course import dp
from course.envs import make
from course.envs.models import ModelEnv, estimate_model, gambler, model_error, sample_transitions, \
    TransitionRecorder

WORLDS = ["grid", "maze", "large-maze", "cliff", "windy", "corner-grid", "random-walk-5", "random-walk-19"]


@pytest.mark.parametrize("name", WORLDS)
def test_every_world_exposes_a_model_that_agrees_with_step(name):
    env = make(name)
    m = env.unwrapped.model()
    assert m.P.shape == (m.n_states, env.action_space.n, m.n_states)
    assert np.allclose(m.P.sum(axis=2), 1.0)
    obs, _ = env.reset(seed=0)
    rng = np.random.default_rng(0)
    for _ in range(200):  # the model predicts exactly what step does (the worlds are deterministic)
        a = int(rng.integers(env.action_space.n))
        s2, r, terminated, _, _ = env.step(a)
        assert m.P[obs, a, s2] == 1.0 and m.R[obs, a, s2] == r and m.terminal[s2] == terminated
        obs = env.reset()[0] if terminated else s2


def test_figure_4_1_values_of_the_random_policy_to_one_decimal():
    m = make("corner-grid").unwrapped.model()
    v, _ = dp.evaluate_policy(m, dp.random_policy(m), gamma=1.0, theta=1e-6, in_place=False)
    book = [[0, -14, -20, -22], [-14, -18, -20, -20], [-20, -20, -18, -14], [-22, -20, -14, 0]]
    assert np.array_equal(np.round(v, 1).reshape(4, 4), np.array(book, dtype=float))


def test_figure_4_1_after_k_sweeps_and_in_place_is_faster():
    m = make("corner-grid").unwrapped.model()
    pi, v = dp.random_policy(m), np.zeros(16)
    v, _ = dp.sweep(m, pi, v, in_place=False)
    assert np.allclose(v[1:15], -1.0)
    v, _ = dp.sweep(m, pi, v, in_place=False)
    assert v[1] == pytest.approx(-1.75) and v[2] == pytest.approx(-2.0)  # the book prints -1.7 and -2.0
    _, two_array = dp.evaluate_policy(m, pi, in_place=False)
    _, in_place = dp.evaluate_policy(m, pi, in_place=True)
    assert in_place < two_array


def test_random_walk_policy_evaluation_gives_its_true_values():
    env = make("random-walk-5").unwrapped
    v, _ = dp.evaluate_policy(env, dp.random_policy(env.model()), theta=1e-10)
    assert np.allclose(v[1:-1], env.true_values[1:-1], atol=1e-8)


@pytest.mark.parametrize("name", ["maze", "large-maze", "windy", "cliff"])
def test_value_iteration_greedy_policy_walks_the_shortest_path(name):
    world = make(name).unwrapped
    policy, v, _ = dp.value_iteration(world, gamma=1.0)
    q = dp.q_values(world, v)
    path = world.greedy_path(q.T)
    assert len(path) - 1 == world.shortest_path_length() == -v[world.start_state]


def test_policy_iteration_agrees_with_value_iteration():
    world = make("maze").unwrapped
    _, v_pi, iterations = dp.policy_iteration(world, gamma=0.9)
    _, v_vi, _ = dp.value_iteration(world, gamma=0.9, theta=1e-10)
    assert iterations >= 2
    assert np.allclose(v_pi, v_vi, atol=1e-4)


def test_gambler_values_increase_with_capital_and_policy_stakes_all_at_50():
    m = gambler(0.4)
    history = []
    _, v, sweeps = dp.value_iteration(m, theta=1e-9, history=history)
    assert len(history) == sweeps
    assert np.all(np.diff(v[1:100]) > 0)
    assert v[50] == pytest.approx(0.4) and v[25] == pytest.approx(0.16) and v[75] == pytest.approx(0.64)
    q = dp.q_values(m, v)
    assert np.argmax(np.round(q[50, 1:], 6)) + 1 == 50


@pytest.mark.parametrize("bad, message", [
    (dict(gamma=1.5), "gamma=1.5 is out of range"),
    (dict(gamma=-0.1), "gamma=-0.1 is out of range"),
    (dict(theta=0.0), "theta=0.0 is out of range"),
    (dict(theta=-1e-3), "theta=-0.001 is out of range"),
    (dict(max_sweeps=0), "max_sweeps=0 is out of range"),
])
def test_bad_parameters_are_named(bad, message):
    m = make("corner-grid").unwrapped.model()
    with pytest.raises(ValueError, match=message):
        dp.evaluate_policy(m, dp.random_policy(m), **bad)


def test_a_policy_of_the_wrong_shape_is_named():
    m = make("corner-grid").unwrapped.model()
    with pytest.raises(ValueError, match=r"policy has shape \(4, 16\).*must have shape \(16, 4\)"):
        dp.evaluate_policy(m, np.full((4, 16), 0.25))
    with pytest.raises(ValueError, match="policy is not valid: each row"):
        dp.evaluate_policy(m, np.full((16, 4), 0.3))
    with pytest.raises(ValueError, match="not allowed"):
        g = gambler()
        dp.evaluate_policy(g, np.eye(g.n_actions)[np.full(g.n_states, 50)])


def test_evaluation_that_cannot_converge_stops_at_the_cap_with_a_clear_message():
    m = make("corner-grid").unwrapped.model()
    always_up = np.zeros(16, dtype=int)  # row 0 bumps into the top edge for ever
    with pytest.raises(dp.NotConverged, match=r"did not converge in max_sweeps=300 sweeps.*gamma=1") as e:
        dp.evaluate_policy(m, always_up, gamma=1.0, max_sweeps=300)
    assert e.value.sweeps == 300 and e.value.values[1] == -300
    v, _ = dp.evaluate_policy(m, always_up, gamma=0.9)  # with discounting it converges
    assert v[1] == pytest.approx(-10.0, abs=1e-4)


def test_an_environment_without_a_model_is_refused():
    with pytest.raises(TypeError, match="exposes no model"):
        dp.value_iteration(make("mountain-car"))


def test_model_estimated_by_counting_converges_to_the_true_model():
    true = gambler(0.4, goal=20)
    errors = [model_error(true, estimate_model(sample_transitions(true, n, seed=1), true.n_states,
                                               true.n_actions, true.terminal)) for n in (10, 100, 10_000)]
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.03
    est = estimate_model(sample_transitions(true, 10_000, seed=1), true.n_states, true.n_actions, true.terminal)
    _, v_true, _ = dp.value_iteration(true, theta=1e-9)
    _, v_est, _ = dp.value_iteration(est, theta=1e-9)
    assert np.abs(v_true - v_est).max() < 0.02


def test_model_from_the_loop_of_a_deterministic_world_is_exact_where_visited():
    from course.agents import FirstVisitMC

    env = make("corner-grid")
    rec = TransitionRecorder()
    FirstVisitMC(env, seed=0).run(50, observers=[rec])
    true = env.unwrapped.model()
    est = estimate_model(rec.transitions, 16, 4, true.terminal)
    assert est.allowed[~true.terminal].all() and model_error(true, est) == 0.0


def test_model_env_samples_the_model():
    env = ModelEnv(gambler(0.4, goal=10), start=5)
    env.reset(seed=0)
    wins = 0
    for _ in range(2000):
        env.reset()
        s2, r, done, _, _ = env.step(5)
        assert done and s2 in (0, 10) and r == (s2 == 10)
        wins += r
    assert wins / 2000 == pytest.approx(0.4, abs=0.04)
    with pytest.raises(ValueError, match="action=6 is not valid in state 5"):
        env.reset()
        env.step(6)


# -- the self-checks of lesson 05 ---------------------------------------------------------------
def test_check_bellman_backup_accepts_the_reference_and_names_a_missing_gamma(capsys):
    from course.checks.dp import check_bellman_backup, reference_backup

    assert check_bellman_backup(reference_backup)
    assert "agrees with the kit" in capsys.readouterr().out

    def no_gamma(model, s, v, policy, gamma):
        return 0.0 if model.terminal[s] else float(policy[s] @ (model.P[s] * (model.R[s] + v)).sum(axis=1))

    assert not check_bellman_backup(no_gamma)
    assert "γ is missing" in capsys.readouterr().out

    def summed(model, s, v, policy, gamma):
        return 0.0 if model.terminal[s] else float((model.P[s] * (model.R[s] + gamma * v)).sum())

    assert not check_bellman_backup(summed)
    assert "not weighted by π(a|s)" in capsys.readouterr().out


def test_check_greedy_action_accepts_the_reference_and_rejects_a_reward_blind_choice(capsys):
    from course.checks.dp import check_greedy_action, reference_greedy_action

    assert check_greedy_action(reference_greedy_action)
    assert "best action in all" in capsys.readouterr().out

    def biggest_stake(model, s, v, gamma):
        return int(np.flatnonzero(model.allowed[s]).max())

    assert not check_greedy_action(biggest_stake)
    assert "you pick action" in capsys.readouterr().out


# -- the figures of lesson 05 --------------------------------------------------------------------
def test_figures_4_1_and_4_3_write_the_book_numbers(tmp_path):
    from course import figures

    figures.load()
    paths = figures.REGISTRY["sutton-barto-4.1"].make(tmp_path, "smoke", None)
    table = figures.read_csv(paths[1])
    assert list(table) == ["k=0", "k=1", "k=2", "k=3", "k=10", "k=inf"]
    assert np.array_equal(table["k=inf"]["x"], np.arange(16))
    assert np.array_equal(table["k=inf"]["y"][:4].round(1), [0, -14, -20, -22])
    assert np.isnan(table["k=inf"]["stderr"]).all()
    paths = figures.REGISTRY["sutton-barto-4.3"].make(tmp_path, "smoke", None)
    table = figures.read_csv(paths[1])
    final = next(k for k in table if "final" in k)
    assert np.all(np.diff(table[final]["y"]) > 0)
    stakes = dict(zip(table["policy"]["x"].astype(int), table["policy"]["y"]))
    assert stakes[50] == 50 and stakes[25] == 25 and stakes[75] == 25
