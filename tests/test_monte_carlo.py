"""Monte Carlo agents through the one loop: the book's answers of chapter 5."""

from __future__ import annotations

import numpy as np
import pytest

from course.agents import (ConstantAlphaMC, ConstantAlphaMCControl, EveryVisitMC, FirstVisitMC, MonteCarloES,
                           OnPolicyMC, OrdinaryIS, Reinforce, WeightedIS)
from course.envs import blackjack as bj
from course.envs import make

STATE = bj.state_index(13, 2, True)  # Example 5.4: usable ace, sum 13, dealer shows 2
TRUE_VALUE = -0.27726


@pytest.mark.parametrize("cls", [FirstVisitMC, EveryVisitMC])
def test_mc_prediction_on_the_5_state_walk_converges_to_the_true_values(cls):
    agent = cls(make("random-walk-5"), seed=0)
    agent.run(4000)
    assert np.allclose(agent.V[1:-1], np.arange(1, 6) / 6, atol=0.03)
    errors = agent.history.errors
    assert errors[-100:].mean() < errors[:10].mean() / 3  # the error curve falls


def test_first_and_every_visit_differ_where_states_repeat():
    first, every = FirstVisitMC(make("random-walk-5"), seed=3), EveryVisitMC(make("random-walk-5"), seed=3)
    first.run(20)
    every.run(20)
    assert every.N.sum() > first.N.sum()


def test_constant_alpha_mc_tracks_the_true_values():
    agent = ConstantAlphaMC(make("random-walk-5"), alpha=0.02, seed=0)
    agent.run(3000)
    assert np.abs(agent.V[1:-1] - np.arange(1, 6) / 6).max() < 0.1


def test_same_seed_same_estimates():
    a, b = FirstVisitMC(make("random-walk-5"), seed=7), FirstVisitMC(make("random-walk-5"), seed=7)
    a.run(50)
    b.run(50)
    assert np.array_equal(a.V, b.V)


@pytest.mark.slow
def test_blackjack_stick_policy_values_look_like_figure_5_1():
    agent = FirstVisitMC(bj.make(), policy=bj.stick_policy(), seed=0)
    agent.run(20_000)
    no_ace = bj.value_grid(agent.V, False)
    assert no_ace[-2:].mean() > 0.5  # sums 20 and 21 mostly win
    assert no_ace[:8].mean() < -0.3  # hitting up to 19 mostly loses


@pytest.mark.slow
def test_monte_carlo_es_learns_to_stick_on_20_and_hit_on_12_against_a_10():
    agent = MonteCarloES(bj.make(), seed=0)
    agent.run(30_000)
    assert agent.Q[bj.state_index(20, 10, False)].argmax() == bj.STICK
    assert agent.Q[bj.state_index(12, 10, False)].argmax() == bj.HIT


@pytest.mark.parametrize("cls", [OnPolicyMC, ConstantAlphaMCControl])
def test_epsilon_soft_control_finds_the_short_path_on_the_maze(cls):
    env = make("maze")
    agent = cls(env, epsilon=0.1, seed=0, max_episode_steps=500, **({"alpha": 0.1} if cls is ConstantAlphaMCControl else {}))
    agent.run(300)
    steps = agent.history.steps
    assert steps[-20:].mean() < steps[:20].mean() / 3


def test_reinforce_learns_to_leave_the_corner_grid():
    agent = Reinforce(make("corner-grid"), alpha=0.02, seed=0, max_episode_steps=200)
    agent.run(300)
    steps = agent.history.steps
    assert steps[-50:].mean() < steps[:50].mean() / 2


def _squared_errors(cls, runs, episodes):
    env = bj.make(start=True)
    errors = np.empty((runs, episodes))
    for run in range(runs):
        agent = cls(env, target=bj.stick_policy(), seed=run)
        for e in range(episodes):
            agent.run(1)
            errors[run, e] = (agent.V[STATE] - TRUE_VALUE) ** 2
    return errors.mean(axis=0)


def test_weighted_importance_sampling_has_lower_error_early_on():
    ordinary, weighted = _squared_errors(OrdinaryIS, 60, 20), _squared_errors(WeightedIS, 60, 20)
    assert weighted[:10].mean() < ordinary[:10].mean()


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="policy has shape"):
        FirstVisitMC(make("random-walk-5"), policy=np.full((2, 7), 0.5))
    with pytest.raises(ValueError, match="alpha=0 is out of range"):
        ConstantAlphaMC(make("random-walk-5"), alpha=0)
    with pytest.raises(ValueError, match="Discrete observation space"):
        FirstVisitMC(make("maze", obs="onehot"))
    with pytest.raises(ValueError, match="behaviour is not valid.*coverage"):
        OrdinaryIS(bj.make(), target=bj.stick_policy(), behaviour=bj.stick_policy()[:, ::-1])


# -- the self-checks of lesson 06 ---------------------------------------------------------------
def test_check_first_visit_returns_accepts_the_reference_and_names_every_visit(capsys):
    from course.checks.mc import check_first_visit_returns, reference_first_visit_returns

    assert check_first_visit_returns(reference_first_visit_returns)
    assert "right in all" in capsys.readouterr().out

    def last_visit(episode, gamma):
        out, g = {}, 0.0
        for s, _, r in reversed(episode):
            g = r + gamma * g
            out.setdefault(s, g)
        return out

    assert not check_first_visit_returns(last_visit)
    assert "the last visit, not the first" in capsys.readouterr().out


def test_check_weighted_estimate_accepts_the_reference_and_names_ordinary_sampling(capsys):
    from course.checks.mc import check_weighted_estimate, reference_weighted_estimate

    assert check_weighted_estimate(reference_weighted_estimate)
    assert "right in all" in capsys.readouterr().out
    assert not check_weighted_estimate(lambda ratios, returns: float(np.mean(ratios * returns)))
    assert "that is ordinary importance sampling" in capsys.readouterr().out


# -- the figures of lesson 06 ------------------------------------------------------------------
def test_figure_5_3_at_smoke_scale_has_both_curves_with_stderr(tmp_path):
    from course import figures

    figures.load()
    paths = figures.REGISTRY["sutton-barto-5.3"].make(tmp_path, "smoke", 20)
    table = figures.read_csv(paths[1])
    assert set(table) == {"ordinary importance sampling", "weighted importance sampling"}
    for t in table.values():
        assert t["x"][0] == 1 and len(t["x"]) == 100 and np.isfinite(t["stderr"]).all()
    assert table["weighted importance sampling"]["y"][:10].mean() < table["ordinary importance sampling"]["y"][:10].mean()


def test_book_policy_of_figure_5_2():
    from course.figures.monte_carlo import book_policy

    hit = book_policy()  # [usable ace][sum 12..21][dealer A..10]
    assert hit[0, 17 - 12].sum() == 0 and hit[0, 16 - 12].tolist() == [1, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert hit[0, 12 - 12].tolist() == [1, 1, 1, 0, 0, 0, 1, 1, 1, 1]
    assert hit[1, 18 - 12].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 1, 1] and hit[1, 19 - 12].sum() == 0


def test_save_and_load_resume_the_same_curve(tmp_path):
    a = OnPolicyMC(make("maze"), seed=4, max_episode_steps=300)
    a.run(5)
    path = a.save(tmp_path / "mc.npz")
    b = OnPolicyMC(make("maze"), seed=4, max_episode_steps=300).load(path)
    assert np.array_equal(a.Q, b.Q) and np.array_equal(a.N, b.N) and b.episode == 5
