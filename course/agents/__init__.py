"""Agents of the kit. Import the classes from here: ``from course.agents import Sarsa``.

The deep agents (DQN, ...) live in :mod:`course.agents.deep`, imported on
their own so that the other agents never load TensorFlow.
"""

from .actor_critic import ActorCritic
from .lambda_return import OfflineLambdaReturn
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
from .monte_carlo import (
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
from .planning import DynaQ, DynaQPlus, Model, PrioritizedSweeping
from .prediction import GradientMC, NStepTD
from .tabular import BatchMC, BatchTD0, DoubleQLearning, LegalActions, MaskedQLearning

__all__ = [
    # linear.py: TD, Sarsa, Q-learning, Expected Sarsa, n-step Sarsa, the λ families (lessons 08-15)
    "LinearAgent", "LinearPredictionAgent", "LinearControlAgent", "TraceAgent",
    "TD0", "TDLambda", "TrueOnlineTDLambda",
    "Sarsa", "QLearning", "ExpectedSarsa", "NStepSarsa", "SarsaLambda", "TrueOnlineSarsaLambda",
    # prediction.py, lambda_return.py: n-step TD, gradient MC, the offline λ-return (lessons 09, 13, 15)
    "NStepTD", "GradientMC", "OfflineLambdaReturn",
    # tabular.py: Double Q-learning, batch updating, legal actions (lesson 08)
    "DoubleQLearning", "MaskedQLearning", "LegalActions", "BatchTD0", "BatchMC",
    # actor_critic.py (lessons 08, 14); monte_carlo.py (lesson 06); planning.py (lesson 10)
    "ActorCritic",
    "MonteCarloAgent", "FirstVisitMC", "EveryVisitMC", "ConstantAlphaMC", "MonteCarloES", "OnPolicyMC",
    "ConstantAlphaMCControl", "OrdinaryIS", "WeightedIS", "Reinforce",
    "Model", "DynaQ", "DynaQPlus", "PrioritizedSweeping",
]
