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
from .prediction import GradientMC, NStepTD  # noqa: E402  (n-step TD, gradient MC: any features, one-hot by default)
from .tabular import (  # noqa: E402  (the TD unit's tabular agents)
    ActorCritic,
    BatchMC,
    BatchTD0,
    DoubleQLearning,
    LegalActions,
    MaskedQLearning,
)

__all__ += ["GradientMC", "NStepTD", "LegalActions", "DoubleQLearning", "MaskedQLearning", "ActorCritic",
            "BatchTD0", "BatchMC"]
