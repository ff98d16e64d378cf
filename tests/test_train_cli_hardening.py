"""``course train`` / ``course play`` on bad input: one line on stderr and a nonzero exit, never a traceback, and no
message that claims a checkpoint that was not written.

The runs here are DQN on CartPole (``build_env`` patched) so that they take seconds, not an Atari game.
"""

from __future__ import annotations

import errno
import json
import os
import signal

import gymnasium as gym
import pytest

from course import checkpoint, train
from course.agent import Agent, Observer
from course.train import play_main, train_main

TINY = ["--set", "buffer_size=64", "--set", "learning_starts=32", "--set", "max_episode_steps=30",
        "--set", "epsilon_decay_steps=50", "--set", "hidden=8", "--set", "n_layers=1"]


@pytest.fixture(autouse=True)
def cartpole(monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS", "0")
    monkeypatch.setattr(train, "build_env", lambda config, render_mode=None: gym.make("CartPole-v1"))


def one_clear_line(capsys, *words) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, err
    return err


@pytest.mark.parametrize("argv, words", [
    (["--seed", "-1"], ["seed=-1 is not valid", "non-negative integer"]),
    (["--steps", "0"], ["steps=0 is not valid"]),
    (["--steps", "-5"], ["steps=-5 is not valid"]),
    (["--checkpoint-every", "0"], ["checkpoint_every=0 is not valid"]),
    (["--set", "gamma=1.5"], ["gamma=1.5 is out of range"]),
    (["--set", "alpha=1e999"], ["alpha=inf is out of range"]),
    (["--set", "buffer_size=10**400"], ["buffer_size='10**400' is not a number"]),
    (["--set", "hidden=[1, 2]"], ["hidden=[1, 2] is not a number"]),
    (["--set", "clip_norm=inf"], ["clip_norm='inf' is not a number"]),
    (["--set", "=3"], ["--set '=3' is not valid"]),
    (["--set", "loss=" + "(" * 5000], ["loss="]),
    (["--set", "buffer_sise=10"], ["has no parameter 'buffer_sise'"]),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys, argv, words):
    assert train_main(["pong", "--out", str(tmp_path / "run"), *argv]) == 2
    one_clear_line(capsys, "course train:", *words)


def test_an_out_path_that_is_a_file_is_one_line(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert train_main(["pong", "--out", str(blocker / "run"), "--steps", "5", *TINY]) == 2
    one_clear_line(capsys, "course train:")


def test_out_paths_with_braces_work(tmp_path, capsys):
    run = tmp_path / "run{}{0}{step}"
    assert train_main(["pong", "--out", str(run), "--steps", "40", "--checkpoint-every", "20", *TINY]) == 0
    assert (run / "checkpoint.npz").exists() and checkpoint.read(run / "checkpoint.npz")[0]["total_steps"] == 40
    assert "checkpoint" in capsys.readouterr().out


def test_a_failed_final_save_reaches_the_user(tmp_path, capsys, monkeypatch):
    run = tmp_path / "run"
    real = checkpoint.atomic_write_bytes

    def full_disk(path, data):
        if str(path).endswith("checkpoint.npz"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(checkpoint, "atomic_write_bytes", full_disk)
    assert train_main(["pong", "--out", str(run), "--steps", "40", "--checkpoint-every", "1000", *TINY]) == 1
    err = one_clear_line(capsys, "was NOT saved", "No space left on device")
    assert "checkpoint saved" not in err
    assert not (run / "checkpoint.npz").exists()


class Interrupt(Observer):
    def __init__(self, at):
        self.at = at

    def on_step(self, agent, step):
        if step.total_steps == self.at:
            os.kill(os.getpid(), signal.SIGINT)


def test_a_second_ctrl_c_during_the_exit_save_does_not_claim_a_checkpoint(tmp_path, capsys, monkeypatch):
    run = tmp_path / "run"
    args = ["pong", "--out", str(run), "--steps", "60", "--checkpoint-every", "20", *TINY]
    real_save = Agent.save

    def save(self, path):
        if self.total_steps == 25:  # the exit save after Ctrl-C at step 25: Ctrl-C again while it writes
            raise KeyboardInterrupt
        return real_save(self, path)

    monkeypatch.setattr(Agent, "save", save)
    assert train_main(args, observers=[Interrupt(25)]) == 130
    err = capsys.readouterr().err
    assert "interrupted at step 25" in err and "checkpoint saved" not in err
    assert "the checkpoint of step 25 was NOT saved" in err and "holds step 20" in err
    assert checkpoint.read(run / "checkpoint.npz")[0]["total_steps"] == 20


def test_ctrl_c_while_starting_exits_cleanly(tmp_path, capsys, monkeypatch):
    def interrupted(config, env):
        raise KeyboardInterrupt  # Ctrl-C while TensorFlow loads

    monkeypatch.setattr(train, "build_agent", interrupted)
    assert train_main(["pong", "--out", str(tmp_path / "run"), *TINY]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and "interrupted before the run started" in err


def test_corrupt_files_on_resume_and_play_are_one_line(tmp_path, capsys):
    run = tmp_path / "run"
    assert train_main(["pong", "--out", str(run), "--steps", "40", *TINY]) == 0
    capsys.readouterr()
    config = (run / "config.json").read_text()
    good = (run / "checkpoint.npz").read_bytes()

    (run / "checkpoint.npz").write_bytes(good[: len(good) // 2])
    assert train_main(["pong", "--out", str(run), "--steps", "80", "--resume"]) == 2
    one_clear_line(capsys, "not a valid checkpoint")
    assert play_main([str(run)]) == 2
    one_clear_line(capsys, "course play:", "not a valid checkpoint")

    (run / "checkpoint.npz").write_bytes(good)
    for text, words in (("{not json", "is not a valid run configuration"),
                        (json.dumps({"game": "pong"}), "missing or of the wrong type"),
                        (config.replace('"seed": 0', '"seed": -1'), "seed=-1 is not valid"),
                        (config.replace('"gamma": 0.99', '"gamma": 7'), "gamma=7 is out of range")):
        (run / "config.json").write_text(text)
        assert train_main(["pong", "--out", str(run), "--steps", "80", "--resume"]) == 2
        one_clear_line(capsys, "course train:", words)
        assert play_main([str(run)]) == 2
        one_clear_line(capsys, "course play:", words)


@pytest.mark.parametrize("argv, words", [
    (["--episodes", "0"], "--episodes 0 is not valid"),
    (["--max-steps", "0"], "--max-steps 0 is not valid"),
    (["--epsilon", "nan"], "--epsilon nan is out of range"),
    (["--video", "out.txt"], "has no video suffix"),
])
def test_bad_play_arguments_are_one_line(tmp_path, capsys, argv, words):
    assert play_main([str(tmp_path), *argv]) == 2
    one_clear_line(capsys, "course play:", words)


def test_ctrl_c_while_the_command_loads_exits_cleanly(capsys, monkeypatch):
    from course import cli

    def loading(rest):
        raise KeyboardInterrupt  # Ctrl-C during `from . import train` (TensorFlow, ALE)

    monkeypatch.setattr(train, "train_main", loading)
    assert cli.main(["train", "pong", "--out", "x"]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err and "course train: interrupted" in err
