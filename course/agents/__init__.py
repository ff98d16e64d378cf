"""Agents of the kit. Import the classes from here: ``from course.agents import Sarsa``."""
from .linear import (
    TD0,
    ExpectedSarsa,
    LinearAgent,
    LinearControlAgent,
    LinearPredictionAgent,
    NStepSarsa,
    QLearning,
    Sarsa,
    SarsaLambda,
    TDLambda,
    TraceAgent,
    TrueOnlineSarsaLambda,
    TrueOnlineTDLambda,
)

__all__ = [
    "LinearAgent", "LinearPredictionAgent", "LinearControlAgent", "TraceAgent",
    "TD0", "TDLambda", "TrueOnlineTDLambda",
    "Sarsa", "QLearning", "ExpectedSarsa", "NStepSarsa", "SarsaLambda", "TrueOnlineSarsaLambda",
]

from .monte_carlo import (  # noqa: E402  (Monte Carlo agents, lesson 06)
    ConstantAlphaMC,
    ConstantAlphaMCControl,
    EveryVisitMC,
    FirstVisitMC,
    MonteCarloAgent,
    MonteCarloES,
    OnPolicyMC,
    OrdinaryIS,
    Reinforce,
    WeightedIS,
)

__all__ += ["MonteCarloAgent", "FirstVisitMC", "EveryVisitMC", "ConstantAlphaMC", "MonteCarloES", "OnPolicyMC",
            "ConstantAlphaMCControl", "OrdinaryIS", "WeightedIS", "Reinforce"]
