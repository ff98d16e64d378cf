"""``course train`` / ``course play``: checkpoints, the returns log, Ctrl-C and resume, the video."""

import csv
import json
import os
import signal

import imageio.v2 as iio
import pytest

from course import checkpoint
from course.agent import Observer
from course.train import play_main, train_main

TINY = ["--set", "buffer_size=200", "--set", "learning_starts=64", "--set", "max_episode_steps=60",
        "--set", "epsilon_decay_steps=100", "--set", "hidden=32"]


class Interrupt(Observer):
    """Send this process a signal at a given step: SIGINT is what Ctrl-C sends, SIGTERM what ``kill`` sends."""

    def __init__(self, at: int, signum: int):
        self.at, self.signum = at, signum

    def on_step(self, agent, step):
        if step.total_steps == self.at:
            os.kill(os.getpid(), self.signum)


def rows(folder):
    with (folder / "returns.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def saved_steps(folder) -> int:
    meta, _ = checkpoint.read(folder / "checkpoint.npz", arrays=False)
    return meta["total_steps"]


@pytest.fixture(autouse=True)
def quiet(monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "0")


@pytest.mark.slow
def test_train_interrupt_resume_and_play(tmp_path, capsys):
    run = tmp_path / "pong"
    args = ["pong", "--algo", "ddqn", "--out", str(run), "--seed", "3", "--checkpoint-every", "50", *TINY]

    assert train_main([*args, "--steps", "400"], observers=[Interrupt(130, signal.SIGINT)]) == 130
    assert "interrupted at step 130" in capsys.readouterr().err
    config = json.loads((run / "config.json").read_text())
    assert config["algo"] == "ddqn" and config["agent"]["buffer_size"] == 200 and config["run"]["total_steps"] == 400
    assert config["env"] == {"stack": "first-last", "actions": "reduced", "noop_max": 30, "clip_rewards": False}
    assert saved_steps(run) == 130, "Ctrl-C saved the agent as it was when interrupted"
    assert [int(r["total_steps"]) for r in rows(run)] == [60, 120], "two capped episodes of 60 steps were logged"

    resume = ["pong", "--out", str(run), "--steps", "200", "--resume"]
    assert train_main(resume, observers=[Interrupt(195, signal.SIGTERM)]) == 130
    assert saved_steps(run) == 195, "kill (SIGTERM) saves as Ctrl-C does"
    assert train_main(resume) == 0
    assert saved_steps(run) == 200
    log = rows(run)
    assert [int(r["episode"]) for r in log] == [1, 2, 3]
    assert [int(r["total_steps"]) for r in log] == [60, 120, 190], "the episode cut at step 130 restarts at 131"
    assert all(-60 <= float(r["return"]) <= 60 for r in log)

    video = tmp_path / "play.mp4"
    assert play_main([str(run), "--episodes", "2", "--max-steps", "25", "--video", str(video)]) == 0
    out = capsys.readouterr().out
    assert out.count("in 25 steps") == 2 and "after 200 training steps" in out
    frames = iio.mimread(video)
    assert len(frames) == 50 and frames[0].shape == (210, 160, 3)


@pytest.mark.slow
def test_train_refuses_bad_requests_with_clear_messages(tmp_path, capsys):
    run = tmp_path / "run"
    assert train_main(["pongg", "--out", str(run)]) == 2
    assert "game='pongg' is not an ALE game" in capsys.readouterr().err
    assert train_main(["pong", "--out", str(run), "--set", "buffer_sise=10"]) == 2
    assert "has no parameter 'buffer_sise'" in capsys.readouterr().err
    assert train_main(["pong", "--out", str(run), "--set", "gamma=1.5"]) == 2
    assert "gamma=1.5 is out of range" in capsys.readouterr().err
    assert train_main(["pong", "--out", str(run), "--resume"]) == 2
    assert "holds no run to resume" in capsys.readouterr().err
    assert play_main([str(run)]) == 2
    assert "holds no trained run" in capsys.readouterr().err

    assert train_main(["breakout", "--out", str(run), "--steps", "5", *TINY]) == 0
    assert json.loads((run / "config.json").read_text())["env"]["actions"] == "minimal", \
        "the lesson preset's reduced action set is Pong's; Breakout keeps its minimal set"
    assert train_main(["breakout", "--out", str(run), "--steps", "10"]) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert train_main(["breakout", "--out", str(run), "--resume", "--algo", "ddqn"]) == 2
    assert "--algo ddqn differs from the run's algo 'dqn'" in capsys.readouterr().err


def test_the_target_return_is_the_presets_unless_set(tmp_path, capsys):
    from course.train import config_for

    assert config_for("pong")["run"]["target_return"] == 18.0
    assert config_for("pong", target_return=-5)["run"]["target_return"] == -5.0
    assert config_for("pong", target_return=None)["run"]["target_return"] is None
    with pytest.raises(ValueError, match="target_return='high' is not valid"):
        config_for("pong", target_return="high")

    run = tmp_path / "run"
    assert train_main(["pong", "--out", str(run), "--target-return", "high"]) == 2
    assert "target_return='high' is not valid" in capsys.readouterr().err
    assert train_main(["pong", "--out", str(run), "--steps", "5", "--target-return", "-19.5", *TINY]) == 0
    assert json.loads((run / "config.json").read_text())["run"]["target_return"] == -19.5
    assert "stop at a mean return of -19.5 over the last 10 games" in capsys.readouterr().out
    assert train_main(["pong", "--out", str(run), "--steps", "10", "--resume", "--target-return", "none"]) == 0
    assert "no early stop" in capsys.readouterr().out
