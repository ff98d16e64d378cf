"""Fuzz every declared parameter of every agent and feature class with bad and valid values.

The classes are found, not listed: every module of ``course`` (but the
command-line and benchmark modules) is imported and every subclass of
:class:`course.params.Configurable` that declares a :class:`Param` is
fuzzed, so an agent or a feature class added later is covered too.

Each value goes through ``configure`` on a bare instance (the path every
constructor takes, without building networks or tables) and through the
panel's :class:`widgets.controls.Control`.  Figures::

    cases       values tried
    clear       bad values refused with a ValueError naming the parameter
    tracebacks  bad values refused with another exception, or a message not naming it (target 0)
    silent      bad values accepted (target 0)
    refused     valid values refused (target 0)
    widget      values on which the panel's control and validation disagree (target 0)

Run ``pytest -q -s tests/test_fuzz_params.py`` to see them.
"""

from __future__ import annotations

import importlib
import math
import pkgutil

import numpy as np
import pytest

import course
from course.params import Configurable, Param

SKIP_MODULES = ("course.cli", "course.train", "course.bench", "course.__main__")


def configurable_classes() -> list[type]:
    """Every Configurable subclass with declared parameters in the kit's modules."""
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if not info.name.startswith(SKIP_MODULES):
            importlib.import_module(info.name)
    found, todo = [], [Configurable]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("course.") and sub.hyperparameters():
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


def bad_values(p: Param) -> list:
    """Values the declaration must refuse."""
    out = [float("inf"), float("-inf"), float("nan"), 10**400, -10**400, 1 + 2j, np.complex128(1),
           np.array([1, 2]), np.array([[0.5]]), "abc", b"1", [1], {"a": 1}, object()]
    if p.choices is not None:
        out += [np.array(list(p.choices)), "not-a-choice", 3.5]
        if not any(isinstance(c, bool) for c in p.choices):
            out.append(np.bool_(True))
        return [v for v in out if not _in_choices(v, p.choices)]
    if p.kind is bool:
        return out + [2, -1, 0.5, "True", np.float64(1.0)]
    if p.kind is str:
        return [v for v in out if not isinstance(v, str)]
    if p.kind not in (int, float):
        return []  # a free-form value (kind object): nothing declared to check it against
    out += [np.bool_(True), np.bool_(False), True, False, np.float64("inf"), np.float32("nan")]
    if p.low is not None:
        out += [p.low - 1, p.low - 0.5, -10**30]
        if p.low_open:
            out.append(p.low)
    if p.high is not None:
        out += [p.high + 1, p.high * 2 + 1, 10**30]
        if p.high_open:
            out.append(p.high)
    if p.kind is int:
        mid = _valid_int(p)
        out += [mid + 0.5, np.float64(mid + 0.25)]
    if not p.allow_none:
        out.append(None)
    return out


def valid_values(p: Param) -> list:
    """Values the declaration must accept, numpy scalars among them."""
    out = [] if p.default is None else [p.default]
    if p.allow_none:
        out.append(None)
    if p.choices is not None:
        return out + list(p.choices) + [np.str_(c) for c in p.choices if isinstance(c, str)]
    if p.kind is bool:
        return out + [True, False, np.bool_(True), np.bool_(False), 0, 1, np.int64(1)]
    if p.kind not in (int, float):
        return out + ([np.str_(p.default)] if isinstance(p.default, str) else [])
    if p.kind is int:
        v = _valid_int(p)
        out += [v, np.int64(v), np.int32(v), np.uint16(v) if 0 <= v < 2**16 else v, float(v), np.float64(v)]
    else:
        v = _valid_float(p)
        out += [v, np.float64(v), np.float32(v) if _inside(p, float(np.float32(v))) else v]
        if float(int(v)) == int(v) and _inside(p, int(v)):
            out += [int(v), np.int64(int(v))]  # an integer is a fine value for a float parameter
    if p.low is not None and not p.low_open:
        out.append(p.low)
    if p.high is not None and not p.high_open:
        out.append(p.high)
    return out


def _in_choices(v, choices) -> bool:
    return isinstance(v, (str, int, float)) and not isinstance(v, bool) and v in choices


def _inside(p: Param, x: float) -> bool:
    lo_ok = p.low is None or x > p.low or (x == p.low and not p.low_open)
    hi_ok = p.high is None or x < p.high or (x == p.high and not p.high_open)
    return lo_ok and hi_ok


def _valid_float(p: Param) -> float:
    if p.default is not None and _inside(p, float(p.default)):
        return float(p.default)
    lo = 0.0 if p.low is None else p.low
    hi = lo + 2.0 if p.high is None else p.high
    return (lo + hi) / 2


def _valid_int(p: Param) -> int:
    if isinstance(p.default, int) and not isinstance(p.default, bool):
        return p.default
    lo = 0 if p.low is None else int(math.ceil(p.low)) + p.low_open
    return lo + 1 if p.high is None or lo + 1 <= p.high else lo


def configure(cls, name, value) -> None:
    obj = cls.__new__(cls)  # a bare instance: validation without building networks or tables
    obj.configure(**{name: value})
    got = getattr(obj, name)
    if value is not None and got is None:
        raise AssertionError(f"{name}={value!r} became None")


def control_accepts(name, p, value) -> bool | str | None:
    """Whether the panel's control for ``p`` accepts ``value`` (None: no control for it; a str: another error)."""
    from widgets.controls import Control

    if not Control.supports(p):
        return None
    try:
        Control(name, p, value)
    except ValueError:
        return False
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {e}"
    return True


def fuzz() -> dict:
    figures = {"classes": 0, "parameters": 0, "cases": 0, "clear": 0, "tracebacks": [], "silent": [],
               "refused": [], "widget": []}
    seen: set = set()
    for cls in configurable_classes():
        figures["classes"] += 1
        for name, p in cls.hyperparameters().items():
            figures["parameters"] += 1
            widget_checked = id(p) in seen
            seen.add(id(p))
            for value in bad_values(p):
                figures["cases"] += 1
                case = f"{cls.__name__}({name}={value!r:.40})"
                try:
                    configure(cls, name, value)
                except ValueError as e:
                    if f"{name}=" in str(e):
                        figures["clear"] += 1
                    else:
                        figures["tracebacks"].append(f"{case}: ValueError not naming {name}: {e}")
                except Exception as e:  # noqa: BLE001  (what the fuzz is looking for)
                    figures["tracebacks"].append(f"{case}: {type(e).__name__}: {e}")
                else:
                    figures["silent"].append(case)
                    continue
                if not widget_checked and (got := control_accepts(name, p, value)):
                    figures["widget"].append(f"{case}: the control accepts what validation refuses ({got})")
            for value in valid_values(p):
                figures["cases"] += 1
                case = f"{cls.__name__}({name}={value!r:.40})"
                try:
                    configure(cls, name, value)
                except Exception as e:  # noqa: BLE001
                    figures["refused"].append(f"{case}: {type(e).__name__}: {e}")
                    continue
                if not widget_checked and (got := control_accepts(name, p, value)) is not None and got is not True:
                    figures["widget"].append(f"{case}: the control refuses what validation accepts ({got})")
    return figures


@pytest.fixture(scope="module")
def figures():
    return fuzz()


def test_fuzz_every_declared_parameter(figures):
    print(f"\nfuzzed {figures['parameters']} parameters of {figures['classes']} classes: "
          f"{figures['cases']} cases; clear errors {figures['clear']}; tracebacks {len(figures['tracebacks'])}; "
          f"silent acceptances {len(figures['silent'])}; valid values refused {len(figures['refused'])}; "
          f"control/validation disagreements {len(figures['widget'])}")
    assert figures["classes"] >= 10 and figures["cases"] > 1000  # the discovery found the kit's classes
    assert figures["tracebacks"] == []
    assert figures["silent"] == []
    assert figures["refused"] == []
    assert figures["widget"] == []


def test_discovery_finds_agents_and_features():
    names = {c.__name__ for c in configurable_classes()}
    assert {"Sarsa", "QLearning", "TileCoder", "PerDimensionTiles", "DQN"} <= names


@pytest.mark.parametrize("value, words", [
    (float("inf"), r"alpha=inf is out of range \(not finite\): alpha \(step size α\) must be a number in \(0, 1\]"),
    (10**400, r"alpha=~10\*\*400 is out of range: alpha .* must be a number in \(0, 1\]"),
    (1 + 2j, r"alpha=\(1\+2j\) is not a number"),
    (np.bool_(True), r"alpha=np.True_ is not a number|alpha=True is not a number"),
])
def test_the_messages_name_the_parameter_and_its_range(value, words):
    from course.agents import Sarsa

    with pytest.raises(ValueError, match=words):
        Sarsa.alpha.validate(value)


def test_bool_and_choice_parameters():
    from course.agents import SarsaLambda
    from course.agents.deep import DQN

    assert DQN.save_buffer.validate(np.bool_(False)) is False
    with pytest.raises(ValueError, match=r"trace=array\(\['replacing'.* is not a valid choice: trace"):
        SarsaLambda.trace.validate(np.array(["replacing", "accumulating"]))
    assert type(SarsaLambda.trace.validate(np.str_("replacing"))) is str


def test_size_parameters_are_bounded_or_checked_against_memory():
    from course.agents.deep import DQN
    from course.params import check_memory
    from course.tiles import TileCoder

    with pytest.raises(ValueError, match=r"buffer_size=10000000000 is out of range: buffer_size .* \[1, 1e\+09\]"):
        DQN.buffer_size.validate(10**10)
    with pytest.raises(ValueError, match=r"buffer_size=1000000000 is too large: it needs [\d,.]+ GB for the replay buffer"):
        DQN(_frames_env(), buffer_size=10**9, learning_starts=32)  # refused before anything is allocated
    with pytest.raises(ValueError, match=r"hidden=16384 is too large: it needs [\d,.]+ GB"):
        check_memory("hidden", 16384, 1e15)
    with pytest.raises(ValueError, match=r"tiles=256 is too large: it needs [\d,.]+ GB for a weight and a trace"):
        TileCoder(([0.0] * 4, [1.0] * 4), tiles=256, tilings=64)


def _frames_env():
    import gymnasium as gym

    class Frames(gym.Env):
        observation_space = gym.spaces.Box(0, 255, (84, 84, 4), np.uint8)
        action_space = gym.spaces.Discrete(3)

    return Frames()


def test_clip_norm_inf_and_tiny_temperatures_are_refused():
    from course.agent import ControlAgent
    from course.agents.deep import DQN

    with pytest.raises(ValueError, match="clip_norm=inf is out of range"):
        DQN.clip_norm.validate(float("inf"))
    with pytest.raises(ValueError, match=r"temperature=5e-324 is out of range: .* \[0\.001, 1000\]"):
        ControlAgent.temperature.validate(5e-324)


def test_epsilon_min_above_epsilon_never_raises_epsilon():
    import gymnasium as gym

    from course.agents import Sarsa

    agent = Sarsa(gym.make("CliffWalking-v1"), epsilon=0.05, epsilon_min=0.2, epsilon_decay_steps=100, seed=0)
    agent.run(2)
    assert agent.exploration == 0.05  # the floor is a floor, not a target
    agent = Sarsa(gym.make("CliffWalking-v1"), epsilon=0.5, epsilon_min=0.2, epsilon_decay_steps=100, seed=0)
    agent.run(total_steps=200)
    assert agent.exploration == pytest.approx(0.2) and agent.epsilon == 0.5  # epsilon: where the schedule starts
