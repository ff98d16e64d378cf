"""Multi-run averages, parameter sweeps and learning-curve plots (course.experiments, course.plots)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.agents import TD0, QLearning  # noqa: E402
from course.envs import make  # noqa: E402
from course.experiments import Curves, average, sweep  # noqa: E402
from course.plots import plot_curves, smooth  # noqa: E402


class SeedLog:
    """A make_agent that records the seeds and parameters it was called with."""

    def __init__(self, env="maze"):
        self.env = env
        self.calls = []

    def __call__(self, seed, **params):
        self.calls.append((seed, params))
        return QLearning(make(self.env), seed=seed, max_episode_steps=500, **params)


def test_average_shapes_and_distinct_seeds_per_run():
    make_agent = SeedLog()
    c = average(make_agent, 3, 4, seed=10, params={"alpha": 0.5}, progress=False)
    assert c.steps.shape == c.returns.shape == (3, 4) and (c.runs, c.episodes) == (3, 4)
    assert c.errors is None  # the maze has no true values
    assert [s for s, _ in make_agent.calls] == [10, 11, 12]
    assert all(p == {"alpha": 0.5} for _, p in make_agent.calls)
    assert c.params == {"alpha": 0.5} and c.label == "alpha=0.5"
    np.testing.assert_array_equal(c.returns, -c.steps)  # -1 per step
    assert len({tuple(row) for row in c.steps}) > 1  # different seeds, different runs


def test_average_is_repeatable_and_each_run_matches_a_single_agent():
    a = average(SeedLog(), 2, 5, seed=3, progress=False)
    b = average(SeedLog(), 2, 5, seed=3, progress=False)
    np.testing.assert_array_equal(a.steps, b.steps)
    single = QLearning(make("maze"), seed=4, max_episode_steps=500).run(5)
    np.testing.assert_array_equal(a.steps[1], single.steps)


def test_average_records_errors_when_the_environment_knows_its_true_values():
    c = average(lambda seed, **p: TD0(make("random-walk-5"), seed=seed, **p), 2, 3, progress=False)
    assert c.errors.shape == (2, 3) and np.isfinite(c.errors).all()


def test_sweep_gives_every_setting_the_same_seeds():
    make_agent = SeedLog()
    out = sweep(make_agent, "alpha", [0.1, 0.5, 1.0], 2, 3, seed=5, fixed={"epsilon": 0.2}, progress=False)
    assert list(out) == [0.1, 0.5, 1.0]
    assert all(c.steps.shape == (2, 3) for c in out.values())
    assert [s for s, _ in make_agent.calls] == [5, 6] * 3
    assert [p for _, p in make_agent.calls] == [{"epsilon": 0.2, "alpha": a} for a in (0.1, 0.1, 0.5, 0.5, 1.0, 1.0)]
    assert out[0.5].params == {"epsilon": 0.2, "alpha": 0.5}


def test_curves_mean_and_standard_error_formula():
    steps = np.array([[10, 20, 30], [14, 20, 36], [12, 26, 30]])
    c = Curves(steps=steps, returns=-steps)
    np.testing.assert_allclose(c.mean("steps"), [12, 22, 32])
    # sample standard deviation (n - 1) over runs, divided by sqrt(runs)
    expected = np.array([np.sqrt(((10 - 12) ** 2 + (14 - 12) ** 2 + 0) / 2),
                         np.sqrt((4 + 4 + 16) / 2),
                         np.sqrt((4 + 16 + 4) / 2)]) / np.sqrt(3)
    np.testing.assert_allclose(c.stderr("steps"), expected)
    np.testing.assert_allclose(c.stderr("returns"), expected)
    np.testing.assert_array_equal(Curves(steps=steps[:1], returns=steps[:1]).stderr(), [0, 0, 0])


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="runs=0 is not valid"):
        average(SeedLog(), 0, 3, progress=False)
    with pytest.raises(ValueError, match="episodes=2.5 is not valid"):
        average(SeedLog(), 1, 2.5, progress=False)
    c = Curves(steps=np.ones((1, 2)), returns=np.ones((1, 2)))
    with pytest.raises(ValueError, match="metric='loss' is not valid: metric must be one of steps, returns, errors"):
        c.mean("loss")
    with pytest.raises(ValueError, match="no errors"):
        c.mean("errors")


def test_plot_curves_draws_one_line_per_setting_with_bands():
    steps = np.array([[30, 20, 10], [34, 18, 12]])
    curves = {0.1: Curves(steps, -steps), 0.5: Curves(steps + 5, -steps - 5), 1.0: Curves(steps[:1], -steps[:1])}
    ax = plot_curves(curves, "steps", log=True, title="sweep")
    assert len(ax.get_lines()) == 3
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [32, 19, 11])
    np.testing.assert_allclose(ax.get_lines()[1].get_xdata(), [1, 2, 3])
    assert len(ax.collections) == 2  # standard-error bands only where there are several runs
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "steps per episode" and ax.get_title() == "sweep"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0.1 (2 runs)", "0.5 (2 runs)", "1.0"]
    ax.figure.canvas.draw()  # a log axis within two decades is labelled in plain numbers (10, 20), not 2x10^1
    labels = {t.get_text() for t in ax.get_yticklabels() if t.get_text()}
    assert {"10", "20"} <= labels and not any("times" in t or "^" in t for t in labels), labels
    assert all(float(t.get_text().replace("−", "-")).is_integer() for t in ax.get_xticklabels() if t.get_text())
    plt.close(ax.figure)


def test_plot_curves_names_the_curves_of_a_dict_by_its_string_keys():
    steps = np.array([[3.0, 2.0, 1.0], [4.0, 2.0, 1.0]])
    named = {"Sarsa": Curves(steps, -steps, label="runs"), "QLearning": Curves(steps + 1, -steps, label="runs")}
    ax = plot_curves(named, "steps")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Sarsa (2 runs)", "QLearning (2 runs)"]
    swept = {0.1: Curves(steps, -steps, label="alpha=0.1"), 0.5: Curves(steps, -steps, label="alpha=0.5")}
    ax = plot_curves(swept, "steps")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["alpha=0.1 (2 runs)", "alpha=0.5 (2 runs)"]
    plt.close("all")


def test_plot_curves_accepts_one_curves_or_a_list_and_an_axes():
    steps = np.array([[3.0, 2.0, 1.0]])
    fig, ax = plt.subplots()
    out = plot_curves([Curves(steps, -steps, label="a"), Curves(steps, -steps, label="b")], "returns", ax=ax)
    assert out is ax and len(ax.get_lines()) == 2 and ax.get_ylabel() == "return per episode"
    assert len(plot_curves(Curves(steps, -steps), window=2).get_lines()) == 1
    plt.close("all")


def test_smooth_is_a_trailing_moving_average():
    np.testing.assert_allclose(smooth(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1, 2, 4, 6])
    np.testing.assert_allclose(smooth(np.array([1.0, 3.0]), 1), [1, 3])
