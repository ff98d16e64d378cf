"""Lesson 14's self-checks accept the reference solutions and reject typical mistakes with their message."""

from __future__ import annotations

import numpy as np

from course.checks.control import (check_log_gradient, check_sarsa_update, reference_log_gradient,
                                   reference_sarsa_update)


def test_sarsa_check_accepts_the_reference(capsys):
    assert check_sarsa_update(reference_sarsa_update)
    assert capsys.readouterr().out.startswith("✓")


def bootstraps_at_the_end(w, active, r, active_next, alpha, gamma):
    q_next = w[active].sum() if active_next is None else w[active_next].sum()  # wrong: no terminal case
    delta = r + gamma * q_next - w[active].sum()
    w[active] += alpha * delta
    return delta


def forgets_alpha(w, active, r, active_next, alpha, gamma):
    q_next = 0.0 if active_next is None else w[active_next].sum()
    delta = r + gamma * q_next - w[active].sum()
    w[active] += delta
    return delta


def updates_a_copy(w, active, r, active_next, alpha, gamma):
    w = w.copy()
    return reference_sarsa_update(w, active, r, active_next, alpha, gamma)


def test_sarsa_check_rejects_typical_mistakes_with_their_message(capsys):
    for wrong, words in ((bootstraps_at_the_end, "target is R alone"), (forgets_alpha, "forgets α"),
                         (updates_a_copy, "in place")):
        assert not check_sarsa_update(wrong)
        out = capsys.readouterr().out
        assert out.startswith("✗") and words in out, (wrong.__name__, out)


def test_log_gradient_check_accepts_the_reference_and_rejects_mistakes(capsys):
    assert check_log_gradient(reference_log_gradient)
    assert capsys.readouterr().out.startswith("✓")

    def only_the_chosen_row(theta, active, a):
        g = np.zeros_like(theta)
        g[a, active] = 1.0
        return g

    def flipped(theta, active, a):
        return -reference_log_gradient(theta, active, a)

    for wrong, words in ((only_the_chosen_row, "expected part is missing"), (flipped, "sign is flipped")):
        assert not check_log_gradient(wrong)
        out = capsys.readouterr().out
        assert out.startswith("✗") and words in out, (wrong.__name__, out)


def test_a_crash_is_reported_not_raised(capsys):
    assert not check_log_gradient(lambda theta, active, a: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
