"""The self-checks of lessons 08 and 09 accept the reference and reject a typical mistake, saying what it is."""

import numpy as np
import pytest

from course.checks import td as ct


@pytest.mark.parametrize("check, reference", [
    (ct.check_q_learning_target, ct.q_learning_target_reference),
    (ct.check_expected_sarsa_target, ct.expected_sarsa_target_reference),
    (ct.check_n_step_return, ct.n_step_return_reference),
])
def test_each_check_accepts_the_reference(check, reference, capsys):
    assert check(reference) is True
    assert capsys.readouterr().out.startswith("✓")


def test_q_learning_target_with_the_mean_or_no_terminal_case(capsys):
    assert not ct.check_q_learning_target(lambda r, q, term, g: r + g * np.mean(q))
    assert "max_a Q(S', a)" in capsys.readouterr().out
    assert not ct.check_q_learning_target(lambda r, q, term, g: r + g * max(q))
    assert "just the reward" in capsys.readouterr().out


def test_expected_sarsa_given_q_learnings_target(capsys):
    assert not ct.check_expected_sarsa_target(lambda r, q, term, g, e: r if term else r + g * max(q))
    assert "Q-learning's target" in capsys.readouterr().out


def test_n_step_return_mistakes(capsys):
    def no_bootstrap(rewards, v, gamma):
        return sum(gamma ** k * r for k, r in enumerate(rewards))

    def one_power_short(rewards, v, gamma):
        g = no_bootstrap(rewards, v, gamma)
        return g if v is None else g + gamma ** (len(rewards) - 1) * v

    assert not ct.check_n_step_return(no_bootstrap)
    assert "forgot to bootstrap" in capsys.readouterr().out
    assert not ct.check_n_step_return(one_power_short)
    assert "γ^n, not γ^(n−1)" in capsys.readouterr().out


def test_a_function_that_raises_is_reported(capsys):
    assert not ct.check_n_step_return(lambda rewards, v, gamma: rewards + v)
    assert "raised TypeError" in capsys.readouterr().out
