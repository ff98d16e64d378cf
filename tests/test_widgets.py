"""The widget panels without a browser: controls from declared Params, buttons, live and reset-only changes,
pause/resume, errors, the headless path, the live view, the curves and the comparison panel."""

import importlib.util
import math
import time

import ipywidgets
import numpy as np
import pytest

from course.agent import EpisodeEnd, History
from course.agents import QLearning, Sarsa
from course.envs import make
from course.params import Param
from course.tiles import TileCoder
from widgets import Compare, Control, LiveCurves, LiveView, Panel, factory_params
from widgets import runner, throttle
from widgets.controls import RESET_MARK
from widgets.curves import round_up

JPEG, PNG = b"\xff\xd8", b"\x89PNG"


def until(condition, timeout=20.0):
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.002)
    return condition()


def maze_factory():
    env = make("maze")
    return lambda alpha=0.5, epsilon=0.1, seed=0: Sarsa(env, alpha=alpha, epsilon=epsilon, seed=seed)


def car_factory():
    env = make("mountain-car", render_mode="rgb_array")
    return lambda tilings=8, alpha=0.1 / 8, epsilon=0.0, seed=0: Sarsa(
        env, features=TileCoder(env, tiles=8, tilings=tilings), alpha=alpha, epsilon=epsilon, seed=seed)


# -- controls from declarations -------------------------------------------------------------------
def test_each_kind_of_declaration_gets_the_widget_that_fits_it():
    kinds = {
        "alpha": (Sarsa.alpha, ipywidgets.FloatLogSlider),  # log=True
        "epsilon": (Sarsa.epsilon, ipywidgets.FloatSlider),
        "tilings": (TileCoder.tilings, ipywidgets.IntSlider),
        "policy": (Sarsa.policy, ipywidgets.Dropdown),
        "flag": (Param(True, name="flag"), ipywidgets.Checkbox),
        "buffer": (Param(1000, low=1, high=10**6, live=False, name="buffer"), ipywidgets.SelectionSlider),
        "max_episode_steps": (Sarsa.max_episode_steps, ipywidgets.IntText),
        "epsilon_decay_steps": (Sarsa.epsilon_decay_steps, ipywidgets.IntText),  # no upper bound: a box that validation polices
    }
    for name, (param, widget_type) in kinds.items():
        c = Control(name, param, param.default, reset_only=not param.live)
        assert isinstance(c.widget, widget_type), name
        assert c.value == param.default, name
    buffer = Control("buffer", kinds["buffer"][0], 1000, reset_only=True).widget
    assert {1, 10, 100, 1000, 10**6} <= set(buffer.options)  # 1, 2, 5, 10, ... spans the decades


def _track_position(widget, value) -> float:
    """Where ``value`` sits along a slider's track, from 0 (left end) to 1 (right end)."""
    if isinstance(widget, ipywidgets.FloatLogSlider):
        return (math.log10(value) - widget.min) / (widget.max - widget.min)
    return (value - widget.min) / (widget.max - widget.min)


def _dragged(widget, value, fraction: float) -> float:
    """The value a drag of ``fraction`` of the track (0.08: 18 pixels of a panel's slider) lands on."""
    position = min(1.0, _track_position(widget, value) + fraction)
    if isinstance(widget, ipywidgets.FloatLogSlider):
        return 10 ** (widget.min + position * (widget.max - widget.min))
    return widget.min + position * (widget.max - widget.min)


def test_a_step_size_near_its_bound_gets_room_so_a_short_drag_does_not_reach_the_maximum():
    # issue 15: the welcome panel's alpha=0.5 sat 15 pixels from the end of a log slider from 1e-4 to 1,
    # and a short drag jumped to 1.0.  A value within a decade of its upper bound gets a linear slider.
    for alpha in (0.5, 0.2, 0.9):
        c = Control("alpha", QLearning.alpha, alpha)
        assert isinstance(c.widget, ipywidgets.FloatSlider) and not isinstance(c.widget, ipywidgets.FloatLogSlider)
        assert c.widget.max == 1.0 and c.widget.min == pytest.approx(0.01)  # the declared (0, 1], in steps of 0.01
        if alpha < 0.9:
            assert _dragged(c.widget, alpha, 0.08) < 0.95 * c.widget.max, alpha
    assert 0.4 < _track_position(Control("alpha", QLearning.alpha, 0.5).widget, 0.5) < 0.6
    # far below the bound, decades matter and the slider stays logarithmic, with room on both sides
    adam = Param(1e-4, low=0.0, high=1.0, low_open=True, log=True, name="alpha")  # DQN's declaration
    for param, value in ((Sarsa.alpha, 0.1 / 8), (Sarsa.alpha, 0.1), (adam, 1e-4)):
        c = Control("alpha", param, value)
        assert isinstance(c.widget, ipywidgets.FloatLogSlider), value
        assert 0.3 < _track_position(c.widget, value) <= 0.75, value
        assert _dragged(c.widget, value, 0.08) < 0.5 * 10 ** c.widget.max, value


def test_labels_show_the_symbol_tooltips_the_meaning_and_reset_only_ones_are_marked():
    alpha = Control("alpha", Sarsa.alpha, 0.1)
    assert alpha.widget.description == "α alpha"
    assert "step size" in alpha.widget.tooltip and "(0, 1]" in alpha.widget.tooltip
    assert "running agent" in alpha.widget.tooltip
    tilings = Control("tilings", TileCoder.tilings, 8, reset_only=True)
    assert tilings.widget.description == f"k tilings {RESET_MARK}"
    assert "on Reset" in tilings.widget.tooltip


def test_sliders_clamp_and_code_gets_a_clear_error_naming_the_parameter():
    c = Control("epsilon", Sarsa.epsilon, 0.1)
    c.widget.value = 7.0  # what a slider cannot show, it cannot hold
    assert c.value == 1.0
    with pytest.raises(ValueError, match=r"epsilon=-0\.5 is out of range: .* must be a number in \[0, 1\]"):
        c.set(-0.5)
    assert c.value == 1.0
    c.set(0.0125)
    assert c.value == 0.0125


def test_a_valid_value_beyond_the_displayed_range_widens_the_slider():
    c = Control("alpha", Sarsa.alpha, 0.1)
    c.set(1e-6)
    assert c.value == pytest.approx(1e-6) and c.widget.min <= -6


def test_none_is_shown_as_zero_in_a_box_where_zero_is_not_a_valid_value():
    c = Control("max_episode_steps", Sarsa.max_episode_steps, None)
    assert c.widget.value == 0 and c.value is None
    c.set(500)
    assert c.value == 500


def test_a_typed_value_the_declaration_refuses_is_put_back():
    refused, seen = [], []
    c = Control("scale", Param(2.0, low=0.0, low_open=True, name="scale"), 2.0)  # (0, inf): a number box
    assert isinstance(c.widget, ipywidgets.FloatText)
    c.observe(seen.append, refused.append)
    c.widget.value = 0.0  # the box allows 0, the declaration does not
    assert c.value == 2.0 and "scale=0.0 is out of range" in str(refused[0])
    c.widget.value = 3.0
    assert seen[-1].value == 3.0 and len(refused) == 1
    c.widget.value = float("inf")  # refused by the declaration, not clamped by the box
    assert c.value == 3.0 and "scale=inf is out of range" in str(refused[-1])
    c.widget.value = 1e13  # valid: accepted as typed (no clamp to 10**12)
    assert c.value == 1e13 and seen[-1].value == 1e13


def test_the_controls_accept_exactly_what_validation_accepts():
    from course.agent import ControlAgent
    from course.agents.deep import DQN

    big = Control("epsilon_decay_steps", Sarsa.epsilon_decay_steps, 10**13)  # no silent clamp to 10**12
    assert big.value == 10**13
    with pytest.raises(ValueError, match="temperature=inf is out of range"):
        Control("temperature", ControlAgent.temperature, float("inf"))
    with pytest.raises(ValueError, match="buffer_size=.* is out of range"):
        Control("buffer_size", DQN.buffer_size, 10**400)
    refused = []
    box = Control("max_episode_steps", Sarsa.max_episode_steps, None)
    box.observe(lambda c: None, refused.append)
    box.widget.value = 10**30  # beyond 64 bits: refused and put back
    assert box.value is None and "max_episode_steps" in str(refused[-1])


def test_factory_arguments_are_matched_with_declared_params():
    exposed, values = factory_params(lambda tilings, alpha=0.1 / 8, epsilon=0.0, seed=3, note="x": None,
                                     [Sarsa, TileCoder])
    assert list(exposed) == ["tilings", "alpha", "epsilon", "seed"]  # `note` has a default and no declaration
    assert exposed["tilings"] is TileCoder.tilings and exposed["alpha"] is Sarsa.alpha
    assert values == {"tilings": 8, "alpha": 0.1 / 8, "epsilon": 0.0, "seed": 3}  # factory defaults win


def test_a_named_param_overrides_the_declared_range_and_kwargs_expose_everything():
    narrow = Param(4, low=1, high=16, live=False, name="tilings")
    exposed, values = factory_params(lambda tilings: None, [TileCoder, narrow])
    assert exposed["tilings"] is narrow and values == {"tilings": 4}
    exposed, _ = factory_params(lambda seed, **params: None, [Sarsa])
    assert set(Sarsa.hyperparameters()) | {"seed"} == set(exposed)


def test_a_factory_argument_without_declaration_or_default_is_an_error():
    with pytest.raises(TypeError, match=r"factory argument 'width' is not a declared parameter"):
        factory_params(lambda width, alpha: None, [Sarsa])
    with pytest.raises(ValueError, match=r"alpha=2 is out of range"):
        factory_params(lambda alpha=2: None, [Sarsa])


# -- the tabular panel --------------------------------------------------------------------------
def test_tabular_panel_sliders_change_the_agent_and_run_advances_it():
    panel = Panel(maze_factory(), params=[Sarsa], episodes=3, background=False)
    assert set(panel.controls) == {"alpha", "epsilon", "seed"}
    assert not panel.controls["alpha"].reset_only and panel.controls["seed"].reset_only
    panel.controls["alpha"].widget.value = 0.25  # as if the slider moved
    assert panel.agent.alpha == 0.25
    panel.set(epsilon=0.05)
    assert panel.agent.epsilon == 0.05 and panel.controls["epsilon"].widget.value == 0.05
    panel.run_button.click()  # three episodes, synchronously (no live notebook here)
    assert panel.agent.episode == 3 and not panel.running
    assert bytes(panel.view.image.value).startswith(JPEG) and panel.view.frames >= 1
    assert bytes(panel.curves.image.value).startswith(PNG)
    assert "episode <b>3</b>" in panel.status.value and "done" in panel.status.value
    panel.step_button.click()
    assert panel.agent.total_steps == panel.agent.history.total_steps[-1] + 1
    panel.episode_button.click()
    assert panel.agent.episode == 4


def test_bad_programmatic_values_raise_and_change_nothing():
    panel = Panel(maze_factory(), params=[Sarsa], background=False)
    with pytest.raises(ValueError,
                       match=r"alpha=-1 is out of range: alpha \(step size α\) must be a number in \(0, 1\]"):
        panel.set(alpha=-1, epsilon=0.3)
    assert panel.agent.alpha == 0.5 and panel.agent.epsilon == 0.1  # all or nothing
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) gama; this panel has: alpha, epsilon, seed"):
        panel.set(gama=0.9)
    panel.controls["alpha"].widget.value = 3.0  # the slider clamps to the declared range
    assert panel.agent.alpha == 1.0


def test_the_overlay_and_the_view_switch_change_what_is_drawn():
    panel = Panel(maze_factory(), params=[Sarsa], background=False)
    panel.run(2)
    assert list(panel.overlay_box.options) == ["none", "values", "q", "policy"]
    assert panel.overlay_box.value == "policy"
    with_policy = panel.view.image.value
    panel.overlay_box.value = "none"
    assert panel.view.image.value != with_policy  # redrawn at once, without the arrows
    frames = panel.view.frames
    panel.view_box.value = False
    panel.run(2)
    assert panel.view.frames == frames  # nothing drawn while the view is off


def test_headless_run_waits_and_leaves_the_figures():
    panel = Panel(maze_factory(), params=[Sarsa], background=False)
    panel.run(5, wait=True)
    assert panel.agent.episode == 5
    fig = panel.figure()
    steps_line = fig.axes[0].lines[0]
    np.testing.assert_array_equal(steps_line.get_ydata(), panel.agent.history.steps)


def test_background_default_is_off_outside_a_kernel_and_under_ci(monkeypatch):
    monkeypatch.setattr(runner, "in_kernel", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert runner.background_default()
    monkeypatch.setenv("CI", "true")
    assert not runner.background_default()
    monkeypatch.setattr(runner, "in_kernel", lambda: False)
    monkeypatch.delenv("CI")
    assert not runner.background_default()


# -- background runs: pause, resume, live changes, errors ---------------------------------------------
@pytest.mark.slow
def test_pause_then_run_continues_exactly_where_it_stopped():
    factory = maze_factory()
    panel = Panel(factory, params=[Sarsa], episodes=6, background=True)
    panel.run()
    assert until(lambda: panel.agent.total_steps >= 300)
    panel.pause_button.click()
    assert panel.wait(20)
    assert not panel.running and "paused" in panel.status.value
    stopped_at = panel.agent.total_steps
    assert panel.agent.episode < 6  # paused in the middle of the Run
    assert until(lambda: True, 0.05) and panel.agent.total_steps == stopped_at  # it really stopped
    panel.run_button.click()  # continues the same Run: the remaining episodes
    assert panel.wait(60)
    assert panel.agent.episode == 6
    straight = factory()  # the same seed, never paused
    straight.run(6)
    np.testing.assert_array_equal(panel.agent.history.steps, straight.history.steps)
    np.testing.assert_array_equal(panel.agent.w, straight.w)


@pytest.mark.slow
def test_a_live_slider_reaches_the_running_agent():
    panel = Panel(maze_factory(), params=[Sarsa], episodes=10**6, background=True)
    panel.run()
    assert until(lambda: panel.agent.total_steps > 50)
    panel.controls["epsilon"].widget.value = 0.0
    assert panel.agent.epsilon == 0.0
    before = panel.agent.total_steps
    assert until(lambda: panel.agent.total_steps > before + 50)  # still learning, with the new value
    assert panel.running and panel.run_button.disabled and not panel.pause_button.disabled
    panel.pause()
    assert panel.wait(20)
    assert panel.agent.epsilon == 0.0 and not panel.run_button.disabled


class Exploding(QLearning):
    """Q-learning whose update fails at its 20th step."""

    def learn(self, s, a, r, s2, a2, terminated):
        if self.total_steps == 19:
            raise FloatingPointError("the update diverged")
        return super().learn(s, a, r, s2, a2, terminated)


def test_an_exception_in_the_loop_is_shown_and_stops_the_run_cleanly():
    env = make("maze")
    panel = Panel(lambda alpha=0.5, seed=0: Exploding(env, alpha=alpha, seed=seed), params=[QLearning],
                  background=True)
    panel.run(5)
    assert panel.wait(20)
    assert isinstance(panel.error, FloatingPointError)
    assert "FloatingPointError" in panel.message.value and "the update diverged" in panel.message.value
    assert "error" in panel.status.value
    assert not panel.running and not panel.run_button.disabled and panel.pause_button.disabled
    assert panel.agent.total_steps == 19
    sync = Panel(lambda alpha=0.5, seed=0: Exploding(env, alpha=alpha, seed=seed), params=[QLearning],
                 background=False)
    with pytest.raises(FloatingPointError):  # a script or CI must fail loudly
        sync.run(5)
    assert "the update diverged" in sync.message.value


# -- the tile-coding panel: reset-only parameters -------------------------------------------------------
@pytest.mark.slow
def test_tile_coding_panel_applies_reset_only_params_on_reset():
    panel = Panel(car_factory(), params=[Sarsa, TileCoder], episodes=1, background=False)
    assert panel.controls["tilings"].reset_only and not panel.controls["alpha"].reset_only
    assert RESET_MARK in panel.controls["tilings"].widget.description
    panel.run()
    old = panel.agent
    assert old.episode == 1 and bytes(panel.view.image.value).startswith(JPEG)  # Mountain Car draws itself
    panel.controls["tilings"].widget.value = 4
    assert panel.agent is old and old.features.tilings == 8  # not yet: it shapes the weights
    assert panel.reset_button.button_style == "warning" and "tilings" in panel.reset_button.tooltip
    panel.controls["alpha"].widget.value = 0.05
    assert old.alpha == 0.05  # live
    panel.reset_button.click()
    new = panel.agent
    assert new is not old and new.features.tilings == 4 and new.w.shape == (3, 4 * 9 * 9)
    assert new.alpha == 0.05 and new.episode == 0 and new.total_steps == 0
    assert panel.reset_button.button_style == ""


def test_a_param_the_factory_transforms_acts_on_reset():
    env = make("maze")
    panel = Panel(lambda alpha=0.5, seed=0: Sarsa(env, alpha=alpha / 2, seed=seed), params=[Sarsa], background=False)
    assert panel.controls["alpha"].reset_only  # the agent does not hold the slider's value
    panel.set(alpha=0.2)
    assert panel.agent.alpha == 0.25
    panel.reset()
    assert panel.agent.alpha == 0.1


def test_a_panel_on_an_agent_object_resets_to_a_fresh_copy():
    agent = Sarsa(make("maze"), alpha=0.5, seed=1)
    panel = Panel(agent, show=["alpha", "epsilon", "gamma", "policy"], background=False)
    assert panel.agent is agent
    panel.run(2)
    panel.set(epsilon=0.2)
    panel.reset()
    assert panel.agent is not agent and panel.agent.episode == 0 and not panel.agent.w.any()
    assert panel.agent.epsilon == 0.2 and panel.agent.alpha == 0.5
    with pytest.raises(ValueError, match=r"show= names unknown parameter\(s\) tilings"):
        Panel(agent, show=["tilings"])


# -- the live view --------------------------------------------------------------------------------------
def test_throttle_limits_the_rate_and_the_share_of_cpu_time(monkeypatch):
    wall, cpu = [100.0], [5.0]
    monkeypatch.setattr(throttle.time, "perf_counter", lambda: wall[0])
    monkeypatch.setattr(throttle.time, "thread_time", lambda: cpu[0])
    t = throttle.Throttle(rate=10, share=0.25)

    def draw(cpu_seconds, wall_seconds):
        assert t.due()
        begun = t.begin()
        cpu[0] += cpu_seconds
        wall[0] += wall_seconds
        t.done(begun)

    draw(0.01, 0.01)  # cheap: the rate decides, next one 0.1 s after this one began
    wall[0] += 0.08
    assert not t.due()
    wall[0] += 0.01
    draw(1.0, 3.0)  # 1 s of CPU (3 s of wall time on a busy machine) may be 25%: next one 4 s after it began
    wall[0] += 0.9
    assert not t.due()
    wall[0] += 0.1
    assert t.due()
    with pytest.raises(ValueError, match=r"share=0 is not valid"):
        throttle.Throttle(rate=10, share=0)


def test_curves_redraw_their_axes_only_when_the_round_limits_change():
    assert [round_up(x) for x in (0.3, 1, 1.5, 7, 10, 11, 999, 1001)] == [0.5, 1, 2, 10, 10, 20, 1000, 2000]
    history, curves = History(), LiveCurves()
    for steps in [300, 120, 80, 60, 40]:
        history.append(EpisodeEnd(len(history), steps, -steps, np.nan, np.nan, True, 0))
        curves.show(history)
    assert curves.draws == 5 and curves.full_draws == 1  # x in [0, 10], y in [0, 500]: blits after the first
    ax = curves.figure(history).axes[0]
    assert ax.get_xlim() == (0, 10) and ax.get_ylim() == (0, 500)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [300, 120, 80, 60, 40])
    history.append(EpisodeEnd(5, 700, -700, np.nan, np.nan, True, 0))
    curves.show(history)
    assert curves.full_draws == 2 and ax.get_ylim() == (0, 1000)
    assert bytes(curves.image.value).startswith(PNG)


def test_curves_label_many_episodes_in_thousands_and_three_plots_with_few_ticks():
    history, curves = History(), LiveCurves()
    for i in range(23_456):
        history.append(EpisodeEnd(i, 10, -10.0, 1.0 / (i + 1), np.nan, True, 0))
    fig = curves.figure(history)
    fig.canvas.draw()
    labels = [[t.get_text() for t in ax.get_xticklabels() if t.get_text()] for ax in fig.axes]
    assert len(fig.axes) == 3 and "20k" in labels[0]  # steps, returns and the RMS error
    assert all(len(row) <= 4 and max(map(len, row)) <= 3 for row in labels), labels  # 0, 20k, 40k: none collide


def test_a_curve_that_sits_on_a_round_limit_is_not_hidden_by_the_frame():
    history, curves = History(), LiveCurves(log_steps=True)
    for i in range(30):  # the Dyna maze: return 1 every episode; 10 steps every episode
        history.append(EpisodeEnd(i, 10, 1.0, np.nan, np.nan, True, 0))
    steps_ax, returns_ax = curves.figure(history).axes
    assert returns_ax.get_ylim()[0] == 0 and 1.0 < returns_ax.get_ylim()[1] < 1.1
    low, high = steps_ax.get_ylim()
    assert low < 10 < high and high <= 100
    cliff = History()
    for i in range(30):  # returns up to exactly 0
        cliff.append(EpisodeEnd(i, 13, -13.0 if i % 2 else 0.0, np.nan, np.nan, True, 0))
    assert LiveCurves().figure(cliff).axes[1].get_ylim()[1] > 0


def test_environment_without_rendering_shows_nothing_and_does_not_fail():
    env = make("mountain-car")  # render_mode None
    agent = Sarsa(env, features=TileCoder(env), alpha=0.1 / 8, epsilon=0.0, seed=0, max_episode_steps=50)
    view = LiveView(fps=1000)
    agent.run(1, observers=[view])
    assert view.frames == 0 and bytes(view.image.value) == b""
    with pytest.raises(ValueError, match=r"overlay='arrows' is not valid"):
        LiveView(overlay="arrows")


# -- the comparison panel ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_compare_runs_each_value_with_the_same_seeds_and_plots_them_together():
    env = make("maze")
    factory = lambda alpha=0.5, epsilon=0.1, seed=0: Sarsa(env, alpha=alpha, epsilon=epsilon, seed=seed)  # noqa: E731
    cmp = Compare(factory, "alpha", [0.1, 0.9], params=[Sarsa], runs=2, episodes=8, background=False)
    assert set(cmp.controls) == {"epsilon"}
    cmp.run()
    assert list(cmp.results) == [0.1, 0.9] and "done" in cmp.status.value
    slow, fast = cmp.results[0.1], cmp.results[0.9]
    assert slow.steps.shape == (2, 8)
    assert slow.mean("steps")[-4:].mean() > fast.mean("steps")[-4:].mean()  # a bigger step learns the maze faster
    again = factory(alpha=0.9, seed=1)
    np.testing.assert_array_equal(fast.steps[1], again.run(8).steps)  # run i used seed i
    ax = cmp.figure().axes[0]
    assert len(ax.lines) == 2 and bytes(cmp.image.value).startswith(PNG)
    cmp.values_box.value = "0.5, 2"
    with pytest.raises(ValueError, match=r"alpha=2\.0 is out of range"):
        cmp.run()
    assert "out of range" in cmp.message.value
    cmp.values_box.value = "0.5, fast"
    with pytest.raises(ValueError, match=r"alpha values: 'fast' is not a number"):
        cmp.run()


def test_compare_needs_a_seed_and_a_known_parameter():
    with pytest.raises(ValueError, match="needs a factory with a seed argument"):
        Compare(lambda alpha: None, "alpha", [0.1], params=[Sarsa])
    with pytest.raises(ValueError, match=r"param='tilings' is not valid: .* alpha, epsilon"):
        Compare(lambda alpha, epsilon, seed: None, "tilings", [1, 2], params=[Sarsa])


# -- a deep agent ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_dqn_panel_changes_learning_rate_live_and_buffer_size_on_reset():
    if importlib.util.find_spec("course.agents.deep") is None:
        pytest.skip("course/agents/deep.py (DQN) is not in this checkout")
    from course.agents.deep import DQN

    env = make("maze", obs="image")

    def factory(alpha=1e-3, buffer_size=64, batch_size=8, epsilon=0.5, seed=0):
        return DQN(env, alpha=alpha, buffer_size=buffer_size, batch_size=batch_size, learning_starts=16,
                   epsilon=epsilon, epsilon_decay_steps=0, hidden=16, target_update=50, max_episode_steps=40,
                   seed=seed)

    panel = Panel(factory, params=[DQN], episodes=1, background=False)
    assert isinstance(panel.controls["buffer_size"].widget, ipywidgets.SelectionSlider)
    assert panel.controls["buffer_size"].reset_only and not panel.controls["alpha"].reset_only
    panel.controls["alpha"].widget.value = 3e-4
    assert float(panel.agent.optimizer.learning_rate) == pytest.approx(3e-4)  # reaches the compiled optimizer
    panel.run()
    assert panel.agent.episode == 1 and panel.agent.updates > 0
    assert bytes(panel.view.image.value).startswith(JPEG)
    panel.set(buffer_size=128)
    panel.reset()
    assert panel.agent.buffer.capacity == 128 and panel.agent.total_steps == 0


# -- the benchmark ---------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_live_view_benchmark_prints_speeds_and_frame_rates(capsys):
    from course.bench import live_view

    assert live_view.main(["--seconds", "0.05", "--repeat", "1", "--env", "maze"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("maze")]
    assert len(rows) == 1
    _, steps, headless, on, off, kept_on, kept_off, fps = rows[0]
    assert int(steps) > 0 and float(headless.replace(",", "")) > 0 and float(fps) >= 0
    assert kept_on.endswith("%") and kept_off.endswith("%")
    with pytest.raises(SystemExit):
        live_view.main(["--repeat", "0"])


# -- a parameter that follows a schedule (a decaying epsilon) ------------------------------------------
def test_the_epsilon_slider_shows_the_schedule_sets_its_start_and_reset_restores_it():
    env = make("maze")

    def decaying(alpha=0.5, epsilon=1.0, seed=0):
        return Sarsa(env, alpha=alpha, epsilon=epsilon, epsilon_min=0.05, epsilon_decay_steps=200, seed=seed)

    panel = Panel(decaying, params=[Sarsa], episodes=2, background=False)
    panel.run(steps=100, wait=True)
    agent = panel.agent
    assert agent.epsilon == 1.0 and agent.exploration == pytest.approx(1.0 - 0.95 * 100 / 200)
    assert panel.controls["epsilon"].widget.value == pytest.approx(agent.exploration)  # shown ...
    assert panel._values["epsilon"] == 1.0  # ... and not written back: the schedule still starts at 1
    panel.controls["epsilon"].widget.value = 0.5  # the student moves the slider: the schedule restarts from 0.5
    assert agent.epsilon == agent.exploration == 0.5
    panel.run(steps=100, wait=True)
    assert agent.exploration == pytest.approx(0.5 - 0.45 * 100 / 200)
    panel.controls["epsilon"].widget.value = 1.0
    panel.reset()
    assert panel.agent is not agent and panel.agent.epsilon == panel.agent.exploration == 1.0
    assert panel.controls["epsilon"].widget.value == 1.0


# -- any Gymnasium environment, and a view that cannot draw ----------------------------------------------
GYM_ENVS = ["CartPole-v1", "MountainCar-v0", "Acrobot-v1", "FrozenLake-v1", "FrozenLake8x8-v1", "CliffWalking-v1",
            "Taxi-v4"]


@pytest.mark.parametrize("name", GYM_ENVS)
def test_a_gymnasium_environment_runs_in_a_panel_with_the_live_view(name):
    """Gymnasium's own renderers (pygame) draw in the panel; Box observations use the identity features.

    Blackjack (tuple observations) needs an observation mapping, and MountainCarContinuous and
    Pendulum have continuous actions, which no agent of the kit takes: they are not here.
    """
    import gymnasium as gym

    env = gym.make(name, render_mode="rgb_array", max_episode_steps=50)
    panel = Panel(lambda alpha=0.1, seed=0: QLearning(env, alpha=alpha, seed=seed), params=[QLearning], episodes=2,
                  background=False)
    panel.run(wait=True)
    assert panel.agent.episode == 2 and panel.view.error is None
    assert panel.view.frames >= 1 and bytes(panel.view.image.value).startswith(JPEG)


def test_a_view_whose_render_raises_leaves_the_run_going():
    import gymnasium as gym

    class Broken(gym.Wrapper):
        def render(self):
            raise RuntimeError("no display here")

    env = Broken(gym.make("CliffWalking-v1", render_mode="rgb_array", max_episode_steps=30))
    panel = Panel(lambda alpha=0.5, seed=0: QLearning(env, alpha=alpha, seed=seed), params=[QLearning], episodes=3,
                  background=False)
    panel.run(wait=True)
    assert panel.agent.episode == 3 and "error" not in panel.status.value
    assert isinstance(panel.view.error, RuntimeError) and "no display here" in panel.view.message.value


def test_after_reset_the_view_shows_the_new_agents_first_frame():
    from widgets.view import encode

    env = make("maze")  # one environment shared by every agent the factory builds, as in the lessons
    panel = Panel(lambda alpha=0.5, seed=0: QLearning(env, alpha=alpha, seed=seed), params=[QLearning], episodes=1,
                  background=False)
    panel.run(steps=7, wait=True)
    moved = bytes(panel.view.image.value)
    panel.reset()
    first = encode(panel.agent.env.unwrapped.draw(policy=np.stack(
        [panel.agent.q(s) for s in range(env.observation_space.n)], axis=1)))
    assert bytes(panel.view.image.value) != moved
    assert bytes(panel.view.image.value) == first
