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

# lesson 10: planning and learning
from .planning import DynaQ, DynaQPlus, Model, PrioritizedSweeping  # noqa: E402

__all__ += ["Model", "DynaQ", "DynaQPlus", "PrioritizedSweeping"]
