"""The self-checks of lesson 02 accept the reference solutions and reject typical mistakes, saying why."""

from __future__ import annotations

import numpy as np

from course.checks import bandits as checks


def good_update(estimate, reward, n):
    return estimate + (reward - estimate) / n


def good_choose(q, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(q)))
    return int(rng.choice(np.flatnonzero(q == q.max())))


def test_reference_solutions_pass(capsys):
    assert checks.check_update(good_update)
    assert checks.check_choose(good_choose)
    assert capsys.readouterr().out.count("Correct") == 2


def test_off_by_one_step_size_is_caught_with_its_reason():
    problem = checks.problem_update(lambda q, r, n: q + (r - q) / (n + 1))
    assert "1/n" in problem and "mean" in problem


def test_a_running_halving_is_caught():
    assert "mean" in checks.problem_update(lambda q, r, n: (q + r) / 2)


def test_a_missing_return_is_caught():
    assert "None" in checks.problem_update(lambda q, r, n: None)


def test_argmax_without_tie_breaking_is_caught(capsys):
    def first_best(q, epsilon, rng):
        return int(rng.integers(len(q))) if rng.random() < epsilon else int(np.argmax(q))

    assert not checks.check_choose(first_best)
    assert "ties at random" in capsys.readouterr().out


def test_exploring_only_the_other_arms_is_caught():
    def others(q, epsilon, rng):
        best = int(rng.choice(np.flatnonzero(q == q.max())))
        if rng.random() < epsilon:
            return int(rng.choice([a for a in range(len(q)) if a != best]))
        return best

    assert "greedy one included" in checks.problem_choose(others)


def test_never_exploring_is_caught():
    def greedy(q, epsilon, rng):
        return int(rng.choice(np.flatnonzero(q == q.max())))

    assert "epsilon=0.4" in checks.problem_choose(greedy)
