"""Agents of the kit. Import the classes from here: ``from course.agents import Sarsa``."""
from .linear import LinearAgent, LinearControlAgent, LinearPredictionAgent  # noqa: F401
