"""The self-checks of lesson 15 accept the book's rules and name the usual slips in one sentence."""

import numpy as np
import pytest

from course.checks.traces import check_accumulating_trace, check_dutch_trace, check_lambda_return


def accumulating(z, x, gamma, lam):
    return gamma * lam * z + x


def dutch(z, x, alpha, gamma, lam):
    return gamma * lam * z + (1 - alpha * gamma * lam * (z @ x)) * x


def lambda_return(returns, lam):
    n = len(returns)
    return (1 - lam) * sum(lam ** (k - 1) * returns[k - 1] for k in range(1, n)) + lam ** (n - 1) * returns[-1]


def test_the_checks_accept_the_reference_solutions(capsys):
    assert check_accumulating_trace(accumulating) is True
    assert check_dutch_trace(dutch) is True
    assert check_lambda_return(lambda_return) is True
    assert capsys.readouterr().out.count("✓ Correct") == 3


@pytest.mark.parametrize("wrong, message", [
    (lambda z, x, g, l: z + x, "not decayed"),
    (lambda z, x, g, l: g * l * (z + x), "decay after adding"),
    (lambda z, x, g, l: l * z + x, "by λ only"),
    (lambda z, x, g, l: np.where(x != 0, x, g * l * z), "replacing trace"),
    (lambda z, x, g, l: None, "returned None"),
    (lambda z, x, g, l: 1 / 0, "ZeroDivisionError"),
])
def test_a_wrong_accumulating_trace_is_named(wrong, message, capsys):
    assert check_accumulating_trace(wrong) is False
    said = capsys.readouterr().out
    assert said.startswith("✗") and message in said and said.count("\n") == 1


@pytest.mark.parametrize("wrong, message", [
    (lambda z, x, a, g, l: g * l * z + x, "accumulating trace"),
    (lambda z, x, a, g, l: g * l * z + (1 - a * g * l * ((g * l * z) @ x)) * x, "before it decays"),
    (lambda z, x, a, g, l: g * l * z + (1 - g * l * (z @ x)) * x, "lacks α"),
])
def test_a_wrong_dutch_trace_is_named(wrong, message, capsys):
    assert check_dutch_trace(wrong) is False
    said = capsys.readouterr().out
    assert said.startswith("✗") and message in said and said.count("\n") == 1


@pytest.mark.parametrize("wrong, message", [
    (lambda g, l: (1 - l) * sum(l ** k * r for k, r in enumerate(g)), "add up to 1"),
    (lambda g, l: (1 - l) * sum(l ** (k + 1) * r for k, r in enumerate(g[:-1])) + l ** len(g) * g[-1],
     "one too high"),
    (lambda g, l: list(g), "one number"),
])
def test_a_wrong_lambda_return_is_named(wrong, message, capsys):
    assert check_lambda_return(wrong) is False
    said = capsys.readouterr().out
    assert said.startswith("✗") and message in said and said.count("\n") == 1
