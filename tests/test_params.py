"""Declared hyperparameters (course.params): validation, live vs reset-only, unknown names, describe()."""

import gymnasium as gym
import pytest

from course.agents import TD0, NStepSarsa, Sarsa, SarsaLambda, TrueOnlineTDLambda
from course.params import Configurable, Param, describe


def cliff():
    return gym.make("CliffWalking-v1")


@pytest.mark.parametrize("kwargs, message", [
    ({"alpha": -0.1}, r"alpha=-0\.1 is out of range: alpha \(step size α\) must be a number in \(0, 1\]"),
    ({"alpha": 0}, r"alpha=0 is out of range: .* must be a number in \(0, 1\]"),
    ({"epsilon": 1.5}, r"epsilon=1\.5 is out of range: epsilon \(exploration rate ε\) must be a number in \[0, 1\]"),
    ({"gamma": 1.01}, r"gamma=1\.01 is out of range: gamma \(discount factor γ\) must be a number in \[0, 1\]"),
    ({"epsilon": float("nan")}, r"epsilon=nan is not valid"),
    ({"epsilon": "high"}, r"epsilon='high' is not a number"),
    ({"policy": "boltzmann"}, r"policy='boltzmann' is not a valid choice: .* one of 'epsilon_greedy', 'softmax', 'greedy'"),
    ({"max_episode_steps": 0}, r"max_episode_steps=0 is out of range: .* an integer in \[1, inf\)"),
    ({"temperature": 0.0}, r"temperature=0\.0 is out of range: .* \[0\.001, 1000\]"),
])
def test_bad_values_name_the_parameter_and_its_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Sarsa(cliff(), **kwargs)


def test_bad_values_of_the_algorithms_own_parameters():
    with pytest.raises(ValueError, match=r"lambda_=1\.2 is out of range: lambda_ \(trace decay λ\) must be a number in \[0, 1\]"):
        TrueOnlineTDLambda(cliff(), lambda_=1.2)
    with pytest.raises(ValueError, match=r"n=0 is out of range: n .* must be an integer in \[1, inf\)"):
        NStepSarsa(cliff(), n=0)
    with pytest.raises(ValueError, match=r"n=2\.5 is not an integer"):
        NStepSarsa(cliff(), n=2.5)
    with pytest.raises(ValueError, match=r"trace='dutch' is not a valid choice: .*'replacing', 'accumulating'"):
        SarsaLambda(cliff(), trace="dutch")


def test_a_bad_value_on_a_running_agent_leaves_the_old_one():
    agent = Sarsa(cliff(), alpha=0.3)
    with pytest.raises(ValueError, match="alpha"):
        agent.alpha = 2.0
    assert agent.alpha == 0.3


def test_live_parameters_change_on_a_built_agent():
    agent = Sarsa(cliff(), epsilon=0.2)
    agent.set_params(alpha=0.25, epsilon=0.05)
    assert agent.alpha == 0.25 and agent.epsilon == 0.05
    assert agent.get_params()["alpha"] == 0.25
    assert NStepSarsa(cliff(), n=3).n == 3  # an int stays an int
    assert isinstance(NStepSarsa(cliff(), n=3.0).n, int)


def test_reset_only_parameters_raise_once_built():
    agent = NStepSarsa(cliff(), n=3)
    with pytest.raises(ValueError, match=r"n shapes the NStepSarsa's data .* reset-only .* n=5"):
        agent.n = 5
    with pytest.raises(ValueError, match="reset-only"):
        agent.set_params(n=5)
    assert agent.n == 3
    agent.n = 3  # setting the same value is harmless


def test_unknown_keyword_is_a_type_error_listing_the_valid_names():
    with pytest.raises(TypeError) as e:
        Sarsa(cliff(), alpah=0.1)
    msg = str(e.value)
    assert "unknown parameter(s) alpah" in msg
    for name in ("alpha", "epsilon", "gamma", "max_episode_steps", "policy", "temperature"):
        assert name in msg.split("valid:")[1]


def test_each_agent_declares_its_own_parameters():
    assert "lambda_" in SarsaLambda.hyperparameters() and "trace" in SarsaLambda.hyperparameters()
    assert "lambda_" not in Sarsa.hyperparameters()
    assert "epsilon" not in TD0.hyperparameters()  # prediction follows the fixed random policy
    assert SarsaLambda.hyperparameters()["lambda_"].symbol == "λ"
    assert NStepSarsa.hyperparameters()["n"].live is False


def test_describe_lists_every_parameter_with_range_and_when_it_may_change():
    text = describe(NStepSarsa)
    lines = {line.split()[0]: line for line in text.splitlines()}
    assert set(lines) == set(NStepSarsa.hyperparameters())
    assert "an integer in [1, inf)" in lines["n"] and "on reset" in lines["n"]
    assert "a number in (0, 1]" in lines["alpha"] and "live" in lines["alpha"] and "α" in lines["alpha"]
    assert "one of 'epsilon_greedy', 'softmax', 'greedy'" in lines["policy"]
    assert describe(NStepSarsa(cliff())) == text  # an instance describes like its class


class Widget(Configurable):
    """A minimal Configurable outside the agents."""

    size = Param(8, low=1, live=False, doc="cells")
    flag = Param(False, doc="a switch")
    cap = Param(None, low=0, kind=int, allow_none=True, doc="optional cap")

    def __init__(self, **kw):
        self.configure(**kw)
        self._built = True


def test_param_kinds_bool_and_none():
    w = Widget(flag=1, cap=None)
    assert w.flag is True and w.cap is None and w.size == 8
    with pytest.raises(ValueError, match=r"flag=2 is not valid: flag \(a switch\) must be True or False"):
        Widget(flag=2)
    with pytest.raises(ValueError, match=r"size=None is not allowed"):
        Widget(size=None)
    with pytest.raises(ValueError, match=r"cap=-1 is out of range"):
        Widget(cap=-1)
