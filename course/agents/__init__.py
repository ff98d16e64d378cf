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
from .actor_critic import ActorCritic  # noqa: E402  (one-step actor-critic, any features: lessons 08 and 14)
from .prediction import GradientMC, NStepTD  # noqa: E402  (n-step TD, gradient MC: any features, one-hot by default)
from .tabular import (  # noqa: E402  (the TD unit's tabular agents)
    BatchMC,
    BatchTD0,
    DoubleQLearning,
    LegalActions,
    MaskedQLearning,
)

__all__ += ["ActorCritic", "GradientMC", "NStepTD", "LegalActions", "DoubleQLearning", "MaskedQLearning",
            "BatchTD0", "BatchMC"]

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
from .lambda_return import OfflineLambdaReturn  # noqa: E402  (lesson 15)

__all__ += ["OfflineLambdaReturn"]
