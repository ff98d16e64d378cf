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
from .lambda_return import OfflineLambdaReturn  # noqa: E402  (lesson 15)

__all__ += ["OfflineLambdaReturn"]
