"""Experiments on a Dask cluster: the same numbers as the local pool, a lost worker, clear errors.

A real ``distributed.LocalCluster`` (two worker processes on this machine) stands in for a university
cluster; nothing here needs SLURM.  Skipped when Dask is not installed (``pip install -e ".[cluster]"``).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

from course import executors, figures  # noqa: E402
from course.agents import QLearning, Sarsa  # noqa: E402
from course.experiments import _run_one, factory, sweep  # noqa: E402
from course.tiles import TileCoder  # noqa: E402

SARSA = factory(Sarsa, "mountain-car", features=TileCoder)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as c:
        yield c
        executors.close()


@pytest.mark.slow
def test_a_figure_on_the_cluster_writes_the_same_csv_as_the_local_pool(cluster, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(executors.SCHEDULER_ENV, raising=False)
    args = ["sutton-barto-10.2", "--scale", "smoke", "--runs", "3"]
    assert figures.main(args + ["--out", str(tmp_path / "local")]) == 0
    assert figures.main(args + ["--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]) == 0
    assert "dashboard" in capsys.readouterr().out
    assert executors.SCHEDULER_ENV not in __import__("os").environ  # the scheduler was for that command only
    local = (tmp_path / "local" / "sutton-barto-10.2.csv").read_text()
    assert (tmp_path / "dask" / "sutton-barto-10.2.csv").read_text() == local


@pytest.mark.slow
def test_plain_loop_runs_go_to_the_cluster_and_give_the_same_curves(cluster, tmp_path):
    maze = factory(QLearning, "maze")
    here = sweep(maze, "alpha", [0.2, 0.5], 2, 3, fixed={"max_episode_steps": 300}, progress=False)
    there = sweep(maze, "alpha", [0.2, 0.5], 2, 3, fixed={"max_episode_steps": 300}, progress=False,
                  scheduler=cluster, checkpoints=str(tmp_path))
    for a in (0.2, 0.5):
        np.testing.assert_array_equal(here[a].steps, there[a].steps)
    assert len(list(tmp_path.glob("*.npz"))) == 4  # each run checkpointed where every worker can see it


@pytest.mark.slow
def test_a_sweep_survives_a_worker_killed_halfway(cluster):
    kw = dict(fixed={"epsilon": 0.0, "tilings": 8, "max_episode_steps": 2000}, progress=False)
    expected = sweep(SARSA, "alpha", [0.1 / 8, 0.5 / 8], 8, 12, workers=1, **kw)
    result = {}
    thread = threading.Thread(target=lambda: result.update(
        sweep(SARSA, "alpha", [0.1 / 8, 0.5 / 8], 8, 12, scheduler=cluster, **kw)))
    thread.start()
    client = executors._client(cluster)
    deadline = time.time() + 60
    while time.time() < deadline and not any(client.processing().values()):
        time.sleep(0.05)  # wait until the workers are busy with pieces
    victim = next(iter(cluster.workers.values()))
    victim.process.process.kill()  # the worker process dies with its pieces unfinished
    thread.join(timeout=300)
    assert not thread.is_alive()
    for a in (0.1 / 8, 0.5 / 8):
        np.testing.assert_array_equal(result[a].steps, expected[a].steps)


def test_an_interrupted_plain_run_resumes_from_its_checkpoint(tmp_path):
    maze = factory(QLearning, "maze")
    params = {"alpha": 0.5, "max_episode_steps": 300}
    whole = _run_one(maze, 4, params, 6, {}, None)
    path = str(tmp_path / "run.npz")
    _run_one(maze, 4, params, 3, {}, path)  # a worker that got three episodes done, then died
    resumed = _run_one(maze, 4, params, 6, {}, path)  # the piece again, on another worker
    np.testing.assert_array_equal(resumed.steps, whole.steps)


def test_an_unreachable_scheduler_is_named_within_seconds():
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match=r"tcp://127\.0\.0\.1:9"):
        sweep(SARSA, "alpha", [0.1], 1, 1, scheduler="tcp://127.0.0.1:9", progress=False)
    assert time.perf_counter() - start < 30


def test_a_scheduler_without_dask_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if Dask were not installed
    with pytest.raises(RuntimeError, match=r"needs Dask.*\[cluster\]"):
        sweep(SARSA, "alpha", [0.1], 1, 1, scheduler="tcp://127.0.0.1:9", progress=False)


def test_the_kit_does_not_import_dask_unless_a_scheduler_is_given():
    code = ("import sys\nfrom course import experiments, figures\nfigures.load()\n"
            "print(any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr[-2000:]
